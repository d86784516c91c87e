"""Load benchmark: a whole room submitting at the same moment, directly and through the service.

Runs the same room twice and prints the two side by side:

- "direct": each of N participant processes (default 200) opens the store itself
  (`ParticipantStore(Store(url), …)`), as notebooks did before the response service;
- "service": the benchmark starts a real `workshop-kit serve` process over a minimal cohort
  folder, and each participant process talks to it through `ParticipantClient` (HTTP); the
  service alone opens the store, with `--service-connections` connections (default 4).

Each process waits at a barrier, then submits M answers (default 20) to the check-in's
trust_profile, versions 1..M, each a real answer that the exercise's schema accepts. By default
the room submits in waves: before each answer every process waits at a barrier, so N submits
arrive at the same moment, M times; after its last answer each waits until the whole room has
its answers before it closes its connection and exits (`--mode burst`: each process submits its
M answers back to back, a harsher stress test in which, on a small machine, the operating
system's scheduling of N busy processes dominates). Afterwards it checks that every answer is
there exactly once, and prints submissions per second, the p50/p99/max submit latency, how long
the facilitator's read of the module's answers takes for the whole room (directly:
`FacilitatorStore`; through the service: `FacilitatorClient`), and the CPU time one submit
costs: in the participant process (inside `submit`, the timed part), and through the service in
the service's process too (Linux: /proc), which tells a busy machine apart from a slow path; in
waves also that CPU for one whole wave (a figure that holds on a shared machine, where
latencies do not). On PostgreSQL it also samples `pg_stat_activity` during each run and prints
the most server connections the run held: one per notebook directly, the service's few through
it, and it runs CHECKPOINT before each path (see `checkpoint`). In waves it also names the
slowest wave and shows the first: a p99 is about the slowest wave's tail, so this tells one slow
moment (a disk, another tenant) apart from a slow path. Through the service it then reveals the
check-in and has the whole room ask for its results at the same moment (`room_results`, from 32
threads): the latency of each look and the service's CPU for them all, which the service draws
once for everybody.

    python benchmarks/bench_store.py --backend sqlite
    python benchmarks/bench_store.py --backend postgresql --url postgresql://user@host/db

Goals (printed, not asserted): p99 submit under 100 ms and the facilitator's read under 100 ms
through the service, on both backends. Exits 1 if an answer is lost, duplicated or refused, or
a look at the results gets no chart.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

MODULE, EXERCISE = "checkin", "trust_profile"
DATA = Path(__file__).resolve().parent.parent / "data"
ITEMS: list[str] = []  # the check-in's item ids, read from the content before forking
SCALE = [1, 5]  # the check-in's scale, read likewise


def answer(who: str, i: int) -> dict:
    """Answer i of one participant: valid for the trust_profile schema; `i` is in the text."""
    low, high = SCALE
    return {"ratings": {item: low + (i + n) % (high - low + 1) for n, item in enumerate(ITEMS)},
            "situation": f"{who} answer {i}: a client who wants a fixed price for an open "
                         "question, stuck on scope",
            "share_with_facilitator": True}


def answer_number(payload: dict) -> int | None:
    found = re.search(r" answer (\d+):", payload.get("situation", ""))
    return int(found.group(1)) if found else None


def participant(path: str, target: str, cohort: str, who: str, answers: int, barrier, wave,
                results) -> None:
    latencies, errors, cpu = [], [], 0.0
    try:
        if path == "direct":
            from workshop_kit.access import ParticipantStore
            from workshop_kit.store import Store

            me = ParticipantStore(Store(target), cohort, who, f"token-{who}", {MODULE})
        else:
            from workshop_kit.client import ParticipantClient

            me = ParticipantClient(target, cohort, who, f"token-{who}", {MODULE})
        me.latest_answer(cohort, who, MODULE, EXERCISE)  # the form restoring: connects
    except Exception as exc:
        errors.append(f"{who} could not open the {path} path: {exc}")
        me = None
    barrier.wait()
    released = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    for i in range(answers):
        if wave is not None:
            wave.wait()  # the whole room presses Submit at the same moment
        if me is None:
            continue
        started, used = time.perf_counter(), time.process_time()
        try:
            me.submit(cohort, who, MODULE, EXERCISE, answer(who, i))
        except Exception as exc:
            errors.append(f"{who} submit {i}: {type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)
        cpu += time.process_time() - used
    if wave is not None:
        # Nobody leaves while a colleague still waits for an answer: 200 processes closing
        # their connections and exiting at once (a few ms of the kernel's time each) would
        # land in the last wave's latencies, and say nothing of the service.
        wave.wait()
    if me is not None:
        me.close()
    results.put((who, latencies, errors, cpu, released, time.perf_counter()))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Outcome:
    path: str
    rows: int = 0
    once: bool = False
    payload_ok: bool = False
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    reads: list[float] = field(default_factory=list)
    read_rows: int = 0
    connections: int | None = None  # most PostgreSQL connections of the run, sampled
    client_cpu: float = 0.0  # CPU seconds the participant processes spent inside submit
    waves: list[list[float]] = field(default_factory=list)  # latencies by wave (waves mode)
    note: str = ""  # what the run could not do (a CHECKPOINT refused)
    server_cpu: float | None = None  # CPU seconds of the service process during the room
    looks: list[float] = field(default_factory=list)  # the room opening its results at once
    looks_cpu: float | None = None  # the service's CPU seconds for all those looks
    looks_drawn: bool = False  # every look got the chart

    @property
    def ok(self) -> bool:
        return (self.once and self.payload_ok and not self.errors
                and (self.looks_drawn or not self.looks))


class ConnectionSampler:
    """Samples, from the benchmark process, how many server connections carry one
    application_name (the run's), every 50 ms; `most` is the highest count seen."""

    def __init__(self, admin_url: str | None, app: str):
        self.admin_url, self.app, self.most = admin_url, app, 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ConnectionSampler:
        if self.admin_url:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self._stop.is_set():
                (n,), = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s", (self.app,)).fetchall()
                self.most = max(self.most, n)
                self._stop.wait(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)


def with_app(url: str, app: str) -> str:
    if not url.startswith("postgres"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={app}"


def fresh_url(backend: str, url: str | None, folder: Path, name: str) -> tuple[str, object]:
    """A URL for an empty store, and what to clean up afterwards."""
    if backend == "sqlite":
        return url or f"sqlite:///{folder / f'{name}.sqlite'}", None
    import psycopg

    admin = url or os.environ.get("WORKSHOP_KIT_TEST_PG_URL", "")
    if not admin:
        sys.exit("error: --url is needed for --backend postgresql (or set "
                 "WORKSHOP_KIT_TEST_PG_URL)")
    schema = f"wk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in admin else "?"
    return f"{admin}{sep}options={quote(f'-csearch_path={schema}')}", (admin, schema)


def checkpoint(admin: str | None) -> str:
    """PostgreSQL: write out what earlier work left unwritten (CI's test suite creates and drops
    hundreds of schemas) before a path runs, so that the server's next timed checkpoint does
    not fsync thousands of files in the middle of the room's answers: that measures the disk,
    not the path. Needs a superuser or the pg_checkpoint role; without, the run goes on."""
    if not admin:
        return ""
    import psycopg

    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error as exc:
        return f"no CHECKPOINT before the run ({' '.join(str(exc).split())[:120]})"
    return ""


def register(url: str, cohort: str, people: list[str]) -> None:
    from workshop_kit.store import Store

    with Store(url) as store:
        store.register_tokens(cohort, {p: f"token-{p}" for p in people}
                              | {"facilitator": "token-facilitator"})


def room(path: str, target: str, cohort: str, people: list[str], args: argparse.Namespace,
         sampler: ConnectionSampler
         ) -> tuple[list[float], list[str], float, float, list[list[float]]]:
    """The room's processes submitting; (latencies, errors, wall time, their CPU time in
    submit, the latencies by wave: each process's i-th answer is its answer in wave i)."""
    ctx = mp.get_context("fork")  # the kit is imported once; each child opens its own store
    barrier = ctx.Barrier(len(people) + 1)
    wave = ctx.Barrier(len(people)) if args.mode == "waves" else None
    results = ctx.Queue()
    procs = [ctx.Process(target=participant,
                         args=(path, target, cohort, who, args.answers, barrier, wave, results))
             for who in people]
    with sampler:
        for proc in procs:
            proc.start()
        barrier.wait(timeout=300)
        collected = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(60)
    started = min(start for *_, start, _ in collected)
    finished = max(end for *_, end in collected)
    latencies = [s for _, lat, *_ in collected for s in lat]
    errors = [e for _, _, errs, *_ in collected for e in errs]
    waves = [list(w) for w in zip(*[lat for _, lat, *_ in collected
                                    if len(lat) == args.answers], strict=True)] \
        if args.mode == "waves" else []
    return (latencies, errors, finished - started, sum(c for _, _, _, c, *_ in collected),
            waves)


def check(outcome: Outcome, url: str, cohort: str, people: list[str], answers: int) -> None:
    from workshop_kit.store import Store

    with Store(url) as store:
        rows = [a for a in store.answers(cohort) if a.participant in people]
    versions: dict[str, list[int]] = {}
    for a in rows:
        versions.setdefault(a.participant, []).append(a.version)
    expected = list(range(1, answers + 1))
    outcome.rows = len(rows)
    outcome.once = len(rows) == len(people) * answers and all(
        sorted(versions.get(p, [])) == expected for p in people)
    outcome.payload_ok = all(answer_number(a.payload) == a.version - 1 for a in rows)


def timed_reads(read) -> tuple[list[float], int]:
    read()  # warm-up: the first call imports pandas (and, through the service, connects)
    reads = []
    for _ in range(7):
        t = time.perf_counter()
        frame = read()
        reads.append(time.perf_counter() - t)
    return reads, len(frame)


def run_direct(url: str, admin: str | None, people: list[str], args: argparse.Namespace
               ) -> Outcome:
    from workshop_kit.access import FacilitatorStore
    from workshop_kit.store import Store

    cohort, app = "bench_direct", f"wk_bench_direct_{os.getpid()}"
    register(url, cohort, people)
    out = Outcome("direct", note=checkpoint(admin))
    sampler = ConnectionSampler(admin, app)
    out.latencies, out.errors, out.wall, out.client_cpu, out.waves = room(
        "direct", with_app(url, app), cohort, people, args, sampler)
    out.connections = sampler.most if admin else None
    check(out, url, cohort, people, args.answers)
    with Store(url) as store:
        facilitator = FacilitatorStore(store, cohort, "token-facilitator", {MODULE})
        out.reads, out.read_rows = timed_reads(lambda: facilitator.module_answers(cohort,
                                                                                  MODULE))
    return out


def start_service(folder: Path, connections: int, processes: int
                  ) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from workshop_kit.cli import main; "
                               "sys.exit(main())",
         "serve", str(folder), "--port", "0", "--connections", str(connections),
         "--processes", str(processes)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    found = re.search(r" at (http://\S+)", line)
    if not found:
        proc.kill()
        sys.exit(f"error: `workshop-kit serve` did not start: {line}{proc.stderr.read()}")
    return proc, found.group(1)


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) so far of a process and its running children (the service's
    --processes), all their threads (Linux's /proc)."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
            found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def stop_service(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def run_service(url: str, admin: str | None, people: list[str], args: argparse.Namespace,
                tmp: Path) -> Outcome:
    from workshop_kit.client import FacilitatorClient

    cohort, app = "bench_service", f"wk_bench_service_{os.getpid()}"
    register(url, cohort, people)
    folder = tmp / "cohort"
    folder.mkdir()
    (folder / "cohort.json").write_text(json.dumps({
        "cohort": {"id": cohort}, "store_url": with_app(url, app), "content_dir": str(DATA),
        "modules": [], "participants": []}), encoding="utf-8")
    out = Outcome("service", note=checkpoint(admin))
    proc, service_url = start_service(folder, args.service_connections, args.service_processes)
    try:
        sampler = ConnectionSampler(admin, app)
        before = process_cpu(proc.pid)
        out.latencies, out.errors, out.wall, out.client_cpu, out.waves = room(
            "service", service_url, cohort, people, args, sampler)
        after = process_cpu(proc.pid)
        out.server_cpu = after - before if before is not None and after is not None else None
        with sampler, FacilitatorClient(service_url, cohort, "token-facilitator",
                               {MODULE}) as facilitator:
            out.reads, out.read_rows = timed_reads(
                lambda: facilitator.module_answers(cohort, MODULE))
        out.connections = sampler.most if admin else None
        before = process_cpu(proc.pid)
        out.looks, out.looks_drawn = look_at_results(service_url, cohort, people)
        after = process_cpu(proc.pid)
        out.looks_cpu = after - before if before is not None and after is not None else None
    finally:
        err = stop_service(proc)
    problems = [line for line in err.splitlines() if line.strip()]
    if problems:
        print("service stderr (last lines):", *problems[-5:], sep="\n  ")
    check(out, url, cohort, people, args.answers)
    return out


def look_at_results(service_url: str, cohort: str, people: list[str]
                    ) -> tuple[list[float], bool]:
    """The facilitator reveals the check-in, then the whole room asks for its results at the
    same moment (`room_results`: the chart the service draws, once for everybody), from 32
    threads of this process, each participant with their own client. Returns each look's
    latency, and whether every look got the chart."""
    from concurrent.futures import ThreadPoolExecutor

    from workshop_kit.client import FacilitatorClient, ParticipantClient

    with FacilitatorClient(service_url, cohort, "token-facilitator", {MODULE}) as facilitator:
        facilitator.set_exercise_state(cohort, MODULE, EXERCISE, revealed=True)
    clients = [ParticipantClient(service_url, cohort, p, f"token-{p}") for p in people]
    start = threading.Barrier(min(32, len(clients)))

    def look(client) -> tuple[float, bool]:
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(30)
        began = time.perf_counter()
        result = client.room_results(cohort, MODULE, EXERCISE)
        return time.perf_counter() - began, bool(result.get("chart"))

    with ThreadPoolExecutor(min(32, len(clients))) as pool:
        seen = list(pool.map(look, clients))
    for client in clients:
        client.close()
    return [t for t, _ in seen], all(drawn for _, drawn in seen)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--url", help="store URL (sqlite: a fresh temporary file per path by "
                                 "default; postgresql: a server, a fresh schema per path is "
                                 "made in it)")
    p.add_argument("--participants", type=int, default=200)
    p.add_argument("--answers", type=int, default=20, help="answers per participant")
    p.add_argument("--mode", choices=["waves", "burst"], default="waves",
                   help="waves: the whole room submits together, one answer each per wave "
                        "(a room pressing Submit at the same moments); burst: every process "
                        "submits all its answers back to back (a stress test)")
    p.add_argument("--service-connections", type=int, default=4,
                   help="store connections of the service (serve's --connections; default 4)")
    p.add_argument("--service-processes", type=int, default=1,
                   help="processes of the service (serve's --processes; default 1)")
    p.add_argument("--only", choices=["direct", "service"],
                   help="run one path only (default: both, side by side)")
    args = p.parse_args(argv)

    from workshop_kit.content import load_content
    from workshop_kit.store import redact

    checkin = load_content(DATA, check_notebooks=False).checkin
    ITEMS[:] = [item.id for _trait, item in checkin.items()]
    SCALE[:] = [checkin.scale.min, checkin.scale.max]

    people = [f"p{i:03d}" for i in range(args.participants)]
    outcomes: list[Outcome] = []
    cleanups: list[object] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        try:
            for path in ("direct", "service"):
                if args.only and path != args.only:
                    continue
                url, cleanup = fresh_url(args.backend, args.url, Path(tmp), path)
                cleanups.append(cleanup)
                admin = cleanup[0] if cleanup else None
                if path == "direct":
                    outcomes.append(run_direct(url, admin, people, args))
                else:
                    outcomes.append(run_service(url, admin, people, args, Path(tmp)))
        finally:
            for cleanup in cleanups:
                if cleanup:
                    import psycopg

                    admin, schema = cleanup
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f"DROP SCHEMA {schema} CASCADE")

    total = len(people) * args.answers
    where = "temporary SQLite files" if args.backend == "sqlite" and not args.url else \
        redact(url).split("?")[0]
    print(f"store: a fresh one per path ({where}, backend {args.backend}); "
          f"service: `workshop-kit serve --connections {args.service_connections} "
          f"--processes {args.service_processes}`")
    how = (f"in {args.answers} waves of {len(people)} simultaneous submits"
           if args.mode == "waves" else "each back to back, all released at once")
    print(f"participants: {len(people)} processes x {args.answers} answers = {total} submits "
          f"per path, {how}")
    report(outcomes, args.backend, len(people) if args.mode == "waves" else 0,
           args.service_processes)
    return 0 if all(o.ok for o in outcomes) else 1


def report(outcomes: list[Outcome], backend: str, wave: int = 0, processes: int = 1) -> None:
    ms = 1000
    head = ["path", "stored rows", "exactly once", "errors", "throughput/s", "p50 ms",
            "p99 ms", "max ms", "facilitator read ms"]
    if backend == "postgresql":
        head.append("pg connections")
    table = [head]
    for o in outcomes:
        lat = o.latencies or [float("nan")]
        row = [o.path, str(o.rows), "yes" if o.once and o.payload_ok else "NO",
               str(len(o.errors)), f"{len(o.latencies) / o.wall:.0f}" if o.wall else "-",
               f"{percentile(lat, 0.5) * ms:.1f}", f"{percentile(lat, 0.99) * ms:.1f}",
               f"{max(lat) * ms:.1f}",
               f"{statistics.median(o.reads) * ms:.1f} ({o.read_rows} rows)" if o.reads
               else "-"]
        if backend == "postgresql":
            row.append(str(o.connections))
        table.append(row)
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for n, r in enumerate(table):
        print(" | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            print("-+-".join("-" * w for w in widths))
    by = {o.path: o for o in outcomes}
    if "direct" in by and "service" in by and by["direct"].latencies and \
            by["service"].latencies:
        d, s = by["direct"], by["service"]

        def ratio(a: float, b: float) -> str:
            return f"{a / b:.2f}x" if b else "-"

        tput = ratio(len(s.latencies) / s.wall, len(d.latencies) / d.wall)
        read = ratio(statistics.median(s.reads), statistics.median(d.reads))
        print(f"service/direct: throughput {tput}, "
              f"p50 {ratio(percentile(s.latencies, .5), percentile(d.latencies, .5))}, "
              f"p99 {ratio(percentile(s.latencies, .99), percentile(d.latencies, .99))}, "
              f"max {ratio(max(s.latencies), max(d.latencies))}, facilitator read {read}"
              + (f"; PostgreSQL connections {s.connections} vs {d.connections}"
                 if backend == "postgresql" else ""))
    for o in outcomes:
        if o.latencies:
            where = f"; service process {o.server_cpu / len(o.latencies) * ms:.2f} ms" \
                if o.server_cpu is not None else ""
            mine = o.client_cpu / len(o.latencies) * ms
            print(f"{o.path}: CPU per submit: participant process {mine:.2f} ms{where}")
            if wave and o.server_cpu is not None:
                # robust on a busy machine: the CPU a wave needs, whatever else runs there
                per_wave = o.server_cpu / len(o.latencies) * wave * ms
                print(f"{o.path}: CPU per wave of {wave} submits: service {per_wave:.0f} ms "
                      f"({per_wave / processes:.0f} ms per service process), participants "
                      f"{o.client_cpu / len(o.latencies) * wave * ms:.0f} ms; a p99 under "
                      "100 ms needs a service process's share well under 100 ms")
    for o in outcomes:
        if o.waves:
            worst = max(range(len(o.waves)), key=lambda i: max(o.waves[i]))
            first = o.waves[0]
            print(f"{o.path}: slowest wave #{worst + 1} of {len(o.waves)}: p50 "
                  f"{percentile(o.waves[worst], .5) * ms:.1f} ms, max "
                  f"{max(o.waves[worst]) * ms:.1f} ms; the first: p50 "
                  f"{percentile(first, .5) * ms:.1f} ms, max {max(first) * ms:.1f} ms")
        if o.note:
            print(f"{o.path}: {o.note}")
    for o in outcomes:
        locked = sum("locked" in e for e in o.errors)
        if o.errors:
            print(f"{o.path} errors: {len(o.errors)} ({locked} 'database is locked'), e.g.:")
            for e in o.errors[:5]:
                print(f"  {e}")
        if not o.once or not o.payload_ok:
            print(f"{o.path}: answers lost, duplicated or mismatched ({o.rows} rows)")
    for o in outcomes:
        if o.looks:
            cpu = (f"; service CPU {o.looks_cpu * ms:.0f} ms in all "
                   f"({o.looks_cpu / len(o.looks) * ms:.2f} ms a look)"
                   if o.looks_cpu is not None else "")
            print(f"{o.path}: the room opens its results at once: {len(o.looks)} looks "
                  f"({'each got' if o.looks_drawn else 'NOT each got'} the chart), p50 "
                  f"{percentile(o.looks, .5) * ms:.1f} ms, p99 "
                  f"{percentile(o.looks, .99) * ms:.1f} ms{cpu}")
    if "service" in by and by["service"].latencies:
        s = by["service"]
        p99, read = percentile(s.latencies, .99), statistics.median(s.reads)
        print(f"goals through the service: p99 submit < 100 ms: "
              f"{'met' if p99 < 0.1 else 'NOT met'} ({p99 * ms:.1f} ms); facilitator read "
              f"< 100 ms: {'met' if read < 0.1 else 'NOT met'} ({read * ms:.1f} ms)")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        traceback.print_exc()
        sys.exit(130)
