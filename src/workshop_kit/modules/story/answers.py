"""The answers of a story module, as the response service checks them before it stores them:

- ``<exercise>_rewrite``: ``{"pitch": <the pitch rewritten>, "text": <the rewrite>,
  "share_with_peers": true|false}``; only a shared rewrite is shown to colleagues;
- ``<exercise>_note:<key>``: ``{"note": <what worked>}``, a note on the colleague's rewrite
  shown under the anonymous `key` (the rules part checks that the key is one it showed).
"""

from __future__ import annotations

import re
from typing import Any

from workshop_kit.answers import Bool, Refused, Shape, Spec, clip, free_text, one_of, per_content

SHARE = "share_with_peers"  # the rewrite's opt-in to anonymous peer reading
KEY = re.compile(r"[0-9a-f]{12}")  # the anonymous key of a shared rewrite (see rules)


def note_key(content: Any, exercise: str) -> str | None:
    """The anonymous key a note exercise names ('story_note:<key>'), or None if `exercise` is
    not a note of this module (or names no well-formed key)."""
    prefix = content.note_prefix
    if not exercise.startswith(prefix):
        return None
    key = exercise[len(prefix):]
    return key if KEY.fullmatch(key) else None


def _rewrite(content: Any) -> Spec:
    rules = content.rewrite

    class Rewrite(Shape):
        pitch: one_of(list(content.pitches), "one of the module's pitches")
        text: free_text(rules.min_chars, rules.max_chars)
        share_with_peers: Bool  # SHARE

    return Spec(Rewrite)


@per_content
def _note(module_id: str, content: Any, day: Any) -> Spec:
    peer = content.peer

    class Note(Shape):
        note: free_text(peer.note_min_chars, peer.note_max_chars, stripped=True)

    return Spec(Note)


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    """The exercises with fixed names: the rewrite."""
    return {content.rewrite_exercise: _rewrite(content)}


def answer_for(module_id: str, exercise: str, content: Any, day: Any,
               participant: str) -> Spec | None:
    """A note on a colleague's rewrite ('story_note:<key>'); None for any other name."""
    prefix = content.note_prefix
    if not exercise.startswith(prefix):
        return None
    if note_key(content, exercise) is None:
        raise Refused(f"'{clip(exercise[len(prefix):])}' is not the key of a shared rewrite; "
                      f"use {prefix}<key of the rewrite, as shown to you>")
    return _note(module_id, content, day)


def patterns(module_id: str, content: Any, day: Any) -> list[str]:
    return [f"{content.note_prefix}<key of a colleague's rewrite>"]
