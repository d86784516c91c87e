"""A real `jupyter lab` (token authentication on) and headless Chromium driven by Playwright.

Skipped, with the reason, when no Chromium is installed (Debian's `chromium` package, or the
path in $WORKSHOP_KIT_CHROMIUM) or the `playwright` package is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("WORKSHOP_KIT_CHROMIUM") or shutil.which("chromium") or ""
SCREENSHOTS = Path(os.environ.get("WORKSHOP_KIT_SCREENSHOTS") or REPO / "build" / "screenshots")
# Flags this machine's closed network needs (see the env notes): no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "playwright is not installed (pip install -e '.[test]')"
    elif not CHROMIUM or not Path(CHROMIUM).exists():
        reason = ("no Chromium browser: install Debian's chromium (apt-get install chromium) "
                  "or set WORKSHOP_KIT_CHROMIUM")
    if reason and os.environ.get("WORKSHOP_KIT_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"browser tests required (WORKSHOP_KIT_REQUIRE_BROWSER): {reason}")
    if reason:
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build(cohort_file: Path, out: Path, modules: list[str]) -> str:
    """Build a cohort for its own response service (on a free port); returns the port."""
    from workshop_kit.cohort import BuiltCohort, build
    from workshop_kit.content import Participant
    from workshop_kit.simulate import load_simulation, simulate

    port = _free_port()
    build(cohort_file, REPO / "data", out, service_url=f"http://127.0.0.1:{port}")
    built = BuiltCohort.open(out)
    if not modules:
        return port
    people = [Participant(**{k: p[k] for k in ("id", "name", "email", "practice_area", "team")})
              for p in built.manifest["participants"][2:]]  # the first two stay unanswered
    with built.store() as store:
        simulate(store, built.cohort_id, built.manifest["cohort"]["date"], people,
                 built.content(), load_simulation(built.manifest["content_dir"]), seed=5,
                 modules=modules)
    return port


def _serve(folder: Path, port: int) -> subprocess.Popen:
    """The cohort's response service (`workshop-kit serve`), ready to answer."""
    log = open(folder / "service.log", "w")  # noqa: SIM115 - the process keeps it
    service = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(folder), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            return service
        except OSError:
            if service.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start: {folder / 'service.log'}"
                                   ) from None
            time.sleep(0.2)


@pytest.fixture(scope="session")
def room(tmp_path_factory):
    """Two built cohorts under one JupyterLab: the demo (12 people, most of whom have answered
    the morning's modules) and a pair who play the live dilemma against each other."""
    root = tmp_path_factory.mktemp("lab")
    demo_port = _build(REPO / "data/cohorts/demo.yaml", root / "demo", ["checkin", "purpose"])
    (root / "pair-src").mkdir()
    (root / "pair-src/roster.csv").write_text(
        "id,name,email,practice_area,team\n"
        "ann,Ann Lee,ann@example.com,legal,\nbob,Bob Ray,bob@example.com,consulting,\n")
    (root / "pair-src/pair.yaml").write_text(
        "id: pair\nname: A pair\ndate: '2026-12-03'\nroster: roster.csv\n")
    pair_port = _build(root / "pair-src/pair.yaml", root / "pair", [])
    services = [_serve(root / "demo", demo_port), _serve(root / "pair", pair_port)]
    from workshop_kit.store import Store

    with Store(f"sqlite:///{root / 'pair/responses.sqlite'}") as store:
        for who in ("ann", "bob"):  # both checked in this morning: they are in the room
            store.submit("pair", who, "checkin", "arrived", {})
    # Render every cell (no windowing: a widget far down the notebook is in the page, as for a
    # participant who scrolls) and ask no questions about news.
    settings = root / "lab-settings"
    for rel, value in (
        ("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", {"windowingMode": "none"}),
        ("@jupyterlab/apputils-extension/notification.jupyterlab-settings",
         {"fetchNews": "false", "checkForUpdates": False}),
    ):
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "jupyter.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--allow-root", f"--LabApp.user_settings_dir={settings}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                   timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError(
                    f"jupyter lab did not start: {(root / 'jupyter.log')}") from None
            time.sleep(0.5)
    yield {"root": root, "url": f"http://127.0.0.1:{port}", "token": token}
    for process in (server, *services):
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        toast = page.locator(".jp-toast-button", has_text="No")  # JupyterLab's news question
        if toast.count():
            toast.first.click()
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
