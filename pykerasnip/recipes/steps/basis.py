"""Recipes basis-expansion steps: step_poly (orthogonal polynomials), step_ns (natural
splines) and step_bs (B-splines), with R's exact bases (see :mod:`pykerasnip.rmath`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...convert import datetime_numbers, flag, from_python, scalar, to_python
from ...errors import ForgeError
from ...rds import build as b
from ...rds.nodes import List, RObject
from ...rmath import bs_basis, names0, ns_basis, poly_coefs, poly_predict, poly_raw, quantile7
from .base import Step, append_columns, drop_inputs, named_chr, r_numbers, register, step_to_r
from .numeric import numeric_values


def numeric_column(data: pd.DataFrame, column: str, step: str, baking: bool = False,
                   datetimes: bool = False) -> np.ndarray:
    """A numeric column as float64 with NaN for NA (recipes' ``check_type`` at prep, where
    ``datetimes`` admits POSIXct columns, as their seconds; R's bake checks nothing, so a
    logical column counts as 0/1 there, and a date or date-time as R's number of it)."""
    values = data[column]
    if pd.api.types.is_datetime64_any_dtype(values) and (baking or (datetimes and time_zone(values))):
        return datetime_numbers(values)
    logical = pd.api.types.is_bool_dtype(values)
    if not pd.api.types.is_numeric_dtype(values) or (logical and not baking):
        raise ForgeError(f"{step}: column `{column}` is not numeric")
    return numeric_values(values)


def time_zone(values: pd.Series) -> str | None:
    """The ``tzone`` of a POSIXct column, ``None`` for anything else (a Date is naive)."""
    tz = getattr(values.dtype, "tz", None)
    return None if tz is None else str(tz)


class _BasisStep(Step):
    """Shared prep/bake of the basis steps: per column a block of new columns
    ``<col>_<kind>_<k>`` appended in column order, inputs dropped unless kept."""

    kind = ""
    #: the R field holding the trained objects, one per column
    objects_field = "objects"

    def __init__(self, *terms: Any, objects: dict[str, Any] | None = None,
                 options: dict[str, Any] | None = None, keep_original_cols: bool = False,
                 **common: Any):
        super().__init__(*terms, **common)
        self.objects = objects or {}
        self.options = options or {}
        self.keep_original_cols = keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "_BasisStep":
        step = super().from_r(node)
        step.objects = {name: step.object_from_r(obj)
                        for name, obj in (node.get(cls.objects_field) or List()).items()}
        options = to_python(node.get("options"))
        step.options = {} if options is None else dict(options)
        step.keep_original_cols = flag(node.get("keep_original_cols"))
        return step

    def object_from_r(self, obj: Any) -> Any:
        """The trained state of one column from the stored basis object."""
        raise NotImplementedError

    def object_to_r(self, column: str, state: Any) -> RObject:
        """The stored basis object of one column (a 1-row NA matrix with attributes)."""
        raise NotImplementedError

    def fields_to_r(self, objects: List | None) -> dict[str, Any]:
        """The step's R fields around the stored ``objects`` (NULL until trained)."""
        raise NotImplementedError

    def to_r(self) -> List:
        objects = b.named_list({c: self.object_to_r(c, state).set_attr("var", named_chr([c]))
                                for c, state in self.objects.items()})
        return step_to_r(self, {**self.fields_to_r(objects if self.trained else None),
                                "options": from_python(self.options),
                                "keep_original_cols": b.lgl(self.keep_original_cols)})

    def train(self, x: np.ndarray) -> Any:
        """The trained state of one column from its training values."""
        raise NotImplementedError

    def basis(self, column: str, x: np.ndarray) -> np.ndarray:
        """The new columns for one input column."""
        raise NotImplementedError

    def column_names(self, column: str, n: int) -> list[str]:
        return [f"{column}_{self.kind}_{k}" for k in names0(n, "")]

    #: whether prep takes POSIXct columns (recipes' check_type admits "datetime")
    datetimes = False

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.objects = {c: self.train(numeric_column(data, c, self.r_class, datetimes=self.datetimes))
                        for c in self.select(info)}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.objects)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        columns = self.required_columns()
        for column in columns:
            values = self.basis(column, numeric_column(data, column, self.r_class, baking=True))
            # the basis is a new array: column-major, it is the frame's block as it is
            new = pd.DataFrame(values, columns=self.column_names(column, values.shape[1]),
                               copy=not values.flags.f_contiguous)
            data = append_columns(data, new, self.r_class)
        return drop_inputs(data, columns, self.keep_original_cols)


def basis_object(kind: str, ncol: int, attrs: dict[str, Any]) -> RObject:
    """What recipes keeps of a ``poly``/``ns``/``bs`` basis: a 1-row NA matrix of class
    ``c(kind, "basis", "matrix")`` carrying the prediction attributes."""
    empty = b.matrix(b.lgl([None] * ncol), 1, ncol)
    return b.structure(empty, {"class": b.chr(kind, "basis", "matrix"), **attrs})


@dataclass
class PolyCoefs:
    """What ``stats::poly`` keeps to predict: ``alpha``/``norm2``, or ``None`` when raw."""

    degree: int
    alpha: np.ndarray | None = None
    norm2: np.ndarray | None = None


@register
class StepPoly(_BasisStep):
    """``step_poly``: orthogonal (or raw) polynomial columns ``<col>_poly_<j>``."""

    r_class = "step_poly"
    kind = "poly"

    def __init__(self, *terms: Any, degree: int = 2, **kwargs: Any):
        super().__init__(*terms, **kwargs)
        self.degree = degree

    @classmethod
    def from_r(cls, node: List) -> "StepPoly":
        step = super().from_r(node)
        step.degree = int(scalar(node["degree"]))
        return step

    def object_from_r(self, obj: Any) -> PolyCoefs:
        coefs = obj.attr("coefs")
        degree = int(r_numbers(obj.attr("degree")).max())
        if coefs is None:
            return PolyCoefs(degree)
        return PolyCoefs(degree, r_numbers(coefs["alpha"]), r_numbers(coefs["norm2"]))

    def object_to_r(self, column: str, state: PolyCoefs) -> RObject:
        coefs = None if state.alpha is None else b.named_list(alpha=b.dbl(state.alpha),
                                                              norm2=b.dbl(state.norm2))
        return basis_object("poly", state.degree, {"degree": b.int_(list(range(1, state.degree + 1))),
                                                   "coefs": coefs})

    def fields_to_r(self, objects: List | None) -> dict[str, Any]:
        return {"objects": objects, "degree": b.int_(self.degree)}

    def train(self, x: np.ndarray) -> PolyCoefs:
        if self.options.get("raw", False):
            return PolyCoefs(self.degree)
        try:
            return PolyCoefs(self.degree, *poly_coefs(x, self.degree))
        except ValueError as err:
            raise ForgeError(f"step_poly: {err}") from None

    def basis(self, column: str, x: np.ndarray) -> np.ndarray:
        coefs = self.objects[column]
        if coefs.alpha is None:
            return poly_raw(x, coefs.degree)
        return poly_predict(x, coefs.alpha, coefs.norm2)

    def column_names(self, column: str, n: int) -> list[str]:
        return [f"{column}_poly_{j}" for j in range(1, n + 1)]


@dataclass
class SplineParams:
    """The attributes of a stored ``ns``/``bs`` basis object."""

    knots: np.ndarray
    boundary: np.ndarray
    intercept: bool = False
    degree: int = 3
    #: the time zone of knots trained on a POSIXct column (R keeps them date-times)
    tzone: str | None = None

    def attrs_to_r(self) -> dict[str, RObject]:
        # no interior knots are numeric(0), not date-times
        knots = self._points(self.knots) if len(self.knots) else b.dbl(self.knots)
        return {"knots": knots, "Boundary.knots": self._points(self.boundary),
                "intercept": b.lgl(self.intercept)}

    def _points(self, values: np.ndarray) -> RObject:
        if self.tzone is None:
            return b.dbl(values)
        zone = {"tzone": b.chr(self.tzone)} if self.tzone else {}
        return b.structure(b.dbl(values), {"class": b.chr("POSIXct", "POSIXt"), **zone})


def _posixct_zone(knots: Any) -> str | None:
    """The ``tzone`` of stored POSIXct boundary knots (``""`` when R kept none), else ``None``."""
    if not (isinstance(knots, RObject) and knots.inherits("POSIXct")):
        return None
    return scalar(knots.attr("tzone")) or ""


def spline_statistics(x: np.ndarray, deg_free: int | None, degree: int, knot_degree: int,
                      options: dict[str, Any]) -> SplineParams:
    """recipes' ``bs_statistics``/``ns_statistics``: boundary = training range, interior
    knots = type-7 quantiles of the in-range values (``knot_degree`` is 1 for ns)."""
    intercept = bool(options.get("intercept", False))
    given = options.get("Boundary.knots")
    boundary = (np.sort(np.asarray(given, dtype=float)) if given is not None
                else np.array([np.min(x), np.max(x)]) if len(x)
                else np.array([np.inf, -np.inf]))  # R's range() of no value
    num_knots = None if deg_free is None else deg_free - knot_degree - int(intercept)
    if num_knots is not None and options.get("knots") is None and num_knots >= 1:
        inside = x[~np.isnan(x) & (x >= boundary[0]) & (x <= boundary[1])]
        knots = (quantile7(inside, np.arange(1, num_knots + 1) / (num_knots + 1)) if len(inside)
                 else np.full(num_knots, np.nan))  # quantile() of no value
    else:
        given = options.get("knots")
        knots = np.asarray([] if given is None else given, dtype=float).ravel()
    return SplineParams(knots, boundary, intercept, degree)


class _SplineStep(_BasisStep):
    """Shared layout of step_ns and step_bs (``deg_free`` and spline attributes)."""

    datetimes = True

    def __init__(self, *terms: Any, deg_free: int | None = None, degree: int = 3,
                 **kwargs: Any):
        super().__init__(*terms, **kwargs)
        self.deg_free, self.degree = deg_free, degree

    @classmethod
    def from_r(cls, node: List) -> "_SplineStep":
        step = super().from_r(node)
        deg_free = scalar(node.get("deg_free"))
        step.deg_free = None if deg_free is None else int(deg_free)
        step.degree = int(scalar(node.get("degree")) or step.degree)
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        # recipes' boundary is range(x), NA with a missing value, and R stops (in
        # quantile() or in the basis) unless Boundary.knots is given
        if "Boundary.knots" not in self.options:
            for column in self.select(info):
                if data[column].isna().any():
                    raise ForgeError(f"{self.r_class}: missing values in `{column}` make the "
                                     "boundary knots (its range) NA; give Boundary.knots in options")
        super().prep(data, info)
        for column, params in self.objects.items():
            params.tzone = time_zone(data[column])

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if len(data):  # splines' basis of no values (all NA) stops R's splineDesign()
            empty = [c for c in self.required_columns() if data[c].isna().all()]
            if empty:
                raise ForgeError(f"{self.r_class}: no values in `{empty[0]}` (R: length of "
                                 "'derivs' is larger than length of 'x')")
            return super().bake(data)
        # on no rows recipes' columns are logical, and a basis of them is too
        logical = {c: "f8" for c in self.required_columns() if pd.api.types.is_bool_dtype(data[c])}
        out = super().bake(data.astype(logical))
        return out.astype({c: "boolean" for c in out.columns if c not in data.columns or c in logical})

    def checked(self, column: str, x: np.ndarray) -> np.ndarray:
        """``x``, unless R cannot extrapolate it: beyond date-time boundary knots, splines'
        linear extension does arithmetic on date-times, which R refuses."""
        p = self.objects[column]
        with np.errstate(invalid="ignore"):
            beyond = p.tzone is not None and bool(np.any((x < p.boundary[0]) | (x > p.boundary[1])))
        if beyond:
            raise ForgeError(f"{self.r_class}: values of `{column}` lie beyond its date-time boundary "
                             "knots, and R's spline extrapolation cannot do arithmetic on date-times")
        return x

    def object_from_r(self, obj: Any) -> SplineParams:
        return SplineParams(knots=r_numbers(obj.attr("knots")),
                            boundary=r_numbers(obj.attr("Boundary.knots")),
                            intercept=flag(obj.attr("intercept")),
                            degree=int(scalar(obj.attr("degree"))),
                            tzone=_posixct_zone(obj.attr("Boundary.knots")))


@register
class StepNs(_SplineStep):
    """``step_ns``: natural cubic spline columns ``<col>_ns_<k>``."""

    r_class = "step_ns"
    kind = "ns"

    def __init__(self, *terms: Any, deg_free: int | None = 2, **kwargs: Any):
        super().__init__(*terms, deg_free=deg_free, **kwargs)

    def train(self, x: np.ndarray) -> SplineParams:
        return spline_statistics(x, self.deg_free, 3, 1, self.options)

    def object_to_r(self, column: str, state: SplineParams) -> RObject:
        ncol = len(state.knots) + 1 + int(state.intercept)
        return basis_object("ns", ncol, {"degree": b.int_(3), **state.attrs_to_r()})

    def fields_to_r(self, objects: List | None) -> dict[str, Any]:
        return {"deg_free": b.dbl(self.deg_free), "objects": objects}

    def basis(self, column: str, x: np.ndarray) -> np.ndarray:
        p = self.objects[column]
        try:
            return ns_basis(self.checked(column, x), p.knots, p.boundary, p.intercept)
        except ValueError as err:
            raise ForgeError(f"step_ns: `{column}`: {err}") from None


@register
class StepBs(_SplineStep):
    """``step_bs``: B-spline columns ``<col>_bs_<k>``."""

    r_class = "step_bs"
    kind = "bs"

    def train(self, x: np.ndarray) -> SplineParams:
        return spline_statistics(x, self.deg_free, self.degree, self.degree, self.options)

    def object_to_r(self, column: str, state: SplineParams) -> RObject:
        ncol = len(state.knots) + state.degree + int(state.intercept)
        return basis_object("bs", ncol, {**state.attrs_to_r(), "degree": b.int_(state.degree)})

    def fields_to_r(self, objects: List | None) -> dict[str, Any]:
        deg_free = None if self.deg_free is None else b.dbl(self.deg_free)
        return {"deg_free": deg_free, "degree": b.dbl(self.degree), "objects": objects}

    def basis(self, column: str, x: np.ndarray) -> np.ndarray:
        p = self.objects[column]
        return bs_basis(self.checked(column, x), p.knots, p.boundary, p.degree, p.intercept)
