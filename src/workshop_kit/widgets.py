"""The building blocks of participant forms (ipywidgets) bound to the response service.

A module's own forms live in its folder (`workshop_kit/modules/<type>/`) and are made of these:
`AnswerForm` (Submit, the saved/not-saved messages, drafts, the note on a form whose kernel is
gone), `RatingScaleForm` (statements rated on a scale, plus a free text), `TextFieldsForm`
(labelled text areas with minimum lengths), `Poller` and `clock_text`.

Each form restores the participant's latest answer when it opens, checks the answer before it
writes, and shows a clear message in the widget if something goes wrong, keeping what was typed.
Every button action is a method too (`form.submit()`), so tests need no browser.
"""

from __future__ import annotations

import contextlib
import html
import threading
from typing import Any

import ipywidgets as widgets
import traitlets

from . import modules
from .access import OPT_IN
from .errors import ExerciseLockedError, WorkshopKitError
from .store import FACILITATOR, Store

LOCKED_MESSAGE = ("The facilitator has closed this exercise, so your answer was not saved. "
                  "It is still here: show it to your neighbour or the facilitator.")
LOST_MESSAGE = ("The connection to this form was lost — choose Run → Run All Cells; your typed "
                "text is kept.")
# Shown only when the front end marks the form's view as disconnected (ipywidgets adds
# `jupyter-widgets-disconnected` to every view of a model whose kernel restarted or died): a
# live form shows nothing, a dead one says so in words instead of broken-link icons alone.
LOST_HTML = (
    "<style>.workshop-kit-lost{display:none}"
    ".jupyter-widgets-disconnected .workshop-kit-lost{display:block;padding:6px 10px;"
    "margin:4px 0;border-left:4px solid #b71c1c;background:#fdecea;color:#b71c1c;"
    "font-weight:bold}"
    ".workshop-kit-lost-host{min-height:0!important;margin:0!important}</style>"
    f'<div class="workshop-kit-lost" role="alert">{html.escape(LOST_MESSAGE)}</div>')
# The same words when the page was reloaded after the kernel restarted: JupyterLab then shows
# "Error displaying widget: model not found" in the form's place (its output element gets the
# class `jupyter-widgets`, which a live form's output element never has: the form's own view
# inside it has it); this note, the output after the form's, shows only then (`:has()`).
GONE_HTML = (
    "<style>.workshop-kit-gone{display:none}"
    ".jp-OutputArea:has(.jp-OutputArea-output.jupyter-widgets) "
    ".workshop-kit-gone{display:block;padding:6px 10px;border-left:4px solid #b71c1c;"
    "background:#fdecea;color:#b71c1c;font-weight:bold}</style>"
    f'<div class="workshop-kit-gone" role="alert">{html.escape(LOST_MESSAGE)}</div>')
DRAFT_SECONDS = 1.5  # after the last keystroke, what was typed is kept as a draft
# The widgets whose value is "what was typed or chosen" (not the form's own texts).
_INPUTS = (widgets.Text, widgets.Textarea, widgets.Combobox)


def _descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    found, stack = [], list(getattr(widget, "children", ()))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(getattr(child, "children", ()))
    return found


class AnswerForm(widgets.VBox):
    """Base: an exercise form that saves to the store and restores the latest answer."""

    status = traitlets.Unicode("", help="The last message shown under the form.")
    version = traitlets.Int(0, help="Version of the latest saved answer (0 = none yet).")

    def __init__(
        self,
        store: Store,
        cohort: str,
        participant: str,
        module: str,
        exercise: str,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.store = store
        self.cohort, self.participant, self.module, self.exercise = (
            cohort,
            participant,
            module,
            exercise,
        )
        self.button = widgets.Button(description="Submit", button_style="primary", icon="check")
        self.button.on_click(lambda _button: self.submit())
        self.message = widgets.HTML()
        # the note on a dead form, at its top and next to Submit (a long form scrolls)
        self.lost, lost_top = widgets.HTML(LOST_HTML), widgets.HTML(LOST_HTML)
        for note in (self.lost, lost_top):
            note.add_class("workshop-kit-lost-host")
        self.observe(self._show_status, names="status")
        self._timer: threading.Timer | None = None
        self._kept: dict[str, Any] | None = None  # the last payload saved or kept as a draft
        self._unreachable = False  # the earlier answer could not be loaded (nor the draft)
        self._answered_at: Any = None  # when the loaded answer was saved (a datetime)
        fields = self._build()
        self.children = [lost_top, *fields, self.button, self.lost, self.message]
        self._load_previous()
        self._load_draft()
        for child in _descendants(self):
            if isinstance(child, _INPUTS):
                child.observe(self._typed, names="value")

    def _ipython_display_(self) -> None:
        """The form, then the note a reloaded page shows in place of a form whose kernel
        restarted (hidden otherwise)."""
        from IPython.display import HTML, display  # noqa: PLC0415 (heavy or optional: imported when used)

        display(self._repr_mimebundle_(), raw=True)
        display(HTML(GONE_HTML))

    # -- to implement ----------------------------------------------------------------------
    def _build(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def value(self) -> dict[str, Any]:
        """The answer as it stands in the widget (the payload that would be saved)."""
        raise NotImplementedError

    def restore(self, payload: dict[str, Any]) -> None:
        """Put a saved payload back into the widget."""
        raise NotImplementedError

    def check(self, payload: dict[str, Any]) -> str | None:
        """A message if the answer cannot be saved yet, else None."""
        return None

    def _after_save(self, payload: dict[str, Any]) -> None:
        """Hook: feedback shown once an answer is saved."""

    # -- shared behaviour ------------------------------------------------------------------
    def _show_status(self, change: dict[str, Any]) -> None:
        self.message.value = change["new"]

    def _say(self, text: str, kind: str = "info") -> None:
        colour = {"info": "#1b5e20", "error": "#b71c1c", "muted": "#555"}[kind]
        self.status = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _load_previous(self) -> None:
        try:
            answer = self.store.latest_answer(
                self.cohort, self.participant, self.module, self.exercise
            )
        except WorkshopKitError as exc:
            self._say(f"Could not load your earlier answer: {exc}", "error")
            self._unreachable = True
            return
        if answer is None:
            self._say("Not submitted yet.", "muted")
            return
        self.restore(answer.payload)
        self.version = answer.version
        self._kept, self._answered_at = answer.payload, answer.submitted_at
        when = answer.submitted_at.strftime("%H:%M")
        self._say(f"Your answer from {when} is loaded (version {answer.version}).", "muted")
        self._after_save(answer.payload)

    # -- drafts: typed, not submitted, kept by the service for this participant only ---------
    @property
    def _drafts(self) -> bool:
        return self.participant != FACILITATOR and hasattr(self.store, "draft")

    def _load_draft(self) -> None:
        """Put back what was typed and not submitted (a kernel restart, Run All again), if it
        is newer than the latest answer."""
        if not self._drafts or self._unreachable:
            return
        try:
            draft = self.store.draft(self.cohort, self.participant, self.module, self.exercise)
        except WorkshopKitError as exc:
            self._say(f"Could not load what you typed earlier: {exc}", "error")
            return
        if draft is None:
            return
        if self._answered_at is not None and self._answered_at >= draft["saved_at"]:
            return
        try:
            self.restore(draft["payload"])
        except (AttributeError, KeyError, TypeError, ValueError):
            # a draft is what the form sent itself; one it cannot read back is left aside
            self._say("What you typed earlier could not be put back into this form.", "muted")
            return
        self._kept = draft["payload"]
        self._say(f"What you typed at {draft['saved_at'].strftime('%H:%M')} is back; it is not "
                  "submitted yet: press Submit to save it.", "muted")

    def _typed(self, _change: dict[str, Any]) -> None:
        if not self._drafts:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(DRAFT_SECONDS, self.save_draft)
        self._timer.daemon = True
        self._timer.start()

    def save_draft(self) -> bool:
        """Keep what is typed in the form as this participant's draft (what typing does,
        after a pause); returns True if a draft was written."""
        if not self._drafts:
            return False
        payload = self.value()
        if payload == self._kept:
            return False
        try:
            self.store.save_draft(self.cohort, self.participant, self.module, self.exercise,
                                  payload)
        except WorkshopKitError as exc:
            self._say(f"What you typed is only in this page for now: {exc}", "muted")
            return False
        self._kept = payload
        self._say("What you typed is kept (not submitted yet).", "muted")
        return True

    def _drop_draft(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if not self._drafts:
            return
        # if this fails, the saved answer is newer than the draft: it is not shown again
        with contextlib.suppress(WorkshopKitError):
            self.store.save_draft(self.cohort, self.participant, self.module, self.exercise,
                                  None)

    def submit(self) -> bool:
        """Check and save the answer; returns True if it was saved."""
        payload = self.value()
        problem = self.check(payload)
        if problem:
            self._say(problem, "error")
            return False
        try:
            answer = self.store.submit(
                self.cohort, self.participant, self.module, self.exercise, payload
            )
        except ExerciseLockedError:
            self._say(LOCKED_MESSAGE, "error")
            return False
        except WorkshopKitError as exc:
            self._say(f"Not saved: {exc}. Your answer is still here; press Submit to retry.",
                      "error")
            return False
        self.version = answer.version
        self._kept = payload
        self._drop_draft()
        again = " (replaces your earlier answer)" if answer.version > 1 else ""
        self._say(f"Saved at {answer.submitted_at.strftime('%H:%M:%S')}{again}.")
        self._after_save(payload)
        return True


class RatingScaleForm(AnswerForm):
    """Statements rated on a scale, grouped under questions (the trust traits), plus a free
    text (a live client situation) and a tick to share it. `content` gives `exercise`,
    `scale` (min, max, low_label, high_label), `traits` (question, items of id and text) and
    `situation` (prompt, min_chars, max_chars): the check-in's content, or the wrap-up's
    second profile made from it."""

    def __init__(self, store: Store, cohort: str, participant: str, content: Any,
                 module: str, **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        scale = self.content.scale
        self.sliders: dict[str, widgets.IntSlider] = {}
        parts: list[widgets.Widget] = [
            widgets.HTML(
                f"<p><i>{html.escape(str(scale.min))} = {html.escape(scale.low_label)}, "
                f"{scale.max} = {html.escape(scale.high_label)}</i></p>"
            )
        ]
        middle = (scale.min + scale.max) // 2
        for trait in self.content.traits:
            parts.append(widgets.HTML(f"<h4>{html.escape(trait.question)}</h4>"))
            for item in trait.items:
                slider = widgets.IntSlider(
                    value=middle,
                    min=scale.min,
                    max=scale.max,
                    description="",
                    continuous_update=False,
                    layout=widgets.Layout(width="260px"),
                )
                self.sliders[item.id] = slider
                label = widgets.HTML(html.escape(item.text),
                                     layout=widgets.Layout(width="520px"))
                parts.append(widgets.HBox([label, slider]))
        self.situation = widgets.Textarea(
            placeholder="A few sentences…",
            layout=widgets.Layout(width="780px", height="110px"),
        )
        self.share = widgets.Checkbox(
            value=False, indent=False,
            description="Share my answers with the facilitator (they may bring my client "
                        "situation to the room, without my name)",
            layout=widgets.Layout(width="780px"))
        parts += [
            widgets.HTML(f"<h4>{html.escape(self.content.situation.prompt)}</h4>"),
            self.situation,
            self.share,
        ]
        return parts

    def value(self) -> dict[str, Any]:
        return {
            "ratings": {item_id: s.value for item_id, s in self.sliders.items()},
            "situation": self.situation.value.strip(),
            OPT_IN: bool(self.share.value),
        }

    def restore(self, payload: dict[str, Any]) -> None:
        for item_id, rating in payload.get("ratings", {}).items():
            if item_id in self.sliders and isinstance(rating, int):
                self.sliders[item_id].value = rating
        self.situation.value = payload.get("situation", "")
        self.share.value = payload.get(OPT_IN) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        rule = self.content.situation
        length = len(payload["situation"])
        if length < rule.min_chars:
            return (
                f"Please describe your client situation in at least {rule.min_chars} characters "
                f"(you have {length})."
            )
        if length > rule.max_chars:
            return f"Your client situation is {length} characters; please keep it under " \
                   f"{rule.max_chars}."
        return None


class TextFieldsForm(AnswerForm):
    """A form of labelled text areas, one per content field, each with a minimum length."""

    fields_spec: list[Any]  # each with id, label, prompt and min_chars

    def _build(self) -> list[widgets.Widget]:
        self.areas: dict[str, widgets.Textarea] = {}
        parts: list[widgets.Widget] = list(self._header())
        for f in self.fields_spec:
            self.areas[f.id] = widgets.Textarea(
                placeholder=f.prompt, layout=widgets.Layout(width="780px", height="70px"))
            parts += [widgets.HTML(f"<b>{html.escape(f.label)}</b>: {html.escape(f.prompt)}"),
                      self.areas[f.id]]
        return parts

    def _header(self) -> list[widgets.Widget]:
        return []

    def fill(self, **texts: str) -> None:
        """Type into the fields by id (what a participant does)."""
        for key, text in texts.items():
            self.areas[key].value = text

    def value(self) -> dict[str, Any]:
        return {key: area.value.strip() for key, area in self.areas.items()}

    def restore(self, payload: dict[str, Any]) -> None:
        for key, area in self.areas.items():
            if isinstance(payload.get(key), str):
                area.value = payload[key]

    def check(self, payload: dict[str, Any]) -> str | None:
        for f in self.fields_spec:
            if len(payload.get(f.id, "")) < f.min_chars:
                return (f"'{f.label}' needs at least {f.min_chars} characters "
                        f"(you have {len(payload.get(f.id, ''))}).")
        return None


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class Poller:
    """Calls `refresh` every few seconds in a daemon thread until stopped."""

    def __init__(self, refresh: Any, seconds: float):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(refresh, seconds),
                                        daemon=True)
        self._thread.start()

    def _loop(self, refresh: Any, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                refresh()
            except Exception:  # a transient store error must not kill the loop
                continue

    def stop(self) -> None:
        self._stop.set()


def __getattr__(name: str) -> Any:
    """Older imports (`from workshop_kit.widgets import DrillForm`): a module's form is found
    in the participant or facilitator part of the module type that defines it."""
    if not name.startswith("_"):
        for kind in modules.registry().values():
            for part_name in ("participant", "facilitator"):
                part = kind.part(part_name)
                if part is not None and hasattr(part, name):
                    return getattr(part, name)
    raise AttributeError(f"module 'workshop_kit.widgets' has no attribute {name!r}")

