"""Who may see what: participants and the facilitator reach the store through these guards.

`workshop-kit build` registers the SHA-256 of every participant's token and of the
facilitator's token in the store; the tokens travel in the notebooks' parameters, the secret
they derive from stays on the trainer's machine. Every read or write through a guard checks
the token against the store, so a notebook cannot reach past what its token allows:

- a participant (`ParticipantStore`) writes and reads only their own answers, plus what the
  rules of the agenda's modules add (the live game the facilitator published and their
  partners' moves in it, a drill's anonymous definitions, a gift partner's plan, the notes
  for a role-play's seller: each described in its module's rules part);
- names: a participant reads the display name (`names`, never the roster's full list) only of
  themselves and of the people they already work with: their partners and groups as built,
  and those a module's rules add (`sees`);
- each module type may add rules of its own in its ``rules`` part
  (`workshop_kit/modules/<type>/rules.py`), found through the registry by the type of the
  agenda's module id, so one type twice on the agenda keeps two sets of rules apart (every
  read and write of a rule is keyed by the module id). A rules part may offer:

  ``PARTICIPANT_CALLS`` / ``FACILITATOR_CALLS``
      ``{name: Call(run, arguments)}``: calls of the service beyond the common ones (a drill's
      anonymous peer definitions, a gift partner's plan); ``run(view, **arguments)`` gets a
      `RuleView` of the caller and the module. The guards offer each as a method
      ``name(cohort, *arguments, module=None)``; without a module id, the first module of the
      agenda whose type offers the call.
  ``check_submit(view, exercise, payload)``
      raise AccessError to refuse a participant's answer the schema alone cannot judge
      (a vote for one's own definition, feedback on someone who is not one's partner).
  ``PUBLISHED``
      the facilitator's records of the module a participant may read (`latest_answer`).
  ``peers(view, exercise_prefix) -> set[str]``
      whose answers under that prefix a participant may read with `latest_many` (the moves
      of their partners in a live game).
  ``sees(view) -> set[str]``
      whose names the module lets a participant read (their partners in it).
  ``room_answers(view, exercise, frame) -> frame``
      which of an exercise's answers the room's chart may be drawn from once it is revealed
      (`room_answers`, before names go; the service draws the chart and sends only that):
      fewer rows or fields, such as only the rewrites shared with peers. The same for every
      participant (the service draws one chart for the whole room).
- the facilitator (`FacilitatorStore`) reads the cohort, but answers to a personal exercise
  (content `personal: true`, the trust profile) come without names and without free text unless
  the participant ticked "share with the facilitator" (`OPT_IN` in the answer);
- only the facilitator changes an exercise's state (lock, reveal, reset); once the
  facilitator has revealed an exercise, the service draws the room's chart of it from
  `room_answers` (no names, and only numbers for a personal exercise) and a participant
  receives that chart, never the rows. The lock itself is checked by
  the store, inside the write.

Both guards offer the same methods, with the same signatures, as `Store`, so widgets and
sessions take either. The kit's own work (simulation, tests) uses `Store` directly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from . import modules
from .analysis import MIN_GROUP
from .errors import AccessError, ParameterError, StoreError
from .names import published as published_names
from .store import FACILITATOR, Answer, ExerciseState, Store

OPT_IN = "share_with_facilitator"
ROLES = ("participant", "facilitator")


@dataclass(frozen=True)
class Call:
    """A call of the service a module's rules add: `run(view, **arguments)`, and its
    arguments as {name: (type, required)} (checked by the service before `run`)."""

    run: Callable[..., Any]
    arguments: dict[str, tuple[type, bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleView:
    """What a module's rules see of one call: the store behind the guard, the cohort, who
    calls (a participant id or FACILITATOR), the agenda module id and its content (None when
    the guard was made without the day's content)."""

    store: Any
    cohort: str
    who: str
    module: str
    content: Any = None

    def record(self, exercise: str) -> dict[str, Any] | None:
        """The payload of the facilitator's record `exercise` of this module (what `build`
        or the facilitator published), or None."""
        answer = self.store.latest_answer(self.cohort, FACILITATOR, self.module, exercise)
        return answer.payload if answer is not None else None


def module_types(content: Any) -> dict[str, str]:
    """{module id: module type} of the day's agenda, in agenda order."""
    return {m.id: m.type for m in content.agenda.modules}


def _rules(type_name: str) -> Any:
    """The `rules` part of a module type, or None."""
    return modules.get(type_name).part("rules")


def _default_types() -> dict[str, str]:
    """Without the day's agenda: every registered type under a module id of its own name."""
    return {name: name for name in modules.registry()}


def _calls_of(part: Any, role: str) -> Mapping[str, Call]:
    name = "PARTICIPANT_CALLS" if role == "participant" else "FACILITATOR_CALLS"
    return getattr(part, name, None) or {}


def rule_calls(role: str, types: Mapping[str, str] | None = None) -> dict[str, Call]:
    """{call name: Call} of `role` that the module types of `types` (every registered type
    if None) add (the first type's, for a name several declare: a type copied under a new
    name declares its calls again; each runs for its own module ids). Two types declaring one
    name with different arguments are refused: the service could not check both."""
    found: dict[str, Call] = {}
    owner: dict[str, str] = {}
    for type_name in dict.fromkeys((types or _default_types()).values()):
        for name, call in _calls_of(_rules(type_name), role).items():
            if name not in found:
                found[name], owner[name] = call, type_name
            elif found[name].arguments != call.arguments:
                raise ParameterError(f"module types '{owner[name]}' and '{type_name}' both "
                                     f"declare the call '{name}' with other arguments; rename "
                                     "one")
    return found


def bind(call: Call, name: str, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """A call's positional and keyword arguments as {name: value}, in its declared order."""
    names = list(call.arguments)
    if len(args) > len(names):
        raise ParameterError(f"{name} takes {len(names)} arguments after the cohort "
                             f"({', '.join(names) or 'none'}), not {len(args)}")
    bound = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in call.arguments or key in bound:
            raise ParameterError(f"{name}: unexpected argument '{str(key)[:40]}'; it takes "
                                 f"{', '.join(names) or 'no arguments'}")
        bound[key] = value
    return bound


def personal_modules(content: Any) -> frozenset[str]:
    """The modules whose answers are personal (content `personal: true`): the facilitator
    sees them as numbers without names unless shared."""
    return frozenset(m for m, c in content.modules.items() if getattr(c, "personal", False))


def shared(payload: dict[str, Any]) -> bool:
    """True if the participant opted in to show this answer to the facilitator."""
    return payload.get(OPT_IN) is True


def numbers_only(value: Any) -> Any:
    """The payload's numbers (and yes/no answers) without any text: what aggregates need."""
    if isinstance(value, dict):
        kept = {k: numbers_only(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None}
    if isinstance(value, list):
        return [v for v in (numbers_only(x) for x in value) if v is not None]
    if isinstance(value, bool | int | float):
        return value
    return None


class _Guard:
    who: str

    def __init__(self, store: Store, cohort: str, who: str, token: str):
        self._store, self.cohort, self._token = store, cohort, token
        try:
            store.check_token(cohort, who, token)
        except AccessError:
            raise
        except StoreError:
            pass  # unreachable now: every later call checks again and says so

    @property
    def skipped(self) -> int:
        """Malformed rows the store left out of what was read (a `CheckedStore`)."""
        return getattr(self._store, "skipped", 0)

    @property
    def url(self) -> str:
        return self._store.url

    @property
    def where(self) -> str:
        return self._store.where

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, cohort: str) -> None:
        if cohort != self.cohort:
            raise AccessError(f"this token is for cohort '{self.cohort}', not '{cohort}'")
        self._store.check_token(self.cohort, self.who, self._token)


class ParticipantStore(_Guard):
    """One participant's access: their own answers, and what the modules' rules add (the
    live game and their partners' moves, anonymous peer views, partners' plans, …)."""

    def __init__(self, store: Store, cohort: str, participant: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset(),
                 content: Any = None):
        self.who = self.participant = participant
        self.personal_modules = frozenset(personal_modules)
        self._content = content
        self._types = module_types(content) if content is not None else _default_types()
        super().__init__(store, cohort, participant, token)

    def _mine(self, cohort: str, participant: str, action: str) -> None:
        if participant != self.participant:
            raise AccessError(
                f"participant '{self.participant}' cannot {action} the answers of "
                f"'{participant}': each participant reaches only their own")
        self._check(cohort)

    def _facilitator_only(self, action: str) -> AccessError:
        return AccessError(f"only the facilitator (with the facilitator's token) can {action}")

    # -- the modules' rules, by the type of the module id --------------------------------------
    def _view(self, module: str) -> RuleView:
        content = self._content.modules.get(module) if self._content is not None else None
        return RuleView(self._store, self.cohort, self.participant, module, content)

    def _module_rules(self, module: str) -> Any:
        type_name = self._types.get(module)
        return _rules(type_name) if type_name is not None else None

    def rule(self, name: str, cohort: str, *args: Any, module: str | None = None,
             **kwargs: Any) -> Any:
        """The call `name` a module's rules add (`rule_calls`), for agenda module `module`
        (by default the first whose type offers it)."""
        return _run_rule(self, "participant", name, cohort, args, module, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in rule_calls("participant", self._types):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return partial(self.rule, name)

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], **_ignored: Any) -> Answer:
        self._mine(cohort, participant, "write")
        check = getattr(self._module_rules(module), "check_submit", None)
        if check is not None:
            check(self._view(module), exercise, payload)
        return self._store.submit(cohort, participant, module, exercise, payload)

    def latest_answer(self, cohort: str, participant: str, module: str,
                      exercise: str) -> Answer | None:
        if participant == FACILITATOR and \
                exercise in getattr(self._module_rules(module), "PUBLISHED", ()):
            self._check(cohort)  # a record the facilitator published to the room
        else:
            self._mine(cohort, participant, "read")
        return self._store.latest_answer(cohort, participant, module, exercise)

    def latest(self, cohort: str, participant: str, module: str | None = None) -> list[Answer]:
        self._mine(cohort, participant, "read")
        return self._store.latest(cohort, participant, module)

    def history(self, cohort: str, participant: str, module: str,
                exercise: str) -> list[Answer]:
        self._mine(cohort, participant, "read")
        return self._store.history(cohort, participant, module, exercise)

    def latest_many(self, cohort: str, module: str, participants: list[str],
                    exercise_prefix: str) -> list[Answer]:
        """Answers under a prefix: this participant's, and those of the people the module's
        rules let them read (their partners' moves in the current live game)."""
        self._check(cohort)
        others = sorted(set(participants) - {self.participant})
        if others:
            peers = getattr(self._module_rules(module), "peers", None)
            allowed = peers(self._view(module), exercise_prefix) if peers else set()
            refused = [p for p in others if p not in allowed]
            if refused:
                raise AccessError(
                    f"participant '{self.participant}' cannot read the answers of "
                    f"{', '.join(repr(p) for p in refused)}: only the moves of your partners "
                    "in the current game are shown to you")
        return self._store.latest_many(cohort, module, participants, exercise_prefix)

    def exercise_state(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        """Whether an exercise is open and its results revealed (what the widget says)."""
        self._check(cohort)
        return self._store.exercise_state(cohort, module, exercise)

    def room_answers(self, cohort: str, module: str, exercise: str) -> Any:
        """The room's latest answers to an exercise, without names (numbers only for a
        personal module), once the facilitator revealed them; None while they are hidden.

        The rows come in a random order under labels 'someone-1', … drawn afresh on every
        call, so no label follows a person; fewer than `MIN_GROUP` answers give no rows."""
        self._check(cohort)
        if not self._store.exercise_state(cohort, module, exercise).revealed:
            return None
        frame = self._store.module_answers(cohort, module, exercise)
        frame = frame[frame["participant"] != FACILITATOR]
        shown = getattr(self._module_rules(module), "room_answers", None)
        if shown is not None:  # the module shows less of its room (only what was shared)
            frame = shown(self._view(module), exercise, frame)
        if frame["participant"].nunique() < MIN_GROUP:
            return frame.iloc[0:0].reset_index(drop=True)
        order = list(range(len(frame)))
        random.SystemRandom().shuffle(order)
        frame = frame.iloc[order].reset_index(drop=True)
        frame["participant"] = [f"someone-{i}" for i in range(1, len(frame) + 1)]
        # no trail back to a person: when, how often and in which run they answered
        frame["submitted_at"] = frame["submitted_at"].dt.floor("D")
        frame["version"] = 1
        frame["run"] = 1
        frame["source"] = "participant"
        if module in self.personal_modules:
            frame["payload"] = frame["payload"].map(numbers_only)
        return frame

    def names(self, cohort: str, ids: list[str] | None = None) -> dict[str, str]:
        """{id: display name} for `ids`, each of whom this participant already works with
        (`may_see`): anyone else is refused, and there is no list of everyone."""
        self._check(cohort)
        if ids is None:
            raise AccessError("name the people you want to see: only your own partners' and "
                              "group's names are shown to you")
        refused = sorted(set(ids) - self.may_see(cohort))
        if refused:
            raise AccessError(
                f"participant '{self.participant}' cannot read the name of "
                f"{', '.join(repr(p[:40]) for p in refused[:5])}: only the names of your "
                "partners and your group are shown to you")
        return self._store.names(cohort, list(ids))

    def may_see(self, cohort: str) -> set[str]:
        """Whose names this participant may read: themselves, the people they are paired or
        grouped with as built (published with the names), and whom each module's rules add
        (`sees`: their gift partners, their partner in a live game between partners)."""
        self._check(cohort)
        sees = published_names(self._store, cohort).get("sees", {}).get(self.participant, [])
        allowed = {self.participant, *sees}
        for module in self._types:
            more = getattr(self._module_rules(module), "sees", None)
            if more is not None:
                allowed |= more(self._view(module))
        return allowed

    # -- drafts: only ever the participant's own (no other role has a draft method) ----------
    def save_draft(self, cohort: str, participant: str, module: str, exercise: str,
                   payload: dict[str, Any] | None = None) -> None:
        self._mine(cohort, participant, "keep a draft of")
        self._store.save_draft(cohort, participant, module, exercise, payload)

    def draft(self, cohort: str, participant: str, module: str,
              exercise: str) -> dict[str, Any] | None:
        self._mine(cohort, participant, "read a draft of")
        return self._store.draft(cohort, participant, module, exercise)

    def module_answers(self, *args: Any, **kwargs: Any) -> Any:
        raise self._facilitator_only("see the answers of the room")

    def answers_since(self, *args: Any, **kwargs: Any) -> list[Answer]:
        raise self._facilitator_only("follow the answers of the room")

    def set_exercise_state(self, *args: Any, **kwargs: Any) -> ExerciseState:
        raise self._facilitator_only("lock, open, hide or reveal an exercise")

    def reset_exercise(self, *args: Any, **kwargs: Any) -> ExerciseState:
        raise self._facilitator_only("reset an exercise")

    def mark_module(self, *args: Any, **kwargs: Any) -> None:
        raise self._facilitator_only("record when a module starts or ends")

    def participants(self, *args: Any, **kwargs: Any) -> list[str]:
        raise self._facilitator_only("list the participants")

    def count(self, *args: Any, **kwargs: Any) -> int:
        raise self._facilitator_only("count the answers of the room")

    def answers(self, *args: Any, **kwargs: Any) -> list[Answer]:
        raise self._facilitator_only("export answers")

    def forget(self, *args: Any, **kwargs: Any) -> int:
        raise self._facilitator_only("remove a participant's answers")


class FacilitatorStore(_Guard):
    """The facilitator's access to a cohort: everything, except that personal exercises come
    as numbers without names unless the participant opted in."""

    who = FACILITATOR

    def __init__(self, store: Store, cohort: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset(),
                 content: Any = None):
        self.personal_modules = frozenset(personal_modules)
        self._content = content
        self._types = module_types(content) if content is not None else _default_types()
        # Pseudonyms of personal answers read incrementally: stable while this object lives,
        # not derivable from a participant id alone.
        self._salt = secrets.token_bytes(16)
        super().__init__(store, cohort, FACILITATOR, token)

    def _visible(self, answer: Answer) -> bool:
        return (answer.module not in self.personal_modules or answer.participant == FACILITATOR
                or shared(answer.payload))

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], **_ignored: Any) -> Answer:
        if participant != FACILITATOR:
            raise AccessError(f"the facilitator cannot write the answers of '{participant}'")
        self._check(cohort)
        return self._store.submit(cohort, participant, module, exercise, payload)

    def latest_answer(self, cohort: str, participant: str, module: str,
                      exercise: str) -> Answer | None:
        self._check(cohort)
        answer = self._store.latest_answer(cohort, participant, module, exercise)
        if answer is not None and not self._visible(answer):
            raise self._private(participant, module)
        return answer

    def history(self, cohort: str, participant: str, module: str,
                exercise: str) -> list[Answer]:
        self._check(cohort)
        versions = self._store.history(cohort, participant, module, exercise)
        if versions and not self._visible(versions[-1]):
            raise self._private(participant, module)
        return versions

    def latest(self, cohort: str, participant: str, module: str | None = None) -> list[Answer]:
        self._check(cohort)
        return [a for a in self._store.latest(cohort, participant, module) if self._visible(a)]

    def latest_many(self, cohort: str, module: str, participants: list[str],
                    exercise_prefix: str) -> list[Answer]:
        self._check(cohort)
        if module in self.personal_modules:
            raise self._private(", ".join(participants), module)
        return self._store.latest_many(cohort, module, participants, exercise_prefix)

    def module_answers(self, cohort: str, module: str, exercise: str | None = None) -> Any:
        """As `Store.module_answers`; for a personal module, each answer not shared by its
        participant keeps only its numbers and gets an anonymous name ('private-1', …)."""
        self._check(cohort)
        frame = self._store.module_answers(cohort, module, exercise)
        if module not in self.personal_modules or frame.empty:
            return frame
        frame = frame.copy()
        private = ~frame["payload"].map(shared)
        frame.loc[private, "payload"] = frame.loc[private, "payload"].map(numbers_only)
        people = sorted(set(frame.loc[private, "participant"]))
        random.SystemRandom().shuffle(people)  # labels follow no order of ids, call to call
        names = {p: f"private-{i}" for i, p in enumerate(people, start=1)}
        frame.loc[private, "participant"] = frame.loc[private, "participant"].map(names)
        return frame

    def participants(self, cohort: str, exclude: tuple[str, ...] = ()) -> list[str]:
        self._check(cohort)
        return self._store.participants(cohort, exclude)

    def answered(self, cohort: str, module: str, exercise: str | None = None) -> int:
        """How many people (not answers) have answered the module, or one exercise of it.
        Counted here, on real ids: the pseudonyms of `module_answers` ('private-1') would
        count a person twice who shared one answer of a personal module and not another."""
        self._check(cohort)
        frame = self._store.module_answers(cohort, module, exercise)
        return int(frame.loc[frame["participant"] != FACILITATOR, "participant"].nunique())

    def answers_since(self, cohort: str, module: str, after_id: int = 0,
                      limit: int | None = None) -> list[Answer]:
        """As `Store.answers_since`; for a personal module, every answer comes under its
        participant's pseudonym ('private-3fa2c1'), the same for all their answers while this
        object lives, and one they did not share keeps only its numbers. A shared answer
        under their name beside an unshared one under a pseudonym would count one person
        twice (the cockpit's "answered") and show which answer was whose."""
        self._check(cohort)
        answers = self._store.answers_since(cohort, module, after_id, limit)
        if module not in self.personal_modules:
            return answers
        return [a if a.participant == FACILITATOR else _replace(
                    a, participant=self._pseudonym(a.participant),
                    payload=a.payload if shared(a.payload) else numbers_only(a.payload))
                for a in answers]

    def _pseudonym(self, participant: str) -> str:
        digest = hashlib.blake2s(participant.encode(), key=self._salt).hexdigest()
        return f"private-{digest[:6]}"

    def registered(self, cohort: str) -> list[str]:
        self._check(cohort)
        return self._store.registered(cohort)

    def names(self, cohort: str, ids: list[str] | None = None) -> dict[str, str]:
        """{id: display name} of the cohort (of `ids` only, if given)."""
        self._check(cohort)
        return self._store.names(cohort, ids)

    def exercise_state(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        self._check(cohort)
        return self._store.exercise_state(cohort, module, exercise)

    def exercise_states(self, cohort: str, module: str | None = None
                        ) -> dict[tuple[str, str], ExerciseState]:
        self._check(cohort)
        return self._store.exercise_states(cohort, module)

    def set_exercise_state(self, cohort: str, module: str, exercise: str, *,
                           locked: bool | None = None, revealed: bool | None = None
                           ) -> ExerciseState:
        self._check(cohort)
        return self._store.set_exercise_state(cohort, module, exercise, locked=locked,
                                              revealed=revealed)

    def reset_exercise(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        self._check(cohort)
        return self._store.reset_exercise(cohort, module, exercise)

    def mark_module(self, cohort: str, module: str, *, started_at: datetime | None = None,
                    ended_at: datetime | None = None) -> None:
        self._check(cohort)
        self._store.mark_module(cohort, module, started_at=started_at, ended_at=ended_at)

    def module_times(self, cohort: str) -> dict[str, tuple[datetime | None, datetime | None]]:
        self._check(cohort)
        return self._store.module_times(cohort)

    def count(self, cohort: str | None = None) -> int:
        self._check(cohort or self.cohort)
        return self._store.count(self.cohort)

    def answers(self, cohort: str) -> tuple[list[Answer], int]:
        """Every version of every answer the facilitator may see, and how many were withheld.

        A version of a personal answer (the trust profile) is kept only if it was itself
        shared ("share with the facilitator" ticked when it was submitted), and even then it
        comes under a pseudonym ('private-…', new for every export), never next to a name."""
        self._check(cohort)
        everything = self._store.answers(cohort)
        salt = secrets.token_bytes(16)
        visible = []
        for a in everything:
            if a.module not in self.personal_modules or a.participant == FACILITATOR:
                visible.append(a)
            elif shared(a.payload):
                digest = hashlib.blake2s(a.participant.encode(), key=salt).hexdigest()
                visible.append(_replace(a, participant=f"private-{digest[:8]}"))
        return visible, len(everything) - len(visible)

    def rule(self, name: str, cohort: str, *args: Any, module: str | None = None,
             **kwargs: Any) -> Any:
        """The call `name` a module's rules add for the facilitator (`rule_calls`), for
        agenda module `module` (by default the first whose type offers it)."""
        return _run_rule(self, "facilitator", name, cohort, args, module, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in rule_calls("facilitator", self._types):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return partial(self.rule, name)

    def forget(self, cohort: str, participant: str) -> int:
        self._check(cohort)
        return self._store.forget(cohort, participant)

    def _private(self, who: str, module: str) -> AccessError:
        return AccessError(
            f"the answers of '{who}' to '{module}' are personal and not shared with the "
            "facilitator; the room's aggregates show them without names")


def _replace(answer: Answer, **changes: Any) -> Answer:
    return dataclasses.replace(answer, **changes)


def _run_rule(guard: Any, role: str, name: str, cohort: str, args: tuple,
              module: str | None, kwargs: dict[str, Any]) -> Any:
    """Run the call `name` of a module's rules for `guard`: the cohort and token checked,
    the module id one of the agenda's whose type offers the call."""
    guard._check(cohort)
    offering = [m for m, t in guard._types.items() if name in _calls_of(_rules(t), role)]
    if module is None:
        if not offering:
            raise ParameterError(f"no module of this workshop offers '{name[:40]}'")
        module = offering[0]
    elif module not in offering:
        raise ParameterError(f"module '{str(module)[:40]}' offers no '{name[:40]}'; "
                             f"modules that do: {', '.join(offering) or 'none'}")
    call = _calls_of(_rules(guard._types[module]), role)[name]
    content = guard._content.modules.get(module) if guard._content is not None else None
    view = RuleView(guard._store, guard.cohort, guard.who, module, content)
    return call.run(view, **bind(call, name, args, kwargs))

