"""Fear of selling on the take-home page (the participant's own ratings beside the room's
means, another way to see their strongest sources, their own moment and rewrite) and on the
cohort page (the map of reluctance as aggregates of at least MIN_GROUP people, and only the
rewrites their authors shared, without names).

`summarise` reads the module's answers once and keeps aggregates only: the map (one row per
source), the counts, and the shared rewrites' text (never who wrote them)."""

from __future__ import annotations

from typing import Any

from workshop_kit.analysis import MIN_GROUP
from workshop_kit.report import chart_img, nothing, render

from .room import answered, map_chart, reluctance_map, shared_rewrites, strongest


def _title(data: Any, module_id: str) -> str:
    return data.content.agenda.module(module_id).title


def summarise(data: Any, module_id: str) -> dict[str, Any]:
    content = data.module_content(module_id)
    frame = data.answers(module_id)
    return {"map": reluctance_map(frame, content),
            "rated": answered(frame, content.sources_exercise),
            "wrote": answered(frame, content.rewrite_exercise),
            "shared": shared_rewrites(frame, content).to_dict("records")}


def section(data: Any, pid: str, module_id: str) -> str | None:
    content = data.module_content(module_id)
    title = _title(data, module_id)
    ratings = (data.payload(pid, module_id, content.sources_exercise) or {}).get("ratings")
    rewrite = data.payload(pid, module_id, content.rewrite_exercise) or {}
    if not ratings and not rewrite:
        return nothing(title, "answer")
    room = data.summary(module_id)["map"]
    means = {s: f"{m:.1f}" for s, m in zip(room["source"], room["mean"], strict=True)}
    rows = [(s.label, (ratings or {}).get(s.id, "–"), means.get(s.id, "–"))
            for s in content.sources]
    top = [content.source(s) for s in strongest(ratings or {}, content)]
    return render(
        "<h2>{{ title }}</h2>"
        "{% if ratings %}<p>How much each source held you back ({{ scale.min }} = "
        "{{ scale.low_label }}, {{ scale.max }} = {{ scale.high_label }}), beside the room's "
        "mean (shown when at least {{ min_group }} people rated):</p><table><tr>"
        "<th>Source</th><th>You</th><th>Room</th></tr>{% for label, you, room in rows %}"
        "<tr><td>{{ label }}</td><td>{{ you }}</td><td>{{ room }}</td></tr>{% endfor %}"
        "</table>{% endif %}"
        "{% if top %}<p>Another way to see your strongest:</p><ul>{% for s in top %}"
        "<li><b>{{ s.label }}.</b> {{ s.reframe }}</li>{% endfor %}</ul>{% endif %}"
        "{% if rewrite.get('rewrite') %}<p><b>{{ spec.moment.label }}:</b> "
        "{{ rewrite.get('moment', '') }}</p><p><b>{{ spec.rewrite.label }}:</b> "
        "{{ rewrite['rewrite'] }}</p>{% endif %}",
        title=title, ratings=ratings, scale=content.scale, min_group=MIN_GROUP, rows=rows,
        top=top, rewrite=rewrite, spec=content.rewrite)


def cohort_section(data: Any, module_id: str) -> str | None:
    content = data.module_content(module_id)
    summary = data.summary(module_id)
    chart = None if summary["map"].empty else chart_img(
        map_chart(summary["map"], content), "Where the room's reluctance to sell comes from")
    return render(
        "<h2>{{ title }}</h2><p>{{ s.rated }} participant(s) rated the sources of their "
        "reluctance; {{ s.wrote }} rewrote a dreaded moment and {{ s.shared | length }} shared "
        "it with the room.</p>"
        "{% if chart %}{{ chart }}{% else %}<p class='muted'>The map is shown for "
        "{{ min_group }} or more people.</p>{% endif %}"
        "{% if s.shared %}<h3>Shared rewrites (no names)</h3><ul>{% for r in s.shared %}"
        "<li><i>{{ spec.moment.label }}:</i> {{ r.moment }}<br><i>{{ spec.rewrite.label }}:"
        "</i> {{ r.rewrite }}</li>{% endfor %}</ul>{% endif %}",
        title=_title(data, module_id), s=summary, chart=chart, min_group=MIN_GROUP,
        spec=content.rewrite)


def compare(data: Any, module_id: str) -> dict[str, object]:
    """For `compare`: the source the cohort rated strongest, and how many shared a rewrite."""
    summary = data.summary(module_id)
    table = summary["map"]
    return {"strongest source of reluctance": table["label"].iloc[0] if len(table) else "–",
            "rewrites shared": len(summary["shared"])}
