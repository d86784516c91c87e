"""The risky gift in the cockpit: plans, and feedback on partners' plans."""

from __future__ import annotations

from typing import Any

from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.plan_exercise, "Gift plans"),
            CockpitExercise(f"{content.exercise}_feedback", "Partner feedback")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    return None
