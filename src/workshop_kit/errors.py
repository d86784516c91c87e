"""Exceptions of the kit: every error a user can cause is a WorkshopKitError.

Each message is one line that names the file, line or field at fault and says how to fix it.
"""


class WorkshopKitError(Exception):
    """Base class: the CLI turns these into a one-line message and a non-zero exit code."""


class ContentError(WorkshopKitError, ValueError):
    """A content, agenda, cohort or roster file is invalid (message names file, line, field)."""


class ParameterError(WorkshopKitError, ValueError):
    """A command-line option or notebook parameter is invalid."""


class StoreError(WorkshopKitError):
    """The response store refused or could not complete an operation."""


class RunError(WorkshopKitError):
    """One or more facilitator modules failed to execute."""


class AccessError(WorkshopKitError, PermissionError):
    """A token is missing or wrong, or asks for answers its holder may not see."""


class ExerciseLockedError(AccessError):
    """The facilitator locked the exercise: late answers are refused (nothing is written)."""


class AnswerError(ParameterError):
    """An answer is not one the kit writes: unknown module or exercise, wrong shape, a value out
    of range, too big or too deep (one line: module/exercise, the field and how to fix it)."""
