"""export and forget, end to end on a built cohort (both backends), and through the CLI."""

import json
from pathlib import Path

import pandas as pd
import pytest

from test_store import AWKWARD_TEXTS
from workshop_kit import cli, cohort
from workshop_kit.access import OPT_IN
from workshop_kit.cohort import BuiltCohort, build, export, forget
from workshop_kit.errors import AccessError, ParameterError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def built(tmp_path, store_url):
    """The demo cohort built against the store under test, with simulated answers."""
    out = tmp_path / "demo"
    build(REPO / "data/cohorts/demo.yaml", REPO / "data", out, store_url)
    built = BuiltCohort.open(out)
    built.simulate(seed=1)
    return built


def test_export_csv_keeps_every_text_verbatim_and_leaves_out_private_answers(built, tmp_path):
    token = built.manifest["facilitator_token"]
    with built.store() as store:
        for kind, text in AWKWARD_TEXTS.items():
            store.submit("demo", "p01", "purpose", f"note_{kind}", {"text": text})
        everything = store.answers("demo")
    # the personal modules: the check-in and the wrap-up (commitments, trust profile again)
    private = [a for a in everything
               if a.module in ("checkin", "wrapup") and not a.payload.get(OPT_IN)]
    assert private, "the simulation keeps some trust profiles private"
    result = export(built.folder, tmp_path / "answers.csv", token)
    assert (result.rows, result.withheld) == (len(everything) - len(private), len(private))
    frame = pd.read_csv(result.path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == cohort.EXPORT_COLUMNS
    assert len(frame) == result.rows
    notes = frame[frame["exercise"].str.startswith("note_")]
    for kind, text in AWKWARD_TEXTS.items():
        payload = notes.loc[notes["exercise"] == f"note_{kind}", "payload"].item()
        assert json.loads(payload) == {"text": text}
    checkin = frame[frame["module"] == "checkin"]
    assert all(json.loads(p)[OPT_IN] is True for p in checkin["payload"])
    exported = set(zip(checkin["participant"], checkin["version"].astype(int), strict=True))
    assert not exported & {(a.participant, a.version) for a in private if a.module == "checkin"}
    assert frame["payload"].str.startswith("{").all()  # no cell opens as a spreadsheet formula


def test_export_needs_the_facilitator_token_and_a_known_format(built, tmp_path):
    participant_token = built.manifest["participants"][0]["token"]
    with pytest.raises(AccessError, match="token given for the facilitator"):
        export(built.folder, tmp_path / "a.csv", participant_token)
    with pytest.raises(ParameterError, match="--token is empty: give the facilitator's token"):
        export(built.folder, tmp_path / "a.csv", "")
    with pytest.raises(ParameterError, match=r"--out '.*a.xlsx' must end in .csv or .parquet"):
        export(built.folder, tmp_path / "a.xlsx", built.manifest["facilitator_token"])
    with pytest.raises(ParameterError, match=r"folder .*nowhere does not exist"):
        export(built.folder, tmp_path / "nowhere" / "a.csv", built.manifest["facilitator_token"])
    assert not list(tmp_path.glob("a.*"))


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    with pytest.raises(ParameterError, match="Parquet export needs the package pyarrow: "
                                             "pip install pyarrow"):
        export(tmp_path, tmp_path / "a.parquet", "t")


def test_parquet_export(built, tmp_path):
    pytest.importorskip("pyarrow")
    result = export(built.folder, tmp_path / "a.parquet", built.manifest["facilitator_token"])
    assert len(pd.read_parquet(result.path)) == result.rows


def test_forget_removes_one_participant_and_needs_the_facilitator_token(built):
    token = built.manifest["facilitator_token"]
    with built.store() as store:
        before = store.count("demo")
        theirs = len([a for a in store.answers("demo") if a.participant == "p03"])
    assert theirs > 0
    with pytest.raises(AccessError, match="not the right one"):
        forget(built.folder, "p03", built.manifest["participants"][2]["token"])
    with pytest.raises(ParameterError, match="--token is empty"):
        forget(built.folder, "p03", "")
    with pytest.raises(ParameterError, match="PARTICIPANT is empty"):
        forget(built.folder, " ", token)
    assert forget(built.folder, "p03", token) == theirs
    assert forget(built.folder, "p03", token) == 0
    with built.store() as store:
        assert store.count("demo") == before - theirs
        assert "p03" not in store.participants("demo")


def test_cli_export_and_forget_pass_their_options(monkeypatch, capsys):
    calls = []

    def fake_export(folder, out, token):
        calls.append(("export", folder, out, token))
        return cohort.ExportResult(out, 10, 3)

    def fake_forget(folder, participant, token):
        calls.append(("forget", folder, participant, token))
        return 7

    monkeypatch.setattr(cohort, "export", fake_export)
    monkeypatch.setattr(cohort, "forget", fake_forget)
    monkeypatch.setenv("WORKSHOP_KIT_TOKEN", "from-env")
    assert cli.main(["export", "build/demo", "--out", "a.csv", "--token", "t1"]) == 0
    assert cli.main(["forget", "build/demo", "p03"]) == 0
    assert calls == [("export", Path("build/demo"), Path("a.csv"), "t1"),
                     ("forget", Path("build/demo"), "p03", "from-env")]
    out = capsys.readouterr().out
    assert "exported 10 answer version(s) to a.csv" in out
    assert "note: 3 personal answer version(s) not shared" in out
    assert "removed 7 answer version(s) of 'p03'" in out


def test_cli_refusal_is_one_line_and_exit_1(monkeypatch, capsys):
    def refuse(folder, participant, token):
        raise AccessError("the token given for the facilitator of cohort 'demo' is not the "
                          "right one")

    monkeypatch.setattr(cohort, "forget", refuse)
    assert cli.main(["forget", "build/demo", "p03", "--token", "x"]) == 1
    assert capsys.readouterr().err == ("error: the token given for the facilitator of cohort "
                                       "'demo' is not the right one\n")
