"""The dilemma's content: the moves, the conditions, the tournament and the debrief."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content import Slug, Text, _Located, _Model
from workshop_kit.errors import ContentError


class MoveLabel(_Model):
    label: Text
    detail: Text


class TournamentSettings(_Model):
    turns: int = Field(ge=1, le=1000)
    repetitions: int = Field(ge=1, le=200)
    noise: float = Field(ge=0, le=0.5)
    seed: int = Field(ge=0)


class TradeOff(_Model):
    share: Text
    hold_back: Text


class Content(_Model):
    exercise: Slug
    personal: bool
    intro: Text
    payoffs: Text
    moves: dict[Literal["C", "D"], MoveLabel]
    conditions: dict[Literal["one_shot", "partners", "strangers"], Text]
    default_continue_probability: float = Field(ge=0, le=0.99)
    max_rounds: int = Field(ge=1, le=100)
    classics: list[Slug] = Field(min_length=1)
    tournament: TournamentSettings
    game_lengths: list[int] = Field(min_length=1)
    trade_offs: list[TradeOff] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)



def check(content: Content, located: _Located, path: str) -> None:
    """Both moves have a label."""
    if set(content.moves) != {"C", "D"}:
        raise ContentError(f"{path}:{located.line_of(('moves',))}: field 'moves' needs both "
                           "C and D")
