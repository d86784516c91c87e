"""What the response service lets a participant read of a fear-of-selling module beyond their
own answers: the rewrites colleagues shared, text only, never a name, and only once the
facilitator revealed the rewrite exercise and at least MIN_GROUP people wrote one.

The room's map of reluctance needs no rule of its own: the core's `room_answers` gives a
participant a personal module's numbers without names once revealed (none below MIN_GROUP),
and the map is drawn from their aggregates (`room.reluctance_map`).

`participant_view(store, cohort, module_id, content, day, participant, view)` runs in the
service with the store itself; `view` is one of `VIEWS`. It returns JSON data, or None while
the exercise is hidden.
"""

from __future__ import annotations

from typing import Any

from workshop_kit.errors import AccessError

from .room import shared_rewrites

SHARED_REWRITES = "shared_rewrites"
VIEWS = (SHARED_REWRITES,)


def participant_view(store: Any, cohort: str, module_id: str, content: Any, day: Any,
                     participant: str, view: str) -> Any:
    """[{moment, rewrite}] of the shared rewrites (sorted by text, no names), None while the
    facilitator has not revealed them."""
    if view not in VIEWS:
        raise AccessError(f"module '{module_id[:40]}' shows participants "
                          f"{', '.join(VIEWS)}, not '{str(view)[:40]}'")
    if not store.exercise_state(cohort, module_id, content.rewrite_exercise).revealed:
        return None
    frame = store.module_answers(cohort, module_id, content.rewrite_exercise)
    return shared_rewrites(frame, content).to_dict("records")
