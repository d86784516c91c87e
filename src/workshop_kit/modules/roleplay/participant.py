"""The role-play in a participant's notebook: who plays what in each round, then each round's
part (the seller's script, the buyer's brief and reflection, the observer's sheet)."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets
from IPython.display import HTML

from workshop_kit.errors import ParameterError
from workshop_kit.names import listed, lookup, shown
from workshop_kit.session import ParticipantSession, ParticipantView

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
    from .content import Script

__all__ = ["BuyerReflectionForm", "ObserverForm", "Participant", "ScriptPlayer",
           "SellerFeedback", "TalkTracker", "buyer_card", "nearest_choice"]

ROLES = ("seller", "buyer", "observer")


class Participant(ParticipantView):
    """`me.module(module_id)` for a role-play. The notebook's parameters from the build say
    who plays what: `group` ('g1', …), `roles` (this participant's role in each round, kept
    as `round_roles`) and `round_areas` (the practice area each round is played in)."""

    def __init__(self, session: ParticipantSession, module_id: str):
        super().__init__(session, module_id)
        given = session.parameters
        self.group: str = given.get("group", "")
        self.round_roles: list[str] = list(given.get("roles") or [])
        self.round_areas: list[str] = list(given.get("round_areas") or [])
        for role in self.round_roles:
            if role not in ROLES:
                raise ParameterError(f"roles contains '{role}'; each role must be seller, buyer "
                                     "or observer (rebuild the cohort)")

    @property
    def group_index(self) -> int:
        """1 for group 'g1', …; 1 when the notebook has no group (a template)."""
        digits = self.group[1:]
        return int(digits) if self.group.startswith("g") and digits.isdigit() else 1

    def script(self, round_no: int) -> Script:
        """The script this participant's group plays in round `round_no`."""
        return self.day.scripts[self.content.script_for(round_no, self.group_index)]

    def round_area(self, round_no: int) -> str:
        """The practice area a round is played in: the seller's, so all three read the same."""
        areas = self.round_areas
        if 0 < round_no <= len(areas) and areas[round_no - 1]:
            return areas[round_no - 1]
        return self.session.practice_area

    def roles(self) -> HTML:
        """A table of the rounds: the script and this participant's role in each."""
        roleplay, partners = self.content, self.session.partners
        rows = "".join(
            f"<tr><td>{n}</td><td>{html.escape(self.script(n).title)}</td>"
            f"<td><b>{html.escape(role)}</b></td></tr>"
            for n, role in enumerate(self.round_roles, start=1))
        group = f"group {html.escape(self.group)}, with " if self.group else ""
        names = lookup(self.store, self.cohort_id, partners)
        known = [shown(names, p, "?") for p in partners]
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
        return bool(self.round_roles) and "observer" not in self.round_roles

    def round(self, round_no: int,
              clock: Callable[[], float] = time.monotonic) -> widgets.Widget:
        """This participant's part in round `round_no`: the script to play as seller, the
        brief as buyer, the talk-time tracker as observer, or a note if they sit it out."""
        roleplay = self.content
        if round_no < 1 or round_no > len(self.round_roles):
            text = roleplay.no_round_pair if self._in_pair() else roleplay.no_round
            return widgets.HTML(f"<p><i>{html.escape(text)}</i></p>")
        role = self.round_roles[round_no - 1]
        script = self.script(round_no)
        header = widgets.HTML(f"<h3>Round {round_no}: you are the {role}</h3>")
        after: list[widgets.Widget] = []  # what follows the round: said to the seller only
        if role == "seller":
            part: widgets.Widget = ScriptPlayer(
                self.store, self.cohort_id, self.participant_id, roleplay, script, round_no,
                self.group, self.round_area(round_no), module=self.module_id)
            after = [SellerFeedback(self.store, self.cohort_id, roleplay, round_no,
                                    module=self.module_id)]
        elif role == "buyer":
            part = buyer_card(roleplay, script, self.round_area(round_no))
            after = [BuyerReflectionForm(self.store, self.cohort_id, self.participant_id,
                                         roleplay, script, round_no, self.group,
                                         module=self.module_id)]
        else:
            part = ObserverForm(self.store, self.cohort_id, self.participant_id, roleplay,
                                script, round_no, self.group, clock=clock,
                                module=self.module_id)
        return widgets.VBox([header, part, *after])
