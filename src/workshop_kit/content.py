"""Content: the agenda, module exercises and cohorts, loaded from YAML/CSV into typed models.

Every problem is reported as one line that names the file, the line and the field, plus how to fix
it. Loading never writes anything.
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
from .modules import registry

PRACTICE_AREAS: dict[str, str] = {
    "consulting": "Consulting",
    "accounting": "Accounting",
    "legal": "Legal",
    "it_services": "IT services",
    "financial_planning": "Financial planning",
}
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
        if isinstance(data, dict) and not data.get("type") and isinstance(data.get("id"), str):
            return {**data, "type": data["id"]}
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


class SituationPrompt(_Model):
    prompt: Text
    min_chars: int = Field(ge=0)
    max_chars: int = Field(ge=1, le=20000)


class CheckinContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    scale: Scale
    traits: list[Trait] = Field(min_length=4, max_length=4)
    situation: SituationPrompt

    def items(self) -> list[tuple[str, TrustItem]]:
        """(trait id, item) for every item, in order."""
        return [(trait.id, item) for trait in self.traits for item in trait.items]


class Statement(_Model):
    id: Slug
    text: Text
    thinking: Literal["closing", "exploring"]
    why: Text


class PurposeContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    categories: dict[Literal["closing", "exploring"], Text]
    statements: list[Statement] = Field(min_length=4)

    @field_validator("categories")
    @classmethod
    def _both_categories(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != {"closing", "exploring"}:
            raise ValueError("needs exactly the two keys 'closing' and 'exploring'")
        return value


class MoveLabel(_Model):
    label: Text
    detail: Text


class TournamentSettings(_Model):
    turns: int = Field(ge=1, le=1000)
    repetitions: int = Field(ge=1, le=200)
    noise: float = Field(ge=0, le=0.5)
    seed: int = Field(ge=0)


class TradeOff(_Model):
    share: Text
    hold_back: Text


class DilemmaContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    payoffs: Text
    moves: dict[Literal["C", "D"], MoveLabel]
    conditions: dict[Literal["one_shot", "partners", "strangers"], Text]
    default_continue_probability: float = Field(ge=0, le=0.99)
    max_rounds: int = Field(ge=1, le=100)
    classics: list[Slug] = Field(min_length=1)
    tournament: TournamentSettings
    game_lengths: list[int] = Field(min_length=1)
    trade_offs: list[TradeOff] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Role-play: the module file (data/modules/roleplay.yaml) and branching scripts
# (data/roleplays/*.yaml). Script graphs are checked in `check_script` below.

Outcome = Literal["agreed", "next_meeting", "referred", "no_thanks"]
Shows = Literal["other_focus", "listening", "samples", "pitching", "name_dropping"]
Role = Literal["seller", "buyer", "observer"]
OUTCOMES: tuple[str, ...] = ("agreed", "next_meeting", "referred", "no_thanks")
SHOWS: tuple[str, ...] = ("other_focus", "listening", "samples", "pitching", "name_dropping")
ROLES_ALL: tuple[str, ...] = ("seller", "buyer", "observer")
SCRIPTS_DIR = "roleplays"


class ChecklistItem(_Model):
    id: Slug
    text: Text


class RoleplayRound(_Model):
    """A round names one script, or several that groups take in turn (g1 the first, …)."""

    scripts: list[Slug] = Field(min_length=1)


class ReflectionField(_Model):
    id: Slug
    label: Text
    min_chars: int = Field(ge=0)


class BuyerReflection(_Model):
    """The buyer's few lines after a round: how it felt to be the client, what built or cost
    trust. Shown to that round's seller only, with their observers' notes."""

    intro: Text
    fields: list[ReflectionField] = Field(min_length=1)
    for_seller: Text  # the heading of what the seller reads after the round
    nothing_yet: Text  # what the seller reads before anyone has written


class RoleplayContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    roles: dict[Role, Text]
    pair_note: Text  # a pair has no observer: how they work instead
    rounds: list[RoleplayRound] = Field(min_length=3, max_length=3)
    fourth_round: RoleplayRound
    no_round: Text  # a group with an observer, sitting a round out
    no_round_pair: Text  # a pair (no observer), sitting a round out
    buyer_reflection: BuyerReflection
    outcomes: dict[Outcome, Text]
    shows: dict[Shows, Text]
    tracker: dict[Literal["seller", "buyer", "silence", "stop"], Text]
    checklist: list[ChecklistItem] = Field(min_length=1)
    own_words: Text
    note_prompt: Text

    @field_validator("roles", "outcomes", "shows", "tracker")
    @classmethod
    def _every_key(cls, value: dict[str, str], info: Any) -> dict[str, str]:
        wanted = {"roles": ROLES_ALL, "outcomes": OUTCOMES, "shows": SHOWS,
                  "tracker": ("seller", "buyer", "silence", "stop")}[info.field_name]
        missing = [k for k in wanted if k not in value]
        if missing:
            raise ValueError(f"needs a label for {', '.join(missing)}")
        return value

    def path_exercise(self, round_no: int) -> str:
        """Store exercise of the seller's path in a round: 'roleplay_path_r1', …"""
        return f"{self.exercise}_path_r{round_no}"

    def observation_exercise(self, round_no: int) -> str:
        return f"{self.exercise}_observation_r{round_no}"

    def reflection_exercise(self, round_no: int) -> str:
        """Store exercise of the buyer's reflection on a round: 'roleplay_reflection_r1', …"""
        return f"{self.exercise}_reflection_r{round_no}"

    def round_spec(self, round_no: int) -> RoleplayRound:
        return self.rounds[round_no - 1] if round_no <= len(self.rounds) else self.fourth_round

    def script_for(self, round_no: int, group_index: int) -> str:
        """The script id group `group_index` (1 for g1) plays in round `round_no` (1-based)."""
        scripts = self.round_spec(round_no).scripts
        return scripts[(group_index - 1) % len(scripts)]

    def script_ids(self) -> list[tuple[tuple, str]]:
        """(location in the file, script id) for every script a round names."""
        named = [(("rounds", r, "scripts", i), s) for r, spec in enumerate(self.rounds)
                 for i, s in enumerate(spec.scripts)]
        return named + [(("fourth_round", "scripts", i), s)
                        for i, s in enumerate(self.fourth_round.scripts)]


TERM = re.compile(r"\{([a-z_]+)\}")


class ScriptChoice(_Model):
    id: Slug
    say: Text
    shows: list[Shows] = Field(min_length=1)
    to: Slug


class ScriptEnding(_Model):
    outcome: Outcome
    debrief: Text


class ScriptNode(_Model):
    id: Slug
    buyer: Text
    notes: str = ""
    choices: list[ScriptChoice] = []
    ending: ScriptEnding | None = None

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


class Script(_Model):
    """A branching role-play: the buyer's lines, the seller's choices, endings to debrief."""

    id: Slug
    title: Text
    source: Text
    setting: Text
    buyer_brief: Text
    start: Slug
    terms: dict[Slug, dict[str, Text]] = {}
    nodes: list[ScriptNode] = Field(min_length=2)
    path: str = ""

    @field_validator("terms")
    @classmethod
    def _terms_have_default(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for term, variants in value.items():
            if "default" not in variants:
                raise ValueError(f"term '{term}' needs a 'default' text")
            unknown = [k for k in variants if k != "default" and k not in PRACTICE_AREAS]
            if unknown:
                raise ValueError(f"term '{term}' has unknown practice area(s) "
                                 f"{', '.join(unknown)}; use default or one of: "
                                 f"{', '.join(PRACTICE_AREAS)}")
        return value

    def node(self, node_id: str) -> ScriptNode:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def render(self, text: str, practice_area: str = "") -> str:
        """`text` with each {term} replaced by its wording for the practice area."""
        def word(match: re.Match[str]) -> str:
            variants = self.terms.get(match.group(1))
            if variants is None:
                return match.group(0)
            return variants.get(practice_area, variants["default"])

        return TERM.sub(word, text)

    def endings(self) -> list[ScriptNode]:
        return [n for n in self.nodes if n.is_ending]


def _cycle_edge(script: Script) -> tuple[ScriptNode, ScriptChoice, list[str]] | None:
    """A choice that leads back into the path it came from (depth-first), with the loop."""
    by_id = {n.id: n for n in script.nodes}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node_id: str) -> tuple[ScriptNode, ScriptChoice, list[str]] | None:
        state[node_id] = 1
        stack.append(node_id)
        node = by_id[node_id]
        for choice in node.choices:
            if choice.to not in by_id:
                continue
            if state.get(choice.to) == 1:
                loop = [*stack[stack.index(choice.to):], choice.to]
                return node, choice, loop
            if choice.to not in state:
                found = visit(choice.to)
                if found:
                    return found
        stack.pop()
        state[node_id] = 2
        return None

    for node in script.nodes:
        if node.id not in state:
            found = visit(node.id)
            if found:
                return found
    return None


def check_script(script: Script, located: _Located) -> list[str]:
    """Every problem in a script's graph, one line each: file, line, node and how to fix it.

    Checks: unique node ids; the start exists; every node has either choices or an ending (not
    both); every choice leads to a node; every node is reachable from the start; no path loops
    for ever (every path ends); every {term} is defined.
    """
    path = located.path
    problems: list[str] = []
    first: dict[str, int] = {}
    for i, node in enumerate(script.nodes):
        line = located.line_of(("nodes", i))
        if node.id in first:
            problems.append(f"{path}:{line}: node '{node.id}' is defined twice (first on line "
                            f"{first[node.id]}); give each node its own id")
        else:
            first[node.id] = line
    if script.start not in first:
        problems.append(f"{path}:{located.line_of(('start',))}: start node '{script.start}' is "
                        "not a node; point 'start' at the opening node's id")
    for i, node in enumerate(script.nodes):
        line = located.line_of(("nodes", i))
        if node.choices and node.is_ending:
            problems.append(f"{path}:{line}: node '{node.id}' has both choices and an ending; "
                            "an ending closes the conversation, so remove one of them")
        if not node.choices and not node.is_ending:
            problems.append(f"{path}:{line}: node '{node.id}' has no choices and no ending, so "
                            "the seller is stuck there; add choices or an ending")
        seen_choices: set[str] = set()
        for j, choice in enumerate(node.choices):
            if choice.id in seen_choices:
                problems.append(
                    f"{path}:{located.line_of(('nodes', i, 'choices', j, 'id'))}: node "
                    f"'{node.id}' has two choices called '{choice.id}'; rename one")
            seen_choices.add(choice.id)
            if choice.to not in first:
                problems.append(
                    f"{path}:{located.line_of(('nodes', i, 'choices', j, 'to'))}: node "
                    f"'{node.id}' choice '{choice.id}' leads to '{choice.to}', which is not a "
                    "node; add that node or fix 'to'")
        texts = [("buyer", node.buyer), ("notes", node.notes)]
        texts += [(f"choices.{j}.say", c.say) for j, c in enumerate(node.choices)]
        if node.ending:
            texts.append(("ending.debrief", node.ending.debrief))
        for field, text in texts:
            for term in TERM.findall(text):
                if term not in script.terms:
                    loc = ("nodes", i, *(int(p) if p.isdigit() else p for p in field.split(".")))
                    problems.append(
                        f"{path}:{located.line_of(loc)}: node '{node.id}' uses {{{term}}} in "
                        f"{field}, which is not in 'terms'; add it to terms or fix the spelling")
    if script.start in first:
        by_id = {n.id: n for n in script.nodes}
        reached = {script.start}
        todo = [script.start]
        while todo:
            for choice in by_id[todo.pop()].choices:
                if choice.to in by_id and choice.to not in reached:
                    reached.add(choice.to)
                    todo.append(choice.to)
        for i, node in enumerate(script.nodes):
            if node.id not in reached and first.get(node.id) == located.line_of(("nodes", i)):
                problems.append(
                    f"{path}:{located.line_of(('nodes', i))}: node '{node.id}' cannot be reached "
                    f"from the start '{script.start}'; lead a choice to it or remove it")
    cycle = _cycle_edge(script)
    if cycle:
        node, choice, loop = cycle
        i = next(k for k, n in enumerate(script.nodes) if n is node)
        j = node.choices.index(choice)
        problems.append(
            f"{path}:{located.line_of(('nodes', i, 'choices', j, 'to'))}: node '{node.id}' "
            f"choice '{choice.id}' leads back to '{choice.to}' ({' → '.join(loop)}), so this "
            "path never ends; lead it forward to a new node or an ending")
    return problems


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


def load_script(path: str | Path) -> Script:
    """Load one role-play script and check its graph; ContentError lists every problem."""
    return _load_checked(path, Script, ("nodes",), check_script)


def load_scripts(folder: str | Path) -> dict[str, Script]:
    """Every script in a folder (`*.yaml`, by file name); all problems of all files at once."""
    return _load_folder(folder, load_script, "role-play scripts")


class GiftField(_Model):
    id: Slug
    label: Text
    prompt: Text
    min_chars: int = Field(ge=0)


class GiftContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    plan: list[GiftField] = Field(min_length=1)
    feedback: list[GiftField] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)

    @property
    def plan_exercise(self) -> str:
        return f"{self.exercise}_plan"

    def feedback_exercise(self, for_whom: str) -> str:
        """Store exercise of the feedback a partner writes on `for_whom`'s plan."""
        return f"{self.exercise}_feedback:{for_whom}"


class CommitmentRules(_Model):
    prompt: Text
    max: int = Field(ge=1, le=10)
    within_days: int = Field(ge=1, le=365)
    min_chars: int = Field(ge=0)


class TrustAgain(_Model):
    exercise: Slug
    prompt: Text
    min_chars: int = Field(ge=0)
    max_chars: int = Field(ge=1, le=20000)


class WrapupContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    commitments: CommitmentRules
    trust_after: TrustAgain
    debrief: list[Text] = Field(min_length=1)

    def trust_content(self, checkin: CheckinContent) -> CheckinContent:
        """The check-in's statements again, saved under this module's own exercise name."""
        rule = self.trust_after
        return checkin.model_copy(update={
            "exercise": rule.exercise,
            "situation": SituationPrompt(prompt=rule.prompt, min_chars=rule.min_chars,
                                         max_chars=rule.max_chars)})


# ---------------------------------------------------------------------------------------------
# Problem-definition drill: the module file (data/modules/drill.yaml) and cases
# (data/cases/*.yaml). Case cross-references are checked in `check_case` below.

CASES_DIR = "cases"


class DefinitionPrompt(_Model):
    prompt: Text
    min_chars: int = Field(ge=0)
    max_chars: int = Field(ge=1, le=20000)


class DrillContent(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    default_case: Slug
    definition: DefinitionPrompt
    match_note: Text
    vote_prompt: Text
    vote_other_case: Text  # alone on a case: above the other case's definitions
    debrief: list[Text] = Field(min_length=1)

    @property
    def questions_exercise(self) -> str:
        """Store exercise of the questions a participant asked (saved as they go)."""
        return f"{self.exercise}_questions"

    @property
    def definition_exercise(self) -> str:
        return f"{self.exercise}_definition"

    @property
    def vote_exercise(self) -> str:
        return f"{self.exercise}_vote"


class CaseFact(_Model):
    id: Slug
    text: Text
    key_terms: list[Text] = Field(min_length=1)


class CaseQuestion(_Model):
    id: Slug
    ask: Text
    minutes: int = Field(ge=1, le=120)
    answer: Text
    reveals: list[Slug] = []


class Case(_Model):
    """A client's stated problem, the questions a seller may ask, and an expert's reading."""

    id: Slug
    title: Text
    practice_area: str
    client: Text
    stated_problem: Text
    budget_minutes: int = Field(ge=1, le=240)
    facts: list[CaseFact] = Field(min_length=2)
    questions: list[CaseQuestion] = Field(min_length=2)
    expert_reading: Text
    expert_facts: list[Slug] = Field(min_length=1)
    traps: list[Text] = Field(min_length=1)
    path: str = ""

    @field_validator("practice_area")
    @classmethod
    def _known_area(cls, value: str) -> str:
        if value not in PRACTICE_AREAS:
            raise ValueError(f"'{value}' is not a practice area; use one of: "
                             f"{', '.join(PRACTICE_AREAS)}")
        return value

    def question(self, question_id: str) -> CaseQuestion:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def fact(self, fact_id: str) -> CaseFact:
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def revealed(self, asked: Iterable[str]) -> list[CaseFact]:
        """The facts the asked questions brought out, in the case's order."""
        ids = {f for q in self.questions if q.id in set(asked) for f in q.reveals}
        return [f for f in self.facts if f.id in ids]


def check_case(case: Case, located: _Located) -> list[str]:
    """Every cross-reference problem in a case, one line each: file, line, field, how to fix."""
    path = located.path
    problems: list[str] = []
    for what, items in (("fact", case.facts), ("question", case.questions)):
        seen: set[str] = set()
        key = "facts" if what == "fact" else "questions"
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(f"{path}:{located.line_of((key, i, 'id'))}: field "
                                f"'{key}.{i}.id' repeats the {what} '{item.id}'; give each "
                                f"{what} its own id")
            seen.add(item.id)
    facts = {f.id for f in case.facts}
    for i, question in enumerate(case.questions):
        for j, fact in enumerate(question.reveals):
            if fact not in facts:
                problems.append(
                    f"{path}:{located.line_of(('questions', i, 'reveals', j))}: question "
                    f"'{question.id}' field 'questions.{i}.reveals.{j}' names the fact "
                    f"'{fact}', which is not in 'facts'; add that fact or fix the id")
    revealed = {f for q in case.questions for f in q.reveals}
    for j, fact in enumerate(case.expert_facts):
        if fact not in facts:
            problems.append(
                f"{path}:{located.line_of(('expert_facts', j))}: field 'expert_facts.{j}' "
                f"names the fact '{fact}', which is not in 'facts'; add that fact or fix the id")
        elif fact not in revealed:
            problems.append(
                f"{path}:{located.line_of(('expert_facts', j))}: field 'expert_facts.{j}' "
                f"'{fact}' is revealed by no question, so no participant can find it; add it "
                "to a question's 'reveals'")
    cheapest = min(q.minutes for q in case.questions)
    total = sum(q.minutes for q in case.questions)
    if cheapest > case.budget_minutes:
        problems.append(
            f"{path}:{located.line_of(('budget_minutes',))}: field 'budget_minutes' is "
            f"{case.budget_minutes}, less than the cheapest question ({cheapest} min); raise it")
    elif total <= case.budget_minutes:
        problems.append(
            f"{path}:{located.line_of(('budget_minutes',))}: field 'budget_minutes' is "
            f"{case.budget_minutes}, enough to ask every question ({total} min); lower it so "
            "participants have to choose")
    return problems


def load_case(path: str | Path) -> Case:
    """Load one drill case and check it; ContentError lists every problem."""
    return _load_checked(path, Case, ("questions", "facts"), check_case)


def load_cases(folder: str | Path) -> dict[str, Case]:
    """Every case in a folder (`*.yaml`); all problems of all files at once."""
    return _load_folder(folder, load_case, "drill cases")


def check_default_case(path: str | Path, content: DrillContent, cases: dict[str, Case]) -> None:
    if content.default_case not in cases:
        located = read_yaml(path)
        raise ContentError(
            f"{path}:{located.line_of(('default_case',))}: field 'default_case' names the case "
            f"'{content.default_case}', which is not in {CASES_DIR}/; use one of: "
            f"{', '.join(sorted(cases))}")


MODULE_CONTENT: dict[str, type[_Model]] = {
    "checkin": CheckinContent,
    "purpose": PurposeContent,
    "dilemma": DilemmaContent,
    "roleplay": RoleplayContent,
    "drill": DrillContent,
    "gift": GiftContent,
    "wrapup": WrapupContent,
}


def _check_unique(located: _Located, ids: list[tuple[tuple, str]], what: str) -> None:
    seen: dict[str, tuple] = {}
    for loc, value in ids:
        if value in seen:
            raise ContentError(
                f"{located.path}:{located.line_of(loc)}: field '{'.'.join(map(str, loc))}' "
                f"repeats the {what} '{value}'; give each {what} its own id"
            )
        seen[value] = loc


def load_module_content(module_id: str, path: str | Path) -> Any:
    """Load and validate one module's content file."""
    located = read_yaml(path)
    model = MODULE_CONTENT.get(module_id)
    if model is None:
        known = ", ".join(MODULE_CONTENT)
        raise ContentError(f"{path}: no content model for module '{module_id}'; known: {known}")
    content = validate_model(model, located)
    if isinstance(content, CheckinContent):
        ids = [(("traits", t, "id"), trait.id) for t, trait in enumerate(content.traits)]
        _check_unique(located, ids, "trait")
        items = [
            (("traits", t, "items", i, "id"), item.id)
            for t, trait in enumerate(content.traits)
            for i, item in enumerate(trait.items)
        ]
        _check_unique(located, items, "item")
        if content.scale.min >= content.scale.max:
            raise ContentError(
                f"{path}:{located.line_of(('scale', 'max'))}: field 'scale.max' must be above "
                "scale.min"
            )
    if isinstance(content, PurposeContent):
        ids = [(("statements", i, "id"), s.id) for i, s in enumerate(content.statements)]
        _check_unique(located, ids, "statement")
    if isinstance(content, DilemmaContent) and set(content.moves) != {"C", "D"}:
        raise ContentError(f"{path}:{located.line_of(('moves',))}: field 'moves' needs both "
                           "C and D")
    if isinstance(content, RoleplayContent):
        ids = [(("checklist", i, "id"), c.id) for i, c in enumerate(content.checklist)]
        _check_unique(located, ids, "checklist item")
    if isinstance(content, GiftContent):
        for part in ("plan", "feedback"):
            ids = [((part, i, "id"), f.id) for i, f in enumerate(getattr(content, part))]
            _check_unique(located, ids, f"{part} field")
    return content


def check_round_scripts(path: str | Path, content: RoleplayContent,
                        scripts: dict[str, Script]) -> None:
    """Every script a round names must exist in the scripts folder."""
    located = read_yaml(path)
    problems = []
    for loc, script_id in content.script_ids():
        if script_id not in scripts:
            problems.append(
                f"{path}:{located.line_of(loc)}: field '{'.'.join(map(str, loc))}' names the "
                f"script '{script_id}', which is not in {SCRIPTS_DIR}/; use one of: "
                f"{', '.join(sorted(scripts))}")
    if problems:
        raise ContentError("\n".join(problems))


def load_agenda(path: str | Path, check_notebooks: bool = True) -> Agenda:
    """Load the agenda; checks that its content files (and notebooks, if asked) exist.

    Notebook paths are relative to the repository (the data folder's parent); content paths to
    the data folder.
    """
    located = read_yaml(path)
    agenda = validate_model(Agenda, located)
    base = Path(path).parent
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
    """Everything a cohort's notebooks need: the agenda and each module's validated content."""

    agenda: Agenda
    modules: dict[str, Any]
    data_dir: str
    scripts: dict[str, Script] = {}
    cases: dict[str, Case] = {}

    @property
    def checkin(self) -> CheckinContent:
        return self.modules["checkin"]

    @property
    def purpose(self) -> PurposeContent:
        return self.modules["purpose"]

    @property
    def dilemma(self) -> DilemmaContent:
        return self.modules["dilemma"]

    @property
    def roleplay(self) -> RoleplayContent:
        return self.modules["roleplay"]

    @property
    def drill(self) -> DrillContent:
        return self.modules["drill"]

    @property
    def gift(self) -> GiftContent:
        return self.modules["gift"]

    @property
    def wrapup(self) -> WrapupContent:
        return self.modules["wrapup"]

    def case_for(self, practice_area: str) -> Case:
        """The drill case of a practice area (the first by id), else the default case."""
        for case_id in sorted(self.cases):
            if self.cases[case_id].practice_area == practice_area:
                return self.cases[case_id]
        return self.cases[self.drill.default_case]


def drill_vote_cases(content: Content, areas: dict[str, str]
                     ) -> tuple[dict[str, str], list[str]]:
    """The drill case each participant votes on, and a note per practice area of one person.

    Everybody votes on the case they worked (their practice area's, else the default case),
    unless nobody else works it: then there is no colleague's definition to vote for, so they
    vote on the default case, or, if they are the one working the default case, on the case
    most others work (then the first by id)."""
    if "drill" not in content.modules:
        return {}, []
    worked = {p: content.case_for(area).id for p, area in areas.items()}
    people: dict[str, int] = {}
    for case in worked.values():
        people[case] = people.get(case, 0) + 1
    default = content.drill.default_case
    votes: dict[str, str] = {}
    for person, case in worked.items():
        others = {c: n for c, n in people.items() if c != case}
        if people[case] > 1 or not others:
            votes[person] = case
        elif default in others:
            votes[person] = default
        else:
            votes[person] = min(others, key=lambda c: (-others[c], c))
    notes = []
    by_area: dict[str, list[str]] = {}
    for person, area in areas.items():
        by_area.setdefault(area, []).append(person)
    for area, members in sorted(by_area.items()):
        if len(members) != 1:
            continue
        person = members[0]
        case = content.cases[votes[person]]
        if votes[person] == worked[person]:
            notes.append(f"drill: practice area '{area}' has 1 person; they work and vote on "
                         f"case '{case.title}' with others")
        else:
            notes.append(f"drill: practice area '{area}' has 1 person, alone on case "
                         f"'{content.cases[worked[person]].title}'; they vote on the "
                         f"definitions of case '{case.title}' instead")
    return votes, notes


def load_content(data_dir: str | Path, check_notebooks: bool = True) -> Content:
    """Load the agenda and every module's content from a data folder (like `data/`).

    With a role-play module on the agenda, also every script in `roleplays/`; with a drill,
    every case in `cases/`.
    """
    data_dir = Path(data_dir)
    agenda = load_agenda(data_dir / "agenda.yaml", check_notebooks)
    modules = {m.id: load_module_content(m.id, data_dir / m.content) for m in agenda.modules}
    scripts: dict[str, Script] = {}
    if "roleplay" in modules:
        scripts = load_scripts(data_dir / SCRIPTS_DIR)
        check_round_scripts(data_dir / agenda.module("roleplay").content, modules["roleplay"],
                            scripts)
    cases: dict[str, Case] = {}
    if "drill" in modules:
        cases = load_cases(data_dir / CASES_DIR)
        check_default_case(data_dir / agenda.module("drill").content, modules["drill"], cases)
    return Content(agenda=agenda, modules=modules, data_dir=str(data_dir), scripts=scripts,
                   cases=cases)


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
