"""Ground truth from R for the recipe-step tests: bake a fixture's recipe one step at a
time with the installed recipes package, prep and bake small recipes in R, and bake
Python-written steps in R. Frames cross through :mod:`r_oracle` (RDS both ways, so
values and R's column types are exact) and come back in the project's pandas mapping.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conftest import FIXTURES
from pykerasnip.convert import from_pandas
from r_oracle import run_r

# Bake fixture recipes step by step: for each requested step i, the data after steps
# 1..i-1 ("input") and after 1..i ("output", NULL when R cannot bake step i), on the
# fixture's new data cast to the blueprint's predictor prototypes as hardhat::forge
# does first (novel factor levels become NA).
R_STEPWISE = r"""
w <- suppressWarnings(readRDS(file.path(case_dir, "workflow.rds")))
rec <- w$pre$mold$blueprint$recipe
pt <- w$pre$mold$blueprint$ptypes$predictors
nd <- suppressWarnings(hardhat::scream(hardhat::shrink(readRDS(file.path(case_dir, "new_data.rds")),
                                                       pt), pt))
bake_to <- function(n) { r <- rec; r$steps <- rec$steps[seq_len(n)]; suppressWarnings(bake(r, nd)) }
lapply(steps, function(i)
  list(input = bake_to(i - 1), output = tryCatch(bake_to(i), error = function(e) NULL)))
"""

#: what the step tests attach in R
PACKAGES = ("recipes",)


def fixture_step(case: str, index: int) -> Any:
    """The trained step (1-based ``index``) R saved in a fixture's workflow, read in Python."""
    from pykerasnip.convert import r_get
    from pykerasnip.rds import load
    from pykerasnip.recipes.steps.base import step_class_for

    root = load(FIXTURES / case / "workflow.rds")
    node = r_get(root, "pre", "mold", "blueprint", "recipe", "steps", index - 1)
    return step_class_for(node).from_r(node)


def bake_saved_recipe(path: Path, data: pd.DataFrame) -> pd.DataFrame:
    """Read every step of a recipe R saved and bake ``data`` through them in Python."""
    from pykerasnip.convert import r_get
    from pykerasnip.rds import load
    from pykerasnip.recipes.steps.base import step_class_for

    for node in r_get(load(path), "steps").data:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = step_class_for(node).from_r(node).bake(data)
    return data


def stepwise(case_dir: Path, steps: list[int]) -> dict[int, tuple[pd.DataFrame, Any]]:
    """{step index (1-based): (data before the step, data after it or None)} as R bakes
    them."""
    result = run_r(R_STEPWISE, inputs={"case_dir": case_dir, "steps": np.array(steps, "i4")},
                   packages=(*PACKAGES, "timeDate"))
    return {i: (r["input"], r["output"]) for i, r in zip(steps, result)}


def r_prep_bake(train: pd.DataFrame, new: pd.DataFrame, steps: str,
                strings_as_factors: bool = False, save_to: Path | None = None) -> pd.DataFrame:
    """Prep ``recipe(~ ., train) |> <steps>`` with R's recipes and bake ``new`` (the frames
    go to R as tibbles), saving the prepped recipe with ``saveRDS`` when ``save_to`` is
    given."""
    code = f"""
    rec <- prep(recipe(~ ., data = train) |> {steps}, training = train,
                strings_as_factors = {str(strings_as_factors).upper()})
    if (nzchar(save_to)) saveRDS(rec, save_to)
    suppressWarnings(bake(rec, new))
    """
    return run_r(code, packages=PACKAGES,
                 inputs={"train": from_pandas(train, tibble=True), "new": from_pandas(new, tibble=True),
                         "save_to": str(save_to or "")})


def term_info(df: pd.DataFrame) -> pd.DataFrame:
    """A minimal recipes term_info for ``df`` (every column a predictor)."""
    return pd.DataFrame({"variable": list(df.columns), "type": [["other"]] * df.shape[1],
                         "role": "predictor", "source": "original"})


def assert_frames_match(py: pd.DataFrame, r: pd.DataFrame, atol: float = 1e-12) -> None:
    """Same columns in the same order, same types and values (doubles to ``atol``)."""
    assert list(py.columns) == list(r.columns)
    for name in r.columns:
        got, want = py[name].reset_index(drop=True), r[name]
        if isinstance(want.dtype, pd.CategoricalDtype):
            assert isinstance(got.dtype, pd.CategoricalDtype), name
            assert list(got.cat.categories) == list(want.cat.categories), name
            assert got.cat.ordered == want.cat.ordered, name
            assert got.astype(object).where(got.notna(), None).tolist() == \
                want.astype(object).where(want.notna(), None).tolist(), name
        elif want.dtype == object and len(want) and isinstance(want.dropna().iloc[0], np.ndarray):
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=0, atol=atol, err_msg=name)
        elif pd.api.types.is_float_dtype(want):
            assert pd.api.types.is_float_dtype(got), name
            np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(), rtol=0,
                                       atol=atol, err_msg=name)
        else:
            assert str(got.dtype) == str(want.dtype) or want.dtype == object, (name, got.dtype)
            assert got.astype(object).where(got.notna(), None).tolist() == \
                want.astype(object).where(want.notna(), None).tolist(), name


def r_bake_python_steps(steps: list[Any], new: pd.DataFrame) -> pd.DataFrame:
    """Write Python steps for R (``to_r``) and bake ``new`` through them with R's recipes."""
    from pykerasnip.rds import build as b

    code = "for (step in steps) new <- suppressWarnings(bake(step, new))\nnew"
    return run_r(code, packages=PACKAGES,
                 inputs={"steps": b.r_list([step.to_r() for step in steps]),
                         "new": from_pandas(new, tibble=True)})
