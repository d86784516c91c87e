import importlib
import re
import shutil
import sys
from pathlib import Path

import pytest

from workshop_kit import modules
from workshop_kit.cohort import validate
from workshop_kit.content import (
    PRACTICE_AREAS,
    load_agenda,
    load_cohort,
    load_content,
    load_module_content,
    read_roster,
    read_yaml,
    validate_model,
)
from workshop_kit.errors import ContentError
from workshop_kit.modules.drill.content import drill_vote_cases
from workshop_kit.modules.wrapup.content import form_asked_again

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = Path(__file__).resolve().parents[1] / "src/workshop_kit"

HEADER = "id,name,email,practice_area,team\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_content_loads(content):
    assert [m.id for m in content.agenda.modules] == ["checkin", "purpose", "roleplay",
                                                      "dilemma", "drill", "gift", "wrapup"]
    assert [t.id for t in content.checkin.traits] == [
        "credibility", "reliability", "intimacy", "other_orientation"]
    assert all(len(t.items) >= 3 for t in content.checkin.traits)
    kinds = {s.thinking for s in content.purpose.statements}
    assert kinds == {"closing", "exploring"}


def test_demo_cohort_loads():
    cohort = load_cohort(Path(__file__).parents[1] / "data/cohorts/demo.yaml")
    assert cohort.id == "demo"
    assert len(cohort.participants) == 12
    assert {p.practice_area for p in cohort.participants} == set(PRACTICE_AREAS)


def test_agenda_missing_field_names_file_line_field(repo_copy):
    agenda = repo_copy / "data/agenda.yaml"
    text = agenda.read_text().replace("    minutes: 35\n", "")
    agenda.write_text(text)
    with pytest.raises(ContentError) as err:
        load_agenda(agenda)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "- id: purpose" in t)
    assert str(err.value) == f"{agenda}:{line}: field 'modules.1.minutes' is missing; add it"


def test_agenda_bad_value_points_at_its_line(repo_copy):
    agenda = repo_copy / "data/agenda.yaml"
    text = agenda.read_text().replace("minutes: 40", "minutes: 2")
    agenda.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "minutes: 2" in t)
    with pytest.raises(ContentError, match=rf"agenda.yaml:{line}: field 'modules.0.minutes' "
                                           r"input should be greater than or equal to 5"):
        load_agenda(agenda)


def test_agenda_unknown_field_and_missing_notebook(repo_copy):
    agenda = repo_copy / "data/agenda.yaml"
    agenda.write_text(agenda.read_text().replace("    minutes: 40\n",
                                                 "    minutes: 40\n    minuts: 3\n"))
    with pytest.raises(ContentError, match=r"field 'modules\.0\.minuts' is not a known field"):
        load_agenda(agenda)
    (repo_copy / "workshops/02_purpose.ipynb").unlink()
    agenda.write_text(agenda.read_text().replace("    minuts: 3\n", ""))
    with pytest.raises(ContentError, match=r"field 'modules.1.notebook' points at .*"
                                           r"02_purpose.ipynb, which does not exist"):
        load_agenda(agenda)


def test_duplicate_yaml_key_and_syntax_error(tmp_path):
    path = write(tmp_path / "agenda.yaml", "title: a\ntitle: b\n")
    with pytest.raises(ContentError, match=r"agenda.yaml:2: field 'title' appears twice"):
        load_agenda(path)
    write(path, "title: [unclosed\n")
    with pytest.raises(ContentError, match=r"agenda.yaml:2: YAML syntax error"):
        load_agenda(path)


def test_duplicate_module_ids(repo_copy):
    agenda = repo_copy / "data/agenda.yaml"
    agenda.write_text(agenda.read_text().replace("id: purpose", "id: checkin"))
    with pytest.raises(ContentError, match="repeats the module 'checkin'"):
        load_agenda(agenda)


def test_module_content_errors_name_the_field(repo_copy):
    path = repo_copy / "data/modules/purpose.yaml"
    path.write_text(path.read_text().replace("thinking: exploring", "thinking: maybe", 1))
    with pytest.raises(ContentError, match=r"purpose.yaml:\d+: field 'statements.1.thinking' "
                                           r"must be one of 'closing' or 'exploring'"):
        load_module_content("purpose", path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("p1,Ann,a@x.org,legal,\np1,Bob,b@x.org,legal,\n",
         "roster.csv:3: field 'id' 'p1' already used on line 2; give each participant their "
         "own id"),
        ("p1,Ann,a@x.org,legal,\np2,Bob,A@X.org,legal,\n",
         "roster.csv:3: field 'email' 'A@X.org' already used on line 2; each participant "
         "needs their own email"),
        ("p1,Ann,a@x.org,legal,\np2, ,b@x.org,legal,\n",
         "roster.csv:3: field 'name' is blank; fill in the name"),
        ("p1,Ann,a@x.org,legal,\np2,Bob,b@x.org,dentistry,\n",
         "roster.csv:3: field 'practice_area' 'dentistry' is not known; use one of: "
         "consulting, accounting, legal, it_services, financial_planning"),
        ("p1,Ann,a@x.org,legal,\nP 2,Bob,b@x.org,legal,\n",
         "roster.csv:3: field 'id' is 'P 2'; use lower-case letters, digits, - or _"),
        ("p1,Ann,not-an-email,legal,\np2,Bob,b@x.org,legal,\n",
         "roster.csv:2: field 'email' 'not-an-email' is not an email address; fix it"),
    ],
)
def test_bad_roster_rows(tmp_path, rows, message):
    path = write(tmp_path / "roster.csv", HEADER + rows)
    with pytest.raises(ContentError) as err:
        read_roster(path)
    assert str(err.value) == f"{tmp_path}/{message}"


def test_roster_lists_every_problem_and_accepts_labels(tmp_path):
    path = write(tmp_path / "roster.csv",
                 HEADER + "p1,,a@x.org,legal,\np2,Bob,b@x.org,Financial Planning,\n"
                 "p3,Cy,c@x.org,IT services,t\np3,Di,d@x.org,law,\n")
    with pytest.raises(ContentError) as err:
        read_roster(path)
    lines = str(err.value).splitlines()
    assert [line.split(": field ")[0].rsplit(":", 1)[1] for line in lines] == ["2", "5", "5"]
    ok = write(tmp_path / "ok.csv", HEADER + "p2,Bob,b@x.org,Financial Planning,\n"
               "p3,Cy,c@x.org,IT services,t\n")
    assert [p.practice_area for p in read_roster(ok)] == ["financial_planning", "it_services"]


def test_roster_header_problems(tmp_path):
    path = write(tmp_path / "roster.csv", "id,name,mail,practice_area\n")
    with pytest.raises(ContentError, match=r"roster.csv:1: roster header lacks column\(s\) email"):
        read_roster(path)


def test_cohort_file_errors(tmp_path):
    write(tmp_path / "r.csv", HEADER + "p1,Ann,a@x.org,legal,\np2,Bob,b@x.org,legal,\n")
    path = write(tmp_path / "c.yaml", "id: Demo Cohort\nname: x\ndate: '2026-01-01'\n"
                 "roster: r.csv\nodd_one_out: coin\n")
    with pytest.raises(ContentError) as err:
        load_cohort(path)
    assert str(err.value).splitlines() == [
        f"{path}:1: field 'id' must be lower-case letters, digits, '-' or '_' (like "
        "'trust_profile')",
        f"{path}:5: field 'odd_one_out' must be one of 'trio' or 'facilitator'",
    ]


def test_load_content_from_copy(repo_copy):
    assert load_content(repo_copy / "data").agenda.modules[0].id == "checkin"


def line_of(path: Path, needle: str) -> int:
    """The line of the last occurrence of `needle`."""
    return max(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


# ---------------------------------------------------------------------------------------------
# Loading through the registry: each type's content part


def test_each_module_is_loaded_by_its_types_content_part(content):
    for module in content.agenda.modules:
        part = modules.get(module.type).part("content")
        assert type(content.modules[module.id]) is part.Content
    assert set(content.extras) == {"roleplay", "drill"}
    assert content.extras["roleplay"].scripts == content.scripts
    assert content.extras["drill"].cases == content.cases
    assert content.case_for("legal").practice_area == "legal"
    assert content.case_for("nobody's area").id == content.drill.default_case


def test_core_content_names_no_module_type():
    source = (SRC / "content.py").read_text()
    for name in modules.registry():
        assert not re.search(rf"\b{name}\b", source), name


def test_content_parts_import_no_other_type_and_the_core_absolutely():
    for name in modules.registry():
        part = SRC / "modules" / name / "content.py"
        imports = [t for t in part.read_text().splitlines() if t.startswith(("from ", "import "))]
        assert not [t for t in imports if "modules" in t or t.startswith("from ..")], part


def test_a_content_part_copied_as_an_outside_package_still_loads(tmp_path, monkeypatch):
    for name in modules.registry():
        shutil.copytree(SRC / "modules" / name, tmp_path / f"outside_{name}")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("checkin", "purpose", "dilemma", "roleplay", "drill", "gift", "wrapup"):
        part = importlib.import_module(f"outside_{name}.content")
        located = read_yaml(DATA / "modules" / f"{name}.yaml")
        loaded = validate_model(part.Content, located)
        if hasattr(part, "check"):
            part.check(loaded, located, str(located.path))
        if hasattr(part, "load_extra"):
            assert part.load_extra(DATA, loaded, located.path)
        sys.modules.pop(f"outside_{name}.content")
        sys.modules.pop(f"outside_{name}")


@pytest.mark.parametrize(
    ("rel", "old", "new", "needle", "message"),
    [
        # the model's problem
        ("modules/drill.yaml", "  max_chars: ", "  max_chars: 0 #", "max_chars: 0",
         "field 'definition.max_chars' input should be greater than or equal to 1"),
        # the part's own check
        ("modules/gift.yaml", "  - id: risk\n", "  - id: client\n", "- id: client",
         "field 'plan.3.id' repeats the plan field 'client'; give each plan field its own id"),
        ("modules/checkin.yaml", "min: 1", "min: 9", "max:",
         "field 'scale.max' must be above scale.min"),
        ("modules/dilemma.yaml", "  D:\n    label: Hold it back\n    detail:", "# no D:",
         "moves:", "field 'moves' needs both C and D"),
    ],
)
def test_a_content_parts_error_is_one_line_naming_file_line_field(repo_copy, rel, old, new,
                                                                  needle, message):
    path = repo_copy / "data" / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as err:
        load_content(repo_copy / "data")
    assert str(err.value) == f"{path}:{line_of(path, needle)}: {message}"


def test_a_type_without_a_content_part_is_refused(repo_copy, tmp_path, monkeypatch):
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "__init__.py").write_text('"""A type with no parts."""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(modules.registry(), "bare", modules.ModuleType("bare", "bare"))
    path = repo_copy / "data/modules/gift.yaml"
    with pytest.raises(ContentError, match=r"gift.yaml: module type 'bare' has no content part"):
        load_module_content("bare", path)


def test_absent_types_leave_the_compatibility_accessors_empty():
    half = load_content(DATA, agenda="agendas/half_day.yaml")
    assert [m.type for m in half.agenda.modules] == ["checkin", "purpose", "dilemma", "wrapup"]
    assert half.scripts == {} and half.cases == {} and half.extras == {}
    assert not hasattr(half, "drill") and half.dilemma.game_lengths == [1, 10]
    assert drill_vote_cases(half, {"p1": "legal"}) == ({}, [])
    with pytest.raises(ContentError, match="no module on the agenda has cases"):
        half.case_for("legal")


# ---------------------------------------------------------------------------------------------
# Agendas in data/agendas/


def test_the_shipped_agendas_validate():
    lines = validate(DATA, [])
    full = load_content(DATA, agenda=DATA / "agendas/full_day.yaml")
    half = load_content(DATA, agenda=DATA / "agendas/half_day.yaml")
    assert full.agenda_file == "agendas/full_day.yaml"
    # every module of the default day, and the library's (fear of selling, story, …)
    assert {m.type for m in full.agenda.modules} >= set(load_content(DATA).modules) | {"fear",
                                                                                   "story"}
    # both library modules on the full day make it longer than seven hours (the lead decides)
    assert 6 * 60 <= sum(m.minutes for m in full.agenda.modules) <= 7.5 * 60
    assert 3 * 60 <= sum(m.minutes for m in half.agenda.modules) <= 3.5 * 60
    minutes = sum(m.minutes for m in full.agenda.modules)
    assert (f"{DATA}/agendas/full_day.yaml: {len(full.agenda.modules)} modules, {minutes} "
            "minutes") in lines
    assert f"{DATA}/agendas/half_day.yaml: 4 modules, 190 minutes" in lines
    assert f"{DATA}/modules/dilemma_short.yaml: ok" in lines


def test_an_agenda_in_agendas_resolves_content_against_the_data_folder(repo_copy):
    agenda = load_agenda(repo_copy / "data/agendas/half_day.yaml")  # notebooks checked too
    assert agenda.module("dilemma").content == "modules/dilemma_short.yaml"
    (repo_copy / "data/modules/dilemma_short.yaml").unlink()
    with pytest.raises(ContentError, match=r"half_day.yaml:\d+: field 'modules.2.content' "
                                           r"points at .*/data/modules/dilemma_short.yaml"):
        load_agenda(repo_copy / "data/agendas/half_day.yaml")


def test_a_bad_agenda_in_agendas_is_reported_by_validate(repo_copy):
    data = repo_copy / "data"
    bad = data / "agendas/evening.yaml"
    bad.write_text((data / "agendas/half_day.yaml").read_text().replace("minutes: 75",
                                                                        "minutes: 750"))
    with pytest.raises(ContentError) as err:
        validate(data, [data / "cohorts/demo.yaml"])
    assert str(err.value) == (f"{bad}:{line_of(bad, 'minutes: 750')}: field 'modules.2.minutes' "
                              "input should be less than or equal to 240")
    bad.write_text((data / "agendas/half_day.yaml").read_text().replace(
        "content: modules/purpose.yaml", "content: purpose.yaml"))
    with pytest.raises(ContentError) as err:
        validate(data, [])
    assert str(err.value) == (
        f"{bad}:{line_of(bad, 'content: purpose.yaml')}: field 'modules.1.content' points at "
        f"{data}/purpose.yaml, which does not exist; fix the path")


def test_a_module_file_all_agendas_share_is_reported_once(repo_copy):
    data = repo_copy / "data"
    path = data / "modules/checkin.yaml"
    path.write_text(path.read_text().replace("min: 1", "min: 9"))
    with pytest.raises(ContentError) as err:
        validate(data, [])
    assert str(err.value) == (f"{path}:{line_of(path, 'max:')}: field 'scale.max' must be "
                              "above scale.min")


def test_the_wrapup_asks_the_rating_form_of_the_module_before_it(content):
    again = content.wrapup.trust_content(form_asked_again(content, "wrapup"))
    assert form_asked_again(content, "wrapup") is content.checkin
    assert again.traits == content.checkin.traits
    assert again.exercise == content.wrapup.trust_after.exercise != content.checkin.exercise
    assert form_asked_again(content, "purpose") is content.checkin
    assert form_asked_again(content, "checkin") is None
