"""The dilemma's tables: the live rounds as played, the cohort's built strategies, tournaments
and evolution."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from workshop_kit.errors import ParameterError
from workshop_kit.game import BuiltStrategy, play_tournament, replicator_dynamics
from workshop_kit.game.live import BOT, bot_move, outcome


def live_moves(moves: list, games: list) -> pd.DataFrame:
    """Every played round of the live games, one row per participant and round.

    `moves` are store Answers for exercises ``move:<game>:<round>``; `games` the LiveGame plans.
    The kit's bot (odd cohorts) is filled in with its Tit For Tat answers. A round counts once
    both players have moved. Columns: game, condition, round, participant, partner, move,
    partner_move, points.
    """
    by_key = {}
    for answer in moves:
        _, game_id, round_no = answer.exercise.split(":")
        by_key[(game_id, int(round_no), answer.participant)] = answer.payload.get("move")
    rows = []
    for game in games:
        against_bot: dict[str, str] = {}
        for r in range(1, game.rounds + 1):
            for a, b in game.pairings[r - 1]:
                seat = {}
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        seat[me] = bot_move(against_bot.get(them, ""))
                    else:
                        seat[me] = by_key.get((game.game_id, r, me))
                if None in seat.values():
                    continue
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        against_bot[them] = against_bot.get(them, "") + seat[them]
                        continue
                    points, _ = outcome(seat[me], seat[them], game.payoffs)
                    rows.append({"game": game.game_id, "condition": game.condition, "round": r,
                                 "participant": me, "partner": them, "move": seat[me],
                                 "partner_move": seat[them], "points": points})
    columns = ["game", "condition", "round", "participant", "partner", "move", "partner_move",
               "points"]
    return pd.DataFrame(rows, columns=columns)


def cooperation_by_condition(live: pd.DataFrame) -> pd.DataFrame:
    """Share of 'share' moves per condition and round (condition, round, cooperation, moves)."""
    if live.empty:
        return pd.DataFrame(columns=["condition", "round", "cooperation", "moves"])
    table = live.assign(cooperated=live["move"].eq("C")).groupby(
        ["condition", "round"], as_index=False
    ).agg(cooperation=("cooperated", "mean"), moves=("cooperated", "size"))
    return table


def condition_summary(live: pd.DataFrame, conditions: dict[str, str]) -> pd.DataFrame:
    """Per condition: rounds played, how often people shared, average points per round."""
    if live.empty:
        return pd.DataFrame(columns=["condition", "rounds", "cooperation", "points_per_round"])
    table = live.assign(cooperated=live["move"].eq("C")).groupby("condition").agg(
        rounds=("round", "max"), cooperation=("cooperated", "mean"),
        points_per_round=("points", "mean"))
    order = [c for c in conditions if c in table.index]
    table = table.loc[order].reset_index()
    table["cooperation"] = table["cooperation"].round(2)
    table["points_per_round"] = table["points_per_round"].round(2)
    return table


def cohort_strategies(answers: pd.DataFrame, names: dict[str, str] | None = None
                      ) -> tuple[list, list[str]]:
    """The participants' built strategies, with names made unique, and the problems found.

    `answers` are the store's latest answers to the 'strategy' exercise. A payload that no
    longer validates is left out and reported (participant and reason), never guessed at;
    the participant by their display name where `names` has one.
    """
    strategies, problems, seen = [], [], set()
    for participant, payload in zip(answers["participant"], answers["payload"], strict=True):
        try:
            spec = BuiltStrategy(**payload)
        except (ParameterError, TypeError) as exc:
            problems.append(f"{(names or {}).get(participant, participant)}: {exc}")
            continue
        name, n = spec.name, 2
        while name in seen:
            name = f"{spec.name} ({n})"
            n += 1
        seen.add(name)
        strategies.append(replace(spec, name=name))
    return strategies, problems


def leaderboard(result, cohort_names: list[str]) -> pd.DataFrame:
    """The tournament's ranking with who entered each player: 'cohort' or 'classic'."""
    board = result.ranking
    board.insert(2, "entry", ["cohort" if p in cohort_names else "classic"
                              for p in board["player"]])
    return board


STAGES = ("whole field", "after evolution")


def by_game_length(players: list, lengths: list[int], repetitions: int, noise: float,
                   payoffs: str, seed: int, generations: int = 60) -> pd.DataFrame:
    """The same players in games of different lengths, before and after evolution.

    For each length: a tournament, then replicator dynamics over its payoff matrix. 'whole
    field' weighs every strategy equally; 'after evolution' weighs them by their share after
    `generations` generations, so it shows what the winners of that game length do.
    Columns: turns, stage, cooperation (each strategy's share of cooperative moves across the
    field, weighted by its population share), points_per_round (expected payoff per round of
    the population against itself).
    """
    rows = []
    for turns in lengths:
        result = play_tournament(players, turns=turns, repetitions=repetitions, noise=noise,
                                 payoffs=payoffs, seed=seed)
        shares = replicator_dynamics(result, generations=generations)
        names = list(shares.columns)
        cooperation = result.cooperation_rate.loc[names].to_numpy()
        matrix = result.payoff_matrix.loc[names, names].to_numpy()
        for stage, x in zip(STAGES, (shares.iloc[0].to_numpy(), shares.iloc[-1].to_numpy()),
                            strict=True):
            rows.append({"turns": turns, "stage": stage,
                         "cooperation": float(x @ cooperation),
                         "points_per_round": float(x @ matrix @ x)})
    return pd.DataFrame(rows, columns=["turns", "stage", "cooperation", "points_per_round"])


def evolution(result, generations: int = 60) -> pd.DataFrame:
    """Replicator dynamics from the tournament: each strategy's share per generation (long)."""
    shares = replicator_dynamics(result, generations=generations)
    return shares.reset_index().melt(id_vars="generation", var_name="strategy",
                                     value_name="share")
