"""``read_rds`` / ``write_rds``: R files <-> pykerasnip objects and natural Python values.

Reading decodes the stream (:mod:`pykerasnip.rds`) and looks the root's R class up in
the registry (:mod:`pykerasnip.registry`): a workflow, model fit, bundle, recipe,
blueprint, model spec or data frame becomes its Python class; any other value its
natural Python form (:func:`pykerasnip.convert.to_python`). Nothing R stored is ever
evaluated, and Keras models load lazily with ``safe_mode=True`` unless the caller opts
out.
"""
from __future__ import annotations

import os
from typing import Any

import pandas as pd

from . import rds, rtree
from . import bundles  # noqa: F401  (importing the domain registers its R classes)
from .convert import RList, to_python
from .registry import register_reader, reader_for


def _data_frame(node: Any, *, safe_mode: bool = True) -> pd.DataFrame:
    return rtree.frame(node, "the data frame", distinct=False)


register_reader("data.frame", _data_frame)


def from_tree(node: Any, *, safe_mode: bool = True) -> Any:
    """The pykerasnip object (or natural Python value) for a decoded R tree. In a list
    (a ``save()`` workspace among them), each element that has a Python class of its own
    becomes it, as it would read alone."""
    reader = reader_for(node)
    if reader is not None:
        return reader(node, safe_mode=safe_mode)
    value = to_python(node)
    if isinstance(value, RList) and isinstance(node, rds.nodes.List):
        readers = [reader_for(element) for element in node.data]
        if any(readers):
            return RList([v if r is None else r(element, safe_mode=safe_mode)
                          for v, r, element in zip(value, readers, node.data)],
                         value.names, value.attrs)
    return value


def read_rds(path: "str | os.PathLike", *, safe_mode: bool = True,
             limits: "rds.Limits | None" = None, max_decompressed: int | None = None) -> Any:
    """Read an ``.rds`` file written by R (or by :func:`write_rds`).

    A fitted workflow / model fit (bundled or not, butchered or not) becomes an object
    with ``.predict(new_data, type=..., level=...)`` returning R's columns; a bundle comes
    back as a :class:`~pykerasnip.bundles.Bundle` (which predicts too). A data.frame
    becomes a pandas DataFrame; other values their natural Python form. A ``save()``
    workspace or a list comes back as an ``RList`` whose elements read as they would
    alone (``pk.read_rds("models.RData")["wf"].predict(df)``). ``limits``
    (:class:`pykerasnip.rds.Limits`) bounds the resources the file may claim.
    """
    return from_tree(rds.load(path, limits=limits, max_decompressed=max_decompressed),
                     safe_mode=safe_mode)


def write_rds(obj: Any, path: "str | os.PathLike", *, compress: "str | bool | None" = "gzip",
              follow_symlinks: bool = False) -> None:
    """Write ``obj``, atomically, as an ``.rds`` file R's ``readRDS()`` reads (XDR, v3;
    ``compress`` as in ``saveRDS``: gzip by default, ``False``/``None``, ``"bzip2"``, ``"xz"``).
    Workflows, model fits and bundles get the layout R's kerasnip needs to predict;
    DataFrames come back in R with identical column types.

    The write is atomic: even if the process is killed, ``path`` holds the old file or
    the new one, whole, and no temporary file stays behind; an existing file keeps its
    permissions. A symbolic link at ``path`` raises
    :class:`~pykerasnip.errors.UnsafeWriteError` unless ``follow_symlinks=True``, which
    writes to the file the link points to (the link stays)."""
    rds.dump(rtree.to_tree(obj), path, compress=compress, follow_symlinks=follow_symlinks)


def from_bytes(data: "bytes | bytearray | memoryview", *, safe_mode: bool = True) -> Any:
    """Like :func:`read_rds` for the bytes of R's ``serialize()`` (or of an ``.rds`` file)."""
    return from_tree(rds.loads(bytes(data)), safe_mode=safe_mode)


def to_bytes(obj: Any) -> bytes:
    """An uncompressed XDR serialization of ``obj`` that R's ``unserialize()`` reads."""
    return rds.dumps(rtree.to_tree(obj))
