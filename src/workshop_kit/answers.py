"""Typed answer schemas: what each exercise's answer may look like, checked before it is stored.

The store keeps any JSON object; this module says which ones the kit itself writes. Every
answer payload a widget, the simulation or the facilitator's build writes has a pydantic model
here, built from the content (the check-in's scale and items, the purpose statements, the
role-play scripts and rounds, the drill cases, the gift fields, the wrap-up's limits), with
extra keys forbidden. `check_answer` is what a service calls before it writes;
`stored_answer_ok` lets a reader skip rows written before validation existed.

A payload is first checked cheaply, without recursion and without pydantic: it must be a JSON
object, no deeper than `MAX_DEPTH`, no bigger than `MAX_ANSWER_CHARS` once serialised the way
the store serialises it, holding only JSON values (finite numbers, text keys). The walk stops at
the first limit passed, so a 2,500-level dict or a 5 MB string is refused in well under a
millisecond, and pydantic only ever sees small, shallow data.

Each refusal is one `AnswerError` line: ``answer to <module>/<exercise>: field '<path>' is
<value>, must be …``. Values, names and paths in messages are cut to about 40 characters.

Pure: imports content, store and error types only; no widgets, no IO.
"""

import json
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, create_model
from pydantic_core import PydanticCustomError

from .content import PRACTICE_AREAS, SLUG, Content
from .errors import AnswerError
from .modules.roleplay.content import OUTCOMES, Script
from .store import FACILITATOR, Answer

# The largest answers the kit can legitimately write, serialised as the store does
# (json.dumps(ensure_ascii=False); measured in tests/test_answers.py): an observer's sheet with
# MAX_SEGMENTS talk segments and a full note, 15,000 characters; the live game at the content's
# 30 rounds for 40 players, 9,800 (ids of three characters: longer ids grow it in proportion);
# a gift plan with every field full, 6,100; a full check-in, 2,300. Simulated answers of the
# demo day stay under 1,400. 32,000 is twice the largest, room for quotes and line breaks
# (each stored as two characters) in full text fields, and refuses anything far bigger before
# pydantic sees it.
MAX_ANSWER_CHARS = 32_000
# The deepest answer the kit writes is the live game's pairings (object > list of rounds >
# list of pairs > pair: 4 levels). Two more let a slightly wrong shape get the precise pydantic
# message instead of the blunt depth one; anything deeper is refused without recursion.
MAX_DEPTH = 6

MAX_NAME_CHARS = 100  # module and exercise names
SHOW_CHARS = 40  # how much of a value, name or path a message echoes
# Free text where the content sets no maximum (a paragraph each, well above what people type).
NOTE_CHARS = 1_000  # the observer's note for the seller
OWN_WORDS_CHARS = 500  # the seller's own words at one step of a script
GIFT_CHARS = 1_000  # each field of a gift plan or of partner feedback
COMMITMENT_CHARS = 500  # one commitment
# The observer's talk-time tracker: a press every 2 seconds for a 15-minute round is 450.
MAX_SEGMENTS = 500
MAX_SECONDS = 86_400.0
# The live game: at most this many pairs in a round (100 players), games numbered up to 999.
MAX_PAIRS = 50
MAX_GAMES = 999
MAX_GIFT_GROUPS = 200
# The strategy builder's ranges (workshop_kit.game.builder; a test keeps them in step).
STRATEGY_NAME_CHARS = 40
MAX_RETALIATE_K = 10
MAX_FORGIVE_AFTER = 50
MAX_RANDOMNESS = 0.5
FIRST_MOVES = ("C", "D")
RETALIATIONS = ("none", "once", "k", "forever")
CONDITIONS = ("one_shot", "partners", "strangers")
SPEAKERS = ("seller", "buyer", "silence")
# Names the access layer and the live game use (workshop_kit.access, workshop_kit.game.live;
# repeated here so this module stays below them; a test keeps them in step).
OPT_IN = "share_with_facilitator"
GAME_EXERCISE = "game"
PAIRS_EXERCISE = "pairs"
ROLEPLAY_GROUPS_EXERCISE = "groups"
VOTE_CASES_EXERCISE = "vote_cases"
BOT = "kit-bot"

_ID = re.compile(SLUG)
_ID_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Messages


def _clip(text: str, limit: int = SHOW_CHARS) -> str:
    """`text` cut to `limit` characters (with …), non-printable characters escaped."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def _name(value: Any) -> str:
    return _clip(value) if isinstance(value, str) else f"<{type(value).__name__}>"


def _show(value: Any) -> str:
    """A value as a message shows it: short, on one line, JSON-like."""
    if isinstance(value, str):
        return f"'{_clip(value)}'"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return _clip(str(value)) if value.bit_length() < 64 else "a very large number"
    if isinstance(value, float):
        return _clip(repr(value))
    if isinstance(value, dict | list):
        try:
            return _clip(json.dumps(value, ensure_ascii=False))
        except (TypeError, ValueError):
            pass
    return f"a {type(value).__name__}"


def _field(loc: Sequence[Any]) -> str:
    return _clip(".".join(str(p) for p in loc), 2 * SHOW_CHARS) if loc else "(answer)"


def _choices(values: Sequence[str], most: int = 6) -> str:
    shown = ", ".join(values[:most])
    return shown + (", …" if len(values) > most else "")


class _Bad(Exception):
    """A problem found after the shape checks: where it is and what is wrong."""

    def __init__(self, loc: tuple, text: str):
        super().__init__(text)
        self.loc, self.text = loc, text


def _fail(text: str) -> None:
    raise PydanticCustomError("answer", "{text}", {"text": text})


_TYPE_WORDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
    "list_type": "a list",
}


def _explain(err: dict[str, Any]) -> str:
    """One pydantic error as "field 'x' …"."""
    kind, ctx = err["type"], err.get("ctx") or {}
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    field = f"field '{_field(loc)}'"
    if kind == "answer":
        return f"{field} {ctx['text']}"
    if kind == "missing":
        return f"{field} is missing; add it"
    if kind == "extra_forbidden":
        return f"{field} is not a known field; remove it or check its spelling"
    if kind in _TYPE_WORDS:
        return f"{field} is {_show(err.get('input'))}, must be {_TYPE_WORDS[kind]}"
    if kind == "literal_error":
        return f"{field} is {_show(err.get('input'))}, must be one of {ctx.get('expected', '')}"
    if kind == "too_long":
        return (f"{field} has {ctx.get('actual_length')} items, must have at most "
                f"{ctx.get('max_length')}; remove some")
    if kind == "too_short":
        return (f"{field} has {ctx.get('actual_length')} items, must have at least "
                f"{ctx.get('min_length')}; add some")
    message = " ".join(str(err.get("msg", "is wrong")).split())
    return f"{field} is {_show(err.get('input'))}: {_clip(message[:1].lower() + message[1:], 80)}"


# ---------------------------------------------------------------------------------------------
# The cheap checks: JSON only, depth, size (no recursion, no pydantic)


def _precheck(payload: Any, where: str) -> None:
    """Refuse a payload that is not a JSON object, too deep, too big or not JSON data; cost
    stops growing as soon as a limit is passed."""
    if not isinstance(payload, dict):
        raise AnswerError(f"{where}: the answer is {_show(payload)}, must be a JSON object of "
                          "fields like {\"field\": value}")
    size = 0  # a lower bound of the serialised size, so it never refuses a legit answer
    stack: list[tuple[Any, int, tuple]] = [(payload, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise AnswerError(f"{where}: field '{_field(path)}' is nested deeper than "
                                  f"{MAX_DEPTH} levels; send the exercise's own fields only")
            # the container's own share first, so a huge one is refused before its items
            size += 2 + (4 * len(value) if isinstance(value, dict) else len(value))
            if size > MAX_ANSWER_CHARS:
                break
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise AnswerError(f"{where}: field '{_field(path)}' has the key "
                                          f"{_show(key)}; keys must be text")
                    size += len(key)
                    stack.append((item, depth + 1, (*path, key)))
            else:
                stack.extend((item, depth + 1, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str):
            size += 2 + len(value)
        elif value is None or isinstance(value, bool):
            size += 4
        elif isinstance(value, int):
            if value.bit_length() > 63:
                raise AnswerError(f"{where}: field '{_field(path)}' is a number with more than "
                                  "18 digits; send a realistic value")
            size += 1
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise AnswerError(f"{where}: field '{_field(path)}' is {value!r}, must be a "
                                  "finite number")
            size += 1
        else:
            raise AnswerError(f"{where}: field '{_field(path)}' is a {type(value).__name__}, "
                              "must be JSON data (text, a number, true/false, null, a list or "
                              "an object)")
        if size > MAX_ANSWER_CHARS:
            break
    if size > MAX_ANSWER_CHARS:
        raise AnswerError(f"{where}: the answer is more than {MAX_ANSWER_CHARS} characters "
                          "of JSON; shorten its text")
    try:
        text = json.dumps(payload, ensure_ascii=False)
    except (TypeError, ValueError) as exc:  # not reachable after the walk; kept as a guard
        raise AnswerError(f"{where}: the answer cannot be stored as JSON: "
                          f"{_clip(str(exc), 80)}") from None
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"{where}: the answer is {len(text)} characters of JSON, must be at "
                          f"most {MAX_ANSWER_CHARS}; shorten its text")


# ---------------------------------------------------------------------------------------------
# Field types: each checks type and range itself and says what is expected


def _typed(check: Callable[[Any], Any]) -> Any:
    return Annotated[Any, PlainValidator(check)]


def _int(lo: int, hi: int) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(f"is {_show(value)}, must be a whole number from {lo} to {hi}")
        if not lo <= value <= hi:
            _fail(f"is {_show(value)}, must be from {lo} to {hi}")
        return value
    return _typed(check)


def _exactly(expected: int, why: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or value != expected:
            _fail(f"is {_show(value)}, must be {expected} ({why})")
        return value
    return _typed(check)


def _number(lo: float, hi: float) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            _fail(f"is {_show(value)}, must be a number from {lo:g} to {hi:g}")
        if not math.isfinite(value):
            _fail(f"is {_show(value)}, must be a finite number")
        if not lo <= value <= hi:
            _fail(f"is {_show(value)}, must be from {lo:g} to {hi:g}")
        return value
    return _typed(check)


def _check_text(value: Any, lo: int, hi: int, stripped: bool = False) -> str:
    if not isinstance(value, str):
        _fail(f"is {_show(value)}, must be text")
    if len(value) > hi:
        _fail(f"has {len(value)} characters, must have at most {hi}; shorten it")
    if len(value) < lo:
        _fail("is empty; fill it in" if not value else
              f"has {len(value)} characters, must have at least {lo}; say a little more")
    if _CONTROL.search(value):
        _fail(f"is {_show(value)}: it contains a control character; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        _fail(f"is {_show(value)}: it is not valid Unicode text")
    if stripped and value != value.strip():
        _fail(f"is {_show(value)}: it starts or ends with spaces; trim them")
    return value


def _text(lo: int, hi: int, stripped: bool = False) -> Any:
    return _typed(lambda value: _check_text(value, lo, hi, stripped))


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or len(value) > _ID_CHARS or not _ID.match(value):
        _fail(f"is {_show(value)}, must be an id of lower-case letters, digits, '-' or '_' "
              f"(at most {_ID_CHARS})")
    return value


def _one_of(values: Sequence[str], what: str) -> Any:
    known = frozenset(values)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in known:
            _fail(f"is {_show(value)}, must be {what}: {_choices(list(values))}")
        return value
    return _typed(check)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        _fail(f"is {_show(value)}, must be true or false")
    return value


def _pattern(regex: str, hint: str) -> Any:
    compiled = re.compile(regex)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or len(value) > 100 or not compiled.fullmatch(value):
            _fail(f"is {_show(value)}, must be {hint}")
        return value
    return _typed(check)


def _check_date(value: Any) -> str:
    hint = "a date written YYYY-MM-DD"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        _fail(f"is {_show(value)}, must be {hint}")
    try:
        date.fromisoformat(value)
    except ValueError:
        _fail(f"is {_show(value)}, must be {hint} (a real day)")
    return value


def _check_forgive(value: Any) -> Any:
    if value is None:
        return None
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 1 <= value <= MAX_FORGIVE_AFTER):
        _fail(f"is {_show(value)}, must be null (never) or a whole number from 1 to "
              f"{MAX_FORGIVE_AFTER}")
    return value


def _check_segment(value: Any) -> list:
    if (not isinstance(value, list) or len(value) != 3 or value[0] not in SPEAKERS
            or not all(isinstance(t, int | float) and not isinstance(t, bool)
                       and math.isfinite(t) for t in value[1:])):
        _fail(f"is {_show(value)}, must be [speaker, start, end] with speaker one of "
              f"{', '.join(SPEAKERS)} and times in seconds")
    if not 0 <= value[1] <= value[2] <= MAX_SECONDS:
        _fail(f"is {_show(value)}: times must satisfy 0 <= start <= end <= {MAX_SECONDS:g}")
    return value


def _check_pair(value: Any) -> list:
    if (not isinstance(value, list) or len(value) != 2 or value[0] == value[1]
            or not all(isinstance(p, str) and len(p) <= _ID_CHARS and _ID.match(p)
                       for p in value)):
        _fail(f"is {_show(value)}, must be a pair of two different participant ids")
    return value


Id = _typed(_check_id)
Bool = _typed(_check_bool)
IsoDate = _typed(_check_date)
Move = _one_of(FIRST_MOVES, "a move")
Group = _pattern(r"(g[1-9]\d{0,2})?", "a role-play group like 'g1' (or empty)")
PracticeArea = _one_of(["", *PRACTICE_AREAS], "a practice area (or empty)")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _keyed(name: str, fields: dict[str, Any]) -> type[BaseModel]:
    """A model with one required field per content id (ids need not be Python names)."""
    spec = {f"f{i}": (kind, Field(alias=key)) for i, (key, kind) in enumerate(fields.items())}
    return create_model(name, __base__=_Shape, **spec)


# ---------------------------------------------------------------------------------------------
# The models of one content


@dataclass(frozen=True)
class _Spec:
    """How one exercise's answer is checked."""

    model: type[BaseModel]
    check: Callable[[Any], None] | None = None  # cross-checks on the validated model
    facilitator: bool = False  # written by the facilitator (or the build) only


def _trust(name: str, content: Any, situation: Any) -> _Spec:
    scale = content.scale
    ratings = _keyed(f"{name}Ratings", {item.id: _int(scale.min, scale.max)
                                        for _trait, item in content.items()})
    model = create_model(
        name, __base__=_Shape, ratings=(ratings, ...),
        situation=(_text(situation.min_chars, situation.max_chars), ...),
        **{OPT_IN: (Bool, None)})
    return _Spec(model)


def _purpose(content: Content) -> _Spec:
    purpose = content.purpose
    placements = _keyed("Placements", {
        s.id: _one_of(list(purpose.categories), "a category") for s in purpose.statements})
    return _Spec(create_model("PurposeSort", __base__=_Shape, placements=(placements, ...)))


def _script_path(content: Content, round_no: int, steps_max: int) -> _Spec:
    roleplay = content.roleplay
    scripts = roleplay.round_spec(round_no).scripts

    class Step(_Shape):
        node: Id
        choice: Id
        to: Id
        own_words: _text(1, OWN_WORDS_CHARS, stripped=True) = None

    class ScriptPath(_Shape):
        round: _exactly(round_no, "the round in the exercise name")
        group: Group
        script: _one_of(scripts, f"a script of round {round_no}")
        practice_area: PracticeArea
        steps: list[Step] = Field(min_length=1, max_length=steps_max)
        ending: Id
        outcome: _one_of(OUTCOMES, "an outcome")

    def check(path: ScriptPath) -> None:
        script: Script = content.scripts[path.script]
        at = script.start
        for i, step in enumerate(path.steps):
            if step.node != at:
                raise _Bad(("steps", i, "node"), f"is {_show(step.node)}, must be '{at}' "
                           "(where the path stands)")
            node = script.node(at)
            choice = next((c for c in node.choices if c.id == step.choice), None)
            if choice is None:
                raise _Bad(("steps", i, "choice"), f"is {_show(step.choice)}, must be a choice "
                           f"at node '{at}': {_choices([c.id for c in node.choices]) or 'none'}")
            if step.to != choice.to:
                raise _Bad(("steps", i, "to"), f"is {_show(step.to)}, must be '{choice.to}' "
                           f"(where choice '{choice.id}' leads)")
            at = choice.to
        if path.ending != at:
            raise _Bad(("ending",), f"is {_show(path.ending)}, must be '{at}' (where the steps "
                       "end)")
        end = script.node(at)
        if end.ending is None:
            raise _Bad(("ending",), f"is '{at}', which is not an ending of script "
                       f"'{script.id}'; play the script to an ending")
        if path.outcome != end.ending.outcome:
            raise _Bad(("outcome",), f"is {_show(path.outcome)}, must be "
                       f"'{end.ending.outcome}' (the outcome of ending '{at}')")

    return _Spec(ScriptPath, check)


def _observation(content: Content, round_no: int) -> _Spec:
    roleplay = content.roleplay
    Checklist = _keyed(f"Checklist{round_no}", {item.id: Bool for item in roleplay.checklist})

    class Seconds(_Shape):
        seller: _number(0, MAX_SECONDS)
        buyer: _number(0, MAX_SECONDS)
        silence: _number(0, MAX_SECONDS)

    class Observation(_Shape):
        round: _exactly(round_no, "the round in the exercise name")
        group: Group
        script: _one_of(roleplay.round_spec(round_no).scripts, f"a script of round {round_no}")
        segments: list[_typed(_check_segment)] = Field(max_length=MAX_SEGMENTS)
        seconds: Seconds
        seller_share: _number(0, 1)
        checklist: Checklist
        note: _text(0, NOTE_CHARS)

    return _Spec(Observation)


def _reflection(content: Content, round_no: int) -> _Spec:
    """The buyer's reflection on a round: one text per content field, for the seller."""
    roleplay = content.roleplay
    fields = {f.id: (_text(f.min_chars, NOTE_CHARS, stripped=True), Field(alias=f.id))
              for f in roleplay.buyer_reflection.fields}
    model = create_model(
        f"BuyerReflection{round_no}", __base__=_Shape,
        round=(_exactly(round_no, "the round in the exercise name"), ...),
        group=(Group, ...),
        script=(_one_of(roleplay.round_spec(round_no).scripts, f"a script of round {round_no}"),
                ...),
        **{f"f_{i}": spec for i, spec in enumerate(fields.values())})
    return _Spec(model)


def _roleplay_groups(content: Content) -> _Spec:
    """The role-play groups `workshop-kit build` publishes (the facilitator's answer): who
    sells, buys and observes in each round, so the service can tell a seller from the rest."""
    rounds_max = len(content.roleplay.rounds) + 1

    class Round(_Shape):
        round: _number(1, rounds_max)
        script: Id
        seller: Id
        buyer: Id
        observers: list[Id] = Field(max_length=3)

    class Planned(_Shape):
        id: Group
        members: list[Id] = Field(min_length=1, max_length=4)
        rounds: list[Round] = Field(max_length=rounds_max)

    class Groups(_Shape):
        groups: list[Planned] = Field(min_length=1, max_length=MAX_GIFT_GROUPS)

    return _Spec(Groups, facilitator=True)


def _strategy() -> _Spec:
    class Strategy(_Shape):
        name: _text(1, STRATEGY_NAME_CHARS, stripped=True)
        first_move: Move
        retaliation: _one_of(RETALIATIONS, "a way to retaliate")
        retaliate_k: _int(1, MAX_RETALIATE_K)
        forgive_after: _typed(_check_forgive)
        generosity: _number(0, 1)
        probe: Bool
        randomness: _number(0, MAX_RANDOMNESS)

    def check(strategy: Strategy) -> None:
        if strategy.forgive_after is not None and strategy.retaliation != "forever":
            raise _Bad(("forgive_after",), f"is {strategy.forgive_after}, must be null unless "
                       "retaliation is 'forever'")

    return _Spec(Strategy, check)


def _live_game(content: Content) -> _Spec:
    dilemma = content.dilemma

    class LiveGame(_Shape):
        number: _int(1, MAX_GAMES)
        condition: _one_of(CONDITIONS, "a condition")
        continue_probability: _number(0, 0.99)
        rounds: _int(1, dilemma.max_rounds)
        payoffs: _one_of([dilemma.payoffs], "the dilemma's payoffs")
        pairings: list[list[_typed(_check_pair)]] = Field(min_length=1,
                                                          max_length=dilemma.max_rounds)

    def check(game: LiveGame) -> None:
        if len(game.pairings) != game.rounds:
            raise _Bad(("pairings",), f"has {len(game.pairings)} rounds, must have "
                       f"{game.rounds} (field 'rounds')")
        if game.condition == "one_shot" and game.rounds != 1:
            raise _Bad(("rounds",), f"is {game.rounds}, must be 1 for a one-shot game")
        players: set[str] | None = None
        for r, pairs in enumerate(game.pairings):
            seats = [p for pair in pairs for p in pair]
            if not pairs or len(pairs) > MAX_PAIRS:
                raise _Bad(("pairings", r), f"has {len(pairs)} pairs, must have 1 to "
                           f"{MAX_PAIRS}")
            if len(set(seats)) != len(seats):
                raise _Bad(("pairings", r), "names a player twice; each plays once a round")
            if FACILITATOR in seats:
                raise _Bad(("pairings", r), f"names '{FACILITATOR}'; the kit's '{BOT}' "
                           "plays for the facilitator")
            if players is None:
                players = set(seats)
            elif set(seats) != players:
                raise _Bad(("pairings", r), "has other players than round 1; everybody plays "
                           "every round")
            if game.condition == "partners" and r and pairs != game.pairings[0]:
                raise _Bad(("pairings", r), "has other pairs than round 1; partners keep "
                           "their pairs")

    return _Spec(LiveGame, check, facilitator=True)


def _drill(content: Content) -> tuple[_Spec, _Spec, _Spec]:
    drill, cases = content.drill, content.cases
    most = max((len(c.questions) for c in cases.values()), default=0)
    Case = _one_of(sorted(cases), "a case id")
    asked_type = list[Id]

    class Questions(_Shape):
        case: Case
        asked: asked_type = Field(max_length=most)

    class Definition(Questions):
        definition: _text(drill.definition.min_chars, drill.definition.max_chars)

    class Vote(_Shape):
        case: Case
        key: _pattern(r"[0-9a-f]{12}", "the 12-character key of a colleague's definition")

    def check(answer: Questions) -> None:
        case = cases[answer.case]
        known = {q.id: q for q in case.questions}
        seen: set[str] = set()
        for i, question in enumerate(answer.asked):
            if question not in known:
                raise _Bad(("asked", i), f"is {_show(question)}, must be a question of case "
                           f"'{case.id}': {_choices(list(known))}")
            if question in seen:
                raise _Bad(("asked", i), f"is '{question}' again; ask each question once")
            seen.add(question)
        minutes = sum(known[q].minutes for q in answer.asked)
        if minutes > case.budget_minutes:
            raise _Bad(("asked",), f"takes {minutes} minutes, must fit the case's budget of "
                       f"{case.budget_minutes}")

    return _Spec(Questions, check), _Spec(Definition, check), _Spec(Vote)


def _vote_cases(content: Content) -> _Spec:
    """The case each participant votes on, as `workshop-kit build` publishes it."""
    Case = _one_of(sorted(content.cases), "a case id")

    class VoteCases(_Shape):
        cases: dict[Id, Case] = Field(min_length=1, max_length=2_000)

    return _Spec(VoteCases, facilitator=True)


def _gift(content: Content) -> tuple[_Spec, _Spec, _Spec]:
    gift = content.gift
    plan = _keyed("GiftPlan", {f.id: _text(f.min_chars, GIFT_CHARS) for f in gift.plan})
    feedback = _keyed("GiftFeedback", {f.id: _text(f.min_chars, GIFT_CHARS)
                                       for f in gift.feedback})

    class Pairs(_Shape):
        groups: list[list[Id]] = Field(min_length=1, max_length=MAX_GIFT_GROUPS)

    def check(pairs: Pairs) -> None:
        seen: set[str] = set()
        for g, group in enumerate(pairs.groups):
            if not 1 <= len(group) <= 3:
                raise _Bad(("groups", g), f"has {len(group)} people, must have 1 to 3 (a pair, "
                           "a trio, or one person the facilitator partners)")
            for i, person in enumerate(group):
                if person in seen or person in (FACILITATOR, BOT):
                    raise _Bad(("groups", g, i), f"is '{person}', who is already in a group "
                               "or not a participant; each participant is in one group")
                seen.add(person)

    return _Spec(plan), _Spec(feedback), _Spec(Pairs, check, facilitator=True)


def _commitments(content: Content) -> _Spec:
    rules = content.wrapup.commitments

    class Commitment(_Shape):
        text: _text(max(rules.min_chars, 1), COMMITMENT_CHARS)
        due: IsoDate

    model = create_model("Commitments", __base__=_Shape, commitments=(
        list[Commitment], Field(min_length=1, max_length=rules.max)), **{OPT_IN: (Bool, None)})
    return _Spec(model)


class _Models:
    """Every exercise's check for one content: fixed exercise ids in `fixed`, and what the
    patterned ones (rounds, games, partners) need."""

    def __init__(self, content: Content):
        self.content = content
        mods = content.modules
        self.fixed: dict[tuple[str, str], _Spec] = {}
        if "checkin" in mods:
            checkin = content.checkin
            self.fixed["checkin", checkin.exercise] = _trust("TrustProfile", checkin,
                                                            checkin.situation)
        if "purpose" in mods:
            self.fixed["purpose", content.purpose.exercise] = _purpose(content)
        self.paths: dict[int, _Spec] = {}
        self.observations: dict[int, _Spec] = {}
        self.reflections: dict[int, _Spec] = {}
        if "roleplay" in mods:
            steps_max = max((len(s.nodes) for s in content.scripts.values()), default=1)
            for n in range(1, len(content.roleplay.rounds) + 2):
                self.paths[n] = _script_path(content, n, steps_max)
                self.observations[n] = _observation(content, n)
                self.reflections[n] = _reflection(content, n)
            self.fixed["roleplay", ROLEPLAY_GROUPS_EXERCISE] = _roleplay_groups(content)
        if "dilemma" in mods:
            self.fixed["dilemma", content.dilemma.exercise] = _strategy()
            self.fixed["dilemma", GAME_EXERCISE] = _live_game(content)
            self.move = _Spec(create_model("LiveMove", __base__=_Shape, move=(Move, ...)))
        if "drill" in mods:
            drill = content.drill
            questions, definition, vote = _drill(content)
            self.fixed["drill", drill.questions_exercise] = questions
            self.fixed["drill", drill.definition_exercise] = definition
            self.fixed["drill", drill.vote_exercise] = vote
            self.fixed["drill", VOTE_CASES_EXERCISE] = _vote_cases(content)
        if "gift" in mods:
            plan, self.feedback, pairs = _gift(content)
            self.fixed["gift", content.gift.plan_exercise] = plan
            self.fixed["gift", PAIRS_EXERCISE] = pairs
        if "wrapup" in mods:
            wrapup = content.wrapup
            self.fixed["wrapup", wrapup.exercise] = _commitments(content)
            if "checkin" in mods:
                again = wrapup.trust_content(content.checkin)
                self.fixed["wrapup", again.exercise] = _trust("TrustProfileAgain", again,
                                                              again.situation)

    def exercises(self, module: str) -> str:
        """The exercises a participant answers in `module`, for messages."""
        mods = self.content.modules
        names = [e for (m, e), spec in self.fixed.items() if m == module and not spec.facilitator]
        if module == "roleplay" and self.paths:
            last = len(self.paths)
            ex = mods["roleplay"].exercise
            names += [f"{ex}_path_r1 to _r{last}", f"{ex}_observation_r1 to _r{last}",
                      f"{ex}_reflection_r1 to _r{last}"]
        if module == "dilemma":
            names.append("move:<game>:<round>")
        if module == "gift":
            names.append(f"{mods['gift'].exercise}_feedback:<partner id>")
        return ", ".join(names) or "none"

    def route(self, module: str, exercise: str, participant: str, where: str) -> _Spec:
        """The check of one exercise (AnswerError if the module has no such exercise)."""
        spec = self.fixed.get((module, exercise))
        if spec is not None:
            return spec
        mods = self.content.modules
        if module == "roleplay" and self.paths:
            match = re.fullmatch(rf"{re.escape(mods['roleplay'].exercise)}_(path|observation"
                                 r"|reflection)_r(\d{1,3})", exercise)
            if match:
                n = int(match.group(2))
                if n not in self.paths:
                    raise AnswerError(f"{where}: there is no round {n}; rounds are 1 to "
                                      f"{len(self.paths)}")
                return {"path": self.paths, "observation": self.observations,
                        "reflection": self.reflections}[match.group(1)][n]
        if module == "dilemma":
            match = re.fullmatch(r"move:g(\d{1,3}):(\d{1,3})", exercise)
            if match:
                game, round_no = int(match.group(1)), int(match.group(2))
                most = mods["dilemma"].max_rounds
                if not 1 <= game <= MAX_GAMES or not 1 <= round_no <= most:
                    raise AnswerError(f"{where}: a move names game g1 to g{MAX_GAMES} and "
                                      f"round 1 to {most}, like 'move:g1:1'")
                return self.move
        if module == "gift":
            prefix = f"{mods['gift'].exercise}_feedback:"
            if exercise.startswith(prefix):
                partner = exercise[len(prefix):]
                if len(partner) > _ID_CHARS or not _ID.match(partner):
                    raise AnswerError(f"{where}: '{_clip(partner)}' is not a participant id; "
                                      f"use {prefix}<your partner's id>")
                if partner == participant:
                    raise AnswerError(f"{where}: this is feedback on your own plan; write "
                                      "feedback on your partner's plan")
                return self.feedback
        raise AnswerError(f"{where}: '{_clip(exercise)}' is not an exercise of module "
                          f"'{module}'; use one of: {self.exercises(module)}")


_CACHE: dict[int, _Models] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8


def _models(content: Content) -> _Models:
    """The models of `content`, built once (content is immutable)."""
    models = _CACHE.get(id(content))
    if models is not None and models.content is content:
        return models
    models = _Models(content)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(content)] = models  # keeps `content` alive, so its id is not reused
    return models


# ---------------------------------------------------------------------------------------------
# The public API


def check_answer(content: Content, module: str, exercise: str, payload: Any, *,
                 participant: str) -> dict:
    """Check one answer as `participant` (or, with participant == "facilitator", the
    facilitator) would submit it to `module`/`exercise`; returns the payload (as plain JSON
    data, equal to what was sent).

    Raises:
        AnswerError: one line naming module/exercise and the field at fault, and how to fix it.
    """
    where = f"answer to {_name(module)}/{_name(exercise)}"
    for what, name in (("module", module), ("exercise", exercise)):
        if not isinstance(name, str) or not name:
            raise AnswerError(f"{where}: the {what} name is {_show(name)}, must be non-empty "
                              "text")
        if len(name) > MAX_NAME_CHARS:
            raise AnswerError(f"{where}: the {what} name has {len(name)} characters, must have "
                              f"at most {MAX_NAME_CHARS}")
    agenda = [m.id for m in content.agenda.modules]
    if module not in agenda:
        raise AnswerError(f"{where}: module '{_clip(module)}' is not on the agenda; use one "
                          f"of: {', '.join(agenda)}")
    models = _models(content)
    spec = models.route(module, exercise, participant, where)
    if spec.facilitator and participant != FACILITATOR:
        raise AnswerError(f"{where}: only the facilitator writes this exercise; participants "
                          "cannot")
    if not spec.facilitator and participant == FACILITATOR:
        raise AnswerError(f"{where}: the facilitator does not answer this exercise; only "
                          "participants do")
    _precheck(payload, where)
    try:
        answer = spec.model.model_validate(payload)
    except ValidationError as exc:
        raise AnswerError(f"{where}: {_explain(exc.errors()[0])}") from None
    if spec.check is not None:
        try:
            spec.check(answer)
        except _Bad as bad:
            raise AnswerError(f"{where}: field '{_field(bad.loc)}' {bad.text}") from None
    return answer.model_dump(by_alias=True, exclude_unset=True)


def stored_answer_ok(content: Content, answer: Answer) -> bool:
    """True if a stored answer passes `check_answer` (rows written before validation existed
    may not); readers skip the others and count them."""
    try:
        check_answer(content, answer.module, answer.exercise, answer.payload,
                     participant=answer.participant)
    except AnswerError:
        return False
    return True
