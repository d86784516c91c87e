"""The risky gift's forms: the plan, and a partner's feedback on it."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from workshop_kit.errors import WorkshopKitError
from workshop_kit.names import lookup
from workshop_kit.widgets import TextFieldsForm

if TYPE_CHECKING:
    from workshop_kit.store import Store

    from .content import Content as GiftContent


class GiftPlanForm(TextFieldsForm):
    """Plan a risky gift for one real client: what, why them alone, the risk, the story."""

    def __init__(self, store: Store, cohort: str, participant: str, content: GiftContent,
                 module: str = "gift", **kwargs: Any):
        self.content, self.fields_spec = content, list(content.plan)
        super().__init__(store, cohort, participant, module, content.plan_exercise, **kwargs)


def gift_plan_html(content: GiftContent, payload: dict[str, Any] | None) -> str:
    """A saved plan as HTML (each field's label and text)."""
    if not payload:
        return "<p><i>No plan yet.</i></p>"
    return "".join(f"<p><b>{html.escape(f.label)}:</b> {html.escape(payload.get(f.id, ''))}</p>"
                   for f in content.plan)


class PartnerFeedbackForm(TextFieldsForm):
    """Read the plan of a partner in this module and write feedback on it (saved as this
    participant's answer, for the partner to read)."""

    def __init__(self, store: Any, cohort: str, participant: str, content: GiftContent,
                 partner: str, module: str = "gift", **kwargs: Any):
        self.content, self.partner, self.fields_spec = content, partner, list(content.feedback)
        self.plan_view = widgets.HTML()
        super().__init__(store, cohort, participant, module, content.feedback_exercise(partner),
                         **kwargs)

    def _header(self) -> list[widgets.Widget]:
        self.refresh()
        refresh = widgets.Button(description="Read the plan again", icon="refresh")
        refresh.on_click(lambda _b: self.refresh())
        name = lookup(self.store, self.cohort, [self.partner]).get(self.partner)
        whose = f"The plan of {html.escape(name)}" if name else "Your partner's plan"
        return [widgets.HTML(f"<h4>{whose}</h4>"), self.plan_view, refresh]

    def refresh(self) -> None:
        try:
            answer = self.store.from_gift_partner(self.cohort, self.partner,
                                                  self.content.plan_exercise,
                                                  self.content.plan_exercise,
                                                  module=self.module)
        except WorkshopKitError as exc:
            self.plan_view.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            return
        self.plan_view.value = gift_plan_html(self.content, answer.payload if answer else None)
