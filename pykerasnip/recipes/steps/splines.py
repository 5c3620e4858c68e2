"""Recipes' splines2 steps: step_spline_b (B-splines), step_spline_convex (C-splines),
step_spline_monotone (I-splines), step_spline_natural (natural cubic splines),
step_spline_nonnegative (M-splines) and step_poly_bernstein (Bernstein polynomials).

Each selected column becomes ``<col>_01``, ``<col>_02``... from the splines2 basis whose
attributes recipes keeps per column (``results``); bake evaluates that basis again on
new data, exactly as splines2 does (:mod:`pykerasnip.recipes.splines2`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...convert import flag, from_python, scalar, to_python
from ...errors import ForgeError, SpecError
from ...rds import build as b
from ...rds.nodes import Integer, List, Logical, RObject
from ...rmath import names0
from .. import splines2
from .base import register, step_to_r
from .basis import _BasisStep, numeric_column


def _attr_from_r(node: RObject) -> Any:
    """A basis attribute as splines2 made it: integer -> int, logical -> bool,
    double -> float array."""
    if isinstance(node, Integer):
        return int(scalar(node))
    if isinstance(node, Logical):
        return flag(node)
    return np.asarray(to_python(node), dtype=float).ravel()


def _attr_to_r(value: Any) -> RObject:
    if isinstance(value, (bool, np.bool_)):
        return b.lgl(bool(value))
    if isinstance(value, (int, np.integer)):
        return b.int_(int(value))
    return b.dbl(np.asarray(value, dtype=float))


@dataclass
class SplineFit:
    """One column's basis as recipes keeps it: the splines2 function, the column name
    (``nm``, the prefix of the new columns), the training basis' ``dim`` and the
    attributes that rebuild the basis on new data."""

    fn: str
    name: str
    dim: tuple[int, int]
    attrs: dict[str, Any]

    @classmethod
    def from_r(cls, node: List) -> "SplineFit":
        fields = dict(node.items())
        dim = tuple(int(v) for v in to_python(fields.pop("dim")))
        fn, name = scalar(fields.pop(".fn")), scalar(fields.pop("nm"))
        if fn not in splines2.FUNCTIONS or scalar(fields.pop(".ns", None)) != "splines2":
            raise ForgeError(f"unknown spline function {fn!r} in a recipes spline step")
        return cls(fn, name, (dim[0], dim[1]), {k: _attr_from_r(v) for k, v in fields.items()})

    def to_r(self) -> List:
        return b.named_list({"dim": b.int_(*self.dim),
                             **{k: _attr_to_r(v) for k, v in self.attrs.items()},
                             ".fn": b.chr(self.fn), ".ns": b.chr("splines2"),
                             "nm": b.chr(self.name)})

    def basis(self, x: np.ndarray) -> np.ndarray:
        """recipes' ``spline2_apply``: the stored basis at x (no rows for no x)."""
        if len(x) == 0:
            return splines2.call(self.fn, self.attrs["Boundary.knots"][:1], self.attrs).values[:0]
        return splines2.call(self.fn, x, self.attrs).values


def _option_value(value: Any) -> Any:
    """An option as R code would write it: sequences become arrays, whole numbers
    doubles (``c(2, 5)``, ``derivs = 1``)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        value = np.asarray(value)
        return value.astype(float) if value.dtype.kind in "iu" else value
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return value


class _Splines2Step(_BasisStep):
    """Shared prep/bake of the splines2 steps (recipes' ``spline2_create`` and
    ``spline2_apply``)."""

    objects_field = "results"
    #: the splines2 function
    fn: ClassVar[str] = ""
    #: the step's own R arguments between ``trained`` and ``options``, in R's order
    arguments: ClassVar[tuple[str, ...]] = ("deg_free", "degree", "complete_set")
    #: option names recipes refuses (the arguments the step sets itself)
    excluded: ClassVar[tuple[str, ...]] = ("x", "df", "degree", "intercept")
    #: smallest deg_free recipes accepts (None: not checked)
    min_deg_free: ClassVar[int | None] = 0
    #: does prep refuse columns with a single value (recipes' ``check_zv``)?
    checks_variance: ClassVar[bool] = True

    def __init__(self, *terms: Any, deg_free: float | None = 10, degree: float | None = 3,
                 complete_set: bool = False, **kwargs: Any):
        super().__init__(*terms, **kwargs)
        self.options = {k: _option_value(v) for k, v in self.options.items()}
        self.deg_free, self.degree, self.complete_set = deg_free, degree, complete_set

    @classmethod
    def from_r(cls, node: List) -> "_Splines2Step":
        step = super().from_r(node)
        step.options = {k: _option_value(v) for k, v in step.options.items()}
        for name in cls.arguments:
            value = node.get(name)
            setattr(step, name, flag(value) if name == "complete_set" else scalar(value))
        return step

    def object_from_r(self, obj: Any) -> SplineFit:
        return SplineFit.from_r(obj)

    def options_to_r(self) -> Any:
        return b.named_list({k: from_python(v) for k, v in self.options.items()}) \
            if self.options else None

    def to_r(self) -> List:
        fields = {name: self.argument_to_r(name) for name in self.arguments}
        results = b.named_list({c: fit.to_r() for c, fit in self.objects.items()}) \
            if self.trained else None
        return step_to_r(self, {**fields, "options": self.options_to_r(),
                                "keep_original_cols": b.lgl(self.keep_original_cols),
                                "results": results})

    def argument_to_r(self, name: str) -> RObject:
        value = getattr(self, name)
        if name == "complete_set":
            return b.lgl(value)
        return None if value is None else b.dbl(float(value))

    # -- prep ------------------------------------------------------------------------
    def check_arguments(self) -> None:
        """recipes' argument checks at prep."""
        bad = [k for k in self.options if k in self.excluded]
        if bad:
            raise SpecError(f"{self.r_class}: the following elements of the list passed to "
                            f"`options` are not allowed: {', '.join(bad)}")
        for name, least in (("degree", 0), ("deg_free", self.min_deg_free)):
            value = getattr(self, name, None)
            if least is not None and name in self.arguments and (
                    value is None or float(value) != int(value) or value < least):
                raise SpecError(f"{self.r_class}: `{name}` must be a whole number "
                                f"larger than or equal to {least}")

    def call_args(self) -> dict[str, Any]:
        """The arguments of the splines2 call besides x (recipes' ``spline2_create``)."""
        if self.degree is not None and self.degree > self.deg_free - self.complete_set:
            rule = "less than or equal to" if self.complete_set else "less than"
            raise SpecError(f"{self.r_class}: `degree` ({self.degree}) must be {rule} "
                            f"`deg_free` ({self.deg_free}) when `complete_set = "
                            f"{str(bool(self.complete_set)).upper()}`.")
        return {"df": self.deg_free, "intercept": self.complete_set, **self.options,
                **({} if self.degree is None else {"degree": self.degree})}

    def fit(self, column: str, x: np.ndarray) -> SplineFit:
        try:
            made = splines2.call(self.fn, x, self.call_args())
        except splines2.Splines2Error as err:
            raise ForgeError(f"{self.r_class}: Failed to compute: {err}") from None
        return SplineFit(self.fn, column, made.values.shape, made.attrs)

    def trained_options(self) -> dict[str, Any]:
        """The options the trained step keeps."""
        return self.options

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.check_arguments()
        self.options = self.trained_options()
        values = {c: numeric_column(data, c, self.r_class) for c in self.select(info)}
        constant = [c for c, x in values.items() if len(np.unique(x[~np.isnan(x)])) < 2]
        if constant and self.checks_variance:
            raise ForgeError(f"{self.r_class}: the following columns have zero variance "
                             f"making computations unable to proceed: {', '.join(constant)}.")
        self.objects = {c: self.fit(c, x) for c, x in values.items()}
        self.trained = True

    # -- bake ------------------------------------------------------------------------
    def basis(self, column: str, x: np.ndarray) -> np.ndarray:
        try:
            return self.objects[column].basis(x)
        except splines2.Splines2Error as err:
            raise ForgeError(f"{self.r_class}: {err}") from None

    def column_names(self, column: str, n: int) -> list[str]:
        return names0(n, f"{self.objects[column].name}_")


@register
class StepSplineB(_Splines2Step):
    """``step_spline_b``: B-spline columns ``<col>_01``, ``<col>_02`` and so on, from
    splines2's ``bSpline``."""

    r_class = "step_spline_b"
    fn = "bSpline"


@register
class StepSplineNonnegative(_Splines2Step):
    """``step_spline_nonnegative``: M-spline columns ``<col>_01``, ``<col>_02`` and so on,
    from splines2's ``mSpline`` (periodic too)."""

    r_class = "step_spline_nonnegative"
    fn = "mSpline"


@register
class StepSplineMonotone(_Splines2Step):
    """``step_spline_monotone``: I-spline columns ``<col>_01``, ``<col>_02`` and so on,
    from splines2's ``iSpline``."""

    r_class = "step_spline_monotone"
    fn = "iSpline"

    def __init__(self, *terms: Any, complete_set: bool = True, **kwargs: Any):
        super().__init__(*terms, complete_set=complete_set, **kwargs)


@register
class StepSplineConvex(StepSplineMonotone):
    """``step_spline_convex``: C-spline columns ``<col>_01``, ``<col>_02`` and so on, from
    splines2's ``cSpline``."""

    r_class = "step_spline_convex"
    fn = "cSpline"
    min_deg_free = None


@register
class StepSplineNatural(_Splines2Step):
    """``step_spline_natural``: natural cubic spline columns ``<col>_01``, ``<col>_02`` and
    so on, from splines2's ``naturalSpline`` (not ``splines::ns``)."""

    r_class = "step_spline_natural"
    fn = "naturalSpline"
    arguments = ("deg_free", "complete_set")
    excluded = ("x", "df", "intercept")
    min_deg_free = 2

    def __init__(self, *terms: Any, deg_free: float = 10, **kwargs: Any):
        super().__init__(*terms, deg_free=deg_free, degree=None, **kwargs)

    def call_args(self) -> dict[str, Any]:
        return {**super().call_args(), "df": max(self.deg_free, 2)}


@register
class StepPolyBernstein(_Splines2Step):
    """``step_poly_bernstein``: Bernstein polynomial columns ``<col>_01``, ``<col>_02`` and
    so on, from splines2's ``bernsteinPoly`` over the training range (bake refuses new
    values outside it, as R does)."""

    r_class = "step_poly_bernstein"
    fn = "bernsteinPoly"
    default_role = None
    arguments = ("degree", "complete_set")
    excluded = ("x", "degree")

    def __init__(self, *terms: Any, degree: float = 10, **kwargs: Any):
        super().__init__(*terms, deg_free=None, degree=degree, **kwargs)

    checks_variance = False

    def call_args(self) -> dict[str, Any]:
        return {"df": None, "intercept": self.complete_set, **self.options}

    def trained_options(self) -> dict[str, Any]:
        return {**self.options, "degree": _option_value(self.degree)}

    def options_to_r(self) -> Any:
        """recipes stores ``c(options, degree = degree)``: a named number when no other
        option was given, a list otherwise."""
        if list(self.options) == ["degree"]:
            return b.structure(b.dbl(float(self.options["degree"])), {"names": b.chr("degree")})
        return super().options_to_r()
