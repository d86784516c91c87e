"""Plausible answers for every participant of a cohort, reproducible from a seed.

Used by `workshop-kit demo` and `run --simulate` to rehearse the day or to show the facilitator's
views before a real cohort arrives. Simulated answers are stored with source='simulated' and
never replace an answer that is already there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .content import CheckinContent, Content, Participant, PurposeContent, Simulation
from .store import Store

# Self-ratings of professionals lean high on credibility and reliability, lower on intimacy.
TRAIT_LEAN = {"credibility": 0.3, "reliability": 0.4, "intimacy": -0.5, "other_orientation": -0.2}


def _checkin(rng: random.Random, person: Participant, content: CheckinContent,
             sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    scale = content.scale
    ratings = {}
    for trait_id, item in content.items():
        raw = traits["baseline"] + TRAIT_LEAN[trait_id] + rng.gauss(0, 0.7)
        ratings[item.id] = max(scale.min, min(scale.max, round(raw)))
    options = sim.situations.get(person.practice_area) or [
        s for options in sim.situations.values() for s in options
    ]
    return {"ratings": ratings, "situation": rng.choice(options)}


def _purpose(rng: random.Random, person: Participant, content: PurposeContent,
             sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    placements = {}
    for statement in content.statements:
        pull = sim.misplace_pull.get(statement.id, 0.2)
        chance = min(0.95, pull * (1.4 - traits["exploring"]))
        other = "exploring" if statement.thinking == "closing" else "closing"
        placements[statement.id] = other if rng.random() < chance else statement.thinking
    return {"placements": placements}


SIMULATORS: dict[str, Callable[..., dict[str, Any]]] = {
    "checkin": _checkin,
    "purpose": _purpose,
}


def simulate(
    store: Store,
    cohort_id: str,
    cohort_date: str,
    participants: list[Participant],
    content: Content,
    sim: Simulation,
    seed: int = 1,
    modules: list[str] | None = None,
) -> int:
    """Write a simulated answer for every participant and module that has none yet.

    Returns how many answers were written. The same seed gives the same answers and times.
    """
    wanted = modules or [m.id for m in content.agenda.modules]
    start = datetime.fromisoformat(f"{cohort_date}T{content.agenda.starts_at}").replace(tzinfo=UTC)
    offsets: dict[str, int] = {}
    minutes = 0
    for module in content.agenda.modules:
        offsets[module.id] = minutes
        minutes += module.minutes
    written = 0
    for person in participants:
        person_rng = random.Random(f"{seed}:{person.id}")
        traits = {"baseline": person_rng.uniform(2.6, 4.1), "exploring": person_rng.random()}
        for module_id in wanted:
            make = SIMULATORS.get(module_id)
            if make is None:
                continue
            module_content = content.modules[module_id]
            exercise = module_content.exercise
            if store.latest_answer(cohort_id, person.id, module_id, exercise) is not None:
                continue
            rng = random.Random(f"{seed}:{person.id}:{module_id}")
            payload = make(rng, person, module_content, sim, traits)
            when = start + timedelta(minutes=offsets[module_id] + rng.uniform(8, 25))
            store.submit(cohort_id, person.id, module_id, exercise, payload,
                         submitted_at=when, source="simulated")
            written += 1
    return written
