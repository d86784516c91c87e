"""The dilemma's part of the reports: your live rounds, your strategy in words and where it
finished in the cohort tournament; on the cohort page, how often the room shared by round and
game, and the tournament's leaderboard.

The tournament is played again here exactly as the facilitator's notebook played it (same
players, settings and seed) while it fits in `EXACT_MATCHES` matches. A bigger cohort's
round robin (1,000 people: 10 million matches of 200 rounds) would need gigabytes in one
piece, so it is played in blocks of `BLOCK_MATCHES` matches, each with its own random draws
from the seed, and only per-player sums are kept: the same tournament, the same ranking rule
(the median over repetitions of points per round), in memory that does not grow with the
cohort."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workshop_kit.game import describe, play_tournament, resolve_player
from workshop_kit.game.engine import simulate
from workshop_kit.game.live import LiveGame
from workshop_kit.game.payoffs import parse_payoffs
from workshop_kit.report import ReportData, chart_img, render, table
from workshop_kit.store import FACILITATOR
from workshop_kit.tables import human_label

from . import analysis, charts
from .answers import GAME_EXERCISE

TITLE = "The dilemma: share or hold back?"
EXACT_MATCHES = 150_000  # matches x repetitions played in one piece (the facilitator's way)
BLOCK_MATCHES = 150_000  # otherwise, matches per block


def blocked_tournament(players: list, names: list[str], *, turns: int, repetitions: int,
                       noise: float, payoffs: str, seed: int,
                       block: int = BLOCK_MATCHES) -> pd.DataFrame:
    """A round robin (self-play included, left out of scores) played `block` matches at a
    time: the leaderboard (rank, player, entry, median_per_round, cooperation_rate)."""
    strategies = [resolve_player(p) for p in players]
    table_ = parse_payoffs(payoffs)
    n = len(strategies)
    first, second = np.triu_indices(n)
    value_a = np.array([table_.R, table_.S, table_.T, table_.P], dtype=float)
    value_b = np.array([table_.R, table_.T, table_.S, table_.P], dtype=float)
    per_round = np.zeros((n, repetitions))
    shared = np.zeros(n)
    moves = np.zeros(n)
    number = 0
    for rep in range(repetitions):
        for lo in range(0, len(first), block):
            a, b = first[lo:lo + block], second[lo:lo + block]
            rng = np.random.default_rng([seed, rep, number])
            number += 1
            moves_a, moves_b = simulate(strategies, np.stack([a, b], axis=1), turns, noise,
                                        table_, rng)
            outcome = moves_a * 2 + moves_b
            del moves_a, moves_b
            counts = np.stack([np.count_nonzero(outcome == code, axis=0) for code in range(4)])
            del outcome
            other = a != b
            for seat, partner_values, coop in ((a, value_a, counts[0] + counts[1]),
                                               (b, value_b, counts[0] + counts[2])):
                np.add.at(per_round[:, rep], seat[other],
                          (counts.T @ partner_values)[other] / turns)
                np.add.at(shared, seat[other], coop[other])
                np.add.at(moves, seat[other], turns)
    per_round /= max(n - 1, 1)
    medians = np.median(per_round, axis=1)
    order = np.argsort(medians if table_.lower_is_better else -medians, kind="stable")
    player_names = [s.name for s in strategies]
    board = pd.DataFrame({
        "rank": np.arange(1, n + 1),
        "player": [player_names[i] for i in order],
        "median_per_round": medians[order],
        "cooperation_rate": (shared / np.maximum(moves, 1))[order]})
    board.insert(2, "entry", ["cohort" if p in names else "classic" for p in board["player"]])
    return board


def _tournament(content: Any, answers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The cohort tournament: leaderboard, and each participant's strategy (unique name)."""
    strategies, problems = analysis.cohort_strategies(answers)
    failed = {p.split(":", 1)[0] for p in problems}
    valid = [p for p in answers["participant"] if p not in failed]
    strategy_of = dict(zip(valid, strategies, strict=True))
    if not strategies:
        return pd.DataFrame(), strategy_of
    settings = content.tournament
    names = [s.name for s in strategies]
    players = [*strategies, *[c for c in content.classics if c not in names]]
    n = len(players)
    if n * (n + 1) // 2 * settings.repetitions <= EXACT_MATCHES:
        result = play_tournament(players, turns=settings.turns,
                                 repetitions=settings.repetitions, noise=settings.noise,
                                 payoffs=content.payoffs, seed=settings.seed)
        board = analysis.leaderboard(result, names)
    else:
        board = blocked_tournament(players, names, turns=settings.turns,
                                   repetitions=settings.repetitions, noise=settings.noise,
                                   payoffs=content.payoffs, seed=settings.seed)
    return board[["rank", "player", "entry", "median_per_round", "cooperation_rate"]], \
        strategy_of


def summarise(data: ReportData, module_id: str) -> dict[str, Any]:
    """Each participant's live rounds per game (a few rows each), the room's sharing by game
    and round, the leaderboard and each participant's strategy."""
    content = data.module_content(module_id)
    store, cid = data.store, data.cohort_id
    games = [LiveGame.from_payload(a.payload)
             for a in store.history(cid, FACILITATOR, module_id, GAME_EXERCISE)]
    people = sorted({p for g in games for p in g.players()})
    live = analysis.live_moves(store.latest_many(cid, module_id, people, "move:")
                               if people else [], games)
    conditions = dict(content.conditions)
    mine = pd.DataFrame(columns=["participant", "condition", "rounds", "shared", "points"])
    if not live.empty:
        mine = live.assign(shared=live["move"].eq("C")).groupby(
            ["participant", "condition"], as_index=False).agg(
            rounds=("round", "size"), shared=("shared", "mean"), points=("points", "sum"))
    board, strategy_of = _tournament(content, data.answers(module_id, content.exercise))
    return {"mine": {p: g.drop(columns="participant") for p, g in mine.groupby("participant")},
            "by_round": analysis.cooperation_by_condition(live),
            "by_game": analysis.condition_summary(live, conditions),
            "sharing": (live.assign(c=live["move"].eq("C")).groupby("condition")["c"].mean()
                        .to_dict() if not live.empty else {}),
            "board": board, "strategy_of": strategy_of}


def section(data: ReportData, pid: str, module_id: str) -> str:
    content = data.module_content(module_id)
    summary = data.summary(module_id)
    conditions = dict(content.conditions)
    live = summary["mine"].get(pid)
    rounds = None
    if live is not None:
        rounds = table(live.assign(condition=live["condition"].map(
            lambda c: conditions.get(c, c))),
            {"condition": "Game", "rounds": "Rounds", "shared": "You shared",
             "points": "Your points"}, percent=["shared"])
    spec = summary["strategy_of"].get(pid)
    board = summary["board"]
    row = board[board["player"] == spec.name] if spec is not None else board.iloc[0:0]
    return render(
        "<h2>{{ title }}</h2>{% if rounds %}<p>Your live rounds:</p>{{ rounds }}{% endif %}"
        "{% if spec is none %}<p class='muted'>No tournament strategy recorded.</p>{% else %}"
        "<p>Your strategy, <b>{{ spec.name }}</b>: {{ words }}</p>{% if rank %}<p>In the "
        "cohort tournament it finished <b>{{ rank }} of {{ of }}</b> (cohort strategies and "
        "classics), sharing {{ '{:.0%}'.format(share) }} of the time.</p>{% endif %}"
        "{% endif %}", title=TITLE, rounds=rounds, spec=spec,
        words=describe(spec) if spec is not None else "",
        rank=int(row["rank"].iloc[0]) if len(row) else None, of=len(board),
        share=float(row["cooperation_rate"].iloc[0]) if len(row) else 0.0)


def cohort_section(data: ReportData, module_id: str) -> str | None:
    summary = data.summary(module_id)
    conditions = dict(data.module_content(module_id).conditions)
    parts = []
    if not summary["by_round"].empty:
        by_game = summary["by_game"]
        parts += [chart_img(charts.live_cooperation(summary["by_round"], conditions),
                            "Live cooperation"),
                  table(by_game.assign(condition=by_game["condition"].map(human_label)),
                        {"condition": "Game", "rounds": "Rounds", "cooperation": "Shared",
                         "points_per_round": "Points per round"}, percent=["cooperation"])]
    if not summary["board"].empty:
        parts.append(chart_img(charts.leaderboard(summary["board"].head(20)),
                               "Tournament leaderboard"))
    return "".join([render("<h2>The dilemma</h2>"), *parts]) if parts else None


def compare(data: ReportData, module_id: str) -> dict[str, Any]:
    summary = data.summary(module_id)
    row: dict[str, Any] = {f"live sharing: {c}": round(float(v), 2)
                           for c, v in summary["sharing"].items()}
    board = summary["board"]
    if not board.empty:
        row["tournament sharing (cohort strategies)"] = round(
            float(board[board["entry"] == "cohort"]["cooperation_rate"].mean()), 2)
    return row
