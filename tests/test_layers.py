"""The layers of DESIGN.md, checked on the source: the core names no module type, imports no
module folder, and a module folder imports no other module folder."""

import ast
from pathlib import Path

import pytest

from workshop_kit import modules

SRC = Path(__file__).resolve().parents[1] / "src" / "workshop_kit"
TYPES = sorted(modules.registry())
CORE = sorted(p for p in SRC.rglob("*.py") if "modules" not in p.relative_to(SRC).parts)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _names_a_type(text: str) -> str | None:
    for name in TYPES:
        if text == name or text.startswith((f"{name}_", f"{name}:", f"{name}.")):
            return name
    return None


def module_names_in(path: Path) -> list[str]:
    """Where a source file names a module type: a string that is (or starts) a type's name, an
    attribute called like a type (`content.drill`), an import of a module folder."""
    tree = ast.parse(path.read_text(), str(path))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        hit = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            hit = _names_a_type(node.value)
        elif isinstance(node, ast.Attribute) and node.attr in TYPES:
            hit = node.attr
        elif isinstance(node, ast.ImportFrom) and node.module and "modules." in node.module:
            hit = node.module
        elif isinstance(node, ast.ImportFrom) and node.module in ("modules", None):
            hit = next((a.name for a in node.names if a.name in TYPES), None)
        if hit:
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {hit}")
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_names_no_module(path):
    assert module_names_in(path) == []


@pytest.mark.parametrize("name", TYPES)
def test_a_module_folder_imports_no_other_folder(name):
    folder = SRC / "modules" / name
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            targets = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                       [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for target in targets:
                parts = target.split(".")
                if "modules" in parts and parts.index("modules") + 1 < len(parts):
                    assert parts[parts.index("modules") + 1] == name, f"{path}: {target}"
                assert not (isinstance(node, ast.ImportFrom) and node.level > 1), (
                    f"{path}:{node.lineno}: import the kit's core as workshop_kit.…, not "
                    "relatively, so the folder also works as a package of its own")


@pytest.mark.parametrize("name", TYPES)
def test_every_part_of_a_type_imports(name):
    kind = modules.get(name)
    found = [part for part in modules.PARTS if kind.part(part) is not None]
    assert "content" in found and "answers" in found, found
