"""The gift's build: publish who reads whose plan (the module's pairs, or a trio).

The pairs are the day's pairings for this module; the store keeps them as the facilitator's
answer, so the service lets a participant read their partner's plan and no one else's.
"""

from __future__ import annotations

from workshop_kit.cohort import BuildInput, ModulePlan
from workshop_kit.store import FACILITATOR

from .answers import PAIRS_EXERCISE


def pairs(partners: dict[str, list[str]]) -> list[list[str]]:
    """The pairs (and any trio) of the module, from each participant's partners, in roster
    order; the facilitator (an odd cohort's partner) is left out."""
    groups: list[list[str]] = []
    seen: set[str] = set()
    for person, theirs in partners.items():
        if person in seen:
            continue
        group = sorted({person, *theirs} - {FACILITATOR})
        seen.update(group)
        groups.append(group)
    return groups


def plan(given: BuildInput) -> ModulePlan:
    return ModulePlan(records={PAIRS_EXERCISE: {"groups": pairs(given.partners)}})
