"""The safe R-expression interpreter against R itself."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from r_oracle import plain, requires_r, run_r
from pykerasnip.errors import ForgeError, UnsupportedObjectError, UnsupportedStepError
from pykerasnip.formula.parse import parse
from pykerasnip.rexpr import FUNCTIONS, evaluate

DATA = pd.DataFrame({
    "x": [1.5, np.nan, 3.0, -2.25, 0.0, 10.0],
    "i": pd.array([1, 2, None, 4, -3, 0], dtype="Int32"),
    "s": pd.Series(["b", "a", None, "b", "c", "a"], dtype=object),
    "b": pd.array([True, False, None, True, True, False], dtype="boolean"),
    "f": pd.Categorical(["u", "v", "u", None, "w", "v"], categories=["w", "v", "u"]),
})

R_DATA = """
df <- data.frame(
  x = c(1.5, NA, 3, -2.25, 0, 10),
  i = c(1L, 2L, NA, 4L, -3L, 0L),
  s = c("b", "a", NA, "b", "c", "a"),
  b = c(TRUE, FALSE, NA, TRUE, TRUE, FALSE),
  f = factor(c("u", "v", "u", NA, "w", "v"), levels = c("w", "v", "u")),
  stringsAsFactors = FALSE)
"""

EXPRESSIONS = [
    "x + 1", "i + 1L", "i * 2L", "i / 2L", "i %/% 2L", "i %% 3L", "x %% 2", "x %/% 2", "x ^ 2",
    "-i", "-x", "+b", "x - i", "b + 1L", "2 ^ i",
    "x > 1", "i <= 2L", "x == 3", "s == \"a\"", "f == \"u\"", "s != \"b\"",
    "x > 1 & b", "x > 1 | b", "!b", "!(x > 1)", "b & NA", "b | NA",
    "log(x)", "log(x, base = 10)", "log(x, 2)", "log(x, 3)", "log10(x)", "log2(x)", "log1p(x)",
    "exp(x)", "sqrt(x)", "abs(x)", "abs(i)",
    "ifelse(x > 1, \"hi\", \"lo\")", "ifelse(b, i, 0L)", "ifelse(x > 0, x, 0)", "ifelse(b, 1, NA)",
    "I(x / 2)", "(x + 1) * 2", "as.numeric(i)", "as.numeric(f)", "as.integer(x)", "as.integer(s == \"a\")",
    "pmin(x, 2)", "pmax(i, 1L)", "pmax(x, i)", "pmin(x, 1, na.rm = TRUE)",
    "round(x / 3, 2)", "round(x)", "c(1, 2)", "c(1L, NA)",
    "base::abs(x)", "base:::c(x, 1)", "stats::sd(x, na.rm = TRUE)",
    ".data$x * 2", ".data[[\"s\"]]", "x * pi", "x + NA", "x > NA",
    "as.character(i)", "as.character(b)", "as.character(x / 3)", "as.logical(x)", "as.logical(c(\"T\", \"no\"))",
    "s < \"b\"", "f != s",
    "dplyr::if_else(x > 1, 1, 0)", "dplyr::if_else(b, i, 0L, missing = -1L)", "pmax(x, 1, na.rm = TRUE)",
    "s %in% c(\"a\", \"c\")", "f %in% c(\"u\", NA)", "x %in% c(3, NA)", "i %in% c(1L, 4L)",
    "is.na(x)", "is.na(i)", "is.na(s)", "is.na(b)", "is.na(f)", "ifelse(is.na(x), 0, x)", "!is.na(x / 0)",
    "floor(x)", "ceiling(x / 4)", "trunc(-x / 4)", "sign(x)", "sign(i)", "floor(i)", "sin(x)", "cos(x)",
    "tan(x)", "signif(x / 3)", "signif(x * 12345.678, 2)", "signif(-x / 7, 3)", "signif(i * 1234L, 1)",
    "signif(c(0.00012345, 2.5, 3.5, 1e300, -15, 1.234567e-305), 1)", "cut(x, c(-3, 0, 3, 12), labels = FALSE)",
]

#: batch-level aggregates: one value over the whole column, recycled like mutate does
AGGREGATE_EXPRESSIONS = [
    "mean(x)", "mean(x, na.rm = TRUE)", "mean(i, na.rm = TRUE)", "mean(b, na.rm = TRUE)",
    "mean(c(NA, NA), na.rm = TRUE)", "(x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE)",
    "sd(x)", "sd(i, TRUE)", "var(x, na.rm = TRUE)", "var(i, na.rm = TRUE)", "sd(c(1, NA), na.rm = TRUE)",
    "median(x, na.rm = TRUE)", "median(i, na.rm = TRUE)", "median(i)", "median(c(3L, 1L, 2L))",
    "median(b, na.rm = TRUE)", "median(c(4, 1, 2, 8))",
    "sum(x)", "sum(x, na.rm = TRUE)", "sum(i, na.rm = TRUE)", "sum(b, na.rm = TRUE)", "sum(i, x, na.rm = TRUE)",
    "sum(c(2147483647L, 1L))", "sum(i)",
    "min(x)", "min(x, na.rm = TRUE)", "max(i, na.rm = TRUE)", "max(b, na.rm = TRUE)", "min(i, 0, na.rm = TRUE)",
    "max(c(NA, NA), na.rm = TRUE)", "range(x, na.rm = TRUE)", "range(i)",
    "x - max(x, na.rm = TRUE)", "i > median(i, na.rm = TRUE)", "ifelse(x > mean(x, na.rm = TRUE), \"hi\", \"lo\")",
]

CASE_WHEN_EXPRESSIONS = [
    "dplyr::case_when(x > 2 ~ \"big\", x > 0 ~ \"small\", TRUE ~ \"neg\")",
    "dplyr::case_when(b ~ i, x > 1 ~ 0L)", "dplyr::case_when(x > 1 ~ x * 2, x < 1 ~ -x)",
    "dplyr::case_when(x > mean(x, na.rm = TRUE) ~ 1L, TRUE ~ 0L)",
    "dplyr::case_when(s == \"a\" ~ TRUE, s == \"b\" ~ FALSE)", "dplyr::case_when(b ~ 1, TRUE ~ x)",
    "dplyr::case_when(is.na(x) ~ -1, x > 1 ~ 1, TRUE ~ 0)",
]

FACTOR_EXPRESSIONS = ["factor(s)", "as.factor(x)", "as.factor(i)", "factor(s, levels = c(\"c\", \"b\"))",
                      "factor(b)", "factor(f)", "as.factor(f)",
                      "cut(x, breaks = c(-Inf, 0, 3, Inf), labels = c(\"lo\", \"mid\", \"hi\"))",
                      "cut(x, c(-2.25, 0, 1.5, 10), include.lowest = TRUE)", "cut(x, c(0, 1.5, 10))",
                      "cut(x, c(-10, 0, 1.5, 10), right = FALSE, include.lowest = TRUE)",
                      "cut(i, c(-5, 1.0001, 1.0002, 5), dig.lab = 2)", "cut(x, c(1e-4, 0.5, 3e5))"]


def _r_results(expressions: list[str]) -> list[dict]:
    script = R_DATA + """
lapply(exprs, function(e) {
  v <- eval(str2lang(e), list(.data = df), enclos = list2env(df))
  list(type = typeof(v), class = class(v),
       levels = if (is.factor(v)) levels(v) else NULL,
       values = if (is.factor(v)) as.character(v) else as.vector(v))
})
"""
    return plain(run_r(script, inputs={"exprs": expressions}))


@pytest.fixture(scope="module")
def r_values() -> dict[str, dict]:
    expressions = EXPRESSIONS + AGGREGATE_EXPRESSIONS + CASE_WHEN_EXPRESSIONS + FACTOR_EXPRESSIONS
    return dict(zip(expressions, _r_results(expressions)))


R_TYPES = {"double": "float64", "integer": "Int32", "logical": "boolean", "character": "object"}


def _decoded(values: list) -> list:
    """R's values with NA and NaN both as None."""
    return [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
            for v in values]


@requires_r()
@pytest.mark.parametrize("expression", EXPRESSIONS + AGGREGATE_EXPRESSIONS + CASE_WHEN_EXPRESSIONS)
def test_matches_r(expression: str, r_values: dict[str, dict]) -> None:
    expected = r_values[expression]
    result = evaluate(parse(expression), DATA)
    assert str(result.dtype) == R_TYPES[expected["type"][0]]
    got = [None if pd.isna(v) else v for v in result.tolist()]
    want = _decoded(expected["values"])
    if len(want) == 1 and len(got) == len(DATA):  # evaluate recycles scalars like mutate
        want = want * len(DATA)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w is None or g is None:
            assert g is None and w is None
        elif isinstance(w, float):
            assert g == w
        else:
            assert g == w


@requires_r()
@pytest.mark.parametrize("expression", FACTOR_EXPRESSIONS)
def test_factors_match_r(expression: str, r_values: dict[str, dict]) -> None:
    expected = r_values[expression]
    result = evaluate(parse(expression), DATA)
    assert list(result.cat.categories) == expected["levels"]
    assert [None if pd.isna(v) else v for v in result.astype(object)] == _decoded(expected["values"])


@requires_r()
def test_aggregates_are_bit_exact_where_rounding_matters() -> None:
    # long-double accumulation (R's mean, var, sum) differs from float64 in the last bits here
    aggregates = ["mean(w)", "sd(w)", "var(w)", "sum(w)", "median(w)", "mean(k)"]
    script = """
w <- 1e12 / (1:1001) + (1:1001) / 9
k <- 2147483L - 1:1001
sapply(aggregates, function(e) eval(str2lang(e)), USE.NAMES = FALSE)
"""
    n = np.arange(1, 1002)
    data = pd.DataFrame({"w": 1e12 / n + n / 9,
                         "k": pd.array(2147483 - n, dtype="Int32")})
    got = [float(evaluate(parse(a), data).iloc[0]) for a in aggregates]
    assert got == run_r(script, inputs={"aggregates": aggregates}).tolist()


def test_n_is_the_batch_size() -> None:
    result = evaluate(parse("i / n()"), DATA)
    assert result.tolist()[:2] == [1 / 6, 2 / 6]


def test_aggregate_arguments_r_would_read_differently_are_refused() -> None:
    # mean(x, 0.1) is a trimmed mean in R, var(x, y) a covariance
    for expression in ("mean(x, 0.1)", "var(x, i)", "mean(x, trim = 0.1)"):
        with pytest.raises(UnsupportedObjectError, match="unsupported arguments"):
            evaluate(parse(expression), DATA)


def test_aggregates_of_text_are_refused() -> None:
    with pytest.raises(UnsupportedObjectError, match="non-numeric"):
        evaluate(parse("mean(s)"), DATA)


@pytest.mark.parametrize("expression, problem", [
    ("dplyr::case_when(x > 1 ~ 1, TRUE ~ 0L)", "first value's type"),  # dplyr 1.0 refuses too
    ("dplyr::case_when(x ~ 1)", "must be logical"),
    ("dplyr::case_when(x > 1, 1)", "two-sided formulas"),
    ("dplyr::case_when(c(TRUE, FALSE) ~ 1, b ~ 0)", "length 1 or 6"),
])
def test_malformed_case_when_is_refused(expression: str, problem: str) -> None:
    with pytest.raises(UnsupportedObjectError, match=problem):
        evaluate(parse(expression), DATA)


def test_log_base_10_is_the_c_librarys_log10_bit_for_bit() -> None:
    values = pd.DataFrame({"x": np.linspace(0.1, 1000, 97)})
    expected = [math.log10(v) for v in values["x"]]  # R's log(x, 10) calls C's log10
    assert np.array_equal(evaluate(parse("log(x, 10)"), values).to_numpy(), expected)


def test_unsupported_function_is_named() -> None:
    with pytest.raises(UnsupportedObjectError, match=r"system\(\)"):
        evaluate(parse('system("ls")'), DATA)


@pytest.mark.parametrize("expression", [
    "evilpkg::c(x)", "evilpkg:::abs(x)", "stats::c(x)", "dplyr::sd(x)", "base::if_else(b, 1, 0)",
    "base::system(\"ls\")"])
def test_namespace_qualified_calls_need_that_packages_semantics(expression: str) -> None:
    # R would call the named package's function, whatever it does: never base's namesake
    name = expression.split("(")[0]
    with pytest.raises(UnsupportedStepError, match=name.replace("::", "::?")):
        evaluate(parse(expression), DATA)


def test_unknown_column_is_a_forge_error() -> None:
    with pytest.raises(ForgeError, match="object 'nope' not found"):
        evaluate(parse("nope + 1"), DATA)


def test_env_values_are_visible_after_columns() -> None:
    result = evaluate(parse("x * k + .env$k"), DATA, env={"k": 2.0, "x": 100.0})
    assert result.tolist()[0] == 1.5 * 2 + 2


def test_character_arithmetic_is_refused() -> None:
    with pytest.raises(UnsupportedObjectError, match="non-numeric"):
        evaluate(parse("s + 1"), DATA)


def test_registry_covers_the_contract() -> None:
    contract = {"+", "-", "*", "/", "^", "%%", "%/%", "==", "!=", "<", ">", "<=", ">=", "&", "|", "!",
                "(", "log", "log10", "log2", "log1p", "exp", "sqrt", "abs", "ifelse", "I", "as.numeric",
                "as.integer", "factor", "as.factor", "pmin", "pmax", "round", "c", "$", "[["}
    assert contract <= set(FUNCTIONS)


def test_stored_poly_coefficients_reproduce_r() -> None:
    # poly(wt, 2) coefficients stored by R in seq_reg_formula_transforms' terms
    expr = parse("poly(wt, 2, coefs = list(alpha = c(3.21725, 3.64463663984411), "
                 "norm2 = c(1, 32, 29.678748, 54.3780576348344)))")
    basis = evaluate(expr, pd.DataFrame({"wt": [2.62, 5.25]}))
    # values R put in the mold for mtcars rows "Mazda RX4" and "Cadillac Fleetwood"
    assert basis.to_numpy() == pytest.approx(np.array([[-0.1096309987, -0.042784149],
                                                      [0.3731308708, 0.316760868]]), abs=1e-9)
