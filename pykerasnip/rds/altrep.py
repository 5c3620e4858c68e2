"""Expand ALTREP objects of base R (compact sequences, deferred strings, wrappers)
into the ordinary vectors R would see after reading them."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import RDSError, UnsupportedObjectError
from . import nodes as n

_R_DIGITS = 15  # as.character() formats doubles with DBL_DIG significant digits


def expand(alt: n.AltRep) -> n.Vector:
    """The plain vector (with ``alt``'s attributes and bits) an ALTREP object stands for.
    Raises :class:`UnsupportedObjectError` for classes that are not base R's."""
    expander = _EXPANDERS.get(alt.class_name)
    if expander is None:
        raise UnsupportedObjectError(
            f"ALTREP class {alt.class_name!r} of package {alt.package!r} cannot be expanded "
            "without that package; only base R's compact sequences, deferred strings and "
            "wrappers are supported")
    vector = expander(alt.state)
    vector.attributes, vector.levels, vector.is_object = alt.attributes, alt.levels, alt.is_object
    return vector


def _plain(node: object) -> n.Vector:
    return expand(node) if isinstance(node, n.AltRep) else node


def _sequence_parts(state: object) -> tuple[int, float, float]:
    if not isinstance(state, (n.Real, n.Integer)) or len(state.data) != 3:
        raise RDSError("malformed compact sequence state (expected c(n, first, step))")
    length, first, step = (float(v) for v in state.data)
    if not (length >= 0 and np.isfinite(first) and step in (1.0, -1.0)):
        raise RDSError(f"invalid compact sequence state {state.data.tolist()}")
    return int(length), first, step


def _compact_intseq(state: object) -> n.Integer:
    length, first, step = _sequence_parts(state)
    return n.Integer(int(first) + int(step) * np.arange(length, dtype="i8"))


def _compact_realseq(state: object) -> n.Real:
    length, first, step = _sequence_parts(state)
    return n.Real(first + step * np.arange(length, dtype="f8"))


def _pair(state: object, what: str) -> tuple[n.Vector, object]:
    if not isinstance(state, n.Cons):
        raise RDSError(f"malformed {what} state (expected a pair)")
    return _plain(state.car), state.cdr


def _wrapper(state: object) -> n.Vector:
    inner, _metadata = _pair(state, "wrapper")
    if isinstance(inner, n.Str):
        return n.Str(inner.data, char_levels=inner.char_levels)
    if isinstance(inner, n.Vector):
        return type(inner)(inner.data)
    raise RDSError("an ALTREP wrapper must wrap a vector")


def _deferred_string(state: object) -> n.Str:
    source, options = _pair(state, "deferred string")
    scipen = int(options.data[0]) if isinstance(options, n.Integer) and len(options.data) else 0
    if isinstance(source, n.Integer):
        return n.Str(format_integers(source.data))
    if isinstance(source, n.Real):
        return n.Str(format_reals(source.data, scipen))
    raise RDSError("a deferred string must defer an integer or double vector")


def format_integers(values: np.ndarray) -> "list[str | None]":
    """``as.character()`` of R integers (NA -> None)."""
    values = np.asarray(values, dtype="i4")
    text = np.char.mod("%d", values).astype(object)
    text[values == n.NA_INTEGER] = None
    return text.tolist()


def format_reals(values: np.ndarray, scipen: int = 0) -> "list[str | None]":
    """``as.character()`` of R doubles: 15 significant digits, fixed or scientific
    notation by R's width rule (fixed unless wider than scientific + ``scipen``)."""
    values = np.asarray(values, dtype="f8")
    na = n.is_na_real(values)
    return [None if missing else _format_real(x, scipen)
            for x, missing in zip(values.tolist(), na.tolist())]


_NON_FINITE = {float("inf"): "Inf", float("-inf"): "-Inf"}


def _format_real(x: float, scipen: int) -> str:
    if x != x:
        return "NaN"
    if x in _NON_FINITE:
        return _NON_FINITE[x]
    if x == 0:
        return "0"
    mantissa, exponent = ("%.*e" % (_R_DIGITS - 1, abs(x))).split("e")
    significant = len(mantissa.replace(".", "").rstrip("0")) or 1
    power = int(exponent)
    negative = int(x < 0)
    decimals = significant - 1
    exp_digits = 2 if power >= 100 or power <= -99 else 1
    sci_width = negative + (decimals > 0) + decimals + 4 + exp_digits
    right = max(0, significant - power - 1)
    left = power + 1 if power >= 0 else 1
    fixed_width = negative + left + (right > 0) + right
    if fixed_width <= sci_width + scipen:
        return "%.*f" % (right, x)
    return "%.*e" % (decimals, x)


_EXPANDERS: dict[str, Callable[[object], n.Vector]] = {
    "compact_intseq": _compact_intseq,
    "compact_realseq": _compact_realseq,
    "deferred_string": _deferred_string,
    **{f"wrap_{kind}": _wrapper for kind in
       ("integer", "logical", "real", "complex", "raw", "string", "list")},
}
