"""The role-play's rules in the service: the seller of a round, and nobody else, reads what
that round's observers noted and the buyer's reflection (`roleplay_feedback`), from the groups
`workshop-kit build` published (`groups`)."""

import random
from typing import Any

from workshop_kit.access import Call, RuleView
from workshop_kit.errors import AccessError

from .answers import GROUPS_EXERCISE

ROUND_FIELDS = ("round", "group", "script")  # a reflection's own fields: not for the seller


def roleplay_feedback(view: RuleView, round_no: int) -> dict[str, Any]:
    """For the seller of round `round_no` only: what the round's observers noted (note,
    checklist, seller's share of talk) and the buyer's reflection, as the groups build
    published say who observed and who bought. {"observations": [...], "reflection": {...} or
    None}; observers come in no fixed order, without names."""
    published = view.record(GROUPS_EXERCISE)
    groups = published.get("groups", []) if published else []
    planned = next((r for g in groups if view.who in g.get("members", [])
                    for r in g.get("rounds", []) if r.get("round") == round_no), None)
    if planned is None or planned.get("seller") != view.who:
        raise AccessError(
            f"participant '{view.who}' is not the seller of role-play round {round_no}; only "
            "that round's seller reads its observers' notes and the buyer's reflection")
    store, cohort, module = view.store, view.cohort, view.module
    exercise = view.content.exercise if view.content is not None else module
    observations = []
    for observer in planned.get("observers", []):
        answer = store.latest_answer(cohort, observer, module,
                                     f"{exercise}_observation_r{round_no}")
        if answer is not None:
            p = answer.payload
            observations.append({"note": p.get("note", ""),
                                 "checklist": p.get("checklist", {}),
                                 "seller_share": p.get("seller_share")})
    random.SystemRandom().shuffle(observations)
    buyer = planned.get("buyer")
    answer = store.latest_answer(cohort, buyer, module, f"{exercise}_reflection_r{round_no}") \
        if isinstance(buyer, str) else None
    reflection = None
    if answer is not None:
        reflection = {k: v for k, v in answer.payload.items() if k not in ROUND_FIELDS}
    return {"observations": observations, "reflection": reflection}


PARTICIPANT_CALLS = {"roleplay_feedback": Call(roleplay_feedback, {"round_no": (int, True)})}

