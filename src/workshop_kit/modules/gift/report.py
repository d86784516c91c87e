"""The risky gift's part of the reports: your plan and what your partner wrote about it; on
the cohort page, how many plans and feedbacks were written (nobody's words)."""

from __future__ import annotations

from typing import Any

from workshop_kit.names import shown
from workshop_kit.report import ReportData, nothing, render

TITLE = "Your risky gift"


def summarise(data: ReportData, module_id: str) -> dict[str, int]:
    content = data.module_content(module_id)
    frame = data.answers(module_id)
    feedback = frame["exercise"].str.startswith(f"{content.exercise}_feedback:").sum()
    plans = (frame["exercise"] == content.plan_exercise).sum()
    return {"plans": int(plans), "feedback": int(feedback)}


def section(data: ReportData, pid: str, module_id: str) -> str:
    content = data.module_content(module_id)
    payload = data.payload(pid, module_id, content.plan_exercise)
    if not payload:
        return nothing(TITLE, "gift plan")
    # what partners wrote about this plan: one exercise, addressed to this participant only
    given = data.answers(module_id, content.feedback_exercise(pid))
    feedback: list[tuple[str, Any]] = [
        (shown(data.names, who, "your partner"), p)
        for who, p in zip(given["participant"], given["payload"], strict=True)]
    return render(
        "<h2>{{ title }}</h2>{% for f in content.plan %}<p><b>{{ f.label }}:</b> "
        "{{ payload.get(f.id, '') }}</p>{% endfor %}"
        "{% if feedback %}<p>What your partner wrote about it:</p><ul>"
        "{% for who, p in feedback %}<li><b>From {{ who }}</b><br>"
        "{% for f in content.feedback %}<b>{{ f.label }}:</b> {{ p.get(f.id, '') }}"
        "{% if not loop.last %}<br>{% endif %}{% endfor %}</li>{% endfor %}</ul>"
        "{% else %}<p class='muted'>No partner feedback recorded.</p>{% endif %}",
        title=TITLE, content=content, payload=payload, feedback=feedback)


def cohort_section(data: ReportData, module_id: str) -> str:
    counts = data.summary(module_id)
    return render("<h2>Risky gifts</h2><p>{{ plans }} gift plan(s), {{ feedback }} partner "
                  "feedback(s).</p>", **counts)
