"""`workshop-kit check NOTEBOOK`: can this person's notebook work here, before the day starts?

Run by a participant (or by the trainer as that user) on their own notebook: it reads the
notebook's parameters (id, cohort, token, service URL) the way the notebook itself does, then
checks, one line each, that the service answers, that it accepts this credential, that the
content is readable, and that this Python has the kit and the widgets. It stops at the first
failure with what to fix.
"""

from __future__ import annotations

import ast
import http.client
import importlib
import json
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .client import (
    FacilitatorClient,
    ParticipantClient,
    load_served_content,
    resolve_service_url,
)
from .errors import ParameterError, WorkshopKitError

PARAMETERS = ("participant_id", "cohort_id", "token", "service_url")


def notebook_parameters(path: str | Path) -> dict[str, Any]:
    """The values of a built notebook's injected parameters cell (papermill's), as literals."""
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{path}: cannot read this notebook ({type(exc).__name__}); give "
                             "the path of one of your own workshop notebooks") from None
    cells = [c for c in notebook.get("cells", [])
             if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ParameterError(f"{path}: this notebook has no parameters from `workshop-kit "
                             "build`; give one of the notebooks built for you")
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values


def checks(notebook: str | Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """(what, check) pairs, in order; each check returns the line to print or raises."""
    params = notebook_parameters(notebook)
    state: dict[str, Any] = {}

    def service() -> str:
        url = resolve_service_url(params.get("service_url", ""))
        parts = urllib.parse.urlsplit(url)
        kind = (http.client.HTTPSConnection if parts.scheme == "https"
                else http.client.HTTPConnection)
        conn = kind(parts.hostname or "", parts.port, timeout=10)
        try:
            conn.request("GET", parts.path.rstrip("/") + "/api/v1/health")
            body = json.loads(conn.getresponse().read())
        except (OSError, ValueError) as exc:
            raise WorkshopKitError(
                f"cannot reach the workshop service at {url} ({type(exc).__name__}); ask the "
                "facilitator whether it is running, and check the address") from None
        finally:
            conn.close()
        if body.get("cohort") != params.get("cohort_id"):
            raise WorkshopKitError(
                f"the service at {url} serves cohort '{body.get('cohort')}', not this "
                f"notebook's '{params.get('cohort_id')}'; ask the trainer for the right address")
        state["url"] = url
        return f"service: reachable at {url} (cohort '{body['cohort']}')"

    def identity() -> str:
        who = params.get("participant_id")
        cohort, token = params.get("cohort_id", ""), params.get("token", "")
        client: Any = (ParticipantClient(state["url"], cohort, who, token) if who else
                       FacilitatorClient(state["url"], cohort, token))
        state["files"] = client.content_files()  # the service checks the credential here
        role = f"participant '{who}'" if who else "the facilitator"
        return f"identity: the service accepts this notebook as {role} of cohort '{cohort}'"

    def content() -> str:
        loaded = load_served_content(state["files"])
        return (f"content: {len(loaded.agenda.modules)} modules readable "
                f"({', '.join(m.id for m in loaded.agenda.modules)})")

    def kit() -> str:
        ipywidgets = importlib.import_module("ipywidgets")
        importlib.import_module("workshop_kit.session")  # what the notebook imports, or why not

        return (f"kit: workshop-kit {__version__} and ipywidgets {ipywidgets.__version__} "
                f"import in {sys.executable}")

    yield "service", service
    yield "identity", identity
    yield "content", content
    yield "kit", kit


def run_checks(notebook: str | Path, say: Callable[[str], None] = print) -> int:
    """Print one line per check; 0 if all pass, 1 at the first failure (with its fix)."""
    for what, check in checks(notebook):
        try:
            say(check())
        except WorkshopKitError as exc:
            say(f"{what}: FAILED: {str(exc).splitlines()[0]}")
            return 1
        except ImportError as exc:
            say(f"{what}: FAILED: {exc}; install the kit into the Python your notebooks use "
                "(pip install workshop-kit)")
            return 1
    return 0
