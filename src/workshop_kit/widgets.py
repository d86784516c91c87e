"""Participant widgets (ipywidgets) bound to the response store.

Each form restores the participant's latest answer when it opens, checks the answer before it
writes, and shows a clear message in the widget if something goes wrong, keeping what was typed.
Every button action is a method too (`form.submit()`), so tests need no browser.
"""

from __future__ import annotations

import contextlib
import html
import random
import re
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import ipywidgets as widgets
import traitlets

from .access import GAME_EXERCISE, OPT_IN
from .errors import ExerciseLockedError, WorkshopKitError
from .modules.checkin.content import Content as CheckinContent
from .modules.drill.content import Case
from .modules.drill.content import Content as DrillContent
from .modules.gift.content import Content as GiftContent
from .modules.gift.content import GiftField
from .modules.purpose.content import Content as PurposeContent
from .modules.roleplay.content import Content as RoleplayContent
from .modules.roleplay.content import Script, ScriptChoice, ScriptNode
from .modules.wrapup.content import Content as WrapupContent
from .store import FACILITATOR, Store
from .tables import human_label

LOCKED_MESSAGE = ("The facilitator has closed this exercise, so your answer was not saved. "
                  "It is still here: show it to your neighbour or the facilitator.")
LOST_MESSAGE = ("The connection to this form was lost — choose Run → Run All Cells; your typed "
                "text is kept.")
# Shown only when the front end marks the form's view as disconnected (ipywidgets adds
# `jupyter-widgets-disconnected` to every view of a model whose kernel restarted or died): a
# live form shows nothing, a dead one says so in words instead of broken-link icons alone.
LOST_HTML = (
    "<style>.workshop-kit-lost{display:none}"
    ".jupyter-widgets-disconnected .workshop-kit-lost{display:block;padding:6px 10px;"
    "margin:4px 0;border-left:4px solid #b71c1c;background:#fdecea;color:#b71c1c;"
    "font-weight:bold}"
    ".workshop-kit-lost-host{min-height:0!important;margin:0!important}</style>"
    f'<div class="workshop-kit-lost" role="alert">{html.escape(LOST_MESSAGE)}</div>')
# The same words when the page was reloaded after the kernel restarted: JupyterLab then shows
# "Error displaying widget: model not found" in the form's place (its output element gets the
# class `jupyter-widgets`, which a live form's output element never has: the form's own view
# inside it has it); this note, the output after the form's, shows only then (`:has()`).
GONE_HTML = (
    "<style>.workshop-kit-gone{display:none}"
    ".jp-OutputArea:has(.jp-OutputArea-output.jupyter-widgets) "
    ".workshop-kit-gone{display:block;padding:6px 10px;border-left:4px solid #b71c1c;"
    "background:#fdecea;color:#b71c1c;font-weight:bold}</style>"
    f'<div class="workshop-kit-gone" role="alert">{html.escape(LOST_MESSAGE)}</div>')
DRAFT_SECONDS = 1.5  # after the last keystroke, what was typed is kept as a draft
# The widgets whose value is "what was typed or chosen" (not the form's own texts).
_INPUTS = (widgets.Text, widgets.Textarea, widgets.Combobox)


def _descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    found, stack = [], list(getattr(widget, "children", ()))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(getattr(child, "children", ()))
    return found


class AnswerForm(widgets.VBox):
    """Base: an exercise form that saves to the store and restores the latest answer."""

    status = traitlets.Unicode("", help="The last message shown under the form.")
    version = traitlets.Int(0, help="Version of the latest saved answer (0 = none yet).")

    def __init__(
        self,
        store: Store,
        cohort: str,
        participant: str,
        module: str,
        exercise: str,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.store = store
        self.cohort, self.participant, self.module, self.exercise = (
            cohort,
            participant,
            module,
            exercise,
        )
        self.button = widgets.Button(description="Submit", button_style="primary", icon="check")
        self.button.on_click(lambda _button: self.submit())
        self.message = widgets.HTML()
        # the note on a dead form, at its top and next to Submit (a long form scrolls)
        self.lost, lost_top = widgets.HTML(LOST_HTML), widgets.HTML(LOST_HTML)
        for note in (self.lost, lost_top):
            note.add_class("workshop-kit-lost-host")
        self.observe(self._show_status, names="status")
        self._timer: threading.Timer | None = None
        self._kept: dict[str, Any] | None = None  # the last payload saved or kept as a draft
        self._unreachable = False  # the earlier answer could not be loaded (nor the draft)
        self._answered_at: Any = None  # when the loaded answer was saved (a datetime)
        fields = self._build()
        self.children = [lost_top, *fields, self.button, self.lost, self.message]
        self._load_previous()
        self._load_draft()
        for child in _descendants(self):
            if isinstance(child, _INPUTS):
                child.observe(self._typed, names="value")

    def _ipython_display_(self) -> None:
        """The form, then the note a reloaded page shows in place of a form whose kernel
        restarted (hidden otherwise)."""
        from IPython.display import HTML, display

        display(self._repr_mimebundle_(), raw=True)
        display(HTML(GONE_HTML))

    # -- to implement ----------------------------------------------------------------------
    def _build(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def value(self) -> dict[str, Any]:
        """The answer as it stands in the widget (the payload that would be saved)."""
        raise NotImplementedError

    def restore(self, payload: dict[str, Any]) -> None:
        """Put a saved payload back into the widget."""
        raise NotImplementedError

    def check(self, payload: dict[str, Any]) -> str | None:
        """A message if the answer cannot be saved yet, else None."""
        return None

    def _after_save(self, payload: dict[str, Any]) -> None:
        """Hook: feedback shown once an answer is saved."""

    # -- shared behaviour ------------------------------------------------------------------
    def _show_status(self, change: dict[str, Any]) -> None:
        self.message.value = change["new"]

    def _say(self, text: str, kind: str = "info") -> None:
        colour = {"info": "#1b5e20", "error": "#b71c1c", "muted": "#555"}[kind]
        self.status = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _load_previous(self) -> None:
        try:
            answer = self.store.latest_answer(
                self.cohort, self.participant, self.module, self.exercise
            )
        except WorkshopKitError as exc:
            self._say(f"Could not load your earlier answer: {exc}", "error")
            self._unreachable = True
            return
        if answer is None:
            self._say("Not submitted yet.", "muted")
            return
        self.restore(answer.payload)
        self.version = answer.version
        self._kept, self._answered_at = answer.payload, answer.submitted_at
        when = answer.submitted_at.strftime("%H:%M")
        self._say(f"Your answer from {when} is loaded (version {answer.version}).", "muted")
        self._after_save(answer.payload)

    # -- drafts: typed, not submitted, kept by the service for this participant only ---------
    @property
    def _drafts(self) -> bool:
        return self.participant != FACILITATOR and hasattr(self.store, "draft")

    def _load_draft(self) -> None:
        """Put back what was typed and not submitted (a kernel restart, Run All again), if it
        is newer than the latest answer."""
        if not self._drafts or self._unreachable:
            return
        try:
            draft = self.store.draft(self.cohort, self.participant, self.module, self.exercise)
        except WorkshopKitError as exc:
            self._say(f"Could not load what you typed earlier: {exc}", "error")
            return
        if draft is None:
            return
        if self._answered_at is not None and self._answered_at >= draft["saved_at"]:
            return
        try:
            self.restore(draft["payload"])
        except (AttributeError, KeyError, TypeError, ValueError):
            # a draft is what the form sent itself; one it cannot read back is left aside
            self._say("What you typed earlier could not be put back into this form.", "muted")
            return
        self._kept = draft["payload"]
        self._say(f"What you typed at {draft['saved_at'].strftime('%H:%M')} is back; it is not "
                  "submitted yet: press Submit to save it.", "muted")

    def _typed(self, _change: dict[str, Any]) -> None:
        if not self._drafts:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(DRAFT_SECONDS, self.save_draft)
        self._timer.daemon = True
        self._timer.start()

    def save_draft(self) -> bool:
        """Keep what is typed in the form as this participant's draft (what typing does,
        after a pause); returns True if a draft was written."""
        if not self._drafts:
            return False
        payload = self.value()
        if payload == self._kept:
            return False
        try:
            self.store.save_draft(self.cohort, self.participant, self.module, self.exercise,
                                  payload)
        except WorkshopKitError as exc:
            self._say(f"What you typed is only in this page for now: {exc}", "muted")
            return False
        self._kept = payload
        self._say("What you typed is kept (not submitted yet).", "muted")
        return True

    def _drop_draft(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if not self._drafts:
            return
        # if this fails, the saved answer is newer than the draft: it is not shown again
        with contextlib.suppress(WorkshopKitError):
            self.store.save_draft(self.cohort, self.participant, self.module, self.exercise,
                                  None)

    def submit(self) -> bool:
        """Check and save the answer; returns True if it was saved."""
        payload = self.value()
        problem = self.check(payload)
        if problem:
            self._say(problem, "error")
            return False
        try:
            answer = self.store.submit(
                self.cohort, self.participant, self.module, self.exercise, payload
            )
        except ExerciseLockedError:
            self._say(LOCKED_MESSAGE, "error")
            return False
        except WorkshopKitError as exc:
            self._say(f"Not saved: {exc}. Your answer is still here; press Submit to retry.",
                      "error")
            return False
        self.version = answer.version
        self._kept = payload
        self._drop_draft()
        again = " (replaces your earlier answer)" if answer.version > 1 else ""
        self._say(f"Saved at {answer.submitted_at.strftime('%H:%M:%S')}{again}.")
        self._after_save(payload)
        return True


class TrustProfileForm(AnswerForm):
    """Self-rating on the four trust traits, plus a live client situation."""

    def __init__(self, store: Store, cohort: str, participant: str, content: CheckinContent,
                 module: str = "checkin", **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        scale = self.content.scale
        self.sliders: dict[str, widgets.IntSlider] = {}
        parts: list[widgets.Widget] = [
            widgets.HTML(
                f"<p><i>{html.escape(str(scale.min))} = {html.escape(scale.low_label)}, "
                f"{scale.max} = {html.escape(scale.high_label)}</i></p>"
            )
        ]
        middle = (scale.min + scale.max) // 2
        for trait in self.content.traits:
            parts.append(widgets.HTML(f"<h4>{html.escape(trait.question)}</h4>"))
            for item in trait.items:
                slider = widgets.IntSlider(
                    value=middle,
                    min=scale.min,
                    max=scale.max,
                    description="",
                    continuous_update=False,
                    layout=widgets.Layout(width="260px"),
                )
                self.sliders[item.id] = slider
                label = widgets.HTML(html.escape(item.text),
                                     layout=widgets.Layout(width="520px"))
                parts.append(widgets.HBox([label, slider]))
        self.situation = widgets.Textarea(
            placeholder="A few sentences…",
            layout=widgets.Layout(width="780px", height="110px"),
        )
        self.share = widgets.Checkbox(
            value=False, indent=False,
            description="Share my answers with the facilitator (they may bring my client "
                        "situation to the room, without my name)",
            layout=widgets.Layout(width="780px"))
        parts += [
            widgets.HTML(f"<h4>{html.escape(self.content.situation.prompt)}</h4>"),
            self.situation,
            self.share,
        ]
        return parts

    def value(self) -> dict[str, Any]:
        return {
            "ratings": {item_id: s.value for item_id, s in self.sliders.items()},
            "situation": self.situation.value.strip(),
            OPT_IN: bool(self.share.value),
        }

    def restore(self, payload: dict[str, Any]) -> None:
        for item_id, rating in payload.get("ratings", {}).items():
            if item_id in self.sliders and isinstance(rating, int):
                self.sliders[item_id].value = rating
        self.situation.value = payload.get("situation", "")
        self.share.value = payload.get(OPT_IN) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        rule = self.content.situation
        length = len(payload["situation"])
        if length < rule.min_chars:
            return (
                f"Please describe your client situation in at least {rule.min_chars} characters "
                f"(you have {length})."
            )
        if length > rule.max_chars:
            return f"Your client situation is {length} characters; please keep it under " \
                   f"{rule.max_chars}."
        return None


class PurposeSortForm(AnswerForm):
    """Sort statements into 'always be closing' or 'always be exploring' thinking."""

    def __init__(self, store: Store, cohort: str, participant: str, content: PurposeContent,
                 module: str = "purpose", **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        labels = self.content.categories
        self.choices: dict[str, widgets.ToggleButtons] = {}
        rows: list[widgets.Widget] = []
        for statement in self.content.statements:
            toggle = widgets.ToggleButtons(
                options=[(labels["closing"], "closing"), (labels["exploring"], "exploring")],
                value=None,
                style={"button_width": "170px"},
            )
            self.choices[statement.id] = toggle
            text = widgets.HTML(f"<b>{html.escape(statement.text)}</b>")
            rows.append(widgets.VBox([text, toggle], layout=widgets.Layout(margin="0 0 8px 0")))
        self.feedback = widgets.HTML()
        return [*rows, self.feedback]

    def value(self) -> dict[str, Any]:
        return {
            "placements": {sid: t.value for sid, t in self.choices.items() if t.value is not None}
        }

    def restore(self, payload: dict[str, Any]) -> None:
        for sid, placed in payload.get("placements", {}).items():
            if sid in self.choices and placed in ("closing", "exploring"):
                self.choices[sid].value = placed

    def check(self, payload: dict[str, Any]) -> str | None:
        left = len(self.choices) - len(payload["placements"])
        if left:
            return f"{left} statement(s) still to sort; choose a side for each one."
        return None

    def _after_save(self, payload: dict[str, Any]) -> None:
        placements = payload.get("placements", {})
        different = [s for s in self.content.statements
                     if placements.get(s.id) not in (None, s.thinking)]
        if not different:
            self.feedback.value = (
                "<p>You sorted every statement the way the kit reads it.</p>"
            )
            return
        items = "".join(
            f"<li><b>{html.escape(s.text)}</b><br>The kit reads this as "
            f"<i>{html.escape(self.content.categories[s.thinking])}</i>: {html.escape(s.why)}</li>"
            for s in different
        )
        self.feedback.value = (
            f"<p>You read {len(different)} statement(s) differently from the kit. "
            f"Worth a second look:</p><ul>{items}</ul>"
        )


# ---------------------------------------------------------------------------------------------
# Role-play: the seller's script player, the buyer's card, the observer's talk-time tracker


_WORD = re.compile(r"[a-z']+")
_STOP = frozenset({"and", "the", "for", "you", "your", "they", "their", "them", "that", "this",
                   "with", "then", "our", "what", "how"})


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def nearest_choice(words: str, choices: list[ScriptChoice]) -> ScriptChoice:
    """The choice whose wording shares most words with `words` (the first one on a tie)."""
    mine = _words(words)

    def overlap(choice: ScriptChoice) -> float:
        theirs = _words(choice.say)
        return len(mine & theirs) / (len(mine | theirs) or 1)

    return max(choices, key=overlap)


class ScriptPlayer(AnswerForm):
    """The seller plays a branching script: the buyer's line, then a choice (or own words).

    The path is saved when the seller reaches an ending; `choose()` and `say()` are what the
    buttons call.
    """

    node = traitlets.Unicode("", help="Id of the node the seller is at.")
    steps = traitlets.List(help="The path so far: dicts with node, choice, to (and own_words).")

    def __init__(self, store: Store, cohort: str, participant: str, content: RoleplayContent,
                 script: Script, round_no: int, group: str = "", practice_area: str = "",
                 module: str = "roleplay", **kwargs: Any):
        self.content, self.script, self.round_no = content, script, round_no
        self.group, self.practice_area = group, practice_area
        super().__init__(store, cohort, participant, module, content.path_exercise(round_no),
                         **kwargs)

    def _text(self, text: str) -> str:
        return html.escape(self.script.render(text, self.practice_area))

    def _build(self) -> list[widgets.Widget]:
        self.scene = widgets.HTML(f"<p><i>{self._text(self.script.setting)}</i></p>")
        self.line = widgets.HTML()
        self.choice_box = widgets.VBox()
        self.own_words = widgets.Textarea(placeholder=self.content.own_words,
                                          layout=widgets.Layout(width="640px", height="60px"))
        self.say_button = widgets.Button(description="Say this", icon="comment")
        self.say_button.on_click(lambda _b: self.say(self.own_words.value))
        self.restart_button = widgets.Button(description="Start again", icon="undo")
        self.restart_button.on_click(lambda _b: self.restart())
        self.trail = widgets.HTML()
        self.observe(lambda _c: self._show(), names=["node", "steps"])
        self.node = self.script.start
        self._show()
        return [self.scene, self.trail, self.line, self.choice_box,
                widgets.HBox([self.own_words, self.say_button]), self.restart_button]

    def _show(self) -> None:
        current = self.script.node(self.node)
        self.line.value = (f"<p><b>Buyer:</b> {self._text(current.buyer)}</p>")
        self.trail.value = "".join(
            f"<p style='color:#555'>You: "
            f"{html.escape(s.get('own_words') or self._step_text(s))}</p>" for s in self.steps)
        if current.ending:
            label = self.content.outcomes[current.ending.outcome]
            self.line.value += (f"<p><b>The end: {html.escape(label)}.</b></p>"
                                f"<p>{self._text(current.ending.debrief)}</p>")
            self.choice_box.children = []
            return
        buttons = []
        for choice in current.choices:
            b = widgets.Button(description=self.script.render(choice.say, self.practice_area),
                               tooltip=self.script.render(choice.say, self.practice_area),
                               layout=widgets.Layout(width="640px", height="auto"))
            b.on_click(lambda _b, cid=choice.id: self.choose(cid))
            buttons.append(b)
        self.choice_box.children = buttons

    def _step_text(self, step: dict[str, Any]) -> str:
        node = self.script.node(step["node"])
        choice = next(c for c in node.choices if c.id == step["choice"])
        return self.script.render(choice.say, self.practice_area)

    @property
    def ending(self) -> ScriptNode | None:
        current = self.script.node(self.node)
        return current if current.is_ending else None

    def choose(self, choice_id: str, own_words: str = "") -> None:
        """Take a choice at the current node; at an ending the path is saved."""
        current = self.script.node(self.node)
        choice = next((c for c in current.choices if c.id == choice_id), None)
        if choice is None:
            known = ", ".join(c.id for c in current.choices) or "none: this is an ending"
            self._say(f"'{choice_id}' is not a choice here; choices: {known}", "error")
            return
        step = {"node": current.id, "choice": choice.id, "to": choice.to}
        if own_words.strip():
            step["own_words"] = own_words.strip()
        self.steps = [*self.steps, step]
        self.own_words.value = ""
        self.node = choice.to
        if self.ending:
            self.submit()

    def say(self, own_words: str) -> None:
        """The seller's own words, filed beside the nearest choice (which is then taken)."""
        current = self.script.node(self.node)
        if not own_words.strip() or not current.choices:
            self._say("Type what you would say first.", "error")
            return
        rendered = [c.model_copy(update={"say": self.script.render(c.say, self.practice_area)})
                    for c in current.choices]
        self.choose(nearest_choice(own_words, rendered).id, own_words)

    def restart(self) -> None:
        self.steps = []
        self.node = self.script.start

    def value(self) -> dict[str, Any]:
        ending = self.ending
        return {
            "round": self.round_no,
            "group": self.group,
            "script": self.script.id,
            "practice_area": self.practice_area,
            "steps": list(self.steps),
            "ending": ending.id if ending else None,
            "outcome": ending.ending.outcome if ending and ending.ending else None,
        }

    def check(self, payload: dict[str, Any]) -> str | None:
        if payload["ending"] is None:
            return "Play the script to an ending first; your path is saved there."
        return None

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("script") != self.script.id:
            return
        self.restart()
        for step in payload.get("steps", []):
            node = self.script.node(self.node)
            if step.get("node") != node.id or step.get("choice") not in {c.id for c in
                                                                        node.choices}:
                break
            self.steps = [*self.steps, step]
            self.node = step["to"]


def buyer_card(content: RoleplayContent, script: Script, practice_area: str = "") -> widgets.HTML:
    """What the buyer reads: their brief, then every line they may say, with how to play it."""
    def text(value: str) -> str:
        return html.escape(script.render(value, practice_area))

    lines = "".join(
        f"<li><b>{text(node.buyer)}</b>" + (f"<br><i>{text(node.notes)}</i>" if node.notes
                                            else "") + "</li>"
        for node in script.nodes)
    return widgets.HTML(
        f"<h4>You are the buyer: {html.escape(script.title)}</h4>"
        f"<p>{html.escape(content.roles['buyer'])}</p>"
        f"<p><b>The scene:</b> {text(script.setting)}</p>"
        f"<p><b>Your brief (keep it to yourself):</b> {text(script.buyer_brief)}</p>"
        f"<details><summary>Your lines, in script order</summary><ul>{lines}</ul></details>"
    )


def _clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class TalkTracker(widgets.VBox):
    """Who is talking now (seller, buyer or silence), with a running clock and the seller's share.

    Time is measured from `clock` (seconds, `time.monotonic` by default) when a button is
    pressed, so the numbers never depend on how often the display refreshes. The display ticks
    through an ipywidgets Play widget in the browser; tests drive `speak`/`stop` with a fake
    clock instead.
    """

    SPEAKERS = ("seller", "buyer", "silence")
    speaker = traitlets.Unicode("", help="Who is talking now ('' when the clock is stopped).")
    segments = traitlets.List(help="Closed segments: [speaker, start, end] in seconds from the "
                                   "first press.")

    def __init__(self, labels: dict[str, str], clock: Callable[[], float] = time.monotonic,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.clock = clock
        self._origin: float | None = None
        self._since = 0.0
        self.buttons = {}
        for who in (*self.SPEAKERS, "stop"):
            button = widgets.Button(description=labels[who], layout=widgets.Layout(width="150px"))
            button.on_click(lambda _b, w=who: self._press(w))
            self.buttons[who] = button
        self.display = widgets.HTML()
        self.ticker = widgets.Play(interval=1000, max=10**7, show_repeat=False,
                                   layout=widgets.Layout(display="none"))
        self.ticker.observe(lambda _c: self.refresh(), names="value")
        self.children = [widgets.HBox(list(self.buttons.values())), self.display, self.ticker]
        self.refresh()

    def _press(self, who: str) -> None:
        if who == "stop":
            self.stop()
        else:
            self.speak(who)

    def _now(self) -> float:
        if self._origin is None:
            self._origin = self.clock()
        return self.clock() - self._origin

    def speak(self, who: str) -> None:
        """`who` starts talking now ('seller', 'buyer' or 'silence')."""
        if who not in self.SPEAKERS:
            raise ValueError(f"speaker must be one of {', '.join(self.SPEAKERS)}, got '{who}'")
        if who == self.speaker:
            return
        now = self._now()
        self._close(now)
        self.speaker, self._since = who, now
        self.ticker.playing = True
        self.refresh()

    def stop(self) -> None:
        """Stop the clock (the round is over, or a pause you do not want counted)."""
        if self.speaker:
            self._close(self._now())
            self.speaker = ""
        self.ticker.playing = False
        self.refresh()

    def _close(self, now: float) -> None:
        if self.speaker:
            self.segments = [*self.segments, [self.speaker, round(self._since, 1), round(now, 1)]]

    def all_segments(self) -> list[list[Any]]:
        """Closed segments plus the one running now, up to this moment."""
        segments = [list(s) for s in self.segments]
        if self.speaker:
            segments.append([self.speaker, round(self._since, 1), round(self._now(), 1)])
        return segments

    def totals(self) -> dict[str, float]:
        """Seconds of seller, buyer and silence so far (including the running segment)."""
        totals = dict.fromkeys(self.SPEAKERS, 0.0)
        for who, start, end in self.all_segments():
            totals[who] = round(totals[who] + end - start, 1)
        return totals

    def seller_share(self) -> float | None:
        """Seller time / (seller + buyer time); None before anyone has talked."""
        totals = self.totals()
        talk = totals["seller"] + totals["buyer"]
        return round(totals["seller"] / talk, 3) if talk else None

    def load(self, segments: list[list[Any]]) -> None:
        """Put saved segments back; a new press carries on after the last one."""
        self.segments = [list(s) for s in segments]
        self.speaker = ""
        last = max((s[2] for s in self.segments), default=0.0)
        self._origin = self.clock() - last
        self.refresh()

    def refresh(self) -> None:
        for who, button in self.buttons.items():
            button.button_style = "info" if who == self.speaker else ""
        totals = self.totals()
        share = self.seller_share()
        now = f"<b>{html.escape(self.speaker)}</b> talking" if self.speaker not in ("", "silence") \
            else "silence" if self.speaker == "silence" else "clock stopped"
        share_text = "–" if share is None else f"{share:.0%}"
        self.display.value = (
            f"<p>{now} · elapsed {_clock_text(sum(totals.values()))} · seller "
            f"{_clock_text(totals['seller'])}, buyer {_clock_text(totals['buyer'])} · "
            f"<b>seller's share of talk: {share_text}</b></p>"
        )


class ObserverForm(AnswerForm):
    """The observer's sheet: the talk-time tracker, a checklist and a note for the seller."""

    def __init__(self, store: Store, cohort: str, participant: str, content: RoleplayContent,
                 script: Script, round_no: int, group: str = "",
                 clock: Callable[[], float] = time.monotonic, module: str = "roleplay",
                 **kwargs: Any):
        self.content, self.script, self.round_no, self.group = content, script, round_no, group
        self.clock = clock
        super().__init__(store, cohort, participant, module,
                         content.observation_exercise(round_no), **kwargs)

    def _build(self) -> list[widgets.Widget]:
        self.tracker = TalkTracker(dict(self.content.tracker), clock=self.clock)
        self.ticks = {item.id: widgets.Checkbox(description=item.text, value=False, indent=False,
                                                layout=widgets.Layout(width="640px"))
                      for item in self.content.checklist}
        self.note = widgets.Textarea(placeholder=self.content.note_prompt,
                                     layout=widgets.Layout(width="640px", height="70px"))
        return [
            widgets.HTML(f"<h4>You observe: {html.escape(self.script.title)}</h4>"
                         f"<p>{html.escape(self.content.roles['observer'])}</p>"),
            self.tracker,
            widgets.HTML("<b>What did you see?</b>"),
            *self.ticks.values(),
            widgets.HTML(f"<b>{html.escape(self.content.note_prompt)}</b>"),
            self.note,
        ]

    def value(self) -> dict[str, Any]:
        return {
            "round": self.round_no,
            "group": self.group,
            "script": self.script.id,
            "segments": self.tracker.all_segments(),
            "seconds": self.tracker.totals(),
            "seller_share": self.tracker.seller_share(),
            "checklist": {item_id: box.value for item_id, box in self.ticks.items()},
            "note": self.note.value.strip(),
        }

    def check(self, payload: dict[str, Any]) -> str | None:
        if payload["seller_share"] is None:
            return ("Nobody has been timed yet: press Seller or Buyer whenever the person "
                    "talking changes, then submit.")
        return None

    def submit(self) -> bool:
        """Stop the clock, then check and save."""
        self.tracker.stop()
        return super().submit()

    def restore(self, payload: dict[str, Any]) -> None:
        self.tracker.load(payload.get("segments", []))
        for item_id, ticked in payload.get("checklist", {}).items():
            if item_id in self.ticks:
                self.ticks[item_id].value = bool(ticked)
        self.note.value = payload.get("note", "")


class BuyerReflectionForm(AnswerForm):
    """The buyer's few lines after a round, for that round's seller: how it felt to be the
    client, and what made them trust the seller more or less."""

    def __init__(self, store: Store, cohort: str, participant: str, content: RoleplayContent,
                 script: Script, round_no: int, group: str = "", module: str = "roleplay",
                 **kwargs: Any):
        self.content, self.script, self.round_no, self.group = content, script, round_no, group
        super().__init__(store, cohort, participant, module,
                         content.reflection_exercise(round_no), **kwargs)

    def _build(self) -> list[widgets.Widget]:
        reflection = self.content.buyer_reflection
        self.texts = {f.id: widgets.Textarea(layout=widgets.Layout(width="640px",
                                                                   height="60px"))
                      for f in reflection.fields}
        parts: list[widgets.Widget] = [
            widgets.HTML(f"<h4>After the round</h4><p>{html.escape(reflection.intro)}</p>")]
        for f in reflection.fields:
            parts += [widgets.HTML(f"<b>{html.escape(f.label)}</b>"), self.texts[f.id]]
        return parts

    def value(self) -> dict[str, Any]:
        return {"round": self.round_no, "group": self.group, "script": self.script.id,
                **{k: box.value.strip() for k, box in self.texts.items()}}

    def check(self, payload: dict[str, Any]) -> str | None:
        for f in self.content.buyer_reflection.fields:
            if len(payload[f.id]) < f.min_chars:
                return f"{f.label} Please write at least {f.min_chars} characters."
        return None

    def restore(self, payload: dict[str, Any]) -> None:
        for key, box in self.texts.items():
            box.value = payload.get(key, "")


class SellerFeedback(widgets.VBox):
    """After a round, for its seller: the observers' notes and the buyer's reflection, read
    from the service (which shows them to that seller only). `refresh()` is the button."""

    def __init__(self, store: Any, cohort: str, content: RoleplayContent, round_no: int,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.content, self.round_no = store, cohort, content, round_no
        self.shown = widgets.HTML()
        self.button = widgets.Button(description="Show what they told me", icon="refresh",
                                     layout=widgets.Layout(width="260px"))
        self.button.on_click(lambda _b: self.refresh())
        self.children = [widgets.HTML(
            f"<h4>{html.escape(content.buyer_reflection.for_seller)}</h4>"),
            self.button, self.shown]
        self.refresh()

    def refresh(self) -> None:
        try:
            feedback = self.store.roleplay_feedback(self.cohort, self.round_no)
        except WorkshopKitError as exc:
            self.shown.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            return
        reflection = self.content.buyer_reflection
        parts = []
        if feedback.get("reflection"):
            given = feedback["reflection"]
            parts.append("<p><b>Your buyer</b></p><ul>" + "".join(
                f"<li>{html.escape(f.label)} <i>{html.escape(str(given.get(f.id, '')))}</i>"
                "</li>" for f in reflection.fields if given.get(f.id)) + "</ul>")
        checklist = {item.id: item.text for item in self.content.checklist}
        for i, seen in enumerate(feedback.get("observations", []), start=1):
            ticked = [checklist[k] for k, v in seen.get("checklist", {}).items()
                      if v and k in checklist]
            share = seen.get("seller_share")
            talk = (f"You talked {share:.0%} of the time. " if isinstance(share, int | float)
                    else "")
            parts.append(
                f"<p><b>Observer {i}</b>: {html.escape(talk)}"
                f"<i>{html.escape(seen.get('note') or '')}</i></p>"
                + ("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in ticked) + "</ul>"
                   if ticked else ""))
        self.shown.value = "".join(parts) or (
            f"<p><i>{html.escape(reflection.nothing_yet)}</i></p>")


# ---------------------------------------------------------------------------------------------
# The dilemma

def current_game(store: Store, cohort: str) -> Any:
    """The live game the facilitator started last, or None."""
    from .game.live import LiveGame

    answer = store.latest_answer(cohort, FACILITATOR, "dilemma", GAME_EXERCISE)
    return LiveGame.from_payload(answer.payload) if answer else None


class _Poller:
    """Calls `refresh` every few seconds in a daemon thread until stopped."""

    def __init__(self, refresh: Any, seconds: float):
        import threading

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(refresh, seconds),
                                        daemon=True)
        self._thread.start()

    def _loop(self, refresh: Any, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                refresh()
            except Exception:  # a transient store error must not kill the loop
                continue

    def stop(self) -> None:
        self._stop.set()


class LiveRounds(widgets.VBox):
    """Play the live dilemma: two buttons, the outcome once both have moved, a running total.

    The game (condition, partners, hidden length) comes from the facilitator through the store.
    `choose("C")` is what the share button calls; `refresh()` re-reads the store (a background
    thread calls it every `poll_seconds`; 0 turns the thread off).
    """

    status = traitlets.Unicode("", help="What the participant is told about the game now.")
    total = traitlets.Float(0.0, help="Points so far in the current game.")
    round_no = traitlets.Int(0, help="The round waiting for a move (0 when none).")

    def __init__(self, store: Store, cohort: str, participant: str, content: Any,
                 poll_seconds: float = 2.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.participant, self.content = (
            store, cohort, participant, content)
        self.game = None
        self.rounds: list[dict[str, Any]] = []
        self.header = widgets.HTML()
        moves = content.moves
        self.share = widgets.Button(description=moves["C"].label, button_style="success",
                                    tooltip=moves["C"].detail,
                                    layout=widgets.Layout(width="220px"))
        self.hold = widgets.Button(description=moves["D"].label, button_style="danger",
                                   tooltip=moves["D"].detail,
                                   layout=widgets.Layout(width="220px"))
        self.share.on_click(lambda _b: self.choose("C"))
        self.hold.on_click(lambda _b: self.choose("D"))
        self.explain = widgets.HTML(
            f"<p><b>{html.escape(moves['C'].label)}</b>: {html.escape(moves['C'].detail)}<br>"
            f"<b>{html.escape(moves['D'].label)}</b>: {html.escape(moves['D'].detail)}</p>")
        self.outcome = widgets.HTML()
        self.record = widgets.HTML()
        self.children = [self.header, self.explain, widgets.HBox([self.share, self.hold]),
                         self.outcome, self.record]
        self.refresh()
        self._poller = _Poller(self.refresh, poll_seconds) if poll_seconds > 0 else None

    def close(self) -> None:
        if self._poller:
            self._poller.stop()
        super().close()

    def _read_rounds(self, game: Any) -> list[dict[str, Any]]:
        """Each round of `game` for this participant: partner, both moves (None if missing)."""
        from .game.live import BOT, bot_move

        partners = [game.partner(r, self.participant) for r in range(1, game.rounds + 1)]
        people = sorted({self.participant, *(p for p in partners if p and p != BOT)})
        answers = self.store.latest_many(self.cohort, "dilemma", people,
                                         f"move:{game.game_id}:")
        moves = {(a.participant, int(a.exercise.rsplit(":", 1)[1])): a.payload.get("move")
                 for a in answers}
        rounds, my_record_vs_bot = [], ""
        for r, partner in enumerate(partners, start=1):
            mine = moves.get((self.participant, r))
            if partner == BOT:
                theirs = bot_move(my_record_vs_bot)
                if mine:
                    my_record_vs_bot += mine
            else:
                theirs = moves.get((partner, r))
            rounds.append({"round": r, "partner": partner, "mine": mine, "theirs": theirs})
            if not (mine and theirs):
                break
        return rounds

    def refresh(self) -> None:
        """Re-read the game and the moves from the store and update what is shown."""
        from .game.live import BOT, outcome

        try:
            game = current_game(self.store, self.cohort)
        except WorkshopKitError as exc:
            self._show(f"Cannot reach the store: {exc}. Retrying…", can_move=False)
            return
        self.game = game
        if game is None:
            self._show("Waiting for the facilitator to start a game…", can_move=False)
            return
        if game.partner(1, self.participant) is None:
            self._show("This game started without you. Tell the facilitator: you will be in "
                       "the next one.", can_move=False)
            return
        rounds = self._read_rounds(game)
        self.rounds = rounds
        done = [r for r in rounds if r["mine"] and r["theirs"]]
        self.total = float(sum(outcome(r["mine"], r["theirs"], game.payoffs)[0] for r in done))
        self._show_record(done, game)
        condition = html.escape(self.content.conditions[game.condition])
        title = f"<h4>Game {game.number}: {condition}</h4>"
        if len(done) == game.rounds:
            self.round_no = 0
            self._show(f"{title}The game is over after {game.rounds} round(s). You scored "
                       f"{self.total:g} points.", can_move=False)
            return
        current = rounds[-1]
        self.round_no = current["round"]
        who = ("the kit (playing for the facilitator)" if current["partner"] == BOT
               else "someone you cannot see" if game.condition != "partners"
               else self._partner_shown(current["partner"]))
        if current["mine"] is None:
            self._show(f"{title}Round {current['round']} with {who}: choose.", can_move=True)
        else:
            self._show(f"{title}Round {current['round']}: you chose. Waiting for the other "
                       "player…", can_move=False)

    def _partner_shown(self, partner: str) -> str:
        """'your partner, Zoë' (read once per partner from the service; the id never shows)."""
        from .names import lookup

        names = self.__dict__.setdefault("_names", {})
        if partner not in names:  # asked once, even when no name comes back
            names[partner] = lookup(self.store, self.cohort, [partner]).get(partner, "")
        name = names[partner]
        return f"your partner, {html.escape(name)}" if name else "your partner"

    def _show(self, text: str, can_move: bool) -> None:
        self.status = text
        self.header.value = text
        self.share.disabled = self.hold.disabled = not can_move

    def _show_record(self, done: list[dict[str, Any]], game: Any) -> None:
        from .game.live import outcome

        labels = {"C": "shared", "D": "held back"}
        if not done:
            self.outcome.value = ""
            self.record.value = ""
            return
        last = done[-1]
        mine, theirs = outcome(last["mine"], last["theirs"], game.payoffs)
        more = ("Another round follows." if last["round"] < game.rounds
                else "That was the last round.")
        self.outcome.value = (
            f"<p>Round {last['round']}: you <b>{labels[last['mine']]}</b>, they "
            f"<b>{labels[last['theirs']]}</b>. You get {mine:g}, they get {theirs:g}. "
            f"{more} Your total: <b>{self.total:g}</b>.</p>")
        rows = "".join(
            f"<tr><td>{r['round']}</td><td>{labels[r['mine']]}</td>"
            f"<td>{labels[r['theirs']]}</td>"
            f"<td>{outcome(r['mine'], r['theirs'], game.payoffs)[0]:g}</td></tr>"
            for r in done)
        self.record.value = ("<table><tr><th>Round</th><th>You</th><th>They</th>"
                             f"<th>Points</th></tr>{rows}</table>")

    def choose(self, move: str) -> bool:
        """Play `move` ("C" share, "D" hold back) in the open round; False if none is open."""
        self.refresh()
        if not self.round_no or not self.rounds or self.rounds[-1]["mine"] is not None:
            return False
        try:
            self.store.submit(self.cohort, self.participant, "dilemma",
                              f"move:{self.game.game_id}:{self.round_no}", {"move": move})
        except ExerciseLockedError:
            self.outcome.value = f"<p style='color:#b71c1c'>{html.escape(LOCKED_MESSAGE)}</p>"
            return False
        except WorkshopKitError as exc:
            self.outcome.value = (f"<p style='color:#b71c1c'>Not saved: {html.escape(str(exc))}"
                                  ". Press the button again to retry.</p>")
            return False
        self.refresh()
        return True


MOVE_LETTERS = str.maketrans("CD", "SH")  # a row of moves as a participant reads it
# the trial table's opponents in the buttons' words, not cooperate / defect
OPPONENT_WORDS = {"tit_for_tat": "Copies your last move", "defector": "Always holds back",
                  "cooperator": "Always shares",
                  "grudger": "Shares until you hold back, then never again",
                  "random": "Shares or holds back at random"}


class StrategyBuilderForm(AnswerForm):
    """Build a strategy from a few settings, read it back in plain words, try it, enter it."""

    OPPONENTS = ("tit_for_tat", "defector", "cooperator", "grudger", "random")

    def __init__(self, store: Store, cohort: str, participant: str, content: Any,
                 module: str = "dilemma", **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)
        self.button.description = "Enter the tournament"

    def _build(self) -> list[widgets.Widget]:
        style = {"description_width": "230px"}
        wide = widgets.Layout(width="560px")
        self.name = widgets.Text(description="Name of your strategy", style=style,
                                 layout=wide, value="")
        self.first_move = widgets.ToggleButtons(
            description="First move", style=style,
            options=[("Share", "C"), ("Hold back", "D")], value="C")
        self.retaliation = widgets.Dropdown(
            description="When they hold back", style=style, layout=wide,
            options=[("Keep sharing anyway", "none"), ("Hold back once", "once"),
                     ("Hold back for a few rounds", "k"), ("Hold back for good", "forever")],
            value="once")
        self.retaliate_k = widgets.IntSlider(description="Rounds of holding back",
                                             style=style, min=1, max=10, value=2)
        self.forgive_after = widgets.IntSlider(
            description="Forgive after … rounds of sharing (0 = never)", style=style,
            min=0, max=10, value=0)
        self.generosity = widgets.FloatSlider(
            description="Let this share of their hold-backs pass", style=style, min=0,
            max=1, step=0.05, value=0.0, readout_format=".0%")
        self.probe = widgets.Checkbox(description="Test them early (hold back in round 2)",
                                      style=style, value=False)
        self.randomness = widgets.FloatSlider(
            description="Leave this share of rounds to chance", style=style, min=0, max=0.5,
            step=0.05, value=0.0, readout_format=".0%")
        self.description_box = widgets.HTML()
        self.trial = widgets.HTML()
        for control in (self.first_move, self.retaliation, self.retaliate_k, self.forgive_after,
                        self.generosity, self.probe, self.randomness, self.name):
            control.observe(lambda _change: self.preview(), names="value")
        self.preview()
        return [self.name, self.first_move, self.retaliation, self.retaliate_k,
                self.forgive_after, self.generosity, self.probe, self.randomness,
                self.description_box, self.trial]

    def value(self) -> dict[str, Any]:
        forever = self.retaliation.value == "forever"
        return {
            "name": self.name.value.strip(),
            "first_move": self.first_move.value,
            "retaliation": self.retaliation.value,
            "retaliate_k": self.retaliate_k.value,
            "forgive_after": (self.forgive_after.value or None) if forever else None,
            "generosity": round(self.generosity.value, 2),
            "probe": self.probe.value,
            "randomness": round(self.randomness.value, 2),
        }

    def restore(self, payload: dict[str, Any]) -> None:
        self.name.value = payload.get("name", "")
        self.first_move.value = payload.get("first_move", "C")
        self.retaliation.value = payload.get("retaliation", "once")
        self.retaliate_k.value = payload.get("retaliate_k", 2)
        self.forgive_after.value = payload.get("forgive_after") or 0
        self.generosity.value = payload.get("generosity", 0.0)
        self.probe.value = payload.get("probe", False)
        self.randomness.value = payload.get("randomness", 0.0)

    def spec(self) -> Any:
        """The strategy as the engine sees it (raises ParameterError if a setting is off)."""
        from .game import BuiltStrategy

        payload = self.value()
        payload["name"] = payload["name"] or "my strategy"
        return BuiltStrategy(**payload)

    def check(self, payload: dict[str, Any]) -> str | None:
        if not payload["name"]:
            return "Give your strategy a name: it appears on the leaderboard."
        try:
            self.spec()
        except WorkshopKitError as exc:
            return f"This strategy cannot be entered: {exc}"
        return None

    def preview(self) -> None:
        """Describe the strategy in words and play it against a few classics (20 rounds)."""
        from .game import describe, play_match

        self.retaliate_k.layout.display = None if self.retaliation.value == "k" else "none"
        self.forgive_after.layout.display = (None if self.retaliation.value == "forever"
                                             else "none")
        try:
            spec = self.spec()
        except WorkshopKitError as exc:
            self.description_box.value = f"<p style='color:#b71c1c'>{html.escape(str(exc))}</p>"
            self.trial.value = ""
            return
        self.description_box.value = f"<p><b>In words:</b> {html.escape(describe(spec))}</p>"
        rows = []
        for opponent in self.OPPONENTS:
            match = play_match(spec, opponent, 20, payoffs=self.content.payoffs, seed=7)
            rows.append(
                f"<tr><td>{OPPONENT_WORDS[opponent]}</td>"
                f"<td><code>{''.join(match['player']).translate(MOVE_LETTERS)}</code></td>"
                f"<td>{match['player_payoff'].sum():g}</td>"
                f"<td>{match['partner_payoff'].sum():g}</td></tr>")
        self.trial.value = ("<p><b>Trial games of 20 rounds</b> (S = share, H = hold back)</p>"
                            "<table><tr><th>Against</th><th>Your moves</th><th>You</th>"
                            f"<th>They</th></tr>{''.join(rows)}</table>")


class GameControl(widgets.VBox):
    """The facilitator's control: pick a condition and the chance of another round, start a
    game, and watch the rounds fill up. `start()` is what the button calls."""

    def __init__(self, store: Store, cohort: str, content: Any, seed: int = 1,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.content, self.seed = store, cohort, content, seed
        # The label column is as wide as its longest label, and each control is wide enough
        # for its own text (the default 300 px left a 72 px dropdown and a 0 px slider track).
        style = {"description_width": "16em"}
        wide = widgets.Layout(width="min(100%, 46em)")
        self.condition = widgets.Dropdown(
            description="Condition", style=style, layout=wide,
            options=[(text.split(".")[0], key) for key, text in content.conditions.items()],
            value="one_shot")
        self.continue_probability = widgets.FloatSlider(
            description="Chance of another round", style=style, layout=wide, min=0.5,
            max=0.98, step=0.01, value=content.default_continue_probability,
            readout_format=".0%")
        self.start_button = widgets.Button(description="Start a new game",
                                           button_style="primary")
        self.start_button.on_click(lambda _b: self.start())
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.message = widgets.HTML()
        self.children = [self.condition, self.continue_probability,
                         widgets.HBox([self.start_button, self.refresh_button]), self.message]
        self.refresh()

    def start(self) -> Any:
        """Plan a game over everybody who has answered so far and publish it to the room."""
        from .game.live import plan_game

        history = self.store.history(self.cohort, FACILITATOR, "dilemma", GAME_EXERCISE)
        people = self.store.participants(self.cohort, exclude=(FACILITATOR,))
        try:
            game = plan_game(len(history) + 1, self.condition.value, people,
                             self.continue_probability.value, self.content.payoffs,
                             seed=self.seed, max_rounds=self.content.max_rounds)
        except WorkshopKitError as exc:
            self.message.value = f"<p style='color:#b71c1c'>{html.escape(str(exc))}</p>"
            return None
        self.store.submit(self.cohort, FACILITATOR, "dilemma", GAME_EXERCISE, game.to_payload())
        self.refresh()
        return game

    def refresh(self) -> None:
        game = current_game(self.store, self.cohort)
        if game is None:
            self.message.value = "<p>No game started yet.</p>"
            return
        from .game.live import BOT

        answers = self.store.latest_many(self.cohort, "dilemma", game.players(),
                                         f"move:{game.game_id}:")
        per_round: dict[int, int] = {}
        for a in answers:
            r = int(a.exercise.rsplit(":", 1)[1])
            per_round[r] = per_round.get(r, 0) + 1
        humans = len([p for p in game.players() if p != BOT])
        progress = ", ".join(f"round {r}: {per_round[r]}/{humans}" for r in sorted(per_round))
        self.message.value = (
            f"<p><b>Game {game.number}</b> ({html.escape(human_label(game.condition))}, "
            f"{len(game.players())} players, {game.rounds} round(s) drawn — keep that to "
            f"yourself). Moves so far: {progress or 'none yet'}.</p>")


# ---------------------------------------------------------------------------------------------
# Problem-definition drill: ask questions within a budget, write the definition, vote


class DrillForm(AnswerForm):
    """Work a case: ask discovery questions within the minute budget (each one is saved as it
    is asked), then write and submit the problem definition. After submitting, the participant
    sees which revealed facts their definition mentions (a word match, shown as such) and the
    expert reading. No score."""

    asked = traitlets.List(help="Ids of the questions asked so far, in order.")

    def __init__(self, store: Store, cohort: str, participant: str, content: DrillContent,
                 case: Case, module: str = "drill", **kwargs: Any):
        self.content, self.case = content, case
        super().__init__(store, cohort, participant, module, content.definition_exercise,
                         **kwargs)
        try:
            saved = self.store.latest_answer(cohort, participant, module,
                                             content.questions_exercise)
        except WorkshopKitError:
            saved = None
        if saved is not None and saved.payload.get("case") == case.id:
            self._restore_asked(saved.payload.get("asked", []))

    @property
    def minutes_used(self) -> int:
        return sum(self.case.question(q).minutes for q in self.asked)

    @property
    def minutes_left(self) -> int:
        return self.case.budget_minutes - self.minutes_used

    def _build(self) -> list[widgets.Widget]:
        case = self.case
        header = widgets.HTML(
            f"<h3>{html.escape(case.title)}</h3><p><b>Client:</b> {html.escape(case.client)}</p>"
            f"<p><b>What they tell you:</b> {html.escape(case.stated_problem)}</p>")
        self.clock = widgets.HTML()
        self.question_box = widgets.VBox()
        self.revealed = widgets.HTML()
        self.definition = widgets.Textarea(
            placeholder=self.content.definition.prompt,
            layout=widgets.Layout(width="780px", height="120px"))
        self.feedback = widgets.HTML()
        self.observe(lambda _c: self._show(), names="asked")
        self._show()
        return [header, self.clock, self.question_box, self.revealed,
                widgets.HTML(f"<h4>{html.escape(self.content.definition.prompt)}</h4>"),
                self.definition, self.feedback]

    def _show(self) -> None:
        self.clock.value = (f"<p><b>{self.minutes_left}</b> of {self.case.budget_minutes} "
                            "meeting minutes left.</p>")
        buttons = []
        for q in self.case.questions:
            if q.id in self.asked:
                continue
            b = widgets.Button(description=f"({q.minutes} min) {q.ask}", tooltip=q.ask,
                               layout=widgets.Layout(width="780px", height="auto"))
            b.on_click(lambda _b, qid=q.id: self.ask(qid))
            buttons.append(b)
        self.question_box.children = buttons
        self.revealed.value = "".join(
            f"<p><b>You:</b> {html.escape(self.case.question(q).ask)}<br>"
            f"<b>Client:</b> {html.escape(self.case.question(q).answer)}</p>" for q in self.asked)

    def _restore_asked(self, asked: list[Any]) -> None:
        known = {q.id for q in self.case.questions}
        kept: list[str] = []
        for q in asked:
            if q in known and q not in kept and (sum(self.case.question(k).minutes for k in kept)
                                                 + self.case.question(q).minutes
                                                 <= self.case.budget_minutes):
                kept.append(q)
        self.asked = kept

    def ask(self, question_id: str) -> bool:
        """Ask a question: refused (with a message) beyond the budget; saved when asked."""
        try:
            question = self.case.question(question_id)
        except KeyError:
            self._say(f"'{question_id}' is not a question of this case.", "error")
            return False
        if question_id in self.asked:
            self._say("You have asked that already; the answer is above.", "muted")
            return False
        if question.minutes > self.minutes_left:
            self._say(f"That question takes {question.minutes} minutes and you have "
                      f"{self.minutes_left} left of {self.case.budget_minutes}. Choose a "
                      "shorter one, or write your definition with what you know.", "error")
            return False
        asked = [*self.asked, question_id]
        try:
            self.store.submit(self.cohort, self.participant, self.module,
                              self.content.questions_exercise,
                              {"case": self.case.id, "asked": asked})
        except WorkshopKitError as exc:
            self._say(f"Not saved: {exc}. Ask again in a moment.", "error")
            return False
        self.asked = asked
        self._say(f"Asked. {self.minutes_left} minute(s) left.", "muted")
        return True

    def value(self) -> dict[str, Any]:
        return {"case": self.case.id, "asked": list(self.asked),
                "definition": self.definition.value.strip()}

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("case") != self.case.id:
            return
        self._restore_asked(payload.get("asked", []))
        self.definition.value = payload.get("definition", "")

    def check(self, payload: dict[str, Any]) -> str | None:
        rule = self.content.definition
        length = len(payload["definition"])
        if length < rule.min_chars:
            return (f"Please write your definition in at least {rule.min_chars} characters "
                    f"(you have {length}).")
        if length > rule.max_chars:
            return f"Your definition is {length} characters; please keep it under " \
                   f"{rule.max_chars}."
        return None

    def matches(self) -> list[dict[str, Any]]:
        """Which revealed facts the definition mentions, by word match (see `fact_matches`)."""
        from .analysis import fact_matches

        return fact_matches(self.case, list(self.asked), self.definition.value)

    def _after_save(self, payload: dict[str, Any]) -> None:
        from .analysis import fact_matches

        matches = fact_matches(self.case, payload.get("asked", []), payload.get("definition", ""))
        used = [m for m in matches if m["used"]]
        ignored = [m for m in matches if not m["used"]]
        unfound = [self.case.fact(f) for f in self.case.expert_facts
                   if f not in {m["fact"] for m in matches}]

        def items(rows: list[dict[str, Any]], words: bool) -> str:
            return "".join(
                f"<li>{html.escape(m['text'])}"
                + (f" <i>(words found: {html.escape(', '.join(m['matched']))})</i>" if words
                   else "") + "</li>" for m in rows) or "<li>none</li>"

        self.feedback.value = (
            f"<p><i>{html.escape(self.content.match_note)}</i></p>"
            f"<p><b>Facts you uncovered that your definition mentions:</b></p>"
            f"<ul>{items(used, True)}</ul>"
            f"<p><b>Facts you uncovered that your definition leaves out:</b></p>"
            f"<ul>{items(ignored, False)}</ul>"
            + ("<p><b>Facts an experienced adviser draws on that your questions did not "
               "bring out:</b></p><ul>"
               + "".join(f"<li>{html.escape(f.text)}</li>" for f in unfound) + "</ul>"
               if unfound else "")
            + f"<p><b>How an experienced adviser reads it:</b> "
              f"{html.escape(self.case.expert_reading)}</p>"
            + "<p><b>Traps:</b></p><ul>"
            + "".join(f"<li>{html.escape(t)}</li>" for t in self.case.traps) + "</ul>")


class PeerVoteForm(AnswerForm):
    """Read the cohort's definitions of the same case (anonymous, in an order shuffled for this
    participant, their own marked and not votable) and vote for the clearest road forward."""

    def __init__(self, store: Any, cohort: str, participant: str, content: DrillContent,
                 case: Case, module: str = "drill", own_case: Case | None = None,
                 **kwargs: Any):
        self.content, self.case = content, case
        self.own_case = own_case or case  # another case: nobody else works this one's own
        self.entries: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        super().__init__(store, cohort, participant, module, content.vote_exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        self.listing = widgets.HTML()
        self.choice = widgets.RadioButtons(options=[], value=None,
                                           layout=widgets.Layout(width="300px"))
        self.refresh_button = widgets.Button(description="Show new definitions", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.refresh()
        prompt = f"<p>{html.escape(self.content.vote_prompt)}</p>"
        if self.case.id != self.own_case.id:
            prompt = (f"<p>{html.escape(self.content.vote_other_case)}</p>"
                      f"<h4>{html.escape(self.case.title)}</h4><p><b>Client:</b> "
                      f"{html.escape(self.case.client)}</p><p><b>What they tell you:</b> "
                      f"{html.escape(self.case.stated_problem)}</p>")
        return [widgets.HTML(prompt), self.listing, self.refresh_button, self.choice]

    def refresh(self) -> None:
        """Read the definitions again (more arrive as colleagues submit)."""
        try:
            entries = self.store.peer_definitions(self.cohort, self.content.definition_exercise,
                                                  self.case.id)
        except WorkshopKitError as exc:
            self.listing.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            self.entries, self.labels, self.choice.options = [], {}, []
            return
        random.Random(f"{self.cohort}:{self.participant}:{self.case.id}").shuffle(entries)
        self.entries = entries
        self.labels = {e["key"]: f"Definition {i}" for i, e in enumerate(entries, start=1)}
        self.listing.value = "".join(
            f"<p><b>{self.labels[e['key']]}{' (yours)' if e['mine'] else ''}:</b> "
            f"{html.escape(e['definition'])}</p>" for e in entries)
        if not any(not e["mine"] for e in entries):
            self.listing.value += ("<p><i>Nobody else's definition of this case is in yet; "
                                   "press the button again in a minute.</i></p>")
        selected = self.choice.value
        self.choice.options = [(self.labels[e["key"]], e["key"]) for e in entries
                               if not e["mine"]]
        self.choice.value = selected if selected in self.labels else None

    def vote(self, label: str) -> None:
        """Choose a definition by its label ('Definition 2')."""
        key = next((k for k, v in self.labels.items() if v == label), None)
        mine = {e["key"] for e in self.entries if e["mine"]}
        if key is None or key in mine:
            self._say(f"'{label}' is not a definition you can vote for.", "error")
            return
        self.choice.value = key

    def value(self) -> dict[str, Any]:
        return {"case": self.case.id, "key": self.choice.value}

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("case") == self.case.id and payload.get("key") in self.labels:
            self.choice.value = payload["key"]

    def check(self, payload: dict[str, Any]) -> str | None:
        if payload["key"] is None:
            return "Choose the definition that shows you the clearest road forward first."
        if payload["key"] in {e["key"] for e in self.entries if e["mine"]}:
            return "You cannot vote for your own definition."
        return None


# ---------------------------------------------------------------------------------------------
# Wrap-up: commitments for the next 30 days


class CommitmentsForm(AnswerForm):
    """Up to `max` commitments, each with a date within `within_days` of today."""

    def __init__(self, store: Store, cohort: str, participant: str, content: WrapupContent,
                 module: str = "wrapup", today: date | None = None, **kwargs: Any):
        self.content = content
        self.today = today or date.today()
        super().__init__(store, cohort, participant, module, content.exercise, **kwargs)

    def _build(self) -> list[widgets.Widget]:
        rules = self.content.commitments
        self.texts = [widgets.Text(placeholder=f"Commitment {i + 1}",
                                   layout=widgets.Layout(width="560px"))
                      for i in range(rules.max)]
        self.dates = [widgets.DatePicker(description="by", layout=widgets.Layout(width="220px"))
                      for _ in range(rules.max)]
        self.share = widgets.Checkbox(
            value=False, indent=False, layout=widgets.Layout(width="780px"),
            description="Share my commitments with the facilitator (shown to the room without "
                        "my name)")
        rows = [widgets.HBox([t, d]) for t, d in zip(self.texts, self.dates, strict=True)]
        return [widgets.HTML(f"<p>{html.escape(rules.prompt)}</p>"), *rows, self.share]

    def set(self, index: int, text: str, due: date | None) -> None:
        """Fill in commitment `index` (0-based): what the form's fields hold."""
        self.texts[index].value = text
        self.dates[index].value = due

    def value(self) -> dict[str, Any]:
        items = [{"text": t.value.strip(), "due": d.value.isoformat() if d.value else None}
                 for t, d in zip(self.texts, self.dates, strict=True)
                 if t.value.strip() or d.value]
        return {"commitments": items, OPT_IN: bool(self.share.value)}

    def restore(self, payload: dict[str, Any]) -> None:
        for i, item in enumerate(payload.get("commitments", [])[:len(self.texts)]):
            due = item.get("due")
            self.set(i, item.get("text", ""), date.fromisoformat(due) if due else None)
        self.share.value = payload.get(OPT_IN) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        rules = self.content.commitments
        items = payload["commitments"]
        if not items:
            return "Write at least one commitment, with a date."
        last = self.today + timedelta(days=rules.within_days)
        for n, item in enumerate(items, start=1):
            if len(item["text"]) < rules.min_chars:
                return (f"Commitment {n} needs at least {rules.min_chars} characters: say what "
                        "you will do.")
            if item["due"] is None:
                return f"Commitment {n} needs a date."
            due = date.fromisoformat(item["due"])
            if not self.today <= due <= last:
                return (f"Commitment {n} is dated {due:%d %b %Y}; choose a date from today to "
                        f"{last:%d %b %Y} (within {rules.within_days} days).")
        return None


# ---------------------------------------------------------------------------------------------
# Risky gift: the plan, and a partner's feedback on it


class _TextFields(AnswerForm):
    """A form of labelled text areas, one per content field, each with a minimum length."""

    fields_spec: list[GiftField]

    def _build(self) -> list[widgets.Widget]:
        self.areas: dict[str, widgets.Textarea] = {}
        parts: list[widgets.Widget] = list(self._header())
        for f in self.fields_spec:
            self.areas[f.id] = widgets.Textarea(
                placeholder=f.prompt, layout=widgets.Layout(width="780px", height="70px"))
            parts += [widgets.HTML(f"<b>{html.escape(f.label)}</b>: {html.escape(f.prompt)}"),
                      self.areas[f.id]]
        return parts

    def _header(self) -> list[widgets.Widget]:
        return []

    def fill(self, **texts: str) -> None:
        """Type into the fields by id (what a participant does)."""
        for key, text in texts.items():
            self.areas[key].value = text

    def value(self) -> dict[str, Any]:
        return {key: area.value.strip() for key, area in self.areas.items()}

    def restore(self, payload: dict[str, Any]) -> None:
        for key, area in self.areas.items():
            if isinstance(payload.get(key), str):
                area.value = payload[key]

    def check(self, payload: dict[str, Any]) -> str | None:
        for f in self.fields_spec:
            if len(payload.get(f.id, "")) < f.min_chars:
                return (f"'{f.label}' needs at least {f.min_chars} characters "
                        f"(you have {len(payload.get(f.id, ''))}).")
        return None


class GiftPlanForm(_TextFields):
    """Plan a risky gift for one real client: what, why them alone, the risk, the story."""

    def __init__(self, store: Store, cohort: str, participant: str, content: GiftContent,
                 module: str = "gift", **kwargs: Any):
        self.content, self.fields_spec = content, list(content.plan)
        super().__init__(store, cohort, participant, module, content.plan_exercise, **kwargs)


def gift_plan_html(content: GiftContent, payload: dict[str, Any] | None) -> str:
    """A saved plan as HTML (each field's label and text)."""
    if not payload:
        return "<p><i>No plan yet.</i></p>"
    return "".join(f"<p><b>{html.escape(f.label)}:</b> {html.escape(payload.get(f.id, ''))}</p>"
                   for f in content.plan)


class PartnerFeedbackForm(_TextFields):
    """Read the plan of a partner in this module and write feedback on it (saved as this
    participant's answer, for the partner to read)."""

    def __init__(self, store: Any, cohort: str, participant: str, content: GiftContent,
                 partner: str, module: str = "gift", **kwargs: Any):
        self.content, self.partner, self.fields_spec = content, partner, list(content.feedback)
        self.plan_view = widgets.HTML()
        super().__init__(store, cohort, participant, module, content.feedback_exercise(partner),
                         **kwargs)

    def _header(self) -> list[widgets.Widget]:
        self.refresh()
        refresh = widgets.Button(description="Read the plan again", icon="refresh")
        refresh.on_click(lambda _b: self.refresh())
        from .names import lookup

        name = lookup(self.store, self.cohort, [self.partner]).get(self.partner)
        whose = f"The plan of {html.escape(name)}" if name else "Your partner's plan"
        return [widgets.HTML(f"<h4>{whose}</h4>"), self.plan_view, refresh]

    def refresh(self) -> None:
        try:
            answer = self.store.from_gift_partner(self.cohort, self.partner,
                                                  self.content.plan_exercise,
                                                  self.content.plan_exercise)
        except WorkshopKitError as exc:
            self.plan_view.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            return
        self.plan_view.value = gift_plan_html(self.content, answer.payload if answer else None)
