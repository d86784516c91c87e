import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime

import pytest

from workshop_kit.errors import AccessError, ParameterError, StoreError
from workshop_kit.store import _MIGRATIONS, SCHEMA_VERSION, Store


def test_resubmission_is_a_new_version_and_latest_counts(store):
    first = store.submit("c", "p1", "checkin", "trust_profile", {"situation": "one"})
    second = store.submit("c", "p1", "checkin", "trust_profile", {"situation": "two"})
    assert (first.version, second.version) == (1, 2)
    assert store.latest_answer("c", "p1", "checkin", "trust_profile").payload == {
        "situation": "two"}
    assert [a.payload["situation"] for a in store.history("c", "p1", "checkin",
                                                           "trust_profile")] == ["one", "two"]
    assert store.count() == 2


def test_latest_per_exercise_and_module_frame(store):
    when = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    store.submit("c", "p1", "checkin", "trust_profile", {"v": 1}, submitted_at=when)
    store.submit("c", "p1", "checkin", "trust_profile", {"v": 2})
    store.submit("c", "p2", "checkin", "trust_profile", {"v": 3})
    store.submit("c", "p1", "purpose", "purpose_sort", {"v": 4})
    store.submit("other", "p1", "checkin", "trust_profile", {"v": 5})
    latest = store.latest("c", "p1")
    assert [(a.module, a.payload["v"]) for a in latest] == [("checkin", 2), ("purpose", 4)]
    frame = store.module_answers("c", "checkin")
    assert list(frame.columns) == ["participant", "exercise", "version", "submitted_at",
                                   "source", "payload", "run"]
    assert frame["participant"].tolist() == ["p1", "p2"]
    assert frame["version"].tolist() == [2, 1]
    assert [p["v"] for p in frame["payload"]] == [2, 3]
    assert str(frame["submitted_at"].dt.tz) == "UTC"
    assert store.module_answers("c", "nothing").empty


AWKWARD_TEXTS = {
    "quotes": "It's \"fine\", isn't it? `back` ‘curly’ “double” \\ backslash",
    "emoji": "Trust 🤝 takes time ⏳ — 👩🏽‍💼 and 🇳🇱 flags, e\u0301 combining",
    "long": "é" * 20_000,
    "html": "<script>alert('x')</script><b onmouseover=\"x()\">bold</b> &amp; &lt;",
    "sql": "'; DROP TABLE answers; -- \" OR 1=1; SELECT * FROM tokens; %s ? :name $1",
    "control": "tab\there\nnew line\r\n and a NUL \x00 byte",
}


@pytest.mark.parametrize("kind", sorted(AWKWARD_TEXTS))
def test_text_is_kept_verbatim(store, kind):
    text = AWKWARD_TEXTS[kind]
    store.submit("c", "p1", "checkin", "trust_profile", {"situation": text, kind: [text]})
    saved = store.latest_answer("c", "p1", "checkin", "trust_profile").payload
    assert saved == {"situation": text, kind: [text]}
    assert store.module_answers("c", "checkin")["payload"][0]["situation"] == text
    assert store.count() == 1 and store.participants("c") == ["p1"]


def test_bad_input_writes_nothing(store):
    with pytest.raises(ParameterError, match="participant must be a non-empty string"):
        store.submit("c", " ", "checkin", "x", {})
    with pytest.raises(ParameterError, match="payload cannot be stored as JSON"):
        store.submit("c", "p1", "checkin", "x", {"when": datetime.now()})
    with pytest.raises(ParameterError, match="payload must be a dict"):
        store.submit("c", "p1", "checkin", "x", ["a"])
    with pytest.raises(ParameterError, match="timezone-aware"):
        store.submit("c", "p1", "checkin", "x", {}, submitted_at=datetime(2026, 1, 1))
    assert store.count() == 0


def test_file_is_sqlite_in_wal_mode_with_schema_version(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.submit("c", "p1", "m", "e", {"a": 1})
    raw = sqlite3.connect(store.path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    row = raw.execute("SELECT payload, source FROM answers").fetchone()
    assert json.loads(row[0]) == {"a": 1} and row[1] == "participant"


def test_reopening_keeps_answers(store_url):
    with Store(store_url) as s:
        s.submit("c", "p1", "m", "e", {"a": 1})
        assert s.schema_version() == SCHEMA_VERSION
    with Store(store_url) as s:
        assert s.latest_answer("c", "p1", "m", "e").payload == {"a": 1}
        assert s.schema_version() == SCHEMA_VERSION


V1_SCHEMA = """
CREATE TABLE answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, cohort TEXT NOT NULL, participant TEXT NOT NULL,
    module TEXT NOT NULL, exercise TEXT NOT NULL, version INTEGER NOT NULL,
    payload TEXT NOT NULL, submitted_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'participant',
    UNIQUE (cohort, participant, module, exercise, version));
CREATE INDEX answers_module ON answers (cohort, module, exercise);
INSERT INTO answers VALUES (1, 'c', 'p1', 'checkin', 'trust_profile', 1, '{"situation": "one"}',
                            '2026-12-03T09:00:00+00:00', 'participant');
INSERT INTO answers VALUES (2, 'c', 'p1', 'checkin', 'trust_profile', 2, '{"situation": "two"}',
                            '2026-12-03T09:05:00+00:00', 'participant');
PRAGMA user_version = 1;
"""


def test_a_v1_sqlite_store_is_upgraded_without_losing_answers(tmp_path):
    path = tmp_path / "old.sqlite"
    raw = sqlite3.connect(path)
    raw.executescript(V1_SCHEMA)
    raw.close()
    with Store(f"sqlite:///{path}") as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert [a.payload["situation"] for a in s.history("c", "p1", "checkin",
                                                           "trust_profile")] == ["one", "two"]
        assert s.submit("c", "p1", "checkin", "trust_profile", {"situation": "3"}).version == 3
        s.register_tokens("c", {"p1": "secret-1"})
        s.check_token("c", "p1", "secret-1")
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"answers", "tokens"} <= tables
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this kit"):
        Store(f"sqlite:///{path}")


def test_a_v1_postgresql_store_is_upgraded(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in _MIGRATIONS[1]["postgresql"]:
            conn.execute(statement)
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (1)")
        conn.execute("INSERT INTO answers (cohort, participant, module, exercise, version, "
                     "payload, submitted_at) VALUES ('c', 'p1', 'm', 'e', 1, '{\"a\": 1}', "
                     "now())")
    with Store(pg_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.latest_answer("c", "p1", "m", "e").payload == {"a": 1}
        assert s.submit("c", "p1", "m", "e", {"a": 2}).version == 2
        s.register_tokens("c", {"p1": "t"})


def test_store_url_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_KIT_STORE_URL", raising=False)
    with pytest.raises(ParameterError, match="store_url is empty"):
        Store("")
    with pytest.raises(ParameterError, match="not supported; use sqlite:///"):
        Store("mysql://x")
    with pytest.raises(ParameterError, match="'mysql://me:\\*\\*\\*@db/x' is not supported"):
        Store("mysql://me:hunter2@db/x")
    with pytest.raises(StoreError, match="does not exist; build the cohort first"):
        Store(f"sqlite:///{tmp_path / 'missing' / 's.sqlite'}")
    monkeypatch.setenv("WORKSHOP_KIT_STORE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with Store() as s:
        assert s.path == tmp_path / "env.sqlite"


def test_closed_store_gives_store_error(store):
    store.close()
    with pytest.raises(StoreError, match="could not save the answer"):
        store.submit("c", "p1", "m", "e", {"a": 1})


def test_unreachable_server_is_a_store_error_and_hides_the_password():
    pytest.importorskip("psycopg")
    store = Store("postgresql://kit:hunter2@127.0.0.1:9/nowhere", timeout=2)
    with pytest.raises(StoreError, match=r"could not save the answer to "
                       r"postgresql://kit:\*\*\*@127.0.0.1:9/nowhere: cannot reach the server"):
        store.submit("c", "p1", "m", "e", {"a": 1})
    with pytest.raises(StoreError, match="could not read the store"):
        store.latest_answer("c", "p1", "m", "e")


def test_forget_removes_every_version_of_one_participant(store):
    for who in ("p1", "p2"):
        for exercise in ("a", "b"):
            store.submit("c", who, "m", exercise, {"x": 1})
            store.submit("c", who, "m", exercise, {"x": 2})
    store.submit("other", "p1", "m", "a", {"x": 1})
    store.submit("c", "p2", "gift", "gift_feedback:p1", {"x": 3})  # about p1: goes too
    store.submit("c", "facilitator", "gift", "pairs", {"groups": [["p1", "p2"]]})
    store.register_tokens("c", {"p1": "tok-1", "p2": "tok-2"})
    assert store.forget("c", "p1") == 5
    assert store.participants("c") == ["facilitator", "p2"]
    assert store.count("c") == 5 and store.count("other") == 1
    assert store.latest_answer("c", "facilitator", "gift", "pairs").payload == {
        "groups": [["removed", "p2"]]}
    assert store.registered("c") == ["p2"]  # their token is gone: no more writes
    assert "p1" not in repr(store.answers("c"))
    with pytest.raises(ParameterError, match="'p1' is not a participant of cohort 'c'"):
        store.forget("c", "p1")
    with pytest.raises(ParameterError, match="'p3' is not a participant of cohort 'c'"):
        store.forget("c", "p3")


def test_tokens_are_kept_as_hashes_and_checked(store):
    assert store.register_tokens("c", {"p1": "tok-1", "facilitator": "tok-f"}) == 2
    store.check_token("c", "p1", "tok-1")
    store.check_token("c", "facilitator", "tok-f")
    with pytest.raises(AccessError, match="token given for participant 'p1' of cohort 'c' is "
                       "not the right one"):
        store.check_token("c", "p1", "tok-f")
    with pytest.raises(AccessError, match="token is empty for the facilitator"):
        store.check_token("c", "facilitator", "")
    with pytest.raises(AccessError, match="cohort 'x' has no tokens registered"):
        store.check_token("x", "p1", "tok-1")
    store.register_tokens("c", {"p1": "new"})  # a rebuild with a new secret replaces it
    with pytest.raises(AccessError):
        store.check_token("c", "p1", "tok-1")
    store.check_token("c", "p1", "new")
    hashes = store._query("SELECT token_hash FROM tokens", ())
    assert all(len(h) == 64 and "tok" not in h for (h,) in hashes)


def _writer(url: str, who: str, n: int) -> None:
    with Store(url) as s:
        for i in range(n):
            s.submit("c", who, "m", "e", {"i": i})


def test_parallel_writers_lose_nothing(store_url):
    url = store_url
    Store(url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, who, 25)) for who in ("p1", "p2", "p3")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    with Store(url) as s:
        assert s.count() == 75
        for who in ("p1", "p2", "p3"):
            versions = [a.version for a in s.history("c", who, "m", "e")]
            assert versions == list(range(1, 26))


def _v2_store(conn, dialect: str) -> None:
    for step in (1, 2):
        for statement in _MIGRATIONS[step][dialect]:
            conn.execute(statement)


def test_a_v2_sqlite_store_gains_runs_and_exercise_state(tmp_path):
    path = tmp_path / "v2.sqlite"
    raw = sqlite3.connect(path)
    _v2_store(raw, "sqlite")
    raw.execute("INSERT INTO answers (cohort, participant, module, exercise, version, payload, "
                "submitted_at) VALUES ('c', 'p1', 'm', 'e', 1, '{\"a\": 1}', "
                "'2026-12-03T09:00:00+00:00')")
    raw.execute("PRAGMA user_version = 2")
    raw.commit()
    raw.close()
    with Store(f"sqlite:///{path}") as s:
        assert s.schema_version() == SCHEMA_VERSION == 5
        old = s.latest_answer("c", "p1", "m", "e")
        assert (old.payload, old.run, old.id) == ({"a": 1}, 1, 1)
        s.set_exercise_state("c", "m", "e", locked=True)
        assert s.exercise_state("c", "m", "e").locked
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"answers", "tokens", "exercise_state", "module_times"} <= tables
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "answers_since" in indexes


def test_a_v2_postgresql_store_gains_runs_and_exercise_state(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        _v2_store(conn, "postgresql")
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (2)")
        conn.execute("INSERT INTO answers (cohort, participant, module, exercise, version, "
                     "payload, submitted_at) VALUES ('c', 'p1', 'm', 'e', 1, '{\"a\": 1}', "
                     "now())")
    with Store(pg_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.latest_answer("c", "p1", "m", "e").run == 1
        assert s.reset_exercise("c", "m", "e").run == 2
        assert s.latest_answer("c", "p1", "m", "e") is None
        assert s.submit("c", "p1", "m", "e", {"a": 2}).run == 2


def test_exercise_key_drops_rounds_and_games():
    from workshop_kit.store import exercise_key

    assert exercise_key("trust_profile") == "trust_profile"
    assert exercise_key("roleplay_path_r2") == "roleplay_path"
    assert exercise_key("move:g3:7") == "move"


def test_one_batch_mixes_stored_locked_and_refused_answers_in_order(store):
    """The service's group commit: each entry gets its own outcome, in the batch's order, on
    both backends (PostgreSQL runs the batch's inserts in one pipeline)."""
    from workshop_kit.errors import ExerciseLockedError
    from workshop_kit.store import Submission

    store.register_tokens("c", {"p1": "tok-1", "p2": "tok-2", "facilitator": "tok-f"})
    store.set_exercise_state("c", "m", "closed", locked=True)
    batch = [Submission("c", "p1", "m", "open", {"n": 1}, (("p1", "tok-1"),)),
             Submission("c", "p2", "m", "closed", {"n": 2}, (("p2", "tok-2"),)),
             Submission("c", "p2", "m", "open", {"n": 3}, (("p2", "wrong"),)),
             Submission("c", "p1", "m", "open", {"n": 4}, (("p1", "tok-1"),)),
             Submission("c", "p2", "m", "open", {"n": 5}, (("p2", "tok-2"),)),
             Submission("c", "p1", "m", "open", ["not", "a", "dict"], (("p1", "tok-1"),))]
    out = store.submit_batch(batch)
    assert [(a.participant, a.version, a.payload) for a in (out[0], out[3], out[4])] == [
        ("p1", 1, {"n": 1}), ("p1", 2, {"n": 4}), ("p2", 1, {"n": 5})]
    assert isinstance(out[1], ExerciseLockedError)
    assert isinstance(out[2], AccessError)
    assert isinstance(out[5], ParameterError)
    assert sorted((a.participant, a.version, a.payload["n"]) for a in store.answers("c")) == [
        ("p1", 1, 1), ("p1", 2, 4), ("p2", 1, 5)]


def test_a_batch_the_database_refuses_writes_none_of_it(pg_url):
    """PostgreSQL refuses a NUL in text only when the statement runs (inside the batch's
    pipeline): the whole batch is a StoreError and nothing of it is stored, so the service's
    writer can store its answers one by one instead."""
    from workshop_kit.store import Submission

    with Store(pg_url) as store:
        store.register_tokens("c", {"p1": "tok-1", "facilitator": "tok-f"})
        batch = [Submission("c", "p1", "m", "fine", {"n": 1}, (("p1", "tok-1"),)),
                 Submission("c", "p1", "m", "bad\x00name", {"n": 2}, (("p1", "tok-1"),))]
        with pytest.raises(StoreError, match="could not save the answers"):
            store.submit_batch(batch)
        assert store.count("c") == 0
        assert store.submit_batch(batch[:1])[0].version == 1  # the connection still works
        assert store.count("c") == 1
