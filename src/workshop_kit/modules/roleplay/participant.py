"""The role-play in a participant's notebook: who plays what in each round, then each round's
part (the seller's script, the buyer's brief and reflection, the observer's sheet)."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets
from IPython.display import HTML

from workshop_kit.names import listed, lookup, shown
from workshop_kit.session import ParticipantView

from .forms import (
    BuyerReflectionForm,
    ObserverForm,
    ScriptPlayer,
    SellerFeedback,
    TalkTracker,
    buyer_card,
    nearest_choice,
)

if TYPE_CHECKING:
    from workshop_kit.content import Script

__all__ = ["BuyerReflectionForm", "ObserverForm", "Participant", "ScriptPlayer",
           "SellerFeedback", "TalkTracker", "buyer_card", "nearest_choice"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a role-play; the notebook's `group`, `roles` and
    `round_areas` parameters say who plays what."""

    @property
    def group_index(self) -> int:
        """1 for group 'g1', …; 1 when the notebook has no group (a template)."""
        group = self.session.group
        digits = group[1:]
        return int(digits) if group.startswith("g") and digits.isdigit() else 1

    def script(self, round_no: int) -> Script:
        """The script this participant's group plays in round `round_no`."""
        return self.day.scripts[self.content.script_for(round_no, self.group_index)]

    def round_area(self, round_no: int) -> str:
        """The practice area a round is played in: the seller's, so all three read the same."""
        areas = self.session.round_areas
        if 0 < round_no <= len(areas) and areas[round_no - 1]:
            return areas[round_no - 1]
        return self.session.practice_area

    def roles(self) -> HTML:
        """A table of the rounds: the script and this participant's role in each."""
        roleplay, session = self.content, self.session
        rows = "".join(
            f"<tr><td>{n}</td><td>{html.escape(self.script(n).title)}</td>"
            f"<td><b>{html.escape(role)}</b></td></tr>"
            for n, role in enumerate(session.roles, start=1))
        group = f"group {html.escape(session.group)}, with " if session.group else ""
        names = lookup(self.store, self.cohort_id, session.partners)
        known = [shown(names, p, "?") for p in session.partners]
        unknown = known.count("?")  # a template, or a store no build wrote: no names to show
        known = [k for k in known if k != "?"] + (
            [f"{unknown} colleague{'s' if unknown > 1 else ''}"] if unknown else [])
        others = listed(known) or "your group"
        pair = self._in_pair()
        return HTML(
            f"<p>You play in {group}{html.escape(others)}.</p>"
            + (f"<p>{html.escape(roleplay.pair_note)}</p>" if pair else "")
            + f"<table><tr><th>Round</th><th>Script</th><th>Your role</th></tr>{rows}</table>"
            + "".join(f"<p><b>{html.escape(r.capitalize())}:</b> {html.escape(t)}</p>"
                      for r, t in roleplay.roles.items() if not (pair and r == "observer"))
        )

    def _in_pair(self) -> bool:
        """A pair (two rounds, nobody observing) rather than a group with observers."""
        roles = self.session.roles
        return bool(roles) and "observer" not in roles

    def round(self, round_no: int,
              clock: Callable[[], float] = time.monotonic) -> widgets.Widget:
        """This participant's part in round `round_no`: the script to play as seller, the
        brief as buyer, the talk-time tracker as observer, or a note if they sit it out."""
        roleplay, session = self.content, self.session
        if round_no < 1 or round_no > len(session.roles):
            text = roleplay.no_round_pair if self._in_pair() else roleplay.no_round
            return widgets.HTML(f"<p><i>{html.escape(text)}</i></p>")
        role = session.roles[round_no - 1]
        script = self.script(round_no)
        header = widgets.HTML(f"<h3>Round {round_no}: you are the {role}</h3>")
        after: list[widgets.Widget] = []  # what follows the round: said to the seller only
        if role == "seller":
            part: widgets.Widget = ScriptPlayer(
                self.store, self.cohort_id, self.participant_id, roleplay, script, round_no,
                session.group, self.round_area(round_no), module=self.module_id)
            after = [SellerFeedback(self.store, self.cohort_id, roleplay, round_no)]
        elif role == "buyer":
            part = buyer_card(roleplay, script, self.round_area(round_no))
            after = [BuyerReflectionForm(self.store, self.cohort_id, self.participant_id,
                                         roleplay, script, round_no, session.group,
                                         module=self.module_id)]
        else:
            part = ObserverForm(self.store, self.cohort_id, self.participant_id, roleplay,
                                script, round_no, session.group, clock=clock,
                                module=self.module_id)
        return widgets.VBox([header, part, *after])
