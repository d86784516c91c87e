"""Simulated answers for `run --simulate` and the demo: ratings that lean the way a room of
professionals tends to (the `lean` of this type's section of data/simulation.yaml: talking
money and hearing no weigh most), and a dreaded moment with its rewrite drawn from the
section's `rewrites` (the content's example when there are none), which most people share."""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workshop_kit.content import Participant, Text
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

OPT_IN = "share_with_facilitator"  # the kit's one opt-in key (workshop_kit.answers.OPT_IN)
SHARE_CHANCE = 0.65


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    moment: Text
    rewrite: Text


class Material(_Material):
    """This type's section of data/simulation.yaml."""

    # how much each source (by id) tends to hold people back, -1 (little) to 1 (a lot)
    lean: dict[str, float] = Field(default_factory=dict)
    rewrites: list[Pair] = Field(default_factory=list)


def ratings(rng: random.Random, content: Any, lean: dict[str, float],
            explorer: float) -> dict[str, int]:
    """One rating per source: the source's lean, less for people who already see selling as
    exploring with the client, plus noise, on the content's scale."""
    scale = content.scale
    middle = (scale.min + scale.max) / 2
    spread = (scale.max - scale.min) / 2
    given = {}
    for source in content.sources:
        raw = middle + spread * (lean.get(source.id, 0.0) - 0.6 * (explorer - 0.5))
        raw += rng.gauss(0, 0.8)
        given[source.id] = max(scale.min, min(scale.max, round(raw)))
    return given


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    """(exercise, payload, minutes into the module) for one participant: the ratings, then
    the rewrite (shared by most; whether is drawn apart, from the person and module id)."""
    content = given.content
    material = given.material or Material()
    explorer = given.traits[person.id]["exploring"]
    answers = [(content.sources_exercise,
                {"ratings": ratings(rng, content, material.lean, explorer)},
                rng.uniform(5, 10))]
    pairs = list(material.rewrites)
    if not pairs and content.rewrite.example is not None:
        pairs = [Pair(moment=content.rewrite.example.moment,
                      rewrite=content.rewrite.example.rewrite)]
    if pairs:
        pair = rng.choice(pairs)
        share = random.Random(f"{person.id}:{given.module_id}:share").random() < SHARE_CHANCE
        answers.append((content.rewrite_exercise,
                        {"moment": pair.moment.strip(), "rewrite": pair.rewrite.strip(),
                         OPT_IN: share},
                        rng.uniform(14, 24)))
    return answers
