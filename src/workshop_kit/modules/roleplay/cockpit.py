"""The role-play in the cockpit: the rounds taken together, per kind of sheet; the sellers'
paths charted by outcome, the observers' sheets by checklist item."""

from __future__ import annotations

from typing import Any

from workshop_kit import analysis, charts
from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    base = content.exercise
    return [CockpitExercise(f"{base}_path", "Scripts played (sellers)"),
            CockpitExercise(f"{base}_observation", "Observers' sheets"),
            CockpitExercise(f"{base}_reflection", "Buyers' reflections")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    if key.endswith("_path"):
        paths = analysis.roleplay_paths(answers, content, day.scripts)
        return charts.roleplay_outcomes(paths, dict(content.outcomes))
    if key.endswith("_observation"):
        observations = analysis.roleplay_observations(answers, content)
        return charts.checklist(analysis.checklist_results(observations, content))
    return None
