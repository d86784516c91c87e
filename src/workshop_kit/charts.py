"""Charts: pure functions from a tidy DataFrame (see `analysis`) to an `alt.Chart`.

They never call display(); a notebook shows the returned chart. Colours come from a
colour-blind-safe palette (Okabe-Ito).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
TRAIT_ORDER = ["credibility", "reliability", "intimacy", "other_orientation"]


def _empty(message: str) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(size=16, color="#555")
        .encode(text="message:N")
        .properties(width=480, height=60)
    )


def trust_profile(scores: pd.DataFrame, scale_min: int = 1, scale_max: int = 5) -> alt.Chart:
    """The cohort's trust profile: each trait's spread (dots) and mean (bar).

    `scores` has columns participant, trait, label, score (from `analysis.trust_scores`).
    """
    if scores.empty:
        return _empty("No trust profiles yet")
    order = [t for t in TRAIT_ORDER if t in set(scores["trait"])]
    labels = scores.drop_duplicates("trait").set_index("trait")["label"]
    sort = [labels[t] for t in order]
    y = alt.Y("label:N", sort=sort, title=None, axis=alt.Axis(labelLimit=320))
    x_scale = alt.Scale(domain=[scale_min, scale_max])
    bars = (
        alt.Chart(scores)
        .mark_bar(color=OKABE_ITO[4], opacity=0.6, height=22)
        .encode(
            y=y,
            x=alt.X("mean(score):Q", scale=x_scale, title="Self-rating (cohort mean and spread)"),
            tooltip=[
                alt.Tooltip("label:N", title="trait"),
                alt.Tooltip("mean(score):Q", format=".2f", title="mean"),
                alt.Tooltip("count(score):Q", title="participants"),
            ],
        )
    )
    # One dot per score value, sized by how many people gave it: nobody hides behind anyone.
    counts = scores.groupby(["trait", "label", "score"], as_index=False).size()
    dots = (
        alt.Chart(counts)
        .mark_circle(color=OKABE_ITO[0], opacity=0.8)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=x_scale),
            size=alt.Size("size:Q", title="participants", scale=alt.Scale(range=[40, 400]),
                          legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("score:Q", format=".2f"), alt.Tooltip("size:Q",
                                                                         title="participants")],
        )
    )
    return (bars + dots).properties(
        width=480, height=alt.Step(46), title="How the room rates its own trustworthiness"
    )


def purpose_sort(results: pd.DataFrame, categories: dict[str, str]) -> alt.Chart:
    """Per statement, how many people sorted it as closing vs exploring thinking.

    `results` has columns statement, text, expected, placed, category, count
    (from `analysis.purpose_results`).
    """
    if results.empty:
        return _empty("No sorts yet")
    domain = [categories["closing"], categories["exploring"]]
    # Most "closing" first: the room's reading runs from one mindset to the other.
    closing = (
        results.assign(closing=results["count"].where(results["placed"] == "closing", 0))
        .groupby("text")[["closing", "count"]].sum()
    )
    order = (closing["closing"] / closing["count"]).sort_values(ascending=False, kind="stable")
    return (
        alt.Chart(results)
        .mark_bar()
        .encode(
            y=alt.Y("text:N", title=None, sort=list(order.index),
                    axis=alt.Axis(labelLimit=460)),
            x=alt.X("count:Q", stack="normalize", title="Share of the room", axis=alt.Axis(
                format="%")),
            color=alt.Color(
                "category:N",
                scale=alt.Scale(domain=domain, range=[OKABE_ITO[5], OKABE_ITO[0]]),
                legend=alt.Legend(title="Sorted as", orient="top"),
            ),
            tooltip=["text:N", "category:N", "count:Q"],
        )
        .properties(width=420, height=alt.Step(24), title="How the room sorted each statement")
    )


def misplaced(table: pd.DataFrame, top: int = 5) -> alt.Chart:
    """The statements most often sorted against the kit's reading (share of the room).

    `table` has columns statement, text, share (from `analysis.misplaced_statements`).
    """
    if table.empty:
        return _empty("No sorts yet")
    head = table.head(top)
    return (
        alt.Chart(head)
        .mark_bar(color=OKABE_ITO[1])
        .encode(
            y=alt.Y("text:N", sort="-x", title=None, axis=alt.Axis(labelLimit=460)),
            x=alt.X("share:Q", title="Share who read it the other way",
                    scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["text:N", "expected:N", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=420, height=alt.Step(26), title="Most often read the other way")
    )
