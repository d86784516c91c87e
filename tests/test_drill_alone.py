"""The drill vote for someone nobody else works a case with: build publishes the case they vote
on instead (the default case), the service holds them to it, `validate` and `build` say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop_kit.cohort import build, validate
from workshop_kit.errors import AccessError
from workshop_kit.modules.drill.content import drill_vote_cases
from workshop_kit.session import ParticipantSession
from workshop_kit.store import Store

ROSTER = """id,name,email,practice_area,team
p01,Amara Okafor,amara@example.com,consulting,north
p02,Bernd Keller,bernd@example.com,consulting,north
p03,Chiara Rossi,chiara@example.com,accounting,north
p04,Dev Patel,dev@example.com,legal,north
p05,Elena Petrova,elena@example.com,legal,south
"""
NOTE = ("drill: practice area 'accounting' has 1 person, alone on case '{own}'; they vote on "
        "the definitions of case '{other}' instead")


def definition(content, case: str, text: str) -> dict:
    return {"case": case, "asked": [], "definition": text}


@pytest.fixture
def five(repo_copy: Path, tmp_path: Path):
    (repo_copy / "data/cohorts/demo-roster.csv").write_text(ROSTER)
    return repo_copy / "data/cohorts/demo.yaml"


def test_validate_and_build_name_the_area_of_one(five, repo_copy, tmp_path, content):
    own = content.case_for("accounting")
    other = content.cases[content.drill.default_case]
    assert own.id != other.id and other.practice_area == "consulting"
    note = NOTE.format(own=own.title, other=other.title)
    lines = validate(repo_copy / "data", [five])
    assert f"  {note}" in lines
    assert sum("drill:" in line for line in lines) == 1  # only the area of one
    result = build(five, repo_copy / "data", tmp_path / "out")
    assert note in result.notes


def test_alone_on_a_case_votes_on_the_default_case(five, repo_copy, tmp_path, content,
                                                    serve_store):
    from workshop_kit.cohort import BuiltCohort, token_of

    out = tmp_path / "out"
    build(five, repo_copy / "data", out)
    built = BuiltCohort.open(out)
    url = built.manifest["store_url"]
    default = content.drill.default_case
    audit = content.case_for("accounting").id
    assert built.records("drill")["vote_cases"]["cases"] == {
        "p01": default, "p02": default, "p03": default,
        "p04": content.case_for("legal").id, "p05": content.case_for("legal").id}
    service = serve_store(url, "demo", repo_copy / "data")

    def me(who: str, area: str) -> ParticipantSession:
        return ParticipantSession(who, "demo", service, token=token_of(built.manifest, out, who),
                                  practice_area=area)

    texts = {"p01": "The owner prices by habit; margins vanish on the discounted lines.",
             "p02": "They do not know which products pay; the till data could tell them.",
             "p03": "The fee is not the issue: the audit keeps finding the same gaps each year.",
             "p04": "Both sides signed side letters nobody filed; the risk sits with the board."}
    areas = {"p01": "consulting", "p02": "consulting", "p03": "accounting", "p04": "legal"}
    for who, text in texts.items():
        case = content.case_for(areas[who]).id
        me(who, areas[who]).store.submit("demo", who, "drill", "drill_definition",
                                         definition(content, case, text))

    alone = me("p03", "accounting")
    vote = alone.module("drill").peer_vote()
    assert vote.case.id == default and vote.own_case.id == audit
    shown = " ".join(str(getattr(c, "value", "")) for c in vote.children)
    assert content.drill.vote_other_case in shown.replace("&#x27;", "'")
    listed = vote.listing.value
    assert texts["p01"] in listed and texts["p02"] in listed and texts["p04"] not in listed
    assert len(vote.choice.options) == 2
    label = vote.labels[vote.choice.options[0][1]]
    vote.vote(label)
    assert vote.submit(), vote.message.value
    with Store(url) as store:
        saved = store.latest_answer("demo", "p03", "drill", "drill_vote").payload
    assert saved["case"] == default

    # the service holds them to that case: not their own, not a third one
    guard = alone.store
    with pytest.raises(AccessError, match=f"you vote on the definitions of case '{default}'"):
        guard.submit("demo", "p03", "drill", "drill_vote", {"case": audit, "key": "0" * 12})
    with pytest.raises(AccessError, match="submit your own definition of this case first"):
        guard.peer_definitions("demo", "drill_definition", content.case_for("legal").id)
    # someone with colleagues on their case reads their own case only, as before
    with pytest.raises(AccessError, match="submit your own definition of this case first"):
        me("p01", "consulting").store.peer_definitions("demo", "drill_definition", audit)
    legal = me("p05", "legal")
    with pytest.raises(AccessError, match="submit your own definition"):
        legal.store.peer_definitions("demo", "drill_definition", default)


def test_vote_cases_pick_the_most_worked_case_when_the_default_is_the_lonely_one(content):
    default = content.drill.default_case
    area_of_default = content.cases[default].practice_area
    areas = {"a": area_of_default, "b": "legal", "c": "legal", "d": "it_services"}
    votes, notes = drill_vote_cases(content, areas)
    legal = content.case_for("legal").id
    assert votes["a"] == legal and votes["b"] == votes["c"] == legal
    assert votes["d"] == default  # alone too, and someone works the default case
    assert len(notes) == 2 and all("has 1 person" in n for n in notes)
