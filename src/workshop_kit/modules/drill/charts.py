"""The problem-definition drill's charts: votes per definition, what each question yielded."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop_kit.charts import (
    LINES,
    OKABE_ITO,
    band_step,
    count_axis,
    empty_chart,
    lines_axis,
    wrapped,
)


def drill_votes(definitions: pd.DataFrame) -> alt.Chart:
    """Votes per definition, one row of bars per case (`analysis.drill_definitions`, with a
    `label` column naming each definition without its author)."""
    if definitions.empty:
        return empty_chart("No definitions yet")
    definitions = wrapped(definitions, "title", 60)
    return (
        alt.Chart(definitions)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("votes:Q", title="Votes (clearest road forward)",
                    axis=count_axis(definitions["votes"])),
            row=alt.Row("title:N", title=None, header=alt.Header(
                labelAngle=0, labelOrient="top", labelAnchor="start", labelAlign="left",
                labelExpr=LINES, labelLimit=0)),
            tooltip=["title:N", "label:N", "votes:Q", "facts_used:Q"],
        )
        .resolve_scale(y="independent")
        .properties(width=360, height=alt.Step(28))
    )


def question_yield(table: pd.DataFrame) -> alt.Chart:
    """How many asked each question, coloured by how many expert facts it reveals."""
    if table.empty:
        return empty_chart("No questions asked yet")
    table = wrapped(wrapped(table, "question", 44), "title", 60)
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("question:N", title=None, sort="-x", axis=lines_axis()),
            x=alt.X("asked:Q", title="Participants who asked it",
                    axis=count_axis(table["asked"])),
            color=alt.Color("expert_facts:O", title="Expert facts it reveals",
                            scale=alt.Scale(range=[OKABE_ITO[6], OKABE_ITO[1], OKABE_ITO[5]])),
            row=alt.Row("title:N", title=None, header=alt.Header(
                labelAngle=0, labelOrient="top", labelAnchor="start", labelAlign="left",
                labelExpr=LINES, labelLimit=0)),
            tooltip=["question:N", "minutes:Q", "asked:Q", "reveals:Q", "expert_facts:Q",
                     "used_in_definition:Q"],
        )
        .resolve_scale(y="independent")
        .properties(width=300, height=band_step(table["question"], 24))
    )
