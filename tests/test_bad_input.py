"""Bad input that could hurt: alias bombs, NUL bytes, huge files, impossible dates, ids too long
for a file name, reserved ids, a roster that is a folder. Each is refused with one line naming
file, line and field, and a build into a fresh folder writes nothing."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from workshop_kit import content as content_module
from workshop_kit.cohort import build, validate
from workshop_kit.content import (
    MAX_FILE_BYTES,
    RESERVED_IDS,
    load_cohort,
    read_roster,
    read_yaml,
)
from workshop_kit.errors import ContentError

SRC = Path(__file__).resolve().parents[1] / "src"
HEADER = "id,name,email,practice_area,team\n"
ALIASES = ("YAML anchors and aliases (&name, *name) are not allowed in content and cohort "
           "files; write the value out in full")


def refused(repo: Path, out: Path, cohorts: list[Path] | None = None) -> str:
    """The problem `validate` reports; `build` into `out` must refuse too and write nothing."""
    data = repo / "data"
    cohort_file = repo / "data/cohorts/demo.yaml"
    with pytest.raises(ContentError) as err:
        validate(data, cohorts if cohorts is not None else [cohort_file])
    with pytest.raises(ContentError):
        build(cohort_file, data, out)
    assert not out.exists()
    return str(err.value)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


def billion_laughs() -> str:
    """The classic: 9 levels of 9 aliases each, 9**9 strings once expanded."""
    lines = [f"a: &a [{', '.join(['lol'] * 9)}]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# YAML aliases, NUL bytes, size


def test_billion_laughs_is_refused_at_its_first_anchor(repo_copy, tmp_path):
    """Run in a child process with 1.5 GB of memory: should the refusal ever break, the test
    fails instead of the machine."""
    module = repo_copy / "data/modules/checkin.yaml"
    module.write_text(billion_laughs())
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "from workshop_kit.cohort import build, validate\n"
        "from workshop_kit.errors import ContentError\n"
        "data, cohort_file, out = sys.argv[1:]\n"
        "for call in (lambda: validate(data, [cohort_file]),\n"
        "             lambda: build(cohort_file, data, out)):\n"
        "    try:\n"
        "        call()\n"
        "    except ContentError as exc:\n"
        "        print(exc)\n"
    )

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH",
                                                                                     "")])}
    done = subprocess.run(
        [sys.executable, "-c", code, str(repo_copy / "data"),
         str(repo_copy / "data/cohorts/demo.yaml"), str(out)],
        capture_output=True, text=True, timeout=120, env=env, preexec_fn=limit_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [f"{module}:1: {ALIASES}"] * 2
    assert not out.exists()


@pytest.mark.parametrize("rel", ["agenda.yaml", "modules/purpose.yaml",
                                 "roleplays/lunch_first.yaml", "cases/audit_fee.yaml",
                                 "simulation.yaml", "cohorts/demo.yaml"])
def test_an_alias_in_any_yaml_the_kit_loads_is_refused(repo_copy, tmp_path, rel):
    path = repo_copy / "data" / rel
    text = path.read_text()
    path.write_text(text + "extra: &x 1\n")
    assert refused(repo_copy, tmp_path / "out") == f"{path}:{len(text.splitlines()) + 1}: {ALIASES}"


def test_an_alias_without_an_anchor_is_refused_too(tmp_path):
    path = tmp_path / "cohort.yaml"
    path.write_text("id: demo\nname: *undefined\n")
    with pytest.raises(ContentError) as err:
        read_yaml(path)
    assert str(err.value) == f"{path}:2: {ALIASES}"


def test_nul_byte_in_content_is_refused_before_parsing(repo_copy, tmp_path):
    path = repo_copy / "data/modules/checkin.yaml"
    text = path.read_text().replace("personal: true", "personal: tr\0ue")
    path.write_text(text)
    line = line_of(path, "personal: tr")
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}:{line}: file contains a NUL byte, so it is not plain text (a binary or UTF-16 "
        "file?); save it as UTF-8")


def test_nul_byte_in_roster_is_refused(repo_copy, tmp_path):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_bytes(roster.read_bytes().replace(b"p03,", b"p03\0,"))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{roster}:4: roster file contains a NUL byte, so it is not plain text (a binary or "
        "UTF-16 file?); save the roster as UTF-8 CSV")


def test_content_file_over_1_mb_is_refused_before_parsing(repo_copy, tmp_path):
    path = repo_copy / "data/simulation.yaml"
    text = path.read_text()
    padding = MAX_FILE_BYTES + 1 - len(text.encode())
    path.write_text(text + "#" * (padding - 1) + "\n")
    assert path.stat().st_size == MAX_FILE_BYTES + 1
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}: file is 1,048,577 bytes, over the 1 MB limit (1,048,576 bytes); real ones are "
        "a few KB, so check it is the right file and cut what does not belong")


def test_roster_over_1_mb_is_refused(repo_copy, tmp_path):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    with roster.open("a") as fh:
        fh.write("\n" * (2 * MAX_FILE_BYTES))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{roster}: roster file is {roster.stat().st_size:,} bytes, over the 1 MB limit "
        "(1,048,576 bytes); real ones are a few KB, so check it is the right file and cut what "
        "does not belong")


# ---------------------------------------------------------------------------------------------
# The cohort file: dates, ids, the roster path


def test_impossible_date_names_file_line_field(repo_copy, tmp_path):
    path = repo_copy / "data/cohorts/demo.yaml"
    path.write_text(path.read_text().replace('date: "2026-12-03"', 'date: "2026-02-30"'))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}:{line_of(path, 'date:')}: field 'date' is wrong: '2026-02-30' is not a day on "
        "the calendar (day is out of range for month); write a real date as YYYY-MM-DD")


def test_cohort_id_too_long_for_a_folder_name(repo_copy, tmp_path):
    path = repo_copy / "data/cohorts/demo.yaml"
    path.write_text(path.read_text().replace("id: demo", "id: " + "d" * 41))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}:{line_of(path, 'id: ddd')}: field 'id' is 41 characters long; ids become file "
        "and folder names, so shorten it to at most 40 characters")


def test_module_id_too_long_for_a_file_name(repo_copy, tmp_path):
    agenda = repo_copy / "data/agenda.yaml"
    agenda.write_text(agenda.read_text().replace("- id: checkin", "- id: " + "c" * 300))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{agenda}:{line_of(agenda, '- id: ccc')}: field 'modules.0.id' is 300 characters long; "
        "ids become file and folder names, so shorten it to at most 40 characters")


def test_participant_id_too_long_for_a_folder_name(repo_copy, tmp_path):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text(roster.read_text().replace("p02,", "p" * 256 + ","))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{roster}:3: field 'id' 'pppppppppppp…' is 256 characters long; ids become folder "
        "names, so shorten it to at most 40 characters")


def test_roster_that_is_a_folder(repo_copy, tmp_path):
    path = repo_copy / "data/cohorts/demo.yaml"
    path.write_text(path.read_text().replace("roster: demo-roster.csv", "roster: ."))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}:{line_of(path, 'roster: .')}: field 'roster' points at "
        f"{repo_copy / 'data/cohorts'}, which is a folder; point it at the roster CSV file "
        "(relative to the cohort file, like demo-roster.csv)")


def test_missing_roster(repo_copy, tmp_path):
    path = repo_copy / "data/cohorts/demo.yaml"
    (repo_copy / "data/cohorts/demo-roster.csv").unlink()
    assert refused(repo_copy, tmp_path / "out") == (
        f"{path}:{line_of(path, 'roster:')}: field 'roster' points at "
        f"{repo_copy / 'data/cohorts/demo-roster.csv'}, which does not exist; fix the path (it "
        "is relative to the cohort file)")


def test_unreadable_roster(repo_copy, tmp_path, monkeypatch):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    real_open = open

    def deny(path, *args, **kwargs):  # chmod does not stop root, so refuse the way the OS does
        if Path(path) == roster:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(content_module, "open", deny, raising=False)
    assert refused(repo_copy, tmp_path / "out") == (
        f"{roster}: roster file cannot be read (permission denied); give this user read access "
        "to it (chmod a+r)")


def test_roster_that_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)  # reading would block for ever
    with pytest.raises(ContentError) as err:
        read_roster(fifo)
    assert str(err.value) == (f"{fifo}: roster file is not a regular file; check the cohort's "
                              "'roster'")


# ---------------------------------------------------------------------------------------------
# Reserved ids and CSV trouble in the roster


@pytest.mark.parametrize("reserved", RESERVED_IDS)
def test_reserved_roster_ids_are_refused(tmp_path, reserved):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + f"p1,Ann,a@x.org,legal,\n{reserved},Bob,b@x.org,legal,\n")
    with pytest.raises(ContentError) as err:
        read_roster(path)
    assert str(err.value) == (
        f"{path}:3: field 'id' '{reserved}' is reserved for the kit's own roles (facilitator, "
        "trainer, service, admin, template, template-participant, all, room); give this "
        "participant another id, e.g. their initials")


def test_facilitator_in_the_roster_gets_no_build(repo_copy, tmp_path):
    """A participant 'facilitator' would receive the facilitator's token."""
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text(roster.read_text().replace("p07,", "facilitator,"))
    assert refused(repo_copy, tmp_path / "out") == (
        f"{roster}:{line_of(roster, 'facilitator,')}: field 'id' 'facilitator' is reserved for "
        "the kit's own roles (facilitator, trainer, service, admin, template, "
        "template-participant, all, room); give this participant another id, e.g. their "
        "initials")


def test_roster_lines_count_blank_lines(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "p1,Ann,a@x.org,legal,\n\n\nall,Bob,b@x.org,legal,\n")
    with pytest.raises(ContentError, match=rf"^{path}:5: field 'id' 'all' is reserved"):
        read_roster(path)


def test_csv_field_over_the_csv_limit(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + 'p1,Ann,a@x.org,legal,\np2,"' + "B" * 200_000 + '",b@x.org,legal,\n')
    with pytest.raises(ContentError) as err:
        read_roster(path)
    assert str(err.value) == (
        f"{path}:3: not readable as CSV (field larger than field limit (131072)); fix that row "
        "(quote values that hold commas or quotes)")


def test_good_cohort_still_loads(repo_copy):
    cohort = load_cohort(repo_copy / "data/cohorts/demo.yaml")
    assert (cohort.id, cohort.date, len(cohort.participants)) == ("demo", "2026-12-03", 12)


# ---------------------------------------------------------------------------------------------
# validate: what build reads beyond content and cohorts


def test_validate_reports_a_missing_cockpit_and_the_cohort_problems_too(repo_copy, tmp_path):
    cockpit = repo_copy / "facilitator/00_cockpit.ipynb"
    cockpit.unlink()
    path = repo_copy / "data/cohorts/demo.yaml"
    path.write_text(path.read_text().replace('date: "2026-12-03"', 'date: "2026-13-01"'))
    assert refused(repo_copy, tmp_path / "out").splitlines() == [
        f"{cockpit}: notebook template is missing; build fills it in for every cohort, so "
        "restore it from git",
        f"{path}:{line_of(path, 'date:')}: field 'date' is wrong: '2026-13-01' is not a day on "
        "the calendar (month must be in 1..12); write a real date as YYYY-MM-DD",
    ]


def test_validate_reports_a_broken_notebook_template(repo_copy):
    """(build itself stops on it with papermill's own error, before writing anything.)"""
    notebook = repo_copy / "workshops/02_purpose.ipynb"
    notebook.write_text("not json")
    with pytest.raises(ContentError) as err:
        validate(repo_copy / "data", [repo_copy / "data/cohorts/demo.yaml"])
    assert str(err.value) == (
        f"{notebook}: notebook template cannot be read (Notebook does not appear to be JSON: "
        "'not json'); restore it from git")
