import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime

import pytest

from workshop_kit.errors import ParameterError, StoreError
from workshop_kit.store import Store


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
                                   "source", "payload"]
    assert frame["participant"].tolist() == ["p1", "p2"]
    assert frame["version"].tolist() == [2, 1]
    assert [p["v"] for p in frame["payload"]] == [2, 3]
    assert str(frame["submitted_at"].dt.tz) == "UTC"
    assert store.module_answers("c", "nothing").empty


def test_text_is_kept_verbatim(store):
    text = "It's \"fine\" 😀 <script>alert(1)</script> '; DROP TABLE answers; -- " + "x" * 20000
    store.submit("c", "p1", "checkin", "trust_profile", {"situation": text})
    assert store.latest_answer("c", "p1", "checkin", "trust_profile").payload["situation"] == text


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


def test_file_is_sqlite_in_wal_mode_with_schema_version(store):
    store.submit("c", "p1", "m", "e", {"a": 1})
    raw = sqlite3.connect(store.path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    row = raw.execute("SELECT payload, source FROM answers").fetchone()
    assert json.loads(row[0]) == {"a": 1} and row[1] == "participant"


def test_reopening_keeps_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as s:
        s.submit("c", "p1", "m", "e", {"a": 1})
    with Store(url) as s:
        assert s.latest_answer("c", "p1", "m", "e").payload == {"a": 1}


def test_store_url_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_KIT_STORE_URL", raising=False)
    with pytest.raises(ParameterError, match="store_url is empty"):
        Store("")
    with pytest.raises(ParameterError, match="not supported"):
        Store("mysql://x")
    with pytest.raises(StoreError, match="does not exist; build the cohort first"):
        Store(f"sqlite:///{tmp_path / 'missing' / 's.sqlite'}")
    monkeypatch.setenv("WORKSHOP_KIT_STORE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with Store() as s:
        assert s.path == tmp_path / "env.sqlite"


def test_closed_store_gives_store_error(store):
    store.close()
    with pytest.raises(StoreError, match="could not save the answer"):
        store.submit("c", "p1", "m", "e", {"a": 1})


def _writer(url: str, who: str, n: int) -> None:
    with Store(url) as s:
        for i in range(n):
            s.submit("c", who, "m", "e", {"i": i})


def test_parallel_writers_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
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
