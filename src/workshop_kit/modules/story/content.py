"""The content of a story module (`data/modules/story.yaml`): the firm-centred answers to
rewrite, one per practice area or a default, the words the feedback counts, and what the
participant reads at each step."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workshop_kit.content import PRACTICE_AREAS, Slug, Text
from workshop_kit.errors import ContentError

DEFAULT = "default"
# The placeholders each label may use (`{we}` …); any other is a content error.
PLACEHOLDERS = {"pitch_counts": {"we", "you", "questions"}, "samples": {"found"}}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pitch(_Model):
    """The meeting, and the answer about “us” a seller typically gives in it."""

    setting: Text
    pitch: Text


class RewritePrompt(_Model):
    prompt: Text
    hints: list[Text] = []
    min_chars: int = Field(ge=1, le=2000)
    max_chars: int = Field(ge=100, le=5000)
    share_label: Text


class FeedbackLabels(_Model):
    questions: Text
    no_questions: Text
    we: Text
    you: Text
    pitch_counts: Text
    samples: Text
    no_samples: Text


Word = str


class FeedbackWords(_Model):
    """What the feedback counts: words about the seller's side, words about the client's,
    and phrases that mark a sample or an example."""

    intro: Text
    we_words: list[Word] = Field(min_length=1)
    you_words: list[Word] = Field(min_length=1)
    sample_markers: list[Text] = Field(min_length=1)
    labels: FeedbackLabels

    @field_validator("we_words", "you_words")
    @classmethod
    def _single_words(cls, value: list[str]) -> list[str]:
        for word in value:
            if not re.fullmatch(r"[a-z]+(?:'[a-z]+)?", word):
                raise ValueError(f"'{word[:40]}' is not one lower-case word (like 'our' or "
                                 "\"we're\"); write each word on its own")
        return value


class PeerReading(_Model):
    intro: Text
    wait: Text
    none_yet: Text
    note_prompt: Text
    note_min_chars: int = Field(ge=1, le=200)
    note_max_chars: int = Field(ge=50, le=2000)
    received_intro: Text
    received_none: Text
    not_shared: Text


class Content(_Model):
    """A story module's content."""

    exercise: Slug
    personal: bool
    intro: Text
    pitches: dict[str, Pitch]
    rewrite: RewritePrompt
    feedback: FeedbackWords
    peer: PeerReading
    debrief: list[Text] = Field(min_length=1)

    @property
    def rewrite_exercise(self) -> str:
        """Store exercise of a participant's rewrite: 'story_rewrite'."""
        return f"{self.exercise}_rewrite"

    @property
    def note_prefix(self) -> str:
        """Store exercises of notes on colleagues' rewrites start with this: 'story_note:'."""
        return f"{self.exercise}_note:"

    def note_exercise(self, key: str) -> str:
        """Store exercise of a note on the rewrite shown under the anonymous `key`."""
        return f"{self.note_prefix}{key}"

    def pitch_id(self, practice_area: str) -> str:
        """The pitch a participant of `practice_area` rewrites: theirs, else the default."""
        return practice_area if practice_area in self.pitches else DEFAULT

    def pitch_for(self, practice_area: str) -> Pitch:
        return self.pitches[self.pitch_id(practice_area)]


def check(content: Content, located: Any, path: str | Path) -> None:
    """Cross-checks the model cannot make alone; every problem one line naming file and line."""
    problems: list[str] = []

    def at(loc: tuple, text: str) -> None:
        problems.append(f"{path}:{located.line_of(loc)}: field '{'.'.join(map(str, loc))}' "
                        f"{text}")

    if DEFAULT not in content.pitches:
        at(("pitches",), f"needs a '{DEFAULT}' pitch, for practice areas without their own")
    for area in content.pitches:
        if area != DEFAULT and area not in PRACTICE_AREAS:
            at(("pitches", area), f"is not a practice area; use '{DEFAULT}' or one of: "
               f"{', '.join(PRACTICE_AREAS)}")
    if content.rewrite.min_chars >= content.rewrite.max_chars:
        at(("rewrite", "max_chars"), f"is {content.rewrite.max_chars}, must be above "
           f"rewrite.min_chars ({content.rewrite.min_chars})")
    peer = content.peer
    if peer.note_min_chars >= peer.note_max_chars:
        at(("peer", "note_max_chars"), f"is {peer.note_max_chars}, must be above "
           f"peer.note_min_chars ({peer.note_min_chars})")
    words = content.feedback
    both = sorted(set(words.we_words) & set(words.you_words))
    if both:
        at(("feedback", "you_words"), f"repeats {', '.join(both)} from feedback.we_words; a "
           "word counts for one side only")
    for name, text in words.labels.model_dump().items():
        allowed = PLACEHOLDERS.get(name, set())
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError:
            used = {"{"}
        unknown = sorted(used - allowed)
        if unknown:
            at(("feedback", "labels", name), f"uses {{{unknown[0]}}}, which it cannot fill; "
               + (f"use {', '.join('{' + a + '}' for a in sorted(allowed))}" if allowed
                  else "write '{{' and '}}' for braces"))
    if problems:
        raise ContentError("\n".join(problems))
