"""Drafts: what a participant typed and did not submit, kept by the response service for that
participant alone (a real service over a real SQLite store), put back into the form when it is
built again, replaced by Submit, never among the answers, removed by `forget`."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime

import pytest

from helpers import post
from workshop_kit import service as service_module
from workshop_kit.answers import MAX_ANSWER_CHARS
from workshop_kit.client import FacilitatorClient, ParticipantClient
from workshop_kit.errors import AccessError, ParameterError
from workshop_kit.modules.checkin.participant import TrustProfileForm
from workshop_kit.modules.gift.forms import GiftPlanForm
from workshop_kit.store import Store
from workshop_kit.widgets import DRAFT_SECONDS, LOST_MESSAGE

TOKENS = {"p1": "t1", "p2": "t2", "facilitator": "ft"}
PLAN = {"client": "A regional law firm", "bring": "A short note on their new market",
        "why_them": "only they face this merger now", "risk": "they may find it presumptuous",
        "story": "how I learnt about their sector", "first_step": "call the managing partner"}


@pytest.fixture
def room(tmp_path, serve_store):
    """A served cohort 'c' (SQLite) with two participants; returns (service URL, store path)."""
    path = tmp_path / "responses.sqlite"
    with Store(f"sqlite:///{path}") as store:
        store.register_tokens("c", TOKENS)
    return serve_store(f"sqlite:///{path}", "c"), path


def _client(url: str, who: str) -> ParticipantClient:
    return ParticipantClient(url, "c", who, TOKENS[who])


def _rows(path) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT cohort, participant, module, exercise, payload FROM drafts "
                           "ORDER BY participant, exercise").fetchall()


def _post(url: str, role: str, method: str, body: dict, token: str) -> tuple[int, dict]:
    return post(f"{url}/api/v1/{role}/{method}", json.dumps(body).encode(), token)


def test_a_participant_keeps_reads_and_removes_their_own_draft(room):
    url, path = room
    p1 = _client(url, "p1")
    assert p1.draft("c", "p1", "gift", "plan") is None
    p1.save_draft("c", "p1", "gift", "plan", {"what": "half"})
    p1.save_draft("c", "p1", "gift", "plan", {"what": "half a plan"})  # replaces it
    found = p1.draft("c", "p1", "gift", "plan")
    assert found["payload"] == {"what": "half a plan"}
    assert isinstance(found["saved_at"], datetime)
    assert _rows(path) == [("c", "p1", "gift", "plan", '{"what": "half a plan"}')]
    p1.save_draft("c", "p1", "gift", "plan", None)
    assert p1.draft("c", "p1", "gift", "plan") is None and _rows(path) == []


def test_another_participants_token_cannot_read_or_write_a_draft(room):
    url, path = room
    _client(url, "p1").save_draft("c", "p1", "gift", "plan", {"what": "mine"})
    before = _rows(path)
    # p2's own credential, claiming to be p1: refused by the service
    for method, args in (("draft", {"module": "gift", "exercise": "plan"}),
                         ("save_draft", {"module": "gift", "exercise": "plan",
                                         "payload": {"what": "overwritten"}}),
                         ("save_draft", {"module": "gift", "exercise": "plan"})):
        status, body = _post(url, "participant", method, {"as": "p1", "args": args}, "t2")
        assert status == 403 and body["error"]["type"] == "AccessError"
        # naming someone else's draft is not even a question the service takes
        status, body = _post(url, "participant", method,
                             {"as": "p2", "args": {**args, "participant": "p1"}}, "t2")
        assert status == 400 and "unknown argument 'participant'" in body["error"]["message"]
    with pytest.raises(AccessError, match="each keeps only their own"):
        _client(url, "p2").draft("c", "p1", "gift", "plan")
    # p2 reading "their" draft of the same exercise gets their own (none), never p1's
    assert _client(url, "p2").draft("c", "p2", "gift", "plan") is None
    # the facilitator has no draft calls at all
    status, body = _post(url, "facilitator", "draft",
                         {"args": {"module": "gift", "exercise": "plan"}}, "ft")
    assert status == 404 and "not something a facilitator can ask" in body["error"]["message"]
    assert _rows(path) == before


def test_drafts_are_limited_like_answers(room, monkeypatch):
    url, path = room
    p1 = _client(url, "p1")
    with pytest.raises(ParameterError, match="more than 32000 characters"):
        p1.save_draft("c", "p1", "gift", "plan", {"what": "x" * (MAX_ANSWER_CHARS + 10)})
    deep: dict = {}
    node = deep
    for _ in range(10):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ParameterError, match="nested deeper than"):
        p1.save_draft("c", "p1", "gift", "plan", deep)
    with pytest.raises(ParameterError, match="module 'nope' is not one of this workshop's"):
        p1.save_draft("c", "p1", "nope", "plan", {"what": "x"})
    monkeypatch.setattr(service_module, "MAX_DRAFTS_PER_PARTICIPANT", 2)
    p1.save_draft("c", "p1", "gift", "plan", {"what": "1"})
    p1.save_draft("c", "p1", "gift", "other", {"what": "2"})
    with pytest.raises(ParameterError, match="keeps 2 drafts"):
        p1.save_draft("c", "p1", "gift", "third", {"what": "3"})
    p1.save_draft("c", "p1", "gift", "plan", {"what": "1 again"})  # replacing one is fine
    assert [r[3] for r in _rows(path)] == ["other", "plan"]
    assert '"1 again"' in _rows(path)[1][4]


def test_drafts_are_not_answers_and_forget_removes_them(room):
    url, path = room
    _client(url, "p1").save_draft("c", "p1", "gift", "plan", {"what": "p1's draft"})
    _client(url, "p2").save_draft("c", "p2", "gift", "plan", {"what": "p2's draft"})
    facilitator = FacilitatorClient(url, "c", "ft")
    assert facilitator.count("c") == 0 and facilitator.module_answers("c", "gift").empty
    with Store(f"sqlite:///{path}") as store:
        assert store.answers("c") == []
        store.submit("c", "p1", "checkin", "arrived", {})
        store.forget("c", "p1")
    assert [r[1] for r in _rows(path)] == ["p2"]


def test_a_form_puts_typed_text_back_until_submit_replaces_it(room, content):
    url, path = room
    form = GiftPlanForm(_client(url, "p1"), "c", "p1", content.gift)
    assert LOST_MESSAGE in form.lost.value  # shown by CSS only once the form is disconnected
    form.fill(bring=PLAN["bring"])
    time.sleep(DRAFT_SECONDS + 1.5)  # typing, then a pause: kept through the service
    assert json.loads(_rows(path)[0][4])["bring"] == PLAN["bring"]
    assert "kept (not submitted yet)" in form.status
    # the kernel restarts, the notebook runs again: a new form, the text is back
    again = GiftPlanForm(_client(url, "p1"), "c", "p1", content.gift)
    assert again.areas["bring"].value == PLAN["bring"] and "is back" in again.status
    again.fill(**PLAN)
    assert again.submit()
    assert _rows(path) == []  # Submit replaced the draft
    third = GiftPlanForm(_client(url, "p1"), "c", "p1", content.gift)
    assert third.value() == PLAN and "is loaded (version 1)" in third.status
    # a draft older than the saved answer is not shown over it
    third.fill(bring="an idea I dropped later")
    assert third.save_draft()
    assert _client(url, "p1").submit("c", "p1", "gift", content.gift.plan_exercise, PLAN)
    fourth = GiftPlanForm(_client(url, "p1"), "c", "p1", content.gift)
    assert fourth.areas["bring"].value == PLAN["bring"]


def test_a_draft_the_form_cannot_read_back_is_left_aside(room, content):
    url, _path = room
    p1 = _client(url, "p1")
    p1.save_draft("c", "p1", "checkin", "trust_profile", {"ratings": ["not", "a", "dict"]})
    form = TrustProfileForm(p1, "c", "p1", content.checkin)
    assert "could not be put back" in form.status and form.situation.value == ""
    form.situation.value = "A client who wants a fixed fee for an open-ended audit"
    assert form.save_draft()  # typing again replaces the unreadable draft
    assert TrustProfileForm(p1, "c", "p1", content.checkin).situation.value.startswith("A client")
