"""The drill's build: which case each participant votes on, published for the service.

Everybody votes on the case they worked, unless nobody else works it (see
`content.drill_vote_cases`); the store keeps the choice as the facilitator's answer so the
service lets someone alone on their case vote on another. The build's notes say who is alone.
"""

from __future__ import annotations

from pathlib import Path

from workshop_kit.cohort import BuildInput, ModulePlan

from .answers import VOTE_CASES_EXERCISE
from .content import CASES_DIR, drill_vote_cases


def plan(given: BuildInput) -> ModulePlan:
    areas = {p.id: p.practice_area for p in given.cohort.participants}
    votes, notes = drill_vote_cases(given.day, areas)
    return ModulePlan(
        records={VOTE_CASES_EXERCISE: {"cases": votes}} if votes else {},
        notes=notes,
        files=sorted(f"{CASES_DIR}/{Path(c.path).name}" for c in given.day.cases.values()),
    )
