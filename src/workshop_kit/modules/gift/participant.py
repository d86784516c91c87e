"""The risky gift in a participant's notebook: the plan, feedback on a partner's plan, and the
feedback a partner wrote on theirs."""

from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import HTML

from workshop_kit.names import lookup, shown
from workshop_kit.session import ParticipantView

from .forms import GiftPlanForm, PartnerFeedbackForm, gift_plan_html

__all__ = ["GiftPlanForm", "Participant", "PartnerFeedbackForm", "gift_plan_html"]


class Participant(ParticipantView):
    """`me.module(module_id)` for a risky gift."""

    def plan(self) -> GiftPlanForm:
        """Plan a risky gift for one real client."""
        return GiftPlanForm(self.store, self.cohort_id, self.participant_id, self.content,
                            module=self.module_id)

    def partner_feedback(self) -> widgets.Widget:
        """Your partner's plan (the pairing of this module, as built) and your feedback on it."""
        partners = self.store.gift_partners(self.cohort_id, module=self.module_id)
        if not partners:
            return widgets.HTML("<p><i>You have no partner in this module (a template, or the "
                                "cohort was built without one); ask the facilitator.</i></p>")
        return widgets.VBox([PartnerFeedbackForm(self.store, self.cohort_id,
                                                 self.participant_id, self.content, p,
                                                 module=self.module_id)
                             for p in partners])

    def feedback_received(self) -> HTML:
        """What your partner(s) wrote about your plan; run the cell again to see new feedback."""
        gift = self.content
        parts = []
        partners = self.store.gift_partners(self.cohort_id, module=self.module_id)
        names = lookup(self.store, self.cohort_id, partners)
        for partner in partners:
            answer = self.store.from_gift_partner(self.cohort_id, partner,
                                                  gift.feedback_exercise(self.participant_id),
                                                  gift.plan_exercise, module=self.module_id)
            who = shown(names, partner, "your partner")
            if answer is None:
                parts.append(f"<p><i>{html.escape(who[:1].upper() + who[1:])} has not "
                             "written yet.</i></p>")
                continue
            parts.append(f"<h4>From {html.escape(who)}</h4>" + "".join(
                f"<p><b>{html.escape(f.label)}:</b> {html.escape(answer.payload.get(f.id, ''))}"
                "</p>" for f in gift.feedback))
        return HTML("".join(parts) or "<p><i>No partner in this module.</i></p>")
