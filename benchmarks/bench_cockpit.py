"""How much a cockpit refresh costs with 20 and with 200 participants.

For each room size, a fresh store gets every participant's answers to the purpose sort, several
versions each (the answers the cockpit has already read), then the cockpit's tally reads them
once. Then, refresh after refresh, a few new answers arrive and we time:

- `read`: the incremental read (`RoomTally.refresh`: rows with id > the last one seen);
- `cockpit`: the whole widget refresh (read, counts, missing list, chart built; no SVG);
- `re-read`: for contrast, reading the module again from scratch (`Store.module_answers`).

Usage:
    python benchmarks/bench_cockpit.py [--refreshes 30] [--versions 10] [--new 5]
SQLite always; PostgreSQL too when $WORKSHOP_KIT_TEST_PG_URL is set (a throw-away schema).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from workshop_kit.cockpit import Cockpit, RoomTally
from workshop_kit.content import load_content
from workshop_kit.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
SIZES = (20, 200)


@contextlib.contextmanager
def fresh_store(backend: str):
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder, \
                Store(f"sqlite:///{folder}/responses.sqlite") as store:
            yield store
        return
    import psycopg

    admin = os.environ["WORKSHOP_KIT_TEST_PG_URL"]
    schema = f"wk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in admin else "?"
    try:
        with Store(f"{admin}{sep}options={quote(f'-csearch_path={schema}')}") as store:
            yield store
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def placements(content, i: int) -> dict:
    sides = ("closing", "exploring")
    return {"placements": {s.id: sides[(i + j) % 2]
                           for j, s in enumerate(content.purpose.statements)}}


def measure(backend: str, size: int, content, args) -> dict[str, float]:
    exercise = content.purpose.exercise
    people = [f"p{i:03d}" for i in range(1, size + 1)]
    with fresh_store(backend) as store:
        store.register_tokens("bench", {p: f"t-{p}" for p in people})
        for version in range(args.versions):
            for i, person in enumerate(people):
                store.submit("bench", person, "purpose", exercise, placements(content, i + version))
        tally = RoomTally(store, "bench", "purpose")
        tally.refresh()
        view = Cockpit(store, "bench", content, poll_seconds=0, module="purpose",
                       projector=False, render_charts=False)
        read, whole, full, fetched = [], [], [], []
        for r in range(args.refreshes):
            for k in range(args.new):
                person = people[(r * args.new + k) % size]
                store.submit("bench", person, "purpose", exercise, placements(content, r + k))
            started = time.perf_counter()
            tally.refresh()
            read.append(time.perf_counter() - started)
            fetched.append(tally.fetched)
            started = time.perf_counter()
            view.refresh()
            whole.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.module_answers("bench", "purpose", exercise)
            full.append(time.perf_counter() - started)
        view.close()
        stored = store.count("bench")
    return {"read": statistics.median(read) * 1000, "cockpit": statistics.median(whole) * 1000,
            "re-read": statistics.median(full) * 1000, "rows": statistics.median(fetched),
            "stored": stored}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--versions", type=int, default=10,
                        help="answers per participant already read before timing")
    parser.add_argument("--new", type=int, default=5, help="new answers per refresh")
    args = parser.parse_args()
    content = load_content(DATA)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("WORKSHOP_KIT_TEST_PG_URL")
                             else [])
    print(f"median per refresh over {args.refreshes} refreshes, {args.new} new answers each; "
          f"{args.versions} versions per participant already read")
    for backend in backends:
        results = {size: measure(backend, size, content, args) for size in SIZES}
        small, big = (results[s] for s in SIZES)
        print(f"\n{backend}")
        print(f"  {'participants':>12} {'stored':>7} {'rows read':>9} {'read ms':>8} "
              f"{'cockpit ms':>10} {'re-read ms':>10}")
        for size in SIZES:
            r = results[size]
            print(f"  {size:>12} {r['stored']:>7} {r['rows']:>9g} {r['read']:>8.2f} "
                  f"{r['cockpit']:>10.2f} {r['re-read']:>10.2f}")
        print(f"  ratio 200/20: read {big['read'] / small['read']:.2f}, cockpit "
              f"{big['cockpit'] / small['cockpit']:.2f}, re-read from scratch "
              f"{big['re-read'] / small['re-read']:.2f}")


if __name__ == "__main__":
    main()
