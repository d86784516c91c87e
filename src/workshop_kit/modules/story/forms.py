"""The story module's widgets: the rewrite (with what the kit notices in it, as you type), and
colleagues' shared rewrites with a short note on each.

Every button is a method too (`form.submit()`, `reading.refresh()`), so tests need no browser.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workshop_kit.errors import WorkshopKitError
from workshop_kit.widgets import AnswerForm

from .answers import SHARE
from .content import Content
from .feedback import describe
from .words import quoted


def noticed_html(content: Content, lines: list[str]) -> str:
    """The observations on a text, as a list under the feedback's introduction."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (f"<p><b>What the kit notices</b> — <i>{html.escape(content.feedback.intro)}</i></p>"
            f"<ul>{items}</ul>")


class RewriteForm(AnswerForm):
    """The pitch to rewrite, a box for the rewrite, the choice to share it with colleagues
    (anonymously), and the kit's observations on the text, updated as it is typed."""

    def __init__(self, store: Any, cohort: str, participant: str, content: Content,
                 pitch_id: str, module: str, **kwargs: Any):
        self.content, self.pitch_id = content, pitch_id
        self.pitch = content.pitches[pitch_id]
        super().__init__(store, cohort, participant, module, content.rewrite_exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        rewrite = self.content.rewrite
        hints = "".join(f"<li>{html.escape(h)}</li>" for h in rewrite.hints)
        self.text = widgets.Textarea(placeholder=rewrite.prompt,
                                     layout=widgets.Layout(width="780px", height="160px"))
        self.share = widgets.Checkbox(value=False, indent=False, description=rewrite.share_label,
                                      layout=widgets.Layout(width="780px"))
        self.noticed = widgets.HTML()
        self.text.observe(lambda _change: self.notice(), names="value")
        self.notice()
        return [widgets.HTML(f"<p><b>The meeting:</b> {html.escape(self.pitch.setting)}</p>"
                             "<p><b>The answer you would usually hear:</b></p>"
                             + quoted(self.pitch.pitch)
                             + f"<p>{html.escape(rewrite.prompt)}</p>"
                             + (f"<ul>{hints}</ul>" if hints else "")),
                self.text, self.share, self.noticed]

    def write(self, text: str, share: bool | None = None) -> None:
        """Type the rewrite (and tick or untick sharing): what a participant does."""
        self.text.value = text
        if share is not None:
            self.share.value = share

    def observations(self) -> list[str]:
        """What the kit notices in the text as it stands (plain sentences, no score)."""
        return describe(self.text.value, self.content.feedback, self.pitch.pitch)

    def notice(self) -> None:
        """Show the observations on the text as it stands."""
        if not self.text.value.strip():
            self.noticed.value = ""
            return
        self.noticed.value = noticed_html(self.content, self.observations())

    def value(self) -> dict[str, Any]:
        return {"pitch": self.pitch_id, "text": self.text.value.strip(),
                SHARE: bool(self.share.value)}

    def restore(self, payload: dict[str, Any]) -> None:
        if isinstance(payload.get("text"), str):
            self.text.value = payload["text"]
        self.share.value = payload.get(SHARE) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        rules = self.content.rewrite
        size = len(payload["text"])
        if size < rules.min_chars:
            return (f"Your rewrite needs at least {rules.min_chars} characters (you have "
                    f"{size}): say it as you would in the meeting.")
        if size > rules.max_chars:
            return (f"Your rewrite has {size} characters; keep it under {rules.max_chars}, as "
                    "you would in a meeting.")
        return None


class NoteForm(AnswerForm):
    """A short note on one colleague's rewrite (shown under its anonymous key)."""

    def __init__(self, store: Any, cohort: str, participant: str, content: Content, key: str,
                 module: str, **kwargs: Any):
        self.content, self.key = content, key
        super().__init__(store, cohort, participant, module, content.note_exercise(key),
                         **kwargs)
        self.button.description = "Leave the note"

    def _build(self) -> list[widgets.Widget]:
        self.text = widgets.Textarea(placeholder=self.content.peer.note_prompt,
                                     layout=widgets.Layout(width="780px", height="60px"))
        return [self.text]

    def write(self, text: str) -> None:
        self.text.value = text

    def value(self) -> dict[str, Any]:
        return {"note": self.text.value.strip()}

    def restore(self, payload: dict[str, Any]) -> None:
        if isinstance(payload.get("note"), str):
            self.text.value = payload["note"]

    def check(self, payload: dict[str, Any]) -> str | None:
        peer, size = self.content.peer, len(payload["note"])
        if size < peer.note_min_chars:
            return (f"A note needs at least {peer.note_min_chars} characters (you have {size}): "
                    "say what worked for you.")
        if size > peer.note_max_chars:
            return f"Keep the note under {peer.note_max_chars} characters (you have {size})."
        return None


class PeerReading(widgets.VBox):
    """Colleagues' shared rewrites, without names, each with a note form; `refresh()` reads
    them again (more arrive as colleagues submit). What may be read is the service's rule:
    this widget only shows what it is given."""

    def __init__(self, store: Any, cohort: str, participant: str, content: Content,
                 module: str, read: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.participant = store, cohort, participant
        self.content, self.module, self._read = content, module, read
        self.entries: list[dict[str, str]] = []
        self.notes: dict[str, NoteForm] = {}
        self.listing = widgets.VBox()
        self.message = widgets.HTML()
        self.refresh_button = widgets.Button(description="Show new rewrites", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.children = [widgets.HTML(f"<p>{html.escape(content.peer.intro)}</p>"),
                         self.refresh_button, self.message, self.listing]
        self.refresh()

    def refresh(self) -> None:
        """Read the shared rewrites again; notes already typed stay where they are."""
        try:
            entries = self._read()
        except WorkshopKitError as exc:
            self.message.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            self.entries, self.listing.children = [], []
            return
        self.entries = entries
        self.message.value = ("" if entries else
                              f"<p><i>{html.escape(self.content.peer.none_yet)}</i></p>")
        parts: list[widgets.Widget] = []
        for n, entry in enumerate(entries, start=1):
            key = entry["key"]
            if key not in self.notes:
                self.notes[key] = NoteForm(self.store, self.cohort, self.participant,
                                           self.content, key, self.module)
            parts += [widgets.HTML(f"<h4>Rewrite {n}</h4>" + quoted(entry["text"])),
                      self.notes[key]]
        self.listing.children = parts

    def note(self, number: int, text: str) -> bool:
        """Write and leave a note on rewrite `number` (1 for the first shown)."""
        form = self.notes[self.entries[number - 1]["key"]]
        form.write(text)
        return form.submit()


def notes_html(content: Content, received: dict[str, Any]) -> str:
    """The notes colleagues left on one's own rewrite (texts only), and whether it is shared."""
    peer = content.peer
    notes = received.get("notes") or []
    parts = [f"<p>{html.escape(peer.received_intro)}</p>"]
    parts += [quoted(note) for note in notes] or [
        f"<p><i>{html.escape(peer.received_none)}</i></p>"]
    if not received.get("shared"):
        parts.append(f"<p><i>{html.escape(peer.not_shared)}</i></p>")
    return "".join(parts)
