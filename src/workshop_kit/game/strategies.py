"""The classic strategies, each behaving exactly like the Axelrod-Python strategy of that name.

Each rule is written for a batch of seats (see :class:`~workshop_kit.game.core.Seats`); the
docstring says where the strategy comes from. Sources are the Axelrod library 4.14
(``axelrod/strategies/*.py``) and the papers it cites.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from workshop_kit.errors import ParameterError
from workshop_kit.game.core import MOVE_LETTERS, C, D, Moves, Seats, Strategy, str_to_moves

INF = math.inf

CLASSICS: dict[str, Strategy] = {}


def _classic(
    name: str,
    display_name: str,
    *,
    memory_depth: float,
    stochastic: bool = False,
    state: Mapping[str, Any] | None = None,
) -> Callable[[Callable[[Seats], Moves]], Strategy]:
    """Register a rule as a classic strategy; its docstring becomes the strategy's doc."""

    def register(rule: Callable[[Seats], Moves]) -> Strategy:
        spec = Strategy(
            name=name,
            display_name=display_name,
            rule=rule,
            memory_depth=memory_depth,
            stochastic=stochastic,
            doc=" ".join((rule.__doc__ or "").split()),
            state=state or {},
        )
        CLASSICS[name] = spec
        return spec

    return register


@_classic("cooperator", "Cooperator", memory_depth=0)
def cooperator(me: Seats) -> Moves:
    """Always cooperates. Axelrod's 'Cooperator' (ALLC) [Axelrod1984]."""
    return C


@_classic("defector", "Defector", memory_depth=0)
def defector(me: Seats) -> Moves:
    """Always defects. Axelrod's 'Defector' (ALLD) [Axelrod1984]."""
    return D


@_classic("tit_for_tat", "Tit For Tat", memory_depth=1)
def tit_for_tat(me: Seats) -> Moves:
    """Cooperates first, then copies the partner's previous move. Anatol Rapoport's entry; it
    won both of Axelrod's tournaments [Axelrod1980]."""
    if me.first_round:
        return C
    return me.their_last


@_classic("grudger", "Grudger", memory_depth=INF)
def grudger(me: Seats) -> Moves:
    """Cooperates until the partner defects once, then defects for ever. Friedman's strategy,
    7th in Axelrod's first tournament; also called Grim Trigger [Axelrod1980]."""
    return np.where(me.their_defections > 0, D, C)


@_classic("tit_for_two_tats", "Tit For 2 Tats", memory_depth=2)
def tit_for_two_tats(me: Seats) -> Moves:
    """Defects only after two defections in a row by the partner. John Maynard Smith's entry
    to Axelrod's second tournament [Axelrod1984]."""
    if me.turn < 2:
        return C
    return np.where((me.their_move(-1) == D) & (me.their_move(-2) == D), D, C)


@_classic("two_tits_for_tat", "Two Tits For Tat", memory_depth=2)
def two_tits_for_tat(me: Seats) -> Moves:
    """Answers each defection with two defections: defects if the partner defected in either
    of the last two rounds [Axelrod1984]."""
    return np.where(me.their_recent_defection(2), D, C)


@_classic("suspicious_tit_for_tat", "Suspicious Tit For Tat", memory_depth=1)
def suspicious_tit_for_tat(me: Seats) -> Moves:
    """Tit For Tat that opens with a defection; also called Mistrust [Hilbe2013]."""
    if me.first_round:
        return D
    return me.their_last


@_classic("hard_tit_for_tat", "Hard Tit For Tat", memory_depth=3)
def hard_tit_for_tat(me: Seats) -> Moves:
    """Defects if the partner defected in any of the last three rounds [PD2017]."""
    return np.where(me.their_recent_defection(3), D, C)


@_classic("win_stay_lose_shift", "Win-Stay Lose-Shift", memory_depth=1)
def win_stay_lose_shift(me: Seats) -> Moves:
    """Pavlov: cooperates first; then cooperates after both players made the same move
    (CC or DD) and defects otherwise [Nowak1993]."""
    if me.first_round:
        return C
    return np.where(me.my_last == me.their_last, C, D)


@_classic("alternator", "Alternator", memory_depth=1)
def alternator(me: Seats) -> Moves:
    """Cooperates first, then plays the opposite of its own previous move [Axelrod1984]."""
    if me.first_round:
        return C
    return np.where(me.my_last == C, D, C)


@_classic("go_by_majority", "Soft Go By Majority", memory_depth=INF)
def go_by_majority(me: Seats) -> Moves:
    """Defects when the partner has defected more often than cooperated so far, else
    cooperates (ties cooperate). Gail Grisell's entry to Axelrod's second tournament
    [Axelrod1984]; Axelrod's 'Soft Go By Majority'."""
    return np.where(me.their_defections > me.their_cooperations, D, C)


_DETECTIVE_OPENING = (C, D, C, C)


@_classic("detective", "Detective", memory_depth=INF, state={"exploit": False})
def detective(me: Seats) -> Moves:
    """Opens with C, D, C, C. If the partner never defected in those four rounds it defects
    for ever; otherwise it plays Tit For Tat. From Nicky Case's 'The Evolution of Trust'
    [NC2019]."""
    if me.turn < len(_DETECTIVE_OPENING):
        return _DETECTIVE_OPENING[me.turn]
    if me.turn == len(_DETECTIVE_OPENING):
        me.state.exploit[:] = me.their_defections == 0
    return np.where(me.state.exploit, D, me.their_last)


@_classic("prober", "Prober", memory_depth=INF)
def prober(me: Seats) -> Moves:
    """Opens with D, C, C. Defects for ever if the partner cooperated in rounds 2 and 3;
    otherwise plays Tit For Tat [Li2011]."""
    if me.turn < 3:
        return (D, C, C)[me.turn]
    partner_was_naive = (me.their_move(1) == C) & (me.their_move(2) == C)
    return np.where(partner_was_naive, D, me.their_last)


@_classic("gradual", "Gradual", memory_depth=INF, state={"punish": 0, "calm": 0})
def gradual(me: Seats) -> Moves:
    """Punishes the partner's n-th defection with n defections, then calms down with two
    cooperations. This is the Axelrod library's version [CRISTAL-SMAC2018]: a punishment
    lasts as many rounds as the partner's total defections so far, and defections during a
    punishment or calming phase are not answered separately (Axelrod issue #1294)."""
    if me.first_round:
        return C
    state = me.state
    moves = np.full(me.size, C, dtype=np.int8)
    punishing = state.punish > 0
    moves[punishing] = D
    state.punish[punishing] -= 1
    calming = ~punishing & (state.calm > 0)
    state.calm[calming] -= 1
    provoked = ~punishing & ~calming & (me.their_last == D)
    state.punish[provoked] = me.their_defections[provoked] - 1
    state.calm[provoked] = 2
    moves[provoked] = D
    return moves


def _gtft_generosity(me: Seats) -> float:
    """Axelrod's GTFT probability: min(1 - (T-R)/(R-S), (R-P)/(T-P)) for the match's game."""
    r, s, t, p = me.payoffs.utilities()
    if r == s or t == p:  # not a dilemma: the formula is undefined, so never forgive
        return 0.0
    return min(max(min(1 - (t - r) / (r - s), (r - p) / (t - p)), 0.0), 1.0)


@_classic("generous_tit_for_tat", "GTFT", memory_depth=1, stochastic=True)
def generous_tit_for_tat(me: Seats) -> Moves:
    """Tit For Tat that forgives a defection with probability
    p = min(1 - (T-R)/(R-S), (R-P)/(T-P)) (1/3 with the classic table) [Nowak1993]."""
    if me.first_round:
        return C
    forgiving = me.cooperate_with_probability(_gtft_generosity(me))
    return np.where(me.their_last == C, C, forgiving)


@_classic("random", "Random: 0.5", memory_depth=0, stochastic=True)
def random(me: Seats) -> Moves:
    """Cooperates or defects at random, each with probability 1/2; 15th in Axelrod's first
    tournament [Axelrod1980]."""
    return me.cooperate_with_probability(0.5)


def _scripted_rule(me: Seats) -> Moves:
    """Plays its ``cycle`` of moves over and over, whatever the partner does."""
    moves = np.empty(me.size, dtype=np.int8)
    cycles = me.params.cycle
    for cycle in np.unique(cycles):
        moves[cycles == cycle] = MOVE_LETTERS.index(cycle[me.turn % len(cycle)])
    return moves


def scripted(cycle: str, name: str | None = None) -> Strategy:
    """A player that repeats ``cycle`` (e.g. ``"CCD"``) for ever: Axelrod's ``Cycler``.

    Args:
        cycle: the moves to repeat, a string of C and D.
        name: the player name; ``scripted_<cycle>`` when omitted.

    Returns:
        The strategy spec.
    """
    str_to_moves(cycle, "cycle")
    return Strategy(
        name=name or f"scripted_{cycle}",
        display_name=f"Cycler {cycle}",
        rule=_scripted_rule,
        memory_depth=len(cycle) - 1,
        doc="Repeats a fixed sequence of moves, whatever the partner does (Axelrod's Cycler).",
        params={"cycle": cycle},
    )


def get_strategy(name: str, field: str = "players") -> Strategy:
    """The classic strategy called ``name`` (snake_case key).

    Raises:
        ParameterError: unknown name; the message lists the valid ones.
    """
    try:
        return CLASSICS[name]
    except (KeyError, TypeError):
        choices = ", ".join(sorted(CLASSICS))
        raise ParameterError(
            f"unknown player {name!r} in {field}; choose from: {choices}"
        ) from None
