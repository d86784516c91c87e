"""Role-play module: scripts as data, trios and rotating roles, widgets, simulation, analysis."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from workshop_kit import analysis, charts
from workshop_kit.cohort import BuiltCohort, build
from workshop_kit.content import PRACTICE_AREAS, load_content, load_module_content
from workshop_kit.errors import ContentError
from workshop_kit.modules.roleplay.content import OUTCOMES, load_script, load_scripts
from workshop_kit.modules.roleplay.forms import (
    ObserverForm,
    ScriptPlayer,
    TalkTracker,
    nearest_choice,
)
from workshop_kit.names import publish
from workshop_kit.rotation import make_roleplay_groups
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.simulate import load_simulation, simulate
from workshop_kit.store import Store

HERE = Path(__file__).parent
BROKEN = HERE / "roleplays"
DATA = HERE.parent / "data"


# -- scripts ------------------------------------------------------------------------------------


def test_shipped_scripts_load_and_every_ending_is_reachable():
    scripts = load_scripts(DATA / "roleplays")
    assert sorted(scripts) == ["about_your_firm", "better_elsewhere", "lunch_first",
                               "qualifications"]
    for script in scripts.values():
        outcomes = {n.ending.outcome for n in script.endings()}
        assert outcomes <= set(OUTCOMES)
        assert len(script.endings()) >= 3
        kinds = {k for n in script.nodes for c in n.choices for k in c.shows}
        assert {"other_focus", "pitching"} <= kinds


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("duplicate_node", "duplicate_node.yaml:23: node 'ask' is defined twice (first on line "
                           "16); give each node its own id"),
        ("missing_target", "missing_target.yaml:15: node 'opening' choice 'pitch' leads to "
                           "'glazed_over', which is not a node; add that node or fix 'to'"),
        ("dead_end", "dead_end.yaml:20: node 'glazed' has no choices and no ending, so the "
                     "seller is stuck there; add choices or an ending"),
        ("unreachable", "unreachable.yaml:16: node 'orphan' cannot be reached from the start "
                        "'opening'; lead a choice to it or remove it"),
        ("loop", "loop.yaml:33: node 'more_slides' choice 'even_more' leads back to 'glazed' "
                 "(glazed → more_slides → glazed), so this path never ends; lead it forward "
                 "to a new node or an ending"),
        ("unknown_term", "unknown_term.yaml:17: node 'opening' uses {frim_kind} in "
                         "choices.0.say, which is not in 'terms'; add it to terms or fix the "
                         "spelling"),
    ],
)
def test_each_broken_script_names_file_line_and_node(fixture, message):
    path = BROKEN / f"{fixture}.yaml"
    with pytest.raises(ContentError) as err:
        load_script(path)
    assert str(err.value) == f"{BROKEN}/{message}"


def test_schema_errors_name_the_node_too():
    path = BROKEN / "bad_fields.yaml"
    with pytest.raises(ContentError) as err:
        load_script(path)
    assert str(err.value).splitlines() == [
        f"{path}:14: node 'opening': field 'nodes.0.choices.0.shows.0' must be one of "
        "'other_focus', 'listening', 'samples', 'pitching' or 'name_dropping'",
        f"{path}:19: node 'end': field 'nodes.1.ending.outcome' must be one of 'agreed', "
        "'next_meeting', 'referred' or 'no_thanks'",
    ]


def test_a_folder_reports_every_broken_file_at_once():
    with pytest.raises(ContentError) as err:
        load_scripts(BROKEN)
    files = {line.split(":")[0] for line in str(err.value).splitlines()}
    assert files == {str(p) for p in BROKEN.glob("*.yaml")}


def test_load_content_checks_the_scripts_and_the_rounds(repo_copy):
    shutil.copy(BROKEN / "loop.yaml", repo_copy / "data/roleplays/loop.yaml")
    with pytest.raises(ContentError, match=r"loop\.yaml:33: node 'more_slides'"):
        load_content(repo_copy / "data")
    (repo_copy / "data/roleplays/loop.yaml").unlink()
    module = repo_copy / "data/modules/roleplay.yaml"
    text = module.read_text().replace("  - scripts: [qualifications]", "  - scripts: [qualifs]")
    module.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "[qualifs]" in t)
    with pytest.raises(ContentError) as err:
        load_content(repo_copy / "data")
    assert str(err.value) == (
        f"{module}:{line}: field 'rounds.1.scripts.0' names the script 'qualifs', which is "
        "not in roleplays/; use one of: about_your_firm, better_elsewhere, lunch_first, "
        "qualifications")


def test_text_varies_by_practice_area():
    script = load_scripts(DATA / "roleplays")["about_your_firm"]
    line = script.node("opening").buyer
    assert "{firm_kind}" in line
    renders = {area: script.render(line, area) for area in PRACTICE_AREAS}
    assert renders["accounting"] == ("Thanks for coming in. Before we get going, tell us a "
                                     "little about your practice.")
    worry = script.node("real_worry").buyer
    assert len({script.render(worry, area) for area in PRACTICE_AREAS}) == 5
    assert script.render(worry, "plumbing") == script.render(worry, "")  # the default wording
    assert "{" not in script.render(script.setting, "legal")


# -- groups and roles ---------------------------------------------------------------------------


def roles_played(plan):
    played: dict[str, list[str]] = {}
    for group in plan.groups:
        for person in group.members:
            played[person] = group.roles_of(person)
    return played


@pytest.mark.parametrize("n", [3, 6, 12, 30])
def test_trios_rotate_so_everybody_plays_each_role_once(n):
    ids = [f"p{i:02d}" for i in range(n)]
    plan = make_roleplay_groups(ids)
    assert all(len(g.members) == 3 for g in plan.groups)
    assert sorted(p for g in plan.groups for p in g.members) == ids
    for roles in roles_played(plan).values():
        assert sorted(roles) == ["buyer", "observer", "seller"]
    assert plan.notes == []


def test_groups_mix_the_roster_order():
    plan = make_roleplay_groups([f"p{i:02d}" for i in range(1, 13)])
    assert plan.groups[0].members == ("p01", "p05", "p09")
    assert plan.groups[0].rounds[0] == {"p01": "seller", "p05": "buyer", "p09": "observer"}
    assert plan.groups[0].seller(2) == "p05"


@pytest.mark.parametrize(("n", "sizes"), [(4, [4]), (7, [4, 3]), (8, [4, 4]), (13, [4, 3, 3, 3]),
                                          (14, [4, 4, 3, 3]), (5, [3, 2]), (2, [2])])
def test_leftovers_make_groups_of_four_that_play_a_fourth_round(n, sizes):
    plan = make_roleplay_groups([f"p{i:02d}" for i in range(n)], "trio")
    assert [len(g.members) for g in plan.groups] == sizes
    for group in plan.groups:
        for person in group.members:
            roles = group.roles_of(person)
            assert roles.count("seller") == 1 and roles.count("buyer") == 1
            assert len(roles) == max(len(group.members), 2)
    if 4 in sizes:
        assert "a group of four plays a fourth round" in plan.notes[0]


def test_facilitator_observes_pairs_when_asked():
    plan = make_roleplay_groups([f"p{i:02d}" for i in range(7)], "facilitator")
    assert [len(g.members) for g in plan.groups] == [3, 2, 2]
    assert plan.notes == ["role-play: 7 participants make 1 trio(s) and 2 pair(s); a pair plays "
                          "two rounds (each sells once, buys once) and the facilitator observes"]
    assert plan.groups[1].roles_of(plan.groups[1].members[0]) == ["seller", "buyer"]


def test_round_scripts_alternate_between_groups():
    roleplay = load_module_content("roleplay", DATA / "modules/roleplay.yaml")
    assert roleplay.script_for(1, 1) == roleplay.script_for(1, 2) == "about_your_firm"
    assert roleplay.script_for(3, 1) == "lunch_first"
    assert roleplay.script_for(3, 2) == "better_elsewhere"
    assert roleplay.script_for(4, 1) == "better_elsewhere"
    assert roleplay.path_exercise(2) == "roleplay_path_r2"


# -- the seller's script player -----------------------------------------------------------------


@pytest.fixture
def firm_script(content):
    return content.scripts["about_your_firm"]


def player(store, content, script, area="legal"):
    return ScriptPlayer(store, "c", "p1", content.roleplay, script, 1, "g2", area)


def test_seller_plays_to_an_ending_and_the_path_is_saved(store, content, firm_script):
    form = player(store, content, firm_script)
    assert form.node == "opening"
    assert "tell us a little about your firm" in form.line.value
    assert [b.description for b in form.choice_box.children][1].startswith("Say two or three")
    form.choose("few_things")
    form.choose("listen_more")
    assert "they have a lawyer" in form.line.value  # the legal wording of the real worry
    assert store.count() == 0  # nothing is saved before the ending
    form.choose("work_on_it")
    form.choose("small_step")
    saved = store.latest_answer("c", "p1", "roleplay", "roleplay_path_r1")
    assert saved.payload == {
        "round": 1, "group": "g2", "script": "about_your_firm", "practice_area": "legal",
        "steps": [
            {"node": "opening", "choice": "few_things", "to": "their_story"},
            {"node": "their_story", "choice": "listen_more", "to": "real_worry"},
            {"node": "real_worry", "choice": "work_on_it", "to": "working_together"},
            {"node": "working_together", "choice": "small_step", "to": "end_agreed"},
        ],
        "ending": "end_agreed", "outcome": "agreed",
    }
    assert "The end: They want to go ahead with you." in form.line.value
    assert form.choice_box.children == ()

    reopened = player(store, content, firm_script)
    assert reopened.node == "end_agreed" and len(reopened.steps) == 4
    assert "is loaded (version 1)" in reopened.status


def test_own_words_are_kept_beside_the_nearest_choice(store, content, firm_script):
    form = player(store, content, firm_script)
    form.own_words.value = "Just briefly about us, but what made you look for help right now?"
    form.say_button.click()
    assert form.steps == [{"node": "opening", "choice": "few_things", "to": "their_story",
                           "own_words": "Just briefly about us, but what made you look for "
                                        "help right now?"}]
    assert form.own_words.value == ""
    assert "You: Just briefly about us" in form.trail.value


def test_nearest_choice_by_shared_words(firm_script):
    choices = firm_script.node("opening").choices
    assert nearest_choice("our awards and offices and team size", choices).id == "full_pitch"
    assert nearest_choice("the big clients we served in your sector", choices).id == "big_names"


def test_seller_cannot_save_before_an_ending_or_take_a_wrong_turn(store, content, firm_script):
    form = player(store, content, firm_script)
    form.choose("small_step")
    assert ("&#x27;small_step&#x27; is not a choice here; choices: full_pitch, few_things, "
            "big_names") in form.message.value
    assert form.submit() is False
    assert "Play the script to an ending first" in form.message.value
    form.choose("full_pitch")
    form.restart_button.click()
    assert (form.node, form.steps) == ("opening", [])
    assert store.count() == 0


# -- the observer's talk-time tracker -----------------------------------------------------------


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


LABELS = {"seller": "Seller", "buyer": "Buyer", "silence": "Silence", "stop": "Stop"}


def test_tracker_measures_each_speaker_from_the_clock():
    clock = FakeClock()
    tracker = TalkTracker(LABELS, clock=clock)
    assert tracker.seller_share() is None
    tracker.buttons["buyer"].click()        # t = 0: the buyer opens
    clock.now += 20
    tracker.buttons["seller"].click()       # t = 20
    clock.now += 45
    tracker.speak("silence")                # t = 65
    clock.now += 5
    tracker.speak("buyer")                  # t = 70
    clock.now += 10
    assert tracker.totals() == {"seller": 45.0, "buyer": 30.0, "silence": 5.0}  # running too
    assert tracker.seller_share() == 0.6
    tracker.buttons["stop"].click()         # t = 80
    clock.now += 300                        # a stopped clock counts nothing
    assert tracker.segments == [["buyer", 0.0, 20.0], ["seller", 20.0, 65.0],
                                ["silence", 65.0, 70.0], ["buyer", 70.0, 80.0]]
    assert tracker.totals() == {"seller": 45.0, "buyer": 30.0, "silence": 5.0}
    assert "seller&#x27;s share" not in tracker.display.value
    assert "seller's share of talk: 60%" in tracker.display.value


def test_pressing_the_same_speaker_again_changes_nothing():
    clock = FakeClock()
    tracker = TalkTracker(LABELS, clock=clock)
    tracker.speak("seller")
    clock.now += 10
    tracker.speak("seller")
    clock.now += 10
    tracker.stop()
    assert tracker.segments == [["seller", 0.0, 20.0]]
    with pytest.raises(ValueError, match="speaker must be one of seller, buyer, silence"):
        tracker.speak("facilitator")


def test_observer_sheet_is_saved_and_restored(store, content, firm_script):
    clock = FakeClock()
    form = ObserverForm(store, "c", "p3", content.roleplay, firm_script, 2, "g2", clock=clock)
    assert form.submit() is False
    assert "Nobody has been timed yet" in form.message.value
    form.tracker.speak("buyer")
    clock.now += 30
    form.tracker.speak("seller")
    clock.now += 90
    form.ticks["turned_back"].value = True
    form.note.value = "  Two minutes on the firm's history before the first question.  "
    assert form.submit()  # stops the clock itself
    saved = store.latest_answer("c", "p3", "roleplay", "roleplay_observation_r2").payload
    assert saved["seconds"] == {"seller": 90.0, "buyer": 30.0, "silence": 0.0}
    assert saved["seller_share"] == 0.75
    assert saved["checklist"] == {"turned_back": True, "asked_situation": False,
                                  "offered_sample": False, "listened": False}
    assert saved["note"] == "Two minutes on the firm's history before the first question."
    assert (saved["round"], saved["group"], saved["script"]) == (2, "g2", "about_your_firm")

    later = FakeClock(5000)
    reopened = ObserverForm(store, "c", "p3", content.roleplay, firm_script, 2, "g2",
                            clock=later)
    assert reopened.tracker.seller_share() == 0.75
    assert reopened.ticks["turned_back"].value is True
    reopened.tracker.speak("buyer")  # carries on after the saved segments
    later.now += 10
    reopened.tracker.stop()
    assert reopened.tracker.segments[-1] == ["buyer", 120.0, 130.0]


# -- sessions: each participant's part in each round --------------------------------------------


def test_participant_gets_the_part_for_their_role(serve_store, tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", {"p1": "tok-p1"})
        publish(store, "c", {"p1": "Ana", "p2": "Bea", "p3": "Chloé", "p4": "Dan"},
                {"p1": ["p2", "p3"]})
    me = ParticipantSession("p1", "c", serve_store(url, "c"), token="tok-p1", practice_area="legal",
                            partners=["p2", "p3"], group="g2",
                            roles=["observer", "seller", "buyer"],
                            round_areas=["accounting", "legal", "it_services"])
    assert isinstance(me.module("roleplay").round(1).children[1], ObserverForm)
    seller = me.module("roleplay").round(2).children[1]
    assert isinstance(seller, ScriptPlayer) and seller.practice_area == "legal"
    buyer = me.module("roleplay").round(3).children[1]
    assert "You are the buyer" in buyer.value
    # g2 takes the round's second script
    assert me.module("roleplay").script(3).id == "better_elsewhere"
    assert "a team that has done nothing but mainframe moves" in buyer.value  # seller's area
    assert "no role-play in this round" in me.module("roleplay").round(4).value
    table = me.module("roleplay").roles().data
    assert "group g2, with Bea and Chloé" in table and "<td><b>observer</b></td>" in table
    with pytest.raises(Exception, match="roles contains 'judge'"):
        ParticipantSession("p1", "c", serve_store(url, "c"), token="tok-p1",
                           roles=["judge"]).module("roleplay")


# -- simulation, analysis and the facilitator's views -------------------------------------------


@pytest.fixture
def simulated(tmp_path, content):
    from workshop_kit.content import load_cohort
    from workshop_kit.store import Store

    cohort = load_cohort(DATA / "cohorts/demo.yaml")
    people = list(cohort.participants)
    url = f"sqlite:///{tmp_path / 'sim.sqlite'}"
    with Store(url) as store:
        store.register_tokens("demo", {"facilitator": "f-token"})
        written = simulate(store, "demo", cohort.date, people, content, load_simulation(DATA),
                           seed=5, modules=["roleplay"])
    return url, written


def test_simulation_fills_every_seller_observer_and_buyer_alike(simulated, content, tmp_path):
    from workshop_kit.content import load_cohort
    from workshop_kit.store import Store

    url, written = simulated
    assert written == 36  # 12 paths, 12 observer sheets, 12 buyer reflections: 4 trios x 3
    cohort = load_cohort(DATA / "cohorts/demo.yaml")
    again = f"sqlite:///{tmp_path / 'again.sqlite'}"
    with Store(url) as a, Store(again) as b:
        simulate(b, "demo", cohort.date, list(cohort.participants), content,
                 load_simulation(DATA), seed=5, modules=["roleplay"])
        ours, theirs = a.module_answers("demo", "roleplay"), b.module_answers("demo", "roleplay")
        assert ours["payload"].tolist() == theirs["payload"].tolist()
        assert simulate(a, "demo", cohort.date, list(cohort.participants), content,
                        load_simulation(DATA), seed=5, modules=["roleplay"]) == 0


def test_simulated_talk_share_follows_the_outcome(tmp_path, content):
    """Over a big cohort, sellers who ended with "no thanks" talked more than those agreed."""
    from workshop_kit.content import Participant
    from workshop_kit.store import Store

    people = [Participant(id=f"p{i:03d}", name="x", email=f"p{i}@x.org",
                          practice_area=list(PRACTICE_AREAS)[i % 5]) for i in range(60)]
    with Store(f"sqlite:///{tmp_path / 'big.sqlite'}") as store:
        simulate(store, "big", "2026-12-03", people, content, load_simulation(DATA), seed=2,
                 modules=["roleplay"])
        answers = store.module_answers("big", "roleplay")
    paths = analysis.roleplay_paths(answers, content.roleplay, content.scripts)
    rounds = analysis.roleplay_rounds(paths, analysis.roleplay_observations(answers,
                                                                            content.roleplay))
    assert len(rounds) == 60 and rounds["seller_share"].notna().all()
    mean = rounds.groupby("outcome")["seller_share"].mean()
    assert mean["no_thanks"] > mean["next_meeting"] > mean["agreed"]
    assert set(rounds["outcome"]) == set(OUTCOMES)


def test_facilitator_tables_and_charts(serve_store, simulated, content):
    url, _ = simulated
    room = FacilitatorSession("demo", serve_store(url, "demo"), token="f-token")
    answers = room.store.module_answers("demo", "roleplay")
    paths = analysis.roleplay_paths(answers, content.roleplay, content.scripts)
    observations = analysis.roleplay_observations(answers, content.roleplay)
    assert len(paths) == 12 and len(observations) == 12
    rounds = analysis.roleplay_rounds(paths, observations)
    assert (rounds["observers"] == 1).all()
    row = rounds.iloc[0]
    assert row["seller"] == room.store.module_answers("demo", "roleplay")["participant"][
        (answers["exercise"] == "roleplay_path_r1")
        & answers["payload"].map(lambda p: p["group"] == row["group"])].item()

    common = room.module("roleplay").paths()
    assert common["sellers"].sum() == 12
    table = room.module("roleplay").talk_share_table()
    assert table["rounds"].sum() == 12
    assert list(table.index) == [content.roleplay.outcomes[o] for o in OUTCOMES
                                 if o in set(paths["outcome"])]
    points = room.module("roleplay").debrief_points(top=3)
    assert len(points) == 3 and points["sellers"].is_monotonic_decreasing
    assert all(points["debrief"].str.len() > 40)

    spec = room.module("roleplay").talk_share_chart().to_dict()
    dots, means, even = spec["layer"]
    assert dots["encoding"]["x"]["field"] == "seller_share"
    assert dots["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert dots["encoding"]["color"]["scale"]["range"] == [
        charts.OUTCOME_COLOURS[o] for o in OUTCOMES]
    assert means["encoding"]["x"]["aggregate"] == "mean"
    assert even["mark"]["type"] == "rule"
    spec = room.module("roleplay").outcomes_chart().to_dict()
    assert spec["encoding"]["y"]["field"] == "title"
    assert spec["encoding"]["color"]["field"] == "outcome_label"
    spec = room.module("roleplay").checklist_chart().to_dict()
    assert spec["encoding"]["x"]["field"] == "share"
    assert len(spec["encoding"]["y"]["sort"]) == len(content.roleplay.checklist)


def test_empty_room_gives_message_charts(store, content):
    empty = store.module_answers("c", "roleplay")
    paths = analysis.roleplay_paths(empty, content.roleplay, content.scripts)
    observations = analysis.roleplay_observations(empty, content.roleplay)
    rounds = analysis.roleplay_rounds(paths, observations)
    outcomes = dict(content.roleplay.outcomes)
    assert charts.talk_share(rounds, outcomes).to_dict()["mark"]["type"] == "text"
    assert charts.roleplay_outcomes(paths, outcomes).to_dict()["mark"]["type"] == "text"
    results = analysis.checklist_results(observations, content.roleplay)
    assert charts.checklist(results).to_dict()["mark"]["type"] == "text"
    assert analysis.common_endings(paths).empty and analysis.common_paths(paths).empty


# -- build: groups, roles and round areas as notebook parameters --------------------------------


def injected(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))


def test_build_passes_group_roles_and_round_areas(tmp_path):
    out = tmp_path / "demo"
    build(DATA / "cohorts/demo.yaml", DATA, out)
    source = injected(out / "participants/p05/03_roleplay.ipynb")
    assert 'group = "g1"' in source
    assert 'partners = ["p01", "p09"]' in source
    assert 'roles = ["buyer", "seller", "observer"]' in source
    assert 'round_areas = ["consulting", "financial_planning", "it_services"]' in source
    assert "group =" not in injected(out / "participants/p05/02_purpose.ipynb")
    built = BuiltCohort.open(out)
    p05 = next(p for p in built.manifest["participants"] if p["id"] == "p05")
    assert p05["modules"]["roleplay"] == {
        "group": "g1", "roles": ["buyer", "seller", "observer"],
        "round_areas": ["consulting", "financial_planning", "it_services"]}
    assert p05["partners"]["roleplay"] == ["p01", "p09"]
    groups = built.records("roleplay")["groups"]["groups"]
    assert groups[0]["rounds"][0] == {
        "round": 1, "script": "about_your_firm", "seller": "p01", "buyer": "p05",
        "observers": ["p09"]}
    assert groups[1]["rounds"][2]["script"] == "better_elsewhere"
    assert (out / "content/roleplays/lunch_first.yaml").is_file()
    assert "Amara sells to Elena, Ines observe" in (out / "agenda.html").read_text()


def test_thirteen_make_a_group_of_four_with_a_fourth_round(repo_copy, tmp_path):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text(roster.read_text() + "p13,Mo Adeyemi,mo@example.com,accounting,east\n")
    out = tmp_path / "out"
    result = build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    assert ("role-play: 13 participants make 3 trio(s) and 1 group(s) of four; a group of four "
            "plays a fourth round so each member sells once, buys once and observes twice"
            ) in result.notes
    source = injected(out / "participants/p13/03_roleplay.ipynb")
    assert 'group = "g1"' in source
    assert 'roles = ["observer", "observer", "buyer", "seller"]' in source
    built = BuiltCohort.open(out)
    built.simulate(seed=1)
    with built.store() as store:
        roleplay = store.module_answers("demo", "roleplay")
        fourth = store.module_answers("demo", "roleplay", "roleplay_path_r4")
    # each of 13 sells once, buys once (a reflection) and observes once; in the group of
    # four, 4 more observer sheets; and the groups build published (the facilitator's row)
    assert len(roleplay) == 13 + 13 + 13 + 4 + 1
    assert fourth["participant"].tolist() == ["p13"]
    assert fourth["payload"][0]["script"] == "better_elsewhere"


def test_facilitator_notebook_runs_on_a_simulated_cohort(demo_built):
    from workshop_kit import day

    runs = day.run(demo_built.folder, "roleplay", simulate=True, seed=2)
    executed = nbformat.read(runs[0].notebook, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.output_type == "error" for o in outputs)
    page = runs[0].html.read_text()
    assert page.count('src="data:image/svg+xml;base64') == 3  # outcomes, talk share, checklist
    assert "Debrief the most common endings" in page
    assert "room = wk.FacilitatorSession" not in page


def test_groups_refuse_bad_input():
    from workshop_kit.errors import ParameterError

    with pytest.raises(ParameterError, match="odd_one_out must be 'trio' or 'facilitator'"):
        make_roleplay_groups(["a", "b", "c"], "coin")
    with pytest.raises(ParameterError, match="at least 2 participants"):
        make_roleplay_groups(["a"])
