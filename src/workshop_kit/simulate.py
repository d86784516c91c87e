"""Plausible answers for every participant of a cohort, reproducible from a seed.

Used by `workshop-kit demo` and `run --simulate` to rehearse the day or to show the facilitator's
views before a real cohort arrives. Simulated answers are stored with source='simulated' and
never replace an answer that is already there.

This file is the driver and names no module: it iterates the agenda and asks each line's module
type for its `simulate` part (`workshop_kit/modules/<type>/simulate.py`), which may define

- ``simulate(given: SimInput, person: Participant, rng: random.Random) -> list[tuple[str,
  dict, float]]``: one participant's answers in the module, as (exercise, payload, minutes
  into the module);
- ``simulate_room(given: SimInput) -> int``: answers that belong to no one participant (the
  live games of the dilemma), written to `given.store` directly; returns how many;
- ``Material``: a `Material` model of the type's section in `data/simulation.yaml` (texts to
  draw from), which `load_simulation` validates; `given.material` is that section (the model's
  defaults when the file has none).

A type without a simulate part gets no simulated answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from . import modules
from .content import Content, Participant, read_yaml, validate_model
from .errors import ContentError
from .store import FACILITATOR, Store

SIMULATION_FILE = "simulation.yaml"


class Material(BaseModel):
    """Base of a module type's section of simulation.yaml (its simulate part's `Material`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Simulation:
    """simulation.yaml: each module type's section, validated by its simulate part."""

    sections: dict[str, Material] = field(default_factory=dict)

    def material(self, type_name: str) -> Material | None:
        """The section of `type_name` (its model's defaults when the file has none); None for
        a type whose simulate part needs no material."""
        if type_name in self.sections:
            return self.sections[type_name]
        part = modules.part(type_name, "simulate")
        model = getattr(part, "Material", None) if part is not None else None
        return model() if model is not None else None


def _material_models() -> dict[str, type[Material]]:
    found = {}
    for name, module_type in modules.registry().items():
        part = module_type.part("simulate")
        model = getattr(part, "Material", None) if part is not None else None
        if model is not None:
            found[name] = model
    return found


def load_simulation(data_dir: str | Path) -> Simulation:
    """Read and check `<data_dir>/simulation.yaml`: a section per module type, each checked by
    that type's `Material` model; ContentError names file, line and field."""
    located = read_yaml(Path(data_dir) / SIMULATION_FILE)
    if located.data is None:
        return Simulation()
    known = _material_models()
    if isinstance(located.data, dict):
        unknown = [key for key in located.data if key not in known]
        if unknown:
            raise ContentError(
                f"{located.path}:{located.line_of((unknown[0],))}: section '{unknown[0]}' names "
                f"no module type with simulated answers; use one of: {', '.join(known)}")
    model = create_model("Simulation", __config__=ConfigDict(extra="forbid"),
                         **{name: (m | None, None) for name, m in known.items()})
    checked = validate_model(model, located)
    return Simulation({name: getattr(checked, name) for name in known
                       if getattr(checked, name) is not None})


@dataclass(frozen=True)
class SimInput:
    """What a module type's simulate part is given, for one agenda line.

    `content` is the module's own content (`day.modules[module_id]`); `traits` each person's
    simulated leanings (`baseline` self-rating about 2.6-4.1, `exploring` 0-1: how much they
    explore the client's situation rather than pitch); `start` when the module starts;
    `material` the type's section of simulation.yaml; `memo` a place for the part to keep what
    it computes once per module (groups, keys)."""

    module_id: str
    content: Any
    day: Content
    seed: int
    people: dict[str, Participant]
    traits: dict[str, dict[str, float]]
    material: Any
    store: Store
    cohort_id: str
    cohort_date: str
    start: datetime
    memo: dict[str, Any] = field(default_factory=dict, compare=False)

    def record(self, exercise: str) -> dict[str, Any] | None:
        """What the build published for this module under `exercise` (the facilitator's
        answer: pairs, groups, vote cases); None before a build."""
        answer = self.store.latest_answer(self.cohort_id, FACILITATOR, self.module_id, exercise)
        return answer.payload if answer is not None else None

    def position(self) -> int:
        """The module's place in the agenda (0 for the first): its round of the pairings."""
        return [m.id for m in self.day.agenda.modules].index(self.module_id)


def simulate(
    store: Store,
    cohort_id: str,
    cohort_date: str,
    participants: list[Participant],
    content: Content,
    sim: Simulation,
    seed: int = 1,
    modules: list[str] | None = None,
) -> int:
    """Write a simulated answer for every participant and exercise that has none yet.

    `modules` limits it to some module ids (all by default). Records the build published (role
    -play groups, gift pairs) are read from the store; without a build, each type deals them as
    the build would. Returns how many answers were written. The same seed gives the same
    answers and times.
    """
    wanted = modules or [m.id for m in content.agenda.modules]
    start = datetime.fromisoformat(f"{cohort_date}T{content.agenda.starts_at}").replace(tzinfo=UTC)
    traits = {}
    for person in participants:
        person_rng = random.Random(f"{seed}:{person.id}")
        traits[person.id] = {"baseline": person_rng.uniform(2.6, 4.1),
                             "exploring": person_rng.random()}
    people = {p.id: p for p in participants}
    inputs: list[tuple[Any, SimInput]] = []
    minutes = 0
    for module in content.agenda.modules:
        part = _part(module.type)
        if part is not None and module.id in wanted:
            inputs.append((part, SimInput(
                module.id, content.modules[module.id], content, seed, people, traits,
                sim.material(module.type), store, cohort_id, cohort_date,
                start + timedelta(minutes=minutes))))
        minutes += module.minutes
    written = 0
    for person in participants:
        for part, given in inputs:
            if not hasattr(part, "simulate"):
                continue
            rng = random.Random(f"{seed}:{person.id}:{given.module_id}")
            for exercise, payload, at in part.simulate(given, person, rng):
                if store.latest_answer(cohort_id, person.id, given.module_id,
                                       exercise) is not None:
                    continue
                store.submit(cohort_id, person.id, given.module_id, exercise, payload,
                             submitted_at=given.start + timedelta(minutes=at),
                             source="simulated")
                written += 1
    for part, given in inputs:
        if hasattr(part, "simulate_room"):
            written += part.simulate_room(given)
    return written


def _part(type_name: str) -> Any:
    return modules.part(type_name, "simulate")
