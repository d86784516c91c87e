"""The facilitator's screens on a projector (1366×900) in a real JupyterLab: controls above
results, a game control whose dropdown and slider show their text and move in small steps,
charts whose labels vega never cuts, tables without an index column and with formatted
numbers and left-aligned text."""

from __future__ import annotations

import base64
import re
import urllib.parse

import pytest

from .test_browser import TIMEOUT, VIEWPORT, code_cell, open_and_run, wait_idle

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed (pip install -e '.[test]')")


def svg_texts(page) -> list[str]:
    """Every text of every chart on the page: inline SVG (the cockpit) and SVG images (the
    notebooks' altair output)."""
    texts = page.locator("svg text").all_text_contents()
    for src in page.locator("img[src^='data:image/svg+xml']").evaluate_all(
            "imgs => imgs.map(i => i.getAttribute('src'))"):
        head, data = src.split(",", 1)
        svg = (base64.b64decode(data).decode() if head.endswith(";base64")
               else urllib.parse.unquote(data))
        texts += re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return texts


def at_top(page) -> None:
    """The notebook scrolled to its top, as the facilitator sees it after opening it."""
    page.evaluate("() => document.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook')"
                  ".forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(300)


def test_cockpit_controls_stay_above_the_fold_once_a_chart_shows(browser, room):
    context, page = open_and_run(browser, room, "demo/facilitator/00_cockpit.ipynb",
                                 "text=/of 12 answered/")
    page.locator(".widget-button", has_text="Reveal results").click()
    chart = page.locator(".wk-chart svg")
    chart.wait_for(timeout=TIMEOUT)
    at_top(page)
    assert chart.bounding_box()["height"] > 200  # a real chart shows
    for name in ("Lock", "Hide results"):
        box = page.locator(".widget-button", has_text=name).first.bounding_box()
        assert box["y"] + box["height"] <= VIEWPORT["height"], (name, box)
    lock = page.locator(".widget-button", has_text="Lock").first.bounding_box()
    assert lock["y"] < chart.bounding_box()["y"]  # controls above the results
    texts = svg_texts(page)
    assert texts and not [t for t in texts if "…" in t]
    page.locator(".widget-button", has_text="Hide results").click()  # as it was
    page.locator(".widget-button", has_text="Reveal results").wait_for(timeout=TIMEOUT)
    context.close()


def test_game_control_shows_its_text_and_slides_in_small_steps(browser, room):
    context, page = open_and_run(browser, room, "demo/facilitator/04_dilemma.ipynb",
                                 "text=/No game started yet/")
    wait_idle(page)
    select = page.locator(".widget-dropdown select").first
    widths = select.evaluate("""s => {
        const style = getComputedStyle(s);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = s.options[s.selectedIndex].text;
        const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        return {element: s.clientWidth - pad, text: ctx.measureText(text).width,
                label: text};
    }""")
    assert widths["label"].replace("\xa0", " ").startswith("One round")
    assert widths["element"] >= widths["text"] + 16, widths  # + the dropdown's arrow

    slider = page.locator(".widget-slider", has_text="Chance of another round")
    slider.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    track = slider.locator(".noUi-target").bounding_box()
    assert track["width"] > 100, track
    readout = slider.locator(".widget-readout")
    start = float(readout.inner_text().strip().rstrip("%"))
    handle = slider.locator(".noUi-handle").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 20, y, steps=5)
    page.mouse.up()
    page.wait_for_timeout(500)
    moved = float(readout.inner_text().strip().rstrip("%"))
    assert 0 < start - moved <= 10, (start, moved)  # a small step, not a jump to 50 %

    # The controls come before the live results.
    start_box = page.get_by_role("button", name="Start a new game").bounding_box()
    live = code_cell(page, "room.module(module_id).live_chart()").bounding_box()
    assert start_box["y"] < live["y"]
    context.close()


def test_checkin_tables_and_charts_read_from_the_back(browser, room):
    context, page = open_and_run(browser, room, "demo/facilitator/01_checkin.ipynb",
                                 "text=/Close with:/")
    wait_idle(page)
    texts = svg_texts(page)
    assert texts and not [t for t in texts if "…" in t]
    assert not [t for t in texts if re.fullmatch(r"\d+\.5", t.strip())]  # whole counts
    tables = page.locator(".jp-OutputArea-output table")
    assert tables.count() >= 2
    assert page.locator(".jp-OutputArea-output table th.row_heading").count() == 0
    assert page.locator(".jp-OutputArea-output table th.blank").count() == 0
    summary = code_cell(page, "room.module(module_id).trust_profile_summary()").locator(
        "table")
    headers = summary.locator("th").all_inner_texts()
    assert headers[:3] == ["Trait", "Participants", "Mean"], headers
    means = summary.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert means and all(re.fullmatch(r"\d\.\d", m) for m in means), means
    situation = code_cell(page, "room.module(module_id).client_situations()").locator(
        "tbody td").first
    style = situation.evaluate("td => [getComputedStyle(td).textAlign, "
                               "getComputedStyle(td).whiteSpace]")
    assert style == ["left", "normal"]
    assert int(situation.evaluate("td => parseFloat(getComputedStyle(td).fontSize)")) >= 18
    context.close()
