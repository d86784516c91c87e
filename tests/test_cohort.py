import itertools
import shutil
from pathlib import Path

import nbformat
import pytest

from workshop_kit import cohort, day
from workshop_kit.cohort import (
    SECRET_FILE,
    BuiltCohort,
    build,
    make_token,
    plan_build,
)
from workshop_kit.content import load_cohort, load_content
from workshop_kit.errors import AccessError, ContentError, ParameterError, RunError
from workshop_kit.rotation import make_pairings
from workshop_kit.simulate import load_simulation, simulate
from workshop_kit.store import Store

HERE = Path(__file__).parent
MODULES = [m.id for m in load_content(HERE.parent / "data").agenda.modules]
NOTEBOOKS = [f"{i:02d}_{m}.ipynb" for i, m in enumerate(MODULES, start=1)]
SCRIPTS = len(list((HERE.parent / "data/roleplays").glob("*.yaml")))
CASES = len(list((HERE.parent / "data/cases").glob("*.yaml")))
# Per participant and module a notebook; per module a facilitator notebook and a content file;
# the role-play scripts, the drill cases, the agenda and simulation snapshots, cohort.json and
# agenda.html, and the facilitator's cockpit.
BUILD_FILES = 12 * len(MODULES) + len(MODULES) + len(MODULES) + SCRIPTS + CASES + 2 + 2 + 1 + 1


def tree(folder: Path) -> dict[str, bytes]:
    """The built files (the store, which build creates to register tokens, aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(cohort.STORE_FILE)}


def pairs_of(groups):
    return {frozenset(pair) for g in groups for pair in itertools.combinations(
        [p for p in g if p != "facilitator"], 2)}


@pytest.mark.parametrize("n", [2, 4, 6, 12, 30])
def test_even_pairings_never_repeat(n):
    ids = [f"p{i}" for i in range(n)]
    rounds = min(7, n - 1)
    plan = make_pairings(ids, rounds)
    seen = set()
    for groups in plan.rounds:
        assert sorted(p for g in groups for p in g) == sorted(ids)
        assert all(len(g) == 2 for g in groups)
        assert not (pairs_of(groups) & seen)
        seen |= pairs_of(groups)
    assert plan.notes == []


def test_odd_cohort_trio_without_repeats():
    ids = [f"p{i}" for i in range(11)]
    plan = make_pairings(ids, 5, "trio")
    seen = set()
    for groups in plan.rounds:
        assert sorted(len(g) for g in groups) == [2, 2, 2, 2, 3]
        assert not (pairs_of(groups) & seen)
        seen |= pairs_of(groups)
    assert plan.notes == ["11 participants (odd): in each round one person joins a pair to "
                          "make a trio"]


def test_odd_cohort_facilitator_plays():
    plan = make_pairings(["a", "b", "c"], 2, "facilitator")
    assert all(sum("facilitator" in g for g in groups) == 1 for groups in plan.rounds)
    assert plan.partners(0, "b") in (["a"], ["c"], ["facilitator"])
    assert "partnered by the facilitator" in plan.notes[0]


def test_small_cohort_says_partners_repeat():
    plan = make_pairings(["a", "b", "c", "d"], 5)
    assert plan.notes == ["4 participants allow no more fresh partners after round 3; "
                          "partners repeat from round 4"]
    assert make_pairings(["a", "b", "c"], 2).notes == [
        "3 participants: they work as one trio in every round"]


def test_build_writes_every_notebook_with_parameters(tmp_path):
    out = tmp_path / "demo"
    result = build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    assert result.changed == len(result.files)
    participants = sorted(p.name for p in (out / "participants").iterdir())
    assert len(participants) == 12
    assert sorted(p.name for p in (out / "facilitator").iterdir()) == [
        "00_cockpit.ipynb", *NOTEBOOKS]
    secret = (out / SECRET_FILE).read_text().strip()
    assert (out / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert (out / "cohort.json").stat().st_mode & 0o777 == 0o600
    cockpit = nbformat.read(out / "facilitator/00_cockpit.ipynb", as_version=4)
    assert f'token = "{make_token(secret, "demo", "facilitator")}"' in cockpit.cells[1].source
    nb = nbformat.read(out / "participants/p03/02_purpose.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert 'participant_id = "p03"' in source
    assert 'practice_area = "legal"' in source
    assert f'token = "{make_token(secret, "demo", "p03")}"' in source
    # the notebook talks to the service: no store URL, no path of this machine
    assert 'service_url = ""' in source
    assert 'module_id = "purpose"' in source  # the agenda id: one template serves a type twice
    facilitator = nbformat.read(out / "facilitator/05_drill.ipynb", as_version=4)
    assert 'module_id = "drill"' in next(
        c.source for c in facilitator.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "sqlite" not in source and str(tmp_path) not in source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    built = BuiltCohort.open(out)
    partners = {p["id"]: p["partners"] for p in built.manifest["participants"]}
    assert partners["p03"]["checkin"] != partners["p03"]["purpose"]
    # the day (the modules, a header and the end) and the role-play groups (a header, 4 trios)
    assert (out / "agenda.html").read_text().count("<tr>") == len(MODULES) + 2 + 5


def test_build_twice_is_byte_identical(tmp_path):
    out = tmp_path / "demo"
    build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    first = tree(out)
    again = build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    assert again.changed == 0
    assert tree(out) == first
    assert len(first) == BUILD_FILES


def test_build_registers_token_hashes_in_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_KIT_SECRET", "s3cret-" * 6)
    out = tmp_path / "demo"
    build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    built = BuiltCohort.open(out)
    with built.store() as store:
        for person in built.manifest["participants"]:
            store.check_token("demo", person["id"], person["token"])
        store.check_token("demo", "facilitator", built.manifest["facilitator_token"])
        hashes = [h for (h,) in store._query("SELECT token_hash FROM tokens", ())]
    assert len(hashes) == 13
    assert not {p["token"] for p in built.manifest["participants"]} & set(hashes)


def test_tokens_depend_on_the_secret():
    one, other = "a" * 32, "b" * 32
    assert make_token(one, "demo", "p01") != make_token(other, "demo", "p01")
    assert make_token(one, "demo", "p01") != make_token(one, "demo", "p02")


def test_a_short_secret_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_KIT_SECRET", "x")
    with pytest.raises(ParameterError, match=r"WORKSHOP_KIT_SECRET is 1 characters; a secret "
                                             r"needs at least 32"):
        build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", tmp_path / "d")
    assert not (tmp_path / "d").exists()


def test_the_generated_secret_is_kept_for_rebuilds_and_removed_people_lose_their_token(
        tmp_path, repo_copy):
    out = tmp_path / "demo"
    data = repo_copy / "data"
    build(data / "cohorts/demo.yaml", data, out)
    secret = (out / SECRET_FILE).read_text()
    removed = BuiltCohort.open(out).manifest["participants"][-1]
    roster = data / "cohorts/demo-roster.csv"
    lines = roster.read_text().splitlines()
    roster.write_text("\n".join(line for line in lines if not line.startswith(removed["id"]))
                      + "\n")
    build(data / "cohorts/demo.yaml", data, out)
    assert (out / SECRET_FILE).read_text() == secret
    with BuiltCohort.open(out).store() as store:
        with pytest.raises(AccessError, match="not the right one"):
            store.check_token("demo", removed["id"], removed["token"])
        kept = BuiltCohort.open(out).manifest["participants"][0]
        store.check_token("demo", kept["id"], kept["token"])


def test_bad_roster_writes_nothing(repo_copy, tmp_path):
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text(roster.read_text().replace("p05,Elena", "p04,Elena"))
    out = tmp_path / "out"
    with pytest.raises(ContentError, match=r"demo-roster.csv:6: field 'id' 'p04' already used"):
        build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    assert not out.exists()


def test_bad_content_leaves_an_existing_build_untouched(repo_copy, tmp_path):
    out = tmp_path / "out"
    build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    before = tree(out)
    purpose = repo_copy / "data/modules/purpose.yaml"
    purpose.write_text(purpose.read_text().replace("id: next_step", "id: Next Step"))
    with pytest.raises(ContentError, match=r"purpose\.yaml"):
        build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    assert tree(out) == before


def test_removed_participant_loses_their_notebooks(repo_copy, tmp_path):
    out = tmp_path / "out"
    build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    roster = repo_copy / "data/cohorts/demo-roster.csv"
    roster.write_text("\n".join(line for line in roster.read_text().splitlines()
                                if not line.startswith("p12,")) + "\n")
    result = build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    assert result.removed == len(MODULES)
    assert not (out / "participants/p12").exists()
    assert any("odd" in note for note in result.notes)


def test_simulate_is_reproducible_and_never_overwrites(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    checkin = load_content(HERE.parent / "data").checkin
    mine = "My own client: a family firm that wants a second opinion on its pension plan."
    with BuiltCohort.open(a).store() as store:
        store.submit("demo", "p01", "checkin", "trust_profile",
                     {"ratings": {i.id: 3 for t in checkin.traits for i in t.items},
                      "situation": mine})
    fresh = BuiltCohort.open(b).simulate(seed=7)
    assert BuiltCohort.open(a).simulate(seed=7) == fresh - 1  # p01's own answer stays
    assert BuiltCohort.open(a).simulate(seed=7) == 0
    with BuiltCohort.open(a).store() as sa, BuiltCohort.open(b).store() as sb:
        assert sa.latest_answer("demo", "p01", "checkin", "trust_profile").payload[
            "situation"] == mine
        ours = sa.module_answers("demo", "purpose")
        theirs = sb.module_answers("demo", "purpose")
        assert ours["payload"].tolist() == theirs["payload"].tolist()
        assert ours["submitted_at"].tolist() == theirs["submitted_at"].tolist()
        assert set(ours["source"]) == {"simulated"}


def test_run_modules_write_notebooks_and_html(tmp_path):
    out = tmp_path / "demo"
    build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    runs = day.run(out, "purpose", simulate=True, seed=3)
    assert [r.module for r in runs] == ["purpose"]
    executed = nbformat.read(runs[0].notebook, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)
    assert not any(o.output_type == "error" for o in outputs)
    page = runs[0].html.read_text()
    assert page.count('src="data:image/svg+xml;base64') == 2  # charts inline, no CDN needed
    assert "Most often read the other way" in page
    assert "room = wk.FacilitatorSession" not in page  # no code on the projector page
    assert not (out / "results/01_checkin.ipynb").exists()


def test_unknown_module_is_refused(tmp_path):
    out = tmp_path / "demo"
    build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    with pytest.raises(ParameterError, match=r"unknown module\(s\) lunch in --modules; choose "
                                             r"from: checkin, purpose, roleplay"):
        day.run(out, "checkin,lunch")
    with pytest.raises(ParameterError, match="is not a built cohort"):
        day.run(tmp_path)


def test_failing_module_names_module_cell_and_path_and_others_still_run(repo_copy, tmp_path):
    shutil.copy(HERE / "notebooks/broken_facilitator.ipynb",
                repo_copy / "facilitator/02_purpose.ipynb")
    out = tmp_path / "demo"
    build(repo_copy / "data/cohorts/demo.yaml", repo_copy / "data", out)
    # two modules, the broken one first: the one after it still runs (every facilitator
    # notebook runs under nbval; a whole-day `run` here repeated that for ~50 s)
    with pytest.raises(RunError) as err:
        day.run(out, "purpose,dilemma", simulate=True)
    message = str(err.value)
    assert message.startswith("module 'purpose' failed in cell 4 (`room.opening(\"purpse\")`): "
                              "ContentError: unknown module 'purpse'; choose from: checkin, "
                              "purpose")
    assert "; the notebook with the error is at " in message
    assert message.endswith(str(out / "results/02_purpose.ipynb"))
    assert (out / "results/04_dilemma.html").is_file()
    assert (out / "results/02_purpose.ipynb").is_file()
    assert not (out / "results/01_checkin.ipynb").exists()  # only the modules asked for


def test_plan_build_is_pure(tmp_path):
    out = tmp_path / "never"
    _, files, _ = plan_build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out)
    assert len(files) == BUILD_FILES and not out.exists()


def test_store_of_a_built_cohort(tmp_path):
    out = tmp_path / "demo"
    build(HERE.parent / "data/cohorts/demo.yaml", HERE.parent / "data", out,
          store_url=f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    with BuiltCohort.open(out).store() as store:
        assert isinstance(store, Store) and store.path == tmp_path / "elsewhere.sqlite"


def test_a_module_type_twice_gets_its_own_pairs_records_and_answers(tmp_path):
    """Two agenda lines of one type (the gift, as 'gift' and 'gift2'): each has its own round
    of the pairings, its own records in the store and its own simulated answers, all keyed by
    the agenda id."""
    data = HERE.parent / "data"
    one_day = load_content(data)
    again = one_day.agenda.module("gift").model_copy(update={"id": "gift2"})
    assert again.type == "gift"
    two = one_day.model_copy(update={
        "agenda": one_day.agenda.model_copy(update={"modules": [*one_day.agenda.modules, again]}),
        "modules": {**one_day.modules, "gift2": one_day.modules["gift"]}})
    people = load_cohort(data / "cohorts/demo.yaml")
    plans = cohort.plan_modules(two, people)
    first = plans["gift"].records["pairs"]["groups"]
    second = plans["gift2"].records["pairs"]["groups"]
    assert pairs_of(first) and pairs_of(first).isdisjoint(pairs_of(second))
    assert plans["checkin"] == cohort.ModulePlan()  # a type with no build part adds nothing
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    manifest = {"cohort": {"id": "demo"}, "store_url": url,
                "modules": [{"id": m, "records": plans[m].records} for m in ("gift", "gift2")]}
    assert cohort.publish_records(manifest) == 2
    assert cohort.publish_records(manifest) == 0  # unchanged: nothing written
    with Store(url) as store:
        assert store.latest_answer("demo", "facilitator", "gift2", "pairs").payload == {
            "groups": second}
        written = simulate(store, "demo", people.date, list(people.participants), two,
                           load_simulation(data), seed=1, modules=["gift", "gift2"])
        assert written == 2 * (12 + 12)  # per module: 12 plans, 12 feedbacks on a partner
        for module, groups in (("gift", first), ("gift2", second)):
            feedback = [a for a in store.module_answers("demo", module).itertuples()
                        if a.exercise.startswith("gift_feedback:")]
            assert len(feedback) == 12
            assert all({a.participant, a.exercise.split(":", 1)[1]} <= set(g)
                       for a in feedback for g in groups if a.participant in g)


def test_simulation_yaml_is_checked_section_by_section(repo_copy):
    path = repo_copy / "data/simulation.yaml"
    text = path.read_text()
    line = text.splitlines().index("checkin:") + 2
    path.write_text(text.replace("checkin:\n  situations:\n    consulting:",
                                 "checkin:\n  situations:\n    plumbing:"))
    with pytest.raises(ContentError, match=rf"simulation.yaml:{line}: field 'checkin.situations' "
                                           r"is wrong: 'plumbing' is not a practice area; use one "
                                           r"of: consulting, "):
        load_simulation(repo_copy / "data")
    path.write_text(text + "lunch:\n  menu: []\n")
    with pytest.raises(ContentError, match=rf"simulation.yaml:{len(text.splitlines()) + 1}: "
                                           r"section 'lunch' names no module type with simulated "
                                           r"answers; use one of: checkin, "):
        load_simulation(repo_copy / "data")
    path.write_text("")  # no material at all: each type's defaults
    assert load_simulation(repo_copy / "data").material("gift").plans == {}
