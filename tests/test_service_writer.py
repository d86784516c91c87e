"""The service's writer: answers from many notebooks at once, each stored exactly once, the
per-participant quota counted exactly (also after a restart, and not for a refused answer), and
a credential revoked after it was accepted refused on its next submit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workshop_kit import service as service_module
from workshop_kit.client import FacilitatorClient, ParticipantClient
from workshop_kit.content import load_content
from workshop_kit.errors import AccessError, ExerciseLockedError, ParameterError

DATA = Path(__file__).resolve().parents[1] / "data"
COHORT, MODULE, EXERCISE = "writer", "checkin", "trust_profile"


def _answer(n: int) -> dict:
    checkin = load_content(DATA, check_notebooks=False).checkin
    low, high = checkin.scale.min, checkin.scale.max
    return {"ratings": {item.id: low + (n + k) % (high - low + 1)
                        for k, (_trait, item) in enumerate(checkin.items())},
            "situation": f"answer {n}: a buyer who asks for a discount before the scope",
            "share_with_facilitator": True}


@pytest.fixture
def room(store, serve_store):
    people = [f"p{i:02d}" for i in range(12)]
    store.register_tokens(COHORT, {p: f"t-{p}" for p in people} | {"facilitator": "t-f"})
    return store, people, lambda: serve_store(store.url, COHORT)


def test_many_notebooks_at_once_each_answer_stored_once(room):
    store, people, start = room
    url = start()
    answers, errors = 8, []
    payloads = [_answer(n) for n in range(answers)]
    gate = threading.Barrier(len(people))

    def notebook(who: str) -> None:
        with ParticipantClient(url, COHORT, who, f"t-{who}", {MODULE}) as me:
            me.latest_answer(COHORT, who, MODULE, EXERCISE)
            gate.wait()
            for n in range(answers):
                try:
                    stored = me.submit(COHORT, who, MODULE, EXERCISE, payloads[n])
                    assert stored.version == n + 1 and stored.payload == payloads[n]
                except Exception as exc:  # reported below, with the participant
                    errors.append(f"{who} {n}: {exc!r}")

    threads = [threading.Thread(target=notebook, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    rows = store.answers(COHORT)
    assert sorted((a.participant, a.version) for a in rows) == sorted(
        (p, v) for p in people for v in range(1, answers + 1))
    assert all(a.payload == payloads[a.version - 1] for a in rows)


def test_quota_holds_across_a_restart_and_a_refused_answer_does_not_count(room, monkeypatch):
    store, _people, start = room
    monkeypatch.setattr(service_module, "MAX_VERSIONS_PER_PARTICIPANT", 4)
    first = ParticipantClient(start(), COHORT, "p01", "t-p01", {MODULE})
    for n in range(3):
        first.submit(COHORT, "p01", MODULE, EXERCISE, _answer(n))
    first.close()
    url = start()  # a second service over the same store: it reads what p01 has stored
    me = ParticipantClient(url, COHORT, "p01", "t-p01", {MODULE})
    facilitator = FacilitatorClient(url, COHORT, "t-f", {MODULE})
    facilitator.set_exercise_state(COHORT, MODULE, EXERCISE, locked=True)
    with pytest.raises(ExerciseLockedError):
        me.submit(COHORT, "p01", MODULE, EXERCISE, _answer(3))
    facilitator.set_exercise_state(COHORT, MODULE, EXERCISE, locked=False)
    assert me.submit(COHORT, "p01", MODULE, EXERCISE, _answer(4)).version == 4
    with pytest.raises(ParameterError, match="the most one person may store"):
        me.submit(COHORT, "p01", MODULE, EXERCISE, _answer(5))
    assert store.usage(COHORT, "p01")[0] == 4
    # another participant's quota is their own
    other = ParticipantClient(url, COHORT, "p02", "t-p02", {MODULE})
    assert other.submit(COHORT, "p02", MODULE, EXERCISE, _answer(0)).version == 1
    for client in (me, facilitator, other):
        client.close()


def test_a_token_revoked_after_it_was_accepted_is_refused_on_the_next_submit(room):
    store, _people, start = room
    me = ParticipantClient(start(), COHORT, "p03", "t-p03", {MODULE})
    me.submit(COHORT, "p03", MODULE, EXERCISE, _answer(0))
    me.submit(COHORT, "p03", MODULE, EXERCISE, _answer(1))  # an accepted credential
    store.register_tokens(COHORT, {"p03": "a-new-token"})
    with pytest.raises(AccessError, match="not the right one"):
        me.submit(COHORT, "p03", MODULE, EXERCISE, _answer(2))
    assert [a.version for a in store.history(COHORT, "p03", MODULE, EXERCISE)] == [1, 2]
    me.close()
