"""The check-in in the facilitator's notebook: the room's trust profile and the situations
shared with the facilitator (never individual ratings)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorView
from workshop_kit.tables import projector_table


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a check-in."""

    def _trust_scores(self) -> pd.DataFrame:
        return analysis.trust_scores(self.answers(self.content.exercise), self.content)

    def trust_profile_chart(self) -> alt.Chart:
        scale = self.content.scale
        return charts.trust_profile(self._trust_scores(), scale.min, scale.max)

    def trust_profile_summary(self) -> pd.DataFrame:
        """Per trait, weakest first: how many answered, the mean, the lowest and highest."""
        summary = analysis.trust_summary(self._trust_scores())
        return projector_table(summary.drop(columns="trait").set_index("label")
                               .rename_axis("trait"))

    def client_situations(self) -> pd.DataFrame:
        return projector_table(analysis.situations(self.answers(self.content.exercise)))
