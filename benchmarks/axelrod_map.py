"""Our classic strategy keys and the Axelrod library's players that behave the same way.

Shared by the benchmark and the fixture generator; importing it needs the ``axelrod`` package,
which only the benchmark's separate virtualenv has.
"""

import axelrod as axl

CLASSIC_TO_AXELROD = {
    "cooperator": axl.Cooperator,
    "defector": axl.Defector,
    "tit_for_tat": axl.TitForTat,
    "grudger": axl.Grudger,
    "tit_for_two_tats": axl.TitFor2Tats,
    "two_tits_for_tat": axl.TwoTitsForTat,
    "suspicious_tit_for_tat": axl.SuspiciousTitForTat,
    "hard_tit_for_tat": axl.HardTitForTat,
    "win_stay_lose_shift": axl.WinStayLoseShift,
    "alternator": axl.Alternator,
    "go_by_majority": axl.GoByMajority,  # soft by default: "Soft Go By Majority"
    "detective": axl.Detective,
    "prober": axl.Prober,
    "gradual": axl.Gradual,
    "generous_tit_for_tat": axl.GTFT,
    "random": axl.Random,
}
