"""The small test cohort 'c' several test files share: its people, their tokens, and the guarded
stores a participant's or the facilitator's notebook holds. The `room` fixture (conftest.py)
registers these tokens in the store under test.

Imported by test files as `from helpers import ...` (tests/ is on sys.path: pytest's default
`prepend` import mode puts a conftest's folder there)."""

from __future__ import annotations

from workshop_kit.access import FacilitatorStore, ParticipantStore
from workshop_kit.store import Store

COHORT = "c"
PEOPLE = ["p1", "p2", "p3", "p4"]
TOKENS = {**{p: f"tok-{p}" for p in PEOPLE}, "facilitator": "tok-f"}


def me(store: Store, who: str = "p1", personal: set[str] | frozenset[str] = frozenset()
       ) -> ParticipantStore:
    """What `who`'s notebook holds: their guarded access to cohort 'c' (personal: the modules
    whose answers stay private)."""
    return ParticipantStore(store, COHORT, who, TOKENS[who], personal)


def facilitator(store: Store, personal: set[str] | frozenset[str] = frozenset()
                ) -> FacilitatorStore:
    """What the facilitator's notebook holds for cohort 'c'."""
    return FacilitatorStore(store, COHORT, TOKENS["facilitator"], personal)
