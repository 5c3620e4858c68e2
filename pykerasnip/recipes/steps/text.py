"""Pattern steps on character/factor columns: step_regex (a 0/1 match indicator) and
step_count (the number of matches, optionally per character).

R's patterns are POSIX extended (TRE) or, with ``perl = TRUE``, PCRE; both are run with
Python's ``re`` after translating POSIX bracket classes (``[[:alpha:]]``).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, to_python
from ...errors import SpecError, UnsupportedStepError
from ...factor import as_character, factorize
from ...rds import build as b
from ...rds.nodes import List
from ...rmath import make_names
from .base import Step, append_columns, drop_inputs, ifelse_integer, named_chr, register, step_to_r
from .categorical import require_factors

POSIX_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
                 "lower": "a-z", "space": r"\s", "blank": r" \t", "xdigit": "0-9A-Fa-f",
                 "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "cntrl": r"\x00-\x1f\x7f"}
#: grepl()/gregexpr() arguments a step's ``options`` may set
REGEX_OPTIONS = ("ignore.case", "perl", "fixed", "useBytes")


def r_regex(pattern: str, fixed: bool = False, ignore_case: bool = False) -> re.Pattern:
    """R's regular expression ``pattern`` as a compiled Python pattern."""
    if fixed:
        return re.compile(re.escape(pattern))
    translated = re.sub(r"\[:(\w+):\]", lambda m: POSIX_CLASSES.get(m.group(1), m.group(0)), pattern)
    try:
        return re.compile(translated, re.IGNORECASE if ignore_case else 0)
    except re.error as err:
        raise UnsupportedStepError("step_regex", f"the pattern {pattern!r}: {err}") from err


def text_values(column: pd.Series) -> pd.Series:
    """A text or factor column as Python strings, None where missing."""
    return as_character(column) if isinstance(column.dtype, pd.CategoricalDtype) else \
        column.astype(object).where(column.notna(), None)


def distinct_texts(column: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """``(codes, texts)``: a text or factor column as positions among its distinct texts,
    ``texts[-1]`` being ``None`` (NA), which code -1 picks. A step computes a value per
    distinct text and indexes it with the codes."""
    codes, labels = factorize(column)
    return codes, [str(label) for label in labels] + [None]


class _PatternStep(Step):
    """One text column and a pattern; the result is a new column ``result``."""

    def __init__(self, *terms: Any, pattern: str = ".", options: dict[str, Any] | None = None,
                 result: str | None = None, keep_original_cols: bool = True,
                 sparse: str = "auto", **common: Any):
        super().__init__(*terms, **common)
        if len(self.terms) > 1:
            raise SpecError(f"{self.r_class}: only a single selector can be used")
        self.pattern, self.options = pattern, dict(options or {})
        unknown = set(self.options) - set(REGEX_OPTIONS)
        if unknown:
            raise SpecError(f"{self.r_class}: options not allowed: {sorted(unknown)}")
        self.result = make_names([pattern])[0] if result is None else result
        self.keep_original_cols, self.sparse = keep_original_cols, sparse
        self.input: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "_PatternStep":
        step = super().from_r(node)
        step.pattern, step.result = scalar(node["pattern"]), scalar(node["result"])
        options = node.get("options")
        step.options = {} if options is None else {k: bool(np.ravel(to_python(v))[0])
                                                   for k, v in options.items()}
        unknown = set(step.options) - set(REGEX_OPTIONS)
        if unknown:
            raise UnsupportedStepError(cls.r_class, f"options {sorted(unknown)}")
        inputs = node.get("input")
        step.input = [] if inputs is None else [str(v) for v in np.ravel(to_python(inputs))]
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        step.sparse = scalar(node["sparse"]) if node.get("sparse") is not None else "auto"
        return step

    def fields_to_r(self) -> dict[str, Any]:
        options = b.named_list({k: b.lgl(bool(v)) for k, v in self.options.items()})
        return {"pattern": b.chr(self.pattern), "options": options, "result": b.chr(self.result),
                "input": named_chr(self.input) if self.trained else None, "sparse": b.chr(self.sparse),
                "keep_original_cols": b.lgl(self.keep_original_cols)}

    def to_r(self) -> List:
        return step_to_r(self, self.fields_to_r())

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.input = self.select(info)
        require_factors(data, self.input, self.r_class, allow_strings=True)
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.input

    def regex(self) -> re.Pattern:
        return r_regex(self.pattern, bool(self.options.get("fixed")),
                       bool(self.options.get("ignore.case")))

    def values(self, texts: list[str | None]) -> np.ndarray:
        """The step's value for each text (``None``: NA)."""
        raise NotImplementedError

    def column(self, values: np.ndarray) -> Any:
        """The new column from the rows' values."""
        return pd.array(values, dtype="Int32")

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if not self.input:
            return data
        self.check_columns(data)
        codes, texts = distinct_texts(data[self.input[0]])
        new = pd.DataFrame({self.result: self.column(self.values(texts)[codes])}, index=data.index)
        data = append_columns(data, new, self.r_class)
        return drop_inputs(data, self.input, self.keep_original_cols)


@register
class StepRegex(_PatternStep):
    """``step_regex``: 1 where the text matches ``pattern``, else 0 (missing text: 0)."""

    r_class = "step_regex"

    def values(self, texts: list[str | None]) -> np.ndarray:
        regex = self.regex()
        return np.array([v is not None and regex.search(v) is not None for v in texts], dtype="i4")

    def column(self, values: np.ndarray) -> Any:
        return ifelse_integer(values)


@register
class StepCount(_PatternStep):
    """``step_count``: the number of matches of ``pattern`` in the text (``normalize``:
    divided by the number of characters)."""

    r_class = "step_count"

    def __init__(self, *terms: Any, normalize: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.normalize = normalize

    @classmethod
    def from_r(cls, node: List) -> "StepCount":
        step = super().from_r(node)
        step.normalize = flag(node.get("normalize"))
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {"normalize": b.lgl(self.normalize), **super().fields_to_r()}

    def values(self, texts: list[str | None]) -> np.ndarray:
        regex = self.regex()
        # gregexpr() of NA gives NA, which counter() counts as one element
        counts = np.array([1 if v is None else sum(1 for m in regex.finditer(v) if m.end() > m.start()
                                                   or m.start() < len(v))
                           for v in texts], dtype="f8")
        if not self.normalize:
            return counts.astype("i4")
        lengths = np.array([np.nan if v is None else len(v) for v in texts], dtype="f8")
        with np.errstate(invalid="ignore", divide="ignore"):
            return counts / lengths

    def column(self, values: np.ndarray) -> Any:
        return values if self.normalize else super().column(values)
