"""Charts: pure functions from a tidy DataFrame (see `analysis`) to an `alt.Chart`.

They never call display(); a notebook shows the returned chart. Colours come from a
colour-blind-safe palette (Okabe-Ito). Importing this module registers and enables the kit's
altair theme (`projector`): type large enough to read from the back of a room on a 1366 px
projector. Long axis labels are wrapped into lines (never cut with "…"), counts have whole
number axes and legends, and ids are shown in words.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from .analysis import MIN_GROUP
from .tables import CONDITION_LABELS, human_label

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


def _wrapped(frame: pd.DataFrame, column: str, width: int = 32) -> pd.DataFrame:
    return frame.assign(**{column: frame[column].map(lambda t: wrap(t, width))})


def _lines_axis(**kwargs) -> alt.Axis:
    """An axis whose labels are drawn on several lines (labels made by `wrap`)."""
    return alt.Axis(labelExpr=LINES, labelLimit=0, **kwargs)


def _step(labels: pd.Series, minimum: int) -> alt.Step:
    """A band tall enough for the longest wrapped label."""
    lines = int(labels.map(lambda t: str(t).count("\n") + 1).max()) if len(labels) else 1
    return alt.Step(max(minimum, lines * LINE_HEIGHT + 8))


def _title(text: str, width: int = 52) -> alt.TitleParams:
    """A chart title split into lines, so a narrow chart never cuts it."""
    return alt.TitleParams(text=textwrap.wrap(text, width))


def _whole(**kwargs) -> alt.Axis:
    """An axis of counts: whole-number ticks only."""
    return alt.Axis(tickMinStep=1, format="d", **kwargs)


def _count_axis(counts: pd.Series) -> alt.Axis:
    """A count axis with each whole number as a tick while there are few (a faceted chart
    ignores `tickMinStep` and would show 0.5 as "1")."""
    top = int(counts.max()) if len(counts) else 0
    return _whole(values=list(range(top + 1))) if top <= 12 else _whole()


def _empty(message: str) -> alt.Chart:
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
        return _empty("No trust profiles yet")
    if scores["participant"].nunique() < min_group:
        return _empty(f"Shown once at least {min_group} people have answered")
    scores = _wrapped(scores, "label", 26)
    order = [t for t in TRAIT_ORDER if t in set(scores["trait"])]
    labels = scores.drop_duplicates("trait").set_index("trait")["label"]
    sort = [labels[t] for t in order]
    y = alt.Y("label:N", sort=sort, title=None, axis=_lines_axis())
    x_scale = alt.Scale(domain=[scale_min, scale_max])
    means = scores.groupby(["trait", "label"], as_index=False).agg(
        mean=("score", "mean"), people=("score", "size"))
    bars = (
        alt.Chart(means)
        .mark_bar(color=OKABE_ITO[4], opacity=0.6, height=22, clip=True)
        .encode(
            y=y,
            x=alt.X("mean:Q", scale=x_scale, axis=_whole(),
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
        width=480, height=_step(scores["label"], 46),
        title=_title("How the room rates its own trustworthiness"))


def purpose_sort(results: pd.DataFrame, categories: dict[str, str]) -> alt.Chart:
    """Per statement, how many people sorted it as closing vs exploring thinking.

    `results` has columns statement, text, expected, placed, category, count
    (from `analysis.purpose_results`).
    """
    if results.empty:
        return _empty("No sorts yet")
    domain = [categories["closing"], categories["exploring"]]
    results = _wrapped(results, "text", 44)
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
            y=alt.Y("text:N", title=None, sort=list(order.index), axis=_lines_axis()),
            x=alt.X("count:Q", stack="normalize", title="Share of the room", axis=alt.Axis(
                format="%")),
            color=alt.Color(
                "category:N",
                scale=alt.Scale(domain=domain, range=[OKABE_ITO[5], OKABE_ITO[0]]),
                legend=alt.Legend(title="Sorted as", orient="top"),
            ),
            tooltip=["text:N", "category:N", "count:Q"],
        )
        .properties(width=420, height=_step(results["text"], 24),
                    title=_title("How the room sorted each statement"))
    )


def misplaced(table: pd.DataFrame, top: int = 5) -> alt.Chart:
    """The statements most often sorted against the kit's reading (share of the room).

    `table` has columns statement, text, share (from `analysis.misplaced_statements`).
    """
    if table.empty:
        return _empty("No sorts yet")
    head = _wrapped(table.head(top), "text", 44)
    return (
        alt.Chart(head)
        .mark_bar(color=OKABE_ITO[1])
        .encode(
            y=alt.Y("text:N", sort="-x", title=None, axis=_lines_axis()),
            x=alt.X("share:Q", title="Share who read it the other way",
                    scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["text:N", "expected:N", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=420, height=_step(head["text"], 26),
                    title=_title("Most often read the other way"))
    )


# ---------------------------------------------------------------------------------------------
# Role-play

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
        return _empty("No role-plays played to an ending yet")
    counts = paths.groupby(["title", "outcome", "outcome_label"], as_index=False).size()
    counts["order"] = counts["outcome"].map(list(OUTCOME_COLOURS).index)
    counts = _wrapped(counts, "title", 30)
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("title:N", title=None, axis=_lines_axis()),
            x=alt.X("size:Q", title="Sellers", axis=_whole()),
            color=_outcome_colour(outcomes),
            order=alt.Order("order:Q"),
            tooltip=["title:N", "outcome_label:N", alt.Tooltip("size:Q", title="sellers")],
        )
        .properties(width=420, height=_step(counts["title"], 34),
                    title=_title("How each role-play ended"))
    )


def talk_share(rounds: pd.DataFrame, outcomes: dict[str, str]) -> alt.Chart:
    """The seller's share of talk time in each round, against how the round ended.

    One dot per timed round, a black tick at each outcome's mean; the dashed line is an even
    split. `rounds` has columns seller, title, outcome, outcome_label, seller_share (from
    `analysis.roleplay_rounds`).
    """
    timed = rounds.dropna(subset=["seller_share"]) if not rounds.empty else rounds
    if timed.empty:
        return _empty("No talk time recorded yet")
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
        title=_title("The more the seller talked, the worse it went?"))


def checklist(results: pd.DataFrame) -> alt.Chart:
    """Share of observer sheets on which each checklist item was ticked.

    `results` has columns text, share, ticked, observed (from `analysis.checklist_results`).
    """
    if results.empty or results["observed"].max() == 0:
        return _empty("No observer sheets yet")
    results = _wrapped(results, "text", 44)
    return (
        alt.Chart(results)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("text:N", sort=list(results["text"]), title=None, axis=_lines_axis()),
            x=alt.X("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                    title="Share of observed rounds"),
            tooltip=["text:N", "ticked:Q", "observed:Q",
                     alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=380, height=_step(results["text"], 28),
                    title=_title("What the observers saw"))
    )


# ---------------------------------------------------------------------------------------------
# The dilemma

CONDITION_COLOURS = {"one_shot": OKABE_ITO[5], "partners": OKABE_ITO[2],
                     "strangers": OKABE_ITO[1]}


def leaderboard(board: pd.DataFrame, top: int = 20) -> alt.Chart:
    """Tournament leaderboard: points per round (median), the cohort's entries highlighted.

    `board` has columns rank, player, entry, median_per_round, cooperation_rate
    (from `analysis.leaderboard`).
    """
    if board.empty:
        return _empty("No strategies yet")
    head = board.head(top)
    head = head.assign(player=head["player"].map(lambda p: wrap(human_label(p), 30)))
    return (
        alt.Chart(head)
        .mark_bar()
        .encode(
            y=alt.Y("player:N", sort=list(head["player"]), title=None, axis=_lines_axis()),
            x=alt.X("median_per_round:Q", title="Points per round (median over repetitions)"),
            color=alt.Color("entry:N", scale=alt.Scale(domain=["cohort", "classic"],
                                                       range=[OKABE_ITO[0], "#999999"]),
                            legend=alt.Legend(title=None, orient="top")),
            tooltip=["rank:Q", "player:N", "entry:N",
                     alt.Tooltip("median_per_round:Q", format=".2f"),
                     alt.Tooltip("cooperation_rate:Q", format=".0%", title="shares")],
        )
        .properties(width=420, height=_step(head["player"], 22),
                    title=_title("Cohort tournament leaderboard"))
    )


def live_cooperation(table: pd.DataFrame, conditions: dict[str, str]) -> alt.Chart:
    """How often the room shared, round by round, in each live condition.

    `table` has columns condition, round, cooperation, moves
    (from `analysis.cooperation_by_condition`).
    """
    if table.empty:
        return _empty("No live rounds played yet")
    ids = [c for c in conditions if c in set(table["condition"])]
    domain = [CONDITION_LABELS.get(c, human_label(c)) for c in ids]
    table = table.assign(condition=table["condition"].map(
        lambda c: CONDITION_LABELS.get(c, human_label(c))))
    last = int(table["round"].max())
    rounds = list(range(1, last + 1)) if last <= 30 else None
    base = alt.Chart(table).encode(
        x=alt.X("round:Q", title="Round", scale=alt.Scale(domain=[1, max(last, 2)]),
                axis=_whole(values=rounds) if rounds else _whole()),
        y=alt.Y("cooperation:Q", title="Share who shared", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("condition:N", scale=alt.Scale(
            domain=domain, range=[CONDITION_COLOURS[c] for c in ids]),
            legend=alt.Legend(title=None, orient="top")),
        tooltip=["condition:N", "round:Q",
                 alt.Tooltip("cooperation:Q", format=".0%", title="shared"), "moves:Q"],
    )
    return (base.mark_line() + base.mark_circle(size=60)).properties(
        width=480, height=240, title=_title("Live rounds: how often people shared"))


def game_length(table: pd.DataFrame) -> alt.Chart:
    """Cooperation and points per round for games of 1, 10, 100… rounds, for the whole field
    and for the population that evolution leaves.

    `table` has columns turns, stage, cooperation, points_per_round
    (from `analysis.by_game_length`).
    """
    if table.empty:
        return _empty("No strategies yet")
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
        title=_title("Short games and long games: what the surviving strategies do"))


def evolution(shares: pd.DataFrame, top: int = 8) -> alt.Chart:
    """Which strategies take over the population, generation by generation (stacked shares).

    `shares` has columns generation, strategy, share (from `analysis.evolution`); strategies
    outside the `top` final shares are grouped as 'others'.
    """
    if shares.empty:
        return _empty("No strategies yet")
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
            x=alt.X("generation:Q", title="Generation", axis=_whole()),
            y=alt.Y("share:Q", stack="normalize", title="Share of the population",
                    axis=alt.Axis(format="%")),
            color=alt.Color("strategy:N", sort=order,
                            scale=alt.Scale(domain=order, range=palette),
                            legend=alt.Legend(title=None, labelLimit=0)),
            order=alt.Order("strategy:N"),
            tooltip=["generation:Q", "strategy:N", alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=480, height=240, title=_title("Evolution: who survives"))
    )


def drill_votes(definitions: pd.DataFrame) -> alt.Chart:
    """Votes per definition, one row of bars per case (`analysis.drill_definitions`, with a
    `label` column naming each definition without its author)."""
    if definitions.empty:
        return _empty("No definitions yet")
    definitions = _wrapped(definitions, "title", 60)
    return (
        alt.Chart(definitions)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("votes:Q", title="Votes (clearest road forward)",
                    axis=_count_axis(definitions["votes"])),
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
        return _empty("No questions asked yet")
    table = _wrapped(_wrapped(table, "question", 44), "title", 60)
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("question:N", title=None, sort="-x", axis=_lines_axis()),
            x=alt.X("asked:Q", title="Participants who asked it",
                    axis=_count_axis(table["asked"])),
            color=alt.Color("expert_facts:O", title="Expert facts it reveals",
                            scale=alt.Scale(range=[OKABE_ITO[6], OKABE_ITO[1], OKABE_ITO[5]])),
            row=alt.Row("title:N", title=None, header=alt.Header(
                labelAngle=0, labelOrient="top", labelAnchor="start", labelAlign="left",
                labelExpr=LINES, labelLimit=0)),
            tooltip=["question:N", "minutes:Q", "asked:Q", "reveals:Q", "expert_facts:Q",
                     "used_in_definition:Q"],
        )
        .resolve_scale(y="independent")
        .properties(width=300, height=_step(table["question"], 24))
    )


STAGE_COLOURS = [OKABE_ITO[4], OKABE_ITO[0]]


def trust_before_after(stages: pd.DataFrame, scale_min: int = 1, scale_max: int = 5,
                       min_group: int = MIN_GROUP) -> alt.Chart:
    """Mean self-rating per trait in the morning and at the end of the day
    (`analysis.trust_stages`); a mean of fewer than `min_group` people is not drawn (1 for a
    participant's own page, where the only person is the reader)."""
    if stages.empty:
        return _empty("No trust profiles yet")
    people = stages.groupby(["stage", "label"])["score"].transform("size")
    stages = stages[people >= min_group]  # a mean of one or two people points at them
    if stages.empty:
        return _empty(f"Shown once at least {min_group} people have answered")
    order = list(dict.fromkeys(stages.sort_values("stage", ascending=False)["stage"]))
    order = sorted(order, key=lambda s: not s.startswith("Check-in"))
    stages = _wrapped(stages, "label", 26)
    return (
        alt.Chart(stages)
        .mark_bar(height=12, clip=True)
        .encode(
            y=alt.Y("label:N", title=None, axis=_lines_axis()),
            yOffset=alt.YOffset("stage:N", sort=order),
            x=alt.X("mean(score):Q", scale=alt.Scale(domain=[scale_min, scale_max]),
                    title="Mean self-rating", axis=_whole()),
            color=alt.Color("stage:N", sort=order, title=None,
                            scale=alt.Scale(range=STAGE_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["stage:N", "label:N", alt.Tooltip("mean(score):Q", format=".2f"),
                     alt.Tooltip("count(score):Q", title="participants")],
        )
        .properties(width=420, height=_step(stages["label"], 40))
    )
