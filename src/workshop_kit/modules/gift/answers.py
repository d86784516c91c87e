"""The risky gift's answers: the plan, feedback on a partner's plan
(`<exercise>_feedback:<partner id>`); and the pairs `workshop-kit build` publishes (`pairs`,
the facilitator's)."""

from typing import Any

from pydantic import Field

from workshop_kit.answers import (
    BOT,
    MAX_GROUPS,
    Bad,
    Id,
    Refused,
    Shape,
    Spec,
    clip,
    free_text,
    id_like,
    keyed,
    per_content,
)
from workshop_kit.store import FACILITATOR

PAIRS_EXERCISE = "pairs"  # the facilitator's record: {"groups": [[ids]]}
GIFT_CHARS = 1_000  # each field of a gift plan or of partner feedback


def _pairs() -> Spec:
    class Pairs(Shape):
        groups: list[list[Id]] = Field(min_length=1, max_length=MAX_GROUPS)

    def check(pairs: Pairs) -> None:
        seen: set[str] = set()
        for g, group in enumerate(pairs.groups):
            if not 1 <= len(group) <= 3:
                raise Bad(("groups", g), f"has {len(group)} people, must have 1 to 3 (a pair, "
                          "a trio, or one person the facilitator partners)")
            for i, person in enumerate(group):
                if person in seen or person in (FACILITATOR, BOT):
                    raise Bad(("groups", g, i), f"is '{person}', who is already in a group "
                              "or not a participant; each participant is in one group")
                seen.add(person)

    return Spec(Pairs, check, facilitator=True)


def feedback_prefix(content: Any) -> str:
    """What a feedback exercise's name starts with; the plan's owner follows it."""
    return f"{content.exercise}_feedback:"


@per_content
def _feedback(module_id: str, content: Any, day: Any) -> Spec:
    return Spec(keyed("GiftFeedback", {f.id: free_text(f.min_chars, GIFT_CHARS)
                                       for f in content.feedback}))


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    plan = keyed("GiftPlan", {f.id: free_text(f.min_chars, GIFT_CHARS) for f in content.plan})
    return {content.plan_exercise: Spec(plan), PAIRS_EXERCISE: _pairs()}


def answer_for(module_id: str, exercise: str, content: Any, day: Any,
               participant: str) -> Spec | None:
    prefix = feedback_prefix(content)
    if not exercise.startswith(prefix):
        return None
    partner = exercise[len(prefix):]
    if not id_like(partner):
        raise Refused(f"'{clip(partner)}' is not a participant id; use {prefix}<your "
                      "partner's id>")
    if partner == participant:
        raise Refused("this is feedback on your own plan; write feedback on your partner's "
                      "plan")
    return _feedback(module_id, content, day)


def patterns(module_id: str, content: Any, day: Any) -> list[str]:
    return [f"{feedback_prefix(content)}<partner id>"]
