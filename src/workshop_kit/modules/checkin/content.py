"""The check-in's content: the four parts of trust to rate oneself on, and a client situation."""

from __future__ import annotations

from workshop_kit.content import RatingForm, _check_unique, _Located
from workshop_kit.errors import ContentError


class Content(RatingForm):
    """The check-in: a rating form (the shared model in workshop_kit.content, which the
    wrap-up re-asks) loaded from the module's YAML."""


def check(content: Content, located: _Located, path: str) -> None:
    """Trait and item ids are unique and the scale runs upwards."""
    ids = [(("traits", t, "id"), trait.id) for t, trait in enumerate(content.traits)]
    _check_unique(located, ids, "trait")
    items = [
        (("traits", t, "items", i, "id"), item.id)
        for t, trait in enumerate(content.traits)
        for i, item in enumerate(trait.items)
    ]
    _check_unique(located, items, "item")
    if content.scale.min >= content.scale.max:
        raise ContentError(
            f"{path}:{located.line_of(('scale', 'max'))}: field 'scale.max' must be above "
            "scale.min"
        )
