"""Indicators of many values per row: ``step_dummy_extract`` (counts of the pieces of a
multi-valued text column, split on ``sep`` or extracted with ``pattern``, both R regular
expressions, see :func:`pykerasnip.recipes.steps.text.r_regex`) and
``step_dummy_multi_choice`` (one indicator per level across several factor columns)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings
from ...errors import SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from ...rmath import r_sort_strings
from .base import (Step, append_columns, drop_inputs, integer_columns, named_chr,
                   recipes_closure, recipes_function_name, register, step_to_r)
from .categorical import NAMING, NAMING_FINGERPRINTS, NAMING_FORMALS, require_factors
from .text import distinct_texts, r_regex, text_values


def r_strsplit(text: str, pattern: re.Pattern) -> list[str]:
    """``strsplit(text, sep)[[1]]``: pieces between matches; a trailing empty piece
    is dropped, an empty text gives none."""
    pieces = pattern.split(text) if text else []
    return pieces[:-1] if pieces and pieces[-1] == "" else pieces


def extract_elements(column: pd.Series | list[str | None], sep: str | None,
                     pattern: str | None) -> list[list[Any]]:
    """recipes' ``dummy_extract``: the pieces of each value (``[None]`` for NA)."""
    text = text_values(column) if isinstance(column, pd.Series) else column
    if sep is not None:
        regex = r_regex(sep)
        return [[None] if v is None else r_strsplit(v, regex) for v in text]
    if pattern is not None:
        regex = r_regex(pattern)
        return [[] if v is None else [m.group(0) for m in regex.finditer(v)] for v in text]
    raise SpecError("step_dummy_extract: `sep` or `pattern` must be specified")


def read_pooling(step: Step, node: List) -> None:
    """The fields both multi-value dummy steps share: ``threshold``, ``other``, ``naming``,
    ``keep_original_cols`` and ``sparse``."""
    step.threshold = float(scalar(node["threshold"]))
    if node.get("other") is None:
        raise UnsupportedStepError(step.r_class, "other = NULL")
    step.other = scalar(node["other"])
    step.naming = recipes_function_name(node["naming"], list(NAMING_FORMALS),
                                        NAMING_FINGERPRINTS, step.r_class)
    step.keep_original_cols = flag(node.get("keep_original_cols"))
    step.sparse = scalar(node.get("sparse")) if node.get("sparse") is not None else "auto"


@register
class StepDummyExtract(Step):
    """``step_dummy_extract``: one count column per frequent piece of a multi-valued
    text column (``sep`` or ``pattern``), the rest counted in ``other``."""

    r_class = "step_dummy_extract"

    def __init__(self, *terms: Any, sep: str | None = None, pattern: str | None = None,
                 threshold: float = 0.0, other: str = "other", naming: str = "dummy_extract_names",
                 keep_original_cols: bool = False, sparse: str = "auto", **common: Any):
        super().__init__(*terms, **common)
        if naming not in NAMING:
            raise UnsupportedStepError(self.r_class, f"naming function {naming!r}")
        self.sep, self.pattern, self.threshold, self.other = sep, pattern, threshold, other
        self.naming, self.keep_original_cols, self.sparse = naming, keep_original_cols, sparse
        self.levels: dict[str, list[str]] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepDummyExtract":
        if flag(node.get("case_weights")):
            raise UnsupportedStepError(cls.r_class, "case weights are not supported")
        step = super().from_r(node)
        step.sep, step.pattern = (scalar(node.get(k)) if node.get(k) is not None else None
                                  for k in ("sep", "pattern"))
        read_pooling(step, node)
        levels = node.get("levels")
        step.levels = {} if levels is None else {c: strings(v) for c, v in levels.items()}
        return step

    def to_r(self) -> List:
        def maybe(value: str | None) -> Any:
            return None if value is None else b.chr(value)
        levels = b.named_list({c: b.chr(*v) for c, v in self.levels.items()}) if self.trained else None
        return step_to_r(self, {
            "sep": maybe(self.sep), "pattern": maybe(self.pattern), "threshold": b.dbl(self.threshold),
            "other": b.chr(self.other), "naming": recipes_closure(self.naming, NAMING_FORMALS),
            "levels": levels, "sparse": b.chr(self.sparse),
            "keep_original_cols": b.lgl(self.keep_original_cols),
            "case_weights": b.lgl(False) if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        require_factors(data, columns, self.r_class, allow_strings=True)
        self.levels = {c: self._frequent(extract_elements(data[c], self.sep, self.pattern))
                       for c in columns}
        self.trained = True

    def _frequent(self, elements: list[list[Any]]) -> list[str]:
        counts = Counter(v for piece in elements for v in dict.fromkeys(piece) if v is not None)
        # table() orders the names, sort(decreasing = TRUE) keeps ties in that order
        names = r_sort_strings(counts)
        ordered = sorted(names, key=lambda n: -counts[n])
        if self.threshold < 1:
            return [n for n in ordered if counts[n] / len(elements) >= self.threshold]
        return [n for n in ordered if counts[n] >= self.threshold]

    def required_columns(self) -> list[str]:
        return list(self.levels)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        for column, levels in self.levels.items():
            dictionary = r_sort_strings(levels) + [self.other]
            position = {lvl: i for i, lvl in enumerate(dictionary[:-1])}
            codes, texts = distinct_texts(data[column])
            counts = np.zeros((len(texts), len(dictionary)), dtype="i4")
            for row, piece in enumerate(extract_elements(texts, self.sep, self.pattern)):
                for value in piece:
                    counts[row, position.get(value, len(dictionary) - 1)] += 1
            counts = counts.T.take(codes, axis=1)  # a row per column
            used = [re.sub("^" + re.escape(column), "", lvl) for lvl in dictionary]
            names = NAMING[self.naming](column, used)
            new = integer_columns(counts, names, data.index)
            data = append_columns(data, new, self.r_class)
        return drop_inputs(data, list(self.levels), self.keep_original_cols)


def keep_levels(values: list[str], threshold: float, other: str) -> dict[str, Any]:
    """recipes' ``keep_levels`` for step_dummy_multi_choice: levels counted across the
    selected columns' level sets; those below ``threshold`` are collapsed."""
    counts = Counter(values)
    levels = r_sort_strings(counts)
    ordered = sorted(levels, key=lambda lvl: -counts[lvl])
    shares = {lvl: counts[lvl] / len(values) if threshold < 1 else counts[lvl] for lvl in ordered}
    dropped = [lvl for lvl in ordered if shares[lvl] < threshold]
    keepers = [lvl for lvl in ordered if lvl not in dropped] if dropped else levels
    if not keepers and ordered:
        keepers = [max(ordered, key=lambda lvl: shares[lvl])]
    if other in keepers:
        raise SpecError(f"step_dummy_multi_choice: the level {other!r} is already a level that "
                        "will be retained; choose another `other`")
    return {"keep": [lvl for lvl in levels if lvl in keepers], "collapse": bool(dropped),
            "other": other}


@register
class StepDummyMultiChoice(Step):
    """``step_dummy_multi_choice``: one 0/1 column per level over several factor
    columns together (a row has the level in any of them); rare levels pooled into
    ``other``."""

    r_class = "step_dummy_multi_choice"

    def __init__(self, *terms: Any, threshold: float = 0.0, other: str = "other",
                 naming: str = "dummy_names", prefix: str | None = None,
                 keep_original_cols: bool = False, sparse: str = "auto", **common: Any):
        super().__init__(*terms, **common)
        if naming not in NAMING:
            raise UnsupportedStepError(self.r_class, f"naming function {naming!r}")
        self.threshold, self.other, self.naming, self.prefix = threshold, other, naming, prefix
        self.keep_original_cols, self.sparse = keep_original_cols, sparse
        self.levels: dict[str, Any] = {}
        self.input: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "StepDummyMultiChoice":
        step = super().from_r(node)
        read_pooling(step, node)
        step.prefix = scalar(node["prefix"]) if node.get("prefix") is not None else None
        levels = node.get("levels")
        step.levels = {} if levels is None else {
            "keep": strings(levels["keep"]), "collapse": flag(levels["collapse"]),
            "other": scalar(levels["other"])}
        step.input = [] if node.get("input") is None else strings(node["input"])
        return step

    def to_r(self) -> List:
        levels = b.named_list(keep=b.chr(*self.levels["keep"]), collapse=b.lgl(self.levels["collapse"]),
                              other=b.chr(self.levels["other"])) if self.trained else None
        return step_to_r(self, {
            "threshold": b.dbl(self.threshold), "levels": levels,
            "input": named_chr(self.input) if self.trained else None, "other": b.chr(self.other),
            "naming": recipes_closure(self.naming, NAMING_FORMALS),
            "prefix": None if self.prefix is None else b.chr(self.prefix), "sparse": b.chr(self.sparse),
            "keep_original_cols": b.lgl(self.keep_original_cols)})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.input = self.select(info)
        require_factors(data, self.input, self.r_class, allow_strings=True)
        levels = [lvl for c in self.input if isinstance(data[c].dtype, pd.CategoricalDtype)
                  for lvl in data[c].cat.categories]
        self.levels = keep_levels(levels, self.threshold, self.other)
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.input

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not self.input:
            return data
        keep, other = self.levels["keep"], self.levels["other"]
        dictionary = {lvl: i for i, lvl in enumerate(keep + [other])}
        present = np.zeros((len(dictionary), len(data)), dtype=bool)  # a row per indicator
        for column in self.input:
            codes, texts = distinct_texts(data[column])
            position = np.array([self._position(v, dictionary, column) if v is not None else -1
                                 for v in _used(texts, codes)], dtype="i8")
            at = position[codes]
            for indicator in np.unique(position[position >= 0]):
                present[indicator] |= at == indicator
        # as_tibble() of the indicator matrix names an empty level's column V<position>
        columns = [lvl or f"V{i + 1}" for i, lvl in enumerate(dictionary)]
        if not present[-1].any():
            present, columns = present[:-1], columns[:-1]
        prefix = self.prefix if self.prefix is not None else self.input[0]
        used = [re.sub("^" + re.escape(prefix), "", lvl) for lvl in columns]
        names = NAMING[self.naming](prefix, used)
        new = integer_columns(present.astype("i4"), names, data.index)
        data = append_columns(data, new, self.r_class)
        return drop_inputs(data, self.input, self.keep_original_cols)

    def _position(self, value: str, dictionary: dict[str, int], column: str) -> int:
        """The indicator column of a value, as recipes' ``multi_dummy`` places it: values
        outside the kept levels go to ``other`` when levels were collapsed; otherwise
        only ``other`` itself has a column and R's bake fails on the rest."""
        if value in self.levels["keep"] or value == self.levels["other"]:
            return dictionary[value]
        if self.levels["collapse"]:
            return dictionary[self.levels["other"]]
        raise SpecError(f"step_dummy_multi_choice: the value {value!r} of `{column}` is not a "
                        "training level (R's bake() fails on it)")


def _used(texts: list[str | None], codes: np.ndarray) -> list[str | None]:
    """``texts`` with those no row has (a factor's unused levels) as ``None``."""
    seen = np.zeros(len(texts), dtype=bool)
    seen[codes] = True
    return [t if hit else None for t, hit in zip(texts, seen)]
