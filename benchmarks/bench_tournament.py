"""Time the kit's vectorised tournament against the Axelrod library's serial tournament.

Run in the separate virtualenv that has axelrod, numpy and pandas (the kit is found through
``../src``)::

    /tmp/axl/bin/python benchmarks/bench_tournament.py

Case A: the same 30 strategies in both engines (our classics plus builder-made strategies,
each mapped to the Axelrod strategy that plays the same way), 100 turns, 20 repetitions,
noise 0.05. Case B: a 40-player cohort of built strategies, 200 turns, 50 repetitions, with
this engine only. Both engines count scores the same way, so mean scores are printed side by
side as a sanity check (they agree in distribution, not draw for draw).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import axelrod as axl
from axelrod_map import CLASSIC_TO_AXELROD

from workshop_kit.game import BuiltStrategy, play_tournament


def _built_to_axelrod() -> list[tuple[BuiltStrategy, axl.Player]]:
    """Fourteen built strategies, each with an Axelrod player that plays the same way."""
    pairs: list[tuple[BuiltStrategy, axl.Player]] = [
        (BuiltStrategy(name="b_tft"), axl.TitForTat()),
        (BuiltStrategy(name="b_grudge", retaliation="forever"), axl.Grudger()),
        (BuiltStrategy(name="b_two", retaliation="k", retaliate_k=2), axl.TwoTitsForTat()),
        (BuiltStrategy(name="b_hard", retaliation="k", retaliate_k=3), axl.HardTitForTat()),
        (BuiltStrategy(name="b_detective", probe=True), axl.Detective()),
        (
            BuiltStrategy(name="b_open_d", first_move="D", retaliation="none"),
            axl.MemoryOnePlayer((1, 1, 1, 1), initial=axl.Action.D),
        ),
    ]
    for g in (0.1, 0.2, 0.5, 0.7):
        pairs.append((BuiltStrategy(name=f"b_gen_{g}", generosity=g), axl.GTFT(p=g)))
    for g in (0.3, 0.6):
        pairs.append(
            (
                BuiltStrategy(name=f"b_sus_gen_{g}", first_move="D", generosity=g),
                axl.MemoryOnePlayer((1, g, 1, g), initial=axl.Action.D),
            )
        )
    for r in (0.2, 0.5):  # a cooperator that tosses a coin in r of rounds: C with 1 - r/2
        pairs.append(
            (
                BuiltStrategy(name=f"b_erratic_{r}", retaliation="none", randomness=r),
                axl.Random(p=1 - r / 2),
            )
        )
    return pairs


def _cohort(size: int = 40) -> list[BuiltStrategy]:
    """A varied cohort of participants' strategies (deterministic choice of settings)."""
    cohort = []
    for i in range(size):
        retaliation = ("none", "once", "k", "forever")[i % 4]
        cohort.append(
            BuiltStrategy(
                name=f"participant_{i:02d}",
                first_move="D" if i % 5 == 0 else "C",
                retaliation=retaliation,
                retaliate_k=1 + i % 4,
                forgive_after=3 if retaliation == "forever" and i % 8 == 3 else None,
                generosity=(0.0, 0.1, 0.2, 0.3)[i % 4] if i % 3 == 0 else 0.0,
                probe=i % 7 == 0,
                randomness=(0.0, 0.0, 0.0, 0.05, 0.1)[i % 5],
            )
        )
    return cohort


def _time(function, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def case_a() -> None:
    """30 strategies, 100 turns, 20 repetitions, noise 0.05, in both engines."""
    built = _built_to_axelrod()
    ours = [*CLASSIC_TO_AXELROD, *(spec for spec, _ in built)]
    theirs = [factory() for factory in CLASSIC_TO_AXELROD.values()]
    theirs += [player for _, player in built]
    assert len(ours) == len(theirs) == 30
    settings = {"turns": 100, "repetitions": 20, "noise": 0.05}

    kit_time, kit = _time(lambda: play_tournament(ours, seed=1, **settings), repeat=3)
    tournament = axl.Tournament(theirs, seed=1, **settings)
    axl_time, axl_result = _time(
        lambda: tournament.play(processes=1, progress_bar=False)
    )
    kit_means = kit.scores.mean(axis=1).to_numpy()
    axl_means = np.array(axl_result.scores, dtype=float).mean(axis=1)
    gap = np.max(np.abs(kit_means - axl_means) / axl_means)
    print(
        f"case A: axelrod {axl_time:.1f} s, kit {kit_time:.2f} s, "
        f"ratio {axl_time / kit_time:.0f}x (30 players, 100 turns, 20 repetitions, noise 0.05)"
    )
    print(f"case A: largest gap between mean scores per player: {gap:.1%}")


def case_b() -> None:
    """A 40-player cohort, 200 turns, 50 repetitions, with this engine only."""
    cohort = _cohort()
    kit_time, _ = _time(
        lambda: play_tournament(cohort, turns=200, repetitions=50, seed=1), repeat=3
    )
    verdict = "under" if kit_time < 1 else "OVER"
    print(
        f"case B: kit {kit_time:.2f} s for 40 players, 200 turns, 50 repetitions "
        f"({verdict} the 1 s goal)"
    )


if __name__ == "__main__":
    case_b()
    case_a()
