"""Constructors for new R objects: calls, closures, environments, vectors, lists,
factors, formulas, quosures, data frames.

Each function returns a node of :mod:`pykerasnip.rds.nodes` laid out the way R itself
builds that object (attribute order, object bit), so that ``readRDS()`` of a dumped tree
is ``identical()`` to the object R would make. Missing values are Python ``None``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Union

import numpy as np

from ..errors import UnsupportedObjectError
from .nodes import (INT_MAX, INTSXP, NA_INTEGER, NA_REAL, AltRep, Closure, EmptyEnv, Environment,
                    ExternalPointer, Integer, Lang, List, Logical, Namespace, Pairlist, Raw, Real,
                    RObject, Str, Sym, pairlist)

TIBBLE_CLASS = ("tbl_df", "tbl", "data.frame")


# -- atomic vectors ----------------------------------------------------------------------
def _values(values: tuple) -> Any:
    """``f(1, 2)`` and ``f([1, 2])`` (or an array) both mean the values 1, 2."""
    if len(values) == 1 and isinstance(values[0], (list, tuple, np.ndarray, range)):
        return values[0]
    return values


def _with_na(vals: Any, na: Any, dtype: str) -> np.ndarray:
    if isinstance(vals, np.ndarray):
        return vals.astype(dtype)
    return np.array([na if v is None else v for v in vals], dtype=dtype)


def chr(*values: "str | None") -> Str:
    """A character vector (``None`` = ``NA_character_``)."""
    return Str(list(_values(values)))


def dbl(*values: "float | None") -> Real:
    """A double vector (``None`` = ``NA_real_``; a float NaN stays R's ``NaN``)."""
    return Real(_with_na(_values(values), NA_REAL, "f8"))


def int_(*values: "int | None") -> Integer:
    """An integer vector (``None`` = ``NA_integer_``)."""
    data = _with_na(_values(values), NA_INTEGER, "i8")
    if np.any((data > INT_MAX) | (data < -INT_MAX) & (data != NA_INTEGER)):
        raise UnsupportedObjectError("int_() values must lie within R's integer range "
                                     f"(+/-{INT_MAX})")
    return Integer(data.astype("i4"))


def _compact_intseq(length: int, start: int, step: int) -> AltRep:
    """An ALTREP compact integer sequence as R stores it: (length, start, step)."""
    return AltRep(pairlist([(None, Sym("compact_intseq")), (None, Sym("base")),
                            (None, Integer([INTSXP]))]),
                  Real([float(length), float(start), float(step)]))


def int_seq(n: int) -> AltRep:
    """``1:n`` for ``n >= 1`` (``seq_len(n)``) as R stores it."""
    return _compact_intseq(n, 1, 1)


def int_colon(start: int, end: int) -> AltRep:
    """R's ``start:end`` of integers as R stores it; ``1:0`` counts down."""
    return _compact_intseq(abs(end - start) + 1, start, 1 if end >= start else -1)


def lgl(*values: "bool | None") -> Logical:
    """A logical vector (``None`` = ``NA``)."""
    vals = _values(values)
    if not isinstance(vals, np.ndarray):
        vals = [None if v is None else bool(v) for v in vals]
    return Logical(_with_na(vals, NA_INTEGER, "i4"))


def raw(data: bytes) -> Raw:
    """A raw vector."""
    return Raw(data)


#: Python scalar kinds -> vector constructor (bool before int: a bool is an int).
_SCALARS: list[tuple[tuple[type, ...], Any]] = [
    ((bool, np.bool_), lgl), ((int, np.integer), int_), ((float, np.floating), dbl),
    ((str,), chr)]
_NUMBER = (int, float, np.integer, np.floating)


def _vector_maker(values: list) -> Any:
    present = [v for v in values if v is not None]
    for kinds, make in _SCALARS:
        if all(isinstance(v, kinds) for v in present):
            return make
    if all(isinstance(v, _NUMBER) and not isinstance(v, (bool, np.bool_)) for v in present):
        return dbl
    raise UnsupportedObjectError(f"cannot make one R vector from the mixed values {values!r}")


def as_node(value: Any) -> Any:
    """``value`` as an R node: nodes, symbols, singletons and ``None`` (NULL) pass through;
    a Python (or numpy) bool/int/float/str becomes a length-1 vector, and a list or tuple
    of such values (``None`` = NA; ints and floats together make doubles) one vector."""
    if isinstance(value, (list, tuple)):
        return _vector_maker(list(value))(list(value))
    for kinds, make in _SCALARS:
        if isinstance(value, kinds):
            return make(value)
    return value


# -- symbols, calls, functions, environments ----------------------------------------------
def sym(name: str) -> Sym:
    """The R symbol ``name``."""
    return Sym(name)


def _arg_chain(args: tuple, kwargs: Mapping[str, Any]) -> "Pairlist | None":
    pairs = [(None, as_node(a)) for a in args] + [(k, as_node(v)) for k, v in kwargs.items()]
    return pairlist(pairs)


def call(fn: "str | Any", *args: Any, **kwargs: Any) -> Lang:
    """The call ``fn(args..., name = value...)``; a string ``fn`` is a function name."""
    return Lang(Sym(fn) if isinstance(fn, str) else fn, _arg_chain(args, kwargs))


def ns_call(pkg: str, fn: str, *args: Any, **kwargs: Any) -> Lang:
    """The call ``pkg::fn(args...)``."""
    return call(call("::", Sym(pkg), Sym(fn)), *args, **kwargs)


def closure(formals: Mapping[str, Any], body: Any, env: Any) -> Closure:
    """``function(formals) body`` enclosed by ``env``; a formal without default is
    :data:`MissingArg`."""
    return Closure(pairlist({k: as_node(v) for k, v in formals.items()}), as_node(body), env)


def environment(bindings: Mapping[str, Any] | None = None, enclos: Any = EmptyEnv,
                locked: bool = False, attributes: Mapping[str, Any] | None = None) -> Environment:
    """A new (unhashed) environment holding ``bindings`` in order."""
    frame = pairlist({k: as_node(v) for k, v in (bindings or {}).items()})
    env = Environment(enclos=enclos, frame=frame, locked=locked)
    return structure(env, attributes or {})


def namespace(name: str, version: str) -> Namespace:
    """A reference to the namespace of package ``name`` (R loads it by name)."""
    return Namespace([name, version])


def null_extptr() -> ExternalPointer:
    """An external pointer as R reads one back: address NULL, no protected value, no tag."""
    return ExternalPointer(None, None)


# -- attributes, lists ----------------------------------------------------------------------
def structure(node: RObject, attrs: Mapping[str, Any] | None = None, /,
              **more: Any) -> RObject:
    """R's ``structure()``: set attributes in the given order (``attrs`` first, for names
    such as ``row.names`` that are no Python identifiers); ``None`` removes one. A
    ``class`` sets the object bit. Returns ``node``."""
    for name, value in {**(attrs or {}), **more}.items():
        node.set_attr(name, as_node(value))
    return node


def r_list(items: Iterable[Any], names: "Iterable[str] | None" = None) -> List:
    """An R list of ``items`` (converted with :func:`as_node`), optionally named."""
    lst = List([as_node(v) for v in items])
    return lst if names is None else structure(lst, names=chr(list(names)))


def named_list(mapping: Mapping[str, Any] | None = None, /, **items: Any) -> List:
    """A named R list; a ``None`` value is kept as a NULL element."""
    merged = {**(mapping or {}), **items}
    return r_list(merged.values(), names=merged.keys())


def matrix(data: RObject, nrow: int, ncol: int) -> RObject:
    """``data`` (column-major, length ``nrow * ncol``) with a ``dim`` attribute."""
    return structure(data, dim=int_(nrow, ncol))


# -- classed objects ------------------------------------------------------------------------
def factor(codes_or_values: Iterable[Any], levels: Iterable[str], ordered: bool = False) -> Integer:
    """A factor. Integers (or an integer array) are 1-based codes, ``None`` = NA;
    strings are matched to ``levels`` (values not among them become NA)."""
    levels = list(levels)
    items = codes_or_values if isinstance(codes_or_values, np.ndarray) else list(codes_or_values)
    if any(isinstance(v, str) for v in items):
        position = {lvl: i + 1 for i, lvl in enumerate(levels)}
        items = [position.get(v) for v in items]
    return structure(int_(items), levels=chr(levels),
                     **{"class": ["ordered", "factor"] if ordered else "factor"})


def formula(lhs: Any, rhs: Any, env: Any) -> Lang:
    """The formula ``lhs ~ rhs`` (one-sided ``~ rhs`` when ``lhs`` is ``None``)."""
    sides = (rhs,) if lhs is None else (lhs, rhs)
    return structure(call("~", *sides), {"class": "formula", ".Environment": env})


def quosure(expr: Any, env: Any) -> Lang:
    """An rlang quosure of ``expr`` evaluated in ``env``."""
    return structure(call("~", expr), {"class": ["quosure", "formula"], ".Environment": env})


def zap() -> List:
    """``rlang::zap()``: an empty list of class ``rlang_zap``."""
    return structure(List([]), {"class": "rlang_zap"})


def quosures(items: Mapping[str, Any]) -> List:
    """A named list of quosures as ``rlang::quos()`` returns it."""
    return structure(named_list(items), {"class": ["quosures", "list"]})


def proc_time(user: float = 0.0, system: float = 0.0, elapsed: float = 0.0,
              user_child: float = 0.0, sys_child: float = 0.0) -> Real:
    """A ``proc_time`` vector, as ``system.time()`` returns."""
    names = ["user.self", "sys.self", "elapsed", "user.child", "sys.child"]
    return structure(dbl(user, system, elapsed, user_child, sys_child),
                     names=chr(names), **{"class": "proc_time"})


#: data-frame columns: a mapping name -> node, or (name, node) pairs (names may repeat)
Columns = Union[Mapping[str, Any], Iterable[tuple[str, Any]]]


def _frame_parts(columns: Columns, n: int | None) -> tuple[List, Str, Integer]:
    pairs = list(columns.items()) if isinstance(columns, Mapping) else list(columns)
    cols = List([as_node(v) for _, v in pairs])
    if n is None:
        n = len(cols.data[0]) if cols.data else 0
    row_names = Integer([NA_INTEGER, -n] if n else [])
    return cols, chr([name for name, _ in pairs]), row_names


def tibble(columns: Columns, n: int | None = None) -> List:
    """A tibble of ``columns`` (a mapping or (name, node) pairs; ``n`` rows, by default
    the first column's length)."""
    cols, names, row_names = _frame_parts(columns, n)
    return structure(cols, {"class": list(TIBBLE_CLASS), "row.names": row_names,
                            "names": names})


def data_frame(columns: Columns, n: int | None = None,
               row_names: "Iterable[str] | None" = None) -> List:
    """A base-R data.frame of ``columns`` (like :func:`tibble`); automatic row names
    unless ``row_names``."""
    cols, names, auto = _frame_parts(columns, n)
    rn = auto if row_names is None else chr(list(row_names))
    return structure(cols, {"names": names, "class": "data.frame", "row.names": rn})
