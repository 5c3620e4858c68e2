"""A differential trial of column types and time zones (tests/r/make_types_trial.R):
POSIXct in UTC, New York, Berlin, Kolkata and with an empty or missing ``tzone``
(instants around daylight-saving changes, before 1970, after 2262, with fractional
seconds), Date stored as double or integer (NA, before 1970, year 9999, fractions of a
day), difftime, integer and logical columns with NA, factors with unused levels, an NA
level, an empty level and latin1/UTF-8 labels, tibbles, -0 and NaN next to NA.

R's prepped recipe bakes R's values in Python (to the bit, with the sign of zero and
NA apart from NaN), names, order, types and levels, and so does Python's own prep of
the same recipe; kerasnip workflows fed by date-time features predict R's numbers;
where R stops, Python raises a typed error."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import ForgeError, UnsupportedObjectError
from recipe_cases import case_names, check_python_prep, check_r_prepped

DATA = Path(__file__).parent / "data" / "types_trial"
CASES = case_names(DATA)
RECIPES = [c for c in CASES if not (DATA / c / "object.rds").exists()]
WORKFLOWS = [c for c in CASES if (DATA / c / "object.rds").exists()]
PREDICTIONS = [(case, kind) for case in WORKFLOWS
               for kind in (DATA / case / "types.txt").read_text().split()]


#: cases R bakes that Python refuses, with a typed error naming what it lacks: a
#: difftime's units are not kept (pandas' timedelta has none), a factor level that is NA
#: (addNA) has no pandas equivalent, and a time zone outside the database is refused
#: when read (R reads it as UTC; clock, behind step_date, stops as R's bake does)
GAPS = {"difftime_units": "difftime", "factor_na_level_dummy": "NA level",
        "factor_na_level_strings": "NA level", "posixct_unknown_zone_time": "time zone",
        "posixct_unknown_zone_date": "time zone"}


#: cases where R stops and Python goes on, knowingly: datetime64 has no infinite
#: instants, so an infinite Date is read as missing and clock's error is not reached
#: (nor are R's other answers for them: step_time's second +-Inf, step_holiday's 0)
PYTHON_GOES_ON = {"date_infinite_clock_error": "Can't convert from `n` <double> to <integer>"}


def test_the_trial_files_are_there() -> None:
    assert len(RECIPES) == 51 and len(WORKFLOWS) == 9 and len(PREDICTIONS) == 10


@pytest.mark.parametrize("case", [c for c in RECIPES if (DATA / c / "recipe.rds").exists()])
def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
    if case in GAPS:
        with pytest.raises(UnsupportedObjectError, match=GAPS[case]):
            check_r_prepped(DATA, case)
        return
    check_r_prepped(DATA, case)


@pytest.mark.parametrize("case", [c for c in RECIPES if c not in PYTHON_GOES_ON])
def test_python_prep_bakes_as_r(case: str) -> None:
    if case in GAPS:
        with pytest.raises(UnsupportedObjectError, match=GAPS[case]):
            check_python_prep(DATA, case)
        return
    check_python_prep(DATA, case)


def test_infinite_dates_have_missing_features_where_clock_stops() -> None:
    case = "date_infinite_clock_error"
    assert PYTHON_GOES_ON[case] in (DATA / case / "error.txt").read_text()
    recipe = pk.read_rds(DATA / case / "unprepped.rds").prep(training=pk.read_rds(DATA / case / "train.rds"))
    dow = recipe.bake(pk.read_rds(DATA / case / "new_data.rds"))["d_dow"]
    assert dow.isna().tolist() == [False, True, True, True, True]


@pytest.fixture(scope="module")
def workflows() -> dict:
    return {case: pk.read_rds(DATA / case / "object.rds") for case in WORKFLOWS}


@pytest.mark.parametrize("case,kind", PREDICTIONS)
def test_workflow_predicts_what_r_predicted(workflows: dict, case: str, kind: str) -> None:
    new_data = pk.read_rds(DATA / case / "new_data.rds")
    want = pk.read_rds(DATA / case / f"{kind}.rds")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = workflows[case].predict(new_data, type=kind, seed=11)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_workflow_stops_where_r_stops(workflows: dict) -> None:
    case = "workflow_date_from_datetime_error"
    assert "due to loss of precision" in (DATA / case / "error.txt").read_text()
    with pytest.raises(ForgeError, match="Can't convert `d` <datetime> to <date> .lossy cast"):
        workflows[case].predict(pk.read_rds(DATA / case / "new_data.rds"))


def test_iso_strings_for_a_date_time_are_times_in_the_training_zone(workflows: dict) -> None:
    """R refuses strings; Python reads them as ISO times in the ptype's zone (what a
    CSV reader leaves) and predicts what R predicts for that POSIXct."""
    case = "workflow_new_data_strings_error"
    assert "Can't convert `data$t` <character>" in (DATA / case / "error.txt").read_text()
    got = workflows[case].predict(pk.read_rds(DATA / case / "new_data.rds"))
    pd.testing.assert_frame_equal(got, pk.read_rds(DATA / case / "numeric_parsed.rds"), check_exact=True)
