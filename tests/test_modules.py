"""The module registry: one folder per type, and agenda lines that name a type."""

import shutil
from pathlib import Path

import pytest

from workshop_kit import modules
from workshop_kit.content import load_agenda
from workshop_kit.errors import ContentError

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
