"""What is selling for? in a participant's notebook: the sort, then the room's results."""

from __future__ import annotations

from IPython.display import HTML

from workshop_kit.charts import SpecChart
from workshop_kit.session import ParticipantView

from .forms import PurposeSortForm

__all__ = ["Participant", "PurposeSortForm"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a purpose sort."""

    def sort(self) -> PurposeSortForm:
        """Sort each statement into 'always be closing' or 'always be exploring' thinking."""
        return PurposeSortForm(self.store, self.cohort_id, self.participant_id, self.content,
                               self.module_id)

    def room_results(self) -> SpecChart | HTML:
        """How the room sorted each statement (no names), once revealed."""
        return self._room_results(self.content.exercise)
