"""Trust Workshop Kit: run a one-day trust-based selling workshop in JupyterLab."""

from .content import Content, load_cohort, load_content
from .errors import ContentError, ParameterError, RunError, StoreError, WorkshopKitError
from .session import FacilitatorSession, ParticipantSession
from .store import Store

__all__ = [
    "Content",
    "ContentError",
    "FacilitatorSession",
    "ParameterError",
    "ParticipantSession",
    "RunError",
    "Store",
    "StoreError",
    "WorkshopKitError",
    "load_cohort",
    "load_content",
]
__version__ = "0.1.0"
