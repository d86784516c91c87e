"""The response store: every answer a participant submits, versioned, never overwritten.

A store is named by a URL. ``sqlite:///build/demo/responses.sqlite`` (the default) is a SQLite
file in WAL mode: one machine, no server. ``postgresql://user:password@host:5432/db`` is a
PostgreSQL database, for a hub whose participants' kernels run on several machines (it needs the
``postgres`` extra: ``pip install 'workshop-kit[postgres]'``).

A resubmission becomes a new version; the latest version is the one that counts. The version
is computed inside the INSERT and guarded by a UNIQUE constraint (a clash is retried), so any
number of concurrent writers never lose or duplicate an answer.

Each exercise has a state the facilitator controls (`ExerciseState`): open or locked (a locked
exercise refuses participants' answers, checked inside the INSERT), results hidden or revealed
to the room, and a run number: a reset starts a new run, the answers of earlier runs stay in
the store marked with their run, and every "latest answer" read returns the current run only.
The state is kept per exercise *key*: the exercise id without its round or game suffix
(`exercise_key`), so locking ``roleplay_path`` locks the seller's path of every round.

The kit creates and upgrades the schema itself: its version lives in the database
(``PRAGMA user_version`` for SQLite, a ``schema_version`` table for PostgreSQL) and each step
in ``_MIGRATIONS`` runs once, in order, under a lock.

This class is the kit's own access (simulation, tests, the trainer's machine). Participants
and the facilitator reach it through `workshop_kit.access`, which checks their tokens.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    AccessError,
    ExerciseLockedError,
    ParameterError,
    StoreError,
    WorkshopKitError,
)
from .names import published

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

ENV_STORE_URL = "WORKSHOP_KIT_STORE_URL"
SCHEMA_VERSION = 5
MAX_PAYLOAD_CHARS = 200_000
FACILITATOR = "facilitator"

# Each step upgrades the schema from the version before it, inside one transaction with the
# version bump (SQLite's DDL is transactional too), so a step runs exactly once.
# {version: {dialect: [statements]}}
_MIGRATIONS: dict[int, dict[str, list[str]]] = {
    1: {
        "sqlite": [
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
        ],
        "postgresql": [
            # COLLATE "C": the same (byte) order as SQLite, whatever the server's locale.
            """
            CREATE TABLE IF NOT EXISTS answers (
                id BIGSERIAL PRIMARY KEY,
                cohort TEXT COLLATE "C" NOT NULL,
                participant TEXT COLLATE "C" NOT NULL,
                module TEXT COLLATE "C" NOT NULL,
                exercise TEXT COLLATE "C" NOT NULL,
                version INTEGER NOT NULL,
                payload TEXT NOT NULL,
                submitted_at TIMESTAMPTZ NOT NULL,
                source TEXT NOT NULL DEFAULT 'participant',
                UNIQUE (cohort, participant, module, exercise, version)
            )
            """,
            "CREATE INDEX IF NOT EXISTS answers_module ON answers (cohort, module, exercise)",
        ],
    },
    2: {
        # Who may write: the SHA-256 of each participant's (and the facilitator's) token,
        # registered by `workshop-kit build`. The tokens themselves are never stored.
        "sqlite": [
            """
            CREATE TABLE IF NOT EXISTS tokens (
                cohort TEXT NOT NULL,
                who TEXT NOT NULL,
                token_hash TEXT NOT NULL,
                PRIMARY KEY (cohort, who)
            )
            """,
        ],
        "postgresql": [
            """
            CREATE TABLE IF NOT EXISTS tokens (
                cohort TEXT COLLATE "C" NOT NULL,
                who TEXT COLLATE "C" NOT NULL,
                token_hash TEXT NOT NULL,
                PRIMARY KEY (cohort, who)
            )
            """,
        ],
    },
    3: {
        # The facilitator's cockpit: each answer's run (a reset starts a new one), the state of
        # each exercise, the actual start and end of each module, and an index for reading
        # only the answers newer than the last one seen.
        "sqlite": [
            "ALTER TABLE answers ADD COLUMN run INTEGER NOT NULL DEFAULT 1",
            "CREATE INDEX IF NOT EXISTS answers_since ON answers (cohort, module, id)",
            """
            CREATE TABLE IF NOT EXISTS exercise_state (
                cohort TEXT NOT NULL,
                module TEXT NOT NULL,
                exercise TEXT NOT NULL,
                locked INTEGER NOT NULL DEFAULT 0,
                revealed INTEGER NOT NULL DEFAULT 0,
                run INTEGER NOT NULL DEFAULT 1,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (cohort, module, exercise)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS module_times (
                cohort TEXT NOT NULL,
                module TEXT NOT NULL,
                started_at TEXT,
                ended_at TEXT,
                PRIMARY KEY (cohort, module)
            )
            """,
        ],
        "postgresql": [
            "ALTER TABLE answers ADD COLUMN IF NOT EXISTS run INTEGER NOT NULL DEFAULT 1",
            "CREATE INDEX IF NOT EXISTS answers_since ON answers (cohort, module, id)",
            """
            CREATE TABLE IF NOT EXISTS exercise_state (
                cohort TEXT COLLATE "C" NOT NULL,
                module TEXT COLLATE "C" NOT NULL,
                exercise TEXT COLLATE "C" NOT NULL,
                locked INTEGER NOT NULL DEFAULT 0,
                revealed INTEGER NOT NULL DEFAULT 0,
                run INTEGER NOT NULL DEFAULT 1,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (cohort, module, exercise)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS module_times (
                cohort TEXT COLLATE "C" NOT NULL,
                module TEXT COLLATE "C" NOT NULL,
                started_at TIMESTAMPTZ,
                ended_at TIMESTAMPTZ,
                PRIMARY KEY (cohort, module)
            )
            """,
        ],
    },
    4: {
        # Random keys that never leave the store's side (the service, the trainer's machine):
        # the anonymous keys of drill definitions are derived from them, so nobody who only
        # knows the cohort, the case and a colleague's id can compute which definition is whose.
        "sqlite": [
            """
            CREATE TABLE IF NOT EXISTS cohort_keys (
                cohort TEXT NOT NULL,
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (cohort, name)
            )
            """,
        ],
        "postgresql": [
            """
            CREATE TABLE IF NOT EXISTS cohort_keys (
                cohort TEXT COLLATE "C" NOT NULL,
                name TEXT COLLATE "C" NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (cohort, name)
            )
            """,
        ],
    },
    5: {
        # Drafts: what a participant typed into a form and has not submitted, one per exercise,
        # kept apart from the answers (never exported, reported or shown to anyone else) so a
        # restarted kernel puts it back into the form; `forget` removes them too.
        "sqlite": [
            """
            CREATE TABLE IF NOT EXISTS drafts (
                cohort TEXT NOT NULL,
                participant TEXT NOT NULL,
                module TEXT NOT NULL,
                exercise TEXT NOT NULL,
                payload TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (cohort, participant, module, exercise)
            )
            """,
        ],
        "postgresql": [
            """
            CREATE TABLE IF NOT EXISTS drafts (
                cohort TEXT COLLATE "C" NOT NULL,
                participant TEXT COLLATE "C" NOT NULL,
                module TEXT COLLATE "C" NOT NULL,
                exercise TEXT COLLATE "C" NOT NULL,
                payload TEXT NOT NULL,
                saved_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (cohort, participant, module, exercise)
            )
            """,
        ],
    },
}


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
    run: int = 1
    id: int = 0  # the row's id in the store (rises with every write); 0 when not known


@dataclass(frozen=True)
class ExerciseState:
    """What the facilitator decided for one exercise of a cohort (the default: open, results
    hidden, first run)."""

    module: str
    exercise: str
    locked: bool = False
    revealed: bool = False
    run: int = 1


def exercise_key(exercise: str) -> str:
    """The exercise as the facilitator controls it: without a round suffix (``_r2``) or a game
    and round (``move:g1:3`` → ``move``)."""
    return re.sub(r"_r\d+$", "", exercise.split(":", 1)[0])


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
            f"store_url '{redact(url)}' is not supported; use sqlite:///path/to/responses.sqlite "
            "or postgresql://user:password@host:5432/database"
        )
    return Path(url[len("sqlite:///") :])


def redact(url: str) -> str:
    """The URL with any password replaced by ***, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _as_time(value: datetime | None) -> datetime:
    when = value or _now()
    if when.tzinfo is None:
        raise ParameterError("submitted_at must be timezone-aware (e.g. datetime.now(UTC))")
    return when.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Dialects: how to connect, what a placeholder looks like, which errors mean what.


class _SQLite:
    """A SQLite file in WAL mode, shared by the kernels of one machine."""

    name = "sqlite"

    def __init__(self, url: str, timeout: float):
        self.path = sqlite_path(url)
        self.where = str(self.path)
        self.timeout = timeout
        self._identity: tuple[int, int] | None = None
        if not self.path.parent.is_dir():
            raise StoreError(
                f"store folder {self.path.parent} does not exist; build the cohort first"
            )
        # Writers of this machine queue on a lock file (a kernel-managed queue) rather than
        # polling SQLite's lock with growing sleeps: that keeps the slowest submit short.
        self._lock_path = self.path.with_name(self.path.name + ".writer-lock")

    def sql(self, statement: str) -> str:
        return statement

    def connect(self) -> sqlite3.Connection:
        if not self.path.parent.is_dir() or (self._identity and not self.path.exists()):
            raise _Unreachable("the file is gone (was its folder moved, unmounted or deleted?)")
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            stat = self.path.stat()
        except (sqlite3.Error, OSError) as exc:
            raise _Unreachable(str(exc)) from None
        self._identity = (stat.st_dev, stat.st_ino)
        return conn

    def still_there(self) -> bool:
        """False if the file was removed or replaced since it was opened: an open handle on a
        deleted file would accept answers that nobody will ever read."""
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self._identity

    @contextlib.contextmanager
    def write_lock(self):
        try:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            try:  # made by another user of a shared folder: flock needs no write access
                fd = os.open(self._lock_path, os.O_RDONLY)
            except OSError:  # an odd folder: SQLite's own locking still keeps answers safe
                yield
                return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def read_version(self, conn: sqlite3.Connection) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    @contextlib.contextmanager
    def migration(self, conn: sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def write_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def is_clash(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)

    def is_busy(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)

    def is_gone(self, exc: Exception) -> bool:
        return False

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def time_value(self, when: datetime) -> Any:
        return when.isoformat()

    def insert_each(self, tx: Any, sql: str, rows: list[tuple]) -> list[tuple | None]:
        """Run one INSERT ... RETURNING for each row of arguments, in order, in the open
        transaction: the row each returned, or None. In-process, a statement costs no
        round trip, so one after the other."""
        return [tx.execute(sql, args).fetchone() for args in rows]


class _Postgres:
    """A PostgreSQL database, for kernels spread over several machines."""

    name = "postgresql"
    _MIGRATION_LOCK = 7_151_207  # pg_advisory_xact_lock key: one migrator at a time

    def __init__(self, url: str, timeout: float):
        try:
            import psycopg  # noqa: PLC0415 (heavy or optional: imported when used)
        except ImportError:
            raise StoreError(
                "a postgresql:// store needs the package psycopg: "
                "pip install 'workshop-kit[postgres]' (or 'psycopg[binary]')"
            ) from None
        self.psycopg = psycopg
        self.url = url
        self.where = redact(url)
        self.timeout = timeout
        self.errors = (psycopg.Error,)

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def connect(self) -> Any:
        try:
            return self.psycopg.connect(self.url, autocommit=True,
                                        connect_timeout=max(1, int(min(self.timeout, 5))))
        except self.psycopg.Error as exc:
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise _Unreachable(f"cannot reach the server: {reason}") from None

    def still_there(self) -> bool:
        return True

    @contextlib.contextmanager
    def write_lock(self):
        yield

    def read_version(self, conn: Any) -> int:
        exists = conn.execute("SELECT to_regclass('schema_version')").fetchone()[0]
        if exists is None:
            return 0
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return row[0] or 0

    @contextlib.contextmanager
    def migration(self, conn: Any):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            yield

    def write_version(self, conn: Any, version: int) -> None:
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    def is_clash(self, exc: Exception) -> bool:
        return isinstance(exc, self.psycopg.errors.UniqueViolation)

    def is_busy(self, exc: Exception) -> bool:
        errors = self.psycopg.errors
        return isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected)

    def is_gone(self, exc: Exception) -> bool:
        return isinstance(exc, self.psycopg.OperationalError | self.psycopg.InterfaceError)

    def time_value(self, when: datetime) -> Any:
        return when

    def insert_each(self, tx: Any, sql: str, rows: list[tuple]) -> list[tuple | None]:
        """Run one INSERT ... RETURNING for each row of arguments, in order, in the open
        transaction: the row each returned, or None. All in one pipeline (psycopg's
        executemany with returning): the server runs them one after the other as before,
        but the batch waits for one round trip instead of one per answer."""
        if not rows:
            return []
        if len(rows) == 1:
            return [tx.execute(sql, rows[0]).fetchone()]
        tx.executemany(sql, rows, returning=True)
        found = []
        while True:
            found.append(tx.fetchone())
            if not tx.nextset():
                break
        return found


def _token_refusal(where: str, cohort: str, who: str, token: str,
                   hashes: dict[str, str]) -> AccessError | None:
    """Why `token` is not `who`'s in `cohort` (hashes: {who: hash} of the tokens table, with
    the facilitator's and `who`'s rows if there are any), or None if it is."""
    role = "the facilitator" if who == FACILITATOR else f"participant '{who}'"
    if not token:
        return AccessError(
            f"token is empty for {role} of cohort '{cohort}'; open the notebook built for "
            "you by `workshop-kit build` (its parameters carry your token)")
    if not hashes:
        return AccessError(
            f"cohort '{cohort}' has no tokens registered in the store {where}; run "
            "`workshop-kit build` for it (it registers them)")
    expected = hashes.get(who) or "-" * 64  # compared all the same: no early exit
    if not hmac.compare_digest(expected.encode(), token_hash(token).encode()) \
            or who not in hashes:
        return AccessError(
            f"the token given for {role} of cohort '{cohort}' is not the right one; open "
            "the notebook built for you (or ask the trainer for your token)")
    return None


def _lots(items: list[str], size: int = 500) -> list[list[str]]:
    """`items` in lots small enough for one statement's parameters."""
    return [items[n:n + size] for n in range(0, len(items), size)]


@dataclass
class Submission:
    """One answer waiting in the service's group commit (`Store.submit_batch`)."""

    cohort: str
    participant: str
    module: str
    exercise: str
    payload: Any
    checks: tuple[tuple[str, str], ...] = ()  # (who, token) to check in the transaction
    source: str = "participant"
    submitted_at: datetime | None = None


class _Unreachable(Exception):
    """The file or server cannot be reached now (a reason for a StoreError message)."""


def _dialect(url: str, timeout: float) -> _SQLite | _Postgres:
    if url.startswith(("postgresql://", "postgres://")):
        return _Postgres(url, timeout)
    return _SQLite(url, timeout)


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """Answers of one or more cohorts in one SQLite file or PostgreSQL database.

    One connection, opened on first use and reopened after the server or file comes back;
    calls take turns (a widget's polling thread shares it).
    """

    def __init__(self, url: str | None = None, *, timeout: float = 30.0):
        self.url = resolve_store_url(url)
        self._dialect = _dialect(self.url, timeout)
        self.backend = self._dialect.name
        self._lock = threading.RLock()
        self._conn: Any = None
        self._closed = False
        if self.backend == "sqlite":
            # A SQLite store is created right away (its folder must exist); a server may be
            # down for a while: its store connects on first use.
            with self._lock:
                try:
                    self._connection()
                except _Unreachable as exc:
                    raise StoreError(f"cannot open the store {self.where}: {exc}") from None

    @property
    def path(self) -> Path:
        """The SQLite file (sqlite:// stores only)."""
        if self.backend != "sqlite":
            raise AttributeError(f"a {self.backend} store has no file path")
        return self._dialect.path

    @property
    def where(self) -> str:
        """The file, or the URL without its password: for messages."""
        return self._dialect.where

    # -- connection ------------------------------------------------------------------------
    def _connection(self) -> Any:
        if self._closed:
            raise _Unreachable("the store is closed")
        if self._conn is not None and not self._dialect.still_there():
            self._drop()
        if self._conn is None:
            conn = self._dialect.connect()
            try:
                self._migrate(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def _migrate(self, conn: Any) -> None:
        d = self._dialect
        try:
            version = d.read_version(conn)
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"store {d.where} has schema version {version}, newer than this kit "
                    f"({SCHEMA_VERSION}); upgrade workshop-kit"
                )
            with d.migration(conn):
                version = d.read_version(conn)  # again, under the lock
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[step][d.name]:
                        conn.execute(statement)
                if version < SCHEMA_VERSION:
                    d.write_version(conn, SCHEMA_VERSION)
        except d.errors as exc:
            raise StoreError(f"cannot prepare the store {d.where}: {exc}") from None

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return self._run("could not read the store", self._dialect.read_version)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, action: str, work: Any) -> Any:
        """Call work(conn) under the lock; a lost connection is dropped (the next call
        reconnects) and every database error becomes a StoreError naming the action."""
        with self._lock:
            try:
                return work(self._connection())
            except self._dialect.errors as exc:
                if self._dialect.is_gone(exc):
                    self._drop()
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                raise StoreError(f"{action} {self.where}: {message or type(exc).__name__}"
                                 ) from None
            except _Unreachable as exc:
                raise StoreError(f"{action} {self.where}: {exc}") from None

    # -- writing ---------------------------------------------------------------------------
    @staticmethod
    def _check_key(**fields: Any) -> None:
        for field, value in fields.items():
            if not isinstance(value, str) or not value.strip():
                raise ParameterError(f"{field} must be a non-empty string, got {value!r}")

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
        text = self._payload_text(cohort, participant, module, exercise, payload)
        when = _as_time(submitted_at)
        key = (cohort, participant, module, exercise)
        row = self._insert(key, text, when, source)
        if row is None:
            raise ExerciseLockedError(
                f"'{exercise}' of module '{module}' is locked: the facilitator closed it, so "
                "late answers are not saved")
        version, run, row_id = row
        return Answer(*key, version, json.loads(text), when, source, run, row_id)

    def _payload_text(self, cohort: str, participant: str, module: str, exercise: str,
                      payload: Any) -> str:
        """The payload as the JSON text stored, or ParameterError."""
        self._check_key(cohort=cohort, participant=participant, module=module,
                        exercise=exercise)
        if not isinstance(payload, dict):
            raise ParameterError(f"payload must be a dict, got {type(payload).__name__}")
        try:
            text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
            text.encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"payload cannot be stored as JSON: {exc}") from None
        if len(text) > MAX_PAYLOAD_CHARS:
            raise ParameterError(
                f"payload is {len(text)} characters; the limit is {MAX_PAYLOAD_CHARS}"
            )
        return text

    def submit_batch(self, batch: list[Submission],
                     admit: Callable[[Submission, int, Callable[[list[str]],
                                                                dict[str, tuple[int, int]]]],
                                     None] | None = None
                     ) -> list[Answer | WorkshopKitError]:
        """Several answers in one transaction (the service's group commit): for each, the
        stored Answer, or the error that refused it (nothing of it written). Each entry's
        `checks` (participant id, token) are checked against the tokens table inside the
        transaction, so a token revoked before the commit refuses the answer; `admit(entry,
        characters, usage)` may refuse an entry by raising (usage(ids) reads, in the same
        transaction, how many versions and characters each participant has stored). A
        database error fails the whole batch (StoreError) and writes none of it."""
        results: list[Any] = [None] * len(batch)
        texts: list[str] = [""] * len(batch)
        for i, entry in enumerate(batch):
            try:
                texts[i] = self._payload_text(entry.cohort, entry.participant, entry.module,
                                              entry.exercise, entry.payload)
            except ParameterError as exc:
                results[i] = exc
        d = self._dialect
        sql = d.sql(self._INSERT)
        whens = [_as_time(entry.submitted_at) for entry in batch]

        def work(conn: Any) -> list[Any]:
            out = list(results)
            with self._transaction(conn, pipeline=True) as tx:
                def usage(people: list[str]) -> dict[str, tuple[int, int]]:
                    found = dict.fromkeys(people, (0, 0))
                    for cohort in {e.cohort for e in batch}:
                        for lot in _lots(people):
                            rows = tx.execute(d.sql(
                                "SELECT participant, COUNT(*), COALESCE(SUM(length(payload)), 0) "
                                f"FROM answers WHERE cohort = ? AND participant IN "
                                f"({', '.join('?' * len(lot))}) GROUP BY participant"),
                                (cohort, *lot)).fetchall()
                            found.update({p: (int(n), int(c)) for p, n, c in rows})
                    return found

                hashes = self._token_hashes(tx, batch)
                admitted: list[tuple[int, tuple]] = []
                for i, entry in enumerate(batch):
                    if out[i] is not None:
                        continue
                    refused = next(filter(None, (
                        _token_refusal(self.where, entry.cohort, who, token,
                                       hashes.get(entry.cohort, {}))
                        for who, token in entry.checks)), None)
                    if refused is not None:
                        out[i] = refused
                        continue
                    if admit is not None:
                        try:
                            admit(entry, len(texts[i]), usage)
                        except WorkshopKitError as exc:
                            out[i] = exc
                            continue
                    key = (entry.cohort, entry.participant, entry.module, entry.exercise)
                    state = (entry.cohort, entry.module, exercise_key(entry.exercise))
                    admitted.append((i, (*key, texts[i], d.time_value(whens[i]), entry.source,
                                         *state, *key, int(entry.participant == FACILITATOR),
                                         *state)))
                rows = d.insert_each(tx, sql, [args for _, args in admitted])
                for (i, _), row in zip(admitted, rows, strict=True):
                    entry = batch[i]
                    if row is None:
                        out[i] = ExerciseLockedError(
                            f"'{entry.exercise}' of module '{entry.module}' is locked: the "
                            "facilitator closed it, so late answers are not saved")
                        continue
                    version, run, row_id = row
                    out[i] = Answer(entry.cohort, entry.participant, entry.module,
                                    entry.exercise, version, json.loads(texts[i]), whens[i],
                                    entry.source, run, row_id)
            return out

        return self._run("could not save the answers to", work)

    def _token_hashes(self, tx: Any, batch: list[Submission]) -> dict[str, dict[str, str]]:
        """{cohort: {who: token hash}} of everyone the batch's checks name, and the
        facilitator (whose presence says the cohort has tokens at all)."""
        wanted: dict[str, set[str]] = {}
        for entry in batch:
            for who, _token in entry.checks:
                wanted.setdefault(entry.cohort, {FACILITATOR}).add(who)
        found: dict[str, dict[str, str]] = {}
        for cohort, people in wanted.items():
            for lot in _lots(sorted(people)):
                rows = tx.execute(self._dialect.sql(
                    f"SELECT who, token_hash FROM tokens WHERE cohort = ? AND who IN "
                    f"({', '.join('?' * len(lot))})"), (cohort, *lot)).fetchall()
                found.setdefault(cohort, {}).update(dict(rows))
        return found

    # The version, the run and the lock are all read inside the INSERT: a participant's answer
    # to a locked exercise inserts no row (RETURNING gives nothing); the facilitator's own
    # writes (the live game) ignore locks.
    _INSERT = """
        INSERT INTO answers (cohort, participant, module, exercise, version, payload,
                             submitted_at, source, run)
        SELECT ?, ?, ?, ?, nv.version, ?, ?, ?,
               COALESCE((SELECT run FROM exercise_state
                         WHERE cohort = ? AND module = ? AND exercise = ?), 1)
        FROM (SELECT COALESCE(MAX(version), 0) + 1 AS version FROM answers
              WHERE cohort = ? AND participant = ? AND module = ? AND exercise = ?) nv
        WHERE ? = 1 OR NOT EXISTS (SELECT 1 FROM exercise_state
                                   WHERE cohort = ? AND module = ? AND exercise = ?
                                   AND locked = 1)
        RETURNING version, run, id
    """

    def _insert(self, key: tuple, text: str, when: datetime, source: str
                ) -> tuple[int, int, int] | None:
        """One statement computes the next version and inserts it; the UNIQUE constraint turns
        a race into a clash, which is retried. None if the exercise is locked."""
        d = self._dialect
        sql = d.sql(self._INSERT)
        cohort, participant, module, exercise = key
        state = (cohort, module, exercise_key(exercise))
        args = (*key, text, d.time_value(when), source, *state, *key,
                int(participant == FACILITATOR), *state)

        def work(conn: Any) -> tuple[int, int, int] | None:
            for attempt in range(50):
                try:
                    with d.write_lock():
                        row = conn.execute(sql, args).fetchone()
                        return tuple(row) if row else None
                except d.errors as exc:
                    if (d.is_clash(exc) or d.is_busy(exc)) and attempt < 49:
                        time.sleep(random.uniform(0.001, 0.005 * (attempt + 1)))
                        continue
                    raise
            raise AssertionError("unreachable")

        return self._run("could not save the answer to", work)

    @contextlib.contextmanager
    def _transaction(self, conn: Any, pipeline: bool = False) -> Any:
        """One transaction on either backend (SQLite: with the writer queue held); yields what
        to call execute/executemany on. `pipeline` (PostgreSQL): the transaction's statements
        go out without waiting for each other's replies, except where a result is read (the
        BEGIN travels with the first query): fewer round trips for the service's writer."""
        if self.backend != "sqlite":
            with contextlib.ExitStack() as stack:
                if pipeline:
                    stack.enter_context(conn.pipeline())
                stack.enter_context(conn.transaction())
                yield stack.enter_context(conn.cursor())
            return
        with self._dialect.write_lock():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _write(self, sql: str, args: tuple, action: str) -> Any:
        """One writing statement (the SQLite writer queue held); the row it returns, if any."""
        statement = self._dialect.sql(sql)

        def work(conn: Any) -> Any:
            with self._dialect.write_lock():
                cursor = conn.execute(statement, args)
                return cursor.fetchone() if cursor.description else None

        return self._run(action, work)

    def register_tokens(self, cohort: str, tokens: dict[str, str], *, replace: bool = False
                        ) -> int:
        """Record who may write to a cohort: {participant id (or 'facilitator'): token}.

        Only each token's SHA-256 is stored. Re-registering replaces a person's token; with
        `replace`, the tokens of everyone not in `tokens` are revoked."""
        self._check_key(cohort=cohort)
        for who, token in tokens.items():
            self._check_key(participant=who, token=token)
        rows = [(cohort, who, token_hash(token)) for who, token in sorted(tokens.items())]
        sql = self._dialect.sql(
            "INSERT INTO tokens (cohort, who, token_hash) VALUES (?, ?, ?) "
            "ON CONFLICT (cohort, who) DO UPDATE SET token_hash = excluded.token_hash")
        current = self._query("SELECT who FROM tokens WHERE cohort = ?", (cohort,))
        # With `replace`, whoever is no longer in the set (removed from the roster) loses
        # their token in the same transaction: their notebook stops working.
        gone = [(cohort, who) for (who,) in current if replace and who not in tokens]
        revoke = self._dialect.sql("DELETE FROM tokens WHERE cohort = ? AND who = ?")

        def work(conn: Any) -> int:
            with self._transaction(conn) as tx:
                tx.executemany(sql, rows)
                if gone:
                    tx.executemany(revoke, gone)
            return len(rows)

        return self._run("could not register tokens in", work)

    def check_token(self, cohort: str, who: str, token: str) -> None:
        """Raise AccessError unless `token` is the one registered for `who` in `cohort`."""
        role = "the facilitator" if who == FACILITATOR else f"participant '{who}'"
        if not token:
            raise AccessError(
                f"token is empty for {role} of cohort '{cohort}'; open the notebook built for "
                "you by `workshop-kit build` (its parameters carry your token)")
        rows = self._query(
            "SELECT who, token_hash FROM tokens WHERE cohort = ? AND (who = ? OR who = ?)",
            (cohort, who, FACILITATOR), "could not check the token in")
        refused = _token_refusal(self.where, cohort, who, token, dict(rows))
        if refused is not None:
            raise refused

    def forget(self, cohort: str, participant: str) -> int:
        """Remove every row that names one participant of a cohort, for a privacy request:
        all versions of their answers, the answers others wrote about them (an exercise id
        ending in ':<id>', say feedback on their gift plan), their token (so a notebook
        opened before can no longer write), and their id inside the facilitator's records
        (the gift pairs, the live games' seating), replaced by 'removed'. Returns how many
        answer versions were deleted. An id the cohort never had is an error."""
        self._check_key(cohort=cohort, participant=participant)
        if participant == FACILITATOR:
            raise ParameterError("'facilitator' is not a participant; give a participant's id")
        known = self._query(
            "SELECT 1 FROM tokens WHERE cohort = ? AND who = ? UNION ALL "
            "SELECT 1 FROM answers WHERE cohort = ? AND participant = ?",
            (cohort, participant, cohort, participant))
        if not known:
            raise ParameterError(
                f"'{participant}' is not a participant of cohort '{cohort}' (no token, no "
                "answers); check the id in cohort.json (participants: id)")
        d = self._dialect
        quoted = json.dumps(participant)
        facilitator_rows = self._query(
            "SELECT id, payload FROM answers WHERE cohort = ? AND participant = ?",
            (cohort, FACILITATOR))
        rewrites = [(json.dumps(_scrub(json.loads(text), participant), ensure_ascii=False,
                                sort_keys=True), row_id)
                    for row_id, text in facilitator_rows if quoted in text]
        statements = [
            (d.sql("DELETE FROM answers WHERE cohort = ? AND participant = ?"),
             [(cohort, participant)]),
            (d.sql("DELETE FROM answers WHERE cohort = ? AND substr(exercise, "
                   "length(exercise) - CAST(? AS INTEGER) + 1) = ?"),
             [(cohort, len(participant) + 1, f":{participant}")]),
            (d.sql("DELETE FROM tokens WHERE cohort = ? AND who = ?"), [(cohort, participant)]),
            (d.sql("DELETE FROM drafts WHERE cohort = ? AND participant = ?"),
             [(cohort, participant)]),
            (d.sql("UPDATE answers SET payload = ? WHERE id = ?"), rewrites),
        ]

        def work(conn: Any) -> int:
            removed = 0
            with self._transaction(conn) as tx:
                for sql, rows in statements[:2]:
                    removed += tx.execute(sql, rows[0]).rowcount
                for sql, rows in statements[2:]:
                    if rows:
                        tx.executemany(sql, rows)
            return removed

        return self._run("could not delete answers from", work)

    def usage(self, cohort: str, participant: str) -> tuple[int, int]:
        """How many answer versions one participant has stored, and their total size in
        characters (the service's per-participant limits)."""
        rows = self._query(
            "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM answers "
            "WHERE cohort = ? AND participant = ?", (cohort, participant))
        return int(rows[0][0]), int(rows[0][1])

    # -- drafts: typed, not submitted (one per participant and exercise) --------------------
    def save_draft(self, cohort: str, participant: str, module: str, exercise: str,
                   payload: dict[str, Any] | None) -> None:
        """Keep what a participant typed into a form (replacing their earlier draft of it);
        None removes it (the form was submitted). Drafts are not answers: nothing that reads
        answers sees them."""
        self._check_key(cohort=cohort, participant=participant, module=module,
                        exercise=exercise)
        key = (cohort, participant, module, exercise)
        if payload is None:
            self._write("DELETE FROM drafts WHERE cohort = ? AND participant = ? AND module = ? "
                        "AND exercise = ?", key, "could not remove the draft from")
            return
        if not isinstance(payload, dict):
            raise ParameterError(f"a draft must be a dict, got {type(payload).__name__}")
        try:
            text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"the draft cannot be stored as JSON: {exc}") from None
        if len(text) > MAX_PAYLOAD_CHARS:
            raise ParameterError(f"the draft is {len(text)} characters; the limit is "
                                 f"{MAX_PAYLOAD_CHARS}")
        self._write("INSERT INTO drafts (cohort, participant, module, exercise, payload, "
                    "saved_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cohort, participant, "
                    "module, exercise) DO UPDATE SET payload = excluded.payload, "
                    "saved_at = excluded.saved_at",
                    (*key, text, self._dialect.time_value(_now())), "could not keep the draft in")

    def draft(self, cohort: str, participant: str, module: str, exercise: str
              ) -> dict[str, Any] | None:
        """A participant's draft of one exercise, {"payload": …, "saved_at": datetime}, or
        None."""
        rows = self._query("SELECT payload, saved_at FROM drafts WHERE cohort = ? AND "
                           "participant = ? AND module = ? AND exercise = ?",
                           (cohort, participant, module, exercise), "could not read the draft in")
        if not rows:
            return None
        return {"payload": json.loads(rows[0][0]), "saved_at": _parse_time(rows[0][1])}

    def draft_usage(self, cohort: str, participant: str) -> tuple[int, int]:
        """How many drafts one participant keeps, and their total size in characters."""
        rows = self._query(
            "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM drafts "
            "WHERE cohort = ? AND participant = ?", (cohort, participant))
        return int(rows[0][0]), int(rows[0][1])

    def cohort_key(self, cohort: str, name: str) -> bytes:
        """A random key of this cohort (made on first use, then the same for every process
        that opens the store); it never leaves the store's side."""
        self._check_key(cohort=cohort, name=name)
        sql = "SELECT value FROM cohort_keys WHERE cohort = ? AND name = ?"
        rows = self._query(sql, (cohort, name))
        if not rows:
            self._write("INSERT INTO cohort_keys (cohort, name, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (cohort, name) DO NOTHING",
                        (cohort, name, secrets.token_hex(32)), "could not create a key in")
            rows = self._query(sql, (cohort, name))
        return bytes.fromhex(rows[0][0])

    def names(self, cohort: str, ids: list[str] | None = None) -> dict[str, str]:
        """The display names `workshop-kit build` published ({id: name}, see `names`), of
        `ids` only if given; {} for a store no build wrote."""
        names = published(self, cohort).get("names", {})
        return {p: n for p, n in names.items() if ids is None or p in ids}

    # -- reading ---------------------------------------------------------------------------
    _COLUMNS = ("cohort, participant, module, exercise, version, payload, submitted_at, "
                "source, run, id")
    # One scan and one sort on both backends (a join on MAX(version) made PostgreSQL's planner
    # loop over the module's index once per participant on fresh, unanalysed tables).
    _LATEST = """
        SELECT cohort, participant, module, exercise, version, payload, submitted_at, source,
               run, id
        FROM (SELECT cohort, participant, module, exercise, version, payload, submitted_at,
                     source, run, id,
                     ROW_NUMBER() OVER (PARTITION BY cohort, participant, module, exercise
                                        ORDER BY version DESC) AS newest
              FROM answers WHERE {where}) latest
        WHERE newest = 1
        ORDER BY participant, module, exercise
    """

    @staticmethod
    def _answer(row: tuple) -> Answer:
        cohort, participant, module, exercise, version, payload, at, source, run, row_id = row
        return Answer(cohort, participant, module, exercise, version, json.loads(payload),
                      _parse_time(at), source, run, row_id)

    def _current(self, cohort: str, answers: list[Answer], module: str | None = None
                 ) -> list[Answer]:
        """Only the answers of each exercise's current run. Given latest versions, this drops
        the participants who have not answered since a reset (runs only grow, like versions)."""
        if not answers:
            return answers
        runs = {k: s.run for k, s in self.exercise_states(cohort, module).items()}
        return [a for a in answers
                if a.run == runs.get((a.module, exercise_key(a.exercise)), 1)]

    def _query(self, sql: str, args: tuple, action: str = "could not read the store"
               ) -> list[tuple]:
        statement = self._dialect.sql(sql)
        return self._run(action, lambda conn: conn.execute(statement, args).fetchall())

    def latest(self, cohort: str, participant: str, module: str | None = None) -> list[Answer]:
        """A participant's latest answer for each exercise (of one module, or all)."""
        where = "cohort = ? AND participant = ?"
        args: tuple = (cohort, participant)
        if module is not None:
            where += " AND module = ?"
            args += (module,)
        rows = self._query(self._LATEST.format(where=where), args)
        return self._current(cohort, [self._answer(r) for r in rows], module)

    def latest_answer(
        self, cohort: str, participant: str, module: str, exercise: str
    ) -> Answer | None:
        """The latest version of one answer, or None if the participant has not answered (in
        the exercise's current run)."""
        rows = self._query(
            f"SELECT {self._COLUMNS} FROM answers WHERE cohort = ? AND participant = ? AND "
            "module = ? AND exercise = ? ORDER BY version DESC LIMIT 1",
            (cohort, participant, module, exercise),
        )
        if not rows:
            return None
        answer = self._answer(rows[0])
        return answer if answer.run == self.exercise_state(cohort, module, exercise).run else None

    def history(self, cohort: str, participant: str, module: str, exercise: str) -> list[Answer]:
        """Every version of one answer, oldest first (every run: see `Answer.run`)."""
        rows = self._query(
            f"SELECT {self._COLUMNS} FROM answers WHERE cohort = ? AND participant = ? AND "
            "module = ? AND exercise = ? ORDER BY version",
            (cohort, participant, module, exercise),
        )
        return [self._answer(r) for r in rows]

    def answers(self, cohort: str) -> list[Answer]:
        """Every version of every answer in a cohort (for export), in a stable order."""
        rows = self._query(
            f"SELECT {self._COLUMNS} FROM answers WHERE cohort = ? "
            "ORDER BY participant, module, exercise, version", (cohort,))
        return [self._answer(r) for r in rows]

    def module_answers(
        self, cohort: str, module: str, exercise: str | None = None
    ) -> pd.DataFrame:
        """The latest answer of every participant for a module (current runs), one row each.

        Columns: participant, exercise, version, submitted_at, source, payload (a dict), run.
        """
        where = "cohort = ? AND module = ?"
        args: tuple = (cohort, module)
        if exercise is not None:
            where += " AND exercise = ?"
            args += (exercise,)
        rows = self._query(self._LATEST.format(where=where), args)
        return answers_frame(self._current(cohort, [self._answer(r) for r in rows], module))

    def latest_many(self, cohort: str, module: str, participants: list[str],
                    exercise_prefix: str) -> list[Answer]:
        """Latest answers of several participants to the exercises starting with a prefix
        (say, every move of one live game), in one query."""
        if not participants:
            return []
        marks = ",".join("?" * len(participants))
        where = (f"cohort = ? AND module = ? AND participant IN ({marks}) AND "
                 "substr(exercise, 1, CAST(? AS INTEGER)) = ?")
        args = (cohort, module, *participants, len(exercise_prefix), exercise_prefix)
        answers = [self._answer(r) for r in self._query(self._LATEST.format(where=where), args)]
        return self._current(cohort, answers, module)

    def answers_since(self, cohort: str, module: str, after_id: int = 0,
                      limit: int | None = None) -> list[Answer]:
        """The answer versions of a module stored after row `after_id`, oldest first, every run
        (see `Answer.run` and `exercise_states`). A live view keeps the highest `Answer.id` it
        has seen and asks only for what came since: an index range scan, whatever the size of
        the room or of what it already read."""
        self._check_key(cohort=cohort, module=module)
        sql = (f"SELECT {self._COLUMNS} FROM answers WHERE cohort = ? AND module = ? AND id > ? "
               "ORDER BY id")
        args: tuple = (cohort, module, int(after_id))
        if limit is not None:
            sql += " LIMIT ?"
            args += (int(limit),)
        return [self._answer(r) for r in self._query(sql, args)]

    def registered(self, cohort: str) -> list[str]:
        """The participants whose tokens `build` registered (the room as planned)."""
        rows = self._query("SELECT who FROM tokens WHERE cohort = ? AND who <> ? ORDER BY who",
                           (cohort, FACILITATOR))
        return [r[0] for r in rows]

    # -- exercise state and the agenda's actual times ------------------------------------------
    def exercise_states(self, cohort: str, module: str | None = None
                        ) -> dict[tuple[str, str], ExerciseState]:
        """Every exercise state set for a cohort (or one module), by (module, exercise key);
        an exercise missing here has the default state."""
        sql = "SELECT module, exercise, locked, revealed, run FROM exercise_state WHERE cohort = ?"
        args: tuple = (cohort,)
        if module is not None:
            sql += " AND module = ?"
            args += (module,)
        return {(m, e): ExerciseState(m, e, bool(locked), bool(revealed), run)
                for m, e, locked, revealed, run in self._query(sql, args)}

    def exercise_state(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        """The state of one exercise (by its id or its key)."""
        key = exercise_key(exercise)
        rows = self._query(
            "SELECT locked, revealed, run FROM exercise_state WHERE cohort = ? AND module = ? "
            "AND exercise = ?", (cohort, module, key))
        if not rows:
            return ExerciseState(module, key)
        locked, revealed, run = rows[0]
        return ExerciseState(module, key, bool(locked), bool(revealed), run)

    def set_exercise_state(self, cohort: str, module: str, exercise: str, *,
                           locked: bool | None = None, revealed: bool | None = None
                           ) -> ExerciseState:
        """Lock or open an exercise, hide or reveal its results; returns the new state."""
        self._check_key(cohort=cohort, module=module, exercise=exercise)
        old = self.exercise_state(cohort, module, exercise)
        new = ExerciseState(module, old.exercise, old.locked if locked is None else bool(locked),
                            old.revealed if revealed is None else bool(revealed), old.run)
        self._write(
            "INSERT INTO exercise_state (cohort, module, exercise, locked, revealed, run, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cohort, module, exercise) "
            "DO UPDATE SET locked = excluded.locked, revealed = excluded.revealed, "
            "updated_at = excluded.updated_at",
            (cohort, module, new.exercise, int(new.locked), int(new.revealed), new.run,
             self._dialect.time_value(_now())), "could not change the exercise in")
        return new

    def reset_exercise(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        """Start a new run of an exercise (open, results hidden). Earlier answers stay in the
        store, marked with their run; latest-answer reads return the new run only."""
        self._check_key(cohort=cohort, module=module, exercise=exercise)
        self._write(
            "INSERT INTO exercise_state (cohort, module, exercise, locked, revealed, run, "
            "updated_at) VALUES (?, ?, ?, 0, 0, 2, ?) ON CONFLICT (cohort, module, exercise) "
            "DO UPDATE SET run = exercise_state.run + 1, locked = 0, revealed = 0, "
            "updated_at = excluded.updated_at",
            (cohort, module, exercise_key(exercise), self._dialect.time_value(_now())),
            "could not reset the exercise in")
        return self.exercise_state(cohort, module, exercise)

    def mark_module(self, cohort: str, module: str, *, started_at: datetime | None = None,
                    ended_at: datetime | None = None) -> None:
        """Record when a module actually started or ended (for the agenda's actual times)."""
        self._check_key(cohort=cohort, module=module)
        if started_at is None and ended_at is None:
            raise ParameterError("give started_at or ended_at")
        d = self._dialect
        start = d.time_value(_as_time(started_at)) if started_at else None
        end = d.time_value(_as_time(ended_at)) if ended_at else None
        self._write(
            "INSERT INTO module_times (cohort, module, started_at, ended_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (cohort, module) DO UPDATE SET "
            "started_at = COALESCE(excluded.started_at, module_times.started_at), "
            "ended_at = COALESCE(excluded.ended_at, module_times.ended_at)",
            (cohort, module, start, end), "could not record the module's time in")

    def module_times(self, cohort: str) -> dict[str, tuple[datetime | None, datetime | None]]:
        """{module: (actual start, actual end)} for the modules marked so far."""
        rows = self._query("SELECT module, started_at, ended_at FROM module_times "
                           "WHERE cohort = ?", (cohort,))
        return {m: (_parse_time(s) if s else None, _parse_time(e) if e else None)
                for m, s, e in rows}

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


def _scrub(value: Any, participant: str) -> Any:
    """A facilitator's record with one participant's id replaced by 'removed' (and an entry
    keyed by their id, say their display name or their drill vote case, left out)."""
    if isinstance(value, dict):
        return {k: _scrub(v, participant) for k, v in value.items() if k != participant}
    if isinstance(value, list):
        return [_scrub(v, participant) for v in value]
    return "removed" if value == participant else value


def _parse_time(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return when.astimezone(UTC)


def answers_frame(answers: list[Answer]) -> pd.DataFrame:
    """Answers as the DataFrame `Store.module_answers` returns."""
    import pandas as pd  # noqa: PLC0415 (heavy or optional: imported when used)

    return pd.DataFrame(
        {
            "participant": [a.participant for a in answers],
            "exercise": [a.exercise for a in answers],
            "version": pd.array([a.version for a in answers], dtype="int64"),
            "submitted_at": pd.to_datetime([a.submitted_at for a in answers], utc=True),
            "source": [a.source for a in answers],
            "payload": [a.payload for a in answers],
            "run": pd.array([a.run for a in answers], dtype="int64"),
        }
    )
