"""After a role-play round, its seller (and nobody else) reads what the observers noted and
the buyer's reflection; the buyer's reflection is checked by the service; pairs are told how
they work without an observer. Through the real service."""

from __future__ import annotations

import pytest

from workshop_kit.answers import check_answer
from workshop_kit.client import ParticipantClient
from workshop_kit.cohort import publish_records
from workshop_kit.errors import AccessError, ParameterError
from workshop_kit.modules.roleplay.forms import BuyerReflectionForm, ObserverForm, SellerFeedback
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import Store

SCRIPT = "about_your_firm"
PLAN = [
    {"id": "g1", "members": ["p1", "p2", "p3"], "rounds": [
        {"round": 1, "script": SCRIPT, "seller": "p1", "buyer": "p2", "observers": ["p3"]},
        {"round": 2, "script": "qualifications", "seller": "p2", "buyer": "p3",
         "observers": ["p1"]}]},
    {"id": "g2", "members": ["p4", "p5"], "rounds": [
        {"round": 1, "script": SCRIPT, "seller": "p4", "buyer": "p5", "observers": []},
        {"round": 2, "script": "qualifications", "seller": "p5", "buyer": "p4",
         "observers": []}]},
]


@pytest.fixture
def room(serve_store, tmp_path, content):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {**{f"p{i}": f"t{i}" for i in range(1, 6)},
                                    "facilitator": "tf"})
    roleplay = {"id": "roleplay", "records": {"groups": {"groups": PLAN}}}
    assert publish_records({"modules": [roleplay], "cohort": {"id": "c"},
                            "store_url": url}) == 1
    service = serve_store(url, "c")

    def session(who: str, **kw) -> ParticipantSession:
        return ParticipantSession(who, "c", service, token=f"t{who[1:]}", **kw)

    return session, service, url


def observation(note: str, content) -> dict:
    payload = {"round": 1, "group": "g1", "script": SCRIPT,
               "segments": [["buyer", 0.0, 30.0], ["seller", 30.0, 120.0]],
               "seconds": {"seller": 90.0, "buyer": 30.0, "silence": 0.0},
               "seller_share": 0.75,
               "checklist": {item.id: item.id == "listened" for item in
                             content.roleplay.checklist},
               "note": note}
    return check_answer(content, "roleplay", "roleplay_observation_r1", payload,
                        participant="p3")


def test_the_seller_reads_the_buyers_reflection_and_observers_notes(room, content):
    session, _service, _url = room
    seller = session("p1", group="g1", roles=["seller", "observer", "buyer"])
    after = seller.module("roleplay").round(1).children[2]
    assert isinstance(after, SellerFeedback)
    assert "Nothing written yet" in after.shown.value

    buyer = session("p2", group="g1", roles=["buyer", "seller", "observer"])
    form = buyer.module("roleplay").round(1).children[2]
    assert isinstance(form, BuyerReflectionForm)
    form.texts["felt"].value = "ok"
    assert not form.submit() and "at least 10 characters" in form.message.value
    form.texts["felt"].value = "Listened to, after a slow start."
    form.texts["trust"].value = "They asked about my deadline before their firm."
    assert form.submit()
    observer = session("p3", group="g1", roles=["observer", "buyer", "seller"])
    sheet = observer.module("roleplay").round(1).children[1]
    assert isinstance(sheet, ObserverForm)
    observer.store.submit("c", "p3", "roleplay", "roleplay_observation_r1",
                          observation("Two minutes of firm history before a question.",
                                      content))

    after.refresh()
    shown = after.shown.value
    assert "Listened to, after a slow start." in shown
    assert "They asked about my deadline before their firm." in shown
    assert "Two minutes of firm history before a question." in shown
    assert "You talked 75% of the time" in shown
    assert "Listened without steering back to their pitch" in shown  # the ticked item
    assert "p2" not in shown and "p3" not in shown  # nobody's id beside their words
    # the seller of round 1 in another group reads their own round: nothing of g1's
    other = session("p4", group="g2", roles=["seller", "buyer"]).store
    assert other.roleplay_feedback("c", 1) == {"observations": [], "reflection": None}
    # the facilitator's table of what buyers said: the words, no names
    table = FacilitatorSession("c", _service, token="tf").buyer_reflections().reset_index()
    felt = content.roleplay.buyer_reflection.fields[0].label
    assert table[felt].tolist() == ["Listened to, after a slow start."]
    assert table["round"].tolist() == [1] and "p2" not in table.to_string()


@pytest.mark.parametrize(("who", "round_no"), [
    ("p2", 1),  # the buyer of round 1
    ("p3", 1),  # its observer
    ("p5", 1),  # the buyer of round 1 in a pair
    ("p1", 2),  # round 1's seller, but only an observer in round 2
])
def test_nobody_but_that_rounds_seller_reads_it(room, who, round_no):
    _session, service, _url = room
    client = ParticipantClient(service, "c", who, f"t{who[1:]}")
    with pytest.raises(AccessError, match=f"not the seller of role-play round {round_no}"):
        client.roleplay_feedback("c", round_no)


def test_the_service_checks_the_buyers_reflection(room):
    _session, service, _url = room
    client = ParticipantClient(service, "c", "p2", "t2")
    good = {"round": 1, "group": "g1", "script": SCRIPT,
            "felt": "Like the meeting was about me.", "trust": "They asked before telling."}
    client.submit("c", "p2", "roleplay", "roleplay_reflection_r1", good)
    with pytest.raises(ParameterError, match="field 'trust' has 2 characters, must have at "
                                          "least 10"):
        client.submit("c", "p2", "roleplay", "roleplay_reflection_r1", {**good, "trust": "ok"})
    with pytest.raises(ParameterError, match="roleplay_reflection_r1: field 'mood'"):
        client.submit("c", "p2", "roleplay", "roleplay_reflection_r1", {**good, "mood": "x"})


def test_pairs_are_not_told_about_observers(room, content):
    session, _service, _url = room
    pair = session("p4", group="g2", partners=["p5"], roles=["seller", "buyer"])
    roles = pair.module("roleplay").roles().data
    assert content.roleplay.pair_note in roles.replace("&#x27;", "'")
    assert "<b>Observer:</b>" not in roles
    sitting_out = pair.module("roleplay").round(3).value
    assert "observer" not in sitting_out.lower()
    trio = session("p1", group="g1", partners=["p2", "p3"],
                   roles=["seller", "observer", "buyer"])
    assert "<b>Observer:</b>" in trio.module("roleplay").roles().data
    assert content.roleplay.pair_note not in trio.module("roleplay").roles().data
    assert "observers" in trio.module("roleplay").round(4).value
    assert "observer" not in content.roleplay.intro.split(".")[0]  # opens for every size
