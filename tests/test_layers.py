"""The package's layers: a module never imports one of a higher layer, at module level or
inside a function. The order follows the data flow, bytes -> R tree -> tidymodels objects
-> front ends."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pykerasnip"

#: layer number -> module prefixes (dotted, relative to the package); the longest prefix wins
LAYERS: dict[int, tuple[str, ...]] = {
    0: ("errors", "rds", "atomic", "registry"),
    1: ("convert", "rmath", "rrng", "factor", "rexpr", "rtree", "formula.parse", "formula.terms",
        "rsession", "rformat", "rlinalg", "fastica", "mixomics", "rpart", "native", "backend",
        "keras_archive", "rowblocks"),
    2: ("recipes",),
    3: ("hardhat", "formula"),
    4: ("model",),
    5: ("workflows", "bundles"),
    6: ("io", "r", "summary", "cli", "batch", "tables", "demo", "serve", "spark", "deploy",
        "docs_tables", "datasets", "__init__", "__main__"),
}

#: (importer, imported) -> why the upward edge stays; keep this empty
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _layer(module: str) -> int:
    best = max(((len(p), layer) for layer, prefixes in LAYERS.items() for p in prefixes
                if module == p or module.startswith(p + ".")), default=None)
    if best is None:
        raise AssertionError(f"module {module!r} belongs to no layer: add it to LAYERS")
    return best[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    return _imports_in(_module_name(path), path.name == "__init__.py",
                       path.read_text(encoding="utf-8"))


def _imports_in(module: str, is_package: bool, source: str) -> set[str]:
    """Package modules ``source`` imports (relative or absolute, anywhere in the file)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.split(".")[0] == "pykerasnip":
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:  # ``from . import rds`` imports a module
                candidate = f"{target}.{alias.name}" if target else alias.name
                found.add(candidate if _is_module(candidate) else target)
        elif isinstance(node, ast.Import):
            found.update(a.name.partition(".")[2] for a in node.names
                         if a.name.split(".")[0] == "pykerasnip" and "." in a.name)
    found.discard("")
    return found


def _is_module(dotted: str) -> bool:
    path = PACKAGE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _edges() -> list[tuple[str, str]]:
    return [(_module_name(path), imported)
            for path in sorted(PACKAGE.rglob("*.py"))
            for imported in sorted(_imports(path))]


def test_every_module_has_a_layer():
    modules = [_module_name(p) for p in PACKAGE.rglob("*.py")]
    assert len(modules) > 50
    for module in modules:
        _layer(module)


def test_no_module_imports_a_higher_layer():
    upward = [f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
              for a, b in _edges() if _layer(b) > _layer(a) and (a, b) not in EXCEPTIONS]
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_exceptions_are_still_needed():
    edges = set(_edges())
    stale = [edge for edge in EXCEPTIONS if edge not in edges]
    assert not stale, f"exceptions no longer needed: {stale}"


@pytest.mark.parametrize("source, expected", [
    ("from ..convert import r_get", {"convert"}),
    ("from .. import rds", {"rds"}),
    ("from ..rds import nodes as n", {"rds.nodes"}),
    ("from .spec import ModelSpec", {"model.spec"}),
    ("def f():\n    from ..workflows import Workflow", {"workflows"}),
    ("import pykerasnip.io", {"io"}),
    ("import numpy", set()),
])
def test_import_parser_sees_relative_absolute_and_local_imports(source, expected):
    assert _imports_in("model.fit", False, source) == expected
