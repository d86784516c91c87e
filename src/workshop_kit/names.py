"""How people are shown on screens: a short display name from the roster, never a roster id.

The rule, computed once for the whole cohort from the roster's full names (`display_names`):

1. the first name ("Zoë"), when nobody else in the cohort has the same first name;
2. else the first name and the initial of the last name ("Priya S."), for everyone who shares
   that first name;
3. else, where two of them also share that initial, the full name ("Priya Shah", "Priya
   Singh");
4. else (the same full name twice, or one-word names alike) the full name and a number in
   roster order ("Sam (1)", "Sam (2)").

Names are compared the way people hear them: case, accents and spacing do not count ("Zoe" and
"Zoë" are the same first name). Spaces at either end and inside are tidied; a hyphen or an
apostrophe stays part of the word ("O'Brien-Łukasz" has the initial "O."). A one-word name has
no last name: among namesakes it is shown as it is, and the others get their initial. A blank
name falls back to the roster id (the roster check refuses blank names, so only a store
written by hand has one). A store that no `build` wrote (the kit's own tests, a store filled by
hand) has no names at all: a participant's screen then says "your partner", the facilitator's
shows the id.

The names travel through the response service (`access`): the facilitator gets everyone's, a
participant only those of the people they already work with (`ParticipantStore.names`).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import WorkshopKitError

NAMES_MODULE = "roster"  # where `workshop-kit build` publishes the names (facilitator's answer)
NAMES_EXERCISE = "names"  # payload: {"names": {id: display name}, "sees": {id: [ids]}}
FACILITATOR = "facilitator"
FACILITATOR_SHOWN = "the facilitator"
BOT_SHOWN = "the kit"


def tidy(name: str) -> str:
    """The name with Unicode composed (NFC) and whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def _key(text: str) -> str:
    """What two names are compared by: no case, no accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _initial(word: str) -> str:
    """The first letter of a word (with any accent it carries), skipping leading marks."""
    for i, char in enumerate(word):
        if char.isalpha():
            end = i + 1
            while end < len(word) and unicodedata.combining(word[end]):
                end += 1
            return word[i:end].upper()
    return word[:1]


def display_names(people: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{id: display name} for (id, full name) pairs, by the rule in this module's docstring."""
    people = [(pid, tidy(name) or pid) for pid, name in people]
    words = {pid: name.split(" ") for pid, name in people}
    shown = {pid: w[0] for pid, w in words.items()}

    def clashes(level: dict[str, str], among: list[str]) -> list[list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for pid in among:
            groups[_key(level[pid])].append(pid)
        return [g for g in groups.values() if len(g) > 1]

    order = [pid for pid, _ in people]
    for group in clashes(shown, order):
        for pid in group:
            w = words[pid]
            shown[pid] = f"{w[0]} {_initial(w[-1])}." if len(w) > 1 else w[0]
        for same in clashes(shown, group):
            for pid in same:
                shown[pid] = " ".join(words[pid])
            for twins in clashes(shown, same):
                for n, pid in enumerate(twins, start=1):
                    shown[pid] = f"{shown[pid]} ({n})"
    return shown


def shown(names: Mapping[str, str], who: str, unknown: str = "") -> str:
    """How one person appears on a screen: their display name; the facilitator and the kit's
    bot by role; someone with no published name as `unknown` (never their id)."""
    if who == FACILITATOR:
        return FACILITATOR_SHOWN
    if who == "bot":
        return BOT_SHOWN
    return names.get(who) or unknown or "a participant"


def listed(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(names)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def lookup(store: Any, cohort: str, ids: Iterable[str]) -> dict[str, str]:
    """{id: display name} of `ids`, read through `store` (a guard, a service client or a
    plain store); {} where they cannot be read (a store no build wrote, someone the reader may
    not see, the service out of reach): the screen then says "your partner" instead."""
    wanted = sorted({p for p in ids if p and p not in (FACILITATOR, "bot")})
    if not wanted:
        return {}
    try:
        return dict(store.names(cohort, wanted))
    except WorkshopKitError:
        return {}


def published(store: Any, cohort: str) -> dict[str, Any]:
    """The names payload `workshop-kit build` published in a plain store ({} if none)."""
    answer = store.latest_answer(cohort, FACILITATOR, NAMES_MODULE, NAMES_EXERCISE)
    return answer.payload if answer is not None else {}


def publish(store: Any, cohort: str, names: Mapping[str, str],
            sees: Mapping[str, Iterable[str]], source: str = "build") -> bool:
    """Record the cohort's display names, and whose names each participant may read (the
    people they are paired or grouped with, as built), in a plain store. Writes only when
    something changed; True if it wrote."""
    payload = {"names": dict(sorted(names.items())),
               "sees": {p: sorted(set(s) - {p}) for p, s in sorted(sees.items())}}
    if published(store, cohort) == payload:
        return False
    store.submit(cohort, FACILITATOR, NAMES_MODULE, NAMES_EXERCISE, payload, source=source)
    return True
