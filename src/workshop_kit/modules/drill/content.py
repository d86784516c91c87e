"""The drill's content: the module file (data/modules/drill.yaml) and its cases
(data/cases/*.yaml), whose cross-references `check_case` checks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import Field, field_validator

from workshop_kit.content import (
    PRACTICE_AREAS,
    Slug,
    Text,
    TextPrompt,
    _load_checked,
    _load_folder,
    _Located,
    _Model,
    read_yaml,
)
from workshop_kit.content import Content as DayContent
from workshop_kit.errors import ContentError

CASES_DIR = "cases"


class Content(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    default_case: Slug
    definition: TextPrompt
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
    reveals: list[Slug] = Field(default_factory=list)


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


def check_default_case(path: str | Path, content: Content, cases: dict[str, Case]) -> None:
    if content.default_case not in cases:
        located = read_yaml(path)
        raise ContentError(
            f"{path}:{located.line_of(('default_case',))}: field 'default_case' names the case "
            f"'{content.default_case}', which is not in {CASES_DIR}/; use one of: "
            f"{', '.join(sorted(cases))}")


class Cases(_Model):
    """What the drill loads beside its YAML: every case in cases/ and the default one."""

    cases: dict[str, Case]
    default_case: Slug

    def case_for(self, practice_area: str) -> Case:
        """The case of a practice area (the first by id), else the default case."""
        for case_id in sorted(self.cases):
            if self.cases[case_id].practice_area == practice_area:
                return self.cases[case_id]
        return self.cases[self.default_case]


def load_extra(data_dir: str | Path, content: Content, path: str | Path) -> Cases:
    """Every case in the data folder's cases/; the module's default case must be one of them."""
    cases = load_cases(Path(data_dir) / CASES_DIR)
    check_default_case(path, content, cases)
    return Cases(cases=cases, default_case=content.default_case)


def drill_vote_cases(day: DayContent, areas: dict[str, str], module_id: str | None = None
                     ) -> tuple[dict[str, str], list[str]]:
    """The case each participant votes on in the drill `module_id` (the agenda's first drill
    when None), and a note per practice area of one person.

    Everybody votes on the case they worked (their practice area's, else the default case),
    unless nobody else works it: then there is no colleague's definition to vote for, so they
    vote on the default case, or, if they are the one working the default case, on the case
    most others work (then the first by id)."""
    if module_id is None:
        drills = [m.id for m in day.agenda.modules if isinstance(day.modules.get(m.id), Content)]
        if not drills:
            return {}, []
        module_id = drills[0]
    extra: Cases = day.extras[module_id]
    worked = {p: extra.case_for(area).id for p, area in areas.items()}
    people: dict[str, int] = {}
    for case in worked.values():
        people[case] = people.get(case, 0) + 1
    default = extra.default_case
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
        case = extra.cases[votes[person]]
        if votes[person] == worked[person]:
            notes.append(f"{module_id}: practice area '{area}' has 1 person; they work and vote "
                         f"on case '{case.title}' with others")
        else:
            notes.append(f"{module_id}: practice area '{area}' has 1 person, alone on case "
                         f"'{extra.cases[worked[person]].title}'; they vote on the "
                         f"definitions of case '{case.title}' instead")
    return votes, notes
