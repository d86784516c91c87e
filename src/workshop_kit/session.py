"""What notebooks call: one object for a participant, one for the facilitator.

Each notebook cell makes one call on these objects; the logic lives here and below.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from . import analysis, charts
from .access import GAME_EXERCISE, MIN_GROUP, personal_modules
from .client import FacilitatorClient, ParticipantClient, fetch_content
from .cockpit import Cockpit
from .errors import ParameterError
from .modules.roleplay.content import Script
from .names import listed, lookup, shown
from .store import FACILITATOR
from .tables import projector_table
from .widgets import (
    BuyerReflectionForm,
    CommitmentsForm,
    DrillForm,
    GameControl,
    GiftPlanForm,
    LiveRounds,
    ObserverForm,
    PartnerFeedbackForm,
    PeerVoteForm,
    PurposeSortForm,
    ScriptPlayer,
    SellerFeedback,
    StrategyBuilderForm,
    TrustProfileForm,
    buyer_card,
)

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


class _Session:
    """A notebook's session holds the service's URL and its own credential: every read and
    write is a request to the response service, which enforces who may see what."""

    store: ParticipantClient | FacilitatorClient

    def __init__(self, cohort_id: str, client: ParticipantClient | FacilitatorClient):
        if not cohort_id:
            raise ParameterError("cohort_id is empty; build the cohort with `workshop-kit build`")
        self.cohort_id = cohort_id
        self.content = fetch_content(client)
        client.personal_modules = personal_modules(self.content)
        self.store = client
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
        service_url: str = "",
        token: str = "",
        practice_area: str = "",
        partners: list[str] | None = None,
        group: str = "",
        roles: list[str] | None = None,
        round_areas: list[str] | None = None,
    ):
        if not participant_id:
            raise ParameterError("participant_id is empty; open the notebook built for you")
        super().__init__(cohort_id, ParticipantClient(service_url, cohort_id, participant_id,
                                                      resolve_token(token)))
        self.participant_id = participant_id
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

    ROOM_RESULTS = ("checkin", "purpose")

    def room_results(self, module: str) -> alt.Chart | HTML:
        """The room's results of an exercise (the check-in profile, the purpose sort), as
        aggregates without names, once the facilitator has revealed them."""
        if module not in self.ROOM_RESULTS:
            raise ParameterError(f"room results exist for {', '.join(self.ROOM_RESULTS)}, "
                                 f"not '{module}'")
        exercise = self.content.modules[module].exercise
        answers = self.store.room_answers(self.cohort_id, module, exercise)
        if answers is None:
            return HTML("<p><i>The facilitator will reveal the room's results soon: run this "
                        "cell again then.</i></p>")
        if answers.empty:
            return HTML(f"<p><i>The room's results are shown once at least {MIN_GROUP} people "
                        "have answered, so that nobody's answer stands out: run this cell "
                        "again in a moment.</i></p>")
        from .cockpit import exercise_chart

        return exercise_chart(self.content, module, exercise, answers)

    def trade_offs(self) -> HTML:
        """The salesperson's four small dilemmas: share or hold back."""
        return _trade_offs(self.content.dilemma)

    def live_rounds(self, poll_seconds: float = 2.0) -> LiveRounds:
        """The live game: buttons to share or hold back, the outcome, a running total."""
        return LiveRounds(self.store, self.cohort_id, self.participant_id,
                          self.content.dilemma, poll_seconds=poll_seconds)

    def strategy_builder(self) -> StrategyBuilderForm:
        """Build a strategy without code and enter it in the cohort tournament."""
        return StrategyBuilderForm(self.store, self.cohort_id, self.participant_id,
                                   self.content.dilemma)

    # -- problem-definition drill -----------------------------------------------------------
    def drill_case(self) -> DrillForm:
        """The case of this participant's practice area: questions, then the definition."""
        return DrillForm(self.store, self.cohort_id, self.participant_id, self.content.drill,
                         self.content.case_for(self.practice_area))

    def peer_vote(self) -> PeerVoteForm:
        """The cohort's definitions of the same case, anonymous; vote for the clearest. Alone
        on a case, the case the service says to vote on instead (see README, the drill)."""
        own = self.content.case_for(self.practice_area)
        voting = self.store.vote_case(self.cohort_id)
        case = self.content.cases.get(voting, own) if voting else own
        return PeerVoteForm(self.store, self.cohort_id, self.participant_id,
                            self.content.drill, case, own_case=own)

    # -- risky gift ------------------------------------------------------------------------
    def gift_plan(self) -> GiftPlanForm:
        """Plan a risky gift for one real client."""
        return GiftPlanForm(self.store, self.cohort_id, self.participant_id, self.content.gift)

    def partner_feedback(self) -> widgets.Widget:
        """Your partner's plan (the pairing of this module, as built) and your feedback on it."""
        partners = self.store.gift_partners(self.cohort_id)
        if not partners:
            return widgets.HTML("<p><i>You have no partner in this module (a template, or the "
                                "cohort was built without one); ask the facilitator.</i></p>")
        return widgets.VBox([PartnerFeedbackForm(self.store, self.cohort_id,
                                                 self.participant_id, self.content.gift, p)
                             for p in partners])

    def feedback_received(self) -> HTML:
        """What your partner(s) wrote about your plan; run the cell again to see new feedback."""
        gift = self.content.gift
        parts = []
        partners = self.store.gift_partners(self.cohort_id)
        names = lookup(self.store, self.cohort_id, partners)
        for partner in partners:
            answer = self.store.from_gift_partner(self.cohort_id, partner,
                                                  gift.feedback_exercise(self.participant_id),
                                                  gift.plan_exercise)
            who = shown(names, partner, "your partner")
            if answer is None:
                parts.append(f"<p><i>{html.escape(who[:1].upper() + who[1:])} has not "
                             "written yet.</i></p>")
                continue
            parts.append(f"<h4>From {html.escape(who)}</h4>" + "".join(
                f"<p><b>{html.escape(f.label)}:</b> {html.escape(answer.payload.get(f.id, ''))}"
                "</p>" for f in gift.feedback))
        return HTML("".join(parts) or "<p><i>No partner in this module.</i></p>")

    # -- wrap-up ---------------------------------------------------------------------------
    def commitments(self) -> CommitmentsForm:
        """Up to three commitments for the next 30 days, each with a date."""
        return CommitmentsForm(self.store, self.cohort_id, self.participant_id,
                               self.content.wrapup)

    def trust_profile_again(self) -> TrustProfileForm:
        """This morning's trust statements again, saved apart from the morning's answers."""
        wrapup = self.content.wrapup
        return TrustProfileForm(self.store, self.cohort_id, self.participant_id,
                                wrapup.trust_content(self.content.checkin), module="wrapup")

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
        names = lookup(self.store, self.cohort_id, self.partners)
        known = [shown(names, p, "?") for p in self.partners]
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
        return bool(self.roles) and "observer" not in self.roles

    def roleplay_round(self, round_no: int,
                       clock: Callable[[], float] = time.monotonic) -> widgets.Widget:
        """This participant's part in round `round_no`: the script to play as seller, the
        brief as buyer, the talk-time tracker as observer, or a note if they sit it out."""
        roleplay = self.content.roleplay
        if round_no < 1 or round_no > len(self.roles):
            text = roleplay.no_round_pair if self._in_pair() else roleplay.no_round
            return widgets.HTML(f"<p><i>{html.escape(text)}</i></p>")
        role = self.roles[round_no - 1]
        script = self.roleplay_script(round_no)
        header = widgets.HTML(f"<h3>Round {round_no}: you are the {role}</h3>")
        after: list[widgets.Widget] = []  # what follows the round: said to the seller only
        if role == "seller":
            part: widgets.Widget = ScriptPlayer(
                self.store, self.cohort_id, self.participant_id, roleplay, script, round_no,
                self.group, self.round_area(round_no))
            after = [SellerFeedback(self.store, self.cohort_id, roleplay, round_no)]
        elif role == "buyer":
            part = buyer_card(roleplay, script, self.round_area(round_no))
            after = [BuyerReflectionForm(self.store, self.cohort_id, self.participant_id,
                                         roleplay, script, round_no, self.group)]
        else:
            part = ObserverForm(self.store, self.cohort_id, self.participant_id, roleplay,
                                script, round_no, self.group, clock=clock)
        return widgets.VBox([header, part, *after])


def _trade_offs(dilemma) -> HTML:
    cell = "style='text-align:left;padding:4px 12px'"
    rows = "".join(
        f"<tr><td {cell}>{html.escape(t.share)}</td><td {cell}>{html.escape(t.hold_back)}</td>"
        "</tr>"
        for t in dilemma.trade_offs
    )
    return HTML(
        f"<table><tr><th {cell}>Share</th><th {cell}>Hold back</th></tr>"
        f"{rows}</table>"
    )


class FacilitatorSession(_Session):
    """The facilitator's view of the room: tables and charts read live from the store."""

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
        return projector_table(summary.drop(columns="trait").set_index("label")
                               .rename_axis("trait"))

    def client_situations(self) -> pd.DataFrame:
        checkin = self.content.checkin
        answers = self.store.module_answers(self.cohort_id, "checkin", checkin.exercise)
        return projector_table(analysis.situations(answers))

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

    # -- the dilemma -----------------------------------------------------------------------
    def game_control(self, seed: int = 1) -> GameControl:
        """Start live games (one-shot, partners, strangers) and watch the moves arrive."""
        return GameControl(self.store, self.cohort_id, self.content.dilemma, seed=seed)

    def _live(self) -> pd.DataFrame:
        from .game.live import LiveGame

        games = [LiveGame.from_payload(a.payload) for a in
                 self.store.history(self.cohort_id, FACILITATOR, "dilemma", GAME_EXERCISE)]
        people = sorted({p for g in games for p in g.players()})
        moves = self.store.latest_many(self.cohort_id, "dilemma", people, "move:")
        return analysis.live_moves(moves, games)

    def live_chart(self) -> alt.Chart:
        """How often the room shared, round by round, under each live condition."""
        conditions = dict(self.content.dilemma.conditions)
        return charts.live_cooperation(analysis.cooperation_by_condition(self._live()),
                                       conditions)

    def live_summary(self) -> pd.DataFrame:
        """Per condition: rounds, share of moves that shared, points per round."""
        return projector_table(analysis.condition_summary(
            self._live(), dict(self.content.dilemma.conditions)), words=["condition"])

    def _players(self) -> tuple[list, list[str]]:
        answers = self.store.module_answers(self.cohort_id, "dilemma",
                                            self.content.dilemma.exercise)
        strategies, _problems = analysis.cohort_strategies(answers)
        return strategies, [s.name for s in strategies]

    def _tournament(self):
        from .game import play_tournament

        strategies, names = self._players()
        key = tuple(strategies)
        if getattr(self, "_tournament_cache", (None,))[0] != key:
            dilemma = self.content.dilemma
            settings = dilemma.tournament
            players = [*strategies, *[c for c in dilemma.classics if c not in names]]
            result = play_tournament(players, turns=settings.turns,
                                     repetitions=settings.repetitions, noise=settings.noise,
                                     payoffs=dilemma.payoffs, seed=settings.seed)
            self._tournament_cache = (key, result, names, players)
        return self._tournament_cache[1:]

    def strategies_entered(self) -> pd.DataFrame:
        """The cohort's strategies in plain words (and any entry that could not be used)."""
        from .game import describe

        answers = self.store.module_answers(self.cohort_id, "dilemma",
                                            self.content.dilemma.exercise)
        names = lookup(self.store, self.cohort_id, answers["participant"])
        strategies, problems = analysis.cohort_strategies(answers, names)
        rows = [{"strategy": s.name, "in words": describe(s)} for s in strategies]
        rows += [{"strategy": "(not entered)", "in words": p} for p in problems]
        return projector_table(pd.DataFrame(rows, columns=["strategy", "in words"]),
                               words=["strategy"])

    def leaderboard(self, top: int = 15) -> pd.DataFrame:
        """The cohort tournament, best first: the cohort's strategies and the classics."""
        result, names, _ = self._tournament()
        board = analysis.leaderboard(result, names)
        return projector_table(board.head(top)[["rank", "player", "entry", "median_per_round",
                                                "cooperation_rate"]].set_index("rank"),
                               words=["player", "entry"])

    def leaderboard_chart(self) -> alt.Chart:
        result, names, _ = self._tournament()
        return charts.leaderboard(analysis.leaderboard(result, names))

    def game_length_chart(self) -> alt.Chart:
        """The same strategies in games of 1, 10 and 100 rounds: cooperation and points."""
        _, _, players = self._tournament()
        dilemma = self.content.dilemma
        settings = dilemma.tournament
        table = analysis.by_game_length(players, dilemma.game_lengths, settings.repetitions,
                                        settings.noise, dilemma.payoffs, settings.seed)
        return charts.game_length(table)

    def evolution_chart(self, generations: int = 60) -> alt.Chart:
        """Replicator dynamics from the tournament: which strategies take over."""
        result, _, _ = self._tournament()
        return charts.evolution(analysis.evolution(result, generations))

    def trade_offs(self) -> HTML:
        return _trade_offs(self.content.dilemma)

    def debrief(self) -> HTML:
        """Questions for the debrief of the dilemma module."""
        items = "".join(f"<li>{html.escape(q)}</li>" for q in self.content.dilemma.debrief)
        return HTML(f"<ol>{items}</ol>")

    def misplaced_statements(self, top: int = 5) -> pd.DataFrame:
        table = analysis.misplaced_statements(self._placements(), self.content.purpose)
        return projector_table(table.head(top)[["text", "expected", "misplaced", "sorted",
                                                "why"]].rename(columns={"text": "statement"}))

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
        return projector_table(analysis.common_paths(paths).set_index(["title", "path"]),
                               words=["path"])

    def buyer_reflections(self) -> pd.DataFrame:
        """What the buyers wrote after each round (how it felt, what built or cost trust),
        without names: to ask the room about, not to point at anyone."""
        answers = self.store.module_answers(self.cohort_id, "roleplay")
        table = analysis.buyer_reflections(answers, self.content.roleplay, self.content.scripts)
        return table.set_index(["round", "title"])

    def talk_share_chart(self) -> alt.Chart:
        return charts.talk_share(self._roleplay_rounds(), dict(self.content.roleplay.outcomes))

    def talk_share_table(self) -> pd.DataFrame:
        """The seller's share of talk time for each outcome (rounds an observer timed)."""
        table = analysis.talk_share_by_outcome(self._roleplay_rounds(), self.content.roleplay)
        return projector_table(table.set_index("outcome_label"))

    def checklist_chart(self) -> alt.Chart:
        _, observations = self._roleplay()
        return charts.checklist(analysis.checklist_results(observations, self.content.roleplay))

    def debrief_points(self, top: int = 5) -> pd.DataFrame:
        """The endings reached most often, and the point to make about each."""
        paths, _ = self._roleplay()
        return projector_table(analysis.common_endings(paths, top).set_index(["title", "ending"]),
                               words=["ending"])

    # -- problem-definition drill -----------------------------------------------------------
    def _definitions(self) -> pd.DataFrame:
        drill = self.content.drill
        answers = self.store.module_answers(self.cohort_id, "drill")
        table = analysis.drill_definitions(answers, drill, self.content.cases,
                                           self.store.definition_keys(self.cohort_id))
        table["label"] = [f"Definition {i + 1}" for i in table.groupby("case").cumcount()]
        return table

    def drill_cases(self) -> pd.DataFrame:
        """Each case: its practice area, what the client said, and how many defined it."""
        table = self._definitions()
        counts = table.groupby("case").size() if not table.empty else pd.Series(dtype=int)
        rows = [{"case": c.title, "practice area": c.practice_area,
                 "client says": c.stated_problem, "definitions": int(counts.get(c.id, 0))}
                for c in self.content.cases.values()]
        return projector_table(pd.DataFrame(rows).set_index("case"), words=["practice area"])

    def drill_definitions(self) -> pd.DataFrame:
        """The definitions side by side, per case, most voted first, without names; how many
        revealed facts each mentions (a word match) and how many an expert draws on."""
        table = self._definitions()
        return projector_table(table[["title", "label", "definition", "votes", "asked",
                                      "facts_used", "expert_used"]].set_index(["title", "label"])
                               .rename_axis(["case", "definition no."]))

    def drill_votes_chart(self) -> alt.Chart:
        return charts.drill_votes(self._definitions())

    def _question_yield(self) -> pd.DataFrame:
        answers = self.store.module_answers(self.cohort_id, "drill")
        return analysis.question_yield(answers, self.content.drill, self.content.cases)

    def drill_questions_chart(self) -> alt.Chart:
        """The questions the room asked, coloured by how many expert facts each reveals."""
        return charts.question_yield(self._question_yield())

    def drill_questions(self) -> pd.DataFrame:
        """Per case, the questions that reveal most first: asked by how many, and how many
        of those who asked used what it revealed."""
        return projector_table(self._question_yield().set_index(["title", "question"])
                               .drop(columns="case").rename_axis(["case", "question"]))

    def expert_readings(self) -> HTML:
        """Each case's stated problem, the expert reading and the traps, for the debrief."""
        parts = []
        for case in self.content.cases.values():
            traps = "".join(f"<li>{html.escape(t)}</li>" for t in case.traps)
            parts.append(f"<h4>{html.escape(case.title)}</h4><p><b>Client says:</b> "
                         f"{html.escape(case.stated_problem)}</p><p><b>Expert reading:</b> "
                         f"{html.escape(case.expert_reading)}</p><ul>{traps}</ul>")
        return HTML("".join(parts))

    def drill_debrief(self) -> HTML:
        items = "".join(f"<li>{html.escape(q)}</li>" for q in self.content.drill.debrief)
        return HTML(f"<ol>{items}</ol>")

    # -- risky gift ------------------------------------------------------------------------
    def gift_gallery(self) -> pd.DataFrame:
        """Every gift plan, without names, and how much partner feedback each received."""
        answers = self.store.module_answers(self.cohort_id, "gift")
        return projector_table(analysis.gift_gallery(answers, self.content.gift))

    def gift_debrief(self) -> HTML:
        items = "".join(f"<li>{html.escape(q)}</li>" for q in self.content.gift.debrief)
        return HTML(f"<ol>{items}</ol>")

    # -- wrap-up ---------------------------------------------------------------------------
    def _trust_after(self) -> pd.DataFrame:
        wrapup = self.content.wrapup
        answers = self.store.module_answers(self.cohort_id, "wrapup",
                                            wrapup.trust_after.exercise)
        return analysis.trust_scores(answers, self.content.checkin)

    def trust_before_after_chart(self) -> alt.Chart:
        """The room's mean self-rating per trait, this morning and now (never individuals)."""
        scale = self.content.checkin.scale
        stages = analysis.trust_stages(self._trust_scores(), self._trust_after())
        return charts.trust_before_after(stages, scale.min, scale.max)

    def trust_change(self) -> pd.DataFrame:
        """Per trait: the room's mean this morning and now, and the change."""
        table = analysis.trust_change(self._trust_scores(), self._trust_after())
        return projector_table(table.drop(columns="trait").set_index("label")
                               .rename_axis("trait"))

    def commitments_shared(self) -> pd.DataFrame:
        """Commitments of those who chose to share them, without names, by date."""
        wrapup = self.content.wrapup
        answers = self.store.module_answers(self.cohort_id, "wrapup", wrapup.exercise)
        return projector_table(analysis.commitments(answers, wrapup.exercise))

    def wrapup_debrief(self) -> HTML:
        items = "".join(f"<li>{html.escape(q)}</li>" for q in self.content.wrapup.debrief)
        return HTML(f"<ol>{items}</ol>")
