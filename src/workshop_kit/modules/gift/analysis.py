"""The risky gift's table: the gallery of gift plans, without names."""

from __future__ import annotations

import hashlib

import pandas as pd

from .content import Content as GiftContent


def gift_gallery(answers: pd.DataFrame, content: GiftContent) -> pd.DataFrame:
    """One row per gift plan (a column per plan field, by label) with how many partner
    feedbacks it received; without names, in a stable order that does not follow the roster."""
    plans = answers[answers["exercise"] == content.plan_exercise]
    received: dict[str, int] = {}
    prefix = f"{content.exercise}_feedback:"
    for exercise in answers["exercise"]:
        if exercise.startswith(prefix):
            who = exercise[len(prefix):]
            received[who] = received.get(who, 0) + 1
    rows = []
    for participant, payload in sorted(
            zip(plans["participant"], plans["payload"], strict=True),
            key=lambda pair: hashlib.sha256(pair[0].encode()).hexdigest()):
        row = {f.label: payload.get(f.id, "") for f in content.plan}
        row["feedback received"] = received.get(participant, 0)
        rows.append(row)
    columns = [f.label for f in content.plan] + ["feedback received"]
    return pd.DataFrame(rows, columns=columns)
