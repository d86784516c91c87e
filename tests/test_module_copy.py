"""Adding a module type is copying a folder: a trainer's own package (a copy of a built-in
module's folder under a new name, registered through the `workshop_kit.modules` entry point
group) plus one agenda line, its content file and its two notebooks — and nothing else. Then
`validate`, `build`, `run --simulate` and `report` work with it, through the real CLI."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workshop_kit.store import Store

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "workshop_kit"


def _tree_hash(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _cli(*args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "workshop_kit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("original, new", [("purpose", "values_sort")])
def test_a_copied_module_folder_is_a_new_module(tmp_path, original, new):
    kit_before = _tree_hash(SRC, ROOT / "data", ROOT / "workshops", ROOT / "facilitator")
    # The trainer's package: the folder copied under a new name, and its entry point.
    plugins = tmp_path / "plugins"
    shutil.copytree(SRC / "modules" / original, plugins / f"acme_{new}",
                    ignore=shutil.ignore_patterns("__pycache__"))
    info = plugins / f"acme_{new}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: acme-{new}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[workshop_kit.modules]\n{new} = acme_{new}\n")
    # The workshop: the kit's data and notebooks, plus one agenda line, a content file and
    # the two notebooks of the new module (copies of the original's).
    work = tmp_path / "work"
    for folder in ("data", "workshops", "facilitator"):
        shutil.copytree(ROOT / folder, work / folder)
    shutil.copy(work / "data" / "modules" / f"{original}.yaml",
                work / "data" / "modules" / f"{new}.yaml")
    agenda = work / "data" / "agenda.yaml"
    line = next(m for m in yaml.safe_load(agenda.read_text())["modules"]
                if m["id"] == original)
    for kind in ("notebook", "facilitator_notebook"):
        shutil.copy(work / line[kind], work / Path(line[kind]).with_name(f"{new}.ipynb"))
    agenda.write_text(agenda.read_text() + (
        f"  - id: {new}\n    type: {new}\n    title: Sort what you believe, again\n"
        f"    minutes: 20\n    notebook: workshops/{new}.ipynb\n"
        f"    facilitator_notebook: facilitator/{new}.ipynb\n"
        f"    content: modules/{new}.yaml\n    opening: Once more, with this afternoon's eyes.\n"
        "    closing: What moved since the morning?\n"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugins), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}

    assert "all valid" in _cli("validate", "--data", "data", "data/cohorts/demo.yaml",
                               env=env, cwd=work)
    _cli("build", "data/cohorts/demo.yaml", "--data", "data", "--out", "out", env=env, cwd=work)
    built = sorted(p.name for p in (work / "out" / "participants" / "p01").glob("*.ipynb"))
    assert any(new in name for name in built), built
    ran = _cli("run", "out", "--simulate", "--modules", new, env=env, cwd=work)
    assert f"{new}" in ran and "FAILED" not in ran, ran
    with Store(f"sqlite:///{work / 'out' / 'responses.sqlite'}") as store:
        copied = store.module_answers("demo", new)
        again = store.module_answers("demo", original)
    assert len(copied) >= 12 and len(again) >= 12  # every participant answered both
    _cli("report", "out", env=env, cwd=work)
    page = (work / "out" / "reports" / "p01.html").read_text()
    # the copy's section beside the original's: a copied folder keeps the original's headings,
    # and the page tells the two apart by the copy's agenda title
    assert page.count("<h2>What is selling for?</h2>") == 1
    assert page.count("<h2>What is selling for? · Sort what you believe, again</h2>") == 1
    summary = (work / "out" / "reports" / "cohort.html").read_text()
    headings = re.findall(r"<h2>(.*?)</h2>", summary)
    assert len(headings) == len(set(headings)), headings
    # The kit itself was not touched.
    assert _tree_hash(SRC, ROOT / "data", ROOT / "workshops", ROOT / "facilitator") == kit_before
