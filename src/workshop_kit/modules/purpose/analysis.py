"""The purpose sort's tables: who sorted each statement where, and which the room read the
other way."""

from __future__ import annotations

import pandas as pd

from .content import Content as PurposeContent


def purpose_placements(answers: pd.DataFrame, content: PurposeContent) -> pd.DataFrame:
    """One row per participant and statement they sorted.

    Columns: participant, statement, text, placed, expected, misplaced.
    """
    by_id = {s.id: s for s in content.statements}
    rows = []
    for participant, payload in zip(answers["participant"], answers["payload"], strict=True):
        for statement_id, placed in payload.get("placements", {}).items():
            statement = by_id.get(statement_id)
            if statement is None or placed not in ("closing", "exploring"):
                continue
            rows.append(
                {
                    "participant": participant,
                    "statement": statement_id,
                    "text": statement.text,
                    "placed": placed,
                    "expected": statement.thinking,
                    "misplaced": placed != statement.thinking,
                }
            )
    columns = ["participant", "statement", "text", "placed", "expected", "misplaced"]
    return pd.DataFrame(rows, columns=columns)


def purpose_results(placements: pd.DataFrame, content: PurposeContent) -> pd.DataFrame:
    """Per statement and category: how many participants put it there (for a stacked bar).

    Columns: statement, text, expected, placed, category, count.
    """
    columns = ["statement", "text", "expected", "placed", "category", "count"]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    counts = (
        placements.groupby(["statement", "text", "expected", "placed"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
    )
    counts["category"] = counts["placed"].map(content.categories)
    return counts[columns]


def misplaced_statements(placements: pd.DataFrame, content: PurposeContent) -> pd.DataFrame:
    """Statements ranked by how often they were sorted against the kit's reading.

    Columns: statement, text, expected, misplaced, sorted, share, why.
    """
    columns = ["statement", "text", "expected", "misplaced", "sorted", "share", "why"]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    why = {s.id: s.why for s in content.statements}
    table = placements.groupby(["statement", "text", "expected"], as_index=False).agg(
        misplaced=("misplaced", "sum"), sorted=("misplaced", "size")
    )
    table["misplaced"] = table["misplaced"].astype(int)
    table["share"] = (table["misplaced"] / table["sorted"]).round(2)
    table["expected"] = table["expected"].map(content.categories)
    table["why"] = table["statement"].map(why)
    table = table.sort_values(["share", "statement"], ascending=[False, True])
    return table[columns].reset_index(drop=True)


def participant_mindset(placements: pd.DataFrame) -> pd.DataFrame:
    """Per participant: how many statements they sorted as the kit reads them."""
    if placements.empty:
        return pd.DataFrame(columns=["participant", "agreed", "sorted"])
    return (
        placements.assign(agreed=~placements["misplaced"])
        .groupby("participant", as_index=False)
        .agg(agreed=("agreed", "sum"), sorted=("agreed", "size"))
    )
