"""What several test files share: the small test cohort 'c' (its people, their tokens, the
guarded stores a participant's or the facilitator's notebook holds; the `room` fixture in
conftest.py registers these tokens in the store under test), and `copy_built` (a built cohort
copied instead of built again).

Imported by test files as `from helpers import ...` (tests/ is on sys.path: pytest's default
`prepend` import mode puts a conftest's folder there)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from workshop_kit.access import FacilitatorStore, ParticipantStore
from workshop_kit.cohort import MANIFEST, BuiltCohort
from workshop_kit.store import Store

COHORT = "c"
PEOPLE = ["p1", "p2", "p3", "p4"]
TOKENS = {**{p: f"tok-{p}" for p in PEOPLE}, "facilitator": "tok-f"}


def copy_built(source: Path, dest: Path) -> BuiltCohort:
    """A copy of a built cohort folder at `dest`, as `build` would have written it there: the
    same notebooks, secret and tokens, its own SQLite store (a copy of the source's answers);
    only cohort.json's paths (its store and content) are moved to the copy. (`build` writes
    no other path of the machine: test_service checks that.)"""
    shutil.copytree(source, dest)
    manifest = dest / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    assert str(dest) not in text
    manifest.write_text(text.replace(str(source), str(dest)), encoding="utf-8")
    built = BuiltCohort.open(dest)
    assert built.manifest["store_url"] == f"sqlite:///{dest / 'responses.sqlite'}"
    return built


def me(store: Store, who: str = "p1", personal: set[str] | frozenset[str] = frozenset()
       ) -> ParticipantStore:
    """What `who`'s notebook holds: their guarded access to cohort 'c' (personal: the modules
    whose answers stay private)."""
    return ParticipantStore(store, COHORT, who, TOKENS[who], personal)


def facilitator(store: Store, personal: set[str] | frozenset[str] = frozenset()
                ) -> FacilitatorStore:
    """What the facilitator's notebook holds for cohort 'c'."""
    return FacilitatorStore(store, COHORT, TOKENS["facilitator"], personal)


def post(url: str, body: bytes, token: str = "") -> tuple[int, dict]:
    """A hand-written POST to the service (what a curious participant could send without the
    kit's client): (status, the JSON it answered)."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


PROBE = """
import json, workshop_kit as wk
me = wk.ParticipantSession(participant_id, cohort_id, service_url, token=token,
                           practice_area=practice_area, partners=partners)
def probe(fn):
    try:
        print(json.dumps({'ok': True, 'result': fn()}, default=repr))
    except Exception as exc:
        print(json.dumps({'ok': False, 'error': type(exc).__name__, 'message': str(exc)}))
"""


@contextlib.contextmanager
def participant_kernel(folder: Path, who: str, notebook_glob: str
                       ) -> Iterator[Callable[[str], dict]]:
    """A real `workshop-kit serve` of a built cohort and a real kernel holding only what
    `who`'s notebook holds (its injected parameters: no store URL, no one else's token);
    yields `probe(expression)` → {'ok', 'result'} or {'ok': False, 'error', 'message'}, the
    expression evaluated in that kernel (`me` is the participant's session)."""
    from jupyter_client.manager import start_new_kernel

    notebook = next((folder / "participants" / who).glob(notebook_glob))
    cells = json.loads(notebook.read_text())["cells"]
    parameters = next("".join(c["source"]) for c in cells
                      if "injected-parameters" in c["metadata"].get("tags", []))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_KIT_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    service = subprocess.Popen([sys.executable, "-m", "workshop_kit.cli", "serve", str(folder),
                                "--port", "0"], stdout=subprocess.PIPE, text=True, env=env,
                               stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manager = client = None
    try:
        url = re.search(r"http://\S+", service.stdout.readline()).group(0)
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(folder),
                                           env={**env, "WORKSHOP_KIT_SERVICE_URL": url})

        def run(code: str) -> list[dict]:
            out: list[str] = []
            client.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(
                m["content"]["text"]) if m["msg_type"] == "stream" else None)
            return [json.loads(line) for line in "".join(out).splitlines()]

        run(parameters + PROBE)

        def probe(expression: str) -> dict:
            [result] = run(f"probe(lambda: {expression})")
            return result

        yield probe
    finally:
        if client is not None:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        service.terminate()
        service.wait(30)
        service.stdout.close()
