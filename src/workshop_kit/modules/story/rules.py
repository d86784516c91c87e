"""Who may read what in a story module, beyond one's own answers (run by the response service,
never in a participant's kernel):

- a participant who has submitted their own rewrite reads the rewrites colleagues chose to
  share (`share_with_peers`), text only, each under an anonymous key; never their own, never
  an unshared one, never who wrote it (`peer_rewrites`);
- the key is an HMAC of the author's id with a key of the cohort that never leaves the store's
  side (`Store.cohort_key`), so nobody can compute it from an id, and it is the same for every
  reader: a note can name the rewrite it is about;
- a note goes only on a rewrite the participant can read, never their own (`check_note`);
- the author reads the notes left on their own rewrite, text only, never who wrote them, in
  an order that follows nobody (`notes_received`).

The service finds these through the registry (`workshop_kit.access`): `PARTICIPANT_CALLS`,
`FACILITATOR_CALLS` and `check_submit`, each given a `RuleView` (the store behind the guards,
the cohort, who calls as the service authenticated them, the agenda module id and its content).
The calls are named after this package (`story_peer_rewrites`, …), so a copy of this folder
registered under another name offers calls of its own name and never clashes with this one.
"""

from __future__ import annotations

import random
from typing import Any

from workshop_kit.access import Call, RuleView
from workshop_kit.errors import AccessError
from workshop_kit.store import FACILITATOR

from .answers import SHARE, note_key
from .calls import NOTES_RECEIVED, PEER_REWRITES, REWRITE_KEYS
from .content import Content
from .keys import rewrite_key, secret_name


def _rewrites(store: Any, cohort: str, module_id: str, content: Content) -> dict[str, dict]:
    """{participant: payload} of every latest rewrite in the module."""
    frame = store.module_answers(cohort, module_id, content.rewrite_exercise)
    return {who: payload for who, payload in zip(frame["participant"], frame["payload"],
                                                 strict=True)
            if who != FACILITATOR and isinstance(payload, dict)}


def _shared_text(payload: dict) -> str | None:
    text = payload.get("text")
    if payload.get(SHARE) is True and isinstance(text, str) and text.strip():
        return text
    return None


def _need_own(store: Any, cohort: str, participant: str, module_id: str,
              content: Content) -> None:
    if store.latest_answer(cohort, participant, module_id, content.rewrite_exercise) is None:
        raise AccessError(content.peer.wait)


def peer_rewrites(store: Any, cohort: str, participant: str, module_id: str,
                  content: Content) -> list[dict[str, str]]:
    """The rewrites colleagues shared, [{"key", "text"}] sorted by key (an order that follows
    no id), without the caller's own; AccessError until the caller has submitted theirs."""
    _need_own(store, cohort, participant, module_id, content)
    secret = store.cohort_key(cohort, secret_name(module_id))
    shown = []
    for who, payload in _rewrites(store, cohort, module_id, content).items():
        text = _shared_text(payload)
        if who != participant and text is not None:
            shown.append({"key": rewrite_key(secret, cohort, module_id, who), "text": text})
    return sorted(shown, key=lambda entry: entry["key"])


def check_note(store: Any, cohort: str, participant: str, module_id: str, content: Content,
               exercise: str) -> None:
    """Refuse (AccessError) a note that does not go on a rewrite this participant can read:
    a shared rewrite of a colleague, once their own is in."""
    key = note_key(content, exercise)
    if key is None:
        raise AccessError(f"'{exercise[:60]}' is not a note of module '{module_id}'; a note is "
                          f"'{content.note_prefix}<key of the rewrite>'")
    secret = store.cohort_key(cohort, secret_name(module_id))
    if key == rewrite_key(secret, cohort, module_id, participant):
        raise AccessError("this is your own rewrite; leave notes on your colleagues' rewrites")
    readable = {entry["key"] for entry in peer_rewrites(store, cohort, participant, module_id,
                                                       content)}
    if key not in readable:
        raise AccessError(f"there is no shared rewrite '{key}' to leave a note on; choose one "
                          "from the rewrites shown to you")


def notes_received(store: Any, cohort: str, participant: str, module_id: str,
                   content: Content) -> dict[str, Any]:
    """The notes colleagues left on the caller's own rewrite: {"shared": whether it is shared
    now, "notes": [text, …]} in a random order, without who wrote them."""
    secret = store.cohort_key(cohort, secret_name(module_id))
    mine = content.note_exercise(rewrite_key(secret, cohort, module_id, participant))
    frame = store.module_answers(cohort, module_id, mine)
    notes = [payload["note"] for who, payload in zip(frame["participant"], frame["payload"],
                                                    strict=True)
             if who not in (participant, FACILITATOR) and isinstance(payload, dict)
             and isinstance(payload.get("note"), str)]
    random.SystemRandom().shuffle(notes)
    own = store.latest_answer(cohort, participant, module_id, content.rewrite_exercise)
    shared = own is not None and _shared_text(own.payload) is not None
    return {"shared": shared, "notes": notes}


def rewrite_keys(store: Any, cohort: str, module_id: str, content: Content) -> dict[str, str]:
    """{author: key} of every rewrite: for the facilitator's view (which notes go with which
    shared rewrite) and the trainer's own tools (simulation, reports); never a participant's."""
    secret = store.cohort_key(cohort, secret_name(module_id))
    return {who: rewrite_key(secret, cohort, module_id, who)
            for who in _rewrites(store, cohort, module_id, content)}


# -- what the service offers through this part ---------------------------------------------

def _content(view: RuleView) -> Content:
    if view.content is None:  # a guard made without the day's content knows no rules
        raise AccessError(f"module '{view.module}' is not set up in this service")
    return view.content


PARTICIPANT_CALLS = {
    PEER_REWRITES: Call(lambda view: peer_rewrites(view.store, view.cohort, view.who,
                                                   view.module, _content(view))),
    NOTES_RECEIVED: Call(lambda view: notes_received(view.store, view.cohort, view.who,
                                                     view.module, _content(view))),
}
FACILITATOR_CALLS = {
    REWRITE_KEYS: Call(lambda view: rewrite_keys(view.store, view.cohort, view.module,
                                                 _content(view))),
}


def check_submit(view: RuleView, exercise: str, payload: dict[str, Any]) -> None:
    """A note goes only on a shared rewrite of a colleague the participant can read; the
    rewrite itself is the participant's own answer (nothing more to check)."""
    content = _content(view)
    if exercise.startswith(content.note_prefix):
        check_note(view.store, view.cohort, view.who, view.module, content, exercise)


def room_answers(view: RuleView, exercise: str, frame: Any) -> Any:
    """What the room's chart of a revealed exercise may be drawn from (`room_answers`,
    already without names; the service draws the chart and participants receive only its
    means): of the rewrites, only those shared with colleagues, their text and the pitch they
    rewrote (what the chart compares); never a note, which is for its rewrite's author
    alone."""
    content = _content(view)
    if exercise != content.rewrite_exercise:
        return frame.iloc[0:0]
    texts = frame["payload"].map(lambda p: _shared_text(p) if isinstance(p, dict) else None)
    kept = frame[texts.notna()].copy()
    kept["payload"] = [{"text": text, "pitch": payload.get("pitch")} for text, payload in
                       zip(texts[texts.notna()], kept["payload"], strict=True)]
    return kept.reset_index(drop=True)
