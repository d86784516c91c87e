"""The dilemma module beyond live play: the strategy builder, the cohort tournament, the
facilitator's views, content checks and simulation."""

from pathlib import Path

import pandas as pd
import pytest

from workshop_kit import analysis, charts
from workshop_kit.cohort import check_modules
from workshop_kit.content import load_content
from workshop_kit.errors import ContentError
from workshop_kit.game import BuiltStrategy, play_match
from workshop_kit.session import FacilitatorSession
from workshop_kit.simulate import simulate
from workshop_kit.widgets import StrategyBuilderForm

DATA = Path(__file__).resolve().parents[1] / "data"


def test_builder_describes_tries_and_enters_a_strategy(store, content):
    form = StrategyBuilderForm(store, "c", "p1", content.dilemma)
    assert "(the idea of Tit For Tat)" in form.description_box.value
    form.retaliation.value = "forever"
    assert "Holds a grudge" in form.description_box.value
    assert form.forgive_after.layout.display is None
    assert form.retaliate_k.layout.display == "none"
    form.forgive_after.value = 3
    assert "forgives once the partner has shared 3 rounds in a row" in \
        form.description_box.value
    # The trial table is the engine's own match against Defector.
    expected = play_match(form.spec(), "defector", 20, payoffs="seller_buyer", seed=7)
    assert f"<code>{''.join(expected['player']).translate(str.maketrans('CD', 'SH'))}</code>" \
        in form.trial.value
    assert "Always holds back" in form.trial.value
    assert "cooperat" not in form.trial.value + form.description_box.value
    assert "defect" not in form.trial.value + form.description_box.value

    assert form.submit() is False
    assert "Give your strategy a name" in form.message.value
    assert store.count() == 0
    form.name.value = "  Patient Partner "
    assert form.submit()
    saved = store.latest_answer("c", "p1", "dilemma", "strategy").payload
    assert BuiltStrategy(**saved) == BuiltStrategy(name="Patient Partner",
                                                   retaliation="forever", forgive_after=3)
    reopened = StrategyBuilderForm(store, "c", "p1", content.dilemma)
    assert (reopened.name.value, reopened.retaliation.value, reopened.forgive_after.value) == (
        "Patient Partner", "forever", 3)


def test_forgiveness_is_only_stored_with_a_grudge(store, content):
    form = StrategyBuilderForm(store, "c", "p1", content.dilemma)
    form.retaliation.value = "forever"
    form.forgive_after.value = 2
    form.retaliation.value = "once"
    assert form.value()["forgive_after"] is None


def frame(payloads):
    return pd.DataFrame({"participant": [f"p{i}" for i in range(len(payloads))],
                         "payload": payloads})


def test_cohort_strategies_are_unique_and_bad_entries_reported():
    answers = frame([{"name": "Fair"}, {"name": "Fair", "first_move": "D"},
                     {"name": "Odd", "randomness": 0.9}])
    strategies, problems = analysis.cohort_strategies(answers)
    assert [s.name for s in strategies] == ["Fair", "Fair (2)"]
    assert problems == ["p2: randomness must be a number from 0 to 0.5, got 0.9"]


def test_game_length_table_tells_the_seed_story():
    players = [BuiltStrategy(name="tft"), BuiltStrategy(name="grudge", retaliation="forever"),
               "defector", "cooperator", "suspicious_tit_for_tat"]
    table = analysis.by_game_length(players, [1, 100], 5, 0.0, "seller_buyer", 1)
    evolved = table[table["stage"] == "after evolution"].set_index("turns")
    # One-shot games breed defectors; long games breed cooperators.
    assert evolved.loc[1, "cooperation"] < 0.2
    assert evolved.loc[100, "cooperation"] > 0.6
    assert evolved.loc[100, "points_per_round"] > 3 * evolved.loc[1, "points_per_round"]
    spec = charts.game_length(table).to_dict()
    assert [c["encoding"]["y"]["field"] for c in spec["hconcat"]] == ["cooperation",
                                                                      "points_per_round"]


def test_facilitator_views_on_a_simulated_cohort(serve_store, tmp_path, content):
    from workshop_kit.content import load_cohort
    from workshop_kit.simulate import load_simulation
    from workshop_kit.store import Store

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    cohort = load_cohort(DATA / "cohorts/demo.yaml")
    with Store(url) as store:
        written = simulate(store, "demo", cohort.date, list(cohort.participants), content,
                           load_simulation(DATA), seed=2)
        assert written > 12 * 3
        assert simulate(store, "demo", cohort.date, list(cohort.participants), content,
                        load_simulation(DATA), seed=2) == 0
        store.register_tokens("demo", {"facilitator": "f-token"})
    room = FacilitatorSession("demo", serve_store(url, "demo"), token="f-token")
    summary = room.live_summary().set_index("condition")
    assert list(summary.index) == ["one_shot", "partners", "strangers"]
    assert summary.loc["one_shot", "rounds"] == 1
    assert summary.loc["partners", "cooperation"] > summary.loc["strangers", "cooperation"]
    board = room.leaderboard(top=50)
    assert (board["entry"] == "cohort").sum() == 12
    assert set(content.dilemma.classics) <= set(board["player"])
    assert room.leaderboard_chart().to_dict()["encoding"]["color"]["field"] == "entry"
    evolution = room.evolution_chart().to_dict()
    assert evolution["encoding"]["y"]["stack"] == "normalize"
    assert len(room.strategies_entered()) == 12
    live = room.live_chart().to_dict()
    assert live["layer"][0]["encoding"]["x"]["field"] == "round"
    assert "<ol>" in room.debrief().data


def test_unknown_classic_in_content_names_file_and_line(repo_copy):
    path = repo_copy / "data/modules/dilemma.yaml"
    text = path.read_text().replace("  - grudger\n", "  - grudgerr\n")
    path.write_text(text)
    line = text.splitlines().index("  - grudgerr") + 1
    with pytest.raises(ContentError, match=rf"dilemma.yaml:{line}: field 'classics.1' "
                                           r"'grudgerr' is not a strategy; choose from: "):
        check_modules(load_content(repo_copy / "data"))
    path.write_text(text.replace("grudgerr", "grudger").replace("payoffs: seller_buyer",
                                                                "payoffs: 1,2,3"))
    with pytest.raises(ContentError, match=r"dilemma.yaml:\d+: field 'payoffs': unknown"):
        check_modules(load_content(repo_copy / "data"))
