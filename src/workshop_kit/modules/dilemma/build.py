"""The dilemma's build-time check: its content may only name what the game engine knows.

(Checked at build and by `validate`, rather than by the content loader, which must not import
the engine.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workshop_kit.content import Content, read_yaml
from workshop_kit.errors import ContentError, ParameterError
from workshop_kit.game import CLASSICS, parse_payoffs


def check(module_id: str, content: Any, day: Content) -> None:
    """Payoff table, classic strategies and game lengths; ContentError names file and line."""
    located = read_yaml(Path(day.data_dir) / day.agenda.module(module_id).content)
    try:
        parse_payoffs(content.payoffs)
    except ParameterError as exc:
        raise ContentError(f"{located.path}:{located.line_of(('payoffs',))}: field 'payoffs': "
                           f"{exc}") from None
    for i, name in enumerate(content.classics):
        if name not in CLASSICS:
            raise ContentError(
                f"{located.path}:{located.line_of(('classics', i))}: field 'classics.{i}' "
                f"'{name}' is not a strategy; choose from: {', '.join(sorted(CLASSICS))}"
            )
    for i, length in enumerate(content.game_lengths):
        if not 1 <= length <= 1000:
            raise ContentError(
                f"{located.path}:{located.line_of(('game_lengths', i))}: field "
                f"'game_lengths.{i}' must be from 1 to 1000, got {length}"
            )
