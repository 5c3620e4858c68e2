"""kerasnip's recipe steps (collapse, lead, sequence): the multi-input fixture's
collapse steps give R's rows, and lead/sequence follow kerasnip's bake code."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES
from pykerasnip.errors import UnsupportedStepError
from pykerasnip.recipes.steps.kerasnip_steps import StepCollapse, StepLead, StepSequence
from r_oracle import requires_r
from rstepwise import fixture_step, stepwise

CASE = "func_multi_input_collapse"


@requires_r("recipes", "hardhat", "timeDate")
def test_fixture_collapse_rows_are_the_normalized_predictors() -> None:
    # R cannot bake kerasnip's own step here (kerasnip is not installed), so the truth is
    # R's data just before it: each row of the selected columns as a 1 x p matrix.
    before, _ = stepwise(FIXTURES / CASE, [2])[2]
    step = fixture_step(CASE, 2)
    assert step.new_col == "numerical_input"
    out = step.bake(before)
    assert list(out.columns) == [c for c in before.columns if c not in step.columns] + \
        ["numerical_input"]
    expected = before[step.columns].to_numpy(dtype=float)
    assert all(cell.shape == (1, 4) for cell in out["numerical_input"])
    np.testing.assert_array_equal(np.vstack(out["numerical_input"].to_list()), expected)


DATA = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": pd.array([10, 20, None, 40], dtype="Int32"),
                     "y": [0.5, 1.5, 2.5, 3.5]})


def test_collapse_replaces_an_existing_column_of_the_same_name() -> None:
    out = StepCollapse(columns=["a", "b"], new_col="y").bake(DATA)
    assert list(out.columns) == ["y"]
    np.testing.assert_array_equal(out["y"][2], [[3.0, np.nan]])


def test_collapse_of_strings_is_unsupported() -> None:
    with pytest.raises(UnsupportedStepError, match="non-numeric"):
        StepCollapse(columns=["s"]).bake(pd.DataFrame({"s": ["x"]}))


def test_lead_shifts_up_and_fills_na() -> None:
    out = StepLead(columns=["b", "y"], lead=(0, 2)).bake(DATA)
    assert list(out.columns) == ["a", "b", "y", "lead_0_b", "lead_2_b", "lead_0_y", "lead_2_y"]
    assert out["lead_2_b"].tolist() == [pd.NA, 40, pd.NA, pd.NA]
    np.testing.assert_array_equal(out["lead_2_y"], [2.5, 3.5, np.nan, np.nan])
    assert list(StepLead(columns=["y"], keep_original_cols=False).bake(DATA).columns) == \
        ["a", "b", "lead_1_y"]


@pytest.mark.parametrize("padding, rows", [("zero", 4), ("drop", 2)])
def test_sequence_windows(padding: str, rows: int) -> None:
    out = StepSequence(columns=["a", "y"], timesteps=3, padding=padding).bake(DATA)
    assert list(out.columns) == ["b", "sequence_matrix"] and len(out) == rows
    last = out["sequence_matrix"].iloc[-1]
    np.testing.assert_array_equal(last, [[2.0, 1.5], [3.0, 2.5], [4.0, 3.5]])
    if padding == "zero":
        np.testing.assert_array_equal(out["sequence_matrix"][0], [[0, 0], [0, 0], [1.0, 0.5]])
    else:
        assert out["b"].tolist() == [pd.NA, 40]


def test_skipped_kerasnip_steps_leave_data_untouched() -> None:
    out = StepSequence(columns=["a"], timesteps=2, skip=True).bake(DATA)
    pd.testing.assert_frame_equal(out, DATA)


def test_to_r_then_from_r_keeps_the_trained_state() -> None:
    for step in (StepCollapse(columns=["a", "b"], new_col="m", trained=True, id="collapse_1"),
                 StepLead(columns=["y"], lead=(1, 3), prefix="ahead_", trained=True, id="lead_1"),
                 StepSequence(columns=["a"], timesteps=4, padding="zero", trained=True,
                              id="sequence_1")):
        again = type(step).from_r(step.to_r())
        assert vars(again) | {"r_node": None} == vars(step) | {"r_node": None}
