"""export and forget, end to end on a built cohort (both backends), and through the CLI."""

import json
from pathlib import Path

import pandas as pd
import pytest

from test_store import AWKWARD_TEXTS
from workshop_kit import cli, cohort
from workshop_kit.access import OPT_IN
from workshop_kit.cohort import export, forget
from workshop_kit.errors import AccessError, ParameterError

REPO = Path(__file__).resolve().parents[1]


def test_export_csv_keeps_every_text_verbatim_and_leaves_out_private_answers(built, tmp_path):
    token = built.manifest["facilitator_token"]
    checkin = built.content().checkin
    ratings = {i.id: 3 for t in checkin.traits for i in t.items}
    kinds = ["quotes", "emoji", "html", "sql"]
    with built.store() as store:
        for who, kind in zip(["p01", "p02", "p03", "p04"], kinds, strict=True):
            text = (AWKWARD_TEXTS[kind] + " — a client who wants a cheaper audit.")[:2000]
            store.submit("demo", who, "checkin", "trust_profile",
                         {"ratings": ratings, "situation": text, OPT_IN: True})
        # rows no schema accepts (written before answers were checked): skipped, counted
        for kind, text in AWKWARD_TEXTS.items():
            store.submit("demo", "p05", "purpose", f"note_{kind}", {"text": text})
        everything = [a for a in store.answers("demo") if not a.exercise.startswith("note_")]
    # the personal modules: the check-in and the wrap-up (commitments, trust profile again);
    # a version is exported only if it was itself shared
    private = [a for a in everything
               if a.module in ("checkin", "wrapup") and not a.payload.get(OPT_IN)]
    assert private, "the simulation keeps some trust profiles private"
    result = export(built.folder, tmp_path / "answers.csv", token)
    assert (result.rows, result.withheld) == (len(everything) - len(private), len(private))
    assert result.skipped == len(AWKWARD_TEXTS)
    frame = pd.read_csv(result.path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == cohort.EXPORT_COLUMNS
    assert len(frame) == result.rows
    assert not frame["exercise"].str.startswith("note_").any()
    personal = frame[frame["module"].isin(["checkin", "wrapup"])]
    assert all(json.loads(p)[OPT_IN] is True for p in personal["payload"])
    # never a name next to a personal answer, even a shared one
    assert personal["participant"].str.startswith("private-").all()
    situations = {json.loads(p).get("situation") for p in personal["payload"]}
    for kind in kinds:
        assert any(s and s.startswith(AWKWARD_TEXTS[kind]) for s in situations), kind
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
        theirs = len([a for a in store.answers("demo") if a.participant == "p03"
                      or a.exercise.endswith(":p03")])
    assert theirs > 0
    with pytest.raises(AccessError, match="not the right one"):
        forget(built.folder, "p03", built.manifest["participants"][2]["token"])
    with pytest.raises(ParameterError, match="--token is empty"):
        forget(built.folder, "p03", "")
    with pytest.raises(ParameterError, match="PARTICIPANT is empty"):
        forget(built.folder, " ", token)
    assert forget(built.folder, "p03", token) == theirs
    with pytest.raises(ParameterError, match="'p03' is not a participant"):
        forget(built.folder, "p03", token)
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
