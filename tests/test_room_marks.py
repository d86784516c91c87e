"""No per-person marks: after a reveal, the room's trust chart (the participant's view and the
facilitator's projected one) holds aggregates only, none of fewer than MIN_GROUP people."""

from __future__ import annotations

import random

import pandas as pd

from workshop_kit import access, analysis, charts
from workshop_kit.session import FacilitatorSession, ParticipantSession
from workshop_kit.store import Store


def rows_of(spec: dict) -> list[dict]:
    """Every data row a chart carries (its datasets and inline values)."""
    rows = [r for values in spec.get("datasets", {}).values() for r in values]
    for layer in spec.get("layer", []):
        rows += layer.get("data", {}).get("values", [])
    return rows


def test_min_group_is_the_same_in_charts_and_access():
    assert charts.MIN_GROUP == access.MIN_GROUP == analysis.MIN_GROUP


def test_before_and_after_table_shows_no_mean_of_fewer_than_three(content):
    """The wrap-up's table: 12 in the morning, 1 at the end of the day: that one person's
    ratings are not shown as 'the room now' (their own take-home page still shows them)."""
    items = [item for _trait, item in content.checkin.items()]

    def scores(people: list[str], value: int) -> pd.DataFrame:
        answers = pd.DataFrame({"participant": people, "payload": [
            {"ratings": {item.id: value for item in items}} for _ in people]})
        return analysis.trust_scores(answers, content.checkin)

    change = analysis.trust_change(scores([f"p{i}" for i in range(12)], 4), scores(["p1"], 2))
    assert change["n_after"].tolist() == [1] * 4
    assert change["mean_before"].tolist() == [4.0] * 4
    assert change["mean_after"].isna().all() and change["change"].isna().all()
    own = analysis.trust_change(scores(["p1"], 4), scores(["p1"], 2), min_group=1)
    assert own["change"].tolist() == [-2.0] * 4


def test_trust_chart_after_a_reveal_has_no_mark_below_three(serve_store, tmp_path, content):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    people = [f"p{i}" for i in range(1, 6)]
    items = [item for _trait, item in content.checkin.items()]
    rng = random.Random(3)
    with Store(url) as store:
        store.register_tokens("c", {**{p: f"t-{p}" for p in people}, "facilitator": "tf"})
        for p in people:
            ratings = {item.id: rng.randint(1, 5) for item in items}
            # everybody rates the first credibility item 4: that score holds 5 people
            ratings[items[0].id] = 4
            store.submit("c", p, "checkin", "trust_profile",
                         {"ratings": ratings, "situation": "A client who went quiet after "
                          "the proposal, for weeks now."})
    service = serve_store(url, "c")
    room = FacilitatorSession("c", service, token="tf")
    room.store.set_exercise_state("c", "checkin", "trust_profile", revealed=True)
    me = ParticipantSession("p1", "c", service, token="t-p1")
    for chart in (me.room_results("checkin"), room.module("checkin").trust_profile_chart()):
        spec = chart.to_dict()
        bars, dots = spec["layer"]
        assert bars["encoding"]["x"]["field"] == "mean"
        rows = rows_of(spec)
        assert rows and not any("participant" in r for r in rows)  # no row is a person
        means = [r for r in rows if "mean" in r]
        counts = [r for r in rows if "size" in r]
        assert len(means) == 4 and all(r["people"] == 5 for r in means)
        assert all(r["size"] >= access.MIN_GROUP for r in counts)
        assert dots["encoding"]["size"]["field"] == "size"
    # with two answers the facilitator's chart says why it is empty instead
    scores = room.module("checkin")._trust_scores()
    two = charts.trust_profile(scores.query("participant in ['p1', 'p2']"))
    assert two.to_dict()["mark"]["type"] == "text"


def test_before_after_drops_means_of_fewer_than_three(content):
    import pandas as pd

    stages = pd.DataFrame({
        "participant": ["a", "b", "c", "a", "b"], "trait": ["credibility"] * 5,
        "label": ["Credibility"] * 5, "score": [3.0, 4.0, 5.0, 4.0, 4.0],
        "stage": ["Check-in"] * 3 + ["Wrap-up"] * 2})
    rows = rows_of(charts.trust_before_after(stages).to_dict())
    assert {r["stage"] for r in rows} == {"Check-in"}
    own = rows_of(charts.trust_before_after(stages[stages.participant == "a"],
                                            min_group=1).to_dict())
    assert {r["stage"] for r in own} == {"Check-in", "Wrap-up"}  # a page for its reader
