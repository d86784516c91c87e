"""Cohorts: building the day's notebooks, and reading a built cohort back.

`build` turns a cohort file + content into one prepared notebook per participant per module
(papermill parameters injected, not executed) plus the facilitator's notebooks and an agenda page.
Same inputs give byte-identical files. Running the day on a built cohort (`run`, `demo`, the
cockpit) is `day`'s job; pairings and role-play groups are `rotation`'s.

This file names no module: it iterates the agenda and asks each line's module type for its
`build` part (`workshop_kit/modules/<type>/build.py`), which may define

- ``plan(given: BuildInput) -> ModulePlan``: the notebook parameters it adds per participant,
  the records it publishes to the store, its notes, its agenda-page section and extra content
  files (see `ModulePlan`);
- ``check(module_id, content, day) -> None``: build-time checks of its content, raising
  ContentError naming file, line and field.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import modules
from .access import FacilitatorStore, personal_modules
from .checked import CheckedStore
from .content import (
    AGENDAS_DIR,
    Cohort,
    Content,
    Participant,
    load_cohort,
    load_content,
)
from .errors import ContentError, ParameterError
from .kernel import NOTEBOOK_KERNELSPEC
from .names import display_names, publish
from .rotation import Pairings, make_pairings
from .simulate import load_simulation, simulate
from .store import FACILITATOR, Store

ENV_SECRET = "WORKSHOP_KIT_SECRET"
SECRET_FILE = "trainer-secret.txt"  # tokens derive from it: trainer only (0600)
PRIVATE = (SECRET_FILE, "cohort.json", "facilitator", "participants")  # written 0600 / 0700
MANIFEST = "cohort.json"
STORE_FILE = "responses.sqlite"
COCKPIT_NOTEBOOK = Path("facilitator") / "00_cockpit.ipynb"  # template and built copy


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
    import nbformat  # noqa: PLC0415 (heavy (pulls jsonschema): only when notebooks are prepared)
    from papermill.iorw import load_notebook_node  # noqa: PLC0415 (heavy or optional: imported when used)
    from papermill.parameterize import parameterize_notebook  # noqa: PLC0415 (heavy or optional: imported when used)
    from papermill.translators import PythonTranslator  # noqa: PLC0415 (heavy or optional: imported when used)

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


# ---------------------------------------------------------------------------------------------
# What each module type adds to the build (its `build` part)


@dataclass(frozen=True)
class BuildInput:
    """What a module type's build part is given, for one agenda line.

    `content` is the module's own content (`day.modules[module_id]`); `partners` each
    participant's partners in this module from the day's pairings (rotation.make_pairings);
    `names` the display names by participant id (for the agenda page)."""

    module_id: str
    content: Any
    day: Content
    cohort: Cohort
    partners: dict[str, list[str]]
    names: dict[str, str]


@dataclass(frozen=True)
class ModulePlan:
    """What a module type adds to the build of one agenda line.

    - `parameters`: per participant id, papermill parameters added to their notebook of this
      module (a `partners` key replaces the pairings' partners, e.g. a role-play group);
      `cohort.json` keeps them too (the participant's `modules.<module id>`).
    - `records`: exercise -> payload, published to the store as the facilitator's answer in
      this module (the records the service's rules read: pairs, groups, vote cases) and kept in
      `cohort.json` (the module's `records`); written only when they changed.
    - `notes`: lines `build` and `validate` print (how an odd cohort was handled, …).
    - `agenda_html`: a section for the agenda page (already escaped HTML).
    - `summary`: lines `validate` prints about the cohort (before the notes), e.g. group sizes.
    - `files`: content files beside the module's YAML (paths relative to the data folder) that
      the build snapshots into `content/` with it.
    """

    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    agenda_html: str = ""
    files: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # lines `validate` prints for a cohort


def check_modules(day: Content) -> None:
    """Each module type's build-time checks of its content (the `check(module_id, content,
    day)` of its build part, e.g. names only the engine knows); ContentError with file:line."""
    for module in day.agenda.modules:
        part = modules.part(module.type, "build")
        if part is not None and hasattr(part, "check"):
            part.check(module.id, day.modules[module.id], day)


def plan_modules(day: Content, cohort: Cohort, pairings: Pairings | None = None,
                 names: dict[str, str] | None = None) -> dict[str, ModulePlan]:
    """Each agenda line's ModulePlan, by module id: what its type's build part adds (its
    `plan(BuildInput) -> ModulePlan`); an empty plan for a type without one."""
    ids = [p.id for p in cohort.participants]
    if pairings is None:
        pairings = make_pairings(ids, len(day.agenda.modules), cohort.odd_one_out)
    if names is None:
        names = display_names((p.id, p.name) for p in cohort.participants)
    plans: dict[str, ModulePlan] = {}
    for i, module in enumerate(day.agenda.modules):
        part = modules.part(module.type, "build")
        if part is None or not hasattr(part, "plan"):
            plans[module.id] = ModulePlan()
            continue
        given = BuildInput(module.id, day.modules[module.id], day, cohort,
                           {p: pairings.partners(i, p) for p in ids}, names)
        plans[module.id] = part.plan(given)
    return plans


def publish_records(manifest: dict[str, Any]) -> int:
    """Record in the store each module's build records (its plan's `records`, kept in
    cohort.json) as the facilitator's answers: the service reads its rules from them (who is
    whose partner, who sells in which round, which case one votes on). Writes only what
    changed; returns how many it wrote."""
    cohort_id = manifest["cohort"]["id"]
    written = 0
    with Store(manifest["store_url"]) as store:
        for module in manifest["modules"]:
            for exercise, payload in sorted(module.get("records", {}).items()):
                current = store.latest_answer(cohort_id, FACILITATOR, module["id"], exercise)
                if current is not None and current.payload == payload:
                    continue
                store.submit(cohort_id, FACILITATOR, module["id"], exercise, payload,
                             source="build")
                written += 1
    return written


def _agenda_page(cohort: Cohort, content: Content, pairing_notes: list[str],
                 sections: list[str]) -> bytes:
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
{"".join(sections)}
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
    hub_user (or to the facilitator through the cohort's facilitator_hub_user).

    Every notebook gets the papermill parameter `module_id` (its agenda line's id), so one
    template serves a module type that appears twice; what else a module adds comes from its
    type's build part (`plan_modules`)."""
    cohort = load_cohort(cohort_file)
    hub = hub or cohort.hub
    if hub:
        check_hub_users(cohort)
    data_dir = Path(data_dir)
    content = load_content(data_dir)
    check_modules(content)
    load_simulation(data_dir)
    repo = data_dir.resolve().parent
    out_dir = Path(out) if out else Path("build") / cohort.id
    out_abs = out_dir.resolve()
    url = store_url or f"sqlite:///{out_abs / STORE_FILE}"
    content_dir = out_abs / "content"
    ids = [p.id for p in cohort.participants]
    pairings = make_pairings(ids, len(content.agenda.modules), cohort.odd_one_out)
    shown = display_names((p.id, p.name) for p in cohort.participants)
    plans = plan_modules(content, cohort, pairings, shown)
    secret, new_secret = cohort_secret(out_dir)
    module_notes = [n for plan in plans.values() for n in plan.notes]
    notes = [*pairings.notes, *module_notes]
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
    snapshot += sorted({f for plan in plans.values() for f in plan.files})
    for rel in dict.fromkeys(snapshot):
        files[Path("content") / rel] = (data_dir / rel).read_bytes()
    manifest_modules = []
    # Notebooks hold the service's URL and their own credential: never the store's URL or
    # a path of this machine. An empty URL means "the service `workshop-kit cockpit` (or
    # run, demo) starts on this machine" ($WORKSHOP_KIT_SERVICE_URL).
    facilitator_parameters = {"cohort_id": cohort.id, "service_url": service_url,
                              "token": notebook_token(FACILITATOR)}
    files[COCKPIT_NOTEBOOK] = _prepare(repo / COCKPIT_NOTEBOOK, facilitator_parameters)
    partners: dict[str, dict[str, list[str]]] = {p.id: {} for p in cohort.participants}
    extras: dict[str, dict[str, dict[str, Any]]] = {p.id: {} for p in cohort.participants}
    for i, module in enumerate(content.agenda.modules):
        name = _nb_name(i, module.id)
        plan = plans[module.id]
        manifest_modules.append({"id": module.id, "type": module.type, "title": module.title,
                                 "minutes": module.minutes, "notebook": name,
                                 **({"records": plan.records} if plan.records else {}),
                                 **({"notes": plan.notes} if plan.notes else {})})
        files[Path("facilitator") / name] = _prepare(
            repo / module.facilitator_notebook, {**facilitator_parameters, "module_id": module.id})
        for person in cohort.participants:
            added = plan.parameters.get(person.id, {})
            parameters: dict[str, Any] = {
                "participant_id": person.id,
                "cohort_id": cohort.id,
                "module_id": module.id,
                "token": notebook_token(person.id),
                "practice_area": person.practice_area,
                "partners": pairings.partners(i, person.id),
                "service_url": service_url,
                **added,
            }
            partners[person.id][module.id] = parameters["partners"]
            own = {k: v for k, v in added.items() if k != "partners"}
            if own:
                extras[person.id][module.id] = own
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
                "partners": partners[p.id],
                **({"modules": extras[p.id]} if extras[p.id] else {}),
                **({"hub_user": p.hub_user or p.id} if hub else {}),
            }
            for p in cohort.participants
        ],
        **({"hub": True, "facilitator_hub_user": cohort.facilitator_hub_user,
            "facilitator_hub_group": cohort.facilitator_hub_group} if hub else {}),
        "pairing_notes": pairings.notes,
    }
    files[Path(MANIFEST)] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    files[Path("agenda.html")] = _agenda_page(
        cohort, content, [*pairings.notes, *module_notes],
        [plan.agenda_html for plan in plans.values() if plan.agenda_html])
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
    publish_names(manifest)
    publish_records(manifest)
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

    def records(self, module_id: str) -> dict[str, dict[str, Any]]:
        """What the build published for a module (its type's plan `records`: exercise ->
        payload), from cohort.json; {} for a module that publishes none."""
        for module in self.manifest["modules"]:
            if module["id"] == module_id:
                return dict(module.get("records", {}))
        raise ParameterError(f"unknown module '{module_id}'; choose from: "
                             f"{', '.join(self.module_ids)}")

    def simulate(self, seed: int = 1) -> int:
        """Simulated answers for everyone where none exist yet (see `simulate.simulate`)."""
        people = [Participant(**{k: p[k] for k in ("id", "name", "email", "practice_area",
                                                   "team")})
                  for p in self.manifest["participants"]]
        sim = load_simulation(self.manifest["content_dir"])
        with self.store() as store:
            return simulate(store, self.cohort_id, self.manifest["cohort"]["date"], people,
                            self.content(), sim, seed)


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
            import pyarrow  # noqa: F401, PLC0415 (only checked: pandas writes through it)
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
    import pandas as pd  # noqa: PLC0415 (heavy or optional: imported when used)

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
    import nbformat  # noqa: PLC0415 (heavy or optional: imported when used)

    problems: list[str] = []
    lines: list[str] = []
    content: Content | None = None
    try:
        content = load_content(data_dir)
        check_modules(content)
        load_simulation(data_dir)
    except ContentError as exc:
        problems.append(str(exc))
        content = None
    agendas: list[Content] = [content] if content is not None else []
    for agenda_file in sorted((Path(data_dir) / AGENDAS_DIR).glob("*.yaml")):
        try:
            other = load_content(data_dir, agenda=agenda_file)
            check_modules(other)
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
        import nbformat  # noqa: PLC0415 (heavy (pulls jsonschema): only here and when notebooks are prepared)

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
        for plan in plan_modules(content, cohort, pairings).values():
            lines += [f"  {line}" for line in [*plan.summary, *plan.notes]]
    if problems:  # a module file every agenda shares is reported once
        raise ContentError("\n".join(dict.fromkeys(
            line for problem in problems for line in problem.splitlines())))
    return lines
