"""The dilemma's charts: the live rounds, the tournament's leaderboard, game length and
evolution."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit.charts import (
    OKABE_ITO,
    band_step,
    chart_title,
    empty_chart,
    lines_axis,
    whole_axis,
    wrap,
)
from workshop_kit.tables import CONDITION_LABELS, human_label

CONDITION_COLOURS = {"one_shot": OKABE_ITO[5], "partners": OKABE_ITO[2],
                     "strangers": OKABE_ITO[1]}


def leaderboard(board: pd.DataFrame, top: int = 20) -> alt.Chart:
    """Tournament leaderboard: points per round (median), the cohort's entries highlighted.

    `board` has columns rank, player, entry, median_per_round, cooperation_rate
    (from `analysis.leaderboard`).
    """
    if board.empty:
        return empty_chart("No strategies yet")
    head = board.head(top)
    head = head.assign(player=head["player"].map(lambda p: wrap(human_label(p), 30)))
    return (
        alt.Chart(head)
        .mark_bar()
        .encode(
            y=alt.Y("player:N", sort=list(head["player"]), title=None, axis=lines_axis()),
            x=alt.X("median_per_round:Q", title="Points per round (median over repetitions)"),
            color=alt.Color("entry:N", scale=alt.Scale(domain=["cohort", "classic"],
                                                       range=[OKABE_ITO[0], "#999999"]),
                            legend=alt.Legend(title=None, orient="top")),
            tooltip=["rank:Q", "player:N", "entry:N",
                     alt.Tooltip("median_per_round:Q", format=".2f"),
                     alt.Tooltip("cooperation_rate:Q", format=".0%", title="shares")],
        )
        .properties(width=420, height=band_step(head["player"], 22),
                    title=chart_title("Cohort tournament leaderboard"))
    )


def live_cooperation(table: pd.DataFrame, conditions: dict[str, str]) -> alt.Chart:
    """How often the room shared, round by round, in each live condition.

    `table` has columns condition, round, cooperation, moves
    (from `analysis.cooperation_by_condition`).
    """
    if table.empty:
        return empty_chart("No live rounds played yet")
    ids = [c for c in conditions if c in set(table["condition"])]
    domain = [CONDITION_LABELS.get(c, human_label(c)) for c in ids]
    table = table.assign(condition=table["condition"].map(
        lambda c: CONDITION_LABELS.get(c, human_label(c))))
    last = int(table["round"].max())
    rounds = list(range(1, last + 1)) if last <= 30 else None
    base = alt.Chart(table).encode(
        x=alt.X("round:Q", title="Round", scale=alt.Scale(domain=[1, max(last, 2)]),
                axis=whole_axis(values=rounds) if rounds else whole_axis()),
        y=alt.Y("cooperation:Q", title="Share who shared", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("condition:N", scale=alt.Scale(
            domain=domain, range=[CONDITION_COLOURS[c] for c in ids]),
            legend=alt.Legend(title=None, orient="top")),
        tooltip=["condition:N", "round:Q",
                 alt.Tooltip("cooperation:Q", format=".0%", title="shared"), "moves:Q"],
    )
    return (base.mark_line() + base.mark_circle(size=60)).properties(
        width=480, height=240, title=chart_title("Live rounds: how often people shared"))


def game_length(table: pd.DataFrame) -> alt.Chart:
    """Cooperation and points per round for games of 1, 10, 100… rounds, for the whole field
    and for the population that evolution leaves.

    `table` has columns turns, stage, cooperation, points_per_round
    (from `analysis.by_game_length`).
    """
    if table.empty:
        return empty_chart("No strategies yet")
    stages = list(dict.fromkeys(table["stage"]))
    x = alt.X("turns:O", title="Rounds in a game")
    colour = alt.Color("stage:N", scale=alt.Scale(domain=stages,
                                                  range=[OKABE_ITO[4], OKABE_ITO[0]]),
                       legend=alt.Legend(title=None, orient="top"))
    coop = alt.Chart(table).mark_bar().encode(
        x=x, xOffset=alt.XOffset("stage:N", sort=stages), color=colour,
        y=alt.Y("cooperation:Q", title="Share of moves that shared",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=["turns:O", "stage:N", alt.Tooltip("cooperation:Q", format=".0%", title="shared")],
    ).properties(width=220, height=200)
    points = alt.Chart(table).mark_bar().encode(
        x=x, xOffset=alt.XOffset("stage:N", sort=stages), color=colour,
        y=alt.Y("points_per_round:Q", title="Points per round"),
        tooltip=["turns:O", "stage:N", alt.Tooltip("points_per_round:Q", format=".2f")],
    ).properties(width=220, height=200)
    return alt.hconcat(coop, points).properties(
        title=chart_title("Short games and long games: what the surviving strategies do"))


def evolution(shares: pd.DataFrame, top: int = 8) -> alt.Chart:
    """Which strategies take over the population, generation by generation (stacked shares).

    `shares` has columns generation, strategy, share (from `analysis.evolution`); strategies
    outside the `top` final shares are grouped as 'others'.
    """
    if shares.empty:
        return empty_chart("No strategies yet")
    last = shares[shares["generation"] == shares["generation"].max()]
    keep = list(last.sort_values("share", ascending=False)["strategy"].head(top))
    grouped = shares.assign(strategy=shares["strategy"].where(shares["strategy"].isin(keep),
                                                              "others"))
    grouped = grouped.groupby(["generation", "strategy"], as_index=False)["share"].sum()
    order = [*keep, "others"] if len(keep) < shares["strategy"].nunique() else keep
    grouped = grouped.assign(strategy=grouped["strategy"].map(human_label))
    order = [human_label(s) for s in order]
    palette = [*OKABE_ITO, "#000000", "#999999"][: len(order)]
    return (
        alt.Chart(grouped)
        .mark_area()
        .encode(
            x=alt.X("generation:Q", title="Generation", axis=whole_axis()),
            y=alt.Y("share:Q", stack="normalize", title="Share of the population",
                    axis=alt.Axis(format="%")),
            color=alt.Color("strategy:N", sort=order,
                            scale=alt.Scale(domain=order, range=palette),
                            legend=alt.Legend(title=None, labelLimit=0)),
            order=alt.Order("strategy:N"),
            tooltip=["generation:Q", "strategy:N", alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=480, height=240, title=chart_title("Evolution: who survives"))
    )
