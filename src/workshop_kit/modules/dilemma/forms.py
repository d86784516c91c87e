"""The dilemma's widgets: the live rounds, the strategy builder and the facilitator's
game control."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets
from IPython.display import HTML

from workshop_kit.errors import ExerciseLockedError, WorkshopKitError
from workshop_kit.game import BuiltStrategy, describe, play_match
from workshop_kit.game.live import BOT, LiveGame, bot_move, outcome, plan_game
from workshop_kit.names import lookup
from workshop_kit.store import FACILITATOR
from workshop_kit.tables import human_label
from workshop_kit.widgets import LOCKED_MESSAGE, AnswerForm, Poller

from .answers import GAME_EXERCISE

if TYPE_CHECKING:
    from workshop_kit.store import Store

# The module id these widgets use when none is given (the agenda's id of the dilemma).
DEFAULT_MODULE = "dilemma"


def current_game(store: Store, cohort: str, module: str = DEFAULT_MODULE) -> Any:
    """The live game the facilitator started last in module `module`, or None."""
    answer = store.latest_answer(cohort, FACILITATOR, module, GAME_EXERCISE)
    return LiveGame.from_payload(answer.payload) if answer else None


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
                 poll_seconds: float = 2.0, module: str = DEFAULT_MODULE, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.participant, self.content = (
            store, cohort, participant, content)
        self.module = module
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
        self._poller = Poller(self.refresh, poll_seconds) if poll_seconds > 0 else None

    def close(self) -> None:
        if self._poller:
            self._poller.stop()
        super().close()

    def _read_rounds(self, game: Any) -> list[dict[str, Any]]:
        """Each round of `game` for this participant: partner, both moves (None if missing)."""
        partners = [game.partner(r, self.participant) for r in range(1, game.rounds + 1)]
        people = sorted({self.participant, *(p for p in partners if p and p != BOT)})
        answers = self.store.latest_many(self.cohort, self.module, people,
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
        try:
            game = current_game(self.store, self.cohort, self.module)
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
            self.store.submit(self.cohort, self.participant, self.module,
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
                 module: str = DEFAULT_MODULE, **kwargs: Any):
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
                 module: str = DEFAULT_MODULE, **kwargs: Any):
        super().__init__(**kwargs)
        self.store, self.cohort, self.content, self.seed = store, cohort, content, seed
        self.module = module
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
        history = self.store.history(self.cohort, FACILITATOR, self.module, GAME_EXERCISE)
        people = self.store.participants(self.cohort, exclude=(FACILITATOR,))
        try:
            game = plan_game(len(history) + 1, self.condition.value, people,
                             self.continue_probability.value, self.content.payoffs,
                             seed=self.seed, max_rounds=self.content.max_rounds)
        except WorkshopKitError as exc:
            self.message.value = f"<p style='color:#b71c1c'>{html.escape(str(exc))}</p>"
            return None
        self.store.submit(self.cohort, FACILITATOR, self.module, GAME_EXERCISE,
                          game.to_payload())
        self.refresh()
        return game

    def refresh(self) -> None:
        game = current_game(self.store, self.cohort, self.module)
        if game is None:
            self.message.value = "<p>No game started yet.</p>"
            return
        answers = self.store.latest_many(self.cohort, self.module, game.players(),
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


def trade_offs_table(content: Any) -> HTML:
    """The salesperson's four small dilemmas as a table: what sharing and holding back mean."""
    cell = "style='text-align:left;padding:4px 12px'"
    rows = "".join(
        f"<tr><td {cell}>{html.escape(t.share)}</td><td {cell}>{html.escape(t.hold_back)}</td>"
        "</tr>"
        for t in content.trade_offs
    )
    return HTML(
        f"<table><tr><th {cell}>Share</th><th {cell}>Hold back</th></tr>"
        f"{rows}</table>"
    )
