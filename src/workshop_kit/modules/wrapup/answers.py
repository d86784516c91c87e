"""The wrap-up's answers: commitments with dates, and the morning's trust profile again.

The profile again takes its statements and scale from the nearest module before it whose
content has a rating scale of statements (the check-in), through the shared rating-scale
model of `workshop_kit.answers`; no other module type is imported."""

from typing import Any

from pydantic import Field, create_model

from workshop_kit.answers import OPT_IN, Bool, IsoDate, Shape, Spec, free_text, rating_profile

COMMITMENT_CHARS = 500  # one commitment


class _Situation:
    def __init__(self, min_chars: int, max_chars: int):
        self.min_chars, self.max_chars = min_chars, max_chars


def rated_module(module_id: str, day: Any) -> Any | None:
    """The rating form wrap-up `module_id` asks again: the content of the nearest module
    before it on the agenda with a rating scale of statements (a `scale` and `items()`: the
    check-in on the default day); None when there is none."""
    ids = [line.id for line in day.agenda.modules]
    for earlier in reversed(ids[:ids.index(module_id)]):
        found = day.modules.get(earlier)
        if hasattr(found, "scale") and callable(getattr(found, "items", None)):
            return found
    return None


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    rules = content.commitments

    class Commitment(Shape):
        text: free_text(max(rules.min_chars, 1), COMMITMENT_CHARS)
        due: IsoDate

    model = create_model("Commitments", __base__=Shape, commitments=(
        list[Commitment], Field(min_length=1, max_length=rules.max)), **{OPT_IN: (Bool, None)})
    specs = {content.exercise: Spec(model)}
    rated = rated_module(module_id, day)
    if rated is not None:
        again = content.trust_after
        specs[again.exercise] = rating_profile(
            "TrustProfileAgain", rated.scale, [item.id for _trait, item in rated.items()],
            _Situation(again.min_chars, again.max_chars))
    return specs
