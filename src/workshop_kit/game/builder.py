"""Strategies built from a few settings, for participants who design their own.

A :class:`BuiltStrategy` is a frozen, validated set of choices (how to open, how hard to
retaliate, when to forgive, whether to test the partner, how much to leave to chance);
:func:`describe` says it back in plain words. Built strategies play in tournaments exactly like
the classics, and some settings reproduce classics move for move:

====================================================  ==========================
settings                                              same moves as
====================================================  ==========================
``first_move="C", retaliation="once"``                ``tit_for_tat``
``first_move="D", retaliation="once"``                ``suspicious_tit_for_tat``
``retaliation="k", retaliate_k=2``                    ``two_tits_for_tat``
``retaliation="k", retaliate_k=3``                    ``hard_tit_for_tat``
``retaliation="forever"``                             ``grudger``
``retaliation="none"``                                ``cooperator``
``retaliation="once", probe=True``                    ``detective``
``retaliation="once", generosity=1/3``                ``generous_tit_for_tat`` (in distribution)
====================================================  ==========================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workshop_kit.errors import ParameterError
from workshop_kit.game.core import C, D, Moves, Seats, Strategy

FIRST_MOVES = ("C", "D")
RETALIATIONS = ("none", "once", "k", "forever")
MAX_RETALIATE_K = 10
MAX_FORGIVE_AFTER = 50
MAX_RANDOMNESS = 0.5
MAX_NAME_LENGTH = 40
PROBE_OPENING = (None, D, C, C)  # round 1 is the first move; rounds 2-4 test the partner

_NO_RETALIATION, _COUNTED, _FOREVER = 0, 1, 2


@dataclass(frozen=True)
class BuiltStrategy:
    """A participant's strategy, built from settings.

    Args:
        name: the player's name in the tournament (1 to 40 characters).
        first_move: ``"C"`` to open by cooperating, ``"D"`` to open by defecting.
        retaliation: how to answer the partner's defection: ``"none"`` (never),
            ``"once"`` (defect once, like Tit For Tat), ``"k"`` (defect in each of the next
            ``retaliate_k`` rounds; a new defection restarts the count) or ``"forever"``
            (hold a grudge, like Grudger).
        retaliate_k: rounds of retaliation when ``retaliation="k"`` (1 to 10).
        forgive_after: with ``retaliation="forever"``: end the grudge after the partner has
            cooperated this many rounds in a row (1 to 50); ``None`` never forgives.
        generosity: probability in [0, 1] of letting a defection pass without retaliating
            (Generous Tit For Tat uses 1/3).
        probe: test the partner: defect in round 2, cooperate in rounds 3 and 4; if the
            partner never defected in the first four rounds, defect from then on (like
            Detective); otherwise follow the other settings.
        randomness: probability in [0, 0.5] that a round's move is a coin toss instead.

    Raises:
        ParameterError: a setting is out of range; the message names the field.
    """

    name: str = "my_strategy"
    first_move: str = "C"
    retaliation: str = "once"
    retaliate_k: int = 2
    forgive_after: int | None = None
    generosity: float = 0.0
    probe: bool = False
    randomness: float = 0.0

    def __post_init__(self) -> None:
        name = self.name.strip() if isinstance(self.name, str) else self.name
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
            raise ParameterError(
                f"name must be text of 1 to {MAX_NAME_LENGTH} characters, got {self.name!r}"
            )
        object.__setattr__(self, "name", name)
        first = self.first_move.upper() if isinstance(self.first_move, str) else None
        if first not in FIRST_MOVES:
            raise ParameterError(
                f"first_move must be one of: {', '.join(FIRST_MOVES)}; got {self.first_move!r}"
            )
        object.__setattr__(self, "first_move", first)
        if self.retaliation not in RETALIATIONS:
            raise ParameterError(
                f"retaliation must be one of: {', '.join(RETALIATIONS)}; "
                f"got {self.retaliation!r}"
            )
        if not _is_int(self.retaliate_k) or not 1 <= self.retaliate_k <= MAX_RETALIATE_K:
            raise ParameterError(
                f"retaliate_k must be an integer from 1 to {MAX_RETALIATE_K}, "
                f"got {self.retaliate_k!r}"
            )
        if self.forgive_after is not None:
            if not _is_int(self.forgive_after) or not (
                1 <= self.forgive_after <= MAX_FORGIVE_AFTER
            ):
                raise ParameterError(
                    f"forgive_after must be None or an integer from 1 to {MAX_FORGIVE_AFTER}, "
                    f"got {self.forgive_after!r}"
                )
            if self.retaliation != "forever":
                raise ParameterError(
                    "forgive_after only applies when retaliation is 'forever', "
                    f"got retaliation={self.retaliation!r}"
                )
        if not _is_number(self.generosity) or not 0 <= self.generosity <= 1:
            raise ParameterError(
                f"generosity must be a number from 0 to 1, got {self.generosity!r}"
            )
        if not isinstance(self.probe, bool | np.bool_):
            raise ParameterError(f"probe must be True or False, got {self.probe!r}")
        if not _is_number(self.randomness) or not 0 <= self.randomness <= MAX_RANDOMNESS:
            raise ParameterError(
                f"randomness must be a number from 0 to {MAX_RANDOMNESS}, "
                f"got {self.randomness!r}"
            )

    @property
    def stochastic(self) -> bool:
        """True when the strategy draws random numbers (generosity or randomness)."""
        uses_generosity = self.generosity > 0 and self.retaliation != "none"
        return uses_generosity or self.randomness > 0

    def to_strategy(self) -> Strategy:
        """The playable :class:`Strategy` for this spec (name = ``self.name``)."""
        mode = {"none": _NO_RETALIATION, "forever": _FOREVER}.get(self.retaliation, _COUNTED)
        memory: float = {"none": 0, "once": 1, "k": self.retaliate_k}.get(
            self.retaliation, math.inf
        )
        if self.probe:
            memory = math.inf
        generosity = float(self.generosity) if mode != _NO_RETALIATION else 0.0
        return Strategy(
            name=self.name,
            display_name=self.name,
            rule=_built_rule,
            memory_depth=memory,
            stochastic=self.stochastic,
            doc=describe(self),
            state={"punish_left": 0, "grudge": False, "streak": 0, "exploit": False},
            params={
                "first_move": np.int8(C if self.first_move == "C" else D),
                "counted": mode == _COUNTED,
                "forever": mode == _FOREVER,
                "k": self.retaliate_k if self.retaliation == "k" else 1,
                "forgives": self.forgive_after is not None,
                "forgive_after": self.forgive_after or 0,
                "generosity": generosity,
                "any_generosity": generosity > 0,
                "probe": bool(self.probe),
                "randomness": float(self.randomness),
                "any_randomness": self.randomness > 0,
            },
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _built_rule(me: Seats) -> Moves:
    """One rule for every built strategy; the settings arrive as per-seat parameters."""
    p, s = me.params, me.state
    if me.first_round:
        moves = p.first_move.copy()
    else:
        partner_cooperated = me.their_last == C
        s.streak += 1
        s.streak *= partner_cooperated
        provoked = ~partner_cooperated
        if p.any_generosity.any():
            provoked &= me.rng.random(me.size) >= p.generosity
        counted = provoked & p.counted
        s.punish_left[counted] = p.k[counted]
        s.grudge |= provoked & p.forever
        if p.forgives.any():
            s.grudge &= ~(p.forgives & (s.streak >= p.forgive_after))
        punishing = s.punish_left > 0
        s.punish_left -= punishing
        moves = (punishing | s.grudge).view(np.int8)  # True is D
    if me.turn < len(PROBE_OPENING):
        if me.turn > 0 and p.probe.any():
            moves = np.where(p.probe, PROBE_OPENING[me.turn], moves)
    else:
        if me.turn == len(PROBE_OPENING):
            s.exploit[:] = p.probe & (me.their_defections == 0)
        moves = moves | s.exploit.view(np.int8)
    if p.any_randomness.any():
        # One draw per seat: below randomness/2 the coin says D, below randomness it says C.
        draw = me.rng.random(me.size)
        moves = np.where(draw < p.randomness, draw < p.randomness / 2, moves)
    return moves


def _percent(probability: float) -> str:
    return f"{probability * 100:.0f}%"


def describe(spec: BuiltStrategy) -> str:
    """The strategy in plain words, for a sales professional: in the words of the game's
    buttons (share, hold back), never "cooperate" and "defect".

    Args:
        spec: the built strategy.

    Returns:
        A few short sentences, e.g. "Opens by sharing. Answers each hold-back by holding back
        once in the next round, then shares again (the idea of Tit For Tat)."
    """
    sentences = ["Opens by sharing." if spec.first_move == "C" else "Opens by holding back."]
    if spec.probe:
        sentences.append(
            "Tests the partner early: holds back in round 2, then shares in rounds 3 and 4. "
            "If the partner never held back in those first four rounds, it takes advantage "
            "and holds back from then on."
        )
    if spec.retaliation == "none":
        sentences.append("Never pays back: it shares whatever the partner does.")
    elif spec.retaliation == "once":
        sentences.append(
            "Answers each hold-back by holding back once in the next round, then shares "
            "again (the idea of Tit For Tat)."
        )
    elif spec.retaliation == "k":
        rounds = "round" if spec.retaliate_k == 1 else f"{spec.retaliate_k} rounds"
        sentences.append(
            f"Answers a hold-back by holding back for the next {rounds} (a new hold-back "
            "starts the count again), then shares again."
        )
    elif spec.forgive_after is None:
        sentences.append(
            "Holds a grudge: after the partner first holds back, it holds back for the rest "
            "of the game."
        )
    else:
        rounds = "round" if spec.forgive_after == 1 else f"{spec.forgive_after} rounds in a row"
        sentences.append(
            "Holds a grudge after a hold-back, but forgives once the partner has shared "
            f"{rounds}, and shares again."
        )
    if spec.generosity > 0 and spec.retaliation != "none":
        sentences.append(
            f"Is generous: lets {_percent(spec.generosity)} of hold-backs pass without "
            "paying them back."
        )
    if spec.randomness > 0:
        sentences.append(
            f"In {_percent(spec.randomness)} of rounds it tosses a coin instead of following "
            "these rules."
        )
    return " ".join(sentences)
