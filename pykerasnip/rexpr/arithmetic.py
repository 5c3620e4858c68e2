"""Builtins: arithmetic operators (integer-preserving where R's are), the C library's
math functions as R calls them, ``log``, ``abs``, ``round``, ``signif``, ``pmin``/``pmax``."""
from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .. import rmath
from ..errors import ForgeError, UnsupportedObjectError
from .evaluator import builtin
from .values import (TIME_KINDS, RVector, as_double, is_integer_like, kind, logical_arg,
                     numeric_arg, recycled, time_like, to_integer)


ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide,
    "^": rmath.r_pow, "%%": np.mod, "%/%": np.floor_divide,
}
INTEGER_PRESERVING = frozenset({"+", "-", "*", "%%", "%/%"})


def _arithmetic(op: str) -> Callable[..., RVector]:
    def apply(a: RVector, b: RVector | None = None) -> RVector:
        if b is None:
            return _unary(op, a)
        if {kind(a), kind(b)} & TIME_KINDS.keys():
            return _time_arithmetic(op, a, b)
        with np.errstate(all="ignore"):
            result = ARITHMETIC[op](*recycled(numeric_arg(a, op), numeric_arg(b, op)))
        if op in INTEGER_PRESERVING and is_integer_like(a) and is_integer_like(b):
            return to_integer(result)
        return result
    return apply


def _time_arithmetic(op: str, a: RVector, b: RVector) -> RVector:
    """``Date``/``POSIXct`` plus or minus numbers (days, seconds) keep the class, as R's
    ``+.Date``/``+.POSIXt`` do; differences of times (difftimes) are not replayed, and
    any other arithmetic is R's error."""
    times = [v for v in (a, b) if kind(v) in ("date", "datetime")]
    numbers = [v for v in (a, b) if kind(v) in ("double", "integer", "logical")]
    if op in ("+", "-") and len(times) == len(numbers) == 1 and (op == "+" or times[0] is a):
        return time_like(ARITHMETIC[op](as_double(a), as_double(b)), times[0])
    if op == "-" and len(times) == 2:
        raise UnsupportedObjectError("differences of dates or date-times (difftime) are not supported")
    if not numbers or op not in ("+", "-"):
        cls = TIME_KINDS[kind(a) if kind(a) in TIME_KINDS else kind(b)]
        raise ForgeError(f'{op} not defined for "{cls}" objects')
    raise UnsupportedObjectError(f"{op} of a {kind(a)} and a {kind(b)} value is not supported")


def _unary(op: str, a: RVector) -> RVector:
    if op not in ("+", "-"):
        raise UnsupportedObjectError(f"invalid unary operator {op}")
    values = numeric_arg(a, op) * (1.0 if op == "+" else -1.0)
    return to_integer(values) if is_integer_like(a) else values


for _op in ARITHMETIC:
    builtin(_op)(_arithmetic(_op))


def _math(name: str, fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[RVector], np.ndarray]:
    def apply(x: RVector) -> np.ndarray:
        values = numeric_arg(x, "mathematical function")
        with np.errstate(all="ignore"):
            return rmath.nans_produced(values, fn(values), ("NaNs produced", name))
    return apply


# the C library's functions, as R calls them (NumPy's SIMD ones differ in the last bit)
for _name in ("exp", "log10", "log2", "log1p", "expm1", "sin", "cos", "tan"):
    builtin(_name)(_math(_name, rmath.libm(_name)))
for _name, _fn in {"sqrt": np.sqrt, "floor": np.floor, "ceiling": np.ceil, "trunc": np.trunc,
                   "sign": np.sign}.items():
    builtin(_name)(_math(_name, _fn))


@builtin("log")
def _log(x: RVector, base: RVector | None = None) -> np.ndarray:
    """R's ``log``: bases 10 and 2 use log10/log2 exactly, like R."""
    values = numeric_arg(x, "log")
    return rmath.nans_produced(
        values, rmath.r_log(values, np.e if base is None else float(as_double(base)[0])),
        ("NaNs produced", "log"))


@builtin("abs")
def _abs(x: RVector) -> RVector:
    if is_integer_like(x):
        return to_integer(np.abs(as_double(x)))
    return np.abs(numeric_arg(x, "abs"))


@builtin("round")
def _round(x: RVector, digits: RVector | None = None) -> RVector:
    """R's ``round``: a double, integers included (R 4.2)."""
    return rmath.r_round(numeric_arg(x, "round"), 0.0 if digits is None else float(as_double(digits)[0]))


def _signif_one(x: float, digits: int) -> float:
    """R's ``fprec``: ``x`` to ``digits`` significant digits (1..22), with R's
    rounding to the nearest even and R's powers of ten."""
    if not np.isfinite(x) or x == 0 or digits > 22:
        return x
    sign, x = (-1.0, -x) if x < 0 else (1.0, x)
    l10 = rmath.libm("log10")(x)
    if abs(l10) >= 306:
        raise UnsupportedObjectError("signif() of a number beyond 1e±306")
    e10 = int(digits - 1 - np.floor(l10))
    if e10 > 0:
        extra = rmath.pow_di(10.0, max(e10 - 308, 0))  # keeps 10^e10 finite for tiny x
        scale = rmath.pow_di(10.0, min(e10, 308))
        return sign * (np.rint((x * scale) * extra) / scale) / extra
    scale = rmath.pow_di(10.0, -e10)
    return sign * (np.rint(x / scale) * scale)


@builtin("signif")
def _signif(x: RVector, digits: RVector | None = None) -> RVector:
    d = 6 if digits is None else max(1, int(np.round(as_double(digits)[0])))
    return np.array([_signif_one(v, d) for v in numeric_arg(x, "signif")])


def _parallel(larger: bool) -> Callable[..., RVector]:
    def apply(*values: RVector, na_rm: RVector | None = None) -> RVector:
        arrays = np.broadcast_arrays(*(numeric_arg(v, "pmin/pmax") for v in values))
        narm = logical_arg(na_rm)
        result = functools.reduce(lambda a, b: rmath.r_parallel(larger, a, b, narm), arrays)
        return to_integer(result) if all(is_integer_like(v) for v in values) else result
    return apply


builtin("pmin")(_parallel(False))
builtin("pmax")(_parallel(True))
