"""`workshop-kit serve`: the response service, the only process that opens the store.

Participants' and the facilitator's notebooks hold the service's URL and their own credential,
never a database URL or a file path. Every rule of "who may see what" runs here, in this
process, through the guards of `workshop_kit.access`; every answer is checked against its
exercise's schema (`workshop_kit.answers`) before anything is written.

The API is HTTP + JSON, an ASGI application (`App`) served by uvicorn, whose request parser
(httptools) and IO loop (uvloop) are written in C:

- ``GET  /api/v1/health``: ``{"ok": true, "cohort": …}``, no credential needed;
- ``GET  /api/v1/content``: the cohort's content files (YAML text), for a valid credential;
- ``GET  /api/v1/notebooks?as=<id>``: the caller's own built notebooks (``workshop-kit
  fetch``), for a hub where the trainer cannot write into the users' homes;
- ``POST /api/v1/<role>/<method>``: one call of a guard, role ``participant`` or
  ``facilitator``; header ``Authorization: token <token>``; body
  ``{"as": "<participant id>", "args": {…}}``. Answers ``{"result": …}``, or an error
  ``{"error": {"type": "AccessError", "message": "…"}}`` with 400, 403, 404, 409 or 503.
  Besides the common methods (`METHODS`), a role may call what the rules parts of the
  agenda's module types add (`workshop_kit.access.rule_calls`: a drill's ``peer_definitions``,
  a gift's ``from_gift_partner``, …), with an optional ``"module"`` argument, the agenda's
  module id (by default the first module whose type offers the call).

On a JupyterHub (`serve --hub`, a hub-managed service) a notebook may instead send the hub's
own credential, its kernel's ``JUPYTERHUB_API_TOKEN``, with the header
``X-Workshop-Credential: jupyterhub``: the service asks the hub who that is
(`jupyterhub.services.auth.HubAuth.user_for_token`, the hub's own helper, cached), requires the
token to carry ``access:services!service=<this service>``, and maps the hub login to a
participant through the roster's ``hub_user`` (or to the facilitator: the cohort's
``facilitator_hub_user``, or a member of its ``facilitator_hub_group``). The rules then run
exactly as for that person's kit token.

Blocking store calls run on a small thread pool; each worker thread owns one `Store`
(one connection), and one more thread writes every answer (`_Writer`), so PostgreSQL sees at
most ``connections`` connections however many notebooks are open. The writer commits, in one
transaction, all the answers waiting at that moment (group commit), and each request is
answered only once its row is committed. A submit by a credential the service has already
accepted is checked on the IO loop (arguments, schema, the guard's rules) and goes straight to
the writer, which checks the token again in the transaction that stores the answer. A room
presses Submit at the same moment, and the IO loop's time per submit is what the last of them
waits for: hence a C parser and loop, and routing by one dictionary lookup.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import queue
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import tornado.netutil
import uvicorn

from .access import (
    MIN_GROUP,
    FacilitatorStore,
    ParticipantStore,
    module_types,
    personal_modules,
    rule_calls,
)
from .answers import MAX_ANSWER_CHARS, check_answer, precheck
from .checked import CheckedStore
from .client import API, MAX_BODY_BYTES, too_big
from .cohort import BuiltCohort, token_of
from .content import Content, load_content
from .errors import (
    AccessError,
    ExerciseLockedError,
    ParameterError,
    StoreError,
    WorkshopKitError,
)
from .store import FACILITATOR, Answer, ExerciseState, Submission

log = logging.getLogger("workshop_kit.service")

MAX_VERSIONS_PER_PARTICIPANT = 3_000  # answer versions one participant may store
MAX_CHARS_PER_PARTICIPANT = 3_000_000  # their total size, in characters of JSON
MAX_DRAFTS_PER_PARTICIPANT = 200  # drafts (typed, not submitted) one participant may keep
MAX_DRAFT_CHARS = 500_000  # their total size, in characters of JSON
DRAFT_METHODS = ("save_draft", "draft")
ID_CHARS = 200  # ids (participant, module, exercise, case, …) longer than this are refused
GUARDS_PER_THREAD = 2_000  # guards a worker keeps for the next call of the same credential
BATCH_MAX = 500  # answers the writer commits in one transaction at most
IDLE_SECONDS = 3600  # a connection with no request for this long is closed
REQUEST_SECONDS = 30  # a request (head and body) not all sent within this long: closed
ROOM_RESULTS_SECONDS = 2.0  # a room's chart is drawn again at most this often


@dataclass
class ServiceConfig:
    """What the service serves: one cohort of one store, with its content."""

    store_url: str
    content_dir: str
    cohort: str
    connections: int = 4
    content: Content | None = field(default=None, repr=False)
    hub: HubIdentities | None = field(default=None, repr=False)
    folder: str = ""  # the built cohort folder: its notebooks, for `GET /api/v1/notebooks`

    @classmethod
    def from_folder(cls, folder: str | Path, connections: int = 4,
                    hub: bool = False) -> ServiceConfig:
        """The config of a built cohort folder (its cohort.json, readable by the trainer);
        with `hub`, who is who on the JupyterHub too."""
        built = BuiltCohort.open(folder)
        identities = HubIdentities.from_manifest(built.manifest, built.folder) if hub else None
        return cls(built.manifest["store_url"], built.manifest["content_dir"], built.cohort_id,
                   connections, hub=identities, folder=str(built.folder))


HUB_HEADER = "X-Workshop-Credential"  # "jupyterhub": the Authorization token is the hub's


@dataclass
class HubIdentities:
    """Hub login → (participant id, their kit token); the facilitator's login and token. The
    tokens never leave the service: a hub-authenticated call runs as that person's token."""

    participants: dict[str, tuple[str, str]]
    facilitator_user: str
    facilitator_token: str
    facilitator_group: str = ""
    _auth: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], folder: Path) -> HubIdentities:
        if not manifest.get("hub") or not manifest.get("facilitator_hub_user"):
            raise ParameterError(
                f"{folder} was not built for a JupyterHub: rebuild it with `workshop-kit build "
                "--hub` (and 'facilitator_hub_user' in the cohort file), then serve it with --hub")
        # derived from the cohort's secret here: a hub build keeps no token in any file
        people = {p.get("hub_user") or p["id"]: (p["id"], token_of(manifest, folder, p["id"]))
                  for p in manifest["participants"]}
        return cls(people, manifest["facilitator_hub_user"],
                   token_of(manifest, folder, FACILITATOR),
                   manifest.get("facilitator_hub_group", ""))

    def auth(self) -> Any:
        """The hub's own auth helper, configured from the environment the hub gives its
        services (JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL, JUPYTERHUB_SERVICE_NAME)."""
        with self._lock:
            return self._auth or self._make_auth()

    def _make_auth(self) -> Any:
        if self._auth is None:
            try:
                from jupyterhub.services.auth import HubAuth  # noqa: PLC0415 (heavy or optional: imported when used)
            except ImportError:
                raise StoreError("`serve --hub` needs the jupyterhub package installed "
                                 "beside the kit") from None
            auth = HubAuth(cache_max_age=60)
            if not auth.access_scopes:
                raise StoreError("no JUPYTERHUB_SERVICE_NAME: run `serve --hub` as a service "
                                 "the hub starts (see `workshop-kit hub-config`)")
            self._auth = auth
        return self._auth

    def _user(self, hub_token: str) -> tuple[str, dict[str, Any]]:
        """The hub login of a credential that may use this service, or AccessError."""
        if not hub_token:
            raise AccessError("no JupyterHub credential: open this notebook from your own "
                              "server on the hub")
        auth = self.auth()
        try:
            user = auth.user_for_token(hub_token, sync=True)
        except Exception as exc:  # the hub down, or refusing us: not the participant's fault
            raise StoreError(f"cannot check who you are with the JupyterHub "
                             f"({str(exc).splitlines()[0][:200]}); try again") from None
        if not user or not isinstance(user.get("name"), str):
            raise AccessError("the JupyterHub does not know this credential; restart your "
                              "server from the hub's home page")
        name = user["name"]
        if user.get("kind", "user") != "user":
            raise AccessError(f"'{name[:40]}' is not a hub user")
        if not auth.check_scopes(auth.access_scopes, user):
            raise AccessError(
                f"hub user '{name[:40]}': this credential may not use the workshop service "
                f"(it lacks {', '.join(sorted(auth.access_scopes))}); the hub's "
                "c.Spawner.server_token_scopes must grant it (see `workshop-kit hub-config`)")
        return name, user

    def person(self, cohort: str, hub_token: str) -> tuple[str, str]:
        """(participant id or FACILITATOR, their kit token) for a hub credential, whoever it
        is: the facilitator's login or group first, else the roster."""
        name, user = self._user(hub_token)
        if self._is_facilitator(name, user):
            return FACILITATOR, self.facilitator_token
        found = self.participants.get(name)
        if found is None:
            raise AccessError(f"hub user '{name[:40]}' is not in the roster of cohort "
                              f"'{cohort}'")
        return found

    def _is_facilitator(self, name: str, user: dict[str, Any]) -> bool:
        groups = user.get("groups") or []  # the hub's identify model carries them
        in_group = bool(self.facilitator_group) and self.facilitator_group in groups
        return name == self.facilitator_user or in_group

    def identify(self, cohort: str, role: str, who: Any, hub_token: str) -> tuple[str, str]:
        """(participant id or FACILITATOR, their kit token) for a hub credential, or
        AccessError. Runs on a worker thread: HubAuth blocks on its own thread."""
        name, user = self._user(hub_token)
        if role == "facilitator" or who == FACILITATOR:
            if not self._is_facilitator(name, user):
                raise AccessError(f"hub user '{name[:40]}' is not the facilitator of cohort "
                                  f"'{cohort}'")
            return FACILITATOR, self.facilitator_token
        found = self.participants.get(name)
        if found is None:
            raise AccessError(f"hub user '{name[:40]}' is not in the roster of cohort "
                              f"'{cohort}'")
        if who != found[0]:
            raise AccessError(f"hub user '{name[:40]}' is participant '{found[0]}' and cannot "
                              f"act as '{str(who)[:40]}'")
        return found


# -- the calls each role may make, and the type of each argument ---------------------------
# {method: {argument: (type, required)}}; `cohort` is always the service's own.
_S, _L, _D, _B, _I = str, list, dict, bool, int
_ANSWER = {"participant": (_S, True), "module": (_S, True), "exercise": (_S, True)}
_COMMON: dict[str, dict[str, tuple[type, bool]]] = {
    "submit": {**_ANSWER, "payload": (_D, True)},
    "latest_answer": _ANSWER,
    "latest": {"participant": (_S, True), "module": (_S, False)},
    "history": _ANSWER,
    "latest_many": {"module": (_S, True), "participants": (_L, True),
                    "exercise_prefix": (_S, True)},
    "exercise_state": {"module": (_S, True), "exercise": (_S, True)},
}
METHODS: dict[str, dict[str, dict[str, tuple[type, bool]]]] = {
    "participant": {
        **_COMMON,
        "room_results": {"module": (_S, True), "exercise": (_S, True)},
        "names": {"ids": (_L, True)},
        # the caller's own draft of a form (always their own: there is no participant argument)
        "save_draft": {"module": (_S, True), "exercise": (_S, True), "payload": (_D, False)},
        "draft": {"module": (_S, True), "exercise": (_S, True)},
    },
    "facilitator": {
        **_COMMON,
        "module_answers": {"module": (_S, True), "exercise": (_S, False)},
        "participants": {"exclude": (_L, False)},
        "answered": {"module": (_S, True), "exercise": (_S, False)},
        "answers_since": {"module": (_S, True), "after_id": (_I, False), "limit": (_I, False)},
        "registered": {},
        "names": {"ids": (_L, False)},
        "exercise_states": {"module": (_S, False)},
        "set_exercise_state": {"module": (_S, True), "exercise": (_S, True),
                               "locked": (_B, False), "revealed": (_B, False)},
        "reset_exercise": {"module": (_S, True), "exercise": (_S, True)},
        "mark_module": {"module": (_S, True), "started_at": (_S, False),
                        "ended_at": (_S, False)},
        "module_times": {},
        "count": {},
    },
}
# Beside these, each role may make the calls the rules parts of the agenda's module types add
# (`workshop_kit.access.rule_calls`: a drill's peer definitions, a gift partner's plan, …),
# with their own arguments and an optional `module` (the agenda's module id).
_TIMES = ("started_at", "ended_at")


def service_methods(content: Content) -> dict[str, dict[str, dict[str, tuple[type, bool]]]]:
    """{role: {method: {argument: (type, required)}}}: `METHODS` and the calls the rules of
    the agenda's module types add (each with an optional `module`, the agenda's module id)."""
    types = module_types(content)
    methods = {role: dict(common) for role, common in METHODS.items()}
    for role, table in methods.items():
        for name, call in rule_calls(role, types).items():
            if name in table or "module" in call.arguments:
                raise ParameterError(f"a module's rules declare the call '{name}', which "
                                     "clashes with the service's own; rename it")
            table[name] = {**call.arguments, "module": (_S, False)}
    return methods


def _arguments(role: str, method: str, args: Any,
               methods: dict[str, dict[str, dict[str, tuple[type, bool]]]] = METHODS
               ) -> dict[str, Any]:
    """The call's arguments, each checked for its type and size (one-line errors)."""
    spec = methods[role][method]
    if not isinstance(args, dict):
        raise ParameterError("'args' must be a JSON object of the call's arguments")
    unknown = sorted(set(args) - set(spec))
    if unknown:
        raise ParameterError(f"{method}: unknown argument '{str(unknown[0])[:40]}'; it takes "
                             f"{', '.join(spec) or 'no arguments'}")
    kwargs: dict[str, Any] = {}
    for name, (kind, required) in spec.items():
        value = args.get(name)
        if value is None:
            if required:
                raise ParameterError(f"{method}: argument '{name}' is missing")
            continue
        if (kind is _I and isinstance(value, bool)) or not isinstance(value, kind):
            raise ParameterError(f"{method}: argument '{name}' must be a {kind.__name__}")
        if kind is _S and len(value) > ID_CHARS:
            raise ParameterError(f"{method}: argument '{name}' is {len(value)} characters "
                                 f"long; ids are at most {ID_CHARS}")
        if kind is _L and (len(value) > 2_000 or not all(
                isinstance(v, str) and len(v) <= ID_CHARS for v in value)):
            raise ParameterError(f"{method}: argument '{name}' must be a list of ids")
        if name in _TIMES:
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise ParameterError(f"{method}: '{name}' is not an ISO time") from None
        kwargs[name] = value
    return kwargs


# -- encoding results --------------------------------------------------------------------------
def encode(value: Any) -> Any:
    """A guard's result as JSON: answers, states, times and tables tagged with `_t`."""
    if isinstance(value, Answer):
        # Field by field, not asdict(): that deep-copies the payload, which is JSON already
        # and goes straight to json.dumps (a third of the encoding time of a submit).
        shown = {f.name: getattr(value, f.name) for f in fields(Answer)}
        shown["submitted_at"] = value.submitted_at.isoformat()
        return {"_t": "answer", **shown}
    if isinstance(value, ExerciseState):
        return {"_t": "state", **asdict(value)}
    if isinstance(value, datetime):
        return {"_t": "time", "v": value.isoformat()}
    pd = sys.modules.get("pandas")  # not imported yet: no table to encode
    if pd is not None and isinstance(value, pd.DataFrame):
        rows = [{"participant": r.participant, "exercise": r.exercise, "version": int(r.version),
                 "submitted_at": r.submitted_at.isoformat(), "source": r.source,
                 "payload": r.payload, "run": int(r.run)} for r in value.itertuples()]
        return {"_t": "frame", "rows": rows}
    if isinstance(value, dict):
        if value and all(isinstance(k, tuple) for k in value):
            return {"_t": "states", "items": [encode(v) for v in value.values()]}
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


# -- the service -----------------------------------------------------------------------------
class Service:
    """The rules: a guard per call, over this worker thread's own store connection."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.content = config.content or load_content(config.content_dir, check_notebooks=False)
        self.personal = personal_modules(self.content)
        self.methods = service_methods(self.content)
        self._local = threading.local()
        self.salt = secrets.token_bytes(16)
        self._stores: list[CheckedStore] = []
        self._lock = threading.Lock()
        # the writer holds one of the `connections`, the workers the others
        self.pool = ThreadPoolExecutor(max_workers=max(1, config.connections - 1),
                                       thread_name_prefix="workshop-kit-store")
        self.writer = _Writer(self)
        # credentials a worker has checked against the store: their submits may be handled on
        # the IO loop (the writer checks the token again when it stores the answer)
        self._accepted: dict[tuple[str, str, str], Any] = {}
        self._deferring = _Deferring()
        # {(module, exercise, run): (when, result)}: the room's charts, drawn once for everybody
        self._rooms: dict[tuple[str, str, int], tuple[float, dict[str, Any]]] = {}
        self._rooms_lock = threading.Lock()

    @property
    def skipped(self) -> int:
        """Malformed rows found in the store and left out of what was read, so far."""
        return sum(s.skipped for s in self._stores)

    def store(self) -> CheckedStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = _ServiceStore(self.config.store_url, self.content)
            store.writer = self.writer
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.writer.close()
        with self._lock:
            for store in self._stores:
                store.close()

    def content_files(self) -> dict[str, str]:
        root = Path(self.config.content_dir)
        return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
                for p in sorted(root.rglob("*.yaml")) if p.is_file()}

    def notebooks(self, who: Any, token: str, hub: bool = False) -> dict[str, Any]:
        """The caller's own built notebooks, {"person": id, "notebooks": {name: text}}: a
        participant's participants/<id>/*.ipynb, the facilitator's facilitator/*.ipynb, and
        never anyone else's. A hub credential says who it is; `who`, if given, must match."""
        if not self.config.folder:
            raise ParameterError("this workshop service was not started from a built cohort "
                                 "folder (`workshop-kit serve FOLDER`): it has no notebooks")
        if who is not None and (not isinstance(who, str) or len(who) > ID_CHARS):
            raise AccessError("say who you are: 'as' must be your participant id")
        if hub:
            if self.config.hub is None:
                self.from_hub("participant", who, token)  # raises: not on a hub
            person, kit_token = self.config.hub.person(self.config.cohort, token)
            if who and who != person:
                raise AccessError(f"your hub credential is {_whom(person)} and cannot fetch "
                                  f"the notebooks of '{who[:40]}'")
        else:
            if not who:
                raise AccessError("say who you are: 'as' must be your participant id (or "
                                  "'facilitator')")
            person, kit_token = who, token
        self.store().check_token(self.config.cohort, person, kit_token)
        root = Path(self.config.folder)
        sub = root / "facilitator" if person == FACILITATOR else root / "participants" / person
        if person != FACILITATOR and (person in ("", ".", "..") or "/" in person):
            raise AccessError(f"'{person[:40]}' is not a participant id")
        found = {p.name: p.read_text(encoding="utf-8") for p in sorted(sub.glob("*.ipynb"))
                 if p.is_file() and not p.is_symlink()}
        if not found:
            raise ParameterError(f"no notebooks built for {_whom(person)}; ask the facilitator "
                                 "to run `workshop-kit build` again")
        return {"person": person, "notebooks": found}

    def from_hub(self, role: str, who: Any, token: str) -> tuple[str, str]:
        """The person a hub credential belongs to, and their kit token."""
        if self.config.hub is None:
            raise AccessError("this workshop service does not run under a JupyterHub; open the "
                              "notebook built for you (its parameters carry your token)")
        return self.config.hub.identify(self.config.cohort, role, who, token)

    def authenticate(self, who: Any, token: str, hub: bool = False) -> None:
        """Any valid credential of the cohort (the content is not secret, the answers are)."""
        if not isinstance(who, str) or len(who) > ID_CHARS:
            raise AccessError("say who you are: 'as' must be your participant id")
        if hub:
            who, token = self.from_hub("facilitator" if who == FACILITATOR else "participant",
                                       who, token)
        self.store().check_token(self.config.cohort, who, token)

    def call(self, role: str, who: Any, token: str, method: str, args: Any,
             hub: bool = False) -> Any:
        kwargs = _arguments(role, method, args, self.methods)
        cohort = self.config.cohort
        if hub:
            who, token = self.from_hub(role, who, token)
        store = self.store()
        if role == "participant":
            if not isinstance(who, str) or not who or who == FACILITATOR or \
                    len(who) > ID_CHARS:
                raise AccessError("say who you are: 'as' must be your participant id")
        else:
            who = FACILITATOR
        guard = self.guard(store, role, who, token)
        if method == "submit":
            self._check_submit(who, kwargs)
        if method in DRAFT_METHODS:
            self._check_draft(store, who, method, kwargs)
        if method == "count":
            return guard.count(cohort)
        if method == "room_results":
            return self.room_results(guard, **kwargs)
        return getattr(guard, method)(cohort, **kwargs)

    def room_results(self, guard: ParticipantStore, module: str,
                     exercise: str) -> dict[str, Any]:
        """What participants see of the room's answers to an exercise, drawn here so that no
        participant's kernel ever holds the answers themselves:

        - ``{"state": "hidden"}`` until the facilitator reveals them;
        - ``{"state": "too_few", "min_group": 3}`` while fewer than `MIN_GROUP` people answered;
        - ``{"state": "shown", "chart": spec}``: the Vega-Lite spec of the chart the cockpit
          draws (the module type's `cockpit.chart`), whose data are aggregates; None when the
          type draws no chart of that exercise.

        The state is read on every call; the chart is drawn once for everybody (the rows it is
        drawn from are the same for every participant: `ParticipantStore.room_answers`) and
        drawn again when it is older than `ROOM_RESULTS_SECONDS`, so that a room of 200 opening
        the results together costs one drawing, not 200."""
        from .cockpit import exercise_chart  # noqa: PLC0415 (altair: only when a room asks)

        cohort = self.config.cohort
        if module not in self.content.modules:
            raise ParameterError(f"room_results: '{module[:40]}' is not a module of this day; "
                                 f"its modules are {', '.join(self.content.modules)}")
        state = guard.exercise_state(cohort, module, exercise)
        if not state.revealed:
            return {"state": "hidden"}
        key = (module, exercise, state.run)  # a rerun's chart is never the run before's
        with self._rooms_lock:
            drawn = self._rooms.get(key)
            if drawn is not None and time.monotonic() - drawn[0] < ROOM_RESULTS_SECONDS:
                return drawn[1]
            rows = guard.room_answers(cohort, module, exercise)
            if rows is None:  # hidden again in between
                return {"state": "hidden"}
            if rows.empty:
                result: dict[str, Any] = {"state": "too_few", "min_group": MIN_GROUP}
            else:
                chart = exercise_chart(self.content, module, exercise, rows)
                result = {"state": "shown",
                          "chart": None if chart is None else chart.to_dict()}
            now = time.monotonic()
            if len(self._rooms) >= 256:  # any exercise id a caller makes up adds one
                self._rooms = {k: v for k, v in self._rooms.items()
                               if now - v[0] < ROOM_RESULTS_SECONDS}
            self._rooms[key] = (now, result)
            return result

    def guard(self, store: CheckedStore, role: str, who: str, token: str) -> Any:
        """This worker's guard for one credential, made once: making one checks the token (a
        query), and every call of a guard checks it again anyway, so a token revoked since
        (`forget`, a roster change) is refused on its next call all the same. Only guards
        whose token was accepted are kept."""
        guards: dict[tuple[str, str, str], Any] = self._local.__dict__.setdefault("guards", {})
        key = (role, who, token)
        guard = guards.get(key)
        if guard is None:
            if role == "participant":
                guard = ParticipantStore(store, self.config.cohort, who, token, self.personal,
                                         self.content)
            else:
                guard = FacilitatorStore(store, self.config.cohort, token, self.personal,
                                         self.content)
                # the cockpit follows pseudonyms ('private-3fa2c1') from call to call, on any
                # worker: one secret salt for the service's life
                guard._salt = self.salt
            if len(guards) >= GUARDS_PER_THREAD:
                guards.clear()
            guards[key] = guard
            with self._lock:
                if len(self._accepted) >= GUARDS_PER_THREAD:
                    self._accepted.clear()
                self._accepted[key] = None
        return guard

    def submit_inline(self, role: str, who: Any, token: str, args: Any,
                      hub: bool) -> Submission | None:
        """A submit checked here, on the IO loop, without reading the store: the Submission to
        hand to the writer, or None when the call must go to a worker (a hub credential, one
        not accepted yet, or a rule that reads the store, such as a vote's)."""
        if hub:
            return None
        if role == "participant":
            if not isinstance(who, str) or not who or who == FACILITATOR or \
                    len(who) > ID_CHARS:
                return None
        else:
            who = FACILITATOR
        key = (role, who, token)
        guard = self._accepted.get(key, _NOT_ACCEPTED)
        if guard is _NOT_ACCEPTED:
            return None
        kwargs = _arguments(role, "submit", args)
        self._check_submit(who, kwargs)
        deferring = self._deferring
        deferring.checks, deferring.entry = [], None
        try:
            if guard is None:
                if role == "participant":
                    guard = ParticipantStore(deferring, self.config.cohort, who, token,
                                             self.personal, self.content)
                else:
                    guard = FacilitatorStore(deferring, self.config.cohort, token,
                                             self.personal, self.content)
                self._accepted[key] = guard
            entry = guard.submit(self.config.cohort, **kwargs)
        except _NeedsWorker:
            return None
        if entry is None or entry is not deferring.entry or not entry.checks:
            return None  # not the path this was written for: let a worker do it
        return entry

    def _check_submit(self, who: str, kwargs: dict[str, Any]) -> None:
        """The writer of the answer is its participant, and the answer fits its schema (the
        quota is the writer's: it counts in the transaction that stores the answer)."""
        if kwargs["participant"] != who:
            role = "the facilitator" if who == FACILITATOR else f"participant '{who}'"
            raise AccessError(f"{role} cannot write the answers of "
                              f"'{kwargs['participant'][:40]}': each writes only their own")
        kwargs["payload"] = check_answer(self.content, kwargs["module"], kwargs["exercise"],
                                         kwargs["payload"], participant=who)

    def _check_draft(self, store: CheckedStore, who: str, method: str,
                     kwargs: dict[str, Any]) -> None:
        """A draft is the caller's own, of a module of this workshop, no bigger or deeper than
        an answer, and one person keeps at most MAX_DRAFTS_PER_PARTICIPANT of them."""
        kwargs["participant"] = who
        module = kwargs["module"]
        if module not in self.content.modules:
            raise ParameterError(f"{method}: module '{module[:40]}' is not one of this "
                                 f"workshop's ({', '.join(sorted(self.content.modules))})")
        payload = kwargs.get("payload")
        if method != "save_draft" or payload is None:
            return
        where = f"the draft of {module}/{kwargs['exercise'][:40]}"
        precheck(payload, where)
        size = len(json.dumps(payload, ensure_ascii=False))
        if size > MAX_ANSWER_CHARS:
            raise ParameterError(f"{where} is {size} characters; a draft, like an answer, is "
                                 f"at most {MAX_ANSWER_CHARS}")
        count, chars = store.draft_usage(self.config.cohort, who)
        full = chars + size > MAX_DRAFT_CHARS or (
            count >= MAX_DRAFTS_PER_PARTICIPANT
            and store.draft(self.config.cohort, who, module, kwargs["exercise"]) is None)
        if full:
            raise ParameterError(
                f"participant '{who}' keeps {count} drafts ({chars} characters), the most one "
                "person may keep; submit your answers, or ask the facilitator")


_NOT_ACCEPTED = object()


class _NeedsWorker(Exception):
    """A submit the IO loop cannot check without reading the store: a worker takes it."""


class _Deferring:
    """The store a guard sees when a submit is checked on the IO loop: its token checks are
    recorded (the writer makes them in the transaction that stores the answer), its submit
    becomes a `Submission` for the writer, and anything else (a read) sends the call to a
    worker."""

    def __init__(self) -> None:
        self.checks: list[tuple[str, str, str]] = []
        self.entry: Submission | None = None

    def check_token(self, cohort: str, who: str, token: str) -> None:
        self.checks.append((cohort, who, token))

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], *, submitted_at: datetime | None = None,
               source: str = "participant") -> Submission:
        if any(c != cohort for c, _, _ in self.checks):
            raise _NeedsWorker("a token of another cohort")
        self.entry = Submission(cohort, participant, module, exercise, payload,
                                tuple((who, token) for _, who, token in self.checks), source,
                                submitted_at)
        return self.entry

    def __getattr__(self, name: str) -> Any:
        raise _NeedsWorker(name)


class _ServiceStore(CheckedStore):
    """A worker's store: reads on its own connection; answers through the writer."""

    writer: _Writer

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], *, submitted_at: datetime | None = None,
               source: str = "participant") -> Answer:
        return self.writer.wait(Submission(cohort, participant, module, exercise, payload, (),
                                           source, submitted_at))


class _Writer:
    """Every answer the service stores goes through this one thread and its one connection.

    It takes all the answers waiting at that moment and stores them in one transaction (group
    commit; SQLite's and PostgreSQL's durability settings are the store's, as for a single
    answer); each waiting request gets its answer, or its error, only after that commit. It
    also keeps the per-participant quota: how many versions and characters each participant
    has stored, read from the store in the transaction the first time they submit (so it holds
    across restarts) and counted on from there; with several service processes
    (`exact_each_batch`) it is read again in every transaction."""

    def __init__(self, service: Service):
        self.service = service
        self.exact_each_batch = False
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._usage: dict[str, tuple[int, int]] = {}  # {participant: (versions, characters)}
        self._admitted: list[tuple[Submission, int]] = []
        self._batch: list[Submission] = []
        self._store: CheckedStore | None = None
        self._thread = threading.Thread(target=self._run, name="workshop-kit-writer",
                                        daemon=True)
        self._thread.start()

    def stored(self, entry: Submission) -> asyncio.Future:
        """(On the IO loop) a future of the entry's Answer, or of the error refusing it."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((entry, loop, future))
        return future

    def wait(self, entry: Submission) -> Answer:
        """(On a worker) store one answer and wait for its commit."""
        done = threading.Event()
        box: list[Any] = []
        self._queue.put((entry, None, (box, done)))
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(30)

    def _run(self) -> None:
        running = True
        while running:
            item = self._queue.get()
            if item is None:
                break
            items = [item]
            while len(items) < BATCH_MAX:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    running = False
                    break
                items.append(item)
            try:
                results = self._write([entry for entry, _, _ in items])
            except Exception as exc:  # a bug, not the store: every request hears of it
                log.exception("the writer failed")
                results = [exc] * len(items)
            self._deliver(items, results)
        if self._store is not None:
            self._store.close()

    @staticmethod
    def _deliver(items: list[Any], results: list[Any]) -> None:
        by_loop: dict[Any, list[tuple[asyncio.Future, Any]]] = {}
        for (_, loop, future), result in zip(items, results, strict=True):
            if loop is None:
                box, done = future
                box.append(result)
                done.set()
            else:
                by_loop.setdefault(loop, []).append((future, result))
        for loop, settled in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a loop closed meanwhile
                loop.call_soon_threadsafe(_settle, settled)

    def _write(self, batch: list[Submission]) -> list[Any]:
        if self._store is None:
            self._store = CheckedStore(self.service.config.store_url, self.service.content)
            with self.service._lock:
                self.service._stores.append(self._store)
        if len(batch) == 1:
            return self._attempt(batch)
        try:
            return self._attempt(batch, fail=True)
        except StoreError as exc:  # say, another process's row clashing: each on its own
            first = self._attempt(batch[:1])
            if isinstance(first[0], StoreError):  # the store itself: no use trying the rest
                return first + [exc] * (len(batch) - 1)
            return first + [self._attempt([entry])[0] for entry in batch[1:]]

    def _attempt(self, batch: list[Submission], fail: bool = False) -> list[Any]:
        assert self._store is not None
        self._batch, self._admitted = batch, []
        if self.exact_each_batch:
            self._usage.clear()
        try:
            results = self._store.submit_batch(batch, self._admit)
        except WorkshopKitError as exc:
            for entry in batch:  # counted for nothing: read again next time
                self._usage.pop(entry.participant, None)
            if fail:
                raise
            return [exc] * len(batch)
        where = {id(entry): n for n, entry in enumerate(batch)}
        for entry, chars in self._admitted:  # admitted, but not stored (a locked exercise)
            if not isinstance(results[where[id(entry)]], Answer):
                versions, total = self._usage[entry.participant]
                self._usage[entry.participant] = (versions - 1, total - chars)
        return results

    def _admit(self, entry: Submission, chars: int, usage: Callable[[list[str]], Any]) -> None:
        who = entry.participant
        if who == FACILITATOR:
            return
        if who not in self._usage:
            unknown = sorted({e.participant for e in self._batch} - set(self._usage)
                             - {FACILITATOR})
            self._usage.update(usage(unknown))
        versions, total = self._usage[who]
        if versions >= MAX_VERSIONS_PER_PARTICIPANT or total >= MAX_CHARS_PER_PARTICIPANT:
            raise ParameterError(
                f"participant '{who}' has stored {versions} answers ({total} characters), "
                "the most one person may store in a day; ask the facilitator")
        self._usage[who] = (versions + 1, total + chars)
        self._admitted.append((entry, chars))


def _settle(settled: list[tuple[asyncio.Future, Any]]) -> None:
    for future, result in settled:
        if not future.done():
            future.set_result(result)

def _whom(person: str) -> str:
    return "the facilitator" if person == FACILITATOR else f"participant '{person}'"


def _status(exc: Exception) -> int:
    if isinstance(exc, ExerciseLockedError):
        return 409
    if isinstance(exc, AccessError):
        return 403
    if isinstance(exc, StoreError):
        return 503
    return 400


async def answer_call(service: Service, role: str, method: str, token: str, hub: bool,
                      raw: bytes, where: str) -> tuple[int, bytes]:
    """One call, ``POST <where>`` (`where` is .../<role>/<method>) with its body `raw`: the
    status and JSON body of the answer."""
    if method not in service.methods[role]:
        return _error(404, "ParameterError",
                      f"'{method[:40]}' is not something a {role} can ask the service")
    try:
        body = _DECODER.decode((raw or b"{}").decode())
    except (ValueError, RecursionError):
        return _error(400, "ParameterError", "the request is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "ParameterError", "the request must be a JSON object")
    who = body.get("as", FACILITATOR if role == "facilitator" else None)
    args = body.get("args", {})
    try:
        if method == "submit":
            entry = service.submit_inline(role, who, token, args, hub)
            if entry is not None:
                result = await service.writer.stored(entry)
                if isinstance(result, Exception):
                    return _refusal(result, where)
                return _result(result, where)
        result = await asyncio.get_running_loop().run_in_executor(
            service.pool, lambda: service.call(role, who, token, method, args, hub))
    except Exception as exc:
        return _refusal(exc, where)
    return _result(result, where)


def _token(header: str) -> str:
    """The credential of an ``Authorization: token …`` (or ``Bearer …``) header."""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("token", "bearer") else ""


def _error(status: int, kind: str, message: str) -> tuple[int, bytes]:
    return status, json.dumps({"error": {"type": kind, "message": message}}).encode()


def _refusal(exc: Exception, where: str) -> tuple[int, bytes]:
    if isinstance(exc, WorkshopKitError):
        return _error(_status(exc), type(exc).__name__, str(exc).splitlines()[0][:500])
    log.error("unexpected error in %s", where, exc_info=exc)
    return 500, _SERVICE_ERROR


def _result(result: Any, where: str) -> tuple[int, bytes]:
    try:
        return 200, _ENCODER.encode({"result": encode(result)}).encode()
    except ValueError as exc:  # a NaN read back from an old row, say
        return _refusal(exc, where)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number an answer may hold")


# made once: json.dumps and json.loads make a new encoder or decoder for every call that
# passes options
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


class _Gone(Exception):
    """The client went away before its request's body arrived."""


class App:
    """The service's HTTP API as an ASGI application, which `serve` runs on uvicorn.

    The API is small (health, content, notebooks, and the calls), so the routing is a lookup
    of the path: the submit, the call a whole room makes at the same moment, costs the IO loop
    only the work of answering it (`answer_call`) on top of uvicorn's C-parsed request. Every
    reply is JSON, refusals included, with the same headers."""

    def __init__(self, service: Service, prefix: str = ""):
        self.service = service
        self.headers = [(b"content-type", b"application/json; charset=utf-8"),
                        (b"x-workshop-process", str(os.getpid()).encode()),  # which process
                        (b"cache-control", b"no-store")]
        # the API at /api/v1, and under `prefix` too (a hub service's /services/<name>/, for
        # requests that come through the hub's proxy)
        self.bases = [f"{base}{API}/" for base in sorted({"", prefix.rstrip("/")})]
        self.gets = {f"{base}{name}": answer for base in self.bases for name, answer in (
            ("health", self._health), ("content", self._content),
            ("notebooks", self._notebooks))}

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return  # no lifespan or websocket: uvicorn runs with both off
        try:
            await self._answer(scope, receive, send)
        except Exception:  # a bug: the notebook still gets JSON it can show in one line
            log.exception("unexpected error in %s %s", scope["method"], scope["path"][:200])
            with contextlib.suppress(Exception):  # (unless the reply had begun)
                await self._reply(send, 500, _SERVICE_ERROR)

    async def _answer(self, scope: dict, receive: Callable, send: Callable) -> None:
        path, verb = scope["path"], scope["method"]
        token, hub, length = "", False, b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                token = _token(value.decode("latin-1"))
            elif name == _HUB_HEADER:
                hub = value.strip().lower() == b"jupyterhub"
            elif name == b"content-length":
                length = value
        get = self.gets.get(path)
        call = None if get else self._call_of(path)
        if get is None and call is None:
            await self._reply(send, *_error(404, "ParameterError",
                                            "no such address in the workshop service API"))
            return
        wanted = "GET" if get else "POST"
        if verb != wanted:
            await self._reply(send, *_error(405, "ParameterError",
                                            f"{path[:80]} answers {wanted} only"))
            return
        if get is not None:
            query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"),
                                          keep_blank_values=True)
            who = query["as"][-1].strip() if query.get("as") else None
            await self._reply(send, *await get(who, token, hub, path))
            return
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            await self._reply(send, *_error(413, "ParameterError", too_big(int(length))))
            return
        try:
            raw = await self._body(receive)
        except _Gone:
            return
        if raw is None:
            await self._reply(send, *_error(413, "ParameterError", too_big(MAX_BODY_BYTES + 1)))
            return
        role, method = call
        await self._reply(send, *await answer_call(self.service, role, method, token, hub, raw,
                                                   path))

    def _call_of(self, path: str) -> tuple[str, str] | None:
        """(role, method) of ``<base>/api/v1/<role>/<method>`` (`answer_call` says whether the
        role may call the method)."""
        for base in self.bases:
            if path.startswith(base):
                role, _, method = path[len(base):].partition("/")
                if role in METHODS and _METHOD.fullmatch(method):
                    return role, method
        return None

    @staticmethod
    async def _body(receive: Callable) -> bytes | None:
        """The request's body, or None once it is over MAX_BODY_BYTES (a chunked one)."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _run(self, work: Callable[[], Any], where: str) -> tuple[int, bytes]:
        try:
            result = await asyncio.get_running_loop().run_in_executor(self.service.pool, work)
        except Exception as exc:
            return _refusal(exc, where)
        return _result(result, where)

    async def _reply(self, send: Callable, status: int, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [*self.headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _health(self, who: str | None, token: str, hub: bool, where: str
                      ) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "cohort": self.service.config.cohort}).encode()

    async def _content(self, who: str | None, token: str, hub: bool, where: str
                       ) -> tuple[int, bytes]:
        def work() -> dict[str, str]:
            self.service.authenticate(who or "", token, hub)
            return self.service.content_files()

        return await self._run(work, where)

    async def _notebooks(self, who: str | None, token: str, hub: bool, where: str
                         ) -> tuple[int, bytes]:
        return await self._run(lambda: self.service.notebooks(who, token, hub), where)


_HUB_HEADER = HUB_HEADER.lower().encode()
_SERVICE_ERROR = _error(500, "ServiceError", "the workshop service failed on this request; try "
                        "again, and tell the facilitator if it keeps failing")[1]
_METHOD = re.compile(r"[a-z_]+")


def serve(config: ServiceConfig, host: str = "127.0.0.1", port: int = 0,
          ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None, processes: int = 1) -> None:
    """Run the service until SIGINT/SIGTERM (or `stop` is set); `ready(url)` once listening.

    With `processes` > 1 the process forks: each process answers with its own thread pool and
    store connections (a room's burst of submits is spread over the machine's cores). Where the
    system has SO_REUSEPORT (Linux), each process listens on a socket of its own on the same
    port and the kernel deals new connections out evenly; elsewhere they share one socket.
    SIGTERM to the first process stops them all.
    """
    reuse = processes > 1 and hasattr(socket, "SO_REUSEPORT")
    sockets = tornado.netutil.bind_sockets(port, host, reuse_port=reuse)
    bound = sockets[0].getsockname()[1]
    own = [sockets] + [tornado.netutil.bind_sockets(bound, host, reuse_port=True) if reuse
                       else sockets for _ in range(processes - 1)]
    children: list[int] = []
    parent = os.getpid()
    if processes > 1:
        if stop is not None:
            raise ParameterError("several processes are for `workshop-kit serve`, not a thread")
        for n in range(1, processes):
            pid = os.fork()
            if pid == 0:  # a child: serve until told to stop, or until the first one is gone
                code = 0
                try:
                    _close_others(own, n)
                    _serve_on(config, own[n], None, None, parent, True)
                except BaseException:
                    log.exception("a service process failed")
                    code = 1
                os._exit(code)
            children.append(pid)
        _close_others(own, 0)
    shown = f"[{host}]" if ":" in host else host
    try:
        _serve_on(config, sockets, lambda: ready and ready(f"http://{shown}:{bound}"), stop,
                  None, processes > 1)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _close_others(own: list[list[Any]], mine: int) -> None:
    """In one of several processes, close the listening sockets of the others (their own)."""
    for sockets in own:
        if sockets is not own[mine]:
            for sock in sockets:
                sock.close()


def _run(main: Any) -> None:
    """Run the service's IO loop to the end of `main`: on uvloop where it is installed (the
    kit's dependency on Linux and macOS), asyncio's own loop otherwise or when
    $WORKSHOP_KIT_EVENT_LOOP is 'asyncio'. uvicorn runs on either; uvloop's loop, written in
    C on libuv, spends less of the service's time per submit on callbacks, timers and
    socket registrations."""
    if os.environ.get("WORKSHOP_KIT_EVENT_LOOP", "").strip().lower() != "asyncio":
        try:
            import uvloop  # noqa: PLC0415 - optional: not on Windows
        except ImportError:
            pass
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(main)
            return
    asyncio.run(main)


def _http_protocol() -> Any:
    """uvicorn's httptools protocol, closing a connection whose request (head and body) is
    not all in within REQUEST_SECONDS of its first byte (or of the connection, for the first
    request): uvicorn has no such timeout, and without one a client that sends a request a
    byte at a time holds a connection for as long as it likes. "auto" (uvicorn's choice)
    where httptools is missing."""
    try:
        from uvicorn.protocols.http.httptools_impl import (  # noqa: PLC0415
            HttpToolsProtocol,
        )
    except ImportError:  # pragma: no cover - httptools is a dependency on CPython
        return "auto"

    class Protocol(HttpToolsProtocol):
        _request_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._request_timer is None:
                self._arm()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._request_timer = self.loop.call_later(REQUEST_SECONDS, self._too_slow)

        def _disarm(self) -> None:
            if self._request_timer is not None:
                self._request_timer.cancel()
                self._request_timer = None

        def _too_slow(self) -> None:
            self._request_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return Protocol


def _warm_charts(content: Content) -> None:
    """Load what drawing the room's charts needs (altair and its Vega-Lite schema, each
    module type's cockpit part) before the service answers. Loaded at the day's first reveal
    instead, the whole room waited for it (a first look at the results: p99 566 ms in
    bench_store, where a warm drawing takes 40-50 ms), and the objects it makes were not
    frozen with the rest (see the gc.freeze below) for every later full collection to walk."""
    import altair as alt  # noqa: PLC0415 (only a process of its own warms up)
    import pandas as pd  # noqa: PLC0415

    from .cockpit import cockpit_exercises  # noqa: PLC0415

    for module in content.modules:
        cockpit_exercises(content, module)
    alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q").to_dict()


def _serve_on(config: ServiceConfig, sockets: list, ready: Callable[[], Any] | None,
              stop: threading.Event | None, parent: int | None,
              exact_quota: bool = False) -> None:
    service = Service(config)
    # several processes write the same store: the quota is read again in every transaction
    service.writer.exact_each_batch = exact_quota

    async def main() -> None:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "") if config.hub else ""
        server = uvicorn.Server(uvicorn.Config(
            App(service, prefix), loop="none", http=_http_protocol(), ws="none", lifespan="off",
            log_config=None, access_log=False, server_header=False, date_header=False,
            proxy_headers=False, timeout_keep_alive=IDLE_SECONDS))
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        if stop is None:  # (uvicorn takes these over while it serves, and stops alike)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, done.set)
        else:
            loop.run_in_executor(None, lambda: (stop.wait(), loop.call_soon_threadsafe(
                done.set)))
        if parent is not None:  # a forked child: stop with the process that started it
            def orphaned() -> None:
                if os.getppid() != parent:
                    done.set()
                else:
                    loop.call_later(1.0, orphaned)

            loop.call_later(1.0, orphaned)

        async def stopping() -> None:
            await done.wait()
            server.should_exit = True

        watch = asyncio.ensure_future(stopping())
        if ready:
            ready()  # the sockets listen already: a request now waits in their backlog
        try:
            await server.serve(sockets=sockets)
        finally:
            watch.cancel()

    if stop is None:  # a process of its own (`workshop-kit serve`), not a thread of a caller
        _warm_charts(service.content)
        # Everything loaded by now (the kit, pandas, altair, the content) lives
        # as long as the process. Left to the garbage collector, each full collection walks
        # all of it: 25-45 ms in which the IO loop answers nobody, three times in a room's
        # 4,000 submits. Frozen, a full collection walks only what came since (1-9 ms).
        gc.collect()
        gc.freeze()
    try:
        _run(main())
    finally:
        service.close()
