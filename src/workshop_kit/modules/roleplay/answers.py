"""The role-play's answers: per round, the seller's path through the script, an observer's
sheet and the buyer's reflection (`<exercise>_path_r<n>`, `_observation_r<n>`,
`_reflection_r<n>`); and the groups `workshop-kit build` publishes (the facilitator's)."""

import math
import re
from typing import Any

from pydantic import Field, create_model

from workshop_kit.answers import (
    MAX_GROUPS,
    Bad,
    Bool,
    Id,
    PracticeArea,
    Refused,
    Shape,
    Spec,
    choices,
    exactly,
    fail,
    free_text,
    keyed,
    number,
    one_of,
    pattern,
    per_content,
    show,
    typed,
)

from .content import OUTCOMES

GROUPS_EXERCISE = "groups"  # the facilitator's record: who sells, buys, observes each round
NOTE_CHARS = 1_000  # the observer's note for the seller, a reflection's field
OWN_WORDS_CHARS = 500  # the seller's own words at one step of a script
# The observer's talk-time tracker: a press every 2 seconds for a 15-minute round is 450.
MAX_SEGMENTS = 500
MAX_SECONDS = 86_400.0
SPEAKERS = ("seller", "buyer", "silence")
KINDS = ("path", "observation", "reflection")

Group = pattern(r"(g[1-9]\d{0,2})?", "a role-play group like 'g1' (or empty)")


def scripts_of(module_id: str, day: Any) -> dict[str, Any]:
    """The scripts role-play `module_id` plays: those its content part loaded beside its
    content (`day.extras[module_id].scripts`), else the day's."""
    found = getattr(getattr(day, "extras", {}).get(module_id), "scripts", None)
    return found if isinstance(found, dict) else day.scripts


def _check_segment(value: Any) -> list:
    if (not isinstance(value, list) or len(value) != 3 or value[0] not in SPEAKERS
            or not all(isinstance(t, int | float) and not isinstance(t, bool)
                       and math.isfinite(t) for t in value[1:])):
        fail(f"is {show(value)}, must be [speaker, start, end] with speaker one of "
             f"{', '.join(SPEAKERS)} and times in seconds")
    if not 0 <= value[1] <= value[2] <= MAX_SECONDS:
        fail(f"is {show(value)}: times must satisfy 0 <= start <= end <= {MAX_SECONDS:g}")
    return value


def _script_path(content: Any, scripts: dict[str, Any], round_no: int, steps_max: int) -> Spec:
    names = content.round_spec(round_no).scripts

    class Step(Shape):
        node: Id
        choice: Id
        to: Id
        own_words: free_text(1, OWN_WORDS_CHARS, stripped=True) = None

    class ScriptPath(Shape):
        round: exactly(round_no, "the round in the exercise name")
        group: Group
        script: one_of(names, f"a script of round {round_no}")
        practice_area: PracticeArea
        steps: list[Step] = Field(min_length=1, max_length=steps_max)
        ending: Id
        outcome: one_of(OUTCOMES, "an outcome")

    def check(path: ScriptPath) -> None:
        script = scripts[path.script]
        at = script.start
        for i, step in enumerate(path.steps):
            if step.node != at:
                raise Bad(("steps", i, "node"), f"is {show(step.node)}, must be '{at}' "
                          "(where the path stands)")
            node = script.node(at)
            choice = next((c for c in node.choices if c.id == step.choice), None)
            if choice is None:
                raise Bad(("steps", i, "choice"), f"is {show(step.choice)}, must be a choice "
                          f"at node '{at}': {choices([c.id for c in node.choices]) or 'none'}")
            if step.to != choice.to:
                raise Bad(("steps", i, "to"), f"is {show(step.to)}, must be '{choice.to}' "
                          f"(where choice '{choice.id}' leads)")
            at = choice.to
        if path.ending != at:
            raise Bad(("ending",), f"is {show(path.ending)}, must be '{at}' (where the steps "
                      "end)")
        end = script.node(at)
        if end.ending is None:
            raise Bad(("ending",), f"is '{at}', which is not an ending of script "
                      f"'{script.id}'; play the script to an ending")
        if path.outcome != end.ending.outcome:
            raise Bad(("outcome",), f"is {show(path.outcome)}, must be "
                      f"'{end.ending.outcome}' (the outcome of ending '{at}')")

    return Spec(ScriptPath, check)


def _observation(content: Any, round_no: int) -> Spec:
    Checklist = keyed(f"Checklist{round_no}", {item.id: Bool for item in content.checklist})

    class Seconds(Shape):
        seller: number(0, MAX_SECONDS)
        buyer: number(0, MAX_SECONDS)
        silence: number(0, MAX_SECONDS)

    class Observation(Shape):
        round: exactly(round_no, "the round in the exercise name")
        group: Group
        script: one_of(content.round_spec(round_no).scripts, f"a script of round {round_no}")
        segments: list[typed(_check_segment)] = Field(max_length=MAX_SEGMENTS)
        seconds: Seconds
        seller_share: number(0, 1)
        checklist: Checklist
        note: free_text(0, NOTE_CHARS)

    return Spec(Observation)


def _reflection(content: Any, round_no: int) -> Spec:
    """The buyer's reflection on a round: one text per content field, for the seller."""
    fields = {f.id: (free_text(f.min_chars, NOTE_CHARS, stripped=True), Field(alias=f.id))
              for f in content.buyer_reflection.fields}
    model = create_model(
        f"BuyerReflection{round_no}", __base__=Shape,
        round=(exactly(round_no, "the round in the exercise name"), ...),
        group=(Group, ...),
        script=(one_of(content.round_spec(round_no).scripts, f"a script of round {round_no}"),
                ...),
        **{f"f_{i}": spec for i, spec in enumerate(fields.values())})
    return Spec(model)


def _groups(content: Any) -> Spec:
    """The role-play groups `workshop-kit build` publishes (the facilitator's answer): who
    sells, buys and observes in each round, so the service can tell a seller from the rest."""
    rounds_max = len(content.rounds) + 1

    class Round(Shape):
        round: number(1, rounds_max)
        script: Id
        seller: Id
        buyer: Id
        observers: list[Id] = Field(max_length=3)

    class Planned(Shape):
        id: Group
        members: list[Id] = Field(min_length=1, max_length=4)
        rounds: list[Round] = Field(max_length=rounds_max)

    class Groups(Shape):
        groups: list[Planned] = Field(min_length=1, max_length=MAX_GROUPS)

    return Spec(Groups, facilitator=True)


def rounds(content: Any) -> int:
    """How many rounds a group may play: the content's, and a fourth for a group of four."""
    return len(content.rounds) + 1


@per_content
def _per_round(module_id: str, content: Any, day: Any) -> dict[str, dict[int, Spec]]:
    scripts = scripts_of(module_id, day)
    steps_max = max((len(s.nodes) for s in scripts.values()), default=1)
    return {
        "path": {n: _script_path(content, scripts, n, steps_max)
                 for n in range(1, rounds(content) + 1)},
        "observation": {n: _observation(content, n) for n in range(1, rounds(content) + 1)},
        "reflection": {n: _reflection(content, n) for n in range(1, rounds(content) + 1)},
    }


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    return {GROUPS_EXERCISE: _groups(content)}


def answer_for(module_id: str, exercise: str, content: Any, day: Any,
               participant: str) -> Spec | None:
    match = re.fullmatch(rf"{re.escape(content.exercise)}_({'|'.join(KINDS)})_r(\d{{1,3}})",
                         exercise)
    if match is None:
        return None
    n = int(match.group(2))
    if not 1 <= n <= rounds(content):
        raise Refused(f"there is no round {n}; rounds are 1 to {rounds(content)}")
    return _per_round(module_id, content, day)[match.group(1)][n]


def patterns(module_id: str, content: Any, day: Any) -> list[str]:
    last, ex = rounds(content), content.exercise
    return [f"{ex}_{kind}_r1 to _r{last}" for kind in KINDS]

