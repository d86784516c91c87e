"""What a notebook holds instead of a store: the service's URL and one credential.

`ParticipantClient` and `FacilitatorClient` offer the methods of the guards in
`workshop_kit.access` (same names, same arguments), so widgets, the live dilemma and the cockpit
work unchanged; each call is one HTTP request to `workshop-kit serve`, which checks the
credential and the rules and alone opens the store. Nothing reachable from these objects can
read or write the store directly.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import tempfile
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .content import load_content
from .errors import (
    AccessError,
    ContentError,
    ExerciseLockedError,
    ParameterError,
    StoreError,
    WorkshopKitError,
)
from .store import FACILITATOR, Answer, ExerciseState, answers_frame

ENV_SERVICE_URL = "WORKSHOP_KIT_SERVICE_URL"
# On a JupyterHub a kernel's own credential, given it by its single-user server: sent when the
# notebook holds no kit token (a hub build), and checked by the service against the hub.
ENV_HUB_TOKEN = "JUPYTERHUB_API_TOKEN"
HUB_HEADER = "X-Workshop-Credential"
API = "/api/v1"
MAX_BODY_BYTES = 256 * 1024  # a request body; an answer is limited further by its schema
TIMEOUT = 60  # seconds to wait for the service

_ERRORS: dict[str, type[WorkshopKitError]] = {
    "AccessError": AccessError,
    "ExerciseLockedError": ExerciseLockedError,
    "ParameterError": ParameterError,
    "AnswerError": ParameterError,
    "ContentError": ContentError,
    "StoreError": StoreError,
}


def too_big(size: int) -> str:
    return (f"the request is {size:,} bytes, more than the {MAX_BODY_BYTES:,} the service "
            "takes; an answer or an id that big is not one the kit sends")


def resolve_service_url(url: str | None) -> str:
    """The URL given, else $WORKSHOP_KIT_SERVICE_URL (set by `workshop-kit cockpit`, `run`
    and `demo`, which start the service); a clear error if neither is set."""
    found = (url or os.environ.get(ENV_SERVICE_URL, "")).rstrip("/")
    if not found:
        raise ParameterError(
            "no workshop service to talk to: open this notebook from `workshop-kit cockpit "
            f"FOLDER` (it starts the service), or set {ENV_SERVICE_URL}, or rebuild the cohort "
            "with --service-url")
    if not found.startswith(("http://", "https://")):
        raise ParameterError(f"service_url '{found[:80]}' must start with http:// or https://")
    return found


def decode(value: Any) -> Any:
    """The service's tagged JSON back into answers, states, times and tables."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("_t")
    if tag == "answer":
        fields = {k: v for k, v in value.items() if k != "_t"}
        fields["submitted_at"] = datetime.fromisoformat(fields["submitted_at"])
        return Answer(**fields)
    if tag == "state":
        return ExerciseState(**{k: v for k, v in value.items() if k != "_t"})
    if tag == "time":
        return datetime.fromisoformat(value["v"])
    if tag == "frame":
        return answers_frame([Answer("", r["participant"], "", r["exercise"], r["version"],
                                     r["payload"], datetime.fromisoformat(r["submitted_at"]),
                                     r["source"], r["run"]) for r in value["rows"]])
    if tag == "states":
        states = [decode(s) for s in value["items"]]
        return {(s.module, s.exercise): s for s in states}
    return {k: decode(v) for k, v in value.items()}


_ENCODER = json.JSONEncoder(allow_nan=False)  # made once, not by every json.dumps(…, allow_nan=…)


class _OneSend:
    """An HTTP connection that sends a request's head and its (small) body in one segment:
    http.client sends them apart, which costs both sides a system call and the service an
    extra read and turn of its event loop per request."""

    _buffer: list[bytes]

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        if isinstance(message_body, bytes) and len(message_body) <= 64 * 1024:
            self._buffer.extend((b"", b""))
            head = b"\r\n".join(self._buffer)
            del self._buffer[:]
            self.send(head + message_body)  # type: ignore[attr-defined]
            return
        super()._send_output(message_body, encode_chunked)  # type: ignore[misc]


class _HTTPSConnection(_OneSend, http.client.HTTPSConnection):
    pass


class _PlainConnection:
    """A kept-alive HTTP/1.1 connection to the service over plain http://, lighter than
    http.client on both sides: the request in one send, and the answer read by a small parser
    (status line, the headers it needs, a Content-Length or chunked body), not the e-mail
    parser http.client runs on every answer's headers."""

    def __init__(self, host: str, port: int | None, timeout: float):
        self.host, self.port, self.timeout = host, port or 80, timeout
        self._sock: socket.socket | None = None
        self._file: Any = None

    def request(self, method: str, target: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> None:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "Accept-Encoding: identity"]
        for name, value in (headers or {}).items():
            if "\r" in value or "\n" in value:
                raise ValueError(f"Invalid header value for {name}")
            lines.append(f"{name}: {value}")
        if body is not None or method == "POST":
            lines.append(f"Content-Length: {len(body or b'')}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), self.timeout)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._file = self._sock.makefile("rb")
        self._sock.sendall(data)

    def getresponse(self) -> _PlainResponse:
        read = self._file.readline
        line = read(65537)
        if not line:
            raise http.client.RemoteDisconnected("Remote end closed connection without "
                                                 "response")
        version, _, rest = line.partition(b" ")
        if not version.startswith(b"HTTP/") or not rest[:3].isdigit():
            raise http.client.BadStatusLine(line[:80].decode("latin-1"))
        status = int(rest[:3])
        length, chunked, close = None, False, version == b"HTTP/1.0"
        for _ in range(101):
            line = read(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        else:
            raise http.client.HTTPException("got more than 100 headers")
        if chunked:
            parts = []
            while True:
                size = int(read(65537).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while read(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                parts.append(self._exactly(size))
                read(65537)
            raw = b"".join(parts)
        elif length is not None:
            raw = self._exactly(length)
        else:
            raw, close = self._file.read(), True
        if close:
            self.close()
        return _PlainResponse(status, raw)

    def _exactly(self, size: int) -> bytes:
        data = self._file.read(size)
        if len(data) < size:
            raise http.client.IncompleteRead(data, size - len(data))
        return data

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._sock is not None:
            self._sock.close()
        self._sock = self._file = None


@dataclass
class _PlainResponse:
    status: int
    raw: bytes

    def read(self) -> bytes:
        return self.raw


class _RuleCall:
    """A client method that makes the call of a module's rules named like the attribute:
    ``method(cohort, *arguments, module=None, **arguments)``, the positional ones named
    `params` in order (a JSON-safe type forced with `casts`)."""

    def __init__(self, *params: str, casts: dict[str, Callable[[Any], Any]] | None = None):
        self.params, self.casts, self.name = params, casts or {}, ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, client: Any, owner: type | None = None) -> Any:
        if client is None:
            return self

        def call(cohort: str, *args: Any, module: str | None = None, **kwargs: Any) -> Any:
            if len(args) > len(self.params):
                raise ParameterError(f"{self.name} takes {len(self.params)} arguments after "
                                     f"the cohort, not {len(args)}")
            named = {**dict(zip(self.params, args, strict=False)), **kwargs}
            named = {k: self.casts[k](v) if k in self.casts else v for k, v in named.items()}
            return client.rule(cohort, self.name, module=module, **named)

        call.__name__ = call.__qualname__ = self.name
        return call


class _Client:
    role = ""

    def __init__(self, url: str, cohort: str, who: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset()):
        self.url = resolve_service_url(url)
        self.cohort, self.who = cohort, who
        self.personal_modules = frozenset(personal_modules)
        hub_token = "" if token else os.environ.get(ENV_HUB_TOKEN, "")
        self.__token = token or hub_token
        self.__hub = bool(hub_token)
        self.__local = threading.local()  # one HTTP session (kept alive) per thread
        self.__base = urllib.parse.urlsplit(self.url).path.rstrip("/") + API

    @property
    def where(self) -> str:
        return f"the workshop service at {self.url}"

    def _connection(self) -> Any:
        """This thread's connection to the service, kept alive between calls (the live game
        and the cockpit poll from a thread of their own)."""
        conn = getattr(self.__local, "conn", None)
        if conn is None:
            parts = urllib.parse.urlsplit(self.url)
            kind = _HTTPSConnection if parts.scheme == "https" else _PlainConnection
            conn = kind(parts.hostname or "", parts.port, timeout=TIMEOUT)
            self.__local.conn = conn
        return conn

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        """One request; a connection the service closed meanwhile is reopened once."""
        data = None if body is None else _ENCODER.encode(body).encode()
        if data is not None and len(data) > MAX_BODY_BYTES:
            # the service refuses it too (413), but only after the notebook sent it all
            raise ParameterError(too_big(len(data)))
        headers = {"Authorization": f"token {self.__token}"}  # the service only speaks JSON
        if self.__hub:
            headers[HUB_HEADER] = "jupyterhub"
        if data is not None:
            headers["Content-Type"] = "application/json"
        target = self.__base + path
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, target, body=data, headers=headers)
                response = conn.getresponse()
                raw, status = response.read(), response.status
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                self.__local.conn = None
                stale = isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError |
                                   ConnectionResetError)
                if attempt == 1 and stale:
                    continue  # a kept-alive connection the service had closed: once more
                raise StoreError(f"cannot reach {self.where} ({type(exc).__name__}); is it "
                                 "running? Your answer is kept here") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise StoreError(f"{self.where} answered {status} without JSON; is that the "
                             "workshop service's address?") from None
        if isinstance(answer, dict) and "error" in answer:
            error = answer["error"]
            kind = _ERRORS.get(error.get("type", ""), StoreError)
            raise kind(error.get("message", "the service refused the request"))
        return decode(answer.get("result") if isinstance(answer, dict) else None)

    def _call(self, method: str, cohort: str, **args: Any) -> Any:
        if cohort != self.cohort:
            raise AccessError(f"this notebook is for cohort '{self.cohort}', not '{cohort}'")
        sent = {k: (v.isoformat() if isinstance(v, datetime) else
                    list(v) if isinstance(v, tuple) else v)
                for k, v in args.items() if v is not None}
        return self._request("POST", f"/{self.role}/{method}",
                             {"as": self.who, "args": sent})

    def content_files(self) -> dict[str, str]:
        """The cohort's content files, as the service serves them (this checks the
        credential too)."""
        return self._request("GET", "/content?" + urllib.parse.urlencode({"as": self.who}))

    def close(self) -> None:
        conn = getattr(self.__local, "conn", None)
        if conn is not None:
            conn.close()
            self.__local.conn = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.who} of {self.cohort} at {self.url}>"

    # -- calls both roles make ---------------------------------------------------------------
    def rule(self, cohort: str, name: str, *, module: str | None = None,
             **arguments: Any) -> Any:
        """A call a module's rules add (its rules part's PARTICIPANT_CALLS or
        FACILITATOR_CALLS), for the agenda's module id `module` (None: the first module of
        the agenda whose type offers it), with its own arguments by name."""
        return self._call(name, cohort, module=module, **arguments)

    def submit(self, cohort: str, participant: str, module: str, exercise: str,
               payload: dict[str, Any], **_ignored: Any) -> Answer:
        return self._call("submit", cohort, participant=participant, module=module,
                          exercise=exercise, payload=payload)

    def latest_answer(self, cohort: str, participant: str, module: str,
                      exercise: str) -> Answer | None:
        return self._call("latest_answer", cohort, participant=participant, module=module,
                          exercise=exercise)

    def latest(self, cohort: str, participant: str, module: str | None = None) -> list[Answer]:
        return self._call("latest", cohort, participant=participant, module=module)

    def history(self, cohort: str, participant: str, module: str,
                exercise: str) -> list[Answer]:
        return self._call("history", cohort, participant=participant, module=module,
                          exercise=exercise)

    def latest_many(self, cohort: str, module: str, participants: list[str],
                    exercise_prefix: str) -> list[Answer]:
        return self._call("latest_many", cohort, module=module, participants=participants,
                          exercise_prefix=exercise_prefix)

    def exercise_state(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        return self._call("exercise_state", cohort, module=module, exercise=exercise)


class ParticipantClient(_Client):
    """A participant's notebook: their own answers, and what the room may show them."""

    role = "participant"

    def __init__(self, url: str, cohort: str, participant: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset()):
        super().__init__(url, cohort, participant, token, personal_modules)
        self.participant = participant

    def room_results(self, cohort: str, module: str, exercise: str) -> dict[str, Any]:
        """The room's results of an exercise as the service draws them (`Service.room_results`:
        a state, and once revealed the chart's spec); never the answers themselves."""
        return self._call("room_results", cohort, module=module, exercise=exercise)

    def names(self, cohort: str, ids: list[str] | None = None) -> dict[str, str]:
        return self._call("names", cohort, ids=list(ids or []))
    def save_draft(self, cohort: str, participant: str, module: str, exercise: str,
                   payload: dict[str, Any] | None = None) -> None:
        """Keep what was typed into a form, not submitted (None removes it); always the
        caller's own: the service takes no participant argument for drafts."""
        self._mine_only(participant)
        self._call("save_draft", cohort, module=module, exercise=exercise, payload=payload)

    def draft(self, cohort: str, participant: str, module: str,
              exercise: str) -> dict[str, Any] | None:
        self._mine_only(participant)
        return self._call("draft", cohort, module=module, exercise=exercise)

    def _mine_only(self, participant: str) -> None:
        if participant != self.who:
            raise AccessError(f"participant '{self.who}' cannot reach the drafts of "
                              f"'{participant[:40]}': each keeps only their own")

    # -- calls the modules' rules add (`workshop_kit.access`, the rules parts) ---------------
    # `rule(cohort, name, module=…, **arguments)` makes any of them; these keep the widgets'
    # call shapes, each with an optional `module=` (the agenda's module id; by default the
    # first module whose type offers the call).
    peer_definitions = _RuleCall("exercise", "case")
    vote_case = _RuleCall()
    gift_partners = _RuleCall()
    from_gift_partner = _RuleCall("partner", "exercise", "plan_exercise")
    roleplay_feedback = _RuleCall("round_no", casts={"round_no": int})


class FacilitatorClient(_Client):
    """The facilitator's notebook: the room (personal answers as aggregates unless shared)
    and the controls."""

    role = "facilitator"

    def __init__(self, url: str, cohort: str, token: str,
                 personal_modules: frozenset[str] | set[str] = frozenset()):
        super().__init__(url, cohort, FACILITATOR, token, personal_modules)

    def module_answers(self, cohort: str, module: str, exercise: str | None = None) -> Any:
        return self._call("module_answers", cohort, module=module, exercise=exercise)

    def participants(self, cohort: str, exclude: tuple[str, ...] = ()) -> list[str]:
        return self._call("participants", cohort, exclude=list(exclude))

    def answers_since(self, cohort: str, module: str, after_id: int = 0,
                      limit: int | None = None) -> list[Answer]:
        return self._call("answers_since", cohort, module=module, after_id=int(after_id),
                          limit=limit)

    def answered(self, cohort: str, module: str, exercise: str | None = None) -> int:
        return self._call("answered", cohort, module=module, exercise=exercise)

    def registered(self, cohort: str) -> list[str]:
        return self._call("registered", cohort)

    def names(self, cohort: str, ids: list[str] | None = None) -> dict[str, str]:
        return self._call("names", cohort, ids=None if ids is None else list(ids))

    def exercise_states(self, cohort: str, module: str | None = None
                        ) -> dict[tuple[str, str], ExerciseState]:
        return self._call("exercise_states", cohort, module=module)

    def set_exercise_state(self, cohort: str, module: str, exercise: str, *,
                           locked: bool | None = None, revealed: bool | None = None
                           ) -> ExerciseState:
        return self._call("set_exercise_state", cohort, module=module, exercise=exercise,
                          locked=locked, revealed=revealed)

    def reset_exercise(self, cohort: str, module: str, exercise: str) -> ExerciseState:
        return self._call("reset_exercise", cohort, module=module, exercise=exercise)

    def mark_module(self, cohort: str, module: str, *, started_at: datetime | None = None,
                    ended_at: datetime | None = None) -> None:
        self._call("mark_module", cohort, module=module, started_at=started_at,
                   ended_at=ended_at)

    def module_times(self, cohort: str) -> dict[str, tuple[datetime | None, datetime | None]]:
        return {m: tuple(v) for m, v in self._call("module_times", cohort).items()}

    def count(self, cohort: str | None = None) -> int:
        return self._call("count", cohort or self.cohort)

    definition_keys = _RuleCall()


_CONTENT: dict[tuple[str, str], Any] = {}  # (service URL, cohort) → Content, per kernel


def fetch_content(client: _Client) -> Any:
    """The cohort's content as the service serves it, loaded once per kernel."""
    key = (client.url, client.cohort)
    files = client.content_files()  # every session checks its credential here
    if key not in _CONTENT:
        _CONTENT[key] = load_served_content(files)
    return _CONTENT[key]


def load_served_content(files: dict[str, str]) -> Any:
    """Content from the files the service sent ({relative path: YAML text}), loaded through
    the same checks as the trainer's folder."""
    with tempfile.TemporaryDirectory(prefix="workshop-kit-content-") as folder:
        for rel, text in files.items():
            if Path(rel).is_absolute() or ".." in Path(rel).parts:
                raise ContentError(f"the service sent a content file outside its folder: "
                                   f"{rel[:80]}")
            target = Path(folder) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return load_content(folder, check_notebooks=False)
