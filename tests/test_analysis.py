import pandas as pd

from workshop_kit import analysis, charts


def frame(payloads):
    return pd.DataFrame({"participant": [f"p{i}" for i in range(len(payloads))],
                         "payload": payloads})


def test_trust_scores_average_each_trait(content):
    checkin = content.checkin
    ratings = {item.id: (5 if trait == "credibility" else 2) for trait, item in checkin.items()}
    ratings["rel_small"] = 4  # reliability: (4 + 2 + 2) / 3
    scores = analysis.trust_scores(frame([{"ratings": ratings}]), checkin)
    by_trait = dict(zip(scores["trait"], scores["score"], strict=True))
    assert by_trait["credibility"] == 5
    assert by_trait["reliability"] == 8 / 3
    assert by_trait["intimacy"] == 2
    summary = analysis.trust_summary(scores)
    assert summary["trait"].tolist()[-1] == "credibility"  # weakest first


def test_situations_are_anonymous(content):
    table = analysis.situations(frame([{"situation": "b"}, {"situation": "a"}]))
    assert list(table.columns) == ["situation"]
    assert table["situation"].tolist() == ["a", "b"]


def test_misplaced_statements_ranked(content):
    purpose = content.purpose
    right = {s.id: s.thinking for s in purpose.statements}
    target = purpose.statements[2]
    wrong = dict(right, **{target.id: "exploring" if target.thinking == "closing" else "closing"})
    placements = analysis.purpose_placements(frame([right, wrong, wrong]).assign(
        payload=[{"placements": p} for p in (right, wrong, wrong)]), purpose)
    table = analysis.misplaced_statements(placements, purpose)
    top = table.iloc[0]
    assert top["statement"] == target.id
    assert (top["misplaced"], top["sorted"], top["share"]) == (2, 3, 0.67)
    assert top["why"] == target.why
    assert table["misplaced"].iloc[1:].eq(0).all()
    results = analysis.purpose_results(placements, purpose)
    row = results[(results.statement == target.id) & (results.placed == target.thinking)]
    assert row["count"].item() == 1


def test_charts_encode_the_right_fields(content):
    checkin = content.checkin
    ratings = {item.id: 3 for _, item in checkin.items()}
    scores = analysis.trust_scores(frame([{"ratings": ratings}] * 3), checkin)
    spec = charts.trust_profile(scores).to_dict()
    bars, dots = spec["layer"]
    assert bars["encoding"]["x"]["field"] == "mean"
    assert dots["encoding"]["size"]["field"] == "size"
    assert bars["encoding"]["x"]["scale"]["domain"] == [1, 5]

    purpose = content.purpose
    placements = analysis.purpose_placements(
        frame([{"placements": {s.id: "closing" for s in purpose.statements}}]), purpose)
    spec = charts.purpose_sort(analysis.purpose_results(placements, purpose),
                               dict(purpose.categories)).to_dict()
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Always be closing",
                                                            "Always be exploring"]
    assert len(spec["encoding"]["y"]["sort"]) == len(purpose.statements)


def test_empty_answers_give_a_message_chart(content):
    empty = pd.DataFrame({"participant": [], "payload": []})
    scores = analysis.trust_scores(empty, content.checkin)
    spec = charts.trust_profile(scores).to_dict()
    assert spec["mark"]["type"] == "text"
    assert analysis.trust_summary(scores).empty
