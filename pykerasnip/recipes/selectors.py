"""Column selectors for recipe steps, evaluated at prep against the current term_info.

Mirrors recipes/tidyselect: role and type helpers (``all_numeric_predictors()``,
``has_role("id")``), plain column names, name patterns (``starts_with("x")``) and
negation (``-sel``, ``~sel`` or ``minus(sel)``). A list of selectors is evaluated like
tidyselect: positive selections are united in order of appearance, negative ones
remove columns; a list that starts with a negation starts from every column.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

import pandas as pd

from ..errors import SpecError
from ..rds import build as b
from ..rds.nodes import GlobalEnv, Lang, Sym


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


def all_numeric() -> Where:
    """Numeric (double or integer) variables."""
    return Where(lambda info: _type_matches(info, ("numeric",)), "all_numeric")


def all_nominal() -> Where:
    """Nominal (factor, ordered or character) variables."""
    return Where(lambda info: _type_matches(info, ("nominal",)), "all_nominal")


def all_numeric_predictors() -> Where:
    """Numeric predictors."""
    return _role_and_type("all_numeric_predictors", "predictor", "numeric")


def all_nominal_predictors() -> Where:
    """Nominal predictors."""
    return _role_and_type("all_nominal_predictors", "predictor", "nominal")


def everything() -> Where:
    """Every variable."""
    return Where(lambda info: pd.Series(True, index=info.index), "everything")


def _name_pattern(test: Callable[[str], bool], function: str, text: str) -> Where:
    return Where(lambda info: info["variable"].map(test).astype(bool), function, text)


def starts_with(prefix: str) -> Where:
    """Variables whose name starts with ``prefix``."""
    return _name_pattern(lambda name: name.startswith(prefix), "starts_with", prefix)


def ends_with(suffix: str) -> Where:
    """Variables whose name ends with ``suffix``."""
    return _name_pattern(lambda name: name.endswith(suffix), "ends_with", suffix)


def contains(text: str) -> Where:
    """Variables whose name contains ``text``."""
    return _name_pattern(lambda name: text in name, "contains", text)


def matches(pattern: str) -> Where:
    """Variables whose name matches the regular expression ``pattern``."""
    regex = re.compile(pattern)
    return _name_pattern(lambda name: regex.search(name) is not None, "matches", pattern)


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
