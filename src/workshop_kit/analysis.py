"""Turn stored answers (a module's DataFrame from the store) into tidy tables for charts.

Pure functions: DataFrame + content in, DataFrame out. No IO, no display.

Module-neutral building blocks only: the smallest group a figure may stand for, the rating-
scale form's tables (`RatingForm`: the self-ratings on the four parts of trust, asked once or
again later in the day) and a plain key-term match. What one module type does with its answers
lives in that type's folder (`modules/<type>/analysis.py`).
"""

from __future__ import annotations

import re

import pandas as pd

from .content import RatingForm

# The smallest group any figure of the room may stand for: fewer would point at people. The
# service (access), the charts and the tables all use this one.
MIN_GROUP = 3


TRAIT_LABELS = {
    "credibility": "Credibility: can they believe you?",
    "reliability": "Reliability: can they depend on you?",
    "intimacy": "Intimacy: would they confide in you?",
    "other_orientation": "Other-orientation: their interests at heart?",
}


def trust_scores(answers: pd.DataFrame, content: RatingForm) -> pd.DataFrame:
    """One row per participant and trait: the mean of that trait's items on the content's scale.

    Columns: participant, trait, label, score. Items a participant left out are ignored.
    """
    rows = []
    for participant, payload in zip(answers["participant"], answers["payload"], strict=True):
        ratings = payload.get("ratings", {})
        for trait in content.traits:
            values = [ratings[i.id] for i in trait.items if isinstance(ratings.get(i.id), int)]
            if values:
                rows.append(
                    {
                        "participant": participant,
                        "trait": trait.id,
                        "label": TRAIT_LABELS[trait.id],
                        "score": sum(values) / len(values),
                    }
                )
    return pd.DataFrame(rows, columns=["participant", "trait", "label", "score"])


def trust_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Cohort aggregates per trait: n, mean, min, max, sorted weakest first."""
    if scores.empty:
        return pd.DataFrame(columns=["trait", "label", "n", "mean", "min", "max"])
    summary = (
        scores.groupby(["trait", "label"], as_index=False)["score"]
        .agg(n="count", mean="mean", min="min", max="max")
        .sort_values(["mean", "trait"])
        .reset_index(drop=True)
    )
    summary["mean"] = summary["mean"].round(2)
    return summary


def situations(answers: pd.DataFrame) -> pd.DataFrame:
    """The client situations the room brought, without names (sorted by text)."""
    texts = sorted(p.get("situation", "") for p in answers["payload"])
    return pd.DataFrame({"situation": [t for t in texts if t]})


def terms_in(text: str, terms: list[str]) -> list[str]:
    """The key terms that appear in `text`: a plain word match, case-insensitive, from the start
    of a word ('discount' finds 'discounts'). No judgement of meaning."""
    found = []
    for term in terms:
        if re.search(r"\b" + re.escape(term.lower()), text.lower()):
            found.append(term)
    return found


STAGE_LABELS = {"before": "Check-in (morning)", "after": "Wrap-up (end of day)"}


def trust_stages(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """`trust_scores` of the check-in and of the wrap-up in one table, with a `stage` column."""
    frames = [frame.assign(stage=STAGE_LABELS[stage]) for stage, frame in
              (("before", before), ("after", after)) if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=["participant", "trait", "label", "score", "stage"])
    return pd.concat(frames, ignore_index=True)


def trust_change(before: pd.DataFrame, after: pd.DataFrame,
                 min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Per trait: how many rated, the mean in the morning and at the end, and the change. A
    mean of fewer than `min_group` people is left out (it would point at them); a take-home
    page passes 1 for its reader's own ratings."""
    rows = []
    for trait, label in TRAIT_LABELS.items():
        b = before[before["trait"] == trait]["score"] if not before.empty else pd.Series()
        a = after[after["trait"] == trait]["score"] if not after.empty else pd.Series()
        if b.empty and a.empty:
            continue
        mean_b = round(float(b.mean()), 2) if len(b) >= max(min_group, 1) else None
        mean_a = round(float(a.mean()), 2) if len(a) >= max(min_group, 1) else None
        rows.append({"trait": trait, "label": label, "n_before": len(b), "mean_before": mean_b,
                     "n_after": len(a), "mean_after": mean_a,
                     "change": (round(mean_a - mean_b, 2)
                                if mean_a is not None and mean_b is not None else None)})
    return pd.DataFrame(rows, columns=["trait", "label", "n_before", "mean_before", "n_after",
                                       "mean_after", "change"])
