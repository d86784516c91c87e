"""What is selling for? in the facilitator's notebook: how the room sorted each statement and
the statements most often read the other way."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorView
from workshop_kit.tables import projector_table


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a purpose sort."""

    def _placements(self) -> pd.DataFrame:
        return analysis.purpose_placements(self.answers(self.content.exercise), self.content)

    def chart(self) -> alt.Chart:
        """How the room sorted each statement."""
        results = analysis.purpose_results(self._placements(), self.content)
        return charts.purpose_sort(results, dict(self.content.categories))

    def misplaced_chart(self) -> alt.Chart:
        return charts.misplaced(analysis.misplaced_statements(self._placements(), self.content))

    def misplaced_statements(self, top: int = 5) -> pd.DataFrame:
        table = analysis.misplaced_statements(self._placements(), self.content)
        return projector_table(table.head(top)[["text", "expected", "misplaced", "sorted",
                                                "why"]].rename(columns={"text": "statement"}))
