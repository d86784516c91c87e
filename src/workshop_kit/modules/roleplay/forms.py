"""The role-play's widgets: the seller's script player, the buyer's card and
reflection, the observer's talk-time tracker and sheet, and the seller's feedback after a round."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from workshop_kit.errors import WorkshopKitError
from workshop_kit.widgets import AnswerForm, clock_text

if TYPE_CHECKING:
    from workshop_kit.store import Store

    from .content import Content as RoleplayContent
    from .content import Script, ScriptChoice, ScriptNode


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
            f"<p>{now} · elapsed {clock_text(sum(totals.values()))} · seller "
            f"{clock_text(totals['seller'])}, buyer {clock_text(totals['buyer'])} · "
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
                 module: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.content, self.round_no = store, cohort, content, round_no
        self.module = module  # the agenda's module id (None: the first role-play)
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
            feedback = self.store.roleplay_feedback(self.cohort, self.round_no,
                                                    module=self.module)
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
