"""A kernel restart in a real JupyterLab (1366×900): the form says in words that its connection
is lost, the text typed before is kept by the service as a draft, Run All brings it back into
the form, and Submit works."""

from __future__ import annotations

import itertools

from workshop_kit.widgets import LOST_MESSAGE

from .test_browser import NOTEBOOK_OF, TIMEOUT, accept_dialogs, code_cell, run_all, store

_WORKSPACES = itertools.count(1)
NOTEBOOK = "pair/participants/bob/01_checkin.ipynb"
TYPED = "A partner at a small law firm wants a second opinion before renewing our contract."


def _run_until(page, selector: str) -> None:
    """Run → Run All Cells (again if JupyterLab dropped it) until `selector` shows."""
    for _attempt in range(4):
        if run_all(page):
            try:
                page.wait_for_selector(selector, timeout=TIMEOUT // 3)
                return
            except Exception:  # a Run All lost while the kernel connected: run again
                continue
    raise AssertionError(f"'{selector}' never showed after running all cells")


def test_a_restarted_kernel_keeps_typed_text_and_says_how_to_reconnect(browser, room,
                                                                        screenshot):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{room['url']}/lab/workspaces/restart{next(_WORKSPACES)}/tree/{NOTEBOOK}"
              f"?reset&token={room['token']}")
    page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        state="attached", timeout=TIMEOUT)
    _run_until(page, "text=/Not submitted yet/")
    lost = page.locator(".workshop-kit-lost")  # at the top of the form and by Submit
    assert lost.count() == 2 and not lost.first.is_visible() and not lost.last.is_visible()

    page.locator("textarea").first.fill(TYPED)
    page.wait_for_selector("text=/What you typed is kept \\(not submitted yet\\)/",
                           timeout=TIMEOUT)

    # Kernel → Restart Kernel…: the form is still on the page, but dead
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel…").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    lost.last.wait_for(state="visible", timeout=TIMEOUT)
    assert lost.first.is_visible()
    assert lost.last.inner_text() == ("The connection to this form was lost — choose Run → Run "
                                      "All Cells; your typed text is kept.")
    lost.last.scroll_into_view_if_needed()
    screenshot(page, "participant-restarted-kernel")

    # Running only the form's cell in the fresh kernel: one sentence says what to do, the
    # traceback is folded under it
    accept_dialogs(page)
    NOTEBOOK_OF[page] = room["root"] / NOTEBOOK
    cell = code_cell(page, "me.module(module_id).trust_profile()")
    said = cell.locator(".jp-OutputArea-output", has_text="have not run yet")
    for _attempt in range(4):  # a run sent while the kernel restarts can be dropped
        # a click in its output selects the cell (its code is folded)
        cell.locator(".jp-OutputArea-output").first.click(position={"x": 4, "y": 4})
        page.keyboard.press("Shift+Enter")
        try:
            said.wait_for(timeout=TIMEOUT // 3)
            break
        except Exception:
            continue
    assert said.inner_text().strip() == (
        "The cells above this one have not run yet (or the notebook restarted): choose Run → "
        "Run All Cells.")
    details = cell.locator("details.workshop-kit-details")
    assert details.locator("summary").inner_text() == "Details for the facilitator"
    assert not details.locator("pre").is_visible()  # one click away
    details.locator("summary").click()
    assert "NameError: name 'me' is not defined" in details.locator("pre").inner_text()
    screenshot(page, "participant-cell-out-of-order")

    _run_until(page, "text=/is back; it is not submitted yet/")
    assert page.locator("textarea").first.input_value() == TYPED
    assert not lost.first.is_visible() and not lost.last.is_visible()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=/Saved at/", timeout=TIMEOUT)
    gone = page.locator(".workshop-kit-gone")
    assert gone.count() == 1 and not gone.is_visible()  # the note for a reloaded page

    # Saved, restarted, reloaded (the next morning): JupyterLab cannot find the form's model
    # and says "model not found"; the note after it says what to do
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1_000)
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel…").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_timeout(2_000)
    page.reload()
    page.wait_for_selector("text=/model not found/", timeout=TIMEOUT)
    gone = page.locator(".workshop-kit-gone")
    gone.wait_for(state="visible", timeout=TIMEOUT)
    assert gone.inner_text() == LOST_MESSAGE
    gone.scroll_into_view_if_needed()
    screenshot(page, "participant-reloaded-after-restart")
    context.close()
    with store(room, "pair") as s:
        answer = s.latest_answer("pair", "bob", "checkin", "trust_profile")
        assert answer.payload["situation"] == TYPED
        assert s.draft("pair", "bob", "checkin", "trust_profile") is None  # Submit replaced it
