"""The dilemma in a participant's notebook: the four small trade-offs, the live rounds and
the strategy builder."""

from __future__ import annotations

from IPython.display import HTML

from workshop_kit.session import ParticipantView

from .forms import LiveRounds, StrategyBuilderForm, current_game, trade_offs_table

__all__ = ["LiveRounds", "Participant", "StrategyBuilderForm", "current_game"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a dilemma."""

    def trade_offs(self) -> HTML:
        """The salesperson's four small dilemmas: share or hold back."""
        return trade_offs_table(self.content)

    def live_rounds(self, poll_seconds: float = 2.0) -> LiveRounds:
        """The live game: buttons to share or hold back, the outcome, a running total."""
        return LiveRounds(self.store, self.cohort_id, self.participant_id, self.content,
                          poll_seconds=poll_seconds, module=self.module_id)

    def strategy_builder(self) -> StrategyBuilderForm:
        """Build a strategy without code and enter it in the cohort tournament."""
        return StrategyBuilderForm(self.store, self.cohort_id, self.participant_id,
                                   self.content, module=self.module_id)
