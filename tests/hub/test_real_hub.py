"""The day on a real JupyterHub 6 with real Linux users.

Creates users p01-p03, `facil` and `cofacil` (useradd -m; cofacil in the Unix group named like
the cohort's facilitator_hub_group), builds a --hub cohort, hands the notebooks out
(`workshop-kit handout --fix-modes`; cofacil gets the facilitator's), starts a JupyterHub
(LocalProcessSpawner; the workshop service registered with the lines `workshop-kit hub-config`
prints), starts each user's server through the hub API, and in each participant's own server,
in a kernel running as their OS user with the credential the hub gave that server, runs their
notebook's injected parameters, a session and a check-in submit. Then the facilitator, in
their own server, sees the three answers; p01's kernel cannot read p02's home nor act as p02,
and every probe of the service from it (p02's answers, submitting as p02, each facilitator
action, a malformed check-in, p02's notebooks) is refused in one line with the store's rows
unchanged. p03 takes its notebooks with `workshop-kit fetch` in its own server. Users, the
group and processes are removed.

Needs root, useradd, jupyterhub and configurable-http-proxy, and a Python the new users may
run; skips otherwise (fails instead with WORKSHOP_KIT_REQUIRE_HUB=1).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PARTICIPANTS = ("p01", "p02", "p03")
FACILITATOR = "facil"
CO_FACILITATOR = "cofacil"  # in the hub group the cohort names: the facilitator's rights too
USERS = (*PARTICIPANTS, FACILITATOR, CO_FACILITATOR)
HANDED = USERS  # the co-facilitator gets the facilitator's notebooks (the Unix group)
GROUP = "facilitators"
COHORT = "hubday"
BIN = Path(sys.executable).parent


def _unreachable_by_others(path: Path) -> Path | None:
    """The first folder on the way to `path` (resolved) that other users cannot enter."""
    for part in [*reversed(path.resolve().parents), path.resolve()]:
        mode = part.stat().st_mode
        needed = stat.S_IXOTH if part.is_dir() else stat.S_IROTH
        if not mode & needed:
            return part
    return None


def _why_not() -> str:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "the hub test creates Linux users: it runs as root on Linux (CI does)"
    for tool in ("useradd", "userdel", "configurable-http-proxy"):
        if not shutil.which(tool):
            return (f"no {tool} on PATH" + (" (npm install -g configurable-http-proxy)"
                                            if "proxy" in tool else ""))
    if not (BIN / "jupyterhub").exists():
        return f"no jupyterhub in {BIN} (pip install -e '.[test]')"
    import workshop_kit

    for needed in (Path(sys.executable), Path(sys.prefix) / "lib",
                   Path(workshop_kit.__file__).parent, REPO / "data"):
        blocked = _unreachable_by_others(needed)
        if blocked:
            return (f"{blocked} is closed to other users (mode "
                    f"{stat.S_IMODE(blocked.stat().st_mode):04o}), so the hub's users cannot "
                    f"run this Python ({sys.executable}); make the venv from a Python outside "
                    "/root, in a folder others may enter")
    import grp

    with contextlib.suppress(KeyError):
        grp.getgrnam(GROUP)
        return f"group {GROUP} already exists here; the test makes and removes its own"
    taken = [u for u in USERS if _exists(u)]
    if taken:
        return (f"user(s) {', '.join(taken)} already exist here; the test makes and removes "
                "its own (userdel -r them if a previous run left them)")
    return ""


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def preconditions():
    reason = _why_not()
    if reason and os.environ.get("WORKSHOP_KIT_REQUIRE_HUB") == "1":
        pytest.fail(f"hub test required (WORKSHOP_KIT_REQUIRE_HUB=1): {reason}")
    if reason:
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "workshop_kit.cli", *args], capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def linux_users(preconditions):
    made = []
    try:
        for user in USERS:
            subprocess.run(["useradd", "-m", "-s", "/bin/bash", user], check=True,
                           capture_output=True)
            made.append(user)
        subprocess.run(["groupadd", GROUP], check=True, capture_output=True)
        subprocess.run(["gpasswd", "-a", CO_FACILITATOR, GROUP], check=True,
                       capture_output=True)
        yield made
    finally:
        for user in made:  # whatever still runs as a user made here was started by this test
            found = subprocess.run(["ps", "-o", "pid=", "-u", user], capture_output=True,
                                   text=True).stdout.split()
            for pid in found:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
        for user in made:
            subprocess.run(["userdel", "-r", user], capture_output=True)
        subprocess.run(["groupdel", GROUP], capture_output=True)


class Hub:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def api(self, method: str, path: str, body: object = None, token: str = "") -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}", data=data, method=method,
            headers={"Authorization": f"token {token or self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def server(self, user: str, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/user/{user}/api{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


async def _execute(hub: Hub, user: str, kernel: str, code: str, timeout: float = 180) -> str:
    """Run `code` in the kernel over the server's websocket; its printed output, or raise."""
    import tornado.httpclient
    import tornado.websocket

    url = hub.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{kernel}/channels"
    request = tornado.httpclient.HTTPRequest(
        url, headers={"Authorization": f"token {hub.token}"}, request_timeout=60)
    ws = await tornado.websocket.websocket_connect(request)
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    out: list[str] = []
    error = None
    replied = idle = False
    deadline = time.monotonic() + timeout
    try:
        while not (replied and idle):
            raw = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
            assert raw is not None, f"{user}'s kernel closed its websocket"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
    finally:
        ws.close()
    if error:
        raise AssertionError(f"in {user}'s kernel: {error}\n{''.join(out)}")
    return "".join(out)


def _in_kernel(hub: Hub, user: str, code: str) -> str:
    kernel = hub.server(user, "POST", "/kernels", {"name": "python3"})["id"]
    try:
        # in a thread of its own: the browser tests' Playwright keeps an event loop running in
        # this one for the whole session
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _execute(hub, user, kernel, code)).result()
    finally:
        hub.server(user, "DELETE", f"/kernels/{kernel}")


CHECK_IN = '''
import os, pwd
assert pwd.getpwuid(os.getuid()).pw_name == {user!r}, pwd.getpwuid(os.getuid()).pw_name
import nbformat
nb = nbformat.read(os.path.expanduser("~/workshop/01_checkin.ipynb"), as_version=4)
[cell] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
exec(cell.source)  # the notebook's own parameters: no token in them on a hub
assert token == "" and "JUPYTERHUB_API_TOKEN" in os.environ
from workshop_kit.session import ParticipantSession
s = ParticipantSession(participant_id, cohort_id, service_url, token=token,
                       practice_area=practice_area, partners=partners)
ratings = {{item.id: s.content.checkin.scale.min + 1 for _, item in s.content.checkin.items()}}
answer = s.store.submit(cohort_id, participant_id, "checkin", s.content.checkin.exercise,
                        {{"ratings": ratings, "share_with_facilitator": True,
                          "situation": "A finance director wants a second opinion on the "
                                       "audit plan of a subsidiary before the board meets."}})
print("saved", answer.participant, answer.version)
'''

STRANGER = '''
import os
from workshop_kit.client import ParticipantClient
from workshop_kit.errors import AccessError
try:
    os.listdir("/home/p02/workshop")
    print("read p02's folder")
except PermissionError:
    print("p02's folder: permission denied")
try:
    ParticipantClient(os.environ["WORKSHOP_KIT_SERVICE_URL"], {cohort!r}, "p02", "").latest(
        {cohort!r}, "p02")
    print("acted as p02")
except AccessError as exc:
    print("as p02:", exc)
for name in ("cohort.json", "trainer-secret.txt", "responses.sqlite", "facilitator"):
    try:
        os.stat(os.path.join({folder!r}, name))
        print("reached the trainer's", name)
    except PermissionError:
        print("trainer's", name + ": permission denied")
'''

FACILITATOR_VIEW = '''
import os, pwd
assert pwd.getpwuid(os.getuid()).pw_name == "facil"
from workshop_kit.client import FacilitatorClient
room = FacilitatorClient(os.environ["WORKSHOP_KIT_SERVICE_URL"], {cohort!r}, "")
for p in {participants!r}:
    a = room.latest_answer({cohort!r}, p, "checkin", "trust_profile")
    print(p, "none" if a is None else sorted(a.payload["ratings"].values()))
'''

NOT_FACILITATOR = '''
import os
from workshop_kit.client import FacilitatorClient
from workshop_kit.errors import AccessError
try:
    FacilitatorClient(os.environ["WORKSHOP_KIT_SERVICE_URL"], {cohort!r}, "").count()
    print("counted the room")
except AccessError as exc:
    print(exc)
'''


PROBES = '''
import json, os, urllib.error, urllib.request
url = os.environ["WORKSHOP_KIT_SERVICE_URL"] + "/api/v1"
headers = {{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"],
           "X-Workshop-Credential": "jupyterhub", "Content-Type": "application/json"}}
C = {cohort!r}
answer = {{"participant": "p02", "module": "checkin", "exercise": "trust_profile"}}
def call(path, who=None, args=None):
    data = None if args is None else json.dumps({{"as": who, "args": args}}).encode()
    request = urllib.request.Request(url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return "ALLOWED " + response.read().decode()[:200]
    except urllib.error.HTTPError as exc:
        error = json.loads(exc.read())["error"]
        one = "" if "\\n" not in error["message"] else " MULTI-LINE"
        return f"{{exc.code}} {{error['type']}}: {{error['message']}}{{one}}"
probes = [
    ("read p02", "/participant/latest", "p01", {{"participant": "p02"}}),
    ("read p02's check-in", "/participant/latest_answer", "p01", answer),
    ("p02's history", "/participant/history", "p01", answer),
    ("read as p02", "/participant/latest", "p02", {{"participant": "p02"}}),
    ("submit as p02", "/participant/submit", "p02",
     {{**answer, "payload": {{"ratings": {{}}}}}}),
    ("submit p02's answer", "/participant/submit", "p01",
     {{**answer, "payload": {{"ratings": {{}}}}}}),
    ("module_answers", "/facilitator/module_answers", "facilitator", {{"module": "checkin"}}),
    ("set_exercise_state", "/facilitator/set_exercise_state", "facilitator",
     {{"module": "checkin", "exercise": "trust_profile", "locked": True}}),
    ("reset_exercise", "/facilitator/reset_exercise", "facilitator",
     {{"module": "checkin", "exercise": "trust_profile"}}),
    ("registered", "/facilitator/registered", "facilitator", {{}}),
    ("participants", "/facilitator/participants", "facilitator", {{}}),
    ("mark_module", "/facilitator/mark_module", "facilitator",
     {{"module": "checkin", "started_at": "2026-12-03T09:00:00"}}),
    ("answers_since", "/facilitator/answers_since", "facilitator", {{"module": "checkin"}}),
    ("malformed check-in", "/participant/submit", "p01",
     {{**answer, "participant": "p01", "payload": {{"ratings": [1, 2]}}}}),
]
for name, path, who, args in probes:
    print(name, "->", call(path, who, args))
print("p02's notebooks ->", call("/notebooks?as=p02"))
print("the facilitator's notebooks ->", call("/notebooks?as=facilitator"))
'''
CANNOT_READ = "403 AccessError: participant 'p01' cannot read the answers of 'p02'"
NOT_THE_FACILITATOR = "403 AccessError: hub user 'p01' is not the facilitator of cohort"
EXPECTED = {
    "read p02": CANNOT_READ,
    "read p02's check-in": CANNOT_READ,
    "p02's history": CANNOT_READ,
    "read as p02": "403 AccessError: hub user 'p01' is participant 'p01' and cannot act as 'p02'",
    "submit as p02": "403 AccessError: hub user 'p01' is participant 'p01' and cannot act as",
    "submit p02's answer": "403 AccessError: participant 'p01' cannot write the answers of 'p02'",
    "module_answers": NOT_THE_FACILITATOR,
    "set_exercise_state": NOT_THE_FACILITATOR,
    "reset_exercise": NOT_THE_FACILITATOR,
    "registered": NOT_THE_FACILITATOR,
    "participants": NOT_THE_FACILITATOR,
    "mark_module": NOT_THE_FACILITATOR,
    "answers_since": NOT_THE_FACILITATOR,
    "malformed check-in": "400 AnswerError: answer to checkin/trust_profile: field 'ratings' is "
                          "[1, 2], must be a JSON object",
    "p02's notebooks": "403 AccessError: your hub credential is participant 'p01' and cannot "
                       "fetch the notebooks of 'p02'",
    "the facilitator's notebooks": "403 AccessError: your hub credential is participant 'p01' "
                                   "and cannot fetch the notebooks of 'facilitator'",
}

FETCH = '''
import os, pwd, subprocess, sys
assert pwd.getpwuid(os.getuid()).pw_name == {user!r}
for _ in range(2):
    done = subprocess.run([sys.executable, "-m", "workshop_kit.cli", "fetch", "--into",
                           "~/fetched"], capture_output=True, text=True)
    print(done.returncode, done.stdout.strip(), done.stderr.strip())
'''

FETCH_OTHERS = '''
import subprocess, sys
for extra in ([], ["--as", "p02"]):
    done = subprocess.run([sys.executable, "-m", "workshop_kit.cli", "fetch", "--into",
                           "~/fetched", *extra], capture_output=True, text=True)
    print(done.returncode, done.stdout.strip(), done.stderr.strip())
'''


def _snapshot(store_url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the SQLite store, read as root (not through the kit)."""
    import sqlite3

    assert store_url.startswith("sqlite:///"), store_url
    conn = sqlite3.connect(store_url[len("sqlite:///"):])
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(tuple(str(v) for v in r) for r in conn.execute(f"SELECT * FROM {t}"))
                for t in tables}
    finally:
        conn.close()


def test_a_day_on_a_real_jupyterhub(tmp_path, linux_users):
    # -- the trainer: roster, hub build, hand-out -----------------------------------------
    (tmp_path / "in").mkdir()
    (tmp_path / "in/roster.csv").write_text(
        "id,name,email,practice_area,hub_user\n"
        "p01,Ann,ann@example.com,legal,\np02,Bob,bob@example.com,consulting,\n"
        "p03,Cy,cy@example.com,accounting,\n", encoding="utf-8")
    (tmp_path / "in/hubday.yaml").write_text(
        f'id: {COHORT}\nname: Hub day\ndate: "2026-12-03"\nroster: roster.csv\nhub: true\n'
        f"facilitator_hub_user: {FACILITATOR}\nfacilitator_hub_group: facilitators\n",
        encoding="utf-8")
    folder = tmp_path / COHORT
    _cli("build", str(tmp_path / "in/hubday.yaml"), "--data", str(REPO / "data"),
         "--out", str(folder))
    refused = _cli("handout", str(folder), "--home", "/home/{user}/workshop")
    assert refused.count("is readable by others (mode 0755)") == 5, refused
    handed = _cli("handout", str(folder), "--home", "/home/{user}/workshop", "--fix-modes")
    print(handed)
    assert handed.count("home made 0700 (was 0755)") == 5, handed
    again = _cli("handout", str(folder), "--home", "/home/{user}/workshop", "--fix-modes")
    assert again.count(": unchanged,") == 5, again
    for user in HANDED:
        home = Path(f"/home/{user}")
        uid = pwd.getpwnam(user).pw_uid
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        notebooks = sorted((home / "workshop").glob("*.ipynb"))
        assert notebooks and all(n.stat().st_uid == uid for n in notebooks)
        assert all(stat.S_IMODE(n.stat().st_mode) == 0o600 for n in notebooks)
    for user in (FACILITATOR, CO_FACILITATOR):
        assert (Path(f"/home/{user}/workshop") / "00_cockpit.ipynb").exists()
    # a rebuild (here: the service's URL in every notebook) replaces the handed-out notebooks,
    # but not one a participant edited, nor their own files
    port, hub_port, proxy_port, service_port = (_free_port() for _ in range(4))
    mine = Path("/home/p01/workshop")
    with open(mine / "02_purpose.ipynb", "a", encoding="utf-8") as edited:
        edited.write("\n")
    (mine / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    _cli("build", str(tmp_path / "in/hubday.yaml"), "--data", str(REPO / "data"),
         "--out", str(folder), "--service-url", f"http://127.0.0.1:{service_port}")
    rehanded = _cli("handout", str(folder), "--home", "/home/{user}/workshop")
    assert ("p01: 6 written, 0 unchanged, kept 1 they edited (02_purpose.ipynb) in "
            "/home/p01/workshop") in rehanded, rehanded
    assert rehanded.count(" 7 written, 0 unchanged in ") == 2, rehanded
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "my own notes\n"
    assert (mine / "02_purpose.ipynb").read_text(encoding="utf-8").endswith("}\n\n")

    # -- the hub: the service as hub-config says, an admin service for the test ------------
    admin_token = secrets.token_hex(32)
    config = tmp_path / "jupyterhub_config.py"
    config.write_text("\n".join([
        _cli("hub-config", str(folder), "--port", str(service_port)),
        f"c.JupyterHub.ip = '127.0.0.1'; c.JupyterHub.port = {port}",
        f"c.JupyterHub.hub_ip = '127.0.0.1'; c.JupyterHub.hub_port = {hub_port}",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_port}'",
        f"c.JupyterHub.db_url = 'sqlite:///{tmp_path}/jupyterhub.sqlite'",
        f"c.JupyterHub.cookie_secret_file = '{tmp_path}/cookie_secret'",
        f"c.ConfigurableHTTPProxy.pid_file = '{tmp_path}/proxy.pid'",
        "c.JupyterHub.authenticator_class = 'dummy'",
        f"c.Authenticator.allowed_users = {set(USERS)!r}",
        f"c.JupyterHub.load_groups = {{'facilitators': {{'users': [{CO_FACILITATOR!r}]}}}}",
        # each server takes its person's notebooks as it starts, as the README shows
        "c.Spawner.cmd = ['sh', '-c', "
        f"'{BIN / 'workshop-kit'} fetch --into ~/at-start || true; "
        f"exec {BIN / 'jupyterhub-singleuser'} \"$@\"', 'sh']",
        "c.Spawner.start_timeout = 180; c.Spawner.http_timeout = 180",
        "c.JupyterHub.services.append({'name': 'test-admin', 'api_token': "
        f"{admin_token!r}}})",
        "c.JupyterHub.load_roles.append({'name': 'test-admin', 'services': ['test-admin'], "
        "'scopes': ['admin:users', 'admin:servers', 'access:servers', 'read:users']})",
    ]) + "\n", encoding="utf-8")
    started = time.monotonic()
    log = open(tmp_path / "hub.log", "wb")  # noqa: SIM115 (closed in finally)
    hub_proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=tmp_path,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", admin_token)
    try:
        for _ in range(240):
            assert hub_proc.poll() is None, (tmp_path / "hub.log").read_text()[-3000:]
            try:
                hub.api("GET", "/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        hub_up = time.monotonic() - started
        # the allowed users are in the hub's database from its start
        for user in USERS:
            hub.api("POST", f"/users/{user}/server")
        for user in USERS:
            for _ in range(360):
                model = hub.api("GET", f"/users/{user}")
                if model["servers"].get("", {}).get("ready"):
                    break
                time.sleep(0.5)
            else:
                raise AssertionError(f"{user}'s server did not start: "
                                     + (tmp_path / "hub.log").read_text()[-3000:])
        servers_up = time.monotonic() - started
        # the service answers through the hub's proxy too, under its /services/ prefix
        with urllib.request.urlopen(f"{hub.url}/services/workshop/api/v1/health",
                                    timeout=30) as response:
            assert json.loads(response.read()) == {"ok": True, "cohort": COHORT}

        # -- each participant, in their own server, as their own OS user ------------------
        for user in PARTICIPANTS:
            out = _in_kernel(hub, user, CHECK_IN.format(user=user))
            assert f"saved {user} 1" in out, out
        saved = time.monotonic() - started
        out = _in_kernel(hub, "p01", STRANGER.format(cohort=COHORT, folder=str(folder)))
        assert "p02's folder: permission denied" in out, out
        assert "reached the trainer's" not in out, out
        assert out.count("trainer's") == 4 and "cohort.json: permission denied" in out, out
        assert "as p02: hub user 'p01' is participant 'p01' and cannot act as 'p02'" in out, out
        # every probe of the service from p01's kernel is refused, and the store is unchanged
        store = json.loads((folder / "cohort.json").read_text(encoding="utf-8"))["store_url"]
        before = _snapshot(store)
        out = _in_kernel(hub, "p01", PROBES.format(cohort=COHORT))
        print(out)
        lines = out.strip().splitlines()
        assert len(lines) == len(EXPECTED), out
        for line, (name, expected) in zip(lines, EXPECTED.items(), strict=True):
            assert line.startswith(f"{name} -> "), out
            assert expected in line and "ALLOWED" not in line, line
        assert _snapshot(store) == before
        # p03 takes its notebooks itself, with its server's credential
        out = _in_kernel(hub, "p03", FETCH.format(user="p03"))
        count = len(list((folder / "participants/p03").glob("*.ipynb")))
        assert f"p03's notebooks: {count} written, 0 unchanged in /home/p03/fetched" in out, out
        assert f"p03's notebooks: unchanged, {count} notebooks in /home/p03/fetched" in out, out
        fetched = Path("/home/p03/fetched")
        assert stat.S_IMODE(fetched.stat().st_mode) == 0o700
        for built in (folder / "participants/p03").glob("*.ipynb"):
            got = fetched / built.name
            assert got.read_bytes() == built.read_bytes()
            assert got.stat().st_uid == pwd.getpwnam("p03").pw_uid
            assert stat.S_IMODE(got.stat().st_mode) == 0o600
        # each server fetched its person's notebooks as it started (c.Spawner.cmd)
        for user, sub in [*((p, f"participants/{p}") for p in PARTICIPANTS),
                          (FACILITATOR, "facilitator"), (CO_FACILITATOR, "facilitator")]:
            at_start = Path(f"/home/{user}/at-start")
            assert sorted(p.name for p in at_start.glob("*.ipynb")) == sorted(
                p.name for p in (folder / sub).glob("*.ipynb")), user
            assert stat.S_IMODE(at_start.stat().st_mode) == 0o700
        # p01's credential fetches p01's notebooks, never p02's
        out = _in_kernel(hub, "p01", FETCH_OTHERS)
        assert "p01's notebooks: " in out and "cannot fetch the notebooks of 'p02'" in out, out
        assert sorted(p.name for p in Path("/home/p01/fetched").iterdir()
                      if p.name.endswith(".ipynb")) == sorted(
            p.name for p in (folder / "participants/p01").glob("*.ipynb"))
        for got in Path("/home/p01/fetched").glob("*.ipynb"):
            assert got.read_bytes() == (folder / "participants/p01" / got.name).read_bytes()
        out = _in_kernel(hub, FACILITATOR, FACILITATOR_VIEW.format(
            cohort=COHORT, participants=PARTICIPANTS))
        assert "none" not in out and all(f"{p} [" in out for p in PARTICIPANTS), out
        out = _in_kernel(hub, CO_FACILITATOR, FACILITATOR_VIEW.replace(
            '"facil"', repr(CO_FACILITATOR)).format(cohort=COHORT, participants=PARTICIPANTS))
        assert "none" not in out and all(f"{p} [" in out for p in PARTICIPANTS), out
        # a participant's server may not open the facilitator's views
        out = _in_kernel(hub, "p02", NOT_FACILITATOR.format(cohort=COHORT))
        assert "hub user 'p02' is not the facilitator" in out, out
        timings = (f"hub up {hub_up:.1f} s, {len(USERS)} servers ready {servers_up:.1f} s, "
                   f"3 check-ins saved {saved:.1f} s after the hub started")
        print(timings)
        (tmp_path / "timings.txt").write_text(timings + "\n", encoding="utf-8")
        for user in USERS:
            hub.api("DELETE", f"/users/{user}/server")
    finally:
        os.killpg(hub_proc.pid, signal.SIGTERM)
        try:
            hub_proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(hub_proc.pid, signal.SIGKILL)
            hub_proc.wait()
        log.close()
        pid_file = tmp_path / "proxy.pid"  # the hub stops the proxy; make sure of it
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
