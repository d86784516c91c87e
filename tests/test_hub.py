"""The day on a JupyterHub, without a hub: the roster's hub_user, a --hub build (no token in
any notebook), the service mapping a hub credential to a participant (HubAuth stubbed) and the
hub-config lines. tests/hub/ runs the same against a real JupyterHub with real Linux users."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import ClassVar

import nbformat
import pytest

from helpers import copy_built
from workshop_kit.cohort import BuiltCohort, build, token_of
from workshop_kit.content import read_roster
from workshop_kit.errors import AccessError, ContentError, ParameterError
from workshop_kit.hub import hub_config
from workshop_kit.service import Service, ServiceConfig
from workshop_kit.store import FACILITATOR

REPO = Path(__file__).resolve().parents[1]
ROSTER = ("id,name,email,practice_area,hub_user\n"
          "p01,Ann,a@x.org,legal,ann\n"
          "p02,Bob,b@x.org,consulting,\n"
          "p03,Cy,c@x.org,accounting,\n")


def write_cohort(folder: Path, roster: str = ROSTER, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    path = folder / "hub.yaml"
    path.write_text(f'id: hubday\nname: Hub day\ndate: "2026-12-03"\nroster: roster.csv\n'
                    f"{extra}", encoding="utf-8")
    return path


def test_hub_user_defaults_to_the_id_and_must_be_unique(tmp_path):
    people = read_roster(write_cohort(tmp_path).parent / "roster.csv")
    assert [p.hub_user for p in people] == ["ann", "p02", "p03"]
    clash = ROSTER.replace("p01,Ann,a@x.org,legal,ann", "p01,Ann,a@x.org,legal,p02")
    with pytest.raises(ContentError, match="field 'hub_user' 'p02' already used on line 2"):
        read_roster(write_cohort(tmp_path / "clash", clash).parent / "roster.csv")
    bad = ROSTER.replace(",ann", ",Ann Smith")
    with pytest.raises(ContentError, match="is not a JupyterHub login"):
        read_roster(write_cohort(tmp_path / "bad", bad).parent / "roster.csv")


def test_a_hub_build_needs_the_facilitators_login(tmp_path):
    cohort_file = write_cohort(tmp_path, extra="hub: true\n")
    with pytest.raises(ParameterError, match="needs 'facilitator_hub_user"):
        build(cohort_file, REPO / "data", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    cohort_file = write_cohort(tmp_path, extra="facilitator_hub_user: ann\n")
    with pytest.raises(ParameterError, match="also the hub login of participant 'p01'"):
        build(cohort_file, REPO / "data", tmp_path / "out", hub=True)


@pytest.fixture(scope="module")
def hub_source(tmp_path_factory) -> Path:
    """The hub build of the three-person cohort, built once for this module."""
    root = tmp_path_factory.mktemp("hub")
    cohort_file = write_cohort(root / "in", extra="facilitator_hub_user: facil\n"
                                                  "facilitator_hub_group: facilitators\n")
    build(cohort_file, REPO / "data", root / "hubday", hub=True)
    return root / "hubday"


@pytest.fixture
def hub_built(tmp_path, hub_source) -> BuiltCohort:
    """This test's own copy of the module's hub build."""
    return copy_built(hub_source, tmp_path / "hubday")


def test_a_hub_build_writes_no_token_into_any_notebook(hub_built):
    manifest = hub_built.manifest
    assert manifest["hub"] is True and manifest["facilitator_hub_user"] == "facil"
    assert [p["hub_user"] for p in manifest["participants"]] == ["ann", "p02", "p03"]
    notebooks = sorted(hub_built.folder.rglob("*.ipynb"))
    assert len(notebooks) > 10
    # no per-person token in any file: cohort.json keeps none either; the service and the
    # trainer's commands derive them from the cohort's secret
    assert "facilitator_token" not in manifest
    assert not any("token" in p for p in manifest["participants"])
    secrets = [token_of(manifest, hub_built.folder, p["id"]) for p in manifest["participants"]]
    secrets.append(token_of(manifest, hub_built.folder, "facilitator"))
    for path in sorted(hub_built.folder.rglob("*")):
        if path.is_file() and path.name != "responses.sqlite":
            assert not any(s in path.read_text(errors="replace") for s in secrets), path
    for path in notebooks:
        text = path.read_text(encoding="utf-8")
        assert not any(s in text for s in secrets), path
        injected = [c for c in nbformat.reads(text, as_version=4).cells
                    if "injected-parameters" in c.metadata.get("tags", [])]
        assert 'token = ""' in injected[0].source, path


class FakeHubAuth:
    """What the service uses of jupyterhub.services.auth.HubAuth."""

    access_scopes = frozenset({"access:services!service=workshop"})
    users: ClassVar[dict[str, dict]] = {
        "tok-ann": {"kind": "user", "name": "ann", "scopes": ["access:services!service=workshop"]},
        "tok-p02": {"kind": "user", "name": "p02", "scopes": ["access:services!service=workshop"]},
        "tok-facil": {"kind": "user", "name": "facil",
                      "scopes": ["access:services!service=workshop"]},
        "tok-cofacil": {"kind": "user", "name": "cofacil", "groups": ["facilitators"],
                        "scopes": ["access:services!service=workshop"]},
        "tok-noscope": {"kind": "user", "name": "p03", "scopes": ["access:servers!server"]},
        "tok-stranger": {"kind": "user", "name": "eve",
                         "scopes": ["access:services!service=workshop"]},
    }

    def user_for_token(self, token, sync=True):
        return self.users.get(token)

    def check_scopes(self, required, user):
        return set(required) & set(user["scopes"])


@pytest.fixture
def service(hub_built):
    config = ServiceConfig.from_folder(hub_built.folder, connections=1, hub=True)
    config.hub._auth = FakeHubAuth()
    service = Service(config)
    yield service
    service.close()


def test_a_hub_credential_acts_as_its_roster_participant_only(service):
    call = service.call
    with pytest.raises(AccessError, match="hub user 'ann' is participant 'p01' and cannot act "
                                          "as 'p02'"):
        call("participant", "p02", "tok-ann", "latest", {"participant": "p02"}, hub=True)
    assert call("participant", "p01", "tok-ann", "latest", {"participant": "p01"},
                hub=True) == []
    with pytest.raises(AccessError, match="'p01' cannot read the answers of 'p02'"):
        call("participant", "p01", "tok-ann", "latest", {"participant": "p02"}, hub=True)
    with pytest.raises(AccessError, match="lacks access:services!service=workshop"):
        call("participant", "p03", "tok-noscope", "latest", {"participant": "p03"}, hub=True)
    with pytest.raises(AccessError, match="'eve' is not in the roster"):
        call("participant", "p03", "tok-stranger", "latest", {"participant": "p03"}, hub=True)
    with pytest.raises(AccessError, match="does not know this credential"):
        call("participant", "p01", "forged", "latest", {"participant": "p01"}, hub=True)
    with pytest.raises(AccessError, match="'ann' is not the facilitator"):
        call("facilitator", FACILITATOR, "tok-ann", "count", {}, hub=True)
    assert call("facilitator", FACILITATOR, "tok-facil", "count", {}, hub=True) >= 0
    assert call("facilitator", FACILITATOR, "tok-cofacil", "count", {}, hub=True) >= 0
    service.authenticate("p02", "tok-p02", hub=True)  # the content, for a hub credential


def test_a_service_not_on_a_hub_refuses_hub_credentials(hub_built):
    config = ServiceConfig.from_folder(hub_built.folder, connections=1)
    service = Service(config)
    try:
        with pytest.raises(AccessError, match="does not run under a JupyterHub"):
            service.call("participant", "p01", "tok-ann", "latest", {"participant": "p01"},
                         hub=True)
        # the kit token still works as ever
        token = token_of(hub_built.manifest, hub_built.folder, "p01")
        assert service.call("participant", "p01", token, "latest",
                            {"participant": "p01"}) == []
    finally:
        service.close()


def test_serve_hub_needs_a_hub_build(tmp_path):
    shutil.copytree(REPO / "data/cohorts", tmp_path / "cohorts")
    build(tmp_path / "cohorts/demo.yaml", REPO / "data", tmp_path / "demo")
    with pytest.raises(ParameterError, match="not built for a JupyterHub"):
        ServiceConfig.from_folder(tmp_path / "demo", hub=True)
    with pytest.raises(ParameterError, match="not built for a JupyterHub"):
        hub_config(tmp_path / "demo")


def test_hub_config_registers_the_service_and_grants_the_server_tokens(hub_built):
    text = hub_config(hub_built.folder, port=9123, python="/opt/kit/bin/python")

    class Section(dict):
        def __getattr__(self, name):
            return self.setdefault(name, Section())

        def __setattr__(self, name, value):
            self[name] = value

    config = Section()
    exec(compile(text, "jupyterhub_config.py", "exec"), {"c": config})
    service = config["JupyterHub"]["services"][0]
    assert service["name"] == "workshop" and service["url"] == "http://127.0.0.1:9123"
    assert service["command"] == ["/opt/kit/bin/python", "-m", "workshop_kit.cli", "serve",
                                  str(hub_built.folder.resolve()), "--hub"]
    assert "access:services!service=workshop" in config["Spawner"]["server_token_scopes"]
    assert config["JupyterHub"]["load_roles"] == [
        {"name": "user", "scopes": ["self", "access:services!service=workshop"]}]
    assert config["Spawner"]["environment"] == {
        "WORKSHOP_KIT_SERVICE_URL": "http://127.0.0.1:9123"}


def test_the_trainer_runs_a_hub_builds_facilitator_notebooks_with_the_token_of_cohort_json(
        hub_built, monkeypatch):
    from workshop_kit.day import run

    monkeypatch.delenv("WORKSHOP_KIT_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    [checkin] = run(hub_built.folder, "checkin", simulate=True)
    assert checkin.error is None and checkin.html.is_file()
    assert "WORKSHOP_KIT_TOKEN" not in os.environ


def test_the_trainers_cockpit_of_a_hub_build_gets_the_facilitators_token(hub_built, monkeypatch):
    from workshop_kit import day

    seen = {}
    monkeypatch.delenv("WORKSHOP_KIT_TOKEN", raising=False)
    monkeypatch.setattr(day, "launch_jupyter_lab", lambda folder, notebook: seen.update(
        token=os.environ.get("WORKSHOP_KIT_TOKEN")) or 0)
    assert day.cockpit(hub_built.folder) == 0
    assert seen["token"] == token_of(hub_built.manifest, hub_built.folder, "facilitator")
    assert "WORKSHOP_KIT_TOKEN" not in os.environ


def test_handout_refuses_a_home_pattern_that_names_no_one_or_someone_unknown(hub_built):
    from workshop_kit.hub import handout

    with pytest.raises(ParameterError, match="names no one"):
        handout(hub_built.folder, "/home/workshop")
    with pytest.raises(ParameterError, match=r"only \{user\} and \{id\} may be filled in"):
        handout(hub_built.folder, "/home/{user}/{name}")


def test_validate_checks_a_hub_cohorts_logins(tmp_path):
    from workshop_kit.cohort import validate

    good = write_cohort(tmp_path / "good", extra="hub: true\nfacilitator_hub_user: facil\n")
    lines = validate(REPO / "data", [good])
    assert f"{good}: 3 participants, on a JupyterHub (facilitator: facil)" in lines
    bad = write_cohort(tmp_path / "bad", extra="hub: true\n")
    with pytest.raises(ContentError, match="needs 'facilitator_hub_user"):
        validate(REPO / "data", [bad])


# -- fetch: each person takes their own notebooks from the service --------------------------
@pytest.fixture
def serve_folder(serve_config):
    """`serve` of a built folder in this process (hub credentials checked by FakeHubAuth)."""

    def start(folder: Path, hub: bool = False) -> str:
        config = ServiceConfig.from_folder(folder, connections=1, hub=hub)
        if hub:
            config.hub._auth = FakeHubAuth()
        return serve_config(config)

    return start


def _mode(path: Path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_fetch_with_a_kit_token_writes_only_ones_own_notebooks_privately(tmp_path, serve_folder):
    from workshop_kit.cli import main
    from workshop_kit.hub import fetch

    shutil.copytree(REPO / "data/cohorts", tmp_path / "cohorts")
    build(tmp_path / "cohorts/demo.yaml", REPO / "data", tmp_path / "demo")
    built = BuiltCohort.open(tmp_path / "demo")
    url = serve_folder(built.folder)
    p01, p02 = built.manifest["participants"][:2]
    into = tmp_path / "home/workshop"
    line = fetch(into, url, p01["id"], p01["token"])
    mine = sorted(p.name for p in (built.folder / "participants" / p01["id"]).glob("*.ipynb"))
    assert line == f"{p01['id']}'s notebooks: {len(mine)} written, 0 unchanged in {into}"
    assert sorted(p.name for p in into.glob("*.ipynb")) == mine
    assert _mode(into) == 0o700 and all(_mode(p) == 0o600 for p in into.glob("*.ipynb"))
    for name in mine:
        assert (into / name).read_bytes() == (
            built.folder / "participants" / p01["id"] / name).read_bytes()
    # a re-run changes nothing and says so; an edited notebook is kept
    assert fetch(into, url, p01["id"], p01["token"]) == (
        f"{p01['id']}'s notebooks: unchanged, {len(mine)} notebooks in {into}")
    with open(into / mine[0], "a", encoding="utf-8") as edited:
        edited.write("\n")
    (into / mine[1]).unlink()
    assert fetch(into, url, p01["id"], p01["token"]) == (
        f"{p01['id']}'s notebooks: 1 written, {len(mine) - 2} unchanged, kept 1 you edited "
        f"({mine[0]}) in {into}")
    assert (into / mine[0]).read_text(encoding="utf-8").endswith("\n\n")
    # another's id with my token, or no token: refused, nothing written
    with pytest.raises(AccessError, match="token"):
        fetch(tmp_path / "other", url, p02["id"], p01["token"])
    with pytest.raises(AccessError):
        fetch(tmp_path / "other", url, "facilitator", p01["token"])
    assert not (tmp_path / "other").exists()
    # the facilitator gets the facilitator's notebooks, through the command
    fac = tmp_path / "fac"
    assert main(["fetch", "--into", str(fac), "--service-url", url, "--as", "facilitator",
                 "--token", built.manifest["facilitator_token"]]) == 0
    assert sorted(p.name for p in fac.glob("*.ipynb")) == sorted(
        p.name for p in (built.folder / "facilitator").glob("*.ipynb"))
    # a folder others may read is refused unless --fix-modes
    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o755)
    open_dir.chmod(0o755)
    with pytest.raises(ParameterError, match="readable by others"):
        fetch(open_dir, url, p01["id"], p01["token"])
    assert "open made 0700 (was 0755)" in fetch(open_dir, url, p01["id"], p01["token"],
                                                fix_modes=True)


def test_fetch_with_a_hub_credential_gets_that_persons_notebooks_only(
        hub_built, serve_folder, tmp_path, monkeypatch, capsys):
    from workshop_kit.cli import main
    from workshop_kit.hub import fetch

    url = serve_folder(hub_built.folder, hub=True)
    monkeypatch.setenv("WORKSHOP_KIT_SERVICE_URL", url)
    monkeypatch.delenv("WORKSHOP_KIT_TOKEN", raising=False)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-ann")
    assert main(["fetch", "--into", str(tmp_path / "ann")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("p01's notebooks: ") and out.count("\n") == 1, out
    for name in (hub_built.folder / "participants/p01").glob("*.ipynb"):
        assert (tmp_path / "ann" / name.name).read_bytes() == name.read_bytes()
    with pytest.raises(AccessError, match="is participant 'p01' and cannot fetch the "
                                          "notebooks of 'p02'"):
        fetch(tmp_path / "x", who="p02")
    with pytest.raises(AccessError, match="cannot fetch the notebooks of 'facilitator'"):
        fetch(tmp_path / "x", who="facilitator")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-stranger")
    with pytest.raises(AccessError, match="'eve' is not in the roster"):
        fetch(tmp_path / "x")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-noscope")
    with pytest.raises(AccessError, match="lacks access:services"):
        fetch(tmp_path / "x")
    assert not (tmp_path / "x").exists()
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-cofacil")  # the facilitator's group
    assert fetch(tmp_path / "co").startswith("the facilitator's notebooks: ")
    assert (tmp_path / "co/00_cockpit.ipynb").exists()
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN")
    with pytest.raises(ParameterError, match="no credential"):
        fetch(tmp_path / "x")
