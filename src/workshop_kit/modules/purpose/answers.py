"""The purpose sort's answer: a category for every statement."""


from typing import Any

from pydantic import create_model

from workshop_kit.answers import Shape, Spec, keyed, one_of


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    placements = keyed("Placements", {
        s.id: one_of(list(content.categories), "a category") for s in content.statements})
    sort = create_model("PurposeSort", __base__=Shape, placements=(placements, ...))
    return {content.exercise: Spec(sort)}
