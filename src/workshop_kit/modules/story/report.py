"""The story module after the day: on a participant's take-home page, the answer they started
from, their rewrite, what the kit noticed in it and the notes colleagues left (never who wrote
them); on the cohort page, what the kit counted across the room (aggregates only, from
`MIN_GROUP` rewrites up; no one's words)."""

from __future__ import annotations

import html
from typing import Any

from workshop_kit.analysis import MIN_GROUP

from . import room
from .answers import SHARE
from .feedback import describe
from .rules import rewrite_key, secret_name
from .words import quoted


def _title(data: Any, module_id: str) -> str:
    return html.escape(data.content.agenda.module(module_id).title)


def _notes_on(data: Any, module_id: str, pid: str) -> list[str]:
    """The notes left on `pid`'s rewrite: its key is made with the store's secret, read once
    per report run (the trainer's machine holds the store)."""
    cache = data.extras.setdefault(f"{module_id}:notes", {})
    if "by_key" not in cache:
        content = data.content.modules[module_id]
        with data.built.store() as store:
            cache["secret"] = store.cohort_key(data.cohort_id, secret_name(module_id))
        cache["by_key"] = room.notes(data.module(module_id), content)
    key = rewrite_key(cache["secret"], data.cohort_id, module_id, pid)
    return sorted(cache["by_key"].get(key, []))


def section(data: Any, pid: str, module_id: str) -> str | None:
    """The take-home section of participant `pid`."""
    content = data.content.modules[module_id]
    payload = data.payload(pid, module_id, content.rewrite_exercise)
    head = f"<h2>{_title(data, module_id)}</h2>"
    if not payload or payload.get("pitch") not in content.pitches:
        return head + "<p class='muted'>No rewrite recorded.</p>"
    pitch = content.pitches[payload["pitch"]]
    text = payload.get("text", "")
    noticed = "".join(f"<li>{html.escape(line)}</li>"
                      for line in describe(text, content.feedback, pitch.pitch))
    notes = _notes_on(data, module_id, pid)
    shared = payload.get(SHARE) is True
    received = ("".join(quoted(n) for n in notes) if notes else
                "<p class='muted'>No notes were left on it.</p>")
    return (head + f"<p><i>{html.escape(pitch.setting)}</i></p>"
            "<p>The answer you started from:</p>" + quoted(pitch.pitch)
            + "<p>Your rewrite:</p>" + quoted(text)
            + f"<p>What the kit noticed ({html.escape(content.feedback.intro)})</p>"
            f"<ul>{noticed}</ul>"
            + (f"<p>You shared it with colleagues. {html.escape(content.peer.received_intro)}"
               f"</p>{received}" if shared else
               "<p class='muted'>You kept your rewrite to yourself.</p>"))


def cohort_section(data: Any, module_id: str) -> str | None:
    """What the kit counted across the room's rewrites, against the answers they started
    from; nothing while fewer than `MIN_GROUP` rewrites are in."""
    content = data.content.modules[module_id]
    table = room.rewrites(data.module(module_id, content.rewrite_exercise), content)
    head = f"<h2>{_title(data, module_id)}</h2>"
    if len(table) < MIN_GROUP:
        return head + (f"<p class='muted'>{len(table)} rewrite(s): figures are shown from "
                       f"{MIN_GROUP} up.</p>")
    notes = sum(len(v) for v in room.notes(data.module(module_id), content).values())
    summary = room.summary(table, content)
    return (head + f"<p>{len(table)} rewrites, {int(table['shared'].sum())} shared with "
            f"colleagues, {notes} note(s) left on them. What the kit counted (observations, "
            "never scores):</p>"
            + summary.to_html(index=False, escape=True, border=0))
