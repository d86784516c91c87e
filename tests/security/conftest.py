"""The curious participant's toolkit: a built cohort with simulated answers, a real
`workshop-kit serve` process in front of its store, a real Jupyter kernel holding only p01's
notebook parameters, and a snapshot of every table of the store to show that nothing a probe
tried changed it.

Every fixture here runs once per backend (SQLite, PostgreSQL); PostgreSQL needs
$WORKSHOP_KIT_TEST_PG_URL (see tests/conftest.py) and is skipped without it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SRC = REPO / "src"
BACKENDS = ["sqlite", "postgresql"]
TABLES = ("answers", "tokens", "exercise_state", "module_times", "cohort_keys")
ENV_PG_URL = "WORKSHOP_KIT_TEST_PG_URL"


# -- stores ----------------------------------------------------------------------------------
class PgSchemas:
    """Fresh PostgreSQL schemas, dropped at the end."""

    def __init__(self) -> None:
        self.admin = os.environ.get(ENV_PG_URL, "")
        self.made: list[str] = []

    def new(self) -> str:
        import psycopg

        if not self.admin:
            pytest.skip(f"no PostgreSQL server: set {ENV_PG_URL}")
        try:
            with psycopg.connect(self.admin, autocommit=True, connect_timeout=3) as conn:
                schema = f"wk_sec_{uuid.uuid4().hex[:12]}"
                conn.execute(f"CREATE SCHEMA {schema}")
        except psycopg.OperationalError as exc:
            pytest.skip(f"no PostgreSQL server reachable at {self.admin}: {exc}")
        self.made.append(schema)
        sep = "&" if "?" in self.admin else "?"
        return f"{self.admin}{sep}options={quote(f'-csearch_path={schema}')}"

    def drop(self) -> None:
        import psycopg

        if not self.made:
            return
        with psycopg.connect(self.admin, autocommit=True) as conn:
            for schema in self.made:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def snapshot(store_url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the store, read directly (not through the kit)."""
    rows: dict[str, list[tuple]] = {}
    if store_url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(store_url[len("sqlite:///"):])
        try:
            for table in TABLES:
                rows[table] = sorted(tuple(str(v) for v in r)
                                     for r in conn.execute(f"SELECT * FROM {table}"))
        finally:
            conn.close()
    else:
        import psycopg

        with psycopg.connect(store_url) as conn:
            for table in TABLES:
                rows[table] = sorted(tuple(str(v) for v in r)
                                     for r in conn.execute(f"SELECT * FROM {table}"))
    return rows


# -- the service -----------------------------------------------------------------------------
class ServiceProcess:
    """`workshop-kit serve FOLDER --port 0` as a child process."""

    def __init__(self, folder: Path):
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        self.log = open(folder / "service.log", "ab")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit.cli", "serve", str(folder), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, text=True,
            env=env)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        found = re.search(r"serving cohort '[^']+' at (http://\S+)", line)
        if not found:
            self.stop()
            raise RuntimeError(f"the service did not start: {line!r}; see {folder}/service.log")
        self.url = found.group(1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


# -- the participant's kernel ----------------------------------------------------------------
PROBE_HELPERS = r'''
import json as _json

def _probe(fn):
    """Run one attempt; print {"refused": …, "type": …, "message": …, "result": …}."""
    try:
        result = fn()
    except Exception as exc:
        print(_json.dumps({"refused": True, "type": type(exc).__name__,
                           "message": str(exc)}))
    else:
        try:
            shown = _json.loads(_json.dumps(result, default=repr))
        except Exception:
            shown = repr(result)
        print(_json.dumps({"refused": False, "type": "", "message": "", "result": shown}))

def _show(value):
    print(_json.dumps(value, default=repr))
'''


def notebook_parameters(notebook: Path) -> str:
    """The source of a built notebook's injected-parameters cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            return "".join(cell["source"])
    raise AssertionError(f"{notebook} has no injected-parameters cell")


class Kernel:
    """A real IPython kernel with only what a participant's notebook holds."""

    def __init__(self, cwd: Path, service_url: str):
        from jupyter_client.manager import start_new_kernel

        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_KIT_")}
        env["PYTHONPATH"] = str(SRC)
        # What `workshop-kit cockpit`/`run` give the kernels they start: where the service is
        # (a cohort built without --service-url leaves it out of the notebook's parameters).
        env["WORKSHOP_KIT_SERVICE_URL"] = service_url
        self.manager, self.client = start_new_kernel(kernel_name="python3", env=env,
                                                     cwd=str(cwd), startup_timeout=60)
        self.run(PROBE_HELPERS)

    def run(self, code: str, timeout: float = 120) -> str:
        """Execute code; its stdout. AssertionError if the cell itself failed."""
        out: list[str] = []
        errors: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                out.append(content["text"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")

        reply = self.client.execute_interactive(code, timeout=timeout, output_hook=hook,
                                                store_history=False)
        if reply["content"]["status"] != "ok" or errors:
            raise AssertionError(f"kernel cell failed: {errors or reply['content']}\n{code}")
        return "".join(out)

    def probe(self, code: str, timeout: float = 120) -> dict[str, Any]:
        """Run `_probe(lambda: <code>)`-style code; the JSON line it printed."""
        lines = [ln for ln in self.run(code, timeout).splitlines() if ln.startswith("{")]
        assert lines, f"the probe printed nothing:\n{code}"
        return json.loads(lines[-1])

    def stop(self) -> None:
        try:
            self.client.stop_channels()
        finally:
            self.manager.shutdown_kernel(now=True)


# -- a cohort under attack -------------------------------------------------------------------
@dataclass
class Cohort:
    backend: str
    folder: Path
    manifest: dict[str, Any]
    service: ServiceProcess
    kernel: Kernel | None = None
    before: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def store_url(self) -> str:
        return self.manifest["store_url"]

    @property
    def facilitator_token(self) -> str:
        return self.manifest["facilitator_token"]

    def token(self, who: str) -> str:
        return next(p["token"] for p in self.manifest["participants"] if p["id"] == who)

    def facilitator(self) -> Any:
        from workshop_kit.client import FacilitatorClient

        return FacilitatorClient(self.url, self.manifest["cohort"]["id"],
                                 self.facilitator_token)

    def rows(self) -> dict[str, list[tuple]]:
        return snapshot(self.store_url)

    def take_snapshot(self) -> None:
        self.before = snapshot(self.store_url)

    def assert_unchanged(self) -> None:
        after = snapshot(self.store_url)
        for table in TABLES:
            assert after[table] == self.before[table], f"table {table} changed"

    def start_kernel(self, who: str = "p01", notebook: str = "01_checkin.ipynb") -> Kernel:
        """A kernel that ran `who`'s parameters cell and opened their session as `me`."""
        cwd = self.folder / f"kernel-{who}"
        cwd.mkdir(exist_ok=True)
        kernel = Kernel(cwd, self.url)
        try:
            kernel.run(notebook_parameters(self.folder / "participants" / who / notebook))
            kernel.run("import workshop_kit as wk\n"
                       "me = wk.ParticipantSession(participant_id, cohort_id, service_url, "
                       "token=token, practice_area=practice_area, partners=partners)")
        except BaseException:
            kernel.stop()
            raise
        return kernel

    def stop(self) -> None:
        if self.kernel is not None:
            self.kernel.stop()
            self.kernel = None
        self.service.stop()


def build_cohort(folder: Path, store_url: str | None, cohort_file: Path | None = None
                 ) -> dict[str, Any]:
    from workshop_kit.cohort import BuiltCohort, build

    build(cohort_file or DATA / "cohorts/demo.yaml", DATA, folder, store_url=store_url)
    built = BuiltCohort.open(folder)
    built.simulate(seed=1)
    return built.manifest


def start_cohort(backend: str, folder: Path, schemas: PgSchemas, copy_demo) -> Cohort:
    """On SQLite a copy of the session's built and simulated demo (tests/conftest.py), the
    same as building it here; on PostgreSQL built into a fresh schema."""
    if backend == "postgresql":
        manifest = build_cohort(folder, schemas.new())
    else:
        manifest = copy_demo(folder).manifest
    return Cohort(backend, folder, manifest, ServiceProcess(folder))


@pytest.fixture(scope="module", params=BACKENDS)
def attacked(request, tmp_path_factory, copy_demo):
    """The shared cohort of a test module: built, simulated, served; the check-in revealed
    and the feedback on p02's gift plan (one answer) revealed by the facilitator; then p01's
    kernel started and the store's snapshot taken. Probes must leave it unchanged."""
    schemas = PgSchemas()
    cohort = None
    try:
        cohort = start_cohort(request.param, tmp_path_factory.mktemp(request.param) / "demo",
                              schemas, copy_demo)
        with cohort.facilitator() as room:
            room.set_exercise_state("demo", "checkin", "trust_profile", revealed=True)
            room.set_exercise_state("demo", "gift", "gift_feedback:p02", revealed=True)
        cohort.kernel = cohort.start_kernel()
        cohort.take_snapshot()
        yield cohort
    finally:
        if cohort is not None:
            cohort.stop()
        schemas.drop()


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path, copy_demo):
    """A cohort of its own (built, simulated, served; no kernel yet), for the probes that change
    the store on purpose (forget, the per-participant limit, a roster change)."""
    schemas = PgSchemas()
    cohort = None
    try:
        cohort = start_cohort(request.param, tmp_path / "cohort", schemas, copy_demo)
        yield cohort
    finally:
        if cohort is not None:
            cohort.stop()
        schemas.drop()
