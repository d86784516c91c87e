"""The naming rule: who is shown how, from the roster's full names (`workshop_kit.names`)."""

from __future__ import annotations

from workshop_kit.names import display_names, listed, lookup, publish, shown, tidy


def names(*full: str) -> list[str]:
    shown_as = display_names((f"p{i:02d}", n) for i, n in enumerate(full, start=1))
    return [shown_as[f"p{i:02d}"] for i in range(1, len(full) + 1)]


def test_a_unique_first_name_is_enough():
    assert names("Amara Okafor", "Bernd Keller", "Chiara Rossi") == ["Amara", "Bernd", "Chiara"]


def test_namesakes_get_the_initial_of_their_last_name():
    assert names("Priya Shah", "Priya Kumar", "Dev Patel") == ["Priya S.", "Priya K.", "Dev"]


def test_namesakes_with_the_same_initial_get_their_full_name_others_keep_the_initial():
    assert names("Priya Shah", "Priya Singh", "Priya Kumar") == [
        "Priya Shah", "Priya Singh", "Priya K."]


def test_the_same_full_name_twice_is_numbered_in_roster_order():
    assert names("Sam Lee", "Ana Ruiz", "Sam Lee") == ["Sam Lee (1)", "Ana", "Sam Lee (2)"]


def test_one_word_names():
    assert names("Cher", "Bono") == ["Cher", "Bono"]
    # a one-word name among namesakes stays as it is; the others get their initial
    assert names("Priya", "Priya Shah") == ["Priya", "Priya S."]
    assert names("Sam", "sam") == ["Sam (1)", "sam (2)"]


def test_accents_case_and_spacing_do_not_make_two_names_different():
    assert names("  Zoë   O'Brien-Łukasz ", "zoe smith") == ["Zoë O.", "zoe S."]
    # Unicode in decomposed form (e + combining diaeresis) is composed, then compared alike
    assert names("Zoe\u0308 Adams", "Zoë Brown") == ["Zoë A.", "Zoë B."]
    assert tidy(" Zoe\u0308 \t Adams ") == "Zoë Adams"


def test_hyphens_apostrophes_and_accented_initials():
    assert names("Jean-Luc Picard", "Jean-Luc Ébert", "Seán Ó Briain", "Seán Murphy") == [
        "Jean-Luc P.", "Jean-Luc É.", "Seán B.", "Seán M."]
    assert names("Ana 'Ani' Łukasz", "Ana O'Neil") == ["Ana Ł.", "Ana O."]


def test_markup_in_a_name_is_kept_as_text_for_the_screen_to_escape():
    assert names("<b>x</b> Bold", 'Zoë "Z" O\'Brien') == ["<b>x</b>", "Zoë"]


def test_a_blank_name_falls_back_to_the_id():
    assert display_names([("p01", "  "), ("p02", "Ana")]) == {"p01": "p01", "p02": "Ana"}


def test_roles_and_unknown_people_are_never_shown_by_id():
    people = {"p01": "Ana"}
    assert shown(people, "p01") == "Ana"
    assert shown(people, "facilitator") == "the facilitator"
    assert shown(people, "bot") == "the kit"
    assert shown(people, "p02", "your partner") == "your partner"
    assert shown(people, "p02") == "a participant"
    assert listed([]) == "" and listed(["A"]) == "A" and listed(["A", "B", "C"]) == "A, B and C"


def test_published_once_then_read_from_a_plain_store(tmp_path):
    from workshop_kit.store import Store

    with Store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        assert store.names("c") == {} and lookup(store, "c", ["p01"]) == {}
        assert publish(store, "c", {"p01": "Ana", "p02": "Zoë"}, {"p01": ["p02", "p01"]})
        assert not publish(store, "c", {"p02": "Zoë", "p01": "Ana"}, {"p01": ["p01", "p02"]})
        assert store.names("c") == {"p01": "Ana", "p02": "Zoë"}
        assert store.names("c", ["p02"]) == {"p02": "Zoë"}
        assert lookup(store, "c", ["p02", "facilitator", "bot"]) == {"p02": "Zoë"}
