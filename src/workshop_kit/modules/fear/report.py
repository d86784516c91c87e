"""Fear of selling on the take-home page (the participant's own ratings beside the room's
means, another way to see their strongest sources, their own moment and rewrite) and on the
cohort page (the map of reluctance as aggregates of at least MIN_GROUP people, and only the
rewrites their authors shared, without names)."""

from __future__ import annotations

import html
import math
from typing import Any

from workshop_kit.analysis import MIN_GROUP
from workshop_kit.report import chart_img

from .room import answered, map_chart, reluctance_map, shared_rewrites, strongest


def _e(value: Any) -> str:
    return html.escape(str(value))


def _title(data: Any, module_id: str) -> str:
    return data.content.agenda.module(module_id).title


def section(data: Any, pid: str, module_id: str) -> str | None:
    content = data.content.modules[module_id]
    title = f"<h2>{_e(_title(data, module_id))}</h2>"
    mine = data.payload(pid, module_id, content.sources_exercise) or {}
    rewrite = data.payload(pid, module_id, content.rewrite_exercise) or {}
    ratings = mine.get("ratings") or {}
    if not ratings and not rewrite:
        return title + "<p class='muted'>Nothing recorded.</p>"
    parts = [title]
    if ratings:
        room = reluctance_map(data.module(module_id, content.sources_exercise), content)
        means = dict(zip(room["source"], room["mean"], strict=True))
        rows = "".join(
            f"<tr><td>{_e(s.label)}</td><td>{_e(ratings.get(s.id, '–'))}</td><td>"
            + (f"{means[s.id]:.1f}" if s.id in means and not math.isnan(means[s.id]) else "–")
            + "</td></tr>" for s in content.sources)
        parts.append(f"<p>How much each source held you back ({content.scale.min} = "
                     f"{_e(content.scale.low_label)}, {content.scale.max} = "
                     f"{_e(content.scale.high_label)}), beside the room's mean (shown when at "
                     f"least {MIN_GROUP} people rated):</p><table><tr><th>Source</th>"
                     f"<th>You</th><th>Room</th></tr>{rows}</table>")
        top = strongest(ratings, content)
        if top:
            parts.append("<p>Another way to see your strongest:</p><ul>" + "".join(
                f"<li><b>{_e(content.source(s).label)}.</b> {_e(content.source(s).reframe)}"
                "</li>" for s in top) + "</ul>")
    if rewrite.get("rewrite"):
        spec = content.rewrite
        parts.append(f"<p><b>{_e(spec.moment.label)}:</b> {_e(rewrite.get('moment', ''))}</p>"
                     f"<p><b>{_e(spec.rewrite.label)}:</b> {_e(rewrite['rewrite'])}</p>")
    return "".join(parts)


def cohort_section(data: Any, module_id: str) -> str | None:
    content = data.content.modules[module_id]
    frame = data.module(module_id)
    table = reluctance_map(frame, content)
    rated = answered(frame, content.sources_exercise)
    wrote = answered(frame, content.rewrite_exercise)
    shared = shared_rewrites(frame, content)
    parts = [f"<h2>{_e(_title(data, module_id))}</h2>",
             f"<p>{rated} participant(s) rated the sources of their reluctance; {wrote} "
             f"rewrote a dreaded moment and {len(shared)} shared it with the room.</p>"]
    if table.empty:
        parts.append(f"<p class='muted'>The map is shown for {MIN_GROUP} or more people.</p>")
    else:
        parts.append(chart_img(map_chart(table, content), "Where the room's reluctance to "
                               "sell comes from"))
    if len(shared):
        spec = content.rewrite
        parts.append("<h3>Shared rewrites (no names)</h3><ul>" + "".join(
            f"<li><i>{_e(spec.moment.label)}:</i> {_e(r.moment)}<br><i>"
            f"{_e(spec.rewrite.label)}:</i> {_e(r.rewrite)}</li>"
            for r in shared.itertuples()) + "</ul>")
    return "".join(parts)
