"""The steps first checked live against Debian's recipes 1.0.4 (and the fixtures) --
numeric transforms, filters, imputation, categorical, basis and date steps -- against the
recipes 1.3.2 ground truth (tests/data/steps) too."""
from __future__ import annotations

import pykerasnip.recipes as rc
from steps_truth import Case, make_tests

CASES = [
    Case("normalize", "y ~ .", lambda r: r.step_normalize(rc.all_numeric_predictors())),
    Case("center", "y ~ .", lambda r: r.step_center("a", "b")),
    Case("scale", "y ~ .", lambda r: r.step_scale("a", "p", factor=2)),
    Case("range", "y ~ .", lambda r: r.step_range("a", "s", min=-1, max=1)),
    Case("log", "y ~ .", lambda r: r.step_log("a", base=10).step_log("p", offset=1)),
    Case("log_signed", "y ~ .", lambda r: r.step_log("s", signed=True)),
    Case("sqrt", "y ~ .", lambda r: r.step_sqrt("a", "p")),
    # the lambdas come from R's optimize() and scipy's: they agree to ~1e-13, which the
    # extreme new values (1e300) magnify
    Case("BoxCox", "y ~ .", lambda r: r.step_BoxCox("a", "b", "p"), rtol=1e-9),
    Case("YeoJohnson", "y ~ .", lambda r: r.step_YeoJohnson("a", "s"), rtol=1e-9),
    # an unused threshold is R's logical NA, Python's NaN (reported)
    Case("pca", "y ~ .", lambda r: r.step_pca("a", "b", "p", "s", num_comp=2),
         skip_state=("threshold",)),
    Case("pca_threshold", "y ~ .", lambda r: r.step_pca(rc.all_numeric_predictors(), threshold=0.9)),
    Case("zv", "y ~ .", lambda r: r.step_zv(rc.all_predictors())),
    Case("nzv", "y ~ .", lambda r: r.step_nzv(rc.all_predictors())),
    Case("corr", "y ~ .", lambda r: r.step_corr(rc.all_numeric_predictors(), threshold=0.8)),
    Case("rm", "y ~ .", lambda r: r.step_rm("z", "near")),
    Case("select", "y ~ .", lambda r: r.step_select(rc.all_outcomes(), "a", "g")),
    Case("impute_mean", "y ~ .", lambda r: r.step_impute_mean("b")),
    Case("impute_mean_trim", "y ~ .", lambda r: r.step_impute_mean("a", "b", trim=0.1)),
    Case("impute_median", "y ~ .", lambda r: r.step_impute_median("b", "k")),
    Case("impute_mode", "y ~ .", lambda r: r.step_impute_mode("f", "o")),
    # impute_with: R keeps the imp_vars() quosures, which from_r does not read (as terms)
    # (Python's prep, numeric predictors only, keeps no per-column empty xlevels)
    Case("impute_linear", "y ~ .", lambda r: r.step_impute_linear("b", impute_with=["a", "k"]),
         skip_state=("impute_with", "xlevels")),
    Case("impute_knn", "y ~ .",
         lambda r: r.step_impute_knn("b", "k", neighbors=3, impute_with=["a"]),
         skip_state=("impute_with",)),
    Case("indicate_na", "y ~ .", lambda r: r.step_indicate_na("b", "k")),
    Case("dummy", "y ~ .", lambda r: r.step_dummy("f", "o")),
    Case("dummy_one_hot", "y ~ .", lambda r: r.step_dummy("f", "ch", one_hot=True)),
    Case("other", "y ~ .", lambda r: r.step_other("ch", "f", threshold=0.25)),
    Case("novel", "y ~ .", lambda r: r.step_novel("f", "ch")),
    Case("unknown", "y ~ .", lambda r: r.step_unknown("f", "o")),
    Case("interact", "y ~ .", lambda r: r.step_interact(["a", "n0"], ["n", "d"])),
    Case("ordinalscore", "y ~ .", lambda r: r.step_ordinalscore("o")),
    Case("poly", "y ~ .", lambda r: r.step_poly("x", "k", degree=3)),
    Case("poly_raw", "y ~ .", lambda r: r.step_poly("x", degree=2, options={"raw": True})),
    Case("ns", "y ~ .", lambda r: r.step_ns("x", "k", deg_free=4)),
    Case("bs", "y ~ .", lambda r: r.step_bs("x", "k", deg_free=4, degree=2)),
    Case("date", "y ~ .", lambda r: r.step_date("d", features=(
        "dow", "month", "year", "doy", "week", "decimal", "quarter", "semester", "mday")),
         debian=False),  # "mday" came after recipes 1.0.4
    Case("date_options", "y ~ .",
         lambda r: r.step_date("d", features=("dow", "month"), abbr=False, ordinal=True)),
    Case("holiday", "y ~ .", lambda r: r.step_holiday(
        "d", holidays=("USMemorialDay", "ChristmasDay", "USThanksgivingDay"))),
]

globals().update(make_tests(CASES))
