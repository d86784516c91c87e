"""Probes that change the store on purpose, each on a cohort of its own: a privacy request
(`forget`), a participant removed from the roster, and one participant filling the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workshop_kit.errors import ParameterError
from workshop_kit.service import MAX_CHARS_PER_PARTICIPANT, MAX_VERSIONS_PER_PARTICIPANT

DATA = Path(__file__).resolve().parents[2] / "data"

SUBMIT_OWN = ("me.store.submit('demo', participant_id, 'checkin', 'trust_profile', "
              "me.store.latest_answer('demo', participant_id, 'checkin', 'trust_profile')"
              ".payload)")


def names(rows: dict[str, list[tuple]], who: str) -> list[tuple[str, tuple]]:
    """Every row of the snapshot naming `who`: as a cell, inside JSON, or as ':<who>'."""
    quoted = json.dumps(who)
    return [(table, row) for table, table_rows in rows.items() for row in table_rows
            if any(cell == who or quoted in cell or cell.endswith(f":{who}") for cell in row)]


def test_forget_removes_every_row_naming_the_participant(fresh):
    from workshop_kit.cohort import forget

    before = fresh.rows()
    assert names(before, "p03"), "the simulated day names p03 somewhere"
    kernel = fresh.start_kernel("p03", "06_gift.ipynb")  # opened before the forget
    try:
        assert not kernel.probe(f"_probe(lambda: {SUBMIT_OWN})")["refused"]
        before = fresh.rows()
        removed = forget(fresh.folder, "p03", fresh.facilitator_token)
        after = fresh.rows()
        assert removed > 0
        assert names(after, "p03") == []
        assert ("demo", "p03") not in {row[:2] for row in after["tokens"]}
        pairs = [json.loads(r[6]) for r in after["answers"] if r[3:5] == ("gift", "pairs")]
        assert pairs and all("p03" not in g for p in pairs for g in p["groups"])
        roster = [json.loads(r[6]) for r in after["answers"] if r[3:5] == ("roster", "names")]
        assert roster and all("p03" not in r["names"] and "p03" not in r["sees"]
                              and "Chiara" not in json.dumps(r) for r in roster)
        # everyone else's answers are still there
        others = [r for r in before["answers"] if "p03" not in r[2] and "p03" not in r[4]
                  and r[2] != "facilitator"]
        assert set(others) <= set(after["answers"])
        # the notebook opened before can no longer write (nor read)
        outcome = kernel.probe(f"_probe(lambda: {SUBMIT_OWN})")
        assert outcome["refused"] and outcome["type"] == "AccessError", outcome
        assert "\n" not in outcome["message"] and "p03" in outcome["message"]
        print(f"refused after forget: {outcome['message']}")
        assert names(fresh.rows(), "p03") == []
    finally:
        kernel.stop()
    with pytest.raises(ParameterError, match="'p99' is not a participant") as info:
        forget(fresh.folder, "p99", fresh.facilitator_token)
    assert "\n" not in str(info.value)
    assert fresh.rows() == after


def test_a_participant_removed_from_the_roster_loses_access(fresh, tmp_path: Path):
    from workshop_kit.cohort import build

    token = fresh.token("p12")
    kernel = fresh.start_kernel("p12")  # p12's notebook, opened before the rebuild
    try:
        assert not kernel.probe(f"_probe(lambda: {SUBMIT_OWN})")["refused"]
        roster = (DATA / "cohorts/demo-roster.csv").read_text(encoding="utf-8").splitlines()
        (tmp_path / "demo-roster.csv").write_text(
            "\n".join(r for r in roster if not r.startswith("p12,")) + "\n", encoding="utf-8")
        (tmp_path / "demo.yaml").write_text(
            (DATA / "cohorts/demo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        build(tmp_path / "demo.yaml", DATA, fresh.folder, store_url=fresh.store_url)
        assert not (fresh.folder / "participants" / "p12").exists()
        # the service was not restarted: it checks the store on every call
        before = fresh.rows()
        for call in (SUBMIT_OWN, "me.store.latest('demo', 'p12')",
                     "wk.client.ParticipantClient(me.store.url, 'demo', 'p12', "
                     f"{token!r}).content_files()"):
            outcome = kernel.probe(f"_probe(lambda: {call})")
            assert outcome["refused"] and outcome["type"] == "AccessError", outcome
            assert "\n" not in outcome["message"]
            print(f"refused after the roster change: {outcome['message']}")
        assert fresh.rows() == before
    finally:
        kernel.stop()


def test_one_participant_cannot_fill_the_store(fresh):
    """Big but valid answers (an observer's sheet of 500 talk segments, ~26,000 characters)
    until the service refuses: the per-participant limit of characters is reached in about
    120 submits."""
    from workshop_kit.cohort import BuiltCohort

    assert MAX_VERSIONS_PER_PARTICIPANT >= 1_000  # too many to reach here: the size limit is
    kernel = fresh.start_kernel("p01", "03_roleplay.ipynb")
    try:
        outcome = kernel.probe(r'''
_base = me.store.latest_answer('demo', 'p01', 'roleplay', 'roleplay_observation_r2').payload
_sheet = {**_base, "note": "n" * 1000,
          "segments": [["silence", 86399.12345678901, 86399.12345678901]] * 500}
_n, _last = 0, None
while _n < 400:
    try:
        me.store.submit('demo', 'p01', 'roleplay', 'roleplay_observation_r2', _sheet)
    except Exception as _exc:
        _last = _exc
        break
    _n += 1
_show({"refused": _last is not None, "type": type(_last).__name__, "accepted": _n,
       "message": str(_last) if _last else ""})
''', timeout=600)
    finally:
        kernel.stop()
    assert outcome["refused"], f"{outcome['accepted']} big answers accepted and no limit"
    assert outcome["type"] == "ParameterError"
    assert "the most one person may store" in outcome["message"]
    assert "\n" not in outcome["message"]
    print(f"refused after {outcome['accepted']} big answers: {outcome['message']}")
    with BuiltCohort.open(fresh.folder).store() as store:
        _versions, chars = store.usage("demo", "p01")
    assert MAX_CHARS_PER_PARTICIPANT <= chars < MAX_CHARS_PER_PARTICIPANT + 32_000
    assert outcome["accepted"] < 200

