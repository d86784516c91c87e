"""A submit is answered alike in every form HTTP allows: as the kit's client sends it (a POST
to .../<role>/submit with a Content-Length), with a query string, or with a chunked body;
through a real `workshop-kit serve` (uvicorn) over a real SQLite store. Bodies over the limit
get the one-line 413, and idle connections are closed."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from workshop_kit.client import MAX_BODY_BYTES
from workshop_kit.content import load_content
from workshop_kit.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
COHORT = "lean"


@pytest.fixture(scope="module")
def service_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lean")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    with Store(url) as store:
        store.register_tokens(COHORT, {"p01": "token-p01", "p02": "token-p02",
                                       "facilitator": "token-f"})
    (folder / "cohort.json").write_text(json.dumps({
        "cohort": {"id": COHORT}, "store_url": url, "content_dir": str(DATA), "modules": [],
        "participants": []}), encoding="utf-8")
    return folder, url


@pytest.fixture(scope="module")
def service(service_folder):
    folder, url = service_folder
    proc = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    found = re.search(r"http://\S+", line)
    assert found, line + proc.stderr.read()
    parts = urlsplit(found.group(0))
    yield parts.hostname, parts.port, url
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err


def checkin_answer(i: int) -> dict:
    checkin = load_content(DATA, check_notebooks=False).checkin
    low = checkin.scale.min
    return {"ratings": {item.id: low for _trait, item in checkin.items()},
            "situation": f"answer {i}: a client who wants a fixed price for an open question",
            "share_with_facilitator": True}


def send(service, path: str, body: bytes, token: str = "token-p01", chunked: bool = False
         ) -> tuple[int, http.client.HTTPMessage, dict]:
    host, port, _ = service
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    if chunked:
        conn.request("POST", path, body=iter([body]), headers=headers, encode_chunked=True)
    else:
        conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    return response.status, response.headers, json.loads(raw)


def submit_body(who: str, payload: object, participant: str | None = None) -> bytes:
    return json.dumps({"as": who, "args": {
        "participant": participant or who, "module": "checkin", "exercise": "trust_profile",
        "payload": payload}}).encode()


LEAN = "/api/v1/participant/submit"
APP = ["/api/v1/participant/submit?via=app", "chunked"]


@pytest.mark.parametrize("other", APP)
def test_a_submit_is_answered_alike_in_every_form(service, other):
    def both(body: bytes, token: str = "token-p01"
             ) -> list[tuple[int, http.client.HTTPMessage, dict]]:
        lean = send(service, LEAN, body, token)
        app = send(service, LEAN, body, token, chunked=True) if other == "chunked" else \
            send(service, other, body, token)
        return [lean, app]

    stored = both(submit_body("p01", checkin_answer(1)))
    for status, headers, body in stored:
        assert status == 200
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Workshop-Process"].isdigit()
        answer = body["result"]
        assert answer["_t"] == "answer" and answer["participant"] == "p01"
        assert answer["payload"] == checkin_answer(1)
    assert stored[1][2]["result"]["version"] == stored[0][2]["result"]["version"] + 1
    refusals = [
        (submit_body("p01", checkin_answer(2)), "wrong-token", 403, "AccessError"),
        (submit_body("p01", checkin_answer(2), participant="p02"), "token-p01", 403,
         "AccessError"),
        (submit_body("p01", {"ratings": "all good"}), "token-p01", 400, "AnswerError"),
        (b"{not json", "token-p01", 400, "ParameterError"),
        (b'{"as": "p01", "args": {"x": NaN}}', "token-p01", 400, "ParameterError"),
        (b"[1]", "token-p01", 400, "ParameterError"),
    ]
    for body, token, status, kind in refusals:
        (s1, _, b1), (s2, _, b2) = both(body, token)
        assert s1 == s2 == status, (body, b1, b2)
        assert b1 == b2 and b1["error"]["type"] == kind, (b1, b2)


def test_an_oversized_submit_gets_the_one_line_413(service):
    status, _, body = send(service, LEAN, b" " * (MAX_BODY_BYTES + 1))
    assert status == 413 and body["error"]["type"] == "ParameterError"


def test_the_lean_path_stores_each_answer_once(service):
    _, _, url = service
    before = send(service, LEAN, submit_body("p02", checkin_answer(3)), "token-p02")[2]
    send(service, LEAN, submit_body("p02", checkin_answer(4)), "token-p02")
    with Store(url) as store:
        rows = [a for a in store.answers(COHORT) if a.participant == "p02"]
    assert [a.version for a in rows] == [before["result"]["version"],
                                         before["result"]["version"] + 1]
    assert [a.payload["situation"][:8] for a in rows] == ["answer 3", "answer 4"]


def test_an_idle_connection_is_closed_and_a_busy_one_kept(service_folder, monkeypatch):
    """uvicorn closes a kept-alive connection that asks nothing for IDLE_SECONDS (an hour;
    here half a second) and keeps one that goes on asking."""
    import asyncio

    from workshop_kit import service as service_module

    monkeypatch.setattr(service_module, "IDLE_SECONDS", 0.5)
    folder, _ = service_folder
    with in_thread(folder) as port:

        async def main() -> None:
            idle = await asyncio.open_connection("127.0.0.1", port)
            busy = await asyncio.open_connection("127.0.0.1", port)
            for reader, writer in (idle, busy):  # both kept alive after a first request
                writer.write(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
                assert head.startswith(b"HTTP/1.1 200")
                length = int(re.search(rb"content-length: (\d+)", head).group(1))
                await reader.readexactly(length)
            for _ in range(12):  # 1.2 s of requests, each well within the limit
                busy[1].write(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
                head = await asyncio.wait_for(busy[0].readuntil(b"\r\n\r\n"), 5)
                assert head.startswith(b"HTTP/1.1 200")
                await busy[0].readexactly(
                    int(re.search(rb"content-length: (\d+)", head).group(1)))
                await asyncio.sleep(0.1)
            assert await asyncio.wait_for(idle[0].read(), 5) == b""
            assert not busy[0].at_eof()
            for _, writer in (idle, busy):
                writer.close()

        run_apart(main, "the idle test")


def test_a_request_sent_too_slowly_is_closed(service_folder, monkeypatch):
    """A request whose head, or whose body, is not all in within REQUEST_SECONDS (30 s; here
    0.5 s) has its connection closed, so no client holds a connection by sending a byte at a
    time; a connection kept alive between requests is not (that is IDLE_SECONDS)."""
    import asyncio

    from workshop_kit import service as service_module

    monkeypatch.setattr(service_module, "REQUEST_SECONDS", 0.5)
    folder, _ = service_folder

    async def health(reader, writer) -> None:
        writer.write(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200"), head
        await reader.readexactly(int(re.search(rb"content-length: (\d+)", head).group(1)))

    with in_thread(folder) as port:

        async def main() -> None:
            head = await asyncio.open_connection("127.0.0.1", port)
            head[1].write(b"POST /api/v1/participant/latest HTTP/1.1\r\nHost: x\r\n")
            body = await asyncio.open_connection("127.0.0.1", port)
            body[1].write(b"POST /api/v1/participant/latest HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: 200\r\n\r\n{\"as\": ")
            kept = await asyncio.open_connection("127.0.0.1", port)
            await health(*kept)
            loop = asyncio.get_running_loop()
            started = loop.time()
            for reader, _ in (head, body):
                assert await asyncio.wait_for(reader.read(), 10) == b""  # closed, no reply
            assert loop.time() - started < 5
            await asyncio.sleep(0.6)  # idle between requests for longer than the limit
            await health(*kept)  # still open
            for _, writer in (head, body, kept):
                writer.close()

        run_apart(main, "the slow-request test")


def run_apart(main, what: str) -> None:
    """`asyncio.run(main())` in a thread of its own, its failure raised here: an earlier test in
    the session (a kernel-like widget test) may leave this thread marked as running an event
    loop, which asyncio.run refuses."""
    import asyncio

    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # handed back to the test below
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), f"{what} did not finish in 60 s"
    if failed:
        raise failed[0]


@contextlib.contextmanager
def in_thread(folder: Path):
    """`serve` in a thread of this process (so a test can patch the module): its port."""
    from workshop_kit import service as service_module

    stop, urls = threading.Event(), []
    config = service_module.ServiceConfig.from_folder(folder)
    worker = threading.Thread(target=service_module.serve, kwargs=dict(
        config=config, ready=urls.append, stop=stop))
    worker.start()
    try:
        for _ in range(100):
            if urls:
                break
            stop.wait(0.05)
        yield urlsplit(urls[0]).port
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()


def test_a_bug_in_the_service_is_still_a_one_line_json_500(service_folder, monkeypatch):
    from workshop_kit import service as service_module

    def broken(result, where):
        raise TypeError("a bug")

    monkeypatch.setattr(service_module, "_result", broken)
    folder, _ = service_folder
    with in_thread(folder) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/v1/content?as=p01", headers={"Authorization": "token token-p01"})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 500 and body["error"]["type"] == "ServiceError"
        assert "try again" in body["error"]["message"]
        conn.request("GET", "/api/v1/health")  # the same connection, the service still there
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["ok"] is True
        conn.close()
