"""Module types: one folder per type, found by a registry.

A *module type* is a package: a folder here (`workshop_kit/modules/<type>/`) or one a training
firm ships in its own distribution and names under the entry point group
`workshop_kit.modules` (``[project.entry-points."workshop_kit.modules"] fear = "acme.fear"``).
Its name is the type an agenda line asks for (``- id: fear`` or ``- id: fear2, type: fear``).

Everything of one type lives in its package, one file per part, and the core (store, service,
access, cohort build and run, cockpit, report, CLI) reaches it only through `part()`:

=================  =================================================================
part               what it holds (the core file that calls it documents the names)
=================  =================================================================
``content``        the content model of the module's YAML and its extra checks
``answers``        the answer schemas the response service validates with
``rules``          who may read what beyond their own answers (the service's rules)
``build``          what `build` publishes to the store and puts in each notebook
``simulate``       simulated answers for `run --simulate` and the demo
``participant``    what `me.module(id)` returns: the participant's forms and views
``facilitator``    what `room.module(id)` returns: the facilitator's tables and charts
``cockpit``        the exercises the cockpit follows and their live charts
``report``         the take-home page's section and the cohort page's section
=================  =================================================================

A part a type does not need is simply absent. Parts are imported only when asked for, so a
command that needs no module (``workshop-kit tournament``, ``--help``) imports none.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType as _PyModule

from ..errors import ContentError

ENTRY_POINT_GROUP = "workshop_kit.modules"
PARTS = ("content", "answers", "rules", "build", "simulate", "participant", "facilitator",
         "cockpit", "report")


@dataclass(frozen=True)
class ModuleType:
    """One module type: its name and the package that holds its parts."""

    name: str
    package: str
    origin: str = "built in"  # or the distribution an entry point came from

    def part(self, name: str) -> _PyModule | None:
        """The type's `name` part (`content`, `report`, …), imported on first use; None when
        the type has no such part."""
        if name not in PARTS:
            raise ValueError(f"unknown part '{name}'; parts are: {', '.join(PARTS)}")
        return _import_part(self.package, name)

    def has(self, name: str) -> bool:
        return self.part(name) is not None

    def describe(self) -> str:
        doc = (importlib.import_module(self.package).__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.name


@cache
def _import_part(package: str, name: str) -> _PyModule | None:
    qualified = f"{package}.{name}"
    try:
        found = importlib.util.find_spec(qualified)
    except ModuleNotFoundError:
        found = None
    return importlib.import_module(qualified) if found is not None else None


@cache
def registry() -> dict[str, ModuleType]:
    """Every module type: the folders beside this file, then the installed entry points (an
    entry point may not replace a built-in type)."""
    types = {info.name: ModuleType(info.name, f"{__name__}.{info.name}")
             for info in pkgutil.iter_modules(__path__) if info.ispkg}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in types:
            continue
        dist = getattr(ep, "dist", None)
        types[ep.name] = ModuleType(ep.name, ep.value.split(":")[0],
                                    f"entry point from {dist.name}" if dist else "entry point")
    return dict(sorted(types.items()))


def get(type_name: str) -> ModuleType:
    """The module type called `type_name`; ContentError naming the known types otherwise."""
    found = registry().get(type_name)
    if found is None:
        raise ContentError(f"no module type '{type_name}'; known types: "
                           f"{', '.join(registry())} (add a folder under "
                           "src/workshop_kit/modules/ or install a package that registers one)")
    return found


def part(type_name: str, name: str) -> _PyModule | None:
    """Shorthand for `get(type_name).part(name)`."""
    return get(type_name).part(name)
