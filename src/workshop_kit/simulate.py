"""Plausible answers for every participant of a cohort, reproducible from a seed.

Used by `workshop-kit demo` and `run --simulate` to rehearse the day or to show the facilitator's
views before a real cohort arrives. Simulated answers are stored with source='simulated' and
never replace an answer that is already there.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .access import DRILL_KEY, OPT_IN
from .analysis import fact_matches
from .content import Content, Participant, Simulation
from .modules import part as module_part
from .modules.checkin.content import Content as CheckinContent
from .modules.dilemma.content import Content as DilemmaContent
from .modules.drill.content import Case, drill_vote_cases
from .modules.drill.content import Content as DrillContent
from .modules.gift.content import Content as GiftContent
from .modules.purpose.content import Content as PurposeContent
from .modules.roleplay.content import Content as RoleplayContent
from .modules.roleplay.content import Script
from .modules.wrapup.content import Content as WrapupContent
from .rotation import Group, RoleplayGroups, make_pairings, make_roleplay_groups
from .store import FACILITATOR, Store

# Self-ratings of professionals lean high on credibility and reliability, lower on intimacy.
TRAIT_LEAN = {"credibility": 0.3, "reliability": 0.4, "intimacy": -0.5, "other_orientation": -0.2}


def _checkin(rng: random.Random, person: Participant, content: CheckinContent,
             sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    scale = content.scale
    ratings = {}
    for trait_id, item in content.items():
        raw = traits["baseline"] + TRAIT_LEAN[trait_id] + rng.gauss(0, 0.7)
        ratings[item.id] = max(scale.min, min(scale.max, round(raw)))
    options = sim.situations.get(person.practice_area) or [
        s for options in sim.situations.values() for s in options
    ]
    # Most people share their situation with the facilitator; drawn apart from the main
    # sequence so that older seeds still give the same ratings and situations.
    share = random.Random(f"{person.id}:share").random() < 0.7
    return {"ratings": ratings, "situation": rng.choice(options), OPT_IN: share}


def _purpose(rng: random.Random, person: Participant, content: PurposeContent,
             sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    placements = {}
    for statement in content.statements:
        pull = sim.misplace_pull.get(statement.id, 0.2)
        chance = min(0.95, pull * (1.4 - traits["exploring"]))
        other = "exploring" if statement.thinking == "closing" else "closing"
        placements[statement.id] = other if rng.random() < chance else statement.thinking
    return {"placements": placements}


# ---------------------------------------------------------------------------------------------
# Role-play: sellers walk the script leaning towards the client or towards their pitch; the
# observers of that round time a conversation whose talk share follows the pitching.

TOWARD_CLIENT = {"other_focus": 1.0, "listening": 1.0, "samples": 1.0, "pitching": -1.0,
                 "name_dropping": -1.0}


@dataclass(frozen=True)
class SimContext:
    """What a simulator may need beyond one person: the seed, the cohort, the groups."""

    seed: int
    content: Content
    sim: Simulation
    people: dict[str, Participant]
    traits: dict[str, dict[str, float]]
    groups: RoleplayGroups
    cohort_id: str = ""
    cohort_date: str = ""
    gift_groups: tuple[tuple[str, ...], ...] = ()
    drill_key: bytes = b""  # the store's key for anonymous drill keys (`Store.cohort_key`)


def _walk(script: Script, rng: random.Random, lean: float) -> list[dict[str, Any]]:
    """A path from the start to an ending; `lean` (about -1..2) pulls towards client-focused
    choices."""
    steps = []
    node = script.node(script.start)
    while not node.is_ending:
        weights = [math.exp(lean * sum(TOWARD_CLIENT[k] for k in c.shows) / len(c.shows))
                   for c in node.choices]
        choice = rng.choices(node.choices, weights=weights)[0]
        steps.append({"node": node.id, "choice": choice.id, "to": choice.to})
        node = script.node(choice.to)
    return steps


def _seller_path(ctx: SimContext, seller: str, round_no: int) -> tuple[Script, list[dict], str]:
    group = ctx.groups.group_of(seller)
    roleplay = ctx.content.roleplay
    script = ctx.content.scripts[roleplay.script_for(round_no, group.index)]
    rng = random.Random(f"{ctx.seed}:{seller}:roleplay:path:{round_no}")
    lean = 3.0 * ctx.traits[seller]["exploring"] - 0.6 + rng.gauss(0, 0.4)
    steps = _walk(script, rng, lean)
    return script, steps, steps[-1]["to"]


def _segments(rng: random.Random, share: float, turns: int) -> list[list[Any]]:
    """Alternating buyer/seller turns (the buyer opens) with short silences, summing to `share`."""
    talk = rng.uniform(300, 480)
    seller_parts = [rng.uniform(0.5, 1.5) for _ in range(turns)]
    buyer_parts = [rng.uniform(0.5, 1.5) for _ in range(turns)]
    seller_scale = share * talk / sum(seller_parts)
    buyer_scale = (1 - share) * talk / sum(buyer_parts)
    segments, now = [], 0.0
    for b, s in zip(buyer_parts, seller_parts, strict=True):
        for who, length in (("buyer", b * buyer_scale), ("seller", s * seller_scale)):
            segments.append([who, round(now, 1), round(now + length, 1)])
            now += length
            if rng.random() < 0.3:
                pause = rng.uniform(1, 6)
                segments.append(["silence", round(now, 1), round(now + pause, 1)])
                now += pause
    return segments


def _observation(ctx: SimContext, rng: random.Random, round_no: int, group: Group,
                 content: RoleplayContent) -> dict[str, Any]:
    seller = group.seller(round_no)
    script, steps, ending = _seller_path(ctx, seller, round_no)
    shows = [k for step in steps for c in script.node(step["node"]).choices
             if c.id == step["choice"] for k in c.shows]
    pitched = sum(1 for k in shows if TOWARD_CLIENT[k] < 0)
    target = 0.32 + 0.09 * pitched - 0.02 * (len(shows) - pitched) + rng.gauss(0, 0.05)
    segments = _segments(rng, min(0.88, max(0.15, target)), len(steps) + 1)
    totals = {"seller": 0.0, "buyer": 0.0, "silence": 0.0}
    for who, start, end in segments:
        totals[who] = round(totals[who] + end - start, 1)
    first = script.node(steps[0]["node"]).choices
    first_shows = next(c.shows for c in first if c.id == steps[0]["choice"])
    seen = {
        "turned_back": "other_focus" in first_shows or "listening" in first_shows,
        "asked_situation": "listening" in shows,
        "offered_sample": "samples" in shows,
        "listened": "listening" in shows and pitched <= 1,
    }
    checklist = {item.id: (seen.get(item.id, False) != (rng.random() < 0.1))
                 for item in content.checklist}
    good = script.node(ending).ending.outcome in ("agreed", "referred")
    notes = ctx.sim.observer_notes.get("good" if good else "poor", [])
    return {
        "round": round_no, "group": group.id, "script": script.id, "segments": segments,
        "seconds": totals,
        "seller_share": round(totals["seller"] / (totals["seller"] + totals["buyer"]), 3),
        "checklist": checklist, "note": rng.choice(notes) if notes else "",
    }


def _roleplay(ctx: SimContext, rng: random.Random, person: Participant,
              content: RoleplayContent) -> list[tuple[str, dict[str, Any], float]]:
    group = ctx.groups.group_of(person.id)
    answers = []
    for round_no, role in enumerate(group.roles_of(person.id), start=1):
        minutes = 12 * round_no + rng.uniform(0, 4)
        if role == "seller":
            script, steps, ending = _seller_path(ctx, person.id, round_no)
            answers.append((content.path_exercise(round_no), {
                "round": round_no, "group": group.id, "script": script.id,
                "practice_area": person.practice_area, "steps": steps, "ending": ending,
                "outcome": script.node(ending).ending.outcome,
            }, minutes))
        elif role == "observer":
            answers.append((content.observation_exercise(round_no),
                            _observation(ctx, rng, round_no, group, content), minutes + 1))
        elif role == "buyer":
            reflection = _reflection(ctx, rng, round_no, group, content)
            if reflection is not None:
                answers.append((content.reflection_exercise(round_no), reflection, minutes + 1))
    return answers


def _reflection(ctx: SimContext, rng: random.Random, round_no: int, group: Group,
                content: RoleplayContent) -> dict[str, Any] | None:
    """The buyer's reflection: warm after a round that went well, cool after one that did
    not; None when simulation.yaml has no text for every field of the content's form."""
    script, _steps, ending = _seller_path(ctx, group.seller(round_no), round_no)
    good = script.node(ending).ending.outcome in ("agreed", "referred")
    fields = [f.id for f in content.buyer_reflection.fields]
    options = [o for o in ctx.sim.buyer_reflections.get("good" if good else "poor", [])
               if all(o.get(f) for f in fields)]
    if not options:
        return None
    chosen = rng.choice(options)
    return {"round": round_no, "group": group.id, "script": script.id,
            **{f: chosen[f] for f in fields}}


def _single(make: Callable[..., dict[str, Any]]) -> Callable[..., list]:
    """Adapt a one-exercise simulator: its answer lands 8-25 minutes into the module."""
    def simulate_one(ctx: SimContext, rng: random.Random, person: Participant,
                     content: Any) -> list[tuple[str, dict[str, Any], float]]:
        payload = make(rng, person, content, ctx.sim, ctx.traits[person.id])
        return [(content.exercise, payload, rng.uniform(8, 25))]
    return simulate_one


def _strategy(rng: random.Random, person: Participant, content: DilemmaContent,
              sim: Simulation, traits: dict[str, float]) -> dict[str, Any]:
    """A strategy a participant might build: people who explore more tend to open by sharing
    and to forgive."""
    from .game import BuiltStrategy

    explorer = traits["exploring"]
    retaliation = rng.choices(["none", "once", "k", "forever"],
                              weights=[0.5 + explorer, 3, 1.5, 1.5 - explorer])[0]
    spec = BuiltStrategy(
        name=f"{rng.choice(NAME_WORDS[0])} {rng.choice(NAME_WORDS[1])}",
        first_move="C" if rng.random() < 0.6 + 0.35 * explorer else "D",
        retaliation=retaliation,
        retaliate_k=rng.randint(2, 4),
        forgive_after=rng.choice([None, 2, 3]) if retaliation == "forever" else None,
        generosity=round(rng.choice([0, 0, 0.1, 0.2, 0.33]) * explorer, 2),
        probe=rng.random() < 0.15,
        randomness=rng.choice([0, 0, 0, 0.05, 0.1]),
    )
    return {field: getattr(spec, field) for field in (
        "name", "first_move", "retaliation", "retaliate_k", "forgive_after", "generosity",
        "probe", "randomness")}


# ---------------------------------------------------------------------------------------------
# Problem-definition drill: explorers favour questions that reveal more, and weave more of what
# they learnt into the definition; others restate the client's words.


def _drill_work(ctx: SimContext, person: Participant) -> tuple[Case, list[str], str]:
    """The case, the questions asked (within the budget) and the definition of one person."""
    case = ctx.content.case_for(person.practice_area)
    rng = random.Random(f"{ctx.seed}:{person.id}:drill:work")
    explorer = ctx.traits[person.id]["exploring"]
    asked: list[str] = []
    left = case.budget_minutes
    while True:
        options = [q for q in case.questions if q.id not in asked and q.minutes <= left]
        if not options:
            break
        weights = [0.3 + explorer * 2 * len(q.reveals) / q.minutes * 5 for q in options]
        question = rng.choices(options, weights=weights)[0]
        asked.append(question.id)
        left -= question.minutes
        if rng.random() < 0.15 * (1 - explorer):
            break  # stops asking early, keen to get to the answer
    facts = case.revealed(asked)
    kept = [f for f in facts if rng.random() < 0.35 + 0.6 * explorer]
    surface = ctx.sim.surface_readings.get(case.id) or [case.stated_problem]
    parts = [] if kept and rng.random() < explorer else [rng.choice(surface)]
    parts += [f.text for f in kept]
    if len(" ".join(parts)) < ctx.content.drill.definition.min_chars:
        parts.append(rng.choice(surface))
    return case, asked, " ".join(parts)


def _drill(ctx: SimContext, rng: random.Random, person: Participant,
           content: DrillContent) -> list[tuple[str, dict[str, Any], float]]:
    from .access import definition_key

    case, asked, definition = _drill_work(ctx, person)
    answers = [(content.questions_exercise, {"case": case.id, "asked": asked},
                8 + 2 * len(asked) + rng.uniform(0, 3)),
               (content.definition_exercise,
                {"case": case.id, "asked": asked, "definition": definition},
                22 + rng.uniform(0, 6))]
    # Vote for the peer definition that draws most on the expert's facts: of the same case,
    # or, alone on it, of the case build has them vote on instead (the default case, …).
    areas = {p.id: p.practice_area for p in ctx.people.values()}
    voting = ctx.content.cases[drill_vote_cases(ctx.content, areas)[0].get(person.id, case.id)]
    peers = [p for p in ctx.people.values()
             if p.id != person.id and ctx.content.case_for(p.practice_area).id == voting.id]
    if peers:
        def merit(peer: Participant) -> float:
            _, peer_asked, text = _drill_work(ctx, peer)
            used = [m for m in fact_matches(voting, peer_asked, text)
                    if m["used"] and m["expert"]]
            return len(used) + rng.uniform(0, 1.5)

        choice = max(sorted(peers, key=lambda p: p.id), key=merit)
        answers.append((content.vote_exercise,
                        {"case": voting.id, "key": definition_key(
                            ctx.drill_key, ctx.cohort_id, voting.id, choice.id)},
                        38 + rng.uniform(0, 6)))
    return answers


# ---------------------------------------------------------------------------------------------
# Risky gift: a plan from the practice area's material, and feedback on each partner's plan


def _gift(ctx: SimContext, rng: random.Random, person: Participant,
          content: GiftContent) -> list[tuple[str, dict[str, Any], float]]:
    options = ctx.sim.gift_plans.get(person.practice_area) or [
        p for plans in ctx.sim.gift_plans.values() for p in plans]
    if not options:
        return []
    chosen = rng.choice(options)
    plan = {f.id: chosen.get(f.id, "") for f in content.plan}
    answers = [(content.plan_exercise, plan, rng.uniform(10, 22))]
    group = next((g for g in ctx.gift_groups if person.id in g), ())
    for partner in sorted(set(group) - {person.id}):
        feedback = {f.id: rng.choice(ctx.sim.gift_feedback.get(f.id) or [f.prompt])
                    for f in content.feedback}
        answers.append((content.feedback_exercise(partner), feedback, rng.uniform(26, 38)))
    return answers


# ---------------------------------------------------------------------------------------------
# Wrap-up: commitments dated within the window, and the morning's ratings slightly moved (a
# day on trust tends to lower the self-rating of intimacy and other-orientation a little for
# some, as people see the gap, and raise it for others).

AFTER_SHIFT = {"credibility": 0.0, "reliability": 0.0, "intimacy": 0.25,
               "other_orientation": 0.2}


def _wrapup(ctx: SimContext, rng: random.Random, person: Participant,
            content: WrapupContent) -> list[tuple[str, dict[str, Any], float]]:
    checkin = ctx.content.checkin
    morning = _checkin(random.Random(f"{ctx.seed}:{person.id}:checkin"), person, checkin,
                       ctx.sim, ctx.traits[person.id])
    scale = checkin.scale
    ratings = {}
    for trait_id, item in checkin.items():
        moved = morning["ratings"][item.id] + rng.gauss(AFTER_SHIFT[trait_id], 0.6)
        ratings[item.id] = max(scale.min, min(scale.max, round(moved)))
    texts = rng.sample(ctx.sim.commitments, k=min(len(ctx.sim.commitments), rng.randint(1, 3))
                       ) if ctx.sim.commitments else []
    first_day = date.fromisoformat(ctx.cohort_date) if ctx.cohort_date else date.today()
    days = content.commitments.within_days
    items = [{"text": t, "due": (first_day + timedelta(days=rng.randint(1, days))).isoformat()}
             for t in texts[:content.commitments.max]]
    share = rng.random() < 0.6
    return [(content.exercise, {"commitments": items, OPT_IN: share}, rng.uniform(5, 12)),
            (content.trust_after.exercise,
             {"ratings": ratings, "situation": "", OPT_IN: share}, rng.uniform(14, 24))]


NAME_WORDS = (
    ["Patient", "Open", "Careful", "Bold", "Steady", "Quiet", "Fair", "Wary", "Generous"],
    ["Partner", "Adviser", "Closer", "Explorer", "Friend", "Guardian", "Trader", "Host"],
)

# Each simulator returns (exercise, payload, minutes into the module) for one participant.
SIMULATORS: dict[str, Callable[..., list[tuple[str, dict[str, Any], float]]]] = {
    "checkin": _single(_checkin),
    "purpose": _single(_purpose),
    "roleplay": _roleplay,
    "dilemma": _single(_strategy),
    "drill": _drill,
    "gift": _gift,
    "wrapup": _wrapup,
}


def _human_move(rng: random.Random, condition: str, round_no: int, explorer: float,
                partner_last: str | None) -> str:
    """A plausible move: strangers and one-shot games pull towards holding back; a known
    partner who shared last round pulls towards sharing."""
    if condition == "one_shot":
        chance = 0.25 + 0.3 * explorer
    elif condition == "strangers":
        chance = 0.45 + 0.2 * explorer - 0.015 * round_no
        if partner_last == "D":
            chance -= 0.15
    else:
        chance = 0.6 + 0.25 * explorer
        if partner_last is not None:
            chance = 0.9 if partner_last == "C" else 0.25
    return "C" if rng.random() < max(0.05, min(0.95, chance)) else "D"


def simulate_live_games(store: Store, cohort_id: str, start: datetime,
                        participants: list[Participant], content: DilemmaContent,
                        traits: dict[str, dict[str, float]], seed: int) -> int:
    """Three live games as a room would play them: one-shot, partners, strangers."""
    from .access import GAME_EXERCISE
    from .game.live import BOT, bot_move, plan_game

    if store.latest_answer(cohort_id, FACILITATOR, "dilemma", GAME_EXERCISE):
        return 0
    ids = [p.id for p in participants]
    written = 0
    when = start
    for number, condition in enumerate(("one_shot", "partners", "strangers"), start=1):
        # A rehearsal wants games of a typical length: redraw a game shorter than 6 rounds
        # or longer than 15 (each draw is still seeded, so the demo is reproducible).
        for attempt in range(50):
            game = plan_game(number, condition, ids, content.default_continue_probability,
                             content.payoffs, seed=seed * 100 + attempt,
                             max_rounds=content.max_rounds)
            if condition == "one_shot" or 6 <= game.rounds <= 15:
                break
        store.submit(cohort_id, FACILITATOR, "dilemma", GAME_EXERCISE, game.to_payload(),
                     submitted_at=when, source="simulated")
        written += 1
        rng = random.Random(f"{seed}:live:{number}")
        last: dict[str, str] = {}  # each player's previous move (what their next partner saw)
        record_vs_bot: dict[str, str] = {}
        for r in range(1, game.rounds + 1):
            when += timedelta(seconds=40)
            moves = {}
            for a, b in game.pairings[r - 1]:
                for me, them in ((a, b), (b, a)):
                    if me == BOT:
                        moves[me] = bot_move(record_vs_bot.get(them, ""))
                        continue
                    seen = last.get(them) if condition == "partners" else (
                        last.get(me + ":partner"))
                    moves[me] = _human_move(rng, condition, r, traits[me]["exploring"], seen)
                for me, them in ((a, b), (b, a)):
                    last[me + ":partner"] = moves[them]
                    if them == BOT:
                        record_vs_bot[me] = record_vs_bot.get(me, "") + moves[me]
            for person, move in moves.items():
                last[person] = move
                if person == BOT:
                    continue
                store.submit(cohort_id, person, "dilemma", f"move:{game.game_id}:{r}",
                             {"move": move}, submitted_at=when, source="simulated")
                written += 1
        when += timedelta(minutes=3)
    return written


def _gift_groups(store: Store, cohort_id: str, content: Content,
                 participants: list[Participant]) -> tuple[tuple[str, ...], ...]:
    """The gift module's pairs as the build published them; else as the build would make them."""
    from .access import GIFT_MODULE, PAIRS_EXERCISE

    ids = [m.id for m in content.agenda.modules]
    if "gift" not in ids or len(participants) < 2:
        return ()
    published = store.latest_answer(cohort_id, FACILITATOR, GIFT_MODULE, PAIRS_EXERCISE)
    if published is not None:
        return tuple(tuple(g) for g in published.payload.get("groups", []))
    pairings = make_pairings([p.id for p in participants], len(ids))
    return tuple(tuple(p for p in g if p != FACILITATOR)
                 for g in pairings.rounds[ids.index("gift")])


def simulate(
    store: Store,
    cohort_id: str,
    cohort_date: str,
    participants: list[Participant],
    content: Content,
    sim: Simulation,
    seed: int = 1,
    modules: list[str] | None = None,
    groups: RoleplayGroups | None = None,
) -> int:
    """Write a simulated answer for every participant and exercise that has none yet.

    `groups` are the cohort's role-play groups (from its build); by default they are dealt
    from the participants in order. Returns how many answers were written. The same seed gives
    the same answers and times.
    """
    wanted = modules or [m.id for m in content.agenda.modules]
    start = datetime.fromisoformat(f"{cohort_date}T{content.agenda.starts_at}").replace(tzinfo=UTC)
    offsets: dict[str, int] = {}
    minutes = 0
    for module in content.agenda.modules:
        offsets[module.id] = minutes
        minutes += module.minutes
    traits = {}
    for person in participants:
        person_rng = random.Random(f"{seed}:{person.id}")
        traits[person.id] = {"baseline": person_rng.uniform(2.6, 4.1),
                             "exploring": person_rng.random()}
    if groups is None and "roleplay" in content.modules and len(participants) >= 2:
        groups = make_roleplay_groups([p.id for p in participants])
    ctx = SimContext(seed, content, sim, {p.id: p for p in participants}, traits,
                     groups or RoleplayGroups([]), cohort_id, cohort_date,
                     _gift_groups(store, cohort_id, content, participants),
                     store.cohort_key(cohort_id, DRILL_KEY) if "drill" in wanted else b"")
    written = 0
    for person in participants:
        for module_id in wanted:
            make = SIMULATORS.get(module_id)
            if make is None:
                continue
            rng = random.Random(f"{seed}:{person.id}:{module_id}")
            for exercise, payload, at in make(ctx, rng, person, content.modules[module_id]):
                if store.latest_answer(cohort_id, person.id, module_id, exercise) is not None:
                    continue
                when = start + timedelta(minutes=offsets[module_id] + at)
                store.submit(cohort_id, person.id, module_id, exercise, payload,
                             submitted_at=when, source="simulated")
                written += 1
    # a module type with a simulate part of its own (the library's modules): its answers
    # for the whole cohort, (participant, exercise, payload, minutes into the module)
    people = {p.id: p.practice_area for p in participants}
    for module_id in wanted:
        part = None if module_id in SIMULATORS or module_id not in content.modules else \
            module_part(content.agenda.type_of(module_id), "simulate")
        if part is None:
            continue
        for pid, exercise, payload, at in part.simulate(
                store, cohort_id, module_id, content.modules[module_id], people,
                content.data_dir, seed):
            if store.latest_answer(cohort_id, pid, module_id, exercise) is not None:
                continue
            store.submit(cohort_id, pid, module_id, exercise, payload, source="simulated",
                         submitted_at=start + timedelta(minutes=offsets[module_id] + at))
            written += 1
    if "dilemma" in wanted and "dilemma" in content.modules:
        live_start = start + timedelta(minutes=offsets["dilemma"] + 10)
        written += simulate_live_games(store, cohort_id, live_start, participants,
                                       content.dilemma, traits, seed)
    return written
