"""Your story, their story: the content, the feedback on a rewrite (observations, never a score),
the answers the service accepts, and the anonymous peer reading as the service enforces it."""

from __future__ import annotations

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
