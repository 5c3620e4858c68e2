"""The splines2 steps (step_spline_b, _convex, _monotone, _natural, _nonnegative and
step_poly_bernstein) against the recipes 1.3.2 ground truth (tests/data/steps), bit for
bit: the bases are splines2's own arithmetic (pykerasnip.recipes.splines2)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError
from steps_truth import Case, make_tests, r_recipe, truth_frame

CASES = [
    Case("spline_b", "y ~ .", lambda r: r.step_spline_b("a", "b")),
    Case("spline_b_options", "y ~ .", lambda r: r.step_spline_b(
        "a", "c", deg_free=5, degree=2, complete_set=True, keep_original_cols=True)),
    Case("spline_b_knots", "y ~ .", lambda r: r.step_spline_b(
        "a", degree=1, options={"knots": [2, 5.5, 8]})),
    Case("spline_b_deriv", "y ~ .", lambda r: r.step_spline_b(
        "a", deg_free=6, options={"derivs": 1, "Boundary.knots": [-1, 11]})),
    Case("spline_b_integral", "y ~ .", lambda r: r.step_spline_b(
        "c", deg_free=4, degree=0, options={"integral": True})),
    Case("spline_convex", "y ~ .", lambda r: r.step_spline_convex("a", "c")),
    Case("spline_convex_options", "y ~ .", lambda r: r.step_spline_convex(
        "a", deg_free=4, degree=2, complete_set=False, keep_original_cols=True)),
    Case("spline_convex_unscaled", "y ~ .", lambda r: r.step_spline_convex(
        "c", deg_free=5, options={"scale": False})),
    Case("spline_monotone", "y ~ .", lambda r: r.step_spline_monotone("a", "b")),
    Case("spline_monotone_options", "y ~ .", lambda r: r.step_spline_monotone(
        "c", deg_free=6, degree=2, complete_set=False, options={"Boundary.knots": [-1.2, 1.2]},
        keep_original_cols=True)),
    Case("spline_natural", "y ~ .", lambda r: r.step_spline_natural("a", "c")),
    Case("spline_natural_options", "y ~ .", lambda r: r.step_spline_natural(
        "a", deg_free=3, complete_set=True, options={"knots": [3, 6]}, keep_original_cols=True)),
    Case("spline_nonnegative", "y ~ .", lambda r: r.step_spline_nonnegative("a", "b")),
    Case("spline_nonnegative_periodic", "y ~ .", lambda r: r.step_spline_nonnegative(
        "c", deg_free=6, degree=2, options={"periodic": True})),
    Case("spline_nonnegative_options", "y ~ .", lambda r: r.step_spline_nonnegative(
        "a", deg_free=7, degree=4, complete_set=True, options={"integral": True},
        keep_original_cols=True)),
    Case("poly_bernstein", "y ~ .", lambda r: r.step_poly_bernstein("a", "c")),
    Case("poly_bernstein_options", "y ~ .", lambda r: r.step_poly_bernstein(
        "b", degree=3, complete_set=True, options={"derivs": 1}, keep_original_cols=True)),
]

globals().update(make_tests(CASES))
