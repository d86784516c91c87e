"""The problem-definition drill's tables: which revealed facts a definition draws on, the
definitions with their votes, and what each question yielded."""

from __future__ import annotations

import pandas as pd

from workshop_kit.analysis import terms_in

from .content import Case
from .content import Content as DrillContent


def fact_matches(case: Case, asked: list[str], definition: str) -> list[dict]:
    """For each fact the asked questions revealed: whether the definition mentions it (which key
    words were found) and whether an expert definition draws on it. No score."""
    expert = set(case.expert_facts)
    return [{"fact": f.id, "text": f.text, "matched": terms_in(definition, f.key_terms),
             "used": bool(terms_in(definition, f.key_terms)), "expert": f.id in expert}
            for f in case.revealed(asked)]


DEFINITION_COLUMNS = ["participant", "case", "title", "key", "definition", "asked",
                      "facts_used", "expert_used", "votes"]


def drill_definitions(answers: pd.DataFrame, drill: DrillContent, cases: dict[str, Case],
                      keys: dict[str, str]) -> pd.DataFrame:
    """One row per submitted definition: its case, anonymous key, the revealed facts it
    mentions (word match), and the votes it received (each voter's latest vote counts).

    `keys` maps '<case>:<participant>' to the definition's anonymous key (the store side
    derives them: `FacilitatorStore.definition_keys`)."""
    defs = answers[answers["exercise"] == drill.definition_exercise]
    votes = answers[answers["exercise"] == drill.vote_exercise]
    tally: dict[str, int] = {}
    for payload in votes["payload"]:
        key = payload.get("key")
        if isinstance(key, str):
            tally[key] = tally.get(key, 0) + 1
    rows = []
    for participant, payload in zip(defs["participant"], defs["payload"], strict=True):
        case = cases.get(payload.get("case", ""))
        if case is None:
            continue
        key = keys.get(f"{case.id}:{participant}", "")
        matches = fact_matches(case, payload.get("asked", []), payload.get("definition", ""))
        rows.append({
            "participant": participant, "case": case.id, "title": case.title, "key": key,
            "definition": payload.get("definition", ""), "asked": len(payload.get("asked", [])),
            "facts_used": sum(m["used"] for m in matches),
            "expert_used": sum(m["used"] and m["expert"] for m in matches),
            "votes": tally.get(key, 0)})
    frame = pd.DataFrame(rows, columns=DEFINITION_COLUMNS)
    return frame.sort_values(["case", "votes", "key"], ascending=[True, False, True]
                             ).reset_index(drop=True)


def question_yield(answers: pd.DataFrame, drill: DrillContent,
                   cases: dict[str, Case]) -> pd.DataFrame:
    """Per case and question: how many asked it, how many facts it reveals (expert ones among
    them), and how many definitions of those who asked mention what it revealed."""
    asked_by: dict[tuple[str, str], list[str]] = {}
    definitions: dict[str, str] = {}
    for participant, exercise, payload in zip(answers["participant"], answers["exercise"],
                                              answers["payload"], strict=True):
        if exercise == drill.definition_exercise:
            definitions[participant] = payload.get("definition", "")
        if exercise in (drill.questions_exercise, drill.definition_exercise):
            for q in payload.get("asked", []):
                people = asked_by.setdefault((payload.get("case", ""), q), [])
                if participant not in people:
                    people.append(participant)
    rows = []
    for case in cases.values():
        expert = set(case.expert_facts)
        for q in case.questions:
            people = asked_by.get((case.id, q.id), [])
            used = sum(1 for p in people if any(
                terms_in(definitions.get(p, ""), case.fact(f).key_terms) for f in q.reveals))
            rows.append({"case": case.id, "title": case.title, "question": q.ask,
                         "minutes": q.minutes, "asked": len(people), "reveals": len(q.reveals),
                         "expert_facts": len(expert & set(q.reveals)),
                         "used_in_definition": used})
    frame = pd.DataFrame(rows, columns=["case", "title", "question", "minutes", "asked",
                                        "reveals", "expert_facts", "used_in_definition"])
    return frame.sort_values(["case", "expert_facts", "asked"], ascending=[True, False, False]
                             ).reset_index(drop=True)
