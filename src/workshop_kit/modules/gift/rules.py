"""The risky gift's rules in the service: partners read each other's plans and the feedback
on their own.

A participant may read the gift plan of the people they are paired with in this module, and
the feedback those partners wrote on their own plan (`from_gift_partner`); they write feedback
only on a partner's plan. The pairs are the ones `workshop-kit build` published to the store
(`pairs`), not whatever a notebook's parameters claim. Partners may read each other's names.
"""

from typing import Any

from workshop_kit.access import Call, RuleView
from workshop_kit.errors import AccessError

from .answers import PAIRS_EXERCISE

FEEDBACK_MARK = "_feedback:"  # feedback: '<gift exercise>_feedback:<whose plan>'
PLAN_SUFFIX = "_plan"


def gift_partners(view: RuleView) -> list[str]:
    """The people this participant is paired with in this module, as built."""
    pairs = view.record(PAIRS_EXERCISE)
    groups = pairs.get("groups", []) if pairs else []
    mine = next((g for g in groups if view.who in g), [])
    return [p for p in mine if p != view.who]


def from_gift_partner(view: RuleView, partner: str, exercise: str,
                      plan_exercise: str) -> Any:
    """A partner's plan (`plan_exercise`), or the feedback they wrote on this participant's
    plan (an exercise ending in ':<this participant>'); nothing else."""
    allowed = (exercise == plan_exercise and plan_exercise.endswith(PLAN_SUFFIX)) or \
        exercise.endswith(f"{FEEDBACK_MARK}{view.who}")
    if not allowed:
        raise AccessError(f"'{exercise[:40]}' is not something a gift partner shares with you")
    if partner not in gift_partners(view):
        raise AccessError(
            f"participant '{view.who}' is not paired with '{partner[:40]}' in the gift "
            "module; you can read only your own partner's plan")
    return view.store.latest_answer(view.cohort, partner, view.module, exercise)


def check_submit(view: RuleView, exercise: str, payload: dict[str, Any]) -> None:
    """Feedback goes only on the plan of someone this participant is paired with (as
    built): anyone else's plan is not shown to them, and their feedback would count in the
    facilitator's gallery as a partner's."""
    if FEEDBACK_MARK not in exercise:
        return
    target = exercise.rsplit(":", 1)[1]
    if target not in gift_partners(view):
        raise AccessError(
            f"participant '{view.who}' is not paired with '{target[:40]}' in the gift "
            "module; you can give feedback only on your own partner's plan")


def sees(view: RuleView) -> set[str]:
    """Whose names this participant may read because of this module: their partners."""
    return set(gift_partners(view))


PARTICIPANT_CALLS = {
    "gift_partners": Call(gift_partners),
    "from_gift_partner": Call(from_gift_partner, {"partner": (str, True),
                                                  "exercise": (str, True),
                                                  "plan_exercise": (str, True)}),
}

