"""pykerasnip.factor: code-based factor operations agree with R's value-by-value rules."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pykerasnip import factor as factor_module
from pykerasnip.factor import (as_character, factor, factorize, match, present_labels,
                               remembering_factorizations, unmatched, with_text_levels)

LABELS = st.sampled_from(["a", "b", "c", "d", "é", "NA", "", None])
LEVELS = st.lists(st.sampled_from(["a", "b", "c", "é", "NA", "z"]), unique=True, max_size=5)


def r_match(values: list, levels: list) -> np.ndarray:
    """match(as.character(values), levels) - 1, one value at a time."""
    return np.array([levels.index(v) if v is not None and v in levels else -1 for v in values])


def as_column(values: list, kind: str, extra: list) -> pd.Series:
    """The same values as an object, a pandas string or a factor column (with unused
    levels ``extra``)."""
    if kind == "factor":
        categories = list(dict.fromkeys([v for v in values if v is not None] + extra))
        return pd.Series(pd.Categorical(values, categories=categories))
    return pd.Series(values, dtype=object if kind == "object" else "string")


@settings(max_examples=150, deadline=None)
@given(values=st.lists(LABELS, max_size=30), levels=LEVELS,
       kind=st.sampled_from(["object", "string", "factor"]),
       extra=st.lists(st.sampled_from(["q", "a", "zz"]), unique=True, max_size=2))
def test_match_and_factor_agree_with_value_by_value_lookup(values: list, levels: list, kind: str,
                                                           extra: list) -> None:
    column = as_column(values, kind, extra)
    want = r_match(values, levels)
    assert match(column, levels).tolist() == want.tolist()
    made = factor(column, levels)
    assert list(made.cat.categories) == levels
    assert made.cat.codes.tolist() == want.tolist()
    assert made.index.equals(column.index)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(LABELS, max_size=30), levels=LEVELS,
       kind=st.sampled_from(["object", "factor"]))
def test_unknown_and_missing_codes(values: list, levels: list, kind: str) -> None:
    column = as_column(values, kind, [])
    k = len(levels)
    got = match(column, levels, unknown=k, missing=k + 1)
    want = [k + 1 if v is None else levels.index(v) if v in levels else k for v in values]
    assert got.tolist() == want


@settings(max_examples=100, deadline=None)
@given(values=st.lists(LABELS, max_size=30), levels=LEVELS)
def test_unmatched_lists_new_values_in_order_of_appearance(values: list, levels: list) -> None:
    column = as_column(values, "factor", ["unused"])
    new = [v for v in values if v not in levels]
    assert unmatched(column, levels, include_na=True) == list(dict.fromkeys(new))
    assert unmatched(column, levels) == list(dict.fromkeys(v for v in new if v is not None))
    assert present_labels(column) == [c for c in column.cat.categories if c in values]


def test_a_factor_already_on_the_levels_is_returned_unchanged() -> None:
    column = pd.Series(pd.Categorical(["b", "a", None], categories=["a", "b"]))
    assert factor(column, ["a", "b"]) is column
    reordered = factor(column, ["b", "a"])
    assert reordered.cat.codes.tolist() == [0, 1, -1]
    assert factor(column, ["a", "b"], ordered=True).cat.ordered


def test_a_bake_factorizes_a_text_column_once_and_tells_columns_apart(monkeypatch) -> None:
    text = pd.Series(["b", None, "a", "b"], dtype=object)
    calls = []
    real = pd.factorize
    monkeypatch.setattr(pd, "factorize", lambda values: calls.append(1) or real(values))
    with remembering_factorizations():
        first, again = factorize(text), factorize(text[:])  # the same memory
        tail = factorize(text[1:])  # other memory: other codes
        changed = factorize(text.where(text != "a", "z"))
        again[1].append("x")  # a caller's labels are its own
        assert factorize(text)[1] == ["b", "a"]
    assert len(calls) == (3 if factor_module._COPY_ON_WRITE else 5)  # pandas 2: no memo
    assert first[0].tolist() == again[0].tolist() == [0, -1, 1, 0]
    assert tail[0].tolist() == [-1, 0, 1] and changed[1] == ["b", "z"]


def test_as_character_keeps_a_text_column_whose_missing_values_are_none() -> None:
    text = pd.Series(["b", None, "a"], dtype=object)
    assert as_character(text).tolist() == ["b", None, "a"]
    assert (as_character(text) is text) == factor_module._COPY_ON_WRITE
    nan = pd.Series(["b", np.nan, "a"], dtype=object)
    assert as_character(nan).tolist() == ["b", None, "a"]
    factor_column = pd.Series(pd.Categorical(["b", None]))
    assert as_character(factor_column).tolist() == ["b", None]


def test_categories_of_numbers_become_the_text_levels_r_gives_them() -> None:
    # R 4.2: levels(factor(c(4, 0.5, 1e5, 1/3, 123456.7))), of c(100000L, 3L), of logicals
    frame = pd.DataFrame({"dbl": pd.Categorical([4.0, 0.5, 1e5, 1 / 3, 123456.7]),
                          "int": pd.Categorical([100000, 3, 3, 3, 3]),
                          "lgl": pd.Categorical([True, False, True, True, True]),
                          "chr": pd.Categorical(["b", "a", "b", "b", "b"])})
    out = with_text_levels(frame)
    assert {c: list(out[c].cat.categories) for c in out} == {
        "dbl": ["0.333333333333333", "0.5", "4", "1e+05", "123456.7"],
        "int": ["3", "100000"], "lgl": ["FALSE", "TRUE"], "chr": ["a", "b"]}
    assert list(out["dbl"].astype(str)) == ["4", "0.5", "1e+05", "0.333333333333333", "123456.7"]
    assert out["chr"] is frame["chr"] or out["chr"].equals(frame["chr"])
    text_only = frame[["chr"]]
    assert with_text_levels(text_only) is text_only
