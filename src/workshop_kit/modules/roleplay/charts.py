"""The role-play's charts: how the rounds ended, the seller's share of talk time, what the
observers saw."""

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
    wrapped,
)

OUTCOME_COLOURS = {"agreed": OKABE_ITO[2], "next_meeting": OKABE_ITO[4],
                   "referred": OKABE_ITO[0], "no_thanks": OKABE_ITO[5]}


def _outcome_colour(outcomes: dict[str, str], title: str = "Outcome") -> alt.Color:
    """Colour by outcome label, in the kit's order, the same colours in every chart."""
    order = [o for o in OUTCOME_COLOURS if o in outcomes]
    return alt.Color(
        "outcome_label:N",
        scale=alt.Scale(domain=[outcomes[o] for o in order],
                        range=[OUTCOME_COLOURS[o] for o in order]),
        legend=alt.Legend(title=title, orient="top"),
    )


def roleplay_outcomes(paths: pd.DataFrame, outcomes: dict[str, str]) -> alt.Chart:
    """How each script ended: sellers per outcome, stacked per script.

    `paths` has columns title, outcome, outcome_label (from `analysis.roleplay_paths`).
    """
    if paths.empty:
        return empty_chart("No role-plays played to an ending yet")
    counts = paths.groupby(["title", "outcome", "outcome_label"], as_index=False).size()
    counts["order"] = counts["outcome"].map(list(OUTCOME_COLOURS).index)
    counts = wrapped(counts, "title", 30)
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("title:N", title=None, axis=lines_axis()),
            x=alt.X("size:Q", title="Sellers", axis=whole_axis()),
            color=_outcome_colour(outcomes),
            order=alt.Order("order:Q"),
            tooltip=["title:N", "outcome_label:N", alt.Tooltip("size:Q", title="sellers")],
        )
        .properties(width=420, height=band_step(counts["title"], 34),
                    title=chart_title("How each role-play ended"))
    )


def talk_share(rounds: pd.DataFrame, outcomes: dict[str, str]) -> alt.Chart:
    """The seller's share of talk time in each round, against how the round ended.

    One dot per timed round, a black tick at each outcome's mean; the dashed line is an even
    split. `rounds` has columns seller, title, outcome, outcome_label, seller_share (from
    `analysis.roleplay_rounds`).
    """
    timed = rounds.dropna(subset=["seller_share"]) if not rounds.empty else rounds
    if timed.empty:
        return empty_chart("No talk time recorded yet")
    # Spread the dots of one outcome over its row, the same way every time (no random jitter).
    timed = timed.assign(jitter=[(i % 5 - 2) * 5 for i in range(len(timed))])
    order = [outcomes[o] for o in OUTCOME_COLOURS if o in outcomes]
    y = alt.Y("outcome_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=[0, 1])
    dots = (
        alt.Chart(timed)
        .mark_circle(size=120, opacity=0.75)
        .encode(
            y=y,
            yOffset=alt.YOffset("jitter:Q"),
            x=alt.X("seller_share:Q", scale=x_scale, axis=alt.Axis(format="%"),
                    title=["Seller's share of talk time", "(seller ÷ seller + buyer)"]),
            color=_outcome_colour(outcomes),
            tooltip=["seller:N", "title:N", "outcome_label:N",
                     alt.Tooltip("seller_share:Q", format=".0%", title="seller's share")],
        )
    )
    means = (
        alt.Chart(timed)
        .mark_tick(color="black", thickness=3, size=34)
        .encode(y=y, x=alt.X("mean(seller_share):Q", scale=x_scale),
                tooltip=[alt.Tooltip("mean(seller_share):Q", format=".0%", title="mean")])
    )
    even = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4], color="#777") \
        .encode(x="x:Q")
    return (dots + means + even).properties(
        width=480, height=alt.Step(54),
        title=chart_title("The more the seller talked, the worse it went?"))


def checklist(results: pd.DataFrame) -> alt.Chart:
    """Share of observer sheets on which each checklist item was ticked.

    `results` has columns text, share, ticked, observed (from `analysis.checklist_results`).
    """
    if results.empty or results["observed"].max() == 0:
        return empty_chart("No observer sheets yet")
    results = wrapped(results, "text", 44)
    return (
        alt.Chart(results)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("text:N", sort=list(results["text"]), title=None, axis=lines_axis()),
            x=alt.X("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                    title="Share of observed rounds"),
            tooltip=["text:N", "ticked:Q", "observed:Q",
                     alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=380, height=band_step(results["text"], 28),
                    title=chart_title("What the observers saw"))
    )
