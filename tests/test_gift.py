"""The risky gift: the plan form, the partner's feedback through their own notebook (the pairs
the build published, nothing wider), simulation, and the facilitator's gallery."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import me as guard
from workshop_kit.cohort import BuiltCohort, build, publish_records
from workshop_kit.errors import AccessError
from workshop_kit.modules.gift.answers import PAIRS_EXERCISE
from workshop_kit.modules.gift.forms import GiftPlanForm, PartnerFeedbackForm
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import FACILITATOR, Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
PLAN = dict(client="The new finance director of a client", bring="A one-page view of their cash",
            why_them="It is built from their own monthly figures",
            risk="I may be wrong in front of them", story="How another firm ran out of cash",
            first_step="Lunch with no agenda")


@pytest.fixture
def room(room):
    """The small cohort 'c' (conftest.py) with its gift pairs published."""
    room.submit("c", FACILITATOR, "gift", PAIRS_EXERCISE, {"groups": [["p1", "p2"],
                                                                          ["p3"]]})
    return room


def test_plan_needs_every_field_and_comes_back(room, content):
    form = GiftPlanForm(guard(room, "p1"), "c", "p1", content.gift)
    form.fill(**{**PLAN, "risk": "none"})
    assert not form.submit()
    assert "What you risk&#x27; needs at least 15 characters (you have 4)" in form.status
    form.fill(**PLAN)
    assert form.submit()
    again = GiftPlanForm(guard(room, "p1"), "c", "p1", content.gift)
    assert again.value() == PLAN and again.version == 1


def test_partner_reads_the_plan_writes_feedback_and_the_owner_reads_it(room, content):
    plan = GiftPlanForm(guard(room, "p1"), "c", "p1", content.gift)
    plan.fill(**PLAN)
    plan.submit()
    feedback = PartnerFeedbackForm(guard(room, "p2"), "c", "p2", content.gift, "p1")
    assert "A one-page view of their cash" in feedback.plan_view.value
    feedback.fill(fits="Their own figures make it theirs", risk_right="A real risk, worth it",
                  story_lands="Short, lets them conclude")
    assert feedback.submit()
    assert room.latest_answer("c", "p2", "gift", "gift_feedback:p1").payload["fits"].startswith(
        "Their own")
    received = guard(room, "p1").from_gift_partner("c", "p2", "gift_feedback:p1", "gift_plan")
    assert received.payload["story_lands"] == "Short, lets them conclude"


def test_only_the_published_partner_and_only_plan_or_feedback(room, content):
    room.submit("c", "p1", "gift", "gift_plan", PLAN)
    room.submit("c", "p1", "drill", "drill_definition", {"definition": "p1's private words"})
    outsider = guard(room, "p3")
    with pytest.raises(AccessError, match="'p3' is not paired with 'p1' in the gift module"):
        outsider.from_gift_partner("c", "p1", "gift_plan", "gift_plan")
    form = PartnerFeedbackForm(outsider, "c", "p3", content.gift, "p1")  # parameters lie
    assert "not paired" in form.plan_view.value and "cash" not in form.plan_view.value
    partner = guard(room, "p2")
    for exercise in ("drill_definition", "trust_profile", "gift_feedback:p3"):
        with pytest.raises(AccessError, match="not something a gift partner shares"):
            partner.from_gift_partner("c", "p1", exercise, "gift_plan")
    with pytest.raises(AccessError, match="not something a gift partner shares"):
        partner.from_gift_partner("c", "p1", "drill_definition", "drill_definition")
    assert outsider.gift_partners("c") == [] and partner.gift_partners("c") == ["p1"]


def test_build_publishes_the_modules_pairs_once(serve_store, tmp_path):
    out = tmp_path / "demo"
    build(REPO / "data/cohorts/demo.yaml", DATA, out)
    built = BuiltCohort.open(out)
    groups = built.records("gift")[PAIRS_EXERCISE]["groups"]
    assert sorted(p for g in groups for p in g) == [f"p{i:02d}" for i in range(1, 13)]
    assert all(len(g) == 2 for g in groups)
    p01 = next(p for p in built.manifest["participants"] if p["id"] == "p01")
    assert next(g for g in groups if "p01" in g) == sorted(["p01", *p01["partners"]["gift"]])
    with built.store() as store:
        answer = store.latest_answer("demo", FACILITATOR, "gift", PAIRS_EXERCISE)
        assert answer.payload == {"groups": groups} and answer.source == "build"
    assert publish_records(built.manifest) == 0  # unchanged: nothing written
    build(REPO / "data/cohorts/demo.yaml", DATA, out)
    with built.store() as store:
        assert len(store.history("demo", FACILITATOR, "gift", PAIRS_EXERCISE)) == 1
    # the participant's notebook shows the partner the build chose
    person = ParticipantSession("p01", "demo", serve_store(built.manifest["store_url"], "demo"),
                                token=p01["token"])
    forms = person.module("gift").partner_feedback().children
    assert [f.partner for f in forms] == p01["partners"]["gift"]


def test_simulated_gifts_and_the_facilitators_gallery(serve_store, demo_built):
    built = demo_built  # built and simulated (seed 1) once per session, copied
    with built.store() as store:
        answers = store.module_answers("demo", "gift")
    plans = answers[answers["exercise"] == "gift_plan"]
    feedback = answers[answers["exercise"].str.startswith("gift_feedback:")]
    assert len(plans) == 12 and len(feedback) == 12
    groups = built.records("gift")[PAIRS_EXERCISE]["groups"]
    for writer, exercise in zip(feedback["participant"], feedback["exercise"], strict=True):
        about = exercise.split(":", 1)[1]
        assert any({writer, about} <= set(g) for g in groups)
    room = FacilitatorSession("demo", serve_store(built.manifest["store_url"], "demo"),
                              token=built.manifest["facilitator_token"])
    gallery = room.module("gift").gallery()
    assert len(gallery) == 12 and (gallery["feedback received"] == 1).all()
    assert "What you will bring" in gallery.columns and "participant" not in gallery.columns
    p05 = next(p for p in built.manifest["participants"] if p["id"] == "p05")
    me = ParticipantSession("p05", "demo", serve_store(built.manifest["store_url"], "demo"),
                            token=p05["token"])
    assert "From " in me.module("gift").feedback_received().data


def test_without_published_pairs_the_notebook_says_so(serve_store, tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {"p1": "t1"})
    me = ParticipantSession("p1", "c", serve_store(url, "c"), token="t1", partners=["p2"])
    assert "no partner in this module" in me.module("gift").partner_feedback().value
