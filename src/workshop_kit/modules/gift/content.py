"""The gift's content: the plan a participant writes and the feedback a partner gives."""

from __future__ import annotations

from pydantic import Field

from workshop_kit.content import Slug, Text, _check_unique, _Located, _Model


class GiftField(_Model):
    id: Slug
    label: Text
    prompt: Text
    min_chars: int = Field(ge=0)


class Content(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    plan: list[GiftField] = Field(min_length=1)
    feedback: list[GiftField] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)

    @property
    def plan_exercise(self) -> str:
        return f"{self.exercise}_plan"

    def feedback_exercise(self, for_whom: str) -> str:
        """Store exercise of the feedback a partner writes on `for_whom`'s plan."""
        return f"{self.exercise}_feedback:{for_whom}"



def check(content: Content, located: _Located, path: str) -> None:
    """Field ids are unique within the plan and within the feedback."""
    for part in ("plan", "feedback"):
        ids = [((part, i, "id"), f.id) for i, f in enumerate(getattr(content, part))]
        _check_unique(located, ids, f"{part} field")
