"""The response store: every answer a participant submits, versioned, never overwritten.

The default backend is a SQLite file (WAL mode) in the cohort folder, named by a URL such as
``sqlite:///build/demo/responses.sqlite``. A resubmission becomes a new version; the latest
version is the one that counts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ParameterError, StoreError

ENV_STORE_URL = "WORKSHOP_KIT_STORE_URL"
SCHEMA_VERSION = 1
MAX_PAYLOAD_CHARS = 200_000

_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS answers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        cohort TEXT NOT NULL,
        participant TEXT NOT NULL,
        module TEXT NOT NULL,
        exercise TEXT NOT NULL,
        version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'participant',
        UNIQUE (cohort, participant, module, exercise, version)
    )
    """,
    "CREATE INDEX IF NOT EXISTS answers_module ON answers (cohort, module, exercise)",
]


@dataclass(frozen=True)
class Answer:
    """One stored answer (one version of it)."""

    cohort: str
    participant: str
    module: str
    exercise: str
    version: int
    payload: dict[str, Any]
    submitted_at: datetime
    source: str = "participant"


def resolve_store_url(store_url: str | None) -> str:
    """The URL given, else $WORKSHOP_KIT_STORE_URL; a clear error if neither is set."""
    url = store_url or os.environ.get(ENV_STORE_URL, "")
    if not url:
        raise ParameterError(
            "store_url is empty; build the cohort with `workshop-kit build` (it fills in the "
            f"notebook parameters) or set {ENV_STORE_URL}"
        )
    return url


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise ParameterError(
            f"store_url '{url}' is not supported; use sqlite:///path/to/responses.sqlite"
        )
    return Path(url[len("sqlite:///") :])


def _now() -> datetime:
    return datetime.now(UTC)


def _as_time(value: datetime | None) -> datetime:
    when = value or _now()
    if when.tzinfo is None:
        raise ParameterError("submitted_at must be timezone-aware (e.g. datetime.now(UTC))")
    return when.astimezone(UTC)


class Store:
    """Answers of one or more cohorts in one SQLite file."""

    def __init__(self, url: str | None = None, *, timeout: float = 30.0):
        self.url = resolve_store_url(url)
        self.path = sqlite_path(self.url)
        self._timeout = timeout
        if not self.path.parent.is_dir():
            raise StoreError(
                f"store folder {self.path.parent} does not exist; build the cohort first"
            )
        # One connection, shared with a widget's polling thread: calls take turns.
        self._lock = threading.RLock()
        self._conn = self._connect()
        self._migrate()

    # -- connection ------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None
        return conn

    def _migrate(self) -> None:
        (version,) = self._conn.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this kit "
                f"({SCHEMA_VERSION}); upgrade workshop-kit"
            )
        if version < SCHEMA_VERSION:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def submit(
        self,
        cohort: str,
        participant: str,
        module: str,
        exercise: str,
        payload: dict[str, Any],
        *,
        submitted_at: datetime | None = None,
        source: str = "participant",
    ) -> Answer:
        """Store an answer as a new version; returns it. Nothing is written if it fails."""
        for field, value in (
            ("cohort", cohort),
            ("participant", participant),
            ("module", module),
            ("exercise", exercise),
        ):
            if not isinstance(value, str) or not value.strip():
                raise ParameterError(f"{field} must be a non-empty string, got {value!r}")
        if not isinstance(payload, dict):
            raise ParameterError(f"payload must be a dict, got {type(payload).__name__}")
        try:
            text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"payload cannot be stored as JSON: {exc}") from None
        if len(text) > MAX_PAYLOAD_CHARS:
            raise ParameterError(
                f"payload is {len(text)} characters; the limit is {MAX_PAYLOAD_CHARS}"
            )
        when = _as_time(submitted_at)
        key = (cohort, participant, module, exercise)
        with self._lock:
            latest = self._insert(key, text, when, source)
        return Answer(*key, latest + 1, json.loads(text), when, source)

    def _insert(self, key: tuple, text: str, when: datetime, source: str) -> int:
        for attempt in range(5):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    (latest,) = self._conn.execute(
                        "SELECT COALESCE(MAX(version), 0) FROM answers WHERE cohort = ? AND "
                        "participant = ? AND module = ? AND exercise = ?",
                        key,
                    ).fetchone()
                    self._conn.execute(
                        "INSERT INTO answers (cohort, participant, module, exercise, version, "
                        "payload, submitted_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (*key, latest + 1, text, when.isoformat(), source),
                    )
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                break
            except sqlite3.Error as exc:
                if "locked" in str(exc) and attempt < 4:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise StoreError(f"could not save the answer to {self.path}: {exc}") from None
        return latest

    # -- reading ---------------------------------------------------------------------------
    _LATEST = """
        SELECT a.cohort, a.participant, a.module, a.exercise, a.version, a.payload,
               a.submitted_at, a.source
        FROM answers a
        JOIN (SELECT cohort, participant, module, exercise, MAX(version) AS version
              FROM answers WHERE {where}
              GROUP BY cohort, participant, module, exercise) m
          USING (cohort, participant, module, exercise, version)
        ORDER BY a.participant, a.module, a.exercise
    """

    @staticmethod
    def _answer(row: tuple) -> Answer:
        cohort, participant, module, exercise, version, payload, at, source = row
        return Answer(
            cohort,
            participant,
            module,
            exercise,
            version,
            json.loads(payload),
            datetime.fromisoformat(at),
            source,
        )

    def _query(self, sql: str, args: tuple) -> list[tuple]:
        try:
            with self._lock:
                return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"could not read the store {self.path}: {exc}") from None

    def latest(self, cohort: str, participant: str, module: str | None = None) -> list[Answer]:
        """A participant's latest answer for each exercise (of one module, or all)."""
        where = "cohort = ? AND participant = ?"
        args: tuple = (cohort, participant)
        if module is not None:
            where += " AND module = ?"
            args += (module,)
        rows = self._query(self._LATEST.format(where=where), args)
        return [self._answer(r) for r in rows]

    def latest_answer(
        self, cohort: str, participant: str, module: str, exercise: str
    ) -> Answer | None:
        """The latest version of one answer, or None if the participant has not answered."""
        rows = self._query(
            "SELECT cohort, participant, module, exercise, version, payload, submitted_at, "
            "source FROM answers WHERE cohort = ? AND participant = ? AND module = ? AND "
            "exercise = ? ORDER BY version DESC LIMIT 1",
            (cohort, participant, module, exercise),
        )
        return self._answer(rows[0]) if rows else None

    def history(self, cohort: str, participant: str, module: str, exercise: str) -> list[Answer]:
        """Every version of one answer, oldest first."""
        rows = self._query(
            "SELECT cohort, participant, module, exercise, version, payload, submitted_at, "
            "source FROM answers WHERE cohort = ? AND participant = ? AND module = ? AND "
            "exercise = ? ORDER BY version",
            (cohort, participant, module, exercise),
        )
        return [self._answer(r) for r in rows]

    def module_answers(
        self, cohort: str, module: str, exercise: str | None = None
    ) -> pd.DataFrame:
        """The latest answer of every participant for a module, one row each.

        Columns: participant, exercise, version, submitted_at, source, payload (a dict).
        """
        where = "cohort = ? AND module = ?"
        args: tuple = (cohort, module)
        if exercise is not None:
            where += " AND exercise = ?"
            args += (exercise,)
        rows = self._query(self._LATEST.format(where=where), args)
        answers = [self._answer(r) for r in rows]
        return pd.DataFrame(
            {
                "participant": [a.participant for a in answers],
                "exercise": [a.exercise for a in answers],
                "version": pd.array([a.version for a in answers], dtype="int64"),
                "submitted_at": pd.to_datetime([a.submitted_at for a in answers], utc=True),
                "source": [a.source for a in answers],
                "payload": [a.payload for a in answers],
            }
        )

    def latest_many(self, cohort: str, module: str, participants: list[str],
                    exercise_prefix: str) -> list[Answer]:
        """Latest answers of several participants to the exercises starting with a prefix
        (say, every move of one live game), in one query."""
        if not participants:
            return []
        marks = ",".join("?" * len(participants))
        where = (f"cohort = ? AND module = ? AND participant IN ({marks}) AND "
                 "substr(exercise, 1, ?) = ?")
        args = (cohort, module, *participants, len(exercise_prefix), exercise_prefix)
        return [self._answer(r) for r in self._query(self._LATEST.format(where=where), args)]

    def participants(self, cohort: str, exclude: tuple[str, ...] = ()) -> list[str]:
        """Everybody who has answered anything in the cohort (the people in the room)."""
        rows = self._query("SELECT DISTINCT participant FROM answers WHERE cohort = ? "
                           "ORDER BY participant", (cohort,))
        return [r[0] for r in rows if r[0] not in exclude]

    def count(self, cohort: str | None = None) -> int:
        """How many answer versions are stored (all versions, every participant)."""
        if cohort is None:
            return self._query("SELECT COUNT(*) FROM answers", ())[0][0]
        return self._query("SELECT COUNT(*) FROM answers WHERE cohort = ?", (cohort,))[0][0]
