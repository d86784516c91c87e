"""The drill's rules in the service: anonymous peer definitions, the case each participant
votes on, and votes (one per participant, never for their own definition, only for one that
exists).

- a participant who has submitted their own definition of a case may read the other
  definitions of that case: the text only, under an anonymous key, never the author, the
  questions they asked or anything else (`peer_definitions`);
- someone nobody else works a case with votes on the case `workshop-kit build` published for
  them (`vote_case`: the default case, or the one most others work), and may read that case's
  definitions once they submitted their own; everyone else, on their own;
- the keys are an HMAC with a key of the cohort and of this module id (`key_name`), made and
  kept on the store's side: nobody can compute them from ids, and two drills of one day give
  the same author different keys;
- the facilitator reads which key is whose (`definition_keys`) to count the votes.
"""

import hashlib
import hmac
from typing import Any

from workshop_kit.access import Call, RuleView
from workshop_kit.errors import AccessError

from .answers import VOTE_CASES_EXERCISE

DEFINITION_SUFFIX = "_definition"
VOTE_SUFFIX = "_vote"


def key_name(module_id: str) -> str:
    """The name of the cohort key the definition keys of drill `module_id` derive from."""
    return f"{module_id}-definitions"


DRILL_KEY = key_name(__name__.split(".")[-2])  # a drill whose module id is its type


def definition_key(key: bytes, cohort: str, case: str, participant: str) -> str:
    """The anonymous key under which a definition is shown to peers and voted for: an HMAC
    with the cohort's key of this drill (`Store.cohort_key(cohort, key_name(module_id))`),
    which never leaves the store's side."""
    return hmac.new(key, f"{cohort}:{case}:{participant}".encode(),
                    hashlib.sha256).hexdigest()[:12]


def vote_case(view: RuleView) -> str | None:
    """The drill case this participant votes on, as build published it (None if it did
    not: then the case of their own definition)."""
    published = view.record(VOTE_CASES_EXERCISE)
    cases = published.get("cases", {}) if published else {}
    case = cases.get(view.who)
    return case if isinstance(case, str) else None


def peer_definitions(view: RuleView, exercise: str, case: str) -> list[dict[str, Any]]:
    """The definitions the cohort wrote for one case, anonymised: [{key, definition, mine}],
    sorted by key. Only once this participant has submitted their own for it."""
    if not exercise.endswith(DEFINITION_SUFFIX):
        raise AccessError(f"'{exercise[:40]}' is not a drill definition; only definitions are "
                          "shown to peers")
    store, cohort = view.store, view.cohort
    own = store.latest_answer(cohort, view.who, view.module, exercise)
    if own is None or case not in (own.payload.get("case"), vote_case(view)):
        raise AccessError("submit your own definition of this case first; then you can "
                          "read your colleagues' definitions")
    frame = store.module_answers(cohort, view.module, exercise)
    key = store.cohort_key(cohort, key_name(view.module))
    entries = []
    for participant, payload in zip(frame["participant"], frame["payload"], strict=True):
        text = payload.get("definition")
        if payload.get("case") != case or not isinstance(text, str) or not text.strip():
            continue
        entries.append({"key": definition_key(key, cohort, case, participant),
                        "definition": text, "mine": participant == view.who})
    return sorted(entries, key=lambda e: e["key"])


def check_submit(view: RuleView, exercise: str, payload: dict[str, Any]) -> None:
    """A vote goes to a definition that exists for the case this participant votes on
    (their own, or the one build published for someone alone on theirs), never their own
    (resubmitting replaces the vote: one per participant). Other answers: no rule here."""
    if not exercise.endswith(VOTE_SUFFIX):
        return
    case, key = payload.get("case"), payload.get("key")
    if not isinstance(case, str) or not isinstance(key, str):
        raise AccessError("a vote needs the case and the key of the definition you chose")
    definition = exercise[: -len(VOTE_SUFFIX)] + DEFINITION_SUFFIX
    entries = {e["key"]: e for e in peer_definitions(view, definition, case)}
    voting = vote_case(view)
    if voting is not None and case != voting:
        raise AccessError(f"you vote on the definitions of case '{voting}', not "
                          f"'{case[:40]}'; choose one from the list")
    if key not in entries:
        raise AccessError(f"there is no definition '{key[:40]}' of case '{case[:40]}' to "
                          "vote for; choose one from the list")
    if entries[key]["mine"]:
        raise AccessError("you cannot vote for your own definition; choose a colleague's")


def definition_keys(view: RuleView) -> dict[str, str]:
    """(The facilitator's) {'<case>:<participant>': key} for the definitions stored: what
    the facilitator's view needs to count the votes each definition received."""
    store, cohort = view.store, view.cohort
    key = store.cohort_key(cohort, key_name(view.module))
    frame = store.module_answers(cohort, view.module)
    pairs = {(p["case"], who) for who, p in zip(frame["participant"], frame["payload"],
                                               strict=True)
             if isinstance(p, dict) and isinstance(p.get("case"), str)}
    return {f"{case}:{who}": definition_key(key, cohort, case, who) for case, who in pairs}


PARTICIPANT_CALLS = {
    "peer_definitions": Call(peer_definitions, {"exercise": (str, True), "case": (str, True)}),
    "vote_case": Call(vote_case),
}
FACILITATOR_CALLS = {"definition_keys": Call(definition_keys)}

