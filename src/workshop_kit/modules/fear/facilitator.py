"""Fear of selling in the facilitator's notebook: the room's map of reluctance (aggregates of
at least MIN_GROUP people, never one person's ratings) and the rewrites their authors chose to
share, without names. An unshared rewrite reaches this view as no text at all (the service
keeps only the numbers of a personal module's unshared answers)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from workshop_kit.analysis import MIN_GROUP
from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.tables import projector_table

from .room import answered, map_chart, map_rows, reluctance_map, shared_rewrites


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a fear-of-selling module."""

    def _map(self) -> pd.DataFrame:
        return reluctance_map(self.answers(self.content.sources_exercise), self.content)

    def progress(self) -> HTML:
        """How many have rated, written a rewrite, and shared it."""
        rated = answered(self.answers(self.content.sources_exercise),
                         self.content.sources_exercise)
        rewrites = self.answers(self.content.rewrite_exercise)
        wrote = answered(rewrites, self.content.rewrite_exercise)
        shared = len(shared_rewrites(rewrites, self.content, min_group=0))
        return HTML(f"<p><b>{rated}</b> participant(s) have rated the sources; <b>{wrote}</b> "
                    f"have rewritten a moment, and <b>{shared}</b> chose to share it.</p>")

    def map_chart(self) -> alt.Chart:
        """Where the room's reluctance comes from: each source's mean and how many gave
        each rating (groups of at least three)."""
        return map_chart(self._map(), self.content)

    def map_table(self) -> pd.DataFrame:
        """Per source, strongest first: participants, mean, how many rated it high."""
        table = self._map()
        if table.empty:
            return projector_table(pd.DataFrame(
                {"note": [f"Shown once at least {MIN_GROUP} people have rated."]}))
        return projector_table(map_rows(table, self.content).set_index("source"))

    def reframes(self) -> pd.DataFrame:
        """Each source and another way to see it, strongest in the room first."""
        order = list(self._map()["source"])
        order += [s.id for s in self.content.sources if s.id not in order]
        return projector_table(pd.DataFrame(
            [{"source": self.content.source(s).label, "another way to see it":
              self.content.source(s).reframe} for s in order]).set_index("source"))

    def shared_rewrites(self) -> pd.DataFrame:
        """The dreaded moments and rewrites shared with the room, without names."""
        spec = self.content.rewrite
        table = shared_rewrites(self.answers(self.content.rewrite_exercise), self.content)
        return projector_table(table.rename(columns={"moment": spec.moment.label,
                                                     "rewrite": spec.rewrite.label}))

    def debrief_questions(self) -> HTML:
        return numbered(self.content.debrief)
