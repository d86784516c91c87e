"""The problem-definition drill's part of the reports: your case, the questions you asked,
your definition, the facts it uses, the votes it received and the expert's reading; on the
cohort page, the votes of the most voted definitions per case and how often each question was
asked (no definition's words, no author)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from workshop_kit import analysis, charts
from workshop_kit.report import ReportData, chart_img, nothing, render

from .rules import definition_key, key_name

TITLE = "Problem-definition drill"
TOP = 10  # definitions per case on the cohort page


def summarise(data: ReportData, module_id: str) -> dict[str, Any]:
    """Votes per definition (by participant, no text), the top definitions per case, and the
    questions' yield: aggregates, each bounded by the cases or the cohort's head count."""
    content = data.module_content(module_id)
    frame = data.answers(module_id)
    drill_key = data.store.cohort_key(data.cohort_id, key_name(module_id))
    keys = {f"{p['case']}:{who}": definition_key(drill_key, data.cohort_id, p["case"], who)
            for who, p in zip(frame["participant"], frame["payload"], strict=True)
            if isinstance(p.get("case"), str)}
    definitions = analysis.drill_definitions(frame, content, data.content.cases, keys)
    definitions = definitions.drop(columns=["definition"])  # nobody's words kept
    top = definitions.groupby("case", sort=True).head(TOP).copy()
    top["label"] = [f"Definition {i + 1}" for i in top.groupby("case").cumcount()]
    return {"votes": dict(zip(definitions["participant"], definitions["votes"], strict=True)),
            "on_case": definitions["case"].value_counts().to_dict(),
            "top": top.drop(columns=["participant", "key"]),
            "yield": analysis.question_yield(frame, content, data.content.cases),
            "by_case": {case: {"votes": int(g["votes"].sum()), "top": int(g["votes"].max())}
                        for case, g in definitions.groupby("case")}}


def section(data: ReportData, pid: str, module_id: str) -> str:
    content = data.module_content(module_id)
    payload = data.payload(pid, module_id, content.definition_exercise)
    cases = data.content.cases
    if not payload or payload.get("case") not in cases:
        return nothing(TITLE, "definition")
    case = cases[payload["case"]]
    summary = data.summary(module_id)
    asked_ids = {x.id for x in case.questions}
    return render(
        "<h2>{{ title }}: {{ case.title }}</h2>"
        "<p><b>The client said:</b> {{ case.stated_problem }}</p>"
        "<p>You asked:</p><ul>{% for q in asked %}<li>{{ q }}</li>{% else %}<li>nothing</li>"
        "{% endfor %}</ul><p><b>Your definition:</b> {{ payload.get('definition', '') }}</p>"
        "<p>Facts you uncovered:</p><ul>{% for m in matches %}<li>{{ m.text }}: "
        "{% if m.used %}mentioned (words found: {{ m.matched|join(', ') }}){% else %}"
        "<i>not mentioned</i>{% endif %}</li>{% else %}<li>none</li>{% endfor %}</ul>"
        "<p class='note'>{{ note }}</p>"
        "<p>Votes your definition received: <b>{{ votes }}</b> (of {{ voters }} "
        "colleague(s) on the same case).</p>"
        "<p><b>How an experienced adviser reads it:</b> {{ case.expert_reading }}</p>",
        title=TITLE, case=case, payload=payload, note=content.match_note,
        asked=[case.question(q).ask for q in payload.get("asked", []) if q in asked_ids],
        matches=analysis.fact_matches(case, payload.get("asked", []),
                                      payload.get("definition", "")),
        votes=int(summary["votes"].get(pid, 0)),
        voters=max(int(summary["on_case"].get(case.id, 0)) - 1, 0))


def cohort_section(data: ReportData, module_id: str) -> str | None:
    summary = data.summary(module_id)
    top: pd.DataFrame = summary["top"]
    if top.empty:
        return None
    return render(
        "<h2>{{ title }}</h2><p>The {{ n }} most voted definitions of each case.</p>"
        "{{ votes }}{{ asked }}", title=TITLE, n=TOP,
        votes=chart_img(charts.drill_votes(top), "Votes per definition"),
        asked=chart_img(charts.question_yield(summary["yield"]), "Questions asked"))


def compare(data: ReportData, module_id: str) -> dict[str, Any]:
    return {f"drill votes: {case}": (f"{c['votes']} votes, top {c['top']}" if c["votes"]
                                     else "0 votes")
            for case, c in data.summary(module_id)["by_case"].items()}
