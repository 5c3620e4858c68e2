"""Column selectors for recipe steps, evaluated at prep against the current term_info.

Mirrors recipes/tidyselect: role and type helpers (``all_numeric_predictors()``,
``has_role("id")``), plain column names, name patterns (``starts_with("x")``) and
negation (``-sel``, ``~sel`` or ``minus(sel)``). A list of selectors is evaluated like
tidyselect: positive selections are united in order of appearance, negative ones
remove columns; a list that starts with a negation starts from every column.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable

import pandas as pd

from ..errors import SpecError
from ..rtree import quosure_expr
from ..rds import build as b
from ..rds.nodes import GlobalEnv, Lang, List, Logical, Str, Sym


class Selector:
    """Base of every selector: :meth:`names` gives the selected variables in order."""

    def names(self, info: pd.DataFrame) -> list[str]:
        raise NotImplementedError

    def r_expr(self) -> Lang | Sym:
        """The R expression a user would have written for this selector."""
        raise NotImplementedError

    def __neg__(self) -> "Minus":
        return Minus(self)

    __invert__ = __neg__


class Minus(Selector):
    """Negation: the columns of ``inner`` are removed from the selection."""

    def __init__(self, inner: Any):
        self.inner = as_selector(inner)

    def names(self, info: pd.DataFrame) -> list[str]:
        return self.inner.names(info)

    def r_expr(self) -> Lang:
        return b.call("-", self.inner.r_expr())

    def __repr__(self) -> str:
        return f"-{self.inner!r}"


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


class Name(Selector):
    """One column by name; selecting a column that does not exist is an error."""

    def __init__(self, name: str):
        self.name = name

    def names(self, info: pd.DataFrame) -> list[str]:
        if self.name not in set(info["variable"]):
            raise SpecError(f"Can't select columns that don't exist: column `{self.name}` "
                            "is not in the data")
        return [self.name]

    def r_expr(self) -> Sym:
        return b.sym(self.name)

    def __repr__(self) -> str:
        return self.name


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
        super().__init__(lambda info: info["variable"].map(test).astype(bool), function, text)
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
            start = list(info["variable"]) if position == 0 else chosen
            dropped = set(selector.names(info))
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
    **{f"all_{kind}": functools.partial(all_of_type, kind) for kind in TYPES},
    **{f"all_{kind}_predictors": functools.partial(predictors_of_type, kind) for kind in TYPES},
}
#: calls that only list selectors (``c()``, and the wrappers recipes stores some in)
_LISTS = {"c", "vars", "denom_vars", "imp_vars"}
#: packages whose ``pkg::fn`` selectors are the functions above
_SELECTOR_PACKAGES = {"recipes", "tidyselect", "dplyr"}


def from_r(quosures: Any) -> list[Selector]:
    """A step's stored ``terms`` (quosures of selector expressions) as selectors.

    Only names, ``c()``, ``-``, and the recipes / tidyselect helpers with literal
    arguments are understood; anything else raises :class:`SpecError` naming it (the R
    code is never run)."""
    items = quosures.data if isinstance(quosures, List) else []
    return [s for item in items for s in _selectors(quosure_expr(item))]


def _selectors(expr: Any) -> list[Selector]:
    if isinstance(expr, Sym):
        return [Name(expr.name)]
    if isinstance(expr, Str) and len(expr) == 1 and expr.data[0] is not None:
        return [Name(expr.data[0])]
    if not isinstance(expr, Lang):
        raise SpecError(f"cannot read the selector {expr!r} of a step saved by R")
    function, args = _function_name(expr), expr.args
    if function in _LISTS and not any(name for name, _ in args):
        return [s for _, arg in args for s in _selectors(arg)]
    if function == "-" and len(args) == 1:
        return [Minus(s) for s in _selectors(args[0][1])]
    if function == "where" and len(args) == 1 and isinstance(args[0][1], Sym):
        return [WhereType(args[0][1].name)]
    if function in _R_SELECTORS:
        positional = [_literal(arg, function) for name, arg in args if not name]
        named = {name.replace(".", "_"): _literal(arg, function) for name, arg in args if name}
        try:
            return [_R_SELECTORS[function](*positional, **named)]
        except TypeError as exc:
            raise SpecError(f"cannot read the selector {function}() of a step saved by R: "
                            f"{exc}") from exc
    raise SpecError(f"the selector {function}() of a step saved by R has no Python twin; "
                    "it can be baked as saved, not prepared again")


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
    if isinstance(node, Str) and len(node) == 1 and node.data[0] is not None:
        return node.data[0]
    if isinstance(node, Logical) and len(node) == 1 and node.data[0] in (0, 1):
        return bool(node.data[0])
    raise SpecError(f"the selector {function}() of a step saved by R has a computed "
                    "argument; only literal strings and TRUE/FALSE are read")


def one_from_r(quosures: Any, what: str) -> Selector:
    """The single selector of a step option that selects one set of columns."""
    found = from_r(quosures)
    if len(found) != 1:
        raise SpecError(f"{what} of a step saved by R holds {len(found)} selectors; "
                        "one is expected")
    return found[0]
