"""The role-play's part of the reports: each round you sold (your path, how it ended, your
share of talk time, what your observers ticked and wrote, what your buyer wrote); on the
cohort page, how the scripts ended and talk share against outcome (aggregates only)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.report import ReportData, chart_img, nothing, render

STEP = 0.1  # talk shares are counted in steps of 10 % on the cohort page


def summarise(data: ReportData, module_id: str) -> dict[str, Any]:
    """Per seller, what their own page shows of each round they sold (what the observers and
    the buyer of that round wrote for them included); for the room, counts only."""
    content = data.module_content(module_id)
    frame = data.answers(module_id)
    paths = analysis.roleplay_paths(frame, content, data.content.scripts)
    observations = analysis.roleplay_observations(frame, content)
    rounds = analysis.roleplay_rounds(paths, observations)
    prefix = f"{content.exercise}_reflection_r"
    written = [(ex, p) for ex, p in zip(frame["exercise"], frame["payload"], strict=True)
               if ex.startswith(prefix)]
    reflections = {(p.get("group"), ex[len(prefix):]): p for ex, p in written}
    share = {(r.group, r.round): r.seller_share for r in rounds.itertuples()}
    sold: dict[str, list[dict[str, Any]]] = {}
    for path in paths.sort_values("round").itertuples():
        seen = observations[(observations["group"] == path.group)
                            & (observations["round"] == path.round)]
        given = reflections.get((path.group, str(path.round))) or {}
        sold.setdefault(path.seller, []).append({
            "round": int(path.round), "title": path.title, "path": path.path,
            "outcome": path.outcome_label, "debrief": path.debrief,
            "share": share.get((path.group, path.round)),
            "ticks": [(item.text, int(seen[item.id].sum()), len(seen))
                      for item in content.checklist] if len(seen) else [],
            "notes": [n for n in seen["note"] if n],
            "buyer": [(f.label, given[f.id]) for f in content.buyer_reflection.fields
                      if given.get(f.id)]})
    timed = rounds.dropna(subset=["seller_share"])
    talk = (timed.assign(share=(timed["seller_share"] / STEP).round() * STEP)
            .groupby(["outcome", "outcome_label", "share"], as_index=False)
            .agg(rounds=("seller", "size")))
    means = timed.groupby(["outcome", "outcome_label"], as_index=False).agg(
        mean=("seller_share", "mean"), rounds=("seller", "size"))
    return {"sold": sold, "played": len(paths), "reflections": len(written),
            "endings": paths[["title", "outcome", "outcome_label"]],
            "talk": talk, "talk_means": means}


def section(data: ReportData, pid: str, module_id: str) -> str:
    summary = data.summary(module_id)
    if not summary["played"]:
        return nothing("Role-play", "role-play")
    mine = summary["sold"].get(pid)
    if not mine:
        return nothing("Role-play: you as the seller", "round as seller")
    return render(
        "<h2>Role-play: you as the seller</h2>{% for r in rounds %}"
        "<h3>Round {{ r.round }}: {{ r.title }}</h3><p>Your path: {{ r.path }}<br>"
        "How it ended: <b>{{ r.outcome }}</b>. {{ r.debrief }}</p>"
        "{% if r.share is not none and r.share == r.share %}<p>You talked "
        "<b>{{ '{:.0%}'.format(r.share) }}</b> of the time you and the buyer spoke (as your "
        "observers timed it).</p>{% else %}<p class='muted'>Nobody timed this round.</p>"
        "{% endif %}{% if r.ticks %}<p>What your observers ticked:</p><ul>"
        "{% for text, n, of in r.ticks %}<li>{{ text }}: {{ n }} of {{ of }} observer(s)</li>"
        "{% endfor %}</ul>{% endif %}{% if r.notes %}<p>What your observers wrote:</p><ul>"
        "{% for n in r.notes %}<li>{{ n }}</li>{% endfor %}</ul>{% endif %}"
        "{% if r.buyer %}<p>What your buyer wrote:</p><ul>{% for label, said in r.buyer %}"
        "<li>{{ label }} <i>{{ said }}</i></li>{% endfor %}</ul>{% endif %}{% endfor %}",
        rounds=mine)


def talk_chart(talk: pd.DataFrame, means: pd.DataFrame, outcomes: dict[str, str]) -> Any:
    """Talk share against outcome from counts: a dot per outcome and 10 % step, as large as
    the rounds in it, a black tick at each outcome's mean; the dashed line is an even split."""
    order = [outcomes[o] for o in charts.OUTCOME_COLOURS if o in outcomes]
    y = alt.Y("outcome_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    x_scale = alt.Scale(domain=[0, 1])
    dots = alt.Chart(talk).mark_circle(opacity=0.75).encode(
        y=y, x=alt.X("share:Q", scale=x_scale, axis=alt.Axis(format="%"),
                     title=["Seller's share of talk time", "(seller ÷ seller + buyer)"]),
        size=alt.Size("rounds:Q", title="Rounds", legend=alt.Legend(orient="bottom", format="d",
                                                                    tickMinStep=1)),
        color=alt.Color("outcome_label:N", legend=None, scale=alt.Scale(
            domain=[outcomes[o] for o in charts.OUTCOME_COLOURS if o in outcomes],
            range=[charts.OUTCOME_COLOURS[o] for o in charts.OUTCOME_COLOURS if o in outcomes])),
        tooltip=["outcome_label:N", alt.Tooltip("share:Q", format=".0%"), "rounds:Q"])
    ticks = alt.Chart(means).mark_tick(color="black", thickness=3, size=34).encode(
        y=y, x=alt.X("mean:Q", scale=x_scale),
        tooltip=[alt.Tooltip("mean:Q", format=".0%", title="mean"), "rounds:Q"])
    even = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4], color="#777") \
        .encode(x="x:Q")
    return (dots + ticks + even).properties(width=480, height=alt.Step(54),
                                            title="The more the seller talked, the worse it went?")


def cohort_section(data: ReportData, module_id: str) -> str | None:
    summary = data.summary(module_id)
    if not summary["played"]:
        return None
    outcomes = dict(data.module_content(module_id).outcomes)
    talk = (chart_img(talk_chart(summary["talk"], summary["talk_means"], outcomes),
                      "Talk share") if not summary["talk"].empty else "")
    return render(
        "<h2>Role-play</h2><p>{{ played }} round(s) played to an ending, {{ reflections }} "
        "buyer reflection(s) written for the sellers.</p>{{ endings }}{{ talk }}",
        played=summary["played"], reflections=summary["reflections"], talk=talk,
        endings=chart_img(charts.roleplay_outcomes(summary["endings"], outcomes), "Outcomes"))
