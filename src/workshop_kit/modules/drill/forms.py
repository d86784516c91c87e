"""The drill's forms: a case worked with questions on a clock, then the peer vote."""

from __future__ import annotations

import html
import random
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from workshop_kit.analysis import fact_matches
from workshop_kit.errors import WorkshopKitError
from workshop_kit.widgets import AnswerForm

if TYPE_CHECKING:
    from workshop_kit.store import Store

    from .content import Case
    from .content import Content as DrillContent


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
        return fact_matches(self.case, list(self.asked), self.definition.value)

    def _after_save(self, payload: dict[str, Any]) -> None:
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
                                                  self.case.id, module=self.module)
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
