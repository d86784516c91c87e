"""The dilemma in the facilitator's notebook: the game control, how often the room shared,
the cohort tournament, short against long games, evolution and the debrief."""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from workshop_kit.game import describe, play_tournament
from workshop_kit.game.live import LiveGame
from workshop_kit.names import lookup
from workshop_kit.session import FacilitatorView, numbered
from workshop_kit.store import FACILITATOR
from workshop_kit.tables import projector_table

from . import analysis, charts
from .answers import GAME_EXERCISE
from .forms import GameControl, trade_offs_table

__all__ = ["Facilitator", "GameControl"]


class Facilitator(FacilitatorView):
    """`room.module(module_id)` for a dilemma."""

    def game_control(self, seed: int = 1) -> GameControl:
        """Start live games (one-shot, partners, strangers) and watch the moves arrive."""
        return GameControl(self.store, self.cohort_id, self.content, seed=seed,
                           module=self.module_id)

    def _live(self) -> pd.DataFrame:
        games = [LiveGame.from_payload(a.payload) for a in
                 self.store.history(self.cohort_id, FACILITATOR, self.module_id, GAME_EXERCISE)]
        people = sorted({p for g in games for p in g.players()})
        moves = self.store.latest_many(self.cohort_id, self.module_id, people, "move:")
        return analysis.live_moves(moves, games)

    def live_chart(self) -> alt.Chart:
        """How often the room shared, round by round, under each live condition."""
        conditions = dict(self.content.conditions)
        return charts.live_cooperation(analysis.cooperation_by_condition(self._live()),
                                       conditions)

    def live_summary(self) -> pd.DataFrame:
        """Per condition: rounds, share of moves that shared, points per round."""
        return projector_table(analysis.condition_summary(
            self._live(), dict(self.content.conditions)), words=["condition"])

    def _players(self) -> tuple[list, list[str]]:
        strategies, _problems = analysis.cohort_strategies(self.answers(self.content.exercise))
        return strategies, [s.name for s in strategies]

    def _tournament(self):
        strategies, names = self._players()
        key = tuple(strategies)
        if getattr(self, "_tournament_cache", (None,))[0] != key:
            dilemma = self.content
            settings = dilemma.tournament
            players = [*strategies, *[c for c in dilemma.classics if c not in names]]
            result = play_tournament(players, turns=settings.turns,
                                     repetitions=settings.repetitions, noise=settings.noise,
                                     payoffs=dilemma.payoffs, seed=settings.seed)
            self._tournament_cache = (key, result, names, players)
        return self._tournament_cache[1:]

    def strategies_entered(self) -> pd.DataFrame:
        """The cohort's strategies in plain words (and any entry that could not be used)."""
        answers = self.answers(self.content.exercise)
        names = lookup(self.store, self.cohort_id, answers["participant"])
        strategies, problems = analysis.cohort_strategies(answers, names)
        rows = [{"strategy": s.name, "in words": describe(s)} for s in strategies]
        rows += [{"strategy": "(not entered)", "in words": p} for p in problems]
        return projector_table(pd.DataFrame(rows, columns=["strategy", "in words"]),
                               words=["strategy"])

    def leaderboard(self, top: int = 15) -> pd.DataFrame:
        """The cohort tournament, best first: the cohort's strategies and the classics."""
        result, names, _ = self._tournament()
        board = analysis.leaderboard(result, names)
        return projector_table(board.head(top)[["rank", "player", "entry", "median_per_round",
                                                "cooperation_rate"]].set_index("rank"),
                               words=["player", "entry"])

    def leaderboard_chart(self) -> alt.Chart:
        result, names, _ = self._tournament()
        return charts.leaderboard(analysis.leaderboard(result, names))

    def game_length_chart(self) -> alt.Chart:
        """The same strategies in games of 1, 10 and 100 rounds: cooperation and points."""
        _, _, players = self._tournament()
        dilemma = self.content
        settings = dilemma.tournament
        table = analysis.by_game_length(players, dilemma.game_lengths, settings.repetitions,
                                        settings.noise, dilemma.payoffs, settings.seed)
        return charts.game_length(table)

    def evolution_chart(self, generations: int = 60) -> alt.Chart:
        """Replicator dynamics from the tournament: which strategies take over."""
        result, _, _ = self._tournament()
        return charts.evolution(analysis.evolution(result, generations))

    def trade_offs(self) -> HTML:
        return trade_offs_table(self.content)

    def debrief(self) -> HTML:
        """Questions for the debrief of the dilemma module."""
        return numbered(self.content.debrief)
