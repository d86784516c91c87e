"""The problem-definition drill: case files and their validation, the widget played through
its methods, the narrow peer-definition read, votes, simulation and the facilitator's views."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from helpers import TOKENS, me
from workshop_kit.access import FacilitatorStore, ParticipantStore
from workshop_kit.analysis import terms_in
from workshop_kit.client import FacilitatorClient
from workshop_kit.content import load_content
from workshop_kit.errors import AccessError, ContentError
from workshop_kit.modules.drill.analysis import drill_definitions, fact_matches, question_yield
from workshop_kit.modules.drill.content import load_case, load_cases
from workshop_kit.modules.drill.forms import DrillForm, PeerVoteForm
from workshop_kit.modules.drill.rules import DRILL_KEY, definition_key
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import Store

HERE = Path(__file__).parent
DATA = HERE.parent / "data"
BROKEN = HERE / "cases"


def test_shipped_cases_cover_every_practice_area(content):
    assert len(content.cases) >= 5
    assert {c.practice_area for c in content.cases.values()} == {
        "consulting", "accounting", "legal", "it_services", "financial_planning"}
    for case in content.cases.values():
        # some questions reveal little, and the budget forces a choice
        assert any(not q.reveals for q in case.questions)
        assert sum(q.minutes for q in case.questions) > case.budget_minutes
    assert content.case_for("legal").id == "side_letters"


@pytest.mark.parametrize(
    ("fixture", "lines"),
    [
        ("unknown_fact", [
            "unknown_fact.yaml:20: question 'ask_why' field 'questions.0.reveals.0' names the "
            "fact 'owner_leavin', which is not in 'facts'; add that fact or fix the id",
            "unknown_fact.yaml:32: field 'expert_facts.0' 'owner_leaving' is revealed by no "
            "question, so no participant can find it; add it to a question's 'reveals'"]),
        ("hidden_fact", [
            "hidden_fact.yaml:35: field 'expert_facts.2' 'hidden' is revealed by no question, "
            "so no participant can find it; add it to a question's 'reveals'"]),
        ("generous_budget", [
            "generous_budget.yaml:7: field 'budget_minutes' is 20, enough to ask every "
            "question (20 min); lower it so participants have to choose"]),
        ("duplicate_question", [
            "duplicate_question.yaml:21: field 'questions.1.id' repeats the question "
            "'ask_leads'; give each question its own id"]),
        ("bad_fields", [
            "bad_fields.yaml:4: field 'practice_area' is wrong: 'plumbing' is not a practice "
            "area; use one of: consulting, accounting, legal, it_services, financial_planning",
            "bad_fields.yaml:18: question 'ask_why': field 'questions.0.minutes' input should "
            "be greater than or equal to 1"]),
    ],
)
def test_each_broken_case_names_file_line_and_field(fixture, lines):
    with pytest.raises(ContentError) as err:
        load_case(BROKEN / f"{fixture}.yaml")
    assert str(err.value).splitlines() == [f"{BROKEN}/{line}" for line in lines]


def test_a_folder_reports_every_broken_case_at_once():
    with pytest.raises(ContentError) as err:
        load_cases(BROKEN)
    files = {line.split(":")[0] for line in str(err.value).splitlines()}
    assert files == {str(p) for p in BROKEN.glob("*.yaml")}


def test_load_content_and_validate_check_the_cases(repo_copy):
    shutil.copy(BROKEN / "hidden_fact.yaml", repo_copy / "data/cases/hidden_fact.yaml")
    with pytest.raises(ContentError, match=r"hidden_fact\.yaml:35: field 'expert_facts\.2'"):
        load_content(repo_copy / "data")
    (repo_copy / "data/cases/hidden_fact.yaml").unlink()
    module = repo_copy / "data/modules/drill.yaml"
    module.write_text(module.read_text().replace("default_case: retail_pricing",
                                                 "default_case: retail"))
    with pytest.raises(ContentError) as err:
        load_content(repo_copy / "data")
    assert str(err.value) == (
        f"{module}:11: field 'default_case' names the case 'retail', which is not in cases/; "
        "use one of: audit_fee, pension_review, retail_pricing, side_letters, warehouse_system")


def test_word_match_is_plain_and_shows_its_words(content):
    case = content.cases["retail_pricing"]
    assert terms_in("Discounts grew with the Bonus scheme", ["discount", "bonus", "volume"]) == [
        "discount", "bonus"]
    rows = fact_matches(case, ["who_sets_price", "competitor_check"],
                        "Managers discount because their bonus rewards volume.")
    assert [(r["fact"], r["used"], r["expert"]) for r in rows] == [
        ("discounting", True, True), ("list_prices_fine", False, False)]
    assert rows[0]["matched"] == ["discount", "bonus", "volume"]
    assert all("score" not in r for r in rows)


# -- the widget ---------------------------------------------------------------------------------


def test_questions_cost_minutes_are_saved_as_asked_and_refused_beyond_budget(room, content):
    case = content.cases["retail_pricing"]
    form = DrillForm(me(room), "c", "p1", content.drill, case)
    assert form.minutes_left == 25 and len(form.question_box.children) == 7
    assert form.ask("what_changed") and form.ask("who_sets_price") and form.ask("timeline")
    assert form.minutes_left == 5
    assert "Client:</b> &quot;The board" not in form.revealed.value
    assert "we lose store managers faster" in form.revealed.value
    assert not form.ask("what_changed")
    assert "asked that already" in form.status
    assert form.ask("where_margin") and form.minutes_left == 0
    assert not form.ask("past_studies")
    assert "That question takes 5 minutes and you have 0 left of 25" in form.status
    saved = room.latest_answer("c", "p1", "drill", "drill_questions")
    assert saved.payload == {"case": "retail_pricing",
                             "asked": ["what_changed", "who_sets_price", "timeline",
                                       "where_margin"]}
    again = DrillForm(me(room), "c", "p1", content.drill, case)  # the notebook reopened
    assert again.asked == saved.payload["asked"] and again.minutes_left == 0
    assert again.version == 0  # no definition submitted yet


def test_definition_feedback_names_used_and_ignored_facts_then_the_expert_reading(room,
                                                                                 content):
    case = content.cases["retail_pricing"]
    form = DrillForm(me(room), "c", "p1", content.drill, case)
    form.ask("who_sets_price")
    form.ask("competitor_check")
    form.definition.value = "Too short."
    assert not form.submit() and "at least 60 characters" in form.status
    assert "experienced adviser" not in form.feedback.value  # not before they submit
    form.definition.value = ("Store managers discount freely because their bonus pays on "
                             "volume, so margin leaks at the till whatever the list says.")
    assert form.submit()
    feedback = form.feedback.value
    assert "plain word match" in feedback and "words found: discount, bonus, volume" in feedback
    assert "List prices are within two percent" in feedback.split("leaves out")[1]
    assert "Store managers have been leaving" in feedback  # an expert fact never uncovered
    assert case.expert_reading[:40] in feedback
    assert "score" not in feedback.lower()
    stored = room.latest_answer("c", "p1", "drill", "drill_definition").payload
    assert stored["asked"] == ["who_sets_price", "competitor_check"]
    reopened = DrillForm(me(room), "c", "p1", content.drill, case)
    assert reopened.definition.value == stored["definition"] and reopened.version == 1


def _define(store, content, who, text, case="retail_pricing", asked=("who_sets_price",)):
    store.submit("c", who, "drill", content.drill.definition_exercise,
                 {"case": case, "asked": list(asked), "definition": text})


def test_peers_see_only_anonymous_texts_of_their_case_after_their_own(room, content):
    guard = me(room, "p1")
    with pytest.raises(AccessError, match="submit your own definition of this case first"):
        guard.peer_definitions("c", "drill_definition", "retail_pricing")
    _define(room, content, "p2", "SECRET-P2 text about discounts and bonuses in new stores.")
    _define(room, content, "p3", "p3 writes about a legal matter.", case="side_letters")
    room.submit("c", "p2", "checkin", "trust_profile", {"situation": "PRIVATE situation"})
    _define(room, content, "p1", "My own definition about managers leaving the new stores.")
    entries = guard.peer_definitions("c", "drill_definition", "retail_pricing")
    assert sorted(e["definition"][:9] for e in entries) == ["My own de", "SECRET-P2"]
    assert all(set(e) == {"key", "definition", "mine"} for e in entries)
    key = room.cohort_key("c", DRILL_KEY)
    assert {e["key"] for e in entries} == {definition_key(key, "c", "retail_pricing", p)
                                           for p in ("p1", "p2")}
    # keys come from the store's secret key: the old public recipe gives nothing
    guessable = hashlib.sha256(b"c:retail_pricing:p2").hexdigest()[:12]
    assert guessable not in {e["key"] for e in entries}
    assert "p2" not in repr(entries) and "who_sets_price" not in repr(entries)
    with pytest.raises(AccessError, match="only definitions are shown"):
        guard.peer_definitions("c", "trust_profile", "retail_pricing")
    with pytest.raises(AccessError):
        guard.module_answers("c", "drill")


def test_vote_excludes_own_and_a_new_vote_replaces_the_old(room, content):
    case = content.cases["retail_pricing"]
    for who in ("p2", "p3", "p4"):
        _define(room, content, who, f"Definition written by {who} about discounts.")
    form = PeerVoteForm(me(room, "p1"), "c", "p1", content.drill, case)
    assert "submit your own definition" in form.listing.value and not form.choice.options
    _define(room, content, "p1", "Mine: the bonus drives discounting in the new stores.")
    form.refresh()
    assert len(form.entries) == 4 and "(yours)" in form.listing.value
    assert len(form.choice.options) == 3
    own_label = next(form.labels[e["key"]] for e in form.entries if e["mine"])
    form.vote(own_label)
    assert "not a definition you can vote for" in form.status
    assert not form.submit() and "Choose the definition" in form.status
    other = next(e for e in form.entries if not e["mine"])
    form.vote(form.labels[other["key"]])
    assert form.submit()
    last = next(e for e in reversed(form.entries) if not e["mine"])
    form.vote(form.labels[last["key"]])
    assert form.submit() and "replaces your earlier answer" in form.status
    votes = room.history("c", "p1", "drill", "drill_vote")
    assert [v.payload["key"] for v in votes] == [other["key"], last["key"]]
    keys = FacilitatorStore(room, "c", TOKENS["facilitator"]).definition_keys("c")
    table = drill_definitions(room.module_answers("c", "drill"), content.drill, content.cases,
                              keys)
    counted = dict(zip(table["key"], table["votes"], strict=True))
    assert counted[last["key"]] == 1 and counted.get(other["key"], 0) in (0, 1)
    assert sum(counted.values()) == 1  # only the latest vote counts


def test_shuffle_differs_between_participants(room, content):
    case = content.cases["retail_pricing"]
    people = [f"q{i}" for i in range(8)]
    room.register_tokens("c", {p: f"tok-{p}" for p in people})
    for p in people:
        _define(room, content, p, f"Definition by {p} about the bonus and discounts.")
    orders = {tuple(e["key"] for e in PeerVoteForm(
        ParticipantStore(room, "c", p, f"tok-{p}"), "c", p, content.drill, case).entries)
        for p in people}
    assert len(orders) > 1


# -- simulation and the facilitator ---------------------------------------------------------------


@pytest.fixture
def simulated(simulate_demo):
    return simulate_demo(["drill"], seed=2)


def test_simulated_drill_stays_in_budget_and_nobody_votes_for_themselves(simulated, content):
    url, _ = simulated
    with Store(url) as store:
        answers = store.module_answers("demo", "drill")
        drill_key = store.cohort_key("demo", DRILL_KEY)
        keys = FacilitatorStore(store, "demo", "f-token").definition_keys("demo")
    defs = answers[answers["exercise"] == "drill_definition"]
    assert len(defs) == 12
    for payload in defs["payload"]:
        case = content.cases[payload["case"]]
        assert sum(case.question(q).minutes for q in payload["asked"]) <= case.budget_minutes
        assert len(payload["definition"]) >= content.drill.definition.min_chars
    votes = answers[answers["exercise"] == "drill_vote"]
    assert len(votes) == 12  # every practice area of the demo has at least two people
    for voter, payload in zip(votes["participant"], votes["payload"], strict=True):
        assert payload["key"] != definition_key(drill_key, "demo", payload["case"], voter)
    table = drill_definitions(answers, content.drill, content.cases, keys)
    assert table["votes"].sum() == 12
    assert table["facts_used"].max() >= 2 and table["facts_used"].min() <= 1  # a real mix
    yields = question_yield(answers, content.drill, content.cases)
    assert yields["asked"].sum() > 12


def test_facilitator_sees_definitions_votes_and_questions(serve_store, simulated):
    url, _ = simulated
    room = FacilitatorSession("demo", serve_store(url, "demo"), token="f-token")
    side = room.module("drill").definitions()
    assert list(side.columns) == ["definition", "votes", "asked", "facts_used", "expert_used"]
    assert side["votes"].sum() == 12 and "participant" not in side.reset_index().columns
    assert room.module("drill").votes_chart().to_dict()["encoding"]["x"]["field"] == "votes"
    assert room.module("drill").questions_chart().to_dict()["encoding"]["color"]["field"] == \
        "expert_facts"
    assert room.module("drill").cases()["definitions"].sum() == 12
    assert "Expert reading" in room.module("drill").expert_readings().data
    assert isinstance(room.store, FacilitatorClient)  # through the service only


def test_participant_session_gives_the_case_of_their_practice_area(serve_store, tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {"p1": "t1"})
    session = ParticipantSession("p1", "c", serve_store(url, "c"), token="t1",
                                 practice_area="it_services")
    assert session.module("drill").case().case.id == "warehouse_system"
    assert session.module("drill").peer_vote().case.id == "warehouse_system"
