"""Who may see what: tokens on every participant and facilitator path, personal answers kept
to aggregates unless shared. Runs on both backends (the `store` fixture)."""

from pathlib import Path

import pytest

from workshop_kit.access import OPT_IN, FacilitatorStore, ParticipantStore
from workshop_kit.errors import AccessError
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.widgets import TrustProfileForm

DATA = Path(__file__).resolve().parents[1] / "data"

SITUATION = "A law firm wants a cheaper audit, but they fear their biggest client leaving."


def test_participant_with_their_token_writes_and_reads_their_own(room):
    me = ParticipantStore(room, "c", "p1", "tok-p1")
    assert me.submit("c", "p1", "m", "e", {"a": 1}).version == 1
    assert me.latest_answer("c", "p1", "m", "e").payload == {"a": 1}
    assert [a.version for a in me.history("c", "p1", "m", "e")] == [1]


@pytest.mark.parametrize("token, message", [
    ("", "token is empty for participant 'p1' of cohort 'c'; open the notebook built for you"),
    ("tok-p2", "token given for participant 'p1' of cohort 'c' is not the right one"),
    ("tok-f", "token given for participant 'p1' of cohort 'c' is not the right one"),
])
def test_a_missing_or_wrong_participant_token_is_refused(room, token, message):
    with pytest.raises(AccessError, match=message):
        ParticipantStore(room, "c", "p1", token)
    assert room.count() == 0


def test_a_participant_cannot_reach_another_participants_answers(room):
    room.submit("c", "p2", "m", "e", {"secret": "theirs"})
    me = ParticipantStore(room, "c", "p1", "tok-p1")
    with pytest.raises(AccessError, match="'p1' cannot write the answers of 'p2'"):
        me.submit("c", "p2", "m", "e", {"a": "forged"})
    with pytest.raises(AccessError, match="'p1' cannot read the answers of 'p2'"):
        me.latest_answer("c", "p2", "m", "e")
    with pytest.raises(AccessError, match="'p1' cannot read the answers of 'p2'"):
        me.history("c", "p2", "m", "e")
    with pytest.raises(AccessError, match="only the facilitator"):
        me.module_answers("c", "m")
    with pytest.raises(AccessError, match="only the facilitator"):
        me.forget("c", "p2")
    with pytest.raises(AccessError, match="cohort 'c', not 'other'"):
        me.submit("other", "p1", "m", "e", {"a": 1})
    with pytest.raises(AccessError, match="only the moves of your partners"):
        me.latest_many("c", "m", ["p1", "p2"], "e")
    assert room.history("c", "p2", "m", "e")[-1].payload == {"secret": "theirs"}
    assert room.count() == 1


def test_a_token_changed_after_opening_is_refused_on_the_next_write(room):
    me = ParticipantStore(room, "c", "p1", "tok-p1")
    room.register_tokens("c", {"p1": "rebuilt-with-a-new-secret"})
    with pytest.raises(AccessError, match="not the right one"):
        me.submit("c", "p1", "m", "e", {"a": 1})


def test_partners_see_each_others_moves_in_the_current_game_only(room, content):
    from workshop_kit.widgets import GameControl

    for p in ("p1", "p2", "p3"):
        room.submit("c", p, "checkin", "hello", {})
    control = GameControl(FacilitatorStore(room, "c", "tok-f"), "c", content.dilemma)
    control.condition.value = "partners"
    game = control.start()
    me = ParticipantStore(room, "c", "p1", "tok-p1")
    partner = game.partner(1, "p1")
    prefix = f"move:{game.game_id}:"
    assert me.latest_many("c", "dilemma", ["p1", partner], prefix) == []
    stranger = ({"p2", "p3"} - {partner}).pop()
    if stranger not in {game.partner(r, "p1") for r in range(1, game.rounds + 1)}:
        with pytest.raises(AccessError, match=f"'{stranger}'"):
            me.latest_many("c", "dilemma", ["p1", stranger], prefix)
    with pytest.raises(AccessError):
        me.latest_many("c", "dilemma", ["p1", partner], "move:an-old-game:")


def test_facilitator_token_is_needed_for_the_room(room):
    with pytest.raises(AccessError, match="token is empty for the facilitator"):
        FacilitatorStore(room, "c", "")
    with pytest.raises(AccessError, match="token given for the facilitator of cohort 'c' is not"):
        FacilitatorStore(room, "c", "tok-p1")
    with pytest.raises(AccessError, match="facilitator cannot write the answers of 'p1'"):
        FacilitatorStore(room, "c", "tok-f").submit("c", "p1", "m", "e", {})


def test_sessions_refuse_wrong_tokens_with_a_clear_message(serve_store, room, monkeypatch):
    monkeypatch.delenv("WORKSHOP_KIT_TOKEN", raising=False)
    with pytest.raises(AccessError, match="token is empty for participant 'p1'"):
        ParticipantSession("p1", "c", serve_store(room.url, "c"))
    with pytest.raises(AccessError, match="not the right one"):
        FacilitatorSession("c", serve_store(room.url, "c"), token="tok-p1")


def _profile(store, content, who, token, share, situation=SITUATION):
    form = TrustProfileForm(ParticipantStore(store, "c", who, token), "c", who, content.checkin)
    form.situation.value = situation
    form.share.value = share
    assert form.submit(), form.message.value
    return form


def test_the_trust_profile_reaches_the_facilitator_as_aggregates_unless_shared(serve_store, room,
                                                                               content):
    _profile(room, content, "p1", "tok-p1", share=True, situation=SITUATION)
    _profile(room, content, "p2", "tok-p2", share=False, situation="Private: " + SITUATION)
    _profile(room, content, "p3", "tok-p3", share=False,
             situation="Also private, well over thirty characters.")
    assert room.latest_answer("c", "p2", "checkin", "trust_profile").payload[OPT_IN] is False

    facilitator = FacilitatorSession("c", serve_store(room.url, "c"), token="tok-f")
    assert facilitator.client_situations()["situation"].tolist() == [SITUATION]
    summary = facilitator.trust_profile_summary()
    assert summary["n"].tolist() == [3, 3, 3, 3]
    frame = facilitator.store.module_answers("c", "checkin")
    names = sorted(frame["participant"])
    assert names == ["p1", "private-1", "private-2"]
    private = frame[frame["participant"] != "p1"]["payload"].tolist()
    assert all("situation" not in p and len(p["ratings"]) == 12 for p in private)
    with pytest.raises(AccessError, match="'p2' to 'checkin' are personal and not shared"):
        facilitator.store.latest_answer("c", "p2", "checkin", "trust_profile")
    with pytest.raises(AccessError, match="personal and not shared"):
        facilitator.store.history("c", "p2", "checkin", "trust_profile")
    assert facilitator.store.latest_answer("c", "p1", "checkin",
                                           "trust_profile").payload["situation"] == SITUATION
    shown = facilitator.client_situations().to_html()
    assert "Private" not in shown and "p2" not in shown and "p1" not in shown


def test_the_opt_in_is_restored_with_the_answer(room, content):
    _profile(room, content, "p1", "tok-p1", share=True)
    again = TrustProfileForm(ParticipantStore(room, "c", "p1", "tok-p1"), "c", "p1",
                             content.checkin)
    assert again.share.value is True


@pytest.mark.parametrize("kind", ["quotes", "emoji", "html", "sql", "control"])
def test_awkward_text_comes_back_verbatim_and_is_shown_escaped(serve_store, room, content, kind):
    from test_store import AWKWARD_TEXTS

    # (a NUL byte is refused by the answer schema: see test_a_nul_byte_is_refused_by_the_service)
    text = (AWKWARD_TEXTS[kind].replace("\x00", "") +
            " — a client situation, at least thirty characters").strip()
    _profile(room, content, "p1", "tok-p1", share=True, situation=text)
    reopened = TrustProfileForm(ParticipantStore(room, "c", "p1", "tok-p1"), "c", "p1",
                                content.checkin)
    assert reopened.situation.value == text  # a Textarea shows its value as text, not HTML
    shown = FacilitatorSession("c", serve_store(room.url, "c"), token="tok-f").client_situations()
    assert shown["situation"].tolist() == [text]
    page = shown.to_html()
    assert "<script>" not in page and "<b onmouseover" not in page


def test_a_nul_byte_is_refused_by_the_service_and_kept_in_the_form(serve_store, room, content):
    from workshop_kit.client import ParticipantClient

    me = ParticipantClient(serve_store(room.url, "c"), "c", "p1", "tok-p1")
    form = TrustProfileForm(me, "c", "p1", content.checkin)
    form.situation.value = "A client situation with a NUL \x00 byte in the middle of it."
    assert form.submit() is False
    assert "Not saved" in form.message.value and "situation" in form.message.value
    assert form.situation.value.startswith("A client situation")
    assert room.count("c") == 0


def test_a_situation_too_long_for_the_form_is_refused_and_kept(room, content):
    from test_store import AWKWARD_TEXTS

    form = TrustProfileForm(ParticipantStore(room, "c", "p1", "tok-p1"), "c", "p1",
                            content.checkin)
    form.situation.value = AWKWARD_TEXTS["long"]
    assert form.submit() is False
    assert "20000 characters; please keep it under 2000" in form.message.value
    assert form.situation.value == AWKWARD_TEXTS["long"]
    assert room.count() == 0


def test_the_rules_of_a_type_follow_its_module_id(room, content):
    """The live game's rules belong to the dilemma's type, under whatever id the agenda gives
    it: renamed `duel`, its published game and partners' moves are readable under `duel`,
    and under `dilemma` (no longer on the agenda) nothing of the kind is."""
    from workshop_kit.errors import ParameterError

    lines = [m.model_copy(update={"id": "duel"}) if m.id == "dilemma" else m
             for m in content.agenda.modules]
    day = content.model_copy(update={
        "agenda": content.agenda.model_copy(update={"modules": lines}),
        "modules": {("duel" if k == "dilemma" else k): v for k, v in content.modules.items()}})
    assert day.agenda.type_of("duel") == "dilemma"
    game = {"number": 1, "condition": "partners", "continue_probability": 0.5, "rounds": 1,
            "payoffs": content.dilemma.payoffs, "pairings": [[["p1", "p2"]]]}
    for module in ("duel", "dilemma"):
        room.submit("c", "facilitator", module, "game", game)
    me = ParticipantStore(room, "c", "p1", "tok-p1", content=day)
    assert me.latest_answer("c", "facilitator", "duel", "game").payload == game
    with pytest.raises(AccessError, match="only their own"):
        me.latest_answer("c", "facilitator", "dilemma", "game")
    assert me.latest_many("c", "duel", ["p1", "p2"], "move:g1:") == []
    with pytest.raises(AccessError, match="'p2'"):
        me.latest_many("c", "dilemma", ["p1", "p2"], "move:g1:")
    assert "p2" in me.may_see("c")  # their partner in the game between partners
    # a call of a type's rules: only for a module id of that type
    with pytest.raises(ParameterError, match="module 'duel' offers no 'gift_partners'"):
        me.gift_partners("c", module="duel")
    assert me.gift_partners("c") == []  # the first module that offers it: 'gift'
    with pytest.raises(AttributeError):
        me.no_such_call  # noqa: B018
