"""The day on a real JupyterHub 6 with real Linux users.

Creates users p01-p03 and `facil` (useradd -m), builds a --hub cohort, hands the notebooks out
(`workshop-kit handout --fix-modes`), starts a JupyterHub (LocalProcessSpawner; the workshop
service registered with the lines `workshop-kit hub-config` prints), starts each user's server
through the hub API, and in each participant's own server, in a kernel running as their OS
user with the credential the hub gave that server, runs their notebook's injected parameters,
a session and a check-in submit. Then the facilitator, in their own server, sees the three
answers; p01's kernel cannot read p02's home nor act as p02. Users and processes are removed.

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
HANDED = (*PARTICIPANTS, FACILITATOR)  # the co-facilitator gets no notebooks
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
    assert refused.count("is readable by others (mode 0755)") == 4, refused
    handed = _cli("handout", str(folder), "--home", "/home/{user}/workshop", "--fix-modes")
    print(handed)
    assert handed.count("home made 0700 (was 0755)") == 4, handed
    again = _cli("handout", str(folder), "--home", "/home/{user}/workshop", "--fix-modes")
    assert again.count(": unchanged,") == 4, again
    for user in HANDED:
        home = Path(f"/home/{user}")
        uid = pwd.getpwnam(user).pw_uid
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        notebooks = sorted((home / "workshop").glob("*.ipynb"))
        assert notebooks and all(n.stat().st_uid == uid for n in notebooks)
        assert all(stat.S_IMODE(n.stat().st_mode) == 0o600 for n in notebooks)
    assert (Path("/home/facil/workshop") / "00_cockpit.ipynb").exists()
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
        f"c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]",
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
        out = _in_kernel(hub, "p01", STRANGER.format(cohort=COHORT))
        assert "p02's folder: permission denied" in out, out
        assert "as p02: hub user 'p01' is participant 'p01' and cannot act as 'p02'" in out, out
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
