"""What the response service lets a participant read of a fear-of-selling module beyond their
own answers: the rewrites colleagues shared, text only, never a name, and only once the
facilitator revealed the rewrite exercise and at least MIN_GROUP people wrote one
(`shared_fear_rewrites`, a participant call of this module).

The room's map of reluctance needs no rule of its own: once it is revealed, the service draws
it (`room_results`: the cockpit's chart of the ratings, whose data are the aggregates of
`room.reluctance_map`, none below MIN_GROUP) and a participant receives only that chart.
"""

from __future__ import annotations

from typing import Any

from workshop_kit.access import Call, RuleView
from workshop_kit.errors import AccessError

from .room import shared_rewrites

SHARED_REWRITES = "shared_fear_rewrites"


def shared_fear_rewrites(view: RuleView) -> list[dict[str, Any]] | None:
    """[{moment, rewrite}] of the rewrites shared in this module (sorted by their text, no
    names, none until MIN_GROUP people wrote one); None while the facilitator has not
    revealed them."""
    content = view.content
    if content is None:
        raise AccessError(f"the service has no content for module '{view.module[:40]}'; "
                          "restart it with the cohort's content")
    store, cohort = view.store, view.cohort
    if not store.exercise_state(cohort, view.module, content.rewrite_exercise).revealed:
        return None
    frame = store.module_answers(cohort, view.module, content.rewrite_exercise)
    return shared_rewrites(frame, content).to_dict("records")


PARTICIPANT_CALLS = {SHARED_REWRITES: Call(shared_fear_rewrites)}
