"""The purpose sort's form: statements sorted into closing or exploring thinking."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from workshop_kit.widgets import AnswerForm

if TYPE_CHECKING:
    from workshop_kit.store import Store

    from .content import Content as PurposeContent


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
