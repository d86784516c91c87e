"""The facilitator's cockpit: run the room from one screen on the projector.

One widget shows the agenda (planned and actual times), the module and exercise in progress,
a countdown, how many have answered and how many are missing, and the exercise's results,
refreshed by a background thread every few seconds. Its controls lock or open the exercise,
hide or reveal its results, reset it for a rerun, and record when a module starts and ends;
each button is also a method (`cockpit.lock()`, `.reveal()`, `.reset()`, `.refresh()`,
`.start_timer()`), so tests need no browser.

A refresh reads only the answers stored since the last one it saw (`RoomTally`): its cost
follows what arrived, not the size of the room.

The cockpit names no module: a module type's `cockpit` part says which exercises it follows
and how their results are charted:

- ``exercises(module_id, content, day) -> list[CockpitExercise]``: the exercise keys and the
  labels the facilitator sees (`content` is the module's own, `day` the whole Content);
- ``chart(module_id, key, answers, content, day) -> altair chart | None``: the results of
  exercise `key` from `answers` (a frame as `Store.module_answers` gives it); None for none.

A type without a cockpit part is followed by its content's one `exercise`, without a chart.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import ipywidgets as widgets
import traitlets

from . import modules
from .content import Content
from .errors import ParameterError, WorkshopKitError
from .names import lookup
from .store import FACILITATOR, Answer, ExerciseState, answers_frame, exercise_key
from .widgets import Poller, clock_text

# Okabe-Ito: blue for progress, vermillion for what needs attention, green for open.
_BLUE, _VERMILLION, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#555555"

_CSS = """<style>
.wk-cockpit { font-size: 22px; line-height: 1.35; }
.wk-cockpit.wk-compact { font-size: 15px; }
.wk-cockpit h1 { font-size: 1.9em; margin: .2em 0; }
.wk-cockpit .wk-big { font-size: 2.6em; font-weight: 700; }
.wk-cockpit .wk-badge { display: inline-block; padding: .1em .6em; margin-right: .4em;
  border-radius: .4em; color: white; font-weight: 600; }
.wk-cockpit table.wk-agenda td, .wk-cockpit table.wk-agenda th { padding: .15em .7em;
  text-align: left; }
.wk-cockpit tr.wk-now { background: #E8F1F8; font-weight: 700; }
.wk-cockpit .wk-bar { background: #ddd; height: .7em; width: 100%; border-radius: .35em; }
.wk-cockpit .wk-bar > div { background: #0072B2; height: 100%; border-radius: .35em; }
.wk-cockpit .wk-chart svg { width: 100%; max-width: 1600px; height: auto; }
.wk-cockpit.wk-compact .wk-chart svg { width: auto; }
</style>"""


@dataclass(frozen=True)
class CockpitExercise:
    """An exercise the cockpit can follow: its key in the store and what the room calls it."""

    key: str
    label: str


def _cockpit_part(content: Content, module: str) -> Any:
    return modules.get(content.agenda.type_of(module)).part("cockpit")


def cockpit_exercises(content: Content, module: str) -> list[CockpitExercise]:
    """The exercises of a module, as the facilitator controls them (rounds taken together):
    its type's `cockpit.exercises(module_id, content, day)`, else its one `exercise`."""
    if module not in content.modules:
        return []
    own = content.modules[module]
    part = _cockpit_part(content, module)
    if part is not None:
        return list(part.exercises(module, own, content))
    exercise = getattr(own, "exercise", None)
    return [CockpitExercise(exercise, exercise)] if exercise else []


def exercise_chart(content: Content, module: str, key: str, answers: Any) -> Any:
    """The results chart of an exercise (its type's `cockpit.chart(module_id, key, answers,
    content, day)`), or None when the exercise has no chart here (the module's notebook has
    its charts)."""
    part = _cockpit_part(content, module)
    if part is None or not hasattr(part, "chart"):
        return None
    return part.chart(module, key, answers, content.modules[module], content)


class Countdown:
    """A countdown of `minutes`, driven by `clock` (seconds; `time.monotonic` by default) so
    tests can move time without waiting. Start, pause and reset like a kitchen timer."""

    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.reset(minutes)

    def reset(self, minutes: float | None = None) -> None:
        if minutes is not None:
            if minutes <= 0:
                raise ParameterError(f"minutes must be positive, got {minutes}")
            self.minutes = minutes
        self._used = 0.0
        self._since: float | None = None

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        if self._since is None:
            self._since = self.clock()

    def pause(self) -> None:
        if self._since is not None:
            self._used += self.clock() - self._since
            self._since = None

    def elapsed(self) -> float:
        running = self.clock() - self._since if self._since is not None else 0.0
        return self._used + running

    def remaining(self) -> float:
        """Seconds left; negative once time is up."""
        return self.minutes * 60 - self.elapsed()

    def text(self) -> str:
        left = self.remaining()
        return clock_text(left) if left >= 0 else f"+{clock_text(-left)}"


class RoomTally:
    """The latest answer of each participant to each exercise of a module, kept in memory and
    brought up to date by reading only the rows stored after the highest id seen."""

    def __init__(self, store: Any, cohort: str, module: str):
        self.store, self.cohort, self.module = store, cohort, module
        self.last_id = 0
        self.fetched = 0  # rows read by the last refresh
        self._latest: dict[tuple[str, str], Answer] = {}
        self.states: dict[tuple[str, str], ExerciseState] = {}

    def refresh(self) -> int:
        """Read what arrived since the last refresh (and the exercise states); how many rows."""
        rows = self.store.answers_since(self.cohort, self.module, self.last_id)
        for answer in rows:
            key = (answer.participant, answer.exercise)
            known = self._latest.get(key)
            if known is None or answer.version > known.version:
                self._latest[key] = answer
            self.last_id = max(self.last_id, answer.id)
        self.states = self.store.exercise_states(self.cohort, self.module)
        self.fetched = len(rows)
        return self.fetched

    def state(self, key: str) -> ExerciseState:
        return self.states.get((self.module, key), ExerciseState(self.module, key))

    def current(self, key: str) -> list[Answer]:
        """Latest answers to exercise `key` in its current run, participants only."""
        run = self.state(key).run
        return sorted((a for a in self._latest.values()
                       if exercise_key(a.exercise) == key and a.run == run
                       and a.participant != FACILITATOR),
                      key=lambda a: (a.participant, a.exercise))

    def answered(self, key: str) -> set[str]:
        return {a.participant for a in self.current(key)}

    def frame(self, key: str) -> Any:
        """The current answers as `Store.module_answers` gives them (for the charts)."""
        return answers_frame(self.current(key))


def _svg(chart: Any) -> str:
    import vl_convert as vlc  # noqa: PLC0415 (heavy or optional: imported when used)

    return vlc.vegalite_to_svg(chart.to_dict())


class Cockpit(widgets.VBox):
    """The facilitator's screen for running the room (see the module docstring)."""

    module = traitlets.Unicode("", help="The module followed now (agenda id).")
    exercise = traitlets.Unicode("", help="The exercise key followed now.")
    show_ids = traitlets.Bool(False, help="List who is missing by name (not for personal "
                                          "exercises); off: counts only.")
    projector = traitlets.Bool(True, help="Projector view: large type, results shown only "
                                          "once revealed. Off: compact, results always shown.")
    answered_count = traitlets.Int(0, help="Participants who answered the exercise (this run).")
    missing = traitlets.List(help="Expected participants who have not answered yet (ids).")

    def __init__(self, store: Any, cohort: str, content: Content, *, poll_seconds: float = 3.0,
                 clock: Callable[[], float] = time.monotonic, projector: bool = True,
                 module: str = "", personal_modules: frozenset[str] = frozenset(),
                 render_charts: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.content = store, cohort, content
        self.personal_modules = frozenset(personal_modules)
        self.render_charts = render_charts
        self._lock = threading.RLock()
        self._tallies: dict[str, RoomTally] = {}
        self._shown: tuple | None = None
        self._quiet = False  # while select() sets the pickers, their observers stay still
        self.chart: Any = None  # the results chart shown now (None: no chart)
        self.expected = self._expected()
        self.names = lookup(store, cohort, self.expected)  # {id: display name}
        agenda = content.agenda.modules
        self.timer = Countdown(agenda[0].minutes, clock)
        self.projector = projector

        self.style = widgets.HTML(_CSS)
        self.agenda_box = widgets.HTML()
        # wide enough for a module's whole title on a 1366 px projector
        self.module_picker = widgets.Dropdown(description="Module",
                                              options=[(m.title, m.id) for m in agenda],
                                              layout=widgets.Layout(width="30em"))
        self.exercise_picker = widgets.Dropdown(description="Exercise")
        self.ids_toggle = widgets.Checkbox(description="Show who is missing (names)",
                                           indent=False)
        self.projector_toggle = widgets.Checkbox(description="Projector view", indent=False,
                                                 value=projector)
        self.timer_box = widgets.HTML()
        self.timer_buttons = [self._button("Start timer", self.start_timer, "play"),
                              self._button("Pause", self.pause_timer, "pause"),
                              self._button("Reset timer", self.reset_timer, "undo")]
        self.ticker = widgets.Play(interval=1000, max=10**7, show_repeat=False,
                                   layout=widgets.Layout(display="none"))
        self.ticker.observe(lambda _c: self._show_timer(), names="value")
        self.status_box = widgets.HTML()
        self.lock_button = self._button("Lock", self.toggle_lock, "lock")
        self.reveal_button = self._button("Reveal results", self.toggle_reveal, "eye")
        self.reset_button = self._button("Reset for a rerun", self.ask_reset, "refresh")
        self.confirm_box = widgets.HBox([
            widgets.HTML("<b>Start a new run? Answers so far are kept as the previous run.</b>"),
            self._button("Yes, reset", self.reset, "check", "danger"),
            self._button("Cancel", self.cancel_reset, "times")])
        self.confirm_box.layout.display = "none"
        self.module_buttons = [self._button("Module starts now", self.start_module, "flag"),
                               self._button("Module ends now", self.end_module,
                                            "flag-checkered")]
        self.results_box = widgets.HTML()
        self.message = widgets.HTML()
        self.controls = widgets.VBox([
            widgets.HBox([self.module_picker, self.exercise_picker]),
            widgets.HBox([self.lock_button, self.reveal_button, self.reset_button,
                          *self.module_buttons]),
            self.confirm_box,
            widgets.HBox([self.ids_toggle, self.projector_toggle]),
        ])
        self.screen = widgets.VBox([self.agenda_box, widgets.HBox([self.timer_box]),
                                    self.status_box])
        self.screen.add_class("wk-cockpit")
        # The results come last: a tall chart never pushes Lock or Reveal below the fold.
        self.results_panel = widgets.VBox([self.results_box])
        self.results_panel.add_class("wk-cockpit")
        self.children = [self.style, self.screen,
                         widgets.HBox([*self.timer_buttons, self.ticker]), self.controls,
                         self.message, self.results_panel]

        self.module_picker.observe(
            lambda c: None if self._quiet else self.select(c["new"]), names="value")
        self.exercise_picker.observe(lambda c: self._pick_exercise(c["new"]), names="value")
        self.ids_toggle.observe(lambda c: self._set(show_ids=c["new"]), names="value")
        self.projector_toggle.observe(lambda c: self._set(projector=c["new"]), names="value")
        self.select(module or self._current_module())
        self._poller = Poller(self.refresh, poll_seconds) if poll_seconds > 0 else None

    # -- building blocks -------------------------------------------------------------------
    def _button(self, text: str, action: Callable[[], Any], icon: str = "",
                style: str = "") -> widgets.Button:
        button = widgets.Button(description=text, icon=icon, button_style=style,
                                layout=widgets.Layout(width="auto"))
        button.on_click(lambda _b: action())
        return button

    def _expected(self) -> list[str]:
        """Who should answer: the cohort's registered participants (else whoever answered)."""
        try:
            return self.store.registered(self.cohort) or self.store.participants(
                self.cohort, exclude=(FACILITATOR,))
        except WorkshopKitError:
            return []

    def _current_module(self) -> str:
        """The module started last and not ended, else the first not yet started."""
        modules = [m.id for m in self.content.agenda.modules]
        try:
            times = self.store.module_times(self.cohort)
        except WorkshopKitError:
            return modules[0]
        running = [m for m in modules if m in times and times[m][0] and not times[m][1]]
        if running:
            return running[-1]
        return next((m for m in modules if m not in times), modules[-1])

    def _set(self, **traits: Any) -> None:
        for name, value in traits.items():
            setattr(self, name, value)
        self._shown = None
        self.refresh()

    @property
    def tally(self) -> RoomTally:
        if self.module not in self._tallies:
            self._tallies[self.module] = RoomTally(self.store, self.cohort, self.module)
        return self._tallies[self.module]

    @property
    def personal(self) -> bool:
        return self.module in self.personal_modules

    def state(self) -> ExerciseState:
        return self.tally.state(self.exercise)

    # -- choosing what to follow -----------------------------------------------------------
    def select(self, module: str, exercise: str | None = None) -> None:
        """Follow `module` (and one of its exercises; the first by default)."""
        self.content.agenda.module(module)  # a clear error for an unknown module
        choices = cockpit_exercises(self.content, module)
        keys = [c.key for c in choices]
        if exercise is not None and exercise not in keys:
            raise ParameterError(f"module '{module}' has no exercise '{exercise}'; "
                                 f"choose from: {', '.join(keys) or 'none'}")
        with self._lock:
            self._quiet = True
            try:
                self.module = module
                self.module_picker.value = module
                self.exercise = exercise or (keys[0] if keys else "")
                self.exercise_picker.options = [(c.label, c.key) for c in choices]
                if keys:
                    self.exercise_picker.value = self.exercise
            finally:
                self._quiet = False
            self.timer.pause()
            self.timer.reset(self.content.agenda.module(module).minutes)
            self.ticker.playing = False
            self._shown = None
        self.refresh()

    def _pick_exercise(self, key: str | None) -> None:
        if not self._quiet and key and key != self.exercise:
            self.select(self.module, key)

    # -- the refresh -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read what arrived since the last refresh and update the screen."""
        with self._lock:
            try:
                self.tally.refresh()
            except WorkshopKitError as exc:
                self.message.value = (f"<p style='color:{_VERMILLION}'>Cannot reach the store: "
                                      f"{html.escape(str(exc))}. Retrying…</p>")
                return
            answered = self.tally.answered(self.exercise) if self.exercise else set()
            self.answered_count = len(answered)
            self.missing = [] if self.personal else [p for p in self.expected
                                                     if p not in answered]
            for box in (self.screen, self.results_panel):
                box.remove_class("wk-compact")
                if not self.projector:
                    box.add_class("wk-compact")
            self.ids_toggle.disabled = self.personal
            self._show_agenda()
            self._show_timer()
            self._show_status()
            self._show_results()
            self._show_controls()

    def _show_agenda(self) -> None:
        agenda = self.content.agenda
        try:
            times = self.store.module_times(self.cohort)
        except WorkshopKitError:
            times = {}
        planned = datetime.strptime(agenda.starts_at, "%H:%M")
        rows = []
        for m in agenda.modules:
            start, end = times.get(m.id, (None, None))
            actual = " – ".join(t.astimezone().strftime("%H:%M") for t in (start, end) if t)
            now = " class='wk-now'" if m.id == self.module else ""
            rows.append(f"<tr{now}><td>{planned:%H:%M}</td><td>{m.minutes} min</td>"
                        f"<td>{html.escape(m.title)}</td><td>{actual or '–'}</td></tr>")
            planned += timedelta(minutes=m.minutes)
        title = html.escape(agenda.module(self.module).title)
        self.agenda_box.value = (
            f"<h1>{title}</h1><details><summary>Agenda</summary><table class='wk-agenda'>"
            "<tr><th>Planned</th><th>Length</th><th>Module</th><th>Actual</th></tr>"
            f"{''.join(rows)}</table></details>")

    def _show_timer(self) -> None:
        left = self.timer.remaining()
        colour = _VERMILLION if left < 60 else _BLUE
        state = "running" if self.timer.running else "paused"
        self.timer_box.value = (f"<span class='wk-big' style='color:{colour}'>"
                                f"{self.timer.text()}</span> <span style='color:{_GREY}'>"
                                f"({state}, {self.timer.minutes:g} min planned)</span>")

    def _show_status(self) -> None:
        state = self.state()
        expected = len(self.expected)
        n = self.answered_count
        left = max(expected - n, 0)
        share = min(n / expected, 1.0) if expected else 0.0
        badges = (
            f"<span class='wk-badge' style='background:{_VERMILLION if state.locked else _GREEN}'>"
            f"{'Locked' if state.locked else 'Open'}</span>"
            f"<span class='wk-badge' style='background:{_BLUE if state.revealed else _GREY}'>"
            f"{'Results revealed' if state.revealed else 'Results hidden'}</span>"
            + (f"<span class='wk-badge' style='background:{_GREY}'>Run {state.run}</span>"
               if state.run > 1 else ""))
        who = ""
        if self.show_ids and not self.personal and self.missing:
            who = "<br>Missing: " + ", ".join(html.escape(self.names.get(p, p))
                                              for p in self.missing)
        elif self.personal:
            who = "<br><small>A personal exercise: counts only, never names.</small>"
        label = next((c.label for c in cockpit_exercises(self.content, self.module)
                      if c.key == self.exercise), self.exercise or "no exercise")
        self.status_box.value = (
            f"<p>{badges}</p><p><b>{html.escape(label)}</b>: <span class='wk-big'>{n}</span>"
            f" of {expected} answered · <b>{left} missing</b>{who}</p>"
            f"<div class='wk-bar'><div style='width:{share:.0%}'></div></div>")

    def _show_results(self) -> None:
        state = self.state()
        hidden = self.projector and not state.revealed
        key = (self.module, self.exercise, self.tally.last_id, state, hidden,
               self.render_charts)
        if key == self._shown:
            return  # nothing new: no chart to redraw
        self._shown = key
        self.chart = None
        if hidden:
            self.results_box.value = (f"<p style='color:{_GREY}'>Results hidden until you "
                                      "reveal them.</p>")
            return
        chart = (exercise_chart(self.content, self.module, self.exercise,
                                self.tally.frame(self.exercise)) if self.exercise else None)
        if chart is None:
            self.results_box.value = (f"<p style='color:{_GREY}'>No chart for this exercise "
                                      "here: see the module's notebook.</p>")
        elif not self.render_charts:
            self.results_box.value = "<p>(chart rendering off)</p>"
        else:
            self.results_box.value = f"<div class='wk-chart'>{_svg(chart)}</div>"
        self.chart = chart

    def _show_controls(self) -> None:
        state = self.state()
        self.lock_button.description = "Open again" if state.locked else "Lock"
        self.lock_button.icon = "unlock" if state.locked else "lock"
        self.reveal_button.description = "Hide results" if state.revealed else "Reveal results"
        self.reveal_button.icon = "eye-slash" if state.revealed else "eye"
        for button in (self.lock_button, self.reveal_button, self.reset_button):
            button.disabled = not self.exercise

    # -- controls ----------------------------------------------------------------------------
    def _change(self, done: str, **state: bool) -> ExerciseState:
        if not self.exercise:
            raise ParameterError(f"module '{self.module}' has no exercise to control")
        new = self.store.set_exercise_state(self.cohort, self.module, self.exercise, **state)
        self.message.value = f"<p>{html.escape(done)}</p>"
        self.refresh()
        return new

    def lock(self) -> ExerciseState:
        """Refuse late answers to the exercise (participants see why in their widget)."""
        return self._change("Locked: late answers are refused.", locked=True)

    def unlock(self) -> ExerciseState:
        """Open the exercise again: answers are accepted. (Not `open`: ipywidgets' `open()`
        opens the widget's connection to the browser.)"""
        return self._change("Open: answers are accepted.", locked=False)

    def toggle_lock(self) -> ExerciseState:
        return self.unlock() if self.state().locked else self.lock()

    def reveal(self) -> ExerciseState:
        """Show the results on the projector and in participants' `room_results`."""
        return self._change("Results revealed to the room.", revealed=True)

    def hide(self) -> ExerciseState:
        return self._change("Results hidden.", revealed=False)

    def toggle_reveal(self) -> ExerciseState:
        return self.hide() if self.state().revealed else self.reveal()

    def ask_reset(self) -> None:
        """What the reset button does: ask for a confirmation first."""
        self.confirm_box.layout.display = None

    def cancel_reset(self) -> None:
        self.confirm_box.layout.display = "none"

    def reset(self) -> ExerciseState:
        """Start a new run of the exercise: open, results hidden; answers so far are kept in
        the store as the previous run, and every view shows the new run only."""
        if not self.exercise:
            raise ParameterError(f"module '{self.module}' has no exercise to reset")
        self.confirm_box.layout.display = "none"
        new = self.store.reset_exercise(self.cohort, self.module, self.exercise)
        self.message.value = (f"<p>Run {new.run} started; the earlier answers are kept as "
                              f"run {new.run - 1}.</p>")
        self.refresh()
        return new

    def start_module(self) -> None:
        """Record that the module starts now (the agenda's actual time)."""
        self.store.mark_module(self.cohort, self.module, started_at=_now())
        self.refresh()

    def end_module(self) -> None:
        self.store.mark_module(self.cohort, self.module, ended_at=_now())
        self.refresh()

    def start_timer(self) -> None:
        """Start (or resume) the countdown; the first start also marks the module started."""
        if self.module not in self.store.module_times(self.cohort):
            self.store.mark_module(self.cohort, self.module, started_at=_now())
        self.timer.start()
        self.ticker.playing = True
        self.refresh()

    def pause_timer(self) -> None:
        self.timer.pause()
        self.ticker.playing = False
        self._show_timer()

    def reset_timer(self, minutes: float | None = None) -> None:
        """Back to the module's planned minutes (or `minutes`), paused."""
        self.timer.reset(minutes or self.content.agenda.module(self.module).minutes)
        self.ticker.playing = False
        self._show_timer()

    def close(self) -> None:
        if getattr(self, "_poller", None):
            self._poller.stop()
        super().close()

    def page(self) -> str:
        """The projector screen as a standalone HTML page (for a record or a screenshot)."""
        agenda = self.agenda_box.value.replace("<details>", "<details open>")
        return (f"<!doctype html><html><head><meta charset='utf-8'>{_CSS}</head><body>"
                f"<div class='wk-cockpit'>{agenda}{self.timer_box.value}"
                f"{self.status_box.value}{self.results_box.value}</div></body></html>")


def _now() -> datetime:
    return datetime.now(UTC)
