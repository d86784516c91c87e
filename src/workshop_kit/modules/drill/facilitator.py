"""The drill in the facilitator's notebook: the cases, the questions the room asked, the
definitions side by side with their votes (no names), the expert readings and the debrief."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
from IPython.display import HTML

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.tables import projector_table


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a drill."""

    def _definitions(self) -> pd.DataFrame:
        table = analysis.drill_definitions(self.answers(), self.content, self.day.cases,
                                           self.store.definition_keys(self.cohort_id,
                                                                      module=self.module_id))
        table["label"] = [f"Definition {i + 1}" for i in table.groupby("case").cumcount()]
        return table

    def cases(self) -> pd.DataFrame:
        """Each case: its practice area, what the client said, and how many defined it."""
        table = self._definitions()
        counts = table.groupby("case").size() if not table.empty else pd.Series(dtype=int)
        rows = [{"case": c.title, "practice area": c.practice_area,
                 "client says": c.stated_problem, "definitions": int(counts.get(c.id, 0))}
                for c in self.day.cases.values()]
        return projector_table(pd.DataFrame(rows).set_index("case"), words=["practice area"])

    def definitions(self) -> pd.DataFrame:
        """The definitions side by side, per case, most voted first, without names; how many
        revealed facts each mentions (a word match) and how many an expert draws on."""
        table = self._definitions()
        return projector_table(table[["title", "label", "definition", "votes", "asked",
                                      "facts_used", "expert_used"]].set_index(["title", "label"])
                               .rename_axis(["case", "definition no."]))

    def votes_chart(self) -> alt.Chart:
        return charts.drill_votes(self._definitions())

    def _question_yield(self) -> pd.DataFrame:
        return analysis.question_yield(self.answers(), self.content, self.day.cases)

    def questions_chart(self) -> alt.Chart:
        """The questions the room asked, coloured by how many expert facts each reveals."""
        return charts.question_yield(self._question_yield())

    def questions(self) -> pd.DataFrame:
        """Per case, the questions that reveal most first: asked by how many, and how many
        of those who asked used what it revealed."""
        return projector_table(self._question_yield().set_index(["title", "question"])
                               .drop(columns="case").rename_axis(["case", "question"]))

    def expert_readings(self) -> HTML:
        """Each case's stated problem, the expert reading and the traps, for the debrief."""
        parts = []
        for case in self.day.cases.values():
            traps = "".join(f"<li>{html.escape(t)}</li>" for t in case.traps)
            parts.append(f"<h4>{html.escape(case.title)}</h4><p><b>Client says:</b> "
                         f"{html.escape(case.stated_problem)}</p><p><b>Expert reading:</b> "
                         f"{html.escape(case.expert_reading)}</p><ul>{traps}</ul>")
        return HTML("".join(parts))

    def debrief(self) -> HTML:
        return numbered(self.content.debrief)
