"""Live games between participants: the plan of a game and what each round means.

A facilitator starts a game under one of three conditions: a single round against an anonymous
partner (``one_shot``), repeated rounds with the same partner (``partners``) or repeated rounds
with someone new every round (``strangers``). Nobody knows when a repeated game ends: after each
round it goes on with the continuation probability. The plan (length and who meets whom in each
round) is drawn once from a seed, so every participant's notebook agrees on it.

Pure: plans and outcomes only; the store and the widgets carry the moves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from workshop_kit.errors import ParameterError
from workshop_kit.game.engine import play_match
from workshop_kit.game.payoffs import parse_payoffs
from workshop_kit.game.strategies import scripted

CONDITIONS = ("one_shot", "partners", "strangers")
#: Plays for the facilitator when a cohort is odd: the kit answers with Tit For Tat.
BOT = "kit-bot"
BOT_STRATEGY = "tit_for_tat"
MAX_ROUNDS = 100


@dataclass(frozen=True)
class LiveGame:
    """The plan of one live game: its condition, length, payoffs and pairs in every round."""

    number: int
    condition: str
    continue_probability: float
    rounds: int
    payoffs: str
    pairings: tuple[tuple[tuple[str, str], ...], ...]

    @property
    def game_id(self) -> str:
        return f"g{self.number}"

    def partner(self, round_no: int, participant: str) -> str | None:
        """Who `participant` meets in round `round_no` (from 1), or None if not playing."""
        if not 1 <= round_no <= self.rounds:
            return None
        for a, b in self.pairings[round_no - 1]:
            if participant == a:
                return b
            if participant == b:
                return a
        return None

    def players(self) -> list[str]:
        return sorted({p for pair in self.pairings[0] for p in pair})

    def to_payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "condition": self.condition,
            "continue_probability": self.continue_probability,
            "rounds": self.rounds,
            "payoffs": self.payoffs,
            "pairings": [[list(pair) for pair in pairs] for pairs in self.pairings],
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> LiveGame:
        return cls(
            number=int(payload["number"]),
            condition=payload["condition"],
            continue_probability=float(payload["continue_probability"]),
            rounds=int(payload["rounds"]),
            payoffs=payload["payoffs"],
            pairings=tuple(
                tuple((a, b) for a, b in pairs) for pairs in payload["pairings"]
            ),
        )


def plan_game(
    number: int,
    condition: str,
    participants: list[str],
    continue_probability: float = 0.9,
    payoffs: str = "seller_buyer",
    seed: int | None = None,
    max_rounds: int = 30,
) -> LiveGame:
    """Plan a live game: how many rounds it lasts (hidden from players) and who meets whom.

    Args:
        number: the game's number in the day (1, 2, ...).
        condition: ``one_shot``, ``partners`` or ``strangers``.
        participants: ids of the people playing (an odd one out plays the kit's bot).
        continue_probability: chance in [0, 0.99] that another round follows each round.
        payoffs: payoff table name or "R,S,T,P".
        seed: makes the length and the pairs reproducible.
        max_rounds: a cap on the length, so a session ends.
    """
    if condition not in CONDITIONS:
        raise ParameterError(
            f"condition must be one of: {', '.join(CONDITIONS)}; got {condition!r}"
        )
    if not 0 <= continue_probability <= 0.99:
        raise ParameterError(
            f"continue_probability must be from 0 to 0.99, got {continue_probability!r}"
        )
    if not isinstance(max_rounds, int) or not 1 <= max_rounds <= MAX_ROUNDS:
        raise ParameterError(f"max_rounds must be from 1 to {MAX_ROUNDS}, got {max_rounds!r}")
    people = sorted(set(participants))
    if len(people) < 2:
        raise ParameterError("a live game needs at least 2 participants; wait for the room")
    parse_payoffs(payoffs)
    rng = random.Random(f"{seed}:{number}:{condition}")
    rounds = 1
    if condition != "one_shot":
        while rounds < max_rounds and rng.random() < continue_probability:
            rounds += 1
    order = list(people)
    rng.shuffle(order)
    seats = [*order, BOT] if len(order) % 2 else order
    n = len(seats)
    pairings = []
    for r in range(rounds):
        # Partners keep the first round's pairs; strangers rotate by the circle method, so
        # nobody meets the same person twice until everybody has met everybody.
        k = 0 if condition == "partners" else r % (n - 1)
        rest = seats[1:]
        ring = [seats[0], *(rest[-k:] + rest[:-k] if k else rest)]
        pairings.append([(ring[i], ring[n - 1 - i]) for i in range(n // 2)])
    return LiveGame(
        number=number,
        condition=condition,
        continue_probability=continue_probability if condition != "one_shot" else 0.0,
        rounds=rounds,
        payoffs=payoffs,
        pairings=tuple(tuple(pairs) for pairs in pairings),
    )


def bot_move(their_moves: str) -> str:
    """The bot's move given its partner's earlier moves against it (as "CDC..."): Tit For Tat,
    played by the engine against the partner's record."""
    if not their_moves:
        return play_match(BOT_STRATEGY, "cooperator", 1)["player"].iloc[0]
    record = play_match(BOT_STRATEGY, scripted(their_moves), len(their_moves) + 1)
    return record["player"].iloc[-1]


def outcome(my_move: str, their_move: str, payoffs: str = "seller_buyer") -> tuple[float, float]:
    """Points for me and for them, for one round."""
    table = parse_payoffs(payoffs)
    for move in (my_move, their_move):
        if move not in ("C", "D"):
            raise ParameterError(f"a move must be 'C' or 'D', got {move!r}")
    r, s, t, p = table.R, table.S, table.T, table.P
    return {
        ("C", "C"): (r, r),
        ("C", "D"): (s, t),
        ("D", "C"): (t, s),
        ("D", "D"): (p, p),
    }[(my_move, their_move)]
