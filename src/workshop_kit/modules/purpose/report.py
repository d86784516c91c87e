"""The purpose sort's part of the reports: the statements you read differently from the kit
(with the kit's reasoning), and how the room sorted each statement."""

from __future__ import annotations

from workshop_kit import analysis, charts
from workshop_kit.report import ReportData, chart_img, nothing, render

TITLE = "What is selling for?"


def summarise(data: ReportData, module_id: str):
    """Per statement and category: how many put it there (one row each, whatever the size)."""
    content = data.module_content(module_id)
    placements = analysis.purpose_placements(data.answers(module_id, content.exercise),
                                             content)
    return analysis.purpose_results(placements, content)


def section(data: ReportData, pid: str, module_id: str) -> str:
    content = data.module_content(module_id)
    payload = data.payload(pid, module_id, content.exercise)
    if not payload:
        return nothing(TITLE, "sort")
    placements = payload.get("placements", {})
    different = [s for s in content.statements if placements.get(s.id) not in (None, s.thinking)]
    return render(
        "<h2>{{ title }}</h2>{% if not different %}"
        "<p>You sorted every statement the way the kit reads it.</p>{% else %}"
        "<p>You read {{ different|length }} of {{ total }} statements differently from the "
        "kit:</p><ul>{% for s in different %}<li><b>{{ s.text }}</b><br>The kit reads it as "
        "<i>{{ categories[s.thinking] }}</i>: {{ s.why }}</li>{% endfor %}</ul>{% endif %}",
        title=TITLE, different=different, total=len(content.statements),
        categories=dict(content.categories))


def cohort_section(data: ReportData, module_id: str) -> str:
    content = data.module_content(module_id)
    return render("<h2>{{ title }}</h2>{{ chart }}", title=TITLE, chart=chart_img(
        charts.purpose_sort(data.summary(module_id), dict(content.categories)),
        "How the room sorted the statements"))
