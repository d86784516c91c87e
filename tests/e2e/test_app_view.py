"""The participant's app view (Voilà on the same Jupyter server) and the JupyterLab view of a
built notebook: words and widgets, no code and no credential on the screen.

A cohort of its own (two people), built and served beside the `room` fixture's, so these
answers change no count the other browser tests read."""

from __future__ import annotations

import re

import pytest

from workshop_kit.cohort import BuiltCohort, token_of
from workshop_kit.store import Store

from .conftest import _build, _serve

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")

TIMEOUT = 180_000  # ms; kernels start slowly on a busy two-core machine
VIEWPORT = {"width": 1366, "height": 900}
CODE = ("import workshop_kit", "ParticipantSession", "participant_id =", "token =",
        "service_url", "app_link")


@pytest.fixture(scope="module")
def view(room):
    """The cohort 'view' (ann, bob) under the room's JupyterLab, its service running."""
    root = room["root"]
    (root / "view-src").mkdir()
    (root / "view-src/roster.csv").write_text(
        "id,name,email,practice_area,team\n"
        "ann,Ann Lee,ann@example.com,legal,\nbob,Bob Ray,bob@example.com,consulting,\n")
    (root / "view-src/view.yaml").write_text(
        "id: view\nname: App view\ndate: '2026-12-03'\nroster: roster.csv\n")
    port = _build(root / "view-src/view.yaml", root / "view", [])
    service = _serve(root / "view", port)
    built = BuiltCohort.open(root / "view")
    with built.store() as store:
        for who in ("ann", "bob"):  # both checked in: they are in the room for the dilemma
            store.submit("view", who, "checkin", "arrived", {})
    yield {**room, "built": built,
           "tokens": {who: token_of(built.manifest, built.folder, who)
                      for who in ("ann", "bob", "facilitator")}}
    service.terminate()
    service.wait(20)


def assert_no_code(text: str, tokens: dict[str, str], where: str) -> None:
    shown = [c for c in CODE if c in text]
    assert not shown, f"{where} shows code: {shown}"
    leaked = [who for who, token in tokens.items() if token in text]
    assert not leaked, f"{where} shows the token of {leaked}"


def test_a_participant_checks_in_in_the_app_view(browser, view, screenshot):
    """Voilà renders the built notebook by itself: no code, the same widgets; the answer
    goes through the service into the cohort's store."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{view['url']}/voila/render/view/participants/ann/01_checkin.ipynb"
              f"?token={view['token']}", timeout=TIMEOUT)
    page.wait_for_selector(".widget-slider", timeout=TIMEOUT)
    page.locator("textarea").first.wait_for(timeout=TIMEOUT)
    assert_no_code(page.locator("body").inner_text(), view["tokens"], "Voilà")
    assert_no_code(page.content().replace(view["token"], ""), view["tokens"], "Voilà's HTML")
    assert page.locator(".workshop-kit-app-link").count() == 0  # no link to itself
    page.locator("textarea").first.fill(
        "A clinic wants a second opinion on a lease before its partners meet on Friday.")
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowLeft")  # 3 -> 2 on the first statement
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/Saved at/", timeout=TIMEOUT)
    page.mouse.move(0, 0)
    screenshot(page, "participant-voila-checkin")
    context.close()
    with Store(f"sqlite:///{view['root'] / 'view/responses.sqlite'}") as store:
        answer = store.latest_answer("view", "ann", "checkin", "trust_profile")
    assert answer is not None and answer.source != "simulated"
    assert answer.payload["ratings"]["cred_unknowns"] == 2
    assert answer.payload["situation"].startswith("A clinic wants a second opinion")


def test_jupyterlab_shows_no_code_and_links_to_the_app_view(browser, view, screenshot):
    """The same built notebook in JupyterLab, every cell run: no code text and no token in
    the page; its first output is the link to its app view, which opens Voilà in a new tab
    (the link is an absolute path with the server's base URL: JupyterLab would open a
    relative one as a file)."""
    from .test_browser import open_and_run

    room = {k: view[k] for k in ("url", "token", "root")}
    context, page = open_and_run(browser, room, "view/participants/bob/01_checkin.ipynb",
                                 ".widget-slider")
    page.set_viewport_size(VIEWPORT)
    page.wait_for_selector(".workshop-kit-app-link a", timeout=TIMEOUT)
    assert_no_code(page.locator(".jp-Notebook").inner_text(), view["tokens"], "JupyterLab")
    link = page.locator(".workshop-kit-app-link a")
    assert link.get_attribute("href") == "/voila/render/view/participants/bob/01_checkin.ipynb"
    assert link.get_attribute("target") == "_blank"
    screenshot(page, "participant-lab-no-code")
    with context.expect_page(timeout=TIMEOUT) as opened:
        link.click()
    app = opened.value
    app.wait_for_selector(".widget-slider", timeout=TIMEOUT)
    assert re.search(r"/voila/render/view/participants/bob/01_checkin\.ipynb", app.url)
    assert_no_code(app.locator("body").inner_text(), view["tokens"], "Voilà from the link")
    context.close()



def test_a_live_round_in_the_app_view(browser, view, screenshot):
    """The live dilemma's panel refreshes itself from a thread of the kernel: in Voilà too it
    notices the facilitator's game without any cell being run, and shows the outcome."""
    from .test_browser import open_and_run, play_one_round, wait_idle

    room = {k: view[k] for k in ("url", "token", "root")}
    facilitator, fpage = open_and_run(browser, room, "view/facilitator/04_dilemma.ipynb",
                                      "text=/No game started yet/")
    wait_idle(fpage)
    ann = browser.new_context(viewport=VIEWPORT)
    apage = ann.new_page()
    apage.goto(f"{view['url']}/voila/render/view/participants/ann/04_dilemma.ipynb"
               f"?token={view['token']}", timeout=TIMEOUT)
    apage.wait_for_selector("text=/Waiting for the facilitator/", timeout=TIMEOUT)
    bob, bpage = open_and_run(browser, room, "view/participants/bob/04_dilemma.ipynb",
                              "text=/Waiting for the facilitator/")
    play_one_round(fpage, apage, bpage)
    assert_no_code(apage.locator("body").inner_text(), view["tokens"], "Voilà")
    screenshot(apage, "participant-voila-dilemma")
    for context in (ann, bob, facilitator):
        context.close()
    with Store(f"sqlite:///{view['root'] / 'view/responses.sqlite'}") as store:
        moves = {a.participant: a.payload["move"] for a in
                 store.latest_many("view", "dilemma", ["ann", "bob"], "move:g1:")}
    assert moves == {"ann": "C", "bob": "D"}
