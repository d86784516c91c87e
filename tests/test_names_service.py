"""People appear by name, never by roster id, on every screen, through a real service; and a
participant gets the names of the people they work with only."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import copy_built
from workshop_kit.client import ParticipantClient
from workshop_kit.cohort import build
from workshop_kit.errors import AccessError, ParameterError
from workshop_kit.service import ServiceConfig
from workshop_kit.session import FacilitatorSession, ParticipantSession

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ROSTER = """id,name,email,practice_area,team
p01,"  Zoë   O'Brien-Łukasz ",zoe.ob@example.com,consulting,a
p02,Priya Shah,priya.shah@example.com,accounting,a
p03,Priya Singh,priya.singh@example.com,legal,a
p04,Tomás Ruiz,tomas@example.com,it_services,b
p05,<b>x</b> Bold,bold@example.com,financial_planning,b
p06,"Zoë ""Z"" O'Brien",zoe.z@example.com,consulting,b
"""
SHOWN = {"p01": "Zoë O'Brien-Łukasz", "p02": "Priya Shah", "p03": "Priya Singh",
         "p04": "Tomás", "p05": "<b>x</b>", "p06": 'Zoë "Z" O\'Brien'}
ID = re.compile(r"\bp0\d\b")


@pytest.fixture(scope="module")
def names_source(tmp_path_factory):
    """Its cohort file and roster (cohorts/) and the cohort built from them (built/), once."""
    root = tmp_path_factory.mktemp("names")
    folder = root / "cohorts"
    folder.mkdir()
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    text = (DATA / "cohorts/demo.yaml").read_text().replace("demo-roster.csv", "roster.csv")
    (folder / "names.yaml").write_text(text.replace("id: demo", "id: names"))
    build(folder / "names.yaml", DATA, root / "built")
    return root


@pytest.fixture
def cohort(tmp_path, names_source):
    """A built cohort whose ids (p01…) differ from its names (a copy of the module's, with its
    cohort file and roster in tmp_path/cohorts)."""
    shutil.copytree(names_source / "cohorts", tmp_path / "cohorts")
    return copy_built(names_source / "built", tmp_path / "built")


@pytest.fixture
def url(cohort, serve_config):
    return serve_config(ServiceConfig.from_folder(cohort.folder))


def person(cohort, pid):
    return next(p for p in cohort.manifest["participants"] if p["id"] == pid)


def session(cohort, url, pid):
    p = person(cohort, pid)
    roleplay = p.get("modules", {}).get("roleplay", {})
    return ParticipantSession(pid, "names", url, token=p["token"],
                              practice_area=p["practice_area"],
                              partners=p["partners"]["roleplay"], group=roleplay.get("group", ""),
                              roles=roleplay.get("roles", []))


def escaped(pid):
    return html.escape(SHOWN[pid])


def test_the_build_names_everyone_once_and_the_agenda_shows_names(cohort):
    assert {p["id"]: p["display_name"] for p in cohort.manifest["participants"]} == SHOWN
    agenda = (cohort.folder / "agenda.html").read_text()
    groups = agenda[agenda.index("Role-play groups"):]
    assert escaped("p05") in groups and "<b>x</b>" not in groups
    assert not ID.search(groups)


def test_each_participants_roleplay_group_is_shown_by_name(cohort, url):
    for pid in SHOWN:
        text = session(cohort, url, pid).roleplay_roles().data
        partners = person(cohort, pid)["partners"]["roleplay"]
        assert partners and all(escaped(q) in text for q in partners), text
        assert not ID.search(text), text


def test_gift_partner_and_feedback_are_shown_by_name(cohort, url):
    cohort.simulate(seed=3)
    for pid in ("p01", "p05", "p06"):
        me = session(cohort, url, pid)
        (partner,) = person(cohort, pid)["partners"]["gift"]
        received = me.feedback_received().data
        assert f"From {escaped(partner)}</h4>" in received and not ID.search(received)
        form = me.partner_feedback().children[0]
        headers = [c.value for c in form.children
                   if str(getattr(c, "value", "")).startswith("<h4>")]
        assert headers[0] == f"<h4>The plan of {escaped(partner)}</h4>"


def test_live_partner_by_name_a_stranger_never(cohort, url):
    cohort.simulate(seed=3)
    room = FacilitatorSession("names", url, token=cohort.manifest["facilitator_token"])
    control = room.game_control()
    control.condition.value = "partners"
    game = control.start()
    for pid in SHOWN:
        status = session(cohort, url, pid).live_rounds(poll_seconds=0).status
        assert f"your partner, {escaped(game.partner(1, pid))}" in status, status
        assert not ID.search(status)
    control.condition.value = "strangers"
    game = control.start()
    for pid in SHOWN:
        status = session(cohort, url, pid).live_rounds(poll_seconds=0).status
        assert "someone you cannot see" in status and not ID.search(status)
        assert not any(escaped(q) in status for q in SHOWN if q != pid)


def test_a_participant_reads_only_the_names_of_people_they_work_with(cohort, url):
    p01 = person(cohort, "p01")
    client = ParticipantClient(url, "names", "p01", p01["token"])
    works_with = {q for partners in p01["partners"].values() for q in partners}
    strangers = sorted(set(SHOWN) - works_with - {"p01"})
    assert works_with and strangers  # six people, three modules with partners: not everyone
    assert client.names("names", sorted(works_with)) == {q: SHOWN[q] for q in works_with}
    assert client.names("names", ["p01"]) == {"p01": SHOWN["p01"]}
    with pytest.raises(AccessError, match="only the names of your partners"):
        client.names("names", [strangers[0]])
    with pytest.raises(AccessError):  # one stranger in a list refuses the whole call
        client.names("names", [*sorted(works_with), strangers[0]])
    with pytest.raises(ParameterError, match="'ids' is missing"):  # no "everyone" call
        client._call("names", "names")
    assert client.names("names", []) == {}
    # nor through the facilitator's door, nor by writing a names answer of their own
    with pytest.raises(AccessError):
        ParticipantClient(url, "names", "facilitator", p01["token"]).names("names", ["p02"])
    room = FacilitatorSession("names", url, token=cohort.manifest["facilitator_token"])
    assert room.store.names("names") == SHOWN


def test_a_live_partner_outside_the_built_pairs_is_named_only_in_a_partners_game(cohort, url):
    from workshop_kit.names import publish

    cohort.simulate(seed=3)
    with cohort.store() as store:  # as if nobody had a built partner but the gift module's
        assert publish(store, "names", SHOWN, {})
    room = FacilitatorSession("names", url, token=cohort.manifest["facilitator_token"])
    control = room.game_control()
    checked = []
    for condition in ("strangers", "partners"):
        control.condition.value = condition
        game = control.start()
        for pid in SHOWN:
            p = person(cohort, pid)
            built = set(p["partners"]["gift"])
            partner = game.partner(1, pid)
            if partner in built:
                continue
            client = ParticipantClient(url, "names", pid, p["token"])
            if condition == "strangers":
                with pytest.raises(AccessError):
                    client.names("names", [partner])
            else:
                assert client.names("names", [partner]) == {partner: SHOWN[partner]}
            checked.append(condition)
    assert set(checked) == {"strangers", "partners"}


def test_the_cockpit_lists_who_is_missing_by_name(cohort, url):
    room = FacilitatorSession("names", url, token=cohort.manifest["facilitator_token"])
    view = room.cockpit(poll_seconds=0, module="purpose")
    view.show_ids = True
    view.refresh()
    status = view.status_box.value
    assert all(escaped(p) in status for p in SHOWN) and not ID.search(status), status
    assert "<b>x</b>" not in status


def test_room_results_stay_anonymous(cohort, url):
    cohort.simulate(seed=3)
    room = FacilitatorSession("names", url, token=cohort.manifest["facilitator_token"])
    exercise = room.content.purpose.exercise
    room.store.set_exercise_state("names", "purpose", exercise, revealed=True)
    client = ParticipantClient(url, "names", "p01", person(cohort, "p01")["token"])
    shown = client.room_results("names", "purpose", exercise)
    assert shown["state"] == "shown", shown
    rows = next(iter(shown["chart"]["datasets"].values()))
    assert 0 < sum(r["count"] for r in rows) <= 6 * len(room.content.purpose.statements)
    assert all("participant" not in r for r in rows)  # one row per statement and side
    text = json.dumps(shown, ensure_ascii=False)
    assert not any(name in text for name in SHOWN.values())
    assert not any(f'"{p["id"]}"' in text for p in cohort.manifest["participants"])


def test_the_take_home_page_names_the_gift_partner(cohort):
    from workshop_kit.report import collect, participant_page

    cohort.simulate(seed=3)
    data = collect(cohort.folder)
    for pid in ("p01", "p05"):
        (partner,) = person(cohort, pid)["partners"]["gift"]
        page = participant_page(data, person(cohort, pid))
        assert f"From {SHOWN[partner]}</b>" in html.unescape(page)  # Jinja2 escapes too
        assert not ID.search(page.split("<h2>", 1)[1])


def test_a_rebuild_publishes_the_names_again_only_when_the_roster_changed(cohort, tmp_path):
    from workshop_kit.names import NAMES_EXERCISE, NAMES_MODULE

    def versions():
        with cohort.store() as store:
            return len(store.history("names", "facilitator", NAMES_MODULE, NAMES_EXERCISE))

    assert versions() == 1
    build(tmp_path / "cohorts/names.yaml", DATA, cohort.folder)
    assert versions() == 1  # unchanged: not written again
    roster = tmp_path / "cohorts/roster.csv"
    roster.write_text(ROSTER.replace("Tomás Ruiz", "Priya Tomás"), encoding="utf-8")
    build(tmp_path / "cohorts/names.yaml", DATA, cohort.folder)
    assert versions() == 2
    with cohort.store() as store:
        names = store.names("names")
    assert names["p04"] == "Priya T." and names["p02"] == "Priya Shah"
