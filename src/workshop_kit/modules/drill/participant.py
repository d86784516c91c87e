"""The problem-definition drill in a participant's notebook: the case of their practice area,
then the vote on colleagues' definitions."""

from __future__ import annotations

from workshop_kit.session import ParticipantView

from .forms import DrillForm, PeerVoteForm

__all__ = ["DrillForm", "Participant", "PeerVoteForm"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a drill."""

    def case(self) -> DrillForm:
        """The case of this participant's practice area: questions, then the definition."""
        return DrillForm(self.store, self.cohort_id, self.participant_id, self.content,
                         self.day.case_for(self.session.practice_area), module=self.module_id)

    def peer_vote(self) -> PeerVoteForm:
        """The cohort's definitions of the same case, anonymous; vote for the clearest. Alone
        on a case, the case the service says to vote on instead (see README, the drill)."""
        own = self.day.case_for(self.session.practice_area)
        voting = self.store.vote_case(self.cohort_id, module=self.module_id)
        case = self.day.cases.get(voting, own) if voting else own
        return PeerVoteForm(self.store, self.cohort_id, self.participant_id, self.content,
                            case, module=self.module_id, own_case=own)
