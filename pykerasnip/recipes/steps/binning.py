"""Binning steps: step_cut (fixed breaks), step_discretize (quantile bins) and
step_percentile (the training percentile of each value, by linear interpolation).

Bins follow base R's ``cut(..., include.lowest = TRUE)`` (right-closed intervals, labels
formatted like ``formatC(breaks, digits = 3)``) and percentiles ``stats::approx``.
"""
from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings, to_python
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...factor import from_codes
from ...rds import build as b
from ...rds.nodes import NA_REAL, Integer, List
from ...rmath import bin_codes, format_breaks, make_names, names0, quantile7
from .base import Step, named_dbl, named_numbers, register, step_to_r
from .numeric import numeric_columns, numeric_values


# --------------------------------------------------------------------------- base R helpers
def cut_labels(breaks: np.ndarray, integer: bool = False) -> list[str]:
    """The interval labels of ``cut(x, breaks, include.lowest = TRUE)``: breaks formatted
    with 3 significant digits, more (up to 12) until neighbours differ; ``Range_1``...
    when even 12 do not tell them apart."""
    for digits in range(3, 13):
        text = format_breaks(breaks, digits, integer)
        if all(a != b for a, b in zip(text[:-1], text[1:])):
            break
    else:
        return [f"Range_{i}" for i in range(1, len(breaks))]
    labels = [f"({lo},{hi}]" for lo, hi in zip(text[:-1], text[1:])]
    return ["[" + labels[0][1:]] + labels[1:]


def cut_factor(x: np.ndarray, breaks: np.ndarray, labels: list[str], like: pd.Series) -> pd.Series:
    """``cut(x, breaks, labels, include.lowest = TRUE)`` as a factor column."""
    breaks = np.sort(breaks)
    if len(np.unique(breaks)) < len(breaks):
        raise ForgeError("'breaks' are not unique")
    return from_codes(bin_codes(x, breaks, include_lowest=True), labels, like=like)


# --------------------------------------------------------------------------- step_cut
def full_breaks(x: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """recipes' ``create_full_breaks``: the breaks widened to the training range."""
    x = x[~np.isnan(x)]
    breaks = np.asarray(breaks, dtype="f8")
    if np.isnan(breaks).any():
        raise ForgeError("step_cut: missing values in `breaks` (R: missing value where TRUE/FALSE needed)")
    low, high = (x.min(), x.max()) if len(x) else (np.inf, -np.inf)  # R's min/max of nothing
    if low < breaks.min():
        breaks = np.concatenate([[low], breaks])
    if high > breaks.max():
        breaks = np.concatenate([[high], breaks])
    return np.sort(breaks)


def min_max_labels(labels: list[str]) -> list[str]:
    """recipes' ``adjust_levels_min_max``: the outer bounds labelled ``min``/``max``."""
    if len(labels) == 1:
        return ["[min,max]"]
    first = re.sub(r"(?<=\[)(.*?)(?=,)", "min", labels[0], count=1)
    last = re.sub(r"(?<=,)(.+?)(?=\])", "max", labels[-1], count=1)
    return [first, *labels[1:-1], last]


@register
class StepCut(Step):
    """``step_cut``: numbers -> factor of the intervals between ``breaks`` (widened to
    the training range; ``include_outside_range``: also to new data's range)."""

    r_class = "step_cut"
    default_role = None

    def __init__(self, *terms: Any, breaks: Any = (), include_outside_range: bool = False,
                 **common: Any):
        super().__init__(*terms, **common)
        self.breaks: Any = list(breaks) if not isinstance(breaks, dict) else breaks
        self.include_outside_range = include_outside_range
        #: columns whose R breaks are integers (formatted as such in labels)
        self.integer_breaks: dict[str, bool] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepCut":
        step = super().from_r(node)
        breaks = node.get("breaks")
        if isinstance(breaks, List):
            step.breaks = {name: np.asarray(to_python(v)) for name, v in breaks.items()}
            step.integer_breaks = {name: isinstance(v, Integer) for name, v in breaks.items()}
        else:
            step.breaks = list(np.ravel(to_python(breaks)))
        step.include_outside_range = flag(node.get("include_outside_range"))
        return step

    def to_r(self) -> List:
        breaks = (b.named_list({c: b.int_(*map(int, v)) if self.integer_breaks.get(c) else
                                b.dbl(*map(float, v)) for c, v in self.breaks.items()})
                  if isinstance(self.breaks, dict) else b.dbl(*map(float, self.breaks)))
        return step_to_r(self, {"breaks": breaks,
                                "include_outside_range": b.lgl(self.include_outside_range)})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.breaks = {c: full_breaks(numeric_values(data[c]), self.breaks) for c in columns}
        self.integer_breaks = dict.fromkeys(columns, False)
        for column, breaks in self.breaks.items():
            if len(breaks) == 1:
                raise ForgeError(f"step_cut: `{column}` is invariant and equal to the break point")
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.breaks)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: self._cut(data[c], c) for c in self.breaks})

    def _cut(self, column: pd.Series, name: str) -> pd.Series:
        x = numeric_values(column)
        breaks = np.asarray(self.breaks[name], dtype="f8").copy()
        present = x[~np.isnan(x)]
        if self.include_outside_range and len(present):
            # R widens the breaks with min(var) and max(var) without na.rm: with missing
            # values a widened break is NA, which stops the next comparison (after the
            # lower one) or which cut() sorts away (the upper one)
            missing = len(present) < len(x)
            if present.min() < breaks[0]:
                if missing:
                    raise ForgeError(f"step_cut: missing values in `{name}` below the breaks make "
                                     "R's bake() fail with include_outside_range = TRUE")
                breaks[0] = present.min()
            if present.max() > breaks[-1]:
                breaks = breaks[:-1] if missing else np.r_[breaks[:-1], present.max()]
            if len(breaks) < 2:
                raise ForgeError(f"step_cut: missing values in `{name}` leave R's cut() a single "
                                 "break, which it takes for a number of intervals")
        labels = cut_labels(np.sort(breaks), self.integer_breaks.get(name, False))
        cut = cut_factor(x, breaks, labels, column)
        if not self.include_outside_range:
            return cut
        adjusted = min_max_labels(labels)
        if len(adjusted) == 1:  # factor(rep("[min,max]", n)): every row, NA or not
            return from_codes(np.zeros(len(x), dtype=int), adjusted, like=column)
        return from_codes(cut.cat.codes.to_numpy(), adjusted, like=column)


# --------------------------------------------------------------------------- step_discretize
#: recipes' ``discretize()`` arguments besides the data, with their defaults
DISCRETIZE_DEFAULTS = {"cuts": 4, "labels": None, "prefix": "bin", "keep_na": True,
                       "infs": True, "min_unique": 10}


def discretize_fit(x: np.ndarray, options: dict[str, Any]) -> dict[str, Any]:
    """recipes' ``discretize.numeric``: quantile breaks and bin labels, or ``bins = 0``
    when there are too few distinct values per bin."""
    opts = {**DISCRETIZE_DEFAULTS, **options}
    cuts, keep_na = int(opts["cuts"]), bool(opts["keep_na"])
    distinct = len(np.unique(x[~np.isnan(x)])) + bool(np.isnan(x).any())
    if distinct / (cuts + 1) < opts["min_unique"]:
        return {"bins": 0}
    if np.isnan(x).any() and not keep_na:
        raise ForgeError("step_discretize: missing values in the training data need keep_na = TRUE")
    breaks = np.unique(quantile7(x[~np.isnan(x)], np.linspace(0, 1, cuts + 1)))
    if opts["infs"]:
        breaks[0], breaks[-1] = -math.inf, math.inf
    breaks = pd.unique(breaks)
    prefix = opts["prefix"]
    if prefix is not None and make_names([prefix])[0] != prefix:
        warnings.warn(f"step_discretize: the prefix {prefix!r} is not a valid R name; it becomes "
                      f"{make_names([prefix])[0]!r}", stacklevel=2)
        prefix = make_names([prefix])[0]
    labels = opts["labels"] if opts["labels"] is not None else names0(len(breaks) - 1, "")
    return {"breaks": breaks, "bins": len(breaks) - 1, "prefix": prefix,
            "labels": (["_missing"] if keep_na else []) + list(labels), "keep_na": keep_na}


def discretize_predict(fit: dict[str, Any], column: pd.Series) -> pd.Series:
    """recipes' ``predict.discretize``."""
    if fit["bins"] < 1:
        return column
    labels = [fit["prefix"] + lab for lab in fit["labels"]] if fit["prefix"] is not None else None
    if labels is None:
        raise UnsupportedStepError("step_discretize", "bins without labels (prefix = NULL)")
    bins = labels[1:] if fit["keep_na"] else labels
    x = numeric_values(column)
    codes = (np.full(len(x), -1) if np.isnan(x).all()
             else bin_codes(x, np.sort(np.asarray(fit["breaks"], dtype="f8")), include_lowest=True))
    if fit["keep_na"] and np.isnan(x).any():
        shifted = np.where(codes >= 0, codes + 1, -1)
        return from_codes(np.where(np.isnan(x), 0, shifted), [labels[0], *bins], like=column)
    return from_codes(codes, bins, like=column)


@register
class StepDiscretize(Step):
    """``step_discretize``: numbers -> factor of ``num_breaks`` quantile bins
    (``bin1``, ``bin2``...; missing values as ``bin_missing``)."""

    r_class = "step_discretize"
    default_role = None

    def __init__(self, *terms: Any, num_breaks: int = 4, min_unique: int = 10,
                 options: dict[str, Any] | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.options = {"prefix": "bin"} if options is None else dict(options)
        unknown = set(self.options) - set(DISCRETIZE_DEFAULTS)
        if unknown:
            raise UnsupportedStepError(self.r_class, f"options {sorted(unknown)}")
        self.num_breaks = int(self.options.get("cuts", num_breaks))
        self.min_unique = int(self.options.get("min_unique", min_unique))
        self.objects: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepDiscretize":
        step = super().from_r(node)
        step.num_breaks, step.min_unique = int(scalar(node["num_breaks"])), int(scalar(node["min_unique"]))
        options = node.get("options")
        step.options = {} if options is None else {k: _option(v) for k, v in options.items()}
        step.objects = {c: _fit_from_r(o) for c, o in (node.get("objects") or List()).items()}
        return step

    def to_r(self) -> List:
        options = b.named_list({k: _option_node(v) for k, v in self.options.items()})
        objects = b.named_list({c: _fit_to_r(f) for c, f in self.objects.items()})
        return step_to_r(self, {"num_breaks": b.dbl(self.num_breaks), "min_unique": b.dbl(self.min_unique),
                                "objects": objects if self.trained else None, "options": options})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.options = {**self.options, "cuts": self.num_breaks, "min_unique": self.min_unique}
        self.objects = {c: discretize_fit(numeric_values(data[c]), self.options) for c in columns}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.objects)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: discretize_predict(f, data[c]) for c, f in self.objects.items()})


def _option(node: Any) -> Any:
    value = to_python(node)
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    return [str(v) for v in value] if isinstance(value, (list, np.ndarray)) else value


def _option_node(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return b.lgl(value)
    if isinstance(value, (int, float)):
        return b.dbl(float(value))
    if isinstance(value, str):
        return b.chr(value)
    return b.chr(*value)


def _fit_from_r(node: List) -> dict[str, Any]:
    fit = {k: to_python(v) for k, v in node.items()}
    fit["bins"] = int(np.ravel(fit["bins"])[0])
    if fit["bins"] >= 1:
        fit["breaks"] = np.asarray(fit["breaks"], dtype="f8")
        fit["labels"] = strings(node["labels"])
        fit["prefix"] = scalar(node["prefix"]) if node.get("prefix") is not None else None
        fit["keep_na"] = flag(node["keep_na"])
    return fit


def _fit_to_r(fit: dict[str, Any]) -> List:
    if fit["bins"] < 1:
        fields = {"bins": b.dbl(0.0)}
    else:
        fields = {"breaks": b.dbl(*map(float, fit["breaks"])), "bins": b.int_(int(fit["bins"])),
                  "prefix": b.chr(fit["prefix"]), "labels": b.chr(*fit["labels"]),
                  "keep_na": b.lgl(fit["keep_na"])}
    return b.structure(b.named_list(fields), {"class": "discretize"})


# --------------------------------------------------------------------------- step_percentile
def _percent_names(probs: np.ndarray) -> list[str]:
    """``quantile()``'s names: ``formatC(100 p, format = "fg", digits = 7)`` for fewer
    than 100 probabilities, else ``format(100 p, digits = 7)`` (common decimals)."""
    values = 100 * probs
    if len(values) < 100:
        return [_fixed_significant(v) + "%" for v in values]
    decimals = max(_decimals_needed(v) for v in values)
    return [f"{v:.{decimals}f}%" for v in values]


def _decimals_needed(value: float) -> int:
    mantissa, _, exponent = f"{value:.6e}".partition("e")
    digits = mantissa.replace("-", "").replace(".", "").rstrip("0") or "0"
    return max(0, len(digits) - 1 - int(exponent))


def _fixed_significant(value: float) -> str:
    text = f"{value:.7g}"
    return f"{value:.{_decimals_needed(value)}f}" if "e" in text else text


def approx(x: np.ndarray, ref: np.ndarray, grid: np.ndarray, rule: tuple[int, int]) -> np.ndarray:
    """``stats::approx(ref, grid, xout = x, rule)$y`` (``ref`` sorted and distinct): R's
    NA outside the range under rule 1, a missing ``x`` as it is (NA or NaN)."""
    if len(ref) < 2:
        raise ForgeError("need at least two non-NA values to interpolate")
    j = np.clip(np.searchsorted(ref, x, side="right"), 1, len(ref) - 1)
    i = j - 1
    ref_i, ref_j, grid_i, grid_j = ref[i], ref[j], grid[i], grid[j]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = grid_i + (grid_j - grid_i) * ((x - ref_i) / (ref_j - ref_i))
    # the exceptions, each over the ones before: on a reference point, outside the range, NA
    np.copyto(out, grid_i, where=x == ref_i)
    np.copyto(out, grid_j, where=x == ref_j)
    np.copyto(out, grid[0] if rule[0] == 2 else NA_REAL, where=x < ref[0])
    np.copyto(out, grid[-1] if rule[1] == 2 else NA_REAL, where=x > ref[-1])
    np.copyto(out, x, where=np.isnan(x))
    return out


#: step_percentile's ``outside`` -> approx's ``rule`` (left, right)
OUTSIDE_RULES = {"none": (1, 1), "both": (2, 2), "upper": (1, 2), "lower": (2, 1)}


@register
class StepPercentile(Step):
    """``step_percentile``: each value -> its percentile in the training distribution
    (linear interpolation between training quantiles)."""

    r_class = "step_percentile"
    default_role = None

    def __init__(self, *terms: Any, options: dict[str, Any] | None = None, outside: str = "none",
                 **common: Any):
        super().__init__(*terms, **common)
        self.options = dict(options or {"probs": list(np.arange(101) / 100)})
        unknown = set(self.options) - {"probs", "names", "type"}
        if unknown or self.options.get("type", 7) != 7:
            raise UnsupportedStepError(self.r_class, "quantile options other than probs (type 7)")
        if outside not in OUTSIDE_RULES:
            raise SpecError(f"step_percentile: `outside` must be one of {', '.join(OUTSIDE_RULES)}")
        self.outside = outside
        self.ref_dist: dict[str, pd.Series] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepPercentile":
        if flag(node.get("case_weights")):
            raise UnsupportedStepError(cls.r_class, "case weights are not supported")
        step = super().from_r(node)
        step.outside = scalar(node["outside"])
        options = node.get("options")
        step.options = {} if options is None else {k: to_python(v) for k, v in options.items()}
        step.ref_dist = {c: named_numbers(v) for c, v in (node.get("ref_dist") or List()).items()}
        return step

    def to_r(self) -> List:
        options = b.named_list({k: b.lgl(bool(v)) if isinstance(v, bool) else b.dbl(*np.ravel(v))
                                for k, v in self.options.items()})
        ref = b.named_list({c: named_dbl(v) for c, v in self.ref_dist.items()})
        return step_to_r(self, {"ref_dist": ref if self.trained else None, "options": options,
                                "outside": b.chr(self.outside),
                                "case_weights": b.lgl(False) if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        probs = np.unique(np.asarray(self.options.get("probs", np.arange(101) / 100), dtype="f8"))
        self.options = {**self.options, "names": True, "probs": probs}
        names = _percent_names(probs)
        self.ref_dist = {}
        for column in columns:
            x = numeric_values(data[column])
            if np.isnan(x).any():
                raise ForgeError(f"step_percentile: missing values in `{column}` (quantile() "
                                 "refuses them)")
            values = pd.Series(quantile7(x, probs), index=names, dtype="f8")
            self.ref_dist[column] = values[~values.duplicated()]
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.ref_dist)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        rule = OUTSIDE_RULES[self.outside]
        out = {}
        for column, ref in self.ref_dist.items():
            grid = np.array([float(name.rstrip("%")) for name in ref.index])
            out[column] = approx(numeric_values(data[column]), ref.to_numpy(), grid, rule) / 100
        return data.assign(**out)
