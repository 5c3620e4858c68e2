"""step_time, step_harmonic, step_ratio, step_spatialsign, step_intercept and step_geodist
against the recipes 1.3.2 ground truth (tests/data/steps)."""
from __future__ import annotations

import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError
from steps_truth import Case, make_tests

CASES = [
    Case("time", "y ~ .", lambda r: r.step_time("t")),
    Case("time_features", "y ~ .", lambda r: r.step_time(
        "t", "tz", features=("am", "hour12", "decimal_day", "second", "minute", "hour"),
        keep_original_cols=False)),
    Case("harmonic", "y ~ .", lambda r: r.step_harmonic("h", frequency=[1, 2, 3], cycle_size=24)),
    Case("harmonic_dates", "y ~ .", lambda r: r.step_harmonic(
        "d", "h", frequency=[2, float("nan"), 1, 2], cycle_size=[365.25, 24],
        starting_val=[18628, 6], keep_original_cols=True)),
    # `denom` holds selectors (R code in R's object), not trained state
    Case("ratio", "y ~ .", lambda r: r.step_ratio("a", "b", denom=["b", "p"]), skip_state=("denom",)),
    Case("ratio_drop", "y ~ .", lambda r: r.step_ratio(rc.all_numeric_predictors(), denom="s",
                                                        keep_original_cols=False),
         skip_state=("denom",)),
    Case("spatialsign", "y ~ .", lambda r: r.step_spatialsign("a", "b", "s")),
    Case("spatialsign_na", "y ~ .", lambda r: r.step_spatialsign("a", "b", "p", na_rm=False)),
    Case("intercept", "y ~ .", lambda r: r.step_intercept()),
    Case("intercept_value", "y ~ .",
         lambda r: r.step_intercept(name="beta0", value=2.5, role="const")),
    # `lat`/`lon` hold selectors (R code in R's object), not trained state
    Case("geodist", "y ~ .", lambda r: r.step_geodist(lat="lat", lon="lon", ref_lat=38.9,
                                                       ref_lon=-77.04), skip_state=("lat", "lon")),
    Case("geodist_options", "y ~ .", lambda r: r.step_geodist(
        lat="lat", lon="lon", ref_lat=40, ref_lon=-75, is_lat_lon=False, log=True, name="d",
        keep_original_cols=False), skip_state=("lat", "lon"),
         debian=False),  # is_lat_lon is newer than recipes 1.0.4
]

globals().update(make_tests(CASES))


def test_harmonic_needs_a_cycle_size_and_a_known_value():
    with pytest.raises(SpecError, match="cycle_size"):
        rc.recipe("~ .", pd.DataFrame({"h": [1.0]})).step_harmonic("h")
    data = pd.DataFrame({"h": [1.0, 2.0]})
    prepped = rc.recipe("~ .", data).step_harmonic("h", frequency=1, cycle_size=24).prep()
    with pytest.raises(ForgeError, match="non-NA"):
        prepped.bake(pd.DataFrame({"h": [float("nan")]}))


def test_time_refuses_dates_without_a_clock():
    data = pd.DataFrame({"d": pd.to_datetime(["2021-01-01"])})
    with pytest.raises(SpecError, match="date-times"):
        rc.recipe("~ .", data).step_time("d").prep()

