"""The fear-of-selling module's answers: the ratings of each source of reluctance, and the
dreaded moment with its rewrite (and whether to share the pair with the room)."""

from __future__ import annotations

from typing import Any

from pydantic import create_model

from workshop_kit.answers import OPT_IN, Bool, Shape, Spec, free_text, integer, keyed


def ratings_model(module_id: str, content: Any) -> type[Shape]:
    """{"ratings": {source id: a whole number on the scale}}, every source rated."""
    scale = content.scale
    ratings = keyed("FearRatings", {s.id: integer(scale.min, scale.max)
                                    for s in content.sources})
    return create_model("FearSources", __base__=Shape, ratings=(ratings, ...))


def rewrite_model(module_id: str, content: Any) -> type[Shape]:
    """{"moment": text, "rewrite": text, "share_with_facilitator": true/false (optional)}:
    sharing shows the pair to the room, without a name."""
    moment, rewrite = content.rewrite.moment, content.rewrite.rewrite
    return create_model(
        "FearRewrite", __base__=Shape,
        moment=(free_text(moment.min_chars, moment.max_chars, stripped=True), ...),
        rewrite=(free_text(rewrite.min_chars, rewrite.max_chars, stripped=True), ...),
        **{OPT_IN: (Bool, None)})


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    return {content.sources_exercise: Spec(ratings_model(module_id, content)),
            content.rewrite_exercise: Spec(rewrite_model(module_id, content))}
