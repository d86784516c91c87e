"""What notebooks call: one object for a participant, one for the facilitator.

Each notebook cell makes one call on these objects; the logic lives here and below.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from . import analysis, charts
from .content import Content, load_content
from .errors import ParameterError
from .store import Store
from .widgets import PurposeSortForm, TrustProfileForm

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
    ):
        if not participant_id:
            raise ParameterError("participant_id is empty; open the notebook built for you")
        super().__init__(cohort_id, store_url, content_dir)
        self.participant_id = participant_id
        self.token = token
        self.practice_area = practice_area
        self.partners = list(partners or [])

    def trust_profile(self) -> TrustProfileForm:
        return TrustProfileForm(self.store, self.cohort_id, self.participant_id,
                                self.content.checkin)

    def purpose_sort(self) -> PurposeSortForm:
        return PurposeSortForm(self.store, self.cohort_id, self.participant_id,
                               self.content.purpose)


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
