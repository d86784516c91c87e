"""What a built notebook shows: words and widgets, never code, placeholders or a credential.

Every code cell of every built notebook is folded (JupyterLab's `source_hidden`); the template's
parameters cell is gone (papermill's injected cell replaces it); a token appears only in that
hidden injected cell, never in text, an output or a repr; a participant's notebook carries the
cell that links to its app view (Voilà) and that link holds the server's base URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workshop_kit import appview
from workshop_kit.client import FacilitatorClient, ParticipantClient
from workshop_kit.cohort import APP_LINK_CELL, BuiltCohort, _prepare, build, token_of

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, copy_demo) -> BuiltCohort:
    return copy_demo(tmp_path_factory.mktemp("view") / "demo")


def notebooks(built: BuiltCohort) -> list[Path]:
    return sorted(built.folder.glob("participants/*/*.ipynb")) + sorted(
        built.folder.glob("facilitator/*.ipynb"))


def test_every_code_cell_of_every_built_notebook_is_hidden(demo):
    paths = notebooks(demo)
    assert len(paths) == 12 * 7 + 8
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code, path
        shown = [c.id for c in code if not c.metadata.get("jupyter", {}).get("source_hidden")]
        assert shown == [], f"{path}: code shown in {shown}"


def test_the_templates_parameters_cell_is_replaced_by_the_injected_one(demo):
    for path in notebooks(demo):
        nb = nbformat.read(path, as_version=4)
        tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
        assert "parameters" not in tags, path
        assert tags.count("injected-parameters") == 1, path
        text = path.read_text(encoding="utf-8")
        assert "template-participant" not in text and '"template"' not in text, path
    nb = nbformat.read(demo.folder / "participants/p05/03_roleplay.ipynb", as_version=4)
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'participant_id = "p05"' in injected.source and "roles = [" in injected.source


def test_a_token_is_only_in_the_hidden_injected_cell(demo):
    people = [p["id"] for p in demo.manifest["participants"]]
    for path in notebooks(demo):
        who = "facilitator" if path.parent.name == "facilitator" else path.parent.name
        token = token_of(demo.manifest, demo.folder, who)
        nb = nbformat.read(path, as_version=4)
        holders = [c.id for c in nb.cells if token in c.source]
        assert holders == ["injected-parameters"], path
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path
        assert token not in json.dumps(nb.metadata)
        others = [token_of(demo.manifest, demo.folder, p) for p in people if p != who]
        assert not any(t in path.read_text(encoding="utf-8") for t in others), path


def test_a_participant_notebook_links_to_its_app_view_the_facilitators_do_not(demo):
    nb = nbformat.read(demo.folder / "participants/p01/01_checkin.ipynb", as_version=4)
    ids = [c.id for c in nb.cells]
    assert ids[ids.index("injected-parameters") + 1] == "app-view-link"
    assert nb.cells[ids.index("app-view-link")].source.strip() == APP_LINK_CELL
    cockpit = nbformat.read(demo.folder / "facilitator/00_cockpit.ipynb", as_version=4)
    assert "app-view-link" not in [c.id for c in cockpit.cells]


def test_the_html_page_of_a_built_notebook_holds_no_code_and_no_token(demo):
    """The pages `run` writes (nbconvert, inputs excluded), and Voilà's template alike, leave
    every input out: here the injected cell's text never reaches the page."""
    from nbconvert import HTMLExporter

    path = demo.folder / "participants/p02/01_checkin.ipynb"
    exporter = HTMLExporter(exclude_input=True, exclude_output_prompt=True,
                            exclude_input_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    assert token_of(demo.manifest, demo.folder, "p02") not in body
    assert "import workshop_kit" not in body and "ParticipantSession" not in body


def test_a_template_parameter_the_build_does_not_set_keeps_its_default(tmp_path):
    template = tmp_path / "t.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell('cohort_id = "template"\nshow_hints = True\n',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(cohort_id, show_hints)")]
    nbformat.write(nb, template)
    built = nbformat.reads(_prepare(template, {"cohort_id": "c1"}).decode(), as_version=4)
    sources = [c.source for c in built.cells]
    assert len(built.cells) == 3 and '"template"' not in "".join(sources)
    assert 'cohort_id = "c1"' in sources[1] and "show_hints = True" in sources[1]
    assert all(c.metadata["jupyter"]["source_hidden"] for c in built.cells[1:])
    assert _prepare(template, {"cohort_id": "c1"}) == _prepare(template, {"cohort_id": "c1"})


def test_a_hub_build_hides_its_cells_too_and_holds_no_token(tmp_path):
    (tmp_path / "roster.csv").write_text("id,name,email,practice_area\n"
                                         "p01,Ann,a@x.org,legal\np02,Bob,b@x.org,legal\n")
    (tmp_path / "c.yaml").write_text("id: hubday\nname: Hub day\ndate: '2026-12-03'\n"
                                     "roster: roster.csv\nfacilitator_hub_user: fac\n")
    build(tmp_path / "c.yaml", REPO / "data", tmp_path / "out", hub=True)
    nb = nbformat.read(tmp_path / "out/participants/p01/01_checkin.ipynb", as_version=4)
    assert all(c.metadata["jupyter"]["source_hidden"] for c in nb.cells
               if c.cell_type == "code")
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'token = ""' in injected.source


def test_the_clients_reprs_show_no_token():
    """Evaluating `me.store` or `room.store` in a cell shows who and where, never the token
    (the sessions themselves keep no token: only their client holds it)."""
    secret = "0123456789abcdef0123456789abcdef"
    for client in (ParticipantClient("http://127.0.0.1:9", "c1", "p01", secret),
                   FacilitatorClient("http://127.0.0.1:9", "c1", secret)):
        assert secret not in repr(client) and secret not in str(client)
        assert "c1" in repr(client)


# -- the app view's address ----------------------------------------------------------------------


def test_app_url_holds_the_base_url_and_the_path_from_the_servers_root(tmp_path):
    notebook = tmp_path / "participants" / "p 01" / "01_checkin.ipynb"
    assert (appview.app_url(str(notebook), "/", str(tmp_path))
            == "/voila/render/participants/p%2001/01_checkin.ipynb")
    assert (appview.app_url(str(notebook), "/user/ann/", str(tmp_path))
            == "/user/ann/voila/render/participants/p%2001/01_checkin.ipynb")
    assert (appview.app_url("workshop/01_checkin.ipynb", "/hub-prefix/user/ann", "/home/ann")
            == "/hub-prefix/user/ann/voila/render/workshop/01_checkin.ipynb")
    assert appview.app_url("/elsewhere/x.ipynb", "/", str(tmp_path)) is None


def test_app_link_is_empty_in_voila_and_without_a_notebook(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    assert appview.app_link() is None  # no notebook: nothing to link to
    monkeypatch.setenv("JPY_SESSION_NAME", "participants/p01/01_checkin.ipynb")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ann/")
    monkeypatch.setattr(appview, "_server_info", lambda pid: None)
    link = appview.app_link()
    assert link is not None
    assert 'href="/user/ann/voila/render/participants/p01/01_checkin.ipynb"' in link.data
    assert 'target="_blank"' in link.data
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert appview.app_link() is None


def test_app_url_reads_the_running_servers_runtime_file(tmp_path):
    """A kernel finds its server's base URL and root folder in the server's runtime file,
    matched by the kernel's parent process id (here: this test's process as the "server")."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / f"jpserver-{os.getpid()}.json").write_text(json.dumps(
        {"pid": os.getpid(), "base_url": "/jl/", "root_dir": str(tmp_path)}))
    code = ("import os\nfrom workshop_kit.appview import app_url\n"
            "print(app_url())")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime),
           "JPY_SESSION_NAME": str(tmp_path / "participants/p01/01_checkin.ipynb")}
    env.pop("JUPYTERHUB_SERVICE_PREFIX", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "/jl/voila/render/participants/p01/01_checkin.ipynb"


def test_build_and_handout_say_where_the_app_view_is(tmp_path, capsys):
    from workshop_kit.cli import main
    from workshop_kit.hub import app_view_line

    assert main(["build", str(REPO / "data/cohorts/demo.yaml"), "--data", str(REPO / "data"),
                 "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert (f"app view: with JupyterLab started in {tmp_path / 'demo'}, each participant opens "
            "<its address>/voila/render/participants/<id>/01_checkin.ipynb") in out
    assert app_view_line("workshop") == (
        "app view: each participant opens <hub>/user/<login>/voila/tree/workshop/ and clicks a "
        "notebook (no code, it runs by itself), or the link at the top of a notebook in "
        "JupyterLab (<hub>/user/<login>/lab/tree/workshop/)")
    assert "voila/tree/ and" in app_view_line(".")
