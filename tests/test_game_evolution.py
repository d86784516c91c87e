"""Evolution over a tournament's payoff matrix: replicator dynamics and a Moran process."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workshop_kit.errors import ParameterError
from workshop_kit.game import moran_process, play_tournament, replicator_dynamics


@pytest.fixture(scope="module")
def classic_result():
    return play_tournament(["cooperator", "defector", "tit_for_tat"], turns=200, repetitions=1)


def test_defectors_take_over_a_population_of_cooperators(classic_result) -> None:
    shares = replicator_dynamics(classic_result, generations=60,
                                 initial={"cooperator": 0.99, "defector": 0.01})
    assert shares.loc[0, "defector"] == pytest.approx(0.01)
    assert shares.iloc[-1]["defector"] > 0.99
    assert shares["defector"].is_monotonic_increasing
    assert (shares["tit_for_tat"] == 0).all()


def test_tit_for_tat_resists_invasion_by_defectors(classic_result) -> None:
    shares = replicator_dynamics(classic_result, generations=100,
                                 initial={"tit_for_tat": 0.9, "defector": 0.1})
    assert shares.iloc[-1]["tit_for_tat"] > 0.99
    assert shares["defector"].is_monotonic_decreasing


def test_replicator_shares_sum_to_one_and_start_equal(classic_result) -> None:
    shares = replicator_dynamics(classic_result, generations=30)
    assert shares.index.name == "generation"
    assert list(shares.columns) == ["cooperator", "defector", "tit_for_tat"]
    assert len(shares) == 31
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(shares.iloc[0], 1 / 3)


def test_replicator_on_a_cost_table_favours_fewer_years() -> None:
    result = play_tournament(["cooperator", "defector"], turns=50, repetitions=1,
                             payoffs="prison_years")
    shares = replicator_dynamics(result, generations=40)
    assert shares.iloc[-1]["defector"] > 0.99


def test_replicator_accepts_a_bare_payoff_matrix() -> None:
    matrix = pd.DataFrame([[3.0, 0.0], [5.0, 1.0]], index=["c", "d"], columns=["c", "d"])
    shares = replicator_dynamics(matrix, generations=1)
    # fitness c = 1.5, d = 3 -> shares 1/3, 2/3
    np.testing.assert_allclose(shares.iloc[1], [1 / 3, 2 / 3])


def test_moran_process_is_seeded_and_reaches_fixation(classic_result) -> None:
    one = moran_process(classic_result, population={"cooperator": 8, "defector": 2},
                        generations=400, seed=1)
    two = moran_process(classic_result, population={"cooperator": 8, "defector": 2},
                        generations=400, seed=1)
    pd.testing.assert_frame_equal(one, two)
    np.testing.assert_allclose(one.sum(axis=1), 1.0)
    assert one.iloc[0].to_dict() == {"cooperator": 0.8, "defector": 0.2, "tit_for_tat": 0.0}
    assert set(one.iloc[-1]) <= {0.0, 1.0}  # one strategy has taken over


def test_defectors_usually_fix_among_cooperators(classic_result) -> None:
    wins = [
        moran_process(classic_result, population={"cooperator": 5, "defector": 5},
                      generations=2000, seed=seed).iloc[-1]["defector"]
        for seed in range(40)
    ]
    assert np.mean(wins) > 0.75


def test_evolution_rejects_bad_input(classic_result) -> None:
    with pytest.raises(ParameterError, match=r"^unknown player 'nice' in initial; choose from: "):
        replicator_dynamics(classic_result, initial={"nice": 1.0})
    with pytest.raises(ParameterError, match=r"^generations must be an integer >= 1, got 0$"):
        replicator_dynamics(classic_result, generations=0)
    with pytest.raises(ParameterError, match=r"^population needs at least 2 individuals"):
        moran_process(classic_result, population={"defector": 1})
