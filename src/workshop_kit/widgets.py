"""Participant widgets (ipywidgets) bound to the response store.

Each form restores the participant's latest answer when it opens, checks the answer before it
writes, and shows a clear message in the widget if something goes wrong, keeping what was typed.
Every button action is a method too (`form.submit()`), so tests need no browser.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import traitlets

from .content import CheckinContent, PurposeContent
from .errors import WorkshopKitError
from .store import Store


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
        self.observe(self._show_status, names="status")
        fields = self._build()
        self.children = [*fields, self.button, self.message]
        self._load_previous()

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
            return
        if answer is None:
            self._say("Not submitted yet.", "muted")
            return
        self.restore(answer.payload)
        self.version = answer.version
        when = answer.submitted_at.strftime("%H:%M")
        self._say(f"Your answer from {when} is loaded (version {answer.version}).", "muted")
        self._after_save(answer.payload)

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
        except WorkshopKitError as exc:
            self._say(f"Not saved: {exc}. Your answer is still here; press Submit to retry.",
                      "error")
            return False
        self.version = answer.version
        again = " (replaces your earlier answer)" if answer.version > 1 else ""
        self._say(f"Saved at {answer.submitted_at.strftime('%H:%M:%S')}{again}.")
        self._after_save(payload)
        return True


class TrustProfileForm(AnswerForm):
    """Self-rating on the four trust traits, plus a live client situation."""

    def __init__(self, store: Store, cohort: str, participant: str, content: CheckinContent,
                 module: str = "checkin", **kwargs: Any):
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
        parts += [
            widgets.HTML(f"<h4>{html.escape(self.content.situation.prompt)}</h4>"),
            self.situation,
        ]
        return parts

    def value(self) -> dict[str, Any]:
        return {
            "ratings": {item_id: s.value for item_id, s in self.sliders.items()},
            "situation": self.situation.value.strip(),
        }

    def restore(self, payload: dict[str, Any]) -> None:
        for item_id, rating in payload.get("ratings", {}).items():
            if item_id in self.sliders and isinstance(rating, int):
                self.sliders[item_id].value = rating
        self.situation.value = payload.get("situation", "")

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


class PurposeSortForm(AnswerForm):
    """Sort statements into 'always be closing' or 'always be exploring' thinking."""

    def __init__(self, store: Store, cohort: str, participant: str, content: PurposeContent,
                 module: str = "purpose", **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        labels = self.content.categories
        self.choices: dict[str, widgets.ToggleButtons] = {}
        rows: list[widgets.Widget] = []
        for statement in self.content.statements:
            toggle = widgets.ToggleButtons(
                options=[(labels["closing"], "closing"), (labels["exploring"], "exploring")],
                value=None,
                style={"button_width": "170px"},
            )
            self.choices[statement.id] = toggle
            text = widgets.HTML(f"<b>{html.escape(statement.text)}</b>")
            rows.append(widgets.VBox([text, toggle], layout=widgets.Layout(margin="0 0 8px 0")))
        self.feedback = widgets.HTML()
        return [*rows, self.feedback]

    def value(self) -> dict[str, Any]:
        return {
            "placements": {sid: t.value for sid, t in self.choices.items() if t.value is not None}
        }

    def restore(self, payload: dict[str, Any]) -> None:
        for sid, placed in payload.get("placements", {}).items():
            if sid in self.choices and placed in ("closing", "exploring"):
                self.choices[sid].value = placed

    def check(self, payload: dict[str, Any]) -> str | None:
        left = len(self.choices) - len(payload["placements"])
        if left:
            return f"{left} statement(s) still to sort; choose a side for each one."
        return None

    def _after_save(self, payload: dict[str, Any]) -> None:
        placements = payload.get("placements", {})
        different = [s for s in self.content.statements
                     if placements.get(s.id) not in (None, s.thinking)]
        if not different:
            self.feedback.value = (
                "<p>You sorted every statement the way the kit reads it.</p>"
            )
            return
        items = "".join(
            f"<li><b>{html.escape(s.text)}</b><br>The kit reads this as "
            f"<i>{html.escape(self.content.categories[s.thinking])}</i>: {html.escape(s.why)}</li>"
            for s in different
        )
        self.feedback.value = (
            f"<p>You read {len(different)} statement(s) differently from the kit. "
            f"Worth a second look:</p><ul>{items}</ul>"
        )
