"""Typed answer schemas: everything the kit writes passes, and malformed or hostile answers are
refused with one line naming module/exercise/field. Real content, real stores, real widgets."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from workshop_kit.access import ParticipantStore
from workshop_kit.answers import (
    MAX_ANSWER_CHARS,
    MAX_DEPTH,
    AnswerError,
    check_answer,
    stored_answer_ok,
)
from workshop_kit.errors import ParameterError
from workshop_kit.modules.gift.answers import PAIRS_EXERCISE
from workshop_kit.modules.roleplay.answers import MAX_SEGMENTS, NOTE_CHARS
from workshop_kit.store import FACILITATOR, Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
MODULES = ["checkin", "purpose", "roleplay", "dilemma", "drill", "gift", "wrapup"]
SITUATION = "A retailer asked for a pricing study but the real issue may be staff turnover."


def passes(content, module, exercise, payload, participant="p1"):
    """check_answer accepts the payload and gives back an equal one."""
    checked = check_answer(content, module, exercise, payload, participant=participant)
    assert checked == payload
    assert json.dumps(checked, sort_keys=True) == json.dumps(payload, sort_keys=True)
    return checked


def refused(content, module, exercise, payload, participant="p1") -> str:
    with pytest.raises(AnswerError) as caught:
        check_answer(content, module, exercise, payload, participant=participant)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    return message


def kind(exercise: str) -> str:
    """The exercise without its round, game or partner (for coverage counts)."""
    return exercise.split(":")[0].rsplit("_r", 1)[0] if exercise[-1].isdigit() else \
        exercise.split(":")[0]


# -- everything the kit writes passes -----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_every_simulated_answer_of_the_demo_day_passes(simulate_demo, content, seed):
    url, _cohort = simulate_demo(MODULES, seed)
    with Store(url) as store:
        answers = store.answers("demo")
    assert len(answers) > 300
    for answer in answers:
        assert stored_answer_ok(content, answer), (answer.module, answer.exercise)
        passes(content, answer.module, answer.exercise, answer.payload, answer.participant)
    kinds = {(a.module, kind(a.exercise)) for a in answers}
    assert kinds == {
        ("checkin", "trust_profile"), ("purpose", "purpose_sort"),
        ("roleplay", "roleplay_path"), ("roleplay", "roleplay_observation"),
        ("roleplay", "roleplay_reflection"),
        ("dilemma", "strategy"), ("dilemma", "game"), ("dilemma", "move"),
        ("drill", "drill_questions"), ("drill", "drill_definition"), ("drill", "drill_vote"),
        ("gift", "gift_plan"), ("gift", "gift_feedback"),
        ("wrapup", "commitments"), ("wrapup", "trust_profile_after")}


def test_the_gift_pairs_the_build_publishes_pass_as_the_facilitators(tmp_path, content):
    from workshop_kit.cohort import BuiltCohort, build

    out = tmp_path / "demo"
    build(DATA / "cohorts/demo.yaml", DATA, out)
    with BuiltCohort.open(out).store() as store:
        pairs = store.latest_answer("demo", FACILITATOR, "gift", PAIRS_EXERCISE)
    assert pairs.source == "build"
    passes(content, "gift", PAIRS_EXERCISE, pairs.payload, FACILITATOR)
    assert stored_answer_ok(content, pairs)


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


def walk_to_ending(form, own_words: str = "") -> None:
    """Play a script player to an ending, always taking the first choice (own words once)."""
    while form.ending is None:
        node = form.script.node(form.node)
        if own_words:
            form.say(own_words)
            own_words = ""
        else:
            form.choose(node.choices[0].id)


def test_every_widget_form_writes_answers_that_pass(store, content):
    from workshop_kit.widgets import (
        CommitmentsForm,
        DrillForm,
        GameControl,
        GiftPlanForm,
        LiveRounds,
        ObserverForm,
        PartnerFeedbackForm,
        PeerVoteForm,
        PurposeSortForm,
        ScriptPlayer,
        StrategyBuilderForm,
        TrustProfileForm,
    )

    tokens = {"p1": "t1", "p2": "t2", FACILITATOR: "tf"}
    store.register_tokens("c", tokens)
    guards = {p: ParticipantStore(store, "c", p, tokens[p]) for p in ("p1", "p2")}
    forms = []

    def submitted(form, participant="p1"):
        value = form.value()
        passes(content, form.module, form.exercise, value, participant)
        assert form.submit(), form.message.value
        forms.append(form)

    # check-in and purpose
    for p in ("p1", "p2"):
        trust = TrustProfileForm(guards[p], "c", p, content.checkin)
        trust.sliders["cred_plain"].value = 5
        trust.sliders["int_confide"].value = 1
        trust.situation.value = SITUATION
        trust.share.value = p == "p1"
        submitted(trust, p)
    purpose = PurposeSortForm(guards["p1"], "c", "p1", content.purpose)
    for statement in content.purpose.statements:
        purpose.choices[statement.id].value = "exploring"
    submitted(purpose)

    # role-play: a seller's path in every round (own words once) and an observer's sheet
    roleplay = content.roleplay
    for round_no in range(1, len(roleplay.rounds) + 2):
        script = content.scripts[roleplay.script_for(round_no, 2)]
        player = ScriptPlayer(guards["p1"], "c", "p1", roleplay, script, round_no, "g2", "legal")
        walk_to_ending(player, "What made you look for help now?" if round_no == 1 else "")
        assert player.version == 1  # saved itself at the ending
        passes(content, "roleplay", player.exercise, player.value())
    assert "own_words" in store.latest_answer("c", "p1", "roleplay",
                                              "roleplay_path_r1").payload["steps"][0]
    clock = FakeClock()
    observer = ObserverForm(guards["p2"], "c", "p2", roleplay,
                            content.scripts[roleplay.script_for(2, 1)], 2, "g1", clock=clock)
    for who, seconds in (("buyer", 30), ("seller", 90), ("silence", 4), ("buyer", 12)):
        observer.tracker.speak(who)
        clock.now += seconds
    observer.tracker.stop()
    observer.ticks["turned_back"].value = True
    observer.note.value = "Two minutes on the firm's history before the first question."
    submitted(observer, "p2")

    # the dilemma: a strategy, the facilitator's live game, a move in it
    strategy = StrategyBuilderForm(guards["p1"], "c", "p1", content.dilemma)
    strategy.name.value = "Patient Partner"
    strategy.retaliation.value = "forever"
    strategy.forgive_after.value = 3
    strategy.generosity.value = 0.1
    strategy.probe.value = True
    submitted(strategy)
    control = GameControl(store, "c", content.dilemma)
    control.condition.value = "strangers"
    game = control.start()
    published = store.latest_answer("c", FACILITATOR, "dilemma", "game")
    assert published.payload == game.to_payload()
    passes(content, "dilemma", "game", published.payload, FACILITATOR)
    live = LiveRounds(guards["p1"], "c", "p1", content.dilemma, poll_seconds=0)
    assert live.choose("C")
    move = store.latest_answer("c", "p1", "dilemma", f"move:{game.game_id}:1")
    passes(content, "dilemma", move.exercise, move.payload)

    # the drill: questions as asked, the definition, a vote for the other's definition
    case = content.cases["retail_pricing"]
    for p in ("p1", "p2"):
        drill = DrillForm(guards[p], "c", p, content.drill, case)
        assert drill.ask("what_changed") and drill.ask("who_sets_price")
        asked = store.latest_answer("c", p, "drill", content.drill.questions_exercise)
        passes(content, "drill", asked.exercise, asked.payload, p)
        drill.definition.value = ("Store managers leave faster than before, so prices are "
                                  f"set by people who are new to the job ({p}).")
        submitted(drill, p)
    vote = PeerVoteForm(guards["p1"], "c", "p1", content.drill, case)
    vote.vote("Definition 1" if vote.labels and not vote.entries[0]["mine"] else "Definition 2")
    submitted(vote)

    # the gift: pairs (the build's job), plans, feedback on the partner's plan
    store.submit("c", FACILITATOR, "gift", PAIRS_EXERCISE, {"groups": [["p1", "p2"]]},
                 source="build")
    for p in ("p1", "p2"):
        plan = GiftPlanForm(guards[p], "c", p, content.gift)
        plan.fill(client="The new finance director of a client",
                  bring="A one-page view of their cash", why_them="It is built from their "
                  "own monthly figures", risk="I may be wrong in front of them",
                  story="How another firm ran out of cash",
                  first_step="Lunch with no agenda, at their office")
        submitted(plan, p)
    feedback = PartnerFeedbackForm(guards["p2"], "c", "p2", content.gift, "p1")
    feedback.fill(fits="Their own figures make it theirs", risk_right="Real but small enough",
                  story_lands="It lets them draw the conclusion")
    submitted(feedback, "p2")

    # the wrap-up: commitments and the trust profile again
    today = date(2026, 12, 3)
    commitments = CommitmentsForm(guards["p1"], "c", "p1", content.wrapup, today=today)
    commitments.set(0, "Call the client who went quiet", today + timedelta(days=3))
    commitments.set(1, "Ask two more questions first", today + timedelta(days=30))
    commitments.share.value = True
    submitted(commitments)
    again = TrustProfileForm(guards["p1"], "c", "p1",
                             content.wrapup.trust_content(content.checkin), module="wrapup")
    again.sliders["oth_ask"].value = 2
    submitted(again)

    # every row the day wrote passes as stored, and each form restores what it saved
    rows = store.answers("c")
    assert len(rows) >= 20
    assert all(stored_answer_ok(content, row) for row in rows)
    for form in forms:
        saved = store.latest_answer("c", form.participant, form.module, form.exercise)
        assert check_answer(content, form.module, form.exercise, saved.payload,
                            participant=form.participant) == form.value()


def test_limits_fit_the_largest_legit_answers(content):
    """MAX_ANSWER_CHARS is above the largest answers the kit can write (measured here)."""
    from workshop_kit.game.live import plan_game

    scale = content.checkin.scale
    full_profile = {"ratings": {item.id: scale.max for _t, item in content.checkin.items()},
                    "situation": "y" * content.checkin.situation.max_chars,
                    "share_with_facilitator": True}
    script = content.scripts["about_your_firm"]
    segments = [[("buyer", "seller")[i % 2], 1000.0 + 2 * i, 1001.9 + 2 * i]
                for i in range(MAX_SEGMENTS)]
    sheet = {"round": 1, "group": "g999", "script": script.id, "segments": segments,
             "seconds": {"seller": 999.9, "buyer": 999.9, "silence": 0.0}, "seller_share": 0.5,
             "checklist": {item.id: True for item in content.roleplay.checklist},
             "note": "n" * NOTE_CHARS}
    plan = {f.id: "g" * 1000 for f in content.gift.plan}
    most = content.dilemma.max_rounds
    game = next(g for g in (plan_game(1, "strangers", [f"p{i:02d}" for i in range(1, 41)],
                                      0.99, content.dilemma.payoffs, seed=s, max_rounds=most)
                            for s in range(200)) if g.rounds == most)  # the longest game
    sizes = {}
    for module, exercise, payload, who in (
            ("checkin", "trust_profile", full_profile, "p1"),
            ("roleplay", "roleplay_observation_r1", sheet, "p1"),
            ("gift", "gift_plan", plan, "p1"),
            ("dilemma", "game", game.to_payload(), FACILITATOR)):
        passes(content, module, exercise, payload, who)
        sizes[exercise] = len(json.dumps(payload, ensure_ascii=False))
    assert max(sizes.values()) < MAX_ANSWER_CHARS / 1.5, sizes
    assert MAX_DEPTH >= 4  # the live game's pairings: object > rounds > pairs > pair


def test_names_shared_with_other_modules_stay_in_step():
    from workshop_kit import access, answers
    from workshop_kit.game import live

    assert answers.OPT_IN == access.OPT_IN
    assert answers.BOT == live.BOT
    assert issubclass(AnswerError, ParameterError)


# -- refusals: one line each, naming module/exercise/field --------------------------------------


@pytest.fixture
def profile(content):
    return {"ratings": {item.id: 3 for _t, item in content.checkin.items()},
            "situation": SITUATION, "share_with_facilitator": False}


def test_malformed_checkin_ratings(content):
    assert refused(content, "checkin", "trust_profile", {"ratings": [1, 2]}) == (
        "answer to checkin/trust_profile: field 'ratings' is [1, 2], must be a JSON object")


def test_rating_out_of_the_content_scale(content, profile):
    profile["ratings"]["cred_plain"] = 1_000_000
    assert refused(content, "checkin", "trust_profile", profile) == (
        "answer to checkin/trust_profile: field 'ratings.cred_plain' is 1000000, must be from "
        "1 to 5")


def test_a_deeply_nested_payload_is_refused_without_recursion(content):
    deep: dict = {}
    inner = deep
    for _ in range(2500):
        inner["a"] = {}
        inner = inner["a"]
    assert refused(content, "checkin", "trust_profile", deep) == (
        "answer to checkin/trust_profile: field 'a.a.a.a.a.a' is nested deeper than 6 levels; "
        "send the exercise's own fields only")
    nested_list: list = []
    for _ in range(2500):
        nested_list = [nested_list]
    assert refused(content, "purpose", "purpose_sort", {"placements": nested_list}) == (
        "answer to purpose/purpose_sort: field 'placements.0.0.0.0.0' is nested deeper than 6 "
        "levels; send the exercise's own fields only")


def test_huge_names_and_payloads(content, profile):
    huge = "x" * 5_000_000
    assert refused(content, "checkin", huge, profile) == (
        "answer to checkin/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: the exercise name has "
        "5000000 characters, must have at most 100")
    assert refused(content, huge, "trust_profile", profile) == (
        "answer to xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…/trust_profile: the module name has "
        "5000000 characters, must have at most 100")
    profile["situation"] = huge
    assert refused(content, "checkin", "trust_profile", profile) == (
        f"answer to checkin/trust_profile: the answer is more than {MAX_ANSWER_CHARS} "
        "characters of JSON; shorten its text")
    assert refused(content, "checkin", "trust_profile", {"k": list(range(5_000_000))}) == (
        f"answer to checkin/trust_profile: the answer is more than {MAX_ANSWER_CHARS} "
        "characters of JSON; shorten its text")


def test_unknown_module_and_exercise(content, profile):
    assert refused(content, "sales_tricks", "trust_profile", profile) == (
        "answer to sales_tricks/trust_profile: module 'sales_tricks' is not on the agenda; use "
        "one of: checkin, purpose, roleplay, dilemma, drill, gift, wrapup")
    assert refused(content, "checkin", "trust_profile_v2", profile) == (
        "answer to checkin/trust_profile_v2: 'trust_profile_v2' is not an exercise of module "
        "'checkin'; use one of: trust_profile")
    assert refused(content, "roleplay", "roleplay_path_r5", {}) == (
        "answer to roleplay/roleplay_path_r5: there is no round 5; rounds are 1 to 4")
    assert refused(content, "dilemma", "move:g1:31", {"move": "C"}) == (
        "answer to dilemma/move:g1:31: a move names game g1 to g999 and round 1 to 30, like "
        "'move:g1:1'")
    assert refused(content, "gift", "gift_feedback:p1", {}) == (
        "answer to gift/gift_feedback:p1: this is feedback on your own plan; write feedback on "
        "your partner's plan")


def test_extra_keys_are_refused(content, profile):
    assert refused(content, "checkin", "trust_profile", {**profile, "admin": True}) == (
        "answer to checkin/trust_profile: field 'admin' is not a known field; remove it or "
        "check its spelling")
    profile["ratings"]["bonus"] = 5
    assert refused(content, "checkin", "trust_profile", profile) == (
        "answer to checkin/trust_profile: field 'ratings.bonus' is not a known field; remove "
        "it or check its spelling")


def test_only_the_facilitator_writes_the_game_and_the_pairs(content):
    assert refused(content, "dilemma", "game", {"number": 1}) == (
        "answer to dilemma/game: only the facilitator writes this exercise; participants cannot")
    assert refused(content, "gift", "pairs", {"groups": [["p1", "p2"]]}) == (
        "answer to gift/pairs: only the facilitator writes this exercise; participants cannot")
    passes(content, "gift", "pairs", {"groups": [["p1", "p2"]]}, FACILITATOR)
    assert refused(content, "checkin", "trust_profile", {}, FACILITATOR) == (
        "answer to checkin/trust_profile: the facilitator does not answer this exercise; only "
        "participants do")


def test_wrong_types_and_too_long_text(content, profile):
    profile["ratings"]["cred_plain"] = "5"
    assert refused(content, "checkin", "trust_profile", profile) == (
        "answer to checkin/trust_profile: field 'ratings.cred_plain' is '5', must be a whole "
        "number from 1 to 5")
    profile["ratings"]["cred_plain"] = True
    assert refused(content, "checkin", "trust_profile", profile).endswith(
        "field 'ratings.cred_plain' is true, must be a whole number from 1 to 5")
    profile["ratings"]["cred_plain"] = 4
    profile["situation"] = "x" * 2001
    assert refused(content, "checkin", "trust_profile", profile) == (
        "answer to checkin/trust_profile: field 'situation' has 2001 characters, must have at "
        "most 2000; shorten it")
    assert refused(content, "dilemma", "strategy", {"name": "A" * 41}) == (
        "answer to dilemma/strategy: field 'name' has 41 characters, must have at most 40; "
        "shorten it")


def test_a_payload_must_be_an_object(content):
    assert refused(content, "checkin", "trust_profile", [1, 2]) == (
        "answer to checkin/trust_profile: the answer is [1, 2], must be a JSON object of fields "
        'like {"field": value}')
    assert refused(content, "dilemma", "move:g1:1", "C" * 1000) == (
        "answer to dilemma/move:g1:1: the answer is 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC…', "
        'must be a JSON object of fields like {"field": value}')


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused(content, profile, bad):
    profile["ratings"]["cred_plain"] = bad
    assert refused(content, "checkin", "trust_profile", profile) == (
        f"answer to checkin/trust_profile: field 'ratings.cred_plain' is {bad!r}, must be a "
        "finite number")


def test_content_cross_checks(content):
    path = {"round": 1, "group": "g1", "script": "about_your_firm", "practice_area": "legal",
            "steps": [{"node": "opening", "choice": "few_things", "to": "end_agreed"}],
            "ending": "end_agreed", "outcome": "agreed"}
    assert refused(content, "roleplay", "roleplay_path_r1", path) == (
        "answer to roleplay/roleplay_path_r1: field 'steps.0.to' is 'end_agreed', must be "
        "'their_story' (where choice 'few_things' leads)")
    assert refused(content, "roleplay", "roleplay_path_r2", path) == (
        "answer to roleplay/roleplay_path_r2: field 'round' is 1, must be 2 (the round in the "
        "exercise name)")
    too_long = {"case": "retail_pricing",
                "asked": [q.id for q in content.cases["retail_pricing"].questions]}
    assert refused(content, "drill", "drill_questions", too_long).startswith(
        "answer to drill/drill_questions: field 'asked' takes ")
    assert refused(content, "purpose", "purpose_sort", {"placements": {}}) == (
        "answer to purpose/purpose_sort: field 'placements.next_step' is missing; add it")
    assert refused(content, "gift", "pairs", {"groups": [["p1", "p2"], ["p2"]]},
                   FACILITATOR) == (
        "answer to gift/pairs: field 'groups.1.0' is 'p2', who is already in a group or not a "
        "participant; each participant is in one group")


def test_a_malformed_stored_row_is_not_ok(store, content, profile):
    store.submit("c", "p1", "checkin", "trust_profile", {"ratings": [1, 2]})
    store.submit("c", "p2", "checkin", "trust_profile", profile)
    ok = {a.participant: stored_answer_ok(content, a) for a in store.answers("c")}
    assert ok == {"p1": False, "p2": True}
