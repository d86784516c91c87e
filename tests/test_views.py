"""A module's views: `me.module(module_id)` and `room.module(module_id)` are its type's
Participant and Facilitator; the sessions, the core widgets and the cockpit name no module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workshop_kit
from workshop_kit import modules
from workshop_kit.cockpit import cockpit_exercises, exercise_chart
from workshop_kit.errors import ContentError, ParameterError
from workshop_kit.modules.drill.facilitator import Facilitator as DrillFacilitator
from workshop_kit.modules.drill.participant import Participant as DrillParticipant
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import Store

SRC = Path(workshop_kit.__file__).parent


@pytest.fixture
def sessions(serve_store, tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {"p1": "t1", "facilitator": "tf"})
    service = serve_store(url, "c")
    return (ParticipantSession("p1", "c", service, token="t1", practice_area="legal"),
            FacilitatorSession("c", service, token="tf"))


def test_module_gives_the_types_participant_and_facilitator_once(sessions):
    me, room = sessions
    drill = me.module("drill")
    assert type(drill) is DrillParticipant and me.module("drill") is drill
    assert (drill.module_id, drill.participant_id, drill.content) == (
        "drill", "p1", me.content.modules["drill"])
    assert drill.case().case.practice_area == "legal"
    assert type(room.module("drill")) is DrillFacilitator
    assert room.module("drill") is room.module("drill")  # keeps what it computed
    with pytest.raises(ContentError, match="unknown module 'lunch'; choose from: checkin"):
        me.module("lunch")


def test_every_module_of_the_day_has_both_views(sessions):
    me, room = sessions
    for line in me.content.agenda.modules:
        kind = modules.get(line.type)
        assert type(me.module(line.id)).__module__ == f"{kind.package}.participant"
        assert type(room.module(line.id)).__module__ == f"{kind.package}.facilitator"


def test_older_calls_find_the_module_method(sessions):
    me, room = sessions
    assert room.drill_definitions.__func__ is DrillFacilitator.definitions  # drill_ + name
    assert room.trust_profile_summary.__self__ is room.module("checkin")  # same name
    assert room.debrief.__self__ is room.module("dilemma")  # the first in the agenda
    assert me.drill_case.__self__ is me.module("drill")
    with pytest.raises(AttributeError, match=r"use me\.module\(module_id\)"):
        me.no_such_form()


def test_room_results_say_which_modules_have_them(sessions):
    me, _ = sessions
    with pytest.raises(ParameterError, match="room results exist for checkin, purpose, not "
                                             "'drill'"):
        me.room_results("drill")
    assert "will reveal the room's results soon" in me.room_results("checkin").data


def test_a_type_twice_keys_its_views_by_the_agenda_id(sessions):
    me, room = sessions
    day = me.content
    line = day.agenda.module("purpose").model_copy(update={"id": "purpose2",
                                                          "title": "Purpose, again"})
    again = day.model_copy(update={
        "agenda": day.agenda.model_copy(update={"modules": [*day.agenda.modules, line]}),
        "modules": {**day.modules, "purpose2": day.modules["purpose"]}})
    me.content = room.content = again
    first, second = me.module("purpose"), me.module("purpose2")
    assert type(first) is type(second) and first is not second
    assert (second.sort().module, second.sort().exercise) == ("purpose2", "purpose_sort")
    assert room.module("purpose2").module_id == "purpose2"
    assert [e.key for e in cockpit_exercises(again, "purpose2")] == ["purpose_sort"]
    assert exercise_chart(again, "purpose2", "purpose_sort", room.module("purpose2")
                          .answers("purpose_sort")) is not None


@pytest.mark.parametrize("core", ["session.py", "widgets.py", "cockpit.py"])
def test_the_core_views_name_no_module(core):
    text = (SRC / core).read_text(encoding="utf-8")
    for name in modules.registry():
        found = re.findall(rf"[\"']{name}[\"']|\.{name}\b", text)
        assert not found, f"{core} names the module type '{name}': {found}"


def test_the_wrapup_asks_again_the_nearest_rating_scale_before_it(sessions):
    me, room = sessions
    day = me.content
    lines = day.agenda.modules
    wrapup = next(m for m in lines if m.type == "wrapup")
    again = day.model_copy(update={"agenda": day.agenda.model_copy(update={
        "modules": [wrapup, *[m for m in lines if m is not wrapup]]})})
    assert me.module(wrapup.id).trust_profile_again().exercise == "trust_profile_after"
    me.content = room.content = again
    me._views.clear()
    with pytest.raises(ContentError, match=f"module '{wrapup.id}' asks this morning's trust "
                                           "statements again, but no module before it"):
        me.module(wrapup.id).trust_profile_again()
    with pytest.raises(ContentError, match="no module before it on the agenda has a rating"):
        room.module(wrapup.id).trust_change()


def test_older_imports_of_forms_find_them_in_their_module():
    from workshop_kit import widgets
    from workshop_kit.modules.dilemma.forms import GameControl
    from workshop_kit.modules.drill.forms import DrillForm

    assert widgets.DrillForm is DrillForm and widgets.GameControl is GameControl
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchForm'"):
        widgets.NoSuchForm  # noqa: B018
