"""Fear of selling in a participant's notebook: rate the sources of reluctance, read another
way to see the strongest, rewrite a dreaded moment, then the room's map and shared rewrites."""

from __future__ import annotations

import html

from IPython.display import HTML

from workshop_kit.charts import SpecChart
from workshop_kit.session import ParticipantView

from .forms import RewriteForm, SourcesForm, reframes_html
from .room import REWRITE_COLUMNS
from .rules import SHARED_REWRITES

__all__ = ["Participant", "RewriteForm", "SourcesForm"]


def rewrites_html(rows: list[dict[str, str]], labels: tuple[str, str]) -> str:
    """Shared moments and rewrites as HTML, one block each, without names."""
    if not rows:
        return ("<p><i>Nobody has shared a rewrite yet (or fewer than three people have "
                "written one): run this cell again in a moment.</i></p>")
    return "".join(
        f"<blockquote><p><i>{html.escape(labels[0])}:</i> {html.escape(r['moment'])}</p>"
        f"<p><i>{html.escape(labels[1])}:</i> {html.escape(r['rewrite'])}</p></blockquote>"
        for r in rows)


class Participant(ParticipantView):
    """`me.module(module_id)` for a fear-of-selling module."""

    def sources(self) -> SourcesForm:
        """Rate how much each source of reluctance holds you back; nobody sees your ratings."""
        return SourcesForm(self.store, self.cohort_id, self.participant_id, self.content,
                           self.module_id)

    def reframes(self) -> HTML:
        """Another way to see the sources you rated strongest (run again after Submit)."""
        answer = self.store.latest_answer(self.cohort_id, self.participant_id, self.module_id,
                                          self.content.sources_exercise)
        return HTML(reframes_html(self.content, answer.payload.get("ratings")
                                  if answer else None))

    def rewrite(self) -> RewriteForm:
        """A sales moment you dread, rewritten as a moment of client service."""
        return RewriteForm(self.store, self.cohort_id, self.participant_id, self.content,
                           self.module_id)

    def room_results(self) -> SpecChart | HTML:
        """The room's map of reluctance (aggregates of three or more people), once revealed."""
        return self._room_results(self.content.sources_exercise)

    def shared_rewrites(self) -> HTML:
        """The rewrites colleagues chose to share, without names, once revealed."""
        rows = self.store.rule(self.cohort_id, SHARED_REWRITES, module=self.module_id)
        if rows is None:
            return HTML("<p><i>The facilitator will reveal the shared rewrites soon: run this "
                        "cell again then.</i></p>")
        spec = self.content.rewrite
        return HTML(rewrites_html([{k: r[k] for k in REWRITE_COLUMNS} for r in rows],
                                  (spec.moment.label, spec.rewrite.label)))
