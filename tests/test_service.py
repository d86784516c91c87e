"""The response service as a program: `workshop-kit serve` starts, answers, stops; its errors
are one-line JSON; rows no schema accepts, already in a store, never crash a view, `export` or
`report` (they are skipped and counted)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import post
from workshop_kit.cohort import build, export
from workshop_kit.session import FacilitatorSession

REPO = Path(__file__).resolve().parents[1]


def test_serve_starts_answers_and_stops_on_sigterm(built):
    service = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(built.folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = service.stdout.readline()
        url = re.search(r"http://\S+", line).group(0)
        assert "serving cohort 'demo'" in line
        with urllib.request.urlopen(url + "/api/v1/health", timeout=10) as response:
            assert json.loads(response.read()) == {"ok": True, "cohort": "demo"}
        token = built.manifest["facilitator_token"]
        status, body = post(url + "/api/v1/facilitator/count", b'{"args": {}}', token)
        assert status == 200 and body["result"] > 400
        # one-line JSON errors, whatever is wrong with the request
        assert post(url + "/api/v1/facilitator/count", b'{"args": {}}', "wrong")[0] == 403
        status, body = post(url + "/api/v1/facilitator/drop_tables", b"{}", token)
        assert status == 404 and "not something a facilitator can ask" in \
            body["error"]["message"]
        status, body = post(url + "/api/v1/facilitator/count", b"{not json", token)
        assert (status, body["error"]["message"]) == (400, "the request is not valid JSON")
        status, body = post(url + "/api/v1/facilitator/count", b'{"args": {"x": NaN}}', token)
        assert status == 400
        status, body = post(url + "/api/v1/facilitator/module_answers",
                            b'{"args": {"module": 7}}', token)
        assert (status, body["error"]["message"]) == (
            400, "module_answers: argument 'module' must be a str")
    finally:
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
        service.stdout.close()
        service.stderr.close()


def test_serve_of_a_folder_that_is_not_a_cohort_says_so(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(tmp_path), "--port", "0"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path} is not a built cohort (no cohort.json); run `workshop-kit build` "
        "first"]


def test_malformed_rows_already_in_the_store_are_skipped_everywhere(built, serve_store,
                                                                    tmp_path):
    """Rows an older kit (or a curious participant, before the service) wrote: a check-in with
    two ratings in a list, a deep one, a rating of a million. Views, export and report skip
    them and count them; nothing crashes."""
    from workshop_kit.report import build_reports

    with built.store() as store:
        deep: dict = {}
        for _ in range(150):
            deep = {"x": deep}
        for who, payload in (("p01", {"ratings": [1, 2]}), ("p02", deep),
                             ("p03", {"ratings": {"cred_plain": 1_000_000},
                                      "situation": "A client who wants the fee cut by half."})):
            store.submit("demo", who, "checkin", "trust_profile", payload)
    room = FacilitatorSession("demo", serve_store(built.manifest["store_url"], "demo"),
                              token=built.manifest["facilitator_token"])
    summary = room.trust_profile_summary()
    assert summary["mean"].max() <= 5  # the million is not in the room's means
    room.trust_profile_chart()
    room.client_situations()
    result = export(built.folder, tmp_path / "a.csv", built.manifest["facilitator_token"])
    assert result.skipped >= 3
    reports = build_reports(built.folder, tmp_path / "reports")
    assert len(reports.participants) == 12 and reports.skipped >= 3


def _start(folder: Path, port: int) -> subprocess.Popen:
    service = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert "serving cohort" in service.stdout.readline()
    return service


def _stop(service: subprocess.Popen, kill: bool = False) -> None:
    service.kill() if kill else service.terminate()
    service.wait(timeout=30)
    service.stdout.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_service_outage_keeps_the_answer_in_the_form_until_submit_works_again(built):
    """The service killed mid-day: the form says "Not saved", keeps what was typed, and the
    same Submit saves it once the service is back (on the same address)."""
    import socket

    from workshop_kit.client import ParticipantClient
    from workshop_kit.widgets import TrustProfileForm

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = _start(built.folder, port)
    person = built.manifest["participants"][0]
    me = ParticipantClient(f"http://127.0.0.1:{port}", "demo", person["id"], person["token"])
    form = TrustProfileForm(me, "demo", person["id"], built.content().checkin)
    form.situation.value = "A partner who wants a second opinion before the board meets."
    _stop(service, kill=True)
    assert form.submit() is False
    assert "Not saved: cannot reach the workshop service" in form.message.value
    assert "press Submit to retry" in form.message.value
    assert form.situation.value.startswith("A partner who wants")
    service = _start(built.folder, port)
    try:
        assert form.submit() is True
        assert me.latest_answer("demo", person["id"], "checkin", "trust_profile").payload[
            "situation"].startswith("A partner who wants")
    finally:
        _stop(service)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_several_service_processes_share_the_port_and_stop_together(built):
    service = subprocess.Popen(
        [sys.executable, "-m", "workshop_kit.cli", "serve", str(built.folder), "--port", "0",
         "--processes", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = re.search(r"http://\S+", service.stdout.readline()).group(0)
    token = built.manifest["facilitator_token"]
    served_by = set()
    for _ in range(40):  # new connections are spread over both processes
        status, _ = post(url + "/api/v1/facilitator/count", b'{"args": {}}', token)
        assert status == 200
        with urllib.request.urlopen(url + "/api/v1/health", timeout=10) as response:
            served_by.add(response.headers.get("X-Workshop-Process"))
    assert len(served_by) == 2
    _stop(service)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/api/v1/health", timeout=5)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_check_says_one_line_per_step_and_stops_at_the_first_failure(built, serve_store):
    """`workshop-kit check NOTEBOOK`, as a participant runs it on their own notebook."""
    import shutil

    notebook = built.folder / "participants/p01/01_checkin.ipynb"
    url = serve_store(built.manifest["store_url"], "demo")
    env = {**__import__("os").environ, "WORKSHOP_KIT_SERVICE_URL": url}

    def check(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "workshop_kit.cli", "check", str(path)],
                              capture_output=True, text=True, env=env, timeout=120)

    done = check(notebook)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["service", "identity", "content", "kit"]
    assert lines[1] == ("identity: the service accepts this notebook as participant 'p01' of "
                        "cohort 'demo'")
    assert lines[2].startswith("content: 7 modules readable (checkin, purpose")
    # a notebook whose token is wrong (a copy someone edited): refused at the identity step
    forged = notebook.parent / "forged.ipynb"
    shutil.copy(notebook, forged)
    text = forged.read_text()
    token = built.manifest["participants"][0]["token"]
    forged.write_text(text.replace(token, "0" * len(token)))
    done = check(forged)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith(
        "identity: FAILED: the token given for participant 'p01' of cohort 'demo' is not the "
        "right one")
    # no service at that address: the first line says so and what to do
    env["WORKSHOP_KIT_SERVICE_URL"] = "http://127.0.0.1:9"
    done = check(notebook)
    assert (done.returncode, done.stdout.splitlines()) == (1, [
        "service: FAILED: cannot reach the workshop service at http://127.0.0.1:9 "
        "(ConnectionRefusedError); ask the facilitator whether it is running, and check the "
        "address"])


def test_two_builds_into_different_folders_give_identical_notebooks(tmp_path, monkeypatch):
    """No notebook holds a path of the trainer's machine (the content comes from the service)."""
    monkeypatch.setenv("WORKSHOP_KIT_SECRET", "one secret for both builds, long enough")
    trees = []
    for out in (tmp_path / "a", tmp_path / "elsewhere/b"):
        build(REPO / "data/cohorts/demo.yaml", REPO / "data", out)
        trees.append({str(p.relative_to(out)): p.read_bytes()
                      for sub in ("participants", "facilitator")
                      for p in sorted((out / sub).rglob("*.ipynb"))})
    assert trees[0] == trees[1] and len(trees[0]) == 12 * 7 + 8
    assert not any(str(tmp_path).encode() in data for data in trees[0].values())


# -- one module type twice on the agenda --------------------------------------------------------
DEFINITION = ("Store managers leave faster than before, so prices are set by people who are "
              "new to the job and copy the nearest competitor; the pricing study would only "
              "treat the symptom ({who}, {drill}).")


def _two_drills(repo: Path):
    """The demo day with a second drill: `- id: drill2, type: drill` and its own content file
    (its own exercise name and a longer minimum definition)."""
    from workshop_kit.content import load_content

    data = repo / "data"
    own = (data / "modules/drill.yaml").read_text()
    assert "exercise: drill\n" in own and "min_chars: 60\n" in own
    (data / "modules/drill2.yaml").write_text(
        own.replace("exercise: drill\n", "exercise: second\n")
        .replace("min_chars: 60\n", "min_chars: 150\n"))
    agenda = data / "agenda.yaml"
    text = agenda.read_text()
    block = text[text.index("  - id: drill\n"):text.index("  - id: gift\n")]
    agenda.write_text(text.replace("  - id: gift\n", block.replace(
        "  - id: drill\n", "  - id: drill2\n    type: drill\n").replace(
        "modules/drill.yaml", "modules/drill2.yaml") + "  - id: gift\n"))
    day = load_content(data, check_notebooks=False)
    assert day.agenda.type_of("drill2") == "drill"
    return day


def test_a_second_drill_checks_its_own_answers_and_keeps_its_votes_apart(repo_copy, tmp_path,
                                                                         serve_config):
    from workshop_kit.answers import check_answer
    from workshop_kit.client import FacilitatorClient, ParticipantClient
    from workshop_kit.errors import AccessError, ParameterError
    from workshop_kit.service import ServiceConfig
    from workshop_kit.store import FACILITATOR, Store

    day = _two_drills(repo_copy)
    assert [m.id for m in day.agenda.modules].count("drill2") == 1
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    people = ("p1", "p2", "p3")
    tokens = {p: f"t-{p}" for p in people} | {FACILITATOR: "t-f"}
    with Store(url) as store:
        store.register_tokens("c", tokens)
    service = serve_config(ServiceConfig(url, str(repo_copy / "data"), "c", content=day))
    me = {p: ParticipantClient(service, "c", p, tokens[p]) for p in people}
    room = FacilitatorClient(service, "c", tokens[FACILITATOR])

    # each drill checks answers against its own content, under its own module id
    case = "retail_pricing"
    short = {"case": case, "asked": [], "definition": "x" * 100}
    check_answer(day, "drill", "drill_definition", short, participant="p1")
    with pytest.raises(ParameterError, match=r"^answer to drill2/second_definition: field "
                       r"'definition' has 100 characters, must have at least 150"):
        me["p1"].submit("c", "p1", "drill2", "second_definition", short)
    with pytest.raises(ParameterError, match=r"'drill_definition' is not an exercise of module "
                       r"'drill2'; use one of: second_questions, second_definition, "
                       r"second_vote$"):
        me["p1"].submit("c", "p1", "drill2", "drill_definition", short)

    for who in people:
        for drill, exercise in (("drill", "drill_definition"), ("drill2", "second_definition")):
            me[who].submit("c", who, drill, exercise, {
                "case": case, "asked": [], "definition": DEFINITION.format(who=who, drill=drill)})

    # peers read each drill's own definitions, under keys of that drill
    first = me["p1"].peer_definitions("c", "drill_definition", case)  # the old call shape
    assert first == me["p1"].peer_definitions("c", "drill_definition", case, module="drill")
    second = me["p1"].peer_definitions("c", "second_definition", case, module="drill2")
    assert sorted(e["definition"].rsplit("(", 1)[1] for e in first) == [
        "p1, drill).", "p2, drill).", "p3, drill)."]
    assert sorted(e["definition"].rsplit("(", 1)[1] for e in second) == [
        "p1, drill2).", "p2, drill2).", "p3, drill2)."]
    assert not {e["key"] for e in first} & {e["key"] for e in second}
    keys = {drill: room.definition_keys("c", module=drill) for drill in ("drill", "drill2")}
    assert keys["drill"] == room.definition_keys("c")  # the old call shape: the first drill
    assert set(keys["drill"]) == set(keys["drill2"]) == {f"{case}:{p}" for p in people}

    # votes: each in its own drill, for a key of that drill, never one's own
    vote_2 = {"case": case, "key": keys["drill2"][f"{case}:p3"]}
    with pytest.raises(AccessError, match="there is no definition"):
        me["p1"].submit("c", "p1", "drill", "drill_vote", vote_2)  # drill2's key in drill
    with pytest.raises(AccessError, match="your own definition"):
        me["p1"].submit("c", "p1", "drill2", "second_vote",
                        {"case": case, "key": keys["drill2"][f"{case}:p1"]})
    me["p1"].submit("c", "p1", "drill", "drill_vote",
                    {"case": case, "key": keys["drill"][f"{case}:p2"]})
    me["p1"].submit("c", "p1", "drill2", "second_vote", vote_2)
    me["p1"].submit("c", "p1", "drill2", "second_vote", vote_2)  # again: still one vote
    votes = {drill: room.module_answers("c", drill, exercise)
             for drill, exercise in (("drill", "drill_vote"), ("drill2", "second_vote"))}
    assert [p["key"] for p in votes["drill"]["payload"]] == [keys["drill"][f"{case}:p2"]]
    assert [p["key"] for p in votes["drill2"]["payload"]] == [vote_2["key"]]
    with pytest.raises(ParameterError, match="module 'gift' offers no 'peer_definitions'"):
        me["p1"].peer_definitions("c", "drill_definition", case, module="gift")

    # the participant's vote form of the second drill lists and stores that drill's own
    from workshop_kit.modules.drill.forms import PeerVoteForm

    form = PeerVoteForm(me["p2"], "c", "p2", day.modules["drill2"], day.cases[case],
                        module="drill2")
    assert sorted(e["key"] for e in form.entries) == sorted(keys["drill2"].values())
    form.vote(form.labels[keys["drill2"][f"{case}:p1"]])
    assert form.submit(), form.message.value
    stored = room.module_answers("c", "drill2", "second_vote")
    assert sorted(stored["participant"]) == ["p1", "p2"]
    assert room.module_answers("c", "drill", "drill_vote")["participant"].tolist() == ["p1"]
    for client in (*me.values(), room):
        client.close()
