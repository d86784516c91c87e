"""The wrap-up's commitments form (its second trust profile is the core rating-scale form)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from workshop_kit.access import OPT_IN
from workshop_kit.errors import ContentError
from workshop_kit.widgets import AnswerForm

if TYPE_CHECKING:
    from workshop_kit.store import Store

    from .content import Content as WrapupContent


class CommitmentsForm(AnswerForm):
    """Up to `max` commitments, each with a date within `within_days` of today."""

    def __init__(self, store: Store, cohort: str, participant: str, content: WrapupContent,
                 module: str = "wrapup", today: date | None = None, **kwargs: Any):
        self.content = content
        self.today = today or date.today()
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        rules = self.content.commitments
        self.texts = [widgets.Text(placeholder=f"Commitment {i + 1}",
                                   layout=widgets.Layout(width="560px"))
                      for i in range(rules.max)]
        self.dates = [widgets.DatePicker(description="by", layout=widgets.Layout(width="220px"))
                      for _ in range(rules.max)]
        self.share = widgets.Checkbox(
            value=False, indent=False, layout=widgets.Layout(width="780px"),
            description="Share my commitments with the facilitator (shown to the room without "
                        "my name)")
        rows = [widgets.HBox([t, d]) for t, d in zip(self.texts, self.dates, strict=True)]
        return [widgets.HTML(f"<p>{html.escape(rules.prompt)}</p>"), *rows, self.share]

    def set(self, index: int, text: str, due: date | None) -> None:
        """Fill in commitment `index` (0-based): what the form's fields hold."""
        self.texts[index].value = text
        self.dates[index].value = due

    def value(self) -> dict[str, Any]:
        items = [{"text": t.value.strip(), "due": d.value.isoformat() if d.value else None}
                 for t, d in zip(self.texts, self.dates, strict=True)
                 if t.value.strip() or d.value]
        return {"commitments": items, OPT_IN: bool(self.share.value)}

    def restore(self, payload: dict[str, Any]) -> None:
        for i, item in enumerate(payload.get("commitments", [])[:len(self.texts)]):
            due = item.get("due")
            self.set(i, item.get("text", ""), date.fromisoformat(due) if due else None)
        self.share.value = payload.get(OPT_IN) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        rules = self.content.commitments
        items = payload["commitments"]
        if not items:
            return "Write at least one commitment, with a date."
        last = self.today + timedelta(days=rules.within_days)
        for n, item in enumerate(items, start=1):
            if len(item["text"]) < rules.min_chars:
                return (f"Commitment {n} needs at least {rules.min_chars} characters: say what "
                        "you will do.")
            if item["due"] is None:
                return f"Commitment {n} needs a date."
            due = date.fromisoformat(item["due"])
            if not self.today <= due <= last:
                return (f"Commitment {n} is dated {due:%d %b %Y}; choose a date from today to "
                        f"{last:%d %b %Y} (within {rules.within_days} days).")
        return None


def morning_profile(day: Any, module_id: str) -> tuple[str, Any]:
    """The agenda id and content of the rating scale this wrap-up asks again (the day's
    check-in): the nearest module before it on the agenda whose content has a scale and
    traits. ContentError when there is none."""
    ids = [line.id for line in day.agenda.modules]
    for earlier in reversed(ids[:ids.index(module_id)]):
        content = day.modules.get(earlier)
        if hasattr(content, "scale") and hasattr(content, "traits"):
            return earlier, content
    raise ContentError(f"module '{module_id}' asks this morning's trust statements again, but "
                       "no module before it on the agenda has a rating scale (a check-in); "
                       "add one before it")
