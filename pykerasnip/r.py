"""Python drives R in the same process: the rpy2 bridge (``pip install pykerasnip[r]``).

Objects cross between the embedded R session (:mod:`pykerasnip.rsession`) and Python
through R's own ``serialize()``/``unserialize()`` and pykerasnip's RDS codec, so what
arrives is exactly what :func:`pykerasnip.read_rds` would give for a file: an R workflow
comes back as a :class:`~pykerasnip.workflows.Workflow`, a data frame as a DataFrame.

What R receives it may run: :func:`r_bake`, :func:`r_forge` and :func:`r_predict` run the
R code an object carries (a step's expressions and the functions they call), as R's own
``bake()``/``predict()`` would. Use them on objects from files you trust; ``predict()``'s
``fallback="r"`` asks for ``trust_r_code=True`` for that reason (docs/security.md).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from .io import from_tree
from .rsession import r_function, robjects, get, put, r_bake, r_forge, r_serialize, require_r_package

__all__ = ["from_r", "r_bake", "r_forge", "r_predict", "r_serialize", "require_r_package", "to_r"]


def to_r(obj: Any) -> Any:
    """Put a pykerasnip object, an R tree or a Python value into the R session.

    References to namespaces this R lacks (kerasnip, parsnip, ...) become the global
    environment, as ``unserialize()`` does, with R's warning."""
    return put(obj)


def from_r(robj: Any, *, safe_mode: bool = True) -> Any:
    """Bring an R object back as pykerasnip would read it from a file."""
    return from_tree(get(robj), safe_mode=safe_mode)


def r_predict(obj: Any, new_data: pd.DataFrame, type: str | None = None,
              level: float = 0.95) -> pd.DataFrame:
    """R's own ``predict()`` (needs kerasnip, workflows and keras3 in R): for parity checks."""
    require_r_package("kerasnip", "workflows", "parsnip")
    ro = robjects()
    predict = r_function(
        "function(obj, df, type, level) {"
        " suppressPackageStartupMessages({library(kerasnip); library(workflows)});"
        " if (inherits(obj, 'bundle')) obj <- bundle::unbundle(obj);"
        " as.data.frame(predict(obj, new_data = df, type = type, level = level)) }")
    r_type = ro.NULL if type is None else type
    return from_r(predict(to_r(obj), to_r(new_data), r_type, level))
