"""Formulas, terms, model frames and model matrices against R's stats package."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES
from r_oracle import plain, requires_r, run_r
from pykerasnip.errors import ForgeError, SpecError
from pykerasnip.formula.frame import model_frame
from pykerasnip.formula.matrix import model_matrix
from pykerasnip.formula.parse import deparse, parse
from pykerasnip.formula.preproc import FormulaPreproc
from pykerasnip.formula.terms import Terms, terms_from_formula
from pykerasnip.rds import load

IRIS_CSV = FIXTURES / "seq_reg_formula_factor_traditional" / "new_data.csv"

DEPARSE_CASES = [
    "I(hp / 100)", "log(disp)", "wt:qsec", "poly(wt, 2)", "a %in% b", "a%%b", "a %/% b", "-2^2",
    "2^-1", "(a + b) * c", "a - (b - c)", "x$y", 'a[["b"]]', "`odd name` + 1", "f(a, b = 1e5)",
    "y ~ .", "~x + 0", "log(x, base = 0.0001)", "c(1.5, 123456, 1e-300)", "!a & b | c", "1L + TRUE",
    "city_São.Paulo:x1 + `x²` + `.1a` + x٣ + ._",
]

TERMS_CASES = [
    "y ~ a*b + c", "y ~ (a + b + c)^2 - a:b", "y ~ a + b %in% a", "y ~ a/b", "y ~ .", "y ~ x - 1",
    "y ~ b:a + a", "y ~ log(a) + I(b / 2) + a:c + poly(a, 2) + 0", "~ a + b", "y ~ a*b*c - a:b:c",
]

MATRIX_CASES = [
    "~ .", "~ . + 0", "~ Species + 0", "~ Species:Petal.Width + 0", "~ Petal.Width:Species",
    "~ poly(Petal.Width, 3) + log(Petal.Length)", "~ ord", "~ ord + 0", "~ lgl + Species",
    "~ Species * ord", "~ chr + Sepal.Width + 0", "~ I(Sepal.Width^2) + Sepal.Width:Petal.Width + 0",
    "~ ns(Petal.Width, df = 3) + bs(Petal.Length, df = 5) + 0", "~ scale(Sepal.Width) + scale(Petal.Width, FALSE)", "~ bs(Petal.Length, degree = 2, df = 4, intercept = TRUE)",
]

R_IRIS = """
library(splines)
d <- read.csv("{csv}", stringsAsFactors = FALSE)
d$Species <- factor(d$Species, levels = c("setosa", "versicolor", "virginica"))
d$ord <- factor(d$ord, levels = c("lo", "mid", "hi"), ordered = TRUE)
d$lgl <- d$lgl == "True"
"""


def rscript(code: str, payload: object, unbox: bool = False) -> object:
    """Evaluate R code that reads ``payload`` (an R value) and return its value as plain
    Python (:func:`r_oracle.plain`)."""
    return plain(run_r(code, inputs={"payload": payload}, packages=("splines",)), unbox)


def r_doubles(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float)


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    data = pd.read_csv(IRIS_CSV)
    data["Species"] = pd.Categorical(data["Species"], categories=["setosa", "versicolor", "virginica"])
    data["ord"] = pd.Categorical(pd.cut(data["Sepal.Width"], [0, 3, 3.4, 9], labels=["lo", "mid", "hi"]),
                                 categories=["lo", "mid", "hi"], ordered=True)
    data["lgl"] = data["Petal.Width"] > 1
    data["chr"] = data["Species"].astype(str).str.upper().astype(object)
    data.loc[3, "Sepal.Width"] = np.nan
    data.loc[5, "Species"] = np.nan
    path = tmp_path_factory.mktemp("formula") / "iris.csv"
    data.to_csv(path, index=False)
    return data, path


@requires_r()
def test_deparse_matches_r() -> None:
    script = """
cases <- payload
vapply(cases, function(s) paste(deparse(str2lang(s)), collapse = ""), "")
"""
    expected = rscript(script, DEPARSE_CASES)
    assert [deparse(parse(case)) for case in DEPARSE_CASES] == expected


@requires_r()
def test_terms_match_r() -> None:
    script = """
cases <- payload
d <- data.frame(y = 1, a = 1, b = 1, c = 1)
out <- lapply(cases, function(f) {
  t <- terms(as.formula(f), data = d)
  list(variables = vapply(as.list(attr(t, "variables"))[-1], deparse, ""),
       labels = attr(t, "term.labels"), factors = as.vector(attr(t, "factors")),
       intercept = attr(t, "intercept"), response = attr(t, "response"))
})
out
"""
    for case, want in zip(TERMS_CASES, rscript(script, TERMS_CASES)):
        terms = terms_from_formula(case, ["y", "a", "b", "c"])
        assert terms.variable_names == want["variables"], case
        assert terms.term_labels == want["labels"], case
        assert terms.factors.flatten(order="F").tolist() == want["factors"], case
        assert [int(terms.intercept), terms.response] == want["intercept"] + want["response"], case


@requires_r()
@pytest.mark.parametrize("one_hot", [False, True])
def test_model_matrix_matches_r(iris: tuple[pd.DataFrame, Path], one_hot: bool) -> None:
    data, path = iris
    script = R_IRIS.format(csv=path) + """
one_hot <- %s
cases <- payload
out <- lapply(cases, function(f) {
  t <- terms(as.formula(f), data = d)
  mf <- model.frame(t, d, na.action = na.pass)
  if (one_hot) for (v in names(mf)) {
    if (is.character(mf[[v]])) mf[[v]] <- factor(mf[[v]])
    if (is.factor(mf[[v]]) && !is.ordered(mf[[v]])) {
      lv <- levels(mf[[v]])
      contrasts(mf[[v]], length(lv)) <- matrix(diag(length(lv)), dimnames = list(lv, lv), ncol = length(lv))
    }
  }
  mm <- model.matrix(attr(mf, "terms"), mf)
  list(names = colnames(mm), values = as.vector(mm))
})
out
""" % ("TRUE" if one_hot else "FALSE")
    for case, want in zip(MATRIX_CASES, rscript(script, MATRIX_CASES)):
        frame = model_frame(terms_from_formula(case, list(data.columns)), data, na_action="pass")
        matrix = model_matrix(frame, one_hot=one_hot)
        assert list(matrix.columns) == want["names"], case
        expected = r_doubles(want["values"]).reshape(matrix.shape, order="F")
        np.testing.assert_allclose(matrix.to_numpy(), expected, rtol=1e-13, atol=1e-15, err_msg=case)


@requires_r()
def test_dates_and_datetimes_enter_the_model_matrix_as_their_numbers() -> None:
    data = pd.DataFrame({
        "day": pd.to_datetime(["2005-03-02", None, "1969-12-30"]),
        "stamp": pd.to_datetime(["2005-03-02 13:30:00", "1970-01-01 00:00:01", None]).tz_localize("UTC"),
        "x": [1.5, 2.0, -1.0]})
    script = """
d <- data.frame(day = as.Date(c("2005-03-02", NA, "1969-12-30")),
                stamp = as.POSIXct(c("2005-03-02 13:30:00", "1970-01-01 00:00:01", NA), tz = "UTC"),
                x = c(1.5, 2, -1))
mm <- model.matrix(~ day + stamp:x, model.frame(~ day + stamp:x, d, na.action = na.pass))
list(names = colnames(mm), values = as.vector(mm))
"""
    want = rscript(script, None)
    frame = model_frame(terms_from_formula("~ day + stamp:x", list(data.columns)), data, na_action="pass")
    matrix = model_matrix(frame)
    assert list(matrix.columns) == want["names"]
    np.testing.assert_array_equal(matrix.to_numpy().flatten(order="F"), r_doubles(want["values"]))


@requires_r()
def test_stored_predvars_reproduce_r_on_new_data(iris: tuple[pd.DataFrame, Path]) -> None:
    """Bases fitted on some rows (poly/ns/bs coefficients and knots recorded in the
    predvars) give R's values on other rows, including outside the training range."""
    data, path = iris
    formula = ("~ poly(Petal.Length, 3) + ns(Petal.Width, df = 4) + bs(Petal.Length, df = 5) + log(Petal.Width)"
               " + scale(Sepal.Width) + scale(Petal.Width, center = 1, scale = TRUE)")
    train = data["Petal.Length"] < 5
    script = R_IRIS.format(csv=path) + """
f <- as.formula(payload)
train <- d[d$Petal.Length < 5, ]
fitted <- attr(model.frame(terms(f), train), "terms")
mm <- model.matrix(fitted, model.frame(fitted, d[d$Petal.Length >= 5, ]))
list(names = colnames(mm), values = as.vector(mm))
"""
    want = rscript(script, formula)
    fitted = model_frame(terms_from_formula(formula), data[train.to_numpy()]).terms
    matrix = model_matrix(model_frame(fitted, data[~train.to_numpy()]))
    assert list(matrix.columns) == want["names"]
    np.testing.assert_allclose(matrix.to_numpy().flatten(order="F"), r_doubles(want["values"]), rtol=1e-12, atol=1e-14)


@requires_r()
def test_fit_preproc_matches_r_model_frame(iris: tuple[pd.DataFrame, Path]) -> None:
    data, path = iris
    script = R_IRIS.format(csv=path) + """
f <- payload
mf <- model.frame(as.formula(f), d, na.action = na.omit)
list(n = nrow(mf), names = names(mf), xlevels = .getXlevels(attr(mf, "terms"), mf),
     classes = as.list(attr(attr(mf, "terms"), "dataClasses")))
"""
    formula = "Sepal.Width ~ Species + chr + log(Petal.Length) + ord"
    want = rscript(script, formula)
    preproc, x, y = FormulaPreproc.fit(formula, data)
    assert len(x) == len(y) == want["n"][0]
    assert ["Sepal.Width", *x.columns] == want["names"]
    assert preproc.xlevels == want["xlevels"]
    assert preproc.terms.data_classes == {k: v[0] for k, v in want["classes"].items()}
    assert list(y.columns) == ["Sepal.Width"] == preproc.y_var


def test_preproc_refuses_new_levels_and_wrong_types(iris: tuple[pd.DataFrame, Path]) -> None:
    data, _ = iris
    preproc, _, _ = FormulaPreproc.fit("Petal.Length ~ Species + Petal.Width", data)
    with pytest.raises(ForgeError, match="factor Species has new level zebra"):
        preproc.apply(data.assign(Species="zebra"))
    with pytest.raises(ForgeError, match="variable 'Species' was fitted with type \"factor\""):
        preproc.apply(data.assign(Species=1.0))


def test_parse_errors_are_spec_errors() -> None:
    with pytest.raises(SpecError, match="unexpected"):
        parse("y ~ x +")
    with pytest.raises(SpecError, match="control flow"):
        parse("if (a) b")


@requires_r()
@pytest.mark.parametrize("case", ["modelfit_formula", "modelfit_cls_formula"])
def test_model_fit_preproc_matches_r(case: str) -> None:
    """parsnip's prepare_data for a bare formula fit = model.frame of the stored terms."""
    from pykerasnip.convert import r_get, to_pandas

    fit = load(FIXTURES / case / "model_fit.rds")
    preproc = FormulaPreproc.from_r(r_get(fit, "preproc"))
    script = """
case_dir <- payload
p <- suppressWarnings(readRDS(file.path(case_dir, "model_fit.rds")))$preproc
nd <- readRDS(file.path(case_dir, "new_data.rds"))
mf <- model.frame(delete.response(p$terms), nd, na.action = na.pass, xlev = p$xlevels)
list(names = names(mf), values = unname(unlist(mf)))
"""
    want = rscript(script, str(FIXTURES / case))
    for new_data in (to_pandas(load(FIXTURES / case / "new_data.rds")),
                     pd.read_csv(FIXTURES / case / "new_data.csv")):
        got = preproc.apply(new_data)
        assert list(got.columns) == want["names"]
        np.testing.assert_array_equal(got.to_numpy(dtype=float).flatten(order="F"), r_doubles(want["values"]))


def test_stored_transform_terms_match_r_names() -> None:
    fit = load(FIXTURES / "seq_reg_formula_transforms" / "workflow.rds")
    from pykerasnip.convert import r_get

    terms = Terms.from_r(r_get(fit, "pre", "mold", "blueprint", "terms", "predictors"))
    assert terms.variable_names == ["log(disp)", "I(hp/100)", "wt", "qsec", "poly(wt, 2)"]
    assert terms.term_labels == ["log(disp)", "I(hp/100)", "poly(wt, 2)", "wt:qsec"]
    assert not terms.intercept


@requires_r()
def test_terms_to_r_is_identical_to_r(tmp_path: Path) -> None:
    from pykerasnip.rds import dump
    from pykerasnip.rds.nodes import GlobalEnv

    for i, case in enumerate(TERMS_CASES):
        dump(terms_from_formula(case, ["y", "a", "b", "c"]).to_r(GlobalEnv), tmp_path / f"{i}.rds")
    script = """
args <- payload
d <- data.frame(y = 1, a = 1, b = 1, c = 1)
same <- vapply(seq_along(args$cases), function(i) {
  r <- terms(as.formula(args$cases[[i]], env = globalenv()), data = d)
  attr(r, "predvars") <- attr(r, "variables")
  identical(readRDS(file.path(args$dir, paste0(i - 1, ".rds"))), r)
}, NA)
same
"""
    assert rscript(script, {"cases": TERMS_CASES, "dir": str(tmp_path)}) == [True] * len(TERMS_CASES)


@requires_r()
def test_fitted_preproc_written_for_r_prepares_data_the_same(iris: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    from pykerasnip.rds import dump

    data, path = iris
    preproc, _, _ = FormulaPreproc.fit("Petal.Length ~ Species + log(Petal.Width) + ord", data)
    dump(preproc.to_r(), tmp_path / "preproc.rds")
    script = R_IRIS.format(csv=path) + """
p <- readRDS(payload)
mf <- model.frame(delete.response(p$terms), d, na.action = na.pass, xlev = p$xlevels)
.checkMFClasses(attr(p$terms, "dataClasses"), mf)
list(names = names(mf), species = as.character(mf$Species),
     values = mf[["log(Petal.Width)"]])
"""
    want = rscript(script, str(tmp_path / "preproc.rds"))
    got = preproc.apply(data)
    assert list(got.columns) == want["names"]
    assert [None if pd.isna(v) else v for v in got["Species"]] == [None if v == "NA" else v for v in want["species"]]
    np.testing.assert_array_equal(got["log(Petal.Width)"].to_numpy(), r_doubles(want["values"]))
