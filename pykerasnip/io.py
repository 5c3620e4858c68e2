"""``read_rds`` / ``write_rds``: R files <-> pykerasnip objects and natural Python values.

Reading decodes the stream (:mod:`pykerasnip.rds`), removes bundle layers, and turns a
fitted workflow or parsnip model fit into :class:`~pykerasnip.workflow.Workflow` /
``ModelFit``; any other value becomes its natural Python form
(:func:`pykerasnip.convert.to_python`). Nothing R stored is ever evaluated, and Keras
models load lazily with ``safe_mode=True`` unless the caller opts out.
"""
from __future__ import annotations

import os
from typing import Any

from . import rds
from .bundle import Bundle, unbundle_r
from .rds.nodes import RObject


def from_tree(node: Any, *, safe_mode: bool = True) -> Any:
    """The pykerasnip object (or natural Python value) for a decoded R tree."""
    from .convert import to_python
    from .fit_r import model_fit_from_r
    from .workflow_r import workflow_from_r

    payload = unbundle_r(node)
    if isinstance(payload, RObject):
        if payload._header is None:  # a bundle's header tells which R wrote the payload
            payload._header = getattr(node, "_header", None)
        if payload.inherits("workflow"):
            obj = workflow_from_r(payload, safe_mode=safe_mode)
        elif payload.inherits("model_fit"):
            obj = model_fit_from_r(payload, safe_mode=safe_mode)
        else:
            return to_python(payload)
        return Bundle(obj) if payload is not node else obj
    return to_python(payload)


def read_rds(path: "str | os.PathLike", *, safe_mode: bool = True,
             limits: "rds.Limits | None" = None, max_decompressed: int | None = None) -> Any:
    """Read an ``.rds`` file written by R (or by :func:`write_rds`).

    A fitted workflow / model fit (bundled or not, butchered or not) becomes an object
    with ``.predict(new_data, type=..., level=...)`` returning R's columns; a bundle comes
    back as a :class:`~pykerasnip.bundle.Bundle` (which predicts too). A data.frame
    becomes a pandas DataFrame; other values their natural Python form. ``limits``
    (:class:`pykerasnip.rds.Limits`) bounds the resources the file may claim.
    """
    return from_tree(rds.load(path, limits=limits, max_decompressed=max_decompressed),
                     safe_mode=safe_mode)


def to_tree(obj: Any) -> Any:
    """The R tree R needs for a pykerasnip object or a Python value."""
    from .convert import from_python

    if isinstance(obj, RObject) or obj is None:
        return obj
    if getattr(obj, "r_node", None) is not None:  # read from R and unchanged: R's own tree
        return obj.r_node
    to_r = getattr(obj, "to_r", None)
    if callable(to_r):
        return to_r()
    return from_python(obj)


def write_rds(obj: Any, path: "str | os.PathLike", *, compress: str | None = "gzip",
              follow_symlinks: bool = False) -> None:
    """Write ``obj``, atomically, as an ``.rds`` file R's ``readRDS()`` reads (gzip, XDR, v3).
    Workflows, model fits and bundles get the layout R's kerasnip needs to predict;
    DataFrames come back in R with identical column types.

    The write is atomic: even if the process is killed, ``path`` holds the old file or
    the new one, whole, and no temporary file stays behind; an existing file keeps its
    permissions. A symbolic link at ``path`` raises
    :class:`~pykerasnip.errors.UnsafeWriteError` unless ``follow_symlinks=True``, which
    writes to the file the link points to (the link stays)."""
    rds.dump(to_tree(obj), path, compress=compress, follow_symlinks=follow_symlinks)


def from_bytes(data: "bytes | bytearray | memoryview", *, safe_mode: bool = True) -> Any:
    """Like :func:`read_rds` for the bytes of R's ``serialize()`` (or of an ``.rds`` file)."""
    return from_tree(rds.loads(bytes(data)), safe_mode=safe_mode)


def to_bytes(obj: Any) -> bytes:
    """An uncompressed XDR serialization of ``obj`` that R's ``unserialize()`` reads."""
    return rds.dumps(to_tree(obj))
