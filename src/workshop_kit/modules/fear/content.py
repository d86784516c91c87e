"""The content of a fear-of-selling module (``data/modules/fear.yaml``): the sources of
reluctance to rate, the scale, the rewrite prompts and the debrief questions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from workshop_kit.content import Slug, Text
from workshop_kit.errors import ContentError

MAX_TEXT_CHARS = 5_000  # the most a content file may let people type in one field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Model):
    min: int = Field(default=1, ge=0, le=10)
    max: int = Field(default=5, ge=1, le=10)
    low_label: Text
    high_label: Text


class Source(_Model):
    """One reason people hold back from selling, rated on the scale."""

    id: Slug
    label: Text  # short: the chart's axis and the tables
    text: Text  # the statement rated
    reframe: Text  # another way to see it, shown after rating


class TextField(_Model):
    label: Text
    prompt: Text
    min_chars: int = Field(ge=0, le=MAX_TEXT_CHARS)
    max_chars: int = Field(ge=1, le=MAX_TEXT_CHARS)


class Example(_Model):
    moment: Text
    rewrite: Text


class Rewrite(_Model):
    intro: Text
    moment: TextField
    rewrite: TextField
    share: Text  # the label of the opt-in to show the pair to the room, without a name
    example: Example | None = None


class Content(_Model):
    """The module's YAML. `personal` is always true: ratings and unshared rewrites are the
    participant's own, the room sees aggregates and what was shared."""

    exercise: Slug
    personal: Literal[True] = True
    intro: Text
    scale: Scale
    question: Text
    sources: list[Source] = Field(min_length=2, max_length=12)
    rewrite: Rewrite
    debrief: list[Text] = Field(min_length=1)

    @property
    def sources_exercise(self) -> str:
        """The store's exercise of the ratings: 'fear_sources'."""
        return f"{self.exercise}_sources"

    @property
    def rewrite_exercise(self) -> str:
        """The store's exercise of the dreaded moment and its rewrite: 'fear_rewrite'."""
        return f"{self.exercise}_rewrite"

    @property
    def exercises(self) -> tuple[str, str]:
        return (self.sources_exercise, self.rewrite_exercise)

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


def check(content: Content, located: Any, path: Any) -> None:
    """What the model alone cannot say: source ids once each, a scale that goes up, text
    limits in order. One ContentError line per problem, naming file, line and field."""
    problems = []
    seen: set[str] = set()
    for i, source in enumerate(content.sources):
        if source.id in seen:
            problems.append(f"{path}:{located.line_of(('sources', i, 'id'))}: field "
                            f"'sources.{i}.id' repeats the source '{source.id}'; give each "
                            "source its own id")
        seen.add(source.id)
    if content.scale.min >= content.scale.max:
        problems.append(f"{path}:{located.line_of(('scale', 'max'))}: field 'scale.max' is "
                        f"{content.scale.max}, must be above scale.min ({content.scale.min})")
    for name in ("moment", "rewrite"):
        field = getattr(content.rewrite, name)
        if field.min_chars > field.max_chars:
            problems.append(f"{path}:{located.line_of(('rewrite', name, 'min_chars'))}: field "
                            f"'rewrite.{name}.min_chars' is {field.min_chars}, must be at most "
                            f"rewrite.{name}.max_chars ({field.max_chars})")
    if problems:
        raise ContentError("\n".join(problems))
