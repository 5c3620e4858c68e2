"""R factors as pandas Categoricals, worked on through their integer codes.

Every factor operation the preprocessing replays (``factor(x, levels)``, matching values
against training levels, pooling or relabelling levels) reduces to mapping each distinct
label once and then indexing an integer array, so a million-row column costs one
``take`` instead of a million string lookups. Codes are 0-based; -1 is NA.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

import numpy as np
import pandas as pd

from .formula.parse import format_double

#: with copy-on-write (always on from pandas 3), the memory of a column nobody can
#: write to stays as it is while a Series holds it
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3
#: text columns factorized within the current bake: memory key -> (the column, codes,
#: labels); None outside :func:`remembering_factorizations`
_REMEMBERED: ContextVar[dict[tuple, tuple[pd.Series, np.ndarray, list]] | None] = ContextVar(
    "pykerasnip_factorizations", default=None)


def is_factor(column: pd.Series) -> bool:
    """Is this an R factor column (a pandas Categorical)?"""
    return isinstance(column.dtype, pd.CategoricalDtype)


def level_label(value: object) -> str:
    """A category as R's ``as.character`` writes it, R's factor levels being text:
    integers as digits, doubles with 15 significant digits (``4.0`` -> ``"4"``),
    booleans as ``TRUE``/``FALSE``, anything else as ``str()``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return format_double(float(value))
    return str(value)


def with_text_levels(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every factor's categories as R's text levels (:func:`level_label`):
    a pandas Categorical of numbers (``astype("category")`` of an integer column) becomes
    the factor R would hold. Frames whose factors have text levels come back as they are."""
    relabel = {name: column.cat.rename_categories([level_label(c) for c in column.cat.categories])
               for name, column in frame.items()
               if is_factor(column) and pd.api.types.infer_dtype(column.cat.categories) != "string"}
    return frame.assign(**relabel) if relabel else frame


@contextlib.contextmanager
def remembering_factorizations() -> Iterator[None]:
    """Within (one bake, in one thread): :func:`factorize` factorizes each text column
    once, however many steps ask for the codes of the column they leave unchanged."""
    if _REMEMBERED.get() is not None:
        yield
        return
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def _memory_key(values: pd.Series) -> tuple | None:
    """Where a text (object) column's values lie: equal keys of two columns alive at
    once mean the same memory, hence (copy-on-write) the same values. None for other
    columns, or when nothing is being remembered."""
    if not _COPY_ON_WRITE or values.dtype != object or _REMEMBERED.get() is None:
        return None
    array = values.to_numpy()  # a view of the column's own memory
    return array.__array_interface__["data"][0], array.shape, array.strides


def factorize(values: pd.Series) -> tuple[np.ndarray, list]:
    """``(codes, labels)``: each value as a position among ``labels`` (-1 for NA). A
    factor's labels are its levels (used or not); other columns give their distinct
    values in order of appearance. The codes are not to be written to."""
    if is_factor(values):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    key, remembered = _memory_key(values), _REMEMBERED.get()
    if key is not None and key in remembered:
        _, codes, labels = remembered[key]
        return codes, list(labels)
    codes, uniques = pd.factorize(values)  # None, NaN and pd.NA are all NA (-1)
    codes, labels = np.asarray(codes), uniques.tolist()
    if key is None:
        return codes, labels
    codes.flags.writeable = False
    # the shallow copy keeps the memory alive and, being a reference pandas knows, unwritten
    remembered[key] = (values.copy(deep=False), codes, labels)
    return codes, list(labels)


def lookup(labels: Sequence, levels: Sequence) -> np.ndarray:
    """Position of every label among ``levels`` (-1 when absent), with a trailing -1 so
    that indexing it with code -1 (NA) gives -1."""
    found = pd.Index(list(levels), dtype=object).get_indexer(pd.Index(list(labels), dtype=object))
    return np.append(found, -1)


def match(values: pd.Series, levels: Sequence, unknown: int = -1, missing: int = -1) -> np.ndarray:
    """R's ``match(as.character(values), levels) - 1``, except that values outside
    ``levels`` get code ``unknown`` and NA gets ``missing`` (both NA by default)."""
    codes, labels = factorize(values)
    table = lookup(labels, levels)
    table[:-1][table[:-1] < 0] = unknown
    table[-1] = missing
    return table[codes]


def from_codes(codes: np.ndarray, levels: Sequence, ordered: bool = False,
               like: pd.Series | None = None) -> pd.Series:
    """A factor column from codes, with the index and name of ``like``."""
    categorical = pd.Categorical.from_codes(codes, categories=list(levels), ordered=ordered)
    if like is None:
        return pd.Series(categorical)
    return pd.Series(categorical, index=like.index, name=like.name)


def factor(values: pd.Series, levels: Sequence, ordered: bool = False) -> pd.Series:
    """R's ``factor(as.character(values), levels, ordered)``: values outside ``levels``
    become NA."""
    if (is_factor(values) and bool(values.cat.ordered) == ordered
            and list(values.cat.categories) == list(levels)):
        return values
    return from_codes(match(values, levels), levels, ordered, like=values)


def as_character(column: pd.Series) -> pd.Series:
    """R's ``as.character`` of a factor or character column (object, ``None`` for NA):
    an object column whose missing values are all ``None`` already is itself (shared:
    copy-on-write keeps either from changing the other)."""
    if _COPY_ON_WRITE and column.dtype == object and _none_for_na(column):
        return column
    values = column.astype(object)
    return values.where(column.notna(), None)


def _none_for_na(column: pd.Series) -> bool:
    """Is every missing value of an object column ``None``? (Found from its codes, which
    the steps baking the column next will ask for.)"""
    missing = factorize(column)[0] < 0
    return not missing.any() or all(v is None for v in column.to_numpy()[missing])


def present_labels(values: pd.Series) -> list:
    """The distinct non-NA labels that occur, in label order."""
    codes, labels = factorize(values)
    used = np.bincount(codes[codes >= 0], minlength=len(labels)) > 0
    return [label for label, seen in zip(labels, used) if seen]


def outside_levels(values: pd.Series, levels: Sequence, include_na: bool = False) -> np.ndarray:
    """Which values are not among ``levels`` (NA counts only with ``include_na``)."""
    codes, labels = factorize(values)
    outside = lookup(labels, levels)[codes] < 0
    return outside if include_na else outside & (codes >= 0)


def unmatched(values: pd.Series, levels: Sequence, include_na: bool = False) -> list:
    """Distinct values outside ``levels`` in order of first appearance (``None`` stands
    for NA when ``include_na``)."""
    codes, labels = factorize(values)
    bad = lookup(labels, levels)[codes] < 0
    if not include_na:
        bad &= codes >= 0
    if not bad.any():
        return []
    positions = np.flatnonzero(bad)
    distinct, first = np.unique(codes[positions], return_index=True)
    return [None if c < 0 else labels[c] for c in distinct[np.argsort(first)]]
