"""Simulated role-play rounds: sellers walk the script leaning towards the client or towards
their pitch; the observers of that round time a conversation whose talk share follows the
pitching; the buyer writes a reflection, warm after a round that went well.

The groups are the ones the build published (else dealt as the build would).
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

from pydantic import Field

from workshop_kit.content import Participant
from workshop_kit.rotation import (
    BUYER,
    OBSERVER,
    SELLER,
    Group,
    RoleplayGroups,
    make_roleplay_groups,
)
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

from .answers import GROUPS_EXERCISE as ROLEPLAY_GROUPS_EXERCISE
from .content import Script

Text = Annotated[str, Field(min_length=1)]
TOWARD_CLIENT = {"other_focus": 1.0, "listening": 1.0, "samples": 1.0, "pitching": -1.0,
                 "name_dropping": -1.0}
GOOD_OUTCOMES = ("agreed", "referred")


class Material(_Material):
    """What observers note and buyers reflect, after a round that went well or poorly."""

    observer_notes: dict[Literal["good", "poor"], list[Text]] = Field(default_factory=dict)
    buyer_reflections: dict[Literal["good", "poor"], list[dict[str, Text]]] = Field(
        default_factory=dict)


def _groups(given: SimInput) -> RoleplayGroups:
    if "groups" not in given.memo:
        published = given.record(ROLEPLAY_GROUPS_EXERCISE)
        if published is not None:
            groups = RoleplayGroups.from_plan(published["groups"])
        elif len(given.people) >= 2:
            groups = make_roleplay_groups(list(given.people))
        else:
            groups = RoleplayGroups([])
        given.memo["groups"] = groups
    return given.memo["groups"]


def _walk(script: Script, rng: random.Random, lean: float) -> list[dict[str, Any]]:
    """A path from the start to an ending; `lean` (about -1..2) pulls towards client-focused
    choices."""
    steps = []
    node = script.node(script.start)
    while not node.is_ending:
        weights = [math.exp(lean * sum(TOWARD_CLIENT[k] for k in c.shows) / len(c.shows))
                   for c in node.choices]
        choice = rng.choices(node.choices, weights=weights)[0]
        steps.append({"node": node.id, "choice": choice.id, "to": choice.to})
        node = script.node(choice.to)
    return steps


def _seller_path(given: SimInput, seller: str, round_no: int
                 ) -> tuple[Script, list[dict], str] | None:
    """The seller's path through their round's script; None for a seller not simulated."""
    if seller not in given.traits:
        return None
    group = _groups(given).group_of(seller)
    script = given.day.scripts[given.content.script_for(round_no, group.index)]
    rng = random.Random(f"{given.seed}:{seller}:roleplay:path:{round_no}")
    lean = 3.0 * given.traits[seller]["exploring"] - 0.6 + rng.gauss(0, 0.4)
    steps = _walk(script, rng, lean)
    return script, steps, steps[-1]["to"]


def _segments(rng: random.Random, share: float, turns: int) -> list[list[Any]]:
    """Alternating buyer/seller turns (the buyer opens) with short silences, summing to `share`."""
    talk = rng.uniform(300, 480)
    seller_parts = [rng.uniform(0.5, 1.5) for _ in range(turns)]
    buyer_parts = [rng.uniform(0.5, 1.5) for _ in range(turns)]
    seller_scale = share * talk / sum(seller_parts)
    buyer_scale = (1 - share) * talk / sum(buyer_parts)
    segments, now = [], 0.0
    for b, s in zip(buyer_parts, seller_parts, strict=True):
        for who, length in (("buyer", b * buyer_scale), ("seller", s * seller_scale)):
            segments.append([who, round(now, 1), round(now + length, 1)])
            now += length
            if rng.random() < 0.3:
                pause = rng.uniform(1, 6)
                segments.append(["silence", round(now, 1), round(now + pause, 1)])
                now += pause
    return segments


def _observation(given: SimInput, rng: random.Random, round_no: int, group: Group
                 ) -> dict[str, Any] | None:
    walked = _seller_path(given, group.seller(round_no), round_no)
    if walked is None:
        return None
    script, steps, ending = walked
    shows = [k for step in steps for c in script.node(step["node"]).choices
             if c.id == step["choice"] for k in c.shows]
    pitched = sum(1 for k in shows if TOWARD_CLIENT[k] < 0)
    target = 0.32 + 0.09 * pitched - 0.02 * (len(shows) - pitched) + rng.gauss(0, 0.05)
    segments = _segments(rng, min(0.88, max(0.15, target)), len(steps) + 1)
    totals = {"seller": 0.0, "buyer": 0.0, "silence": 0.0}
    for who, start, end in segments:
        totals[who] = round(totals[who] + end - start, 1)
    first = script.node(steps[0]["node"]).choices
    first_shows = next(c.shows for c in first if c.id == steps[0]["choice"])
    seen = {
        "turned_back": "other_focus" in first_shows or "listening" in first_shows,
        "asked_situation": "listening" in shows,
        "offered_sample": "samples" in shows,
        "listened": "listening" in shows and pitched <= 1,
    }
    checklist = {item.id: (seen.get(item.id, False) != (rng.random() < 0.1))
                 for item in given.content.checklist}
    good = script.node(ending).ending.outcome in GOOD_OUTCOMES
    notes = given.material.observer_notes.get("good" if good else "poor", [])
    return {
        "round": round_no, "group": group.id, "script": script.id, "segments": segments,
        "seconds": totals,
        "seller_share": round(totals["seller"] / (totals["seller"] + totals["buyer"]), 3),
        "checklist": checklist, "note": rng.choice(notes) if notes else "",
    }


def _reflection(given: SimInput, rng: random.Random, round_no: int, group: Group
                ) -> dict[str, Any] | None:
    """The buyer's reflection: warm after a round that went well, cool after one that did
    not; None when simulation.yaml has no text for every field of the content's form."""
    walked = _seller_path(given, group.seller(round_no), round_no)
    if walked is None:
        return None
    script, _steps, ending = walked
    good = script.node(ending).ending.outcome in GOOD_OUTCOMES
    fields = [f.id for f in given.content.buyer_reflection.fields]
    options = [o for o in given.material.buyer_reflections.get("good" if good else "poor", [])
               if all(o.get(f) for f in fields)]
    if not options:
        return None
    chosen = rng.choice(options)
    return {"round": round_no, "group": group.id, "script": script.id,
            **{f: chosen[f] for f in fields}}


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    groups = _groups(given)
    if not groups.groups:
        return []
    content = given.content
    group = groups.group_of(person.id)
    answers = []
    for round_no, role in enumerate(group.roles_of(person.id), start=1):
        minutes = 12 * round_no + rng.uniform(0, 4)
        if role == SELLER:
            script, steps, ending = _seller_path(given, person.id, round_no)
            answers.append((content.path_exercise(round_no), {
                "round": round_no, "group": group.id, "script": script.id,
                "practice_area": person.practice_area, "steps": steps, "ending": ending,
                "outcome": script.node(ending).ending.outcome,
            }, minutes))
        elif role == OBSERVER:
            observation = _observation(given, rng, round_no, group)
            if observation is not None:
                answers.append((content.observation_exercise(round_no), observation,
                                minutes + 1))
        elif role == BUYER:
            reflection = _reflection(given, rng, round_no, group)
            if reflection is not None:
                answers.append((content.reflection_exercise(round_no), reflection, minutes + 1))
    return answers
