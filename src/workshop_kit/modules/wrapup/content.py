"""The wrap-up's content: dated commitments and the morning's trust statements again."""

from __future__ import annotations

from pydantic import Field

from workshop_kit.content import RatingForm, SituationPrompt, Slug, Text, _Model


class CommitmentRules(_Model):
    prompt: Text
    max: int = Field(ge=1, le=10)
    within_days: int = Field(ge=1, le=365)
    min_chars: int = Field(ge=0)


class TrustAgain(_Model):
    exercise: Slug
    prompt: Text
    min_chars: int = Field(ge=0)
    max_chars: int = Field(ge=1, le=20000)


class Content(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    commitments: CommitmentRules
    trust_after: TrustAgain
    debrief: list[Text] = Field(min_length=1)

    def trust_content(self, checkin: RatingForm) -> RatingForm:
        """The check-in's statements again, saved under this module's own exercise name."""
        rule = self.trust_after
        return checkin.model_copy(update={
            "exercise": rule.exercise,
            "situation": SituationPrompt(prompt=rule.prompt, min_chars=rule.min_chars,
                                         max_chars=rule.max_chars)})

