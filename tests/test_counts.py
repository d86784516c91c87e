"""Counts of people, not of answers: someone who shared one answer of a personal module and
kept another private is still one person (the facilitator's views, through the service)."""

from __future__ import annotations

from workshop_kit.access import OPT_IN
from workshop_kit.session import FacilitatorSession
from workshop_kit.store import Store


def test_wrapup_answered_counts_each_person_once(serve_store, tmp_path, content):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    people = [f"p{i}" for i in range(1, 6)]
    ratings = {item.id: 3 for _trait, item in content.checkin.items()}
    with Store(url) as store:
        store.register_tokens("c", {**{p: f"t-{p}" for p in people}, "facilitator": "tf"})
        for i, p in enumerate(people):
            # four share their commitments; nobody shares the trust profile again
            store.submit("c", p, "wrapup", "commitments",
                         {"commitments": [{"text": "Call the quiet client", "due": "2026-12-20"}],
                          OPT_IN: i < 4})
            store.submit("c", p, "wrapup", "trust_profile_after",
                         {"ratings": ratings, "situation": "", OPT_IN: False})
    room = FacilitatorSession("c", serve_store(url, "c"), token="tf")
    # what the facilitator's frame shows: 4 named rows and 5 pseudonyms for the same 5 people
    frame = room.store.module_answers("c", "wrapup")
    assert frame["participant"].nunique() == 9
    assert "<b>5</b> participant(s) have answered" in room.answered("wrapup").data
    assert "<b>5</b> participant(s)" in room.answered("wrapup", "trust_profile_after").data
    assert "<b>5</b> participant(s)" in room.answered("wrapup", "commitments").data


def test_cockpit_counts_a_person_once_who_shared_then_unshared(serve_store, tmp_path,
                                                               content):
    """The cockpit's 'answered' follows one pseudonym per person, shared or not."""
    from workshop_kit.client import FacilitatorClient
    from workshop_kit.cockpit import Cockpit

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    commitments = {"commitments": [{"text": "Call the quiet client", "due": "2026-12-20"}]}
    with Store(url) as store:
        store.register_tokens("c", {"p1": "t1", "p2": "t2", "facilitator": "tf"})
        store.submit("c", "p1", "wrapup", "commitments", {**commitments, OPT_IN: True})
        store.submit("c", "p1", "wrapup", "commitments", {**commitments, OPT_IN: False})
        store.submit("c", "p2", "wrapup", "commitments", {**commitments, OPT_IN: True})
    client = FacilitatorClient(serve_store(url, "c"), "c", "tf", {"checkin", "wrapup"})
    view = Cockpit(client, "c", content, poll_seconds=0, module="wrapup",
                   personal_modules=client.personal_modules)
    view.exercise = "commitments"
    view.refresh()
    assert view.answered_count == 2
    rows = client.answers_since("c", "wrapup")
    assert not {"p1", "p2"} & {a.participant for a in rows}  # nobody under their name
    assert [OPT_IN in a.payload and a.payload[OPT_IN] for a in rows] == [True, False, True]
    assert rows[0].payload["commitments"] and "quiet client" not in str(rows[1].payload)
