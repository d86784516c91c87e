import pytest

from workshop_kit.modules.checkin.participant import TrustProfileForm
from workshop_kit.modules.purpose.forms import PurposeSortForm

SITUATION = "A retailer asked for a pricing study but the real issue may be staff turnover."


@pytest.fixture
def trust_form(store, content):
    return TrustProfileForm(store, "c", "p1", content.checkin)


def test_trust_profile_submits_and_restores(store, content, trust_form):
    assert trust_form.status.endswith("Not submitted yet.</span>")
    trust_form.sliders["cred_plain"].value = 5
    trust_form.sliders["int_confide"].value = 1
    trust_form.situation.value = SITUATION
    trust_form.button.click()
    saved = store.latest_answer("c", "p1", "checkin", "trust_profile")
    assert saved.version == 1
    assert saved.payload["ratings"]["cred_plain"] == 5
    assert saved.payload["ratings"]["int_confide"] == 1
    assert len(saved.payload["ratings"]) == 12
    assert saved.payload["situation"] == SITUATION
    assert "Saved at" in trust_form.message.value

    reopened = TrustProfileForm(store, "c", "p1", content.checkin)
    assert reopened.sliders["cred_plain"].value == 5
    assert reopened.sliders["int_confide"].value == 1
    assert reopened.situation.value == SITUATION
    assert reopened.version == 1
    assert "is loaded (version 1)" in reopened.status


def test_trust_profile_refuses_short_situation_and_keeps_it(store, trust_form):
    trust_form.situation.value = "stuck"
    assert trust_form.submit() is False
    assert "at least 30 characters (you have 5)" in trust_form.message.value
    assert trust_form.situation.value == "stuck"
    assert store.count() == 0


def test_resubmission_says_it_replaces(store, trust_form):
    trust_form.situation.value = SITUATION
    assert trust_form.submit()
    trust_form.situation.value = SITUATION + " Also the CFO is new."
    assert trust_form.submit()
    assert trust_form.version == 2
    assert "replaces your earlier answer" in trust_form.message.value
    assert store.count() == 1 + 1


def test_unreachable_store_keeps_the_answer_for_a_retry(tmp_path, content):
    from workshop_kit.store import Store

    broken = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    form = TrustProfileForm(broken, "c", "p1", content.checkin)
    form.situation.value = SITUATION
    broken.close()
    assert form.submit() is False
    assert "Not saved: could not save the answer" in form.message.value
    assert "press Submit to retry" in form.message.value
    assert form.situation.value == SITUATION


def test_purpose_sort_needs_every_statement(store, content):
    form = PurposeSortForm(store, "c", "p1", content.purpose)
    first = content.purpose.statements[0]
    form.choices[first.id].value = "closing"
    assert form.submit() is False
    left = len(content.purpose.statements) - 1
    assert f"{left} statement(s) still to sort" in form.message.value
    assert store.count() == 0


def test_purpose_sort_saves_and_explains_differences(store, content):
    form = PurposeSortForm(store, "c", "p1", content.purpose)
    statements = content.purpose.statements
    for s in statements:
        form.choices[s.id].value = s.thinking
    flipped = statements[0]
    form.choices[flipped.id].value = "exploring" if flipped.thinking == "closing" else "closing"
    assert form.submit()
    payload = store.latest_answer("c", "p1", "purpose", "purpose_sort").payload
    assert len(payload["placements"]) == len(statements)
    assert "You read 1 statement(s) differently" in form.feedback.value
    assert flipped.why.split(".")[0] in form.feedback.value

    reopened = PurposeSortForm(store, "c", "p1", content.purpose)
    assert reopened.choices[flipped.id].value == form.choices[flipped.id].value
    assert "You read 1 statement(s) differently" in reopened.feedback.value


def test_html_in_answers_is_escaped_in_messages(store, content):
    form = TrustProfileForm(store, "c", "p1", content.checkin)
    form.situation.value = "<b>x</b>"
    form.submit()
    assert "<b>x</b>" not in form.message.value
