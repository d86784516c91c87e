"""Simulated answers of a story module, for `run --simulate` and the demo: each participant
rewrites the pitch of their practice area with a text from the simulation material
(`data/simulation.yaml`, section `story`), most share it, and those who share leave a note on
one or two colleagues' shared rewrites. The same seed gives the same answers.

The simulation runs on the trainer's machine with the store itself (like the drill's votes), so
it computes the anonymous keys the service would show (`rules.rewrite_key`).
"""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workshop_kit.content import PRACTICE_AREAS, Text, read_yaml, validate_model
from workshop_kit.errors import ContentError

from .answers import SHARE
from .content import DEFAULT, Content
from .keys import rewrite_key, secret_name

SECTION = "story"  # the section of data/simulation.yaml this module reads
SHARE_CHANCE = 0.75


class Material(BaseModel):
    """The `story` section of the simulation material."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rewrites: dict[str, list[Text]] = Field(min_length=1)
    notes: list[Text] = Field(min_length=1)


def load_material(data_dir: str | Path) -> Material:
    """The module's section of `<data_dir>/simulation.yaml`; ContentError naming file, line
    and field when it is missing or wrong."""
    located = read_yaml(Path(data_dir) / "simulation.yaml")
    data = located.data if isinstance(located.data, dict) else {}
    if SECTION not in data:
        raise ContentError(f"{located.path}:1: field '{SECTION}' is missing; add the story "
                           "module's simulated rewrites and notes")

    section = SimpleNamespace(path=located.path, data=data[SECTION],  # lines of the whole file
                              line_of=lambda loc: located.line_of((SECTION, *loc)))
    material = validate_model(Material, section, where=lambda loc: f"section '{SECTION}': ")
    for area in material.rewrites:
        if area != DEFAULT and area not in PRACTICE_AREAS:
            raise ContentError(f"{located.path}:{located.line_of((SECTION, 'rewrites', area))}"
                               f": field '{SECTION}.rewrites.{area}' is not a practice area; "
                               f"use '{DEFAULT}' or one of: {', '.join(PRACTICE_AREAS)}")
    return material


def answers(module_id: str, content: Content, people: dict[str, str], material: Material,
            seed: int, secret: bytes, cohort_id: str
            ) -> list[tuple[str, str, dict[str, Any], float]]:
    """(participant, exercise, payload, minutes into the module) for every participant of
    `people` ({id: practice area}): a rewrite each, then notes on colleagues' shared ones.
    `secret` is the store's key for this module (`Store.cohort_key(cohort,
    rules.secret_name(module_id))`)."""
    rules = content.rewrite
    every = [t for texts in material.rewrites.values() for t in texts]
    written: list[tuple[str, str, dict[str, Any], float]] = []
    shared: list[str] = []
    for person, area in sorted(people.items()):
        rng = random.Random(f"{seed}:{person}:{module_id}")
        pitch = content.pitch_id(area)
        options = material.rewrites.get(pitch) or material.rewrites.get(DEFAULT) or every
        text = rng.choice(options)[: rules.max_chars]
        if len(text) < rules.min_chars:
            continue
        share = rng.random() < SHARE_CHANCE
        written.append((person, content.rewrite_exercise,
                        {"pitch": pitch, "text": text, SHARE: share}, rng.uniform(10, 20)))
        if share:
            shared.append(person)
    peer = content.peer
    notes = [n[: peer.note_max_chars] for n in material.notes
             if len(n) >= peer.note_min_chars]
    for person in shared:  # those who shared read too: they have a rewrite of their own
        rng = random.Random(f"{seed}:{person}:{module_id}:notes")
        others = [p for p in shared if p != person]
        for author in rng.sample(others, min(len(others), rng.choice((1, 2)))):
            key = rewrite_key(secret, cohort_id, module_id, author)
            written.append((person, content.note_exercise(key), {"note": rng.choice(notes)},
                            rng.uniform(24, 34)))
    return written


def simulate(store: Any, cohort_id: str, module_id: str, content: Content,
             people: dict[str, str], data_dir: str | Path, seed: int = 1
             ) -> list[tuple[str, str, dict[str, Any], float]]:
    """The simulated answers of this module for a cohort (see `answers`), with the material
    of `data_dir` and the store's key for the anonymous keys."""
    secret = store.cohort_key(cohort_id, secret_name(module_id))
    return answers(module_id, content, people, load_material(data_dir), seed, secret,
                   cohort_id)
