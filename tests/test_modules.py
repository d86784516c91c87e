"""The module registry: one folder per type, and agenda lines that name a type."""

import shutil
from pathlib import Path

import pytest

from workshop_kit import modules
from workshop_kit.cohort import validate
from workshop_kit.content import load_agenda, load_content
from workshop_kit.errors import ContentError
from workshop_kit.modules.drill.content import drill_vote_cases

DATA = Path(__file__).resolve().parents[1] / "data"


def test_registry_lists_the_folders():
    found = modules.registry()
    for name in ("checkin", "purpose", "roleplay", "dilemma", "drill", "gift", "wrapup"):
        assert found[name].package == f"workshop_kit.modules.{name}"
        assert found[name].describe()


def test_unknown_type_is_refused_with_the_known_ones():
    with pytest.raises(ContentError, match="no module type 'nope'; known types: checkin"):
        modules.get("nope")


def test_a_part_a_type_lacks_is_none():
    with pytest.raises(ValueError, match="unknown part 'forms'"):
        modules.get("checkin").part("forms")


def test_agenda_type_defaults_to_the_id_and_can_repeat(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    agenda = tmp_path / "data" / "agenda.yaml"
    text = agenda.read_text()
    assert [m.type for m in load_agenda(agenda, check_notebooks=False).modules][:2] == [
        "checkin", "purpose"]
    agenda.write_text(text.replace("  - id: purpose\n", "  - id: purpose2\n    type: purpose\n"))
    loaded = load_agenda(agenda, check_notebooks=False)
    assert loaded.type_of("purpose2") == "purpose"
    agenda.write_text(text.replace("  - id: purpose\n", "  - id: purpose\n    type: feer\n"))
    with pytest.raises(ContentError, match=r"agenda.yaml:\d+: field 'modules.1.type' names "
                                           r"the module type 'feer', which does not exist"):
        load_agenda(agenda, check_notebooks=False)


AGENDA_LINE = """  - id: {id}
    type: {type}
    title: {title}
    minutes: 20
    notebook: workshops/{notebook}.ipynb
    facilitator_notebook: facilitator/{notebook}.ipynb
    content: modules/{content}.yaml
    opening: Once more, with other content.
    closing: That was the second one.
"""


def test_a_type_twice_loads_each_ids_own_content(repo_copy):
    data = repo_copy / "data"
    checkin = (data / "modules/checkin.yaml").read_text()
    assert "exercise: trust_profile\n" in checkin
    (data / "modules/checkin_noon.yaml").write_text(
        checkin.replace("exercise: trust_profile\n", "exercise: trust_noon\n")
        .replace("intro: >-\n", "intro: >-\n  At noon, the same statements again.\n", 1))
    drill = (data / "modules/drill.yaml").read_text()
    assert "default_case: retail_pricing\n" in drill
    (data / "modules/drill2.yaml").write_text(
        drill.replace("default_case: retail_pricing\n", "default_case: audit_fee\n"))
    agenda = data / "agenda.yaml"
    agenda.write_text(agenda.read_text() + AGENDA_LINE.format(
        id="trust2", type="checkin", title="Trust profile at noon", notebook="01_checkin",
        content="checkin_noon") + AGENDA_LINE.format(
        id="drill2", type="drill", title="A second drill", notebook="05_drill",
        content="drill2"))
    content = load_content(data)
    assert content.agenda.type_of("trust2") == "checkin"
    first, second = content.modules["checkin"], content.modules["trust2"]
    assert type(first) is type(second) is modules.get("checkin").part("content").Content
    assert (first.exercise, second.exercise) == ("trust_profile", "trust_noon")
    assert second.intro.startswith("At noon") and not first.intro.startswith("At noon")
    assert content.checkin is first  # the compatibility accessor: the first of its type
    assert content.ids_of_type("drill") == ["drill", "drill2"]
    assert content.extras["drill"].default_case == "retail_pricing"
    assert content.extras["drill2"].default_case == "audit_fee"
    assert content.case_for("nobody's area").id == "retail_pricing"
    assert content.case_for("nobody's area", "drill2").id == "audit_fee"
    votes, notes = drill_vote_cases(content, {"p1": "legal", "p2": "legal", "p3": "medicine"},
                                    "drill2")
    assert votes == {"p1": "side_letters", "p2": "side_letters", "p3": "side_letters"}
    assert notes == ["drill2: practice area 'medicine' has 1 person, alone on case "
                     f"'{content.cases['audit_fee'].title}'; they vote on the definitions of "
                     f"case '{content.cases['side_letters'].title}' instead"]
    assert validate(data, [])[0] == f"{agenda}: 9 modules, 370 minutes"
