"""The answers of a story module, as the response service checks them before it stores them:

- ``<exercise>_rewrite``: ``{"pitch": <the pitch rewritten>, "text": <the rewrite>,
  "share_with_peers": true|false}``; only a shared rewrite is shown to colleagues;
- ``<exercise>_note:<key>``: ``{"note": <what worked>}``, a note on the colleague's rewrite
  shown under the anonymous `key` (the service checks that the key is one it showed).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, field_validator

from .content import Content

SHARE = "share_with_peers"  # the rewrite's opt-in to anonymous peer reading
KEY = re.compile(r"[0-9a-f]{12}")  # the anonymous key of a shared rewrite (see rules)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _text(value: str, lo: int, hi: int) -> str:
    if len(value) > hi:
        raise ValueError(f"has {len(value)} characters, must have at most {hi}; shorten it")
    if len(value.strip()) < lo:
        raise ValueError(f"has {len(value.strip())} characters, must have at least {lo}; say "
                         "a little more")
    if _CONTROL.search(value):
        raise ValueError("contains a control character; remove it")
    return value


def rewrite_model(content: Content) -> type[BaseModel]:
    """The model of one participant's rewrite, for this content."""
    pitches, lo, hi = tuple(content.pitches), content.rewrite.min_chars, \
        content.rewrite.max_chars

    class Rewrite(_Shape):
        pitch: StrictStr
        text: StrictStr
        share_with_peers: StrictBool

        @field_validator("pitch")
        @classmethod
        def _known_pitch(cls, value: str) -> str:
            if value not in pitches:
                raise ValueError(f"is '{value[:40]}', must be one of the pitches: "
                                 f"{', '.join(pitches)}")
            return value

        @field_validator("text")
        @classmethod
        def _length(cls, value: str) -> str:
            return _text(value, lo, hi)

    return Rewrite


def note_model(content: Content) -> type[BaseModel]:
    """The model of a note on a colleague's rewrite."""
    lo, hi = content.peer.note_min_chars, content.peer.note_max_chars

    class Note(_Shape):
        note: StrictStr

        @field_validator("note")
        @classmethod
        def _length(cls, value: str) -> str:
            return _text(value, lo, hi)

    return Note


def note_key(content: Content, exercise: str) -> str | None:
    """The anonymous key a note exercise names ('story_note:<key>'), or None if `exercise` is
    not a note of this module (or names no well-formed key)."""
    if not exercise.startswith(content.note_prefix):
        return None
    key = exercise[len(content.note_prefix):]
    return key if KEY.fullmatch(key) else None


def answers(module_id: str, content: Content, day: Any) -> dict[str, type[BaseModel]]:
    """The exercises with fixed names: the rewrite."""
    return {content.rewrite_exercise: rewrite_model(content)}


def answer_for(module_id: str, exercise: str, content: Content,
               day: Any) -> type[BaseModel] | None:
    """A note on a colleague's rewrite ('story_note:<key>'); None for any other name."""
    return note_model(content) if note_key(content, exercise) is not None else None
