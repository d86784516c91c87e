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
    sold = {(g["id"], r["round"]) for g in built.manifest["roleplay_groups"]
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
    from workshop_kit import cohort

    pages = report.ReportResult(tmp_path / "reports", [tmp_path / "p01.html"],
                                tmp_path / "reports/cohort.html", 1.0)
    result = cohort.DemoResult(cohort.BuildResult(tmp_path, [], 0, 0, []), "sqlite:///s", 3, 1,
                               [], None, pages)
    monkeypatch.setattr(cohort, "demo", lambda *a: result)
    assert cli.main(["demo"]) == 0
    assert f"take-home reports: {tmp_path / 'reports'} (1 participants + cohort.html)" in \
        capsys.readouterr().out
