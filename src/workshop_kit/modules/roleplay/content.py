"""The role-play's content: the module file (data/modules/roleplay.yaml) and its branching
scripts (data/roleplays/*.yaml), whose graphs `check_script` checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from workshop_kit.content import (
    PRACTICE_AREAS,
    Slug,
    Text,
    _check_unique,
    _load_checked,
    _load_folder,
    _Located,
    _Model,
    read_yaml,
)
from workshop_kit.errors import ContentError

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


class Content(_Model):
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
    choices: list[ScriptChoice] = Field(default_factory=list)
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
    terms: dict[Slug, dict[str, Text]] = Field(default_factory=dict)
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



def load_script(path: str | Path) -> Script:
    """Load one role-play script and check its graph; ContentError lists every problem."""
    return _load_checked(path, Script, ("nodes",), check_script)


def load_scripts(folder: str | Path) -> dict[str, Script]:
    """Every script in a folder (`*.yaml`, by file name); all problems of all files at once."""
    return _load_folder(folder, load_script, "role-play scripts")



def check_round_scripts(path: str | Path, content: Content,
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


class Scripts(_Model):
    """What the role-play loads beside its YAML: every script in roleplays/, by id."""

    scripts: dict[str, Script]


def check(content: Content, located: _Located, path: str) -> None:
    """Checklist ids are unique (the scripts a round names are checked by `load_extra`)."""
    ids = [(("checklist", i, "id"), c.id) for i, c in enumerate(content.checklist)]
    _check_unique(located, ids, "checklist item")


def load_extra(data_dir: str | Path, content: Content, path: str | Path) -> Scripts:
    """Every script in the data folder's roleplays/; each one a round names must be there."""
    scripts = load_scripts(Path(data_dir) / SCRIPTS_DIR)
    check_round_scripts(path, content, scripts)
    return Scripts(scripts=scripts)
