"""The role-play's tables: each seller's path to an ending, the observers' sheets, the buyers'
reflections, and what the rounds add up to."""

from __future__ import annotations

import pandas as pd

from .content import OUTCOMES, Script
from .content import Content as RoleplayContent

PATH_COLUMNS = ["seller", "group", "round", "script", "title", "practice_area", "path",
                "choices", "pitching", "ending", "outcome", "outcome_label", "debrief"]


def _round_of(exercise: str, prefix: str) -> int | None:
    if not exercise.startswith(prefix):
        return None
    tail = exercise[len(prefix):]
    return int(tail) if tail.isdigit() else None


def roleplay_paths(answers: pd.DataFrame, content: RoleplayContent,
                   scripts: dict[str, Script]) -> pd.DataFrame:
    """One row per seller's path (a round played to its ending).

    Columns: seller, group, round, script, title, practice_area, path (the choices taken, joined
    by ' → '), choices (how many), pitching (how many choices pitched or dropped names),
    ending, outcome, outcome_label, debrief.
    """
    rows = []
    prefix = f"{content.exercise}_path_r"
    for participant, exercise, payload in zip(answers["participant"], answers["exercise"],
                                              answers["payload"], strict=True):
        round_no = _round_of(exercise, prefix)
        script = scripts.get(payload.get("script", ""))
        if round_no is None or script is None or not payload.get("ending"):
            continue
        try:
            ending = script.node(payload["ending"])
        except KeyError:
            continue
        if ending.ending is None:
            continue
        steps = payload.get("steps", [])
        shown = []
        for step in steps:
            try:
                node = script.node(step.get("node", ""))
            except KeyError:
                continue
            shown += [c.shows for c in node.choices if c.id == step.get("choice")]
        rows.append({
            "seller": participant,
            "group": payload.get("group", ""),
            "round": round_no,
            "script": script.id,
            "title": script.title,
            "practice_area": payload.get("practice_area", ""),
            "path": " → ".join(step.get("choice", "?") for step in steps),
            "choices": len(steps),
            "pitching": sum(1 for kinds in shown
                            if {"pitching", "name_dropping"} & set(kinds)),
            "ending": ending.id,
            "outcome": ending.ending.outcome,
            "outcome_label": content.outcomes[ending.ending.outcome],
            "debrief": script.render(ending.ending.debrief, payload.get("practice_area", "")),
        })
    return pd.DataFrame(rows, columns=PATH_COLUMNS)


def buyer_reflections(answers: pd.DataFrame, content: RoleplayContent,
                      scripts: dict[str, Script]) -> pd.DataFrame:
    """The buyers' reflections, without names: one row each, in round and script order.

    Columns: round, title, then one column per reflection field (its label)."""
    fields = content.buyer_reflection.fields
    columns = ["round", "title", *[f.label for f in fields]]
    prefix = f"{content.exercise}_reflection_r"
    rows = []
    for exercise, payload in zip(answers["exercise"], answers["payload"], strict=True):
        if _round_of(exercise, prefix) is None:
            continue
        script = scripts.get(payload.get("script", ""))
        rows.append({"round": payload.get("round"),
                     "title": script.title if script else payload.get("script", ""),
                     **{f.label: payload.get(f.id, "") for f in fields}})
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["round", "title"], kind="stable").reset_index(drop=True)


def roleplay_observations(answers: pd.DataFrame, content: RoleplayContent) -> pd.DataFrame:
    """One row per observer's sheet.

    Columns: observer, group, round, script, seller_seconds, buyer_seconds, silence_seconds,
    seller_share, note, then one True/False column per checklist item id.
    """
    items = [item.id for item in content.checklist]
    columns = ["observer", "group", "round", "script", "seller_seconds", "buyer_seconds",
               "silence_seconds", "seller_share", "note", *items]
    rows = []
    prefix = f"{content.exercise}_observation_r"
    for participant, exercise, payload in zip(answers["participant"], answers["exercise"],
                                              answers["payload"], strict=True):
        round_no = _round_of(exercise, prefix)
        if round_no is None or payload.get("seller_share") is None:
            continue
        seconds = payload.get("seconds", {})
        ticks = payload.get("checklist", {})
        rows.append({
            "observer": participant,
            "group": payload.get("group", ""),
            "round": round_no,
            "script": payload.get("script", ""),
            "seller_seconds": float(seconds.get("seller", 0.0)),
            "buyer_seconds": float(seconds.get("buyer", 0.0)),
            "silence_seconds": float(seconds.get("silence", 0.0)),
            "seller_share": float(payload["seller_share"]),
            "note": payload.get("note", ""),
            **{item: bool(ticks.get(item, False)) for item in items},
        })
    return pd.DataFrame(rows, columns=columns)


def roleplay_rounds(paths: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Each seller's round with what the observers timed (the mean if there were two).

    Columns: seller, group, round, title, outcome, outcome_label, pitching, seller_share,
    observers. seller_share is missing where nobody observed (a pair the facilitator watched).
    """
    columns = ["seller", "group", "round", "title", "outcome", "outcome_label", "pitching",
               "seller_share", "observers"]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    timed = (observations.groupby(["group", "round"], as_index=False)
             .agg(seller_share=("seller_share", "mean"), observers=("observer", "size")))
    rounds = paths.merge(timed, on=["group", "round"], how="left")
    rounds["observers"] = rounds["observers"].fillna(0).astype(int)
    rounds["seller_share"] = rounds["seller_share"].round(3)
    return rounds[columns].sort_values(["round", "group"]).reset_index(drop=True)


def common_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """The paths the cohort took through each script, most taken first.

    Columns: title, path, outcome_label, sellers.
    """
    columns = ["title", "path", "outcome_label", "sellers"]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    table = (paths.groupby(["title", "path", "outcome_label"], as_index=False)
             .size().rename(columns={"size": "sellers"}))
    table = table.sort_values(["title", "sellers", "path"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)


def talk_share_by_outcome(rounds: pd.DataFrame, content: RoleplayContent) -> pd.DataFrame:
    """Per outcome (in the kit's order): rounds, timed rounds and the seller's talk share.

    Columns: outcome_label, rounds, timed, mean_share, min_share, max_share.
    """
    columns = ["outcome_label", "rounds", "timed", "mean_share", "min_share", "max_share"]
    if rounds.empty:
        return pd.DataFrame(columns=columns)
    table = rounds.groupby("outcome", as_index=False).agg(
        rounds=("seller", "size"), timed=("seller_share", "count"),
        mean_share=("seller_share", "mean"), min_share=("seller_share", "min"),
        max_share=("seller_share", "max"))
    table["order"] = table["outcome"].map(OUTCOMES.index)
    table["outcome_label"] = table["outcome"].map(content.outcomes)
    for col in ("mean_share", "min_share", "max_share"):
        table[col] = table[col].round(2)
    return table.sort_values("order")[columns].reset_index(drop=True)


def checklist_results(observations: pd.DataFrame, content: RoleplayContent) -> pd.DataFrame:
    """Per checklist item: how many observers ticked it, out of how many sheets.

    Columns: item, text, ticked, observed, share.
    """
    rows = []
    for item in content.checklist:
        ticked = int(observations[item.id].sum()) if not observations.empty else 0
        observed = len(observations)
        rows.append({"item": item.id, "text": item.text, "ticked": ticked,
                     "observed": observed,
                     "share": round(ticked / observed, 2) if observed else 0.0})
    return pd.DataFrame(rows, columns=["item", "text", "ticked", "observed", "share"])


def common_endings(paths: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The endings reached most often, with the point to debrief.

    Columns: title, ending, outcome_label, sellers, debrief.
    """
    columns = ["title", "ending", "outcome_label", "sellers", "debrief"]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    table = (paths.groupby(["title", "ending", "outcome_label"], as_index=False)
             .agg(sellers=("seller", "size"), debrief=("debrief", "first")))
    table = table.sort_values(["sellers", "title", "ending"], ascending=[False, True, True])
    return table[columns].head(top).reset_index(drop=True)
