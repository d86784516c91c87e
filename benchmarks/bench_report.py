"""`workshop-kit report` at scale: time and peak memory for a big cohort (1,000 by default).

Builds a cohort of N participants (a generated roster, the repository's content) in a temporary
folder, fills its store with simulated answers to every module (`run --simulate`'s answers),
then runs `workshop-kit report` in a child process and prints its wall time and its peak
resident memory (the child's own `ru_maxrss`, read with `os.wait4`, like `/usr/bin/time -v`).
The goal: 1,000 pages and cohort.html under 1 GB; the time is printed, not judged.

    python benchmarks/bench_report.py [--participants 1000]
    python benchmarks/bench_report.py --folder build/bench   # an existing built, simulated cohort
    python benchmarks/bench_report.py --src /path/to/other/checkout/src   # "before": other code

`--src` runs the report with another checkout's package (say, main before a change) on the same
cohort; `--keep DIR` builds the cohort there and keeps it for the next run; `--out DIR` keeps
the reports.

Measured 2026-11-27 on the shared 2-core build machine (load ~8, so wall times are long and
noisy; peak memory is what the goal is about):

  participants  code                          wall     peak memory
  200           main 7b68130 (before)          164 s    773 MB
  200           i14-report (after)             146 s    278 MB
  1,000         i14-report (after)           1,101 s    470 MB   (~245 s of CPU)
  1,000         i14-report, 2 repetitions      330 s    470 MB   (tournament cut to check the
                                                                  pages; same peak)
  1,000         main (before)                 not run: its tournament alone needs ~15 GB in
                                              one piece (issue 14), cohort.html MaxRowsError
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AREAS = ["consulting", "accounting", "legal", "it_services", "financial_planning"]


def make_cohort(folder: Path, n: int) -> Path:
    """A roster of `n` people (mixed practice areas and teams) and its cohort file."""
    roster = folder / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "email", "practice_area", "team"])
        for i in range(1, n + 1):
            w.writerow([f"p{i:04d}", f"Person {i}", f"p{i}@example.com", AREAS[i % 5],
                        f"t{i % 3}"])
    cohort = folder / "bench.yaml"
    cohort.write_text("id: bench\nname: Benchmark cohort\ndate: \"2026-12-03\"\n"
                      "roster: roster.csv\n", encoding="utf-8")
    return cohort


def prepare(folder: Path, n: int) -> Path:
    """Build and simulate the cohort (in this process: its memory is not measured)."""
    from workshop_kit.cohort import BuiltCohort, build

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "bench"
    started = time.perf_counter()
    build(make_cohort(folder, n), REPO / "data", out)
    answers = BuiltCohort.open(out).simulate(seed=1)
    print(f"cohort: {n} participants, {answers} simulated answers "
          f"(built and simulated in {time.perf_counter() - started:.0f} s)", flush=True)
    return out


def measure(cohort: Path, out: Path, src: Path | None) -> tuple[float, float, int, str]:
    """Run `workshop-kit report` in a child process: (seconds, peak MB, exit code, output)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, "-c",
               "import sys; from workshop_kit.cli import main; sys.exit(main(sys.argv[1:]))",
               "report", str(cohort), "--out", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    printed = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, child.returncode, printed  # ru_maxrss: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--folder", type=Path, help="a built cohort with answers already")
    parser.add_argument("--keep", type=Path, help="build the cohort here and keep it")
    parser.add_argument("--src", type=Path, help="run the report with this package source")
    parser.add_argument("--out", type=Path, help="write (and keep) the reports here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        cohort = args.folder or prepare(args.keep or Path(tmp), args.participants)
        out = args.out or Path(tmp) / "reports"
        seconds, peak, code, printed = measure(cohort, out, args.src)
        pages = len(list(out.glob("*.html"))) if out.exists() else 0
        print(f"code: {args.src or 'this checkout'}")
        print(f"workshop-kit report: exit {code}, {pages} HTML files "
              f"({max(pages - 1, 0)} pages + cohort.html) in {seconds:.0f} s, "
              f"peak memory {peak:.0f} MB (goal: under 1024 MB)")
        if code:
            print(printed.strip()[-2000:])


if __name__ == "__main__":
    main()
