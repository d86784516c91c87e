"""Faults of a live room, with real processes and real stores (both backends): a writer killed
mid-submission, a store that goes away and comes back, a kernel that restarts."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from workshop_kit.access import ParticipantStore
from workshop_kit.store import Store
from workshop_kit.widgets import TrustProfileForm

SITUATION = "An IT services client keeps asking for discounts; the sponsor has gone quiet."

WRITER = """
import os, sys
from workshop_kit.store import Store
url, who, log = sys.argv[1], sys.argv[2], sys.argv[3]
with Store(url) as store, open(log, "a") as acked:
    i = 0
    while True:
        answer = store.submit("c", who, "m", "e", {"i": i, "text": "x" * 5000})
        acked.write(f"{answer.participant} {answer.version}\\n")
        acked.flush()
        os.fsync(acked.fileno())
        i += 1
"""


def _acked(log: Path) -> list[tuple[str, int]]:
    if not log.exists():
        return []
    lines = log.read_text().splitlines()
    return [(w, int(v)) for w, v in (line.split() for line in lines if line.count(" ") == 1)]


def test_writers_killed_mid_submission_leave_a_consistent_store(store_url, tmp_path):
    Store(store_url).close()  # schema in place before the writers race
    logs = {who: tmp_path / f"{who}.log" for who in ("p1", "p2", "p3")}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, who, str(log)])
             for who, log in logs.items()]
    deadline = time.monotonic() + 60
    while min(len(_acked(log)) for log in logs.values()) < 30:
        assert time.monotonic() < deadline, "writers did not get going"
        time.sleep(0.02)
    for proc in procs:
        proc.send_signal(signal.SIGKILL)  # kill -9, wherever each one is
    for proc in procs:
        assert proc.wait(10) == -signal.SIGKILL

    with Store(store_url) as store:
        if store.backend == "sqlite":
            raw = sqlite3.connect(store.path)
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            raw.close()
        for who, log in logs.items():
            versions = [a.version for a in store.history("c", who, "m", "e")]
            # Consistent: versions 1..n, no gap, no duplicate, each payload whole.
            assert versions == list(range(1, len(versions) + 1))
            acked = {v for w, v in _acked(log) if w == who}
            assert acked <= set(versions), "an acknowledged answer is missing"
            # At most the one submit in flight at the kill was stored without its ack.
            assert len(versions) - len(acked) <= 1
            assert all(a.payload["i"] == a.version - 1 and len(a.payload["text"]) == 5000
                       for a in store.history("c", who, "m", "e"))
        # The store takes answers again afterwards.
        assert store.submit("c", "p1", "m", "e", {"i": -1}).version == len(
            store.history("c", "p1", "m", "e"))


def test_a_kernel_killed_after_submitting_gets_its_answer_back(store_url, content):
    with Store(store_url) as store:
        store.register_tokens("c", {"p1": "tok-p1"})
    code = (
        "import sys\n"
        "from workshop_kit.access import ParticipantStore\n"
        "from workshop_kit.store import Store\n"
        "me = ParticipantStore(Store(sys.argv[1]), 'c', 'p1', 'tok-p1')\n"
        "me.submit('c', 'p1', 'checkin', 'trust_profile', {'ratings': {'cred_plain': 2},"
        " 'situation': sys.argv[2], 'share_with_facilitator': True})\n"
        "print('saved', flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    kernel = subprocess.Popen([sys.executable, "-c", code, store_url, SITUATION],
                              stdout=subprocess.PIPE, text=True)
    assert kernel.stdout.readline().strip() == "saved"
    kernel.kill()  # the kernel dies (or the laptop's battery does)
    kernel.wait(10)
    with Store(store_url) as store:
        form = TrustProfileForm(ParticipantStore(store, "c", "p1", "tok-p1"), "c", "p1",
                                content.checkin)
        assert form.situation.value == SITUATION
        assert form.sliders["cred_plain"].value == 2
        assert form.share.value is True
        assert "is loaded (version 1)" in form.status


class Proxy:
    """A TCP relay to the PostgreSQL server that can be cut and restored, like a network."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone leaves the port open
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()


def _through_proxy(url: str, proxy: Proxy) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    netloc = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
def outage(store_url, tmp_path):
    """(url, cut, restore): a store that can be made unreachable and brought back."""
    if store_url.startswith("sqlite"):
        path = Path(store_url[len("sqlite:///"):])
        folder = path.parent / "shared"
        folder.mkdir()
        url = f"sqlite:///{folder / path.name}"
        away = path.parent / "unmounted"
        # The shared folder disappears (a network mount drops) and comes back.
        yield url, lambda: folder.rename(away), lambda: away.rename(folder)
        return
    from urllib.parse import urlsplit

    parts = urlsplit(store_url)
    proxy = Proxy((parts.hostname, parts.port or 5432))
    proxy.start()
    yield _through_proxy(store_url, proxy), proxy.cut, proxy.start
    proxy.cut()


def test_an_unreachable_store_keeps_the_answer_and_a_retry_saves_it(outage, content):
    url, cut, restore = outage
    store = Store(url, timeout=3)
    store.register_tokens("c", {"p1": "tok-p1"})
    form = TrustProfileForm(ParticipantStore(store, "c", "p1", "tok-p1"), "c", "p1",
                            content.checkin)
    form.situation.value = SITUATION
    form.sliders["rel_small"].value = 4
    cut()
    for _ in range(2):  # the first try finds the connection dead, the second cannot connect
        assert form.submit() is False
        message = form.message.value
        assert "Not saved: could not" in message and "press Submit to retry" in message
        assert "Your answer is still here" in message
        assert form.situation.value == SITUATION and form.sliders["rel_small"].value == 4
    restore()
    assert form.submit() is True, form.message.value
    assert "Saved at" in form.message.value
    saved = store.latest_answer("c", "p1", "checkin", "trust_profile")
    assert (saved.version, saved.payload["situation"]) == (1, SITUATION)
    store.close()
    with Store(url) as again:  # and it is in the store everyone reads, not a stray copy
        assert again.count() == 1


def test_a_form_opened_while_the_store_is_down_says_so_and_saves_later(outage, content):
    url, cut, restore = outage
    with Store(url) as store:
        store.register_tokens("c", {"p1": "tok-p1"})
        store.submit("c", "p1", "checkin", "trust_profile", {"situation": "before"})
    store = Store(url, timeout=3)
    cut()
    if store.backend == "sqlite":
        store._conn = None  # as a kernel starting now would be: no open handle
    me = ParticipantStore(store, "c", "p1", "tok-p1")  # no error: checked on each call
    form = TrustProfileForm(me, "c", "p1", content.checkin)
    assert "Could not load your earlier answer" in form.status
    form.situation.value = SITUATION
    assert form.submit() is False
    restore()
    assert form.submit() is True, form.message.value
    assert form.version == 2
    store.close()


def test_a_store_replaced_under_an_open_kernel_is_not_written_blindly(tmp_path):
    path = tmp_path / "responses.sqlite"
    store = Store(f"sqlite:///{path}")
    store.submit("c", "p1", "m", "e", {"a": 1})
    os.rename(path, tmp_path / "moved-away.sqlite")
    with pytest.raises(Exception, match="the file is gone"):
        store.submit("c", "p1", "m", "e", {"a": 2})
    os.rename(tmp_path / "moved-away.sqlite", path)
    assert store.submit("c", "p1", "m", "e", {"a": 2}).version == 2
    store.close()
