"""Typed answer schemas: what each exercise's answer may look like, checked before it is stored.

The store keeps any JSON object; this module says which ones the kit accepts. Each module type
declares its exercises' answers in its own part, `workshop_kit/modules/<type>/answers.py`, as
pydantic models built from that module's content (the check-in's scale and items, the role-play
scripts and rounds, the drill cases, …), with extra keys forbidden. This core file holds what
they share (the field types below, `Shape`, `keyed`, `Spec`, the rating-scale profile), routes
an answer to its module's check by the agenda, and names no module.

An ``answers`` part offers:

- ``answers(module_id, content, day) -> {exercise: Spec}``: the exercises with fixed names
  (the facilitator's records among them, `Spec(facilitator=True)`);
- optionally ``answer_for(module_id, exercise, content, day, participant) -> Spec | None``:
  the patterned names (per round, per game, per partner); raise `Refused("…")` for a name of
  the right pattern that is still wrong (a round that does not exist);
- optionally ``patterns(module_id, content, day) -> list[str]``: those names as a message
  shows them (``"roleplay_path_r1 to _r4"``).

``content`` is the module's own content (``day.modules[module_id]``), ``day`` the whole
`workshop_kit.content.Content`. A type may appear twice on the agenda: everything is keyed by
the module id, and the part is picked by the id's type (`day.agenda.type_of`).

`check_answer` is what the service calls before it writes; `stored_answer_ok` lets a reader
skip rows written before validation existed.

A payload is first checked cheaply, without recursion and without pydantic: it must be a JSON
object, no deeper than `MAX_DEPTH`, no bigger than `MAX_ANSWER_CHARS` once serialised the way
the store serialises it, holding only JSON values (finite numbers, text keys). The walk stops at
the first limit passed, so a 2,500-level dict or a 5 MB string is refused in well under a
millisecond, and pydantic only ever sees small, shallow data.

Each refusal is one `AnswerError` line: ``answer to <module>/<exercise>: field '<path>' is
<value>, must be …``. Values, names and paths in messages are cut to about 40 characters.

Pure: imports content, store, error types and the module registry only; no widgets, no IO.
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

from . import modules
from .content import PRACTICE_AREAS, SLUG, Content
from .errors import AnswerError
from .store import FACILITATOR, Answer

# The largest answers the kit can legitimately write, serialised as the store does
# (json.dumps(ensure_ascii=False); measured in tests/test_answers.py): an observer's sheet with
# its most talk segments and a full note, 15,000 characters; the live game at the content's
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
MAX_GROUPS = 200  # groups (pairs, trios) the facilitator's records of a cohort may hold
# The name the access layer uses too (workshop_kit.access; a test keeps them in step).
OPT_IN = "share_with_facilitator"
# The kit's player for the facilitator in a live game (workshop_kit.game.live.BOT): never a
# participant of anything else.
BOT = "kit-bot"

ID_CHARS = 40  # participant and content ids in answers
_ID = re.compile(SLUG)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Messages


def clip(text: str, limit: int = SHOW_CHARS) -> str:
    """`text` cut to `limit` characters (with …), non-printable characters escaped."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    if cut.isprintable():  # the usual case, without a walk character by character
        return cut
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def _name(value: Any) -> str:
    return clip(value) if isinstance(value, str) else f"<{type(value).__name__}>"


def show(value: Any) -> str:
    """A value as a message shows it: short, on one line, JSON-like."""
    if isinstance(value, str):
        return f"'{clip(value)}'"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return clip(str(value)) if value.bit_length() < 64 else "a very large number"
    if isinstance(value, float):
        return clip(repr(value))
    if isinstance(value, dict | list):
        try:
            return clip(json.dumps(value, ensure_ascii=False))
        except (TypeError, ValueError):
            pass
    return f"a {type(value).__name__}"


def _field(loc: Sequence[Any]) -> str:
    return clip(".".join(str(p) for p in loc), 2 * SHOW_CHARS) if loc else "(answer)"


def choices(values: Sequence[str], most: int = 6) -> str:
    shown = ", ".join(values[:most])
    return shown + (", …" if len(values) > most else "")


class Bad(Exception):
    """A problem found after the shape checks: where it is and what is wrong."""

    def __init__(self, loc: tuple, text: str):
        super().__init__(text)
        self.loc, self.text = loc, text


def fail(text: str) -> None:
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


def explain(err: dict[str, Any]) -> str:
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
        return f"{field} is {show(err.get('input'))}, must be {_TYPE_WORDS[kind]}"
    if kind == "literal_error":
        return f"{field} is {show(err.get('input'))}, must be one of {ctx.get('expected', '')}"
    if kind == "too_long":
        return (f"{field} has {ctx.get('actual_length')} items, must have at most "
                f"{ctx.get('max_length')}; remove some")
    if kind == "too_short":
        return (f"{field} has {ctx.get('actual_length')} items, must have at least "
                f"{ctx.get('min_length')}; add some")
    message = " ".join(str(err.get("msg", "is wrong")).split())
    return f"{field} is {show(err.get('input'))}: {clip(message[:1].lower() + message[1:], 80)}"


# ---------------------------------------------------------------------------------------------
# The cheap checks: JSON only, depth, size (no recursion, no pydantic)


def precheck(payload: Any, where: str) -> None:
    """Refuse a payload that is not a JSON object, too deep, too big or not JSON data; cost
    stops growing as soon as a limit is passed."""
    if not isinstance(payload, dict):
        raise AnswerError(f"{where}: the answer is {show(payload)}, must be a JSON object of "
                          "fields like {\"field\": value}")
    if _plainly_fine(payload):
        return
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
                                          f"{show(key)}; keys must be text")
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
                          f"{clip(str(exc), 80)}") from None
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"{where}: the answer is {len(text)} characters of JSON, must be at "
                          f"most {MAX_ANSWER_CHARS}; shorten its text")


def _plainly_fine(payload: dict) -> bool:
    """True if `payload` certainly passes `precheck`: plain JSON data (exact types, as
    json.loads makes them), containers no deeper than MAX_DEPTH, and an upper bound of its
    JSON text within MAX_ANSWER_CHARS (a character takes at most 6, as \\u001f; a number
    at most 24). A fast walk without paths or serialising, for the service's hot path; on
    False the full walk decides and says what is wrong."""
    size = 0
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if type(value) is dict:
            items: Any = value.items()
            size += 2
        elif type(value) is list:
            items = ((None, item) for item in value)
            size += 2
        else:
            return False
        for key, item in items:
            if key is not None:
                if type(key) is not str:
                    return False
                size += 6 * len(key) + 4
            kind = type(item)
            if kind is str:
                size += 6 * len(item) + 4
            elif kind is int:
                if item.bit_length() > 63:
                    return False
                size += 24
            elif kind is float:
                if not math.isfinite(item):
                    return False
                size += 28
            elif item is None or kind is bool:
                size += 9
            elif kind is dict or kind is list:
                size += 2  # its separator; its brackets and items when it is popped
                stack.append((item, depth + 1))
            else:
                return False
        if size > MAX_ANSWER_CHARS:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Field types: each checks type and range itself and says what is expected


def typed(check: Callable[[Any], Any]) -> Any:
    return Annotated[Any, PlainValidator(check)]


def integer(lo: int, hi: int) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"is {show(value)}, must be a whole number from {lo} to {hi}")
        if not lo <= value <= hi:
            fail(f"is {show(value)}, must be from {lo} to {hi}")
        return value
    return typed(check)


def exactly(expected: int, why: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or value != expected:
            fail(f"is {show(value)}, must be {expected} ({why})")
        return value
    return typed(check)


def number(lo: float, hi: float) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            fail(f"is {show(value)}, must be a number from {lo:g} to {hi:g}")
        if not math.isfinite(value):
            fail(f"is {show(value)}, must be a finite number")
        if not lo <= value <= hi:
            fail(f"is {show(value)}, must be from {lo:g} to {hi:g}")
        return value
    return typed(check)


def check_text(value: Any, lo: int, hi: int, stripped: bool = False) -> str:
    if not isinstance(value, str):
        fail(f"is {show(value)}, must be text")
    if len(value) > hi:
        fail(f"has {len(value)} characters, must have at most {hi}; shorten it")
    if len(value) < lo:
        fail("is empty; fill it in" if not value else
              f"has {len(value)} characters, must have at least {lo}; say a little more")
    if _CONTROL.search(value):
        fail(f"is {show(value)}: it contains a control character; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fail(f"is {show(value)}: it is not valid Unicode text")
    if stripped and value != value.strip():
        fail(f"is {show(value)}: it starts or ends with spaces; trim them")
    return value


def free_text(lo: int, hi: int, stripped: bool = False) -> Any:
    return typed(lambda value: check_text(value, lo, hi, stripped))


def check_id(value: Any) -> str:
    if not isinstance(value, str) or len(value) > ID_CHARS or not _ID.match(value):
        fail(f"is {show(value)}, must be an id of lower-case letters, digits, '-' or '_' "
              f"(at most {ID_CHARS})")
    return value


def one_of(values: Sequence[str], what: str) -> Any:
    known = frozenset(values)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in known:
            fail(f"is {show(value)}, must be {what}: {choices(list(values))}")
        return value
    return typed(check)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        fail(f"is {show(value)}, must be true or false")
    return value


def pattern(regex: str, hint: str) -> Any:
    compiled = re.compile(regex)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or len(value) > 100 or not compiled.fullmatch(value):
            fail(f"is {show(value)}, must be {hint}")
        return value
    return typed(check)


def _check_date(value: Any) -> str:
    hint = "a date written YYYY-MM-DD"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        fail(f"is {show(value)}, must be {hint}")
    try:
        date.fromisoformat(value)
    except ValueError:
        fail(f"is {show(value)}, must be {hint} (a real day)")
    return value


Id = typed(check_id)
Bool = typed(_check_bool)
IsoDate = typed(_check_date)
PracticeArea = one_of(["", *PRACTICE_AREAS], "a practice area (or empty)")


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def keyed(name: str, fields: dict[str, Any]) -> type[BaseModel]:
    """A model with one required field per content id (ids need not be Python names)."""
    spec = {f"f{i}": (kind, Field(alias=key)) for i, (key, kind) in enumerate(fields.items())}
    return create_model(name, __base__=Shape, **spec)



# ---------------------------------------------------------------------------------------------
# What a module's answers part returns, and the shared answer models


@dataclass(frozen=True)
class Spec:
    """How one exercise's answer is checked."""

    model: type[BaseModel]
    check: Callable[[Any], None] | None = None  # cross-checks on the validated model (raise Bad)
    facilitator: bool = False  # written by the facilitator (or the build) only


class Refused(Exception):
    """An exercise name of a module's pattern that is still wrong ("there is no round 5"):
    the text of the one-line refusal, without the 'answer to …' prefix."""


def rating_profile(name: str, scale: Any, item_ids: Sequence[str], situation: Any) -> Spec:
    """A self-rating on a scale (`scale.min`..`scale.max`, one rating per item id) with a
    free-text situation (`situation.min_chars`..`max_chars`) and the opt-in to share it: the
    trust profile, asked by more than one module type (the morning's and the wrap-up's)."""
    ratings = keyed(f"{name}Ratings", {item: integer(scale.min, scale.max)
                                       for item in item_ids})
    model = create_model(
        name, __base__=Shape, ratings=(ratings, ...),
        situation=(free_text(situation.min_chars, situation.max_chars), ...),
        **{OPT_IN: (Bool, None)})
    return Spec(model)


def per_content(build: Callable[..., Any]) -> Callable[..., Any]:
    """`build(module_id, content, day)` made once per module id and day (content is
    immutable): for a part's patterned exercises (a spec per round), built on first use."""
    made: dict[tuple[str, int], tuple[Any, Any]] = {}

    def cached(module_id: str, content: Any, day: Any) -> Any:
        key = (module_id, id(day))
        hit = made.get(key)
        if hit is not None and hit[0] is day:
            return hit[1]
        value = build(module_id, content, day)
        if len(made) >= 4 * _CACHE_SIZE:
            made.pop(next(iter(made)), None)
        made[key] = (day, value)  # keeps `day` alive, so its id is not reused
        return value

    return cached


def id_like(value: Any) -> bool:
    """Whether `value` reads as a participant or content id (for patterned exercise names)."""
    return isinstance(value, str) and len(value) <= ID_CHARS and bool(_ID.match(value))


# ---------------------------------------------------------------------------------------------
# The models of one content, module by module along the agenda


class _Module:
    """One agenda module's checks: its part, its fixed exercises."""

    def __init__(self, module_id: str, day: Content):
        self.id = module_id
        self.content = day.modules.get(module_id)
        self.part = modules.get(day.agenda.type_of(module_id)).part("answers")
        self.fixed: dict[str, Spec] = {}
        if self.part is not None and self.content is not None:
            self.fixed = dict(self.part.answers(module_id, self.content, day))


class _Models:
    """Every exercise's check for one content, found through each agenda module's type."""

    def __init__(self, content: Content):
        self.content = content
        self.modules = {m.id: _Module(m.id, content) for m in content.agenda.modules}

    def exercises(self, module: str) -> str:
        """The exercises a participant answers in `module`, for messages."""
        found = self.modules[module]
        names = [e for e, spec in found.fixed.items() if not spec.facilitator]
        patterns = getattr(found.part, "patterns", None)
        if patterns is not None:
            names += patterns(module, found.content, self.content)
        return ", ".join(names) or "none"

    def route(self, module: str, exercise: str, participant: str, where: str) -> Spec:
        """The check of one exercise (AnswerError if the module has no such exercise)."""
        found = self.modules[module]
        spec = found.fixed.get(exercise)
        if spec is not None:
            return spec
        answer_for = getattr(found.part, "answer_for", None)
        if answer_for is not None:
            try:
                spec = answer_for(module, exercise, found.content, self.content, participant)
            except Refused as refused:
                raise AnswerError(f"{where}: {refused}") from None
            if spec is not None:
                return spec
        raise AnswerError(f"{where}: '{clip(exercise)}' is not an exercise of module "
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
            raise AnswerError(f"{where}: the {what} name is {show(name)}, must be non-empty "
                              "text")
        if len(name) > MAX_NAME_CHARS:
            raise AnswerError(f"{where}: the {what} name has {len(name)} characters, must have "
                              f"at most {MAX_NAME_CHARS}")
    agenda = [m.id for m in content.agenda.modules]
    if module not in agenda:
        raise AnswerError(f"{where}: module '{clip(module)}' is not on the agenda; use one "
                          f"of: {', '.join(agenda)}")
    models = _models(content)
    spec = models.route(module, exercise, participant, where)
    if spec.facilitator and participant != FACILITATOR:
        raise AnswerError(f"{where}: only the facilitator writes this exercise; participants "
                          "cannot")
    if not spec.facilitator and participant == FACILITATOR:
        raise AnswerError(f"{where}: the facilitator does not answer this exercise; only "
                          "participants do")
    precheck(payload, where)
    try:
        answer = spec.model.model_validate(payload)
    except ValidationError as exc:
        raise AnswerError(f"{where}: {explain(exc.errors()[0])}") from None
    if spec.check is not None:
        try:
            spec.check(answer)
        except Bad as bad:
            raise AnswerError(f"{where}: field '{_field(bad.loc)}' {bad.text}") from None
    return answer.model_dump(by_alias=True, exclude_unset=True)


def answer_specs(content: Content, module: str) -> dict[str, Spec]:
    """The fixed-name exercises of agenda module `module` and their checks ({exercise: Spec},
    the facilitator's records included), as its type's answers part declares them."""
    found = _models(content).modules.get(module)
    if found is None:
        raise AnswerError(f"module '{clip(module)}' is not on the agenda")
    return dict(found.fixed)


def stored_answer_ok(content: Content, answer: Answer) -> bool:
    """True if a stored answer passes `check_answer` (rows written before validation existed
    may not); readers skip the others and count them."""
    try:
        check_answer(content, answer.module, answer.exercise, answer.payload,
                     participant=answer.participant)
    except AnswerError:
        return False
    return True
