"""Simulated wrap-ups: commitments dated within the window, and the morning's ratings slightly
moved (a day on trust tends to lower the self-rating of intimacy and other-orientation a little
for some, as people see the gap, and raise it for others)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import Field

from workshop_kit.access import OPT_IN
from workshop_kit.content import Participant
from workshop_kit.simulate import Material as _Material
from workshop_kit.simulate import SimInput

from .content import form_asked_again

AFTER_SHIFT = {"credibility": 0.0, "reliability": 0.0, "intimacy": 0.25,
               "other_orientation": 0.2}


class Material(_Material):
    """Commitments people tend to write at the end of the day."""

    commitments: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)


def _trust_content(given: SimInput) -> Any:
    """The statements rated again: the nearest rating form's before this wrap-up (the
    morning's), under the wrap-up's own exercise; None when the day has none."""
    form = form_asked_again(given.day, given.module_id)
    return given.content.trust_content(form) if form is not None else None


def _morning(given: SimInput, person: Participant, item_ids: set[str]) -> dict[str, int] | None:
    """The person's ratings of the same statements earlier in the day (from the store), if any."""
    for module in given.day.agenda.modules:
        if module.id == given.module_id:
            break
        for answer in given.store.latest(given.cohort_id, person.id, module.id):
            ratings = answer.payload.get("ratings")
            if isinstance(ratings, dict) and set(ratings) == item_ids:
                return ratings
    return None


def simulate(given: SimInput, person: Participant, rng: random.Random
             ) -> list[tuple[str, dict[str, Any], float]]:
    content = given.content
    trust = _trust_content(given)  # None: no rating form earlier in the day to ask again
    ratings = {}
    if trust is not None:
        items = trust.items()
        morning = _morning(given, person, {item.id for _, item in items})
        baseline = given.traits[person.id]["baseline"]
        scale = trust.scale
        for trait_id, item in items:
            before = morning[item.id] if morning is not None else baseline
            moved = before + rng.gauss(AFTER_SHIFT.get(trait_id, 0.0), 0.6)
            ratings[item.id] = max(scale.min, min(scale.max, round(moved)))
    commitments = given.material.commitments
    texts = rng.sample(commitments, k=min(len(commitments), rng.randint(1, 3))
                       ) if commitments else []
    first_day = date.fromisoformat(given.cohort_date) if given.cohort_date else date.today()
    days = content.commitments.within_days
    chosen = [{"text": t, "due": (first_day + timedelta(days=rng.randint(1, days))).isoformat()}
              for t in texts[:content.commitments.max]]
    share = rng.random() < 0.6
    answers = [(content.exercise, {"commitments": chosen, OPT_IN: share}, rng.uniform(5, 12))]
    if trust is not None:
        answers.append((trust.exercise, {"ratings": ratings, "situation": "", OPT_IN: share},
                        rng.uniform(14, 24)))
    return answers
