"""Round-robin tournaments, counted the way the Axelrod library counts them.

Every player meets every other player and a copy of itself, in every repetition. As in
Axelrod's ``Tournament``/``ResultSet``:

- a player's score in a repetition is the sum of its match totals against the *other*
  players; the self-play match is left out of scores, wins and cooperation rates;
- the payoff matrix holds the mean payoff per round, averaged over repetitions, and includes
  self-play on the diagonal (the mean of the two copies);
- players are ranked by the median over repetitions of their mean payoff per round (for a
  fixed number of rounds this orders them like the median total score); ties keep the order
  in which players were given; for a table where lower is better, the lowest ranks first;
- a win is a match whose total is better than the partner's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workshop_kit.errors import ParameterError
from workshop_kit.game._checks import (
    check_noise,
    check_prob_end,
    check_repetitions,
    check_seed,
    check_turns,
)
from workshop_kit.game.core import Strategy
from workshop_kit.game.engine import PlayerLike, resolve_player, simulate
from workshop_kit.game.payoffs import PayoffTable, parse_payoffs
from workshop_kit.game.strategies import CLASSICS


def match_lengths(
    n_matches: int, turns: int | None, prob_end: float | None, rng: np.random.Generator
) -> np.ndarray:
    """Length of each match: ``turns``, or geometric with ``prob_end`` capped at ``turns``.

    With ``prob_end`` the match ends after each round with that probability, so lengths
    follow ``P(n) = prob_end * (1 - prob_end) ** (n - 1)`` for n >= 1 (Axelrod's
    ``sample_length``), then at most ``turns`` when ``turns`` is given.
    """
    if prob_end is None:
        if turns is None:
            raise ParameterError("give turns or prob_end")
        return np.full(n_matches, turns, dtype=np.int64)
    lengths = rng.geometric(prob_end, size=n_matches).astype(np.int64)
    if turns is not None:
        lengths = np.minimum(lengths, turns)
    return lengths


@dataclass(frozen=True)
class TournamentResult:
    """Results of a round-robin tournament, as pandas objects.

    Attributes:
        players: the player names as given (classic keys or built strategies' names).
        display_names: the Axelrod-style display names, in the same order.
        payoffs: the payoff table used.
        turns: rounds per match (the cap when ``prob_end`` is given), or None.
        prob_end: probability that a match ends after each round, or None.
        repetitions: how many times every pair met.
        noise: probability that each move was flipped.
        seed: the seed used, or None.
        scores: DataFrame (index ``player``, columns repetition 0..n-1): total score per
            repetition, self-play excluded (Axelrod's ``scores``).
        normalised_scores: same shape: mean payoff per round against the other players
            (Axelrod's ``normalised_scores``; the ranking key).
        wins: same shape: matches won per repetition (Axelrod's ``wins``).
        payoff_matrix: DataFrame player x partner: mean payoff per round, with self-play on
            the diagonal (Axelrod's ``payoff_matrix``).
        cooperation_by_round: DataFrame with columns ``round`` (from 1), ``cooperation_rate``
            (share of C among all moves played in that round, all matches including
            self-play) and ``matches`` (matches still running in that round).
        cooperation_rate: Series per player: share of its moves that were C, self-play
            excluded (Axelrod's ``cooperating_rating``).
        matches: DataFrame with one row per match: ``repetition``, ``player``,
            ``partner``, ``rounds``, ``player_score``, ``partner_score``.
    """

    players: list[str]
    display_names: list[str]
    payoffs: PayoffTable
    turns: int | None
    prob_end: float | None
    repetitions: int
    noise: float
    seed: int | None
    scores: pd.DataFrame
    normalised_scores: pd.DataFrame
    wins: pd.DataFrame
    payoff_matrix: pd.DataFrame
    cooperation_by_round: pd.DataFrame
    cooperation_rate: pd.Series
    matches: pd.DataFrame

    @property
    def ranked_names(self) -> list[str]:
        """Player names, best first (ties keep the given order)."""
        medians = self.normalised_scores.median(axis=1).to_numpy()
        key = medians if self.payoffs.lower_is_better else -medians
        return [self.players[i] for i in np.argsort(key, kind="stable")]

    @property
    def ranking(self) -> pd.DataFrame:
        """The leaderboard, best first: ``rank``, ``player``, ``display_name``,
        ``median_score``, ``mean_score`` (of per-repetition totals), ``median_per_round``,
        ``cooperation_rate`` and ``wins`` (mean per repetition)."""
        names = self.ranked_names
        board = pd.DataFrame(
            {
                "player": names,
                "display_name": [self.display_names[self.players.index(n)] for n in names],
                "median_score": self.scores.loc[names].median(axis=1).to_numpy(),
                "mean_score": self.scores.loc[names].mean(axis=1).to_numpy(),
                "median_per_round": self.normalised_scores.loc[names].median(axis=1).to_numpy(),
                "cooperation_rate": self.cooperation_rate.loc[names].to_numpy(),
                "wins": self.wins.loc[names].mean(axis=1).to_numpy(),
            }
        )
        board.insert(0, "rank", np.arange(1, len(names) + 1))
        return board

    def to_json(self) -> dict[str, Any]:
        """``{"scores": {name: [per-repetition totals]}, "ranking": [names best first]}``."""
        return {
            "scores": {
                name: [_plain(v) for v in self.scores.loc[name].to_list()]
                for name in self.players
            },
            "ranking": self.ranked_names,
        }


def _plain(value: float) -> float | int:
    """A JSON-friendly number: ints stay ints."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _resolve_players(players: Sequence[PlayerLike]) -> list[Strategy]:
    if isinstance(players, str) or not isinstance(players, Sequence):
        raise ParameterError(
            f"players must be a list of strategy names or specs, got {players!r}"
        )
    resolved = [resolve_player(p) for p in players]
    if len(resolved) < 2:
        raise ParameterError(f"players needs at least 2 players, got {len(resolved)}")
    seen: set[str] = set()
    for strategy in resolved:
        if strategy.name in seen:
            raise ParameterError(
                f"duplicate player {strategy.name!r} in players; give each player a unique name"
            )
        seen.add(strategy.name)
    return resolved


def play_tournament(
    players: Sequence[PlayerLike],
    *,
    turns: int | None = 200,
    prob_end: float | None = None,
    repetitions: int = 10,
    noise: float = 0.0,
    payoffs: str | PayoffTable = "classic",
    seed: int | None = None,
) -> TournamentResult:
    """Play a round-robin tournament, all matches at once.

    Args:
        players: strategy names (``"tit_for_tat"``), :class:`Strategy` or
            :class:`BuiltStrategy` specs; at least two, with unique names.
        turns: rounds per match (>= 1); with ``prob_end``, the longest a match may last
            (None for no cap).
        prob_end: if given, the probability in (0, 1] that a match ends after each round;
            each match's length is then drawn (geometric distribution) from the seed.
        repetitions: how many times every pair plays (>= 1).
        noise: probability in [0, 1] that each move is flipped.
        payoffs: a table name (``classic``, ``prison_years``, ``seller_buyer``),
            ``"R,S,T,P"`` or a :class:`PayoffTable`.
        seed: makes the whole result reproducible; None draws fresh randomness.

    Returns:
        The :class:`TournamentResult`.

    Raises:
        ParameterError: a bad player name, number or payoff table.
    """
    strategies = _resolve_players(players)
    if turns is not None:
        turns = check_turns(turns)
    prob_end = check_prob_end(prob_end)
    if turns is None and prob_end is None:
        raise ParameterError("turns must be an integer >= 1 when prob_end is not given")
    repetitions = check_repetitions(repetitions)
    noise = check_noise(noise)
    table = parse_payoffs(payoffs)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)

    n = len(strategies)
    first, second = np.triu_indices(n)  # every pair once, self-play included
    n_pairs = len(first)
    pairs = np.tile(np.stack([first, second], axis=1), (repetitions, 1))
    repetition = np.repeat(np.arange(repetitions), n_pairs)
    lengths = match_lengths(len(pairs), turns, prob_end, rng)
    rounds = int(lengths.max())
    moves_a, moves_b = simulate(strategies, pairs, rounds, noise, table, rng)

    # Outcome of every round as one code, CC=0 CD=1 DC=2 DD=3 (from A's side); 4 = over.
    outcome = moves_a * 2 + moves_b
    if prob_end is not None:
        outcome[np.arange(rounds)[:, None] >= lengths[None, :]] = 4
    counts = np.empty((4, len(pairs)), dtype=np.int64)  # outcome x match
    per_round = np.empty((4, rounds), dtype=np.int64)  # outcome x round
    for code in range(4):
        happened = outcome == code
        counts[code] = np.count_nonzero(happened, axis=0)
        per_round[code] = np.count_nonzero(happened, axis=1)
    r, s, t, p = table.R, table.S, table.T, table.P
    total_a = counts.T @ np.array([r, s, t, p], dtype=float)
    total_b = counts.T @ np.array([r, t, s, p], dtype=float)
    coop_a, coop_b = counts[0] + counts[1], counts[0] + counts[2]
    by_round = pd.DataFrame(
        {
            "round": np.arange(1, rounds + 1),
            "cooperation_rate": (2 * per_round[0] + per_round[1] + per_round[2])
            / (2 * per_round.sum(axis=0)),
            "matches": per_round.sum(axis=0),
        }
    )

    return _summarise(
        strategies, table, turns, prob_end, repetitions, noise, seed,
        pairs, repetition, lengths, total_a, total_b, coop_a, coop_b, by_round,
    )


def _summarise(
    strategies: list[Strategy],
    table: PayoffTable,
    turns: int | None,
    prob_end: float | None,
    repetitions: int,
    noise: float,
    seed: int | None,
    pairs: np.ndarray,
    repetition: np.ndarray,
    lengths: np.ndarray,
    total_a: np.ndarray,
    total_b: np.ndarray,
    coop_a: np.ndarray,
    coop_b: np.ndarray,
    by_round: pd.DataFrame,
) -> TournamentResult:
    """Turn per-match totals into Axelrod's summary tables."""
    n = len(strategies)
    names = [s.name for s in strategies]
    a, b = pairs[:, 0], pairs[:, 1]
    other = a != b

    # Each match seen from both seats: (player, partner, repetition, total, cooperations).
    player = np.concatenate([a, b])
    partner = np.concatenate([b, a])
    rep = np.concatenate([repetition, repetition])
    total = np.concatenate([total_a, total_b])
    partner_total = np.concatenate([total_b, total_a])
    seat_lengths = np.concatenate([lengths, lengths])
    cooperations = np.concatenate([coop_a, coop_b])
    per_round = total / seat_lengths
    counted = np.concatenate([other, other])  # self-play left out of scores and wins
    won = total < partner_total if table.lower_is_better else total > partner_total

    scores = np.zeros((n, repetitions))
    np.add.at(scores, (player[counted], rep[counted]), total[counted])
    wins = np.zeros((n, repetitions), dtype=np.int64)
    np.add.at(wins, (player[counted], rep[counted]), won[counted])
    normalised = np.zeros((n, repetitions))
    np.add.at(normalised, (player[counted], rep[counted]), per_round[counted])
    normalised /= max(n - 1, 1)

    # Payoff matrix: mean per-round payoff per (player, partner), self-play's two seats averaged.
    payoff_sum = np.zeros((n, n))
    payoff_count = np.zeros((n, n))
    np.add.at(payoff_sum, (player, partner), per_round)
    np.add.at(payoff_count, (player, partner), 1)
    payoff_matrix = payoff_sum / payoff_count

    coop_total = np.zeros(n)
    rounds_total = np.zeros(n)
    np.add.at(coop_total, player[counted], cooperations[counted])
    np.add.at(rounds_total, player[counted], seat_lengths[counted])
    cooperation_rate = coop_total / np.maximum(rounds_total, 1)

    index = pd.Index(names, name="player")
    columns = pd.RangeIndex(repetitions, name="repetition")
    return TournamentResult(
        players=names,
        display_names=[s.display_name for s in strategies],
        payoffs=table,
        turns=turns,
        prob_end=prob_end,
        repetitions=repetitions,
        noise=noise,
        seed=seed,
        scores=pd.DataFrame(scores, index=index, columns=columns),
        normalised_scores=pd.DataFrame(normalised, index=index, columns=columns),
        wins=pd.DataFrame(wins, index=index, columns=columns),
        payoff_matrix=pd.DataFrame(
            payoff_matrix, index=index, columns=pd.Index(names, name="partner")
        ),
        cooperation_by_round=by_round,
        cooperation_rate=pd.Series(cooperation_rate, index=index, name="cooperation_rate"),
        matches=pd.DataFrame(
            {
                "repetition": repetition,
                "player": [names[i] for i in a],
                "partner": [names[i] for i in b],
                "rounds": lengths,
                "player_score": total_a,
                "partner_score": total_b,
            }
        ),
    )


def tournament_summary(
    names_csv: str,
    turns: int,
    repetitions: int,
    noise: float,
    prob_end: float | None,
    payoffs: str,
    seed: int | None,
) -> TournamentResult:
    """The CLI's entry point: play a tournament of classic strategies named in a CSV string.

    Args:
        names_csv: comma-separated strategy keys, e.g. ``"tit_for_tat,defector,grudger"``;
            ``"all"`` plays every classic.
        turns: rounds per match (>= 1); the cap on match length when ``prob_end`` is given.
        repetitions: repetitions (>= 1).
        noise: probability in [0, 1] that a move is flipped.
        prob_end: None, or the probability in (0, 1] that a match ends after each round.
        payoffs: a table name or four numbers ``"R,S,T,P"``.
        seed: None or an integer >= 0.

    Returns:
        The :class:`TournamentResult`.

    Raises:
        ParameterError: one line naming the bad option and the valid choices or range.
    """
    if not isinstance(names_csv, str):
        raise ParameterError(f"--players must be comma-separated names, got {names_csv!r}")
    names = [name.strip() for name in names_csv.split(",") if name.strip()]
    if names == ["all"]:
        names = list(CLASSICS)
    choices = ", ".join(sorted(CLASSICS))
    for name in names:
        if name not in CLASSICS:
            raise ParameterError(f"unknown player {name!r} in --players; choose from: {choices}")
    return play_tournament(
        names,
        turns=turns,
        prob_end=prob_end,
        repetitions=repetitions,
        noise=noise,
        payoffs=payoffs,
        seed=seed,
    )


def format_table(result: TournamentResult) -> str:
    """A plain ranked text table: rank, name, median score, mean score, cooperation, wins.

    Scores are per-repetition totals (median and mean over repetitions), cooperation is the
    share of C moves, wins are the mean number of matches won per repetition.

    Args:
        result: a tournament result.

    Returns:
        The table as text, one player per line, best first, with a header line.
    """
    board = result.ranking
    width = max(4, *(len(name) for name in board["player"]))
    lines = [
        f"{'rank':>4}  {'name':<{width}}  {'median':>10}  {'mean':>10}  "
        f"{'coop':>6}  {'wins':>6}"
    ]
    for row in board.itertuples(index=False):
        lines.append(
            f"{row.rank:>4}  {row.player:<{width}}  {_number(row.median_score):>10}  "
            f"{_number(row.mean_score):>10}  {row.cooperation_rate:>6.1%}  {row.wins:>6.1f}"
        )
    return "\n".join(lines)


def _number(value: float) -> str:
    if math.isfinite(value) and float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"
