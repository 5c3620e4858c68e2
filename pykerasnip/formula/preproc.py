"""parsnip's formula preprocessing of a bare model fit (``fit(spec, formula, data)``).

With kerasnip's data.frame interface and ``indicators = "none"``, parsnip fits on the
model frame of the formula (rows with NA dropped, response removed, factors left as
factors) and stores the terms, the factor levels (``xlevels``) and options in
``model_fit$preproc``. At prediction time (``prepare_data``) new data goes through
the model frame of the stored terms with ``na.pass`` and those levels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import rexpr
from ..convert import scalar, strings
from ..errors import UnsupportedObjectError
from ..rds import build as b
from ..rds.nodes import GlobalEnv, List
from .frame import ModelFrame, check_classes, model_frame
from .matrix import model_matrix
from .terms import Terms, all_vars, terms_from_formula


@dataclass
class FormulaPreproc:
    """``model_fit$preproc`` of a formula fit: terms (with response), ``xlevels``,
    ``options`` and the outcome names ``y_var``."""

    terms: Terms
    xlevels: dict[str, list[str]] = field(default_factory=dict)
    indicators: str = "none"
    y_var: list[str] = field(default_factory=list)
    r_node: Any = field(default=None, repr=False)

    @classmethod
    def from_r(cls, node: List) -> "FormulaPreproc":
        """Read R's ``preproc`` list (``terms``, ``xlevels``, ``options``, ``y_var``)."""
        if not isinstance(node, List) or "terms" not in node:
            raise UnsupportedObjectError("a formula preproc needs a `terms` element")
        xlevels = node.get("xlevels")
        options = node.get("options")
        indicators = scalar(options.get("indicators")) if isinstance(options, List) else None
        return cls(terms=Terms.from_r(node["terms"]),
                   xlevels={k: strings(v) for k, v in xlevels.items()} if isinstance(xlevels, List) else {},
                   indicators=indicators or "none", y_var=strings(node.get("y_var")), r_node=node)

    def to_r(self) -> List:
        """R's ``preproc`` list: ``terms`` (global environment), ``xlevels``,
        ``options``, ``y_var``."""
        options = b.named_list(indicators=b.chr(self.indicators), composition=b.chr("data.frame"),
                               remove_intercept=b.lgl(False))
        return b.named_list(terms=self.terms.to_r(env=GlobalEnv),
                            xlevels=b.named_list({k: b.chr(v) for k, v in self.xlevels.items()}),
                            options=options, y_var=b.chr(self.y_var))

    def apply(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """parsnip's ``prepare_data``: the predictors for ``new_data`` (NA rows kept)."""
        frame = model_frame(self.terms.delete_response(), new_data, na_action="pass", xlevels=self.xlevels)
        check_classes(self.terms.data_classes, frame)
        if self.indicators == "none":
            return frame.to_frame().reset_index(drop=True)
        return model_matrix(frame, one_hot=self.indicators == "one_hot").reset_index(drop=True)

    @classmethod
    def fit(cls, formula: str, data: pd.DataFrame) -> tuple["FormulaPreproc", pd.DataFrame, pd.DataFrame]:
        """``fit(spec, formula, data)``'s preprocessing: model frame with ``na.omit``;
        returns the preproc, the predictors ``x`` and the outcome columns ``y``."""
        terms = terms_from_formula(formula, list(data.columns))
        frame = model_frame(terms, data, na_action="omit")
        response = frame.terms.frame_names[0] if terms.response else None
        predictors = ModelFrame({n: c for n, c in frame.columns.items() if n != response},
                                frame.terms, frame.index)
        xlevels = {n: _levels(c) for n, c in predictors.columns.items()
                   if frame.terms.data_classes[n] in ("factor", "ordered", "character")}
        y = frame.columns[response].to_frame(response) if response else pd.DataFrame(index=frame.index)
        y_var = all_vars(frame.terms.variables[0]) if response else []  # parsnip: all.vars(lhs)
        preproc = cls(terms=frame.terms, xlevels=xlevels, y_var=y_var)
        return preproc, predictors.to_frame().reset_index(drop=True), y.reset_index(drop=True)


def _levels(column: pd.Series) -> list[str]:
    """R's ``.getXlevels``: a factor's levels, or a character's sorted unique values."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return rexpr.default_levels(rexpr.as_vector(column))
