"""The check-in's part of the reports: the morning trust profile (yours beside the room's), the
client situation you named, and the room's profile on the cohort page.

Provides the capability ``trust_profile`` (`workshop_kit.report.TrustProfile`): a later module
(the wrap-up) finds it by that name and compares its own ratings with these, without knowing
this type."""

from __future__ import annotations

from typing import Any

import pandas as pd

from workshop_kit import analysis
from workshop_kit.report import ReportData, TrustProfile, nothing, render, table


def trust_profile(data: ReportData, module_id: str) -> TrustProfile:
    content = data.module_content(module_id)
    return TrustProfile(module_id, content.exercise, (content.scale.min, content.scale.max),
                        lambda frame: analysis.trust_scores(frame, content))


PROVIDES = {"trust_profile": trust_profile}


def room_means(scores: pd.DataFrame) -> pd.DataFrame:
    """Per trait: how many rated and their mean (None below MIN_GROUP: it would point at
    them). Columns trait, label, n, mean."""
    change = analysis.trust_change(scores, scores.iloc[0:0])
    return change.rename(columns={"n_before": "n", "mean_before": "mean"})[
        ["trait", "label", "n", "mean"]]


def summarise(data: ReportData, module_id: str) -> pd.DataFrame:
    """The room's morning profile: one row per trait."""
    profile = trust_profile(data, module_id)
    return room_means(profile.score(data.answers(module_id, profile.exercise)))


def section(data: ReportData, pid: str, module_id: str) -> str:
    title = "Your trust profile this morning"
    profile = trust_profile(data, module_id)
    payload = data.payload(pid, module_id, profile.exercise)
    if not payload:
        return nothing(title, "trust profile")
    mine = profile.score(pd.DataFrame({"participant": [pid], "payload": [payload]}))
    room = dict(zip(data.summary(module_id)["trait"], data.summary(module_id)["mean"],
                    strict=True))
    rows = mine[["trait", "label", "score"]].assign(mean=mine["trait"].map(room))
    return render(
        "<h2>{{ title }}</h2><p>How you rated yourself, trait by trait (1 to {{ top }}), beside"
        " the room's mean.</p>{{ rows }}"
        "{% if situation %}<p><b>The client situation you named:</b> {{ situation }}</p>"
        "{% endif %}", title=title, top=profile.scale[1],
        rows=table(rows, {"label": "Trait", "score": "You", "mean": "Room"}),
        situation=payload.get("situation", ""))


def cohort_section(data: ReportData, module_id: str) -> str:
    means = data.summary(module_id).sort_values("mean", na_position="last")
    return render("<h2>Trust profile this morning</h2><p>Weakest trait first.</p>{{ rows }}",
                  rows=table(means, {"label": "Trait", "n": "Participants", "mean": "Mean"}))


def compare(data: ReportData, module_id: str) -> dict[str, Any]:
    return {f"{row.trait} (morning)": row.mean for row in data.summary(module_id).itertuples()}
