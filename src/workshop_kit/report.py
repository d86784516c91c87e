"""Take-home reports after the day: one HTML page per participant and a cohort summary.

Rendered directly in Python from one read of the store (no notebook executed per participant),
with charts converted to SVG by vl-convert and embedded as data URIs, so every page opens in
any browser, offline. A participant's page holds only their own answers plus the cohort's
aggregates; nobody else's words. `compare` puts several cohorts side by side.

Reports run on the trainer's machine with the kit's own access to the store (like simulation),
from a built cohort folder whose `cohort.json` only the trainer holds.
"""

from __future__ import annotations

import base64
import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from . import analysis, charts
from .access import DRILL_KEY, GAME_EXERCISE, definition_key
from .cohort import BuiltCohort
from .content import Content
from .errors import ParameterError
from .names import display_names, shown
from .store import FACILITATOR

REPORTS_DIR = "reports"


# ---------------------------------------------------------------------------------------------
# Reading a cohort once


@dataclass
class CohortData:
    """Everything the reports need, read from the store once and computed once."""

    built: BuiltCohort
    content: Content
    answers: dict[str, pd.DataFrame]
    trust_before: pd.DataFrame
    trust_after: pd.DataFrame
    paths: pd.DataFrame
    observations: pd.DataFrame
    rounds: pd.DataFrame
    live: pd.DataFrame
    board: pd.DataFrame
    strategy_of: dict[str, Any]
    definitions: pd.DataFrame
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.built.manifest["cohort"]["name"]

    @property
    def label(self) -> str:
        """The cohort's name and its folder (two runs of one cohort file stay apart)."""
        return f"{self.name} [{self.built.folder.name}]"

    @property
    def cohort_id(self) -> str:
        return self.built.cohort_id

    @property
    def names(self) -> dict[str, str]:
        """{id: display name} as the build computed it (computed again for an older build)."""
        people = self.built.manifest["participants"]
        computed = display_names((p["id"], p["name"]) for p in people)
        return {p["id"]: p.get("display_name") or computed[p["id"]] for p in people}

    def module(self, module: str, exercise: str | None = None) -> pd.DataFrame:
        frame = self.answers.get(module)
        if frame is None:
            return pd.DataFrame(columns=["participant", "exercise", "payload"])
        return frame if exercise is None else frame[frame["exercise"] == exercise]

    def payload(self, participant: str, module: str, exercise: str) -> dict[str, Any] | None:
        frame = self.module(module, exercise)
        rows = frame[frame["participant"] == participant]["payload"]
        return rows.iloc[0] if len(rows) else None


def _tournament(content: Content, answers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The cohort tournament as the facilitator ran it: leaderboard, and each participant's
    strategy (under its unique name)."""
    from .game import play_tournament

    strategies, problems = analysis.cohort_strategies(answers)
    failed = {p.split(":", 1)[0] for p in problems}
    valid = [p for p in answers["participant"] if p not in failed]
    strategy_of = dict(zip(valid, strategies, strict=True))
    if not strategies:
        return pd.DataFrame(), strategy_of
    dilemma = content.dilemma
    settings = dilemma.tournament
    names = [s.name for s in strategies]
    players = [*strategies, *[c for c in dilemma.classics if c not in names]]
    result = play_tournament(players, turns=settings.turns, repetitions=settings.repetitions,
                             noise=settings.noise, payoffs=dilemma.payoffs, seed=settings.seed)
    return analysis.leaderboard(result, names), strategy_of


def collect(folder: str | Path) -> CohortData:
    """Read a built cohort's answers and compute the tables every page draws on."""
    from .game.live import LiveGame

    built = BuiltCohort.open(folder)
    content = built.content()
    cid = built.cohort_id
    with built.store() as store:
        answers = {m: store.module_answers(cid, m) for m in content.modules}
        games = [LiveGame.from_payload(a.payload)
                 for a in store.history(cid, FACILITATOR, "dilemma", GAME_EXERCISE)]
        people = sorted({p for g in games for p in g.players()})
        moves = store.latest_many(cid, "dilemma", people, "move:") if people else []
        drill_key = store.cohort_key(cid, DRILL_KEY)
        skipped = store.skipped
    empty = pd.DataFrame(columns=["participant", "exercise", "payload"])

    def frame(module: str, exercise: str | None = None) -> pd.DataFrame:
        got = answers.get(module, empty)
        return got if exercise is None else got[got["exercise"] == exercise]

    checkin = content.modules.get("checkin")
    trust_before = (analysis.trust_scores(frame("checkin", checkin.exercise), checkin)
                    if checkin else pd.DataFrame())
    trust_after = (analysis.trust_scores(frame("wrapup", content.wrapup.trust_after.exercise),
                                         checkin)
                   if checkin and "wrapup" in content.modules else pd.DataFrame())
    paths = observations = rounds = pd.DataFrame()
    if "roleplay" in content.modules:
        paths = analysis.roleplay_paths(frame("roleplay"), content.roleplay, content.scripts)
        observations = analysis.roleplay_observations(frame("roleplay"), content.roleplay)
        rounds = analysis.roleplay_rounds(paths, observations)
    live = analysis.live_moves(moves, games)
    board, strategy_of = (_tournament(content, frame("dilemma", content.dilemma.exercise))
                          if "dilemma" in content.modules else (pd.DataFrame(), {}))
    keys = {f"{p['case']}:{who}": definition_key(drill_key, cid, p["case"], who)
            for who, p in zip(frame("drill")["participant"], frame("drill")["payload"],
                              strict=True) if isinstance(p.get("case"), str)}
    definitions = (analysis.drill_definitions(frame("drill"), content.drill, content.cases, keys)
                   if "drill" in content.modules else pd.DataFrame())
    return CohortData(built, content, answers, trust_before, trust_after, paths, observations,
                      rounds, live, board, strategy_of, definitions,
                      extras={"skipped": skipped})


# ---------------------------------------------------------------------------------------------
# HTML pieces

STYLE = """body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;
padding-bottom:.2rem;margin-top:2.2rem}table{border-collapse:collapse;margin:.6rem 0}
td,th{vertical-align:top;padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}
.muted{color:#555}.note{background:#f4f8fb;border-left:4px solid #56B4E9;padding:.5rem .8rem}
img{max-width:100%}"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def chart_img(chart: alt.TopLevelMixin, alt_text: str) -> str:
    """A chart as an <img> with an embedded SVG (vl-convert): no script, works offline."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    data = base64.b64encode(svg.encode()).decode()
    return f'<img alt="{_e(alt_text)}" src="data:image/svg+xml;base64,{data}">'


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    if frame.empty:
        return "<p class='muted'>Nothing recorded.</p>"
    head = "".join(f"<th>{_e(label)}</th>" for label in columns.values())
    body = "".join("<tr>" + "".join(f"<td>{_e(row[c])}</td>" for c in columns) + "</tr>"
                   for _, row in frame.iterrows())
    return f"<table><tr>{head}</tr>{body}</table>"


def _page(title: str, subtitle: str, sections: list[str]) -> str:
    return (f"<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{_e(title)}</h1><p class='muted'>{_e(subtitle)}</p>"
            + "".join(sections) + "</body></html>\n")


def _nothing(what: str) -> str:
    return f"<p class='muted'>No {_e(what)} recorded.</p>"


# ---------------------------------------------------------------------------------------------
# One participant's page: their own answers and the cohort's aggregates, nobody else's words


def _trust_section(data: CohortData, pid: str) -> str:
    checkin = data.content.checkin
    mine_b = data.trust_before[data.trust_before["participant"] == pid]
    mine_a = (data.trust_after[data.trust_after["participant"] == pid]
              if not data.trust_after.empty else data.trust_after)
    if mine_b.empty and mine_a.empty:
        return "<h2>Your trust profile</h2>" + _nothing("trust profile")
    stages = analysis.trust_stages(mine_b, mine_a)
    chart = charts.trust_before_after(stages, checkin.scale.min, checkin.scale.max,
                                      min_group=1)  # their own ratings, for their eyes
    mine = analysis.trust_change(mine_b, mine_a, min_group=1)  # their own, for their eyes
    room = analysis.trust_change(data.trust_before, data.trust_after)
    table = mine.merge(room[["trait", "mean_before", "mean_after"]], on="trait", how="left",
                       suffixes=("", "_room")).fillna("–")
    return ("<h2>Your trust profile, morning and end of day</h2>"
            + chart_img(chart, "Your trust profile before and after")
            + _table(table, {"label": "Trait", "mean_before": "You, morning",
                             "mean_after": "You, end of day",
                             "mean_before_room": "Room, morning",
                             "mean_after_room": "Room, end of day"}))


def _purpose_section(data: CohortData, pid: str) -> str:
    purpose = data.content.modules.get("purpose")
    payload = data.payload(pid, "purpose", purpose.exercise) if purpose else None
    if not payload:
        return "<h2>What is selling for?</h2>" + _nothing("sort")
    placements = payload.get("placements", {})
    different = [s for s in purpose.statements if placements.get(s.id) not in (None, s.thinking)]
    if not different:
        body = "<p>You sorted every statement the way the kit reads it.</p>"
    else:
        body = (f"<p>You read {len(different)} of {len(purpose.statements)} statements "
                "differently from the kit:</p><ul>" + "".join(
                    f"<li><b>{_e(s.text)}</b><br>The kit reads it as "
                    f"<i>{_e(purpose.categories[s.thinking])}</i>: {_e(s.why)}</li>"
                    for s in different) + "</ul>")
    return "<h2>What is selling for?</h2>" + body


def _roleplay_section(data: CohortData, pid: str) -> str:
    if data.paths.empty:
        return "<h2>Role-play</h2>" + _nothing("role-play")
    mine = data.paths[data.paths["seller"] == pid]
    if mine.empty:
        return "<h2>Role-play: you as the seller</h2>" + _nothing("round as seller")
    rounds = data.rounds[data.rounds["seller"] == pid].set_index("round")
    checklist = data.content.roleplay.checklist
    parts = ["<h2>Role-play: you as the seller</h2>"]
    for _, path in mine.sort_values("round").iterrows():
        share = rounds["seller_share"].get(path["round"]) if path["round"] in rounds.index \
            else None
        seen = data.observations[(data.observations["group"] == path["group"])
                                 & (data.observations["round"] == path["round"])]
        ticks = "".join(
            f"<li>{_e(item.text)}: {int(seen[item.id].sum())} of {len(seen)} observer(s)</li>"
            for item in checklist) if not seen.empty else ""
        talk = (f"<p>You talked <b>{share:.0%}</b> of the time you and the buyer spoke "
                "(as your observers timed it).</p>" if share is not None and share == share
                else "<p class='muted'>Nobody timed this round.</p>")
        notes = "".join(f"<li>{_e(n)}</li>" for n in seen["note"] if n) if not seen.empty \
            else ""
        parts.append(
            f"<h3>Round {int(path['round'])}: {_e(path['title'])}</h3>"
            f"<p>Your path: {_e(path['path'])}<br>How it ended: "
            f"<b>{_e(path['outcome_label'])}</b>. {_e(path['debrief'])}</p>{talk}"
            + (f"<p>What your observers ticked:</p><ul>{ticks}</ul>" if ticks else "")
            + (f"<p>What your observers wrote:</p><ul>{notes}</ul>" if notes else "")
            + _buyer_said(data, path["group"], int(path["round"])))
    return "".join(parts)


def _buyer_said(data: CohortData, group: str, round_no: int) -> str:
    """The buyer's reflection on one round, for its seller's take-home page."""
    roleplay = data.content.roleplay
    frame = data.module("roleplay", roleplay.reflection_exercise(round_no))
    given = next((p for p in frame["payload"] if p.get("group") == group), None)
    if not given:
        return ""
    items = "".join(f"<li>{_e(f.label)} <i>{_e(given.get(f.id, ''))}</i></li>"
                    for f in roleplay.buyer_reflection.fields if given.get(f.id))
    return f"<p>What your buyer wrote:</p><ul>{items}</ul>" if items else ""


def _dilemma_section(data: CohortData, pid: str) -> str:
    from .game import describe

    parts = ["<h2>The dilemma: share or hold back?</h2>"]
    live = data.live[data.live["participant"] == pid] if not data.live.empty else data.live
    if not live.empty:
        conditions = dict(data.content.dilemma.conditions)
        table = live.assign(shared=live["move"].eq("C")).groupby("condition").agg(
            rounds=("round", "size"), shared=("shared", "mean"), points=("points", "sum"))
        table = table.reset_index()
        table["condition"] = table["condition"].map(lambda c: conditions.get(c, c))
        table["shared"] = table["shared"].map(lambda v: f"{v:.0%}")
        parts.append("<p>Your live rounds:</p>" + _table(
            table, {"condition": "Game", "rounds": "Rounds", "shared": "You shared",
                    "points": "Your points"}))
    spec = data.strategy_of.get(pid)
    if spec is None:
        parts.append(_nothing("tournament strategy"))
        return "".join(parts)
    row = data.board[data.board["player"] == spec.name]
    rank = (f"<p>In the cohort tournament it finished <b>{int(row['rank'].iloc[0])} of "
            f"{len(data.board)}</b> (cohort strategies and classics), sharing "
            f"{row['cooperation_rate'].iloc[0]:.0%} of the time.</p>") if len(row) else ""
    parts.append(f"<p>Your strategy, <b>{_e(spec.name)}</b>: {_e(describe(spec))}</p>{rank}")
    return "".join(parts)


def _drill_section(data: CohortData, pid: str) -> str:
    drill = data.content.modules.get("drill")
    payload = data.payload(pid, "drill", drill.definition_exercise) if drill else None
    if not payload or payload.get("case") not in data.content.cases:
        return "<h2>Problem-definition drill</h2>" + _nothing("definition")
    case = data.content.cases[payload["case"]]
    matches = analysis.fact_matches(case, payload.get("asked", []),
                                    payload.get("definition", ""))
    row = data.definitions[(data.definitions["participant"] == pid)
                           & (data.definitions["case"] == case.id)]
    votes = int(row["votes"].iloc[0]) if len(row) else 0
    voters = int((data.definitions["case"] == case.id).sum()) - 1
    facts = "".join(
        f"<li>{_e(m['text'])}: " + (f"mentioned (words found: {_e(', '.join(m['matched']))})"
                                    if m["used"] else "<i>not mentioned</i>") + "</li>"
        for m in matches) or "<li>none</li>"
    asked = "".join(f"<li>{_e(case.question(q).ask)}</li>" for q in payload.get("asked", [])
                    if q in {x.id for x in case.questions})
    return (f"<h2>Problem-definition drill: {_e(case.title)}</h2>"
            f"<p><b>The client said:</b> {_e(case.stated_problem)}</p>"
            f"<p>You asked:</p><ul>{asked or '<li>nothing</li>'}</ul>"
            f"<p><b>Your definition:</b> {_e(payload.get('definition', ''))}</p>"
            f"<p>Facts you uncovered:</p><ul>{facts}</ul>"
            f"<p class='note'>{_e(drill.match_note)}</p>"
            f"<p>Votes your definition received: <b>{votes}</b> (of {max(voters, 0)} colleague(s) "
            "on the same case).</p>"
            f"<p><b>How an experienced adviser reads it:</b> {_e(case.expert_reading)}</p>")


def _gift_section(data: CohortData, pid: str) -> str:
    gift = data.content.modules.get("gift")
    payload = data.payload(pid, "gift", gift.plan_exercise) if gift else None
    if not payload:
        return "<h2>Your risky gift</h2>" + _nothing("gift plan")
    plan = "".join(f"<p><b>{_e(f.label)}:</b> {_e(payload.get(f.id, ''))}</p>"
                   for f in gift.plan)
    frame = data.module("gift", gift.feedback_exercise(pid))
    names = data.names
    feedback = "".join(
        f"<li><b>From {_e(shown(names, who, 'your partner'))}</b><br>"
        + "<br>".join(f"<b>{_e(f.label)}:</b> {_e(p.get(f.id, ''))}" for f in gift.feedback)
        + "</li>" for who, p in zip(frame["participant"], frame["payload"], strict=True))
    return (f"<h2>Your risky gift</h2>{plan}"
            + (f"<p>What your partner wrote about it:</p><ul>{feedback}</ul>" if feedback
               else "<p class='muted'>No partner feedback recorded.</p>"))


def _wrapup_section(data: CohortData, pid: str) -> str:
    wrapup = data.content.modules.get("wrapup")
    payload = data.payload(pid, "wrapup", wrapup.exercise) if wrapup else None
    items = (payload or {}).get("commitments", [])
    if not items:
        return "<h2>Your commitments</h2>" + _nothing("commitment")
    rows = "".join(f"<li><b>{_e(i.get('due') or '')}</b>: {_e(i.get('text', ''))}</li>"
                   for i in items)
    return f"<h2>Your commitments for the next 30 days</h2><ul>{rows}</ul>"


SECTIONS = {"checkin": _trust_section, "purpose": _purpose_section,
            "roleplay": _roleplay_section, "dilemma": _dilemma_section,
            "drill": _drill_section, "gift": _gift_section, "wrapup": _wrapup_section}


def participant_page(data: CohortData, person: dict[str, Any]) -> str:
    pid = person["id"]
    modules = [m.id for m in data.content.agenda.modules]
    sections = [SECTIONS[m](data, pid) for m in modules if m in SECTIONS]
    cohort = data.built.manifest["cohort"]
    return _page(f"Your day: {person['name']}", f"{cohort['name']} · {cohort['date']}",
                 sections)


# ---------------------------------------------------------------------------------------------
# The trainer's cohort summary: aggregates only


def cohort_page(data: CohortData) -> str:
    content = data.content
    people = data.built.manifest["participants"]
    parts = [f"<p>{len(people)} participants.</p>"]
    if "checkin" in content.modules:
        scale = content.checkin.scale
        stages = analysis.trust_stages(data.trust_before, data.trust_after)
        parts += ["<h2>Trust profile, morning and end of day</h2>",
                  chart_img(charts.trust_before_after(stages, scale.min, scale.max),
                            "Trust profile before and after"),
                  _table(analysis.trust_change(data.trust_before, data.trust_after),
                         {"label": "Trait", "n_before": "n (morning)",
                          "mean_before": "Mean (morning)", "n_after": "n (end)",
                          "mean_after": "Mean (end)", "change": "Change"})]
    if "purpose" in content.modules:
        placements = analysis.purpose_placements(data.module("purpose"), content.purpose)
        results = analysis.purpose_results(placements, content.purpose)
        parts += ["<h2>What is selling for?</h2>",
                  chart_img(charts.purpose_sort(results, dict(content.purpose.categories)),
                            "How the room sorted the statements")]
    if not data.paths.empty:
        outcomes = dict(content.roleplay.outcomes)
        reflections = data.module("roleplay")["exercise"].str.startswith(
            f"{content.roleplay.exercise}_reflection_r").sum()
        parts += ["<h2>Role-play</h2>",
                  f"<p>{len(data.paths)} round(s) played to an ending, "
                  f"{int(reflections)} buyer reflection(s) written for the sellers.</p>",
                  chart_img(charts.roleplay_outcomes(data.paths, outcomes), "Outcomes"),
                  chart_img(charts.talk_share(data.rounds, outcomes), "Talk share")]
    if not data.live.empty:
        conditions = dict(content.dilemma.conditions)
        parts += ["<h2>The dilemma</h2>",
                  chart_img(charts.live_cooperation(
                      analysis.cooperation_by_condition(data.live), conditions),
                      "Live cooperation"),
                  _table(analysis.condition_summary(data.live, conditions),
                         {"condition": "Game", "rounds": "Rounds",
                          "cooperation": "Shared", "points_per_round": "Points per round"})]
    if not data.board.empty:
        parts.append(chart_img(charts.leaderboard(data.board), "Tournament leaderboard"))
    if not data.definitions.empty:
        table = data.definitions.copy()
        table["label"] = [f"Definition {i + 1}" for i in table.groupby("case").cumcount()]
        parts += ["<h2>Problem-definition drill</h2>",
                  chart_img(charts.drill_votes(table), "Votes per definition"),
                  chart_img(charts.question_yield(analysis.question_yield(
                      data.module("drill"), content.drill, content.cases)),
                      "Questions asked")]
    if "gift" in content.modules:
        plans = data.module("gift", content.gift.plan_exercise)
        given = data.module("gift")
        feedback = given["exercise"].str.startswith(f"{content.gift.exercise}_feedback:").sum()
        parts += ["<h2>Risky gifts</h2>",
                  f"<p>{len(plans)} gift plan(s), {int(feedback)} partner feedback(s).</p>"]
    if "wrapup" in content.modules:
        wrapup = content.wrapup
        frame = data.module("wrapup", wrapup.exercise)
        count = sum(len(p.get("commitments", [])) for p in frame["payload"])
        parts += ["<h2>Commitments</h2>",
                  f"<p>{len(frame)} participant(s) wrote {count} commitment(s).</p>"]
    cohort = data.built.manifest["cohort"]
    return _page(f"Cohort summary: {cohort['name']}", f"{cohort['id']} · {cohort['date']}",
                 parts)


# ---------------------------------------------------------------------------------------------
# Entry points


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    participants: list[Path]
    cohort: Path
    seconds: float
    skipped: int = 0  # rows in the store no answer schema accepts (left out)


def _write(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def build_reports(folder: str | Path, out: str | Path | None = None) -> ReportResult:
    """One take-home page per participant (`reports/<id>.html`) and `reports/cohort.html`."""
    started = time.perf_counter()
    data = collect(folder)
    target = Path(out) if out else data.built.folder / REPORTS_DIR
    target.mkdir(parents=True, exist_ok=True)
    pages = [_write(target / f"{p['id']}.html", participant_page(data, p))
             for p in data.built.manifest["participants"]]
    summary = _write(target / "cohort.html", cohort_page(data))
    return ReportResult(target, pages, summary, time.perf_counter() - started,
                        data.extras.get("skipped", 0))


def compare_table(cohorts: list[CohortData]) -> pd.DataFrame:
    """One row per cohort: trust means morning/end, live and tournament cooperation, votes."""
    rows = []
    for data in cohorts:
        row: dict[str, Any] = {"cohort": data.label, "participants":
                               len(data.built.manifest["participants"])}
        change = analysis.trust_change(data.trust_before, data.trust_after)
        for _, t in change.iterrows():
            row[f"{t['trait']} (morning)"] = t["mean_before"]
            row[f"{t['trait']} (end)"] = t["mean_after"]
        if not data.live.empty:
            coop = data.live.assign(c=data.live["move"].eq("C")).groupby("condition")["c"].mean()
            for condition, value in coop.items():
                row[f"live sharing: {condition}"] = round(float(value), 2)
        if not data.board.empty:
            cohort_rows = data.board[data.board["entry"] == "cohort"]
            row["tournament sharing (cohort strategies)"] = round(
                float(cohort_rows["cooperation_rate"].mean()), 2)
        if not data.definitions.empty:
            for case, group in data.definitions.groupby("case"):
                total = int(group["votes"].sum())
                row[f"drill votes: {case}"] = (
                    f"{total} votes, top {int(group['votes'].max())}" if total else "0 votes")
        rows.append(row)
    return pd.DataFrame(rows).fillna("–")


def compare(folders: list[str | Path], out: str | Path) -> Path:
    """One page with several cohorts side by side (trust, cooperation, drill votes)."""
    if len(folders) < 2:
        raise ParameterError("--compare needs at least two cohort folders")
    cohorts = [collect(f) for f in folders]
    table = compare_table(cohorts)
    stages = []
    for data in cohorts:
        for stage, frame in (("morning", data.trust_before), ("end", data.trust_after)):
            if not frame.empty:
                stages.append(frame.assign(stage=f"{data.label}: {stage}"))
    parts = []
    if stages:
        tidy = pd.concat(stages, ignore_index=True)
        chart = (alt.Chart(tidy).mark_bar().encode(
            y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320)),
            yOffset="stage:N",
            x=alt.X("mean(score):Q", title="Mean self-rating"),
            color=alt.Color("stage:N", title=None,
                            scale=alt.Scale(range=charts.OKABE_ITO),
                            legend=alt.Legend(orient="bottom"))).properties(width=420))
        parts += ["<h2>Trust profiles</h2>", chart_img(chart, "Trust profiles by cohort")]
    transposed = table.set_index("cohort").T.reset_index().rename(columns={"index": "measure"})
    parts += ["<h2>Side by side</h2>",
              _table(transposed, {c: c for c in transposed.columns})]
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    return _write(target / "compare.html", _page(
        "Cohorts compared", ", ".join(d.label for d in cohorts), parts))
