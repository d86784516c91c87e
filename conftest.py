"""Notebook tests (nbval) run the templates in workshops/ and facilitator/ against a real
response service (`workshop-kit serve`, its own process) over a temporary SQLite store filled
with a simulated cohort, through the environment variables the package reads when a
notebook's parameters are left empty (service URL, token)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent
# Fixture notebooks (some broken on purpose) are inputs of tests, not tests themselves.
collect_ignore_glob = ["tests/notebooks/*.ipynb"]
TEMPLATE_TOKEN = "nbval-template-token"


def pytest_sessionstart(session) -> None:
    from workshop_kit.content import Participant, load_cohort, load_content
    from workshop_kit.simulate import load_simulation, simulate
    from workshop_kit.store import Store

    folder = Path(tempfile.mkdtemp(prefix="workshop-kit-nbval-"))
    session.config._workshop_kit_tmp = folder
    # The content served is the full day's when there is one, so that the notebooks of the
    # module library (not on the default one-day agenda) run too.
    data = folder / "data"
    shutil.copytree(REPO / "data", data)
    if (data / "agendas/full_day.yaml").is_file():
        shutil.copy(data / "agendas/full_day.yaml", data / "agenda.yaml")
    url = f"sqlite:///{folder / 'responses.sqlite'}"
    cohort = load_cohort(REPO / "data/cohorts/demo.yaml")
    template = Participant(id="template-participant", name="Template", email="t@example.com",
                           practice_area="consulting")
    # The templates' parameters carry no token: they read this one, registered for the
    # template participant and the facilitator of the 'template' cohort.
    os.environ["WORKSHOP_KIT_TOKEN"] = TEMPLATE_TOKEN
    with Store(url) as store:
        store.register_tokens("template", {"template-participant": TEMPLATE_TOKEN,
                                           "facilitator": TEMPLATE_TOKEN})
        simulate(store, "template", cohort.date, [*cohort.participants, template],
                 load_content(data, check_notebooks=False), load_simulation(data), seed=1)
    # What `workshop-kit serve` reads of a built cohort: its id, store and content.
    (folder / "cohort.json").write_text(json.dumps({
        "cohort": {"id": "template"}, "store_url": url, "content_dir": str(data),
        "modules": [], "participants": []}), encoding="utf-8")
    service = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    session.config._workshop_kit_service = service
    found = re.search(r"http://\S+", service.stdout.readline())
    assert found, "the response service did not start for the notebook tests"
    os.environ["WORKSHOP_KIT_SERVICE_URL"] = found.group(0)


def pytest_sessionfinish(session, exitstatus) -> None:
    service = getattr(session.config, "_workshop_kit_service", None)
    if service is not None:
        service.terminate()
        service.wait(timeout=30)
        service.stdout.close()
    folder = getattr(session.config, "_workshop_kit_tmp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
