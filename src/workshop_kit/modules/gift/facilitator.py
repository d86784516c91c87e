"""The risky gift in the facilitator's notebook: the gallery of plans (no names) and the
debrief."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workshop_kit import analysis
from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.tables import projector_table


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a risky gift."""

    def gallery(self) -> pd.DataFrame:
        """Every gift plan, without names, and how much partner feedback each received."""
        return projector_table(analysis.gift_gallery(self.answers(), self.content))

    def debrief(self) -> HTML:
        return numbered(self.content.debrief)
