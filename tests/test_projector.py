"""Facilitator screens made for a projector, without a browser: tables through pandas Styler
(words for names, formatted numbers, no index column, wrapped left-aligned text) and altair
charts (the kit's theme, wrapped labels that vega never cuts, whole-number count axes and
legends). The browser half is tests/e2e/test_projector.py."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from workshop_kit import analysis, charts
from workshop_kit.session import FacilitatorSession
from workshop_kit.tables import column_label, human_label, projector_table


def test_ids_and_column_names_read_as_words():
    assert human_label("generous_tit_for_tat") == "Generous tit for tat"
    assert human_label("one_shot") == "One round"
    assert human_label("grudger") == "Grudger"
    assert human_label("Ann's patient partner") == "Ann's patient partner"  # a person's name
    assert column_label("mean_share") == "Mean share"
    assert column_label("cooperation_rate") == "Shared"
    assert column_label("in words") == "In words"


def _html(table) -> str:
    return table._repr_html_()


def test_a_table_shows_words_percentages_one_decimal_and_no_index():
    board = projector_table(pd.DataFrame({
        "rank": [1, 2], "player": ["generous_tit_for_tat", "Patient Partner"],
        "median_per_round": [2.3456, 3.0], "cooperation_rate": [0.089556, 1.0],
    }).set_index("rank"), words=["player"])
    shown = _html(board)
    assert "Generous tit for tat" in shown and "generous_tit_for_tat" not in shown
    assert ">9.0%<" in shown and ">100.0%<" in shown and "0.089556" not in shown
    assert ">2.3<" in shown and "2.3456" not in shown
    assert ">Points per round (median)<" in shown and ">Shared<" in shown
    assert "median_per_round" not in shown
    # No index column: the named index ('rank') is an ordinary column, nothing 0-based.
    assert 'class="row_heading' not in shown and 'class="blank' not in shown
    assert ">Rank<" in shown
    # Text wraps and is left-aligned; numbers alone are right-aligned.
    assert re.search(r"td \{[^}]*text-align: left;[^}]*white-space: normal;", shown)
    assert re.search(r"_col1 \{\s*text-align: right", shown) is None
    # Still a DataFrame for code: same data, same index.
    assert board.loc[1, "cooperation_rate"] == 0.089556
    assert list(board.set_index("player").index) == ["generous_tit_for_tat", "Patient Partner"]


def test_a_plain_table_hides_its_0_based_index_and_paths_read_as_words():
    table = projector_table(pd.DataFrame({"path": ["full_pitch → recover"], "sellers": [3]}),
                            words=["path"])
    shown = _html(table)
    assert ">Full pitch → Recover<" in shown
    assert ">0<" not in shown and "row_heading" not in shown
    # the same table twice gives the same page (notebooks saved twice do not differ)
    assert _html(table) == shown


def _all_specs(chart) -> list[dict]:
    spec = chart.to_dict()
    found = []

    def walk(node):
        if isinstance(node, dict):
            found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def test_the_theme_is_registered_once_and_makes_type_large():
    assert alt.theme.active == charts.THEME
    config = charts.trust_profile(pd.DataFrame(columns=["participant", "trait", "label",
                                                        "score"])).to_dict()["config"]
    assert config["axis"]["labelFontSize"] >= 14 and config["axis"]["labelLimit"] == 0
    assert config["title"]["fontSize"] >= 18
    # room on the left for labels the browser draws wider than vl-convert measured them
    assert charts.drill_votes(pd.DataFrame({
        "title": ["A case"], "label": ["Definition 1"], "votes": [1], "facts_used": [0]})
    ).to_dict()["padding"]["left"] >= 24


def test_long_labels_are_wrapped_into_lines_not_cut(content):
    checkin = content.checkin
    ratings = {item.id: 3 for _, item in checkin.items()}
    answers = pd.DataFrame({"participant": ["p1", "p2", "p3"],  # a chart needs 3 (MIN_GROUP)
                            "payload": [{"ratings": ratings}] * 3})
    spec = charts.trust_profile(analysis.trust_scores(answers, checkin)).to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"]["labelExpr"] == charts.LINES and y["axis"]["labelLimit"] == 0
    assert "Other-orientation: their\ninterests at heart?" in y["sort"]
    assert all(len(line) <= 26 for label in y["sort"] for line in label.split("\n"))
    assert charts.wrap("a b c", 3) == "a b\nc"
    # the mean bars start at 0, left of a 1-5 axis: clipped, so they never cover the labels
    assert spec["layer"][0]["mark"]["clip"] is True


def test_legend_counts_are_whole_numbers(content):
    checkin = content.checkin
    # three people rate every item 2 (one dot of 3), a fourth rates 4 (no dot: fewer than 3)
    answers = pd.DataFrame({"participant": [f"p{i}" for i in range(4)], "payload": [
        {"ratings": {item.id: 2 if i < 3 else 4 for _, item in checkin.items()}}
        for i in range(4)]})
    spec = charts.trust_profile(analysis.trust_scores(answers, checkin)).to_dict()
    legend = spec["layer"][1]["encoding"]["size"]["legend"]
    assert legend["format"] == "d"
    assert legend["values"] == [3]


def test_round_and_count_axes_have_whole_number_ticks():
    live = pd.DataFrame({"condition": ["partners"] * 3, "round": [1, 2, 3],
                         "cooperation": [1.0, 0.5, 0.5], "moves": [2, 2, 2]})
    conditions = {"one_shot": "x", "partners": "y", "strangers": "z"}
    spec = charts.live_cooperation(live, conditions).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["tickMinStep"] == 1 and x["axis"]["format"] == "d"
    assert x["axis"]["values"] == [1, 2, 3]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Partners"]
    shares = pd.DataFrame({"generation": [0, 1], "strategy": ["tit_for_tat"] * 2,
                           "share": [1.0, 1.0]})
    evolution = charts.evolution(shares).to_dict()
    assert evolution["encoding"]["x"]["axis"]["format"] == "d"
    assert evolution["encoding"]["color"]["scale"]["domain"] == ["Tit for tat"]


@pytest.fixture
def room(simulate_demo, serve_store):
    url, _ = simulate_demo(["checkin", "purpose", "roleplay", "dilemma", "drill", "gift",
                            "wrapup"], seed=4)
    return FacilitatorSession("demo", serve_store(url, "demo"), token="f-token")


CHARTS = ["trust_profile_chart", "purpose_chart", "misplaced_chart", "roleplay_outcomes_chart",
          "talk_share_chart", "checklist_chart", "leaderboard_chart", "evolution_chart",
          "game_length_chart", "drill_votes_chart", "drill_questions_chart",
          "trust_before_after_chart"]
TABLES = ["trust_profile_summary", "client_situations", "misplaced_statements",
          "roleplay_paths", "talk_share_table", "debrief_points", "strategies_entered",
          "leaderboard", "drill_cases", "drill_definitions", "drill_questions", "gift_gallery",
          "trust_change", "commitments_shared"]


def test_every_facilitator_chart_renders_without_a_cut_label(room):
    import vl_convert as vlc

    for name in CHARTS:
        svg = vlc.vegalite_to_svg(getattr(room, name)().to_dict())
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert texts, name
        assert not [t for t in texts if "…" in t], name
        assert not [t for t in texts if re.fullmatch(r"\d+\.5", t.strip())], name


def test_every_facilitator_table_is_styled_for_the_projector(room):
    for name in TABLES:
        shown = _html(getattr(room, name)())
        assert "row_heading" not in shown, name  # no index column
        assert not re.search(r">[a-z]+(_[a-z]+)+<", shown), (name, "a snake_case name shown")
        assert not re.search(r">-?\d+\.\d{2,}<", shown), (name, "an unformatted number")
        assert "font-size: 18px" in shown, name
    board = _html(room.module("dilemma").leaderboard())
    assert re.search(r">\d{1,3}\.\d%<", board)
