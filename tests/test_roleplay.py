"""Role-play module: scripts as data, trios and rotating roles, widgets, simulation, analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop_kit.content import (
    OUTCOMES,
    PRACTICE_AREAS,
    load_module_content,
    load_script,
    load_scripts,
)
from workshop_kit.errors import ContentError
from workshop_kit.rotation import make_roleplay_groups

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
