"""Take-home reports: one page per participant (their answers and the room's aggregates only),
the cohort summary, the comparison of cohorts, and the CLI."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from workshop_kit import cli, report
from workshop_kit.cohort import BuiltCohort, build
from workshop_kit.errors import ParameterError
from workshop_kit.store import Store

REPO = Path(__file__).resolve().parents[1]


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.images: list[str] = []
        self.scripts = 0

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        if tag == "script":
            self.scripts += 1


def parse(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.text = " ".join(" ".join(parser.parts).split())
    return parser


def _built(folder: Path, seed: int) -> BuiltCohort:
    build(REPO / "data/cohorts/demo.yaml", REPO / "data", folder)
    built = BuiltCohort.open(folder)
    built.simulate(seed)
    return built


@pytest.fixture(scope="module")
def reported(tmp_path_factory, copy_demo):
    folder = tmp_path_factory.mktemp("report") / "demo"
    built = copy_demo(folder)  # the demo, built and simulated with seed 1
    return built, report.build_reports(folder)


def _latest(built, pid, module, exercise):
    # the store's own rows: built.store() would load and check the content on every call
    with Store(built.manifest["store_url"]) as store:
        return store.latest_answer(built.cohort_id, pid, module, exercise).payload


def test_one_page_per_participant_and_a_cohort_summary(reported):
    built, result = reported
    assert result.folder == built.folder / "reports"
    assert sorted(p.name for p in result.participants) == [f"p{i:02d}.html" for i in
                                                           range(1, 13)]
    assert result.cohort.name == "cohort.html"
    for page in [*result.participants, result.cohort]:
        parsed = parse(page)
        assert parsed.scripts == 0  # opens anywhere, offline
        assert "&lt;" not in page.read_text()  # no section's HTML escaped twice
        assert parsed.images and all(i.startswith("data:image/svg+xml;base64,")
                                     for i in parsed.images)


def test_a_page_holds_the_participants_own_answers_and_nobody_elses(reported):
    built, result = reported
    page = parse(result.folder / "p02.html").text
    mine = _latest(built, "p02", "drill", "drill_definition")
    assert " ".join(mine["definition"].split()) in page
    assert "How an experienced adviser reads it" in page and "plain word match" in page
    for item in _latest(built, "p02", "wrapup", "commitments")["commitments"]:
        assert item["text"] in page and item["due"] in page
    strategy = _latest(built, "p02", "dilemma", "strategy")
    assert f"Your strategy, {strategy['name']}" in page and "in the cohort tournament" in \
        page.lower()
    assert "Your live rounds" in page and "Role-play: you as the seller" in page
    assert "Room, morning" in page  # the room's aggregates sit beside their own
    plan = _latest(built, "p02", "gift", "gift_plan")
    assert plan["bring"] in page and "What your partner wrote about it" in page
    assert "Bernd Keller" in page  # p02's own name
    others = [p for p in built.manifest["participants"] if p["id"] != "p02"]
    for other in others:
        assert other["name"] not in page
        theirs = _latest(built, other["id"], "drill", "drill_definition")["definition"]
        if theirs != mine["definition"]:
            assert " ".join(theirs.split()) not in page
        situation = _latest(built, other["id"], "checkin", "trust_profile")["situation"]
        assert situation not in page
        commitments = _latest(built, other["id"], "wrapup", "commitments")["commitments"]
        mine_texts = {c["text"] for c in _latest(built, "p02", "wrapup", "commitments")[
            "commitments"]}
        assert not any(c["text"] in page for c in commitments if c["text"] not in mine_texts)
    # the observers' notes and the buyer's reflection on p02's own round as seller are
    # theirs to read (as on screen); those on anyone else's round stay out
    sold = {(g["id"], r["round"]) for g in built.records("roleplay")["groups"]["groups"]
            for r in g["rounds"] if r["seller"] == "p02"}
    with built.store() as store:
        said = [(a.payload, (a.payload["group"], a.payload["round"]) in sold)
                for a in store.answers(built.cohort_id)
                if a.exercise.startswith(("roleplay_observation", "roleplay_reflection"))]
    words = [(p.get("note") or p.get("trust"), own) for p, own in said]
    mine_said = {w for w, own in words if own}
    assert mine_said and all(w in page for w in mine_said)
    assert not any(w in page for w, own in words if not own and w not in mine_said)


def test_the_cohort_summary_has_aggregates_and_no_ones_words(reported):
    built, result = reported
    page = parse(result.cohort).text
    assert "Trust profile, morning and end of day" in page and "12 participants" in page
    assert "Problem-definition drill" in page and "commitment(s)" in page
    assert "The dilemma" in page and "Role-play" in page and "Risky gifts" in page
    for person in built.manifest["participants"]:
        assert person["name"] not in page
        definition = _latest(built, person["id"], "drill", "drill_definition")["definition"]
        assert " ".join(definition.split()) not in page
    assert len(re.findall(r"<img ", result.cohort.read_text())) >= 6


def test_compare_puts_cohorts_side_by_side(reported, tmp_path):
    built, _ = reported
    other = _built(tmp_path / "demo-b", seed=4)
    page = report.compare([built.folder, other.folder], tmp_path / "cmp")
    assert page == tmp_path / "cmp/compare.html"
    text = parse(page).text
    assert "Demo cohort [demo]" in text and "Demo cohort [demo-b]" in text
    for measure in ("credibility (morning)", "intimacy (end)", "live sharing: partners",
                    "tournament sharing (cohort strategies)", "drill votes: retail_pricing"):
        assert measure in text
    with pytest.raises(ParameterError, match="at least two cohort folders"):
        report.compare([built.folder], tmp_path / "cmp")


def test_cli_report_and_compare_make_one_call(monkeypatch, capsys, tmp_path):
    calls = []
    result = report.ReportResult(tmp_path, [tmp_path / "p01.html"], tmp_path / "cohort.html",
                                 1.5)
    monkeypatch.setattr(report, "build_reports", lambda *a: calls.append(a) or result)
    monkeypatch.setattr(report, "compare",
                        lambda *a: calls.append(a) or tmp_path / "compare.html")
    assert cli.main(["report", "build/demo", "--out", "x"]) == 0
    assert "wrote 1 participant pages and cohort.html" in capsys.readouterr().out
    assert cli.main(["report", "--compare", "a", "b"]) == 0
    assert "comparison of 2 cohorts" in capsys.readouterr().out
    assert calls == [(Path("build/demo"), Path("x")),
                     ([Path("a"), Path("b")], Path("build/compare"))]
    assert cli.main(["report"]) == 2


def test_demo_prints_where_the_reports_are(monkeypatch, capsys, tmp_path):
    from workshop_kit import cohort, day

    pages = report.ReportResult(tmp_path / "reports", [tmp_path / "p01.html"],
                                tmp_path / "reports/cohort.html", 1.0)
    result = day.DemoResult(cohort.BuildResult(tmp_path, [], 0, 0, []), "sqlite:///s", 3, 1,
                            [], None, pages)
    monkeypatch.setattr(day, "demo", lambda *a: result)
    assert cli.main(["demo"]) == 0
    assert f"take-home reports: {tmp_path / 'reports'} (1 participants + cohort.html)" in \
        capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# A cohort too big for altair's 5,000 rows, and each page its own person's only

CROWD = 700  # x 4 traits x 2 stages = 5,600 trust scores: over altair's 5,000-row limit


def _crowd_answers(content, cohort: str, people: list[str]) -> list:
    """Each person's morning and end-of-day ratings and commitments, every text marked with
    its author so a page shows whose words it holds."""
    from workshop_kit.store import Submission

    checkin, wrapup = content.modules["checkin"], content.modules["wrapup"]
    items = [item.id for _trait, item in checkin.items()]
    batch = []
    for n, pid in enumerate(people):
        rate = {item: 1 + (n + i) % 5 for i, item in enumerate(items)}
        batch += [
            Submission(cohort, pid, "checkin", checkin.exercise,
                       {"ratings": rate, "situation": f"situation-of-{pid}: a client stuck on "
                                                      "scope for three months"}),
            Submission(cohort, pid, "wrapup", wrapup.trust_after.exercise,
                       {"ratings": {k: 1 + (v % 5) for k, v in rate.items()},
                        "situation": f"next-step-of-{pid}"}),
            Submission(cohort, pid, "wrapup", wrapup.exercise,
                       {"commitments": [{"text": f"commitment-of-{pid}: call the client",
                                         "due": "2026-12-10"}]})]
    return batch


@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    import shutil

    import yaml

    from workshop_kit.store import Store

    root = tmp_path_factory.mktemp("crowd")
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    agenda = yaml.safe_load((root / "data/agenda.yaml").read_text())
    agenda["modules"] = [m for m in agenda["modules"] if m["id"] in ("checkin", "wrapup")]
    (root / "data/agenda.yaml").write_text(yaml.safe_dump(agenda, sort_keys=False))
    areas = ["consulting", "accounting", "legal", "it_services", "financial_planning"]
    roster = ["id,name,email,practice_area,team"] + [
        f"c{i:04d},Person Number{i:04d},c{i}@example.com,{areas[i % 5]},t{i % 3}"
        for i in range(CROWD)]
    (root / "data/cohorts/demo-roster.csv").write_text("\n".join(roster) + "\n")
    build(root / "data/cohorts/demo.yaml", root / "data", root / "out")
    built = BuiltCohort.open(root / "out")
    people = [p["id"] for p in built.manifest["participants"]]
    with Store(built.manifest["store_url"]) as store:
        results = store.submit_batch(_crowd_answers(built.content(), built.cohort_id, people))
    assert not [r for r in results if isinstance(r, Exception)]
    # the cohort page, then every 50th participant's page (each page costs a chart)
    with report.ReportData.open(root / "out") as data:
        cohort = report._write(root / "cohort.html", report.cohort_page(data))
        pages = [report._write(root / f"{p['id']}.html", report.participant_page(data, p))
                 for p in data.people[::50] + data.people[-1:]]
    return built, report.ReportResult(root, pages, cohort, 0.0)


def test_a_cohort_over_altairs_row_limit_gets_its_cohort_page(crowd):
    import altair as alt
    import pandas as pd

    _, result = crowd
    with pytest.raises(alt.MaxRowsError):  # one row per person and trait would trip it
        alt.Chart(pd.DataFrame({"score": range(CROWD * 8)})).mark_bar().to_dict()
    page = parse(result.cohort)
    assert f"{CROWD} participants" in page.text
    assert "Trust profile, morning and end of day" in page.text
    assert f"{CROWD} participant(s) wrote {CROWD} commitment(s)" in page.text
    assert len(page.images) == 1 and page.scripts == 0
    assert "situation-of-" not in page.text and "commitment-of-" not in page.text


def test_each_page_of_a_big_cohort_holds_its_own_persons_words_only(crowd):
    _, result = crowd
    marks = re.compile(r"(?:situation|next-step|commitment)-of-(c\d{4})")
    assert len(result.participants) == CROWD // 50 + 1
    for path in result.participants:
        pid = path.stem
        text = parse(path).text
        assert {m.group(1) for m in marks.finditer(text)} == {pid}, path.name
        assert f"situation-of-{pid}" in text and f"commitment-of-{pid}" in text
        assert "Room, morning" in text  # the room's means beside their own


def test_the_wrap_up_finds_the_morning_profile_by_capability_not_by_name(crowd):
    """The wrap-up's report part names no other module: it asks for 'trust_profile'."""
    built, _ = crowd
    wrapup = (REPO / "src/workshop_kit/modules/wrapup/report.py").read_text()
    assert "checkin" not in wrapup
    core = (REPO / "src/workshop_kit/report.py").read_text()
    for module_type in ("checkin", "purpose", "roleplay", "dilemma", "drill", "gift",
                        "wrapup"):
        assert f'"{module_type}"' not in core and f"'{module_type}'" not in core
    with report.ReportData.open(built.folder) as data:
        found = data.provider("trust_profile", before="wrapup")
        assert found is not None and found[0] == "checkin"
        profile = found[1](data, found[0])
        assert isinstance(profile, report.TrustProfile) and profile.scale == (1, 5)
        assert data.provider("no such capability") is None


def test_a_big_tournament_is_played_in_blocks_with_the_same_scores():
    """Without noise a blocked round robin scores exactly like the one-piece tournament."""
    from workshop_kit.game import CLASSICS, play_tournament
    from workshop_kit.modules.dilemma import analysis
    from workshop_kit.modules.dilemma.report import blocked_tournament

    players = list(CLASSICS)[:9]
    whole = analysis.leaderboard(play_tournament(players, turns=50, repetitions=3, noise=0.0,
                                                 payoffs="classic", seed=1), [])
    blocks = blocked_tournament(players, [], turns=50, repetitions=3, noise=0.0,
                                payoffs="classic", seed=1, block=7)
    assert list(blocks["player"]) == list(whole["player"])
    assert blocks["median_per_round"].round(9).tolist() == \
        whole["median_per_round"].round(9).tolist()
    assert blocks["cooperation_rate"].round(9).tolist() == \
        whole["cooperation_rate"].round(9).tolist()


def test_two_modules_sections_with_one_heading_are_told_apart_by_agenda_title():
    from workshop_kit.content import load_content

    content = load_content(Path(__file__).resolve().parents[1] / "data",
                           check_notebooks=False)
    shown = report.told_apart(content, [
        ("checkin", "<h2>Trust profile</h2><p>a</p><h2>Only here</h2>"),
        ("purpose", "<h2>What is selling for?</h2>"),
        ("wrapup", "<h2>Trust profile</h2><p>b</p>")])
    assert shown == [
        "<h2>Trust profile · Check-in and your trust profile</h2><p>a</p><h2>Only here</h2>",
        "<h2>What is selling for?</h2>",
        "<h2>Trust profile · Wrap-up and your trust profile again</h2><p>b</p>"]
