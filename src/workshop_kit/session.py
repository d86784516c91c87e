"""What notebooks call: one object for a participant, one for the facilitator.

Each notebook cell makes one call on these objects; the logic lives here and below. The
sessions hold what every module shares (the service, the content, the notebook's parameters,
the module's title and introduction, the facilitator's opening and closing words and the
cockpit); a module's own forms and views are those of its type, reached by its agenda id:

    me.module(module_id).trust_profile()      # modules/<type>/participant.py: Participant
    room.module(module_id).trust_profile_chart()  # modules/<type>/facilitator.py: Facilitator

A type's `Participant(session, module_id)` and `Facilitator(session, module_id)` subclass
`ParticipantView` and `FacilitatorView` below, which give them the module's id, its content
(`self.content`, the module's own; `self.day`, the whole day's), the service and the notebook's
parameters. Two agenda lines of one type get two views, each with its own id and content.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
from IPython.display import HTML

from . import modules
from .access import MIN_GROUP, personal_modules
from .charts import SpecChart
from .client import FacilitatorClient, ParticipantClient, fetch_content
from .cockpit import Cockpit
from .errors import ContentError, ParameterError

ENV_TOKEN = "WORKSHOP_KIT_TOKEN"


def use_static_charts() -> None:
    """Render altair charts as inline SVG: they survive papermill, nbconvert and offline rooms.

    Also show tables' text in full: situations, reasons and debrief points are sentences, and
    pandas would cut them at 50 characters.
    """
    alt.renderers.enable("svg")
    pd.set_option("display.max_colwidth", None)


def resolve_token(token: str | None) -> str:
    """The token given, else $WORKSHOP_KIT_TOKEN (a template opened directly)."""
    return token or os.environ.get(ENV_TOKEN, "")


def numbered(items: list[str]) -> HTML:
    """Questions or points as a numbered list (a module's debrief questions)."""
    return HTML("<ol>" + "".join(f"<li>{html.escape(q)}</li>" for q in items) + "</ol>")


class _View:
    """One agenda module seen from a session: its id, type, content and the service."""

    def __init__(self, session: _Session, module_id: str):
        self.session = session
        self.module_id = module_id
        self.day = session.content  # the whole day's content (agenda, every module)
        self.content = session.content.modules[module_id]  # this module's own
        self.store = session.store
        self.cohort_id = session.cohort_id

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} of module '{self.module_id}'>"


class ParticipantView(_View):
    """Base of a module type's `Participant`: what `me.module(module_id)` returns."""

    session: ParticipantSession

    def __init__(self, session: ParticipantSession, module_id: str):
        super().__init__(session, module_id)
        self.participant_id = session.participant_id

    def _room_results(self, exercise: str) -> SpecChart | HTML:
        """The room's answers to `exercise` as the cockpit charts them, once the facilitator
        has revealed them; a sentence before that. The service draws the chart: this notebook
        receives its aggregates, never the answers."""
        results = self.store.room_results(self.cohort_id, self.module_id, exercise)
        if results.get("state") == "hidden":
            return HTML("<p><i>The facilitator will reveal the room's results soon: run this "
                        "cell again then.</i></p>")
        if results.get("state") == "too_few":
            return HTML(f"<p><i>The room's results are shown once at least "
                        f"{results.get('min_group', MIN_GROUP)} people have answered, so that "
                        "nobody's answer stands out: run this cell again in a moment.</i></p>")
        if not results.get("chart"):
            return HTML("<p><i>This exercise has no chart of the room's results.</i></p>")
        return SpecChart(results["chart"])


class FacilitatorView(_View):
    """Base of a module type's `Facilitator`: what `room.module(module_id)` returns."""

    session: FacilitatorSession

    def answers(self, exercise: str | None = None) -> pd.DataFrame:
        """The latest answers to this module (or one exercise of it), as the service gives
        them to the facilitator."""
        return self.store.module_answers(self.cohort_id, self.module_id, exercise)


class _Session:
    """A notebook's session holds the service's URL and its own credential: every read and
    write is a request to the response service, which enforces who may see what."""

    store: ParticipantClient | FacilitatorClient
    PART = ""  # the module part that gives this session's view of a module
    VIEW: type = _View  # the base class of those views

    def __init__(self, cohort_id: str, client: ParticipantClient | FacilitatorClient):
        if not cohort_id:
            raise ParameterError("cohort_id is empty; build the cohort with `workshop-kit build`")
        self.cohort_id = cohort_id
        self.content = fetch_content(client)
        client.personal_modules = personal_modules(self.content)
        self.store = client
        self._views: dict[str, Any] = {}
        use_static_charts()

    def intro(self, module: str) -> HTML:
        """The module's title, timing and introduction, for the top of a notebook."""
        agenda_module = self.content.agenda.module(module)
        intro = getattr(self.content.modules[module], "intro", "")
        return HTML(
            f"<h2>{html.escape(agenda_module.title)}</h2>"
            f"<p><i>About {agenda_module.minutes} minutes.</i></p>"
            f"<p>{html.escape(intro)}</p>"
        )

    def _view_class(self, module_id: str) -> type | None:
        part = modules.get(self.content.agenda.type_of(module_id)).part(self.PART)
        return None if part is None else getattr(part, self.PART.capitalize(), None)

    def module(self, module_id: str) -> Any:
        """The forms and views of the agenda's module `module_id` (its type's participant or
        facilitator part); the same object each time, so it keeps what it has computed."""
        if module_id not in self._views:
            cls = self._view_class(module_id)  # a clear error for an unknown module
            if cls is None:
                raise ParameterError(
                    f"module '{module_id}' (type '{self.content.agenda.type_of(module_id)}') "
                    f"has nothing for the {self.PART}'s notebook: its type has no "
                    f"{self.PART}.py with a class {self.PART.capitalize()}")
            self._views[module_id] = cls(self, module_id)
        return self._views[module_id]

    def __getattr__(self, name: str) -> Any:
        """Older notebooks' calls (`me.drill_case()`, `room.gift_gallery()`): the method of
        the first agenda module whose view has it, by its name or, for a name that starts
        with the module's type (`drill_`), by the rest of it (`case`)."""
        if name.startswith("_") or "content" not in self.__dict__:
            raise AttributeError(name)
        found = []
        for m in self.content.agenda.modules:
            try:
                cls = self._view_class(m.id)
            except ContentError:  # a type not installed here: its own cells say so
                continue
            if cls is None:
                continue
            own = name.removeprefix(f"{m.type}_") if name.startswith(f"{m.type}_") else ""
            for candidate in (own, name):
                if (candidate and callable(getattr(cls, candidate, None))
                        and not hasattr(self.VIEW, candidate)):
                    found.append((candidate != name, m.id, candidate))
                    break
        if not found:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'; "
                                 f"use {'me' if self.PART == 'participant' else 'room'}"
                                 ".module(module_id) and that module's methods")
        _renamed, module_id, attribute = sorted(found, key=lambda f: not f[0])[0]
        return getattr(self.module(module_id), attribute)


class ParticipantSession(_Session):
    """A participant's notebook: their id, cohort and the parameters `build` gave it; each
    module's forms through `module(module_id)`.

    `parameters` are what a module type's build adds to its notebooks beyond the common ones
    (the role-play's `group`, `roles` and `round_areas`): kept as given, for that module's view
    to read and check (`self.parameters`)."""

    PART = "participant"
    VIEW = ParticipantView

    def __init__(
        self,
        participant_id: str,
        cohort_id: str,
        service_url: str = "",
        token: str = "",
        practice_area: str = "",
        partners: list[str] | None = None,
        **parameters: Any,
    ):
        if not participant_id:
            raise ParameterError("participant_id is empty; open the notebook built for you")
        super().__init__(cohort_id, ParticipantClient(service_url, cohort_id, participant_id,
                                                      resolve_token(token)))
        self.participant_id = participant_id
        self.practice_area = practice_area
        self.partners = list(partners or [])
        self.parameters = dict(parameters)

    def room_results(self, module: str) -> SpecChart | HTML:
        """The room's results of a module's exercise, as aggregates without names, once the
        facilitator has revealed them (modules whose participant view has `room_results`)."""
        self.content.agenda.module(module)  # a clear error for an unknown module
        cls = self._view_class(module)
        if cls is None or not hasattr(cls, "room_results"):
            having = [m.id for m in self.content.agenda.modules
                      if hasattr(self._view_class(m.id), "room_results")]
            raise ParameterError(f"room results exist for {', '.join(having) or 'no module'}, "
                                 f"not '{module}'")
        return self.module(module).room_results()


class FacilitatorSession(_Session):
    """The facilitator's view of the room: the cockpit, each module's opening and closing
    words, and each module's tables and charts through `module(module_id)`."""

    PART = "facilitator"
    VIEW = FacilitatorView

    def __init__(self, cohort_id: str, service_url: str = "", token: str = ""):
        # Personal exercises reach these views as numbers without names unless shared.
        super().__init__(cohort_id, FacilitatorClient(service_url, cohort_id,
                                                      resolve_token(token)))

    def cockpit(self, poll_seconds: float = 3.0, projector: bool = True, module: str = "",
                clock: Callable[[], float] = time.monotonic) -> Cockpit:
        """Run the room from one screen: agenda, timer, who has answered, live results and
        the controls (lock, reveal, reset). It refreshes itself every `poll_seconds`."""
        return Cockpit(self.store, self.cohort_id, self.content, poll_seconds=poll_seconds,
                       clock=clock, projector=projector, module=module,
                       personal_modules=self.store.personal_modules)

    def opening(self, module: str) -> HTML:
        """What to say to open a module (for the facilitator's notebook)."""
        m = self.content.agenda.module(module)
        return HTML(f"<h2>{html.escape(m.title)}</h2><p><b>Open with:</b> "
                    f"{html.escape(m.opening)}</p>")

    def closing(self, module: str) -> HTML:
        m = self.content.agenda.module(module)
        return HTML(f"<p><b>Close with:</b> {html.escape(m.closing)}</p>")

    def answered(self, module: str, exercise: str | None = None) -> HTML:
        """How many participants have answered the module (or one exercise of it) so far."""
        n = self.store.answered(self.cohort_id, module, exercise)
        return HTML(f"<p><b>{n}</b> participant(s) have answered so far.</p>")
