"""Who may see what: participants and the facilitator reach the store through these guards.

`workshop-kit build` registers the SHA-256 of every participant's token and of the
facilitator's token in the store; the tokens travel in the notebooks' parameters, the secret
they derive from stays on the trainer's machine. Every read or write through a guard checks
the token against the store, so a notebook cannot reach past what its token allows:

- a participant (`ParticipantStore`) writes and reads only their own answers, plus the game the
  facilitator published and the moves of their own partners in it (a move is shown to the
  partner it was played against: that is the game);
- in the problem-definition drill, a participant who has submitted their own definition of a
  case may read the other definitions of that case: the text only, under an anonymous key, never
  the author, the questions they asked or anything else (`peer_definitions`);
- in the risky-gift module, a participant may read the gift plan of the people they are paired
  with in that module, and the feedback those partners wrote on their own plan
  (`from_gift_partner`); the pairs are the ones `workshop-kit build` published to the store,
  not whatever a notebook's parameters claim;
- names: a participant reads the display name (`names`, never the roster's full list) only of
  themselves and of the people they already work with: their partners and role-play group as
  built, and their partner in the current live game when it is played between partners (never
  a stranger's); the facilitator reads everyone's;
- in the drill, someone nobody else works a case with votes on the case `workshop-kit build`
  published for them (`vote_case`: the default case, or the one most others work), and may
  read that case's definitions once they submitted their own; everyone else, on their own;
- in the role-play, the seller of a round, and nobody else, reads what that round's observers
  noted and the buyer's reflection (`roleplay_feedback`), from the groups build published;
- the facilitator (`FacilitatorStore`) reads the cohort, but answers to a personal exercise
  (content `personal: true`, the trust profile) come without names and without free text unless
  the participant ticked "share with the facilitator" (`OPT_IN` in the answer);
- only the facilitator changes an exercise's state (lock, reveal, reset); a participant sees
  the room's answers to an exercise (`room_answers`: no names, and only numbers for a
  personal exercise) once the facilitator has revealed them. The lock itself is checked by
  the store, inside the write.

Both guards offer the same methods, with the same signatures, as `Store`, so widgets and
sessions take either. The kit's own work (simulation, tests) uses `Store` directly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import random
import secrets
from datetime import datetime
from typing import Any

from .analysis import MIN_GROUP
from .errors import AccessError, StoreError
from .store import FACILITATOR, Answer, ExerciseState, Store

GAME_EXERCISE = "game"
GAME_MODULE = "dilemma"
OPT_IN = "share_with_facilitator"
DRILL_MODULE = "drill"
GIFT_MODULE = "gift"
PAIRS_EXERCISE = "pairs"  # the facilitator's answer in the gift module: {"groups": [[ids]]}
DEFINITION_SUFFIX = "_definition"
VOTE_SUFFIX = "_vote"
FEEDBACK_MARK = "_feedback:"  # gift feedback: '<gift exercise>_feedback:<whose plan>'
VOTE_CASES_EXERCISE = "vote_cases"  # the facilitator's answer in the drill: {"cases": {id: case}}
ROLEPLAY_MODULE = "roleplay"
ROLEPLAY_GROUPS_EXERCISE = "groups"  # the facilitator's answer in the role-play: {"groups": […]}


DRILL_KEY = "drill-definitions"  # the name of the cohort key drill keys derive from


def definition_key(key: bytes, cohort: str, case: str, participant: str) -> str:
    """The anonymous key under which a definition is shown to peers and voted for: an HMAC
    with the cohort's drill key (`Store.cohort_key`), which never leaves the store's side."""
    return hmac.new(key, f"{cohort}:{case}:{participant}".encode(),
                    hashlib.sha256).hexdigest()[:12]


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
    """One participant's access: their own answers, the live game and their partners' moves."""

    def __init__(self, store: Store, cohort: str, participant: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset()):
        self.who = self.participant = participant
        self.personal_modules = frozenset(personal_modules)
        super().__init__(store, cohort, participant, token)

    def _mine(self, cohort: str, participant: str, action: str) -> None:
        if participant != self.participant:
            raise AccessError(
                f"participant '{self.participant}' cannot {action} the answers of "
                f"'{participant}': each participant reaches only their own")
        self._check(cohort)

    def _facilitator_only(self, action: str) -> AccessError:
        return AccessError(f"only the facilitator (with the facilitator's token) can {action}")

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], **_ignored: Any) -> Answer:
        self._mine(cohort, participant, "write")
        if module == DRILL_MODULE and exercise.endswith(VOTE_SUFFIX):
            self._check_vote(cohort, exercise, payload)
        if module == GIFT_MODULE and FEEDBACK_MARK in exercise:
            self._check_feedback(cohort, exercise)
        return self._store.submit(cohort, participant, module, exercise, payload)

    def _check_feedback(self, cohort: str, exercise: str) -> None:
        """Feedback goes only on the plan of someone this participant is paired with (as
        built): anyone else's plan is not shown to them, and their feedback would count in
        the facilitator's gallery as a partner's."""
        target = exercise.rsplit(":", 1)[1]
        if target not in self.gift_partners(cohort):
            raise AccessError(
                f"participant '{self.participant}' is not paired with '{target[:40]}' in the "
                "gift module; you can give feedback only on your own partner's plan")

    def _check_vote(self, cohort: str, exercise: str, payload: dict[str, Any]) -> None:
        """A vote goes to a definition that exists for the case this participant votes on
        (their own, or the one build published for someone alone on theirs), never their own
        (resubmitting replaces the vote: one per participant)."""
        case, key = payload.get("case"), payload.get("key")
        if not isinstance(case, str) or not isinstance(key, str):
            raise AccessError("a vote needs the case and the key of the definition you chose")
        definition = exercise[: -len(VOTE_SUFFIX)] + DEFINITION_SUFFIX
        entries = {e["key"]: e for e in self.peer_definitions(cohort, definition, case)}
        voting = self.vote_case(cohort)
        if voting is not None and case != voting:
            raise AccessError(f"you vote on the definitions of case '{voting}', not "
                              f"'{case[:40]}'; choose one from the list")
        if key not in entries:
            raise AccessError(f"there is no definition '{key[:40]}' of case '{case[:40]}' to "
                              "vote for; choose one from the list")
        if entries[key]["mine"]:
            raise AccessError("you cannot vote for your own definition; choose a colleague's")

    def latest_answer(self, cohort: str, participant: str, module: str,
                      exercise: str) -> Answer | None:
        if (participant, module, exercise) == (FACILITATOR, GAME_MODULE, GAME_EXERCISE):
            self._check(cohort)  # the game the facilitator published to the room
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
        """Moves of one live game: this participant's and those of their partners in it."""
        self._check(cohort)
        others = sorted(set(participants) - {self.participant})
        if others:
            allowed = self._partners(cohort, module, exercise_prefix)
            refused = [p for p in others if p not in allowed]
            if refused:
                raise AccessError(
                    f"participant '{self.participant}' cannot read the answers of "
                    f"{', '.join(repr(p) for p in refused)}: only the moves of your partners "
                    "in the current game are shown to you")
        return self._store.latest_many(cohort, module, participants, exercise_prefix)

    def _partners(self, cohort: str, module: str, prefix: str) -> set[str]:
        from .game.live import LiveGame

        if module != GAME_MODULE or not prefix.startswith("move:"):
            return set()
        answer = self._store.latest_answer(cohort, FACILITATOR, GAME_MODULE, GAME_EXERCISE)
        if answer is None:
            return set()
        game = LiveGame.from_payload(answer.payload)
        if prefix != f"move:{game.game_id}:":
            return set()
        return {game.partner(r, self.participant) for r in range(1, game.rounds + 1)} - {None}

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

    def peer_definitions(self, cohort: str, exercise: str, case: str) -> list[dict[str, Any]]:
        """The definitions the cohort wrote for one drill case, anonymised: [{key, definition,
        mine}], sorted by key. Only once this participant has submitted their own for it."""
        self._check(cohort)
        if not exercise.endswith(DEFINITION_SUFFIX):
            raise AccessError(f"'{exercise}' is not a drill definition; only definitions are "
                              "shown to peers")
        own = self._store.latest_answer(cohort, self.participant, DRILL_MODULE, exercise)
        if own is None or case not in (own.payload.get("case"), self.vote_case(cohort)):
            raise AccessError("submit your own definition of this case first; then you can "
                              "read your colleagues' definitions")
        frame = self._store.module_answers(cohort, DRILL_MODULE, exercise)
        key = self._store.cohort_key(cohort, DRILL_KEY)
        entries = []
        for participant, payload in zip(frame["participant"], frame["payload"], strict=True):
            text = payload.get("definition")
            if payload.get("case") != case or not isinstance(text, str) or not text.strip():
                continue
            entries.append({"key": definition_key(key, cohort, case, participant),
                            "definition": text, "mine": participant == self.participant})
        return sorted(entries, key=lambda e: e["key"])

    def vote_case(self, cohort: str) -> str | None:
        """The drill case this participant votes on, as build published it (None if it did
        not: then the case of their own definition)."""
        self._check(cohort)
        published = self._store.latest_answer(cohort, FACILITATOR, DRILL_MODULE,
                                               VOTE_CASES_EXERCISE)
        cases = published.payload.get("cases", {}) if published else {}
        case = cases.get(self.participant)
        return case if isinstance(case, str) else None

    def roleplay_feedback(self, cohort: str, round_no: int) -> dict[str, Any]:
        """For the seller of role-play round `round_no` only: what the round's observers
        noted (note, checklist, seller's share of talk) and the buyer's reflection, as the
        groups build published say who observed and who bought. {"observations": [...],
        "reflection": {...} or None}; observers come in no fixed order, without names."""
        self._check(cohort)
        published = self._store.latest_answer(cohort, FACILITATOR, ROLEPLAY_MODULE,
                                              ROLEPLAY_GROUPS_EXERCISE)
        groups = published.payload.get("groups", []) if published else []
        planned = next((r for g in groups if self.participant in g.get("members", [])
                        for r in g.get("rounds", []) if r.get("round") == round_no), None)
        if planned is None or planned.get("seller") != self.participant:
            raise AccessError(
                f"participant '{self.participant}' is not the seller of role-play round "
                f"{round_no}; only that round's seller reads its observers' notes and the "
                "buyer's reflection")
        observations = []
        for observer in planned.get("observers", []):
            answer = self._store.latest_answer(cohort, observer, ROLEPLAY_MODULE,
                                               f"{ROLEPLAY_MODULE}_observation_r{round_no}")
            if answer is not None:
                p = answer.payload
                observations.append({"note": p.get("note", ""),
                                     "checklist": p.get("checklist", {}),
                                     "seller_share": p.get("seller_share")})
        random.SystemRandom().shuffle(observations)
        buyer = planned.get("buyer")
        answer = self._store.latest_answer(cohort, buyer, ROLEPLAY_MODULE,
                                           f"{ROLEPLAY_MODULE}_reflection_r{round_no}") \
            if isinstance(buyer, str) else None
        reflection = None
        if answer is not None:
            reflection = {k: v for k, v in answer.payload.items()
                          if k not in ("round", "group", "script")}
        return {"observations": observations, "reflection": reflection}

    def gift_partners(self, cohort: str) -> list[str]:
        """The people this participant is paired with in the gift module, as built."""
        self._check(cohort)
        pairs = self._store.latest_answer(cohort, FACILITATOR, GIFT_MODULE, PAIRS_EXERCISE)
        groups = pairs.payload.get("groups", []) if pairs else []
        mine = next((g for g in groups if self.participant in g), [])
        return [p for p in mine if p != self.participant]

    def from_gift_partner(self, cohort: str, partner: str, exercise: str,
                          plan_exercise: str) -> Answer | None:
        """A gift partner's plan (`plan_exercise`), or the feedback they wrote on this
        participant's plan (an exercise ending in ':<this participant>'); nothing else."""
        allowed = (exercise == plan_exercise and plan_exercise.endswith("_plan")) or \
            exercise.endswith(f"_feedback:{self.participant}")
        if not allowed:
            raise AccessError(f"'{exercise}' is not something a gift partner shares with you")
        if partner not in self.gift_partners(cohort):
            raise AccessError(
                f"participant '{self.participant}' is not paired with '{partner}' in the gift "
                "module; you can read only your own partner's plan")
        return self._store.latest_answer(cohort, partner, GIFT_MODULE, exercise)

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
        grouped with as built (published with the names), and their partner in the current
        live game when it is played between partners."""
        from .game.live import LiveGame
        from .names import published

        sees = published(self._store, cohort).get("sees", {}).get(self.participant, [])
        allowed = {self.participant, *sees, *self.gift_partners(cohort)}
        answer = self._store.latest_answer(cohort, FACILITATOR, GAME_MODULE, GAME_EXERCISE)
        if answer is not None:
            game = LiveGame.from_payload(answer.payload)
            if game.condition == "partners":
                allowed |= {game.partner(r, self.participant)
                            for r in range(1, game.rounds + 1)} - {None}
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
                 personal_modules: frozenset[str] | set[str] = frozenset()):
        self.personal_modules = frozenset(personal_modules)
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

    def definition_keys(self, cohort: str) -> dict[str, str]:
        """{'<case>:<participant>': key} for the drill definitions stored: what the
        facilitator's view needs to count the votes each definition received."""
        self._check(cohort)
        key = self._store.cohort_key(cohort, DRILL_KEY)
        frame = self._store.module_answers(cohort, DRILL_MODULE)
        pairs = {(p["case"], who) for who, p in zip(frame["participant"], frame["payload"],
                                                   strict=True)
                 if isinstance(p, dict) and isinstance(p.get("case"), str)}
        return {f"{case}:{who}": definition_key(key, cohort, case, who) for case, who in pairs}

    def forget(self, cohort: str, participant: str) -> int:
        self._check(cohort)
        return self._store.forget(cohort, participant)

    def _private(self, who: str, module: str) -> AccessError:
        return AccessError(
            f"the answers of '{who}' to '{module}' are personal and not shared with the "
            "facilitator; the room's aggregates show them without names")


def _replace(answer: Answer, **changes: Any) -> Answer:
    return dataclasses.replace(answer, **changes)
