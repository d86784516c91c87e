"""The room's rewrites as tables: what the feedback counts in each, the same counts in the
answers they started from, and the notes colleagues left. Pure: frames in, frames out.

Aggregates only for the projector: a mean of fewer than `MIN_GROUP` rewrites is not given, so
no figure points at one person; nothing here is a score.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workshop_kit.analysis import MIN_GROUP

from .answers import SHARE, note_key
from .content import Content
from .feedback import observe

MEASURES = {
    "questions": "Questions asked",
    "we": "Words about the seller's side (we, our, us)",
    "you": "Words about the client's side (you, your)",
}
STARTED, REWRITTEN = "The answers they started from", "Their rewrites"
COLUMNS = ["participant", "pitch", "text", "shared", "questions", "we", "you", "sample",
           "words"]


def rewrites(answers: pd.DataFrame, content: Content) -> pd.DataFrame:
    """One row per participant's latest rewrite (`answers` as `Store.module_answers` gives
    a module's): who, which pitch, the text, whether it is shared, and what the feedback
    counts in it."""
    rows = []
    if not answers.empty:
        mine = answers[answers["exercise"] == content.rewrite_exercise]
        for who, payload in zip(mine["participant"], mine["payload"], strict=True):
            text = payload.get("text") if isinstance(payload, dict) else None
            pitch = payload.get("pitch")
            if not isinstance(text, str) or pitch not in content.pitches:
                continue
            seen = observe(text, content.feedback).as_dict()
            rows.append({"participant": who, "pitch": pitch, "text": text,
                         "shared": payload.get(SHARE) is True, **seen})
    return pd.DataFrame(rows, columns=COLUMNS)


def stages(table: pd.DataFrame, content: Content) -> pd.DataFrame:
    """Long form for the chart: per rewrite and measure, the count in the answer it started
    from and in the rewrite (columns stage, measure, label, value)."""
    rows = []
    for pitch, *values in table[["pitch", *MEASURES]].itertuples(index=False):
        before = observe(content.pitches[pitch].pitch, content.feedback).as_dict()
        for (measure, label), value in zip(MEASURES.items(), values, strict=True):
            rows.append({"stage": STARTED, "measure": measure, "label": label,
                         "value": before[measure]})
            rows.append({"stage": REWRITTEN, "measure": measure, "label": label,
                         "value": value})
    return pd.DataFrame(rows, columns=["stage", "measure", "label", "value"])


def summary(table: pd.DataFrame, content: Content, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Per measure, in words: the mean in the answers the room started from and in their
    rewrites, with how many rewrites have at least one; then how many offer a sample. Empty
    while fewer than `min_group` rewrites are in."""
    columns = ["what the kit counts", STARTED, REWRITTEN]
    if len(table) < min_group:
        return pd.DataFrame(columns=columns)
    long = stages(table, content)
    means = long.groupby(["measure", "stage"])["value"].mean()
    n = len(table)
    rows = [{"what the kit counts": label,
             STARTED: f"{means[(m, STARTED)]:.1f} on average",
             REWRITTEN: f"{means[(m, REWRITTEN)]:.1f} on average; {int((table[m] > 0).sum())} "
                        f"of {n} have at least one"}
            for m, label in MEASURES.items()]
    started = sum(bool(observe(content.pitches[p].pitch, content.feedback).samples)
                  for p in table["pitch"])
    rows.append({"what the kit counts": "A sample or example offered",
                 STARTED: f"{started} of {n}", REWRITTEN: f"{int(table['sample'].sum())} of {n}"})
    return pd.DataFrame(rows, columns=columns)


def notes(answers: pd.DataFrame, content: Content) -> dict[str, list[str]]:
    """{key of a rewrite: [the notes left on it]}, texts only."""
    found: dict[str, list[str]] = {}
    if answers.empty:
        return found
    for exercise, payload in zip(answers["exercise"], answers["payload"], strict=True):
        key = note_key(content, exercise)
        text = payload.get("note") if isinstance(payload, dict) else None
        if key is not None and isinstance(text, str):
            found.setdefault(key, []).append(text)
    return found


def shared(table: pd.DataFrame, noted: dict[str, list[str]], keys: dict[str, Any]
           ) -> pd.DataFrame:
    """The shared rewrites without names, each with the notes colleagues left on it (`keys`:
    {participant: key of their rewrite}), in the order of their text: an order that follows
    no person and ranks nothing (no count of notes either: they are for reading, not a
    score)."""
    rows = []
    for who, text in table.loc[table["shared"], ["participant", "text"]].itertuples(
            index=False):
        rows.append({"rewrite": text,
                     "what colleagues noted": " · ".join(sorted(noted.get(keys.get(who, ""),
                                                                          [])))})
    frame = pd.DataFrame(rows, columns=["rewrite", "what colleagues noted"])
    return frame.sort_values("rewrite", ignore_index=True)
