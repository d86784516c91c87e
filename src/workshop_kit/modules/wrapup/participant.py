"""The wrap-up in a participant's notebook: commitments, then this morning's trust statements
again (the core rating-scale form, saved under this module's own exercise)."""

from __future__ import annotations

from workshop_kit.session import ParticipantView
from workshop_kit.widgets import RatingScaleForm

from .forms import CommitmentsForm, morning_profile

__all__ = ["CommitmentsForm", "Participant"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a wrap-up."""

    def commitments(self) -> CommitmentsForm:
        """Up to three commitments for the next 30 days, each with a date."""
        return CommitmentsForm(self.store, self.cohort_id, self.participant_id, self.content,
                               module=self.module_id)

    def trust_profile_again(self) -> RatingScaleForm:
        """This morning's trust statements again, saved apart from the morning's answers."""
        _, morning = morning_profile(self.day, self.module_id)
        return RatingScaleForm(self.store, self.cohort_id, self.participant_id,
                               self.content.trust_content(morning), self.module_id)
