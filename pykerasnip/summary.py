"""``pykerasnip inspect``: what is inside an ``.rds`` file."""
from __future__ import annotations

from pathlib import Path

from . import rds
from .io import from_tree
from .rds import nodes as n
from .rformat import tree_str


def describe_file(path: "str | Path") -> str:
    """``pykerasnip inspect``: what is inside an ``.rds`` file."""
    node = rds.load(path)
    classes = node.classes if isinstance(node, n.RObject) else []
    head = [f"File: {path}", f"R class: {classes or type(node).__name__}"]
    obj = from_tree(node)
    body = repr(obj) if hasattr(obj, "predict") else tree_str(node, max_depth=2)
    return "\n".join(head + [body])
