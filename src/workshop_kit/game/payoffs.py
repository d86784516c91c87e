"""Payoff tables: what each pair of moves is worth, and whether more is better.

A table names four numbers, in Axelrod's order ``R, S, T, P``:

- ``R`` (reward): both cooperate;
- ``S`` (sucker): I cooperate, my partner defects;
- ``T`` (temptation): I defect, my partner cooperates;
- ``P`` (punishment): both defect.

Some tables count a cost (prison years), where the lowest total wins: that is the
``lower_is_better`` property of the table, and rankings and wins follow it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workshop_kit.errors import ParameterError


@dataclass(frozen=True)
class PayoffTable:
    """The four payoffs of one round, seen from the player who receives them.

    Args:
        R: both cooperate (reward).
        S: I cooperate, my partner defects (sucker).
        T: I defect, my partner cooperates (temptation).
        P: both defect (punishment).
        name: a short key, e.g. ``classic``.
        lower_is_better: True when the numbers are costs (years in prison): the lowest score wins.
        description: one sentence for a facilitator.
    """

    R: float
    S: float
    T: float
    P: float
    name: str = "custom"
    lower_is_better: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        for field_name in ("R", "S", "T", "P"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(
                    f"payoff {field_name} must be a number, got {value!r}"
                )
            if not math.isfinite(value):
                raise ParameterError(f"payoff {field_name} must be finite, got {value!r}")

    @property
    def matrix(self) -> np.ndarray:
        """2x2 array ``[my move, partner's move]`` with C=0, D=1: ``[[R, S], [T, P]]``."""
        return np.array([[self.R, self.S], [self.T, self.P]], dtype=float)

    def utilities(self) -> tuple[float, float, float, float]:
        """``(R, S, T, P)`` as utilities where more is better (costs are negated)."""
        sign = -1.0 if self.lower_is_better else 1.0
        return (sign * self.R, sign * self.S, sign * self.T, sign * self.P)

    @property
    def is_dilemma(self) -> bool:
        """True for a real prisoner's dilemma: T > R > P > S and 2R > T + S (in utilities)."""
        r, s, t, p = self.utilities()
        return t > r > p > s and 2 * r > t + s


CLASSIC = PayoffTable(
    R=3, S=0, T=5, P=1, name="classic",
    description="Axelrod's tournament points: 3 each for cooperation, 5 vs 0, "
    "1 each for defection.",
)
PRISON_YEARS = PayoffTable(
    R=0.5, S=10, T=0, P=5, name="prison_years", lower_is_better=True,
    description="Years in prison from the seed post: both silent half a year each, one testifies "
    "0 vs 10 years, both testify 5 years each. Fewer years is better.",
)
SELLER_BUYER = PayoffTable(
    R=4, S=0, T=6, P=1, name="seller_buyer",
    description="Both share knowledge and prepare: 4 each; one holds back while the other shares: "
    "6 vs 0; both guarded: 1 each.",
)

PAYOFF_TABLES: dict[str, PayoffTable] = {
    table.name: table for table in (CLASSIC, PRISON_YEARS, SELLER_BUYER)
}


def parse_payoffs(payoffs: str | PayoffTable, field: str = "payoffs") -> PayoffTable:
    """Read a payoff table from a table name (``classic``) or four numbers ``"R,S,T,P"``.

    Args:
        payoffs: a :class:`PayoffTable`, a name from :data:`PAYOFF_TABLES`, or ``"3,0,5,1"``.
        field: the option name used in error messages.

    Returns:
        The payoff table.

    Raises:
        ParameterError: unknown name or not four numbers.
    """
    if isinstance(payoffs, PayoffTable):
        return payoffs
    if not isinstance(payoffs, str):
        raise ParameterError(
            f"{field} must be a table name or four numbers R,S,T,P, got {payoffs!r}"
        )
    text = payoffs.strip()
    if text in PAYOFF_TABLES:
        return PAYOFF_TABLES[text]
    choices = ", ".join(sorted(PAYOFF_TABLES))
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 4:
        raise ParameterError(
            f"unknown {field} {payoffs!r}; give four numbers R,S,T,P (e.g. 3,0,5,1) "
            f"or a table name: {choices}"
        )
    try:
        r, s, t, p = (float(part) for part in parts)
    except ValueError:
        raise ParameterError(
            f"{field} {payoffs!r} needs four numbers R,S,T,P (e.g. 3,0,5,1) "
            f"or a table name: {choices}"
        ) from None
    return PayoffTable(R=r, S=s, T=t, P=p)
