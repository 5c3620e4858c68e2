"""Column selectors for recipe steps, evaluated at prep against the current term_info.

Mirrors recipes/tidyselect: role and type helpers (``all_numeric_predictors()``,
``has_role("id")``), plain column names, name patterns (``starts_with("x")``,
``num_range("x", 1:3)``), literal name lists (``all_of()``, ``any_of()``), positions
(``last_col()``, ranges ``a:c``), negation (``-sel``, ``~sel`` or ``minus(sel)``), the
complement ``!sel`` (:func:`complement`) and the set operators ``sel1 & sel2`` and
``sel1 | sel2`` (Python's ``&`` and ``|`` on selectors). A list of selectors is evaluated
like tidyselect's ``c()``: positive selections are united in order of appearance, negative
ones remove columns; a list that starts with a negation starts from every column. Alone
(an operand of ``&``, ``|`` or ``!``) a negation is the complement, like ``!``.
Positions are R's: 1-based, in the order of the data's columns.
"""
from __future__ import annotations

import functools
import math
import re
import warnings
from typing import Any, Callable, Iterable

import pandas as pd

from ..errors import SpecError
from ..rtree import quosure_expr
from ..rds import build as b
from ..rds.nodes import NA_INTEGER, GlobalEnv, Integer, Lang, List, Logical, Real, Str, Sym


class Selector:
    """Base of every selector: :meth:`names` gives the selected variables in order.
    ``a & b`` selects the variables both select (in ``a``'s order), ``a | b`` those
    either selects, as tidyselect's operators; a column name may stand for an operand."""

    def names(self, info: pd.DataFrame) -> list[str]:
        raise NotImplementedError

    def r_expr(self) -> Lang | Sym | Real:
        """The R expression a user would have written for this selector."""
        raise NotImplementedError

    def __neg__(self) -> "Minus":
        return Minus(self)

    __invert__ = __neg__

    def __and__(self, other: Any) -> "Intersect":
        return Intersect(self, other)

    def __rand__(self, other: Any) -> "Intersect":
        return Intersect(other, self)

    def __or__(self, other: Any) -> "Union":
        return Union(self, other)

    def __ror__(self, other: Any) -> "Union":
        return Union(other, self)


def _variables(info: pd.DataFrame) -> list[str]:
    """The data's columns in order (term_info has one row per role of a variable)."""
    return list(dict.fromkeys(info["variable"]))


class Complement(Selector):
    """tidyselect's ``!inner``: every variable ``inner`` does not select, in data order."""

    def __init__(self, inner: Any):
        self.inner = as_selector(inner)

    def names(self, info: pd.DataFrame) -> list[str]:
        dropped = set(self.inner.names(info))
        return [name for name in _variables(info) if name not in dropped]

    def r_expr(self) -> Lang:
        return b.call("!", self.inner.r_expr())

    def __repr__(self) -> str:
        return f"!{self.inner!r}"


class Minus(Complement):
    """Negation ``-inner``: in a list of selectors the columns of ``inner`` are removed
    from the selection; alone it is the complement, as ``!inner``."""

    def r_expr(self) -> Lang:
        return b.call("-", self.inner.r_expr())

    def __repr__(self) -> str:
        return f"-{self.inner!r}"


class Intersect(Selector):
    """``left & right``: the variables both select, in ``left``'s order. Two column names
    are refused, as R refuses ``a & b`` (R reads the quoted ``"a" & "b"`` as an empty
    selection; here it is refused too)."""

    def __init__(self, left: Any, right: Any):
        self.left, self.right = as_selector(left), as_selector(right)

    def names(self, info: pd.DataFrame) -> list[str]:
        if isinstance(self.left, Name) and isinstance(self.right, Name):
            raise SpecError(f"Can't take the intersection of two columns: `{self!r}` is "
                            "always an empty selection")
        kept = set(self.right.names(info))
        return [name for name in self.left.names(info) if name in kept]

    def r_expr(self) -> Lang:
        return b.call("&", self.left.r_expr(), self.right.r_expr())

    def __repr__(self) -> str:
        return f"{self.left!r} & {self.right!r}"


class Union(Selector):
    """``left | right``: the variables ``left`` selects, then those only ``right`` selects."""

    def __init__(self, left: Any, right: Any):
        self.left, self.right = as_selector(left), as_selector(right)

    def names(self, info: pd.DataFrame) -> list[str]:
        return list(dict.fromkeys(self.left.names(info) + self.right.names(info)))

    def r_expr(self) -> Lang:
        return b.call("|", self.left.r_expr(), self.right.r_expr())

    def __repr__(self) -> str:
        return f"{self.left!r} | {self.right!r}"


class Combine(Selector):
    """A ``c(...)`` holding a negation, kept whole: it is evaluated as a list of its own
    (``c(a, c(-a, b))`` is ``a`` and every column but ``a``)."""

    def __init__(self, items: Iterable[Any]):
        self.items = [as_selector(item) for item in items]

    def names(self, info: pd.DataFrame) -> list[str]:
        return select(self.items, info)

    def r_expr(self) -> Lang:
        return b.call("c", *(item.r_expr() for item in self.items))

    def __repr__(self) -> str:
        return f"c({', '.join(map(repr, self.items))})"


def _absent(key: "str | int", columns: list[str]) -> SpecError:
    if isinstance(key, str):
        return SpecError(f"Can't select columns that don't exist: column `{key}` is not in "
                         "the data")
    return SpecError(f"Can't subset columns past the end: location {key} doesn't exist, "
                     f"there are only {len(columns)} columns")


def _located(key: "str | int", columns: list[str], strict: bool) -> list[str]:
    """The column named ``key`` or at 1-based position ``key`` (0: none); a missing one
    is an error when ``strict``, else skipped."""
    if isinstance(key, str):
        found = [key] if key in columns else []
    else:
        found = columns[key - 1:key] if key > 0 else []
    if strict and not found and key != 0:
        raise _absent(key, columns)
    return found


class Name(Selector):
    """One column by name; selecting a column that does not exist is an error."""

    def __init__(self, name: str):
        self.name = name

    def names(self, info: pd.DataFrame) -> list[str]:
        return _located(self.name, _variables(info), strict=True)

    def r_expr(self) -> Sym:
        return b.sym(self.name)

    def __repr__(self) -> str:
        return self.name


class Position(Selector):
    """The column at 1-based position ``location`` (R's ``3``; 0 selects nothing)."""

    def __init__(self, location: int):
        self.location = _position(location, "a column position")

    def names(self, info: pd.DataFrame) -> list[str]:
        return _located(self.location, _variables(info), strict=True)

    def r_expr(self) -> Real:
        return b.dbl(self.location)

    def __repr__(self) -> str:
        return str(self.location)


class LastCol(Selector):
    """tidyselect's ``last_col(offset)``: the column ``offset`` places before the last."""

    def __init__(self, offset: int):
        self.offset = _whole(offset, "last_col()'s offset")

    def names(self, info: pd.DataFrame) -> list[str]:
        columns = _variables(info)
        if self.offset and len(columns) <= self.offset:
            raise SpecError(f"last_col(): `offset` ({self.offset}) must be smaller than the "
                            f"number of columns ({len(columns)})")
        if not columns:
            raise SpecError("Can't select last column when input is empty")
        return _located(len(columns) - self.offset, columns, strict=True)

    def r_expr(self) -> Lang:
        return b.call("last_col", **({"offset": b.int_(self.offset)} if self.offset else {}))

    def __repr__(self) -> str:
        return f"last_col({self.offset or ''})"


class ColRange(Selector):
    """``start:end``: the columns from ``start``'s position to ``end``'s, either way round."""

    def __init__(self, start: Any, end: Any):
        self.start, self.end = (_endpoint(start), _endpoint(end))

    def names(self, info: pd.DataFrame) -> list[str]:
        columns = _variables(info)
        first, last = (self._location(end, columns, info) for end in (self.start, self.end))
        step = 1 if last >= first else -1
        return [columns[i - 1] for i in range(first, last + step, step) if i > 0]

    def _location(self, end: Selector, columns: list[str], info: pd.DataFrame) -> int:
        if isinstance(end, Position):
            if end.location > len(columns):
                raise _absent(end.location, columns)
            return end.location
        found = end.names(info)
        if not found:
            raise SpecError(f"the range {self!r} has an end that selects no column")
        if len(found) > 1:  # R's `:` takes the first, with this warning
            warnings.warn(f"In {self!r}: numerical expression has {len(found)} elements: "
                          "only the first used", UserWarning, stacklevel=2)
        return columns.index(found[0]) + 1

    def r_expr(self) -> Lang:
        return b.call(":", self.start.r_expr(), self.end.r_expr())

    def __repr__(self) -> str:
        return f"{self.start!r}:{self.end!r}"


def _endpoint(end: Any) -> Selector:
    return Position(end) if isinstance(end, int) and not isinstance(end, bool) else as_selector(end)


class AllOf(Selector):
    """tidyselect's ``all_of(x)`` (``strict``: a missing column is an error) or
    ``any_of(x)`` (missing ones are skipped): columns named, or at the 1-based positions,
    in ``x``, in that order."""

    def __init__(self, keys: "tuple[str, ...] | tuple[int, ...]", strict: bool):
        self.keys, self.strict = keys, strict

    @property
    def function(self) -> str:
        return "all_of" if self.strict else "any_of"

    def names(self, info: pd.DataFrame) -> list[str]:
        columns = _variables(info)
        return list(dict.fromkeys(name for key in self.keys
                                  for name in _located(key, columns, self.strict)))

    def r_expr(self) -> Lang:
        text = all(isinstance(key, str) for key in self.keys)
        return b.call(self.function, b.chr(list(self.keys)) if text else b.dbl(list(self.keys)))

    def __repr__(self) -> str:
        return f"{self.function}({list(self.keys)!r})"


class NumRange(Selector):
    """tidyselect's ``num_range(prefix, range, suffix, width)``: the columns named
    ``prefix``, a number of ``range`` (zero-padded to ``width`` digits) and ``suffix``,
    in the order of ``range``; names not in the data are skipped."""

    def __init__(self, prefix: str, values: tuple[int, ...], suffix: str, width: "int | None"):
        self.prefix, self.values, self.suffix, self.width = prefix, values, suffix, width

    def wanted(self) -> list[str]:
        """The names looked for, in order."""
        digits = f"0{self.width}d" if self.width else "d"
        return [f"{self.prefix}{format(v, digits)}{self.suffix}" for v in self.values]

    def names(self, info: pd.DataFrame) -> list[str]:
        present = set(_variables(info))
        return list(dict.fromkeys(name for name in self.wanted() if name in present))

    def r_expr(self) -> Lang:
        extra = {"suffix": b.chr(self.suffix)} if self.suffix else {}
        if self.width is not None:
            extra["width"] = b.int_(self.width)
        return b.call("num_range", b.chr(self.prefix), b.int_(list(self.values)), **extra)

    def __repr__(self) -> str:
        return f"num_range({self.prefix!r}, {list(self.values)})"


class Where(Selector):
    """Rows of term_info for which ``predicate(info)`` holds, in term_info order; the R
    helper call ``function(*args)`` names it."""

    def __init__(self, predicate: Callable[[pd.DataFrame], pd.Series], function: str,
                 *args: str):
        self.predicate = predicate
        self.function, self.args = function, args

    def names(self, info: pd.DataFrame) -> list[str]:
        return list(dict.fromkeys(info.loc[self.predicate(info).to_numpy(bool), "variable"]))

    def r_expr(self) -> Lang:
        return b.call(self.function, *(b.chr(a) for a in self.args))

    def __repr__(self) -> str:
        return f"{self.function}({', '.join(map(repr, self.args))})"


def _role_matches(info: pd.DataFrame, roles: tuple[str, ...]) -> pd.Series:
    # recipes compares a missing role as the string "NA"
    return info["role"].astype(object).where(info["role"].notna(), "NA").isin(roles)


def _type_matches(info: pd.DataFrame, types: tuple[str, ...]) -> pd.Series:
    wanted = set(types)
    return info["type"].map(lambda kinds: bool(wanted.intersection(_as_list(kinds))))


def _as_list(kinds: Any) -> list[str]:
    return [kinds] if isinstance(kinds, str) else list(kinds)


def has_role(*roles: str) -> Where:
    """Variables whose role is one of ``roles`` (``"NA"`` matches a missing role)."""
    return Where(lambda info: _role_matches(info, roles), "has_role", *roles)


def has_type(*types: str) -> Where:
    """Variables having one of ``types`` (``"numeric"``, ``"nominal"``, ``"double"``...)."""
    return Where(lambda info: _type_matches(info, types), "has_type", *types)


def _role_and_type(function: str, role: str, kind: str) -> Where:
    return Where(lambda info: _role_matches(info, (role,)) & _type_matches(info, (kind,)), function)


def all_predictors() -> Where:
    """Variables with role predictor."""
    return Where(lambda info: _role_matches(info, ("predictor",)), "all_predictors")


def all_outcomes() -> Where:
    """Variables with role outcome."""
    return Where(lambda info: _role_matches(info, ("outcome",)), "all_outcomes")


#: recipes' variable types; each has R helpers ``all_<type>()`` and ``all_<type>_predictors()``
TYPES = ("date", "datetime", "double", "factor", "integer", "logical", "nominal", "numeric",
         "ordered", "string", "unordered")


def all_of_type(kind: str) -> Where:
    """Variables of recipes type ``kind`` (R's ``all_<kind>()``, e.g. ``all_double()``)."""
    return Where(lambda info: _type_matches(info, (kind,)), f"all_{kind}")


def predictors_of_type(kind: str) -> Where:
    """Predictors of recipes type ``kind`` (R's ``all_<kind>_predictors()``)."""
    return _role_and_type(f"all_{kind}_predictors", "predictor", kind)


def all_numeric() -> Where:
    """Numeric (double or integer) variables."""
    return all_of_type("numeric")


def all_nominal() -> Where:
    """Nominal (factor, ordered or character) variables."""
    return all_of_type("nominal")


def all_numeric_predictors() -> Where:
    """Numeric predictors."""
    return predictors_of_type("numeric")


def all_nominal_predictors() -> Where:
    """Nominal predictors."""
    return predictors_of_type("nominal")


#: R type predicates ``where()`` may be given -> the recipes type they test
WHERE_PREDICATES = {"is.numeric": "numeric", "is.double": "double", "is.integer": "integer",
                    "is.factor": "factor", "is.ordered": "ordered", "is.character": "string",
                    "is.logical": "logical"}


class WhereType(Where):
    """tidyselect's ``where(is.numeric)`` and the like: the variables the R type
    predicate holds for, read from their recipes types."""

    def __init__(self, predicate: str):
        if predicate not in WHERE_PREDICATES:
            raise SpecError(f"where({predicate}) is not read: only "
                            f"{', '.join(WHERE_PREDICATES)} are known predicates")
        kind = WHERE_PREDICATES[predicate]
        super().__init__(lambda info: _type_matches(info, (kind,)), "where", predicate)

    def r_expr(self) -> Lang:
        return b.call("where", b.sym(self.args[0]))


def everything() -> Where:
    """Every variable."""
    return Where(lambda info: pd.Series(True, index=info.index), "everything")


class Pattern(Where):
    """A tidyselect name helper ``function(text)``; case-insensitive by default, as in R
    (``ignore.case = TRUE``)."""

    def __init__(self, test: Callable[[str], bool], function: str, text: str, ignore_case: bool):
        def select(info: pd.DataFrame) -> pd.Series:
            if not text:  # tidyselect's check_match, when the selection is evaluated
                raise SpecError(f"{function}(): `match` must be a character vector of non "
                                "empty strings")
            return info["variable"].map(test).astype(bool)
        super().__init__(select, function, text)
        self.ignore_case = ignore_case

    def r_expr(self) -> Lang:
        extra = {} if self.ignore_case else {"ignore.case": b.lgl(False)}
        return b.call(self.function, b.chr(self.args[0]), **extra)


def _folded(test: Callable[[str, str], bool], text: str, ignore_case: bool) -> Callable[[str], bool]:
    if ignore_case:
        return lambda name: test(name.casefold(), text.casefold())
    return lambda name: test(name, text)


def starts_with(prefix: str, ignore_case: bool = True) -> Pattern:
    """Variables whose name starts with ``prefix``."""
    return Pattern(_folded(str.startswith, prefix, ignore_case), "starts_with", prefix, ignore_case)


def ends_with(suffix: str, ignore_case: bool = True) -> Pattern:
    """Variables whose name ends with ``suffix``."""
    return Pattern(_folded(str.endswith, suffix, ignore_case), "ends_with", suffix, ignore_case)


def contains(text: str, ignore_case: bool = True) -> Pattern:
    """Variables whose name contains ``text``."""
    return Pattern(_folded(lambda name, part: part in name, text, ignore_case), "contains", text,
                   ignore_case)


def matches(pattern: str, ignore_case: bool = True) -> Pattern:
    """Variables whose name matches the regular expression ``pattern``."""
    regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    return Pattern(lambda name: regex.search(name) is not None, "matches", pattern, ignore_case)


def minus(selector: Any) -> Minus:
    """The negation of ``selector`` (R's ``-x``)."""
    return Minus(selector)


def complement(selector: Any) -> Complement:
    """Every variable ``selector`` does not select (R's ``!x``); unlike :func:`minus` it
    adds to a list of selectors rather than removing from it."""
    return Complement(selector)


def col_range(start: "str | int | Selector", end: "str | int | Selector") -> ColRange:
    """The columns from ``start`` to ``end`` (R's ``start:end``): column names, 1-based
    positions or :func:`last_col`; from right to left when ``end`` comes first."""
    return ColRange(start, end)


def last_col(offset: int = 0) -> LastCol:
    """The last column, or the one ``offset`` places before it."""
    return LastCol(offset)


def all_of(x: "str | int | Iterable[str | int]") -> AllOf:
    """The columns named (or at the 1-based positions) in ``x``, in that order; a
    missing one is an error when the recipe is prepared."""
    return AllOf(_keys(x, "all_of"), strict=True)


def any_of(x: "str | int | Iterable[str | int]") -> AllOf:
    """The columns named (or at the 1-based positions) in ``x`` that exist, in that order."""
    return AllOf(_keys(x, "any_of"), strict=False)


def num_range(prefix: str, range: "int | Iterable[int]", suffix: str = "",
              width: "int | None" = None) -> NumRange:
    """The columns ``prefix<n>suffix`` for each ``n`` of ``range`` (in that order),
    ``n`` zero-padded to ``width`` digits; names not in the data are skipped."""
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise SpecError("num_range(): `prefix` and `suffix` must be single strings")
    given = _items(range)
    values = tuple(_whole(v, "num_range()'s range") for v in given)
    if width is None and any(isinstance(v, float) and abs(v) >= 1e5 for v in given):
        raise SpecError("num_range(): a double range of 1e5 or more is not read (R writes it "
                        "in scientific notation); give integers")
    if width is not None and _whole(width, "num_range()'s width") < 0:
        raise SpecError("num_range(): `width` must not be negative")
    return NumRange(prefix, values, suffix, None if width is None else int(width))


def _items(values: Any) -> tuple:
    return (values,) if isinstance(values, (str, int, float)) else tuple(values)


def _whole(value: Any, what: str) -> int:
    """``value`` as an int, if it is a whole number (R's "integerish")."""
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value != int(value)):
        raise SpecError(f"{what} must be a whole number, not {value!r}")
    return int(value)


def _position(value: Any, what: str) -> int:
    location = _whole(value, what)
    if location < 0:
        raise SpecError(f"{what} must not be negative, got {location} (negate the selector "
                        "instead)")
    return location


def _keys(x: Any, function: str) -> "tuple[str, ...] | tuple[int, ...]":
    """``all_of()`` / ``any_of()``'s names, or 1-based positions."""
    items = _items(x)
    if all(isinstance(item, str) for item in items):
        return items
    if any(isinstance(item, str) for item in items):
        raise SpecError(f"{function}() takes column names or positions, not both")
    return tuple(_position(item, f"a position of {function}()") for item in items)


def as_selector(term: Any) -> Selector:
    """A selector from a selector or a column name."""
    if isinstance(term, Selector):
        return term
    if isinstance(term, str):
        return Name(term)
    raise SpecError(f"not a column selector: {term!r}")


def r_quosures(terms: Iterable[Any]) -> Any:
    """Selectors as recipes stores a step's ``terms``: unnamed quosures (global env)."""
    exprs = [as_selector(t).r_expr() for t in terms]
    return b.structure(b.r_list([b.quosure(e, GlobalEnv) for e in exprs], [""] * len(exprs)),
                       {"class": ["quosures", "list"]})


def r_argument_quosures(function: str, terms: Iterable[Any]) -> Any:
    """A selection argument as recipes stores it before prep (``outcome = vars(a, b)``,
    ``impute_with = imp_vars(a, b)``): one quosure of a ``function(...)`` call."""
    call = b.call(function, *(as_selector(t).r_expr() for t in terms))
    return b.structure(b.r_list([b.quosure(call, GlobalEnv)], [""]), {"class": ["quosures", "list"]})


def select(terms: Iterable[Any], info: pd.DataFrame) -> list[str]:
    """The variables ``terms`` select in ``info`` (term_info), tidyselect-style."""
    chosen: list[str] = []
    for position, term in enumerate(terms):
        selector = as_selector(term)
        if isinstance(selector, Minus):
            start = _variables(info) if position == 0 else chosen
            dropped = set(selector.inner.names(info))
            chosen = [name for name in start if name not in dropped]
        else:
            chosen += [name for name in selector.names(info) if name not in chosen]
    return chosen


#: recipes / tidyselect selector functions a stored step may call -> their Python twin
_R_SELECTORS: dict[str, Callable[..., Selector]] = {
    "all_predictors": all_predictors, "all_outcomes": all_outcomes, "all_numeric": all_numeric,
    "all_nominal": all_nominal, "all_numeric_predictors": all_numeric_predictors,
    "all_nominal_predictors": all_nominal_predictors, "everything": everything,
    "has_role": has_role, "has_type": has_type, "starts_with": starts_with,
    "ends_with": ends_with, "contains": contains, "matches": matches,
    "num_range": num_range, "last_col": last_col, "all_of": all_of, "any_of": any_of,
    **{f"all_{kind}": functools.partial(all_of_type, kind) for kind in TYPES},
    **{f"all_{kind}_predictors": functools.partial(predictors_of_type, kind) for kind in TYPES},
}
#: the helpers above whose arguments may be numbers and vectors (they check them); the
#: others take literal strings and TRUE/FALSE
_VALUE_HELPERS = {"num_range", "last_col", "all_of", "any_of"}
#: packages whose ``pkg::fn`` selectors are the functions above
_SELECTOR_PACKAGES = {"recipes", "tidyselect", "dplyr"}


def from_r(quosures: Any) -> list[Selector]:
    """A step's stored ``terms`` (quosures of selector expressions) as selectors.

    Names, positions, ``c()``, ``-``, ``!``, ``&``, ``|``, ranges ``a:b``, and the recipes /
    tidyselect helpers with literal arguments are understood; anything else raises
    :class:`SpecError` naming it (the R code is never run)."""
    items = quosures.data if isinstance(quosures, List) else []
    return [s for item in items for s in _selectors(quosure_expr(item))]


def _selectors(expr: Any) -> list[Selector]:
    if isinstance(expr, Sym):
        return [Name(expr.name)]
    if isinstance(expr, (Str, Real, Integer)):
        return [Name(v) if isinstance(v, str) else Position(v)
                for v in _atoms(expr, "a literal selection")]
    if not isinstance(expr, Lang):
        raise SpecError(f"cannot read the selector {expr!r} of a step saved by R")
    function, args = _function_name(expr), expr.args
    if function in _CALLS:
        return _CALLS[function](args)
    if function in _R_SELECTORS:
        positional = [_literal(arg, function) for name, arg in args if not name]
        named = {name.replace(".", "_"): _literal(arg, function) for name, arg in args if name}
        try:
            return [_R_SELECTORS[function](*positional, **named)]
        except TypeError as exc:
            raise SpecError(f"cannot read the selector {function}() of a step saved by R: "
                            f"{exc}") from exc
    raise _no_twin(function)


def is_selector_call(expr: Any) -> bool:
    """Whether ``expr`` calls a recipes / tidyselect selector helper (``starts_with()``,
    ``all_numeric_predictors()``...), as recipes finds selectors inside a formula."""
    return isinstance(expr, Lang) and _function_name(expr) in _R_SELECTORS


def select_expr(expr: Any, info: pd.DataFrame) -> list[str]:
    """The variables one stored selector expression selects in ``info``."""
    return select(_selectors(expr), info)


def _no_twin(function: str) -> SpecError:
    return SpecError(f"the selector {function}() of a step saved by R has no Python twin; "
                     "it can be baked as saved, not prepared again")


def _one(expr: Any) -> Selector:
    """An operand of ``&``, ``|``, ``!`` or ``:`` as one selector."""
    found = _selectors(expr)
    return found[0] if len(found) == 1 else Combine(found)


def _operands(function: str, args: list[tuple[str | None, Any]],
              count: int | None = None) -> list[Any]:
    """The unnamed arguments of an operator or list call (``count`` of them, if given)."""
    if any(name for name, _ in args):
        raise SpecError(f"the selector {function}() of a step saved by R names its arguments; "
                        "renaming columns in a step's selection is not read")
    if count is not None and len(args) != count:
        raise SpecError(f"the selector {function}() of a step saved by R has {len(args)} "
                        f"arguments; {count} are read")
    return [arg for _, arg in args]


def _flat(function: str, args: list) -> list[Selector]:
    return [s for arg in _operands(function, args) for s in _selectors(arg)]


def _c(args: list) -> list[Selector]:
    # a c() without negation adds its items in turn, as the list it is in does
    items = _flat("c", args)
    return [Combine(items)] if any(isinstance(s, Minus) for s in items) else items


def _negated(expr: Any) -> Any:
    """``x`` of a unary ``-x``, else None."""
    if (isinstance(expr, Lang) and _function_name(expr) == "-" and len(expr.args) == 1
            and not expr.args[0][0]):
        return expr.args[0][1]
    return None


def _colon(args: list) -> list[Selector]:
    ends = _operands(":", args, 2)
    negated = [_negated(end) for end in ends]
    if all(inner is not None for inner in negated):  # tidyselect: -a:-b is -(a:b)
        return [Minus(ColRange(*map(_one, negated)))]
    if any(inner is not None for inner in negated):
        raise SpecError("a range with one negated end (like -a:b) of a step saved by R is "
                        "not read; write -(a:b)")
    return [ColRange(*map(_one, ends))]


def _where(args: list) -> list[Selector]:
    (predicate,) = _operands("where", args, 1)
    if not isinstance(predicate, Sym):
        raise _no_twin("where")
    return [WhereType(predicate.name)]


#: operators and list calls a stored selection may use -> reader of their arguments
_CALLS: dict[str, Callable[[list], list[Selector]]] = {
    "c": _c,
    **{wrapper: functools.partial(_flat, wrapper) for wrapper in ("vars", "denom_vars", "imp_vars")},
    "(": lambda args: _selectors(*_operands("(", args, 1)),
    "-": lambda args: [Minus(s) for s in _selectors(*_operands("-", args, 1))],
    "!": lambda args: [Complement(_one(*_operands("!", args, 1)))],
    "&": lambda args: [Intersect(*map(_one, _operands("&", args, 2)))],
    "|": lambda args: [Union(*map(_one, _operands("|", args, 2)))],
    ":": _colon, "where": _where,
}


def _function_name(expr: Lang) -> str:
    fn = expr.function
    if isinstance(fn, Sym):
        return fn.name
    if (isinstance(fn, Lang) and isinstance(fn.function, Sym) and fn.function.name == "::"
            and len(fn.args) == 2 and all(isinstance(a, Sym) for _, a in fn.args)
            and fn.args[0][1].name in _SELECTOR_PACKAGES):
        return fn.args[1][1].name
    return "<call>"


def _literal(node: Any, function: str) -> Any:
    value = _constant(node, function)
    if function in _VALUE_HELPERS or isinstance(value, (str, bool)):
        return value
    raise SpecError(f"the selector {function}() of a step saved by R has a computed "
                    "argument; only literal strings and TRUE/FALSE are read")


def _constant(node: Any, function: str) -> Any:
    """A literal argument's value: a scalar (``-1`` too), a tuple for a longer vector,
    ``c()`` of literals or a range ``1:3``, None for NULL. Anything else is refused, unevaluated."""
    if node is None or isinstance(node, (Str, Real, Integer, Logical)):
        if node is None:
            return None
        values = _atoms(node, f"{function}()")
        return values[0] if len(values) == 1 else tuple(values)
    if isinstance(node, Sym):
        raise SpecError(f"the selector {function}() of a step saved by R uses `{node.name}`, "
                        "a variable of the R session that cannot be known here; only literal "
                        'values ("a", 1, c("a", "b"), 1:3) are read')
    name = _function_name(node) if isinstance(node, Lang) else None
    if name == "c":
        return tuple(v for arg in _operands("c", node.args) if arg is not None
                     for v in _items(_constant(arg, function)))
    if name == "-" and _negated(node) is not None:
        value = _constant(_negated(node), function)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if name == ":":
        low, high = (_whole(_constant(end, function), f"an end of {function}()'s range")
                     for end in _operands(":", node.args, 2))
        return tuple(range(low, high + 1) if high >= low else range(low, high - 1, -1))
    raise SpecError(f"the selector {function}() of a step saved by R has a computed "
                    "argument; only literal values are read")


def _atoms(node: "Str | Real | Integer | Logical", what: str) -> list[Any]:
    """The values of an unnamed atomic vector; a missing value is refused, as tidyselect
    refuses it."""
    if node.names is not None:
        raise SpecError(f"{what} of a step saved by R holds a named vector; renaming columns "
                        "in a step's selection is not read")
    if isinstance(node, Str):
        values: list[Any] = list(node.data)
    elif isinstance(node, Real):
        values = [None if math.isnan(v) else float(v) for v in node.data]
    else:
        values = [None if v == NA_INTEGER else int(v) for v in node.data]
        values = [bool(v) if isinstance(node, Logical) and v is not None else v for v in values]
    if any(v is None for v in values):
        raise SpecError(f"{what} of a step saved by R: Selections can't have missing values")
    return values


def one_from_r(quosures: Any, what: str) -> Selector:
    """The single selector of a step option that selects one set of columns."""
    found = from_r(quosures)
    if len(found) != 1:
        raise SpecError(f"{what} of a step saved by R holds {len(found)} selectors; "
                        "one is expected")
    return found[0]
