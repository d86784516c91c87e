import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop_kit import cli, cohort, day
from workshop_kit.errors import ContentError, RunError

HERE = Path(__file__).parent
SRC = HERE.parent / "src"
# what the notebook side imports, and what `--help` and `tournament` must not (seconds to import
# on a busy machine; nbformat pulls jsonschema)
HEAVY = ("nbformat", "papermill", "jsonschema", "nbconvert", "altair", "ipywidgets", "tornado")


def test_build_passes_its_options(monkeypatch, capsys, tmp_path):
    calls = []

    def fake_build(*args):
        calls.append(args)
        return cohort.BuildResult(tmp_path, [tmp_path / "a"], 1, 0, ["odd cohort"])

    monkeypatch.setattr(cohort, "build", fake_build)
    code = cli.main(["build", "c.yaml", "--out", "x", "--data", "d", "--store-url", "sqlite:///s"])
    assert code == 0
    assert calls == [(Path("c.yaml"), Path("d"), Path("x"), "sqlite:///s", None)]
    out = capsys.readouterr().out
    assert "note: odd cohort" in out and "built 1 files" in out


def test_run_passes_modules_and_reports_failure(monkeypatch, capsys):
    calls = []

    def fake_run(folder, modules, simulate, seed, progress):
        calls.append((folder, modules, simulate, seed))
        raise RunError("module 'purpose' failed in cell 5\nmodule 'checkin' failed in cell 3")

    monkeypatch.setattr(day, "run", fake_run)
    assert cli.main(["run", "build/demo", "--modules", "purpose", "--simulate", "--seed",
                     "4"]) == 1
    assert calls == [(Path("build/demo"), "purpose", True, 4)]
    assert capsys.readouterr().err.splitlines() == [
        "error: module 'purpose' failed in cell 5", "error: module 'checkin' failed in cell 3"]


def test_content_errors_become_one_line_messages(monkeypatch, capsys):
    def fake_validate(data, cohorts):
        raise ContentError("data/agenda.yaml:3: field 'title' is missing; add it")

    monkeypatch.setattr(cohort, "validate", fake_validate)
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().err == "error: data/agenda.yaml:3: field 'title' is missing; " \
                                      "add it\n"


def test_validate_for_real(capsys):
    repo = HERE.parent
    assert cli.main(["validate", "--data", str(repo / "data"),
                     str(repo / "data/cohorts/demo.yaml")]) == 0
    out = capsys.readouterr().out
    assert "7 modules, 330 minutes" in out and "12 participants" in out
    assert "roleplays/lunch_first.yaml: ok, 12 nodes, 4 endings" in out
    assert "role-play groups: 3, 3, 3, 3" in out
    assert "cases/audit_fee.yaml: ok, accounting, 6 questions, 5 facts, budget 25 min" in out


def test_build_with_bad_roster_exits_1_and_writes_nothing(repo_copy, tmp_path, capsys):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text(roster.read_text().replace("it_services,north", "plumbing,north"))
    out = tmp_path / "out"
    assert cli.main(["build", str(repo_copy / "data/cohorts/demo.yaml"), "--data",
                     str(repo_copy / "data"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == (f"error: {roster}:5: field 'practice_area' 'plumbing' is not known; use one "
                   "of: consulting, accounting, legal, it_services, financial_planning\n")
    assert not out.exists()


def test_demo_reports_paths(monkeypatch, capsys, tmp_path):
    run = day.ModuleRun("checkin", tmp_path / "01.ipynb", tmp_path / "01.html", 2.5)
    result = day.DemoResult(cohort.BuildResult(tmp_path, [], 0, 0, []), "sqlite:///s", 24,
                            12, [run], None)
    seen = []
    monkeypatch.setattr(day, "demo", lambda *a: seen.append(a[:4]) or result)
    assert cli.main(["demo", "--seed", "9"]) == 0
    assert seen == [(Path("data/cohorts/demo.yaml"), Path("data"), None, 9)]
    out = capsys.readouterr().out
    assert "simulated 24 answers for 12 participants (seed 9)" in out
    assert str(tmp_path / "01.html") in out


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as exc:
        cli.main(["run"])
    assert exc.value.code == 2


def test_tournament_passes_its_options(monkeypatch, capsys):
    from workshop_kit import game

    seen = []
    real = game.tournament_summary

    def spy(*args):
        seen.append(args)
        return real(*args)

    monkeypatch.setattr(game, "tournament_summary", spy)
    assert cli.main(["tournament", "--players", "tit_for_tat,defector", "--turns", "10",
                     "--repetitions", "2", "--noise", "0", "--payoffs", "3,0,5,1", "--seed",
                     "1", "--json"]) == 0
    assert seen == [("tit_for_tat,defector", 10, 2, 0.0, None, "3,0,5,1", 1)]
    # Tit For Tat loses the first round to Defector, then both defect: 0 + 9 * 1 and 5 + 9 * 1.
    assert json.loads(capsys.readouterr().out) == {
        "scores": {"tit_for_tat": [9, 9], "defector": [14, 14]},
        "ranking": ["defector", "tit_for_tat"],
    }


def test_tournament_table_and_errors(capsys):
    assert cli.main(["tournament", "--players", "grudger,cooperator", "--turns", "5",
                     "--repetitions", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["rank", "name", "median", "mean", "coop", "wins"]
    assert [line.split()[1] for line in lines[1:]] == ["grudger", "cooperator"]
    assert cli.main(["tournament", "--players", "tit_for_tatt"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unknown player 'tit_for_tatt' in --players; choose from: "
                          "alternator, cooperator,")
    assert len(err.splitlines()) == 1
def test_validate_names_file_line_and_node_of_a_broken_script(repo_copy, capsys):
    script = repo_copy / "data/roleplays/qualifications.yaml"
    text = script.read_text().replace("        to: heard\n", "        to: herd\n", 1)
    script.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "to: herd" in t)
    assert cli.main(["validate", "--data", str(repo_copy / "data")]) == 1
    assert capsys.readouterr().err == (
        f"error: {script}:{line}: node 'confidence' choice 'ask_what_happened' leads to 'herd', "
        "which is not a node; add that node or fix 'to'\n")


@pytest.mark.parametrize("argv, needs", [
    (["--help"], ()),
    (["tournament", "--help"], ()),
    (["tournament", "--players", "tit_for_tat,grudger", "--turns", "5", "--repetitions", "1"],
     ("numpy", "pandas")),  # the game engine computes with them
])
def test_help_and_tournament_import_no_notebook_package(argv, needs):
    """In a fresh interpreter, as the `workshop-kit` command starts: only what the command
    needs is imported."""
    code = (
        "import json, sys\n"
        "from workshop_kit.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print('IMPORTED', json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
        "sys.exit(code)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH",
                                                                                     "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("IMPORTED "))
    imported = set(json.loads(line.removeprefix("IMPORTED ")))
    assert "usage: workshop-kit" in done.stdout or "rank" in done.stdout
    assert not imported & {*HEAVY, "pandas", "numpy"} - set(needs), sorted(
        imported & {*HEAVY, "pandas", "numpy"})
    assert set(needs) <= imported
