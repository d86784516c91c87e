"""The `workshop-kit` command: parse options, make one call into the package, report.

Errors a user can cause (WorkshopKitError) become messages on stderr and exit code 1 (2 for
usage errors, as argparse does); nothing here holds workshop logic.

Each command imports the part of the kit it calls inside its own function: `--help` and
`tournament` must start in well under a second, and the kit's notebook side pulls in nbformat
(and jsonschema), papermill, altair and pandas, which take seconds to import on a busy machine.
A test (tests/test_cli.py) checks what `--help` and `tournament` import.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import RunError, WorkshopKitError

if TYPE_CHECKING:
    from .day import ModuleRun

ENV_TOKEN = "WORKSHOP_KIT_TOKEN"


def _progress(items):
    from tqdm import tqdm

    bar = tqdm(items, unit="module", file=sys.stderr,
               bar_format="running {desc:<10} {n_fmt}/{total_fmt} |{bar:24}| {elapsed}")
    for item in bar:
        bar.set_description_str(item["id"])
        yield item


def _print_runs(runs: Sequence[ModuleRun]) -> None:
    for r in runs:
        status = "FAILED" if r.error else "ok"
        print(f"  {r.module:<12} {status:<6} {r.seconds:5.1f} s  {r.notebook}  {r.html or ''}")


def cmd_validate(args: argparse.Namespace) -> int:
    from . import cohort  # validate reads the notebook templates (nbformat)

    for line in cohort.validate(args.data, args.cohorts):
        print(line)
    print("all valid")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from . import cohort  # papermill and nbformat prepare the notebooks

    started = time.perf_counter()
    hub = {"hub": True} if args.hub else {}  # else as the cohort file says
    result = cohort.build(args.cohort_file, args.data, args.out, args.store_url,
                          args.service_url, **hub)
    seconds = time.perf_counter() - started
    for note in result.notes:
        print(f"note: {note}")
    print(f"built {len(result.files)} files in {result.out} ({result.changed} written, "
          f"{result.removed} removed) in {seconds:.2f} s")
    print(f"app view: {result.app_view}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from . import day  # papermill runs the notebooks

    try:
        runs = day.run(args.folder, args.modules, args.simulate, args.seed, _progress)
    except RunError as exc:
        print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1
    _print_runs(runs)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from . import day  # build, papermill, reports: the whole kit

    started = time.perf_counter()
    result = day.demo(args.cohort_file, args.data, args.out, args.seed, _progress)
    print(f"built {len(result.build.files)} files in {result.build.out}")
    print(f"simulated {result.simulated} answers for {result.participants} participants "
          f"(seed {args.seed}) into {result.store_url}")
    print("results (executed facilitator notebooks and HTML pages):")
    _print_runs(result.runs)
    print(f"agenda: {result.build.out / 'agenda.html'}")
    print(f"participant notebooks: {result.build.out / 'participants'}")
    if result.reports is not None:
        print(f"take-home reports: {result.reports.folder} ({len(result.reports.participants)} "
              f"participants + {result.reports.cohort.name})")
    print(f"done in {time.perf_counter() - started:.1f} s")
    if result.error:
        print(f"error: {result.error}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from . import report  # altair and pandas draw the pages

    if args.compare:
        page = report.compare(args.compare, args.out or Path("build/compare"))
        print(f"comparison of {len(args.compare)} cohorts: {page}")
        return 0
    if args.folder is None:
        print("error: give a built cohort folder, or --compare FOLDER FOLDER …", file=sys.stderr)
        return 2
    result = report.build_reports(args.folder, args.out)
    print(f"wrote {len(result.participants)} participant pages and {result.cohort.name} to "
          f"{result.folder} in {result.seconds:.1f} s")
    if result.skipped:
        print(f"note: {result.skipped} malformed answer row(s) in the store (no schema accepts "
              "them) were left out")
    return 0


def _token(args: argparse.Namespace) -> str:
    return args.token or os.environ.get(ENV_TOKEN, "")


def cmd_export(args: argparse.Namespace) -> int:
    from . import cohort  # pandas writes the file

    result = cohort.export(args.folder, args.out, _token(args))
    print(f"exported {result.rows} answer version(s) to {result.path}")
    if result.withheld:
        print(f"note: {result.withheld} personal answer version(s) not shared with the "
              "facilitator were left out")
    if result.skipped:
        print(f"note: {result.skipped} malformed answer row(s) in the store (no schema accepts "
              "them) were left out")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    from . import cohort  # the store's schemas: the content and its answer models

    removed = cohort.forget(args.folder, args.participant, _token(args))
    print(f"removed {removed} answer version(s) of '{args.participant}' from the store")
    return 0


def cmd_cockpit(args: argparse.Namespace) -> int:
    from . import day  # starts the service and JupyterLab

    return day.cockpit(args.folder)


def cmd_serve(args: argparse.Namespace) -> int:
    from .service import ServiceConfig, serve  # tornado, the store and the answer models

    config = ServiceConfig.from_folder(args.folder, connections=args.connections, hub=args.hub)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    host, port = args.host, args.port
    hub_url = os.environ.get("JUPYTERHUB_SERVICE_URL", "") if args.hub else ""
    if port is None and hub_url:  # a hub-managed service listens where the hub says
        where = urllib.parse.urlsplit(hub_url)
        host, port = where.hostname or host, where.port or 80

    def ready(url: str) -> None:
        print(f"serving cohort '{config.cohort}' at {url} (store: the cohort's, opened by "
              "this process only); stop with Ctrl-C", flush=True)

    serve(config, host, 8765 if port is None else port, ready, processes=args.processes)
    return 0


def cmd_hub_config(args: argparse.Namespace) -> int:
    from .hub import hub_config  # hub commands: only when asked for

    print(hub_config(args.folder, args.service_url or "", args.port, args.name), end="")
    return 0


def cmd_handout(args: argparse.Namespace) -> int:
    from .hub import handout

    for line in handout(args.folder, args.home, args.fix_modes):
        print(line)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from .hub import fetch

    print(fetch(args.into, args.service_url or "", args.who or "", _token(args),
                args.fix_modes))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_checks  # reads a notebook (nbformat)

    return run_checks(args.notebook)


def cmd_tournament(args: argparse.Namespace) -> int:
    from . import game  # numpy and pandas (the engine needs them); no notebook package

    result = game.tournament_summary(args.players, args.turns, args.repetitions, args.noise,
                                     args.prob_end, args.payoffs, args.seed)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(game.format_table(result))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workshop-kit", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", default="data", type=Path,
                      help="content folder with agenda.yaml (default: data)")

    v = sub.add_parser("validate", parents=[data], help="check content, agendas and cohorts")
    v.add_argument("cohorts", nargs="*", type=Path, help="cohort files to check too")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("build", parents=[data], help="prepare a cohort's notebooks")
    b.add_argument("cohort_file", type=Path)
    b.add_argument("--out", type=Path, help="output folder (default: build/<cohort id>)")
    b.add_argument("--store-url", help="store URL (default: a SQLite file in the output folder)")
    b.add_argument("--service-url",
                   help="the response service's URL the notebooks talk to (default: the one "
                        "`workshop-kit cockpit` starts on this machine)")
    b.add_argument("--hub", action="store_true",
                   help="for a JupyterHub: no token in any notebook; each kernel is known by "
                        "its hub login (needs facilitator_hub_user in the cohort file)")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("run", help="execute the facilitator's modules of a built cohort")
    r.add_argument("folder", type=Path, help="a built cohort folder, e.g. build/demo")
    r.add_argument("--modules", help="comma list of module ids (default: all)")
    r.add_argument("--simulate", action="store_true",
                   help="first fill the store with simulated answers where none exist")
    r.add_argument("--seed", type=int, default=1, help="seed for --simulate (default: 1)")
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("demo", parents=[data],
                       help="build the demo cohort, simulate answers, run every module, "
                            "write the take-home reports")
    d.add_argument("--cohort-file", type=Path, default=Path("data/cohorts/demo.yaml"))
    d.add_argument("--out", type=Path, help="output folder (default: build/demo)")
    d.add_argument("--seed", type=int, default=1)
    d.set_defaults(func=cmd_demo)

    rep = sub.add_parser("report", help="take-home pages per participant and a cohort summary")
    rep.add_argument("folder", type=Path, nargs="?", help="a built cohort folder, e.g. build/demo")
    rep.add_argument("--out", type=Path,
                     help="output folder (default: <folder>/reports; build/compare with "
                          "--compare)")
    rep.add_argument("--compare", nargs="+", type=Path, metavar="FOLDER",
                     help="write one page comparing these built cohorts side by side")
    rep.set_defaults(func=cmd_report)

    token = argparse.ArgumentParser(add_help=False)
    token.add_argument("--token", default="",
                       help=f"the facilitator's token (facilitator_token in cohort.json; "
                            f"default: ${ENV_TOKEN})")
    e = sub.add_parser("export", parents=[token],
                       help="write every answer of a built cohort to CSV or Parquet")
    e.add_argument("folder", type=Path, help="a built cohort folder, e.g. build/demo")
    e.add_argument("--out", type=Path, required=True,
                   help="answers.csv or answers.parquet (Parquet needs pyarrow)")
    e.set_defaults(func=cmd_export)

    f = sub.add_parser("forget", parents=[token],
                       help="remove every answer of one participant (a privacy request)")
    f.add_argument("folder", type=Path, help="a built cohort folder, e.g. build/demo")
    f.add_argument("participant", help="the participant's id, e.g. p03")
    f.set_defaults(func=cmd_forget)

    s = sub.add_parser("serve", help="run the response service of a built cohort: the only "
                                     "process that opens its store")
    s.add_argument("folder", type=Path, help="a built cohort folder, e.g. build/demo")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                                                       "127.0.0.1)")
    s.add_argument("--port", type=int, default=None,
                   help="port (default: 8765, or the hub's service URL with --hub; 0 for a "
                        "free one)")
    s.add_argument("--connections", type=int, default=4,
                   help="store connections the service keeps open (default: 4)")
    s.add_argument("--processes", type=int, default=1,
                   help="processes answering on the port (default: 1; up to the machine's "
                        "cores for a large room), each with --connections connections")
    s.add_argument("--hub", action="store_true",
                   help="run as a JupyterHub service: also accept a kernel's "
                        "JUPYTERHUB_API_TOKEN, checked with the hub (a cohort built with --hub)")
    s.set_defaults(func=cmd_serve)

    k = sub.add_parser("check", help="check that one of your notebooks can work here: the "
                                     "service, your identity, the content, the kit")
    k.add_argument("notebook", type=Path, help="one of your workshop notebooks, e.g. "
                                               "~/workshop/01_checkin.ipynb")
    k.set_defaults(func=cmd_check)

    h = sub.add_parser("hub-config", help="print the jupyterhub_config.py lines that run a "
                                          "built cohort's service on a JupyterHub")
    h.add_argument("folder", type=Path, help="a cohort folder built with --hub")
    h.add_argument("--service-url", help="where kernels reach the service (default: "
                                         "http://127.0.0.1:PORT)")
    h.add_argument("--port", type=int, default=8765, help="the service's port (default: 8765)")
    h.add_argument("--name", default="workshop", help="the hub service's name "
                                                      "(default: workshop)")
    h.set_defaults(func=cmd_hub_config)

    o = sub.add_parser("handout", help="copy each person's notebooks of a --hub cohort into "
                                       "their home (as root)")
    o.add_argument("folder", type=Path, help="a cohort folder built with --hub")
    o.add_argument("--home", required=True,
                   help="where, with {user} (hub login) or {id}: e.g. '/home/{user}/workshop'")
    o.add_argument("--fix-modes", action="store_true",
                   help="make homes and workshop folders others can read private (0700)")
    o.set_defaults(func=cmd_handout)

    g = sub.add_parser("fetch", help="take your own notebooks from the workshop service into "
                                     "a private folder (run in your server on the hub)")
    g.add_argument("--into", default="~/workshop", help="where (default: ~/workshop)")
    g.add_argument("--service-url", help="the service (default: $WORKSHOP_KIT_SERVICE_URL)")
    g.add_argument("--as", dest="who", help="your participant id, or facilitator (with a kit "
                                            "token; a hub credential says who you are)")
    g.add_argument("--token", default="", help=f"a kit token (default: ${ENV_TOKEN}; without "
                                               "one: the hub's $JUPYTERHUB_API_TOKEN)")
    g.add_argument("--fix-modes", action="store_true",
                   help="make the folder private (0700) if others can read it")
    g.set_defaults(func=cmd_fetch)

    c = sub.add_parser("cockpit", help="open a built cohort's cockpit (the facilitator's "
                                       "screen) in JupyterLab")
    c.add_argument("folder", type=Path, help="a built cohort folder, e.g. build/demo")
    c.set_defaults(func=cmd_cockpit)

    t = sub.add_parser("tournament", help="play a round-robin dilemma tournament of classics")
    t.add_argument("--players", required=True,
                   help="comma list of strategies, e.g. tit_for_tat,grudger,defector (or all)")
    t.add_argument("--turns", type=int, default=200, help="rounds per match (default: 200)")
    t.add_argument("--repetitions", type=int, default=10, help="default: 10")
    t.add_argument("--noise", type=float, default=0.0,
                   help="probability that a move is flipped (default: 0)")
    t.add_argument("--prob-end", type=float, default=None,
                   help="probability a match ends after each round (turns becomes the cap)")
    t.add_argument("--payoffs", default="classic",
                   help="R,S,T,P or a table name: classic, prison_years, seller_buyer")
    t.add_argument("--seed", type=int, default=None)
    t.add_argument("--json", action="store_true",
                   help='print {"scores": {name: [per-repetition totals]}, "ranking": [...]}')
    t.set_defaults(func=cmd_tournament)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except WorkshopKitError as exc:
        print(f"error: {exc}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
