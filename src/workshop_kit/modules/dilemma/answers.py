"""The dilemma's answers: a participant's strategy, their moves in a live game
(`move:g<game>:<round>`), and the live game the facilitator publishes (`game`)."""

import re
from typing import Any

from pydantic import Field, create_model

from workshop_kit.answers import (
    BOT,
    Bad,
    Bool,
    Refused,
    Shape,
    Spec,
    fail,
    free_text,
    id_like,
    integer,
    number,
    one_of,
    show,
    typed,
)
from workshop_kit.game.builder import (
    FIRST_MOVES,
    MAX_FORGIVE_AFTER,
    MAX_RANDOMNESS,
    MAX_RETALIATE_K,
    RETALIATIONS,
)
from workshop_kit.game.builder import MAX_NAME_LENGTH as STRATEGY_NAME_CHARS
from workshop_kit.game.live import CONDITIONS
from workshop_kit.store import FACILITATOR

GAME_EXERCISE = "game"  # the facilitator's record: the live game being played
MOVE_PREFIX = "move:"  # a move: 'move:<game id>:<round>'
# The live game: at most this many pairs in a round (100 players), games numbered up to 999.
MAX_PAIRS = 50
MAX_GAMES = 999

Move = one_of(FIRST_MOVES, "a move")


def _check_forgive(value: Any) -> Any:
    if value is None:
        return None
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 1 <= value <= MAX_FORGIVE_AFTER):
        fail(f"is {show(value)}, must be null (never) or a whole number from 1 to "
             f"{MAX_FORGIVE_AFTER}")
    return value


def _check_pair(value: Any) -> list:
    if (not isinstance(value, list) or len(value) != 2 or value[0] == value[1]
            or not all(id_like(p) for p in value)):
        fail(f"is {show(value)}, must be a pair of two different participant ids")
    return value


def _strategy() -> Spec:
    class Strategy(Shape):
        name: free_text(1, STRATEGY_NAME_CHARS, stripped=True)
        first_move: Move
        retaliation: one_of(RETALIATIONS, "a way to retaliate")
        retaliate_k: integer(1, MAX_RETALIATE_K)
        forgive_after: typed(_check_forgive)
        generosity: number(0, 1)
        probe: Bool
        randomness: number(0, MAX_RANDOMNESS)

    def check(strategy: Strategy) -> None:
        if strategy.forgive_after is not None and strategy.retaliation != "forever":
            raise Bad(("forgive_after",), f"is {strategy.forgive_after}, must be null unless "
                      "retaliation is 'forever'")

    return Spec(Strategy, check)


def _live_game(dilemma: Any) -> Spec:
    class LiveGame(Shape):
        number: integer(1, MAX_GAMES)
        condition: one_of(CONDITIONS, "a condition")
        continue_probability: number(0, 0.99)
        rounds: integer(1, dilemma.max_rounds)
        payoffs: one_of([dilemma.payoffs], "the dilemma's payoffs")
        pairings: list[list[typed(_check_pair)]] = Field(min_length=1,
                                                         max_length=dilemma.max_rounds)

    def check(game: LiveGame) -> None:
        if len(game.pairings) != game.rounds:
            raise Bad(("pairings",), f"has {len(game.pairings)} rounds, must have "
                      f"{game.rounds} (field 'rounds')")
        if game.condition == "one_shot" and game.rounds != 1:
            raise Bad(("rounds",), f"is {game.rounds}, must be 1 for a one-shot game")
        players: set[str] | None = None
        for r, pairs in enumerate(game.pairings):
            seats = [p for pair in pairs for p in pair]
            if not pairs or len(pairs) > MAX_PAIRS:
                raise Bad(("pairings", r), f"has {len(pairs)} pairs, must have 1 to "
                          f"{MAX_PAIRS}")
            if len(set(seats)) != len(seats):
                raise Bad(("pairings", r), "names a player twice; each plays once a round")
            if FACILITATOR in seats:
                raise Bad(("pairings", r), f"names '{FACILITATOR}'; the kit's '{BOT}' "
                          "plays for the facilitator")
            if players is None:
                players = set(seats)
            elif set(seats) != players:
                raise Bad(("pairings", r), "has other players than round 1; everybody plays "
                          "every round")
            if game.condition == "partners" and r and pairs != game.pairings[0]:
                raise Bad(("pairings", r), "has other pairs than round 1; partners keep "
                          "their pairs")

    return Spec(LiveGame, check, facilitator=True)


_MOVE = Spec(create_model("LiveMove", __base__=Shape, move=(Move, ...)))


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    return {content.exercise: _strategy(), GAME_EXERCISE: _live_game(content)}


def answer_for(module_id: str, exercise: str, content: Any, day: Any,
               participant: str) -> Spec | None:
    match = re.fullmatch(r"move:g(\d{1,3}):(\d{1,3})", exercise)
    if match is None:
        return None
    game, round_no = int(match.group(1)), int(match.group(2))
    most = content.max_rounds
    if not 1 <= game <= MAX_GAMES or not 1 <= round_no <= most:
        raise Refused(f"a move names game g1 to g{MAX_GAMES} and round 1 to {most}, like "
                      "'move:g1:1'")
    return _MOVE


def patterns(module_id: str, content: Any, day: Any) -> list[str]:
    return ["move:<game>:<round>"]
