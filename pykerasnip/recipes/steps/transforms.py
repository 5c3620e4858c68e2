"""Elementwise numeric transforms: inverse, logit, invlogit, hyperbolic and relu.

Each works column by column on doubles; the links are ``stats::binomial()``'s C code
(``invlogit`` clamps its argument at +-30 like ``logit_linkinv``, ``logit`` refuses
values outside [0, 1] and non-double input like ``logit_link``).
"""
from __future__ import annotations

import math
from typing import Any, Callable, ClassVar

import numpy as np
import pandas as pd

from ...errors import ForgeError, SpecError
from ...rds import build as b
from ...rds.nodes import List
from ...rmath import libm
from .base import append_columns, first, named_chr, register, step_to_r
from .numeric import FixedMapStep, numeric_columns, numeric_values

_EPS = float(np.finfo(float).eps)
_THRESH = 30.0


def _is_integer(column: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype)


def _setting(value: Any, default: Any) -> Any:
    """A setting read from R in its Python type; R's NA as NaN (numbers) or None, for
    prep to refuse as recipes does."""
    if pd.isna(value):
        return math.nan if isinstance(default, float) else None
    return type(default)(value)


#: a setting's Python type -> (what recipes asks for, the test of a value)
_SETTING_KINDS: dict[type, tuple[str, Callable[[Any], bool]]] = {
    float: ("a number", lambda v: isinstance(v, (int, float, np.integer, np.floating))
            and not isinstance(v, (bool, np.bool_)) and not math.isnan(v)),
    bool: ("`TRUE` or `FALSE`", lambda v: isinstance(v, (bool, np.bool_))),
    str: ("a single string", lambda v: isinstance(v, str)),
}


class _TransformStep(FixedMapStep):
    """A column-wise transform whose R object holds ``columns`` plus ``settings``."""

    #: step-specific settings: name -> (R node maker, default)
    settings: ClassVar[dict[str, tuple[Callable[[Any], Any], Any]]] = {}
    #: R returns zero-row data untouched (types included) before transforming
    skips_empty: ClassVar[bool] = False

    def __init__(self, *terms: Any, **common: Any):
        own = {k: common.pop(k, default) for k, (_, default) in self.settings.items()}
        super().__init__(*terms, **common)
        self.__dict__.update(own)

    @classmethod
    def from_r(cls, node: List) -> "_TransformStep":
        step = super().from_r(node)
        for name, (_, default) in cls.settings.items():
            value = first(step.__dict__.get(name))
            setattr(step, name, default if value is None else _setting(value, default))
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.check_settings()
        super().prep(data, info)

    def check_settings(self) -> None:
        """recipes' checks of prep: each setting one value of its type, not NA."""
        for name, (_, default) in self.settings.items():
            value, (wanted, accepts) = getattr(self, name), _SETTING_KINDS[type(default)]
            if not accepts(value):
                raise SpecError(f"{self.r_class}: `{name}` must be {wanted}, not {value!r}")

    def to_r(self) -> List:
        fields = {name: make(getattr(self, name)) for name, (make, _) in self.settings.items()}
        return step_to_r(self, {**fields, "columns": named_chr(self.columns)})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if len(data) == 0 and self.skips_empty:
            return data
        return super().bake(data)


@register
class StepInverse(_TransformStep):
    """``step_inverse``: ``1 / (x + offset)``."""

    r_class = "step_inverse"
    r_fields = ("offset", "columns")
    settings = {"offset": (b.dbl, 0.0)}

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1 / (x + self.offset)


@register
class StepInvlogit(_TransformStep):
    """``step_invlogit``: the inverse logit ``exp(x) / (1 + exp(x))`` (input clamped at +-30)."""

    r_class = "step_invlogit"
    r_fields = ("columns",)
    skips_empty = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        integers = [c for c in self.columns if c in data.columns and _is_integer(data[c])]
        if integers and len(data):
            raise ForgeError(f"step_invlogit: integer column(s) {', '.join(integers)}: R's "
                             "binomial()$linkinv needs doubles (Argument eta must be a nonempty "
                             "numeric vector)")
        return super().bake(data)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        tmp = np.where(x < -_THRESH, _EPS, np.where(x > _THRESH, 1 / _EPS, _exp(x)))
        return tmp / (1 + tmp)


@register
class StepLogit(_TransformStep):
    """``step_logit``: ``log(p / (1 - p))``, with 0 and 1 moved ``offset`` inside."""

    r_class = "step_logit"
    r_fields = ("offset", "columns")
    settings = {"offset": (b.dbl, 0.0)}
    skips_empty = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if len(data):
            for column in self.columns:
                if column in data.columns and not self._stays_double(data[column]):
                    raise ForgeError(f"step_logit: column `{column}` has no double values after "
                                     "moving 0/1 inside; R's binomial()$linkfun refuses it")
        return super().bake(data)

    @staticmethod
    def _stays_double(column: pd.Series) -> bool:
        # pre_logit's ifelse() yields doubles only when a double is assigned somewhere
        x = numeric_values(column)
        known = x[~np.isnan(x)]
        if _is_integer(column):
            return bool(np.isin(known, (0.0, 1.0)).any())
        return len(known) > 0

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            x = np.where(x == 1, x - self.offset, x)
        x = np.where(x == 0, self.offset, x)
        outside = (x < 0) | (x > 1)
        if outside.any():
            raise ForgeError(f"step_logit: value {x[outside][0]:g} of `{column}` is out of "
                             "range (0, 1)")
        with np.errstate(divide="ignore", invalid="ignore"):
            return _log(x / (1 - x))


#: step_hyperbolic's functions: (func, inverse) -> the C library's function
HYPERBOLIC: dict[tuple[str, bool], Callable[[np.ndarray], np.ndarray]] = {
    (func, inverse): libm(("a" if inverse else "") + func)
    for func in ("sinh", "cosh", "tanh") for inverse in (False, True)}
_exp, _log, _log1p = libm("exp"), libm("log"), libm("log1p")


@register
class StepHyperbolic(_TransformStep):
    """``step_hyperbolic``: ``sinh``/``cosh``/``tanh`` or (``inverse = TRUE``) their inverses."""

    r_class = "step_hyperbolic"
    r_fields = ("func", "inverse", "columns")
    settings = {"func": (b.chr, "sinh"), "inverse": (b.lgl, True)}

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        if self.func not in ("sinh", "cosh", "tanh"):
            raise SpecError(f"step_hyperbolic: `func` must be one of sinh, cosh, tanh, not "
                            f"{self.func!r}")

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        return self.nans_produced(column, x, HYPERBOLIC[self.func, bool(self.inverse)](x))


@register
class StepRelu(_TransformStep):
    """``step_relu``: new columns ``max(x - shift, 0)`` (``reverse``: ``shift - x``;
    ``smooth``: the softplus ``log1p(exp(.))``), named ``prefix`` + column."""

    r_class = "step_relu"
    default_role = "predictor"
    r_fields = ("shift", "reverse", "smooth", "prefix", "columns")
    settings = {"shift": (b.dbl, 0.0), "reverse": (b.lgl, False), "smooth": (b.lgl, False),
                "prefix": (b.chr, "right_relu_")}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.check_settings()
        self.columns = numeric_columns(self, data, info)
        if self.reverse and self.prefix == "right_relu_":
            self.prefix = "left_relu_"
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        new = pd.DataFrame({f"{self.prefix}{c}": self.transform(c, numeric_values(data[c]))
                            for c in self.columns}, index=data.index)
        return append_columns(data, new, self.r_class)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            shifted = self.shift - x if self.reverse else x - self.shift
        if self.smooth:
            return _log1p(_exp(shifted))
        return np.where(np.isnan(shifted), shifted, np.maximum(shifted, 0.0))

