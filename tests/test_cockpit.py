"""The facilitator's cockpit: exercise state (lock, reveal, reset) enforced for participants,
the incremental refresh, the countdown, the `cockpit` command. Real stores, both backends."""

from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers import PEOPLE, TOKENS
from workshop_kit import cli
from workshop_kit.charts import OKABE_ITO
from workshop_kit.cockpit import Cockpit, Countdown, RoomTally, cockpit_exercises
from workshop_kit.errors import AccessError, ExerciseLockedError
from workshop_kit.game.live import plan_game
from workshop_kit.modules.checkin.participant import TrustProfileForm
from workshop_kit.modules.dilemma.forms import LiveRounds
from workshop_kit.modules.purpose.forms import PurposeSortForm
from workshop_kit.modules.roleplay.forms import ScriptPlayer
from workshop_kit.names import publish
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.widgets import LOCKED_MESSAGE

DATA = Path(__file__).resolve().parents[1] / "data"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def me(store, who):
    return helpers.me(store, who, {"checkin"})


def facilitator(store):
    return helpers.facilitator(store, {"checkin"})


def sort_all(form, content, side=None):
    for s in content.purpose.statements:
        form.choices[s.id].value = side or s.thinking
    return form.submit()


def cockpit(store, content, module="purpose", **kwargs):
    kwargs.setdefault("render_charts", False)
    return Cockpit(facilitator(store), "c", content, poll_seconds=0, module=module,
                   personal_modules=frozenset({"checkin"}), **kwargs)


# -- lock ----------------------------------------------------------------------------------------


def test_a_locked_exercise_refuses_late_answers_in_the_widget_and_writes_nothing(room, content):
    form = PurposeSortForm(me(room, "p1"), "c", "p1", content.purpose)
    view = cockpit(room, content)
    view.lock()
    assert view.state().locked and view.lock_button.description == "Open again"
    before = room.count()
    assert sort_all(form, content, "closing") is False
    assert LOCKED_MESSAGE in form.message.value
    assert all(t.value == "closing" for t in form.choices.values())  # the answer is kept
    assert room.count() == before
    view.unlock()
    assert sort_all(form, content, "closing") is True
    assert room.count() == before + 1


def test_the_lock_holds_in_the_store_whatever_the_widget(room):
    room.set_exercise_state("c", "roleplay", "roleplay_path_r1", locked=True)
    with pytest.raises(ExerciseLockedError, match="'roleplay_path_r3' of module 'roleplay' is "
                                                  "locked: the facilitator closed it"):
        me(room, "p1").submit("c", "p1", "roleplay", "roleplay_path_r3", {"a": 1})
    assert room.count() == 0
    room.submit("c", "facilitator", "roleplay", "roleplay_path_r1", {"note": 1})  # not locked out


def test_only_the_facilitator_changes_an_exercise(room):
    with pytest.raises(AccessError, match=r"only the facilitator .* can lock, open, hide"):
        me(room, "p1").set_exercise_state("c", "purpose", "purpose_sort", locked=True)
    with pytest.raises(AccessError, match=r"only the facilitator .* can reset"):
        me(room, "p1").reset_exercise("c", "purpose", "purpose_sort")
    assert not room.exercise_state("c", "purpose", "purpose_sort").locked


def test_locked_seller_path_and_live_move_say_so(room, content):
    room.set_exercise_state("c", "roleplay", "roleplay_path", locked=True)
    seller = ScriptPlayer(me(room, "p1"), "c", "p1", content.roleplay,
                          content.scripts["about_your_firm"], 1, "g1", "legal")
    for step in ("few_things", "listen_more", "work_on_it", "small_step"):
        seller.choose(step)
    assert LOCKED_MESSAGE in seller.message.value and len(seller.steps) == 4
    game = plan_game(1, "partners", ["p1", "p2"], 0.9, content.dilemma.payoffs, seed=1)
    room.submit("c", "facilitator", "dilemma", "game", game.to_payload())
    room.set_exercise_state("c", "dilemma", "move", locked=True)
    live = LiveRounds(me(room, "p1"), "c", "p1", content.dilemma, poll_seconds=0)
    assert live.choose("C") is False
    assert LOCKED_MESSAGE in live.outcome.value
    assert room.count() == 1  # the game only


# -- reveal --------------------------------------------------------------------------------------


def test_room_results_appear_only_after_the_reveal(serve_store, room, content, monkeypatch):
    monkeypatch.setenv("WORKSHOP_KIT_DATA", str(DATA))
    for who in PEOPLE[:3]:
        assert sort_all(PurposeSortForm(me(room, who), "c", who, content.purpose), content)
    session = ParticipantSession("p1", "c", serve_store(room.url, "c"), token=TOKENS["p1"])
    assert "will reveal the room's results soon" in session.room_results("purpose").data
    view = cockpit(room, content)
    view.reveal()
    chart = session.room_results("purpose").to_dict()
    counts = {tuple(r.values()) for r in chart["datasets"][next(iter(chart["datasets"]))]}
    assert counts  # the aggregate, one row per statement and side
    frame = me(room, "p1").room_answers("c", "purpose", content.purpose.exercise)
    assert sorted(frame["participant"]) == ["someone-1", "someone-2", "someone-3"]
    view.hide()
    assert me(room, "p1").room_answers("c", "purpose", content.purpose.exercise) is None


def test_a_room_opening_its_results_together_costs_one_drawing(serve_store, room, content,
                                                              monkeypatch):
    """The service draws a revealed exercise's chart once for the whole room (20 participants
    asking at the same moment cause one drawing), draws it again once it is older than
    ROOM_RESULTS_SECONDS (a new answer then shows), and never serves a run's chart for the
    next run."""
    from concurrent.futures import ThreadPoolExecutor

    from workshop_kit import cockpit as cockpit_module
    from workshop_kit import service
    from workshop_kit.client import ParticipantClient

    drawn = []
    real = cockpit_module.exercise_chart

    def counted(day, module, key, answers):
        drawn.append(answers["participant"].nunique())
        return real(day, module, key, answers)

    monkeypatch.setattr(cockpit_module, "exercise_chart", counted)
    monkeypatch.setattr(service, "ROOM_RESULTS_SECONDS", 3600.0)
    for who in PEOPLE[:3]:
        assert sort_all(PurposeSortForm(me(room, who), "c", who, content.purpose), content)
    url = serve_store(room.url, "c")
    clients = [ParticipantClient(url, "c", p, TOKENS[p]) for p in PEOPLE]
    exercise = content.purpose.exercise

    def look(client):
        return client.room_results("c", "purpose", exercise)

    assert look(clients[0]) == {"state": "hidden"} and drawn == []
    room.set_exercise_state("c", "purpose", exercise, revealed=True)
    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(look, clients * 5))
    assert drawn == [3]  # one drawing for 20 looks
    assert all(s == seen[0] for s in seen) and seen[0]["state"] == "shown"

    def sorted_people(result):
        rows = next(iter(result["chart"]["datasets"].values()))
        statement = rows[0]["statement"]
        return sum(r["count"] for r in rows if r["statement"] == statement)

    assert sorted_people(seen[0]) == 3
    assert sort_all(PurposeSortForm(me(room, "p4"), "c", "p4", content.purpose), content)
    assert sorted_people(look(clients[3])) == 3  # still the chart drawn a moment ago
    monkeypatch.setattr(service, "ROOM_RESULTS_SECONDS", 0.0)
    assert sorted_people(look(clients[3])) == 4 and drawn == [3, 4]
    # a rerun: the answers so far belong to the run before; its chart is not shown again
    monkeypatch.setattr(service, "ROOM_RESULTS_SECONDS", 3600.0)
    room.reset_exercise("c", "purpose", exercise)
    room.set_exercise_state("c", "purpose", exercise, revealed=True)
    assert look(clients[0]) == {"state": "too_few", "min_group": 3}


def test_personal_room_results_carry_numbers_only(room, content):

    for who in ("p2", "p3"):
        form = TrustProfileForm(me(room, who), "c", who, content.checkin)
        form.situation.value = "A lender wants a cheaper audit but fears losing their main client."
        assert form.submit()
    room.set_exercise_state("c", "checkin", content.checkin.exercise, revealed=True)
    # two answers: too few to show without pointing at someone
    assert me(room, "p1").room_answers("c", "checkin", content.checkin.exercise).empty
    form = TrustProfileForm(me(room, "p1"), "c", "p1", content.checkin)
    form.situation.value = "A lender wants a cheaper audit but fears losing their main client."
    assert form.submit()
    frame = me(room, "p1").room_answers("c", "checkin", content.checkin.exercise)
    assert sorted(frame["participant"]) == ["someone-1", "someone-2", "someone-3"]
    assert all("situation" not in p and p["ratings"] for p in frame["payload"])


# -- reset ---------------------------------------------------------------------------------------


def test_reset_keeps_old_answers_as_the_previous_run_and_views_show_the_new_one(room, content):
    for who in ("p1", "p2"):
        assert sort_all(PurposeSortForm(me(room, who), "c", who, content.purpose), content)
    view = cockpit(room, content)
    assert view.answered_count == 2
    view.reveal()
    view.ask_reset()
    assert view.confirm_box.layout.display is None  # the button asks first
    state = view.reset()
    assert (state.run, state.locked, state.revealed) == (2, False, False)
    assert view.confirm_box.layout.display == "none"
    assert view.answered_count == 0 and "Run 2" in view.status_box.value
    exercise = content.purpose.exercise
    history = room.history("c", "p1", "purpose", exercise)
    assert [a.run for a in history] == [1]  # kept, marked as the previous run
    assert room.module_answers("c", "purpose").empty
    reopened = PurposeSortForm(me(room, "p1"), "c", "p1", content.purpose)
    assert "Not submitted yet" in reopened.status  # the restore uses the current run
    assert sort_all(reopened, content, "exploring")
    view.refresh()
    assert view.answered_count == 1
    assert [(a.run, a.version) for a in room.history("c", "p1", "purpose", exercise)] == [
        (1, 1), (2, 2)]
    frame = facilitator(room).module_answers("c", "purpose")
    assert frame["participant"].tolist() == ["p1"] and frame["run"].tolist() == [2]
    everything, _ = facilitator(room).answers("c")  # what export writes: every run
    assert sorted((a.participant, a.run) for a in everything) == [
        ("p1", 1), ("p1", 2), ("p2", 1)]


# -- the refresh ---------------------------------------------------------------------------------


def test_refresh_reads_only_the_rows_stored_since_the_last_one(room, content):
    for i, who in enumerate(PEOPLE):
        room.submit("c", who, "purpose", content.purpose.exercise, {"placements": {}})
        if i == 0:
            room.submit("c", who, "checkin", "trust_profile", {"ratings": {}})
    tally = RoomTally(facilitator(room), "c", "purpose")
    assert tally.refresh() == 4 and tally.fetched == 4
    assert tally.refresh() == 0  # nothing new: nothing read
    room.submit("c", "p2", "purpose", content.purpose.exercise, {"placements": {"a": "x"}})
    assert tally.refresh() == 1
    assert len(tally.current(content.purpose.exercise)) == 4
    assert {a.version for a in tally.current(content.purpose.exercise)} == {1, 2}
    view = cockpit(room, content)
    view.refresh()
    assert view.tally.fetched == 0
    room.submit("c", "p3", "purpose", content.purpose.exercise, {"placements": {}})
    view.refresh()
    assert view.tally.fetched == 1


def test_answered_and_missing_counts_names_only_when_asked(room, content):
    publish(room, "c", {"p1": "Ana", "p2": "Bea", "p3": "Cai", "p4": "<i>Dan</i>"}, {})
    for who in ("p1", "p3"):
        assert sort_all(PurposeSortForm(me(room, who), "c", who, content.purpose), content)
    view = cockpit(room, content)
    assert (view.answered_count, view.missing) == (2, ["p2", "p4"])
    assert "2 missing" in view.status_box.value and "Bea" not in view.status_box.value
    view.ids_toggle.value = True
    assert "Missing: Bea, &lt;i&gt;Dan&lt;/i&gt;" in view.status_box.value
    assert "p2" not in view.status_box.value


def test_a_personal_exercise_shows_counts_never_names(room, content):

    form = TrustProfileForm(me(room, "p4"), "c", "p4", content.checkin)
    form.situation.value = "A lender wants a cheaper audit but fears losing their main client."
    assert form.submit()
    view = cockpit(room, content, module="checkin")
    view.show_ids = True
    view.refresh()
    assert view.answered_count == 1 and view.missing == []
    assert view.ids_toggle.disabled
    assert "p4" not in view.status_box.value and "3 missing" in view.status_box.value
    assert all(a.participant.startswith("private-") for a in view.tally.current("trust_profile"))


def test_results_stay_hidden_on_the_projector_until_revealed(room, content):
    assert sort_all(PurposeSortForm(me(room, "p1"), "c", "p1", content.purpose), content)
    view = cockpit(room, content, render_charts=True)
    assert "Results hidden until you reveal" in view.results_box.value and view.chart is None
    view.reveal()
    assert "<svg" in view.results_box.value
    spec = view.chart.to_dict()
    assert set(spec["encoding"]["color"]["scale"]["range"]) <= set(OKABE_ITO)
    view.projector_toggle.value = False
    view.hide()
    assert "<svg" in view.results_box.value  # the facilitator's own screen shows it anyway
    assert "wk-compact" in view.screen._dom_classes


def test_the_cockpit_refreshes_by_itself(room, content):
    import time

    view = Cockpit(facilitator(room), "c", content, poll_seconds=0.05, module="purpose",
                   render_charts=False)
    try:
        assert view.answered_count == 0
        assert sort_all(PurposeSortForm(me(room, "p1"), "c", "p1", content.purpose), content)
        deadline = time.monotonic() + 5
        while view.answered_count == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert view.answered_count == 1
    finally:
        view.close()


# -- agenda, modules, timer ----------------------------------------------------------------------


def test_module_and_exercise_pickers_follow_the_agenda(room, content):
    view = cockpit(room, content, module="checkin")
    assert [v for _, v in view.module_picker.options] == [m.id for m in content.agenda.modules]
    view.module_picker.value = "roleplay"
    assert (view.module, view.exercise) == ("roleplay", "roleplay_path")
    view.exercise_picker.value = "roleplay_observation"
    assert view.exercise == "roleplay_observation"
    assert [e.key for e in cockpit_exercises(content, "dilemma")] == [
        "move", content.dilemma.exercise]
    assert view.timer.minutes == content.agenda.module("roleplay").minutes


def test_the_agenda_shows_actual_times_and_the_current_module(room, content):
    view = cockpit(room, content, module="checkin")
    view.start_module()
    view.end_module()
    times = room.module_times("c")
    assert times["checkin"][0] is not None and times["checkin"][1] is not None
    assert "<tr class='wk-now'><td>09:00</td><td>40 min</td>" in view.agenda_box.value
    again = cockpit(room, content, module="")
    assert again.module == "purpose"  # check-in ended: the next module not started yet


def test_countdown_with_a_fake_clock():
    clock = FakeClock()
    timer = Countdown(2, clock)
    assert timer.text() == "02:00" and not timer.running
    timer.start()
    clock.now += 30
    assert timer.text() == "01:30"
    timer.pause()
    clock.now += 600
    assert timer.remaining() == 90
    timer.start()
    clock.now += 100
    assert timer.text() == "+00:10"  # over time
    timer.reset()
    assert timer.text() == "02:00" and not timer.running


def test_cockpit_timer_uses_the_modules_minutes(room, content):
    clock = FakeClock()
    view = cockpit(room, content, module="purpose", clock=clock)
    view.start_timer()
    assert "purpose" in room.module_times("c")  # the first start marks the module started
    clock.now += 65
    view.pause_timer()
    minutes = content.agenda.module("purpose").minutes
    assert f"{minutes - 2:02d}:55" in view.timer_box.value and "paused" in view.timer_box.value
    view.reset_timer()
    assert f"{minutes:02d}:00" in view.timer_box.value


def test_facilitator_session_opens_the_cockpit(serve_store, room, monkeypatch):
    session = FacilitatorSession("c", serve_store(room.url, "c"), token=TOKENS["facilitator"])
    view = session.cockpit(poll_seconds=0, module="purpose")
    assert view.module == "purpose" and view.expected == PEOPLE
    assert "What is selling for?" in view.page()


# -- the command ---------------------------------------------------------------------------------


def test_cockpit_command_opens_the_cohorts_cockpit_in_jupyterlab(tmp_path, monkeypatch, capsys):
    from workshop_kit import cohort, day

    cohort.build(DATA / "cohorts/demo.yaml", DATA, tmp_path / "demo")
    calls = []
    monkeypatch.setattr(day, "launch_jupyter_lab", lambda *a: calls.append(a) or 0)
    assert cli.main(["cockpit", str(tmp_path / "demo")]) == 0
    assert calls == [(tmp_path / "demo", Path("facilitator/00_cockpit.ipynb"))]
    assert cli.main(["cockpit", str(tmp_path / "nowhere")]) == 1
    assert "is not a built cohort" in capsys.readouterr().err


def test_later_modules_have_their_exercises_in_the_cockpit(content):
    from workshop_kit.cockpit import cockpit_exercises, exercise_chart

    keys = {m: [e.key for e in cockpit_exercises(content, m)]
            for m in ("drill", "gift", "wrapup")}
    assert keys == {"drill": ["drill_questions", "drill_definition", "drill_vote"],
                    "gift": ["gift_plan", "gift_feedback"],
                    "wrapup": ["commitments", "trust_profile_after"]}
    ratings = {item.id: 4 for _, item in content.checkin.items()}
    answers = pd.DataFrame({"participant": ["p1", "p2", "p3"],
                            "payload": [{"ratings": ratings}] * 3})
    chart = exercise_chart(content, "wrapup", "trust_profile_after", answers).to_dict()
    assert chart["layer"][0]["encoding"]["x"]["field"] == "mean"
    one = exercise_chart(content, "wrapup", "trust_profile_after", answers[:1]).to_dict()
    assert one["mark"]["type"] == "text"  # one person's rating is not projected
