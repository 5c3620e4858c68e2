"""Expand ALTREP objects of base R (compact sequences, deferred strings, wrappers)
into the ordinary vectors R would see after reading them.

Expansion is lazy: a decoded tree keeps the compact form (which is also what
``rds.dumps`` writes back), and only a step that needs the values expands it, within
the ``max_bytes`` budget the object was read with (``Limits.max_altrep_bytes``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import RDSError, UnsupportedObjectError
from . import nodes as n
from .limits import DEFAULT_LIMITS

_R_DIGITS = 15  # as.character() formats doubles with DBL_DIG significant digits
#: Largest sequence length whose elements doubles still count exactly.
_MAX_SEQUENCE = 2**52
_SEQUENCES = {"compact_intseq": "i4", "compact_realseq": "f8"}
#: Memory a materialised string takes, for the budget: the object and its list slot.
_STRING_BYTES = 64
_WRAPPERS = {f"wrap_{kind}" for kind in
             ("integer", "logical", "real", "complex", "raw", "string", "list")}
#: what a wrapper may wrap: atomic vectors, and lists too in R 4.3's wrap_list
_ATOMIC_TYPES = frozenset({n.LGLSXP, n.INTSXP, n.REALSXP, n.CPLXSXP, n.RAWSXP, n.STRSXP})
_WRAPPABLE = {"wrap_list": _ATOMIC_TYPES | {n.VECSXP}}
_BASE_TYPES = {"compact_intseq": n.INTSXP, "compact_realseq": n.REALSXP,
               "deferred_string": n.STRSXP}


def expand(alt: n.AltRep) -> n.Vector:
    """The plain vector (with ``alt``'s attributes and bits) an ALTREP object stands for.
    Raises :class:`UnsupportedObjectError` for classes that are not base R's and
    :class:`RDSError` for an invalid state or one over its memory budget."""
    expander = _EXPANDERS.get(base_class(alt))
    if expander is None:
        raise _unsupported(alt)
    vector = expander(alt)
    vector.attributes, vector.levels, vector.is_object = alt.attributes, alt.levels, alt.is_object
    return vector


def length(alt: n.AltRep) -> int:
    """The length of the vector ``alt`` stands for, without expanding it."""
    node = _unwrapped(alt)
    if not isinstance(node, n.AltRep):
        return len(node)
    if base_class(node) in _SEQUENCES:
        return _sequence_parts(node)[0]
    if base_class(node) == "deferred_string":
        return len(_deferred_source(node))
    raise _unsupported(node)


def compact_sequence(alt: n.AltRep) -> "tuple[int, float, float] | None":
    """``(length, first, step)`` of a compact sequence, ``None`` for other classes."""
    return _sequence_parts(alt) if base_class(alt) in _SEQUENCES else None


def state_problem(alt: n.AltRep) -> "str | None":
    """Why R cannot make the object a base R ALTREP class's state stands for (``None``
    when it can, or for another package's class, which only that package knows)."""
    check = _STATE_CHECKS.get(base_class(alt))
    return None if check is None else check(alt)


def _sequence_problem(alt: n.AltRep) -> "str | None":
    """R cannot make an integer sequence beyond its integer range, and reads a real
    sequence's state as doubles only."""
    state = alt.state
    kinds = (n.Real, n.Integer) if base_class(alt) == "compact_intseq" else (n.Real,)
    if not isinstance(state, kinds) or len(state.data) != 3:
        return "malformed compact sequence state (expected c(n, first, step))"
    count, first, step = (float(v) for v in state.data)
    if not (0 <= count <= _MAX_SEQUENCE and count.is_integer() and np.isfinite(first)
            and step in (1.0, -1.0)):
        return f"invalid compact sequence state {state.data.tolist()}"
    if base_class(alt) == "compact_intseq":
        last = first + step * max(count - 1, 0)
        if not first.is_integer() or max(abs(first), abs(last)) > n.INT_MAX:
            return (f"compact integer sequence {first:.0f}, {first + step:.0f}, ... of length "
                    f"{count:.0f} leaves R's integer range")
    return None


def _deferred_problem(alt: n.AltRep) -> "str | None":
    if not isinstance(alt.state, n.Cons):
        return "malformed deferred string state (expected a pair)"
    if type_of(alt.state.car) not in (n.INTSXP, n.REALSXP):
        return ("a deferred string must defer an integer or double vector (R: \"unsupported "
                "type for deferred string coercion\")")
    return None


def _wrapper_problem(alt: n.AltRep) -> "str | None":
    if not isinstance(alt.state, n.Cons):
        return "malformed ALTREP wrapper state (expected a pair)"
    wrapped = type_of(alt.state.car)
    if wrapped not in _WRAPPABLE.get(base_class(alt), _ATOMIC_TYPES):
        return (f"an ALTREP wrapper cannot wrap an object of R type {wrapped} "
                "(R: \"unsupported type\")")
    return None


def type_of(node: object) -> int:
    """R's ``TYPEOF`` of the object ``node`` reads as (-1 for ``NULL``): a base R ALTREP
    object's by its class (a wrapper's by what it wraps), another's by its information."""
    while isinstance(node, n.AltRep) and base_class(node) in _WRAPPERS:
        if not isinstance(node.state, n.Cons):
            return -1
        node = node.state.car
    if isinstance(node, n.AltRep):
        return _BASE_TYPES.get(base_class(node), node.base_type)
    return getattr(node, "sexptype", -1)


def base_class(alt: n.AltRep) -> "str | None":
    """The class of an ALTREP object of base R (``None`` for another package's: R finds
    a class by its name and its package)."""
    return alt.class_name if alt.package == "base" else None


def _unsupported(alt: n.AltRep) -> UnsupportedObjectError:
    return UnsupportedObjectError(
        f"ALTREP class {alt.class_name!r} of package {alt.package!r} cannot be expanded "
        "without that package; only base R's compact sequences, deferred strings and "
        "wrappers are supported")


def _check_budget(alt: n.AltRep, count: int, item_bytes: int) -> None:
    budget = DEFAULT_LIMITS.max_altrep_bytes if alt.max_bytes is None else alt.max_bytes
    if count * item_bytes > budget:
        raise RDSError(f"ALTREP {alt.class_name} of {count:,} elements would take "
                       f"{count * item_bytes:,} bytes once expanded, over "
                       f"Limits.max_altrep_bytes = {budget:,}; a trusted file may be read "
                       "with a larger rds.Limits")


def _unwrapped(node: object) -> object:
    """``node`` without its ALTREP wrappers (followed in a loop: they may nest)."""
    while isinstance(node, n.AltRep) and base_class(node) in _WRAPPERS:
        node = _pair(node.state, "wrapper")[0]
    return node


def _plain(node: object) -> object:
    node = _unwrapped(node)
    return expand(node) if isinstance(node, n.AltRep) else node


def _sequence_parts(alt: n.AltRep) -> tuple[int, float, float]:
    problem = state_problem(alt)
    if problem is not None:
        raise RDSError(problem)
    count, first, step = (float(v) for v in alt.state.data)
    return int(count), first, step


def _sequence(alt: n.AltRep) -> n.Vector:
    count, first, step = _sequence_parts(alt)
    dtype = _SEQUENCES[base_class(alt)]
    _check_budget(alt, count, np.dtype(dtype).itemsize)
    if dtype == "f8":
        return n.Real(first + step * np.arange(count, dtype="f8"))
    values = np.arange(count, dtype="i8" if count > n.INT_MAX else "i4")
    if step < 0:
        np.negative(values, out=values)
    values += int(first)
    return n.Integer(values.astype("i4", copy=False))


def _pair(state: object, what: str) -> tuple[object, object]:
    if not isinstance(state, n.Cons):
        raise RDSError(f"malformed {what} state (expected a pair)")
    return state.car, state.cdr


def _wrapper(alt: n.AltRep) -> n.Vector:
    inner = _plain(alt)
    if isinstance(inner, n.Str):
        return n.Str(inner.data, char_levels=inner.char_levels)
    if isinstance(inner, n.Vector):
        return type(inner)(inner.data)
    raise RDSError("an ALTREP wrapper must wrap a vector")


def _deferred_source(alt: n.AltRep) -> object:
    source = _unwrapped(_pair(alt.state, "deferred string")[0])
    if isinstance(source, n.AltRep) and base_class(source) not in _SEQUENCES:
        raise _unsupported(source)
    if isinstance(source, (n.AltRep, n.Integer, n.Real)):
        return source
    raise RDSError("a deferred string must defer an integer or double vector")


def _deferred_string(alt: n.AltRep) -> n.Str:
    source = _deferred_source(alt)
    _check_budget(alt, len(source), _STRING_BYTES)
    options = alt.state.cdr
    scipen = int(options.data[0]) if isinstance(options, n.Integer) and len(options.data) else 0
    source = _plain(source)
    if isinstance(source, n.Integer):
        return n.Str(format_integers(source.data))
    return n.Str(format_reals(source.data, scipen))


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


_STATE_CHECKS: dict[str, Callable[[n.AltRep], "str | None"]] = {
    "compact_intseq": _sequence_problem,
    "compact_realseq": _sequence_problem,
    "deferred_string": _deferred_problem,
    **{name: _wrapper_problem for name in _WRAPPERS},
}
_EXPANDERS: dict[str, Callable[[n.AltRep], n.Vector]] = {
    "compact_intseq": _sequence,
    "compact_realseq": _sequence,
    "deferred_string": _deferred_string,
    **{name: _wrapper for name in _WRAPPERS},
}
