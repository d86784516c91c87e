"""The wrap-up in the cockpit: commitments, and the trust profile again (charted like the
morning's)."""

from __future__ import annotations

from typing import Any

from workshop_kit import analysis, charts
from workshop_kit.cockpit import CockpitExercise

from .forms import morning_profile


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.exercise, "Commitments"),
            CockpitExercise(content.trust_after.exercise, "Trust profile again")]


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    if key != content.trust_after.exercise:
        return None
    _, morning = morning_profile(day, module_id)
    return charts.trust_profile(analysis.trust_scores(answers, morning),
                                morning.scale.min, morning.scale.max)
