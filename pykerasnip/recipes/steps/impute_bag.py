"""step_impute_bag: missing values predicted by ipred's bagged rpart trees.

Baking replays R: each column's model is an ipred ``regbagg``/``classbagg`` holding
rpart trees; a tree is walked as rpart's C ``pred_rpart`` walks it (the primary split;
when its variable is missing or a category was not seen at that node, the surrogate
splits in order; with ``usesurrogate = 2`` then the larger child), numeric columns
take the mean of the trees' leaf values (summed in tree order) and factors the
majority vote, ties broken by R's ``sample()`` as ipred's ``uwhich.max`` does (inside
``r_session(seed)``, R's draws after ``set.seed``). Training (bootstrap samples and
rpart's CART growth) stays in R.
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ... import rtree
from ...convert import flag, scalar, strings, to_python
from ...errors import ForgeError, UnsupportedStepError
from ...factor import is_factor
from ...rds import build as b
from ...rds.nodes import NA_INTEGER, Integer, List, RObject, plain
from ...rmath import r_sort_strings
from ...rrng import RRandom, current_stream
from ..selectors import all_predictors, r_argument_quosures
from .base import Step, first, prep_in_r, r_numbers, register, step_to_r
from .impute import imputable_rows
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
        left, right = self._children
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
            left, right = self._children
            direction[direction == 0] = np.sign(self.count[right[node]] - self.count[left[node]])
        return direction

    @functools.cached_property
    def _children(self) -> tuple[np.ndarray, np.ndarray]:
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
        """``rpart.matrix`` of the predictors, column by column: numbers, logicals as
        0/1, factors and strings as codes of the training levels (NaN for missing)."""
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
            return np.rint(mean).astype(int) if self.integer else mean
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


# --------------------------------------------------------------------------- the step
@register
@prep_in_r("ipred draws the bootstrap samples with R's sample() and grows each tree with "
           "rpart's CART code (splits, surrogates), which is not reimplemented")
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
        # R's fits (rpart trees with terms and calls): written back as R stored them
        self.models_r: RObject | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepImputeBag":
        step = super().from_r(node)
        step.impute_with = node.get("impute_with")
        step.trees = int(first(to_python(node["trees"])))
        step.options = node.get("options")
        step.seed_val = int(first(to_python(node["seed_val"])))
        step.models_r = node.get("models")
        if step.models_r is not None:
            models = rtree.named(step.models_r, "step_impute_bag's models")
            step.models = {name: BaggedTrees.from_r(model)
                           for name, model in zip(models.names or [], models.data)}
        return step

    def to_r(self) -> List:
        impute_with = self.impute_with if isinstance(self.impute_with, RObject) else \
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
                                  model.predict(data.loc[rows, model.predictors], stream))
        return data.assign(**out)


def _filled(column: pd.Series, rows: np.ndarray, values: np.ndarray) -> pd.Series:
    """``column`` with ``values`` at ``rows``, keeping its type (a factor must hold the
    predicted levels)."""
    if is_factor(column):
        unknown = sorted(set(values) - set(column.cat.categories))
        if unknown:
            raise ForgeError(f"step_impute_bag: imputed levels {unknown} are not levels of "
                             f"`{column.name}`")
    filled = column.copy()
    filled.iloc[np.flatnonzero(rows)] = values
    return filled
