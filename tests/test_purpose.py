"""The purpose sort's analysis and charts: which statements the room read the other way, and
how it sorted each one."""

import pandas as pd

from workshop_kit.modules.purpose import analysis, charts


def frame(payloads):
    return pd.DataFrame({"participant": [f"p{i}" for i in range(len(payloads))],
                         "payload": payloads})


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


def test_the_sort_chart_stacks_each_statement_to_the_whole_room(content):
    purpose = content.purpose
    placements = analysis.purpose_placements(
        frame([{"placements": {s.id: "closing" for s in purpose.statements}}]), purpose)
    spec = charts.purpose_sort(analysis.purpose_results(placements, purpose),
                               dict(purpose.categories)).to_dict()
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Always be closing",
                                                            "Always be exploring"]
    assert len(spec["encoding"]["y"]["sort"]) == len(purpose.statements)
