"""Date steps: the Chicago fixture's step_date/step_holiday bake like R, features match
recipes/lubridate, and every holiday rule matches timeDate's dates."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES
from pykerasnip.errors import UnsupportedStepError
from pykerasnip.recipes.steps.dates import HOLIDAYS, StepDate, StepHoliday, decimal_date
from r_oracle import requires_r, run_r
from rstepwise import (assert_frames_match, bake_saved_recipe, fixture_step, r_bake_python_steps,
                       r_prep_bake, stepwise, term_info)

CASE = "recipe_date_chicago"


@pytest.fixture(scope="module")
def chicago_stepwise() -> dict:
    return stepwise(FIXTURES / CASE, [1, 2])


@requires_r("recipes", "hardhat", "timeDate")
@pytest.mark.parametrize("index", [1, 2])
def test_fixture_date_step_bakes_like_r(chicago_stepwise: dict, index: int) -> None:
    before, after = chicago_stepwise[index]
    assert_frames_match(fixture_step(CASE, index).bake(before), after)


def test_fixture_date_step_reads_features_and_clock_labels() -> None:
    step = fixture_step(CASE, 1)
    assert step.features[:3] == ["dow", "month", "year"]
    assert step.labels["weekday_abbrev"][0] == "Sun"
    assert fixture_step(CASE, 2).holidays == ["USMemorialDay", "USThanksgivingDay",
                                              "ChristmasDay", "USNewYearsDay"]


DATES = pd.DataFrame({"d": pd.to_datetime(
    ["2020-02-29", "2021-12-31", "2016-01-01", None, "2021-05-31", "2020-11-26", "1999-07-04",
     "2024-06-30", "2023-07-01", "2000-12-25"])})
# every feature recipes 1.0.4 (the R here) knows; "mday" came later
ALL_FEATURES = ("year", "doy", "week", "decimal", "semester", "quarter", "dow", "month")


@requires_r("recipes", "timeDate")
@pytest.mark.parametrize("options, r_args", [
    ({"features": ALL_FEATURES}, f"features = c({', '.join(repr(f) for f in ALL_FEATURES)})"),
    ({"features": ("dow", "month"), "abbr": False, "ordinal": True},
     "features = c('dow', 'month'), abbr = FALSE, ordinal = TRUE"),
    ({"features": ("dow", "month"), "label": False}, "features = c('dow', 'month'), label = FALSE"),
])
def test_date_features_match_r(options: dict, r_args: str) -> None:
    step = StepDate("d", **options)
    step.prep(DATES, term_info(DATES))
    assert_frames_match(step.bake(DATES), r_prep_bake(DATES, DATES, f"step_date(d, {r_args})"))


@requires_r("recipes", "timeDate")
def test_holiday_step_matches_r() -> None:
    holidays = ("USMemorialDay", "USIndependenceDay", "ChristmasDay", "NewYearsDay",
                "EasterMonday")
    step = StepHoliday("d", holidays=holidays, keep_original_cols=False)
    step.prep(DATES, term_info(DATES))
    r_args = f"holidays = c({', '.join(repr(h) for h in holidays)})"
    expected = r_prep_bake(DATES, DATES, f"step_holiday(d, {r_args}) |> step_rm(d)")
    assert_frames_match(step.bake(DATES), expected)


@requires_r("timeDate")
def test_every_holiday_rule_matches_timedate() -> None:
    truth = run_r("""
    out <- lapply(names, function(h) format(as.Date(holiday(1970:2040, h)), "%Y-%m-%d"))
    names(out) <- names
    out
    """, inputs={"names": list(HOLIDAYS)}, packages=("timeDate",))
    years = np.arange(1970, 2041)
    for name, rule in HOLIDAYS.items():
        assert [str(d) for d in rule(years)] == truth[name].tolist(), name


def test_mday_is_the_day_of_month() -> None:
    step = StepDate(features=("mday",))
    step.columns = ["d"]
    assert step.bake(DATES)["d_mday"].tolist() == [29, 31, 1, pd.NA, 31, 26, 4, 30, 1, 25]


def test_unknown_holiday_and_feature_are_unsupported() -> None:
    with pytest.raises(UnsupportedStepError, match="ChineseNewYear"):
        StepHoliday("d", holidays=("ChineseNewYear",))
    with pytest.raises(UnsupportedStepError, match="hour"):
        StepDate("d", features=("hour",))


def test_decimal_date_of_times_uses_their_time_zone() -> None:
    times = pd.Series(pd.to_datetime(["2021-07-02 12:00"]).tz_localize("America/Chicago"))
    # lubridate counts real seconds: 182.5 local days less the DST hour, of 365 days
    assert decimal_date(times).iloc[0] == 2021 + (182.5 * 86400 - 3600) / (365 * 86400)


def test_holiday_indicators_keep_na_dates() -> None:
    step = StepHoliday(holidays=("ChristmasDay",))
    step.columns = ["d"]
    out = step.bake(DATES)
    assert out["d_ChristmasDay"].dtype == "Int32"
    assert out["d_ChristmasDay"].tolist() == [0, 0, 0, pd.NA, 0, 0, 0, 0, 0, 1]


@requires_r("recipes", "timeDate")
def test_date_steps_saved_by_r_read_and_bake_like_r(tmp_path) -> None:
    path = tmp_path / "rec.rds"
    expected = r_prep_bake(DATES, DATES, "step_date(d, features = c('dow', 'decimal', 'week'), "
                           "abbr = FALSE) |> step_holiday(d, holidays = 'USLaborDay')",
                           save_to=path)
    assert_frames_match(bake_saved_recipe(path, DATES), expected)


@requires_r("recipes", "timeDate")
def test_steps_prepared_in_python_are_baked_by_r_alike() -> None:
    steps = [StepDate("d", features=("dow", "month", "decimal", "semester"), abbr=False),
             StepHoliday("d", holidays=("USThanksgivingDay", "GoodFriday"),
                         keep_original_cols=False)]
    for step in steps:
        step.prep(DATES, term_info(DATES))
    assert_frames_match(steps[1].bake(steps[0].bake(DATES)), r_bake_python_steps(steps, DATES))
