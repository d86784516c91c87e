"""The day in a real JupyterLab, driven as participants and the facilitator would.

Each test opens a built notebook, runs all cells, uses the widgets, then checks the store and
what the facilitator's notebook shows."""

from __future__ import annotations

import itertools
import json
import re
import time

import pytest

from workshop_kit.store import Store

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
PlaywrightTimeout = sync_api.TimeoutError

_WORKSPACES = itertools.count(1)
NOTEBOOK_OF: dict = {}  # page -> the notebook file it opened (see cell_output)
TIMEOUT = 180_000  # ms; kernels start slowly on a busy two-core machine
VIEWPORT = {"width": 1366, "height": 900}  # a projector's screen


DIALOGS: list[str] = []  # the text of every dialog answered (shown when a notebook fails)
# The kernel's state in the status bar ("Python 3 (ipykernel) | Idle").
KERNEL_IDLE = ("() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
               ".some(e => /\\|\\s*Idle\\s*$/.test(e.textContent))")


def accept_dialogs(page, start_kernel: bool = False) -> None:
    """Answer the dialogs JupyterLab put up.

    "Select Kernel" comes up when a cell is run before the notebook's kernel has started (on a
    loaded machine, once per cell of a Run All): it is cancelled, since "Select" would start
    another kernel and shut down the one starting (and the next dialog another, and so on),
    unless `start_kernel` (the notebook has no kernel at all). Any other dialog is accepted."""
    for _ in range(40):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count():
            return
        try:
            text = " ".join(dialog.first.inner_text(timeout=5_000).split())
        except PlaywrightTimeout:
            continue
        DIALOGS.append(text[:120])
        choose_kernel = text.lower().startswith("select kernel")
        if choose_kernel and not start_kernel:
            button = ".jp-Dialog .jp-Dialog-button.jp-mod-reject"
        else:
            button = ".jp-Dialog .jp-Dialog-button.jp-mod-accept"
            start_kernel = start_kernel and not choose_kernel  # one kernel, not one per cell
        try:
            page.locator(button).first.click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def kernel_ready(page, timeout: int = TIMEOUT) -> bool:
    """Wait until the notebook's kernel is idle (started and connected)."""
    try:
        page.wait_for_function(KERNEL_IDLE, timeout=timeout)
        return True
    except PlaywrightTimeout:
        return False


def run_all(page) -> bool:
    """Menu Run → Run All Cells once the kernel is idle; True once the first cell has an
    execution count."""
    accept_dialogs(page)
    if not kernel_ready(page, 60_000):
        # no kernel at all (none started, or it died): let a "Select Kernel" start one
        accept_dialogs(page, start_kernel=True)
        return False
    try:
        page.get_by_role("menuitem", name="Run", exact=True).click(timeout=5_000)
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=5_000)
    except PlaywrightTimeout:  # a dialog came up in between: answer it, try again
        page.keyboard.press("Escape")
        return False
    try:
        page.wait_for_function(
            # a built notebook's code is folded: its prompts are beside the outputs
            "() => [...document.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]"
            ".some(p => /\\[[0-9*]+\\]/.test(p.textContent))", timeout=15_000)
    except PlaywrightTimeout:
        return False
    return True


def open_and_run(browser, room, path: str, expect: str):
    """A fresh browser context (its own user), the notebook open, every cell run, until the
    `expect` selector shows.

    On a loaded machine JupyterLab sometimes drops a Run All sent while the kernel is still
    connecting, or renders a widget before its manager is ready; running all cells again is
    what a participant would do, and is safe (forms restore their saved answers)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    # A workspace of its own per context, so JupyterLab does not reopen earlier notebooks.
    workspace = f"w{next(_WORKSPACES)}"
    page.goto(f"{room['url']}/lab/workspaces/{workspace}/tree/{path}?reset&token={room['token']}")
    page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        state="attached", timeout=TIMEOUT)
    # Attempts until a deadline, not a count: on a loaded machine a Run All can fail fast
    # several times in a row (the kernel still connecting, a dialog in the way), and a count
    # of four was used up in under a minute in one CI run.
    deadline = time.monotonic() + 2 * TIMEOUT / 1000
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        if not run_all(page):
            page.wait_for_timeout(2_000)
            continue
        try:
            page.wait_for_selector(expect, timeout=TIMEOUT // 3)
            break
        except PlaywrightTimeout:
            continue
    else:
        shot = room["root"] / f"not-run-{path.replace('/', '-')}.png"
        page.screenshot(path=str(shot), full_page=True)
        try:
            status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute(
                "data-status", timeout=5_000)
            text = page.locator(".jp-Notebook").first.inner_text(timeout=5_000)[-1500:]
        except PlaywrightTimeout:
            status, text = "unknown", "(not readable)"
        raise AssertionError(f"{path}: '{expect}' never showed after {attempts} runs of all "
                             f"cells (kernel {status}); see {shot}; dialogs accepted: "
                             f"{DIALOGS[-10:]}; the notebook ends:\n{text}")
    accept_dialogs(page)
    NOTEBOOK_OF[page] = room["root"] / path
    return context, page


def wait_idle(page):
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=TIMEOUT)


def store(room, cohort: str) -> Store:
    return Store(f"sqlite:///{room['root'] / cohort / 'responses.sqlite'}")


def test_checkin_reaches_the_store_and_the_facilitator(browser, room, screenshot):
    context, page = open_and_run(browser, room, "demo/participants/p01/01_checkin.ipynb",
                                 ".widget-slider")
    page.locator("textarea").first.fill(
        "A family firm asked for an audit quote; the new finance director doubts the numbers.")
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 3 -> 5 on the first statement
    page.get_by_label("Share my answers with the facilitator", exact=False).check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/Saved at/", timeout=TIMEOUT)
    screenshot(page, "participant-01-checkin")
    context.close()
    with store(room, "demo") as s:
        answer = s.latest_answer("demo", "p01", "checkin", "trust_profile")
    assert answer.payload["ratings"]["cred_unknowns"] == 5
    assert answer.payload["situation"].startswith("A family firm asked")
    assert answer.payload["share_with_facilitator"] is True

    # Reopened, the notebook shows the answer again.
    context, page = open_and_run(browser, room, "demo/participants/p01/01_checkin.ipynb",
                                 "text=/is loaded \\(version 1\\)/")
    assert page.locator("textarea").first.input_value().startswith("A family firm asked")
    context.close()

    context, page = open_and_run(browser, room, "demo/facilitator/01_checkin.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    text = page.locator(".jp-Notebook").inner_text()
    assert "11 participant(s) have answered so far." in text  # 10 simulated + p01
    assert "new finance director" in text  # the situations table, without names
    assert page.locator(".jp-OutputArea-output img[src^='data:image/svg+xml']").count() >= 1
    screenshot(page, "facilitator-01-checkin")
    context.close()


def test_purpose_sort_gives_feedback_and_shows_in_the_live_results(browser, room, screenshot):
    context, page = open_and_run(browser, room, "demo/participants/p02/02_purpose.ipynb",
                                 ".widget-toggle-buttons")
    groups = page.locator(".widget-toggle-buttons")
    statements = groups.count()
    for i in range(statements):
        groups.nth(i).get_by_role("button", name="Always be exploring").click()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/statement\\(s\\) differently from the kit/", timeout=TIMEOUT)
    screenshot(page, "participant-02-purpose")
    context.close()
    with store(room, "demo") as s:
        placements = s.latest_answer("demo", "p02", "purpose", "purpose_sort").payload[
            "placements"]
    assert len(placements) == statements == 14
    assert set(placements.values()) == {"exploring"}

    context, page = open_and_run(browser, room, "demo/facilitator/02_purpose.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    text = page.locator(".jp-Notebook").inner_text()
    assert "11 participant(s) have answered so far." in text
    assert page.locator(".jp-OutputArea-output img[src^='data:image/svg+xml']").count() == 2
    screenshot(page, "facilitator-02-purpose")
    context.close()


def play_one_round(fpage, apage, bpage) -> None:
    """The facilitator starts a one-round game; the first player shares, the second holds
    back. The participants' panels notice the game by themselves (no cell is re-run)."""
    fpage.get_by_role("button", name="Start a new game").click()
    fpage.wait_for_selector("text=/Game 1/", timeout=TIMEOUT)
    for page in (apage, bpage):
        page.wait_for_selector("text=/Round 1 with someone you cannot see: choose/",
                               timeout=TIMEOUT)
    apage.get_by_role("button", name="Share what you know").click()
    apage.wait_for_selector("text=/Waiting for the other player/", timeout=TIMEOUT)
    bpage.get_by_role("button", name="Hold it back").click()
    apage.wait_for_selector("text=/You get 0, they get 6/", timeout=TIMEOUT)


def test_two_participants_play_a_live_round(browser, room, screenshot):
    facilitator, fpage = open_and_run(browser, room, "pair/facilitator/04_dilemma.ipynb",
                                      "text=/No game started yet/")
    wait_idle(fpage)
    ann, apage = open_and_run(browser, room, "pair/participants/ann/04_dilemma.ipynb",
                              "text=/Waiting for the facilitator/")
    bob, bpage = open_and_run(browser, room, "pair/participants/bob/04_dilemma.ipynb",
                              "text=/Waiting for the facilitator/")

    play_one_round(fpage, apage, bpage)
    bpage.wait_for_selector("text=/You get 6, they get 0/", timeout=TIMEOUT)
    assert re.search(r"The game is over after 1 round", apage.locator(".jp-Notebook")
                     .inner_text())
    screenshot(apage, "participant-04-dilemma")
    fpage.locator(".widget-button", has_text="Refresh").click()
    fpage.wait_for_selector("text=/round 1: 2\\/2/", timeout=TIMEOUT)
    screenshot(fpage, "facilitator-04-dilemma")
    for context in (ann, bob, facilitator):
        context.close()
    with store(room, "pair") as s:
        moves = {a.participant: a.payload["move"] for a in
                 s.latest_many("pair", "dilemma", ["ann", "bob"], "move:g1:")}
    assert moves == {"ann": "C", "bob": "D"}


def round_output(page, round_no: int):
    """The output area of the cell that shows role-play round `round_no`."""
    return cell_output(page, f"me.module(module_id).round({round_no})")


def test_roleplay_seller_and_observer(browser, room, screenshot):
    manifest = json.loads((room["root"] / "demo/cohort.json").read_text())
    first = next(m for m in manifest["modules"] if m["id"] == "roleplay")["records"]["groups"][
        "groups"][0]["rounds"][0]
    seller, observer = first["seller"], first["observers"][0]

    context, page = open_and_run(browser, room, f"demo/participants/{seller}/03_roleplay.ipynb",
                                 "text=/Round 1: you are the seller/")
    area = round_output(page, 1)
    area.locator(".widget-button").first.wait_for(timeout=TIMEOUT)
    fixed = {"Say this", "Start again", "Submit", "Show what they told me"}
    for _step in range(20):  # walk the script, always taking the first choice
        if area.get_by_text("The end:").count():
            break
        buttons = area.locator(".widget-button")
        labels = [b.inner_text().strip() for b in buttons.all()]
        choice = next(i for i, label in enumerate(labels) if label not in fixed)
        buttons.nth(choice).click()
        page.wait_for_timeout(300)
    area.get_by_text("The end:").wait_for(timeout=TIMEOUT)
    screenshot(page, "participant-03-roleplay")
    context.close()

    context, page = open_and_run(browser, room,
                                 f"demo/participants/{observer}/03_roleplay.ipynb",
                                 "text=/Round 1: you are the observer/")
    area = round_output(page, 1)
    area.get_by_role("button", name="Buyer talking").wait_for(timeout=TIMEOUT)
    area.get_by_role("button", name="Buyer talking").click()
    page.wait_for_timeout(1500)
    area.get_by_role("button", name="Seller talking").click()
    page.wait_for_timeout(1500)
    area.locator("input[type=checkbox]").first.check()
    area.locator("textarea").first.fill("Asked about the client's plans before saying anything.")
    area.get_by_role("button", name="Submit").click()
    area.get_by_text("Saved at").wait_for(timeout=TIMEOUT)
    screenshot(page, "observer-03-roleplay")
    context.close()

    with store(room, "demo") as s:
        path = s.latest_answer("demo", seller, "roleplay", "roleplay_path_r1").payload
        sheet = s.latest_answer("demo", observer, "roleplay", "roleplay_observation_r1").payload
    assert path["steps"] and path["ending"]
    assert sheet["note"].startswith("Asked about the client's plans")
    seconds = {who: 0.0 for who in ("seller", "buyer", "silence")}
    for who, start, end in sheet["segments"]:
        seconds[who] += end - start
    assert seconds["buyer"] >= 1.0 and seconds["seller"] >= 1.0

    context, page = open_and_run(browser, room, "demo/facilitator/03_roleplay.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    assert page.locator(".jp-OutputArea-output img[src^='data:image/svg+xml']").count() >= 2
    assert page.locator(".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count() == 0
    screenshot(page, "facilitator-03-roleplay")
    context.close()


def test_cockpit_locks_an_exercise_and_counts_by_itself(browser, room, screenshot):
    """The facilitator locks the check-in from the cockpit; a late answer is refused in the
    participant's form and kept there; once opened again it is saved, and the cockpit's count
    goes up without any cell being re-run."""
    with store(room, "demo") as s:
        assert s.latest_answer("demo", "p02", "checkin", "trust_profile") is None
        answered = len(s.module_answers("demo", "checkin", "trust_profile"))
    cockpit, cpage = open_and_run(browser, room, "demo/facilitator/00_cockpit.ipynb",
                                  f"text=/{answered} of 12 answered/")
    cpage.locator(".widget-button", has_text="Lock").click()
    cpage.locator(".widget-button", has_text="Open again").wait_for(timeout=TIMEOUT)

    late, page = open_and_run(browser, room, "demo/participants/p02/01_checkin.ipynb",
                              ".widget-slider")
    page.locator("textarea").first.fill("A law firm wants a fixed fee; the partners disagree.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/closed this exercise/", timeout=TIMEOUT)
    assert page.locator("textarea").first.input_value().startswith("A law firm")
    with store(room, "demo") as s:
        assert s.latest_answer("demo", "p02", "checkin", "trust_profile") is None

    cpage.locator(".widget-button", has_text="Open again").click()
    cpage.locator(".widget-button", has_text="Lock").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/Saved at/", timeout=TIMEOUT)
    late.close()
    # by itself: the cockpit polls the store, nobody re-runs a cell
    cpage.wait_for_selector(f"text=/{answered + 1} of 12 answered/", timeout=TIMEOUT)
    screenshot(cpage, "facilitator-00-cockpit")
    cockpit.close()


def code_cell(page, source: str):
    """The code cell whose source is `source`. A built notebook's code is folded (its text is
    not in the page): the cell is found by its place in the notebook's file."""
    cells = json.loads(NOTEBOOK_OF[page].read_text(encoding="utf-8"))["cells"]
    index = next(i for i, c in enumerate(cells) if "".join(c["source"]).strip() == source)
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def cell_output(page, source: str):
    """The output area of the code cell whose source is `source` (see `code_cell`)."""
    return code_cell(page, source).locator(".jp-OutputArea")


def test_drill_and_wrapup(browser, room, screenshot):
    context, page = open_and_run(browser, room, "demo/participants/p03/05_drill.ipynb",
                                 "text=/ min\\) /")
    area = cell_output(page, "me.module(module_id).case()")
    area.locator(".widget-button", has_text=" min) ").first.click()
    area.get_by_text("minute(s) left").wait_for(timeout=TIMEOUT)
    area.locator("textarea").first.fill(
        "The real problem is not the contract template: the sales team signs side letters that "
        "nobody in legal sees, so the risk sits outside any template.")
    area.get_by_role("button", name="Submit").click()
    area.get_by_text("How an experienced adviser reads it").wait_for(timeout=TIMEOUT)
    screenshot(page, "participant-05-drill")
    context.close()
    with store(room, "demo") as s:
        answer = s.latest_answer("demo", "p03", "drill", "drill_definition").payload
    assert answer["asked"] and answer["definition"].startswith("The real problem")

    context, page = open_and_run(browser, room, "demo/facilitator/05_drill.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    text = page.locator(".jp-Notebook").inner_text()
    assert "1 participant(s) have answered so far." in text
    assert "the sales team signs side letters" in text  # definitions side by side
    code_cell(page, "room.module(module_id).votes_chart()").evaluate(
        "c => c.scrollIntoView()")
    screenshot(page, "facilitator-05-drill")
    context.close()

    context, page = open_and_run(browser, room, "demo/participants/p03/07_wrapup.ipynb",
                                 ".widget-slider")
    area = cell_output(page, "me.module(module_id).trust_profile_again()")
    handle = area.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowLeft")  # 3 -> 2 on the first statement
    area.locator("textarea").first.fill("I will ask before I tell.")
    area.get_by_role("button", name="Submit").click()
    area.get_by_text("Saved at").wait_for(timeout=TIMEOUT)
    screenshot(page, "participant-07-wrapup")
    context.close()
    with store(room, "demo") as s:
        again = s.latest_answer("demo", "p03", "wrapup", "trust_profile_after").payload
    assert again["ratings"]["cred_unknowns"] == 2

    context, page = open_and_run(browser, room, "demo/facilitator/07_wrapup.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    assert "1 participant(s) have answered so far." in page.locator(".jp-Notebook").inner_text()
    assert page.locator(".jp-OutputArea-output img[src^='data:image/svg+xml']").count() >= 1
    code_cell(page, "room.module(module_id).trust_before_after_chart()").evaluate(
        "c => c.scrollIntoView()")
    screenshot(page, "facilitator-07-wrapup")
    context.close()


def test_risky_gift_plan_and_partner_feedback(browser, room, screenshot):
    manifest = json.loads((room["root"] / "demo/cohort.json").read_text())
    people = {p["id"]: p for p in manifest["participants"]}
    planner = "p04"
    partner = people[planner]["partners"]["gift"][0]

    context, page = open_and_run(browser, room, f"demo/participants/{planner}/06_gift.ipynb",
                                 "textarea")
    area = cell_output(page, "me.module(module_id).plan()")
    boxes = area.locator("textarea")
    for i in range(boxes.count()):
        boxes.nth(i).fill(f"Plan part {i + 1}: a one-page review of their renewal terms.")
    area.get_by_role("button", name="Submit").click()
    area.get_by_text("Saved at").wait_for(timeout=TIMEOUT)
    screenshot(page, "participant-06-gift")
    context.close()

    context, page = open_and_run(browser, room, f"demo/participants/{partner}/06_gift.ipynb",
                                 "textarea")
    area = cell_output(page, "me.module(module_id).partner_feedback()")
    area.get_by_text(f"The plan of {people[planner]['display_name']}").wait_for(timeout=TIMEOUT)
    area.get_by_role("button", name="Read the plan again").click()
    area.get_by_text("Plan part 1: a one-page review").wait_for(timeout=TIMEOUT)
    boxes = area.locator("textarea")
    for i in range(boxes.count()):
        boxes.nth(i).fill(f"Feedback {i + 1}: name the renewal date in the first line.")
    area.get_by_role("button", name="Submit").click()
    area.get_by_text("Saved at").wait_for(timeout=TIMEOUT)
    context.close()

    # The planner reopens the notebook and reads the feedback; nobody else's plan is shown.
    context, page = open_and_run(browser, room, f"demo/participants/{planner}/06_gift.ipynb",
                                 "text=/Feedback 1: name the renewal date/")
    # in the notebook: JupyterLab's table of contents may list the same heading beside it
    page.locator(".jp-Notebook").get_by_text(
        f"From {people[partner]['display_name']}").wait_for(timeout=TIMEOUT)
    assert f"From {partner}" not in page.locator(".jp-Notebook").inner_text()
    context.close()
    with store(room, "demo") as s:
        plan = s.latest_answer("demo", planner, "gift", "gift_plan").payload
        feedback = s.latest_answer("demo", partner, "gift", f"gift_feedback:{planner}").payload
    assert any(str(v).startswith("Plan part 1") for v in plan.values())
    assert any(str(v).startswith("Feedback 1") for v in feedback.values())

    context, page = open_and_run(browser, room, "demo/facilitator/06_gift.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    assert "Plan part 1: a one-page review" in page.locator(".jp-Notebook").inner_text()
    screenshot(page, "facilitator-06-gift")
    context.close()
