"""The check-in in a participant's notebook: the trust profile, then the room's results."""

from __future__ import annotations

from typing import Any

from IPython.display import HTML

from workshop_kit.charts import SpecChart
from workshop_kit.session import ParticipantView
from workshop_kit.store import Store
from workshop_kit.widgets import RatingScaleForm


class TrustProfileForm(RatingScaleForm):
    """Self-rating on the four trust traits, plus a live client situation (the core
    rating-scale form, saved under the check-in's agenda id)."""

    def __init__(self, store: Store, cohort: str, participant: str, content: Any,
                 module: str = "checkin", **kwargs: Any):
        super().__init__(store, cohort, participant, content, module, **kwargs)


class Participant(ParticipantView):
    """`me.module(module_id)` for a check-in."""

    def trust_profile(self) -> TrustProfileForm:
        """Rate yourself on each trait's statements and name a live client situation."""
        return TrustProfileForm(self.store, self.cohort_id, self.participant_id, self.content,
                                self.module_id)

    def room_results(self) -> SpecChart | HTML:
        """The room's trust profile (means per trait, no names), once revealed."""
        return self._room_results(self.content.exercise)
