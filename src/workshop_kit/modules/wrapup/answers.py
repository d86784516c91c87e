"""The wrap-up's answers: commitments with dates, and the morning's trust profile again.

The profile again takes its statements and scale from the rating form this module asks again
(`content.form_asked_again`: the nearest `RatingForm` before it, the check-in's), through the
shared rating-scale model of `workshop_kit.answers`; no other module type is imported."""

from typing import Any

from pydantic import Field, create_model

from workshop_kit.answers import OPT_IN, Bool, IsoDate, Shape, Spec, free_text, rating_profile

from .content import form_asked_again

COMMITMENT_CHARS = 500  # one commitment


class _Situation:
    def __init__(self, min_chars: int, max_chars: int):
        self.min_chars, self.max_chars = min_chars, max_chars


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    rules = content.commitments

    class Commitment(Shape):
        text: free_text(max(rules.min_chars, 1), COMMITMENT_CHARS)
        due: IsoDate

    model = create_model("Commitments", __base__=Shape, commitments=(
        list[Commitment], Field(min_length=1, max_length=rules.max)), **{OPT_IN: (Bool, None)})
    specs = {content.exercise: Spec(model)}
    rated = form_asked_again(day, module_id)
    if rated is not None:
        again = content.trust_after
        specs[again.exercise] = rating_profile(
            "TrustProfileAgain", rated.scale, [item.id for _trait, item in rated.items()],
            _Situation(again.min_chars, again.max_chars))
    return specs
