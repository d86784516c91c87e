"""Charts: pure functions from a tidy DataFrame (see `analysis`) to an `alt.Chart`.

They never call display(); a notebook shows the returned chart. Colours come from a
colour-blind-safe palette (Okabe-Ito). Importing this module registers and enables the kit's
altair theme (`projector`): type large enough to read from the back of a room on a 1366 px
projector. Long axis labels are wrapped into lines (never cut with "…"), counts have whole
number axes and legends, and ids are shown in words.

Module-neutral: the theme, the helpers every chart uses (`wrap`, `wrapped`, `lines_axis`,
`band_step`, `chart_title`, `whole_axis`, `count_axis`, `empty_chart`, `OKABE_ITO`) and the
rating form's charts. A module type's own charts live in its folder (`modules/<type>/charts.py`).
"""

from __future__ import annotations

import copy
import textwrap

import altair as alt
import pandas as pd

from .analysis import MIN_GROUP

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
TRAIT_ORDER = ["credibility", "reliability", "intimacy", "other_orientation"]
THEME = "projector"
LABEL_SIZE, TITLE_SIZE, CHART_TITLE_SIZE = 15, 16, 20
LINE_HEIGHT = LABEL_SIZE + 4
# An axis label's lines, from a label whose lines are joined by "\n" (see `wrap`).
LINES = "split(datum.label, '\\n')"
# Charts are drawn to SVG by vl-convert, which measures text with its own fonts; the browser
# draws it with the page's, a little wider: room on the left so a long axis label, right-
# aligned against the axis, never loses its first letters.
PADDING = {"left": 32, "top": 5, "right": 12, "bottom": 5}


@alt.theme.register(THEME, enable=True)
def projector_theme() -> alt.theme.ThemeConfig:
    """Large type and no cut labels (labels are wrapped instead, see `wrap`)."""
    labels = {"labelFontSize": LABEL_SIZE, "titleFontSize": TITLE_SIZE, "labelLimit": 0}
    return alt.theme.ThemeConfig(padding=PADDING, config={
        "axis": {**labels, "titleLimit": 0, "labelLineHeight": LINE_HEIGHT},
        "legend": {**labels, "titleLimit": 0, "symbolSize": 140},
        "header": {**labels, "titleLimit": 0},
        "title": {"fontSize": CHART_TITLE_SIZE, "anchor": "start", "limit": 0},
        "text": {"fontSize": LABEL_SIZE},
    })


def wrap(text: object, width: int = 32) -> str:
    """`text` broken into lines of at most `width` characters, joined by "\n" (an axis with
    `labelExpr=LINES` draws them as lines)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def wrapped(frame: pd.DataFrame, column: str, width: int = 32) -> pd.DataFrame:
    """`frame` with its `column` wrapped into lines (see `wrap`)."""
    return frame.assign(**{column: frame[column].map(lambda t: wrap(t, width))})


def lines_axis(**kwargs) -> alt.Axis:
    """An axis whose labels are drawn on several lines (labels made by `wrap`)."""
    return alt.Axis(labelExpr=LINES, labelLimit=0, **kwargs)


def band_step(labels: pd.Series, minimum: int) -> alt.Step:
    """A band tall enough for the longest wrapped label."""
    lines = int(labels.map(lambda t: str(t).count("\n") + 1).max()) if len(labels) else 1
    return alt.Step(max(minimum, lines * LINE_HEIGHT + 8))


def chart_title(text: str, width: int = 52) -> alt.TitleParams:
    """A chart title split into lines, so a narrow chart never cuts it."""
    return alt.TitleParams(text=textwrap.wrap(text, width))


def whole_axis(**kwargs) -> alt.Axis:
    """An axis of counts: whole-number ticks only."""
    return alt.Axis(tickMinStep=1, format="d", **kwargs)


def count_axis(counts: pd.Series) -> alt.Axis:
    """A count axis with each whole number as a tick while there are few (a faceted chart
    ignores `tickMinStep` and would show 0.5 as "1")."""
    top = int(counts.max()) if len(counts) else 0
    return whole_axis(values=list(range(top + 1))) if top <= 12 else whole_axis()


def empty_chart(message: str) -> alt.Chart:
    """A chart that only says `message` (nothing to draw yet, or too few people)."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(size=16, color="#555")
        .encode(text="message:N")
        .properties(width=480, height=60)
    )


def trust_profile(scores: pd.DataFrame, scale_min: int = 1, scale_max: int = 5,
                  min_group: int = MIN_GROUP) -> alt.Chart:
    """The cohort's trust profile as aggregates: each trait's mean (bar) and how many people
    gave each score (dots sized by count). No mark stands for fewer than `min_group` people:
    a score fewer gave is not drawn, and nothing is drawn below `min_group` answers.

    `scores` has columns participant, trait, label, score (from `analysis.trust_scores`).
    """
    if scores.empty:
        return empty_chart("No trust profiles yet")
    if scores["participant"].nunique() < min_group:
        return empty_chart(f"Shown once at least {min_group} people have answered")
    scores = wrapped(scores, "label", 26)
    order = [t for t in TRAIT_ORDER if t in set(scores["trait"])]
    labels = scores.drop_duplicates("trait").set_index("trait")["label"]
    sort = [labels[t] for t in order]
    y = alt.Y("label:N", sort=sort, title=None, axis=lines_axis())
    x_scale = alt.Scale(domain=[scale_min, scale_max])
    means = scores.groupby(["trait", "label"], as_index=False).agg(
        mean=("score", "mean"), people=("score", "size"))
    bars = (
        alt.Chart(means)
        .mark_bar(color=OKABE_ITO[4], opacity=0.6, height=22, clip=True)
        .encode(
            y=y,
            x=alt.X("mean:Q", scale=x_scale, axis=whole_axis(),
                    title=f"Self-rating: cohort mean (bar); dots, scores given by at least "
                          f"{min_group} people"),
            tooltip=[
                alt.Tooltip("label:N", title="trait"),
                alt.Tooltip("mean:Q", format=".2f", title="mean"),
                alt.Tooltip("people:Q", title="participants"),
            ],
        )
    )
    # How many people rated a trait about 1, 2, … 5 (their items' mean, rounded), drawn only
    # where that is at least `min_group` people.
    counts = scores.assign(score=scores["score"].round()).groupby(
        ["trait", "label", "score"], as_index=False).size()
    counts = counts[counts["size"] >= min_group]
    dots = (
        alt.Chart(counts)
        .mark_circle(color=OKABE_ITO[0], opacity=0.8)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=x_scale),
            size=alt.Size("size:Q", title="participants", scale=alt.Scale(range=[120, 480]),
                          legend=alt.Legend(orient="bottom", format="d",
                                            values=sorted(int(n) for n in
                                                          set(counts["size"])))),
            tooltip=[alt.Tooltip("score:Q", format=".0f", title="about"),
                     alt.Tooltip("size:Q", title="participants")],
        )
    )
    return (bars + dots).properties(
        width=480, height=band_step(scores["label"], 46),
        title=chart_title("How the room rates its own trustworthiness"))


STAGE_COLOURS = [OKABE_ITO[4], OKABE_ITO[0]]


def trust_before_after(stages: pd.DataFrame, scale_min: int = 1, scale_max: int = 5,
                       min_group: int = MIN_GROUP) -> alt.Chart:
    """Mean self-rating per trait in the morning and at the end of the day
    (`analysis.trust_stages`); a mean of fewer than `min_group` people is not drawn (1 for a
    participant's own page, where the only person is the reader)."""
    if stages.empty:
        return empty_chart("No trust profiles yet")
    people = stages.groupby(["stage", "label"])["score"].transform("size")
    stages = stages[people >= min_group]  # a mean of one or two people points at them
    if stages.empty:
        return empty_chart(f"Shown once at least {min_group} people have answered")
    order = list(dict.fromkeys(stages.sort_values("stage", ascending=False)["stage"]))
    order = sorted(order, key=lambda s: not s.startswith("Check-in"))
    stages = wrapped(stages, "label", 26)
    return (
        alt.Chart(stages)
        .mark_bar(height=12, clip=True)
        .encode(
            y=alt.Y("label:N", title=None, axis=lines_axis()),
            yOffset=alt.YOffset("stage:N", sort=order),
            x=alt.X("mean(score):Q", scale=alt.Scale(domain=[scale_min, scale_max]),
                    title="Mean self-rating", axis=whole_axis()),
            color=alt.Color("stage:N", sort=order, title=None,
                            scale=alt.Scale(range=STAGE_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["stage:N", "label:N", alt.Tooltip("mean(score):Q", format=".2f"),
                     alt.Tooltip("count(score):Q", title="participants")],
        )
        .properties(width=420, height=band_step(stages["label"], 40))
    )


class SpecChart:
    """A chart that arrives as its Vega-Lite spec (the room's results, drawn by the service):
    a notebook shows it as it shows an `alt.Chart`, through altair's active renderer."""

    def __init__(self, spec: dict):
        self.spec = spec

    def to_dict(self) -> dict:
        return copy.deepcopy(self.spec)

    def _repr_mimebundle_(self, *args: object, **kwargs: object) -> object:
        renderer = alt.renderers.get()
        return renderer(self.to_dict()) if renderer else {}
