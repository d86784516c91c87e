"""The dilemma in the cockpit: live moves and strategies entered (their charts are in the
module's notebook)."""

from __future__ import annotations

from typing import Any

from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise("move", "Live moves"),
            CockpitExercise(content.exercise, "Strategies entered")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    return None
