"""Fear of selling, a library module: its content and answers, what the room may see (the map
of reluctance as aggregates of at least MIN_GROUP people, and only the rewrites their authors
shared, never with a name), through a real store and a real response service."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workshop_kit import modules
from workshop_kit.access import FacilitatorStore
from workshop_kit.analysis import MIN_GROUP
from workshop_kit.answers import check_answer
from workshop_kit.client import FacilitatorClient, ParticipantClient
from workshop_kit.content import load_content, load_module_content
from workshop_kit.errors import AnswerError, ContentError, WorkshopKitError
from workshop_kit.modules.fear import room as fear_room
from workshop_kit.modules.fear.rules import SHARED_REWRITES
from workshop_kit.service import ServiceConfig
from workshop_kit.store import FACILITATOR, Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FULL_DAY = "agendas/full_day.yaml"
MODULE = "fear"
SECRET = "Quarterly check-in call with the pension client I never make"


@pytest.fixture(scope="module")
def day():
    return load_content(DATA, agenda=FULL_DAY)


@pytest.fixture(scope="module")
def fear(day):
    return day.modules[MODULE]


def ratings(fear, value: int) -> dict:
    return {"ratings": {s.id: value for s in fear.sources}}


def rewrite(text: str, share: bool) -> dict:
    return {"moment": f"{text}: the moment I dread most.",
            "rewrite": f"{text}: rewritten as a conversation about what the client needs.",
            "share_with_facilitator": share}


def frame(rows: list[tuple[str, str, dict]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["participant", "exercise", "payload"])


# -- content -----------------------------------------------------------------------------------


def test_the_full_day_has_the_fear_module_and_its_content_loads(day, fear):
    assert [m.id for m in day.agenda.modules].index(MODULE) == 2  # after the purpose of selling
    assert day.agenda.type_of(MODULE) == "fear"
    assert modules.get("fear").part("content").Content is type(fear)
    assert fear.personal is True
    assert fear.exercises == ("fear_sources", "fear_rewrite")
    assert {s.id for s in fear.sources} >= {"rejection", "pushy", "self_interest", "money"}
    assert fear.rewrite.example is not None
    # the default agenda keeps its one-day length: fear is a library module
    assert MODULE not in load_content(DATA).modules


def test_validate_checks_the_full_day_with_fear():
    from workshop_kit.cohort import validate

    lines = validate(DATA, [])
    at = lines.index(next(line for line in lines if line.startswith(str(DATA / FULL_DAY))))
    full = load_content(DATA, agenda=DATA / FULL_DAY)
    assert MODULE in full.modules
    assert lines[at].endswith(f"{len(full.agenda.modules)} modules, "
                              f"{sum(m.minutes for m in full.agenda.modules)} minutes")
    assert f"{DATA / 'modules/fear.yaml'}: ok" in lines[at:]


@pytest.mark.parametrize(("change", "expected"), [
    (("  - id: pushy\n", "  - id: rejection\n"),
     r"fear\.yaml:\d+: field 'sources\.1\.id' repeats the source 'rejection'"),
    (("  max: 5\n", "  max: 1\n"), r"fear\.yaml:\d+: field 'scale\.max' is 1, must be above"),
    (("question: How", "questoin: How"), r"fear\.yaml:\d+: field 'question' is missing"),
    (("personal: true", "personal: false"), r"fear\.yaml:\d+: field 'personal' must be one of"),
    (("    min_chars: 30\n", "    min_chars: 3000\n"),
     r"fear\.yaml:\d+: field 'rewrite\.rewrite\.min_chars' is 3000, must be at most"),
])
def test_a_bad_fear_file_gives_one_line_naming_file_line_and_field(tmp_path, change, expected):
    text = (DATA / "modules/fear.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "fear.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ContentError, match=expected) as caught:
        load_module_content("fear", path)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:")
    line = int(first.split(":")[1])
    assert 1 < line <= len(text.splitlines())


# -- answers -----------------------------------------------------------------------------------


def test_answers_are_checked_against_the_content(day, fear):
    assert check_answer(day, MODULE, "fear_sources", ratings(fear, 4), participant="p1") == \
        ratings(fear, 4)
    too_high = ratings(fear, 3)
    too_high["ratings"]["money"] = 6
    with pytest.raises(AnswerError) as caught:
        check_answer(day, MODULE, "fear_sources", too_high, participant="p1")
    assert str(caught.value) == ("answer to fear/fear_sources: field 'ratings.money' is 6, "
                                 "must be from 1 to 5")
    missing = ratings(fear, 3)
    del missing["ratings"]["pushy"]
    with pytest.raises(AnswerError, match=r"field 'ratings\.pushy' is missing"):
        check_answer(day, MODULE, "fear_sources", missing, participant="p1")
    with pytest.raises(AnswerError, match=r"field 'rewrite' has 5 characters, must have at "
                                          r"least 30"):
        check_answer(day, MODULE, "fear_rewrite", {**rewrite("x", True), "rewrite": "short"},
                     participant="p1")
    with pytest.raises(AnswerError, match=r"field 'share_with_facilitator' is 'yes'"):
        check_answer(day, MODULE, "fear_rewrite", {**rewrite("x", True),
                                                   "share_with_facilitator": "yes"},
                     participant="p1")
    with pytest.raises(AnswerError, match=r"'fear_secret' is not an exercise of module 'fear'; "
                                          r"use one of: fear_sources, fear_rewrite"):
        check_answer(day, MODULE, "fear_secret", {}, participant="p1")


# -- what the room may see ---------------------------------------------------------------------


def test_the_map_shows_nothing_for_fewer_than_min_group_people(fear):
    two = frame([(f"p{i}", "fear_sources", ratings(fear, 5)) for i in range(MIN_GROUP - 1)])
    assert fear_room.reluctance_map(two, fear).empty
    chart = fear_room.map_chart(fear_room.reluctance_map(two, fear), fear).to_dict()
    assert "Shown once at least 3 people" in str(chart)


def test_the_map_keeps_only_figures_of_min_group_or_more(fear):
    rng = random.Random(4)
    rows = [(f"p{i}", "fear_sources", {"ratings": {s.id: (5 if i < 3 else rng.choice([1, 2]))
                                                   for s in fear.sources}})
            for i in range(5)]
    rows.append((FACILITATOR, "fear_sources", ratings(fear, 1)))  # never counted
    table = fear_room.reluctance_map(frame(rows), fear)
    assert list(table["people"]) == [5] * len(fear.sources)
    assert table["mean"].iloc[0] >= table["mean"].iloc[-1]  # strongest first
    for counts, high in zip(table["counts"], table["high"], strict=True):
        assert counts.get(5) == 3 and all(n >= MIN_GROUP for n in counts.values())
        assert high == 3
    # the chart's data are the aggregates: no rating given by fewer than three, no one's id
    spec = fear_room.map_chart(table, fear).to_dict()
    datasets = spec["datasets"].values()
    assert all(row.get("people", MIN_GROUP) >= MIN_GROUP for rows in datasets for row in rows)
    assert "p1" not in str(spec)
    # two people of five rated 1 or 2: counts under three are not drawn, not listed
    assert all(set(c) <= {1, 2, 5} for c in table["counts"])


def test_shared_rewrites_are_text_only_and_wait_for_min_group(fear):
    rows = [("p1", "fear_rewrite", rewrite("Shared one", True)),
            ("p2", "fear_rewrite", rewrite(SECRET, False))]
    assert fear_room.shared_rewrites(frame(rows), fear).empty
    rows.append(("p3", "fear_rewrite", rewrite("Shared two", True)))
    shared = fear_room.shared_rewrites(frame(rows), fear)
    assert list(shared.columns) == ["moment", "rewrite"] and len(shared) == 2
    assert SECRET not in shared.to_string() and "p1" not in shared.to_string()


# -- through the response service --------------------------------------------------------------

TOKENS = {f"p{i}": f"t{i}" for i in range(1, 6)} | {FACILITATOR: "tf"}


@pytest.fixture
def service(tmp_path, serve_config, day):
    url = f"sqlite:///{tmp_path / 'responses.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", TOKENS)
    return url, serve_config(ServiceConfig(url, str(DATA), "c", content=day))


def client(service_url: str, who: str) -> ParticipantClient | FacilitatorClient:
    if who == FACILITATOR:
        return FacilitatorClient(service_url, "c", TOKENS[who])
    return ParticipantClient(service_url, "c", who, TOKENS[who])


def test_the_service_refuses_an_out_of_range_rating_and_stores_nothing(service, fear):
    store_url, url = service
    bad = ratings(fear, 3)
    bad["ratings"]["rejection"] = 0
    with pytest.raises(WorkshopKitError) as caught:
        client(url, "p1").submit("c", "p1", MODULE, "fear_sources", bad)
    assert "field 'ratings.rejection' is 0, must be from 1 to 5" in str(caught.value)
    assert "\n" not in str(caught.value)
    with Store(store_url) as store:
        assert store.count("c") == 0


def test_an_unshared_rewrite_never_reaches_the_room_the_cockpit_or_the_export(service, fear,
                                                                              day):
    store_url, url = service
    for i in range(1, 5):
        who = f"p{i}"
        client(url, who).submit("c", who, MODULE, "fear_sources", ratings(fear, 2 + i % 3))
        text = SECRET if i == 4 else f"Shared moment {i}"
        client(url, who).submit("c", who, MODULE, "fear_rewrite", rewrite(text, i != 4))
    facilitator = client(url, FACILITATOR)
    # the facilitator's tables
    answers = facilitator.module_answers("c", MODULE, "fear_rewrite")
    assert SECRET not in str(list(answers["payload"]))
    shared = fear_room.shared_rewrites(answers, fear)
    assert len(shared) == 3 and SECRET not in shared.to_string()
    # the cockpit follows answers as they arrive
    arrived = facilitator.answers_since("c", MODULE)
    assert len(arrived) == 8 and SECRET not in str([a.payload for a in arrived])
    assert not {a.participant for a in arrived} & set(TOKENS)  # pseudonyms only
    # a participant, once revealed: the map from numbers, the shared rewrites without names
    facilitator.set_exercise_state("c", MODULE, "fear_sources", revealed=True)
    shown = client(url, "p1").room_results("c", MODULE, "fear_sources")
    assert shown["state"] == "shown", shown
    with Store(store_url) as store:  # the map the service drew, from the room's numbers
        expected = fear_room.map_chart(fear_room.reluctance_map(
            FacilitatorStore(store, "c", "tf", {MODULE}).module_answers("c", MODULE,
                                                                        "fear_sources"),
            fear), fear).to_dict()
    assert shown["chart"]["datasets"] == expected["datasets"]
    p1 = client(url, "p1")
    assert p1.rule("c", SHARED_REWRITES, module=MODULE) is None  # not revealed yet
    facilitator.set_exercise_state("c", MODULE, "fear_rewrite", revealed=True)
    seen = p1.rule("c", SHARED_REWRITES, module=MODULE)
    assert len(seen) == 3 and SECRET not in str(seen)
    assert all(set(r) == {"moment", "rewrite"} for r in seen)
    assert seen == p1.rule("c", SHARED_REWRITES)  # the day's one fear module by default
    with Store(store_url) as store:
        # the export: every version the facilitator may see, none unshared, no names
        exported, withheld = FacilitatorStore(store, "c", "tf", {MODULE}).answers("c")
    assert SECRET not in str([a.payload for a in exported])
    assert withheld == 5  # the four ratings (numbers) and the unshared rewrite
    assert not {a.participant for a in exported} & set(TOKENS)


# -- simulation --------------------------------------------------------------------------------


def test_simulated_answers_pass_their_schemas_and_most_share(tmp_path, day, fear):
    from workshop_kit.content import Participant
    from workshop_kit.simulate import load_simulation, simulate

    sim = load_simulation(DATA)
    people = [Participant(id=f"p{i:02d}", name=f"P {i}", email=f"p{i}@example.com",
                          practice_area="consulting") for i in range(12)]
    with Store(f"sqlite:///{tmp_path / 'sim.sqlite'}") as store:
        assert simulate(store, "c", "2026-12-03", people, day, sim, modules=[MODULE]) == 24
        made = store.module_answers("c", MODULE)
    assert len(made) == 24
    for who, exercise, payload in zip(made["participant"], made["exercise"], made["payload"],
                                      strict=True):
        assert check_answer(day, MODULE, exercise, payload, participant=who)
    rewrites = made[made["exercise"] == "fear_rewrite"]["payload"]
    assert {p["moment"] for p in rewrites} <= {r.moment for r in sim.material("fear").rewrites}
    assert 5 <= sum(p["share_with_facilitator"] for p in rewrites) <= 11


def test_the_module_folder_works_copied_under_another_name(tmp_path, day):
    """Relative imports only: the folder copied as an outside package still loads its parts."""
    import importlib
    import sys

    shutil.copytree(REPO / "src/workshop_kit/modules/fear", tmp_path / "acme_fear")
    sys.path.insert(0, str(tmp_path))
    try:
        for part in ("content", "answers", "room", "rules", "simulate", "cockpit", "forms",
                     "participant", "facilitator", "report"):
            importlib.import_module(f"acme_fear.{part}")
        copied = importlib.import_module("acme_fear.content")
        assert copied.Content.model_validate(day.modules[MODULE].model_dump())
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("acme_fear")]:
            del sys.modules[name]


def test_the_simulation_material_is_checked_with_its_line(tmp_path):
    from workshop_kit.simulate import load_simulation

    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data/simulation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    money: 0.6\n", "    money: lots\n"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"simulation\.yaml:\d+: field 'fear\.lean\.money'"
                       ) as caught:
        load_simulation(tmp_path / "data")
    line = int(str(caught.value).split(":")[1])
    assert text.splitlines()[line - 1].strip() == "money: 0.6"
    path.write_text(text + "feer:\n  lean: {}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"simulation\.yaml:\d+: section 'feer' names no "
                                           r"module type with simulated answers; use one of: "
                                           r".*fear"):
        load_simulation(tmp_path / "data")


def report_data(tmp_path, day, rows):
    """The real `report.ReportData` over a real store holding `rows` (cohort 'c')."""
    from types import SimpleNamespace

    from workshop_kit.report import ReportData

    store = Store(f"sqlite:///{tmp_path / f'report-{len(rows)}.sqlite'}")
    for who, exercise, payload in rows:
        store.submit("c", who, MODULE, exercise, payload)
    return ReportData(SimpleNamespace(cohort_id="c"), day, store)


def test_report_pages_keep_unshared_rewrites_to_their_author(tmp_path, day, fear):
    from workshop_kit.modules.fear import report

    rows = [(f"p{i}", "fear_sources", ratings(fear, 1 + i)) for i in range(1, 5)]
    rows += [(f"p{i}", "fear_rewrite", rewrite(SECRET if i == 4 else f"Told {i}", i != 4))
             for i in range(1, 5)]
    data = report_data(tmp_path, day, rows)
    cohort = report.cohort_section(data, MODULE)
    assert "<img" in cohort and "Told 1" in cohort and SECRET not in cohort
    assert "4 participant(s) rated" in cohort and "3 shared it" in cohort
    mine = report.section(data, "p4", MODULE)
    assert SECRET in mine and "Told 1" not in mine  # their own words, nobody else's
    assert "<td>Hearing no</td><td>5</td><td>3.5</td>" in mine  # their rating, the room's mean
    theirs = report.section(data, "p1", MODULE)
    assert SECRET not in theirs
    # two people: no room figure, no shared text
    alone = report_data(tmp_path, day, rows[:2] + rows[4:6])
    assert "<td>Hearing no</td><td>2</td><td>–</td>" in report.section(alone, "p1", MODULE)
    small = report.cohort_section(alone, MODULE)
    assert "<img" not in small and "Told" not in small
    assert report.compare(data, MODULE) == {"strongest source of reluctance": "Hearing no",
                                            "rewrites shared": 3}
    data.close()
    alone.close()


# -- a built cohort on the full-day agenda -----------------------------------------------------


@pytest.fixture
def full_day_built(tmp_path):
    """The demo cohort built with the full-day agenda (a copy of the repository whose
    agenda.yaml is agendas/full_day.yaml), its answers simulated."""
    from workshop_kit.cohort import BuiltCohort, build

    root = tmp_path / "repo"
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(root / "data" / FULL_DAY, root / "data/agenda.yaml")
    out = tmp_path / "out"
    build(root / "data/cohorts/demo.yaml", root / "data", out,
          f"sqlite:///{tmp_path / 'responses.sqlite'}")
    return BuiltCohort.open(out)


def test_build_and_run_simulate_run_the_fear_notebooks(full_day_built):
    import nbformat

    from workshop_kit.day import run

    built = full_day_built
    people = [p["id"] for p in built.manifest["participants"]]
    assert all((built.folder / "participants" / p / "03_fear.ipynb").is_file() for p in people)
    with Store(built.manifest["store_url"]) as store:  # one person's own, unshared
        store.submit(built.cohort_id, people[0], MODULE, "fear_rewrite", rewrite(SECRET, False))
    runs = run(built.folder, modules=MODULE, simulate=True)
    assert [r.module for r in runs] == [MODULE] and runs[0].error is None
    with Store(built.manifest["store_url"]) as store:
        rated = store.module_answers(built.cohort_id, MODULE, "fear_sources")
        wrote = store.module_answers(built.cohort_id, MODULE, "fear_rewrite")
    assert set(rated["participant"]) == set(people) == set(wrote["participant"])
    shared = [p for p in wrote["payload"] if p["share_with_facilitator"]]
    assert 3 <= len(shared) < len(people)
    executed = nbformat.read(runs[0].notebook, as_version=4)
    shown = "\n".join(str(o) for c in executed.cells for o in c.get("outputs", []))
    assert "<svg" in shown or "image/svg" in shown  # the map of reluctance
    assert "chose to share it" in shown
    page = runs[0].html.read_text(encoding="utf-8")
    assert shared[0]["rewrite"] in shown
    assert SECRET not in shown and SECRET not in page
    # the reports: the cohort page maps and lists shared rewrites; the secret stays with its
    # author's own page
    from workshop_kit.report import build_reports

    reports = build_reports(built.folder)
    cohort = reports.cohort.read_text(encoding="utf-8")
    assert "Fear of selling" in cohort and shared[0]["rewrite"] in cohort
    assert SECRET not in cohort
    pages = {p.stem: p.read_text(encoding="utf-8") for p in reports.participants}
    assert SECRET in pages[people[0]]
    assert not any(SECRET in text for who, text in pages.items() if who != people[0])


def test_a_participant_notebook_of_the_full_day_runs_and_shows_the_room(full_day_built):
    import nbformat
    import papermill as pm

    from workshop_kit.day import local_service
    from workshop_kit.kernel import kernel_for_run

    built = full_day_built
    people = [p["id"] for p in built.manifest["participants"]]
    built.simulate(seed=1)
    with Store(built.manifest["store_url"]) as store:
        store.submit(built.cohort_id, people[0], MODULE, "fear_rewrite", rewrite(SECRET, False))
        for exercise in ("fear_sources", "fear_rewrite"):
            store.set_exercise_state(built.cohort_id, MODULE, exercise, revealed=True)
    source = built.folder / "participants" / people[1] / "03_fear.ipynb"
    target = built.folder / "p-fear.ipynb"
    with local_service(built):
        pm.execute_notebook(str(source), str(target), cwd=str(built.folder),
                            kernel_name=kernel_for_run(), progress_bar=False, log_output=False)
    executed = nbformat.read(target, as_version=4)
    outputs = {c.source.strip(): str(c.get("outputs", [])) for c in executed.cells
               if c.cell_type == "code"}
    assert "error" not in str(list(outputs.values())).lower()
    assert "<svg" in outputs["me.module(module_id).room_results()"]
    rewrites = outputs["me.module(module_id).shared_rewrites()"]
    assert "<blockquote>" in rewrites and SECRET not in rewrites
    assert people[0] not in rewrites and people[2] not in rewrites


# -- the notebooks' calls: forms and views through a real service ------------------------------


@pytest.fixture
def sessions(tmp_path, serve_store):
    """A service over a copy of data/ whose agenda is the full day; (participant session
    maker, facilitator session, store URL)."""
    from workshop_kit.session import FacilitatorSession, ParticipantSession

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(data / FULL_DAY, data / "agenda.yaml")
    url = f"sqlite:///{tmp_path / 'views.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", TOKENS)
    service = serve_store(url, "c", data)

    def me(who: str) -> ParticipantSession:
        return ParticipantSession(who, "c", service, token=TOKENS[who])

    return me, FacilitatorSession("c", service, token=TOKENS[FACILITATOR]), url


def test_the_forms_save_through_the_service_and_say_what_is_missing(sessions, fear):
    me, _room, url = sessions
    mine = me("p1").module(MODULE)
    form = mine.sources()
    assert "Rate the sources above" in mine.reframes().data
    for source in fear.sources:
        form.sliders[source.id].value = 2
    form.sliders["money"].value, form.sliders["pushy"].value = 5, 4
    assert form.submit()
    assert "Talking money" in form.reframes.value and "Feeling pushy" in form.reframes.value
    assert "Hearing no" not in form.reframes.value  # rated 2: below the scale's middle
    assert mine.reframes().data.index("Talking money") < mine.reframes().data.index("pushy")
    again = me("p1").module(MODULE).sources()
    assert again.value() == {"ratings": {**{s.id: 2 for s in fear.sources}, "money": 5,
                                         "pushy": 4}}
    rewrite_form = mine.rewrite()
    rewrite_form.moment.value = "Asking for the fee"
    rewrite_form.rewrite.value = "Helping them"
    assert not rewrite_form.submit()
    assert "at least 20 characters under “The moment I dread”" in rewrite_form.status
    rewrite_form.moment.value = "  Asking a client for a fee increase after a hard year.  "
    rewrite_form.rewrite.value = "I show what the year's work changed for them and what next " \
                                 "year needs, then name the fee and ask what would help."
    rewrite_form.share.value = True
    assert rewrite_form.submit()
    with Store(url) as store:
        saved = store.latest_answer("c", "p1", MODULE, "fear_rewrite").payload
    assert saved["moment"] == "Asking a client for a fee increase after a hard year."
    assert saved["share_with_facilitator"] is True


def test_the_room_sees_aggregates_and_shared_rewrites_only(sessions, fear):
    me, room, _url = sessions
    view = room.module(MODULE)
    assert "Shown once at least 3 people" in str(view.map_chart().to_dict())
    for i in range(1, 5):
        who = f"p{i}"
        me(who).store.submit("c", who, MODULE, "fear_sources", ratings(fear, 1 + i))
        me(who).store.submit("c", who, MODULE, "fear_rewrite",
                             rewrite(SECRET if i == 4 else f"Moment {i}", i != 4))
    assert "<b>4</b> participant(s) have rated" in view.progress().data
    assert "<b>3</b> chose to share it" in view.progress().data
    table = view.map_table()
    assert list(table["participants"]) == [4] * len(fear.sources)
    assert list(table.columns) == ["participants", "mean", "rated 4 or 5"]
    shared = view.shared_rewrites()
    assert len(shared) == 3 and SECRET not in shared.to_string()
    assert list(shared.columns) == ["The moment I dread", "The same moment, as client service"]
    assert view.reframes().index[0] == "Hearing no"
    assert "Read two shared rewrites aloud" in view.debrief_questions().data
    # a participant, before and after the reveal
    p1 = me("p1").module(MODULE)
    assert "will reveal" in p1.shared_rewrites().data
    assert "will reveal" in me("p1").room_results(MODULE).data
    for exercise in fear.exercises:
        room.store.set_exercise_state("c", MODULE, exercise, revealed=True)
    chart = p1.room_results()
    assert "people" in str(chart.to_dict()) and "p2" not in str(chart.to_dict())
    seen = p1.shared_rewrites().data
    assert seen.count("<blockquote>") == 3 and SECRET not in seen


def test_the_type_twice_keeps_two_modules_apart(tmp_path):
    """A second fear line (`id: fear_money, type: fear`) with its own content: answers,
    simulation and the room's figures are keyed by the module id."""
    from workshop_kit.content import Participant
    from workshop_kit.simulate import load_simulation, simulate

    root = tmp_path / "repo"
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    data = root / "data"
    second = (data / "modules/fear.yaml").read_text(encoding="utf-8").replace(
        "exercise: fear\n", "exercise: money_talk\n")
    (data / "modules/fear_money.yaml").write_text(second, encoding="utf-8")
    agenda = (data / FULL_DAY).read_text(encoding="utf-8")
    line = agenda[agenda.index("  - id: fear\n"):agenda.index("  - id: roleplay\n")]
    (data / "agenda.yaml").write_text(agenda.replace(line, line + line.replace(
        "id: fear\n", "id: fear_money\n").replace("modules/fear.yaml", "modules/fear_money.yaml")
        .replace("title: Fear of selling", "title: Talking money")), encoding="utf-8")
    day = load_content(data)
    assert [m.id for m in day.agenda.modules if m.type == "fear"] == ["fear", "fear_money"]
    other = day.modules["fear_money"]
    assert other.sources_exercise == "money_talk_sources"
    assert check_answer(day, "fear_money", "money_talk_sources", ratings(other, 2),
                        participant="p1")
    with pytest.raises(AnswerError, match="'fear_sources' is not an exercise of module "
                                          "'fear_money'"):
        check_answer(day, "fear_money", "fear_sources", ratings(other, 2), participant="p1")
    people = [Participant(id=f"p{i}", name=f"P {i}", email=f"p{i}@example.com",
                          practice_area="legal") for i in range(4)]
    with Store(f"sqlite:///{tmp_path / 'twice.sqlite'}") as store:
        written = simulate(store, "c", "2026-12-03", people, day, load_simulation(data),
                           modules=["fear", "fear_money"])
        assert written == 16
        first = store.module_answers("c", "fear")
        again = store.module_answers("c", "fear_money")
    assert set(first["exercise"]) == {"fear_sources", "fear_rewrite"}
    assert set(again["exercise"]) == {"money_talk_sources", "money_talk_rewrite"}
    assert len(fear_room.reluctance_map(again, other)) == len(other.sources)


def test_the_cockpit_follows_both_exercises_and_charts_only_aggregates(tmp_path, day, fear):
    from workshop_kit.cockpit import Cockpit

    with Store(f"sqlite:///{tmp_path / 'cockpit.sqlite'}") as store:
        store.register_tokens("c", TOKENS)
        for i in range(1, 5):
            store.submit("c", f"p{i}", MODULE, "fear_sources", ratings(fear, 1 + i))
            store.submit("c", f"p{i}", MODULE, "fear_rewrite",
                         rewrite(SECRET if i == 4 else f"Moment {i}", i != 4))
        guard = FacilitatorStore(store, "c", TOKENS[FACILITATOR], {MODULE})
        view = Cockpit(guard, "c", day, poll_seconds=0, module=MODULE,
                       personal_modules=frozenset({MODULE}), render_charts=False)
        try:
            assert list(view.exercise_picker.options) == [
                ("Where reluctance comes from", "fear_sources"),
                ("A dreaded moment, rewritten", "fear_rewrite")]
            view.refresh()
            assert view.chart is None  # hidden on the projector until revealed
            view.reveal()
            spec = view.chart.to_dict()
            assert "people" in str(spec) and "p1" not in str(spec)
            assert view.answered_count == 4
            assert "counts only, never names" in view.status_box.value
            view.select(MODULE, "fear_rewrite")
            view.reveal()
            assert view.chart is None and view.answered_count == 4
            assert SECRET not in view.page()
        finally:
            view.close()


def test_from_p01_s_own_kernel_nothing_of_anyone_else_and_the_store_unchanged(full_day_built):
    """What a curious participant tries from their own notebook's kernel (only its injected
    parameters: the service URL and p01's own token): read a colleague's sources or rewrite,
    the shared rewrites before the facilitator reveals them, write as someone else, store a
    rating off the scale. Every probe is refused or empty, and the store is unchanged."""
    from helpers import participant_kernel

    built = full_day_built
    built.simulate(seed=1)
    fear = built.content().modules[MODULE]
    sources, rewrite = fear.sources_exercise, fear.rewrite_exercise

    def rows() -> list:
        with built.store() as store:
            return [(a.participant, a.module, a.exercise, a.version, a.payload)
                    for a in store.answers("demo")]

    before = rows()
    assert any(r[1] == MODULE and r[0] == "p02" for r in before)  # there is something to steal
    with participant_kernel(built.folder, "p01", "*_fear.ipynb") as probe:
        refused = [
            f"me.store.latest_answer(cohort_id, 'p02', module_id, {sources!r})",
            f"me.store.latest_answer(cohort_id, 'p02', module_id, {rewrite!r})",
            "me.store.latest_many(cohort_id, module_id, ['p02', 'p03'], '')",
            f"me.store.history(cohort_id, 'p02', module_id, {rewrite!r})",
            f"me.store.submit(cohort_id, 'p02', module_id, {rewrite!r}, "
            "{'moment': 'x' * 20, 'rewrite': 'y' * 20, 'share_with_facilitator': True})",
            f"me.store.submit(cohort_id, participant_id, module_id, {sources!r}, "
            "{'ratings': {s: 1000000 for s in ['rejection']}})",
            f"me.store.rule(cohort_id, {SHARED_REWRITES!r}, module='purpose')",
        ]
        for code in refused:
            result = probe(code)
            assert not result["ok"], (code, result)
            assert result["error"] in ("AccessError", "AnswerError", "ParameterError"), (
                code, result)
        # before the facilitator reveals the rewrites, the room shows nothing of them
        shared = probe(f"me.store.rule(cohort_id, {SHARED_REWRITES!r}, module=module_id)")
        assert shared["ok"] and shared["result"] is None, shared
        room = probe(f"me.store.room_results(cohort_id, module_id, {rewrite!r})")
        assert room["ok"] and room["result"] == {"state": "hidden"}, room
        # the facilitator's controls are not reachable from a participant's session
        takeover = probe(f"me.store.set_state(cohort_id, module_id, {rewrite!r}, "
                         "locked=False, revealed=True)")
        assert not takeover["ok"], takeover
    assert rows() == before
