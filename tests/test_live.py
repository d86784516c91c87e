"""Live dilemma games: the pure plan, the participant's widget and the facilitator's control,
played through a real SQLite store by two (or three) participants."""

import time

import pytest

from workshop_kit.errors import ParameterError
from workshop_kit.game.live import BOT, LiveGame, bot_move, outcome, plan_game
from workshop_kit.modules.dilemma.forms import GameControl, LiveRounds
from workshop_kit.names import publish

PEOPLE = [f"p{i:02d}" for i in range(1, 11)]


def test_one_shot_is_one_round_between_everybody():
    game = plan_game(1, "one_shot", PEOPLE, 0.9, seed=3)
    assert game.rounds == 1 and game.continue_probability == 0.0
    assert sorted(p for pair in game.pairings[0] for p in pair) == PEOPLE


def test_partners_keep_their_partner_and_strangers_meet_new_people():
    partners = plan_game(2, "partners", PEOPLE, 0.95, seed=3, max_rounds=8)
    strangers = plan_game(3, "strangers", PEOPLE, 0.95, seed=3, max_rounds=8)
    assert partners.rounds > 1 and strangers.rounds > 1
    assert len(set(partners.pairings)) == 1
    met = set()
    for pairs in strangers.pairings[:5]:
        pairs = {frozenset(p) for p in pairs}
        assert not pairs & met
        met |= pairs


def test_length_follows_the_continuation_probability():
    lengths = [plan_game(1, "partners", PEOPLE, 0.8, seed=s, max_rounds=100).rounds
               for s in range(400)]
    assert 4.3 < sum(lengths) / len(lengths) < 5.7  # geometric: mean 1 / (1 - 0.8) = 5
    assert plan_game(1, "partners", PEOPLE, 0.0, seed=1).rounds == 1
    assert plan_game(1, "partners", PEOPLE, 0.99, seed=1, max_rounds=7).rounds <= 7


def test_plan_is_reproducible_and_round_trips_through_a_payload():
    game = plan_game(2, "strangers", PEOPLE[:5], 0.9, seed=11)
    assert game == plan_game(2, "strangers", PEOPLE[:5], 0.9, seed=11)
    assert LiveGame.from_payload(game.to_payload()) == game
    assert BOT in game.players()  # odd: the kit's bot takes the free seat


@pytest.mark.parametrize(("args", "message"), [
    (("maybe", PEOPLE, 0.9), "condition must be one of: one_shot, partners, strangers; "
                             "got 'maybe'"),
    (("partners", PEOPLE, 1.0), "continue_probability must be from 0 to 0.99, got 1.0"),
    (("partners", ["p01"], 0.9), "a live game needs at least 2 participants"),
])
def test_bad_plans_are_refused(args, message):
    with pytest.raises(ParameterError, match=message):
        plan_game(1, *args)


def test_bot_plays_tit_for_tat_and_outcomes_use_the_table():
    assert bot_move("") == "C"
    assert bot_move("CD") == "D"
    assert bot_move("CDC") == "C"
    assert outcome("C", "D") == (0, 6)
    assert outcome("D", "D", "3,0,5,1") == (1, 1)


def start(store, content, condition, people, probability=0.9, max_rounds=30):
    """Make sure `people` are 'in the room' (they answered something), then start a game."""
    for p in people:
        store.submit("c", p, "checkin", "hello", {})
    control = GameControl(store, "c", content.dilemma)
    control.condition.value = condition
    control.continue_probability.value = probability
    control.content = control.content.model_copy(update={"max_rounds": max_rounds})
    return control, control.start()


def test_two_participants_play_a_partners_game_to_the_end(store, content):
    control, game = start(store, content, "partners", ["p1", "p2"], 0.9, max_rounds=4)
    publish(store, "c", {"p1": "Ana", "p2": "Zoë"}, {})
    one = LiveRounds(store, "c", "p1", content.dilemma, poll_seconds=0)
    two = LiveRounds(store, "c", "p2", content.dilemma, poll_seconds=0)
    assert one.round_no == 1 and not one.share.disabled
    assert "your partner, Zoë" in one.status and "p2" not in one.status
    plays = [("C", "D"), ("D", "D"), ("C", "C"), ("C", "C")][: game.rounds]
    expected = {"p1": 0.0, "p2": 0.0}
    for r, (a, b) in enumerate(plays, start=1):
        assert one.choose(a)
        assert one.share.disabled and "Waiting for the other player" in one.status
        assert not one.choose(a)  # no second move in the same round
        assert two.choose(b)
        one.refresh()
        mine, theirs = outcome(a, b)
        expected["p1"] += mine
        expected["p2"] += theirs
        assert one.total == expected["p1"] and two.total == expected["p2"]
        assert f"Round {r}: you" in one.outcome.value
    assert one.round_no == 0 and "The game is over" in one.status
    assert f"{game.rounds} round(s)" in two.status
    assert not one.choose("C")
    control.refresh()
    assert f"round {game.rounds}: 2/2" in control.message.value


def test_waiting_room_and_latecomers(store, content):
    one = LiveRounds(store, "c", "p1", content.dilemma, poll_seconds=0)
    assert "Waiting for the facilitator" in one.status and one.share.disabled
    assert not one.choose("C")
    start(store, content, "one_shot", ["p1", "p2"])
    late = LiveRounds(store, "c", "p9", content.dilemma, poll_seconds=0)
    assert "started without you" in late.status


def test_odd_one_out_plays_the_kit(store, content):
    _, game = start(store, content, "partners", ["p1", "p2", "p3"], 0.9, max_rounds=3)
    alone = next(p for p in ("p1", "p2", "p3") if game.partner(1, p) == BOT)
    form = LiveRounds(store, "c", alone, content.dilemma, poll_seconds=0)
    assert "the kit" in form.status
    assert form.choose("D")
    assert "Round 1: you <b>held back</b>, they <b>shared</b>" in form.outcome.value
    if game.rounds > 1:
        assert form.choose("C")  # the kit answers last round's hold-back with a hold-back
        assert "Round 2: you <b>shared</b>, they <b>held back</b>" in form.outcome.value


def test_the_panel_refreshes_by_itself(store, content):
    form = LiveRounds(store, "c", "p1", content.dilemma, poll_seconds=0.05)
    try:
        start(store, content, "one_shot", ["p1", "p2"])
        deadline = time.monotonic() + 20
        while form.round_no != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert form.round_no == 1 and "choose" in form.status
    finally:
        form.close()


def test_facilitator_sees_who_is_missing_and_bad_start(store, content):
    control = GameControl(store, "c", content.dilemma)
    assert "No game started yet" in control.message.value
    assert control.start() is None
    assert "needs at least 2 participants" in control.message.value
