"""R ``terms`` objects: which variables a formula uses and how they combine into terms.

:class:`Terms` is read from a stored R terms object (:meth:`Terms.from_r`) or built
from a formula and the data's column names (:func:`terms_from_formula`, R's
``terms.formula``: ``+ : * / ^ %in% -``, ``.`` expansion, intercept handling, terms
sorted by order, the factor-coding matrix).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import MalformedObjectError, SpecError, UnsupportedObjectError
from ..rds import build as b
from ..rds.nodes import NA_INTEGER, Integer, Lang, List, Real, Str, Sym, pairlist
from .parse import call, check_nesting, deparse, parse

Term = frozenset[int]


@dataclass
class Terms:
    """A terms object. ``factors`` is the variables x terms coding matrix (0: not in
    the term, 1: coded by contrasts, 2: coded by all indicators); ``predvars`` are the
    expressions evaluated for each variable (with stored coefficients, e.g. ``poly``);
    ``response`` is the 1-based position of the response variable (0 = none);
    ``offset`` the 1-based positions of the ``offset()`` variables, which no term uses."""

    variables: list[Any]
    term_labels: list[str]
    factors: np.ndarray
    intercept: bool = True
    response: int = 0
    predvars: list[Any] = field(default_factory=list)
    data_classes: dict[str, str] = field(default_factory=dict)
    formula: Any = None
    offset: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.predvars:
            self.predvars = list(self.variables)

    @property
    def variable_names(self) -> list[str]:
        """Variable names as the factors matrix and model matrix show them (deparsed,
        non-syntactic names in backquotes)."""
        return [deparse(v) for v in self.variables]

    @property
    def frame_names(self) -> list[str]:
        """Variable names as R's model.frame names its columns (and dataClasses, xlevels):
        a bare symbol as it is (``my var``), a call deparsed (``log(`my var`)``)."""
        return [v.name if isinstance(v, Sym) else deparse(v) for v in self.variables]

    @property
    def order(self) -> list[int]:
        return [int(n) for n in (self.factors > 0).sum(axis=0)]

    def term_variables(self) -> list[list[int]]:
        """For each term, the 0-based indices of its variables (ascending)."""
        return [list(np.flatnonzero(self.factors[:, j])) for j in range(len(self.term_labels))]

    def delete_response(self) -> "Terms":
        """R's ``delete.response``: drop the response variable (dataClasses are kept)."""
        if not self.response:
            return self
        keep = [i for i in range(len(self.variables)) if i != self.response - 1]
        lhs_free = self.formula
        if isinstance(self.formula, Lang) and len(self.formula.args) == 2:
            lhs_free = call("~", self.formula.args[1][1])
        return replace(self, variables=[self.variables[i] for i in keep],
                       predvars=[self.predvars[i] for i in keep],
                       factors=self.factors[keep, :], response=0, formula=lhs_free,
                       offset=kept_positions(self.offset, keep))

    def to_r(self, env: Any = None) -> Lang:
        """The R ``terms`` object; ``.Environment`` is set only when ``env`` is given
        (hardhat strips it from the terms it stores)."""
        names = self.variable_names
        factors = (b.structure(b.matrix(b.int_(self.factors.flatten(order="F").tolist()), *self.factors.shape),
                               dimnames=b.r_list([b.chr(names), b.chr(self.term_labels)]))
                   if self.term_labels else b.int_([]))
        attrs = {"variables": call("list", *self.variables), "factors": factors,
                 "term.labels": b.chr(self.term_labels), "order": b.int_(self.order),
                 "intercept": b.int_(int(self.intercept)), "response": b.int_(self.response),
                 "class": b.chr("terms", "formula"), ".Environment": env,
                 "predvars": call("list", *self.predvars),
                 "dataClasses": b.structure(b.chr(list(self.data_classes.values())),
                                            names=b.chr(list(self.data_classes))) if self.data_classes else None,
                 "offset": b.int_(self.offset) if self.offset else None}
        return b.structure(call("~", *[value for _, value in self.formula.args]), attrs)

    @classmethod
    def from_r(cls, node: Lang) -> "Terms":
        """Read an R ``terms`` object (attributes ``variables``, ``factors``, ...)."""
        if not (isinstance(node, Lang) and node.inherits("terms")):
            raise UnsupportedObjectError(f"expected an R terms object, got {node!r}")
        variables = _list_call_args(node.attr("variables"))
        labels = node.attr("term.labels")
        labels = list(labels.values) if isinstance(labels, Str) else []
        factors = node.attr("factors")
        if len(labels) and not isinstance(factors, (Integer, Real)):
            raise MalformedObjectError("a terms object's factors matrix must be numeric (R's "
                                       f"terms() makes integers), not {type(factors).__name__}")
        if len(labels) and len(getattr(factors, "data", ())) != len(variables) * len(labels):
            raise MalformedObjectError(f"a terms object's factors matrix does not have one row per "
                                       f"variable ({len(variables)}) and one column per term ({len(labels)})")
        matrix = (np.asarray(factors.data).reshape((len(variables), len(labels)), order="F")
                  if len(labels) else np.zeros((len(variables), 0), dtype=int))
        classes = node.attr("dataClasses")
        if isinstance(classes, Str) and classes.names is None:
            raise MalformedObjectError("a terms object's dataClasses are not named by variable")
        data_classes = dict(zip(classes.names, classes.values)) if isinstance(classes, Str) else {}
        predvars = node.attr("predvars")
        predvars = _list_call_args(predvars) if predvars is not None else None
        terms = cls(variables=variables, term_labels=labels, factors=matrix,
                    intercept=bool(_scalar_int(node.attr("intercept"), 1, "intercept")),
                    response=_scalar_int(node.attr("response"), 0, "response"),
                    predvars=predvars or [], data_classes=data_classes, formula=node,
                    offset=_offsets(node.attr("offset"), len(variables)))
        _check_consistent(terms, node, predvars)
        return terms


def _check_consistent(terms: Terms, node: Lang, predvars: list[Any] | None) -> None:
    """The relations R's ``terms()`` and ``model.frame()`` establish between a terms
    object's attributes, which ``model.frame`` relies on when it evaluates ``predvars``."""
    names = terms.variable_names
    if predvars is not None and len(predvars) != len(names):
        raise MalformedObjectError(f"a terms object has {len(predvars)} predvars for "
                                   f"{len(names)} variables")
    remade = [name for name, v, p in zip(names, terms.variables, predvars or ())
              if not _same_call(v, p)]
    if remade:
        raise MalformedObjectError(f"a terms object's predvars for {remade} are not its variables' "
                                   "calls (makepredictcall only adds arguments)")
    unclassed = [v for v in terms.frame_names
                 if node.attr("dataClasses") is not None and v not in terms.data_classes]
    if unclassed:
        raise MalformedObjectError(f"a terms object's dataClasses miss variables {unclassed}")
    dimnames = node.attr("factors").attr("dimnames") if terms.term_labels else None
    if dimnames is not None and (
            not isinstance(dimnames, List) or len(dimnames.data) != 2
            or [list(getattr(d, "values", ())) for d in dimnames.data] != [names, terms.term_labels]):
        raise MalformedObjectError("a terms object's factors matrix is not labelled by its variables "
                                   "and term.labels")
    order = node.attr("order")
    if order is not None and (not isinstance(order, (Integer, Real))
                              or list(np.asarray(order.data, dtype=float)) != [float(o) for o in terms.order]):
        raise MalformedObjectError("a terms object's order does not match its factors matrix")
    if not 0 <= terms.response <= len(names):
        raise MalformedObjectError(f"a terms object's response {terms.response} is not one of its "
                                   f"{len(names)} variables")


def _same_call(variable: Any, predvar: Any) -> bool:
    """``predvar`` is what R's ``makepredictcall`` can make of ``variable``: the same
    symbol, or a call of the same function."""
    if isinstance(variable, Lang):
        return isinstance(predvar, Lang) and deparse(predvar.function) == deparse(variable.function)
    return isinstance(predvar, Sym) and predvar == variable


def kept_positions(positions: list[int], keep: list[int]) -> list[int]:
    """1-based variable ``positions`` renumbered after keeping the 0-based ``keep``."""
    return [keep.index(p - 1) + 1 for p in positions if p - 1 in keep]


def _offsets(node: Any, count: int) -> list[int]:
    """A terms object's ``offset`` attribute: 1-based positions among ``count`` variables."""
    if node is None:
        return []
    if not isinstance(node, Integer) or any(not 1 <= p <= count for p in node.data):
        raise MalformedObjectError(f"a terms object's offset attribute must hold variable positions 1..{count}")
    return [int(p) for p in node.data]


def _list_call_args(node: Any) -> list[Any]:
    if isinstance(node, Lang):
        return [value for _, value in node.args]
    raise UnsupportedObjectError(f"expected a list(...) call in a terms object, got {node!r}")


def _scalar_int(node: Any, default: int, what: str) -> int:
    """A terms object's whole-number attribute ``what`` (``default`` when absent)."""
    if not (isinstance(node, (Integer, Real)) and len(node.data)):
        return default
    value = float(node.data[0]) if isinstance(node, Real) else node.data[0]
    if isinstance(node, Integer) and value == NA_INTEGER or isinstance(node, Real) and not np.isfinite(value):
        raise MalformedObjectError(f"the terms object's {what} attribute is NA or not finite")
    return int(value)


# --------------------------------------------------------------------------- terms.formula
class _Encoder:
    """Turns a formula's right-hand side into terms (sets of variable indices)."""

    def __init__(self, response: Any, dot_columns: Sequence[str] | None):
        self.variables = [] if response is None else [response]
        self.keys = [deparse(v) for v in self.variables]
        self.dot_excluded = set(self.keys) | set(all_vars(response))
        self.dot_columns = dot_columns
        self.intercept = True

    def install(self, expr: Any) -> int:
        key = deparse(expr)
        if key not in self.keys:
            self.keys.append(key)
            self.variables.append(expr)
        return self.keys.index(key)

    def encode(self, node: Any) -> list[Term]:
        if isinstance(node, Real) and len(node.data) == 1 and node.data[0] in (0.0, 1.0):
            self.intercept = bool(node.data[0])
            return []
        if isinstance(node, Sym) and node.name == ".":
            return self._dot()
        op = node.function.name if isinstance(node, Lang) and isinstance(node.function, Sym) else None
        handler = self.OPERATORS.get(op)
        if handler is None:
            return [frozenset({self.install(node)})]
        return handler(self, *[value for _, value in node.args])

    def _dot(self) -> list[Term]:
        if self.dot_columns is None:
            raise SpecError("'.' in a formula needs the data's column names")
        return [frozenset({self.install(Sym(c))}) for c in self.dot_columns if c not in self.dot_excluded]

    def _plus(self, left: Any, right: Any = None) -> list[Term]:
        terms = self.encode(left)
        return _unique(terms + (self.encode(right) if right is not None else []))

    def _colon(self, left: Any, right: Any) -> list[Term]:
        return _interact(self.encode(left), self.encode(right))

    def _star(self, left: Any, right: Any) -> list[Term]:
        a, b = self.encode(left), self.encode(right)
        return _unique(a + b + _interact(a, b))

    def _in(self, left: Any, right: Any) -> list[Term]:
        terms = self.encode(left)  # first: variables are installed as they appear
        inner = frozenset().union(*self.encode(right))
        return _unique([t | inner for t in terms])

    def _slash(self, left: Any, right: Any) -> list[Term]:
        a = self.encode(left)
        outer = frozenset().union(*a)
        return _unique(a + [t | outer for t in self.encode(right)])

    def _power(self, left: Any, right: Any) -> list[Term]:
        base = self.encode(left)
        if not isinstance(right, Real):
            raise SpecError(f"invalid power in formula: {deparse(right)}")
        result = base
        for _ in range(int(right.data[0]) - 1):
            result = _unique(result + _interact(result, base))
        return result

    def _minus(self, left: Any, right: Any = None) -> list[Term]:
        if right is None:
            left, right = None, left
        kept = self.encode(left) if left is not None else []
        if isinstance(right, Real) and len(right.data) == 1 and right.data[0] in (0.0, 1.0):
            self.intercept = not bool(right.data[0])
            return kept
        removed = set(self.encode(right))
        return [t for t in kept if t not in removed]

    def _paren(self, inner: Any) -> list[Term]:
        return self.encode(inner)

    OPERATORS = {"+": _plus, ":": _colon, "*": _star, "%in%": _in, "/": _slash,
                 "^": _power, "-": _minus, "(": _paren}


def all_vars(node: Any) -> list[str]:
    """R's ``all.vars``: the variable names an expression uses, in order of appearance."""
    if isinstance(node, Sym):
        return [node.name]
    if isinstance(node, Lang):
        return list(dict.fromkeys(name for _, v in node.args for name in all_vars(v)))
    return []


def _unique(terms: list[Term]) -> list[Term]:
    return [t for t in dict.fromkeys(terms) if t]


def _interact(a: list[Term], b: list[Term]) -> list[Term]:
    return _unique([x | y for x in a for y in b])


def _expand_dot(node: Any, columns: list[str], plain: bool = True) -> Any:
    """The formula with ``.`` replaced by the sum of ``columns`` as R stores it: bare
    as a top-level or ``+`` operand, parenthesised anywhere else."""
    if isinstance(node, Sym) and node.name == ".":
        total = Sym(columns[0]) if columns else Real([0.0])
        for column in columns[1:]:
            total = call("+", total, Sym(column))
        return total if plain or len(columns) < 2 else call("(", total)
    if not isinstance(node, Lang):
        return node
    plus = isinstance(node.function, Sym) and node.function.name in ("+", "~")
    return pairlist([(None, node.function)] + [(n, _expand_dot(v, columns, plus)) for n, v in node.args],
                    cls=Lang)


def _term_code(terms: list[Term], position: int, variable: int) -> int:
    """R's TermCode: 1 when the term without ``variable`` is empty or contained in an
    earlier term (so contrasts suffice), else 2 (all indicator columns)."""
    rest = terms[position] - {variable}
    if not rest or any(rest <= earlier for earlier in terms[:position]):
        return 1
    return 2


def terms_from_formula(formula: "str | Lang", columns: Sequence[str] | None = None) -> Terms:
    """R's ``terms(formula, data = <columns>)``: variables in order of appearance
    (response first), terms sorted by order, the factor-coding matrix and labels."""
    tree = parse(formula) if isinstance(formula, str) else formula
    check_nesting(tree, "the formula")
    if not (isinstance(tree, Lang) and isinstance(tree.function, Sym) and tree.function.name == "~"):
        raise SpecError(f"not a formula: {formula!r}")
    sides = [value for _, value in tree.args]
    lhs, rhs = (None, sides[0]) if len(sides) == 1 else sides
    encoder = _Encoder(lhs, columns)
    encoded = sorted(encoder.encode(rhs), key=len)
    offsets = _offset_variables(encoder.variables, lhs is not None)
    terms = [t for t in encoded if not t & offsets]
    factors = np.zeros((len(encoder.variables), len(terms)), dtype=int)
    for j, term in enumerate(terms):
        for i in term:
            factors[i, j] = _term_code(terms, j, i)
    names = [deparse(v) for v in encoder.variables]
    labels = [":".join(names[i] for i in sorted(t)) for t in terms]
    dot_columns = [c for c in columns or [] if c not in encoder.dot_excluded]
    return Terms(variables=list(encoder.variables), term_labels=labels, factors=factors,
                 intercept=encoder.intercept, response=1 if lhs is not None else 0,
                 formula=_expand_dot(tree, dot_columns), offset=sorted(i + 1 for i in offsets))


def _offset_variables(variables: Sequence[Any], response: bool) -> set[int]:
    """0-based positions of the predictor variables R takes as offsets (deparsed as a
    call to ``offset``; not ``stats::offset``): terms using them are dropped."""
    names = [deparse(v) for v in variables]
    return {i for i, name in enumerate(names) if i >= int(response) and name.startswith("offset(")}
