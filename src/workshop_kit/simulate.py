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

from .access import OPT_IN
from .content import (
    CheckinContent,
    Content,
    DilemmaContent,
    Participant,
    PurposeContent,
    Simulation,
)
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
    # Most people share their situation with the facilitator; drawn apart from the main
    # sequence so that older seeds still give the same ratings and situations.
    share = random.Random(f"{person.id}:share").random() < 0.7
    return {"ratings": ratings, "situation": rng.choice(options), OPT_IN: share}


def _purpose(rng: random.Random, person: Participant, content: PurposeContent,
             sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    placements = {}
    for statement in content.statements:
        pull = sim.misplace_pull.get(statement.id, 0.2)
        chance = min(0.95, pull * (1.4 - traits["exploring"]))
        other = "exploring" if statement.thinking == "closing" else "closing"
        placements[statement.id] = other if rng.random() < chance else statement.thinking
    return {"placements": placements}


def _strategy(rng: random.Random, person: Participant, content: DilemmaContent,
              sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    """A strategy a participant might build: people who explore more tend to open by sharing
    and to forgive."""
    from .game import BuiltStrategy

    explorer = traits["exploring"]
    retaliation = rng.choices(["none", "once", "k", "forever"],
                              weights=[0.5 + explorer, 3, 1.5, 1.5 - explorer])[0]
    spec = BuiltStrategy(
        name=f"{rng.choice(NAME_WORDS[0])} {rng.choice(NAME_WORDS[1])}",
        first_move="C" if rng.random() < 0.6 + 0.35 * explorer else "D",
        retaliation=retaliation,
        retaliate_k=rng.randint(2, 4),
        forgive_after=rng.choice([None, 2, 3]) if retaliation == "forever" else None,
        generosity=round(rng.choice([0, 0, 0.1, 0.2, 0.33]) * explorer, 2),
        probe=rng.random() < 0.15,
        randomness=rng.choice([0, 0, 0, 0.05, 0.1]),
    )
    return {field: getattr(spec, field) for field in (
        "name", "first_move", "retaliation", "retaliate_k", "forgive_after", "generosity",
        "probe", "randomness")}


NAME_WORDS = (
    ["Patient", "Open", "Careful", "Bold", "Steady", "Quiet", "Fair", "Wary", "Generous"],
    ["Partner", "Adviser", "Closer", "Explorer", "Friend", "Guardian", "Trader", "Host"],
)

SIMULATORS: dict[str, Callable[..., dict[str, Any]]] = {
    "checkin": _checkin,
    "purpose": _purpose,
    "dilemma": _strategy,
}


def _human_move(rng: random.Random, condition: str, round_no: int, explorer: float,
                partner_last: str | None) -> str:
    """A plausible move: strangers and one-shot games pull towards holding back; a known
    partner who shared last round pulls towards sharing."""
    if condition == "one_shot":
        chance = 0.25 + 0.3 * explorer
    elif condition == "strangers":
        chance = 0.45 + 0.2 * explorer - 0.015 * round_no
        if partner_last == "D":
            chance -= 0.15
    else:
        chance = 0.6 + 0.25 * explorer
        if partner_last is not None:
            chance = 0.9 if partner_last == "C" else 0.25
    return "C" if rng.random() < max(0.05, min(0.95, chance)) else "D"


def simulate_live_games(store: Store, cohort_id: str, start: datetime,
                        participants: list[Participant], content: DilemmaContent,
                        traits: dict[str, dict[str, float]], seed: int) -> int:
    """Three live games as a room would play them: one-shot, partners, strangers."""
    from .access import GAME_EXERCISE
    from .game.live import BOT, bot_move, plan_game
    from .store import FACILITATOR

    if store.latest_answer(cohort_id, FACILITATOR, "dilemma", GAME_EXERCISE):
        return 0
    ids = [p.id for p in participants]
    written = 0
    when = start
    for number, condition in enumerate(("one_shot", "partners", "strangers"), start=1):
        # A rehearsal wants games of a typical length: redraw a game shorter than 6 rounds
        # or longer than 15 (each draw is still seeded, so the demo is reproducible).
        for attempt in range(50):
            game = plan_game(number, condition, ids, content.default_continue_probability,
                             content.payoffs, seed=seed * 100 + attempt,
                             max_rounds=content.max_rounds)
            if condition == "one_shot" or 6 <= game.rounds <= 15:
                break
        store.submit(cohort_id, FACILITATOR, "dilemma", GAME_EXERCISE, game.to_payload(),
                     submitted_at=when, source="simulated")
        written += 1
        rng = random.Random(f"{seed}:live:{number}")
        last: dict[str, str] = {}  # each player's previous move (what their next partner saw)
        record_vs_bot: dict[str, str] = {}
        for r in range(1, game.rounds + 1):
            when += timedelta(seconds=40)
            moves = {}
            for a, b in game.pairings[r - 1]:
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        moves[me] = bot_move(record_vs_bot.get(them, ""))
                        continue
                    seen = last.get(them) if condition == "partners" else (
                        last.get(me + ":partner"))
                    moves[me] = _human_move(rng, condition, r, traits[me]["exploring"], seen)
                for me, them in ((a, b), (b, a)):
                    last[me + ":partner"] = moves[them]
                    if them == BOT:
                        record_vs_bot[me] = record_vs_bot.get(me, "") + moves[me]
            for person, move in moves.items():
                last[person] = move
                if person == BOT:
                    continue
                store.submit(cohort_id, person, "dilemma", f"move:{game.game_id}:{r}",
                             {"move": move}, submitted_at=when, source="simulated")
                written += 1
        when += timedelta(minutes=3)
    return written


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
    everyone: dict[str, dict[str, float]] = {}
    for person in participants:
        person_rng = random.Random(f"{seed}:{person.id}")
        traits = {"baseline": person_rng.uniform(2.6, 4.1), "exploring": person_rng.random()}
        everyone[person.id] = traits
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
    if "dilemma" in wanted and "dilemma" in content.modules:
        live_start = start + timedelta(minutes=offsets["dilemma"] + 10)
        written += simulate_live_games(store, cohort_id, live_start, participants,
                                       content.dilemma, everyone, seed)
    return written
