"""The warnings recipes gives at bake(), given as R gives them (R-made ground truth from
tests/r/make_bake_warnings.R): what bake() returns, and each message once, in R's order,
whether the frame is baked in one piece or in blocks of rows."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip import rowblocks
from pykerasnip.convert import to_pandas

DATA = Path(__file__).parent / "data" / "bake_warnings"
CASES = ["impute_knn_all_missing", "impute_linear_missing_predictor", "log_signed_offset",
         "log_nans", "shuffle_one_row", "sqrt_hyperbolic_nans", "factor_now_text",
         "factors_now_text"]


def _baked(case: str, rows: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    recipe = pk.read_rds(DATA / case / "recipe.rds")
    new = to_pandas(pk.rds.load(DATA / case / "new_data.rds"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if rows is None:
            out = recipe.bake(new)
        else:
            with rowblocks.blocking(rows=rows):
                out = recipe.bake(new)
    return out, [str(w.message).replace("\n", " ") for w in caught]  # as warnings.txt has them


def test_every_case_is_there() -> None:
    assert sorted(p.name for p in DATA.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bake_warns_and_returns_what_r_does(case: str) -> None:
    want = to_pandas(pk.rds.load(DATA / case / "baked.rds"))
    said = (DATA / case / "warnings.txt").read_text().splitlines()
    assert said, "every case makes R warn"
    got, messages = _baked(case)
    assert messages == said
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_exact=True)


@pytest.mark.parametrize("case", CASES)
def test_row_blocks_warn_as_one_piece(case: str) -> None:
    whole, said = _baked(case)
    blocks, messages = _baked(case, rows=1)
    assert messages == said
    pd.testing.assert_frame_equal(blocks.reset_index(drop=True), whole.reset_index(drop=True),
                                  check_exact=True)
