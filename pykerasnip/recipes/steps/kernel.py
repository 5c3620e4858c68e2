"""Kernel and manifold projections: step_kpca, step_kpca_rbf, step_kpca_poly (kernlab's
``kpca``) and step_isomap (dimRed's Isomap).

The fitted objects R stores are read slot by slot: kernlab's S4 ``kpca`` object (``pcv``,
``xmatrix``, the kernel by its S4 class and ``kpar``) and dimRed's ``dimRedResult``,
whose ``apply`` closure is recognised and its environment read (training data,
eigenvectors, geodesic distances) -- never run. Baking replays kernlab's ``predict`` and
dimRed's landmark-Isomap projection (:mod:`pykerasnip.recipes.embedding`) exactly.
kernlab's ``kpca`` fit is replayed too, and a Python fit is written back as the S4 object
kernlab makes (its kernel function a call of kernlab's generator). Preparing step_isomap
is left to R (``PREP_EXCEPTIONS``).
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings, to_python
from ...errors import MalformedObjectError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import (Closure, Environment, Integer, List, MissingArg, Promise, Real,
                          RObject, S4Object, Sym, plain)
from ...rmath import names0
from ..embedding import IsomapFit, Kernel, KernelPCA, fit_kpca, squared_col_means
from .base import (PREP_EXCEPTIONS, Step, append_columns, column_names, drop_inputs, first,
                   named_chr, prep_refusal, register, step_to_r)
from .numeric import is_r_integer, numeric_columns, numeric_values, r_matrix

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
    return r_matrix(node).to_numpy()


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
    xmatrix = plain(node.attr("xmatrix"))
    omitted = xmatrix.attr("na.action") if isinstance(xmatrix, RObject) else None
    return KernelPCA(kernel=_kernel_from_r(node.attr("kernelf")),
                     xmatrix=_matrix(xmatrix), pcv=_matrix(node.attr("pcv")),
                     eig=np.asarray(node.attr("eig").data, dtype="f8"), rotated=_matrix(node.attr("rotated")),
                     omitted=tuple(int(i) for i in omitted.data) if omitted is not None else (),
                     integer=isinstance(xmatrix, Integer))


#: kernlab's version the written kpca objects name (R finds the namespace by its name)
_KERNLAB = ("kernlab", "0.9-32")
#: how R serializes a NULL S4 slot
_NULL_SLOT = "\x01NULL\x01"


def _s4(node: RObject, r_class: str) -> RObject:
    """``node`` made an S4 object of kernlab's class ``r_class``."""
    b.structure(node, {"class": b.structure(b.chr(r_class), package=b.chr(_KERNLAB[0]))})
    node.levels, node.is_object = node.levels | 16, True  # R's S4 bit
    return node


def _kpar_to_r(kpar: dict[str, float]) -> List:
    """A kernel's parameters as R's list (an empty one unnamed, as ``list()``)."""
    return b.named_list({k: b.dbl(float(v)) for k, v in kpar.items()}) if kpar else b.r_list([])


def _kernel_to_r(kernel: Kernel) -> Closure:
    """A kernlab kernel function object: ``function(x, y = NULL)`` evaluating kernlab's
    generator with the parameters, of the kernel's S4 class with its ``kpar``."""
    kpar = {name: b.dbl(value) for name, value in kernel.kpar.items()}
    generator = b.ns_call(_KERNLAB[0], kernel.generator, **{name: b.sym(name) for name in kpar})
    env = b.environment(kpar, enclos=b.namespace(*_KERNLAB))
    fn = b.closure({"x": MissingArg, "y": None}, b.call(generator, b.sym("x"), b.sym("y")), env)
    return _s4(b.structure(fn, kpar=_kpar_to_r(kernel.kpar)), kernel.r_class)


def _labelled_matrix(values: np.ndarray, colnames: list[str] | None = None, integer: bool = False,
                     **attrs: Any) -> Real | Integer:
    flat = values.ravel(order="F")
    node = b.matrix(b.int_(flat.astype("i4")) if integer else b.dbl(flat), *values.shape)
    if colnames is not None:
        b.structure(node, dimnames=b.r_list([None, b.chr(colnames)]))
    return b.structure(node, attrs)


def _kpca_to_r(fit: KernelPCA, columns: list[str], kcall: dict[str, Any]) -> S4Object:
    """The S4 ``kpca`` object kernlab's ``kpca`` returns for ``fit``."""
    features = fit.pcv.shape[1]
    omitted = ({"na.action": b.structure(b.dbl([float(i) for i in fit.omitted]), {"class": b.chr("omit")})}
               if fit.omitted else {})
    # match.call() names the arguments in the order of kpca's formals
    args = {name: kcall[name] for name in ("kernel", "kpar") if name in kcall}
    call = b.call(".local", x=b.sym("x"), **args, features=b.dbl(float(features)),
                  **{name: kcall[name] for name in ("th",) if name in kcall})
    eig = b.structure(b.dbl(fit.eig), names=b.chr([f"Comp.{i}" for i in range(1, features + 1)]))
    slots = {"rotated": _labelled_matrix(fit.rotated), "pcv": _labelled_matrix(fit.pcv), "eig": eig,
             "kernelf": _kernel_to_r(fit.kernel), "kpar": b.r_list([]),
             "xmatrix": _labelled_matrix(fit.xmatrix, columns, fit.integer, **omitted),
             "kcall": call,
             "terms": Sym(_NULL_SLOT), "n.action": Sym(_NULL_SLOT)}
    return _s4(b.structure(S4Object(), slots), "kpca")


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

    def project(self, x: np.ndarray, integer: bool) -> np.ndarray:
        """The projection of the rows of ``x`` (``integer``: R's matrix of them is an
        integer one)."""
        raise NotImplementedError

    def fit(self, x: np.ndarray, integer: bool) -> None:
        """Fit the projection to ``x`` (the training rows of the selected columns) into
        ``res``; by default the fit stays in R (``PREP_EXCEPTIONS``)."""
        raise UnsupportedStepError(self.r_class, prep_refusal(PREP_EXCEPTIONS[self.r_class]))

    def selection(self, data: pd.DataFrame) -> tuple[np.ndarray, bool]:
        """``as.matrix()`` of the selected columns, as doubles, and whether R's matrix is
        an integer one (every column an R integer)."""
        x = np.column_stack([numeric_values(data[c]) for c in self.columns])
        return x, all(is_r_integer(data[c]) for c in self.columns)

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
        self.res = self.res_r = None
        if count > 0 and self.columns:
            self.fit(*self.selection(data))
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.columns

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        count = int(getattr(self, self.size))
        if not (count > 0 and self.columns):
            return data
        x, integer = self.selection(data)
        comps = self.project(x, integer) if len(x) else np.empty((0, count), dtype=self.empty_dtype)
        if comps.shape[1] < count:
            raise SpecError(f"{self.r_class}: subscript out of bounds (the projection has "
                            f"{comps.shape[1]} dimensions)")
        new = pd.DataFrame(comps[:, :count], columns=names0(count, self.prefix), index=data.index)
        return drop_inputs(append_columns(data, new, self.r_class), self.columns, self.keep_original_cols)

    def fields_to_r(self) -> dict[str, Any]:
        """The step's own R fields (``res``: the fit R stored as it was read, Python's fit
        written as R's object, or NULL with nothing to fit)."""
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

    def project(self, x: np.ndarray, integer: bool) -> np.ndarray:
        return self.res.predict(x, integer=integer)

    def kernel(self) -> Kernel:
        """The kernel the step's settings make."""
        raise NotImplementedError

    def kcall_args(self) -> dict[str, Any]:
        """``kernel`` and ``kpar`` as the step hands them to ``kpca`` (in its call)."""
        kernel = self.kernel()
        return {"kernel": b.chr(kernel.generator), "kpar": _kpar_to_r(kernel.kpar)}

    def fit(self, x: np.ndarray, integer: bool) -> None:
        self.res = fit_kpca(self.kernel(), x, int(self.num_comp), integer=integer)

    def row_dependence(self) -> str | None:
        """kernlab's predict centres every row's kernel with the number of rows baked."""
        if self.num_comp > 0 and self.columns:
            return "centres each row with the number of rows baked (kernlab's predict)"
        return None

    def fields_to_r(self) -> dict[str, Any]:
        tail = self._tail_to_r()
        res = self.res_r
        if res is None and self.res is not None:
            res = _kpca_to_r(self.res, self.columns, self.kcall_args())
        return {"num_comp": b.dbl(float(self.num_comp)), "res": res, "columns": tail.pop("columns"),
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

    def kernel(self) -> Kernel:
        return Kernel.generated("rbfdot", {"sigma": self.sigma})


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

    def kernel(self) -> Kernel:
        return Kernel.generated("polydot", {"degree": self.degree, "scale": self.scale_factor,
                                            "offset": self.offset})


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

    def kernel(self) -> Kernel:
        unknown = sorted(set(self.options) - {"kernel", "kpar", "th"})
        if unknown:
            raise UnsupportedStepError("step_kpca", f"the kpca option(s) {', '.join(unknown)}")
        kernel = self.options.get("kernel", "rbfdot")  # kernlab's defaults
        if isinstance(kernel, Kernel):
            return kernel
        return Kernel.generated(str(kernel), self.options.get("kpar", {"sigma": 0.1}))

    def kcall_args(self) -> dict[str, Any]:
        return dict(self.settings_to_r()["options"].items())

    def fit(self, x: np.ndarray, integer: bool) -> None:
        th = float(self.options.get("th", 1e-4))
        self.res = fit_kpca(self.kernel(), x, int(self.num_comp), th, integer=integer)

    def settings_to_r(self) -> dict[str, Any]:
        def node(name: str, value: Any) -> Any:
            if name == "kpar":
                return _kpar_to_r(value)
            if isinstance(value, Kernel):
                return _kernel_to_r(value)
            return value if isinstance(value, RObject) else b.as_node(value)
        return {"options": b.named_list({k: node(k, v) for k, v in self.options.items()})}


def _option(name: str, value: Any) -> Any:
    """An entry of step_kpca's ``options`` as a Python value: the kernel's generator name
    (or the kernel an S4 kernel object stands for), ``kpar`` as a dict of numbers."""
    if name == "kernel":
        return _kernel_from_r(value) if isinstance(value, Closure) else str(first(to_python(value)))
    if name == "kpar":
        return {k: float(first(v)) for k, v in (to_python(value) or {}).items()}
    if name == "th":
        return _number(value)
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

    def project(self, x: np.ndarray, integer: bool) -> np.ndarray:
        return self.res.apply(x)  # dimRed's neighbour search and distances are in doubles

    def fields_to_r(self) -> dict[str, Any]:
        tail = self._tail_to_r()
        return {"num_terms": b.dbl(float(self.num_terms)), "neighbors": b.dbl(float(self.neighbors)),
                "options": b.named_list({k: b.chr(*v) for k, v in self.options.items()}),
                "res": self.res_r, "columns": tail.pop("columns"), **tail}
