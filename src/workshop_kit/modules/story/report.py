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
from .keys import rewrite_key, secret_name
from .words import quoted


def _title(data: Any, module_id: str) -> str:
    return html.escape(data.content.agenda.module(module_id).title)


def summarise(data: Any, module_id: str) -> dict[str, Any]:
    """Read once per report run: the room's counts (aggregates), and the notes left on each
    rewrite by its anonymous key with the store's secret to find a participant's (the
    trainer's machine holds the store). No rewrite text is kept."""
    content = data.module_content(module_id)
    frame = data.answers(module_id)
    table = room.rewrites(frame, content)
    notes = room.notes(frame, content)
    return {"rewrites": len(table), "shared": int(table["shared"].sum()),
            "notes": sum(len(v) for v in notes.values()), "by_key": notes,
            "secret": data.store.cohort_key(data.cohort_id, secret_name(module_id)),
            "summary": room.summary(table, content)}


def section(data: Any, pid: str, module_id: str) -> str | None:
    """The take-home section of participant `pid`: their own rewrite, the notes left on it."""
    content = data.module_content(module_id)
    payload = data.payload(pid, module_id, content.rewrite_exercise)
    head = f"<h2>{_title(data, module_id)}</h2>"
    if not payload or payload.get("pitch") not in content.pitches:
        return head + "<p class='muted'>No rewrite recorded.</p>"
    pitch = content.pitches[payload["pitch"]]
    text = payload.get("text", "")
    noticed = "".join(f"<li>{html.escape(line)}</li>"
                      for line in describe(text, content.feedback, pitch.pitch))
    room_of = data.summary(module_id)
    key = rewrite_key(room_of["secret"], data.cohort_id, module_id, pid)
    notes = sorted(room_of["by_key"].get(key, []))
    received = ("".join(quoted(n) for n in notes) if notes else
                "<p class='muted'>No notes were left on it.</p>")
    return (head + f"<p><i>{html.escape(pitch.setting)}</i></p>"
            "<p>The answer you started from:</p>" + quoted(pitch.pitch)
            + "<p>Your rewrite:</p>" + quoted(text)
            + f"<p>What the kit noticed in it:</p><ul>{noticed}</ul>"
            f"<p class='note'>{html.escape(content.feedback.intro)}</p>"
            + (f"<p>You shared it with colleagues. {html.escape(content.peer.received_intro)}"
               f"</p>{received}" if payload.get(SHARE) is True else
               "<p class='muted'>You kept your rewrite to yourself.</p>"))


def cohort_section(data: Any, module_id: str) -> str | None:
    """What the kit counted across the room's rewrites, against the answers they started
    from; nothing while fewer than `MIN_GROUP` rewrites are in."""
    room_of = data.summary(module_id)
    head = f"<h2>{_title(data, module_id)}</h2>"
    if room_of["rewrites"] < MIN_GROUP:
        return head + (f"<p class='muted'>{room_of['rewrites']} rewrite(s): figures are shown "
                       f"from {MIN_GROUP} up.</p>")
    return (head + f"<p>{room_of['rewrites']} rewrites, {room_of['shared']} shared with "
            f"colleagues, {room_of['notes']} note(s) left on them. What the kit counted "
            "(observations, never scores):</p>"
            + room_of["summary"].to_html(index=False, escape=True, border=0))
