"""Evolution: how a population of strategies changes when the successful ones spread.

Both models take a tournament's payoff matrix (mean payoff per round of each strategy against
each other strategy, self-play on the diagonal) as the reward of one encounter:

- :func:`replicator_dynamics` is deterministic: shares grow in proportion to their average
  payoff against the current population (the discrete replicator of Axelrod's ``Ecosystem``);
- :func:`moran_process` is a seeded birth-death process in a finite population: each step one
  individual, chosen with probability proportional to its fitness, copies itself over one
  chosen uniformly at random.

Both return a DataFrame with one row per generation (from 0) and one column per strategy,
holding population shares that sum to 1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workshop_kit.errors import ParameterError
from workshop_kit.game._checks import check_seed
from workshop_kit.game.tournament import TournamentResult


def _fitness_matrix(source: TournamentResult | pd.DataFrame, lower_is_better: bool) -> pd.DataFrame:
    """Payoffs as non-negative rewards (costs mirrored, negative payoffs shifted)."""
    if isinstance(source, TournamentResult):
        matrix = source.payoff_matrix
        lower_is_better = source.payoffs.lower_is_better
    elif isinstance(source, pd.DataFrame):
        matrix = source
    else:
        raise ParameterError(
            f"payoffs must be a TournamentResult or a payoff-matrix DataFrame, got {source!r}"
        )
    if matrix.shape[0] != matrix.shape[1] or list(matrix.index) != list(matrix.columns):
        raise ParameterError("payoff matrix must be square with the same players on both axes")
    values = matrix.to_numpy(dtype=float)
    if lower_is_better:
        values = values.max() + values.min() - values
    if values.min() < 0:
        values = values - values.min()
    return pd.DataFrame(values, index=list(matrix.index), columns=list(matrix.columns))


def _initial_shares(names: list[str], initial: Mapping[str, float] | None) -> np.ndarray:
    if initial is None:
        return np.full(len(names), 1 / len(names))
    unknown = sorted(set(initial) - set(names))
    if unknown:
        raise ParameterError(
            f"unknown player {unknown[0]!r} in initial; choose from: {', '.join(names)}"
        )
    shares = np.array([float(initial.get(name, 0.0)) for name in names])
    if (shares < 0).any() or not np.isfinite(shares).all() or shares.sum() <= 0:
        raise ParameterError("initial shares must be non-negative numbers with a positive sum")
    return shares / shares.sum()


def _check_generations(generations: object) -> int:
    if isinstance(generations, bool) or not isinstance(generations, int | np.integer):
        raise ParameterError(f"generations must be an integer >= 1, got {generations!r}")
    if generations < 1:
        raise ParameterError(f"generations must be an integer >= 1, got {generations!r}")
    return int(generations)


def replicator_dynamics(
    payoffs: TournamentResult | pd.DataFrame,
    generations: int = 100,
    initial: Mapping[str, float] | None = None,
    *,
    lower_is_better: bool = False,
) -> pd.DataFrame:
    """Deterministic replicator dynamics over a tournament's payoff matrix.

    Each generation, the fitness of strategy i is its expected payoff against the population,
    ``f_i = sum_j A[i, j] x_j``, and its share becomes ``x_i f_i / sum_k x_k f_k``.

    Args:
        payoffs: a :class:`TournamentResult`, or a payoff-matrix DataFrame (player x partner).
        generations: how many generations to compute (>= 1).
        initial: starting shares by player name (missing players start at 0; normalised);
            equal shares when None.
        lower_is_better: for a bare DataFrame of costs (a result carries its own table).

    Returns:
        DataFrame indexed by ``generation`` (0..generations), one column per player.
    """
    generations = _check_generations(generations)
    matrix = _fitness_matrix(payoffs, lower_is_better)
    names = list(matrix.index)
    values = matrix.to_numpy()
    shares = _initial_shares(names, initial)
    history = np.empty((generations + 1, len(names)))
    history[0] = shares
    for generation in range(1, generations + 1):
        fitness = values @ shares
        weighted = shares * fitness
        total = weighted.sum()
        if total > 0:
            shares = weighted / total
        history[generation] = shares
    return pd.DataFrame(
        history, index=pd.RangeIndex(generations + 1, name="generation"), columns=names
    )


def moran_process(
    payoffs: TournamentResult | pd.DataFrame,
    population: Mapping[str, int] | int = 10,
    generations: int = 200,
    *,
    seed: int | None = None,
    lower_is_better: bool = False,
) -> pd.DataFrame:
    """A seeded Moran (birth-death) process in a finite population.

    Each step, an individual's fitness is its mean payoff against all the *other*
    individuals; one individual reproduces with probability proportional to fitness and its
    copy replaces an individual chosen uniformly at random (possibly itself). Once one
    strategy has taken over (fixation), shares stay put.

    Args:
        payoffs: a :class:`TournamentResult`, or a payoff-matrix DataFrame.
        population: individuals per player name, or one int for that many of each.
        generations: how many birth-death steps to run (>= 1).
        seed: makes the run reproducible.
        lower_is_better: for a bare DataFrame of costs.

    Returns:
        DataFrame indexed by ``generation`` (0..generations), one column per player, holding
        shares of the population.
    """
    generations = _check_generations(generations)
    rng = np.random.default_rng(check_seed(seed))
    matrix = _fitness_matrix(payoffs, lower_is_better)
    names = list(matrix.index)
    values = matrix.to_numpy()
    if isinstance(population, int) and not isinstance(population, bool):
        counts = np.full(len(names), population, dtype=np.int64)
    elif isinstance(population, Mapping):
        unknown = sorted(set(population) - set(names))
        if unknown:
            raise ParameterError(
                f"unknown player {unknown[0]!r} in population; choose from: {', '.join(names)}"
            )
        counts = np.array([population.get(name, 0) for name in names], dtype=np.int64)
    else:
        raise ParameterError(f"population must be an int or a mapping, got {population!r}")
    if (counts < 0).any() or counts.sum() < 2:
        raise ParameterError("population needs at least 2 individuals and no negative counts")
    size = int(counts.sum())
    history = np.empty((generations + 1, len(names)))
    history[0] = counts / size
    for step in range(1, generations + 1):
        if (counts == size).any():
            history[step:] = counts / size
            break
        # Mean payoff of one individual of each type against the others.
        fitness = (values @ counts - np.diag(values)) / (size - 1)
        weights = counts * fitness
        if weights.sum() <= 0:
            weights = counts.astype(float)
        parent = rng.choice(len(names), p=weights / weights.sum())
        dead = rng.choice(len(names), p=counts / size)
        counts[parent] += 1
        counts[dead] -= 1
        history[step] = counts / size
    return pd.DataFrame(
        history, index=pd.RangeIndex(generations + 1, name="generation"), columns=names
    )
