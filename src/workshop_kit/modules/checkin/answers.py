"""The check-in's answer: the trust profile (a rating per statement, a live client situation,
and whether the facilitator may see it)."""


from typing import Any

from workshop_kit.answers import Spec, rating_profile


def answers(module_id: str, content: Any, day: Any) -> dict[str, Spec]:
    items = [item.id for _trait, item in content.items()]
    return {content.exercise: rating_profile("TrustProfile", content.scale, items,
                                             content.situation)}
