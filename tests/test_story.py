"""Your story, their story: the content, the feedback on a rewrite (observations, never a score),
the answers the service accepts, and the anonymous peer reading as the service enforces it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshop_kit.content import read_yaml, validate_model
from workshop_kit.errors import ContentError
from workshop_kit.modules.story import content as story_content
from workshop_kit.modules.story.feedback import describe, observe, sentences

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
STORY_YAML = DATA / "modules" / "story.yaml"


def load_story(path: Path) -> story_content.Content:
    located = read_yaml(path)
    loaded = validate_model(story_content.Content, located)
    story_content.check(loaded, located, path)
    return loaded


@pytest.fixture(scope="module")
def story() -> story_content.Content:
    return load_story(STORY_YAML)


# -- content ---------------------------------------------------------------------------------


def test_content_loads_with_a_pitch_per_practice_area_and_a_default(story):
    from workshop_kit.content import PRACTICE_AREAS

    assert set(story.pitches) == {"default", *PRACTICE_AREAS}
    assert story.pitch_id("legal") == "legal"
    assert story.pitch_id("") == "default"
    assert story.pitch_for("plumbing") is story.pitches["default"]
    assert story.rewrite_exercise == "story_rewrite"
    assert story.note_exercise("0123456789ab") == "story_note:0123456789ab"


def test_every_pitch_is_the_firm_centred_answer_to_rewrite(story):
    """What the participant starts from: all about us, no question, no sample."""
    for area, pitch in story.pitches.items():
        seen = observe(pitch.pitch, story.feedback)
        assert seen.questions == (), area
        assert seen.samples == (), area
        assert seen.we >= 3 * max(seen.you, 1), (area, seen)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = STORY_YAML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "story.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("old", "new", "needle", "field", "says"), [
    ("  legal:\n    setting:", "  plumbing:\n    setting:", "plumbing:", "pitches.plumbing",
     "is not a practice area; use 'default' or one of: consulting"),
    ("  min_chars: 80", "  min_chars: 0", "min_chars: 0", "rewrite.min_chars",
     "greater than or equal to 1"),
    ("  share_label:", "  share_lable: x\n  share_label:", "share_lable", "rewrite.share_lable",
     "is not a known field"),
    ("we_words: [we,", "we_words: [We Are,", "we_words", "feedback.we_words",
     "'We Are' is not one lower-case word"),
    ("you_words: [you,", "you_words: [our, you,", "you_words", "feedback.you_words",
     "repeats our from feedback.we_words"),
    ("{found}", "{faund}", "{faund}", "feedback.labels.samples", "uses {faund}"),
    ("note_max_chars: 600", "note_max_chars: 8", "note_max_chars", "peer.note_max_chars",
     "greater than or equal to 50"),
])
def test_a_bad_story_file_is_one_line_naming_file_line_and_field(tmp_path, old, new, needle,
                                                                  field, says):
    path = _broken(tmp_path, old, new)
    with pytest.raises(ContentError) as caught:
        load_story(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{_line_of(path, needle)}: field '{field}'"), message
    assert says in message


def test_a_story_file_without_a_default_pitch_says_so(tmp_path):
    path = _broken(tmp_path, "  default:\n    setting:", "  accounting_x:\n    setting:")
    with pytest.raises(ContentError) as caught:
        load_story(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == (f"{path}:{_line_of(path, 'pitches:')}: field 'pitches' needs a "
                        "'default' pitch, for practice areas without their own")
    assert "field 'pitches.accounting_x' is not a practice area" in lines[1]


# -- the feedback: observations on real sentences --------------------------------------------


def test_questions_are_the_sentences_ending_in_a_question_mark(story):
    text = ("Happy to, in a sentence: we look after IT for twelve schools. But tell me, when "
            "the network drops before the first lesson, who do your teachers call? "
            "Is that how you'd want it to work.\nAnd what does “fixed” mean to your head "
            "teachers?” Budgets are 3.5% tighter, e.g. in most trusts.")
    assert sentences(text) == [
        "Happy to, in a sentence: we look after IT for twelve schools.",
        "But tell me, when the network drops before the first lesson, who do your teachers "
        "call?",
        "Is that how you'd want it to work.",
        "And what does “fixed” mean to your head teachers?”",
        "Budgets are 3.5% tighter, e.g. in most trusts."]
    seen = observe(text, story.feedback)
    assert seen.questions == (
        "But tell me, when the network drops before the first lesson, who do your teachers "
        "call?", "And what does “fixed” mean to your head teachers?”")


def test_we_and_you_words_are_counted_apart_whatever_the_case_or_apostrophe(story):
    text = ("We’re a small team. Our clients tell us we listen. You've seen firms like ours; "
            "YOUR board wants to know what you’d change yourselves. Usually, wearisome "
            "yourselves-ish ourselves.")
    seen = observe(text, story.feedback)
    # we're, our, us, we, ours, ourselves (not "usually", "wearisome")
    assert seen.we == 6
    # you've, your, you'd, yourselves, yourselves (in "yourselves-ish")
    assert seen.you == 5
    assert seen.as_dict() == {"questions": 0, "we": 6, "you": 5, "sample": False,
                              "words": seen.words}


def test_a_sample_is_found_by_the_content_files_phrases(story):
    offered = observe("Most trusts your size, for instance, keep one engineer on call. A "
                      "client who tried that saved a week of lessons.", story.feedback)
    assert offered.samples == ("for instance", "a client who")
    assert observe("We are certified partners of every cloud platform.",
                   story.feedback).samples == ()
    # a phrase inside a longer word is not a sample ("most clientship")
    assert observe("Most clientship is fine.", story.feedback).samples == ()


def test_describe_gives_plain_observations_and_no_score(story):
    pitch = story.pitch_for("it_services").pitch
    rewrite = ("Briefly: we run IT for schools. When the network drops before the first "
               "lesson, who do your teachers call today? Most trusts your size, for instance, "
               "keep one engineer on call. Would that fit you?")
    lines = describe(rewrite, story.feedback, pitch)
    labels = story.feedback.labels
    assert lines == [
        f"{labels.questions}: 2. “When the network drops before the first lesson, who do "
        "your teachers call today?” “Would that fit you?”",
        f"{labels.we}: 1. {labels.you}: 3.",
        labels.pitch_counts.format(we=10, you=0, questions=0),
        labels.samples.format(found="“for instance”")]
    plain = describe("We are a managed-services provider with our own operations centre.",
                     story.feedback)
    assert plain == [labels.no_questions, f"{labels.we}: 2. {labels.you}: 0.",
                     labels.no_samples]
    for line in lines + plain:
        lowered = line.lower()
        assert not any(word in lowered for word in ("score", "grade", "points", "/10", "%"))


# -- the answers the service accepts ---------------------------------------------------------


def test_the_rewrite_and_note_models(story):
    from pydantic import ValidationError

    from workshop_kit.answers import Refused
    from workshop_kit.modules.story import answers

    specs = answers.answers("story", story, None)
    assert list(specs) == ["story_rewrite"] and not specs["story_rewrite"].facilitator
    Rewrite = specs["story_rewrite"].model
    ok = {"pitch": "legal", "text": "x" * 80, "share_with_peers": True}
    assert Rewrite.model_validate(ok).model_dump() == ok
    for bad in ({**ok, "pitch": "plumbing"}, {**ok, "text": "short"},
                {**ok, "text": "x" * 3001}, {**ok, "share_with_peers": "yes"},
                {**ok, "author": "p02"}, {"pitch": "legal", "text": "x" * 80}):
        with pytest.raises(ValidationError):
            Rewrite.model_validate(bad)
    Note = answers.answer_for("story", "story_note:0123456789ab", story, None, "p01").model
    assert Note.model_validate({"note": "The first question hit home."})
    for bad in ({"note": "ok"}, {"note": "y" * 601}, {"note": "fine enough", "key": "x"},
                {"note": " padded with spaces "}):
        with pytest.raises(ValidationError):
            Note.model_validate(bad)
    for name in ("story_note:p02", "story_note:0123456789AB", "story_note:"):
        with pytest.raises(Refused, match="is not the key of a shared rewrite"):
            answers.answer_for("story", name, story, None, "p01")
    for name in ("story_rewrite2", "note:0123456789ab", "gift_plan"):
        assert answers.answer_for("story", name, story, None, "p01") is None


# -- the full day: the agenda, the service's schema, simulation and reports ------------------


@pytest.fixture(scope="module")
def full_day_data(tmp_path_factory) -> Path:
    """A copy of data/ whose default agenda is the full day (story after the role-play)."""
    root = tmp_path_factory.mktemp("full-day")
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    folder = root / "data"
    shutil.copy(folder / "agendas" / "full_day.yaml", folder / "agenda.yaml")
    return folder


@pytest.fixture(scope="module")
def day(full_day_data):
    from workshop_kit.content import load_content

    return load_content(full_day_data, check_notebooks=False)


def test_the_full_day_agenda_validates_with_story_and_the_default_day_keeps_its_length():
    from workshop_kit.cohort import validate
    from workshop_kit.content import load_content

    full = load_content(DATA, agenda="agendas/full_day.yaml")
    ids = [m.id for m in full.agenda.modules]
    assert ids.index("story") == ids.index("roleplay") + 1
    assert full.agenda.type_of("story") == "story"
    assert isinstance(full.modules["story"], story_content.Content)
    line = full.agenda.module("story")
    assert (REPO / line.notebook).is_file() and (REPO / line.facilitator_notebook).is_file()
    default = load_content(DATA)
    assert "story" not in default.modules  # the default agenda keeps its one-day length
    lines = validate(DATA, [])
    assert f"{DATA / 'modules/story.yaml'}: ok" in lines
    assert any(x.startswith(f"{DATA / 'agendas/full_day.yaml'}: ") for x in lines)


def test_validate_names_the_broken_line_of_story_yaml(repo_copy):
    from workshop_kit.cohort import validate

    path = repo_copy / "data/modules/story.yaml"
    path.write_text(path.read_text().replace("  min_chars: 80", "  min_chars: 0"))
    with pytest.raises(ContentError) as caught:
        validate(repo_copy / "data", [])
    found = [x for x in str(caught.value).splitlines() if "story.yaml" in x]
    assert found == [f"{path}:{_line_of(path, 'min_chars: 0')}: field 'rewrite.min_chars' "
                     "input should be greater than or equal to 1"]


def test_the_service_schema_takes_a_rewrite_and_notes_and_refuses_the_rest(day):
    from workshop_kit.answers import AnswerError, check_answer

    rewrite = {"pitch": "legal", "text": "Where does legal slow your sales team down today? "
               "Companies like yours often find the risk sits in side letters.",
               "share_with_peers": True}
    assert check_answer(day, "story", "story_rewrite", rewrite, participant="p01") == rewrite
    note = {"note": "The side-letter question hit home."}
    assert check_answer(day, "story", "story_note:0123456789ab", note,
                        participant="p01") == note
    cases = [
        ("story_rewrite", {**rewrite, "text": "We are great."}, "field 'text' has 13 "
         "characters, must have at least 80"),
        ("story_rewrite", {**rewrite, "pitch": "plumbing"}, "field 'pitch' is 'plumbing', "
         "must be one of the module's pitches"),
        ("story_rewrite", {**rewrite, "author": "p02"}, "field 'author' is not a known field"),
        ("story_rewrite", {k: v for k, v in rewrite.items() if k != "share_with_peers"},
         "field 'share_with_peers' is missing"),
        ("story_note:0123456789ab", {"note": "ok"}, "field 'note' has 2 characters"),
        ("story_note:p02", note, "'p02' is not the key of a shared rewrite"),
        ("story_notes", note, "'story_notes' is not an exercise of module 'story'; use one "
         "of: story_rewrite, story_note:<key of a colleague's rewrite>"),
    ]
    for exercise, payload, says in cases:
        with pytest.raises(AnswerError) as caught:
            check_answer(day, "story", exercise, payload, participant="p01")
        message = str(caught.value)
        assert "\n" not in message and message.startswith(f"answer to story/{exercise}: ")
        assert says in message, message
    with pytest.raises(AnswerError, match="the facilitator does not answer this exercise"):
        check_answer(day, "story", "story_rewrite", rewrite, participant="facilitator")


@pytest.fixture(scope="module")
def full_day_cohort(full_day_data, tmp_path_factory):
    """The demo roster built on the full day, with simulated answers (story included)."""
    from workshop_kit.cohort import BuiltCohort, build

    out = tmp_path_factory.mktemp("cohort") / "demo"
    build(full_day_data / "cohorts/demo.yaml", full_day_data, out,
          f"sqlite:///{out.parent / 'responses.sqlite'}")
    built = BuiltCohort.open(out)
    built.simulate(seed=1)
    return built


def test_simulated_rewrites_and_notes_pass_the_schema_and_stay_anonymous(full_day_cohort, day):
    from workshop_kit.answers import check_answer
    from workshop_kit.modules.story.keys import rewrite_key, secret_name

    with full_day_cohort.store() as store:
        answers = [a for a in store.answers("demo") if a.module == "story"]
        secret = store.cohort_key("demo", secret_name("story"))
    rewrites = {a.participant: a.payload for a in answers if a.exercise == "story_rewrite"}
    notes = [a for a in answers if a.exercise.startswith("story_note:")]
    assert len(rewrites) == 12 and notes
    for answer in answers:
        check_answer(day, "story", answer.exercise, answer.payload,
                     participant=answer.participant)
    shared = {rewrite_key(secret, "demo", "story", p) for p, r in rewrites.items()
              if r["share_with_peers"]}
    for note in notes:  # notes only on a colleague's shared rewrite, never one's own
        key = note.exercise.split(":", 1)[1]
        assert key in shared
        assert key != rewrite_key(secret, "demo", "story", note.participant)


def test_reports_show_one_s_own_rewrite_and_the_notes_on_it_never_who_wrote_them(
        full_day_cohort):
    from workshop_kit.modules.story.keys import rewrite_key, secret_name
    from workshop_kit.report import build_reports

    result = build_reports(full_day_cohort.folder)
    with full_day_cohort.store() as store:
        answers = [a for a in store.answers("demo") if a.module == "story"]
        secret = store.cohort_key("demo", secret_name("story"))
    names = {p["id"]: p["name"] for p in full_day_cohort.manifest["participants"]}
    key_of = {p: rewrite_key(secret, "demo", "story", p) for p in names}
    noted = {}
    for a in answers:
        if a.exercise.startswith("story_note:"):
            noted.setdefault(a.exercise.split(":", 1)[1], []).append(a)
    author = next(p for p in sorted(names) if key_of[p] in noted)
    page = (result.folder / f"{author}.html").read_text()
    section = page[page.index("Your story, their story"):]
    section = section[:section.index("<h2>")]
    import html as _html

    own = next(a.payload["text"] for a in answers
               if a.participant == author and a.exercise == "story_rewrite")
    assert _html.escape(own) in section
    for note in noted[key_of[author]]:
        assert _html.escape(note.payload["note"]) in section
        writer = note.participant
        assert names[writer] not in section and f">{writer}<" not in section
    others = [a.payload["text"] for a in answers  # (the material repeats: skip own words)
              if a.exercise == "story_rewrite" and a.payload["text"] != own]
    assert not any(_html.escape(text) in page for text in others)
    cohort = (result.folder / "cohort.html").read_text()
    assert "12 rewrites" in cohort and "never scores" in cohort
    assert not any(_html.escape(a.payload.get("text", "")) in cohort for a in answers
                   if a.exercise == "story_rewrite")


# -- anonymous peer reading, probed from participants' side against a real service ----------

TOKENS = {"p1": "t1", "p2": "t2", "p3": "t3", "p4": "t4", "p5": "t5", "facilitator": "tf"}
TEXTS = {
    "p1": "Briefly, we advise schools on IT. When the network drops before the first lesson, "
          "who do your teachers call today?",
    "p2": "Most trusts your size, for instance, keep one engineer on call for the first hour. "
          "Would that fit the way your schools work?",
    "p3": "Before I tell you about us: what made this the year to look again at support? A "
          "client who asked that found the answer was the network.",
    "p4": "We are a managed-services provider with two hundred engineers and our own "
          "operations centre, and I keep this to myself.",
}
SHARES = {"p1": True, "p2": True, "p3": True, "p4": False}


def _snapshot(url: str) -> list:
    from workshop_kit.store import Store

    with Store(url) as store:
        return [(a.participant, a.module, a.exercise, a.version, a.payload)
                for a in store.answers("c")]


@pytest.fixture
def story_room(full_day_data, serve_store, tmp_path):
    """A real service over a fresh store and the full day's content: five participants'
    clients (p1-p3 share their rewrite, p4 keeps it private, p5 has written none) and the
    facilitator's."""
    from workshop_kit.client import FacilitatorClient, ParticipantClient
    from workshop_kit.store import Store

    url = f"sqlite:///{tmp_path / 'story.sqlite'}"
    with Store(url) as store:
        store.register_tokens("c", TOKENS)
    service = serve_store(url, "c", full_day_data)
    people = {p: ParticipantClient(service, "c", p, t) for p, t in TOKENS.items()
              if p != "facilitator"}
    for pid, text in TEXTS.items():
        people[pid].submit("c", pid, "story", "story_rewrite",
                           {"pitch": "it_services", "text": text,
                            "share_with_peers": SHARES[pid]})
    facilitator = FacilitatorClient(service, "c", "tf")
    return url, people, facilitator


def _keys(url: str) -> dict[str, str]:
    """The anonymous keys as the service computes them (the trainer's side holds the store)."""
    from workshop_kit.modules.story.keys import rewrite_key, secret_name
    from workshop_kit.store import Store

    with Store(url) as store:
        secret = store.cohort_key("c", secret_name("story"))
    return {p: rewrite_key(secret, "c", "story", p) for p in TOKENS if p != "facilitator"}


def test_a_participant_reads_only_colleagues_shared_rewrites_without_authors(story_room):
    import hashlib
    import json

    from workshop_kit.errors import AccessError
    from workshop_kit.modules.story.calls import PEER_REWRITES

    url, people, _ = story_room
    keys = _keys(url)
    before = _snapshot(url)
    with pytest.raises(AccessError, match="Submit your own rewrite first"):
        people["p5"].rule("c", PEER_REWRITES, module="story")
    seen = people["p1"].rule("c", PEER_REWRITES, module="story")
    assert [set(e) for e in seen] == [{"key", "text"}] * 2
    assert {e["text"] for e in seen} == {TEXTS["p2"], TEXTS["p3"]}  # not own, not p4's
    assert [e["key"] for e in seen] == sorted([keys["p2"], keys["p3"]])
    # the private one is readable by nobody; its author reads the others all the same
    assert {e["text"] for e in people["p4"].rule("c", PEER_REWRITES, module="story")} == {
        TEXTS["p1"], TEXTS["p2"], TEXTS["p3"]}
    for pid in ("p2", "p3"):
        assert TEXTS["p4"] not in json.dumps(people[pid].rule("c", PEER_REWRITES,
                                                              module="story"))
    # nothing names an author, and the keys cannot be computed from an id
    answered = json.dumps(seen)
    assert not any(f'"{p}"' in answered for p in TOKENS)
    guesses = {getattr(hashlib, alg)(text.encode()).hexdigest()[:12]
               for alg in ("sha256", "sha1", "md5", "blake2b")
               for p in TOKENS for text in (p, f"c:story:{p}", f"c:{p}", f"story:{p}")}
    assert not guesses & {e["key"] for e in seen}
    # and no other door opens a colleague's rewrite
    for call in (lambda c: c.latest_answer("c", "p2", "story", "story_rewrite"),
                 lambda c: c.history("c", "p2", "story", "story_rewrite"),
                 lambda c: c.latest("c", "p2", "story"),
                 lambda c: c.latest_many("c", "story", ["p2", "p4"], "story_")):
        with pytest.raises(AccessError):
            call(people["p1"])
    assert _snapshot(url) == before


def test_notes_go_only_on_a_readable_rewrite_and_their_author_stays_unknown(story_room):
    import json

    from workshop_kit.errors import AccessError, ParameterError, WorkshopKitError
    from workshop_kit.modules.story.calls import NOTES_RECEIVED, REWRITE_KEYS

    url, people, facilitator = story_room
    keys = _keys(url)
    note = {"note": "The question about the first lesson made me want to answer."}
    people["p1"].submit("c", "p1", "story", f"story_note:{keys['p2']}", note)
    people["p3"].submit("c", "p3", "story", f"story_note:{keys['p2']}",
                        {"note": "The on-call example felt like our own trust."})
    before = _snapshot(url)
    refused = [
        ("p1", keys["p1"], AccessError, "your own rewrite"),  # one's own
        ("p1", keys["p4"], AccessError, "no shared rewrite"),  # a private one
        ("p1", "0123456789ab", AccessError, "no shared rewrite"),  # one that does not exist
        ("p5", keys["p2"], AccessError, "Submit your own rewrite first"),  # before one's own
        ("p1", "p2", ParameterError, "not the key of a shared rewrite"),  # an id for a key
    ]
    for who, key, error, says in refused:
        with pytest.raises(error, match=says):
            people[who].submit("c", who, "story", f"story_note:{key}", note)
    with pytest.raises(AccessError):  # a note written in someone else's name
        people["p1"].submit("c", "p3", "story", f"story_note:{keys['p2']}", note)
    with pytest.raises(WorkshopKitError):  # the facilitator's call is not a participant's
        people["p1"].rule("c", REWRITE_KEYS, module="story")
    assert _snapshot(url) == before
    received = people["p2"].rule("c", NOTES_RECEIVED, module="story")
    assert received["shared"] is True and set(received) == {"shared", "notes"}
    assert sorted(received["notes"]) == sorted(
        [note["note"], "The on-call example felt like our own trust."])
    assert not any(f'"{p}"' in json.dumps(received) for p in TOKENS)
    assert people["p4"].rule("c", NOTES_RECEIVED, module="story") == {"shared": False,
                                                                     "notes": []}
    # unsharing closes the door: no more reading, no more notes
    people["p2"].submit("c", "p2", "story", "story_rewrite",
                        {"pitch": "it_services", "text": TEXTS["p2"], "share_with_peers": False})
    assert TEXTS["p2"] not in {e["text"] for e in people["p1"].rule(
        "c", "story_peer_rewrites", module="story")}
    with pytest.raises(AccessError, match="no shared rewrite"):
        people["p3"].submit("c", "p3", "story", f"story_note:{keys['p2']}", note)
    # the facilitator learns which key is whose (to put notes beside rewrites), nobody else
    assert facilitator.rule("c", REWRITE_KEYS, module="story") == {
        p: k for p, k in keys.items() if p != "p5"}


def test_revealed_results_show_shared_rewrites_only_and_never_a_note(story_room, day):
    """What a participant gets of the revealed rewrites is the chart the service draws: means
    per thing counted, never a text or a note. The rows it is drawn from (the module's
    `room_answers` rule, in the service) hold only the shared rewrites' texts."""
    from workshop_kit.access import ParticipantStore
    from workshop_kit.modules.story import room as story_rooms
    from workshop_kit.store import Store

    url, people, facilitator = story_room
    keys = _keys(url)
    note = "A note for p2's eyes only, please."
    people["p1"].submit("c", "p1", "story", f"story_note:{keys['p2']}", {"note": note})
    for exercise in ("story_rewrite", "story_note"):
        facilitator.set_exercise_state("c", "story", exercise, revealed=True)
    shown = people["p5"].room_results("c", "story", "story_rewrite")
    assert shown["state"] == "shown", shown
    text = str(shown["chart"])
    assert not any(t in text for t in TEXTS.values()) and note not in text
    rows = next(iter(shown["chart"]["datasets"].values()))
    assert {r["stage"] for r in rows} == {story_rooms.STARTED, story_rooms.REWRITTEN}
    assert all(set(r) == {"label", "stage", "mean"} for r in rows), rows  # means only
    assert people["p5"].room_results("c", "story", f"story_note:{keys['p2']}")["state"] in (
        "too_few", "shown")
    with Store(url) as store:
        guard = ParticipantStore(store, "c", "p5", TOKENS["p5"], content=day)
        room = guard.room_answers("c", "story", "story_rewrite")
        assert sorted(p["text"] for p in room["payload"]) == sorted(
            TEXTS[p] for p in ("p1", "p2", "p3"))
        assert all(set(p) == {"text", "pitch"} for p in room["payload"])
        assert guard.room_answers("c", "story", f"story_note:{keys['p2']}").empty


# -- the notebooks' views: forms with live observations, peer reading, the facilitator's ------


def test_the_participant_s_forms_through_the_service(story_room):
    import ipywidgets as widgets

    from workshop_kit.session import ParticipantSession

    _url, people, _ = story_room
    service = people["p1"].url
    me = ParticipantSession("p5", "c", service, token="t5", practice_area="legal")
    view = me.module("story")
    reading = view.peer_reading()  # before one's own rewrite: told to write first
    assert "Submit your own rewrite first" in reading.message.value and not reading.entries
    form = view.rewrite()
    assert form.pitch_id == "legal" and "general counsel" in form.children[1].value
    form.write("We are a full-service firm.")
    assert "Questions you ask" not in form.noticed.value
    assert "asks no questions yet" in form.noticed.value
    assert not form.submit() and "needs at least 80 characters (you have 27)" in form.status
    text = ("Where does legal slow your sales team down today? Companies like yours, for "
            "example, find the risk sits in side letters. How many deals had one last quarter?")
    form.write(text, share=True)
    noticed = form.noticed.value
    assert "Questions you ask (sentences ending in “?”): 2." in noticed
    assert "“for example”" in noticed and "7 words about the seller&#x27;s side" in noticed
    assert form.submit()
    again = view.rewrite()
    assert again.value() == {"pitch": "legal", "text": text, "share_with_peers": True}
    reading.refresh()
    assert sorted(e["text"] for e in reading.entries) == sorted(
        TEXTS[p] for p in ("p1", "p2", "p3"))
    shown = " ".join(c.value for c in reading.listing.children if isinstance(c, widgets.HTML))
    assert TEXTS["p2"] in shown and TEXTS["p4"] not in shown and "p4" not in shown
    number = 1 + [e["text"] for e in reading.entries].index(TEXTS["p2"])
    assert not reading.note(number, "ok")  # too short: said in the form, nothing stored
    assert reading.note(number, "The on-call example made it concrete for me.")
    assert view.peer_reading().notes[reading.entries[number - 1]["key"]].value() == {
        "note": "The on-call example made it concrete for me."}
    author = ParticipantSession("p2", "c", service, token="t2", practice_area="it_services")
    received = author.module("story").notes_received().data
    assert "The on-call example made it concrete for me." in received
    assert "p5" not in received


def test_the_facilitator_s_views_are_aggregates_and_shared_rewrites_without_names(story_room):
    from workshop_kit.modules.story import cockpit
    from workshop_kit.session import FacilitatorSession

    url, people, _ = story_room
    keys = _keys(url)
    people["p3"].submit("c", "p3", "story", f"story_note:{keys['p1']}",
                        {"note": "Your first question hit home."})
    room = FacilitatorSession("c", people["p1"].url, token="tf").module("story")
    assert "school trust" in room.pitches().data
    summary = room.feedback_summary()
    assert list(summary.index) == ["Questions asked", "Words about the seller's side (we, our, "
                                   "us)", "Words about the client's side (you, your)",
                                   "A sample or example offered"]
    assert summary.loc["A sample or example offered", "Their rewrites"] == "2 of 4"
    chart = room.feedback_chart().to_dict()
    assert chart["encoding"]["x"]["field"] == "mean"
    # the chart's data are its means (3 measures × 2 stages), not a row per rewrite
    means = chart["datasets"][next(iter(chart["datasets"]))]
    assert len(means) == 3 * 2 and all(set(r) == {"label", "stage", "mean"} for r in means)
    shared = room.shared_rewrites()
    assert sorted(shared.index) == sorted(TEXTS[p] for p in ("p1", "p2", "p3"))
    assert shared.loc[TEXTS["p1"], "what colleagues noted"] == "Your first question hit home."
    assert not any(p in " ".join(map(str, shared.to_numpy().ravel())) for p in TOKENS)
    assert [e.key for e in cockpit.exercises("story", room.content, room.day)] == [
        "story_rewrite", "story_note"]
    answers = room.answers()
    assert cockpit.chart("story", "story_note", answers, room.content, room.day) is None
    few = answers[answers["participant"].isin(["p1", "p2"])]
    drawn = cockpit.chart("story", "story_rewrite", few, room.content, room.day).to_dict()
    assert "Shown once at least 3 people" in str(drawn)


def test_validate_names_the_broken_line_of_the_story_simulation_material(repo_copy):
    from workshop_kit.cohort import validate

    path = repo_copy / "data/simulation.yaml"
    path.write_text(path.read_text().replace("  rewrites:\n    default:",
                                             "  rewrites:\n    plumbing:"))
    with pytest.raises(ContentError) as caught:
        validate(repo_copy / "data", [])
    assert str(caught.value) == (
        f"{path}:{_line_of(path, 'plumbing:')}: field 'story.rewrites.plumbing.[key]' must be "
        "one of 'default', 'consulting', 'accounting', 'legal', 'it_services' or "
        "'financial_planning'")


# -- the same rules from a real kernel holding only p01's notebook parameters ----------------


def test_from_p01_s_own_kernel_no_author_no_unshared_rewrite_and_the_store_unchanged(
        full_day_cohort):
    import json

    from helpers import participant_kernel
    from workshop_kit.modules.story.keys import rewrite_key, secret_name
    from workshop_kit.store import Store

    folder = full_day_cohort.folder
    with Store(full_day_cohort.manifest["store_url"]) as store:
        answers = [a for a in store.answers("demo") if a.module == "story"]
        secret = store.cohort_key("demo", secret_name("story"))
    rewrites = {a.participant: a.payload for a in answers if a.exercise == "story_rewrite"}
    if not rewrites["p01"]["share_with_peers"]:  # p01 shares, so notes may go on theirs
        pytest.skip("the simulation kept p01's rewrite private")
    private = sorted(p for p, r in rewrites.items() if not r["share_with_peers"])
    assert private, "the simulation gave nobody a private rewrite to probe"
    keys = {p: rewrite_key(secret, "demo", "story", p) for p in rewrites}

    def rows() -> list:
        with Store(full_day_cohort.manifest["store_url"]) as store:
            return [(a.participant, a.module, a.exercise, a.version, a.payload)
                    for a in store.answers("demo")]

    with participant_kernel(folder, "p01", "*_story.ipynb") as probe:
        before = rows()
        seen = probe("me.store.rule(cohort_id, 'story_peer_rewrites', module=module_id)")
        assert seen["ok"]
        texts = [e["text"] for e in seen["result"]]
        assert sorted(texts) == sorted(r["text"] for p, r in rewrites.items()
                                       if p != "p01" and r["share_with_peers"])
        assert all(set(e) == {"key", "text"} for e in seen["result"])
        assert not any(f'"{p}"' in json.dumps(seen) for p in rewrites)
        note = "{'note': 'A probe that must not be stored anywhere.'}"
        probes = [
            "me.store.latest_answer(cohort_id, 'p02', module_id, 'story_rewrite')",
            f"me.store.latest_many(cohort_id, module_id, {private!r}, 'story_')",
            "me.store.rule(cohort_id, 'story_rewrite_keys', module=module_id)",
            "me.store._call('story_notes_received', cohort_id, module=module_id, "
            "participant='p02')",
            f"me.store.submit(cohort_id, participant_id, module_id, "
            f"'story_note:{keys['p01']}', {note})",
            f"me.store.submit(cohort_id, participant_id, module_id, "
            f"'story_note:{keys[private[0]]}', {note})",
            f"me.store.submit(cohort_id, 'p02', module_id, 'story_note:{keys['p03']}', {note})",
            f"me.store.submit(cohort_id, participant_id, module_id, 'story_note:p02', {note})",
        ]
        for code in probes:
            result = probe(code)
            assert not result["ok"], (code, result)
            assert result["error"] in ("AccessError", "ParameterError"), (code, result)
        mine = probe("me.store.rule(cohort_id, 'story_notes_received', module=module_id)")
        assert mine["ok"] and set(mine["result"]) == {"shared", "notes"}
        writers = {a.participant for a in answers if a.exercise == f"story_note:{keys['p01']}"}
        assert sorted(mine["result"]["notes"]) == sorted(
            a.payload["note"] for a in answers if a.exercise == f"story_note:{keys['p01']}")
        assert not any(f'"{p}"' in json.dumps(mine) for p in writers)
        # the room's results: nothing before the reveal; after it, the chart's means only
        room = "me.store.room_results(cohort_id, module_id, 'story_rewrite')"
        assert probe(room) == {"ok": True, "result": {"state": "hidden"}}
        with Store(full_day_cohort.manifest["store_url"]) as store:
            store.set_exercise_state("demo", "story", "story_rewrite", revealed=True)
        try:
            shown = probe(room)
        finally:
            with Store(full_day_cohort.manifest["store_url"]) as store:
                store.set_exercise_state("demo", "story", "story_rewrite", revealed=False)
        assert shown["ok"] and shown["result"]["state"] == "shown", shown
        spec = json.dumps(shown["result"]["chart"], ensure_ascii=False)
        assert not any(r["text"] in spec for r in rewrites.values())
        assert not any(f'"{p}"' in spec for p in rewrites)
        means = next(iter(shown["result"]["chart"]["datasets"].values()))
        assert means and all(set(r) == {"label", "stage", "mean"} for r in means), means
        assert rows() == before
