"""The purpose sort's charts: how the room sorted each statement, and the ones most often
read the other way."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit.charts import OKABE_ITO, band_step, chart_title, empty_chart, lines_axis, wrapped


def purpose_sort(results: pd.DataFrame, categories: dict[str, str]) -> alt.Chart:
    """Per statement, how many people sorted it as closing vs exploring thinking.

    `results` has columns statement, text, expected, placed, category, count
    (from `analysis.purpose_results`).
    """
    if results.empty:
        return empty_chart("No sorts yet")
    domain = [categories["closing"], categories["exploring"]]
    results = wrapped(results, "text", 44)
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
            y=alt.Y("text:N", title=None, sort=list(order.index), axis=lines_axis()),
            x=alt.X("count:Q", stack="normalize", title="Share of the room", axis=alt.Axis(
                format="%")),
            color=alt.Color(
                "category:N",
                scale=alt.Scale(domain=domain, range=[OKABE_ITO[5], OKABE_ITO[0]]),
                legend=alt.Legend(title="Sorted as", orient="top"),
            ),
            tooltip=["text:N", "category:N", "count:Q"],
        )
        .properties(width=420, height=band_step(results["text"], 24),
                    title=chart_title("How the room sorted each statement"))
    )


def misplaced(table: pd.DataFrame, top: int = 5) -> alt.Chart:
    """The statements most often sorted against the kit's reading (share of the room).

    `table` has columns statement, text, share (from `analysis.misplaced_statements`).
    """
    if table.empty:
        return empty_chart("No sorts yet")
    head = wrapped(table.head(top), "text", 44)
    return (
        alt.Chart(head)
        .mark_bar(color=OKABE_ITO[1])
        .encode(
            y=alt.Y("text:N", sort="-x", title=None, axis=lines_axis()),
            x=alt.X("share:Q", title="Share who read it the other way",
                    scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["text:N", "expected:N", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=420, height=band_step(head["text"], 26),
                    title=chart_title("Most often read the other way"))
    )
