"""The wrap-up's part of the reports: the trust profile morning and end of day, and the
commitments for the next 30 days.

The morning profile belongs to another module. This part asks the report data for the agenda
line that provides the capability ``trust_profile`` (the nearest before this one) and reads
that module's ratings and scale through it; it never imports that module's folder. The end of
day ratings are this module's own (`trust_after.exercise`), scored the same way."""

from __future__ import annotations

from functools import cache
from typing import Any

import altair as alt
import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.analysis import MIN_GROUP, STAGE_LABELS
from workshop_kit.report import (
    ReportData,
    TrustProfile,
    chart_img,
    nothing,
    render,
    table,
    with_rows,
)

STAGES = {"before": "morning", "after": "end"}


def _profile(data: ReportData, module_id: str) -> TrustProfile | None:
    found = data.provider("trust_profile", before=module_id)
    return found[1](data, found[0]) if found else None


def _means(scores: pd.DataFrame, stage: str) -> pd.DataFrame:
    """One row per trait of one stage: n and mean (aggregated before any chart sees it)."""
    if scores.empty:
        return pd.DataFrame(columns=["stage", "trait", "label", "n", "mean"])
    grouped = scores.groupby(["trait", "label"], as_index=False)["score"].agg(
        n="count", mean="mean")
    return grouped.assign(stage=stage)


def summarise(data: ReportData, module_id: str) -> dict[str, Any]:
    """The room's per-trait means morning and end, and the count of commitments."""
    content = data.module_content(module_id)
    profile = _profile(data, module_id)
    means = []
    if profile is not None:
        means.append(_means(profile.score(data.answers(profile.module_id, profile.exercise)),
                            "before"))
        means.append(_means(profile.score(data.answers(module_id,
                                                       content.trust_after.exercise)), "after"))
    frame = data.answers(module_id, content.exercise)
    count = sum(len(p.get("commitments", [])) for p in frame["payload"])
    means = pd.concat(means, ignore_index=True) if means else _means(pd.DataFrame(), "before")
    return {"means": means, "room": _change(means, MIN_GROUP), "people": len(frame),
            "commitments": count}


def _change(means: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Per trait: n and mean morning and end, the change (means of fewer than `min_group`
    people left out)."""
    got = {(r.trait, r.stage): (int(r.n), float(r.mean)) for r in means.itertuples()}
    labels = dict(zip(means["trait"], means["label"], strict=True))
    rows = []
    for trait in [t for t in analysis.TRAIT_LABELS if t in labels]:
        row: dict[str, Any] = {"trait": trait, "label": labels[trait]}
        for stage in STAGES:
            n, mean = got.get((trait, stage), (0, 0.0))
            row[f"n_{stage}"] = n
            row[f"mean_{stage}"] = round(mean, 2) if n and n >= max(min_group, 1) else None
        both = row["mean_before"] is not None and row["mean_after"] is not None
        row["change"] = round(row["mean_after"] - row["mean_before"], 2) if both else None
        rows.append(row)
    return pd.DataFrame(rows, columns=["trait", "label", "n_before", "mean_before", "n_after",
                                       "mean_after", "change"])


def _chart(means: pd.DataFrame, scale: tuple[int, int], min_group: int) -> Any:
    """The kit's before/after chart from one row per stage and trait (never one per person):
    groups below `min_group` are dropped here, so the chart draws every row it gets."""
    kept = means[means["n"] >= min_group]
    stages = pd.DataFrame({"participant": "", "trait": kept["trait"], "label": kept["label"],
                           "score": kept["mean"], "n": kept["n"],
                           "stage": kept["stage"].map(STAGE_LABELS)})
    chart = charts.trust_before_after(stages, scale[0], scale[1], min_group=1)
    if stages.empty:
        return chart
    return chart.encode(tooltip=["stage:N", "label:N",
                                 alt.Tooltip("score:Q", format=".2f", title="mean"),
                                 alt.Tooltip("n:Q", title="participants")])


@cache
def _own_chart(scale: tuple[int, int]) -> tuple[dict[str, Any], dict[str, str]]:
    """The participant's before/after chart, built once: its Vega-Lite dict (every trait in
    both stages) and each trait's label as the chart wraps it. Each page then only swaps the
    rows (`with_rows`)."""
    every = pd.DataFrame([{"stage": stage, "trait": trait, "label": label, "n": 1,
                           "mean": float(scale[0])}
                          for stage in STAGES for trait, label in analysis.TRAIT_LABELS.items()])
    spec = _chart(every, scale, 1).to_dict()
    (rows,) = spec["datasets"].values()
    return spec, {row["trait"]: row["label"] for row in rows}


def _own_chart_of(mine: pd.DataFrame, scale: tuple[int, int]) -> dict[str, Any]:
    spec, labels = _own_chart(scale)
    return with_rows(spec, [{"participant": "", "trait": r.trait,
                             "label": labels.get(r.trait, r.label), "score": float(r.mean),
                             "n": int(r.n), "stage": STAGE_LABELS[r.stage]}
                            for r in mine.itertuples()])


def _commitments(payload: dict[str, Any] | None) -> str:
    items = (payload or {}).get("commitments", [])
    if not items:
        return nothing("Your commitments", "commitment")
    return render("<h2>Your commitments for the next 30 days</h2><ul>{% for i in items %}"
                  "<li><b>{{ i.get('due') or '' }}</b>: {{ i.get('text', '') }}</li>"
                  "{% endfor %}</ul>", items=items)


def section(data: ReportData, pid: str, module_id: str) -> str:
    content = data.module_content(module_id)
    parts = []
    profile = _profile(data, module_id)
    if profile is not None:
        parts.append(_trust(data, pid, module_id, content, profile))
    parts.append(_commitments(data.payload(pid, module_id, content.exercise)))
    return "".join(parts)


def _trust(data: ReportData, pid: str, module_id: str, content: Any,
           profile: TrustProfile) -> str:
    title = "Your trust profile, morning and end of day"
    own = []
    for stage, where, exercise in (("before", profile.module_id, profile.exercise),
                                   ("after", module_id, content.trust_after.exercise)):
        payload = data.payload(pid, where, exercise)
        if payload:
            scores = profile.score(pd.DataFrame({"participant": [pid], "payload": [payload]}))
            own += [{"stage": stage, "trait": r.trait, "label": r.label, "n": 1,
                     "mean": r.score} for r in scores.itertuples()]
    if not own:
        return nothing(title, "trust profile")
    mine = pd.DataFrame(own)
    room = data.summary(module_id)["room"]
    rows = _change(mine, 1).merge(room[["trait", "mean_before", "mean_after"]], on="trait",
                                  how="left", suffixes=("", "_room"))
    return render(
        "<h2>{{ title }}</h2>{{ chart }}{{ rows }}", title=title,
        chart=chart_img(_own_chart_of(mine, profile.scale),  # their own ratings, their eyes
                        "Your trust profile before and after"),
        rows=table(rows, {"label": "Trait", "mean_before": "You, morning",
                          "mean_after": "You, end of day", "mean_before_room": "Room, morning",
                          "mean_after_room": "Room, end of day"}))


def cohort_section(data: ReportData, module_id: str) -> str:
    summary = data.summary(module_id)
    parts = []
    profile = _profile(data, module_id)
    if profile is not None:
        means = summary["means"]
        parts.append(render(
            "<h2>Trust profile, morning and end of day</h2>{{ chart }}{{ rows }}",
            chart=chart_img(_chart(means, profile.scale, MIN_GROUP),
                            "Trust profile before and after"),
            rows=table(_change(means, MIN_GROUP),
                       {"label": "Trait", "n_before": "n (morning)",
                        "mean_before": "Mean (morning)", "n_after": "n (end)",
                        "mean_after": "Mean (end)", "change": "Change"})))
    parts.append(render("<h2>Commitments</h2><p>{{ people }} participant(s) wrote {{ count }}"
                        " commitment(s).</p>", people=summary["people"],
                        count=summary["commitments"]))
    return "".join(parts)


def compare(data: ReportData, module_id: str) -> dict[str, Any]:
    change = _change(data.summary(module_id)["means"], MIN_GROUP)
    return {f"{row.trait} (end)": row.mean_after for row in change.itertuples()}


def compare_section(cohorts: list[ReportData], module_id: str) -> str | None:
    """Every cohort's trust means morning and end in one chart (aggregates only)."""
    rows = []
    for data in cohorts:
        if module_id not in data.module_ids:
            continue
        means = data.summary(module_id)["means"]
        means = means[means["n"] >= MIN_GROUP]
        rows.append(means.assign(stage=data.label + ": " + means["stage"].map(STAGES)))
    tidy = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if tidy.empty:
        return None
    chart = (alt.Chart(tidy).mark_bar().encode(
        y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320)),
        yOffset="stage:N",
        x=alt.X("mean:Q", title="Mean self-rating"),
        color=alt.Color("stage:N", title=None, scale=alt.Scale(range=charts.OKABE_ITO),
                        legend=alt.Legend(orient="bottom"))).properties(width=420))
    return render("<h2>Trust profiles</h2>{{ chart }}",
                  chart=chart_img(chart, "Trust profiles by cohort"))
