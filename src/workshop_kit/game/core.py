"""The vocabulary of the engine: moves, strategies and the view a rule decides from.

A strategy is a small declarative spec (:class:`Strategy`) with one decision rule. The engine
plays many matches at once, so a rule does not decide for one player: it receives a
:class:`Seats` view of every seat (one player in one match) that plays this strategy in the
current round and returns their moves as an array, or a single move for all of them.
Because all matches advance together, the round number is the same for every seat, and rules
read like prose::

    def tit_for_tat(me: Seats) -> Moves:
        if me.first_round:
            return C
        return me.their_last
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from workshop_kit.errors import ParameterError
from workshop_kit.game.payoffs import PayoffTable

#: Cooperate. Moves are stored as small integers so that a sum counts defections.
C: int = 0
#: Defect.
D: int = 1

MOVE_LETTERS = "CD"

Moves = np.ndarray | int
Rule = Callable[["Seats"], Moves]


class Seats:
    """What a rule may look at: the seats that play one strategy, in the current round.

    Every attribute is an array with one entry per seat (or a scalar when it is the same for
    all). Arrays that end in ``_last`` or come from :meth:`their_move` are read-only views.

    Attributes:
        turn: rounds already played in these matches (0 on the first round).
        size: number of seats.
        state: per-seat memory declared by the strategy (arrays that the rule updates in place).
        params: per-seat parameters (arrays), for strategies built from settings.
        payoffs: the payoff table of the tournament.
        rng: the random generator of the tournament (stochastic rules only).
    """

    def __init__(
        self,
        size: int,
        state: Mapping[str, np.ndarray],
        params: Mapping[str, np.ndarray],
        payoffs: PayoffTable,
        rng: np.random.Generator,
    ) -> None:
        self.size = size
        self.state = _Namespace(state)
        self.params = _Namespace(params)
        self.payoffs = payoffs
        self.rng = rng
        self.turn = 0
        self._mine: np.ndarray = np.empty((0, size), dtype=np.int8)
        self._theirs: np.ndarray = np.empty((0, size), dtype=np.int8)
        self.my_defections: np.ndarray = np.zeros(size, dtype=np.int64)
        self.their_defections: np.ndarray = np.zeros(size, dtype=np.int64)

    def _advance(
        self,
        turn: int,
        mine: np.ndarray,
        theirs: np.ndarray,
        my_defections: np.ndarray,
        their_defections: np.ndarray,
    ) -> None:
        """Point the view at round ``turn`` (engine use)."""
        self.turn = turn
        self._mine = mine
        self._theirs = theirs
        self.my_defections = my_defections
        self.their_defections = their_defections

    @property
    def first_round(self) -> bool:
        """True in the first round of the matches."""
        return self.turn == 0

    @property
    def my_last(self) -> np.ndarray:
        """My move in the previous round (requires ``turn >= 1``)."""
        return self._mine[self.turn - 1]

    @property
    def their_last(self) -> np.ndarray:
        """The partner's move in the previous round (requires ``turn >= 1``)."""
        return self._theirs[self.turn - 1]

    def my_move(self, round_index: int) -> np.ndarray:
        """My move in round ``round_index`` (0-based; negative counts back from now)."""
        return self._mine[self._index(round_index)]

    def their_move(self, round_index: int) -> np.ndarray:
        """The partner's move in round ``round_index`` (0-based; negative counts back)."""
        return self._theirs[self._index(round_index)]

    def their_recent_defection(self, rounds: int) -> np.ndarray:
        """True where the partner defected at least once in the last ``rounds`` rounds."""
        start = max(0, self.turn - rounds)
        if start == self.turn:
            return np.zeros(self.size, dtype=bool)
        return (self._theirs[start : self.turn] == D).any(axis=0)

    @property
    def their_cooperations(self) -> np.ndarray:
        """How many times the partner has cooperated so far."""
        return self.turn - self.their_defections

    def cooperate_with_probability(self, p: np.ndarray | float) -> np.ndarray:
        """C with probability ``p`` (per seat), else D; like Axelrod's ``random_choice``."""
        p = np.broadcast_to(np.asarray(p, dtype=float), (self.size,))
        draws = self.rng.random(self.size)
        moves = np.where(draws < p, C, D).astype(np.int8)
        moves[p <= 0] = D
        moves[p >= 1] = C
        return moves

    def _index(self, round_index: int) -> int:
        index = self.turn + round_index if round_index < 0 else round_index
        if not 0 <= index < self.turn:
            raise IndexError(f"round {round_index} is not yet played (turn {self.turn})")
        return index


class _Namespace:
    """Attribute access to a dict of arrays (``me.state.punish_left``)."""

    def __init__(self, values: Mapping[str, np.ndarray]) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Namespace({', '.join(self.__dict__)})"


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Strategy:
    """A strategy: names, where it comes from, metadata, and one decision rule.

    Args:
        name: snake_case key, e.g. ``tit_for_tat``; also the player's name in a tournament.
        display_name: the Axelrod library's name, e.g. ``"Tit For Tat"``.
        rule: the decision rule, ``rule(me: Seats) -> moves``.
        memory_depth: how many past rounds the rule looks at (``inf`` for the whole match).
        stochastic: True when the rule draws random numbers.
        doc: where the strategy comes from and what it does, in one paragraph.
        state: per-match memory the rule keeps, as ``{name: initial value}``.
        params: per-player parameters passed to the rule (arrays over seats), as
            ``{name: value}``. Players with the same rule are played as one batch.
    """

    name: str
    display_name: str
    rule: Rule
    memory_depth: float = 1
    stochastic: bool = False
    doc: str = ""
    state: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", _freeze(self.state))
        object.__setattr__(self, "params", _freeze(self.params))

    def renamed(self, name: str) -> Strategy:
        """The same strategy entered under another player name."""
        return Strategy(
            name=name,
            display_name=self.display_name,
            rule=self.rule,
            memory_depth=self.memory_depth,
            stochastic=self.stochastic,
            doc=self.doc,
            state=self.state,
            params=self.params,
        )

    def __repr__(self) -> str:
        return f"Strategy({self.name!r})"


def str_to_moves(text: str, field_name: str = "moves") -> np.ndarray:
    """``"CDD"`` -> ``array([0, 1, 1], dtype=int8)``."""
    bad = sorted(set(text) - set(MOVE_LETTERS))
    if bad or not text:
        raise ParameterError(
            f"{field_name} must be a non-empty string of C and D, got {text!r}"
        )
    return np.array([MOVE_LETTERS.index(ch) for ch in text], dtype=np.int8)
