"""Trust Workshop Kit: run a one-day trust-based selling workshop in JupyterLab.

The public names below are imported on first use, so the command line starts quickly (the
notebook side pulls in altair and ipywidgets, which take a second or two to import).
"""

from importlib import import_module
from typing import Any

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
