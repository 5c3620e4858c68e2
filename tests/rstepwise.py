"""Ground truth from R for the recipe-step tests: run R code, and bake a fixture's
recipe one step at a time with the installed recipes package.

Frames travel as JSON with R's column types (doubles as 17-digit strings, so values
round-trip exactly) and are rebuilt with the project's pandas mapping.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conftest import FIXTURES

# R side: a data frame as JSON, column by column, keeping R's types exactly.
R_FRAME_JSON = r"""
suppressPackageStartupMessages({library(jsonlite)})
col_json <- function(x) {
  cls <- class(x)[1]
  if (is.factor(x)) return(list(type = "factor", levels = levels(x), ordered = is.ordered(x),
                                values = as.character(x)))
  if (inherits(x, "Date")) return(list(type = "Date", values = format(x, "%Y-%m-%d")))
  if (is.list(x)) return(list(type = "list", values = lapply(x, function(m)
    list(dim = dim(m), values = sprintf("%.17g", as.vector(m))))))
  if (is.double(x)) return(list(type = "double", values = ifelse(is.na(x), NA, sprintf("%.17g", x))))
  if (is.integer(x)) return(list(type = "integer", values = x))
  if (is.logical(x)) return(list(type = "logical", values = x))
  list(type = "character", values = x)
}
frame_json <- function(df) lapply(as.list(df), col_json)
"""

# Bake fixture recipes step by step: for each requested step i, the data after steps
# 1..i-1 ("input") and after 1..i ("output", NULL when R cannot bake step i), on the
# fixture's new data cast to the blueprint's predictor prototypes as hardhat::forge
# does first (novel factor levels become NA).
R_STEPWISE = r"""
suppressPackageStartupMessages({library(recipes); library(timeDate)})
args <- commandArgs(trailingOnly = TRUE)
w <- suppressWarnings(readRDS(file.path(args[1], "workflow.rds")))
rec <- w$pre$mold$blueprint$recipe
pt <- w$pre$mold$blueprint$ptypes$predictors
nd <- suppressWarnings(hardhat::scream(hardhat::shrink(readRDS(file.path(args[1], "new_data.rds")),
                                                       pt), pt))
bake_to <- function(n) { r <- rec; r$steps <- rec$steps[seq_len(n)]; suppressWarnings(bake(r, nd)) }
out <- lapply(as.integer(strsplit(args[3], ",")[[1]]), function(i)
  list(step = i, input = frame_json(bake_to(i - 1)),
       output = tryCatch(frame_json(bake_to(i)), error = function(e) NULL)))
writeLines(toJSON(out, auto_unbox = TRUE, null = "null", na = "null", digits = NA), args[2])
"""


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


def run_r(code: str, *args: str) -> str:
    """Run an R script (with :data:`R_FRAME_JSON` loaded) and return its stdout."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
        script.write(R_FRAME_JSON + code)
    # a fixed TZ spares R's Sys.timezone() the call to timedatectl
    done = subprocess.run(["Rscript", script.name, *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TZ": "UTC"})
    Path(script.name).unlink()
    if done.returncode:
        raise RuntimeError(f"R failed:\n{done.stderr[-2000:]}")
    return done.stdout


def r_json(code: str) -> object:
    """Evaluate R code whose last printed line is JSON (``cat(toJSON(...))``)."""
    return json.loads(run_r(code))


def _doubles(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _matrices(values: list) -> np.ndarray:
    cells = np.empty(len(values), dtype=object)
    cells[:] = [_doubles(m["values"]).reshape(m["dim"], order="F") for m in values]
    return cells


COLUMN_BUILDERS = {
    "double": lambda c: _doubles(c["values"]),
    "integer": lambda c: pd.array(c["values"], dtype="Int32"),
    "logical": lambda c: pd.array(c["values"], dtype="boolean"),
    "character": lambda c: pd.Series(c["values"], dtype=object),
    "Date": lambda c: pd.to_datetime(pd.Series(c["values"], dtype=object)).to_numpy(),
    "factor": lambda c: pd.Categorical.from_codes(
        [c["levels"].index(v) if v is not None else -1 for v in c["values"]],
        categories=pd.Index(c["levels"], dtype=object), ordered=c["ordered"]),
    "list": lambda c: _matrices(c["values"]),
}


def frame_from_json(columns: dict) -> pd.DataFrame:
    """A pandas frame from :data:`R_FRAME_JSON` output (the project's type mapping)."""
    return pd.DataFrame({name: COLUMN_BUILDERS[col["type"]](col)
                         for name, col in columns.items()})


def stepwise(case_dir: Path, steps: list[int]) -> dict[int, tuple[pd.DataFrame, Any]]:
    """{step index (1-based): (data before the step, data after it or None)} as R bakes
    them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stepwise.json"
        run_r(R_STEPWISE, str(case_dir), str(out), ",".join(map(str, steps)))
        result = json.loads(out.read_text())
    return {r["step"]: (frame_from_json(r["input"]),
                        r["output"] and frame_from_json(r["output"])) for r in result}


def _r_values(column: pd.Series) -> str:
    if isinstance(column.dtype, pd.CategoricalDtype):
        levels = ", ".join(f'"{v}"' for v in column.cat.categories)
        return (f"factor({_r_values(column.astype(object))}, levels = c({levels}), "
                f"ordered = {str(bool(column.cat.ordered)).upper()})")
    if pd.api.types.is_datetime64_any_dtype(column):
        return f"as.Date({_r_values(column.dt.strftime('%Y-%m-%d').astype(object))})"
    if pd.api.types.is_integer_dtype(column):
        return "c(" + ", ".join("NA" if pd.isna(v) else f"{int(v)}L" for v in column) + ")"
    if pd.api.types.is_float_dtype(column):
        return "c(" + ", ".join("NA" if pd.isna(v) else repr(float(v)) for v in column) + ")"
    return "c(" + ", ".join("NA" if pd.isna(v) else f'"{v}"' for v in column) + ")"


def r_literal(df: pd.DataFrame) -> str:
    """R code that builds ``df`` as a tibble (factors, Dates, integers, NA kept)."""
    columns = ", ".join(f"`{name}` = {_r_values(df[name])}" for name in df.columns)
    return f"tibble::tibble({columns})"


def r_prep_bake(train: pd.DataFrame, new: pd.DataFrame, steps: str,
                strings_as_factors: bool = False, save_to: Path | None = None) -> pd.DataFrame:
    """Prep ``recipe(~ ., train) |> <steps>`` with R's recipes and bake ``new``
    (saving the prepped recipe with ``saveRDS`` when ``save_to`` is given)."""
    save = f'saveRDS(rec, "{save_to}")' if save_to else ""
    code = f"""
    suppressPackageStartupMessages(library(recipes))
    train <- {r_literal(train)}
    new <- {r_literal(new)}
    rec <- prep(recipe(~ ., data = train) |> {steps}, training = train,
                strings_as_factors = {str(strings_as_factors).upper()})
    {save}
    cat(toJSON(frame_json(suppressWarnings(bake(rec, new))), auto_unbox = TRUE,
               null = "null", na = "null", digits = NA))
    """
    return frame_from_json(json.loads(run_r(code)))


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
    from pykerasnip.rds import dump

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "steps.rds"
        dump(b.r_list([step.to_r() for step in steps]), path)
        code = f"""
        suppressPackageStartupMessages(library(recipes))
        data <- {r_literal(new)}
        for (step in readRDS("{path}")) data <- suppressWarnings(bake(step, data))
        cat(toJSON(frame_json(data), auto_unbox = TRUE, null = "null", na = "null", digits = NA))
        """
        return frame_from_json(json.loads(run_r(code)))
