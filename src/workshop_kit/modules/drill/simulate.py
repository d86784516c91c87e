"""Simulated drill work: explorers favour questions that reveal more, and weave more of what
they learnt into the definition; others restate the client's words. Each then votes for the
peer definition that draws most on the expert's facts."""

from __future__ import annotations

import random
from typing import Annotated, Any

from pydantic import Field

from workshop_kit.content import Participant
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

from .analysis import fact_matches
from .answers import VOTE_CASES_EXERCISE
from .content import Case, drill_vote_cases
from .rules import definition_key, key_name

Text = Annotated[str, Field(min_length=1)]


class Material(_Material):
    """How someone who takes the client's words at face value might open, by case id."""

    surface_readings: dict[str, list[Text]] = Field(default_factory=dict)


def _work(given: SimInput, person: Participant) -> tuple[Case, list[str], str]:
    """The case, the questions asked (within the budget) and the definition of one person."""
    case = given.day.case_for(person.practice_area)
    rng = random.Random(f"{given.seed}:{person.id}:drill:work")
    explorer = given.traits[person.id]["exploring"]
    asked: list[str] = []
    left = case.budget_minutes
    while True:
        options = [q for q in case.questions if q.id not in asked and q.minutes <= left]
        if not options:
            break
        weights = [0.3 + explorer * 2 * len(q.reveals) / q.minutes * 5 for q in options]
        question = rng.choices(options, weights=weights)[0]
        asked.append(question.id)
        left -= question.minutes
        if rng.random() < 0.15 * (1 - explorer):
            break  # stops asking early, keen to get to the answer
    facts = case.revealed(asked)
    kept = [f for f in facts if rng.random() < 0.35 + 0.6 * explorer]
    surface = given.material.surface_readings.get(case.id) or [case.stated_problem]
    parts = [] if kept and rng.random() < explorer else [rng.choice(surface)]
    parts += [f.text for f in kept]
    if len(" ".join(parts)) < given.content.definition.min_chars:
        parts.append(rng.choice(surface))
    return case, asked, " ".join(parts)


def _vote_cases(given: SimInput) -> dict[str, str]:
    """The case each person votes on: as the build published it, else as it would."""
    if "vote_cases" not in given.memo:
        published = given.record(VOTE_CASES_EXERCISE)
        areas = {p.id: p.practice_area for p in given.people.values()}
        given.memo["vote_cases"] = (published["cases"] if published is not None
                                    else drill_vote_cases(given.day, areas)[0])
    return given.memo["vote_cases"]


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content = given.content
    case, asked, definition = _work(given, person)
    answers = [(content.questions_exercise, {"case": case.id, "asked": asked},
                8 + 2 * len(asked) + rng.uniform(0, 3)),
               (content.definition_exercise,
                {"case": case.id, "asked": asked, "definition": definition},
                22 + rng.uniform(0, 6))]
    # Vote for the peer definition that draws most on the expert's facts: of the same case,
    # or, alone on it, of the case build has them vote on instead (the default case, …).
    voting = given.day.cases[_vote_cases(given).get(person.id, case.id)]
    peers = [p for p in given.people.values()
             if p.id != person.id and given.day.case_for(p.practice_area).id == voting.id]
    if peers:
        def merit(peer: Participant) -> float:
            _, peer_asked, text = _work(given, peer)
            used = [m for m in fact_matches(voting, peer_asked, text)
                    if m["used"] and m["expert"]]
            return len(used) + rng.uniform(0, 1.5)

        if "key" not in given.memo:
            given.memo["key"] = given.store.cohort_key(given.cohort_id,
                                                         key_name(given.module_id))
        choice = max(sorted(peers, key=lambda p: p.id), key=merit)
        answers.append((content.vote_exercise,
                        {"case": voting.id, "key": definition_key(
                            given.memo["key"], given.cohort_id, voting.id, choice.id)},
                        38 + rng.uniform(0, 6)))
    return answers
