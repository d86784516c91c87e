"""Trust Workshop Kit: run a one-day trust-based selling workshop in JupyterLab.

The public names below are imported on first use, so the command line starts quickly (the
notebook side pulls in altair and ipywidgets, which take a second or two to import).
"""

import sys
from importlib import import_module
from typing import Any

# jsonschema (which altair and nbformat import) imports `rfc3987_syntax` when it is installed
# (Jupyter's jupyter-events asks for it), and that module builds a grammar at import: about
# 1.5 s of CPU in every kernel, command and service start, for the "iri" format checks alone.
# Nothing in the kit's processes checks that format (altair and nbformat validate without
# format checkers), so it is marked absent here, before anything imports jsonschema.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

from . import friendly as _friendly
from .errors import (
    AccessError,
    ContentError,
    ParameterError,
    RunError,
    StoreError,
    WorkshopKitError,
)

_LAZY = {
    "Content": "content",
    "load_cohort": "content",
    "load_content": "content",
    "FacilitatorSession": "session",
    "FacilitatorView": "session",
    "ParticipantSession": "session",
    "ParticipantView": "session",
    "Store": "store",
}

__all__ = [
    "AccessError",
    "Content",
    "ContentError",
    "FacilitatorSession",
    "FacilitatorView",
    "ParameterError",
    "ParticipantSession",
    "ParticipantView",
    "RunError",
    "Store",
    "StoreError",
    "WorkshopKitError",
    "load_cohort",
    "load_content",
]
__version__ = "0.1.0"

# Errors in plain words in a notebook opened in a plain Python kernel too (the kit's own kernel
# loads the handler at start-up); does nothing outside IPython.
_friendly.install()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'workshop_kit' has no attribute {name!r}")
