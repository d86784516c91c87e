"""Simulated answers of a story module, for `run --simulate` and the demo: each participant
rewrites the pitch of their practice area with a text from the simulation material (the
`story` section of `data/simulation.yaml`), most share it, and those who share leave a note on
one or two colleagues' shared rewrites. The same seed gives the same answers.

The simulation runs on the trainer's machine with the store itself (like the drill's votes), so
it computes the anonymous keys the service would show (`keys.rewrite_key`).
"""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal

from pydantic import Field

from workshop_kit.content import PRACTICE_AREAS, Participant
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

from .answers import SHARE
from .content import DEFAULT
from .keys import rewrite_key, secret_name

SHARE_CHANCE = 0.75
Text = Annotated[str, Field(min_length=1)]
Pitch = Literal[(DEFAULT, *PRACTICE_AREAS)]  # type: ignore[valid-type]


class Material(_Material):
    """Rewrites people might write, by the pitch they rewrite (a practice area or default),
    and short notes colleagues leave on a shared one."""

    rewrites: dict[Pitch, list[Text]] = Field(default_factory=dict)
    notes: list[Text] = Field(default_factory=list)


def _plan(given: SimInput) -> dict[str, tuple[str, str, bool]]:
    """{participant: (pitch, rewrite, shared)} for everyone, once per module: who shares
    decides whose rewrites the others can leave notes on."""
    if "plan" not in given.memo:
        content, material = given.content, given.material
        every = [t for texts in material.rewrites.values() for t in texts]
        plan = {}
        for pid, person in sorted(given.people.items()):
            rng = random.Random(f"{given.seed}:{pid}:{given.module_id}:rewrite")
            pitch = content.pitch_id(person.practice_area)
            options = material.rewrites.get(pitch) or material.rewrites.get(DEFAULT) or every
            text = rng.choice(options)[: content.rewrite.max_chars] if options else ""
            if len(text) >= content.rewrite.min_chars:
                plan[pid] = (pitch, text, rng.random() < SHARE_CHANCE)
        given.memo["plan"] = plan
        given.memo["secret"] = given.store.cohort_key(given.cohort_id,
                                                      secret_name(given.module_id))
    return given.memo["plan"]


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content, plan = given.content, _plan(given)
    if person.id not in plan:
        return []
    pitch, text, share = plan[person.id]
    answers: list[tuple[str, dict[str, Any], float]] = [
        (content.rewrite_exercise, {"pitch": pitch, "text": text, SHARE: share},
         rng.uniform(10, 20))]
    peer = content.peer
    notes = [n[: peer.note_max_chars] for n in given.material.notes
             if len(n) >= peer.note_min_chars]
    if not share or not notes:  # those who share read too (they have a rewrite of their own)
        return answers
    others = sorted(p for p, (_, _, shared) in plan.items() if shared and p != person.id)
    for author in rng.sample(others, min(len(others), rng.choice((1, 2)))):
        key = rewrite_key(given.memo["secret"], given.cohort_id, given.module_id, author)
        answers.append((content.note_exercise(key), {"note": rng.choice(notes)},
                        rng.uniform(24, 34)))
    return answers
