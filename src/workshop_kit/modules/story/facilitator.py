"""The story module in the facilitator's notebook: the answers the room started from, what
the kit counts in their rewrites against those (aggregates, never per person, never scores),
the rewrites shared with colleagues without names and the notes left on them, the debrief."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.tables import projector_table

from . import room
from .calls import REWRITE_KEYS
from .cockpit import feedback_chart


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a story module."""

    def _rewrites(self) -> pd.DataFrame:
        return room.rewrites(self.answers(self.content.rewrite_exercise), self.content)

    def pitches(self) -> HTML:
        """Each answer to rewrite (by practice area) with its meeting, and how many rewrote it."""
        table = self._rewrites()
        counts = table["pitch"].value_counts() if not table.empty else pd.Series(dtype=int)
        parts = []
        for pitch_id, pitch in self.content.pitches.items():
            n = int(counts.get(pitch_id, 0))
            title = "Default" if pitch_id == "default" else pitch_id.replace("_", " ").title()
            parts.append(f"<h4>{html.escape(title)} · {n} rewrite{'s' if n != 1 else ''}</h4>"
                         f"<p><i>{html.escape(pitch.setting)}</i></p>"
                         f"<p>{html.escape(pitch.pitch)}</p>")
        return HTML("".join(parts))

    def feedback_chart(self) -> Any:
        """The room's mean counts, in the answers they started from and in their rewrites."""
        return feedback_chart(self._rewrites(), self.content)

    def feedback_summary(self) -> pd.DataFrame:
        """The same in words, with how many rewrites ask a question or offer a sample."""
        table = room.summary(self._rewrites(), self.content)
        return projector_table(table.set_index("what the kit counts"))

    def shared_rewrites(self) -> pd.DataFrame:
        """The rewrites their authors shared with colleagues, without names, and the notes
        colleagues left on each, in the order of their text (nothing ranked)."""
        keys = self.store.rule(self.cohort_id, REWRITE_KEYS, module=self.module_id)
        table = room.shared(self._rewrites(), room.notes(self.answers(), self.content), keys)
        return projector_table(table.set_index("rewrite"))

    def debrief(self) -> HTML:
        return numbered(self.content.debrief)
