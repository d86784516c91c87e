"""The wrap-up's tables: the room's commitments (the trust profile before and after is the
rating form's, in `workshop_kit.analysis`)."""

from __future__ import annotations

import pandas as pd


def commitments(answers: pd.DataFrame, exercise: str) -> pd.DataFrame:
    """Every commitment in the answers given (text and due date), sorted by date; no names."""
    rows = [{"commitment": item.get("text", ""), "due": item.get("due")}
            for ex, payload in zip(answers["exercise"], answers["payload"], strict=True)
            if ex == exercise for item in payload.get("commitments", [])
            if isinstance(item, dict) and item.get("text")]
    frame = pd.DataFrame(rows, columns=["commitment", "due"])
    return frame.sort_values(["due", "commitment"]).reset_index(drop=True)
