"""The wrap-up's content: dated commitments and the morning's trust statements again."""

from __future__ import annotations

from pydantic import Field

from workshop_kit.content import Content as DayContent
from workshop_kit.content import RatingForm, Slug, Text, TextPrompt, _Model


class CommitmentRules(_Model):
    prompt: Text
    max: int = Field(ge=1, le=10)
    within_days: int = Field(ge=1, le=365)
    min_chars: int = Field(ge=0)


class TrustAgain(TextPrompt):
    exercise: Slug


class Content(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    commitments: CommitmentRules
    trust_after: TrustAgain
    debrief: list[Text] = Field(min_length=1)

    def trust_content(self, form: RatingForm) -> RatingForm:
        """A module's rating form (the check-in's) again, saved under this module's own
        exercise name and with this module's prompt."""
        rule = self.trust_after
        return form.model_copy(update={
            "exercise": rule.exercise,
            "situation": TextPrompt(prompt=rule.prompt, min_chars=rule.min_chars,
                                    max_chars=rule.max_chars)})


def form_asked_again(day: DayContent, module_id: str) -> RatingForm | None:
    """The rating form the wrap-up `module_id` asks again: that of the nearest module before
    it on the agenda whose content is a `RatingForm` (the check-in on the default day); None
    when there is none."""
    ids = [m.id for m in day.agenda.modules]
    for earlier in reversed(ids[:ids.index(module_id)]):
        if isinstance(day.modules[earlier], RatingForm):
            return day.modules[earlier]
    return None
