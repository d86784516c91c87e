"""The purpose module's content: statements about selling, each closing or exploring."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from workshop_kit.content import Slug, Text, _check_unique, _Located, _Model


class Statement(_Model):
    id: Slug
    text: Text
    thinking: Literal["closing", "exploring"]
    why: Text


class Content(_Model):
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



def check(content: Content, located: _Located, path: str) -> None:
    """Statement ids are unique."""
    ids = [(("statements", i, "id"), s.id) for i, s in enumerate(content.statements)]
    _check_unique(located, ids, "statement")
