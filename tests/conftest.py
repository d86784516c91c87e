"""Shared fixtures: a real SQLite store in a temporary folder, a copy of the repository's data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshop_kit.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture
def store(tmp_path: Path):
    with Store(f"sqlite:///{tmp_path / 'responses.sqlite'}") as s:
        yield s


@pytest.fixture
def content():
    from workshop_kit.content import load_content

    return load_content(DATA)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/, workshops/ and facilitator/ that a test may break."""
    root = tmp_path / "repo"
    for name in ("data", "workshops", "facilitator"):
        shutil.copytree(REPO / name, root / name)
    return root
