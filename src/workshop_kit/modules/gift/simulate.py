"""Simulated gifts: a plan from the practice area's material, and feedback on each partner's
plan (the partners the build published, else the day's pairings for this module)."""

from __future__ import annotations

import random
from typing import Annotated, Any

from pydantic import Field

from workshop_kit.content import Participant
from workshop_kit.rotation import make_pairings
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput
from workshop_kit.store import FACILITATOR

from .answers import PAIRS_EXERCISE

Text = Annotated[str, Field(min_length=1)]


class Material(_Material):
    """Plans people might bring (by practice area), and feedback lines by feedback field."""

    plans: dict[str, list[dict[str, Text]]] = Field(default_factory=dict)
    feedback: dict[str, list[Text]] = Field(default_factory=dict)


def _pairs(given: SimInput) -> list[tuple[str, ...]]:
    if "pairs" not in given.memo:
        published = given.record(PAIRS_EXERCISE)
        if published is not None:
            pairs = [tuple(g) for g in published.get("groups", [])]
        elif len(given.people) >= 2:
            pairings = make_pairings(list(given.people), len(given.day.agenda.modules))
            pairs = [tuple(p for p in g if p != FACILITATOR)
                     for g in pairings.rounds[given.position()]]
        else:
            pairs = []
        given.memo["pairs"] = pairs
    return given.memo["pairs"]


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content = given.content
    material = given.material
    options = material.plans.get(person.practice_area) or [
        p for plans in material.plans.values() for p in plans]
    if not options:
        return []
    chosen = rng.choice(options)
    plan = {f.id: chosen.get(f.id, "") for f in content.plan}
    answers = [(content.plan_exercise, plan, rng.uniform(10, 22))]
    group = next((g for g in _pairs(given) if person.id in g), ())
    for partner in sorted(set(group) - {person.id}):
        feedback = {f.id: rng.choice(material.feedback.get(f.id) or [f.prompt])
                    for f in content.feedback}
        answers.append((content.feedback_exercise(partner), feedback, rng.uniform(26, 38)))
    return answers
