"""The drill in the cockpit: questions asked, definitions and votes (charted in the module's
notebook, where the definitions can be read beside them)."""

from __future__ import annotations

from typing import Any

from workshop_kit.cockpit import CockpitExercise


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.questions_exercise, "Questions asked"),
            CockpitExercise(content.definition_exercise, "Problem definitions"),
            CockpitExercise(content.vote_exercise, "Peer votes")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    return None
