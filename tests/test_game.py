"""The dilemma engine plays exactly like the Axelrod library, and its tournaments count alike."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workshop_kit.errors import ParameterError
from workshop_kit.game import (
    CLASSICS,
    PAYOFF_TABLES,
    BuiltStrategy,
    PayoffTable,
    format_table,
    get_strategy,
    play_match,
    play_tournament,
    resolve_player,
    scripted,
    tournament_summary,
)

REFERENCE = Path("/work/shared/reference/axelrod-classic-scores.json")
FIXTURES = json.loads(
    (Path(__file__).parent / "fixtures" / "axelrod_moves.json").read_text()
)
BY_DISPLAY_NAME = {spec.display_name: name for name, spec in CLASSICS.items()}
DETERMINISTIC = [name for name, spec in CLASSICS.items() if not spec.stochastic]
STOCHASTIC = [name for name, spec in CLASSICS.items() if spec.stochastic]


def _moves(match: pd.DataFrame) -> list[str]:
    return ["".join(match["player"]), "".join(match["partner"])]


# --- the shared reference file: every number ------------------------------------------------


def _reference_cases() -> list[dict]:
    if not REFERENCE.exists():  # the shared folder is outside the repository
        pytest.skip(f"{REFERENCE} not available")
    return json.loads(REFERENCE.read_text())["cases"]


@pytest.mark.parametrize("case_index", range(4))
def test_reproduces_every_number_of_the_axelrod_reference(case_index: int) -> None:
    case = _reference_cases()[case_index]
    names = [BY_DISPLAY_NAME[display] for display in case["players"]]
    payoffs = PayoffTable(**case["payoffs"])
    result = play_tournament(names, turns=case["turns"], repetitions=1, payoffs=payoffs, seed=0)

    assert result.scores[0].tolist() == case["scores"]
    assert [CLASSICS[name].display_name for name in result.ranked_names] == case["ranked_names"]
    assert result.payoff_matrix.to_numpy().tolist() == case["payoff_matrix_per_turn"]


# --- move tables from the library -------------------------------------------------------------


def test_fixture_covers_every_deterministic_classic() -> None:
    assert sorted(FIXTURES["vs_script"]) == sorted(DETERMINISTIC)
    assert sorted(FIXTURES["vs_classic"]) == sorted(DETERMINISTIC)


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_moves_against_scripted_opponents_match_axelrod(name: str) -> None:
    for cycle, expected in FIXTURES["vs_script"][name].items():
        match = play_match(name, scripted(cycle), turns=FIXTURES["turns"])
        assert _moves(match) == expected, f"{name} vs Cycler {cycle}"


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_moves_against_every_classic_match_axelrod(name: str) -> None:
    for other, expected in FIXTURES["vs_classic"][name].items():
        match = play_match(name, other, turns=FIXTURES["turns"])
        assert _moves(match) == expected, f"{name} vs {other}"


@pytest.mark.parametrize("name", list(CLASSICS))
def test_display_names_are_axelrods(name: str) -> None:
    axelrod_name = FIXTURES["display_names"][name]
    # GTFT's printed name carries its probability ("GTFT: 0.33"); its class name is "GTFT".
    assert axelrod_name.split(":")[0] == CLASSICS[name].display_name.split(":")[0]


def test_a_deterministic_tournament_matches_axelrod_in_every_table() -> None:
    expected = FIXTURES["tournaments"]["deterministic_50_turns"]
    result = play_tournament(expected["players"], turns=50, repetitions=1)
    assert result.scores.to_numpy().tolist() == expected["scores"]
    assert result.ranked_names == expected["ranked_names"]
    assert result.wins.to_numpy().tolist() == expected["wins"]
    np.testing.assert_allclose(result.payoff_matrix, expected["payoff_matrix"], rtol=1e-12)
    assert result.cooperation_rate.tolist() == pytest.approx(expected["cooperating_rating"])


@pytest.mark.parametrize("key", ["stochastic_100_turns", "noisy_50_turns"])
def test_random_tournaments_agree_with_axelrod_in_distribution(key: str) -> None:
    """Mean scores agree within 4 standard errors (randomness differs, the law must not)."""
    expected = FIXTURES["tournaments"][key]
    result = play_tournament(
        expected["players"],
        turns=expected["turns"],
        repetitions=expected["repetitions"],
        noise=expected["noise"],
        seed=11,
    )
    reps = expected["repetitions"]
    ours = result.scores.mean(axis=1).to_numpy()
    spread = np.hypot(np.array(expected["std_scores"]), result.scores.std(axis=1, ddof=1))
    z = (ours - np.array(expected["mean_scores"])) / (spread / np.sqrt(reps))
    assert np.abs(z).max() < 4, dict(zip(expected["players"], z.round(2), strict=True))


# --- shared tests every strategy inherits ---------------------------------------------------

EVERY_STRATEGY = [
    *CLASSICS,
    BuiltStrategy(name="built_generous", generosity=0.3, randomness=0.1),
    BuiltStrategy(name="built_prober", retaliation="k", retaliate_k=3, probe=True),
    scripted("CCD"),
]


def _key(player: object) -> str:
    return player if isinstance(player, str) else player.name


@pytest.mark.parametrize("player", EVERY_STRATEGY, ids=_key)
def test_every_strategy_is_repeatable_with_a_seed(player: object) -> None:
    first = play_match(player, "random", turns=40, noise=0.1, seed=3)
    again = play_match(player, "random", turns=40, noise=0.1, seed=3)
    pd.testing.assert_frame_equal(first, again)


EVERY_DETERMINISTIC = [p for p in EVERY_STRATEGY if not resolve_player(p).stochastic]


@pytest.mark.parametrize("player", EVERY_DETERMINISTIC, ids=_key)
def test_every_deterministic_strategy_starts_each_match_afresh(player: object) -> None:
    """Matches in one batch share nothing: each repetition of a pairing is the same, and
    equals the match played alone (a strategy that met a defector elsewhere still trusts a
    cooperator)."""
    opponents = ["cooperator", "defector", "alternator", "tit_for_tat"]
    players = [player, *(o for o in opponents if o != _key(player))]
    result = play_tournament(players, turns=20, repetitions=3, seed=4)
    assert (result.scores.nunique(axis=1) == 1).all()
    lengths = result.matches
    for opponent in players[1:]:
        alone = play_match(player, opponent, turns=20)["player_payoff"].sum()
        rows = lengths[(lengths.player == _key(player)) & (lengths.partner == opponent)]
        assert rows.player_score.tolist() == [alone] * 3


@pytest.mark.parametrize("name", list(CLASSICS))
def test_every_classic_says_where_it_comes_from(name: str) -> None:
    spec = get_strategy(name)
    assert spec.name == name
    assert spec.doc and spec.display_name
    assert spec.memory_depth >= 0
    assert spec.stochastic == (name in {"random", "generous_tit_for_tat"})


# --- stochastic rules and noise ---------------------------------------------------------------


def test_random_cooperates_half_of_the_time() -> None:
    match = play_match("random", "cooperator", turns=20_000, seed=1)
    assert (match["player"] == "C").mean() == pytest.approx(0.5, abs=0.015)


def test_generous_tit_for_tat_forgives_a_third_of_defections_with_the_classic_table() -> None:
    match = play_match("generous_tit_for_tat", "defector", turns=20_000, seed=2)
    assert match["player"].iloc[0] == "C"
    assert (match["player"].iloc[1:] == "C").mean() == pytest.approx(1 / 3, abs=0.015)


def test_generous_tit_for_tat_never_defects_after_cooperation() -> None:
    match = play_match("generous_tit_for_tat", "cooperator", turns=500, seed=2)
    assert set(match["player"]) == {"C"}


def test_generous_tit_for_tat_generosity_follows_the_payoff_table() -> None:
    # seller_buyer R=4 S=0 T=6 P=1: min(1 - 2/4, 3/5) = 0.5
    match = play_match(
        "generous_tit_for_tat", "defector", turns=20_000, payoffs="seller_buyer", seed=2
    )
    assert (match["player"].iloc[1:] == "C").mean() == pytest.approx(0.5, abs=0.015)


def test_noise_flips_moves_at_the_given_rate() -> None:
    result = play_tournament(["cooperator", "defector"], turns=500, repetitions=20, noise=0.1,
                             seed=9)
    # Cooperator meets Defector; each of its moves is flipped with probability 0.1.
    assert result.cooperation_rate["cooperator"] == pytest.approx(0.9, abs=0.01)
    assert result.cooperation_rate["defector"] == pytest.approx(0.1, abs=0.01)


def test_noise_is_reproducible_with_a_seed_and_varies_without() -> None:
    players = ["tit_for_tat", "grudger", "win_stay_lose_shift"]
    one = play_tournament(players, turns=50, repetitions=5, noise=0.05, seed=7)
    two = play_tournament(players, turns=50, repetitions=5, noise=0.05, seed=7)
    other = play_tournament(players, turns=50, repetitions=5, noise=0.05, seed=8)
    pd.testing.assert_frame_equal(one.scores, two.scores)
    assert not one.scores.equals(other.scores)


def test_strategies_see_the_noisy_moves() -> None:
    """As in Axelrod's Match, a flipped move is the move both players remember."""
    match = play_match("tit_for_tat", "cooperator", turns=300, noise=0.2, seed=5)
    partner_moves = "".join(match["partner"])
    intended = "".join(match["player"])
    # Tit For Tat's moves are copies of the partner's recorded moves, except its own flips.
    agree = np.mean([a == b for a, b in zip(intended[1:], partner_moves[:-1], strict=True)])
    assert agree == pytest.approx(0.8, abs=0.06)


# --- match lengths ----------------------------------------------------------------------------


def test_prob_end_draws_geometric_match_lengths() -> None:
    result = play_tournament(["tit_for_tat", "defector", "grudger"], prob_end=0.1, turns=None,
                             repetitions=2000, seed=3)
    lengths = result.matches["rounds"]
    assert lengths.min() >= 1
    assert lengths.mean() == pytest.approx(10, rel=0.05)
    assert (lengths == 1).mean() == pytest.approx(0.1, abs=0.01)
    # per-round cooperation counts only matches still running
    assert result.cooperation_by_round["matches"].iloc[0] == len(lengths)
    assert result.cooperation_by_round["matches"].is_monotonic_decreasing


def test_prob_end_lengths_are_capped_by_turns_and_seeded() -> None:
    kwargs = {"prob_end": 0.05, "turns": 30, "repetitions": 200}
    one = play_tournament(["tit_for_tat", "defector"], seed=1, **kwargs)
    two = play_tournament(["tit_for_tat", "defector"], seed=1, **kwargs)
    assert one.matches["rounds"].max() == 30
    pd.testing.assert_frame_equal(one.matches, two.matches)


def test_scores_with_prob_end_count_only_played_rounds() -> None:
    result = play_tournament(["cooperator", "defector"], prob_end=0.2, turns=None,
                             repetitions=50, seed=2)
    lengths = result.matches
    mixed = lengths[lengths.player != lengths.partner]
    assert mixed.player_score.tolist() == (0 * mixed.rounds).tolist()
    assert mixed.partner_score.tolist() == (5 * mixed.rounds).tolist()
    assert result.scores.loc["defector"].tolist() == (5 * mixed.rounds).tolist()


# --- tournament counting ----------------------------------------------------------------------


def test_self_play_is_on_the_diagonal_but_not_in_scores() -> None:
    result = play_tournament(["cooperator", "defector"], turns=10, repetitions=2)
    assert result.payoff_matrix.loc["cooperator", "cooperator"] == 3
    assert result.payoff_matrix.loc["defector", "defector"] == 1
    assert result.scores.loc["cooperator"].tolist() == [0, 0]
    assert result.scores.loc["defector"].tolist() == [50, 50]
    assert result.wins.loc["defector"].tolist() == [1, 1]


def test_cooperation_by_round_shows_who_cooperates_when() -> None:
    result = play_tournament(["tit_for_tat", "suspicious_tit_for_tat"], turns=4, repetitions=1)
    # matches: TFT-TFT (CC, CC..), TFT-STFT (CD, DC, CD, DC), STFT-STFT (DD...)
    assert result.cooperation_by_round["cooperation_rate"].tolist() == [0.5, 0.5, 0.5, 0.5]
    assert result.cooperation_by_round["round"].tolist() == [1, 2, 3, 4]


def test_players_may_be_names_specs_or_built_strategies() -> None:
    built = BuiltStrategy(name="Dana", retaliation="forever")
    result = play_tournament([get_strategy("tit_for_tat"), "defector", built], turns=5,
                             repetitions=1)
    assert result.players == ["tit_for_tat", "defector", "Dana"]
    assert result.to_json()["scores"]["Dana"] == [result.scores.loc["Dana", 0]]


def test_to_json_gives_scores_per_repetition_and_ranking() -> None:
    result = play_tournament(["tit_for_tat", "defector", "cooperator"], turns=10, repetitions=3)
    data = result.to_json()
    assert data == {
        "scores": {"tit_for_tat": [39] * 3, "defector": [64] * 3, "cooperator": [30] * 3},
        "ranking": ["defector", "tit_for_tat", "cooperator"],
    }
    assert json.loads(json.dumps(data)) == data


def test_ranking_uses_the_median_over_repetitions() -> None:
    result = play_tournament(["random", "tit_for_tat", "cooperator", "defector"], turns=20,
                             repetitions=7, seed=3)
    medians = result.normalised_scores.median(axis=1)
    assert list(medians.loc[result.ranked_names]) == sorted(medians, reverse=True)
    board = result.ranking
    assert board["rank"].tolist() == [1, 2, 3, 4]
    assert board["median_score"].tolist() == result.scores.loc[result.ranked_names].median(
        axis=1
    ).tolist()


# --- payoff tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAYOFF_TABLES))
def test_named_tables_are_true_dilemmas(name: str) -> None:
    assert PAYOFF_TABLES[name].is_dilemma


def test_prison_years_ranks_the_fewest_years_first() -> None:
    table = PAYOFF_TABLES["prison_years"]
    assert table.lower_is_better
    assert (table.R, table.S, table.T, table.P) == (0.5, 10, 0, 5)
    result = play_tournament(["cooperator", "defector", "tit_for_tat"], turns=10,
                             repetitions=1, payoffs="prison_years")
    # cooperator: 10*10 + 0.5*10 = 105 years; defector: 0*10 + (0 + 5*9) = 45; TFT: 10 + 45 + 5
    assert result.scores[0].to_dict() == {
        "cooperator": 105.0, "defector": 45.0, "tit_for_tat": 60.0
    }
    assert result.ranked_names == ["defector", "tit_for_tat", "cooperator"]
    assert result.wins.loc["defector", 0] == 2  # fewer years wins the match


def test_payoffs_can_be_four_numbers() -> None:
    result = play_tournament(["cooperator", "defector"], turns=2, repetitions=1,
                             payoffs="2,-1,3,0")
    assert result.scores[0].tolist() == [-2, 6]


# --- the CLI's entry points -------------------------------------------------------------------


def test_tournament_summary_and_table() -> None:
    result = tournament_summary("tit_for_tat, defector,grudger", 20, 2, 0.0, None, "classic",
                                1)
    text = format_table(result)
    lines = text.splitlines()
    assert lines[0].split() == ["rank", "name", "median", "mean", "coop", "wins"]
    assert lines[1].split()[:2] == ["1", result.ranked_names[0]]
    assert len(lines) == 4
    assert tournament_summary("all", 5, 1, 0.0, None, "3,0,5,1", 1).players == list(CLASSICS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"names_csv": "tit_for_tatt,defector"},
         "unknown player 'tit_for_tatt' in --players; choose from: alternator, cooperator, "
         "defector, detective, generous_tit_for_tat, go_by_majority, gradual, grudger, "
         "hard_tit_for_tat, prober, random, suspicious_tit_for_tat, tit_for_tat, "
         "tit_for_two_tats, two_tits_for_tat, win_stay_lose_shift"),
        ({"noise": 1.5}, "noise must be a number in [0, 1], got 1.5"),
        ({"turns": 0}, "turns must be an integer from 1 to 100000, got 0"),
        ({"repetitions": 0}, "repetitions must be an integer from 1 to 100000, got 0"),
        ({"prob_end": 0.0}, "prob_end must be None or a number in (0, 1], got 0.0"),
        ({"payoffs": "3,0,5"},
         "unknown payoffs '3,0,5'; give four numbers R,S,T,P (e.g. 3,0,5,1) or a table name: "
         "classic, prison_years, seller_buyer"),
        ({"payoffs": "3,0,x,1"},
         "payoffs '3,0,x,1' needs four numbers R,S,T,P (e.g. 3,0,5,1) or a table name: "
         "classic, prison_years, seller_buyer"),
        ({"seed": -1}, "seed must be None or an integer >= 0, got -1"),
        ({"names_csv": "defector"}, "players needs at least 2 players, got 1"),
        ({"names_csv": "defector,defector"},
         "duplicate player 'defector' in players; give each player a unique name"),
    ],
)
def test_bad_options_give_one_line_messages(kwargs: dict, message: str) -> None:
    options = {
        "names_csv": "tit_for_tat,defector", "turns": 10, "repetitions": 1, "noise": 0.0,
        "prob_end": None, "payoffs": "classic", "seed": 1,
    }
    options.update(kwargs)
    with pytest.raises(ParameterError) as caught:
        tournament_summary(**options)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_unknown_player_in_a_tournament_lists_the_choices() -> None:
    with pytest.raises(ParameterError, match=r"^unknown player 'nice' in players; choose from: "):
        play_tournament(["nice", "defector"])


# --- the layer stays pure ---------------------------------------------------------------------


def test_game_imports_only_numpy_pandas_and_the_standard_library() -> None:
    import ast
    import sys

    import workshop_kit.game

    allowed = {"numpy", "pandas", "workshop_kit", *sys.stdlib_module_names}
    package = Path(workshop_kit.game.__file__).parent
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"print", "open", "input"}, f"{path.name} does IO"
                continue
            else:
                continue
            assert set(roots) <= allowed, f"{path.name} imports {roots}"
            if roots == ["workshop_kit"]:
                module = node.module if isinstance(node, ast.ImportFrom) else ""
                assert module.startswith(("workshop_kit.game", "workshop_kit.errors")), module


def test_a_classic_can_be_entered_under_a_participants_name() -> None:
    dana = get_strategy("tit_for_tat").renamed("Dana")
    result = play_tournament([dana, "tit_for_tat", "defector"], turns=10, repetitions=1)
    assert result.scores.loc["Dana", 0] == result.scores.loc["tit_for_tat", 0]
    assert result.display_names[0] == "Tit For Tat"
