"""The drill's answers: the questions asked of a case (saved as they go), the problem
definition, the vote for a colleague's definition; and the case each participant votes on, as
`workshop-kit build` publishes it (`vote_cases`, the facilitator's)."""

from typing import Any

from pydantic import Field

from workshop_kit.answers import Bad, Id, Shape, Spec, choices, free_text, one_of, pattern, show

VOTE_CASES_EXERCISE = "vote_cases"  # the facilitator's record: {"cases": {participant: case}}
MAX_PEOPLE = 2_000  # participants in the vote cases record


def cases_of(module_id: str, day: Any) -> dict[str, Any]:
    """The cases drill `module_id` works: those its content part loaded beside its content
    (`day.extras[module_id].cases`), else the day's."""
    found = getattr(getattr(day, "extras", {}).get(module_id), "cases", None)
    return found if isinstance(found, dict) else day.cases


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    cases = cases_of(module_id, day)
    most = max((len(c.questions) for c in cases.values()), default=0)
    Case = one_of(sorted(cases), "a case id")

    class Questions(Shape):
        case: Case
        asked: list[Id] = Field(max_length=most)

    class Definition(Questions):
        definition: free_text(content.definition.min_chars, content.definition.max_chars)

    class Vote(Shape):
        case: Case
        key: pattern(r"[0-9a-f]{12}", "the 12-character key of a colleague's definition")

    class VoteCases(Shape):
        cases: dict[Id, Case] = Field(min_length=1, max_length=MAX_PEOPLE)

    def check(answer: Questions) -> None:
        case = cases[answer.case]
        known = {q.id: q for q in case.questions}
        seen: set[str] = set()
        for i, question in enumerate(answer.asked):
            if question not in known:
                raise Bad(("asked", i), f"is {show(question)}, must be a question of case "
                          f"'{case.id}': {choices(list(known))}")
            if question in seen:
                raise Bad(("asked", i), f"is '{question}' again; ask each question once")
            seen.add(question)
        minutes = sum(known[q].minutes for q in answer.asked)
        if minutes > case.budget_minutes:
            raise Bad(("asked",), f"takes {minutes} minutes, must fit the case's budget of "
                      f"{case.budget_minutes}")

    return {content.questions_exercise: Spec(Questions, check),
            content.definition_exercise: Spec(Definition, check),
            content.vote_exercise: Spec(Vote),
            VOTE_CASES_EXERCISE: Spec(VoteCases, facilitator=True)}
