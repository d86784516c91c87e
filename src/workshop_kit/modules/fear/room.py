"""What the room may see of a fear-of-selling module, as pure functions of stored answers.

- `reluctance_map`: per source of reluctance, how many rated it, the mean, and how many gave
  each rating, with every figure that would stand for fewer than `MIN_GROUP` people left out
  (nothing at all below `MIN_GROUP` answers);
- `shared_rewrites`: the dreaded moments and rewrites whose authors ticked "share", text only,
  never a name, in an order that follows nobody, and none until `MIN_GROUP` people answered;
- `map_chart`: the map as an altair chart drawn from the aggregates only (its data holds no
  person's ratings).

Input frames are what `Store.module_answers` returns (columns participant, exercise, payload);
rows of other exercises and the facilitator's are ignored. No IO, no display.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from workshop_kit.analysis import MIN_GROUP
from workshop_kit.charts import LINE_HEIGHT, LINES, OKABE_ITO, wrap
from workshop_kit.store import FACILITATOR

from .content import Content

OPT_IN = "share_with_facilitator"  # the kit's one opt-in key (workshop_kit.access.OPT_IN)
MAP_COLUMNS = ["source", "label", "people", "mean", "high", "counts"]
REWRITE_COLUMNS = ["moment", "rewrite"]


def _latest(answers: pd.DataFrame, exercise: str) -> pd.DataFrame:
    if answers is None or answers.empty:
        return pd.DataFrame(columns=["participant", "exercise", "payload"])
    frame = answers[(answers["exercise"] == exercise) & (answers["participant"] != FACILITATOR)]
    return frame.drop_duplicates("participant", keep="last")


def _ratings(answers: pd.DataFrame, content: Content) -> dict[str, list[int]]:
    """{source id: the ratings given to it}, each rating a whole number on the scale."""
    scale = content.scale
    given: dict[str, list[int]] = {s.id: [] for s in content.sources}
    for payload in _latest(answers, content.sources_exercise)["payload"]:
        ratings = payload.get("ratings") if isinstance(payload, dict) else None
        if not isinstance(ratings, dict):
            continue
        for source_id, value in ratings.items():
            if (source_id in given and isinstance(value, int) and not isinstance(value, bool)
                    and scale.min <= value <= scale.max):
                given[source_id].append(value)
    return given


def answered(answers: pd.DataFrame, exercise: str) -> int:
    """How many people answered `exercise` (the facilitator not counted)."""
    return int(_latest(answers, exercise)["participant"].nunique())


def reluctance_map(answers: pd.DataFrame, content: Content,
                   min_group: int = MIN_GROUP) -> pd.DataFrame:
    """One row per source, strongest first (ties in the content's order): people (how many
    rated it), mean (on the scale), high (how many rated it in the top two points, None when
    fewer than `min_group` did) and counts ({rating: people}, only ratings given by at least
    `min_group` people).

    Empty when fewer than `min_group` people rated: no figure ever stands for fewer."""
    given = _ratings(answers, content)
    if answered(answers, content.sources_exercise) < min_group:
        return pd.DataFrame(columns=MAP_COLUMNS)
    top = content.scale.max - 1
    rows = []
    for source in content.sources:
        values = given[source.id]
        if len(values) < min_group:
            continue
        counts = {r: values.count(r) for r in range(content.scale.min, content.scale.max + 1)}
        high = sum(n for r, n in counts.items() if r >= top)
        rows.append({"source": source.id, "label": source.label, "people": len(values),
                     "mean": round(sum(values) / len(values), 2),
                     "high": high if high >= min_group else None,
                     "counts": {r: n for r, n in counts.items() if n >= min_group}})
    frame = pd.DataFrame(rows, columns=MAP_COLUMNS)  # in the content's order
    return frame.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def shared_rewrites(answers: pd.DataFrame, content: Content,
                    min_group: int = MIN_GROUP) -> pd.DataFrame:
    """The moments and rewrites shared with the room (the latest answer of each author, if
    it says "share"), as text only, sorted by their text so the order follows nobody. None
    until at least `min_group` people answered, so a shared rewrite is one among several."""
    latest = _latest(answers, content.rewrite_exercise)
    if latest["participant"].nunique() < min_group:
        return pd.DataFrame(columns=REWRITE_COLUMNS)
    rows = []
    for payload in latest["payload"]:
        if not isinstance(payload, dict) or payload.get(OPT_IN) is not True:
            continue
        moment, rewrite = payload.get("moment"), payload.get("rewrite")
        if isinstance(moment, str) and isinstance(rewrite, str) and rewrite.strip():
            rows.append({"moment": moment.strip(), "rewrite": rewrite.strip()})
    frame = pd.DataFrame(rows, columns=REWRITE_COLUMNS)
    return frame.sort_values(REWRITE_COLUMNS, kind="stable").reset_index(drop=True)


def strongest(ratings: dict[str, Any], content: Content, most: int = 2) -> list[str]:
    """The ids of one person's strongest sources (ties in content order), only those rated
    above the scale's middle: the reframes worth reading first."""
    middle = (content.scale.min + content.scale.max) / 2
    rated = [(ratings.get(s.id), i, s.id) for i, s in enumerate(content.sources)
             if isinstance(ratings.get(s.id), int) and ratings.get(s.id) > middle]
    return [sid for _, _, sid in sorted(rated, key=lambda t: (-t[0], t[1]))[:most]]


# ---------------------------------------------------------------------------------------------
# The chart


def _empty(message: str) -> alt.Chart:
    return (alt.Chart(pd.DataFrame({"message": [message]})).mark_text(size=16, color="#555")
            .encode(text="message:N").properties(width=480, height=60))


def map_chart(table: pd.DataFrame, content: Content, min_group: int = MIN_GROUP,
              title: str = "Where the room's reluctance to sell comes from") -> alt.Chart:
    """The map of reluctance from `reluctance_map`'s table: each source's mean (bar) and how
    many people gave each rating (dots sized by count, only where at least `min_group` did).
    The chart's data are these aggregates, nothing else."""
    if table.empty:
        return _empty(f"Shown once at least {min_group} people have rated")
    scale = content.scale
    labels = [wrap(label, 24) for label in table["label"]]
    means = pd.DataFrame({"label": labels, "mean": table["mean"].astype(float),
                          "people": table["people"].astype(int)})
    dots = pd.DataFrame(
        [{"label": label, "rating": int(r), "people": int(n)}
         for label, counts in zip(labels, table["counts"], strict=True)
         for r, n in sorted(counts.items()) if n >= min_group],
        columns=["label", "rating", "people"])
    lines = max(label.count("\n") + 1 for label in labels)
    y = alt.Y("label:N", sort=labels, title=None,
              axis=alt.Axis(labelExpr=LINES, labelLimit=0))
    x_scale = alt.Scale(domain=[scale.min, scale.max])
    bars = (alt.Chart(means).mark_bar(color=OKABE_ITO[1], opacity=0.7, height=22, clip=True)
            .encode(y=y, x=alt.X("mean:Q", scale=x_scale,
                                 axis=alt.Axis(tickMinStep=1, format="d"),
                                 title=f"{scale.min} = {scale.low_label}, {scale.max} = "
                                       f"{scale.high_label} (bar: mean)"),
                    tooltip=[alt.Tooltip("label:N", title="source"),
                             alt.Tooltip("mean:Q", format=".1f", title="mean"),
                             alt.Tooltip("people:Q", title="participants")]))
    layers = [bars]
    if not dots.empty:
        sizes = sorted(set(int(n) for n in dots["people"]))
        layers.append(
            alt.Chart(dots).mark_circle(color=OKABE_ITO[0], opacity=0.8)
            .encode(y=y, x=alt.X("rating:Q", scale=x_scale),
                    size=alt.Size("people:Q", title=f"people (groups of {min_group} or more)",
                                  scale=alt.Scale(range=[120, 480]),
                                  legend=alt.Legend(orient="bottom", format="d",
                                                    values=sizes)),
                    tooltip=[alt.Tooltip("rating:Q", title="rating"),
                             alt.Tooltip("people:Q", title="participants")]))
    step = max(46, lines * LINE_HEIGHT + 8)
    return alt.layer(*layers).properties(
        width=480, height=alt.Step(step), title=alt.TitleParams(text=[title]))


def map_rows(table: pd.DataFrame, content: Content) -> pd.DataFrame:
    """The map as a table for people: source, participants, mean, rated it high."""
    top = content.scale.max - 1
    high = [f"{int(h)}" if h is not None and not (isinstance(h, float) and math.isnan(h))
            else f"fewer than {MIN_GROUP}" for h in table["high"]]
    return pd.DataFrame({"source": table["label"], "participants": table["people"],
                         "mean": table["mean"].astype(float),
                         f"rated {top} or {content.scale.max}": high})
