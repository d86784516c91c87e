"""Turn stored answers (a module's DataFrame from the store) into tidy tables for charts.

Pure functions: DataFrame + content in, DataFrame out. No IO, no display.
"""

from __future__ import annotations

import re

import pandas as pd

from .modules.checkin.content import Content as CheckinContent
from .modules.drill.content import Case
from .modules.drill.content import Content as DrillContent
from .modules.gift.content import Content as GiftContent
from .modules.purpose.content import Content as PurposeContent
from .modules.roleplay.content import OUTCOMES, Script
from .modules.roleplay.content import Content as RoleplayContent

# The smallest group any figure of the room may stand for: fewer would point at people. The
# service (access), the charts and the tables all use this one.
MIN_GROUP = 3

TRAIT_LABELS = {
    "credibility": "Credibility: can they believe you?",
    "reliability": "Reliability: can they depend on you?",
    "intimacy": "Intimacy: would they confide in you?",
    "other_orientation": "Other-orientation: their interests at heart?",
}


def trust_scores(answers: pd.DataFrame, content: CheckinContent) -> pd.DataFrame:
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


# ---------------------------------------------------------------------------------------------
# Role-play

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


# ---------------------------------------------------------------------------------------------
# The dilemma: live rounds, the cohort's strategies, tournaments and evolution


def live_moves(moves: list, games: list) -> pd.DataFrame:
    """Every played round of the live games, one row per participant and round.

    `moves` are store Answers for exercises ``move:<game>:<round>``; `games` the LiveGame plans.
    The kit's bot (odd cohorts) is filled in with its Tit For Tat answers. A round counts once
    both players have moved. Columns: game, condition, round, participant, partner, move,
    partner_move, points.
    """
    from .game.live import BOT, bot_move, outcome

    by_key = {}
    for answer in moves:
        _, game_id, round_no = answer.exercise.split(":")
        by_key[(game_id, int(round_no), answer.participant)] = answer.payload.get("move")
    rows = []
    for game in games:
        against_bot: dict[str, str] = {}
        for r in range(1, game.rounds + 1):
            for a, b in game.pairings[r - 1]:
                seat = {}
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        seat[me] = bot_move(against_bot.get(them, ""))
                    else:
                        seat[me] = by_key.get((game.game_id, r, me))
                if None in seat.values():
                    continue
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        against_bot[them] = against_bot.get(them, "") + seat[them]
                        continue
                    points, _ = outcome(seat[me], seat[them], game.payoffs)
                    rows.append({"game": game.game_id, "condition": game.condition, "round": r,
                                 "participant": me, "partner": them, "move": seat[me],
                                 "partner_move": seat[them], "points": points})
    columns = ["game", "condition", "round", "participant", "partner", "move", "partner_move",
               "points"]
    return pd.DataFrame(rows, columns=columns)


def cooperation_by_condition(live: pd.DataFrame) -> pd.DataFrame:
    """Share of 'share' moves per condition and round (condition, round, cooperation, moves)."""
    if live.empty:
        return pd.DataFrame(columns=["condition", "round", "cooperation", "moves"])
    table = live.assign(cooperated=live["move"].eq("C")).groupby(
        ["condition", "round"], as_index=False
    ).agg(cooperation=("cooperated", "mean"), moves=("cooperated", "size"))
    return table


def condition_summary(live: pd.DataFrame, conditions: dict[str, str]) -> pd.DataFrame:
    """Per condition: rounds played, how often people shared, average points per round."""
    if live.empty:
        return pd.DataFrame(columns=["condition", "rounds", "cooperation", "points_per_round"])
    table = live.assign(cooperated=live["move"].eq("C")).groupby("condition").agg(
        rounds=("round", "max"), cooperation=("cooperated", "mean"),
        points_per_round=("points", "mean"))
    order = [c for c in conditions if c in table.index]
    table = table.loc[order].reset_index()
    table["cooperation"] = table["cooperation"].round(2)
    table["points_per_round"] = table["points_per_round"].round(2)
    return table


def cohort_strategies(answers: pd.DataFrame, names: dict[str, str] | None = None
                      ) -> tuple[list, list[str]]:
    """The participants' built strategies, with names made unique, and the problems found.

    `answers` are the store's latest answers to the 'strategy' exercise. A payload that no
    longer validates is left out and reported (participant and reason), never guessed at;
    the participant by their display name where `names` has one.
    """
    from dataclasses import replace

    from .errors import ParameterError
    from .game import BuiltStrategy

    strategies, problems, seen = [], [], set()
    for participant, payload in zip(answers["participant"], answers["payload"], strict=True):
        try:
            spec = BuiltStrategy(**payload)
        except (ParameterError, TypeError) as exc:
            problems.append(f"{(names or {}).get(participant, participant)}: {exc}")
            continue
        name, n = spec.name, 2
        while name in seen:
            name = f"{spec.name} ({n})"
            n += 1
        seen.add(name)
        strategies.append(replace(spec, name=name))
    return strategies, problems


def leaderboard(result, cohort_names: list[str]) -> pd.DataFrame:
    """The tournament's ranking with who entered each player: 'cohort' or 'classic'."""
    board = result.ranking
    board.insert(2, "entry", ["cohort" if p in cohort_names else "classic"
                              for p in board["player"]])
    return board


STAGES = ("whole field", "after evolution")


def by_game_length(players: list, lengths: list[int], repetitions: int, noise: float,
                   payoffs: str, seed: int, generations: int = 60) -> pd.DataFrame:
    """The same players in games of different lengths, before and after evolution.

    For each length: a tournament, then replicator dynamics over its payoff matrix. 'whole
    field' weighs every strategy equally; 'after evolution' weighs them by their share after
    `generations` generations, so it shows what the winners of that game length do.
    Columns: turns, stage, cooperation (each strategy's share of cooperative moves across the
    field, weighted by its population share), points_per_round (expected payoff per round of
    the population against itself).
    """
    from .game import play_tournament, replicator_dynamics

    rows = []
    for turns in lengths:
        result = play_tournament(players, turns=turns, repetitions=repetitions, noise=noise,
                                 payoffs=payoffs, seed=seed)
        shares = replicator_dynamics(result, generations=generations)
        names = list(shares.columns)
        cooperation = result.cooperation_rate.loc[names].to_numpy()
        matrix = result.payoff_matrix.loc[names, names].to_numpy()
        for stage, x in zip(STAGES, (shares.iloc[0].to_numpy(), shares.iloc[-1].to_numpy()),
                            strict=True):
            rows.append({"turns": turns, "stage": stage,
                         "cooperation": float(x @ cooperation),
                         "points_per_round": float(x @ matrix @ x)})
    return pd.DataFrame(rows, columns=["turns", "stage", "cooperation", "points_per_round"])


def evolution(result, generations: int = 60) -> pd.DataFrame:
    """Replicator dynamics from the tournament: each strategy's share per generation (long)."""
    from .game import replicator_dynamics

    shares = replicator_dynamics(result, generations=generations)
    return shares.reset_index().melt(id_vars="generation", var_name="strategy",
                                     value_name="share")


# ---------------------------------------------------------------------------------------------
# Problem-definition drill


def terms_in(text: str, terms: list[str]) -> list[str]:
    """The key terms that appear in `text`: a plain word match, case-insensitive, from the start
    of a word ('discount' finds 'discounts'). No judgement of meaning."""
    found = []
    for term in terms:
        if re.search(r"\b" + re.escape(term.lower()), text.lower()):
            found.append(term)
    return found


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


# ---------------------------------------------------------------------------------------------
# Wrap-up: the trust profile before and after, commitments

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


def commitments(answers: pd.DataFrame, exercise: str) -> pd.DataFrame:
    """Every commitment in the answers given (text and due date), sorted by date; no names."""
    rows = [{"commitment": item.get("text", ""), "due": item.get("due")}
            for ex, payload in zip(answers["exercise"], answers["payload"], strict=True)
            if ex == exercise for item in payload.get("commitments", [])
            if isinstance(item, dict) and item.get("text")]
    frame = pd.DataFrame(rows, columns=["commitment", "due"])
    return frame.sort_values(["due", "commitment"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Risky gift


def gift_gallery(answers: pd.DataFrame, content: GiftContent) -> pd.DataFrame:
    """One row per gift plan (a column per plan field, by label) with how many partner
    feedbacks it received; without names, in a stable order that does not follow the roster."""
    import hashlib

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
