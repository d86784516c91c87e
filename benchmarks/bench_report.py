"""Reports for a 30-person cohort: `workshop-kit report` against one notebook per participant.

Builds and simulates a 30-participant cohort in a temporary folder, then times
  1. `report.build_reports` (one read of the store, every page rendered in Python), and
  2. the obvious alternative: executing, with papermill, one small report notebook per
     participant, one after the other (each starts a kernel, imports the kit, reads the store
     and renders that participant's page).
By default (2) runs for the first 3 participants and is extrapolated to 30 (measured mean x 30);
`--all` runs all 30. The printout says which.

    python benchmarks/bench_report.py [--participants 30] [--sample 3 | --all]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
AREAS = ["consulting", "accounting", "legal", "it_services", "financial_planning"]


def make_cohort(folder: Path, n: int) -> Path:
    roster = folder / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "email", "practice_area", "team"])
        for i in range(1, n + 1):
            w.writerow([f"p{i:02d}", f"Person {i}", f"p{i}@example.com", AREAS[i % 5],
                        f"t{i % 3}"])
    cohort = folder / "bench.yaml"
    cohort.write_text("id: bench\nname: Benchmark cohort\ndate: \"2026-12-03\"\n"
                      "roster: roster.csv\n", encoding="utf-8")
    return cohort


def report_notebook(path: Path) -> None:
    """A minimal per-participant report notebook: parameters, then one page."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('folder = ""\nparticipant_id = ""\nout = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "from pathlib import Path\n"
        "from workshop_kit import report\n"
        "data = report.collect(folder)\n"
        "person = next(p for p in data.built.manifest['participants'] "
        "if p['id'] == participant_id)\n"
        "Path(out).write_text(report.participant_page(data, person), encoding='utf-8')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--sample", type=int, default=3,
                        help="notebooks to execute for the baseline (then extrapolated)")
    parser.add_argument("--all", action="store_true", help="execute one notebook for everyone")
    args = parser.parse_args()

    import papermill as pm

    from workshop_kit.cohort import BuiltCohort, build
    from workshop_kit.report import build_reports

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        out = tmp / "bench"
        build(make_cohort(tmp, args.participants), REPO / "data", out)
        answers = BuiltCohort.open(out).simulate(seed=1)
        print(f"cohort: {args.participants} participants, {answers} simulated answers")

        started = time.perf_counter()
        result = build_reports(out)
        fast = time.perf_counter() - started
        print(f"workshop-kit report: {len(result.participants)} pages + cohort summary in "
              f"{fast:.1f} s")

        nb = tmp / "one_report.ipynb"
        report_notebook(nb)
        n = args.participants if args.all else min(args.sample, args.participants)
        pages = tmp / "nb-pages"
        pages.mkdir()
        started = time.perf_counter()
        for i in range(1, n + 1):
            pm.execute_notebook(str(nb), str(tmp / f"run-{i}.ipynb"), progress_bar=False,
                                parameters={"folder": str(out), "participant_id": f"p{i:02d}",
                                            "out": str(pages / f"p{i:02d}.html")},
                                kernel_name="python3", log_output=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        measured = time.perf_counter() - started
        per = measured / n
        slow = per * args.participants
        how = ("measured" if n == args.participants else
               f"extrapolated: {n} measured ({measured:.1f} s, {per:.1f} s each) x "
               f"{args.participants}")
        print(f"one papermill notebook per participant, serially: {slow:.1f} s ({how})")
        print(f"ratio: {slow / fast:.1f}x faster (goal: at least 4x)")


if __name__ == "__main__":
    main()
