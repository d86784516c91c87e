"""The vectorised engine: every match of a tournament advances together, round by round.

Each match has two *seats* (player A and player B). Seats are sorted so that all seats whose
strategies share a rule sit side by side; in each round every rule is called once, on a
:class:`~workshop_kit.game.core.Seats` view of its block of seats, and returns all their moves
as one array. The history of the whole tournament is two ``rounds x seats`` arrays (my moves,
partner's moves), so a rule's view is a slice, not a copy. Noise flips moves after the rules
decide, as in Axelrod's ``Match``; strategies then see the flipped moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workshop_kit.errors import ParameterError
from workshop_kit.game._checks import check_noise, check_seed, check_turns
from workshop_kit.game.builder import BuiltStrategy
from workshop_kit.game.core import MOVE_LETTERS, Seats, Strategy
from workshop_kit.game.payoffs import PayoffTable, parse_payoffs
from workshop_kit.game.strategies import get_strategy

PlayerLike = str | Strategy | BuiltStrategy


def resolve_player(player: PlayerLike, field: str = "players") -> Strategy:
    """Turn a name, a :class:`Strategy` or a :class:`BuiltStrategy` into a :class:`Strategy`.

    Raises:
        ParameterError: unknown name or unsupported type.
    """
    if isinstance(player, Strategy):
        return player
    if isinstance(player, BuiltStrategy):
        return player.to_strategy()
    if isinstance(player, str):
        return get_strategy(player.strip(), field)
    raise ParameterError(
        f"{field} entries must be strategy names, Strategy or BuiltStrategy, got {player!r}"
    )


@dataclass(frozen=True)
class _Group:
    """A block of seats ``[lo, hi)`` that share one rule."""

    lo: int
    hi: int
    strategy: Strategy
    view: Seats


def simulate(
    players: Sequence[Strategy],
    pairs: np.ndarray,
    rounds: int,
    noise: float,
    payoffs: PayoffTable,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Play all matches ``pairs`` (M x 2 player indices) for ``rounds`` rounds, together.

    Args:
        players: the strategies; ``pairs`` index into this list.
        pairs: integer array of shape ``(M, 2)``; row ``m`` is (player A, player B) of match m.
        rounds: how many rounds to play (the longest match; shorter matches are cut later).
        noise: probability that each move is flipped after it is chosen.
        payoffs: the payoff table (some rules, like GTFT, depend on it).
        rng: the random generator; all randomness is drawn from it, in a fixed order.

    Returns:
        Two ``int8`` arrays of shape ``(rounds, M)``: the moves actually played (C=0, D=1) by
        player A and by player B of each match.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    n_matches = len(pairs)
    n_seats = 2 * n_matches
    seat_player = np.concatenate([pairs[:, 0], pairs[:, 1]])
    seat_partner = np.concatenate(
        [np.arange(n_matches) + n_matches, np.arange(n_matches)]
    )

    # One group per distinct rule, in order of first appearance among the players.
    group_keys: dict[int, int] = {}
    player_group = np.empty(len(players), dtype=np.int64)
    for index, strategy in enumerate(players):
        player_group[index] = group_keys.setdefault(id(strategy.rule), len(group_keys))
    order = np.argsort(player_group[seat_player], kind="stable")  # new seat -> old seat
    position = np.empty(n_seats, dtype=np.int64)
    position[order] = np.arange(n_seats)
    partner = position[seat_partner[order]]
    sorted_player = seat_player[order]
    sorted_group = player_group[sorted_player]

    mine = np.zeros((rounds, n_seats), dtype=np.int8)
    theirs = np.zeros((rounds, n_seats), dtype=np.int8)
    my_defections = np.zeros(n_seats, dtype=np.int64)
    their_defections = np.zeros(n_seats, dtype=np.int64)

    groups: list[_Group] = []
    bounds = np.searchsorted(sorted_group, np.arange(len(group_keys) + 1))
    for g in range(len(group_keys)):
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        if lo == hi:
            continue
        block_players = sorted_player[lo:hi]
        first = players[int(block_players[0])]
        state = {
            key: np.full(hi - lo, value, dtype=_dtype_of(value))
            for key, value in first.state.items()
        }
        in_block = np.unique(block_players)
        where = np.searchsorted(in_block, block_players)
        params = {
            key: np.array([players[int(i)].params[key] for i in in_block])[where]
            for key in first.params
        }
        view = Seats(hi - lo, state, params, payoffs, rng)
        groups.append(_Group(lo, hi, first, view))

    history_views = [
        (g, mine[:, g.lo : g.hi], theirs[:, g.lo : g.hi]) for g in groups
    ]
    chosen = np.empty(n_seats, dtype=np.int8)
    for turn in range(rounds):
        for group, my_block, their_block in history_views:
            group.view._advance(
                turn,
                my_block,
                their_block,
                my_defections[group.lo : group.hi],
                their_defections[group.lo : group.hi],
            )
            chosen[group.lo : group.hi] = group.strategy.rule(group.view)
        if noise > 0:
            # Drawn in match order, so the flips do not depend on how rules are grouped.
            chosen ^= (rng.random(n_seats)[order] < noise).astype(np.int8)
        mine[turn] = chosen
        theirs[turn] = chosen[partner]
        my_defections += chosen
        their_defections += theirs[turn]

    # Back to match order: player A's and player B's moves.
    return mine[:, position[:n_matches]], mine[:, position[n_matches:]]


def _dtype_of(value: object) -> type:
    if isinstance(value, bool | np.bool_):
        return np.bool_
    if isinstance(value, int | np.integer):
        return np.int64
    return np.float64


def play_match(
    player: PlayerLike,
    partner: PlayerLike,
    turns: int = 10,
    *,
    noise: float = 0.0,
    payoffs: str | PayoffTable = "classic",
    seed: int | None = None,
) -> pd.DataFrame:
    """Play one match and return it round by round.

    Args:
        player: a strategy name, :class:`Strategy` or :class:`BuiltStrategy`.
        partner: the other player (may be the same strategy: it plays a copy of itself).
        turns: number of rounds (>= 1).
        noise: probability in [0, 1] that each move is flipped.
        payoffs: a table name or ``"R,S,T,P"`` or a :class:`PayoffTable`.
        seed: seed of the random generator (stochastic strategies and noise).

    Returns:
        DataFrame with one row per round: ``round`` (from 1), ``player``, ``partner`` (moves as
        "C"/"D"), ``player_payoff``, ``partner_payoff``.
    """
    check_turns(turns)
    check_noise(noise)
    table = parse_payoffs(payoffs)
    a, b = resolve_player(player, "player"), resolve_player(partner, "partner")
    mine, theirs = simulate(
        [a, b], np.array([[0, 1]]), turns, noise, table, np.random.default_rng(check_seed(seed))
    )
    mine, theirs = mine[:, 0], theirs[:, 0]
    matrix = table.matrix
    letters = np.array(list(MOVE_LETTERS))
    return pd.DataFrame(
        {
            "round": np.arange(1, turns + 1),
            "player": letters[mine],
            "partner": letters[theirs],
            "player_payoff": matrix[mine, theirs],
            "partner_payoff": matrix[theirs, mine],
        }
    )
