"""The check-in in the cockpit: one exercise, charted as the room's trust profile."""

from __future__ import annotations

from typing import Any

from workshop_kit import analysis, charts
from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.exercise, "Trust profile")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    scale = content.scale
    return charts.trust_profile(analysis.trust_scores(answers, content), scale.min, scale.max)
