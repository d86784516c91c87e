"""Content: the agenda, module exercises and cohorts, loaded from YAML/CSV into typed models.

Every problem is reported as one line that names the file, the line and the field, plus how to fix
it. Loading never writes anything.

A module's content is loaded by its type's ``content`` part (`workshop_kit/modules/<type>/
content.py`, found through `workshop_kit.modules`); this file names no module. The part holds:

``Content``
    the pydantic model of the module's YAML file (build it from `_Model`, `Slug`, `Text` and
    the shared blocks here, such as `RatingForm`).
``check(content, located, path) -> None`` (optional)
    what the model alone cannot see (unique ids, ranges); raises ContentError, one line per
    problem naming file, line and field (`located.line_of(loc)`, `_check_unique`).
``load_extra(data_dir, content, path) -> object`` (optional)
    files beside the YAML (a folder of scripts or cases, see `_load_folder`); the result is kept
    in `Content.extras[module_id]`. Until callers move to `extras`, a result with a ``scripts``
    or ``cases`` dict feeds `Content.scripts` / `Content.cases`, and one with
    ``case_for(practice_area)`` feeds `Content.case_for`.

Everything is keyed by the agenda's module id, so one type may appear twice with its own content.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import ContentError
from .modules import get as get_module_type
from .modules import registry

PRACTICE_AREAS: dict[str, str] = {
    "consulting": "Consulting",
    "accounting": "Accounting",
    "legal": "Legal",
    "it_services": "IT services",
    "financial_planning": "Financial planning",
}
AGENDA_FILE = "agenda.yaml"  # the default agenda, in the data folder
AGENDAS_DIR = "agendas"  # more agendas (a half day, …), in the data folder
SLUG = r"^[a-z0-9][a-z0-9_-]*$"
# Ids become file and folder names (participants/<id>/, build/<cohort id>/, 01_<module>.ipynb)
MAX_ID_CHARS = 40
Slug = Annotated[str, Field(pattern=SLUG, max_length=MAX_ID_CHARS)]
Text = Annotated[str, Field(min_length=1)]


# ---------------------------------------------------------------------------------------------
# YAML with line numbers


class _Located:
    """A parsed YAML document plus the line of every key path, for error messages."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, loc: Iterable[Any]) -> int:
        """The line of the deepest known key on `loc` (1 if nothing is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _index_lines(node: yaml.Node, path: Path, prefix: tuple, lines: dict[tuple, int]) -> None:
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dotted = ".".join(str(p) for p in (*prefix, key))
                raise ContentError(
                    f"{path}:{key_node.start_mark.line + 1}: field '{dotted}' appears twice; "
                    "keep one of them"
                )
            seen.add(key)
            lines[(*prefix, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, path, (*prefix, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*prefix, i)] = item.start_mark.line + 1
            _index_lines(item, path, (*prefix, i), lines)


MAX_FILE_BYTES = 1024 * 1024  # content, cohort and roster files; real ones are a few KB


def _read_text(path: Path, encoding: str, kind: str, fix_path: str, not_utf8: str) -> str:
    """A content file's text, checked before any parsing; every problem is one ContentError line.

    Refused: a missing path, a folder or other non-regular file, an unreadable file, a file over
    MAX_FILE_BYTES (only that much plus one byte is ever read) and a file with a NUL byte.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ContentError(f"{path}: {kind} not found; {fix_path}") from None
    except PermissionError:
        raise ContentError(f"{path}: {kind} cannot be read (permission denied); give this user "
                           "read access to it and its folders") from None
    if stat.S_ISDIR(info.st_mode):
        raise ContentError(f"{path}: {kind} is a folder, not a file; {fix_path}")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise ContentError(f"{path}: {kind} is not a regular file; {fix_path}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise ContentError(f"{path}: {kind} cannot be read (permission denied); give this user "
                           "read access to it (chmod a+r)") from None
    except OSError as exc:
        raise ContentError(f"{path}: {kind} cannot be read ({exc.strerror or exc}); "
                           f"{fix_path}") from None
    if len(raw) > MAX_FILE_BYTES:
        size = max(info.st_size, len(raw))
        raise ContentError(f"{path}: {kind} is {size:,} bytes, over the 1 MB limit "
                           f"({MAX_FILE_BYTES:,} bytes); real ones are a few KB, so check it is "
                           "the right file and cut what does not belong")
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise ContentError(f"{path}:{line}: {kind} contains a NUL byte, so it is not plain text "
                           f"(a binary or UTF-16 file?); {not_utf8}")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise ContentError(f"{path}: not UTF-8 text; {not_utf8}") from None


class _AliasRefused(Exception):
    def __init__(self, mark: yaml.Mark):
        self.line = mark.line + 1


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors (&x) and aliases (*x) as soon as it meets one.

    Aliases let a few lines expand to billions of nodes ("billion laughs"); content files never
    need them, so they are refused while composing, before anything is expanded or indexed.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


def read_yaml(path: str | Path) -> _Located:
    """Parse a YAML file, keeping the line of every key; syntax errors name file and line.

    Size and NUL bytes are checked before parsing; anchors and aliases are refused.
    """
    path = Path(path)
    text = _read_text(path, "utf-8", "file", "check the path", "save it as UTF-8")
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _AliasRefused as exc:
        raise ContentError(f"{path}:{exc.line}: YAML anchors and aliases (&name, *name) are not "
                           "allowed in content and cohort files; write the value out in full"
                           ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = (exc.problem or "invalid YAML").strip()
        raise ContentError(f"{path}:{line}: YAML syntax error: {problem}; fix the syntax") from None
    except RecursionError:
        raise ContentError(f"{path}: YAML nested too deeply to read; flatten it") from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _index_lines(node, path, (), lines)
    return _Located(path, data, lines)


def _explain(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is missing; add it"
    if kind == "extra_forbidden":
        return "is not a known field; remove it or check its spelling"
    if kind == "string_pattern_mismatch":
        return "must be lower-case letters, digits, '-' or '_' (like 'trust_profile')"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return err["msg"].lower()
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return (f"is {len(str(err.get('input', '')))} characters long; ids become file and "
                f"folder names, so shorten it to at most {ctx.get('max_length')} characters")
    if kind == "value_error" and ctx.get("error") is not None:
        return f"is wrong: {ctx['error']}"
    return err["msg"][0].lower() + err["msg"][1:]


def validate_model(model: type[BaseModel], located: _Located,
                   where: Callable[[tuple], str] | None = None) -> Any:
    """Validate `located.data` against `model`; ContentError lists each problem on a line.

    `where(loc)` may name the thing at fault before the field (like "node 'opening': ").
    """
    if not isinstance(located.data, dict):
        raise ContentError(f"{located.path}:1: expected a mapping of fields at the top level")
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            dotted = ".".join(str(p) for p in loc) or "(top level)"
            line = located.line_of(loc)
            prefix = where(loc) if where else ""
            problems.append(f"{located.path}:{line}: {prefix}field '{dotted}' {_explain(err)}")
        raise ContentError("\n".join(problems)) from None


# ---------------------------------------------------------------------------------------------
# Models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgendaModule(_Model):
    id: Slug
    # The module type (a folder under workshop_kit/modules/ or a registered package); the id
    # when left out, so one type can appear twice with different content.
    type: Slug = ""
    title: Text

    @model_validator(mode="before")
    @classmethod
    def _type_defaults_to_id(cls, data: Any) -> Any:
        # only a well-formed id: a bad one is reported once, as the id's problem
        if not isinstance(data, dict) or data.get("type"):
            return data
        module_id = data.get("id")
        if isinstance(module_id, str) and re.match(SLUG, module_id) and (
                len(module_id) <= MAX_ID_CHARS):
            return {**data, "type": module_id}
        return data
    minutes: int = Field(ge=5, le=240)
    notebook: Text
    facilitator_notebook: Text
    content: Text
    opening: Text
    closing: Text


class Agenda(_Model):
    title: Text
    starts_at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    modules: list[AgendaModule] = Field(min_length=1)

    def type_of(self, module_id: str) -> str:
        """The module type of the agenda line `module_id`."""
        return self.module(module_id).type

    def module(self, module_id: str) -> AgendaModule:
        for module in self.modules:
            if module.id == module_id:
                return module
        known = ", ".join(m.id for m in self.modules)
        raise ContentError(f"unknown module '{module_id}'; choose from: {known}")

class Scale(_Model):
    min: int = 1
    max: int = 5
    low_label: Text
    high_label: Text


class TrustItem(_Model):
    id: Slug
    text: Text


class Trait(_Model):
    id: Literal["credibility", "reliability", "intimacy", "other_orientation"]
    question: Text
    items: list[TrustItem] = Field(min_length=2)


class TextPrompt(_Model):
    """An open question and how long its answer may be: a module-neutral building block that
    module types' content models share."""

    prompt: Text
    min_chars: int = Field(ge=0)
    max_chars: int = Field(ge=1, le=20000)


class RatingForm(_Model):
    """A rating-scale questionnaire on the four parts of trust, plus one open prompt: a
    module-neutral building block: one module asks it, another may ask it again later."""

    exercise: Slug
    personal: bool
    intro: Text
    scale: Scale
    traits: list[Trait] = Field(min_length=4, max_length=4)
    situation: TextPrompt

    def items(self) -> list[tuple[str, TrustItem]]:
        """(trait id, item) for every item, in order."""
        return [(trait.id, item) for trait in self.traits for item in trait.items]




# ---------------------------------------------------------------------------------------------
# Folders of YAML files beside a module's content (branching scripts, cases), one item a file


def _named_item(located: _Located, loc: tuple, lists: tuple[str, ...]) -> str:
    """"node 'x': " (or "question 'x': " …) when `loc` lies inside an item of one of the
    `lists` that has an id, else ""."""
    if len(loc) > 1 and loc[0] in lists and isinstance(loc[1], int):
        items = located.data.get(loc[0])
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            item_id = items[loc[1]].get("id")
            if isinstance(item_id, str):
                return f"{loc[0][:-1]} '{item_id}': "
    return ""


def _load_checked(path: str | Path, model: type, lists: tuple[str, ...], check: Any) -> Any:
    """Load one file of `model`, run its cross-checks; ContentError lists every problem."""
    located = read_yaml(path)
    item = validate_model(model, located, lambda loc: _named_item(located, loc, lists))
    problems = check(item, located)
    if problems:
        raise ContentError("\n".join(problems))
    return item.model_copy(update={"path": str(path)})


def _load_folder(folder: str | Path, load: Any, what: str) -> dict[str, Any]:
    """Every `*.yaml` in a folder, by id; all problems of all files at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError(f"{folder}: {what} folder not found; create it with one YAML file "
                           f"per {what.split()[-1].rstrip('s')}")
    items: dict[str, Any] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            item = load(path)
        except ContentError as exc:
            problems.append(str(exc))
            continue
        kind = what.split()[-1].rstrip("s")
        if item.id in items:
            problems.append(f"{path}:1: {kind} id '{item.id}' is also used by "
                            f"{items[item.id].path}; give each {kind} its own id")
            continue
        items[item.id] = item
    if not problems and not items:
        problems.append(f"{folder}: no {what.split()[-1]} (*.yaml) found; add at least one")
    if problems:
        raise ContentError("\n".join(problems))
    return items



def _check_unique(located: _Located, ids: list[tuple[tuple, str]], what: str) -> None:
    seen: dict[str, tuple] = {}
    for loc, value in ids:
        if value in seen:
            raise ContentError(
                f"{located.path}:{located.line_of(loc)}: field '{'.'.join(map(str, loc))}' "
                f"repeats the {what} '{value}'; give each {what} its own id"
            )
        seen[value] = loc



def load_module_content(module_type: str, path: str | Path) -> Any:
    """Load and validate one module's content file with its type's content part.

    The part (`workshop_kit/modules/<type>/content.py`) holds `Content`, the pydantic model of
    the file, and may hold `check(content, located, path)`, which raises ContentError (one line
    per problem, naming file, line and field) for what the model alone cannot see.
    """
    part = get_module_type(module_type).part("content")
    if part is None or not isinstance(getattr(part, "Content", None), type):
        raise ContentError(f"{path}: module type '{module_type}' has no content part; add a "
                           "content.py holding a `Content` model to its package")
    located = read_yaml(path)
    content = validate_model(part.Content, located)
    check = getattr(part, "check", None)
    if check is not None:
        check(content, located, path)
    return content


def _data_dir_of(agenda_path: Path) -> Path:
    """The data folder of an agenda file: its own folder, or the parent of an `agendas/` one."""
    folder = agenda_path.parent
    return folder.parent if folder.name == AGENDAS_DIR else folder


def load_agenda(path: str | Path, check_notebooks: bool = True,
                data_dir: str | Path | None = None) -> Agenda:
    """Load an agenda; checks that its module types exist and its content files (and
    notebooks, if asked) exist.

    Content paths are relative to the data folder (`data_dir`; by default the agenda's folder,
    or its parent for an agenda in `agendas/`); notebook paths to the repository (the data
    folder's parent).
    """
    located = read_yaml(path)
    agenda = validate_model(Agenda, located)
    base = Path(data_dir) if data_dir is not None else _data_dir_of(Path(path))
    root = base.parent
    ids = [(("modules", i, "id"), m.id) for i, m in enumerate(agenda.modules)]
    _check_unique(located, ids, "module")
    known = registry()
    for i, module in enumerate(agenda.modules):
        if module.type not in known:
            field = "type" if "type" in located.data["modules"][i] else "id"
            raise ContentError(
                f"{path}:{located.line_of(('modules', i, field))}: field 'modules.{i}.{field}' "
                f"names the module type '{module.type}', which does not exist; use one of: "
                f"{', '.join(known)} (or add `type:` naming one)")
    for i, module in enumerate(agenda.modules):
        files = [("content", module.content, base)]
        if check_notebooks:
            files += [
                ("notebook", module.notebook, root),
                ("facilitator_notebook", module.facilitator_notebook, root),
            ]
        for field, rel, anchor in files:
            if not (anchor / rel).is_file():
                line = located.line_of(("modules", i, field))
                raise ContentError(
                    f"{path}:{line}: field 'modules.{i}.{field}' points at {anchor / rel}, which "
                    "does not exist; fix the path"
                )
    return agenda


class Content(_Model):
    """Everything a cohort's notebooks need: the agenda and each module's validated content.

    `modules` and `extras` are keyed by the agenda's module id: `modules[id]` is the module's
    content (its type's `Content` model), `extras[id]` what its type's `load_extra` loaded
    beside it (a folder of scripts or cases), for the types that have one.
    """

    agenda: Agenda
    modules: dict[str, Any]
    data_dir: str
    extras: dict[str, Any] = {}
    # the agenda file, relative to data_dir when it lies inside it
    agenda_file: str = AGENDA_FILE

    def ids_of_type(self, type_name: str) -> list[str]:
        """The agenda's module ids of one type, in agenda order."""
        return [m.id for m in self.agenda.modules if m.type == type_name]

    # Compatibility accessors for helpers that predate module ids (to be removed): the first
    # module of a type (`content.<type>`), and every module's scripts and cases merged.

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)  # type: ignore[misc]
        except AttributeError:
            if name.startswith("_"):
                raise
        agenda = self.__dict__.get("agenda")
        for module in agenda.modules if agenda is not None else ():
            if module.type == name:
                return self.__dict__["modules"][module.id]
        raise AttributeError(f"the agenda has no module of type '{name}'")

    def _merged(self, field: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for module in self.agenda.modules:
            found = getattr(self.extras.get(module.id), field, None)
            if isinstance(found, dict):
                merged.update({k: v for k, v in found.items() if k not in merged})
        return merged

    @property
    def scripts(self) -> dict[str, Any]:
        return self._merged("scripts")

    @property
    def cases(self) -> dict[str, Any]:
        return self._merged("cases")

    def case_for(self, practice_area: str, module_id: str | None = None) -> Any:
        """The case of a practice area in `module_id`'s extras (the first module with cases
        when None): that area's first case by id, else the module's default case."""
        ids = [module_id] if module_id else [m.id for m in self.agenda.modules]
        for mid in ids:
            extra = self.extras.get(mid)
            if callable(getattr(extra, "case_for", None)):
                return extra.case_for(practice_area)
        raise ContentError("no module on the agenda has cases to choose from")


def load_content(data_dir: str | Path, check_notebooks: bool = True,
                 agenda: str | Path | None = None) -> Content:
    """Load an agenda and every module's content from a data folder (like `data/`).

    `agenda` is the agenda file (default: the data folder's agenda.yaml; a relative path not
    found as given is taken inside the data folder, like `agendas/half_day.yaml`). Each module
    is loaded by its type's content part (see `load_module_content`); a part with
    `load_extra(data_dir, content, path)` also loads files beside it (scripts, cases), kept in
    `Content.extras[module_id]`.
    """
    data_dir = Path(data_dir)
    agenda_path = data_dir / AGENDA_FILE if agenda is None else Path(agenda)
    if agenda is not None and not agenda_path.is_absolute() and not agenda_path.exists():
        agenda_path = data_dir / agenda_path
    loaded = load_agenda(agenda_path, check_notebooks, data_dir=data_dir)
    modules: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for module in loaded.modules:
        path = data_dir / module.content
        modules[module.id] = load_module_content(module.type, path)
        load_extra = getattr(get_module_type(module.type).part("content"), "load_extra", None)
        if load_extra is not None:
            extras[module.id] = load_extra(data_dir, modules[module.id], path)
    try:
        agenda_file = str(agenda_path.resolve().relative_to(data_dir.resolve()))
    except ValueError:
        agenda_file = str(agenda_path)
    return Content(agenda=loaded, modules=modules, data_dir=str(data_dir), extras=extras,
                   agenda_file=agenda_file)


# ---------------------------------------------------------------------------------------------
# Cohorts and rosters


class Participant(_Model):
    id: str
    name: str
    email: str
    practice_area: str
    team: str = ""
    # their JupyterHub login, when the day runs on a hub (defaults to the id)
    hub_user: str = ""


HUB_USER = re.compile(r"^[a-z_][a-z0-9_.@-]{0,63}$")


class CohortFile(_Model):
    id: Slug
    name: Text
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    roster: Text
    odd_one_out: Literal["trio", "facilitator"] = "trio"
    # On a JupyterHub: participants are known by their hub login (no token in any notebook);
    # the facilitator is this hub user.
    hub: bool = False
    facilitator_hub_user: str = Field(default="", pattern=r"^([a-z_][a-z0-9_.@-]{0,63})?$")
    # members of this hub group have the facilitator's rights too (a co-facilitator)
    facilitator_hub_group: str = Field(default="", pattern=r"^([A-Za-z0-9_.@-]{1,64})?$")

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        try:
            datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a day on the calendar ({exc}); write a real "
                             "date as YYYY-MM-DD") from None
        return value


class Cohort(_Model):
    id: str
    name: str
    date: str
    odd_one_out: str
    source: str
    roster_path: str
    participants: tuple[Participant, ...]
    hub: bool = False
    facilitator_hub_user: str = ""
    facilitator_hub_group: str = ""


ROSTER_COLUMNS = ("id", "name", "email", "practice_area")
# Ids the kit uses itself: a participant with one would get, say, the facilitator's token.
RESERVED_IDS = ("facilitator", "trainer", "service", "admin", "template", "template-participant",
                "all", "room")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


def _normalise_area(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def read_roster(path: str | Path) -> list[Participant]:
    """Read a roster CSV (id, name, email, practice_area[, team][, hub_user]) and check every
    row; a blank hub_user is the participant's id (their JupyterHub login)."""
    path = Path(path)
    text = _read_text(path, "utf-8-sig", "roster file", "check the cohort's 'roster'",
                      "save the roster as UTF-8 CSV")
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _check_roster(path, reader)
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        line = reader.line_num + 1  # the line being read is not counted yet
        raise ContentError(f"{path}:{line}: not readable as CSV ({exc}); fix that "
                           "row (quote values that hold commas or quotes)") from None


def _check_roster(path: Path, reader: csv.DictReader) -> list[Participant]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise ContentError(
            f"{path}:1: roster header lacks column(s) {', '.join(missing)}; the header must be "
            "id,name,email,practice_area[,team][,hub_user]"
        )
    unknown = [c for c in header if c not in (*ROSTER_COLUMNS, "team", "hub_user")]
    if unknown:
        raise ContentError(
            f"{path}:1: roster header has unknown column(s) {', '.join(unknown)}; "
            "allowed: id,name,email,practice_area,team,hub_user"
        )
    problems: list[str] = []
    people: list[Participant] = []
    ids: dict[str, int] = {}
    emails: dict[str, int] = {}
    hub_users: dict[str, int] = {}
    for raw in reader:
        row_no = reader.line_num  # the file's line (blank lines are skipped, not counted)
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        if None in raw:
            problems.append(f"{path}:{row_no}: row has more values than the header; quote commas")
            continue
        pid, name, email = row.get("id", ""), row.get("name", ""), row.get("email", "")
        area = _normalise_area(row.get("practice_area", ""))
        if not re.match(SLUG, pid):
            problems.append(
                f"{path}:{row_no}: field 'id' is '{pid}'; use lower-case letters, digits, - or _"
            )
        elif len(pid) > MAX_ID_CHARS:
            problems.append(
                f"{path}:{row_no}: field 'id' '{pid[:12]}…' is {len(pid)} characters long; ids "
                f"become folder names, so shorten it to at most {MAX_ID_CHARS} characters")
        elif pid in RESERVED_IDS:
            problems.append(
                f"{path}:{row_no}: field 'id' '{pid}' is reserved for the kit's own roles "
                f"({', '.join(RESERVED_IDS)}); give this participant another id, e.g. their "
                "initials")
        elif pid in ids:
            problems.append(
                f"{path}:{row_no}: field 'id' '{pid}' already used on line {ids[pid]}; "
                "give each participant their own id"
            )
        else:
            ids[pid] = row_no
        if not name:
            problems.append(f"{path}:{row_no}: field 'name' is blank; fill in the name")
        if not EMAIL.match(email):
            problems.append(
                f"{path}:{row_no}: field 'email' '{email}' is not an email address; fix it"
            )
        elif email.lower() in emails:
            problems.append(
                f"{path}:{row_no}: field 'email' '{email}' already used on line "
                f"{emails[email.lower()]}; each participant needs their own email"
            )
        else:
            emails[email.lower()] = row_no
        if area not in PRACTICE_AREAS:
            problems.append(
                f"{path}:{row_no}: field 'practice_area' '{row.get('practice_area', '')}' is not "
                f"known; use one of: {', '.join(PRACTICE_AREAS)}"
            )
        hub_user = row.get("hub_user", "") or pid
        if hub_user != pid and not HUB_USER.match(hub_user):  # an id is checked above
            problems.append(
                f"{path}:{row_no}: field 'hub_user' '{hub_user[:40]}' is not a JupyterHub login; "
                "use lower-case letters, digits, _ . @ or - (or leave it blank for the id)")
        elif hub_user in hub_users and (hub_user != pid or ids.get(pid) == row_no):
            problems.append(
                f"{path}:{row_no}: field 'hub_user' '{hub_user}' already used on line "
                f"{hub_users[hub_user]}; each participant logs in as themselves")
        else:
            hub_users[hub_user] = row_no
        if not problems:
            people.append(
                Participant(
                    id=pid, name=name, email=email, practice_area=area, team=row.get("team", ""),
                    hub_user=hub_user,
                )
            )
    if problems:
        raise ContentError("\n".join(problems))
    if len(people) < 2:
        raise ContentError(f"{path}: the roster has {len(people)} participant(s); a day needs 2+")
    return people


def load_cohort(path: str | Path) -> Cohort:
    """Load a cohort file and its roster; raises ContentError naming file, line and field."""
    path = Path(path)
    located = read_yaml(path)
    spec = validate_model(CohortFile, located)
    roster_path = path.parent / spec.roster
    where = f"{path}:{located.line_of(('roster',))}: field 'roster' points at {roster_path}"
    if roster_path.is_dir():
        raise ContentError(f"{where}, which is a folder; point it at the roster CSV file "
                           "(relative to the cohort file, like demo-roster.csv)")
    if not roster_path.exists():
        raise ContentError(f"{where}, which does not exist; fix the path (it is relative to "
                           "the cohort file)")
    people = read_roster(roster_path)
    return Cohort(
        id=spec.id,
        name=spec.name,
        date=spec.date,
        odd_one_out=spec.odd_one_out,
        source=str(path),
        roster_path=str(roster_path),
        participants=tuple(people),
        hub=spec.hub,
        facilitator_hub_user=spec.facilitator_hub_user,
        facilitator_hub_group=spec.facilitator_hub_group,
    )
