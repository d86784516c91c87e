"""Simulated sorts: each statement lands on its side, except where it tempts people to the
other one (simulation.yaml's pull), more so for those who explore less."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from workshop_kit.content import Participant
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput


class Material(_Material):
    """How tempting it is to put each statement on the other side (0: nobody does)."""

    misplace_pull: dict[str, float] = Field(default_factory=dict)


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content = given.content
    explorer = given.traits[person.id]["exploring"]
    placements = {}
    for statement in content.statements:
        pull = given.material.misplace_pull.get(statement.id, 0.2)
        chance = min(0.95, pull * (1.4 - explorer))
        other = "exploring" if statement.thinking == "closing" else "closing"
        placements[statement.id] = other if rng.random() < chance else statement.thinking
    return [(content.exercise, {"placements": placements}, rng.uniform(8, 25))]
