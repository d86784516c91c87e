"""The wrap-up: commitments with dates inside the window, the trust profile again under its
own exercise, simulation, and the facilitator's before/after as aggregates only."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import me
from workshop_kit.access import OPT_IN
from workshop_kit.errors import AccessError
from workshop_kit.modules.wrapup.forms import CommitmentsForm
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import Store
from workshop_kit.widgets import RatingScaleForm

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = date(2026, 12, 3)


@pytest.fixture
def mine(room):
    return me(room, "p1")


def test_commitments_need_text_and_a_date_within_thirty_days(mine, content, store):
    form = CommitmentsForm(mine, "c", "p1", content.wrapup, today=TODAY)
    assert len(form.texts) == 3
    assert not form.submit() and "at least one commitment" in form.status
    form.set(0, "Call the client who went quiet", None)
    assert not form.submit() and "Commitment 1 needs a date." in form.status
    form.set(0, "Call the client who went quiet", TODAY + timedelta(days=31))
    assert not form.submit()
    assert "choose a date from today to 02 Jan 2027 (within 30 days)" in form.status
    form.set(0, "Call the client who went quiet", TODAY + timedelta(days=30))
    form.set(1, "Lunch", TODAY + timedelta(days=3))
    assert not form.submit() and "Commitment 2 needs at least 10 characters" in form.status
    form.set(1, "Lunch with the new finance director, no agenda", TODAY + timedelta(days=3))
    assert form.submit()
    payload = store.latest_answer("c", "p1", "wrapup", "commitments").payload
    assert payload == {"commitments": [
        {"text": "Call the client who went quiet", "due": "2027-01-02"},
        {"text": "Lunch with the new finance director, no agenda", "due": "2026-12-06"}],
        OPT_IN: False}
    again = CommitmentsForm(mine, "c", "p1", content.wrapup, today=TODAY)
    assert again.texts[1].value.startswith("Lunch") and again.dates[0].value == date(2027, 1, 2)


def test_trust_profile_again_is_saved_apart_from_the_morning(serve_store, tmp_path, content):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {"p1": "t1"})
        store.submit("c", "p1", "checkin", "trust_profile",
                     {"ratings": {"cred_plain": 2}, "situation": "x" * 40})
    me = ParticipantSession("p1", "c", serve_store(url, "c"), token="t1")
    form = me.module("wrapup").trust_profile_again()
    assert isinstance(form, RatingScaleForm)
    assert (form.module, form.exercise) == ("wrapup", "trust_profile_after")
    assert form.sliders["cred_plain"].value == 3  # not this morning's 2: a fresh rating
    form.sliders["cred_plain"].value = 4
    assert form.submit()  # the reflection may be left empty
    with Store(url) as store:
        assert store.latest_answer("c", "p1", "checkin", "trust_profile").payload[
            "ratings"] == {"cred_plain": 2}
        assert store.latest_answer("c", "p1", "wrapup", "trust_profile_after").payload[
            "ratings"]["cred_plain"] == 4


@pytest.fixture
def simulated(simulate_demo):
    return simulate_demo(["checkin", "wrapup"], seed=3)


def test_simulated_wrapup_dates_and_a_profile_that_moved_a_little(simulated, content):
    url, cohort = simulated
    first = date.fromisoformat(cohort.date)
    with Store(url) as store:
        frame = store.module_answers("demo", "wrapup")
        moved = 0
        for person in cohort.participants:
            before = store.latest_answer("demo", person.id, "checkin", "trust_profile")
            after = store.latest_answer("demo", person.id, "wrapup", "trust_profile_after")
            diffs = [abs(after.payload["ratings"][k] - v)
                     for k, v in before.payload["ratings"].items()]
            assert max(diffs) <= 3
            moved += sum(diffs)
        assert moved > 0
    for payload in frame[frame["exercise"] == "commitments"]["payload"]:
        assert 1 <= len(payload["commitments"]) <= 3
        for item in payload["commitments"]:
            assert first < date.fromisoformat(item["due"]) <= first + timedelta(days=30)


def test_facilitator_sees_before_and_after_only_as_aggregates(serve_store, simulated):
    url, cohort = simulated
    room = FacilitatorSession("demo", serve_store(url, "demo"), token="f-token")
    change = room.module("wrapup").trust_change()
    assert list(change.columns) == ["n_before", "mean_before", "n_after", "mean_after",
                                    "change"]
    assert change["n_before"].tolist() == [12] * 4 and change["n_after"].tolist() == [12] * 4
    spec = room.module("wrapup").trust_before_after_chart().to_dict()
    assert spec["encoding"]["color"]["field"] == "stage"
    shared = room.module("wrapup").commitments_shared()
    with Store(url) as store:
        answers = store.module_answers("demo", "wrapup", "commitments")
    sharing = [p for p in answers["payload"] if p[OPT_IN]]
    assert len(shared) == sum(len(p["commitments"]) for p in sharing)
    assert "participant" not in shared.columns
    names = set(room.store.module_answers("demo", "wrapup")["participant"])
    assert not names & {p.id for p in cohort.participants
                        if not store_shared(url, p.id)}
    private = next(p.id for p in cohort.participants if not store_shared(url, p.id))
    with pytest.raises(AccessError, match="personal and not shared"):
        room.store.latest_answer("demo", private, "wrapup", "commitments")


def store_shared(url: str, participant: str) -> bool:
    with Store(url) as store:
        return store.latest_answer("demo", participant, "wrapup", "commitments").payload[
            OPT_IN]
