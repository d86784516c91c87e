"""Checks of the numbers a facilitator or the CLI passes in; each failure is a one-line
ParameterError that names the option and the valid range."""

from __future__ import annotations

import numpy as np

from workshop_kit.errors import ParameterError

MAX_TURNS = 100_000
MAX_REPETITIONS = 100_000


def check_turns(turns: object, field: str = "turns") -> int:
    """``turns`` as an int >= 1, or a ParameterError naming ``field``."""
    if isinstance(turns, bool) or not isinstance(turns, int | np.integer):
        raise ParameterError(f"{field} must be an integer >= 1, got {turns!r}")
    if not 1 <= turns <= MAX_TURNS:
        raise ParameterError(f"{field} must be an integer from 1 to {MAX_TURNS}, got {turns!r}")
    return int(turns)


def check_repetitions(repetitions: object) -> int:
    """``repetitions`` as an int >= 1, or a ParameterError."""
    if isinstance(repetitions, bool) or not isinstance(repetitions, int | np.integer):
        raise ParameterError(f"repetitions must be an integer >= 1, got {repetitions!r}")
    if not 1 <= repetitions <= MAX_REPETITIONS:
        raise ParameterError(
            f"repetitions must be an integer from 1 to {MAX_REPETITIONS}, got {repetitions!r}"
        )
    return int(repetitions)


def check_noise(noise: object) -> float:
    """``noise`` as a float in [0, 1], or a ParameterError."""
    if (
        isinstance(noise, bool)
        or not isinstance(noise, int | float | np.integer | np.floating)
        or not 0 <= noise <= 1
    ):
        raise ParameterError(f"noise must be a number in [0, 1], got {noise!r}")
    return float(noise)


def check_prob_end(prob_end: object) -> float | None:
    """``prob_end`` as None or a float in (0, 1], or a ParameterError."""
    if prob_end is None:
        return None
    if (
        isinstance(prob_end, bool)
        or not isinstance(prob_end, int | float | np.integer | np.floating)
        or not 0 < prob_end <= 1
    ):
        raise ParameterError(f"prob_end must be None or a number in (0, 1], got {prob_end!r}")
    return float(prob_end)


def check_seed(seed: object) -> int | None:
    """``seed`` as None or an int >= 0, or a ParameterError."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be None or an integer >= 0, got {seed!r}")
    return int(seed)
