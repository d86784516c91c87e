"""The wrap-up in the facilitator's notebook: the room's trust profile this morning and now
(means per trait, never individuals), the commitments people chose to share, the debrief."""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.tables import projector_table

from .forms import morning_profile


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a wrap-up."""

    def _trust_scores(self) -> pd.DataFrame:
        """This morning's ratings (the check-in's answers)."""
        morning_id, morning = morning_profile(self.day, self.module_id)
        answers = self.store.module_answers(self.cohort_id, morning_id, morning.exercise)
        return analysis.trust_scores(answers, morning)

    def _trust_after(self) -> pd.DataFrame:
        _, morning = morning_profile(self.day, self.module_id)
        answers = self.answers(self.content.trust_after.exercise)
        return analysis.trust_scores(answers, morning)

    def trust_before_after_chart(self) -> alt.Chart:
        """The room's mean self-rating per trait, this morning and now (never individuals)."""
        scale = morning_profile(self.day, self.module_id)[1].scale
        stages = analysis.trust_stages(self._trust_scores(), self._trust_after())
        return charts.trust_before_after(stages, scale.min, scale.max)

    def trust_change(self) -> pd.DataFrame:
        """Per trait: the room's mean this morning and now, and the change."""
        table = analysis.trust_change(self._trust_scores(), self._trust_after())
        return projector_table(table.drop(columns="trait").set_index("label")
                               .rename_axis("trait"))

    def commitments_shared(self) -> pd.DataFrame:
        """Commitments of those who chose to share them, without names, by date."""
        exercise = self.content.exercise
        return projector_table(analysis.commitments(self.answers(exercise), exercise))

    def debrief(self) -> HTML:
        return numbered(self.content.debrief)
