"""The module-neutral analysis and charts: the rating form's tables and charts (each type's own
analysis and charts are in its folder, tested with the module; tests/test_layers.py checks that
the core names no module type)."""

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


def test_trust_profile_encodes_the_right_fields(content):
    checkin = content.checkin
    ratings = {item.id: 3 for _, item in checkin.items()}
    scores = analysis.trust_scores(frame([{"ratings": ratings}] * 3), checkin)
    spec = charts.trust_profile(scores).to_dict()
    bars, dots = spec["layer"]
    assert bars["encoding"]["x"]["field"] == "mean"
    assert dots["encoding"]["size"]["field"] == "size"
    assert bars["encoding"]["x"]["scale"]["domain"] == [1, 5]


def test_empty_answers_give_a_message_chart(content):
    empty = pd.DataFrame({"participant": [], "payload": []})
    scores = analysis.trust_scores(empty, content.checkin)
    spec = charts.trust_profile(scores).to_dict()
    assert spec["mark"]["type"] == "text"
    assert analysis.trust_summary(scores).empty

