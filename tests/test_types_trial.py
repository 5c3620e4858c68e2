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

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.convert import from_pandas
from pykerasnip.errors import ForgeError, UnsupportedObjectError
from r_oracle import plain, requires_r, run_r
from recipe_cases import bake, check_r_prediction, case_names, check_python_prep, check_r_prepped

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
    check_r_prediction(DATA / case, workflows[case], kind)


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


#: what R finds different in Python's bakes written back (``from_pandas``), by case and
#: column: the writer's documented choices. A missing value is written as NA (NaN, and
#: an infinite date read as missing, too); a Date or POSIXct as a double (R may store
#: integers); a difftime in seconds; an empty or missing ``tzone`` as "UTC"; a Date with
#: a fraction of a day as a POSIXct in UTC; R's stray ``names`` on a column are dropped.
WRITTEN_DIFFERENTLY = {
    "all_na_logical_new_data": {"k": "attributes", "k2": "attributes"},
    "date_fractional_days": {"d": "class tzone values", "d1": "class tzone values"},
    "date_integer_lag": {"d": "typeof"},
    "date_integer_storage": {"d": "typeof", "d1": "typeof"},
    "difftime_passthrough": {"hours": "units values", "w": "units values"},
    "integer_na_mutate": {"ks": "values"},
    "nan_impute_indicate": {"x": "values"},
    "negzero_nan_mutate": dict.fromkeys("xwabcdefg", "values"),
    "negzero_nan_steps": {"w": "values", "x2": "values"},
    "posixct_empty_date": {"t": "tzone", "t2": "tzone"},
    "posixct_empty_time": {"t": "tzone", "later": "tzone"},
    "posixct_integer_infinite": {"t": "typeof", "d": "values", "u": "values"},
    "posixct_missing_date": {"t": "tzone", "t2": "tzone"},
    "posixct_missing_time": {"t": "tzone", "later": "tzone"},
}

_COMPARE_IN_R = r"""
out <- list()
for (case in names(baked)) {
  got <- baked[[case]]; want <- readRDS(file.path(folder, case, "baked.rds"))
  stopifnot(identical(names(got), names(want)), identical(class(got), class(want)))
  for (n in names(want)) {
    g <- got[[n]]; w <- want[[n]]
    odd <- c(class = !identical(class(g), class(w)), typeof = !identical(typeof(g), typeof(w)),
             levels = !identical(levels(g), levels(w)), tzone = !identical(attr(g, "tzone"), attr(w, "tzone")),
             units = !identical(attr(g, "units"), attr(w, "units")),
             values = !identical(as.character(g), as.character(w)),
             attributes = !identical(setdiff(names(attributes(g)), "tzone"), setdiff(names(attributes(w)), "tzone")) &&
               identical(class(g), class(w)))
    if (any(odd)) out[[case]][[n]] <- paste(names(odd)[odd], collapse = " ")
  }
}
out
"""


@requires_r()
def test_python_bakes_written_for_r_keep_r_classes_and_values() -> None:
    """Python's bakes, written as R files, are R's bakes to R: classes, storage types,
    levels, time zones, units and values (as R prints them), but for the writer's
    documented choices (:data:`WRITTEN_DIFFERENTLY`)."""
    cases = [c for c in RECIPES if (DATA / c / "baked.rds").exists() and c not in GAPS]
    baked = {c: from_pandas(bake(DATA, pk.read_rds(DATA / c / "recipe.rds"), c), tibble=True)
             for c in cases}
    found = plain(run_r(_COMPARE_IN_R, inputs={"baked": baked, "folder": DATA}))
    assert {c: {n: " ".join(v) if isinstance(v, list) else v for n, v in cols.items()}
            for c, cols in found.items()} == WRITTEN_DIFFERENTLY
