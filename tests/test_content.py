from pathlib import Path

import pytest

from workshop_kit.content import (
    PRACTICE_AREAS,
    load_agenda,
    load_cohort,
    load_content,
    load_module_content,
    read_roster,
)
from workshop_kit.errors import ContentError

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
