"""The day on a built cohort: run the facilitator's modules, the demo, the cockpit.

`run` executes the facilitator's notebooks through papermill (with the cohort's response
service started on this machine for as long as they run) and writes executed notebooks and HTML
pages; `demo` builds the demo cohort, simulates its answers, runs every module and writes the
take-home reports; `cockpit` opens the facilitator's cockpit in JupyterLab. Building is
`cohort`'s job, simulated answers `simulate`'s, reports `report`'s: this module only puts them
in order.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import ENV_SERVICE_URL
from .cohort import COCKPIT_NOTEBOOK, BuildResult, BuiltCohort, build, token_of
from .errors import ParameterError, RunError
from .kernel import kernel_for_run
from .report import ReportResult, build_reports
from .store import FACILITATOR

# ---------------------------------------------------------------------------------------------
# Run


@dataclass(frozen=True)
class ModuleRun:
    module: str
    notebook: Path
    html: Path | None
    seconds: float
    error: str | None = None


def _html(notebook: Path) -> Path:
    import nbformat  # noqa: PLC0415 (heavy (pulls jsonschema): only when a page is written)
    from nbconvert import HTMLExporter  # noqa: PLC0415 (heavy or optional: imported when used)

    exporter = HTMLExporter(exclude_input=True, exclude_output_prompt=True,
                            exclude_input_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


@contextlib.contextmanager
def local_service(built: BuiltCohort) -> Iterator[str]:
    """The cohort's response service for the notebooks started inside this block.

    A cohort built with --service-url uses that service (it runs elsewhere: a hub). Otherwise
    `workshop-kit serve` starts here on 127.0.0.1, on a free port, its log in
    `<folder>/service.log`; $WORKSHOP_KIT_SERVICE_URL tells the kernels started meanwhile
    where it is; it stops when the block ends."""
    if built.manifest.get("service_url"):
        yield built.manifest["service_url"]
        return
    log_path = built.folder / "service.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workshop_kit.cli", "serve", str(built.folder),
             "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://\S+", first)
        if not found:
            proc.wait(timeout=10)
            tail = log_path.read_text(encoding="utf-8", errors="replace").strip()
            last = tail.splitlines()[-1] if tail else "no output"
            raise RunError(f"the response service did not start: {last} (see {log_path})")
        url = found.group(0)
        before = os.environ.get(ENV_SERVICE_URL)
        os.environ[ENV_SERVICE_URL] = url
        try:
            yield url
        finally:
            if before is None:
                os.environ.pop(ENV_SERVICE_URL, None)
            else:
                os.environ[ENV_SERVICE_URL] = before
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def run_module(built: BuiltCohort, module: dict[str, Any], results: Path) -> ModuleRun:
    """Execute one facilitator notebook; never raises for a failing cell (see `.error`)."""
    import papermill as pm  # noqa: PLC0415 (heavy: only when a module runs)
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415 (heavy or optional: imported when used)

    source = built.folder / "facilitator" / module["notebook"]
    target = results / module["notebook"]
    started = time.perf_counter()
    error = None
    try:
        pm.execute_notebook(str(source), str(target), cwd=str(built.folder),
                            kernel_name=kernel_for_run(), progress_bar=False, log_output=False,
                            # the kernel's own start-up warnings are noise on a trainer's screen
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except PapermillExecutionError as exc:
        first_line = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        error = (
            f"module '{module['id']}' failed in cell {exc.cell_index} (`{first_line}`): "
            f"{exc.ename}: {exc.evalue}; the notebook with the error is at {target}"
        )
    except Exception as exc:  # kernel died, notebook unreadable: still report, keep going
        error = f"module '{module['id']}' could not run: {type(exc).__name__}: {exc}"
    page = _html(target) if target.is_file() else None
    return ModuleRun(module["id"], target, page, time.perf_counter() - started, error)


@contextlib.contextmanager
def _facilitator_token_for_hub_build(built: BuiltCohort) -> Iterator[None]:
    """The facilitator's notebooks of a hub build carry no token (on the hub the facilitator's
    kernel has the hub's credential); the trainer's `run` gives its kernels the token derived
    from the cohort's secret instead, through $WORKSHOP_KIT_TOKEN, while it runs."""
    name = "WORKSHOP_KIT_TOKEN"  # what session.resolve_token reads
    if not built.manifest.get("hub"):
        yield
        return
    before = os.environ.get(name)
    os.environ[name] = token_of(built.manifest, built.folder, FACILITATOR)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def run(folder: str | Path, modules: str | None = None, simulate: bool = False, seed: int = 1,
        progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> list[ModuleRun]:
    """Execute the facilitator's modules of a built cohort (all, or a comma list).

    Every module runs even if one fails; then RunError lists each failure on its own line.
    """
    built = BuiltCohort.open(folder)
    chosen = built.select(modules)
    if simulate:
        built.simulate(seed)
    results = built.folder / "results"
    results.mkdir(exist_ok=True)
    runs = []
    with local_service(built), _facilitator_token_for_hub_build(built):
        for module in progress(chosen) if progress else chosen:
            runs.append(run_module(built, module, results))
    failures = [r.error for r in runs if r.error]
    if failures:
        raise RunError("\n".join(failures))
    return runs


@dataclass(frozen=True)
class DemoResult:
    build: BuildResult
    store_url: str
    simulated: int
    participants: int
    runs: list[ModuleRun]
    error: str | None
    reports: ReportResult | None = None  # the take-home pages


def demo(cohort_file: str | Path, data_dir: str | Path, out: str | Path | None = None,
         seed: int = 1,
         progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> DemoResult:
    """The whole day on a cohort: build, simulate every participant's answers, run each module,
    then write the take-home reports.

    A failing module does not stop the others; its message is in `.error`.
    """
    built_files = build(cohort_file, data_dir, out)
    built = BuiltCohort.open(built_files.out)
    simulated = built.simulate(seed)
    results = built.folder / "results"
    results.mkdir(exist_ok=True)
    modules = built.select(None)
    with local_service(built):
        runs = [run_module(built, m, results)
                for m in (progress(modules) if progress else modules)]
    errors = [r.error for r in runs if r.error]
    reports = build_reports(built.folder)
    return DemoResult(built_files, built.manifest["store_url"], simulated,
                      len(built.manifest["participants"]), runs,
                      "\n".join(errors) if errors else None, reports)


# ---------------------------------------------------------------------------------------------
# The cockpit


def launch_jupyter_lab(folder: Path, notebook: Path) -> int:
    """Start JupyterLab in `folder` on `notebook` (relative to it); its exit code."""
    command = [sys.executable, "-m", "jupyter", "lab", str(notebook)]
    return subprocess.call(command, cwd=folder)


def cockpit(folder: str | Path) -> int:
    """Open a built cohort's cockpit notebook in JupyterLab (until JupyterLab stops)."""
    built = BuiltCohort.open(folder)
    if not (built.folder / COCKPIT_NOTEBOOK).is_file():
        raise ParameterError(f"{built.folder / COCKPIT_NOTEBOOK} is missing; run "
                             "`workshop-kit build` again for this cohort")
    with local_service(built), _facilitator_token_for_hub_build(built):
        return launch_jupyter_lab(built.folder, COCKPIT_NOTEBOOK)


