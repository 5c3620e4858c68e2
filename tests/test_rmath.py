"""pykerasnip.rmath against R itself (one R session per module) and known values."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pykerasnip.rmath import (bs_basis, contr_poly, contr_poly_names, make_names, names0,
                              ns_basis, poly_coefs, poly_predict, poly_raw, quantile7,
                              r_sort_strings, spline_design)
from r_oracle import requires_r, run_r
from pykerasnip import rmath
from pykerasnip.rds.nodes import NA_REAL

NAMES = ["a b", "1", "", ".1a", "._", "_a", "if", "TRUE", "x", "x", "x.1", "x", "é b",
         "a-b", "Very Good", "NA", "..", "a$b", "3D"]
NAMES_CLASH = ["a b", "a.b", "1", "X1", "a b", "x y", "x.y.1", "x.y"]
SORT_INPUT = ["b", "A", "a", "B", "_x", "x.y", "Z", "10", "9", "é", "e", "a-b", "ab", "a b",
              "a_b", "aB", "Ab", "a.b", "a1", "a10", "a9", "ä", "á", "ab-", "Ab-", "Z9", "z",
              "North_Ames", "Northridge", "Northpark_Villa", "NoRidge", "$x", "(x)", "~"]
X = [3.2, -1.5, 0.25, 7.75, 7.75, 2.0, 10.5, -4.0, 5.5, 1.0]
NEW_X = [-6.0, -4.0, 0.0, 2.5, 10.5, 12.0]
KNOTS = [0.5, 4.0]
BOUNDARY = [-4.0, 10.5]

R_TRUTH = f"""
num <- function(x) as.vector(x)  # the doubles without dim or names
x <- c({", ".join(map(str, X))}); nx <- c({", ".join(map(str, NEW_X))})
kn <- c({", ".join(map(str, KNOTS))}); bd <- c({", ".join(map(str, BOUNDARY))})
p <- poly(x, 3)
out <- list(
  names = make.names(c({", ".join(f'"{n}"' for n in NAMES)}, NA)),
  unique = make.names(c({", ".join(f'"{n}"' for n in NAMES)}), unique = TRUE),
  unique_clash = make.names(c({", ".join(f'"{n}"' for n in NAMES_CLASH)}), unique = TRUE),
  sort = sort(c({", ".join(f'"{n}"' for n in SORT_INPUT)})),
  contr = lapply(2:12, function(n) num(contr.poly(n))),
  contr_names = colnames(contr.poly(6)),
  quantile = num(quantile(x, c(0, 0.1, 1/3, 0.5, 0.9, 1))),
  alpha = num(attr(p, "coefs")$alpha), norm2 = num(attr(p, "coefs")$norm2),
  poly = num(predict(p, nx)),
  ns = num(splines::ns(nx, knots = kn, Boundary.knots = bd)),
  ns_int = num(splines::ns(nx, knots = kn, Boundary.knots = bd, intercept = TRUE)),
  ns_noknots = num(splines::ns(nx, knots = numeric(), Boundary.knots = bd)),
  bs = num(suppressWarnings(splines::bs(nx, knots = kn, Boundary.knots = bd))),
  bs2 = num(suppressWarnings(splines::bs(nx, degree = 2, knots = kn, Boundary.knots = bd,
                                         intercept = TRUE))),
  design = num(splines::splineDesign(c(rep(bd[1], 4), kn, rep(bd[2], 4)),
                                     c(-4, 1, 10.5, 1, 10.5, -4), 4, c(0, 1, 2, 3, 2, 1)))
)
out
"""


@pytest.fixture(scope="module")
def truth() -> dict:
    """R's values by name: character vectors as lists (NA = None), doubles as arrays."""
    return {name: value.tolist() if isinstance(value, np.ndarray) and value.dtype == object
            else value for name, value in run_r(R_TRUTH).items()}


def as_floats(values: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
    out = np.asarray(values, dtype=float)
    return out if shape is None else out.reshape(shape, order="F")


@requires_r("splines")
def test_make_names_matches_r(truth: dict) -> None:
    assert make_names(NAMES + [None]) == truth["names"]
    assert make_names(NAMES, unique=True) == truth["unique"]
    assert make_names(NAMES_CLASH, unique=True) == truth["unique_clash"]


def test_make_names_known_values() -> None:
    assert make_names(["Very Good", "1", "if", None]) == ["Very.Good", "X1", "if.", "NA."]
    assert make_names(["x", "x", "x.1", "x"], unique=True) == ["x", "x.2", "x.1", "x.3"]
    assert make_names(["a b", "a.b"], unique=True) == ["a.b.1", "a.b"]


def test_names0_pads_to_the_widest_index() -> None:
    assert names0(3, "_") == ["_1", "_2", "_3"]
    assert names0(10, "")[0] == "01"


@requires_r("splines")
def test_sort_matches_r_collation(truth: dict) -> None:
    assert r_sort_strings(SORT_INPUT + [None]) == truth["sort"]


@requires_r("splines")
def test_contr_poly_matches_r(truth: dict) -> None:
    for n, expected in zip(range(2, 13), truth["contr"]):
        np.testing.assert_array_equal(contr_poly(n), as_floats(expected, (n, n - 1)))
    assert contr_poly_names(6) == truth["contr_names"]


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=2, max_value=40))
def test_contr_poly_is_orthonormal_and_centred(n: int) -> None:
    c = contr_poly(n)
    np.testing.assert_allclose(c.T @ c, np.eye(n - 1), atol=1e-10)
    np.testing.assert_allclose(c.sum(axis=0), 0, atol=1e-10)


@requires_r("splines")
def test_quantile7_matches_r(truth: dict) -> None:
    np.testing.assert_array_equal(quantile7(X, [0, 0.1, 1 / 3, 0.5, 0.9, 1]),
                                  as_floats(truth["quantile"]))


@requires_r("splines")
def test_poly_coefs_and_prediction_match_r(truth: dict) -> None:
    alpha, norm2 = poly_coefs(np.array(X), 3)
    np.testing.assert_array_equal(alpha, as_floats(truth["alpha"]))
    np.testing.assert_array_equal(norm2, as_floats(truth["norm2"]))
    predicted = poly_predict(np.array(NEW_X), as_floats(truth["alpha"]), as_floats(truth["norm2"]))
    np.testing.assert_array_equal(predicted, as_floats(truth["poly"], (6, 3)))


def test_poly_prediction_keeps_na_rows() -> None:
    out = poly_predict(np.array([1.0, np.nan]), [1.0, 2.0], [1.0, 2.0, 3.0, 4.0])
    assert np.isnan(out[1]).all() and not np.isnan(out[0]).any()
    np.testing.assert_array_equal(poly_raw(np.array([2.0, 3.0]), 3), [[2, 4, 8], [3, 9, 27]])


@requires_r("splines")
@pytest.mark.parametrize("key, fn, ncol", [
    ("ns", lambda x: ns_basis(x, KNOTS, BOUNDARY), 3),
    ("ns_int", lambda x: ns_basis(x, KNOTS, BOUNDARY, intercept=True), 4),
    ("ns_noknots", lambda x: ns_basis(x, [], BOUNDARY), 1),
    ("bs", lambda x: bs_basis(x, KNOTS, BOUNDARY), 5),
    ("bs2", lambda x: bs_basis(x, KNOTS, BOUNDARY, degree=2, intercept=True), 5),
])
def test_spline_bases_match_r_inside_and_beyond_the_boundary(truth: dict, key: str, fn, ncol: int) -> None:
    np.testing.assert_array_equal(fn(np.array(NEW_X)), as_floats(truth[key], (6, ncol)))


@requires_r("splines")
def test_spline_design_derivatives_match_r(truth: dict) -> None:
    knots = [BOUNDARY[0]] * 4 + KNOTS + [BOUNDARY[1]] * 4
    got = spline_design(knots, [-4, 1, 10.5, 1, 10.5, -4], 4, [0, 1, 2, 3, 2, 1])
    np.testing.assert_array_equal(got, as_floats(truth["design"], (6, 6)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=-4, max_value=10.5), min_size=1, max_size=20))
def test_bspline_basis_with_intercept_sums_to_one_inside(x: list[float]) -> None:
    basis = bs_basis(np.array(x), KNOTS, BOUNDARY, intercept=True)
    np.testing.assert_allclose(basis.sum(axis=1), 1.0, atol=1e-12)


def test_spline_bases_keep_na_rows() -> None:
    for basis in (ns_basis(np.array([np.nan, 1.0]), KNOTS, BOUNDARY),
                  bs_basis(np.array([np.nan, 1.0]), KNOTS, BOUNDARY)):
        assert np.isnan(basis[0]).all() and not np.isnan(basis[1]).any()


def test_na_rm_reductions_ignore_r_na_reals():
    # R's NA_real_ is a signalling NaN: np.nanmin/np.nanmax return 10, 10 here
    x = np.array([0.0, NA_REAL, 10.0])
    assert rmath.na_rm_range(x).tolist() == [0.0, 10.0]          # range(c(0, NA, 10), na.rm = TRUE)
    assert np.isnan(rmath.na_rm_range(np.array([NA_REAL]))).all()
    got = rmath.r_parallel(False, np.array([NA_REAL, 3.0, 1.0]), np.array([2.0, NA_REAL, 5.0]), na_rm=True)
    assert got.tolist() == [2.0, 3.0, 1.0]                         # pmin(c(NA, 3, 1), c(2, NA, 5), na.rm = TRUE)


def test_r_var_rounds_as_r_var() -> None:
    """300 R-made vectors (tests/r/make_rmath_truth.R): ``var(x, na.rm = TRUE)`` to the bit."""
    from pykerasnip.rds import load

    truth = load(Path(__file__).parent / "data" / "rmath" / "var.rds")
    xs, expected = truth["x"].data, truth["var"].data
    assert len(xs) == 302
    got = [rmath.r_var(np.asarray(x.data, dtype=float)) for x in xs]
    np.testing.assert_array_equal(np.array(got), np.asarray(expected))


def test_poly_raw_is_r_poly_raw_to_the_bit() -> None:
    """``poly(x, 5, raw = TRUE)`` made by R (tests/r/make_rmath_truth.R): squares are
    ``x * x``, other powers C's ``pow``, as R's ``^`` computes them."""
    from pykerasnip.rds import load

    truth = load(Path(__file__).parent / "data" / "rmath" / "poly_raw.rds")
    x = np.asarray(truth["x"].data, dtype=float)
    expected = np.asarray(truth["raw"].data, dtype=float).reshape((len(x), 5), order="F")
    np.testing.assert_array_equal(rmath.poly_raw(x, 5), expected)


def test_poly_coefs_are_r_poly_coefs_to_the_bit() -> None:
    """``attr(poly(x, degree), "coefs")`` of 121 R-made vectors (tests/r/make_rmath_truth.R):
    R's mean, LINPACK's QR over the reference BLAS and long-double column sums."""
    from pykerasnip.rds import load

    truth = load(Path(__file__).parent / "data" / "rmath" / "poly_coefs.rds")
    cases = list(zip(*(truth[k].data for k in ("x", "degree", "alpha", "norm2"))))
    assert len(cases) == 121
    for x, degree, alpha, norm2 in cases:
        got = rmath.poly_coefs(np.asarray(x.data, dtype=float), int(degree))
        np.testing.assert_array_equal(got[0], np.asarray(alpha.data))
        np.testing.assert_array_equal(got[1], np.asarray(norm2.data))


@pytest.mark.parametrize(("name", "nin", "finite"),
                         [("sin", 1, False), ("cos", 1, False), ("exp", 1, False), ("log", 1, False),
                          ("tanh", 1, False), ("asinh", 1, False), ("atan2", 2, False),
                          ("atan2", 2, True), ("pow", 2, False)])
def test_libm_is_the_c_librarys_function_bit_for_bit(name, nin, finite):
    """Whichever implementation libm picks (NumPy's loop, numexpr's or math's), every
    result is the C library's, also off the probe and out of the domain."""
    import math

    rng = np.random.default_rng(77)
    args = [np.concatenate([rng.standard_normal(3000) * s for s in (0.1, 2.0, 50.0, 1e4)])
            for _ in range(nin)]

    def c_library(*values):
        try:
            return getattr(math, name)(*values)
        except (ValueError, OverflowError):  # domain and range errors: not compared
            return None
    want = np.array([c_library(*v) for v in zip(*(a.tolist() for a in args))], dtype=object)
    got = rmath.libm(name, nin, finite)(*args)
    checked = np.array([w is not None for w in want])
    assert checked.mean() > 0.4
    np.testing.assert_array_equal(got[checked], want[checked].astype("f8"), err_msg=name)
    assert rmath.libm(name, nin, finite)(*(a[:1].reshape(()) for a in args)).shape == ()
