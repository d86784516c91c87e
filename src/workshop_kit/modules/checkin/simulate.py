"""Simulated check-ins: self-ratings around each person's baseline, and a client situation.

Professionals tend to rate themselves high on credibility and reliability and lower on
intimacy; most share their situation with the facilitator.
"""

from __future__ import annotations

import random
from typing import Annotated, Any

from pydantic import Field, field_validator

from workshop_kit.access import OPT_IN
from workshop_kit.content import PRACTICE_AREAS, Participant
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

# Self-ratings of professionals lean high on credibility and reliability, lower on intimacy.
Text = Annotated[str, Field(min_length=1)]
TRAIT_LEAN = {"credibility": 0.3, "reliability": 0.4, "intimacy": -0.5, "other_orientation": -0.2}


class Material(_Material):
    """Client situations people name, by practice area."""

    situations: dict[str, list[Text]] = Field(default_factory=dict)

    @field_validator("situations")
    @classmethod
    def _known_areas(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = [area for area in value if area not in PRACTICE_AREAS]
        if unknown:
            raise ValueError(f"'{unknown[0]}' is not a practice area; use one of: "
                             f"{', '.join(PRACTICE_AREAS)}")
        return value


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content = given.content
    traits = given.traits[person.id]
    scale = content.scale
    ratings = {}
    for trait_id, item in content.items():
        raw = traits["baseline"] + TRAIT_LEAN.get(trait_id, 0.0) + rng.gauss(0, 0.7)
        ratings[item.id] = max(scale.min, min(scale.max, round(raw)))
    situations = given.material.situations
    options = situations.get(person.practice_area) or [
        s for options in situations.values() for s in options]
    # without material (a type copied under a new name), the prompt stands in for a situation
    situation = rng.choice(options) if options else content.situation.prompt
    # Most people share their situation with the facilitator; drawn apart from the main
    # sequence so that older seeds still give the same ratings and situations.
    share = random.Random(f"{person.id}:share").random() < 0.7
    payload = {"ratings": ratings, "situation": situation, OPT_IN: share}
    return [(content.exercise, payload, rng.uniform(8, 25))]
