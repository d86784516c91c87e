"""What notebooks call: one object for a participant, one for the facilitator.

Each notebook cell makes one call on these objects; the logic lives here and below.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from pathlib import Path

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from . import analysis, charts
from .content import Content, Script, load_content
from .errors import ParameterError
from .store import Store
from .widgets import ObserverForm, PurposeSortForm, ScriptPlayer, TrustProfileForm, buyer_card

ENV_DATA_DIR = "WORKSHOP_KIT_DATA"


def _default_data_dir() -> Path:
    """`data/` of the source checkout this package runs from (editable install)."""
    return Path(__file__).resolve().parents[2] / "data"


def resolve_content(content_dir: str | None) -> Content:
    """Content from the folder given, else $WORKSHOP_KIT_DATA, else the checkout's `data/`."""
    folder = content_dir or os.environ.get(ENV_DATA_DIR) or _default_data_dir()
    if not Path(folder).is_dir():
        raise ParameterError(
            f"content_dir '{folder}' is not a folder; rebuild the cohort or set {ENV_DATA_DIR}"
        )
    return load_content(folder, check_notebooks=False)


def use_static_charts() -> None:
    """Render altair charts as inline SVG: they survive papermill, nbconvert and offline rooms."""
    alt.renderers.enable("svg")


class _Session:
    def __init__(self, cohort_id: str, store_url: str = "", content_dir: str = ""):
        if not cohort_id:
            raise ParameterError("cohort_id is empty; build the cohort with `workshop-kit build`")
        self.cohort_id = cohort_id
        self.content = resolve_content(content_dir)
        self.store = Store(store_url)
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


class ParticipantSession(_Session):
    """A participant's notebook: their id, cohort and store, and the exercise widgets."""

    def __init__(
        self,
        participant_id: str,
        cohort_id: str,
        store_url: str = "",
        content_dir: str = "",
        token: str = "",
        practice_area: str = "",
        partners: list[str] | None = None,
        group: str = "",
        roles: list[str] | None = None,
        round_areas: list[str] | None = None,
    ):
        if not participant_id:
            raise ParameterError("participant_id is empty; open the notebook built for you")
        super().__init__(cohort_id, store_url, content_dir)
        self.participant_id = participant_id
        self.token = token
        self.practice_area = practice_area
        self.partners = list(partners or [])
        self.group = group
        self.roles = list(roles or [])
        self.round_areas = list(round_areas or [])
        for role in self.roles:
            if role not in ("seller", "buyer", "observer"):
                raise ParameterError(f"roles contains '{role}'; each role must be seller, buyer "
                                     "or observer (rebuild the cohort)")

    def trust_profile(self) -> TrustProfileForm:
        return TrustProfileForm(self.store, self.cohort_id, self.participant_id,
                                self.content.checkin)

    def purpose_sort(self) -> PurposeSortForm:
        return PurposeSortForm(self.store, self.cohort_id, self.participant_id,
                               self.content.purpose)

    # -- role-play -------------------------------------------------------------------------
    @property
    def group_index(self) -> int:
        """1 for group 'g1', …; 1 when the notebook has no group (a template)."""
        digits = self.group[1:]
        return int(digits) if self.group.startswith("g") and digits.isdigit() else 1

    def roleplay_script(self, round_no: int) -> Script:
        """The script this participant's group plays in round `round_no`."""
        return self.content.scripts[self.content.roleplay.script_for(round_no, self.group_index)]

    def round_area(self, round_no: int) -> str:
        """The practice area a round is played in: the seller's, so all three read the same."""
        if 0 < round_no <= len(self.round_areas) and self.round_areas[round_no - 1]:
            return self.round_areas[round_no - 1]
        return self.practice_area

    def roleplay_roles(self) -> HTML:
        """A table of the rounds: the script and this participant's role in each."""
        roleplay = self.content.roleplay
        rows = "".join(
            f"<tr><td>{n}</td><td>{html.escape(self.roleplay_script(n).title)}</td>"
            f"<td><b>{html.escape(role)}</b></td></tr>"
            for n, role in enumerate(self.roles, start=1))
        group = f"group {html.escape(self.group)}, with " if self.group else ""
        others = ", ".join(self.partners) or "your group"
        return HTML(
            f"<p>You play in {group}{html.escape(others)}.</p>"
            f"<table><tr><th>Round</th><th>Script</th><th>Your role</th></tr>{rows}</table>"
            + "".join(f"<p><b>{html.escape(r.capitalize())}:</b> {html.escape(t)}</p>"
                      for r, t in roleplay.roles.items())
        )

    def roleplay_round(self, round_no: int,
                       clock: Callable[[], float] = time.monotonic) -> widgets.Widget:
        """This participant's part in round `round_no`: the script to play as seller, the
        brief as buyer, the talk-time tracker as observer, or a note if they sit it out."""
        roleplay = self.content.roleplay
        if round_no < 1 or round_no > len(self.roles):
            return widgets.HTML(f"<p><i>{html.escape(roleplay.no_round)}</i></p>")
        role = self.roles[round_no - 1]
        script = self.roleplay_script(round_no)
        header = widgets.HTML(f"<h3>Round {round_no}: you are the {role}</h3>")
        if role == "seller":
            part: widgets.Widget = ScriptPlayer(
                self.store, self.cohort_id, self.participant_id, roleplay, script, round_no,
                self.group, self.round_area(round_no))
        elif role == "buyer":
            part = buyer_card(roleplay, script, self.round_area(round_no))
        else:
            part = ObserverForm(self.store, self.cohort_id, self.participant_id, roleplay,
                                script, round_no, self.group, clock=clock)
        return widgets.VBox([header, part])


class FacilitatorSession(_Session):
    """The facilitator's view of the room: tables and charts read live from the store."""

    def __init__(self, cohort_id: str, store_url: str = "", content_dir: str = "",
                 token: str = ""):
        super().__init__(cohort_id, store_url, content_dir)
        self.token = token

    def opening(self, module: str) -> HTML:
        """What to say to open a module (for the facilitator's notebook)."""
        m = self.content.agenda.module(module)
        return HTML(f"<h2>{html.escape(m.title)}</h2><p><b>Open with:</b> "
                    f"{html.escape(m.opening)}</p>")

    def closing(self, module: str) -> HTML:
        m = self.content.agenda.module(module)
        return HTML(f"<p><b>Close with:</b> {html.escape(m.closing)}</p>")

    def answered(self, module: str) -> HTML:
        """How many participants have answered the module so far."""
        n = self.store.module_answers(self.cohort_id, module)["participant"].nunique()
        return HTML(f"<p><b>{n}</b> participant(s) have answered so far.</p>")

    # -- check-in ----------------------------------------------------------------------------
    def _trust_scores(self) -> pd.DataFrame:
        checkin = self.content.checkin
        answers = self.store.module_answers(self.cohort_id, "checkin", checkin.exercise)
        return analysis.trust_scores(answers, checkin)

    def trust_profile_chart(self) -> alt.Chart:
        scale = self.content.checkin.scale
        return charts.trust_profile(self._trust_scores(), scale.min, scale.max)

    def trust_profile_summary(self) -> pd.DataFrame:
        """Per trait, weakest first: how many answered, the mean, the lowest and highest."""
        summary = analysis.trust_summary(self._trust_scores())
        return summary.drop(columns="trait").set_index("label")

    def client_situations(self) -> pd.DataFrame:
        checkin = self.content.checkin
        answers = self.store.module_answers(self.cohort_id, "checkin", checkin.exercise)
        return analysis.situations(answers)

    # -- purpose of selling --------------------------------------------------------------
    def _placements(self) -> pd.DataFrame:
        purpose = self.content.purpose
        answers = self.store.module_answers(self.cohort_id, "purpose", purpose.exercise)
        return analysis.purpose_placements(answers, purpose)

    def purpose_chart(self) -> alt.Chart:
        purpose = self.content.purpose
        results = analysis.purpose_results(self._placements(), purpose)
        return charts.purpose_sort(results, dict(purpose.categories))

    def misplaced_chart(self) -> alt.Chart:
        return charts.misplaced(analysis.misplaced_statements(self._placements(),
                                                              self.content.purpose))

    def misplaced_statements(self, top: int = 5) -> pd.DataFrame:
        table = analysis.misplaced_statements(self._placements(), self.content.purpose)
        return table.head(top)[["text", "expected", "misplaced", "sorted", "why"]]

    # -- role-play -------------------------------------------------------------------------
    def _roleplay(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        roleplay = self.content.roleplay
        answers = self.store.module_answers(self.cohort_id, "roleplay")
        return (analysis.roleplay_paths(answers, roleplay, self.content.scripts),
                analysis.roleplay_observations(answers, roleplay))

    def _roleplay_rounds(self) -> pd.DataFrame:
        return analysis.roleplay_rounds(*self._roleplay())

    def roleplay_outcomes_chart(self) -> alt.Chart:
        paths, _ = self._roleplay()
        return charts.roleplay_outcomes(paths, dict(self.content.roleplay.outcomes))

    def roleplay_paths(self) -> pd.DataFrame:
        """The paths sellers took through each script (the choices, in order), most taken first."""
        paths, _ = self._roleplay()
        return analysis.common_paths(paths).set_index(["title", "path"])

    def talk_share_chart(self) -> alt.Chart:
        return charts.talk_share(self._roleplay_rounds(), dict(self.content.roleplay.outcomes))

    def talk_share_table(self) -> pd.DataFrame:
        """The seller's share of talk time for each outcome (rounds an observer timed)."""
        table = analysis.talk_share_by_outcome(self._roleplay_rounds(), self.content.roleplay)
        return table.set_index("outcome_label")

    def checklist_chart(self) -> alt.Chart:
        _, observations = self._roleplay()
        return charts.checklist(analysis.checklist_results(observations, self.content.roleplay))

    def debrief_points(self, top: int = 5) -> pd.DataFrame:
        """The endings reached most often, and the point to make about each."""
        paths, _ = self._roleplay()
        return analysis.common_endings(paths, top).set_index(["title", "ending"])
