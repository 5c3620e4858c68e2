"""Judging Python-written files with the real R kerasnip stack (the R peer).

``check_python_artifact.R`` (in the shared tools) reads a file with R's ``readRDS()``,
unbundles it, predicts every type of the model's mode on a CSV of new data and compares
with ``expected_<type>.csv``. These helpers write what it needs -- the new data in the
fixtures' CSV conventions, its column types as JSON, Python's own predictions -- and run
it in the R peer (:mod:`r_oracle`'s ``"peer"`` stack: the env file ``PYKERASNIP_R_PEER``
names).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

import pykerasnip as pk
from conftest import ROOT
from pykerasnip.convert import from_pandas
from pykerasnip.factor import level_label
from pykerasnip.rds import nodes as n
from r_oracle import RError, run_command

CHECK_SCRIPT = ROOT.parent / "shared" / "tools" / "check_python_artifact.R"
#: the R packages check_python_artifact.R attaches
CHECK_PACKAGES = ("kerasnip", "workflows", "recipes", "parsnip", "hardhat", "bundle")
#: check_python_artifact.R's --seed (its default): the seed of the Monte Carlo intervals
SEED = 1


#: R vector type -> the class R reports for it unclassed
_IMPLICIT_CLASS = {n.Real: "numeric", n.Integer: "integer", n.Logical: "logical",
                   n.Str: "character"}


def coltypes(frame: pd.DataFrame) -> list[dict]:
    """``{name, r_class, levels}`` per column, as the manifest's ``new_data.columns``: the
    classes ``write_rds`` gives the columns."""
    node = from_pandas(frame)
    types = []
    for name, column in zip(node.names, node.data):
        levels = column.attr("levels")
        types.append({"name": name,
                      "r_class": list(column.classes) or [_IMPLICIT_CLASS[type(column)]],
                      "levels": None if levels is None else list(levels.data)})
    return types


def _double_text(x: float) -> str:
    if math.isnan(x):
        return "NA"
    return repr(float(x))  # the shortest text that reads back to the same double


def _datetime_texts(column: pd.Series, r_class: list[str]) -> list[str]:
    """Dates as YYYY-MM-DD; date-times in UTC as check_python_artifact.R parses them."""
    if "Date" in r_class:
        return list(column.dt.strftime("%Y-%m-%d").fillna("NA"))
    if column.dt.tz is not None:
        column = column.dt.tz_convert("UTC")
    return list(column.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").fillna("NA"))


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _double_text(value)
    return '"' + str(value).replace('"', '""') + '"'


def _cell_texts(column: pd.Series, r_class: list[str]) -> list[str]:
    if isinstance(column.dtype, pd.CategoricalDtype):  # as R's levels (write_rds's)
        column = column.cat.rename_categories([level_label(c) for c in column.cat.categories])
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return _datetime_texts(column, r_class)
    if pd.api.types.is_float_dtype(column.dtype):
        return [_double_text(x) for x in column.to_numpy(dtype=np.float64, na_value=np.nan)]
    return [_text(value) for value in column.astype(object)]


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` in the fixtures' CSV conventions: header row, ``NA`` for missing,
    doubles read back exactly, factors and text quoted as labels, Dates as YYYY-MM-DD."""
    columns = [_cell_texts(frame[t["name"]], t["r_class"]) for t in coltypes(frame)]
    lines = [",".join(frame.columns)]
    lines += [",".join(row) for row in zip(*columns)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def python_predictions(obj: object, new_data: pd.DataFrame, types: tuple[str, ...],
                       level: float = 0.95) -> dict[str, pd.DataFrame]:
    """Python's prediction of every type in ``types`` (seeded as the R check seeds;
    ``level`` for the intervals)."""
    model = pk.unbundle(obj)
    return {kind: model.predict(new_data, type=kind, seed=SEED, level=level) for kind in types}


def prepare_case(name: str, obj: object, new_data: pd.DataFrame, types: tuple[str, ...],
                 folder: Path, level: float = 0.95) -> dict[str, Path]:
    """Write the new data, its column types and the expected predictions under
    ``folder/name``; the paths the check needs."""
    case = folder / name
    case.mkdir(parents=True, exist_ok=True)
    write_csv(new_data, case / "new_data.csv")
    (case / "coltypes.json").write_text(json.dumps(coltypes(new_data)))
    for kind, frame in python_predictions(obj, new_data, types, level).items():
        write_csv(frame, case / f"expected_{kind}.csv")
    return {"csv": case / "new_data.csv", "coltypes": case / "coltypes.json", "compare": case,
            "out": case / "r"}


def run_check(model: Path, paths: dict[str, Path], types: tuple[str, ...], *,
              stack: str = "peer", tolerance: float | None = None, level: float = 0.95) -> dict:
    """Run ``check_python_artifact.R`` (predict ``types``, intervals at ``level``) in
    ``stack`` (the R peer by default; ``tolerance``: its --tolerance, 1e-6 when None, 0
    for bit equality); its report, with R's stderr tail under ``"stderr"``."""
    argv = ["Rscript", CHECK_SCRIPT, model, paths["csv"], paths["out"], f"--seed={SEED}",
            f"--level={level!r}",
            f"--coltypes={paths['coltypes']}", f"--compare={paths['compare']}",
            f"--types={','.join(types)}"]
    if tolerance is not None:
        argv.append(f"--tolerance={tolerance!r}")
    try:
        stderr = run_command(argv, stack=stack, timeout=600).stderr
    except RError as exc:  # the report (when written) says what failed
        stderr = exc.stderr
    report_file = paths["out"] / "report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    report["stderr"] = stderr[-3000:]
    return report


def failures(report: dict) -> list[str]:
    """What went wrong in a report: load errors, failed types, mismatches."""
    if "predictions" not in report:
        return [f"did not load: {report['stderr']}"]
    problems = []
    for kind, entry in report["predictions"].items():
        if not entry.get("ok"):
            problems.append(f"{kind}: {entry.get('error')}")
        elif not isinstance(entry.get("compare"), dict) or not entry["compare"].get("match"):
            problems.append(f"{kind}: differs from Python {entry.get('compare')}")
    return problems
