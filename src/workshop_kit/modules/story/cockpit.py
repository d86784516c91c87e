"""The story module in the cockpit: rewrites and notes as they arrive, and the room's chart."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from workshop_kit.analysis import MIN_GROUP
from workshop_kit.charts import OKABE_ITO, wrap
from workshop_kit.cockpit import CockpitExercise

from . import room


def exercises(module_id: str, content: Any, day: Any) -> list[CockpitExercise]:
    return [CockpitExercise(content.rewrite_exercise, "Rewrites"),
            CockpitExercise(content.note_prefix.rstrip(":"), "Notes to colleagues")]


def _message(text: str) -> alt.Chart:
    return (alt.Chart(pd.DataFrame({"message": [text]})).mark_text(size=16, color="#555")
            .encode(text="message:N").properties(width=480, height=60))


def feedback_chart(table: pd.DataFrame, content: Any, min_group: int = MIN_GROUP) -> alt.Chart:
    """Per thing the kit counts, the room's mean in the answers they started from and in their
    rewrites (`room.rewrites`); nothing until `min_group` rewrites are in, so no bar is one
    person's. Observations for the debrief, not scores."""
    if table.empty:
        return _message("No rewrites yet")
    if len(table) < min_group:
        return _message(f"Shown once at least {min_group} people have submitted a rewrite")
    long = room.stages(table, content)
    # the chart's data are the means, not one row per rewrite (participants see this chart)
    means = long.groupby(["label", "stage"], as_index=False, sort=False).agg(
        mean=("value", "mean"))
    means = means.assign(label=means["label"].map(lambda t: wrap(t, 26)))
    order = [room.STARTED, room.REWRITTEN]
    return (
        alt.Chart(means, title=f"What the kit counts, on average ({len(table)} rewrites)")
        .mark_bar(height=14)
        .encode(
            y=alt.Y("label:N", title=None, sort=list(room.MEASURES.values()),
                    axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0)),
            yOffset=alt.YOffset("stage:N", sort=order),
            x=alt.X("mean:Q", title="Mean per text"),
            color=alt.Color("stage:N", sort=order, title=None,
                            scale=alt.Scale(domain=order, range=[OKABE_ITO[1], OKABE_ITO[0]]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["stage:N", "label:N", alt.Tooltip("mean:Q", format=".1f")],
        )
        .properties(width=420, height=alt.Step(44))
    )


def chart(module_id: str, key: str, answers: Any, content: Any, day: Any) -> Any:
    if key != content.rewrite_exercise:
        return None
    return feedback_chart(room.rewrites(answers, content), content)
