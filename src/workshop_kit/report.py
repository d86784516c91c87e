"""Take-home reports after the day: one HTML page per participant and a cohort summary.

Rendered directly in Python (no notebook executed per participant), through Jinja2 templates
with autoescaping, with charts converted to SVG by vl-convert and embedded as data URIs, so
every page opens in any browser, offline. A participant's page holds only their own answers
plus the cohort's aggregates; nobody else's words. `compare` puts several cohorts side by side.

Reports run on the trainer's machine with the kit's own access to the store (like simulation),
from a built cohort folder whose `cohort.json` only the trainer holds.

This file names no module. It walks the agenda and, for each line, asks the registry for the
report part of the line's TYPE (`modules.get(type).part("report")`), always passing the line's
module ID (a type may appear twice in one day, each id with its own answers and content).

The report part of a module type (`workshop_kit/modules/<type>/report.py`) may define:

``summarise(data, module_id) -> object``
    The module's cohort aggregates, computed once per run from that module's answers (read with
    `data.answers`), then kept for every page: aggregates and small per-person indexes (a vote
    count, a rank, the notes addressed to one seller), never the module's raw frames.
    `data.summary(module_id)` calls it on first use and keeps the result.
``section(data, pid, module_id) -> str | None``
    The module's section of participant `pid`'s take-home page (HTML). Their own answers come
    from `data.payload(pid, module_id, exercise)` / `data.mine(pid, module_id)`, what others
    wrote for them (a partner's feedback) from `data.answers(module_id, exercise)` of that one
    exercise, the room from `data.summary(module_id)`.
``cohort_section(data, module_id) -> str | None``
    The module's section of `cohort.html`: aggregates only. A chart is given aggregated frames
    (one row per trait, outcome, condition and round…), never one row per answer, so altair's
    5,000-row limit is never reached whatever the cohort's size.
``compare(data, module_id) -> dict[str, object]``
    Measures of one cohort for `compare`'s side-by-side table (one row per measure).
``compare_section(cohorts, module_id) -> str | None``
    A section of the comparison page drawn from several cohorts (each a `ReportData`).
``PROVIDES = {capability: function}``
    What the type offers other modules' report parts, by capability name (see below).

Capabilities: one module's report needs another's answers without knowing its type
----------------------------------------------------------------------------------
The day's closing module rates trust again and compares it with the morning's rating, which
another module type stores. The closing part must not import that type's folder, nor name it:
another agenda may rate trust in the morning with a different module, or not at all. So a part
declares what it can give under a capability name (``PROVIDES = {"trust_profile": fn}``), and
a part that needs it asks `data.provider(capability, before=module_id)`:
the nearest agenda line before `module_id` (else the first after it) whose type's report part
lists that capability in `PROVIDES`. It gets back `(provider_module_id, function)` and calls
`function(data, provider_module_id)`; the result is a module-neutral value defined here in the
core (`TrustProfile`: the scale, how to score a ratings answer into traits, and where the
provider's own ratings are stored), so neither part imports the other. The answers themselves
are read through the same module-neutral access (`data.answers`, `data.payload`) by module id.
If no agenda line provides the capability, the closing part leaves the comparison out.

Memory: one participant at a time
---------------------------------
`build_reports` opens the store once and writes `cohort.html` first: each module's `summarise`
reads that module's answers, keeps its aggregates and lets the frame go, one module at a time.
Then the pages are written one at a time: for each participant one query reads their own latest
answers (`Store.latest`), kept only while their page is rendered. Memory grows with one
module's answers and one participant's, not with the cohort (a 1,000-person cohort stays under
1 GB: see `benchmarks/bench_report.py`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from . import modules
from .cohort import BuiltCohort
from .content import Content
from .errors import ParameterError
from .names import display_names
from .store import Store

REPORTS_DIR = "reports"


# ---------------------------------------------------------------------------------------------
# Capabilities: module-neutral values one module's report part gives another


@dataclass(frozen=True)
class TrustProfile:
    """A module that stores a trust self-rating: the capability ``trust_profile``.

    `exercise` is where the providing module stores its ratings (under its own module id),
    `score` turns a frame of ratings answers (participant, payload) into one row per
    participant and trait (participant, trait, label, score), `scale` is (min, max)."""

    module_id: str
    exercise: str
    scale: tuple[int, int]
    score: Callable[[pd.DataFrame], pd.DataFrame]


# ---------------------------------------------------------------------------------------------
# What report parts read: module-neutral access to one cohort


def report_part(content: Content, module_id: str) -> Any:
    """The report part of the agenda line `module_id`'s type (None if the type has none)."""
    return modules.part(content.agenda.type_of(module_id), "report")


@dataclass
class ReportData:
    """One cohort, read on demand: a part reads one module's answers (`answers`) to summarise
    it, or one participant's (`mine`, `payload`) for their page. Summaries are kept; answers
    are not (except the current participant's)."""

    built: BuiltCohort
    content: Content
    store: Store
    _summaries: dict[str, Any] = field(default_factory=dict)
    _mine: tuple[str, dict[str, dict[str, Any]]] | None = None

    @classmethod
    def open(cls, folder: str | Path) -> ReportData:
        """Open a built cohort and its store (close it with `close`, or use `with`)."""
        built = BuiltCohort.open(folder)
        return cls(built, built.content(), built.store())

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ReportData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
    def people(self) -> list[dict[str, Any]]:
        return self.built.manifest["participants"]

    @property
    def names(self) -> dict[str, str]:
        """{id: display name} as the build computed it (computed again for an older build)."""
        if "names" not in self._summaries:
            computed = display_names((p["id"], p["name"]) for p in self.people)
            self._summaries["names"] = {p["id"]: p.get("display_name") or computed[p["id"]]
                                        for p in self.people}
        return self._summaries["names"]

    @property
    def module_ids(self) -> list[str]:
        """The agenda's module ids, in the day's order."""
        return [m.id for m in self.content.agenda.modules]

    def module_content(self, module_id: str) -> Any:
        """The content of the agenda line `module_id` (its type's content model)."""
        return self.content.modules[module_id]

    def answers(self, module_id: str, exercise: str | None = None) -> pd.DataFrame:
        """The latest answer of every participant to one module (or one exercise of it):
        participant, exercise, payload, … Read from the store on every call: summarise it and
        let it go."""
        return self.store.module_answers(self.cohort_id, module_id, exercise)

    def mine(self, pid: str, module_id: str) -> dict[str, dict[str, Any]]:
        """{exercise: payload} of one participant's latest answers to one module. One query
        reads all their modules; it is kept until another participant is asked for."""
        if self._mine is None or self._mine[0] != pid:
            own: dict[str, dict[str, Any]] = {}
            for answer in self.store.latest(self.cohort_id, pid):
                own.setdefault(answer.module, {})[answer.exercise] = answer.payload
            self._mine = (pid, own)
        return self._mine[1].get(module_id, {})

    def payload(self, pid: str, module_id: str, exercise: str) -> dict[str, Any] | None:
        """One participant's latest answer to one exercise, or None."""
        return self.mine(pid, module_id).get(exercise)

    def summary(self, module_id: str) -> Any:
        """The module's cohort aggregates (its part's `summarise`), computed once."""
        key = f"module:{module_id}"
        if key not in self._summaries:
            part = report_part(self.content, module_id)
            summarise = getattr(part, "summarise", None)
            self._summaries[key] = summarise(self, module_id) if summarise else None
        return self._summaries[key]

    def provider(self, capability: str, before: str | None = None
                 ) -> tuple[str, Callable[..., Any]] | None:
        """The agenda line whose type's report part provides `capability` (its `PROVIDES`):
        the nearest before `before`, else the first after it; (module id, function) or None."""
        ids = self.module_ids
        at = ids.index(before) if before in ids else len(ids)
        order = [*reversed(ids[:at]), *ids[at + 1:]]
        for module_id in order:
            offered = getattr(report_part(self.content, module_id), "PROVIDES", {})
            if capability in offered:
                return module_id, offered[capability]
        return None


def collect(folder: str | Path) -> ReportData:
    """A built cohort opened for its reports (the name older callers use; `ReportData.open` in
    a `with` block closes the store when done)."""
    return ReportData.open(folder)


# ---------------------------------------------------------------------------------------------
# HTML pieces: Jinja2 templates (autoescaped), Styler tables, SVG charts

STYLE = """body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;
padding-bottom:.2rem;margin-top:2.2rem}table{border-collapse:collapse;margin:.6rem 0}
td,th{vertical-align:top;padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}
th{border-bottom:2px solid #555}.muted{color:#555}
.note{background:#f4f8fb;border-left:4px solid #56B4E9;padding:.5rem .8rem}img{max-width:100%}"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>{{ style }}</style></head><body>
<h1>{{ title }}</h1><p class="muted">{{ subtitle }}</p>
{% for section in sections %}{{ section }}
{% endfor %}</body></html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


@cache
def _template(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def render(source: str, **values: Any) -> Markup:
    """A Jinja2 template (autoescaped: answers are text, never HTML) rendered to safe HTML."""
    return Markup(_template(source).render(**values))


def nothing(title: str, what: str) -> Markup:
    """A section with its title and 'No … recorded.'"""
    return render("<h2>{{ title }}</h2><p class='muted'>No {{ what }} recorded.</p>",
                  title=title, what=what)


def page(title: str, subtitle: str, sections: Iterable[str]) -> str:
    return _template(PAGE).render(title=title, subtitle=subtitle, style=Markup(STYLE),
                                  sections=[Markup(s) for s in sections])


def chart_img(chart: Any, alt_text: str) -> Markup:
    """A chart (or its Vega-Lite dict) as an <img> with an embedded SVG (vl-convert): no
    script, works offline."""
    import vl_convert  # noqa: PLC0415 (heavy or optional: imported when used)

    svg = vl_convert.vegalite_to_svg(chart if isinstance(chart, dict) else chart.to_dict())
    data = base64.b64encode(svg.encode()).decode()
    return render('<img alt="{{ alt }}" src="data:image/svg+xml;base64,{{ data }}">',
                  alt=alt_text, data=data)


def with_rows(spec: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A chart's Vega-Lite dict (`chart.to_dict()`) with its one dataset replaced by `rows`:
    a chart drawn on every page is built (and checked by altair) once, then only its rows
    change from one participant to the next."""
    (name,) = spec["datasets"]
    return {**spec, "datasets": {name: rows}}


def table(frame: pd.DataFrame, columns: dict[str, str], percent: Iterable[str] = (),
          digits: int = 2) -> Markup:
    """`frame`'s `columns` (id: heading) as an HTML table through a pandas Styler: no index,
    headings in words, missing values as '–', `percent` columns as whole percentages."""
    if frame.empty:
        return render("<p class='muted'>Nothing recorded.</p>")
    shown = frame[list(columns)].reset_index(drop=True)
    percent = list(percent)
    formats: dict[str, Any] = {c: "{:.0%}" for c in percent}
    for column in shown.columns:
        if column not in percent and pd.api.types.is_float_dtype(shown[column]):
            formats[column] = f"{{:.{digits}f}}"
    uuid = "r" + hashlib.sha1(shown.to_csv().encode()).hexdigest()[:10]
    styler = (shown.style.format(formats, na_rep="–").hide(axis="index")
              .relabel_index(list(columns.values()), axis="columns").set_uuid(uuid))
    return Markup(styler.to_html())


# ---------------------------------------------------------------------------------------------
# The pages


_HEADING = re.compile(r"<h2>(.*?)</h2>", re.S)


def told_apart(content: Content, sections: list[tuple[str, str]]) -> list[str]:
    """Each module's section (module id, HTML), in order. Where two modules' sections carry the
    same heading (a module type twice on the agenda, or a type copied from another), each of
    those headings also names its module's agenda title (unless it is that title already), so
    a reader can tell them apart."""
    heads = {module_id: set(_HEADING.findall(html)) for module_id, html in sections}
    shown = []
    for module_id, html in sections:
        shared = {h for other, found in heads.items() if other != module_id for h in found}
        clash = heads[module_id] & shared
        if clash:
            title = Markup.escape(content.agenda.module(module_id).title)
            html = _HEADING.sub(lambda m, t=title, c=clash: (
                f"<h2>{m.group(1)} · {t}</h2>" if m.group(1) in c and m.group(1) != t
                else m.group(0)), html)
        shown.append(html)
    return shown


def participant_page(data: ReportData, person: dict[str, Any]) -> str:
    """One participant's take-home page: each agenda module's section, in the day's order."""
    pid = person["id"]
    sections = []
    for module_id in data.module_ids:
        section = getattr(report_part(data.content, module_id), "section", None)
        got = section(data, pid, module_id) if section else None
        if got:
            sections.append((module_id, got))
    cohort = data.built.manifest["cohort"]
    return page(f"Your day: {person['name']}", f"{cohort['name']} · {cohort['date']}",
                told_apart(data.content, sections))


def cohort_page(data: ReportData) -> str:
    """The trainer's cohort summary: each module's aggregates, in the day's order."""
    sections = []
    for module_id in data.module_ids:
        section = getattr(report_part(data.content, module_id), "cohort_section", None)
        got = section(data, module_id) if section else None
        if got:
            sections.append((module_id, got))
    cohort = data.built.manifest["cohort"]
    return page(f"Cohort summary: {cohort['name']}", f"{cohort['id']} · {cohort['date']}",
                [render("<p>{{ n }} participants.</p>", n=len(data.people)),
                 *told_apart(data.content, sections)])


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
    """One take-home page per participant (`reports/<id>.html`) and `reports/cohort.html`.

    The cohort page first (it summarises every module, one at a time), then the pages one at
    a time, each from its participant's own answers and the summaries."""
    started = time.perf_counter()
    with ReportData.open(folder) as data:
        target = Path(out) if out else data.built.folder / REPORTS_DIR
        target.mkdir(parents=True, exist_ok=True)
        summary = _write(target / "cohort.html", cohort_page(data))
        skipped = getattr(data.store, "skipped", 0)  # each module read once by now
        pages = [_write(target / f"{p['id']}.html", participant_page(data, p))
                 for p in data.people]
    return ReportResult(target, pages, summary, time.perf_counter() - started, skipped)


def compare_table(cohorts: list[ReportData]) -> pd.DataFrame:
    """One row per cohort: each module's measures (its report part's `compare`)."""
    rows = []
    for data in cohorts:
        row: dict[str, Any] = {"cohort": data.label, "participants": len(data.people)}
        for module_id in data.module_ids:
            measures = getattr(report_part(data.content, module_id), "compare", None)
            if measures:
                row.update(measures(data, module_id))
        rows.append(row)
    return pd.DataFrame(rows).astype(object).fillna("–")


def compare(folders: list[str | Path], out: str | Path) -> Path:
    """One page with several cohorts side by side (each module's measures and sections)."""
    if len(folders) < 2:
        raise ParameterError("--compare needs at least two cohort folders")
    cohorts = [ReportData.open(f) for f in folders]
    try:
        parts = []
        for module_id in cohorts[0].module_ids:
            section = getattr(report_part(cohorts[0].content, module_id), "compare_section",
                              None)
            got = section(cohorts, module_id) if section else None
            if got:
                parts.append((module_id, got))
        parts = told_apart(cohorts[0].content, parts)
        transposed = compare_table(cohorts).set_index("cohort").T.reset_index().rename(
            columns={"index": "measure"})
        parts += [render("<h2>Side by side</h2>"),
                  table(transposed, {c: c for c in transposed.columns})]
        label = ", ".join(d.label for d in cohorts)
    finally:
        for data in cohorts:
            data.close()
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    return _write(target / "compare.html", page("Cohorts compared", label, parts))
