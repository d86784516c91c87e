"""The story module in a participant's notebook: the answer to rewrite and the rewrite (with
what the kit notices), colleagues' shared rewrites with a note on each, the notes on one's own.
What a participant may read is the service's rule (`rules`); these views show what it gives."""

from __future__ import annotations

import html

from IPython.display import HTML

from workshop_kit.errors import WorkshopKitError
from workshop_kit.session import ParticipantView

from .calls import NOTES_RECEIVED, PEER_REWRITES
from .forms import NoteForm, PeerReading, RewriteForm, notes_html

__all__ = ["NoteForm", "Participant", "PeerReading", "RewriteForm"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a story module."""

    def rewrite(self) -> RewriteForm:
        """The answer of this participant's practice area (else the default) to rewrite."""
        pitch = self.content.pitch_id(self.session.practice_area)
        return RewriteForm(self.store, self.cohort_id, self.participant_id, self.content,
                           pitch, module=self.module_id)

    def peer_reading(self) -> PeerReading:
        """Colleagues' shared rewrites (no names, not one's own), a note on each."""
        return PeerReading(self.store, self.cohort_id, self.participant_id, self.content,
                           self.module_id, read=lambda: self.store.rule(
                               self.cohort_id, PEER_REWRITES, module=self.module_id))

    def notes_received(self) -> HTML:
        """What colleagues noted on this participant's rewrite, without their names."""
        try:
            received = self.store.rule(self.cohort_id, NOTES_RECEIVED,
                                       module=self.module_id)
        except WorkshopKitError as exc:
            return HTML(f"<p><i>{html.escape(str(exc))}</i></p>")
        return HTML(notes_html(self.content, received))
