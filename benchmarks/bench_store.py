"""Load benchmark: a whole room submitting at the same moment against one store.

Starts N participant processes (default 200). Each opens the store through its own token (as a
participant's notebook does), waits at a barrier, then submits M answers (default 20) to the
same exercise: versions 1..M. By default the room submits in waves: before each answer every
process waits at a barrier, so N submits hit the store at the same moment, M times
(`--mode burst`: each process submits its M answers back to back, a harsher stress test in
which, on a small machine, the operating system's scheduling of N busy processes dominates).
Afterwards it checks that every answer is there exactly once, and prints submissions per
second, the p50/p99 submit latency, and how long the facilitator's read of the module's
answers takes for the whole room.

    python benchmarks/bench_store.py --backend sqlite
    python benchmarks/bench_store.py --backend postgresql --url postgresql://user@host/db

Goal: nothing lost, no "database is locked", p99 under 100 ms on SQLite, the facilitator's read
under 100 ms. Exits 1 if an answer is lost, duplicated or refused (latency goals only print).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from urllib.parse import quote

COHORT, MODULE, EXERCISE = "bench", "checkin", "trust_profile"


def participant(url: str, who: str, answers: int, barrier, wave, results) -> None:
    from workshop_kit.access import ParticipantStore
    from workshop_kit.store import Store

    latencies, errors = [], []
    try:
        me = ParticipantStore(Store(url), COHORT, who, f"token-{who}")
        me.latest_answer(COHORT, who, MODULE, EXERCISE)  # the form restoring: connects
    except Exception as exc:
        errors.append(f"{who} could not open the store: {exc}")
        me = None
    barrier.wait()
    released = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    for i in range(answers):
        if wave is not None:
            wave.wait()  # the whole room presses Submit at the same moment
        if me is None:
            continue
        started = time.perf_counter()
        try:
            me.submit(COHORT, who, MODULE, EXERCISE,
                      {"ratings": {"cred_plain": i % 5 + 1}, "situation": f"{who} answer {i}",
                       "i": i})
        except Exception as exc:
            errors.append(f"{who} submit {i}: {type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)
    results.put((who, latencies, errors, released, time.perf_counter()))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fresh_url(backend: str, url: str | None, folder: Path) -> tuple[str, object]:
    """A URL for an empty store, and what to clean up afterwards."""
    if backend == "sqlite":
        return url or f"sqlite:///{folder / 'responses.sqlite'}", None
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--url", help="store URL (sqlite: a fresh temporary file by default; "
                                 "postgresql: a server, a fresh schema is made in it)")
    p.add_argument("--participants", type=int, default=200)
    p.add_argument("--answers", type=int, default=20, help="answers per participant")
    p.add_argument("--mode", choices=["waves", "burst"], default="waves",
                   help="waves: the whole room submits together, one answer each per wave "
                        "(a room pressing Submit at the same moments); burst: every process "
                        "submits all its answers back to back (a stress test)")
    args = p.parse_args(argv)

    from workshop_kit.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        url, cleanup = fresh_url(args.backend, args.url, Path(tmp))
        people = [f"p{i:03d}" for i in range(args.participants)]
        try:
            with Store(url) as store:
                store.register_tokens(COHORT, {p: f"token-{p}" for p in people}
                                      | {"facilitator": "token-facilitator"})
            return run(url, people, args)
        finally:
            if cleanup:
                import psycopg

                admin, schema = cleanup
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


def run(url: str, people: list[str], args: argparse.Namespace) -> int:
    from workshop_kit.access import FacilitatorStore
    from workshop_kit.store import Store, redact

    ctx = mp.get_context("fork")  # the kit is imported once; each child opens its own store
    barrier = ctx.Barrier(len(people) + 1)
    wave = ctx.Barrier(len(people)) if args.mode == "waves" else None
    results = ctx.Queue()
    procs = [ctx.Process(target=participant,
                         args=(url, who, args.answers, barrier, wave, results))
             for who in people]
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

    with Store(url) as store:
        rows = store.answers(COHORT)
        room = FacilitatorStore(store, COHORT, "token-facilitator", {MODULE})
        room.module_answers(COHORT, MODULE)  # warm-up: the first call imports pandas
        reads = []
        for _ in range(7):
            t = time.perf_counter()
            frame = room.module_answers(COHORT, MODULE)
            reads.append(time.perf_counter() - t)
    versions: dict[str, list[int]] = {}
    for a in rows:
        versions.setdefault(a.participant, []).append(a.version)
    expected = list(range(1, args.answers + 1))
    wrong = [p for p in people if sorted(versions.get(p, [])) != expected]
    payload_ok = all(a.payload["i"] == a.version - 1 for a in rows)
    locked = sum("locked" in e for e in errors)
    total = len(people) * args.answers
    wall = finished - started

    print(f"store: {redact(url).split('?')[0]} ({Store.__module__}, backend "
          f"{'sqlite' if url.startswith('sqlite') else 'postgresql'})")
    how = (f"in {args.answers} waves of {len(people)} simultaneous submits"
           if args.mode == "waves" else "each back to back, all released at once")
    print(f"participants: {len(people)} processes x {args.answers} answers = {total} submits, "
          f"{how}")
    once = "yes" if not wrong and len(rows) == total else "NO"
    print(f"stored: {len(rows)} rows; exactly once: {once}"
          f" (participants with wrong versions: {len(wrong)}); payloads match versions: "
          f"{'yes' if payload_ok else 'NO'}")
    print(f"errors: {len(errors)} ({locked} 'database is locked')")
    for e in errors[:5]:
        print(f"  {e}")
    if latencies:
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        print(f"throughput: {len(latencies) / wall:.0f} submissions/s over {wall:.2f} s")
        print(f"submit latency: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")
        print(f"goal p99 < 100 ms: {'met' if p99 < 0.1 else 'NOT met'}")
    read = statistics.median(reads)
    print(f"facilitator read of '{MODULE}' ({len(frame)} participants): median "
          f"{read * 1000:.1f} ms, max {max(reads) * 1000:.1f} ms; goal < 100 ms: "
          f"{'met' if read < 0.1 else 'NOT met'}")
    return 0 if not wrong and not errors and len(rows) == total and payload_ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        traceback.print_exc()
        sys.exit(130)
