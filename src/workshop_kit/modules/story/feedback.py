"""What the kit notices in a rewrite: the questions it asks, words about “us” and about “you”,
and whether it offers a sample. Shown to the writer as plain observations, never as a score.

Pure: text in, counts and sentences out; no widgets, no store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .content import FeedbackWords

# Curly apostrophes and quotes as people type them (or a word processor replaces them).
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# A sentence ends at . ! ? or … (with any closing quotes or brackets after it) followed by a
# space or the end, or at a line break: "3.5" does not end one, nor "e.g." or "Dr.".
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "no", "approx",
                            "incl", "cf"})
_CLOSING = "\"'”’»)] \t"


@dataclass(frozen=True)
class Observations:
    """The counts behind the feedback on one text."""

    questions: tuple[str, ...]  # the sentences that end in "?", as written
    we: int  # words about the seller's side (we, our, us, …)
    you: int  # words about the client's side (you, your, …)
    samples: tuple[str, ...]  # the sample phrases found, in the order they first appear
    words: int  # all words

    def as_dict(self) -> dict[str, int | bool]:
        """Numbers only (what a chart or a table of the room needs)."""
        return {"questions": len(self.questions), "we": self.we, "you": self.you,
                "sample": bool(self.samples), "words": self.words}


def sentences(text: str) -> list[str]:
    """The text's sentences, trimmed, in order (empty ones left out)."""
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if end.group().startswith("."):
            before = text[start:end.start()].split()
            if before and before[-1].lower().lstrip("(\"'“‘") in _ABBREVIATIONS:
                continue
        found.append(text[start:end.end()])
        start = end.end()
    found.append(text[start:])
    return [s.strip() for s in found if s.strip()]


def _normal(text: str) -> str:
    return " ".join(text.translate(_APOSTROPHES).lower().split())


def observe(text: str, words: FeedbackWords) -> Observations:
    """Count what the feedback shows in `text`."""
    questions = tuple(s for s in sentences(text) if s.rstrip(_CLOSING).endswith("?"))
    normal = _normal(text)
    tokens = _WORD.findall(normal)
    we, you = set(words.we_words), set(words.you_words)
    found: list[tuple[int, str]] = []
    for marker in words.sample_markers:
        match = re.search(r"(?<![a-z'])" + re.escape(_normal(marker)) + r"(?![a-z])", normal)
        if match:
            found.append((match.start(), marker))
    return Observations(
        questions=questions,
        we=sum(t in we for t in tokens),
        you=sum(t in you for t in tokens),
        samples=tuple(marker for _, marker in sorted(found)),
        words=len(tokens),
    )


def describe(text: str, words: FeedbackWords, pitch: str = "") -> list[str]:
    """The observations on `text` in plain words, one sentence each, for the writer: how many
    questions it asks (and which), the words about each side, a sample or not; and, given the
    `pitch` it started from, the same counts there. No grade, no verdict."""
    seen = observe(text, words)
    labels = words.labels
    lines = []
    if seen.questions:
        asked = " ".join(f"“{q}”" for q in seen.questions)
        lines.append(f"{labels.questions}: {len(seen.questions)}. {asked}")
    else:
        lines.append(labels.no_questions)
    lines.append(f"{labels.we}: {seen.we}. {labels.you}: {seen.you}.")
    if pitch:
        before = observe(pitch, words)
        lines.append(labels.pitch_counts.format(we=before.we, you=before.you,
                                                questions=len(before.questions)))
    if seen.samples:
        lines.append(labels.samples.format(found=", ".join(f"“{s}”" for s in seen.samples)))
    else:
        lines.append(labels.no_samples)
    return lines
