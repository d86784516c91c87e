"""Strategies built from settings: validation, plain-words descriptions, equality with classics."""

from __future__ import annotations

import pytest

from workshop_kit.errors import ParameterError
from workshop_kit.game import CLASSICS, BuiltStrategy, describe, play_match, play_tournament

OPPONENTS = [*(n for n, s in CLASSICS.items() if not s.stochastic), "random"]


def _moves(player: object, opponent: str, seed: int = 0, noise: float = 0.0) -> list[str]:
    match = play_match(player, opponent, turns=40, noise=noise, seed=seed)
    return ["".join(match["player"]), "".join(match["partner"])]


@pytest.mark.parametrize(
    ("settings", "classic"),
    [
        ({"first_move": "C", "retaliation": "once"}, "tit_for_tat"),
        ({"first_move": "D", "retaliation": "once"}, "suspicious_tit_for_tat"),
        ({"retaliation": "k", "retaliate_k": 2}, "two_tits_for_tat"),
        ({"retaliation": "k", "retaliate_k": 3}, "hard_tit_for_tat"),
        ({"retaliation": "forever"}, "grudger"),
        ({"retaliation": "none"}, "cooperator"),
        ({"retaliation": "once", "probe": True}, "detective"),
    ],
)
def test_settings_reproduce_classics_move_for_move(settings: dict, classic: str) -> None:
    built = BuiltStrategy(name="built", **settings)
    for opponent in OPPONENTS:
        for seed in range(3):  # noise and random opponents: same seed, same draws
            assert _moves(built, opponent, seed, noise=0.05) == _moves(
                classic, opponent, seed, noise=0.05
            ), f"{settings} vs {opponent}"


def test_built_and_classic_score_the_same_in_a_tournament() -> None:
    classics = ["tit_for_tat", "grudger", "defector", "alternator", "prober"]
    built = [
        BuiltStrategy(name="tit_for_tat"),
        BuiltStrategy(name="grudger", retaliation="forever"),
        "defector", "alternator", "prober",
    ]
    one = play_tournament(classics, turns=60, repetitions=3, noise=0.02, seed=5)
    two = play_tournament(built, turns=60, repetitions=3, noise=0.02, seed=5)
    assert one.scores.equals(two.scores)
    assert one.ranked_names == two.ranked_names


def test_generosity_of_a_third_plays_like_generous_tit_for_tat() -> None:
    built = BuiltStrategy(name="generous", generosity=1 / 3)
    match = play_match(built, "defector", turns=20_000, seed=8)
    assert (match["player"].iloc[1:] == "C").mean() == pytest.approx(1 / 3, abs=0.015)
    assert set(play_match(built, "cooperator", turns=300, seed=8)["player"]) == {"C"}


def test_forgive_after_ends_a_grudge() -> None:
    built = BuiltStrategy(name="forgiving", retaliation="forever", forgive_after=3)
    # the partner defects in round 1, then cooperates for ever: the grudge starts in round 2
    # and ends once the partner has cooperated in rounds 2, 3 and 4
    match = play_match(built, _slip_once(), turns=8)
    assert "".join(match["player"]) == "CDDDCCCC"
    grudger = play_match("grudger", _slip_once(), turns=8)
    assert "".join(grudger["player"]) == "CDDDDDDD"


def _slip_once() -> BuiltStrategy:
    """A partner that defects in round 1, then cooperates whatever happens."""
    return BuiltStrategy(name="slip", first_move="D", retaliation="none")


def test_randomness_replaces_a_share_of_moves_with_coin_tosses() -> None:
    built = BuiltStrategy(name="erratic", retaliation="none", randomness=0.4)
    match = play_match(built, "cooperator", turns=20_000, seed=3)
    assert (match["player"] == "D").mean() == pytest.approx(0.2, abs=0.015)


def test_probe_exploits_a_partner_who_never_defects() -> None:
    built = BuiltStrategy(name="tester", retaliation="k", retaliate_k=2, probe=True)
    assert "".join(play_match(built, "cooperator", turns=8)["player"]) == "CDCCDDDD"
    # Tit For Tat answers the test in round 3, so the prober keeps to its rules: it still
    # owes one of two retaliations in round 5, which Tit For Tat echoes back in round 6
    assert "".join(play_match(built, "tit_for_tat", turns=8)["player"]) == "CDCCDCDD"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"name": ""}, "name must be text of 1 to 40 characters, got ''"),
        ({"name": "x" * 41}, f"name must be text of 1 to 40 characters, got '{'x' * 41}'"),
        ({"first_move": "maybe"}, "first_move must be one of: C, D; got 'maybe'"),
        ({"retaliation": "twice"},
         "retaliation must be one of: none, once, k, forever; got 'twice'"),
        ({"retaliation": "k", "retaliate_k": 0},
         "retaliate_k must be an integer from 1 to 10, got 0"),
        ({"retaliate_k": 2.5}, "retaliate_k must be an integer from 1 to 10, got 2.5"),
        ({"retaliation": "forever", "forgive_after": 0},
         "forgive_after must be None or an integer from 1 to 50, got 0"),
        ({"retaliation": "once", "forgive_after": 3},
         "forgive_after only applies when retaliation is 'forever', got retaliation='once'"),
        ({"generosity": 1.5}, "generosity must be a number from 0 to 1, got 1.5"),
        ({"probe": "yes"}, "probe must be True or False, got 'yes'"),
        ({"randomness": 0.7}, "randomness must be a number from 0 to 0.5, got 0.7"),
        ({"randomness": float("nan")}, "randomness must be a number from 0 to 0.5, got nan"),
    ],
)
def test_bad_settings_name_the_field(settings: dict, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        BuiltStrategy(**settings)
    assert str(caught.value) == message


def test_first_move_accepts_lower_case_and_names_are_trimmed() -> None:
    spec = BuiltStrategy(name="  Dana ", first_move="d")
    assert (spec.name, spec.first_move) == ("Dana", "D")


@pytest.mark.parametrize(
    ("settings", "text"),
    [
        ({}, "Opens by sharing. Answers each hold-back by holding back once in the next "
             "round, then shares again (the idea of Tit For Tat)."),
        ({"first_move": "D", "retaliation": "k", "retaliate_k": 2, "generosity": 0.25},
         "Opens by holding back. Answers a hold-back by holding back for the next 2 rounds (a "
         "new hold-back starts the count again), then shares again. Is generous: lets 25% of "
         "hold-backs pass without paying them back."),
        ({"retaliation": "forever", "forgive_after": 3},
         "Opens by sharing. Holds a grudge after a hold-back, but forgives once the partner "
         "has shared 3 rounds in a row, and shares again."),
        ({"retaliation": "forever"},
         "Opens by sharing. Holds a grudge: after the partner first holds back, it holds back "
         "for the rest of the game."),
        ({"retaliation": "none", "probe": True, "randomness": 0.1},
         "Opens by sharing. Tests the partner early: holds back in round 2, then shares in "
         "rounds 3 and 4. If the partner never held back in those first four rounds, it takes "
         "advantage and holds back from then on. Never pays back: it shares whatever the "
         "partner does. In 10% of rounds it tosses a coin instead of following these rules."),
    ],
)
def test_describe_speaks_plain_words(settings: dict, text: str) -> None:
    spec = BuiltStrategy(name="me", **settings)
    assert describe(spec) == text
    assert spec.to_strategy().doc == text


def test_built_strategy_metadata() -> None:
    assert not BuiltStrategy().stochastic
    assert BuiltStrategy(generosity=0.1).stochastic
    assert not BuiltStrategy(retaliation="none", generosity=0.1).stochastic
    assert BuiltStrategy(randomness=0.1).to_strategy().stochastic
    assert BuiltStrategy(retaliation="k", retaliate_k=4).to_strategy().memory_depth == 4
    assert BuiltStrategy(retaliation="none").to_strategy().memory_depth == 0
    assert BuiltStrategy(retaliation="forever").to_strategy().memory_depth == float("inf")
    assert BuiltStrategy(probe=True).to_strategy().memory_depth == float("inf")
