"""Ground truth from R for the recipe-step tests: run R code, and bake a fixture's
recipe one step at a time with the installed recipes package.

Frames travel as JSON with R's column types (doubles as 17-digit strings, so values
round-trip exactly) and are rebuilt with the project's pandas mapping.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

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
# 1..i-1 ("input") and after 1..i ("output"), on the fixture's new data.
R_STEPWISE = r"""
suppressPackageStartupMessages({library(recipes); library(timeDate)})
args <- commandArgs(trailingOnly = TRUE)
w <- suppressWarnings(readRDS(file.path(args[1], "workflow.rds")))
rec <- w$pre$mold$blueprint$recipe
nd <- readRDS(file.path(args[1], "new_data.rds"))
bake_to <- function(n) { r <- rec; r$steps <- rec$steps[seq_len(n)]; suppressWarnings(bake(r, nd)) }
out <- lapply(as.integer(strsplit(args[3], ",")[[1]]), function(i)
  list(step = i, input = frame_json(bake_to(i - 1)), output = frame_json(bake_to(i))))
writeLines(toJSON(out, auto_unbox = TRUE, null = "null", na = "null", digits = NA), args[2])
"""


def run_r(code: str, *args: str) -> str:
    """Run an R script (with :data:`R_FRAME_JSON` loaded) and return its stdout."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
        script.write(R_FRAME_JSON + code)
    done = subprocess.run(["Rscript", script.name, *args], capture_output=True, text=True,
                          timeout=300)
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
    "character": lambda c: np.array(c["values"], dtype=object),
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


def stepwise(case_dir: Path, steps: list[int]) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """{step index (1-based): (data before the step, data after it)} as R bakes them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stepwise.json"
        run_r(R_STEPWISE, str(case_dir), str(out), ",".join(map(str, steps)))
        result = json.loads(out.read_text())
    return {r["step"]: (frame_from_json(r["input"]), frame_from_json(r["output"]))
            for r in result}
