"""Simulated dilemma: the strategy each person builds, and three live games as a room would
play them (one-shot, partners, strangers)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from workshop_kit.content import Participant
from workshop_kit.game import BuiltStrategy
from workshop_kit.game.live import BOT, bot_move, plan_game
from workshop_kit.simulate import SimInput
from workshop_kit.store import FACILITATOR

from .answers import GAME_EXERCISE

NAME_WORDS = (
    ["Patient", "Open", "Careful", "Bold", "Steady", "Quiet", "Fair", "Wary", "Generous"],
    ["Partner", "Adviser", "Closer", "Explorer", "Friend", "Guardian", "Trader", "Host"],
)


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    """A strategy a participant might build: people who explore more tend to open by sharing
    and to forgive."""
    explorer = given.traits[person.id]["exploring"]
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
    payload = {field: getattr(spec, field) for field in (
        "name", "first_move", "retaliation", "retaliate_k", "forgive_after", "generosity",
        "probe", "randomness")}
    return [(given.content.exercise, payload, rng.uniform(8, 25))]


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


def simulate_room(given: SimInput) -> int:
    """Three live games as a room would play them, from ten minutes into the module: one-shot,
    partners, strangers. Nothing when a game was already played."""
    store, cohort_id, module_id = given.store, given.cohort_id, given.module_id
    content, seed = given.content, given.seed
    if store.latest_answer(cohort_id, FACILITATOR, module_id, GAME_EXERCISE):
        return 0
    ids = list(given.people)
    written = 0
    when = given.start + timedelta(minutes=10)
    for number, condition in enumerate(("one_shot", "partners", "strangers"), start=1):
        # A rehearsal wants games of a typical length: redraw a game shorter than 6 rounds
        # or longer than 15 (each draw is still seeded, so the demo is reproducible).
        for attempt in range(50):
            game = plan_game(number, condition, ids, content.default_continue_probability,
                             content.payoffs, seed=seed * 100 + attempt,
                             max_rounds=content.max_rounds)
            if condition == "one_shot" or 6 <= game.rounds <= 15:
                break
        store.submit(cohort_id, FACILITATOR, module_id, GAME_EXERCISE, game.to_payload(),
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
                    moves[me] = _human_move(rng, condition, r,
                                            given.traits[me]["exploring"], seen)
                for me, them in ((a, b), (b, a)):
                    last[me + ":partner"] = moves[them]
                    if them == BOT:
                        record_vs_bot[me] = record_vs_bot.get(me, "") + moves[me]
            for person, move in moves.items():
                last[person] = move
                if person == BOT:
                    continue
                store.submit(cohort_id, person, module_id, f"move:{game.game_id}:{r}",
                             {"move": move}, submitted_at=when, source="simulated")
                written += 1
        when += timedelta(minutes=3)
    return written
