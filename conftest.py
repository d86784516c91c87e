"""Notebook tests (nbval) run the templates in workshops/ and facilitator/ against a real,
temporary SQLite store filled with a simulated cohort, through the environment variables the
package reads when a notebook's parameters are left empty (store URL, content, token)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent
# Fixture notebooks (some broken on purpose) are inputs of tests, not tests themselves.
collect_ignore_glob = ["tests/notebooks/*.ipynb"]
TEMPLATE_TOKEN = "nbval-template-token"


def pytest_sessionstart(session) -> None:
    from workshop_kit.content import Participant, load_cohort, load_content, load_simulation
    from workshop_kit.simulate import simulate
    from workshop_kit.store import Store

    folder = Path(tempfile.mkdtemp(prefix="workshop-kit-nbval-"))
    session.config._workshop_kit_tmp = folder
    url = f"sqlite:///{folder / 'responses.sqlite'}"
    os.environ["WORKSHOP_KIT_STORE_URL"] = url
    os.environ["WORKSHOP_KIT_DATA"] = str(REPO / "data")
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
                 load_content(REPO / "data"), load_simulation(REPO / "data"), seed=1)


def pytest_sessionfinish(session, exitstatus) -> None:
    folder = getattr(session.config, "_workshop_kit_tmp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
