"""The role-play in the facilitator's notebook: how each script ended, talk time against the
outcome, what observers ticked and buyers wrote, the paths taken and the points to debrief."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorView
from workshop_kit.tables import projector_table


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a role-play."""

    def _roleplay(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        answers = self.answers()
        return (analysis.roleplay_paths(answers, self.content, self.day.scripts),
                analysis.roleplay_observations(answers, self.content))

    def _rounds(self) -> pd.DataFrame:
        return analysis.roleplay_rounds(*self._roleplay())

    def outcomes_chart(self) -> alt.Chart:
        paths, _ = self._roleplay()
        return charts.roleplay_outcomes(paths, dict(self.content.outcomes))

    def paths(self) -> pd.DataFrame:
        """The paths sellers took through each script (the choices, in order), most taken first."""
        paths, _ = self._roleplay()
        return projector_table(analysis.common_paths(paths).set_index(["title", "path"]),
                               words=["path"])

    def buyer_reflections(self) -> pd.DataFrame:
        """What the buyers wrote after each round (how it felt, what built or cost trust),
        without names: to ask the room about, not to point at anyone."""
        table = analysis.buyer_reflections(self.answers(), self.content, self.day.scripts)
        return table.set_index(["round", "title"])

    def talk_share_chart(self) -> alt.Chart:
        return charts.talk_share(self._rounds(), dict(self.content.outcomes))

    def talk_share_table(self) -> pd.DataFrame:
        """The seller's share of talk time for each outcome (rounds an observer timed)."""
        table = analysis.talk_share_by_outcome(self._rounds(), self.content)
        return projector_table(table.set_index("outcome_label"))

    def checklist_chart(self) -> alt.Chart:
        _, observations = self._roleplay()
        return charts.checklist(analysis.checklist_results(observations, self.content))

    def debrief_points(self, top: int = 5) -> pd.DataFrame:
        """The endings reached most often, and the point to make about each."""
        paths, _ = self._roleplay()
        return projector_table(analysis.common_endings(paths, top).set_index(["title", "ending"]),
                               words=["ending"])
