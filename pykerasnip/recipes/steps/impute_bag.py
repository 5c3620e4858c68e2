"""step_impute_bag: missing values predicted by ipred's bagged rpart trees.

Baking replays R: each column's model is an ipred ``regbagg``/``classbagg`` holding
rpart trees; a tree is walked as rpart's C ``pred_rpart`` walks it (the primary split;
when its variable is missing or a category was not seen at that node, the surrogate
splits in order; with ``usesurrogate = 2`` then the larger child), numeric columns
take the mean of the trees' leaf values (summed in tree order) and factors the
majority vote, ties broken by R's ``sample()`` as ipred's ``uwhich.max`` does (inside
``r_session(seed)``, R's draws after ``set.seed``).

Training replays recipes' ``bag_wrap`` and ipred's ``ipredbagg``/``irpart``: R's
bootstrap draws after ``set.seed(seed_val)`` and each tree grown by
:mod:`pykerasnip.rpart` (rpart's C fit, bit for bit), stored as the very objects R's
prep stores, so R's ``bake()`` runs what Python writes. ipred's out-of-bag error,
combined models and cross-validation groups given as a vector stay in R
(``PARTIAL_PREP_EXCEPTIONS``).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ... import rpart, rtree
from ...convert import datetime_numbers, flag, from_pandas, from_python, scalar, strings, to_python
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...factor import is_factor
from ...formula.terms import terms_from_formula
from ...rds import build as b
from ...rds.nodes import NA_INTEGER, BaseEnv, Integer, List, MissingArg, RObject, plain
from ...rmath import make_unique, r_colon, r_sort_strings
from ...rrng import RRandom, current_stream, set_seed
from .. import selectors
from ..selectors import all_predictors, r_argument_quosures
from .base import (PARTIAL_PREP_EXCEPTIONS, Step, first, is_string_column, prep_refusal,
                   r_numbers, register, step_to_r)
from .impute import imputable_rows, impute_var_lists
from .numeric import r_matrix


def _node_numbers(frame: List) -> np.ndarray:
    """rpart's node numbers: the frame's row names (R stores ``1:n`` compactly)."""
    names = frame.attr("row.names")
    names = plain(names)
    data = np.asarray([int(v) for v in names.data], dtype=np.int64)
    if len(data) == 2 and data[0] == NA_INTEGER:
        return np.arange(1, abs(int(data[1])) + 1)
    return data


# --------------------------------------------------------------------------- rpart trees
@dataclass
class RpartTree:
    """A fitted rpart tree as ``pred.rpart`` sees it: per node (rows of ``frame``) its
    number, training count, competitor and surrogate counts and 0-based position of its
    primary split (-1 for a leaf); per split (rows of ``splits``) its variable, ``ncat``
    (+-1: numeric, the side of values below ``cut``; >= 2: categorical) and ``cut``
    (split point, or row of ``csplit``); ``csplit`` the categorical directions
    (-1 left, 1 right, 0 level absent at the node)."""

    numbers: np.ndarray
    count: np.ndarray
    ncompete: np.ndarray
    nsurrogate: np.ndarray
    primary: np.ndarray
    split_vars: list[str]
    ncat: np.ndarray
    cut: np.ndarray
    csplit: np.ndarray
    yval: np.ndarray
    usesurrogate: int
    #: the frame rows of every node's left and right child
    children: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.children = self._child_rows()

    @classmethod
    def from_r(cls, node: Any) -> "RpartTree":
        tree = rtree.record(node, "an rpart tree", ("frame", "control"))
        frame = rtree.record(tree["frame"], "an rpart frame", ("var", "n", "yval", "ncompete",
                                                                "nsurrogate"))
        leaf = np.array([v == "<leaf>" for v in strings(frame["var"])])
        ncompete, nsurrogate = (r_numbers(frame[f]).astype(int)
                                for f in ("ncompete", "nsurrogate"))
        # pred.rpart: splits are stored node by node, primary first, then competitors
        # and surrogates
        sizes = (~leaf).astype(int) + ncompete + nsurrogate
        starts = np.concatenate([[0], np.cumsum(sizes)])[:-1]
        splits = tree.get("splits")
        if splits is None:
            split_vars, ncat, cut = [], np.empty(0), np.empty(0)
        else:
            matrix = r_matrix(splits)
            split_vars = [str(v) for v in matrix.index]
            ncat, cut = matrix["ncat"].to_numpy(), matrix["index"].to_numpy()
        csplit = tree.get("csplit")  # rpart stores 1 (left), 2 (absent), 3 (right)
        csplit = np.zeros((0, 0), int) if csplit is None else \
            r_matrix(csplit).to_numpy().astype(int) - 2
        control = rtree.record(tree["control"], "rpart's control", ("usesurrogate",))
        return cls(
            numbers=_node_numbers(frame),
            count=r_numbers(frame["n"]).astype(int), ncompete=ncompete, nsurrogate=nsurrogate,
            primary=np.where(leaf, -1, starts), split_vars=split_vars, ncat=ncat, cut=cut,
            csplit=csplit, yval=r_numbers(frame["yval"]),
            usesurrogate=int(scalar(control["usesurrogate"])))

    def where(self, x: dict[str, np.ndarray], n: int) -> np.ndarray:
        """The frame row of the node each of the ``n`` rows of ``x`` (columns by name, NaN
        for missing, factors as level codes) ends in. The tree is walked node by node,
        each node sending its rows to its children at once."""
        missing_vars = set(self.split_vars) - set(x)
        if missing_vars:
            raise ForgeError(f"Tree has variables not found in new data: {sorted(missing_vars)}")
        values = [x[v] for v in self.split_vars]
        left, right = self.children
        pos = np.zeros(n, dtype=int)
        todo = [(0, np.arange(n))]
        while todo:
            node, rows = todo.pop()
            split = self.primary[node]
            if split < 0 or not len(rows):
                pos[rows] = node
                continue
            direction = self._directions(values, rows, node)
            pos[rows[direction == 0]] = node
            todo += [(left[node], rows[direction < 0]), (right[node], rows[direction > 0])]
        return pos

    def _directions(self, values: list[np.ndarray], rows: np.ndarray, node: int) -> np.ndarray:
        """-1 (left), 1 (right) or 0 (stay) for each of ``rows`` at inner ``node``
        (``values``: the variable of every split): its primary split, then
        (``usesurrogate`` > 0) its surrogates in order for the rows still undecided, then
        (``usesurrogate`` > 1) the child with more training rows."""
        split = self.primary[node]
        direction = self._split(values[split][rows], split)
        if self.usesurrogate > 0:
            first_surrogate = split + 1 + self.ncompete[node]
            for surrogate in range(first_surrogate, first_surrogate + self.nsurrogate[node]):
                undecided = np.flatnonzero(direction == 0)
                if not len(undecided):
                    break
                direction[undecided] = self._split(values[surrogate][rows[undecided]], surrogate)
        if self.usesurrogate > 1:
            left, right = self.children
            direction[direction == 0] = np.sign(self.count[right[node]] - self.count[left[node]])
        return direction

    def _child_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The frame rows of every node's left and right child (node numbers 2n and
        2n + 1; -1 for a leaf)."""
        inner = np.flatnonzero(self.primary >= 0)
        order = np.argsort(self.numbers, kind="stable")
        left, right = np.full(len(self.numbers), -1), np.full(len(self.numbers), -1)
        for side, offset in ((left, 0), (right, 1)):
            side[inner] = order[np.searchsorted(self.numbers[order], 2 * self.numbers[inner] + offset)]
        return left, right

    def _split(self, values: np.ndarray, split: int) -> np.ndarray:
        """-1 (left), 1 (right) or 0 (undecided: missing value, or a level not seen at
        the node) for each value under ``split``."""
        ncat, cut = int(self.ncat[split]), self.cut[split]
        known = ~np.isnan(values)
        if ncat < 2:
            return np.where(known, np.where(values < cut, ncat, -ncat), 0)
        out = np.zeros(len(values), dtype=int)
        out[known] = self.csplit[int(cut) - 1, values[known].astype(int) - 1]
        return out


# --------------------------------------------------------------------------- bagged trees
@dataclass
class BaggedTrees:
    """One column's ipred fit: its ``trees``, the ``predictors`` they read (``xlevels``:
    the first tree's factor levels, which code the factors for every tree), and the
    imputed column's type (``levels`` of a factor, or ``integer``)."""

    trees: list[RpartTree]
    predictors: list[str]
    xlevels: dict[str, list[str]]
    levels: list[str] | None
    integer: bool

    @classmethod
    def from_r(cls, node: Any) -> "BaggedTrees":
        model = rtree.record(node, "an ipred bagging fit", ("y", "mtrees", "..imp_vars"))
        if not (model.inherits("regbagg") or model.inherits("classbagg")):
            raise UnsupportedStepError("step_impute_bag", f"a model of class {model.classes}")
        if flag(model.get("comb")):
            raise UnsupportedStepError("step_impute_bag", "combined (comb) bagging models")
        bags = rtree.record(model["mtrees"], "the bagged trees").data
        btrees = [rtree.record(bag, "a bagged tree", ("btree",))["btree"] for bag in bags]
        if not btrees:
            raise UnsupportedStepError("step_impute_bag", "a bagging fit without trees")
        xlevels = btrees[0].attr("xlevels")
        y = model["y"]
        is_class = model.inherits("classbagg")
        return cls(
            trees=[RpartTree.from_r(t) for t in btrees], predictors=strings(model["..imp_vars"]),
            xlevels={} if xlevels is None else {k: strings(v) for k, v in zip(xlevels.names or [],
                                                                               xlevels.data)},
            levels=strings(y.attr("levels")) if is_class else None,
            integer=isinstance(plain(y), Integer))

    def design(self, data: pd.DataFrame) -> dict[str, np.ndarray]:
        """``rpart.matrix`` of the predictors, column by column: numbers (dates as R's
        doubles), logicals as 0/1, factors and strings as codes of the training levels (NaN for missing)."""
        return {c: self._codes(data[c], c) for c in self.predictors}

    def _codes(self, column: pd.Series, name: str) -> np.ndarray:
        if is_factor(column) or column.dtype == object or pd.api.types.is_string_dtype(column):
            values = column.astype(object).where(column.notna(), None)
            levels = self.xlevels.get(name) or _own_levels(column, values)
            new = sorted({v for v in values if v is not None and v not in levels})
            if new:
                raise ForgeError(f"factor {name} has new level{'s' if len(new) > 1 else ''} "
                                 f"{', '.join(map(str, new))}")
            lookup = {level: i + 1.0 for i, level in enumerate(levels)}
            return np.array([np.nan if v is None else lookup[v] for v in values], dtype="f8")
        if pd.api.types.is_datetime64_any_dtype(column):  # R's days or seconds
            return datetime_numbers(column)
        return column.to_numpy(dtype="f8", na_value=np.nan)

    def predict(self, data: pd.DataFrame, stream: RRandom) -> np.ndarray:
        """ipred's ``predict()``: the mean of the trees (numbers) or the class with most
        votes (ties drawn from ``stream``), cast as recipes' ``cast`` does."""
        x, n = self.design(data), len(data)
        leaves = [tree.yval[tree.where(x, n)] for tree in self.trees]
        if self.levels is None:
            total = np.zeros(n)
            for values in leaves:
                total = total + values
            mean = total / len(self.trees)
            return np.rint(mean) if self.integer else mean
        votes = np.zeros((n, len(self.levels)))
        for codes in leaves:
            votes[np.arange(n), codes.astype(int) - 1] += 1
        winners = [stream.sample_one(list(best)) if len(best) > 1 else best[0]
                   for best in (np.flatnonzero(row == row.max()) for row in votes)]
        return np.array([self.levels[w] for w in winners], dtype=object)


def _own_levels(column: pd.Series, values: pd.Series) -> list[str]:
    """The levels ``rpart.matrix`` codes a column rpart did not see as a factor by."""
    if is_factor(column):
        return list(column.cat.categories)
    return r_sort_strings(set(values) - {None})


# --------------------------------------------------------------------------- training
#: ``rpart.control()``'s values (R types), which fill the control list rpart is given
_RPART_CONTROL = {"minsplit": b.int_(20), "minbucket": b.dbl(7.0), "cp": b.dbl(0.01),
                  "maxcompete": b.int_(4), "maxsurrogate": b.int_(5), "usesurrogate": b.int_(2),
                  "surrogatestyle": b.int_(0), "maxdepth": b.int_(30), "xval": b.int_(10)}
#: ipred's default control: ``rpart.control(xval = 0)`` for numbers, and
#: ``rpart.control(minsplit = 2, cp = 0, xval = 0)`` for classes
_IPRED_CONTROL = {False: {**_RPART_CONTROL, "xval": b.dbl(0.0)},
                  True: {**_RPART_CONTROL, "minsplit": b.dbl(2.0), "minbucket": b.dbl(1.0),
                         "cp": b.dbl(0.0), "xval": b.dbl(0.0)}}
PARTIAL_PREP_EXCEPTIONS["step_impute_bag"] = (
    "ipred's out-of-bag error (`options = list(coob = TRUE)`), combined models (`comb`), "
    "rpart's cross-validation groups given as a vector (`control = list(xval = <groups>)`) "
    "and predictors other than numbers, logicals, factors and characters (dates) train only "
    "in R; otherwise ipred's draws and rpart's trees are replayed bit for bit")


def _refuse(setting: str) -> UnsupportedStepError:
    """The refusal of a setting of ``PARTIAL_PREP_EXCEPTIONS``."""
    return UnsupportedStepError("step_impute_bag", prep_refusal(
        f"bagging with {setting} trains only in R"))


@dataclass
class BagOptions:
    """ipredbagg's arguments as recipes passes them (``options`` plus ``nbagg``)."""

    nbagg: int
    control: List | None = None
    keep_x: bool = True
    ns: int | None = None

    @classmethod
    def from_step(cls, options: Any, trees: int) -> "BagOptions":
        node = options if isinstance(options, RObject) else rtree.to_tree(options)
        given = {} if node is None else dict(rtree.named(node, "step_impute_bag's options").items())
        reserved = sorted({"X", "y"} & set(given))
        if reserved:
            raise SpecError(f"step_impute_bag: The option{'s' if len(reserved) > 1 else ''} "
                            f"{', '.join(map(repr, reserved))} cannot be used.")
        if given.get("comb") is not None:
            raise _refuse("comb")
        if flag(given.get("coob")):
            raise _refuse("coob")
        ns = given.get("ns")
        control = given.get("control")
        return cls(nbagg=trees,
                   control=None if control is None else rtree.named(control, "control"),
                   keep_x=flag(given.get("keepX"), default=True),
                   ns=None if ns is None else int(scalar(ns)))

    def rpart_control(self, is_class: bool) -> tuple[rpart.Control, List]:
        """The control rpart grows with (rpart.control()'s values overwritten by the
        given list, or by ipred's default), and that list as rpart stores it."""
        given = _IPRED_CONTROL[is_class] if self.control is None else dict(self.control.items())
        merged = {**_RPART_CONTROL, **given}
        values = {name: float(scalar(merged[name])) for name in _RPART_CONTROL}
        xval = r_numbers(merged["xval"])
        if len(xval) != 1:
            raise _refuse("xval given as groups")
        if not xval[0] >= 0:
            raise SpecError("step_impute_bag: rpart's xval must not be negative")
        if not 1 <= values["maxdepth"] <= 30:
            raise SpecError("step_impute_bag: rpart's maxdepth must be in 1..30")
        control = rpart.Control(
            minsplit=int(values["minsplit"]), minbucket=int(values["minbucket"]),
            cp=values["cp"], maxcompete=max(int(values["maxcompete"]), 0),
            maxsurrogate=int(values["maxsurrogate"]), usesurrogate=int(values["usesurrogate"]),
            surrogatestyle=int(values["surrogatestyle"]), maxdepth=values["maxdepth"],
            xval=int(xval[0]))
        return control, b.named_list(merged)

    def draws(self, stream: RRandom, nobs: int, n: int) -> Iterator[list[int]]:
        """ipred's bootstrap samples (1-based rows of the ``nobs`` usable ones), drawn
        one tree at a time (rpart's cross-validation draws come between): all rows in
        order for one tree, else ``ns`` (default: all ``n`` rows, missing responses
        included) drawn with replacement, or without when ``ns < n`` (subagging). Drawn
        from R's ``1:nobs``, which is ``c(1, 0)`` when no row is usable."""
        population = r_colon(1, nobs)
        if self.nbagg == 1:
            yield population
            return
        size = n if self.ns is None else self.ns
        replace = size >= n
        if not replace and size > len(population):
            raise SpecError("step_impute_bag: cannot take a sample larger than the population "
                            "when 'replace = FALSE'")
        for _ in range(self.nbagg):
            yield [population[k - 1] for k in stream.sample(len(population), size, replace)]


def _r_type(column: pd.Series) -> str:
    """A column's R type among those model frames class (``.MFclass``): double,
    integer, logical, factor, ordered, character; else its pandas kind."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "ordered" if dtype.ordered else "factor"
    if pd.api.types.is_bool_dtype(dtype) or (
            dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "boolean"):
        return "logical"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    return "character" if is_string_column(column) else str(dtype)


def _response(column: pd.Series) -> tuple[pd.Series, bool]:
    """The imputed column as ipred gets it (character made a factor) and whether it is
    a class (factor) response; other types have no ipred method."""
    kind = _r_type(column)
    if kind == "character":
        values = column.astype(object).where(column.notna(), None)
        levels = r_sort_strings(set(values) - {None})
        return pd.Series(pd.Categorical(values, categories=levels)), True
    if kind in ("factor", "ordered"):
        return column, True
    if kind in ("double", "integer"):
        return column, False
    raise SpecError(f"step_impute_bag: Failed to compute: Do not know how to handle objects of "
                    f"class {kind} (column `{column.name}`)")


def _functions(is_class: bool) -> List:
    """rpart's ``functions`` (print helpers): closures in rpart's namespace handing their
    arguments to those of rpart's own method object."""
    env = b.namespace("rpart", "4.1.19")
    init = (b.call("rpart.class", b.int_(1), None, None, b.dbl(1.0)) if is_class
            else b.call("rpart.anova", b.dbl(0.0), None))
    formals = {"summary": ("yval", "dev", "wt", "ylevel", "digits"),
               "print": ("yval", "ylevel", "digits", "nsmall"),
               "text": ("yval", "dev", "wt", "ylevel", "digits", "n", "use.n")}
    names = ("summary", "print", "text") if is_class else ("summary", "text")
    return b.named_list({name: b.closure(
        {arg: MissingArg for arg in formals[name]},
        b.call(b.call("$", init, b.sym(name)), *map(b.sym, formals[name])), env)
        for name in names})


def _usable_rows(y: pd.Series, x: rpart.Predictors) -> np.ndarray:
    """``na.rpart``: the rows with a response and at least one predictor."""
    if not x.names:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(y.notna().to_numpy() & ~x.missing().all(axis=1))


def _terms(y: pd.Series, x: rpart.Predictors) -> Any:
    """The trees' ``y ~ <predictors>`` terms, environment ``baseenv()`` as recipes
    leaves it."""
    terms = terms_from_formula("y ~ .", ["y", *x.names])
    terms.data_classes = {"y": rpart.MF_CLASS[_r_type(y)],
                          **{n: rpart.MF_CLASS[k] for n, k in zip(x.names, x.kinds)}}
    return terms.to_r(env=BaseEnv)


def bag_column(data: pd.DataFrame, target: str, predictors: list[str], options: BagOptions,
               seed: int) -> List:
    """recipes' ``bag_wrap``: ipred's bagged rpart trees for ``target`` from
    ``predictors`` (R's draws after ``set.seed(seed)``), as the fit recipes stores."""
    if "y" in predictors:
        raise UnsupportedStepError("step_impute_bag", "a predictor named `y` (ipred names the "
                                   "response y)")
    y, is_class = _response(data[target])
    kinds = [_r_type(data[c]) for c in predictors]
    others = [f"`{c}` ({k})" for c, k in zip(predictors, kinds) if k not in rpart.MF_CLASS]
    if others:
        raise _refuse(f"predictors other than numbers, logicals, factors and characters: "
                      f"{', '.join(others)}")
    x = rpart.Predictors.of(data[predictors], kinds)
    usable = _usable_rows(y, x)
    if not len(usable) and (is_class or not x.names):
        raise SpecError(f"step_impute_bag: Failed to compute: no rows to fit `{target}` on")
    control, control_node = options.rpart_control(is_class)
    parts = {"call": b.call("dummy_call"), "terms": _terms(y, x), "control": control_node,
             "y": b.int_(), "functions": _functions(is_class)}
    response = rpart.Response(
        (y.cat.codes.to_numpy() + 1.0)[usable] if is_class
        else y.to_numpy(dtype=np.float64, na_value=np.nan)[usable],
        list(y.cat.categories) if is_class else None)
    stream = set_seed(seed)  # recipes' bag_wrap() calls set.seed(), which it leaves set
    if control.xval:  # ipred's first fit, on all the rows, only tells it their number
        rpart.cross_validation_groups(stream, len(usable), control.xval)
    trees = []
    for draw in options.draws(stream, len(usable), len(y)):
        # with no usable row, R's 1:0 indexes an empty frame: row 0 is none, row 1 a row
        # of NAs, which rpart drops
        picked = np.asarray([k - 1 for k in draw if 1 <= k <= len(usable)], dtype=np.int64)
        dropped = make_unique(["NA"] * sum(k > len(usable) for k in draw))
        design, xlevels = x.design(usable[picked])
        fit = _fit_tree(target, design, rpart.Response(response.values[picked], response.levels),
                        control, stream)
        tree = fit.to_r(where_names=make_unique([str(r + 1) for r in usable[picked]]),
                        xlevels=b.named_list({k: b.chr(v) for k, v in xlevels.items()}),
                        dropped=dropped, **parts)
        trees.append(_bagged_tree(draw, tree, is_class, options.nbagg == 1))
    fields = {"y": from_python(pd.Series(y.array)),
              "X": from_pandas(data[predictors].reset_index(drop=True), tibble=False)
              if options.keep_x else None,
              "mtrees": b.r_list(trees), "OOB": b.lgl(False), "comb": b.lgl(False),
              "..imp_vars": b.chr(*predictors)}
    return b.structure(b.named_list(fields), {"class": "classbagg" if is_class else "regbagg"})


def _fit_tree(target: str, design: rpart.Design, response: rpart.Response,
              control: rpart.Control, stream: RRandom) -> rpart.RpartFit:
    """rpart's fit of one bootstrap sample; where rpart fails as it does on a sample of
    one class, recipes' message."""
    try:
        return rpart.RpartFit.fit(design, response, control, stream)
    except SpecError as error:
        if "number of rows of matrices must match" not in str(error):
            raise
        raise SpecError(f"step_impute_bag: The bagged tree model was not able to fit to "
                        f"`{target}`. It appears to be because it had near zero variance. "
                        f"Please deselect it for this step.") from error


def _bagged_tree(draw: list[int], tree: Any, is_class: bool, single: bool) -> List:
    """One of ipred's ``mtrees``: the bootstrap rows (R's ``1:nobs`` for a single tree)
    and the tree, classed ``c(anova = "sreg")`` or ``c(class = "sclass")``."""
    method, cls = ("class", "sclass") if is_class else ("anova", "sreg")
    bindx = b.int_colon(draw[0], draw[-1]) if single else b.int_(draw)
    return b.structure(b.named_list(bindx=bindx, btree=tree),
                       {"class": b.structure(b.chr(cls), names=b.chr(method))})


# --------------------------------------------------------------------------- the step
@register
class StepImputeBag(Step):
    """``step_impute_bag``: missing values predicted by bagged regression or
    classification trees of the other (``impute_with``) columns."""

    r_class = "step_impute_bag"
    draws_random = True  # tied votes
    default_role = None

    def __init__(self, *terms: Any, impute_with: Any = None, trees: int = 25,
                 options: Any = None, seed_val: int | None = None, **common: Any):
        super().__init__(*terms, **common)
        # R's quosures when read from R, else selectors
        self.impute_with = [all_predictors()] if impute_with is None else impute_with
        self.trees = int(trees)
        self.options = {"keepX": False} if options is None else options
        self.seed_val = secrets.randbelow(10 ** 4) + 1 if seed_val is None else int(seed_val)
        self.models: dict[str, BaggedTrees] = {}
        #: the ``impute_with`` quosures R stored, written back as they were
        self.impute_with_r: RObject | None = None
        # R's fits (rpart trees with terms and calls): written back as R stored them
        self.models_r: RObject | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepImputeBag":
        step = super().from_r(node)
        step.impute_with = node.get("impute_with")
        step.impute_with_r = step.impute_with
        step.trees = int(first(to_python(node["trees"])))
        step.options = node.get("options")
        step.seed_val = int(first(to_python(node["seed_val"])))
        step.models_r = node.get("models")
        if step.models_r is not None:
            models = rtree.named(step.models_r, "step_impute_bag's models")
            step.models = {name: BaggedTrees.from_r(model)
                           for name, model in zip(models.names or [], models.data)}
        return step

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        if isinstance(self.impute_with, RObject):
            self.impute_with_r = self.impute_with
            self.impute_with = selectors.from_r(self.impute_with)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        """recipes' prep: per imputed column, ipred's bagged trees of its predictors
        (every ``impute_with`` column but itself), R's draws after ``set.seed(seed_val)``."""
        if self.trees < 1:
            raise SpecError(f"step_impute_bag: `trees` must be a whole number larger than or "
                            f"equal to 1, not the number {self.trees}.")
        options = BagOptions.from_step(self.options, self.trees)
        self.models_r = b.named_list({
            target: bag_column(data, target, predictors, options, self.seed_val)
            for target, predictors in impute_var_lists(self, info)})
        self.models = {name: BaggedTrees.from_r(model)
                       for name, model in zip(self.models_r.names or [], self.models_r.data)}
        self.trained = True

    def to_r(self) -> List:
        impute_with = self.impute_with_r if self.impute_with_r is not None else \
            r_argument_quosures("imp_vars", self.impute_with)
        return step_to_r(self, {"impute_with": impute_with, "trees": b.dbl(float(self.trees)),
                                "models": self.models_r, "options": rtree.to_tree(self.options),
                                "seed_val": b.int_(self.seed_val)})

    def required_columns(self) -> list[str]:
        return list(self.models)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not any(data[column].isna().any() for column in self.models):
            return data
        stream = current_stream() or RRandom(secrets.randbits(31))
        out = {}
        for column, model in self.models.items():
            rows = imputable_rows(self, data, column, model.predictors)
            if not rows.any():
                continue
            out[column] = _filled(data[column], rows,
                                  model.predict(data.loc[rows, model.predictors], stream), model.levels)
        return data.assign(**out)


def _filled(column: pd.Series, rows: np.ndarray, values: np.ndarray,
            levels: list[str] | None) -> pd.Series:
    """``column`` with ``values`` at ``rows``, keeping its type (a factor must hold the
    predicted levels; vctrs assigns into an ordered factor only the training ``levels``)."""
    if is_factor(column) and column.cat.ordered and list(column.cat.categories) != levels:
        raise ForgeError(f"step_impute_bag: can't convert the imputed ordered factor to "
                         f"`{column.name}`'s, whose levels are not the training levels")
    if pd.api.types.is_integer_dtype(column) and values.dtype.kind == "f":
        if not np.array_equal(values, np.round(values), equal_nan=True):
            raise ForgeError(f"step_impute_bag: can't convert the imputed values to <integer> "
                             f"`{column.name}` due to loss of precision (the trees were fit on "
                             f"doubles)")
        if np.isnan(values).any():  # an empty tree's NaN, which R's integers hold as NA
            column = column.astype(pd.Int32Dtype())
        values = pd.array(values, dtype="Int32")
    if is_factor(column):
        unknown = sorted(set(values) - set(column.cat.categories))
        if unknown:
            raise ForgeError(f"step_impute_bag: imputed levels {unknown} are not levels of "
                             f"`{column.name}`")
    filled = column.copy()
    filled.iloc[np.flatnonzero(rows)] = values
    return filled
