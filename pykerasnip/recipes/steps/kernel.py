"""Kernel and manifold projections: step_kpca, step_kpca_rbf, step_kpca_poly (kernlab's
``kpca``) and step_isomap (dimRed's Isomap).

The fitted objects R stores are read slot by slot: kernlab's S4 ``kpca`` object (``pcv``,
``xmatrix``, the kernel by its S4 class and ``kpar``) and dimRed's ``dimRedResult``,
whose ``apply`` closure is recognised and its environment read (training data,
eigenvectors, geodesic distances) -- never run. Baking replays kernlab's ``predict`` and
dimRed's landmark-Isomap projection (:mod:`pykerasnip.recipes.embedding`) exactly.
Preparing them is left to R (``PREP_EXCEPTIONS``): both fits end in eigen solvers whose
results Python cannot reproduce.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings, to_python
from ...errors import MalformedObjectError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import NA_INTEGER, Closure, Environment, Integer, List, Promise, Real, RObject, S4Object, plain
from ...rmath import names0
from ..embedding import IsomapFit, Kernel, KernelPCA, squared_col_means
from .base import (PREP_EXCEPTIONS, Step, append_columns, column_names, drop_inputs, first,
                   named_chr, prep_refusal, register, step_to_r)
from .numeric import numeric_columns, numeric_values

PREP_EXCEPTIONS.update({
    name: "kernlab takes the components from LAPACK's dsyevr on R's reference BLAS; SciPy's "
          "dsyevr (OpenBLAS) agrees to ~1e-12 but flips the sign of about one component in ten"
    for name in ("step_kpca", "step_kpca_rbf", "step_kpca_poly")})
PREP_EXCEPTIONS["step_isomap"] = (
    "dimRed takes the embedding from RSpectra's restarted Lanczos iterations (converged to "
    "1e-10), whose digits Python cannot reproduce")


# --------------------------------------------------------------------------- reading R objects
def _matrix(node: Any) -> np.ndarray:
    """A numeric R matrix (``dim`` attribute) as a 2-D float array, NA as NaN."""
    node = plain(node)
    dim = node.attr("dim") if isinstance(node, (Real, Integer)) else None
    if dim is None or len(dim.data) != 2:
        raise MalformedObjectError("expected a numeric matrix")
    values = np.asarray(node.data)
    if isinstance(node, Integer):
        values = np.where(values == NA_INTEGER, np.nan, values)
    return values.astype("f8").reshape(tuple(int(v) for v in dim.data), order="F")


def _kernel_from_r(node: Any) -> Kernel:
    """The kernlab kernel an S4 kernel function object stands for (its class and
    ``kpar``; the function itself is never called)."""
    if not isinstance(node, Closure):
        raise UnsupportedStepError("step_kpca", "a kpca fitted on a kernel matrix (no kernel "
                                   "function) cannot project new data")
    kpar = {k: float(first(v)) for k, v in (to_python(node.attr("kpar")) or {}).items()}
    return Kernel(node.classes[0] if node.classes else "?", kpar)


def _kpca_from_r(node: Any) -> KernelPCA | None:
    if node is None:
        return None
    if not (isinstance(node, S4Object) and node.inherits("kpca")):
        raise MalformedObjectError("step_kpca: `res` is not a kernlab kpca object")
    return KernelPCA(kernel=_kernel_from_r(node.attr("kernelf")),
                     xmatrix=_matrix(node.attr("xmatrix")), pcv=_matrix(node.attr("pcv")))


def _value(binding: Any) -> Any:
    """A binding's value (a forced promise gives its value)."""
    if isinstance(binding, Promise):
        if binding.tag is not None:
            raise MalformedObjectError("an unforced promise in a stored environment")
        return binding.car
    return binding


def _isomap_from_r(node: Any) -> IsomapFit | None:
    """dimRed's Isomap result: what its ``apply`` closure reads from its environment."""
    if node is None:
        return None
    if not (isinstance(node, S4Object) and node.inherits("dimRedResult")
            and strings(node.attr("method")) == ["Isomap"]):
        raise UnsupportedStepError("step_isomap", "`res` is not a dimRed Isomap result")
    apply = node.attr("apply")
    if not (isinstance(apply, Closure) and apply.arg_names == ["x"]
            and isinstance(apply.env, Environment)):
        raise UnsupportedStepError("step_isomap", "the stored Isomap projection is not dimRed's")
    names = ("orgdata", "pars", "e_vectors", "e_values", "geodist")
    lacking = [name for name in names if name not in apply.env]
    if lacking:
        raise UnsupportedStepError("step_isomap", f"the stored Isomap projection lacks {', '.join(lacking)}")
    orgdata, pars, vectors, values, geodist = (_value(apply.env.get(name)) for name in names)
    pars = to_python(pars)
    if float(first(pars.get("eps", 0.0))) != 0.0:
        raise UnsupportedStepError("step_isomap", "approximate neighbour search (eps > 0)")
    return IsomapFit(training=_matrix(orgdata), knn=int(first(pars["knn"])),
                     vectors=_matrix(vectors), values=np.asarray(values.data, dtype="f8"),
                     geodesic_means=squared_col_means(_matrix(geodist)))


def _common_from_r(cls: type[Step], node: List) -> Step:
    step = cls(trained=flag(node.get("trained")), skip=flag(node.get("skip")),
               id=scalar(node.get("id")))
    role = scalar(node.get("role"))
    step.role = None if role is None or pd.isna(role) else str(role)
    step.prefix = str(first(to_python(node["prefix"])))
    step.keep_original_cols = flag(node.get("keep_original_cols"))
    step.columns = column_names(to_python(node.get("columns")))
    step.r_node, step.terms_r = node, node.get("terms")
    return step


def _number(node: Any) -> float:
    return float(first(to_python(node)))


class _ProjectionStep(Step):
    """A step adding ``<prefix>1``... columns from a projection R fitted (``res``) of the
    selected numeric columns; ``size`` names the field holding their number."""

    size: ClassVar[str]
    #: R's type for the columns of an empty bake
    empty_dtype: ClassVar[str] = "f8"

    def __init__(self, *terms: Any, prefix: str, keep_original_cols: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.prefix, self.keep_original_cols = prefix, keep_original_cols
        self.columns: list[str] = []
        self.res: Any = None
        #: the fit as R stored it (kernlab's S4 object, dimRed's result): written back as is
        self.res_r: Any = None

    def project(self, x: np.ndarray) -> np.ndarray:
        """The projection of the rows of ``x``."""
        raise NotImplementedError

    def check_settings(self) -> None:
        """recipes' argument checks of prep."""

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        count = getattr(self, self.size)
        if not isinstance(self.prefix, str):
            raise SpecError(f"{self.r_class}: `prefix` must be a single string")
        if count < 0 or count != int(count):
            raise SpecError(f"{self.r_class}: `{self.size}` must be a whole number, 0 or larger")
        self.check_settings()
        if count > 0 and self.columns:
            raise UnsupportedStepError(self.r_class, prep_refusal(PREP_EXCEPTIONS[self.r_class]))
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.columns

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        count = int(getattr(self, self.size))
        if not (count > 0 and self.columns):
            return data
        x = np.column_stack([numeric_values(data[c]) for c in self.columns])
        comps = self.project(x) if len(x) else np.empty((0, count), dtype=self.empty_dtype)
        if comps.shape[1] < count:
            raise SpecError(f"{self.r_class}: subscript out of bounds (the projection has "
                            f"{comps.shape[1]} dimensions)")
        new = pd.DataFrame(comps[:, :count], columns=names0(count, self.prefix), index=data.index)
        return drop_inputs(append_columns(data, new, self.r_class), self.columns, self.keep_original_cols)

    def fields_to_r(self) -> dict[str, Any]:
        """The step's own R fields (``res``: R's fit, NULL for a step Python prepared
        with nothing to fit)."""
        raise NotImplementedError

    def to_r(self) -> List:
        return step_to_r(self, self.fields_to_r())

    def _tail_to_r(self) -> dict[str, Any]:
        return {"columns": named_chr(self.columns) if self.trained else None,
                "prefix": b.chr(self.prefix), "keep_original_cols": b.lgl(bool(self.keep_original_cols))}


# --------------------------------------------------------------------------- the kpca steps
class _KpcaStep(_ProjectionStep):
    """What the three kernel PCA steps share: ``num_comp`` components of kernlab's
    ``kpca`` (named ``kPC1``... by default)."""

    size = "num_comp"
    #: the step's kernel settings, in R's field order after ``columns``
    settings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *terms: Any, num_comp: int = 5, prefix: str = "kPC", **args: Any):
        super().__init__(*terms, prefix=prefix, **args)
        self.num_comp = num_comp

    @classmethod
    def from_r(cls, node: List) -> "_KpcaStep":
        step = _common_from_r(cls, node)
        step.num_comp = int(_number(node["num_comp"]))
        step.res, step.res_r = _kpca_from_r(node.get("res")), node.get("res")
        for name in cls.settings:
            setattr(step, name, _number(node[name]))
        return step

    def project(self, x: np.ndarray) -> np.ndarray:
        return self.res.predict(x)

    def row_dependence(self) -> str | None:
        """kernlab's predict centres every row's kernel with the number of rows baked."""
        if self.num_comp > 0 and self.columns:
            return "centres each row with the number of rows baked (kernlab's predict)"
        return None

    def fields_to_r(self) -> dict[str, Any]:
        tail = self._tail_to_r()
        return {"num_comp": b.dbl(float(self.num_comp)), "res": self.res_r, "columns": tail.pop("columns"),
                **self.settings_to_r(), **tail}

    def settings_to_r(self) -> dict[str, Any]:
        return {name: b.dbl(float(getattr(self, name))) for name in self.settings}


@register
class StepKpcaRbf(_KpcaStep):
    """``step_kpca_rbf``: kernel PCA with kernlab's radial basis kernel
    ``exp(-sigma |x - y|^2)`` (default ``sigma = 0.2``)."""

    r_class = "step_kpca_rbf"
    settings = ("sigma",)

    def __init__(self, *terms: Any, sigma: float = 0.2, **args: Any):
        super().__init__(*terms, **args)
        self.sigma = sigma

    def check_settings(self) -> None:
        if not self.sigma >= np.finfo(float).eps:
            raise SpecError("step_kpca_rbf: `sigma` must be a number larger than 0")


@register
class StepKpcaPoly(_KpcaStep):
    """``step_kpca_poly``: kernel PCA with kernlab's polynomial kernel
    ``(scale_factor x.y + offset)^degree`` (defaults 2, 1, 1)."""

    r_class = "step_kpca_poly"
    settings = ("degree", "scale_factor", "offset")

    def __init__(self, *terms: Any, degree: float = 2, scale_factor: float = 1, offset: float = 1,
                 **args: Any):
        super().__init__(*terms, **args)
        self.degree, self.scale_factor, self.offset = degree, scale_factor, offset

    def check_settings(self) -> None:
        if self.degree < 1 or self.degree != int(self.degree):
            raise SpecError("step_kpca_poly: `degree` must be a whole number, 1 or larger")
        if not self.scale_factor >= 0:
            raise SpecError("step_kpca_poly: `scale_factor` must be a number, 0 or larger")


@register
class StepKpca(_KpcaStep):
    """``step_kpca``: kernel PCA with a kernlab kernel given as ``options``
    (``{"kernel": "rbfdot", "kpar": {"sigma": 0.2}}`` by default)."""

    r_class = "step_kpca"

    def __init__(self, *terms: Any, options: dict[str, Any] | None = None, **args: Any):
        super().__init__(*terms, **args)
        self.options = {"kernel": "rbfdot", "kpar": {"sigma": 0.2}} if options is None else dict(options)

    @classmethod
    def from_r(cls, node: List) -> "StepKpca":
        step = super().from_r(node)
        options = node.get("options")
        step.options = {name: _option(name, value)
                        for name, value in (options.items() if isinstance(options, List) else [])}
        return step

    def settings_to_r(self) -> dict[str, Any]:
        def node(name: str, value: Any) -> Any:
            if name == "kpar":
                return b.named_list({k: b.dbl(float(v)) for k, v in value.items()}) if value else b.r_list([])
            return value if isinstance(value, RObject) else b.as_node(value)
        return {"options": b.named_list({k: node(k, v) for k, v in self.options.items()})}


def _option(name: str, value: Any) -> Any:
    """An entry of step_kpca's ``options`` as a Python value: the kernel's generator name
    (or the kernel an S4 kernel object stands for), ``kpar`` as a dict of numbers."""
    if name == "kernel":
        return _kernel_from_r(value) if isinstance(value, Closure) else str(first(to_python(value)))
    if name == "kpar":
        return {k: float(first(v)) for k, v in (to_python(value) or {}).items()}
    return value


# --------------------------------------------------------------------------- step_isomap
@register
class StepIsomap(_ProjectionStep):
    """``step_isomap``: Isomap embedding (dimRed) into ``num_terms`` columns named
    ``Isomap1``... by default; new rows are placed by landmark Isomap over a
    ``neighbors``-nearest-neighbour graph of the new and the training rows together."""

    r_class = "step_isomap"
    size = "num_terms"
    empty_dtype = "bool"  # recipes makes them with matrix(nrow = 0, ncol = num_terms)

    def __init__(self, *terms: Any, num_terms: int = 5, neighbors: int = 50,
                 options: dict[str, list[str]] | None = None, prefix: str = "Isomap", **args: Any):
        super().__init__(*terms, prefix=prefix, **args)
        self.num_terms, self.neighbors = num_terms, neighbors
        self.options = {".mute": ["message", "output"]} if options is None else dict(options)

    @classmethod
    def from_r(cls, node: List) -> "StepIsomap":
        step = _common_from_r(cls, node)
        step.num_terms = int(_number(node["num_terms"]))
        step.neighbors = int(_number(node["neighbors"]))
        options = node.get("options")
        step.options = {k: strings(v) for k, v in (options.items() if isinstance(options, List) else [])}
        step.res, step.res_r = _isomap_from_r(node.get("res")), node.get("res")
        return step

    def check_settings(self) -> None:
        if self.neighbors < 1 or self.neighbors != int(self.neighbors):
            raise SpecError("step_isomap: `neighbors` must be a whole number, 1 or larger")

    def project(self, x: np.ndarray) -> np.ndarray:
        return self.res.apply(x)

    def fields_to_r(self) -> dict[str, Any]:
        tail = self._tail_to_r()
        return {"num_terms": b.dbl(float(self.num_terms)), "neighbors": b.dbl(float(self.neighbors)),
                "options": b.named_list({k: b.chr(*v) for k, v in self.options.items()}),
                "res": self.res_r, "columns": tail.pop("columns"), **tail}
