"""The curious participant: everything p01 can try from their own notebook's kernel, against a
real `workshop-kit serve` process. Each probe must be refused with a sensible one-line message,
and the store must be exactly as it was before (every row of every table)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from workshop_kit.service import MAX_BODY_BYTES

COHORT = "demo"
OWN_CASE = "retail_pricing"  # the case of p01's practice area (consulting)
SAME_CASE = ["p06", "p11"]  # the other consultants: their definitions are of the same case

RAW_HELPERS = r'''
import requests as _rq

def _raw(role, method, body=None, token=token, data=None, get=False, params=None):
    """One request to the service as a hand-written client would send it."""
    headers = {"Authorization": f"token {token}"} if token else {}
    address = f"{me.store.url}/api/v1/{role}" + (f"/{method}" if method else "")
    try:
        if get:
            r = _rq.get(address, params=params, headers=headers, timeout=60)
        elif data is not None:
            r = _rq.post(address, data=data, headers={**headers,
                         "Content-Type": "application/json"}, timeout=60)
        else:
            r = _rq.post(address, json=body, headers=headers, timeout=60)
    except _rq.RequestException as exc:
        return {"refused": True, "status": 0, "type": type(exc).__name__,
                "message": str(exc)}
    try:
        answer = r.json()
    except ValueError:
        return {"refused": r.status_code >= 400, "status": r.status_code, "type": "",
                "message": r.text[:300]}
    error = answer.get("error") or {}
    return {"refused": "error" in answer, "status": r.status_code,
            "type": error.get("type", ""), "message": error.get("message", ""),
            "result": answer.get("result")}
'''


def refused(outcome: dict, *words: str, status: int | None = None) -> str:
    """Assert the probe was refused with a one-line message naming `words`."""
    assert outcome["refused"], f"the probe got through: {outcome}"
    message = outcome["message"]
    assert message and "\n" not in message.strip(), f"not a one-line message: {message!r}"
    assert len(message) <= 500, f"message too long ({len(message)} characters)"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    if status is not None:
        assert outcome["status"] == status, outcome
    print(f"refused ({outcome.get('status', '-')} {outcome.get('type', '')}): {message}")
    return message


@pytest.fixture
def cohort(attacked):
    """The shared cohort (with p01's kernel); after each test, the store is unchanged."""
    attacked.kernel.run(RAW_HELPERS)
    yield attacked
    attacked.assert_unchanged()


def probe(cohort, code: str) -> dict:
    return cohort.kernel.probe(f"_probe(lambda: {code})")


def raw(cohort, call: str) -> dict:
    return cohort.kernel.probe(f"_show(_raw({call}))")


# -- what the notebook holds -------------------------------------------------------------------
WALK = r'''
import os as _os, types as _types
_seen, _strings = set(), []

def _walk(obj, depth):
    if depth > 6 or id(obj) in _seen:
        return
    _seen.add(id(obj))
    if isinstance(obj, (str, bytes)):
        _strings.append(obj if isinstance(obj, str) else obj.decode("latin-1"))
        return
    if obj is None or isinstance(obj, (bool, int, float)):
        return
    if isinstance(obj, (_types.ModuleType, _types.FunctionType, _types.BuiltinFunctionType,
                        type)):
        return
    if isinstance(obj, dict):
        for k, v in list(obj.items()):
            _walk(k, depth + 1)
            _walk(v, depth + 1)
        return
    if isinstance(obj, (list, tuple, set, frozenset)):
        for v in list(obj):
            _walk(v, depth + 1)
        return
    try:
        _walk(dict(vars(obj)), depth + 1)
    except TypeError:
        pass
    for slot in getattr(type(obj), "__slots__", ()):
        _walk(getattr(obj, slot, None), depth + 1)
    try:
        _strings.append(repr(obj)[:2000])
    except Exception:
        pass

for _name in ("participant_id", "cohort_id", "token", "practice_area", "partners",
              "service_url"):
    _walk(globals()[_name], 0)
_walk(me, 0)
_walk(me.store, 0)
_walk(dict(_os.environ), 0)
with open(OUT, "w", encoding="utf-8") as _f:
    _json.dump(_strings, _f)
print(len(_strings))
'''


@pytest.mark.usefixtures("cohort")
def test_the_notebook_holds_no_way_into_the_store(cohort):
    out = cohort.folder / "kernel-p01" / "strings.json"
    count = int(cohort.kernel.run(f"OUT = {str(out)!r}\n" + WALK).strip())
    text = "\n".join(json.loads(out.read_text(encoding="utf-8")))
    assert count > 100 and cohort.token("p01") in text  # the walk reached the client
    store_url = cohort.store_url
    forbidden = {
        "the store's URL": store_url,
        "a postgresql:// URL": "postgresql://",
        "a sqlite URL": "sqlite:",
        "the store file": "responses.sqlite",
        "the facilitator's token": cohort.facilitator_token,
        "the trainer's secret": (cohort.folder / "trainer-secret.txt").read_text().strip(),
        **{f"{p['id']}'s token": p["token"] for p in cohort.manifest["participants"]
           if p["id"] != "p01"},
    }
    for what, value in forbidden.items():
        assert value not in text, f"the notebook's kernel can reach {what}"
    # Nothing the notebook holds opens a Store: there is nothing to pass.
    opened = cohort.kernel.probe(r'''
_tried = {}
for _value in (None, "", service_url, me.store.url, token, cohort_id, participant_id,
               practice_area):
    try:
        _s = wk.Store(_value)
    except Exception as _exc:
        _tried[repr(_value)] = [True, str(_exc)]
    else:
        _tried[repr(_value)] = [False, _s.where]
        _s.close()
_show({"refused": all(v[0] for v in _tried.values()), "message": "", "tried": _tried})
''')
    assert opened["refused"], f"a Store opened from the notebook's values: {opened['tried']}"
    for _ok, message in opened["tried"].values():
        assert "\n" not in message.strip()
    assert not hasattr(cohort.kernel, "store") and cohort.kernel.probe(
        "_show({'refused': True, 'message': '', 'has': [hasattr(me.store, a) for a in "
        "('_store', 'store_url', '_dialect')]})")["has"] == [False, False, False]


# -- other people's answers ------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    "me.store.latest_answer('demo', 'p02', 'checkin', 'trust_profile')",
    "me.store.history('demo', 'p02', 'checkin', 'trust_profile')",
    "me.store.latest('demo', 'p02')",
    "me.store.latest('demo', 'p02', 'gift')",
    "me.store.latest_many('demo', 'drill', ['p01', 'p02'], 'drill_')",
    "me.store.latest_many('demo', 'dilemma', ['p02', 'p03', 'p04'], 'move:g1:')",
])
def test_reading_another_participants_answers_is_refused(cohort, call):
    refused(probe(cohort, call), "p02" if "p02" in call else "cannot read")


@pytest.mark.parametrize("who,participant", [("p02", "p02"), ("p01", "p02"),
                                             ("facilitator", "p02")])
@pytest.mark.parametrize("method", ["latest_answer", "history", "latest"])
def test_raw_reads_with_a_forged_as_are_refused(cohort, who, participant, method):
    args = {"participant": participant, "module": "checkin"}
    if method != "latest":
        args["exercise"] = "trust_profile"
    outcome = raw(cohort, f"'participant', {method!r}, {{'as': {who!r}, 'args': {args!r}}}")
    message = refused(outcome, status=403)
    assert "p02" in message or "say who you are" in message


# -- writing as someone else -----------------------------------------------------------------
CHECKIN = "me.store.latest_answer('demo', 'p01', 'checkin', 'trust_profile').payload"


def test_submitting_as_another_participant_is_refused(cohort):
    cohort.kernel.run(f"_payload = {CHECKIN}")
    # p01's own client, writing p02's answer
    refused(probe(cohort, "me.store.submit('demo', 'p02', 'checkin', 'trust_profile', "
                          "_payload)"), "p02", "only their own")
    # a client claiming to be p02, with p01's token
    refused(probe(cohort, "wk.client.ParticipantClient(me.store.url, 'demo', 'p02', token)"
                          ".submit('demo', 'p02', 'checkin', 'trust_profile', _payload)"),
            "p02", "not the right one")
    args = "{'participant': 'p02', 'module': 'checkin', 'exercise': 'trust_profile', " \
           "'payload': _payload}"
    refused(raw(cohort, f"'participant', 'submit', {{'as': 'p02', 'args': {args}}}"),
            "p02", status=403)
    refused(raw(cohort, f"'participant', 'submit', {{'as': 'p01', 'args': {args}}}"),
            "p02", status=403)
    # the facilitator role with p01's token
    refused(raw(cohort, f"'facilitator', 'submit', {{'as': 'p02', 'args': {args}}}"),
            status=403)


# -- the facilitator's controls ------------------------------------------------------------------
FACILITATOR_CALLS = {
    "module_answers": "{'module': 'checkin'}",
    "set_exercise_state": "{'module': 'checkin', 'exercise': 'trust_profile', 'locked': True}",
    "set_exercise_state/reveal": "{'module': 'purpose', 'exercise': 'purpose_sort', "
                                 "'revealed': True}",
    "reset_exercise": "{'module': 'checkin', 'exercise': 'trust_profile'}",
    "mark_module": "{'module': 'checkin', 'started_at': '2026-12-03T09:00:00'}",
    "registered": "{}",
    "participants": "{}",
    "answers_since": "{'module': 'checkin'}",
    "definition_keys": "{}",
    "exercise_states": "{}",
    "module_times": "{}",
    "count": "{}",
}


@pytest.mark.parametrize("name", list(FACILITATOR_CALLS))
def test_facilitator_actions_with_a_participants_token_are_refused(cohort, name):
    method = name.split("/")[0]
    args = FACILITATOR_CALLS[name]
    # a FacilitatorClient built from p01's token (all a notebook could do)
    kwargs = args.replace("'2026-12-03T09:00:00'", "__import__('datetime').datetime(2026, 12, 3)")
    call = f"wk.client.FacilitatorClient(me.store.url, 'demo', token).{method}('demo', " \
           f"**{kwargs})"
    outcome = probe(cohort, call)
    assert outcome["type"] == "AccessError", outcome
    refused(outcome, "facilitator")
    # raw HTTP: p01's token, p01 or no 'as'; and no token at all
    for body in (f"{{'as': 'p01', 'args': {args}}}", f"{{'args': {args}}}"):
        refused(raw(cohort, f"'facilitator', {method!r}, {body}"), "facilitator",
                status=403)
    refused(raw(cohort, f"'facilitator', {method!r}, {{'args': {args}}}, token=''"),
            "token is empty", status=403)
    # the same method on the participant's side of the API: not there, or refused
    outcome = raw(cohort, f"'participant', {method!r}, {{'as': 'p01', 'args': {args}}}")
    assert outcome["refused"] and outcome["status"] in (403, 404), outcome
    refused(outcome)


@pytest.mark.parametrize("who", ["p01", "p02", "facilitator", ""])
def test_content_needs_a_credential(cohort, who):
    refused(raw(cohort, f"'content', None, get=True, params={{'as': {who!r}}}, token=''"),
            status=403)
    if who not in ("p01", ""):
        refused(raw(cohort, f"'content', None, get=True, params={{'as': {who!r}}}"),
                status=403)
    ok = raw(cohort, "'content', None, get=True, params={'as': 'p01'}")
    assert not ok["refused"] and "agenda.yaml" in ok["result"]


def test_unknown_addresses_and_methods(cohort):
    refused(raw(cohort, "'participant', 'forget', {'as': 'p01', 'args': "
                        "{'participant': 'p02'}}"), status=404)
    refused(raw(cohort, "'facilitator', 'forget', {'args': {'participant': 'p02'}}"),
            status=404)
    refused(raw(cohort, "'participant', 'answers', {'as': 'p01', 'args': {}}"), status=404)
    refused(raw(cohort, "'admin', 'drop', {}"), status=404)
    # the wrong verb: a call by GET (with its arguments in the query), health by POST
    refused(raw(cohort, "'participant', 'latest', get=True, params={'as': 'p01', "
                        "'participant': 'p02'}"), "answers POST only", status=405)
    refused(raw(cohort, "'facilitator', 'set_state', get=True, params={'module': 'drill'}"),
            "answers POST only", status=405)
    refused(raw(cohort, "'health', None, {'as': 'p01'}"), "answers GET only", status=405)


# -- hostile answers -----------------------------------------------------------------------
def nested(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


BIG = 5 * 1024 * 1024


@pytest.mark.parametrize("name,call,words", [
    ("ratings as a list", "me.store.submit('demo', 'p01', 'checkin', 'trust_profile', "
     "{'ratings': [1, 2]})", ["checkin/trust_profile", "ratings"]),
    ("a rating of a million", "me.store.submit('demo', 'p01', 'checkin', 'trust_profile', "
     "{**_payload, 'ratings': {k: 1_000_000 for k in _payload['ratings']}})",
     ["checkin/trust_profile", "ratings"]),
    ("an unknown module", "me.store.submit('demo', 'p01', 'admin', 'trust_profile', _payload)",
     ["not on the agenda"]),
    ("an unknown exercise", "me.store.submit('demo', 'p01', 'checkin', 'other', _payload)",
     ["not an exercise"]),
    ("the facilitator's game", "me.store.submit('demo', 'p01', 'dilemma', 'game', "
     "me.store.latest_answer('demo', 'facilitator', 'dilemma', 'game').payload)",
     ["only the facilitator"]),
    ("the facilitator's gift pairs", "me.store.submit('demo', 'p01', 'gift', 'pairs', "
     "{'groups': [['p01', 'p02'], ['p07', 'p12']]})", ["only the facilitator"]),
    ("feedback on one's own plan", "me.store.submit('demo', 'p01', 'gift', "
     "'gift_feedback:p01', {'fits': 'x', 'risk_right': 'y', 'story_lands': 'z'})",
     ["own plan"]),
    ("a 100 kB exercise name", "me.store.submit('demo', 'p01', 'checkin', 'x' * 100_000, "
     "_payload)", ["ids are at most"]),
])
def test_hostile_answers_are_refused(cohort, name, call, words):
    cohort.kernel.run(f"_payload = {CHECKIN}")
    refused(probe(cohort, call), *words)


@pytest.mark.parametrize("where", ["module", "exercise"])
def test_five_megabyte_names_are_refused(cohort, where):
    cohort.kernel.run(f"_payload = {CHECKIN}")
    args = {"module": "'checkin'", "exercise": "'trust_profile'"}
    args[where] = f"'m' * {BIG}"
    outcome = probe(cohort, f"me.store.submit('demo', 'p01', {args['module']}, "
                            f"{args['exercise']}, _payload)")
    assert outcome["type"] == "ParameterError", outcome
    refused(outcome, "bytes, more than the")
    outcome = raw(cohort, "'participant', 'submit', {'as': 'p01', 'args': {"
                          "'participant': 'p01', 'module': " + args["module"] +
                  ", 'exercise': " + args["exercise"] + ", 'payload': _payload}}")
    refused(outcome, "bytes, more than the", status=413)


def test_deeply_nested_payloads_are_refused(cohort):
    # Built by hand: the client's own json.dumps would stop at Python's recursion limit.
    body = ('{"as": "p01", "args": {"participant": "p01", "module": "checkin", '
            '"exercise": "trust_profile", "payload": ' + nested(2500) + "}}")
    assert len(body) < MAX_BODY_BYTES
    refused(raw(cohort, f"'participant', 'submit', data={body!r}"), "JSON", status=400)
    # Deep enough to parse, too deep for an answer.
    body = ('{"as": "p01", "args": {"participant": "p01", "module": "checkin", '
            '"exercise": "trust_profile", "payload": ' + nested(40) + "}}")
    refused(raw(cohort, f"'participant', 'submit', data={body!r}"), "levels", status=400)
    refused(raw(cohort, "'participant', 'submit', data='{\"as\": \"p01\", \"args\": "
                        "{\"payload\": NaN}}'"), "JSON", status=400)
    refused(raw(cohort, "'participant', 'submit', data='[1, 2]'"), "JSON object",
            status=400)


def test_the_facilitators_views_still_work_after_the_attacks(cohort):
    from workshop_kit.session import FacilitatorSession

    cohort.kernel.run(f"_payload = {CHECKIN}")
    for call in ("me.store.submit('demo', 'p01', 'checkin', 'trust_profile', "
                 "{'ratings': [1, 2]})",
                 "me.store.submit('demo', 'p01', 'gift', 'pairs', {'groups': [['p01']]})"):
        refused(probe(cohort, call))
    room = FacilitatorSession(COHORT, cohort.url, cohort.facilitator_token)
    summary = room.trust_profile_summary()
    assert len(summary) > 0
    assert not room.drill_definitions().empty
    assert not room.gift_gallery().empty
    assert not room.live_summary().empty
    room.trust_profile_chart().to_dict()
    room.store.close()


# -- the drill ---------------------------------------------------------------------------------
def test_drill_votes_go_only_to_a_colleagues_existing_definition(cohort):
    entries = probe(cohort, f"me.store.peer_definitions('demo', 'drill_definition', "
                            f"{OWN_CASE!r})")
    assert not entries["refused"], entries
    mine = [e["key"] for e in entries["result"] if e["mine"]]
    assert len(mine) == 1 and len(entries["result"]) == 1 + len(SAME_CASE)
    assert all(set(e) == {"key", "definition", "mine"} for e in entries["result"])

    def vote(key: str) -> dict:
        return probe(cohort, f"me.store.submit('demo', 'p01', 'drill', 'drill_vote', "
                             f"{{'case': {OWN_CASE!r}, 'key': {key!r}}})")

    refused(vote(mine[0]), "own definition")
    refused(vote("0123456789ab"), "no definition")
    for peer in SAME_CASE:  # the key as an unkeyed hash would make it
        guess = hashlib.sha256(f"{COHORT}:{OWN_CASE}:{peer}".encode()).hexdigest()[:12]
        refused(vote(guess), "no definition")
    refused(probe(cohort, "me.store.submit('demo', 'p01', 'drill', 'drill_vote', "
                          "{'case': 'audit_fee', 'key': " + repr(mine[0]) + "})"),
            "first")
    # a case p01 has not defined: no peeking at the others' definitions
    refused(probe(cohort, "me.store.peer_definitions('demo', 'drill_definition', "
                          "'audit_fee')"), "submit your own definition")
    refused(probe(cohort, "me.store.peer_definitions('demo', 'drill_questions', "
                          f"{OWN_CASE!r})"), "not a drill definition")


def test_a_modules_call_reaches_only_a_module_of_its_type(cohort):
    """The calls a module's rules add take the agenda's module id: another module's id, or
    one not on the agenda, is refused; it never lends a call to a module it was not made for."""
    refused(probe(cohort, "me.store.peer_definitions('demo', 'drill_definition', "
                          f"{OWN_CASE!r}, module='checkin')"), "'checkin' offers no")
    refused(probe(cohort, "me.store.from_gift_partner('demo', 'p02', 'gift_plan', 'gift_plan', "
                          "module='drill')"), "'drill' offers no")
    for module in ("roleplay2", "x" * 300, 7):
        refused(raw(cohort, "'participant', 'roleplay_feedback', {'as': 'p01', 'args': "
                            f"{{'round_no': 1, 'module': {module!r}}}}}"), status=400)
    # the facilitator's call, from p01's token, with a module id: still the facilitator's
    refused(raw(cohort, "'facilitator', 'definition_keys', {'as': 'p01', 'args': "
                        "{'module': 'drill'}}"), "facilitator", status=403)


# -- the room's results --------------------------------------------------------------------
ROOM = "me.store.room_results('demo', {module!r}, {exercise!r})"


def _rows(spec: dict) -> list[dict]:
    """Every data row of a Vega-Lite spec (inline datasets and values)."""
    rows = [r for values in spec.get("datasets", {}).values() for r in values]
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            values = node.get("data", {}).get("values") if isinstance(node.get("data"),
                                                                       dict) else None
            rows += values or []
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return rows


def test_room_results_are_aggregates_drawn_by_the_service(cohort):
    """Once the facilitator reveals the check-in, p01's kernel gets the chart's spec, drawn by
    the service: means and counts of at least three people, no row per person, no label that
    could follow one, the same on every call. The answers themselves cannot be asked for."""
    ids = {p["id"] for p in cohort.manifest["participants"]}
    names = {p["name"] for p in cohort.manifest["participants"]}
    shown = [probe(cohort, ROOM.format(module="checkin", exercise="trust_profile"))
             for _ in range(2)]
    assert shown[0] == shown[1], "the room's chart changes between calls"
    result = shown[0]
    assert not result["refused"] and result["result"]["state"] == "shown", result
    spec = result["result"]["chart"]
    rows = _rows(spec)
    assert rows, spec
    text = json.dumps(spec)
    assert not any(f'"{i}"' in text for i in ids) and not any(n in text for n in names)
    assert "someone-" not in text and "participant" not in {k for r in rows for k in r}
    assert "situation" not in text  # a personal module: numbers only, and only aggregates
    # 12 people × 4 traits answered: the chart has a mean per trait and counts of >= 3
    means = [r for r in rows if "mean" in r]
    counts = [r for r in rows if "size" in r]
    assert len(means) == 4 and {r["people"] for r in means} == {12}, means
    assert counts and all(r["size"] >= 3 for r in counts), counts
    print(f"room_results(checkin): {len(rows)} aggregate rows (4 means, {len(counts)} counts "
          ">= 3); no id, name, label or text")
    # one answer to an exercise the facilitator revealed: too few to show anything
    few = probe(cohort, ROOM.format(module="gift", exercise="gift_feedback:p02"))
    assert few["result"] == {"state": "too_few", "min_group": 3}, few
    # not revealed: nothing
    hidden = probe(cohort, ROOM.format(module="purpose", exercise="purpose_sort"))
    assert hidden["result"] == {"state": "hidden"}, hidden
    refused(probe(cohort, ROOM.format(module="x" * 50, exercise="trust_profile")),
            "not a module of this day")
    # the rows behind the chart are not something a participant can ask for
    refused(raw(cohort, "'participant', 'room_answers', {'as': 'p01', 'args': "
                        "{'module': 'checkin', 'exercise': 'trust_profile'}}"),
            "not something a participant can ask", status=404)
    refused(probe(cohort, "me.store.room_answers('demo', 'checkin', 'trust_profile')"),
            "room_answers")


# -- the gift partner --------------------------------------------------------------------------
def test_only_ones_own_gift_partner_is_readable(cohort):
    partners = probe(cohort, "me.store.gift_partners('demo')")
    assert partners["result"] == ["p07"]
    own = probe(cohort, "me.store.from_gift_partner('demo', 'p07', 'gift_plan', "
                        "'gift_plan').payload")
    assert not own["refused"]
    for call in ("'p02', 'gift_plan', 'gift_plan'",
                 "'p12', 'gift_plan', 'gift_plan'",
                 "'p02', 'gift_feedback:p12', 'gift_plan'",
                 "'p07', 'gift_feedback:p02', 'gift_plan'",
                 "'p07', 'gift_plan', 'gift_feedback:p07'",
                 "'p07', 'gift_feedback:p07', 'gift_feedback:p07'"):
        refused(probe(cohort, f"me.store.from_gift_partner('demo', {call})"))


@pytest.mark.parametrize("whose", ["p02", "p12", "facilitator", "nobody"])
def test_feedback_only_on_ones_own_partners_plan(cohort, whose):
    """Feedback on a stranger's plan would count as a partner's in the facilitator's gallery."""
    feedback = "{'fits': 'It fits their numbers well.', 'risk_right': 'The risk seems right.', " \
               "'story_lands': 'The story lands well.'}"
    refused(probe(cohort, f"me.store.submit('demo', 'p01', 'gift', 'gift_feedback:{whose}', "
                          f"{feedback})"), "not paired with", "feedback")


# -- names -----------------------------------------------------------------------------------
def test_only_the_names_of_ones_own_partners_and_group(cohort):
    p01 = next(p for p in cohort.manifest["participants"] if p["id"] == "p01")
    works_with = sorted({q for partners in p01["partners"].values() for q in partners})
    others = sorted({p["id"] for p in cohort.manifest["participants"]} - {"p01", *works_with})
    assert others, "every participant works with p01: nobody left to probe"
    names = probe(cohort, f"me.store.names('demo', {works_with!r})")
    assert not names["refused"] and sorted(names["result"]) == works_with
    shown = {p["id"]: p["display_name"] for p in cohort.manifest["participants"]}
    assert names["result"] == {q: shown[q] for q in works_with}  # display names, nothing more
    for who in others[:3]:
        refused(probe(cohort, f"me.store.names('demo', ['{who}'])"), "only the names")
        refused(raw(cohort, "'participant', 'names', {'as': 'p01', 'args': {'ids': "
                            f"['{who}']}}}}"), "only the names", status=403)
    refused(raw(cohort, "'participant', 'names', {'as': 'p01', 'args': {}}"), "ids", status=400)
    refused(raw(cohort, "'facilitator', 'names', {'as': 'facilitator', 'args': {}}"),
            status=403)


# -- drafts ----------------------------------------------------------------------------------
DRAFT = "'module': 'checkin', 'exercise': 'trust_profile'"


def test_drafts_are_only_ever_ones_own(cohort):
    """The client refuses another's draft in the kernel; a hand-written request is refused by
    the service, which takes no participant for a draft and checks the token as for answers."""
    refused(probe(cohort, "me.store.draft('demo', 'p02', 'checkin', 'trust_profile')"),
            "only their own")
    refused(raw(cohort, "'participant', 'draft', {'as': 'p02', 'args': {" + DRAFT + "}}"),
            status=403)
    refused(raw(cohort, "'participant', 'save_draft', {'as': 'p02', 'args': {" + DRAFT
                + ", 'payload': {'situation': 'typed by someone else'}}}"), status=403)
    refused(raw(cohort, "'participant', 'draft', {'as': 'p01', 'args': {'participant': 'p02', "
                + DRAFT + "}}"), status=400)
    refused(raw(cohort, "'facilitator', 'draft', {'as': 'facilitator', 'args': {" + DRAFT
                + "}}"))
    refused(raw(cohort, "'participant', 'save_draft', {'as': 'p01', 'args': {'module': "
                        "'no-such-module', 'exercise': 'x', 'payload': {'a': 1}}}"),
            "no-such-module", status=400)


# -- the role-play's feedback to the seller --------------------------------------------------
def test_only_a_rounds_seller_reads_its_observers_notes_and_buyers_reflection(cohort):
    roleplay = next(m for m in cohort.manifest["modules"] if m["id"] == "roleplay")
    group = next(g for g in roleplay["records"]["groups"]["groups"] if "p01" in g["members"])
    others = [r for r in group["rounds"] if r["seller"] != "p01"]
    assert others, "p01 sells every round: no round to probe"
    for r in others:
        refused(probe(cohort, f"me.store.roleplay_feedback('demo', {r['round']})"),
                "not the seller")
    refused(probe(cohort, "me.store.roleplay_feedback('demo', 99)"), "not the seller")
    refused(raw(cohort, f"'participant', 'roleplay_feedback', {{'as': '{others[0]['seller']}', "
                        f"'args': {{'round_no': {others[0]['round']}}}}}"), status=403)


# -- export --------------------------------------------------------------------------------
def test_export_leaves_out_unshared_personal_answers(cohort, tmp_path: Path):
    import pandas as pd

    from workshop_kit.cohort import BuiltCohort, export

    content = BuiltCohort.open(cohort.folder).content()
    personal = {m for m, c in content.modules.items() if getattr(c, "personal", False)}
    assert "checkin" in personal
    result = export(cohort.folder, tmp_path / "a.csv", cohort.facilitator_token)
    frame = pd.read_csv(result.path)
    ids = {p["id"] for p in cohort.manifest["participants"]}
    rows = frame[frame["module"].isin(personal)]
    assert result.withheld > 0
    for row in rows.itertuples():
        payload = json.loads(row.payload)
        assert payload.get("share_with_facilitator") is True, row
        assert row.participant not in ids, f"a personal answer under a name: {row}"
        assert str(row.participant).startswith("private-")
