"""Simulated answers for `run --simulate` and the demo: ratings that lean the way a room of
professionals tends to (talking money and hearing no weigh most), and a dreaded moment with
its rewrite drawn from the simulation material's `fear` section (data/simulation.yaml), which
most people share."""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workshop_kit.content import Text

OPT_IN = "share_with_facilitator"  # the kit's one opt-in key (workshop_kit.answers.OPT_IN)
SHARE_CHANCE = 0.65
SECTION = "fear"  # the section of data/simulation.yaml this type reads


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    moment: Text
    rewrite: Text


class Material(BaseModel):
    """The `fear` section of data/simulation.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # how much each source (by id) tends to hold people back, -1 (little) to 1 (a lot)
    lean: dict[str, float] = {}
    rewrites: list[Pair] = Field(default_factory=list)


def material(sim: Any) -> Material:
    """This type's section of the simulation material (empty when there is none)."""
    section = getattr(sim, SECTION, None)
    if section is None:
        section = (getattr(sim, "model_extra", None) or {}).get(SECTION)
    if section is None and isinstance(getattr(sim, "sections", None), dict):
        section = sim.sections.get(SECTION)
    if isinstance(section, Material):
        return section
    return Material.model_validate(section or {})


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


def simulate(ctx: Any, rng: random.Random, person: Any, content: Any,
             module_id: str = "") -> list[tuple[str, dict[str, Any], float]]:
    """(exercise, payload, minutes into the module) for one participant: the ratings, then
    the rewrite (shared by most; whether is drawn apart, from the person and module)."""
    found = material(ctx.sim)
    explorer = ctx.traits[person.id]["exploring"]
    answers = [(content.sources_exercise,
                {"ratings": ratings(rng, content, found.lean, explorer)},
                rng.uniform(5, 10))]
    pairs = list(found.rewrites)
    if not pairs and content.rewrite.example is not None:
        pairs = [Pair(moment=content.rewrite.example.moment,
                      rewrite=content.rewrite.example.rewrite)]
    if pairs:
        pair = rng.choice(pairs)
        share = random.Random(f"{person.id}:{module_id or SECTION}:share").random() \
            < SHARE_CHANCE
        answers.append((content.rewrite_exercise,
                        {"moment": pair.moment.strip(), "rewrite": pair.rewrite.strip(),
                         OPT_IN: share},
                        rng.uniform(14, 24)))
    return answers
