"""The purpose sort in the cockpit: one exercise, charted as the room's sort."""

from __future__ import annotations

from typing import Any

from workshop_kit import analysis, charts
from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.exercise, "Sort the statements")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    placements = analysis.purpose_placements(answers, content)
    return charts.purpose_sort(analysis.purpose_results(placements, content),
                               dict(content.categories))
