"""The fear-of-selling module in the cockpit: the ratings, charted as the room's map of
reluctance (aggregates of at least MIN_GROUP people), and the rewrites (counted only: their
text is read in the module's notebook, and only when shared)."""

from __future__ import annotations

from typing import Any

from workshop_kit.cockpit import CockpitExercise

from .room import map_chart, reluctance_map


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.sources_exercise, "Where reluctance comes from"),
            CockpitExercise(content.rewrite_exercise, "A dreaded moment, rewritten")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    """The map of reluctance for the ratings; None for the rewrites (no chart of text)."""
    if key != content.sources_exercise:
        return None
    return map_chart(reluctance_map(answers, content), content)
