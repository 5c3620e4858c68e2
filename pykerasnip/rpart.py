"""rpart's recursive partitioning (rpart 4.1.19) as ipred grows its bagged trees.

:func:`grow` replays the C fit R's ``rpart()`` calls (``rpart.c``: the presort of every
continuous predictor by rpart's own quicksort, ``partition``, ``bsplit``, ``surrogate``,
``choose_surg``, ``nodesplit`` and the complexity table) for the ``anova`` method and
the ``class`` method with its default parameters (Gini index, priors from the class
frequencies, unit losses), with unit case weights, which is how ipred calls it;
cross-validation (``xval``) included, its groups drawn as R's ``rpart()`` draws them.
Every accumulation runs in rpart's order (within a node, the order of its rows in the
first predictor's presort, which the quicksort fixes for tied values), so node values,
splits, surrogates and the complexity table carry R's bits. :class:`Predictors` codes
a model frame as ``rpart.matrix`` does; :class:`RpartFit` assembles what ``rpart()``
returns around the C result (frame, splits, csplit, cptable, variable importance).
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import SpecError, UnsupportedObjectError
from .rds import build as b
from .rlinalg import row_sums, sum_ld
from .rmath import r_sort_strings

LEFT, RIGHT = -1, 1
#: rpart's tolerances: an improvement this small next to the largest one is no split,
#: a surrogate whose adjusted agreement is this small is no better than the majority
_RELATIVE_IMPROVE = 1e-10
_MIN_ADJ = 1e-10


@dataclass(frozen=True)
class Control:
    """The ``rpart.control()`` values the C code reads (as it truncates them to ints)."""

    minsplit: int = 20
    minbucket: int = 7
    cp: float = 0.01
    maxcompete: int = 4
    maxsurrogate: int = 5
    usesurrogate: int = 2
    surrogatestyle: int = 0
    maxdepth: float = 30
    #: cross-validation folds (0: none; R draws the groups whenever it is not 0)
    xval: int = 0

    @property
    def maxnode(self) -> int:
        """The largest node number a split may have (``2^maxdepth - 1``)."""
        return int(2.0 ** self.maxdepth) - 1


with np.errstate(invalid="ignore"):
    #: the NaN this machine's ``0.0 / 0.0`` gives (on x86 its sign bit is set)
    _ZERO_BY_ZERO = float(np.float64(0.0) / np.float64(0.0))


def _div(a: float, b: float) -> float:
    """``a / b`` in IEEE arithmetic (C's division by zero gives inf or NaN)."""
    if b:
        return a / b
    if math.isnan(a):
        return a
    if a == 0:
        return _ZERO_BY_ZERO
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def running_sum(values: np.ndarray) -> float:
    """A C loop's ``s += v`` over ``values``, from +0."""
    return float(np.add.accumulate(np.concatenate([[0.0], values]))[-1])


# --------------------------------------------------------------------------- presort
def quicksort(x: list[float], carry: list[int]) -> None:
    """rpart's ``mysort``: sort ``x`` in place, moving ``carry`` along (median-of-three
    quicksort, insertion sort below 11 elements; tied values end in its order). The two
    sides of a pass are sorted independently, so the order they are taken in is free."""
    segments = [(0, len(x) - 1)]
    while segments:
        start, stop = segments.pop()
        if stop - start < 1:
            continue
        if stop - start < 11:
            _insertion_sort(x, carry, start, stop)
            continue
        i, j = _partition(x, carry, start, stop)
        segments += [(start, i), (j, stop)]


def _insertion_sort(x: list[float], carry: list[int], start: int, stop: int) -> None:
    for i in range(start + 1, stop + 1):
        value, tag = x[i], carry[i]
        j = i - 1
        while j >= start and x[j] > value:
            x[j + 1], carry[j + 1] = x[j], carry[j]
            j -= 1
        x[j + 1], carry[j + 1] = value, tag


def _median_of_three(a: float, b: float, c: float) -> float:
    """The pivot ``mysort`` picks from the first (``a``), middle (``b``) and last (``c``)."""
    if a >= b:
        if c > b:
            return c if a > c else a
    elif c < b:
        return a if a > c else c
    return b


def _partition(x: list[float], carry: list[int], start: int, stop: int) -> tuple[int, int]:
    """One quicksort pass: returns (i, j) with ``x[start..i]`` below and ``x[j..stop]``
    above the pivot's run of ties."""
    i, j = start, stop
    median = _median_of_three(x[i], x[(start + stop) // 2], x[j])
    while i < j:
        while x[i] < median:
            i += 1
        while x[j] > median:
            j -= 1
        if i < j:
            if x[i] > x[j]:
                x[i], x[j] = x[j], x[i]
                carry[i], carry[j] = carry[j], carry[i]
            i += 1
            j -= 1
    while x[i] >= median and i > start:
        i -= 1
    while x[j] <= median and j < stop:
        j += 1
    return i, j


def presort(values: np.ndarray, continuous: bool) -> np.ndarray:
    """One row of rpart's ``sorts``: the observation numbers (``-(k + 1)`` for a missing
    or infinite value), in increasing order of a continuous predictor (missing values
    sort as 0), in data order for a categorical one."""
    finite = np.isfinite(values)
    tags = np.where(finite, np.arange(len(values)), -np.arange(1, len(values) + 1))
    if not continuous:
        return tags
    keys, carry = np.where(finite, values, 0.0).tolist(), tags.tolist()
    quicksort(keys, carry)
    return np.asarray(carry, dtype=np.int64)


# --------------------------------------------------------------------------- methods
@dataclass
class Choice:
    """A variable's best split at a node: the improvement (0: none), the split point
    of a continuous variable and ``csplit`` (continuous: ``[direction of x < point]``;
    categorical: the direction of each level, 0 for a level absent from the node)."""

    improve: float
    point: float = 0.0
    csplit: list[int] = field(default_factory=list)


class Anova:
    """rpart's ``anova`` method: node value the mean, risk the sum of squares, splits
    by the largest decrease in the sum of squares."""

    num_resp = 1

    def __init__(self, y: np.ndarray):
        self.y = np.asarray(y, dtype=np.float64)

    def evaluate(self, rows: np.ndarray) -> tuple[list[float], float]:
        """``anovass``: the mean and the sum of squares of the rows' responses."""
        y = self.y[rows]
        mean = _div(running_sum(y), float(len(y)))
        deviation = y - mean
        return [mean], running_sum(deviation * deviation)

    def error(self, obs: int, estimate: list[float]) -> float:
        """``anovapred``: the squared error of the prediction for observation ``obs``."""
        residual = self.y[obs] - estimate[0]
        return float(residual * residual)

    def choose(self, rows: np.ndarray, x: np.ndarray, ncat: int, edge: int,
               risk: float) -> Choice:
        """``anova``: the best split of ``rows`` (ordered as rpart holds them) on ``x``."""
        y = self.y[rows]
        grand_mean = _div(running_sum(y), float(len(y)))
        if ncat:
            return self._categorical(y - grand_mean, x, ncat, edge, risk)
        n = len(y)
        steps = max(n - edge, 0)  # cuts leaving at least ``edge`` observations right
        left_sum = np.add.accumulate(np.concatenate([[0.0], y - grand_mean]))[1:steps + 1]
        right_sum = -left_sum  # rpart subtracts what it adds, from 0: the exact negation
        left_n = np.arange(1, len(left_sum) + 1, dtype=np.float64)
        score = left_sum * left_sum / left_n + right_sum * right_sum / (n - left_n)
        usable = (x[1:len(left_sum) + 1] != x[:len(left_sum)]) & (left_n >= edge)
        best, where = _first_extreme(score, usable, 0.0, larger=True)
        if best <= 0:
            return Choice(_div(best, risk))
        direction = LEFT if left_sum[where] < right_sum[where] else RIGHT
        return Choice(_div(best, risk), (x[where] + x[where + 1]) / 2, [direction])

    @staticmethod
    def _categorical(centred: np.ndarray, x: np.ndarray, ncat: int, edge: int,
                     risk: float) -> Choice:
        """Levels taken into the left group one by one in increasing order of their
        mean response (ties in level order, as rpart's insertion sort); the best cut."""
        codes = x.astype(np.int64) - 1
        counts = np.bincount(codes, minlength=ncat)
        sums = np.zeros(ncat)
        np.add.at(sums, codes, centred)  # per level, in row order
        present = np.flatnonzero(counts)
        order = present[np.argsort(sums[present] / counts[present], kind="stable")]
        moved = counts[order].astype(np.float64)
        left_wt = np.cumsum(moved)
        right_wt = float(len(centred)) - left_wt
        left_sum = np.add.accumulate(np.concatenate([[0.0], sums[order]]))[1:]
        right_sum = -left_sum  # rpart subtracts what it adds, from 0
        score = left_sum * left_sum / left_wt + right_sum * right_sum / right_wt
        usable = (left_wt >= edge) & (right_wt >= edge)
        best, where = _first_extreme(score, usable, 0.0, larger=True)
        if where < 0:
            return Choice(_div(best, risk))
        side = np.where(counts > 0, RIGHT, 0)
        side[order[:where + 1]] = LEFT
        if _div(left_sum[where], left_wt[where]) > _div(right_sum[where], right_wt[where]):
            side = -side
        return Choice(_div(best, risk), 0.0, side.tolist())


def _first_extreme(values: np.ndarray, usable: np.ndarray, start: float,
                   larger: bool) -> tuple[float, int]:
    """A C scan ``if (v > best) {best = v; where = i}`` (``<`` unless ``larger``) over
    the usable ``values``, from ``best = start``: the best value and its first position
    (-1 when none beats ``start``)."""
    beats = usable & ((values > start) if larger else (values < start))
    if not beats.any():
        return start, -1
    if larger:
        where = int(np.where(beats, values, -np.inf).argmax())
    else:
        where = int(np.where(beats, values, np.inf).argmin())
    return float(values[where]), where


class Gini:
    """rpart's ``class`` method with its default parameters (priors the class
    frequencies, losses 1 off the diagonal, the Gini index): node value the class with
    the least loss, its class counts and the node's weighted size."""

    def __init__(self, y: np.ndarray, prior: Sequence[float], loss: np.ndarray):
        self.y = np.asarray(y, dtype=np.int64) - 1
        self.numclass = len(prior)
        self.num_resp = self.numclass + 2
        self.classes = np.arange(self.numclass)
        total = float(len(self.y))
        freq = [float(c) / total for c in np.bincount(self.y, minlength=self.numclass)]
        self.loss = np.asarray(loss, dtype=np.float64)  # [true class, predicted class]
        scale, altered = 0.0, [0.0] * self.numclass
        for i in range(self.numclass):
            for j in range(self.numclass):
                scale += self.loss[i, j] * prior[i]
                altered[i] += self.loss[i, j] * prior[i]
        self.prior = [prior[i] / freq[i] if freq[i] > 0 else prior[i]
                      for i in range(self.numclass)]
        self.aprior = np.array([altered[i] / (scale * freq[i]) if freq[i] > 0 else altered[i]
                                for i in range(self.numclass)])

    def evaluate(self, rows: np.ndarray) -> tuple[list[float], float]:
        """``ginidev``: predicted class, class counts and prior-weighted size; the risk
        is the loss of the predicted class."""
        codes = self.y[rows]
        counts = np.bincount(codes, minlength=self.numclass).astype(np.float64).tolist()
        size = running_sum(np.asarray(self.prior)[codes])
        best, risk = 0, 0.0
        for i in range(self.numclass):
            loss = 0.0
            for j in range(self.numclass):
                loss += counts[j] * self.loss[j, i] * self.prior[j]
            if i == 0 or loss < risk:
                best, risk = i, loss
        return [float(best + 1), *counts, size], risk

    def error(self, obs: int, estimate: list[float]) -> float:
        """``ginipred``: the loss of predicting class ``estimate[0]`` for ``obs``."""
        true, predicted = int(self.y[obs]), int(estimate[0]) - 1
        return float(self.prior[true] * self.loss[predicted, true])

    def _impurity(self, weights: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per class ``p = aprior * weight / total``: the sum of ``total * p (1 - p)``
        and of ``p * class`` is what rpart accumulates; returned per class."""
        p = self.aprior[:, None] * weights / total
        return total * (p * (1.0 - p)), p * self.classes[:, None]

    def choose(self, rows: np.ndarray, x: np.ndarray, ncat: int, edge: int,
               risk: float) -> Choice:
        """``gini``: the split of ``rows`` on ``x`` with the least total impurity."""
        codes = self.y[rows]
        altered = self.aprior[codes]
        right_total = running_sum(altered)
        right = np.bincount(codes, minlength=self.numclass).astype(np.float64)
        p = self.aprior * right / right_total
        total_ss = running_sum(right_total * (p * (1.0 - p)))
        if ncat:
            return self._categorical(codes, altered, right_total, right, x, ncat, edge, total_ss)
        n = len(codes)
        steps = max(n - edge, 0)
        left_wt = np.add.accumulate(np.concatenate([[0.0], altered]))[1:steps + 1]
        right_wt = np.subtract.accumulate(np.concatenate([[right_total], altered]))[1:steps + 1]
        left = np.cumsum(codes[None, :steps] == self.classes[:, None], axis=1)
        score, left_mean, right_mean = self._scores(left, right[:, None] - left, left_wt,
                                                    right_wt)
        usable = (np.arange(1, steps + 1) >= edge) & (x[1:steps + 1] != x[:steps])
        best, where = _first_extreme(score, usable, total_ss, larger=False)
        if where < 0:
            return Choice(total_ss - best)
        direction = LEFT if left_mean[where] < right_mean[where] else RIGHT
        return Choice(total_ss - best, (x[where] + x[where + 1]) / 2, [direction])

    def _scores(self, left: np.ndarray, right: np.ndarray, left_wt: np.ndarray,
                right_wt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each cut (columns of the class counts ``left``/``right``): the summed
        impurity, accumulated class by class left then right, and the mean class on
        each side."""
        left_imp, left_cls = self._impurity(left, left_wt)
        right_imp, right_cls = self._impurity(right, right_wt)
        terms = np.empty((2 * self.numclass, left.shape[1]))
        terms[0::2], terms[1::2] = left_imp, right_imp
        return (np.add.accumulate(terms, axis=0)[-1], np.add.accumulate(left_cls, axis=0)[-1],
                np.add.accumulate(right_cls, axis=0)[-1])

    def _categorical(self, codes: np.ndarray, altered: np.ndarray, right_wt: float,
                     right: np.ndarray, x: np.ndarray, ncat: int, edge: int,
                     total_ss: float) -> Choice:
        """Subsets of levels moved to the left: for two classes the levels one by one
        in order of their first class's rate, else every subset (a Gray code)."""
        levels = x.astype(np.int64) - 1
        level_wt = np.zeros(ncat)
        np.add.at(level_wt, levels, altered)  # per level, in row order
        table = np.zeros((self.numclass, ncat))
        np.add.at(table, (codes, levels), 1.0)
        counts = np.bincount(levels, minlength=ncat)
        if self.numclass == 2:
            present = np.flatnonzero(counts)
            moves = present[np.argsort(table[0, present] / level_wt[present], kind="stable")]
        else:
            moves = np.fromiter(_gray_code([bool(c) for c in counts]), dtype=np.int64)
        if not len(moves):
            return Choice(0.0)
        signs = _move_signs(moves, ncat)
        shift = signs * level_wt[moves]
        left_wt = np.add.accumulate(shift)
        right_wt_steps = np.subtract.accumulate(np.concatenate([[right_wt], shift]))[1:]
        left = np.cumsum(signs * table[:, moves], axis=1)
        left_n = np.cumsum(signs * counts[moves])
        score, left_mean, right_mean = self._scores(left, right[:, None] - left, left_wt,
                                                    right_wt_steps)
        usable = (left_n >= edge) & (len(codes) - left_n >= edge)
        best, where = _first_extreme(score, usable, total_ss, larger=False)
        if where < 0:
            return Choice(0.0)
        side = _sides_after(moves[:where + 1], np.where(level_wt != 0, RIGHT, 0))
        if not left_mean[where] < right_mean[where]:
            side = -side
        return Choice(total_ss - best, 0.0, side.tolist())


def _move_signs(moves: np.ndarray, ncat: int) -> np.ndarray:
    """+1 for a level moving left, -1 for one moving back right (every level starts
    on the right)."""
    on_left = np.zeros(ncat, dtype=bool)
    signs = np.empty(len(moves))
    for i, level in enumerate(moves.tolist()):
        signs[i] = -1.0 if on_left[level] else 1.0
        on_left[level] = not on_left[level]
    return signs


def _sides_after(moves: np.ndarray, side0: np.ndarray) -> np.ndarray:
    """The levels' sides (-1 left, 1 right, 0 absent) after ``moves`` toggled them."""
    toggles = np.bincount(moves, minlength=len(side0)) % 2
    return np.where(toggles == 1, -side0, side0)


def _gray_code(present: list[bool]) -> Iterator[int]:
    """rpart's ``graycode()`` over unordered levels: the level that changes side at
    each step of the reflected Gray code over the present levels but the last one."""
    state = [1 if p else 0 for p in present]
    while True:
        for i in range(len(state) - 1):
            if state[i] == 1:
                state[i] = 2
                yield i
                break
            if state[i] == 2:
                state[i] = 1
        else:
            return


# --------------------------------------------------------------------------- growth
@dataclass
class Split:
    """A primary, competitor or surrogate split of a node (``improve``: the
    improvement of a primary or competitor, the agreement of a surrogate)."""

    var: int
    improve: float
    count: int
    point: float
    csplit: list[int]
    adj: float = 0.0

    def directions(self, x: np.ndarray, categorical: bool) -> np.ndarray:
        """-1 (left) or 1 (right) for finite ``x``."""
        if categorical:
            return np.asarray(self.csplit)[x.astype(np.int64) - 1]
        return np.where(x < self.point, self.csplit[0], -self.csplit[0])


@dataclass
class Node:
    """A node while the tree grows (rpart's ``Node``)."""

    complexity: float = 0.0
    risk: float = 0.0
    estimate: list[float] = field(default_factory=list)
    num_obs: int = 0
    sum_wt: float = 0.0
    primary: list[Split] = field(default_factory=list)
    surrogates: list[Split] = field(default_factory=list)
    lastsurrogate: int = 0
    left: "Node | None" = None
    right: "Node | None" = None


def _insert(splits: list[Split], split: Split, limit: int) -> None:
    """rpart's ``insert_split``: keep ``splits`` sorted by decreasing improvement (a new
    one after its ties), at most ``limit`` long. As in rpart, a full list of two that a
    better split enters at the head keeps only that split."""
    position = next((i for i, s in enumerate(splits) if split.improve > s.improve), len(splits))
    if splits and limit < 2:
        if position == 0:
            splits[:] = [split]
        return
    if splits and len(splits) == limit:
        if position == limit:
            return
        if position == 0 and limit == 2:  # rpart relinks its last element alone
            splits[:] = [split]
            return
        del splits[-1]
    splits.insert(position, split)


class _Grower:
    """The state of one rpart fit: predictors ``x`` (variables x observations, NaN or
    inf missing), their number of levels (0: continuous), the method and control."""

    def __init__(self, x: np.ndarray, ncat: Sequence[int], method: "Anova | Gini",
                 control: Control):
        self.x, self.ncat, self.method, self.control = x, list(ncat), method, control
        self.n = x.shape[1]
        self.sorts = np.array([presort(row, not c) for row, c in zip(x, self.ncat)],
                              dtype=np.int64).reshape(len(self.ncat), self.n)
        self.presorted = self.sorts.copy()
        self.which = np.ones(self.n, dtype=np.int64)
        self.iscale = 0.0
        self.alpha = 0.0

    def grow(self) -> Node:
        root = Node()
        root.estimate, root.risk = self.method.evaluate(np.arange(self.n))
        root.num_obs, root.sum_wt = self.n, float(self.n)
        root.complexity = root.risk
        self.alpha = self.control.cp * root.risk
        self._partition(1, root, 0, self.n)
        return root

    def _rows(self, n1: int, n2: int) -> np.ndarray:
        """The node's observations, in the order of the first variable's presort."""
        tags = self.sorts[0, n1:n2]
        return np.where(tags < 0, -(tags + 1), tags)

    def _partition(self, nodenum: int, me: Node, n1: int, n2: int) -> tuple[int, float]:
        """rpart's ``partition``: split ``me`` (observations ``sorts[:, n1:n2]``) and its
        children; returns its number of splits and its subtree's risk."""
        if nodenum > 1:
            me.estimate, me.risk = self.method.evaluate(self._rows(n1, n2))
            me.num_obs, me.sum_wt = n2 - n1, float(n2 - n1)
            tempcp = me.risk
            if tempcp > me.complexity:
                tempcp = me.complexity
        else:
            tempcp = me.risk
        control = self.control
        if me.num_obs < control.minsplit or tempcp <= self.alpha or nodenum > control.maxnode:
            me.complexity = self.alpha
            return 0, me.risk
        self._best_splits(me, n1, n2)
        if not me.primary:
            me.complexity = self.alpha
            return 0, me.risk
        if control.maxsurrogate > 0:
            self._surrogates(me, n1, n2)
        nleft, nright = self._send(me, nodenum, n1, n2)

        me.left = Node(complexity=tempcp - self.alpha)
        left_split, left_risk = self._partition(2 * nodenum, me.left, n1, n1 + nleft)
        tempcp = _div(me.risk - left_risk, left_split + 1)
        tempcp2 = me.risk - me.left.risk
        if tempcp < tempcp2:
            tempcp = tempcp2
        if tempcp > me.complexity:
            tempcp = me.complexity
        me.right = Node(complexity=tempcp - self.alpha)
        right_split, right_risk = self._partition(2 * nodenum + 1, me.right, n1 + nleft,
                                                  n1 + nleft + nright)
        left_split, left_risk, right_split, right_risk = self._collapse_order(
            me, left_split, left_risk, right_split, right_risk)
        me.complexity = _div(me.risk - (left_risk + right_risk), left_split + right_split + 1)
        if me.complexity <= self.alpha:  # all was in vain: the node stays a leaf
            me.left = me.right = None
            me.primary, me.surrogates = [], []
            self.which[self._rows(n1, n2)] = nodenum
            return 0, me.risk
        return left_split + right_split + 1, left_risk + right_risk

    @staticmethod
    def _collapse_order(me: Node, left_split: int, left_risk: float, right_split: int,
                        right_risk: float) -> tuple[int, float, int, float]:
        """Which children collapse before ``me`` does (the child with the smaller
        complexity first): their subtrees then count as leaves."""
        def cp() -> float:
            return _div(me.risk - (left_risk + right_risk), left_split + right_split + 1)

        assert me.left is not None and me.right is not None
        if me.right.complexity > me.left.complexity:
            if cp() > me.left.complexity:
                left_risk, left_split = me.left.risk, 0
                if cp() > me.right.complexity:
                    right_risk, right_split = me.right.risk, 0
        elif cp() > me.right.complexity:
            right_split, right_risk = 0, me.right.risk
            if cp() > me.left.complexity:
                left_risk, left_split = me.left.risk, 0
        return left_split, left_risk, right_split, right_risk

    # -- cross-validation ---------------------------------------------------------------
    def cross_validate(self, groups: np.ndarray, folds: int, table: list[list[float]]
                       ) -> tuple[list[float], list[float]]:
        """rpart's ``xval``: grow a tree without each group of observations (1-based
        ``groups``) and run the group down it at the geometric means of consecutive
        complexities of ``table``; the summed errors per complexity and their spread."""
        alpha, which = self.alpha, self.which.copy()
        cps = [10 * table[0][0]] + [math.sqrt(table[i - 1][0] * table[i][0])
                                    for i in range(1, len(table))]
        total = old = float(self.n)
        risk, spread, errors = [0.0] * len(table), [0.0] * len(table), [0.0] * len(table)
        for fold in range(1, folds + 1):
            for var in range(len(self.ncat)):
                tags = self.presorted[var]
                kept = tags[groups[np.where(tags < 0, -(tags + 1), tags)] != fold]
                self.sorts[var, :len(kept)] = kept
            inside = np.flatnonzero(groups != fold)
            left_out = np.flatnonzero(groups == fold)
            self.sorts[0, len(inside):] = left_out
            self.which[:] = 1
            ratio = float(len(inside)) / old
            cps = [cp * ratio for cp in cps]
            self.alpha *= ratio
            old = float(len(inside))
            tree = Node(num_obs=len(inside))
            tree.estimate, tree.risk = self.method.evaluate(inside)
            tree.complexity = tree.risk
            self._partition(1, tree, 0, len(inside))
            _cap_complexity(tree, tree.complexity)
            for obs in left_out.tolist():
                self._run_down(tree, obs, cps, errors)
                for i, error in enumerate(errors):
                    risk[i] += error
                    spread[i] += error * error
        self.alpha, self.which = alpha, which
        return risk, [math.sqrt(s - r * r / total) for r, s in zip(risk, spread)]

    def _run_down(self, tree: Node, obs: int, cps: list[float], errors: list[float]) -> None:
        """rpart's ``rundown``: the error of ``obs``'s prediction at each complexity
        (into ``errors``; where the tree cannot send it on, the later entries keep their
        values, as rpart's do)."""
        node = tree
        for i, cp in enumerate(cps):
            while cp < node.complexity:
                child = self._branch(node, obs)
                if child is None:
                    return
                node = child
            errors[i] = self.method.error(obs, node.estimate)

    def _branch(self, node: Node, obs: int) -> "Node | None":
        """rpart's ``branch``: the child ``obs`` goes to, by the primary split, a
        surrogate or the majority side (None at a leaf or where the settings stop)."""
        if node.left is None:
            return None
        usesurrogate = self.control.usesurrogate
        for k, split in enumerate(node.primary[:1] + node.surrogates):
            if k and not usesurrogate:
                return None
            value = self.x[split.var, obs]
            if not np.isfinite(value):
                continue
            direction = split.directions(np.array([value]), self.ncat[split.var] > 0)[0]
            if direction:
                return node.left if direction == LEFT else node.right
        if usesurrogate < 2:
            return None
        return node.left if node.lastsurrogate == LEFT else node.right

    # -- bsplit -----------------------------------------------------------------------
    def _best_splits(self, me: Node, n1: int, n2: int) -> None:
        """rpart's ``bsplit``: each variable's best split, the best ``maxcompete + 1``
        kept as the primary and its competitors."""
        me.primary = []
        for var in range(len(self.ncat)):
            tags = self.sorts[var, n1:n2]
            rows = tags[tags >= 0]
            if not len(rows):
                continue
            x = self.x[var, rows]
            ncat = self.ncat[var]
            if not ncat and x[0] == x[-1]:
                continue
            choice = self.method.choose(rows, x, ncat, int(self.control.minbucket), me.risk)
            improve = choice.improve
            if improve > self.iscale:
                self.iscale = improve
            if improve > self.iscale * _RELATIVE_IMPROVE:
                _insert(me.primary, Split(var, improve, len(rows), choice.point, choice.csplit),
                        int(self.control.maxcompete) + 1)

    # -- surrogates -------------------------------------------------------------------
    def _primary_directions(self, me: Node, n1: int, n2: int) -> np.ndarray:
        """-1/1 where the primary split sends each observation of the node, 0 where its
        variable is missing (indexed by observation; other entries 0)."""
        primary = me.primary[0]
        tags = self.sorts[primary.var, n1:n2]
        rows = tags[tags >= 0]
        out = np.zeros(self.n, dtype=np.int64)
        out[rows] = primary.directions(self.x[primary.var, rows], self.ncat[primary.var] > 0)
        return out

    def _surrogates(self, me: Node, n1: int, n2: int) -> None:
        """rpart's ``surrogate``: the variables that best mimic the primary split, and
        the side the primary sends more observations to."""
        target = self._primary_directions(me, n1, n2)
        rows = self._rows(n1, n2)
        sent = target[rows]
        lcount, rcount = float(np.sum(sent == LEFT)), float(np.sum(sent == RIGHT))
        me.lastsurrogate = RIGHT if lcount < rcount else LEFT if lcount > rcount else 0
        me.surrogates = []
        for var in range(len(self.ncat)):
            if var == me.primary[0].var:
                continue
            found = _agreement(target, self.x[var], self.sorts[var, n1:n2], self.ncat[var],
                               lcount, rcount, self.control.surrogatestyle)
            if found is None:
                continue
            agreement, adj, point, csplit = found
            if adj <= _MIN_ADJ:
                continue
            _insert(me.surrogates, Split(var, agreement, 0, point, csplit, adj),
                    int(self.control.maxsurrogate))

    # -- nodesplit --------------------------------------------------------------------
    def _send(self, me: Node, nodenum: int, n1: int, n2: int) -> tuple[int, int]:
        """rpart's ``nodesplit``: send the node's observations to its children (primary,
        then surrogates, then the majority side) and regroup every variable's presort
        into left, right and staying observations."""
        leftson, rightson = 2 * nodenum, 2 * nodenum + 1
        primary = me.primary[0]
        tags = self.sorts[primary.var, n1:n2]
        present = tags[tags >= 0]
        sides = primary.directions(self.x[primary.var, present], self.ncat[primary.var] > 0)
        self.which[present] = np.where(sides == LEFT, leftson, rightson)
        missing = (-(tags[tags < 0] + 1)).tolist()
        if missing and self.control.usesurrogate > 0:
            missing = [row for row in missing if not self._by_surrogate(me, row, leftson)]
        if missing and self.control.usesurrogate == 2 and me.lastsurrogate:
            self.which[missing] = leftson if me.lastsurrogate == LEFT else rightson
        self._regroup(n1, n2, leftson, rightson)
        node_which = self.which[self._rows(n1, n2)]
        return int(np.sum(node_which == leftson)), int(np.sum(node_which == rightson))

    def _by_surrogate(self, me: Node, row: int, leftson: int) -> bool:
        """Send ``row`` (primary variable missing) by the first surrogate that can;
        False when none can."""
        for split in me.surrogates:
            value = self.x[split.var, row]
            if not np.isfinite(value):
                continue
            categorical = self.ncat[split.var] > 0
            if categorical and not split.csplit[int(value) - 1]:
                continue  # no observation of this level reached the primary split
            split.count += 1
            side = split.directions(np.array([value]), categorical)[0]
            self.which[row] = leftson if side == LEFT else leftson + 1
            return True
        return False

    def _regroup(self, n1: int, n2: int, leftson: int, rightson: int) -> None:
        """Each variable's presort of the node, reordered (stably) into the rows going
        left, those going right and those staying."""
        tags = self.sorts[:, n1:n2]
        goes = self.which[np.where(tags < 0, -(tags + 1), tags)]
        group = np.where(goes == leftson, 0, np.where(goes == rightson, 1, 2))
        self.sorts[:, n1:n2] = np.take_along_axis(tags, np.argsort(group, axis=1, kind="stable"),
                                                  axis=1)


def _agreement(target: np.ndarray, x: np.ndarray, order: np.ndarray, ncat: int,
               tleft: float, tright: float, style: int
               ) -> "tuple[float, float, float, list[int]] | None":
    """rpart's ``choose_surg``: the split of ``x`` agreeing most with ``target`` (-1/1,
    0 missing) over the node's observations ``order``: (agreement, adjusted agreement,
    split point, csplit), or None when no split sends two observations each way."""
    rows = order[order >= 0]
    values, sides = x[rows], target[rows]
    if ncat:
        found = _categorical_agreement(values, sides, ncat)
    else:
        found = _continuous_agreement(values, sides)
    if found is None:
        return None
    agree, majority, total, point, csplit = found
    if style == 0:  # rpart's default: all the node's observations count
        total = tleft + tright
        majority = tleft if tleft > tright else tright
    agreement = _div(agree, total)
    majority = _div(majority, total)
    return agreement, _div(agreement - majority, 1.0 - majority), point, csplit


def _continuous_agreement(x: np.ndarray, sides: np.ndarray
                          ) -> "tuple[float, float, float, float, list[int]] | None":
    """Cut points of a continuous surrogate, observations (in increasing ``x``) moved
    from its left to its right side one by one while two that the primary sends
    somewhere are left: the first cut with the most agreement."""
    if not len(x):
        return None
    moved_left = np.cumsum(sides == LEFT)  # through observation i
    moved_right = np.cumsum(sides == RIGHT)
    lefts, rights = int(moved_left[-1]), int(moved_right[-1])
    agree = float(lefts if lefts > rights else rights)
    # before observation i: how many the primary sends left / right are already moved
    moved_left -= sides == LEFT
    moved_right -= sides == RIGHT
    moved = moved_left + moved_right
    cuts = (lefts + rights - moved >= 2) & (moved >= 2)
    cuts[1:] &= x[1:] != x[:-1]
    cuts[0] = False
    # sending x < cut right agrees on the moved rights and unmoved lefts; left: the rest
    right_agree = (lefts - moved_left) + moved_right
    best = np.maximum(right_agree, (lefts + rights) - right_agree)
    found, where = _first_extreme(best, cuts, agree, larger=True)
    if where < 0:
        return None
    direction = RIGHT if right_agree[where] == found else LEFT
    return found, agree, float(lefts + rights), (x[where] + x[where - 1]) / 2, [direction]


def _categorical_agreement(levels: np.ndarray, sides: np.ndarray, ncat: int
                           ) -> "tuple[float, float, float, float, list[int]] | None":
    """Each level of a categorical surrogate sent the way most of its observations go
    (ties to the side most go overall)."""
    codes = levels.astype(np.int64) - 1
    lefts = np.bincount(codes[sides == LEFT], minlength=ncat).astype(np.float64)
    rights = np.bincount(codes[sides == RIGHT], minlength=ncat).astype(np.float64)
    left_total, right_total = running_sum(lefts), running_sum(rights)
    default = LEFT if left_total > right_total else RIGHT
    majority = left_total if default == LEFT else right_total
    agree, sent_left, sent_right, csplit = 0.0, 0.0, 0.0, []
    for i in range(ncat):
        if not lefts[i] and not rights[i]:
            csplit.append(0)
        elif lefts[i] < rights[i] or (lefts[i] == rights[i] and default == RIGHT):
            agree += rights[i]
            csplit.append(RIGHT)
            sent_left, sent_right = sent_left + lefts[i], sent_right + rights[i]
        else:
            agree += lefts[i]
            csplit.append(LEFT)
            sent_left, sent_right = sent_left + rights[i], sent_right + lefts[i]
    if not (sent_left > 1 and sent_right > 1):
        return None
    return agree, majority, left_total + right_total, 0.0, csplit


# --------------------------------------------------------------------------- the C result
@dataclass
class Grown:
    """What rpart's C code returns to R: per node (in rpart's order: a node, then its
    left and its right subtree) its number, risk, scaled complexity, weight, estimate,
    number of observations and of primary (with competitors) and surrogate splits;
    per split its variable (0-based), count, direction or number of levels,
    improvement, split point or ``csplit`` row (1-based) and adjusted agreement; the
    ``csplit`` rows; each observation's frame row (1-based); the complexity table
    (cp, number of splits, relative error; then the cross-validated error and its
    spread)."""

    numbers: list[int] = field(default_factory=list)
    risk: list[float] = field(default_factory=list)
    complexity: list[float] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    estimate: list[list[float]] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    nprimary: list[int] = field(default_factory=list)
    nsurrogate: list[int] = field(default_factory=list)
    split_var: list[int] = field(default_factory=list)
    split_count: list[int] = field(default_factory=list)
    split_ncat: list[int] = field(default_factory=list)
    split_improve: list[float] = field(default_factory=list)
    split_index: list[float] = field(default_factory=list)
    split_adj: list[float] = field(default_factory=list)
    csplit: list[list[int]] = field(default_factory=list)
    where: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cptable: list[tuple[float, ...]] = field(default_factory=list)

    def add_split(self, split: Split, ncat: int, maxcat: int) -> None:
        self.split_var.append(split.var)
        self.split_count.append(split.count)
        self.split_improve.append(split.improve)
        self.split_adj.append(split.adj)
        if ncat:
            self.csplit.append(split.csplit[:ncat] + [0] * (maxcat - ncat))
            self.split_ncat.append(ncat)
            self.split_index.append(float(len(self.csplit)))
        else:
            self.split_ncat.append(split.csplit[0])
            self.split_index.append(split.point)


def _is_leaf(node: Node, alpha: float) -> bool:
    return node.complexity <= alpha or node.left is None


def _flatten(root: Node, alpha: float, ncat: Sequence[int]) -> Grown:
    """rpart's ``rpmatrix``: the nodes and splits in rpart's order."""
    out, maxcat = Grown(), max(ncat, default=0)
    scale = _div(1.0, root.risk)
    todo: list[tuple[Node, int]] = [(root, 1)]
    while todo:
        node, number = todo.pop()
        out.numbers.append(number)
        out.risk.append(node.risk)
        out.complexity.append(node.complexity * scale)
        out.weight.append(node.sum_wt)
        out.estimate.append(node.estimate)
        out.count.append(node.num_obs)
        if _is_leaf(node, alpha):
            out.nprimary.append(0)
            out.nsurrogate.append(0)
            continue
        for split in node.primary + node.surrogates:
            out.add_split(split, ncat[split.var], maxcat)
        out.nprimary.append(len(node.primary))
        out.nsurrogate.append(len(node.surrogates))
        assert node.left is not None and node.right is not None
        todo += [(node.right, 2 * number + 1), (node.left, 2 * number)]
    return out


def _frame_rows(which: np.ndarray, numbers: list[int]) -> np.ndarray:
    """Each observation's frame row (1-based): its node, or the nearest ancestor kept
    when its node was pruned on the way up."""
    row_of = {number: i + 1 for i, number in enumerate(numbers)}
    out = np.empty(len(which), dtype=np.int64)
    for i, node in enumerate(which.tolist()):
        while node not in row_of:
            node //= 2
        out[i] = row_of[node]
    return out


def _cap_complexity(node: Node, parent: float) -> None:
    """rpart's ``fix_cp``: no node's complexity above its parent's."""
    if node.complexity > parent:
        node.complexity = parent
    if node.left is not None and node.right is not None:
        _cap_complexity(node.left, node.complexity)
        _cap_complexity(node.right, node.complexity)


def _cp_list(node: Node, parent: float, alpha: float, table: list[list[float]]) -> None:
    """rpart's ``make_cp_list``: every node's complexity capped by its parent's, and
    the distinct values (at least ``alpha``) in decreasing order in ``table``
    (rows: cp, risk, number of splits)."""
    if node.complexity > parent:
        node.complexity = parent
    me_cp = node.complexity
    if me_cp < alpha:
        me_cp = alpha
    if node.left is not None and node.right is not None:
        _cp_list(node.left, me_cp, alpha, table)
        _cp_list(node.right, me_cp, alpha, table)
    if me_cp < parent:
        position = 0
        for i, row in enumerate(table):
            if me_cp == row[0]:
                return
            if me_cp > row[0]:
                break
            position = i + 1
        table.insert(position, [me_cp, 0.0, 0])


def _cp_table(node: Node, parent: float, nsplit: int, table: list[list[float]]) -> int:
    """rpart's ``make_cp_table``: add each leaf's risk and each split to the rows of the
    complexities at which they are still in the tree; returns a row position."""
    if node.left is not None and node.right is not None:
        _cp_table(node.left, node.complexity, 0, table)
        row = _cp_table(node.right, node.complexity, nsplit + 1, table)
    else:
        row = len(table) - 1
    while table[row][0] < parent:
        table[row][1] += node.risk
        table[row][2] += nsplit
        row -= 1
    return row


def grow(x: np.ndarray, ncat: Sequence[int], method: "Anova | Gini", control: Control,
         groups: np.ndarray | None = None) -> Grown:
    """rpart's C fit of the observations (columns of ``x``: variables x observations,
    NaN for missing; ``ncat`` levels per variable, 0 for continuous ones), cross-validated
    over the 1-based ``groups`` when ``control.xval`` > 1."""
    if control.minbucket < 1:
        raise UnsupportedObjectError("rpart with minbucket below 1 (its C code then reads past "
                                     "its arrays)")
    grower = _Grower(np.asarray(x, dtype=np.float64), ncat, method, control)
    # IEEE results as C gives them (a pure root: rpart's scale 1 / 0 is inf; empty sides)
    with np.errstate(all="ignore"):
        return _grown(grower, groups if control.xval > 1 else None)


def _grown(grower: _Grower, groups: np.ndarray | None) -> Grown:
    root = grower.grow()
    table = [[root.complexity, root.risk, 0]]
    xerror = xstd = [0.0]
    if root.right is not None:
        _cp_list(root, root.complexity, grower.alpha, table)
        _cp_table(root, root.complexity, 0, table)
        if groups is not None:
            xerror, xstd = grower.cross_validate(groups, grower.control.xval, table)
    fit = _flatten(root, grower.alpha, grower.ncat)
    fit.where = _frame_rows(grower.which, fit.numbers)
    scale = _div(1.0, root.risk)
    fit.cptable = [(cp * scale, float(nsplit), risk * scale) for cp, risk, nsplit in table]
    if groups is not None:
        fit.cptable = [(*row, e * scale, s * scale) for row, e, s in zip(fit.cptable, xerror, xstd)]
    return fit


def cross_validation_groups(stream: Any, nobs: int, folds: int) -> np.ndarray:
    """rpart's ``sample(rep(1L:xval, length.out = nobs), nobs, replace = FALSE)``."""
    pattern = np.arange(nobs) % folds + 1
    return pattern[np.asarray(stream.sample(nobs, nobs, False), dtype=np.int64) - 1]


# --------------------------------------------------------------------------- R's rpart()
_CP_COLUMNS = ("CP", "nsplit", "rel error", "xerror", "xstd")


def _double_matrix(values: np.ndarray) -> Any:
    """An R double matrix (column-major) of a 2-D array."""
    return b.matrix(b.dbl(values.ravel(order="F")), *values.shape)


def _row_names(numbers: Sequence[int]) -> Any:
    """Integer row names as R keeps them: more than two that run 1..n compactly
    (``c(NA, n)``)."""
    numbers = list(numbers)
    if len(numbers) > 2 and numbers == list(range(1, len(numbers) + 1)):
        return b.int_(None, len(numbers))
    return b.int_(numbers)


@dataclass
class Design:
    """A tree's predictors as ``rpart.matrix`` codes them (variables x observations,
    NaN missing), named, with their number of levels (0: numeric or logical) and which
    are ordered factors (split as numbers, shown as factors)."""

    x: np.ndarray
    names: list[str]
    cats: list[int]
    ordered: list[bool]

    @property
    def ncat(self) -> list[int]:
        """The levels the C code sees: ordered factors are continuous."""
        return [0 if o else c for c, o in zip(self.cats, self.ordered)]


@dataclass
class Response:
    """The response rpart fits: numbers (``anova``), or 1-based class codes with the
    factor's levels (``class``)."""

    values: np.ndarray
    levels: list[str] | None = None

    @property
    def numclass(self) -> int:
        """rpart's number of classes: the largest code present."""
        return int(self.values.max())

    @property
    def counts(self) -> np.ndarray:
        """Observations per class (``rpart.class``'s ``counts``)."""
        return np.bincount(self.values.astype(np.int64) - 1,
                           minlength=self.numclass).astype(np.float64)

    def method(self) -> "Anova | Gini":
        if self.levels is None:
            return Anova(self.values)
        counts = self.counts
        return Gini(self.values, counts / float(counts.sum()), self.loss)

    @property
    def loss(self) -> np.ndarray:
        return 1.0 - np.eye(self.numclass)


@dataclass
class RpartFit:
    """A fitted tree: the C result and what R's ``rpart()`` derives from it."""

    grown: Grown
    design: Design
    response: Response

    @classmethod
    def fit(cls, design: Design, response: Response, control: Control,
            stream: Any = None) -> "RpartFit":
        """rpart's fit; with cross-validation its groups are drawn from ``stream`` (an
        :class:`~pykerasnip.rrng.RRandom`), as R's ``rpart()`` draws them."""
        if response.levels is not None and response.numclass == 1 and len(response.values) > 1:
            # rpart.class's prior of one class, 1 / count, makes diag() a 0 x 0 matrix
            raise SpecError("rpart: number of rows of matrices must match (see arg 2): the "
                            "sample holds only the first class")
        groups = None
        if control.xval:
            groups = cross_validation_groups(stream, design.x.shape[1], control.xval)
        return cls(grow(design.x, design.ncat, response.method(), control, groups), design,
                   response)

    @property
    def is_class(self) -> bool:
        return self.response.levels is not None

    # -- splits -----------------------------------------------------------------------
    def splits(self) -> tuple[np.ndarray, list[str], np.ndarray | None]:
        """The ``splits`` matrix (count, ncat, improve, index, adj), its row names and
        the ``csplit`` matrix (-1 left, 0 absent, 1 right), splits on ordered factors
        shown as splits of their levels."""
        g, names = self.grown, self.design.names
        matrix = np.column_stack([g.split_count, g.split_ncat, g.split_improve, g.split_index,
                                  g.split_adj]).astype(np.float64).reshape(-1, 5)
        csplit = [list(row) for row in g.csplit]
        width = max(self.design.cats, default=0)
        for row, var in enumerate(g.split_var):
            if not self.design.ordered[var]:
                continue
            levels, direction = self.design.cats[var], int(matrix[row, 1])
            cut = int(math.floor(matrix[row, 3]))
            csplit.append([direction] * cut + [-direction] * (levels - cut)
                          + [0] * (width - levels))
            matrix[row, 1], matrix[row, 3] = levels, float(len(csplit))
        if any(self.design.ordered[v] for v in g.split_var):
            csplit = [row + [0] * (width - len(row)) for row in csplit]
        return matrix, [names[v] for v in g.split_var], np.array(csplit) if csplit else None

    def importance(self, splits: np.ndarray, split_names: list[str]) -> pd.Series:
        """rpart's ``importance``: per variable, the improvement of its primary splits
        (times the node deviance for ``anova``) plus the adjusted agreement times that
        of its surrogate splits; summed in R's ``tapply`` groups (names in collation
        order), sorted decreasingly (ties in that order)."""
        g = self.grown
        inner = [i for i, p in enumerate(g.nprimary) if p]
        first = np.concatenate([[0], np.cumsum([1 + (g.nprimary[i] - 1) + g.nsurrogate[i]
                                                for i in inner])])[:len(inner)].astype(int)
        scaled = splits[first, 2] * (np.asarray(g.risk)[inner] if not self.is_class else 1.0)
        values = list(scaled)
        labels = [split_names[f] for f in first]
        for k, i in enumerate(inner):
            for s in range(first[k] + g.nprimary[i], first[k] + g.nprimary[i] + g.nsurrogate[i]):
                values.append(scaled[k] * splits[s, 4])
                labels.append(split_names[s])
        groups = r_sort_strings(set(labels))
        totals = [float(sum_ld(np.array([v for v, l in zip(values, labels) if l == name])))
                  for name in groups]
        order = sorted(range(len(groups)), key=lambda i: -totals[i])
        return pd.Series([totals[i] for i in order], index=[groups[i] for i in order])

    # -- the R object -----------------------------------------------------------------
    def frame(self) -> Any:
        """The ``frame`` data.frame: per node its split variable (``<leaf>``), counts,
        deviance, fitted value, scaled complexity, competitor and surrogate counts, and
        for ``class`` the ``yval2`` matrix (class, counts, probabilities, node share)."""
        g = self.grown
        first = np.concatenate([[0], np.cumsum(np.add(g.nprimary, g.nsurrogate))])[:-1]
        var = [self.design.names[g.split_var[f]] if p else "<leaf>"
               for f, p in zip(first.tolist(), g.nprimary)]
        columns = {"var": b.chr(var), "n": b.int_(g.count), "wt": b.dbl(g.weight),
                   "dev": b.dbl(g.risk), "yval": b.dbl([e[0] for e in g.estimate]),
                   "complexity": b.dbl(g.complexity),
                   "ncompete": b.int_([max(0, p - 1) for p in g.nprimary]),
                   "nsurrogate": b.int_(g.nsurrogate)}
        if self.is_class:
            columns["yval2"] = self._yval2()
        attrs = {"class": "data.frame", "row.names": _row_names(g.numbers)}
        if self.is_class:  # R's `$<-` of yval2 puts the class last
            attrs = {"row.names": attrs["row.names"], "class": attrs["class"]}
        return b.structure(b.named_list(columns), attrs)

    def _yval2(self) -> Any:
        """``cbind(yval2, yprob, nodeprob)``: class probabilities are the counts over
        the priors' weights, normalised by ``rowSums`` (long double)."""
        k = self.response.numclass
        estimate = np.array(self.grown.estimate, dtype=np.float64).reshape(-1, k + 2)
        counts = self.response.counts
        prior = counts / float(counts.sum())
        scaled = estimate[:, 1:k + 1] * (prior / np.maximum(1.0, counts))
        with np.errstate(all="ignore"):
            yprob = scaled / row_sums(scaled)[:, None]
        nodeprob = estimate[:, k + 1] / float(len(self.response.values))
        values = np.column_stack([estimate[:, :k + 1], yprob, nodeprob])
        return b.structure(_double_matrix(values), {
            "dimnames": b.r_list([None, b.chr([""] * (2 * k + 1) + ["nodeprob"])])})

    def to_r(self, *, call: Any, terms: Any, control: Any, where_names: Sequence[str],
             y: Any, xlevels: Any, functions: Any, dropped: Sequence[str] = ()) -> Any:
        """The ``rpart`` object R's ``rpart()`` returns (``y`` and the other R parts as
        the caller keeps them); ``dropped`` names the rows ``na.rpart`` removed, rows 1 to
        ``len(dropped)`` of the data."""
        g = self.grown
        matrix, split_names, csplit = self.splits()
        cptable = np.array(g.cptable, dtype=np.float64)
        fields: dict[str, Any] = {
            "frame": self.frame(),
            "where": b.structure(b.int_(g.where.tolist()), names=b.chr(list(where_names))),
            "call": call, "terms": terms,
            "cptable": b.structure(_double_matrix(cptable), {
                "dimnames": b.r_list([b.chr([str(i) for i in range(1, len(cptable) + 1)]),
                                      b.chr(*_CP_COLUMNS[:cptable.shape[1]])])}),
            "method": b.chr("class" if self.is_class else "anova"),
            "parms": self._parms(), "control": control, "functions": functions,
            "numresp": b.int_(self.response.numclass + 2 if self.is_class else 1)}
        if split_names:
            fields["splits"] = b.structure(_double_matrix(matrix), {
                "dimnames": b.r_list([b.chr(split_names),
                                      b.chr("count", "ncat", "improve", "index", "adj")])})
        if csplit is not None:
            fields["csplit"] = b.matrix(b.int_((csplit + 2).ravel(order="F").tolist()),
                                        *csplit.shape)
        if split_names:
            importance = self.importance(matrix, split_names)
            fields["variable.importance"] = b.structure(
                b.dbl(importance.to_numpy()), names=b.chr(list(importance.index)))
        fields["y"] = y
        fields["ordered"] = b.structure(b.lgl(self.design.ordered),
                                        names=b.chr(self.design.names))
        if dropped:
            fields["na.action"] = b.structure(b.int_(list(range(1, len(dropped) + 1))), {
                "names": b.chr(list(dropped)), "class": b.chr("na.rpart", "omit")})
        attrs = {"xlevels": xlevels}
        if self.is_class:
            attrs["ylevels"] = b.chr(self.response.levels)
        return b.structure(b.named_list(fields), {**attrs, "class": "rpart"})

    def _parms(self) -> Any:
        """``class``: the priors (the class shares, named by class number), the loss
        matrix and the split index (1: Gini); ``anova``: NULL."""
        if not self.is_class:
            return None
        counts = self.response.counts
        k = len(counts)
        prior = b.structure(b.dbl(counts / float(counts.sum())), {
            "dim": b.int_(k), "dimnames": b.r_list([b.chr([str(i) for i in range(1, k + 1)])])})
        loss = self.response.loss
        return b.named_list(prior=prior, loss=_double_matrix(loss),
                            split=b.dbl(1.0))


@dataclass
class Predictors:
    """A model frame's predictors as ``rpart.matrix`` codes them for any sample of its
    rows: numbers (logicals 0/1, factors their level codes) or, for characters, the
    strings (coded by the levels present in the sample)."""

    names: list[str]
    values: list[np.ndarray]
    kinds: list[str]
    levels: list[list[str] | None]

    @classmethod
    def of(cls, frame: pd.DataFrame, kinds: Sequence[str]) -> "Predictors":
        """The columns of ``frame``, of the R types ``kinds`` (double, integer, logical,
        factor, ordered or character)."""
        unknown = [f"`{name}` ({kind})" for name, kind in zip(frame.columns, kinds)
                   if kind not in MF_CLASS]
        if unknown:
            raise UnsupportedObjectError(f"rpart on predictors {', '.join(unknown)} is not "
                                         "replayed")
        levels = [list(frame[name].cat.categories) if kind in ("factor", "ordered") else None
                  for name, kind in zip(frame.columns, kinds)]
        values = [_predictor_values(frame[name], kind) for name, kind in zip(frame.columns, kinds)]
        return cls(list(frame.columns), values, list(kinds), levels)

    def missing(self) -> np.ndarray:
        """Rows x predictors: is the value missing?"""
        return np.column_stack([_is_missing(v) for v in self.values]) if self.values else \
            np.zeros((0, 0), bool)

    def design(self, rows: np.ndarray) -> tuple[Design, dict[str, list[str]]]:
        """``rpart.matrix`` of the sample ``rows`` (0-based) and its ``xlevels``."""
        x, cats, xlevels = [], [], {}
        for name, values, kind, levels in zip(self.names, self.values, self.kinds, self.levels):
            sample = values[rows]
            if kind == "character":
                levels = r_sort_strings({v for v in sample if v is not None})
                lookup = {level: i + 1.0 for i, level in enumerate(levels)}
                sample = np.array([np.nan if v is None else lookup[v] for v in sample])
            if levels is not None:
                xlevels[name] = levels
            x.append(sample.astype(np.float64))
            cats.append(0 if levels is None else len(levels))
        design = Design(np.array(x, dtype=np.float64).reshape(len(x), len(rows)),
                              list(self.names), cats, [k == "ordered" for k in self.kinds])
        return design, xlevels


#: model frames' ``dataClasses`` of the predictor types rpart takes
MF_CLASS = {"double": "numeric", "integer": "numeric", "logical": "logical",
             "factor": "factor", "ordered": "ordered", "character": "character"}


def _predictor_values(column: pd.Series, kind: str) -> np.ndarray:
    if kind in ("factor", "ordered"):
        codes = column.cat.codes.to_numpy().astype(np.float64) + 1
        return np.where(codes > 0, codes, np.nan)
    if kind == "character":
        return np.array([None if pd.isna(v) else str(v) for v in column], dtype=object)
    if kind == "logical":
        return np.array([np.nan if pd.isna(v) else float(bool(v)) for v in column])
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype == object:
        return np.array([v is None for v in values])
    return np.isnan(values)
