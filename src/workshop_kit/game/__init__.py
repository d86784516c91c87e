"""The prisoner's dilemma engine: strategies, a strategy builder, tournaments, evolution.

Pure: it imports only numpy, pandas and the standard library, and never reads or writes
files, prints or draws.
"""

from workshop_kit.game.builder import BuiltStrategy, describe
from workshop_kit.game.core import C, D, Seats, Strategy
from workshop_kit.game.engine import play_match, resolve_player
from workshop_kit.game.evolution import moran_process, replicator_dynamics
from workshop_kit.game.payoffs import (
    CLASSIC,
    PAYOFF_TABLES,
    PRISON_YEARS,
    SELLER_BUYER,
    PayoffTable,
    parse_payoffs,
)
from workshop_kit.game.strategies import CLASSICS, get_strategy, scripted
from workshop_kit.game.tournament import (
    TournamentResult,
    format_table,
    play_tournament,
    tournament_summary,
)

__all__ = [
    "CLASSIC",
    "CLASSICS",
    "PAYOFF_TABLES",
    "PRISON_YEARS",
    "SELLER_BUYER",
    "BuiltStrategy",
    "C",
    "D",
    "PayoffTable",
    "Seats",
    "Strategy",
    "TournamentResult",
    "describe",
    "format_table",
    "get_strategy",
    "moran_process",
    "parse_payoffs",
    "play_match",
    "play_tournament",
    "replicator_dynamics",
    "resolve_player",
    "scripted",
    "tournament_summary",
]
