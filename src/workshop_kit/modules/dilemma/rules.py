"""The dilemma's rules in the service: the live game the facilitator published is the room's
to read (`game`), and a move is shown to the partner it was played against: a participant
reads the moves of their partners in the current game, nobody else's. In a game between
partners, the two may read each other's names."""

from workshop_kit.access import RuleView
from workshop_kit.game.live import LiveGame

from .answers import GAME_EXERCISE, MOVE_PREFIX

# The facilitator's records of this module a participant may read.
PUBLISHED = frozenset({GAME_EXERCISE})


def _game(view: RuleView) -> LiveGame | None:
    payload = view.record(GAME_EXERCISE)
    return LiveGame.from_payload(payload) if payload is not None else None


def peers(view: RuleView, exercise_prefix: str) -> set[str]:
    """Whose answers starting with `exercise_prefix` this participant may read: their
    partners in the current game, for that game's moves ('move:<game id>:')."""
    if not exercise_prefix.startswith(MOVE_PREFIX):
        return set()
    game = _game(view)
    if game is None or exercise_prefix != f"{MOVE_PREFIX}{game.game_id}:":
        return set()
    return {game.partner(r, view.who) for r in range(1, game.rounds + 1)} - {None}


def sees(view: RuleView) -> set[str]:
    """Whose names this participant may read because of this module: their partner in the
    current game when it is played between partners (never a stranger's)."""
    game = _game(view)
    if game is None or game.condition != "partners":
        return set()
    return {game.partner(r, view.who) for r in range(1, game.rounds + 1)} - {None}

