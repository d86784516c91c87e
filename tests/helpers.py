"""What several test files share: the small test cohort 'c' (its people, their tokens, the
guarded stores a participant's or the facilitator's notebook holds; the `room` fixture in
conftest.py registers these tokens in the store under test), and `copy_built` (a built cohort
copied instead of built again).

Imported by test files as `from helpers import ...` (tests/ is on sys.path: pytest's default
`prepend` import mode puts a conftest's folder there)."""

from __future__ import annotations

import shutil
from pathlib import Path

from workshop_kit.access import FacilitatorStore, ParticipantStore
from workshop_kit.cohort import MANIFEST, BuiltCohort
from workshop_kit.store import Store

COHORT = "c"
PEOPLE = ["p1", "p2", "p3", "p4"]
TOKENS = {**{p: f"tok-{p}" for p in PEOPLE}, "facilitator": "tok-f"}


def copy_built(source: Path, dest: Path) -> BuiltCohort:
    """A copy of a built cohort folder at `dest`, as `build` would have written it there: the
    same notebooks, secret and tokens, its own SQLite store (a copy of the source's answers);
    only cohort.json's paths (its store and content) are moved to the copy. (`build` writes
    no other path of the machine: test_service checks that.)"""
    shutil.copytree(source, dest)
    manifest = dest / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    assert str(dest) not in text
    manifest.write_text(text.replace(str(source), str(dest)), encoding="utf-8")
    built = BuiltCohort.open(dest)
    assert built.manifest["store_url"] == f"sqlite:///{dest / 'responses.sqlite'}"
    return built


def me(store: Store, who: str = "p1", personal: set[str] | frozenset[str] = frozenset()
       ) -> ParticipantStore:
    """What `who`'s notebook holds: their guarded access to cohort 'c' (personal: the modules
    whose answers stay private)."""
    return ParticipantStore(store, COHORT, who, TOKENS[who], personal)


def facilitator(store: Store, personal: set[str] | frozenset[str] = frozenset()
                ) -> FacilitatorStore:
    """What the facilitator's notebook holds for cohort 'c'."""
    return FacilitatorStore(store, COHORT, TOKENS["facilitator"], personal)
