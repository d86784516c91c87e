"""Errors in plain words for the kit's notebooks: one sentence that says what to do, with the
full traceback one click away (a collapsed "Details for the facilitator").

The kit's kernel (kernelspec `workshop-kit`, see `workshop_kit.kernel`) loads this module as an
IPython extension when it starts, so the handler is there even when the very first cell a
participant runs in a fresh kernel is one further down the notebook (before `import
workshop_kit` ran); importing `workshop_kit` installs it too, for a notebook opened in a plain
Python kernel.

It handles only what a participant can meet without writing code: a cell run before the cells
above it (NameError: after a restart, or the settings cell skipped), the blank template opened
instead of a built notebook, and the kit's own errors (the workshop service not answering, a
pass it refused, a closed exercise). Any other exception shows IPython's usual traceback, and
KeyboardInterrupt is never touched. The error output keeps the exception's name and value, so
papermill and nbval still see the cell fail; set WORKSHOP_KIT_TRACEBACKS=1 to get IPython's own
traceback instead of the sentence.

This module imports nothing heavy: the kernel loads it at start-up.
"""

from __future__ import annotations

import html
import os
import re
import sys
from typing import Any

from .errors import AccessError, ExerciseLockedError, ParameterError, StoreError, WorkshopKitError

ENV_TRACEBACKS = "WORKSHOP_KIT_TRACEBACKS"
RUN_ALL = "Run → Run All Cells"
# The names a kit notebook's settings cell (papermill's `parameters`) defines.
PARAMETERS = frozenset({"participant_id", "cohort_id", "module_id", "service_url", "token",
                        "practice_area", "partners", "group", "roles", "round_areas"})
TEMPLATE_COHORT = "template"
HANDLED: tuple[type[BaseException], ...] = (NameError, WorkshopKitError)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def sentence(error: BaseException, namespace: dict[str, Any] | None = None) -> str | None:
    """What to do about `error`, in one sentence; None if it is not one the kit explains."""
    namespace = namespace or {}
    if isinstance(error, KeyboardInterrupt) or not isinstance(error, HANDLED):
        return None
    # Short enough for one line of a notebook's error box (it wraps mid-word).
    if isinstance(error, NameError):
        if (getattr(error, "name", None) or "") in PARAMETERS:
            return f"The notebook's settings cell has not run yet: choose {RUN_ALL}."
        return (f"The cells above this one have not run yet (or the notebook restarted): "
                f"choose {RUN_ALL}.")
    if isinstance(error, ExerciseLockedError):
        return ("The facilitator has closed this exercise: nothing was saved, and your text is "
                "still here.")
    if isinstance(error, AccessError):
        return ("The workshop service refused this notebook: open the one made for you, or ask "
                "the facilitator.")
    if isinstance(error, StoreError):
        return f"The workshop service did not answer: wait a moment, then choose {RUN_ALL} again."
    if isinstance(error, ParameterError) and namespace.get("cohort_id") == TEMPLATE_COHORT:
        return ("This is the blank template, not your own notebook: open the one with your "
                "name, or ask the facilitator.")
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return (f"The workshop kit stopped here: {message.rstrip('.')}. If you did not change "
            "anything, tell the facilitator.")


def details_html(error: BaseException, traceback_text: str) -> str:
    """The collapsed part: the error as the kit raised it and the full traceback."""
    shown = f"{type(error).__name__}: {error}"
    return ('<details class="workshop-kit-details"><summary>Details for the facilitator'
            f'</summary><pre>{html.escape(shown)}\n\n{html.escape(traceback_text)}</pre>'
            '</details>')


def _handler(shell: Any, etype: type[BaseException], value: BaseException, tb: Any,
             tb_offset: int | None = None) -> list[str]:
    """IPython's custom exception handler: the sentence as the cell's error output, then the
    details as HTML. Anything it does not explain gets IPython's own traceback."""
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    said = None if os.environ.get(ENV_TRACEBACKS) else sentence(value, shell.user_ns)
    # A cell's code (run_code) leaves showing the error to the handler; showtraceback (a
    # widget's callback, say) shows what the handler returns.
    shows_itself = sys._getframe(2).f_code.co_name == "showtraceback"
    if said is None:
        if not shows_itself:
            shell._showtraceback(etype, value, stb)
        return stb
    # The error output keeps the exception's name and value (papermill and nbval see the cell
    # fail) but shows only the sentence; the traceback follows, folded.
    if not shows_itself:
        shell._showtraceback(etype, value, [said])
    text = _ANSI.sub("", shell.InteractiveTB.stb2text(stb))
    from IPython.display import HTML, display  # noqa: PLC0415 (heavy or optional: imported when used)

    display(HTML(details_html(value, text)))
    return [said]


def install(shell: Any = None) -> bool:
    """Install the handler in this IPython shell (the running one if not given); False
    outside IPython. Safe to call again."""
    if shell is None:
        if "IPython" not in sys.modules:
            return False
        from IPython import get_ipython  # noqa: PLC0415 (heavy or optional: imported when used)

        shell = get_ipython()
        if shell is None:
            return False
    if getattr(shell, "custom_exceptions", ()) == HANDLED:
        return True
    shell.set_custom_exc(HANDLED, _handler)
    return True


def load_ipython_extension(shell: Any) -> None:
    """`--ext workshop_kit.friendly` (the kit's kernelspec) or `%load_ext`."""
    install(shell)


def unload_ipython_extension(shell: Any) -> None:
    shell.set_custom_exc((), None)
