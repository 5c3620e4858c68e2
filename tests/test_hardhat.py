"""hardhat blueprints (forge/mold) and casting rules against R's hardhat."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES
from r_oracle import requires_r
from test_formula import r_doubles, rscript
from pykerasnip.errors import ForgeError, SpecError
from pykerasnip.hardhat.blueprint import (FormulaBlueprint, XYBlueprint, blueprint_from_r, mold,
                                          mold_formula)
from pykerasnip.hardhat.cast import NovelLevelsWarning, scream, shrink, vec_cast
from pykerasnip.rds import load

FORGE_CASES = ["seq_reg_formula", "seq_reg_formula_transforms", "seq_reg_formula_factor_traditional",
               "seq_reg_formula_factor_one_hot", "seq_reg_variables",
               # recipe blueprints: R's forge here bakes with the installed recipes 1.0.4
               "seq_reg_recipe_normalize", "recipe_numeric_transforms", "recipe_novel_credit",
               "recipe_categorical_ames", "recipe_ordered_diamonds", "recipe_date_chicago",
               "seq_cls_binary_recipe", "recipe_impute_credit", "func_reg_recipe"]


R_FORGE = """
suppressMessages({library(hardhat); library(recipes)})
case_dir <- payload
wf <- suppressWarnings(readRDS(file.path(case_dir, "workflow.rds")))
nd <- readRDS(file.path(case_dir, "new_data.rds"))
x <- suppressWarnings(forge(nd, wf$pre$mold$blueprint)$predictors)
list(names = names(x), values = as.vector(as.matrix(x)))
"""


@requires_r("hardhat", "recipes")
@pytest.mark.parametrize("case", FORGE_CASES)
def test_forge_matches_r(case: str) -> None:
    """Forging new_data (as R saved it, and as read from CSV) gives R's predictors."""
    warnings.simplefilter("ignore")  # novel levels are expected in some cases
    from pykerasnip.convert import r_get, to_pandas

    workflow = load(FIXTURES / case / "workflow.rds")
    blueprint = blueprint_from_r(r_get(workflow, "pre", "mold", "blueprint"))
    want = rscript(R_FORGE, str(FIXTURES / case))
    for new_data in (to_pandas(load(FIXTURES / case / "new_data.rds")),
                     pd.read_csv(FIXTURES / case / "new_data.csv")):
        got = blueprint.forge(new_data)
        assert list(got.columns) == want["names"]
        np.testing.assert_allclose(got.to_numpy(dtype=float).flatten(order="F"), r_doubles(want["values"]),
                                   rtol=1e-12, atol=1e-13)


def test_blueprint_classes_dispatch_with_inherits() -> None:
    from pykerasnip.convert import r_get

    workflow = load(FIXTURES / "seq_reg_formula_factor_one_hot" / "workflow.rds")
    blueprint = blueprint_from_r(r_get(workflow, "pre", "mold", "blueprint"))
    assert isinstance(blueprint, FormulaBlueprint)
    assert blueprint.indicators == "one_hot" and not blueprint.intercept
    assert list(blueprint.ptypes.predictors.columns) == ["Sepal.Width", "Petal.Length", "Petal.Width", "Species"]


# --------------------------------------------------------------------------- cast rules
PTYPE = pd.DataFrame({"num": pd.Series([], dtype=float), "int": pd.array([], dtype="Int32"),
                      "fct": pd.Categorical([], categories=["a", "b", "c"])})


def test_shrink_names_missing_columns_like_r() -> None:
    with pytest.raises(ForgeError, match=r"^The following required columns are missing: 'int', 'fct'\.$"):
        shrink(pd.DataFrame({"num": [1.0], "other": [2]}), PTYPE)


def test_shrink_keeps_ptype_order_only() -> None:
    data = pd.DataFrame({"fct": ["a"], "extra": [0], "int": [1], "num": [2.0]})
    assert list(shrink(data, PTYPE).columns) == ["num", "int", "fct"]


def test_csv_frame_casts_to_r_types() -> None:
    data = pd.DataFrame({"num": [1, 2], "int": [3.0, np.nan], "fct": ["b", "a"]})
    cast = scream(shrink(data, PTYPE), PTYPE)
    assert cast["num"].dtype == np.float64
    assert str(cast["int"].dtype) == "Int32" and cast["int"].isna().tolist() == [False, True]
    assert list(cast["fct"].cat.categories) == ["a", "b", "c"] and cast["fct"].tolist() == ["b", "a"]


def test_factor_labels_a_csv_reader_made_numbers_cast_back_to_labels() -> None:
    ptype = pd.DataFrame({"cyl": pd.Categorical([], categories=["4", "6", "8"]),
                          "dose": pd.Categorical([], categories=["0.5", "1", "2"], ordered=True),
                          "flag": pd.Categorical([], categories=["FALSE", "TRUE"])})
    data = pd.DataFrame({"cyl": [8, 4, 6], "dose": [2.0, np.nan, 0.5], "flag": [True, False, True]})
    cast = scream(data, ptype)
    assert cast["cyl"].tolist() == ["8", "4", "6"] and list(cast["cyl"].cat.categories) == ["4", "6", "8"]
    assert cast["dose"].cat.ordered and cast["dose"].cat.codes.tolist() == [2, -1, 0]
    assert cast["flag"].tolist() == ["TRUE", "FALSE", "TRUE"]
    with pytest.raises(ForgeError, match=r"`cyl` <integer> to <factor> \(numbers are not factor levels"):
        scream(pd.DataFrame({"cyl": [5, 4], "dose": [1, 1], "flag": [False, False]}), ptype)
    with pytest.raises(ForgeError, match="`cyl` <integer> to <factor>"):
        vec_cast(pd.Series([3, 4]), ptype["cyl"], "cyl")


def test_lossy_double_to_integer_is_refused() -> None:
    with pytest.raises(ForgeError, match="lossy cast"):
        vec_cast(pd.Series([1.5]), PTYPE["int"], "int")


def test_character_to_double_is_refused() -> None:
    with pytest.raises(ForgeError, match=r"Can't convert `num` <character> to <double>"):
        vec_cast(pd.Series(["1"], dtype=object), PTYPE["num"], "num")


def test_iso_strings_cast_to_dates() -> None:
    date = pd.Series(pd.to_datetime([]), dtype="datetime64[s]")
    cast = vec_cast(pd.Series(["2020-02-29", None], dtype=object), date, "d")
    assert cast.dtype == date.dtype and cast.iloc[0] == pd.Timestamp("2020-02-29") and pd.isna(cast.iloc[1])
    with pytest.raises(ForgeError, match="midnight"):
        vec_cast(pd.Series(["2020-02-29 10:00"], dtype=object), date, "d")


def test_date_time_cast_keeps_sub_microsecond_digits() -> None:
    """R's POSIXct cast is lossless: casting to a coarser ptype (pandas reads a 0-length
    POSIXct at microseconds) must not round R's doubles."""
    seconds = np.array([1713056016.945456, 1716222926.7818525])
    stamps = pd.Series(pd.to_datetime(seconds, unit="s", utc=True).as_unit("ns"))
    ptype = pd.Series(pd.to_datetime([], utc=True), dtype="datetime64[us, UTC]")
    cast = vec_cast(stamps, ptype, "when")
    assert cast.dtype == "datetime64[ns, UTC]"
    assert cast.array.asi8.tolist() == stamps.array.asi8.tolist()
    assert str(vec_cast(stamps.dt.tz_convert(None).dt.floor("s").astype("datetime64[s]"), ptype,
                        "when").dtype) == "datetime64[us, UTC]"


@requires_r("hardhat")
@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("allow", [False, True])
def test_scream_novel_levels_match_r(allow: bool, as_text: bool) -> None:
    script = """
suppressMessages(library(hardhat))
args <- payload
allow <- args$allow
as_text <- args$as_text
ptype <- data.frame(fct = factor(character(), levels = c("a", "b", "c")))
data <- data.frame(fct = factor(c("z", "b", NA, "a"), levels = c("z", "b", "a")))
if (as_text) data$fct <- as.character(data$fct)
warned <- FALSE
x <- withCallingHandlers(scream(data, ptype, allow_novel_levels = allow),
                         hardhat_warn_novel_levels = function(w) { warned <<- TRUE; invokeRestart("muffleWarning") })
list(levels = levels(x$fct), values = as.character(x$fct), warned = warned)
"""
    want = rscript(script, {"allow": allow, "as_text": as_text})
    values = pd.Categorical(["z", "b", None, "a"], categories=["z", "b", "a"])
    data = pd.DataFrame({"fct": pd.Series(values).astype(object) if as_text else values})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = scream(data, PTYPE[["fct"]], allow_novel_levels=allow)["fct"]
    assert list(got.cat.categories) == want["levels"]
    assert [None if pd.isna(v) else v for v in got] == want["values"]
    assert any(issubclass(w.category, NovelLevelsWarning) for w in caught) == want["warned"][0]


# --------------------------------------------------------------------------- mold
@pytest.fixture(scope="module")
def iris_csv() -> Path:
    return FIXTURES / "seq_reg_formula_factor_traditional" / "new_data.csv"


@requires_r("hardhat")
@pytest.mark.parametrize("indicators,intercept", [("traditional", False), ("one_hot", False), ("none", False),
                                                  ("traditional", True), ("none", True)])
def test_mold_formula_matches_r(indicators: str, intercept: bool, iris_csv: Path) -> None:
    formula = "Sepal.Width ~ log(Petal.Length) + Species + Petal.Width:Petal.Length"
    script = """
suppressMessages(library(hardhat))
args <- payload
d <- read.csv(args$csv, stringsAsFactors = TRUE)
m <- mold(as.formula(args$formula), d,
          blueprint = default_formula_blueprint(indicators = args$indicators, intercept = args$intercept))
p <- m$predictors
num <- vapply(p, is.numeric, NA)
list(names = names(p), values = as.vector(as.matrix(p[num])),
     ptype = names(m$blueprint$ptypes$predictors), outcomes = names(m$outcomes))
"""
    want = rscript(script, {"csv": str(iris_csv), "formula": formula, "indicators": indicators,
                            "intercept": intercept})
    data = pd.read_csv(iris_csv)
    data["Species"] = data["Species"].astype("category")
    molded = mold_formula(formula, data, indicators=indicators, intercept=intercept)
    assert list(molded.predictors.columns) == want["names"]
    numeric = molded.predictors.select_dtypes("number")
    np.testing.assert_allclose(numeric.to_numpy().flatten(order="F"), r_doubles(want["values"]), rtol=1e-14)
    assert list(molded.blueprint.ptypes.predictors.columns) == want["ptype"]
    assert list(molded.outcomes.columns) == want["outcomes"]
    # the trained blueprint forges its own training data back to the molded predictors
    pd.testing.assert_frame_equal(molded.blueprint.forge(data), molded.predictors)


def test_mold_variables_gives_an_xy_blueprint(iris_csv: Path) -> None:
    from pykerasnip.workflows import Variables

    data = pd.read_csv(iris_csv)
    molded = mold("variables", Variables(["Sepal.Width"], ["Petal.Width", "Petal.Length"]), data)
    assert isinstance(molded.blueprint, XYBlueprint)
    assert list(molded.predictors.columns) == ["Petal.Width", "Petal.Length"]
    with pytest.raises(ForgeError, match="'Petal.Length'"):
        molded.blueprint.forge(data.drop(columns="Petal.Length"))


@requires_r("hardhat")
@pytest.mark.parametrize("indicators", ["traditional", "one_hot", "none"])
def test_python_molded_blueprint_forges_the_same_in_r(indicators: str, iris_csv: Path, tmp_path: Path) -> None:
    """A blueprint molded in Python, written with to_r(), is forged by R's hardhat to the
    same predictors (poly coefficients travel in the terms' predvars)."""
    from pykerasnip.rds import dump

    data = pd.read_csv(iris_csv)
    data["Species"] = data["Species"].astype("category")
    data["y"] = data["Sepal.Width"] * 2
    formula = "y ~ log(Petal.Length) + Species + poly(Petal.Width, 2)"
    if indicators == "none":
        formula = "y ~ log(Petal.Length) + Species + poly(Petal.Width, 2):Sepal.Width"
    blueprint = mold_formula(formula, data, indicators=indicators).blueprint
    dump(blueprint.to_r(), tmp_path / "blueprint.rds")
    script = """
suppressMessages(library(hardhat))
args <- payload
d <- read.csv(args$csv, stringsAsFactors = TRUE)
x <- forge(d, readRDS(args$rds))$predictors
num <- vapply(x, is.numeric, NA)
list(names = names(x), values = as.vector(as.matrix(x[num])))
"""
    want = rscript(script, {"csv": str(iris_csv), "rds": str(tmp_path / "blueprint.rds")})
    got = blueprint.forge(pd.read_csv(iris_csv))
    assert list(got.columns) == want["names"]
    np.testing.assert_array_equal(got.select_dtypes("number").to_numpy().flatten(order="F"),
                                  r_doubles(want["values"]))


def test_none_indicators_refuse_factors_in_functions_and_interactions(iris_csv: Path) -> None:
    data = pd.read_csv(iris_csv).assign(y=1.0)
    with pytest.raises(SpecError, match="(?i)functions involving factors"):
        mold_formula("y ~ as.numeric(Species) + Petal.Width", data, indicators="none")
    for formula in ("y ~ Species:Petal.Width", "y ~ Species * Petal.Width - Species:Petal.Width",
                    "y ~ Species^2"):  # hardhat reads the formula as written (random trial s213_009)
        with pytest.raises(SpecError, match="(?i)interaction"):
            mold_formula(formula, data, indicators="none")


def test_intercept_terms_are_refused_inside_functions_too() -> None:
    """hardhat's check_implicit_intercept walks every call: R's mold stops on
    ``I(x * 2 - 1)`` (random blueprint trial) and takes ``log(x + 1)``."""
    data = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [0.0, 1.0, 2.0]})
    with pytest.raises(SpecError, match="intercept removal"):
        mold_formula("y ~ I(x * 2 - 1)", data)
    assert list(mold_formula("y ~ log(x + 1)", data).predictors.columns) == ["log(x + 1)"]


FACTOR_COLUMN_VARIANTS = {
    "integer": "c(1L, 2L)", "double": "c(1, 2)", "logical": "c(TRUE, FALSE)",
    "character": 'c("setosa", "virginica")', "character_novel": 'c("setosa", "nope")',
}
PY_FACTOR_COLUMN_VARIANTS = {
    "integer": pd.array([1, 2], dtype="Int64"), "double": [1.0, 2.0], "logical": [True, False],
    "character": ["setosa", "virginica"], "character_novel": ["setosa", "nope"],
}


@requires_r("hardhat")
def test_wrong_types_in_a_factor_column_fail_as_in_r() -> None:
    """hardhat's forge (vctrs casts): numbers and logicals in a factor column are a type
    error, strings are cast, novel strings become NA with a warning."""
    case = FIXTURES / "seq_reg_formula_factor_traditional"
    script = """
suppressMessages(library(hardhat))
args <- payload
bp <- readRDS(file.path(args$case, "workflow.rds"))$pre$mold$blueprint
nd <- as.data.frame(readRDS(file.path(args$case, "new_data.rds")))[1:2, ]
out <- list()
for (v in names(args$variants)) {
  nd$Species <- eval(parse(text = args$variants[[v]]))
  out[[v]] <- tryCatch({ forge(nd, bp); "ok" }, warning = function(w) "warning",
                       error = function(e) "error")
}
out
"""
    want = rscript(script, {"case": str(case), "variants": FACTOR_COLUMN_VARIANTS}, unbox=True)
    from pykerasnip.convert import r_get, to_pandas

    blueprint = blueprint_from_r(r_get(load(case / "workflow.rds"), "pre", "mold", "blueprint"))
    new_data = to_pandas(load(case / "new_data.rds")).iloc[:2].reset_index(drop=True)
    got = {}
    for variant, values in PY_FACTOR_COLUMN_VARIANTS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error", NovelLevelsWarning)
            try:
                blueprint.forge(new_data.assign(Species=values))
                got[variant] = "ok"
            except NovelLevelsWarning:
                got[variant] = "warning"
            except ForgeError as exc:
                assert "Species" in str(exc)
                got[variant] = "error"
    assert got == want
