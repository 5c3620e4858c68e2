"""Projection steps: step_ica (fastICA), step_pls (mixOmics' pls/plsda/spls/splsda),
step_nnmf (NMF through dimRed; deprecated in recipes) and step_nnmf_sparse (RcppML).

Each maps the selected columns to ``num_comp`` new columns ``<prefix>1..`` through the
matrices R's training stored. Baking is R's arithmetic: centring/scaling elementwise,
then ``%*%`` (:func:`pykerasnip.rlinalg.matprod`); only step_nnmf's pseudo-inverse
(``MASS::ginv``, an SVD) comes from NumPy's LAPACK and may differ from R's in the last
bits. step_ica trains in Python with fastICA's C method (:mod:`pykerasnip.fastica`) and
step_pls with mixOmics' fits (:mod:`pykerasnip.mixomics`), both replayed bit for bit; the
NMF fits stay in R: they run C++ solvers from random starts, whose last bits Python
cannot reproduce (see ``PREP_EXCEPTIONS``).
"""
from __future__ import annotations

import math
import secrets
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ... import mixomics, rtree
from ...convert import flag, strings, to_python
from ...errors import SpecError, UnsupportedStepError
from ...factor import is_factor
from ...fastica import IcaOptions, fastica_c
from ...rds import build as b
from ...rds.nodes import List, RObject
from ...rlinalg import col_means, matprod
from ...rmath import names0
from ...rrng import RRandom
from .. import selectors
from ..selectors import r_argument_quosures, select
from .base import (PARTIAL_PREP_EXCEPTIONS, Step, append_columns, drop_inputs, first, named_chr,
                   named_dbl, named_numbers, prep_in_r, prep_refusal, register, step_to_r)
from .numeric import numeric_columns, numeric_values, r_matrix, r_matrix_node


def _matrix_node(values: np.ndarray) -> RObject:
    """A double matrix without dimnames."""
    return b.matrix(b.dbl(*values.ravel(order="F").tolist()), *values.shape)


def _number(value: Any) -> float:
    return float(first(value))


class _ProjectionStep(Step):
    """A step adding ``num_comp`` columns ``<prefix>1..`` computed from a matrix product
    of the selected columns (dropped unless ``keep_original_cols``)."""

    default_role = "predictor"
    default_prefix: ClassVar[str] = ""
    default_num_comp: ClassVar[int] = 2
    default_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, *terms: Any, num_comp: int | None = None, options: Any = None,
                 prefix: str | None = None, keep_original_cols: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.num_comp = self.default_num_comp if num_comp is None else int(num_comp)
        # R's own list when read from R (used by R's training only), else a dict
        self.options = dict(self.default_options) if options is None else options
        self.prefix = self.default_prefix if prefix is None else prefix
        self.keep_original_cols = keep_original_cols
        self.columns: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "_ProjectionStep":
        step = super().from_r(node)
        step.num_comp = int(_number(to_python(node["num_comp"])))
        step.options = node.get("options")
        step.prefix = strings(node["prefix"])[0]
        step.keep_original_cols = flag(node.get("keep_original_cols"))
        step.columns = strings(node.get("columns")) if step.trained else []
        return step

    #: the step's R fields between ``trained`` and ``skip``, in recipes' order
    field_order: ClassVar[tuple[str, ...]] = ()

    def own_fields(self) -> dict[str, Any]:
        """The step's R fields beyond those every projection step has."""
        return {}

    def to_r(self) -> List:
        fields = {"num_comp": b.dbl(float(self.num_comp)), "options": rtree.to_tree(self.options),
                  "columns": named_chr(self.columns) if self.trained else None,
                  "prefix": b.chr(self.prefix),
                  "keep_original_cols": b.lgl(self.keep_original_cols), **self.own_fields()}
        return step_to_r(self, {name: fields[name] for name in self.field_order})

    # -- baking --------------------------------------------------------------------------
    def inputs(self) -> list[str]:
        """The columns the projection multiplies, in its order."""
        return self.columns

    def projects(self) -> bool:
        """Does baking add columns (R returns the data untouched otherwise)?"""
        return self.num_comp > 0 and bool(self.columns)

    def project(self, x: np.ndarray) -> np.ndarray:
        """The components of the rows of ``x`` (columns :meth:`inputs`)."""
        raise NotImplementedError

    def required_columns(self) -> list[str]:
        return self.columns

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not self.projects():
            return data
        inputs = self.inputs()
        x = np.column_stack([numeric_values(data[c]) for c in inputs]) if len(data) else \
            np.empty((0, len(inputs)))
        with np.errstate(all="ignore"):
            comps = self.project(x)
        new = pd.DataFrame(comps, columns=names0(comps.shape[1], self.prefix), index=data.index)
        data = append_columns(data, new, self.r_class)
        return drop_inputs(data, inputs, self.keep_original_cols)


# --------------------------------------------------------------------------- step_ica
_ICA_CHOICES = {"method": ("R", "C"), "alg.typ": ("parallel", "deflation"),
                "fun": ("logcosh", "exp")}


PARTIAL_PREP_EXCEPTIONS["step_ica"] = (
    "fastICA's `method = \"R\"` (R code: `apply()`, `mean()`, `%*%`, `La.svd()`) and a "
    "given `w.init` train only in R; recipes' default `method = \"C\"` trains in Python, "
    "bit for bit")


def ica_options(options: Any, n_comp: int) -> IcaOptions:
    """fastICA's arguments from step_ica's ``options`` (defaults as fastICA's); only the
    C method trains in Python (``PARTIAL_PREP_EXCEPTIONS``)."""
    given = {name: first(value) for name, value in
             (options if isinstance(options, dict) else to_python(options)).items()}
    picked = {name: given.get(name, choices[0]) for name, choices in _ICA_CHOICES.items()}
    for name, value in picked.items():
        if value not in _ICA_CHOICES[name]:
            raise SpecError(f"step_ica: fastICA's {name} must be one of "
                            f"{', '.join(_ICA_CHOICES[name])}, not {value!r}")
    unknown = set(given) - {*_ICA_CHOICES, "alpha", "row.norm", "maxit", "tol", "verbose"}
    if picked["method"] != "C" or unknown:
        raise UnsupportedStepError("step_ica", prep_refusal(PARTIAL_PREP_EXCEPTIONS["step_ica"]))
    alpha = float(given.get("alpha", 1.0))
    if not 1 <= alpha <= 2:
        raise SpecError("step_ica: fastICA's alpha must be in range [1,2]")
    return IcaOptions(n_comp=n_comp, parallel=picked["alg.typ"] == "parallel",
                      logcosh=picked["fun"] == "logcosh", alpha=alpha,
                      row_norm=bool(given.get("row.norm", False)),
                      maxit=int(given.get("maxit", 200)), tol=float(given.get("tol", 1e-4)))


@register
class StepIca(_ProjectionStep):
    """``step_ica``: independent components, ``(x - means) %*% K %*% W`` with fastICA's
    whitening ``K`` and unmixing ``W``. Training replays fastICA's C method (see
    :mod:`pykerasnip.fastica`) from R's stream after ``set.seed(seed[1])``."""

    r_class = "step_ica"
    field_order = ("num_comp", "options", "seed", "res", "columns", "prefix", "keep_original_cols")
    default_prefix = "IC"
    default_num_comp = 5
    default_options = {"method": "C"}

    def __init__(self, *terms: Any, seed: Any = None, **common: Any):
        super().__init__(*terms, **common)
        # R's default: sample.int(10000, 5); withr::with_seed uses the first
        self.seed = [secrets.randbelow(10000) + 1 for _ in range(5)] if seed is None else \
            [int(s) for s in np.atleast_1d(seed)]
        self.K = self.W = np.empty((0, 0))
        self.means = pd.Series(dtype="f8")

    @classmethod
    def from_r(cls, node: List) -> "StepIca":
        step = super().from_r(node)
        step.seed = np.atleast_1d(to_python(node["seed"])).astype(int).tolist()
        res = node.get("res")
        if res is not None:
            step.K, step.W = (r_matrix(res[name]).to_numpy() for name in ("K", "W"))
            step.means = named_numbers(res["means"])
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        if self.projects():
            self.num_comp = min(self.num_comp, len(self.columns))
            x = np.column_stack([numeric_values(data[c]) for c in self.columns])
            if 1 in x.shape:  # fastICA drops the length-1 dimension and stops
                raise SpecError("step_ica: fastICA needs at least two rows and two columns "
                                "(data must be matrix-conformal)")
            self.K, self.W = fastica_c(x, ica_options(self.options, self.num_comp),
                                       RRandom(self.seed[0]))
            self.means = pd.Series(col_means(x), index=self.columns)
        self.trained = True

    def own_fields(self) -> dict[str, Any]:
        res = None
        if self.trained and self.projects():
            res = b.named_list(K=_matrix_node(self.K), W=_matrix_node(self.W),
                               means=named_dbl(self.means))
        return {"seed": b.int_(*self.seed), "res": res}

    def project(self, x: np.ndarray) -> np.ndarray:
        centred = x - self.means.to_numpy()
        return matprod(matprod(centred, self.K), self.W)[:, :self.num_comp]


# --------------------------------------------------------------------------- step_pls
PARTIAL_PREP_EXCEPTIONS["step_pls"] = (
    "outcomes of more than 3 columns or classes (with at least 3 predictors) train only in "
    "R: mixOmics starts each component from RSpectra's `svds()`, Spectra's restarted "
    "Lanczos in C++ with Eigen's vectorised sums; so does a `multilevel` design in "
    "`options`. The other fits (pls, plsda, spls, splsda, with any other options) train in "
    "Python, bit for bit")


def predictor_count(prop: float, p: int) -> int:
    """recipes' ``prop2int``: the bin of ``prop * p`` among ``0, 1, ..., p`` (the
    smallest whole number at or above it, at least 1)."""
    return max(1, math.ceil(prop * p))


@register
class StepPls(_ProjectionStep):
    """``step_pls``: partial least squares scores, ``((x - mu) / sd) %*% coefs`` times the
    norms of the training scores (mixOmics' pls, plsda, spls or splsda). Training replays
    mixOmics' fit (:mod:`pykerasnip.mixomics`) except for the settings of
    ``PARTIAL_PREP_EXCEPTIONS``."""

    r_class = "step_pls"
    field_order = ("num_comp", "predictor_prop", "outcome", "options", "preserve", "res",
                   "columns", "prefix", "keep_original_cols")
    default_prefix = "PLS"
    default_options = {"scale": True}

    def __init__(self, *terms: Any, outcome: Any = None, predictor_prop: float = 1.0,
                 **common: Any):
        super().__init__(*terms, **common)
        # untrained: selectors (R's quosures when read from R); trained: the names
        self.outcome = outcome
        self.predictor_prop = float(predictor_prop)
        self.mu = self.col_norms = pd.Series(dtype="f8")
        self.sd: np.ndarray | None = None
        self.coefs = pd.DataFrame()

    @classmethod
    def from_r(cls, node: List) -> "StepPls":
        step = super().from_r(node)
        step.predictor_prop = _number(to_python(node["predictor_prop"]))
        # trained: the outcome names; untrained: R's quosures
        step.outcome = strings(node["outcome"]) if step.trained else node.get("outcome")
        res = node.get("res")
        if res is not None:
            if "mu" not in res.names:
                raise UnsupportedStepError(cls.r_class, "a fit stored by recipes before 0.2.0 "
                                                        "(no `mu` in `res`)")
            step.mu, step.col_norms = named_numbers(res["mu"]), named_numbers(res["col_norms"])
            sd = res.get("sd")
            step.sd = None if sd is None else np.asarray(to_python(sd), dtype="f8").ravel()
            step.coefs = r_matrix(res["coefs"])
        return step

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        self.outcome = selectors.from_r(self.r_node["outcome"])

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        outcomes = self._outcomes(info)
        if not 0 <= self.predictor_prop <= 1:
            raise SpecError(f"step_pls: `predictor_prop` must be a number between 0 and 1, "
                            f"not {self.predictor_prop}")
        if len(outcomes) > 1 and not all(_numeric(data[y]) for y in outcomes):
            raise SpecError("step_pls: Only multivariate models for numeric outcomes are "
                            "supports.")
        if self.num_comp > 0 and self.columns:
            self.predictor_prop = min(max(self.predictor_prop, 0.00001), 1.0)
            self._fit(np.column_stack([numeric_values(data[c]) for c in self.columns]),
                      [data[y] for y in outcomes])
        self.outcome = outcomes
        self.trained = True

    def _outcomes(self, info: pd.DataFrame) -> list[str]:
        """The outcome columns (``recipes_argument_select``)."""
        given = [self.outcome] if isinstance(self.outcome, str) else list(self.outcome or [])
        chosen = select(given, info)
        if not chosen:
            raise SpecError("step_pls: `outcome` must select at least one column (it must "
                            "not be NULL)")
        return chosen

    def _fit(self, x: np.ndarray, outcomes: list[pd.Series]) -> None:
        """mixOmics' fit as recipes' ``pls_fit`` calls it, kept as ``butcher_pls`` does."""
        p = x.shape[1]
        ncomp, keep = min(self.num_comp, p), predictor_count(self.predictor_prop, p)
        classification = len(outcomes) == 1 and is_factor(outcomes[0])
        y = _outcome_block(outcomes, classification)
        options = self.options if isinstance(self.options, dict) else \
            dict(to_python(self.options) or {})
        matched = mixomics.match_options(options, mixomics.function_name(classification,
                                                                         keep < p))
        if not mixomics.replayed(matched, p, y.shape[1]):
            raise UnsupportedStepError(self.r_class,
                                       prep_refusal(PARTIAL_PREP_EXCEPTIONS[self.r_class]))
        keep_x = (float(min(keep, p)),) * ncomp
        fit = mixomics.pls(x, y, mixomics.pls_settings(matched, ncomp, keep_x, y.shape[1]))
        components = [f"comp{i}" for i in range(1, ncomp + 1)]  # paste0(), unpadded
        fitted = [self.columns[j] for j in fit.kept]
        self.mu = pd.Series(fit.mu, index=fitted)
        self.sd = fit.sd
        self.coefs = pd.DataFrame(fit.coefs, index=fitted, columns=components)
        self.col_norms = pd.Series(fit.col_norms, index=components)

    def own_fields(self) -> dict[str, Any]:
        res = None
        if self.trained and self.projects():
            res = b.named_list(mu=named_dbl(self.mu),
                               sd=None if self.sd is None else b.dbl(*self.sd.tolist()),
                               coefs=r_matrix_node(self.coefs), col_norms=named_dbl(self.col_norms))
        if self.trained:
            outcome = b.chr(*self.outcome)
        elif isinstance(self.outcome, RObject):
            outcome = self.outcome
        else:
            outcome = r_argument_quosures("vars", [self.outcome] if isinstance(self.outcome, str)
                                          else self.outcome or [])
        return {"predictor_prop": b.dbl(self.predictor_prop), "outcome": outcome,
                "preserve": b.lgl(self.keep_original_cols), "res": res}

    def inputs(self) -> list[str]:
        return list(self.mu.index)

    def projects(self) -> bool:
        return super().projects() and not self.coefs.empty

    def project(self, x: np.ndarray) -> np.ndarray:
        z = x - self.mu.to_numpy()
        if self.sd is not None:
            z = z / self.sd
        return matprod(z, self.coefs.to_numpy()) * self.col_norms.to_numpy()


def _numeric(column: pd.Series) -> bool:
    """A double or integer column (R's ``is.numeric``)."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _outcome_block(outcomes: list[pd.Series], classification: bool) -> np.ndarray:
    """The outcome matrix mixOmics fits: plsda's class indicators (the levels that occur,
    in order) or the numeric columns."""
    if classification:
        column = outcomes[0]
        codes = column.cat.remove_unused_categories().cat.codes.to_numpy()
        levels = int(codes.max()) + 1 if len(codes) else 0
        if levels <= 1:
            raise mixomics.fail("'Y' should be a factor with more than one level")
        if (codes < 0).any():
            raise mixomics.fail("Unmapped Y contains samples with no associated class. May be "
                                "caused by NAs in input Y vector")
        return mixomics.class_indicators(codes, levels)
    if not all(_numeric(c) for c in outcomes):
        raise mixomics.fail("'X' and/or 'Y' must be a numeric matrix.")
    return np.column_stack([numeric_values(c) for c in outcomes])


# --------------------------------------------------------------------------- step_nnmf_sparse
@register
@prep_in_r("RcppML's NMF runs C++ (Eigen) coordinate-descent solvers from a random start; "
           "their last bits cannot be reproduced")
class StepNnmfSparse(_ProjectionStep):
    """``step_nnmf_sparse``: non-negative matrix factorization scores ``x %*% w`` with
    RcppML's (L1-penalised) loadings ``w``."""

    r_class = "step_nnmf_sparse"
    field_order = ("num_comp", "penalty", "options", "res", "prefix", "seed",
                   "keep_original_cols")
    default_prefix = "NNMF"

    def __init__(self, *terms: Any, penalty: float = 0.001, seed: int | None = None,
                 **common: Any):
        super().__init__(*terms, **common)
        self.penalty = float(penalty)
        self.seed = secrets.randbelow(10 ** 5) + 1 if seed is None else int(seed)
        self.w = pd.DataFrame()

    @classmethod
    def from_r(cls, node: List) -> "StepNnmfSparse":
        step = super().from_r(node)
        step.penalty = _number(to_python(node["penalty"]))
        step.seed = int(_number(to_python(node["seed"])))
        res = node.get("res")
        if res is not None:
            step.columns = strings(res.get("x_vars"))
            w = res.get("w")
            step.w = pd.DataFrame() if w is None else r_matrix(w)
        return step

    def own_fields(self) -> dict[str, Any]:
        res = None
        if self.trained:
            res = b.named_list(x_vars=named_chr(self.columns),
                               w=r_matrix_node(self.w) if self.projects() else None)
        return {"penalty": b.dbl(self.penalty), "res": res, "seed": b.int_(self.seed)}

    def projects(self) -> bool:
        return self.num_comp != 0

    def project(self, x: np.ndarray) -> np.ndarray:
        return matprod(x, self.w.to_numpy())


# --------------------------------------------------------------------------- step_nnmf
def ginv(x: np.ndarray, tol: float = float(np.sqrt(np.finfo(float).eps))) -> np.ndarray:
    """``MASS::ginv``: the Moore-Penrose inverse from the SVD, singular values at or
    below ``tol`` times the largest left out. (NumPy's LAPACK, not R's: the last bits
    may differ.)"""
    u, d, vt = np.linalg.svd(x, full_matrices=False)
    positive = d > max(tol * d[0], 0.0)
    if not positive.any():
        return np.zeros(x.shape[::-1])
    return matprod(vt[positive].T, (1 / d[positive])[:, None] * u[:, positive].T)


@register
@prep_in_r("NMF's multiplicative updates run from random starts (nrun of them) in C++; "
           "step_nnmf is deprecated in recipes in favour of step_nnmf_sparse")
class StepNnmf(_ProjectionStep):
    """``step_nnmf``: NMF scores ``x %*% t(ginv(w))`` with the basis ``w`` dimRed's NNMF
    fit stored (deprecated in recipes in favour of step_nnmf_sparse)."""

    r_class = "step_nnmf"
    field_order = ("num_comp", "num_run", "options", "res", "columns", "prefix", "seed",
                   "keep_original_cols")
    default_prefix = "NNMF"

    def __init__(self, *terms: Any, num_run: int = 30, seed: int | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.num_run = int(num_run)
        self.seed = secrets.randbelow(10 ** 5) + 1 if seed is None else int(seed)
        self.w = pd.DataFrame()
        # dimRed's fitted object (S4, with R closures): written back as R stored it
        self.res: RObject | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepNnmf":
        step = super().from_r(node)
        step.num_run = int(_number(to_python(node["num_run"])))
        step.seed = int(_number(to_python(node["seed"])))
        step.res = node.get("res")
        if step.res is not None:
            other = step.res.attr("other.data")
            if not isinstance(other, List) or other.get("w") is None:
                raise UnsupportedStepError(cls.r_class, "the dimRed fit holds no `other.data$w`")
            step.w = r_matrix(other["w"])
        return step

    def own_fields(self) -> dict[str, Any]:
        return {"num_run": b.dbl(float(self.num_run)), "res": self.res, "seed": b.int_(self.seed)}

    def inputs(self) -> list[str]:
        return [str(v) for v in self.w.index]

    def projects(self) -> bool:
        return super().projects() and not self.w.empty

    def project(self, x: np.ndarray) -> np.ndarray:
        return matprod(x, ginv(self.w.to_numpy()).T)[:, :self.num_comp]
