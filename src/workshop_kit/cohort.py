"""Cohorts: pairings, building the day's notebooks, running the facilitator's modules.

`build` turns a cohort file + content into one prepared notebook per participant per module
(papermill parameters injected, not executed) plus the facilitator's notebooks and an agenda page.
Same inputs give byte-identical files. `run` executes the facilitator's notebooks through
papermill and writes executed notebooks and HTML pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import itertools
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import nbformat

from .access import FacilitatorStore, personal_modules
from .content import AGENDAS_DIR, Cohort, Content, load_cohort, load_content, load_simulation
from .errors import ContentError, ParameterError, RunError
from .kernel import NOTEBOOK_KERNELSPEC, kernel_for_run
from .modules.drill.content import CASES_DIR, drill_vote_cases
from .modules.roleplay.content import SCRIPTS_DIR
from .names import display_names, publish
from .names import shown as shown_as
from .rotation import RoleplayGroups, make_roleplay_groups
from .store import Store

ENV_SECRET = "WORKSHOP_KIT_SECRET"
SECRET_FILE = "trainer-secret.txt"  # tokens derive from it: trainer only (0600)
PRIVATE = (SECRET_FILE, "cohort.json", "facilitator", "participants")  # written 0600 / 0700
FACILITATOR = "facilitator"
MANIFEST = "cohort.json"
STORE_FILE = "responses.sqlite"
COCKPIT_NOTEBOOK = Path("facilitator") / "00_cockpit.ipynb"  # template and built copy


# ---------------------------------------------------------------------------------------------
# Pairings


@dataclass(frozen=True)
class Pairings:
    """Groups for each round (one round per module), and how an odd cohort was handled."""

    rounds: list[list[tuple[str, ...]]]
    notes: list[str] = field(default_factory=list)

    def partners(self, round_index: int, person: str) -> list[str]:
        for group in self.rounds[round_index]:
            if person in group:
                return [p for p in group if p != person]
        return []


def _met(history: set[frozenset[str]], group: Iterable[str]) -> bool:
    group = list(group)
    return any(
        frozenset((a, b)) in history for i, a in enumerate(group) for b in group[i + 1 :]
    )


def _trio_round(people: list[str], history: set[frozenset[str]], shift: int,
                budget: list[int]) -> list[tuple[str, ...]] | None:
    """Pairs plus one trio (odd cohorts), nobody meeting anyone from `history`; None if the
    search finds no such round within its budget."""
    order = people[shift:] + people[:shift]

    def search(left: list[str], trio_used: bool) -> list[tuple[str, ...]] | None:
        if not left:
            return [] if trio_used else None
        budget[0] -= 1
        if budget[0] < 0:
            return None
        a, rest = left[0], left[1:]
        for i, b in enumerate(rest):
            if frozenset((a, b)) in history:
                continue
            others = rest[:i] + rest[i + 1 :]
            if not trio_used:
                for j, c in enumerate(others):
                    if _met(history, (a, b, c)):
                        continue
                    found = search(others[:j] + others[j + 1 :], True)
                    if found is not None:
                        return [(a, b, c), *found]
            if len(others) % 2 == (0 if trio_used else 1):
                found = search(others, trio_used)
                if found is not None:
                    return [(a, b), *found]
        return None

    return search(order, False)


def make_pairings(ids: list[str], rounds: int, odd_one_out: str = "trio") -> Pairings:
    """Groups for `rounds` rounds, rotating so nobody meets the same partner twice.

    An even cohort is paired by the circle method. An odd cohort gets one trio per round, or the
    facilitator partners the person left over (odd_one_out='facilitator'). A cohort too small
    for `rounds` rounds without repeats repeats partners, and says so in `notes`.
    """
    if odd_one_out not in ("trio", FACILITATOR):
        raise ParameterError(f"odd_one_out must be 'trio' or 'facilitator', got '{odd_one_out}'")
    if len(ids) < 2:
        raise ParameterError("pairings need at least 2 participants")
    people = list(ids)
    odd = len(people) % 2 == 1
    if odd and odd_one_out == "trio" and len(people) < 5:
        notes = [f"{len(people)} participants: they work as one trio in every round"]
        return Pairings([[tuple(people)] for _ in range(rounds)], notes)
    notes: list[str] = []
    if odd:
        how = ("joins a pair to make a trio" if odd_one_out == "trio"
               else "is partnered by the facilitator")
        notes.append(f"{len(people)} participants (odd): in each round one person {how}")
    circle: list[str] = [*people, FACILITATOR] if odd else people
    n = len(circle)
    distinct = n - 1
    history: set[frozenset[str]] = set()
    result: list[list[tuple[str, ...]]] = []
    repeated_from = None
    for r in range(rounds):
        groups: list[tuple[str, ...]] | None = None
        if odd and odd_one_out == "trio":
            groups = _trio_round(people, history, r, [20_000])
        if groups is None:
            k = r % distinct
            rest = circle[1:]
            order = [circle[0], *(rest[-k:] + rest[:-k] if k else rest)]
            pairs = [(order[i], order[n - 1 - i]) for i in range(n // 2)]
            groups = [tuple(sorted(p, key=lambda x: x == FACILITATOR)) for p in pairs]
            if odd and odd_one_out == "trio":  # no fresh round found: fold the spare in
                spare = next(g for g in groups if FACILITATOR in g)
                groups.remove(spare)
                groups[0] = (*groups[0], spare[0])
        if any(_met(history, [p for p in g if p != FACILITATOR]) for g in groups):
            repeated_from = repeated_from or r + 1
        for g in groups:
            members = [p for p in g if p != FACILITATOR]
            history.update(frozenset(pair) for pair in itertools.combinations(members, 2))
        result.append(groups)
    if repeated_from:
        notes.append(f"{len(people)} participants allow no more fresh partners after round "
                     f"{repeated_from - 1}; partners repeat from round {repeated_from}")
    return Pairings(result, notes)


def check_game_names(content: Content) -> None:
    """The dilemma content may only name strategies and payoff tables the engine knows.

    (Checked here rather than in `content`, which must not import the engine.)
    """
    from .content import read_yaml
    from .game import CLASSICS, parse_payoffs

    module = next((m for m in content.agenda.modules if m.id == "dilemma"), None)
    if module is None:
        return
    located = read_yaml(Path(content.data_dir) / module.content)
    dilemma = content.dilemma
    try:
        parse_payoffs(dilemma.payoffs)
    except ParameterError as exc:
        raise ContentError(f"{located.path}:{located.line_of(('payoffs',))}: field 'payoffs': "
                           f"{exc}") from None
    for i, name in enumerate(dilemma.classics):
        if name not in CLASSICS:
            raise ContentError(
                f"{located.path}:{located.line_of(('classics', i))}: field 'classics.{i}' "
                f"'{name}' is not a strategy; choose from: {', '.join(sorted(CLASSICS))}"
            )
    for i, length in enumerate(dilemma.game_lengths):
        if not 1 <= length <= 1000:
            raise ContentError(
                f"{located.path}:{located.line_of(('game_lengths', i))}: field "
                f"'game_lengths.{i}' must be from 1 to 1000, got {length}"
            )


# ---------------------------------------------------------------------------------------------
# Tokens


MIN_SECRET_CHARS = 32


def cohort_secret(out_dir: Path) -> tuple[str, bool]:
    """The secret tokens derive from, and whether it must be written to SECRET_FILE.

    $WORKSHOP_KIT_SECRET (at least 32 characters) when set; else the one a previous build
    generated into the cohort folder (a trainer-only file, mode 0600); else a new random one.
    """
    secret = os.environ.get(ENV_SECRET, "")
    source = f"${ENV_SECRET}"
    path = out_dir / SECRET_FILE
    new = False
    if not secret and path.is_file():
        secret, source = path.read_text(encoding="utf-8").strip(), str(path)
    elif not secret:
        secret, new = secrets.token_urlsafe(32), True
    if len(secret) < MIN_SECRET_CHARS:
        raise ParameterError(
            f"{source} is {len(secret)} characters; a secret needs at least {MIN_SECRET_CHARS} "
            "(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return secret, new


def stored_secret(folder: Path) -> str:
    """The secret a built cohort's tokens derive from: $WORKSHOP_KIT_SECRET, else the file
    `build` generated into the cohort folder (trainer-only)."""
    secret = os.environ.get(ENV_SECRET, "")
    if not secret and (folder / SECRET_FILE).is_file():
        secret = (folder / SECRET_FILE).read_text(encoding="utf-8").strip()
    if not secret:
        raise ParameterError(
            f"{folder / SECRET_FILE} is missing and {ENV_SECRET} is not set: the cohort's "
            "tokens cannot be derived; set the secret it was built with, or rebuild it")
    return secret


def make_token(secret: str, cohort_id: str, who: str) -> str:
    """A participant's (or the facilitator's) token: HMAC of cohort and id with the secret."""
    return hmac.new(secret.encode(), f"{cohort_id}:{who}".encode(),
                    hashlib.sha256).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# Build


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: list[Path]
    changed: int
    removed: int
    notes: list[str]
    app_view: str = ""  # where participants open their notebooks as apps (Voilà)


def _nb_name(index: int, module_id: str) -> str:
    return f"{index + 1:02d}_{module_id}.ipynb"


APP_LINK_CELL = "import workshop_kit.appview\nworkshop_kit.appview.app_link()"


def _prepare(template: Path, parameters: dict[str, Any], app_link: bool = False) -> bytes:
    """The template with papermill's injected-parameters cell; deterministic bytes.

    What a screen shows is words and widgets, never code: every code cell's source is hidden
    (JupyterLab folds it to a bar showing its first line, here left empty; Voilà and the HTML
    pages leave inputs out), and the template's own
    parameters cell (placeholder values) is replaced by the injected one, which also keeps any
    default the build does not set. `app_link` adds, below it, the link to the notebook's app
    view (Voilà) for a participant.
    """
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from papermill.translators import PythonTranslator

    nb = load_notebook_node(str(template))
    nb = parameterize_notebook(nb, dict(sorted(parameters.items())),
                               kernel_name="python3", language="python")
    cells = []
    defaults: list[str] = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags:  # the template's placeholders: the injected cell replaces it
            kept = [p for p in PythonTranslator.inspect(cell) if p.name not in parameters]
            defaults = [f"{p.name} = {p.default}" for p in kept]
            continue
        if "injected-parameters" in tags and defaults:
            cell.source += ("\n# The template's defaults the build does not set\n"
                            + "\n".join(defaults) + "\n")
        cells.append(cell)
        if "injected-parameters" in tags and app_link:
            link = nbformat.v4.new_code_cell(APP_LINK_CELL)
            link.id = "app-view-link"
            cells.append(link)
    nb.cells = cells
    # papermill records the parameters in the notebook's metadata too (JupyterLab's property
    # inspector shows it): the credential stays in the hidden cell only
    nb.metadata.get("papermill", {}).get("parameters", {}).pop("token", None)
    nb.metadata["kernelspec"] = dict(NOTEBOOK_KERNELSPEC)  # errors in plain words (kernel.py)
    for i, cell in enumerate(nb.cells):
        for key in ("tags", "papermill"):  # papermill's empty per-cell scaffolding
            if not cell.metadata.get(key):
                cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        elif "id" not in cell:
            cell["id"] = f"cell-{i}"
        if cell.cell_type == "code":
            cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}),
                                        "source_hidden": True}
            # JupyterLab's folded cell still shows its first line: make it an empty one
            if not cell.source.startswith("\n"):
                cell.source = "\n" + cell.source
    return (nbformat.writes(nb) + "\n").encode()


def _roleplay_plan(content: Content, groups: RoleplayGroups) -> list[dict[str, Any]]:
    """For cohort.json and the agenda: each group's members and, per round, script and roles."""
    plan = []
    for group in groups.groups:
        rounds = []
        for n, roles in enumerate(group.rounds, start=1):
            rounds.append({
                "round": n,
                "script": content.roleplay.script_for(n, group.index),
                "seller": group.seller(n),
                "buyer": next(p for p, r in roles.items() if r == "buyer"),
                "observers": [p for p, r in roles.items() if r == "observer"],
            })
        plan.append({"id": group.id, "members": list(group.members), "rounds": rounds})
    return plan


def _publish_record(manifest: dict[str, Any], module: str, exercise: str,
                    payload: dict[str, Any]) -> bool:
    """Record `payload` in the store as the facilitator's answer to module/exercise (the
    records the service reads its rules from), only when it changed; True if it wrote."""
    cohort_id = manifest["cohort"]["id"]
    with Store(manifest["store_url"]) as store:
        current = store.latest_answer(cohort_id, FACILITATOR, module, exercise)
        if current is not None and current.payload == payload:
            return False
        store.submit(cohort_id, FACILITATOR, module, exercise, payload, source="build")
    return True


def publish_drill_vote_cases(manifest: dict[str, Any]) -> bool:
    """Record in the store the drill case each participant votes on (the facilitator's
    answer), so the service lets someone alone on their case vote on another. Writes only
    when it changed; True if it wrote."""
    from .access import DRILL_MODULE, VOTE_CASES_EXERCISE

    cases = manifest.get("drill_vote_cases")
    if not cases:
        return False
    return _publish_record(manifest, DRILL_MODULE, VOTE_CASES_EXERCISE, {"cases": cases})


def publish_roleplay_groups(manifest: dict[str, Any]) -> bool:
    """Record the role-play groups in the store (the facilitator's answer), so the service
    shows a seller their own round's observer notes and buyer's reflection, and nobody
    else's. Writes only when they changed; True if it wrote."""
    from .access import ROLEPLAY_GROUPS_EXERCISE, ROLEPLAY_MODULE

    plan = manifest.get("roleplay_groups")
    if not plan:
        return False
    return _publish_record(manifest, ROLEPLAY_MODULE, ROLEPLAY_GROUPS_EXERCISE,
                           {"groups": plan})


def _groups_html(plan: list[dict[str, Any]], shown: dict[str, str]) -> str:
    if not plan:
        return ""

    def who(ids: list[str]) -> str:
        return html.escape(", ".join(shown_as(shown, p) for p in ids))

    rows = "".join(
        f"<tr><td>{g['id']}</td><td>{who(g['members'])}</td><td>"
        + "<br>".join(f"{r['round']}: {html.escape(r['script'])}, {who([r['seller']])} "
                      f"sells to {who([r['buyer']])}"
                      + (f", {who(r['observers'])} observe"
                         if r["observers"] else ", the facilitator observes")
                      for r in g["rounds"])
        + "</td></tr>" for g in plan)
    return (f"<h2>Role-play groups</h2><table><tr><th>Group</th><th>Members</th>"
            f"<th>Rounds</th></tr>{rows}</table>")


def _agenda_page(cohort: Cohort, content: Content, pairing_notes: list[str],
                 roleplay_plan: list[dict[str, Any]] | None = None,
                 shown: dict[str, str] | None = None) -> bytes:
    start = datetime.fromisoformat(f"{cohort.date}T{content.agenda.starts_at}")
    rows = []
    for i, m in enumerate(content.agenda.modules):
        rows.append(
            f"<tr><td>{start:%H:%M}</td><td>{m.minutes} min</td><td><b>{html.escape(m.title)}"
            f"</b><br><small>{html.escape(m.opening)}</small></td>"
            f"<td><code>{_nb_name(i, m.id)}</code></td></tr>"
        )
        start += timedelta(minutes=m.minutes)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in pairing_notes)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(cohort.name)}: agenda</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;}}
td{{vertical-align:top;padding:.4rem .8rem;border-bottom:1px solid #ddd}}</style></head>
<body><h1>{html.escape(content.agenda.title)}</h1>
<p>{html.escape(cohort.name)} · {cohort.date} · {len(cohort.participants)} participants</p>
<table><tr><th>Starts</th><th>Length</th><th>Module</th><th>Notebook</th></tr>
{"".join(rows)}
<tr><td>{start:%H:%M}</td><td></td><td>End of the day</td><td></td></tr></table>
<h2>Pairings</h2><ul>{notes or "<li>Even cohort: everybody has a new partner in each module."
"</li>"}</ul>
{_groups_html(roleplay_plan or [], shown or {})}
</body></html>
"""
    return page.encode()


def plan_build(cohort_file: str | Path, data_dir: str | Path, out: str | Path | None = None,
               store_url: str | None = None, service_url: str | None = None,
               hub: bool = False) -> tuple[Path, dict[Path, bytes], list[str]]:
    """Validate everything and compute every file of the build, in memory (nothing written).

    A hub build (`hub`, or `hub: true` in the cohort file) writes no token into any notebook:
    there a kernel proves who it is with the hub's own credential (its JUPYTERHUB_API_TOKEN),
    which the service checks against the hub and maps to a participant through the roster's
    hub_user (or to the facilitator through the cohort's facilitator_hub_user)."""
    cohort = load_cohort(cohort_file)
    hub = hub or cohort.hub
    if hub:
        check_hub_users(cohort)
    data_dir = Path(data_dir)
    content = load_content(data_dir)
    check_game_names(content)
    load_simulation(data_dir)
    repo = data_dir.resolve().parent
    out_dir = Path(out) if out else Path("build") / cohort.id
    out_abs = out_dir.resolve()
    url = store_url or f"sqlite:///{out_abs / STORE_FILE}"
    content_dir = out_abs / "content"
    ids = [p.id for p in cohort.participants]
    pairings = make_pairings(ids, len(content.agenda.modules), cohort.odd_one_out)
    module_ids = [m.id for m in content.agenda.modules]
    groups = (make_roleplay_groups(ids, cohort.odd_one_out) if "roleplay" in module_ids
              else RoleplayGroups([]))
    roleplay_plan = _roleplay_plan(content, groups) if groups.groups else []
    areas = {p.id: p.practice_area for p in cohort.participants}
    shown = display_names((p.id, p.name) for p in cohort.participants)
    vote_cases, drill_notes = drill_vote_cases(content, areas)
    secret, new_secret = cohort_secret(out_dir)
    notes = [*pairings.notes, *groups.notes, *drill_notes]
    service_url = (service_url or "").rstrip("/")
    if service_url and not service_url.startswith(("http://", "https://")):
        raise ParameterError(f"--service-url '{service_url[:80]}' must start with http:// or "
                             "https://")

    def make_token_for(who: str) -> str:
        return make_token(secret, cohort.id, who)

    def notebook_token(who: str) -> str:  # on a hub, the hub's credential is the kernel's
        return "" if hub else make_token_for(who)

    files: dict[Path, bytes] = {}
    if new_secret:
        files[Path(SECRET_FILE)] = (secret + "\n").encode()
        notes.append(f"generated the cohort's secret into {out_dir / SECRET_FILE} (trainer "
                     f"only; kept for rebuilds, or set {ENV_SECRET})")
    # Content snapshot: notebooks read these, so later edits to data/ don't change a running day.
    snapshot = ["agenda.yaml", "simulation.yaml", *(m.content for m in content.agenda.modules)]
    if content.scripts:
        snapshot += sorted(f"{SCRIPTS_DIR}/{Path(s.path).name}" for s in content.scripts.values())
    if content.cases:
        snapshot += sorted(f"{CASES_DIR}/{Path(c.path).name}" for c in content.cases.values())
    for rel in snapshot:
        files[Path("content") / rel] = (data_dir / rel).read_bytes()
    manifest_modules = []
    # Notebooks hold the service's URL and their own credential: never the store's URL or
    # a path of this machine. An empty URL means "the service `workshop-kit cockpit` (or
    # run, demo) starts on this machine" ($WORKSHOP_KIT_SERVICE_URL).
    facilitator_parameters = {"cohort_id": cohort.id, "service_url": service_url,
                              "token": notebook_token(FACILITATOR)}
    files[COCKPIT_NOTEBOOK] = _prepare(repo / COCKPIT_NOTEBOOK, facilitator_parameters)
    for i, module in enumerate(content.agenda.modules):
        name = _nb_name(i, module.id)
        manifest_modules.append({"id": module.id, "title": module.title,
                                 "minutes": module.minutes, "notebook": name})
        files[Path("facilitator") / name] = _prepare(repo / module.facilitator_notebook,
                                                     facilitator_parameters)
        for person in cohort.participants:
            parameters: dict[str, Any] = {
                "participant_id": person.id,
                "cohort_id": cohort.id,
                "token": notebook_token(person.id),
                "practice_area": person.practice_area,
                "partners": pairings.partners(i, person.id),
                "service_url": service_url,
            }
            if module.id == "roleplay":
                group = groups.group_of(person.id)
                parameters.update(
                    partners=[p for p in group.members if p != person.id],
                    group=group.id,
                    roles=group.roles_of(person.id),
                    # each round is played in its seller's practice area
                    round_areas=[areas[group.seller(n)] for n in range(1, len(group.rounds) + 1)],
                )
            files[Path("participants") / person.id / name] = _prepare(repo / module.notebook,
                                                                     parameters, app_link=True)
    manifest = {
        "cohort": {"id": cohort.id, "name": cohort.name, "date": cohort.date},
        "store_url": url,
        "service_url": service_url,
        "content_dir": str(content_dir),
        # a hub build keeps no per-person token in any file: the service and the trainer's
        # commands derive them from the secret when they need them
        **({} if hub else {"facilitator_token": make_token_for(FACILITATOR)}),
        "modules": manifest_modules,
        "participants": [
            {
                "id": p.id, "name": p.name, "display_name": shown[p.id], "email": p.email,
                "practice_area": p.practice_area, "team": p.team,
                **({} if hub else {"token": make_token_for(p.id)}),
                "partners": {m.id: (pairings.partners(i, p.id) if m.id != "roleplay" else
                                    [q for q in groups.group_of(p.id).members if q != p.id])
                             for i, m in enumerate(content.agenda.modules)},
                **({"roleplay": {"group": groups.group_of(p.id).id,
                                 "roles": groups.group_of(p.id).roles_of(p.id)}}
                   if groups.groups else {}),
                **({"hub_user": p.hub_user or p.id} if hub else {}),
            }
            for p in cohort.participants
        ],
        **({"hub": True, "facilitator_hub_user": cohort.facilitator_hub_user,
            "facilitator_hub_group": cohort.facilitator_hub_group} if hub else {}),
        "pairing_notes": pairings.notes,
        **({"roleplay_groups": roleplay_plan, "roleplay_notes": groups.notes}
           if groups.groups else {}),
        **({"drill_vote_cases": vote_cases} if vote_cases else {}),
    }
    files[Path(MANIFEST)] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    files[Path("agenda.html")] = _agenda_page(cohort, content, [*pairings.notes, *groups.notes],
                                              roleplay_plan, shown)
    return out_dir, files, notes


def check_hub_users(cohort: Any) -> None:
    """A hub day needs the facilitator's hub login, and no participant may log in as them."""
    if not cohort.facilitator_hub_user:
        raise ParameterError(
            f"{cohort.source}: a JupyterHub build needs 'facilitator_hub_user: <hub login>' in "
            "the cohort file (who may open the facilitator's views)")
    clash = [p.id for p in cohort.participants
             if (p.hub_user or p.id) == cohort.facilitator_hub_user]
    if clash:
        raise ParameterError(
            f"{cohort.source}: facilitator_hub_user '{cohort.facilitator_hub_user}' is also the "
            f"hub login of participant '{clash[0]}'; the facilitator needs a login of their own")


def build(cohort_file: str | Path, data_dir: str | Path, out: str | Path | None = None,
          store_url: str | None = None, service_url: str | None = None,
          hub: bool = False) -> BuildResult:
    """Build a cohort's notebooks. Validates everything first: bad input writes nothing.

    Files whose bytes are unchanged are left alone; notebooks no longer part of the day (say,
    a participant removed from the roster) are removed, and their tokens revoked. Every new
    file is first written beside its target under a temporary name, then all are moved into
    place, `cohort.json` last; only then does the store learn the tokens (so an interrupted
    build leaves the previous one whole, or tokens without notebooks never). The store's
    answers and the results are kept. The secret, `cohort.json`, the facilitator's and the
    participants' notebooks (each holds a credential) are readable by the trainer only.
    """
    out_dir, files, notes = plan_build(cohort_file, data_dir, out, store_url, service_url, hub)
    manifest = json.loads(files[Path(MANIFEST)])
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, data in sorted(files.items(), key=lambda item: item[0] == Path(MANIFEST)):
            target = out_dir / rel
            if target.is_file() and target.read_bytes() == data:
                continue
            private = rel.parts[0] in PRIVATE
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                         0o600 if private else 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o600 if private else 0o644)
            staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        tmp.replace(target)
    for sub in ("facilitator", "participants"):
        if (out_dir / sub).is_dir():
            os.chmod(out_dir / sub, 0o700)
    register_tokens(manifest, out_dir)
    publish_gift_pairs(manifest)
    publish_names(manifest)
    publish_roleplay_groups(manifest)
    publish_drill_vote_cases(manifest)
    removed = 0
    for sub in ("participants", "facilitator", "content"):
        for path in sorted((out_dir / sub).rglob("*")) if (out_dir / sub).is_dir() else []:
            if path.is_file() and path.relative_to(out_dir) not in files:
                path.unlink()
                removed += 1
    for sub in ("participants",):
        for folder in sorted((out_dir / sub).iterdir()) if (out_dir / sub).is_dir() else []:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    first = manifest["modules"][0]["notebook"] if manifest["modules"] else "<notebook>"
    app_view = (
        "after `workshop-kit handout`, each participant opens <hub>/user/<login>/voila/tree/"
        "<hand-out folder>/ and clicks a notebook" if manifest.get("hub") else
        f"with JupyterLab started in {out_dir}, each participant opens <its address>/voila/"
        f"render/participants/<id>/{first} (the link at the top of each notebook)")
    return BuildResult(out_dir, sorted(out_dir / r for r in files), len(staged), removed,
                       notes, app_view + ": no code, it runs by itself")


def token_of(manifest: dict[str, Any], folder: Path, who: str) -> str:
    """One person's kit token: from cohort.json, or (a hub build, which stores none) derived
    from the cohort's secret."""
    if who == FACILITATOR and manifest.get("facilitator_token"):
        return manifest["facilitator_token"]
    for person in manifest["participants"]:
        if person["id"] == who and person.get("token"):
            return person["token"]
    return make_token(stored_secret(folder), manifest["cohort"]["id"], who)


def register_tokens(manifest: dict[str, Any], out_dir: Path) -> int:
    """Register the hash of every participant's token and the facilitator's in the store
    (creating or upgrading it): the store then accepts each notebook's reads and writes.
    Answers already in the store are left alone."""
    tokens = {who: token_of(manifest, out_dir, who)
              for who in [p["id"] for p in manifest["participants"]] + [FACILITATOR]}
    url = manifest["store_url"]
    if url.startswith("sqlite:///"):
        out_dir.mkdir(parents=True, exist_ok=True)
    with Store(url) as store:
        return store.register_tokens(manifest["cohort"]["id"], tokens, replace=True)


def gift_groups(manifest: dict[str, Any]) -> list[list[str]]:
    """The pairs (and any trio) of the gift module, from the manifest's partners."""
    groups: list[list[str]] = []
    seen: set[str] = set()
    for person in manifest["participants"]:
        if person["id"] in seen:
            continue
        group = sorted({person["id"], *person["partners"].get("gift", [])} - {FACILITATOR})
        seen.update(group)
        groups.append(group)
    return groups


def publish_gift_pairs(manifest: dict[str, Any]) -> bool:
    """Record the gift module's pairs in the store (as the facilitator's answer), so a
    participant's notebook can read their partner's plan and no one else's. Writes only when
    the pairs changed; True if it wrote."""
    from .access import GIFT_MODULE, PAIRS_EXERCISE

    if "gift" not in [m["id"] for m in manifest["modules"]]:
        return False
    return _publish_record(manifest, GIFT_MODULE, PAIRS_EXERCISE,
                           {"groups": gift_groups(manifest)})


def publish_names(manifest: dict[str, Any]) -> bool:
    """Record the display names in the store, with whom each participant works (their
    partners and group in any module, as built): the service shows a participant those
    names and no others. True if it wrote."""
    people = manifest["participants"]
    names = {p["id"]: p.get("display_name") or p["name"] for p in people}
    sees = {p["id"]: {q for partners in p["partners"].values() for q in partners
                      if q in names} for p in people}
    with Store(manifest["store_url"]) as store:
        return publish(store, manifest["cohort"]["id"], names, sees)


# ---------------------------------------------------------------------------------------------
# A built cohort


@dataclass(frozen=True)
class BuiltCohort:
    """A built cohort folder, read back from its manifest."""

    folder: Path
    manifest: dict[str, Any]

    @classmethod
    def open(cls, folder: str | Path) -> BuiltCohort:
        folder = Path(folder)
        path = folder / MANIFEST
        if not path.is_file():
            raise ParameterError(
                f"{folder} is not a built cohort (no {MANIFEST}); run `workshop-kit build` first"
            )
        return cls(folder, json.loads(path.read_text(encoding="utf-8")))

    @property
    def cohort_id(self) -> str:
        return self.manifest["cohort"]["id"]

    @property
    def module_ids(self) -> list[str]:
        return [m["id"] for m in self.manifest["modules"]]

    def store(self) -> Store:
        """The store, on the trainer's machine (or the service's): rows no answer schema
        accepts are left out of every read and counted (`skipped`)."""
        from .checked import CheckedStore

        return CheckedStore(self.manifest["store_url"], self.content())

    def facilitator(self, token: str) -> FacilitatorStore:
        """The store as the facilitator's token opens it (personal answers as aggregates)."""
        if not token and self.manifest.get("hub"):  # the trainer's machine holds the secret
            token = token_of(self.manifest, self.folder, FACILITATOR)
        if not token:
            raise ParameterError(
                "--token is empty: give the facilitator's token (facilitator_token in "
                f"{self.folder / MANIFEST}) with --token or $WORKSHOP_KIT_TOKEN")
        content = self.content()
        return FacilitatorStore(self.store(), self.cohort_id, token, personal_modules(content))

    def content(self) -> Content:
        return load_content(self.manifest["content_dir"], check_notebooks=False)

    def select(self, modules: str | None) -> list[dict[str, Any]]:
        """The manifest's modules named in a comma list (all if empty), in agenda order."""
        if not modules:
            return list(self.manifest["modules"])
        wanted = [m.strip() for m in modules.split(",") if m.strip()]
        unknown = [m for m in wanted if m not in self.module_ids]
        if unknown:
            raise ParameterError(
                f"unknown module(s) {', '.join(unknown)} in --modules; choose from: "
                f"{', '.join(self.module_ids)}"
            )
        return [m for m in self.manifest["modules"] if m["id"] in wanted]

    def simulate(self, seed: int = 1) -> int:
        from .content import Participant
        from .simulate import simulate

        people = [Participant(**{k: p[k] for k in ("id", "name", "email", "practice_area",
                                                   "team")})
                  for p in self.manifest["participants"]]
        content = self.content()
        sim = load_simulation(self.manifest["content_dir"])
        groups = RoleplayGroups.from_plan(self.manifest.get("roleplay_groups", []))
        with self.store() as store:
            return simulate(store, self.cohort_id, self.manifest["cohort"]["date"], people,
                            content, sim, seed, groups=groups if groups.groups else None)


# ---------------------------------------------------------------------------------------------
# Run


@dataclass(frozen=True)
class ModuleRun:
    module: str
    notebook: Path
    html: Path | None
    seconds: float
    error: str | None = None


def _html(notebook: Path) -> Path:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_output_prompt=True,
                            exclude_input_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


@contextlib.contextmanager
def local_service(built: BuiltCohort) -> Iterator[str]:
    """The cohort's response service for the notebooks started inside this block.

    A cohort built with --service-url uses that service (it runs elsewhere: a hub). Otherwise
    `workshop-kit serve` starts here on 127.0.0.1, on a free port, its log in
    `<folder>/service.log`; $WORKSHOP_KIT_SERVICE_URL tells the kernels started meanwhile
    where it is; it stops when the block ends."""
    import subprocess
    import sys

    from .client import ENV_SERVICE_URL

    if built.manifest.get("service_url"):
        yield built.manifest["service_url"]
        return
    log_path = built.folder / "service.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit.cli", "serve", str(built.folder),
             "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://\S+", first)
        if not found:
            proc.wait(timeout=10)
            tail = log_path.read_text(encoding="utf-8", errors="replace").strip()
            last = tail.splitlines()[-1] if tail else "no output"
            raise RunError(f"the response service did not start: {last} (see {log_path})")
        url = found.group(0)
        before = os.environ.get(ENV_SERVICE_URL)
        os.environ[ENV_SERVICE_URL] = url
        try:
            yield url
        finally:
            if before is None:
                os.environ.pop(ENV_SERVICE_URL, None)
            else:
                os.environ[ENV_SERVICE_URL] = before
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def run_module(built: BuiltCohort, module: dict[str, Any], results: Path) -> ModuleRun:
    """Execute one facilitator notebook; never raises for a failing cell (see `.error`)."""
    import time

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = built.folder / "facilitator" / module["notebook"]
    target = results / module["notebook"]
    started = time.perf_counter()
    error = None
    try:
        pm.execute_notebook(str(source), str(target), cwd=str(built.folder),
                            kernel_name=kernel_for_run(), progress_bar=False, log_output=False,
                            # the kernel's own start-up warnings are noise on a trainer's screen
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except PapermillExecutionError as exc:
        first_line = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        error = (
            f"module '{module['id']}' failed in cell {exc.cell_index} (`{first_line}`): "
            f"{exc.ename}: {exc.evalue}; the notebook with the error is at {target}"
        )
    except Exception as exc:  # kernel died, notebook unreadable: still report, keep going
        error = f"module '{module['id']}' could not run: {type(exc).__name__}: {exc}"
    page = _html(target) if target.is_file() else None
    return ModuleRun(module["id"], target, page, time.perf_counter() - started, error)


@contextlib.contextmanager
def _facilitator_token_for_hub_build(built: BuiltCohort) -> Iterator[None]:
    """The facilitator's notebooks of a hub build carry no token (on the hub the facilitator's
    kernel has the hub's credential); the trainer's `run` gives its kernels the token derived
    from the cohort's secret instead, through $WORKSHOP_KIT_TOKEN, while it runs."""
    name = "WORKSHOP_KIT_TOKEN"  # what session.resolve_token reads
    if not built.manifest.get("hub"):
        yield
        return
    before = os.environ.get(name)
    os.environ[name] = token_of(built.manifest, built.folder, FACILITATOR)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def run(folder: str | Path, modules: str | None = None, simulate: bool = False, seed: int = 1,
        progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> list[ModuleRun]:
    """Execute the facilitator's modules of a built cohort (all, or a comma list).

    Every module runs even if one fails; then RunError lists each failure on its own line.
    """
    built = BuiltCohort.open(folder)
    chosen = built.select(modules)
    if simulate:
        built.simulate(seed)
    results = built.folder / "results"
    results.mkdir(exist_ok=True)
    runs = []
    with local_service(built), _facilitator_token_for_hub_build(built):
        for module in progress(chosen) if progress else chosen:
            runs.append(run_module(built, module, results))
    failures = [r.error for r in runs if r.error]
    if failures:
        raise RunError("\n".join(failures))
    return runs


@dataclass(frozen=True)
class DemoResult:
    build: BuildResult
    store_url: str
    simulated: int
    participants: int
    runs: list[ModuleRun]
    error: str | None
    reports: Any = None  # report.ReportResult: the take-home pages


def demo(cohort_file: str | Path, data_dir: str | Path, out: str | Path | None = None,
         seed: int = 1,
         progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> DemoResult:
    """The whole day on a cohort: build, simulate every participant's answers, run each module,
    then write the take-home reports.

    A failing module does not stop the others; its message is in `.error`.
    """
    from .report import build_reports

    built_files = build(cohort_file, data_dir, out)
    built = BuiltCohort.open(built_files.out)
    simulated = built.simulate(seed)
    results = built.folder / "results"
    results.mkdir(exist_ok=True)
    modules = built.select(None)
    with local_service(built):
        runs = [run_module(built, m, results)
                for m in (progress(modules) if progress else modules)]
    errors = [r.error for r in runs if r.error]
    reports = build_reports(built.folder)
    return DemoResult(built_files, built.manifest["store_url"], simulated,
                      len(built.manifest["participants"]), runs,
                      "\n".join(errors) if errors else None, reports)


# ---------------------------------------------------------------------------------------------
# The cockpit


def launch_jupyter_lab(folder: Path, notebook: Path) -> int:
    """Start JupyterLab in `folder` on `notebook` (relative to it); its exit code."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "jupyter", "lab", str(notebook)]
    return subprocess.call(command, cwd=folder)


def cockpit(folder: str | Path) -> int:
    """Open a built cohort's cockpit notebook in JupyterLab (until JupyterLab stops)."""
    built = BuiltCohort.open(folder)
    if not (built.folder / COCKPIT_NOTEBOOK).is_file():
        raise ParameterError(f"{built.folder / COCKPIT_NOTEBOOK} is missing; run "
                             "`workshop-kit build` again for this cohort")
    with local_service(built), _facilitator_token_for_hub_build(built):
        return launch_jupyter_lab(built.folder, COCKPIT_NOTEBOOK)


# ---------------------------------------------------------------------------------------------
# Export and forget (facilitator's token)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    withheld: int
    skipped: int = 0  # rows in the store no answer schema accepts (left out)


EXPORT_COLUMNS = ["cohort", "participant", "module", "exercise", "version", "run", "latest",
                  "submitted_at", "source", "payload"]


def export(folder: str | Path, out: str | Path, token: str) -> ExportResult:
    """Write every answer (all versions) of a built cohort to a .csv or .parquet file.

    Personal answers (the trust profile) that their participant did not share are left out
    and counted in `withheld`. The payload column is the answer's JSON text, verbatim.
    """
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in (".csv", ".parquet"):
        raise ParameterError(f"--out '{out}' must end in .csv or .parquet")
    if kind == ".parquet":
        try:
            import pyarrow  # noqa: F401  (only checked: pandas writes through it)
        except ImportError:
            raise ParameterError(
                "Parquet export needs the package pyarrow: pip install pyarrow (or "
                "'workshop-kit[parquet]'), or export to a .csv file") from None
    if not out.parent.is_dir():
        raise ParameterError(f"--out '{out}': folder {out.parent} does not exist; create it")
    built = BuiltCohort.open(folder)
    with built.facilitator(token) as room:
        answers, withheld = room.answers(built.cohort_id)
        skipped = room.skipped
    import pandas as pd

    newest: dict[tuple, int] = {}
    for a in answers:
        newest[(a.participant, a.module, a.exercise)] = a.version
    frame = pd.DataFrame(
        [{"cohort": a.cohort, "participant": a.participant, "module": a.module,
          "exercise": a.exercise, "version": a.version, "run": a.run,
          "latest": a.version == newest[(a.participant, a.module, a.exercise)],
          "submitted_at": a.submitted_at.isoformat(), "source": a.source,
          "payload": json.dumps(a.payload, ensure_ascii=False, sort_keys=True)}
         for a in answers], columns=EXPORT_COLUMNS)
    tmp = out.with_name(out.name + ".tmp")
    if kind == ".csv":
        frame.to_csv(tmp, index=False, encoding="utf-8")
    else:
        frame.to_parquet(tmp, index=False)
    tmp.replace(out)
    return ExportResult(out, len(frame), withheld, skipped)


def forget(folder: str | Path, participant: str, token: str) -> int:
    """Remove every row naming one participant of a built cohort, for a privacy request (see
    `Store.forget`: their answers, answers about them, their token); returns how many answer
    versions were removed. Their notebooks stop working; an unknown id is an error."""
    if not participant or not participant.strip():
        raise ParameterError("PARTICIPANT is empty; give the participant's id (see cohort.json)")
    built = BuiltCohort.open(folder)
    with built.facilitator(token) as room:
        return room.forget(built.cohort_id, participant)


def validate(data_dir: str | Path, cohort_files: list[str | Path]) -> list[str]:
    """Validate content, notebook templates and cohorts: everything `build` reads.

    The content is checked with the default agenda (data/agenda.yaml) and with every other
    agenda in data/agendas/. Returns one summary line per file that passed; ContentError lists
    every problem found (the content's first, then the other agendas', then each cohort
    file's), one line each.
    """
    problems: list[str] = []
    lines: list[str] = []
    content: Content | None = None
    try:
        content = load_content(data_dir)
        check_game_names(content)
        load_simulation(data_dir)
    except ContentError as exc:
        problems.append(str(exc))
        content = None
    agendas: list[Content] = [content] if content is not None else []
    for agenda_file in sorted((Path(data_dir) / AGENDAS_DIR).glob("*.yaml")):
        try:
            other = load_content(data_dir, agenda=agenda_file)
            check_game_names(other)
        except ContentError as exc:
            problems.append(str(exc))
            continue
        agendas.append(other)
    listed: set[str] = set()
    for loaded in agendas:
        lines.append(f"{Path(data_dir) / loaded.agenda_file}: {len(loaded.agenda.modules)} "
                     f"modules, {sum(m.minutes for m in loaded.agenda.modules)} minutes")
        for module in loaded.agenda.modules:
            if module.content not in listed:
                listed.add(module.content)
                lines.append(f"{Path(data_dir) / module.content}: ok")
    if content is not None:
        for script_id in sorted(content.scripts):
            script = content.scripts[script_id]
            endings = script.endings()
            lines.append(f"{script.path}: ok, {len(script.nodes)} nodes, {len(endings)} endings "
                         f"({', '.join(sorted({e.ending.outcome for e in endings if e.ending}))})")
        for case_id in sorted(content.cases):
            case = content.cases[case_id]
            lines.append(f"{case.path}: ok, {case.practice_area}, {len(case.questions)} "
                         f"questions, {len(case.facts)} facts, budget {case.budget_minutes} min")
        # build fills in these templates: a missing or broken one would stop it half-way
        repo = Path(data_dir).resolve().parent
        templates = [repo / COCKPIT_NOTEBOOK]
        for module in (m for loaded in agendas for m in loaded.agenda.modules):
            templates += [repo / module.notebook, repo / module.facilitator_notebook]
        for template in dict.fromkeys(templates):
            if not template.is_file():
                problems.append(f"{template}: notebook template is missing; build fills it in "
                                "for every cohort, so restore it from git")
                continue
            try:
                nbformat.read(template, as_version=4)
            except Exception as exc:  # nbformat raises many kinds (JSON, schema, type) for one
                reason = " ".join(str(exc).split())[:120] or type(exc).__name__
                problems.append(f"{template}: notebook template cannot be read ({reason}); "
                                "restore it from git")
    for cohort_file in cohort_files:
        try:
            cohort = load_cohort(cohort_file)
        except ContentError as exc:
            problems.append(str(exc))
            continue
        if cohort.hub:
            try:
                check_hub_users(cohort)
            except ParameterError as exc:
                problems.append(str(exc))
                continue
        lines.append(f"{cohort_file}: {len(cohort.participants)} participants"
                     + (f", on a JupyterHub (facilitator: {cohort.facilitator_hub_user})"
                        if cohort.hub else ""))
        if content is None:
            continue
        pairings = make_pairings([p.id for p in cohort.participants],
                                 len(content.agenda.modules), cohort.odd_one_out)
        lines += [f"  {note}" for note in pairings.notes]
        if content.scripts:
            groups = make_roleplay_groups([p.id for p in cohort.participants],
                                          cohort.odd_one_out)
            sizes = sorted((len(g.members) for g in groups.groups), reverse=True)
            lines.append(f"  role-play groups: {', '.join(map(str, sizes))}")
            lines += [f"  {note}" for note in groups.notes]
        lines += [f"  {note}" for note in drill_vote_cases(
            content, {p.id: p.practice_area for p in cohort.participants})[1]]
    if problems:
        raise ContentError("\n".join(problems))
    return lines
