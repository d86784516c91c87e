"""Shared fixtures: a real store (SQLite in a temporary folder, and PostgreSQL when a server is
reachable), a copy of the repository's data.

The `store` fixture runs every test that uses it against both backends. PostgreSQL tests need
$WORKSHOP_KIT_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres); each test gets
its own schema, dropped afterwards. Without a reachable server they skip and say why.

The demo cohort is built and simulated once per session (`demo_source`); a test that needs it
gets its own copy (`demo_built`, `copy_demo`, and `built` on SQLite), never the source.
The small cohort 'c' (`room`, with helpers.py's TOKENS, `me`, `facilitator`) is shared by the
files that test access, widgets and the cockpit on a bare store.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import COHORT, TOKENS, copy_built
from workshop_kit.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ENV_PG_URL = "WORKSHOP_KIT_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]

_pg_problem: list[str] = []  # why PostgreSQL is not usable, once known


def _skip(reason: str):
    """Skip, or fail where PostgreSQL must be there (CI sets WORKSHOP_KIT_REQUIRE_PG=1)."""
    if os.environ.get("WORKSHOP_KIT_REQUIRE_PG") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _pg_admin_url() -> str:
    url = os.environ.get(ENV_PG_URL, "")
    if not url:
        _skip(f"no PostgreSQL server reachable at (unset); set {ENV_PG_URL} "
              "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    if _pg_problem:
        _skip(_pg_problem[0])
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception as exc:  # ImportError or any connection failure: say which
        reason = " ".join(str(exc).split()) or type(exc).__name__
        _pg_problem.append(f"no PostgreSQL server reachable at {url}: {reason}; set {ENV_PG_URL}")
        _skip(_pg_problem[0])
    return url


def _with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url():
    """The URL of a fresh, empty PostgreSQL schema (dropped after the test)."""
    import psycopg

    admin = _pg_admin_url()
    schema = f"wk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _with_schema(admin, schema)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path: Path) -> str:
    """A fresh store's URL, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'responses.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str):
    with Store(store_url) as s:
        yield s


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """The demo cohort built (SQLite store in its folder) and simulated (seed 1) ONCE per test
    session. Never hand it to a test: tests get a copy (`copy_demo`, `demo_built`)."""
    from workshop_kit.cohort import BuiltCohort, build

    out = tmp_path_factory.mktemp("demo-source") / "demo"
    build(DATA / "cohorts/demo.yaml", DATA, out)
    BuiltCohort.open(out).simulate(seed=1)
    return out


@pytest.fixture(scope="session")
def copy_demo(demo_source: Path):
    """A function (folder) -> BuiltCohort: a fresh copy of the session's built and simulated
    demo cohort (seed 1) at `folder`, for a test (or a module's fixture) to write to."""
    return lambda dest: copy_built(demo_source, Path(dest))


@pytest.fixture
def demo_built(tmp_path: Path, copy_demo):
    """This test's own copy of the built, simulated demo cohort (SQLite)."""
    return copy_demo(tmp_path / "demo")


@pytest.fixture
def built(tmp_path: Path, store_url: str, copy_demo):
    """The demo cohort built against the store under test, with simulated answers (on SQLite a
    copy of the session's demo, on PostgreSQL built into a fresh schema)."""
    from workshop_kit.cohort import BuiltCohort, build

    out = tmp_path / "demo"
    if store_url.startswith("sqlite:"):
        return copy_demo(out)
    build(DATA / "cohorts/demo.yaml", DATA, out, store_url)
    built = BuiltCohort.open(out)
    built.simulate(seed=1)
    return built


@pytest.fixture
def room(store):
    """The store under test with the tokens of the small cohort 'c' registered (see helpers.py:
    `TOKENS`, and `me`/`facilitator` for the guarded stores)."""
    store.register_tokens(COHORT, TOKENS)
    return store


@pytest.fixture(scope="session")
def content():
    """The shipped content, loaded once per session (0.1 s CPU per load; ~250 tests use it).
    Safe to share: its models are frozen, and no test changes it (a test that needs other
    content loads its own from `repo_copy`)."""
    from workshop_kit.content import load_content

    return load_content(DATA)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/, workshops/ and facilitator/ that a test may break."""
    root = tmp_path / "repo"
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    return root


@pytest.fixture
def simulate_demo(tmp_path, content):
    """Fill a fresh SQLite store with the demo cohort's simulated answers to some modules.

    Returns a function (modules, seed) -> (store URL, cohort); the facilitator's token there is
    'f-token'."""
    from workshop_kit.content import load_cohort
    from workshop_kit.simulate import load_simulation, simulate

    def make(modules: list[str], seed: int):
        cohort = load_cohort(DATA / "cohorts/demo.yaml")
        url = f"sqlite:///{tmp_path / 'sim.sqlite'}"
        with Store(url) as store:
            store.register_tokens("demo", {"facilitator": "f-token"})
            simulate(store, "demo", cohort.date, list(cohort.participants), content,
                     load_simulation(DATA), seed=seed, modules=modules)
        return url, cohort

    return make


@pytest.fixture
def serve_config():
    """Start the response service (in this process, on a free port) for a `ServiceConfig`;
    returns its URL. Every service started is stopped after the test."""
    import threading

    from workshop_kit.service import serve

    stops: list[tuple[threading.Event, threading.Thread]] = []

    def start(config) -> str:
        stop, started, ready = threading.Event(), threading.Event(), []
        thread = threading.Thread(target=serve, daemon=True, kwargs={
            "config": config, "stop": stop,
            "ready": lambda url: (ready.append(url), started.set())})
        thread.start()
        assert started.wait(30), "the service did not start"
        stops.append((stop, thread))
        return ready[0]

    yield start
    for stop, thread in stops:
        stop.set()
        thread.join(30)


@pytest.fixture
def serve_store(serve_config):
    """The response service for a store, a content folder and a cohort; returns its URL."""
    from workshop_kit.service import ServiceConfig

    def start(store_url: str, cohort: str, content_dir: str | Path = DATA) -> str:
        return serve_config(ServiceConfig(store_url, str(content_dir), cohort))

    return start
