"""Errors in plain words, in real kernels: the kit's kernelspec (the one in this repository,
found through JUPYTER_PATH) starts ipykernel with `workshop_kit.friendly` loaded, so even the
first cell of a fresh kernel gets one sentence and the traceback folded below it; anything
else keeps IPython's own traceback."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from workshop_kit import kernel as kit_kernel
from workshop_kit.errors import AccessError, ExerciseLockedError, ParameterError, StoreError
from workshop_kit.friendly import RUN_ALL, sentence

REPO = Path(__file__).resolve().parents[1]
SHARE = REPO / "share" / "jupyter"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WORKSHOP_KIT_", "JUPYTERHUB_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    return {**env, **extra}


@pytest.fixture(scope="module")
def kit_kernel_client():
    """A kernel started from this repository's kernelspec 'workshop-kit'."""
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(SHARE)
    try:
        manager, client = start_new_kernel(kernel_name="workshop-kit", env=_env())
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH")
        else:
            os.environ["JUPYTER_PATH"] = old
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str) -> list[dict]:
    """The outputs of one cell: [{"type": msg_type, **content}]."""
    msg_id = client.execute(code)
    outputs = []
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs
        if kind in ("error", "display_data", "stream", "execute_result"):
            outputs.append({"type": kind, **content})


def _friendly(outputs: list[dict]) -> tuple[dict, str]:
    """The error output (one sentence) and the folded details that follow it."""
    assert [o["type"] for o in outputs] == ["error", "display_data"], outputs
    error, details = outputs[0], outputs[1]["data"]["text/html"]
    assert len(error["traceback"]) == 1 and "\n" not in error["traceback"][0]
    assert details.startswith('<details class="workshop-kit-details"><summary>Details for the '
                              "facilitator</summary><pre>")
    assert "Traceback" in details or "Cell In[" in details
    return error, details


def test_the_shipped_kernelspec_is_the_one_install_writes(tmp_path):
    shipped = json.loads((SHARE / "kernels/workshop-kit/kernel.json").read_text())
    assert shipped == kit_kernel.KERNELSPEC
    where = kit_kernel.install(prefix=str(tmp_path))
    assert json.loads((Path(where) / "kernel.json").read_text()) == shipped


def test_run_uses_the_kits_kernel_when_jupyter_finds_it(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(SHARE))
    assert kit_kernel.kernel_for_run() == "workshop-kit"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setattr("jupyter_client.kernelspec.KernelSpecManager.find_kernel_specs",
                        lambda self: {"python3": "/somewhere"})
    assert kit_kernel.kernel_for_run() == "python3"


def test_the_first_cell_of_a_fresh_kernel_run_out_of_order(kit_kernel_client):
    error, details = _friendly(_run(kit_kernel_client, 'me.intro("checkin")'))
    assert error["ename"] == "NameError" and error["evalue"] == "name 'me' is not defined"
    assert error["traceback"] == [
        f"The cells above this one have not run yet (or the notebook restarted): choose {RUN_ALL}."]
    assert "NameError: name &#x27;me&#x27; is not defined" in details
    assert "me.intro(" in details


def test_missing_parameters_and_the_blank_template(kit_kernel_client):
    error, _ = _friendly(_run(kit_kernel_client, "print(participant_id)"))
    assert error["traceback"] == [
        f"The notebook's settings cell has not run yet: choose {RUN_ALL}."]
    # the template's own parameters, opened outside `workshop-kit cockpit`
    cells = ('participant_id = "template-participant"\ncohort_id = "template"\n'
             'service_url = ""\ntoken = ""\nimport workshop_kit as wk\n'
             "me = wk.ParticipantSession(participant_id, cohort_id, service_url, token=token)")
    error, details = _friendly(_run(kit_kernel_client, cells))
    assert error["ename"] == "ParameterError"
    assert "blank template, not your own notebook" in error["traceback"][0]
    assert "no workshop service to talk to" in details


def test_a_service_that_does_not_answer(kit_kernel_client):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import workshop_kit as wk\nwk.ParticipantSession('p1', 'c', "
            f"'http://127.0.0.1:{port}', token='t1')")
    error, details = _friendly(_run(kit_kernel_client, code))
    assert error["ename"] == "StoreError"
    assert error["traceback"] == [
        f"The workshop service did not answer: wait a moment, then choose {RUN_ALL} again."]
    assert "cannot reach the workshop service at" in details


def test_a_bug_that_is_not_the_kits_and_an_interrupt_keep_their_traceback(kit_kernel_client):
    outputs = _run(kit_kernel_client, "def f():\n    return 1 / 0\nf()")
    assert [o["type"] for o in outputs] == ["error"]
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(outputs[0]["traceback"]))
    assert "ZeroDivisionError" in text and "return 1 / 0" in text
    outputs = _run(kit_kernel_client, "raise KeyboardInterrupt")
    assert [o["type"] for o in outputs] == ["error"]
    assert outputs[0]["ename"] == "KeyboardInterrupt" and len(outputs[0]["traceback"]) > 1


def test_a_developer_can_ask_for_tracebacks():
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(SHARE)
    try:
        manager, client = start_new_kernel(kernel_name="workshop-kit",
                                           env=_env(WORKSHOP_KIT_TRACEBACKS="1"))
    finally:
        os.environ.pop("JUPYTER_PATH") if old is None else os.environ.update(JUPYTER_PATH=old)
    try:
        outputs = _run(client, "me")
        assert [o["type"] for o in outputs] == ["error"] and len(outputs[0]["traceback"]) > 1
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_plain_python_kernel_gets_it_from_import_workshop_kit():
    manager, client = start_new_kernel(kernel_name="python3", env=_env())
    try:
        assert [o["type"] for o in _run(client, "me")] == ["error"]  # IPython's own
        _run(client, "import workshop_kit")
        error, _ = _friendly(_run(client, "me"))
        assert RUN_ALL in error["traceback"][0]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_papermill_still_sees_the_cell_fail(tmp_path, monkeypatch):
    """A built notebook names the kit's kernel; papermill (workshop-kit run) starts it, and a
    failing cell still fails the run, with the exception's name and value."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    monkeypatch.setenv("JUPYTER_PATH", str(SHARE))
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(kit_kernel.NOTEBOOK_KERNELSPEC)
    nb.cells = [nbformat.v4.new_code_cell("room.opening('checkin')")]
    nbformat.write(nb, tmp_path / "in.ipynb")
    with pytest.raises(PapermillExecutionError) as raised:
        pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                            progress_bar=False, log_output=False)
    assert raised.value.ename == "NameError"
    ran = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = next(c for c in ran.cells if c.cell_type == "code").outputs
    assert outputs[0].output_type == "error" and RUN_ALL in outputs[0].traceback[0]
    assert "Details for the facilitator" in outputs[1].data["text/html"]


@pytest.mark.parametrize(("error", "namespace", "expected"), [
    (NameError("name 'x' is not defined", name="x"), {}, "cells above this one"),
    (ExerciseLockedError("locked"), {}, "closed this exercise"),
    (AccessError("wrong token"), {}, "refused this notebook"),
    (StoreError("cannot reach"), {}, "did not answer"),
    (ParameterError("no service"), {"cohort_id": "template"}, "blank template"),
    (ParameterError("roles contains 'boss'; rebuild the cohort"), {"cohort_id": "c"},
     "The workshop kit stopped here: roles contains 'boss'; rebuild the cohort. If you"),
])
def test_each_kind_of_error_gets_its_sentence(error, namespace, expected):
    said = sentence(error, namespace)
    assert expected in said and "\n" not in said
    assert len(said) <= 105 or isinstance(error, ParameterError)  # one line of the error box


def test_others_are_left_alone():
    assert sentence(KeyboardInterrupt()) is None
    assert sentence(ZeroDivisionError("division by zero")) is None
    assert sentence(ValueError("bad")) is None
