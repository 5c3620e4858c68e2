"""Judging Python-written files with the real R kerasnip stack (the R peer).

``check_python_artifact.R`` (in the shared tools) reads a file with R's ``readRDS()``,
unbundles it, predicts every type of the model's mode on a CSV of new data and compares
with ``expected_<type>.csv``. These helpers write what it needs -- the new data in the
fixtures' CSV conventions, its column types as JSON, Python's own predictions -- and run
it in the environment an env file sets up (``PYKERASNIP_R_PEER``).
"""
from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

import pykerasnip as pk
from conftest import ROOT

#: the environment variable naming the shell file that sets up the R peer
ENV_VARIABLE = "PYKERASNIP_R_PEER"
CHECK_SCRIPT = ROOT.parent / "shared" / "tools" / "check_python_artifact.R"
#: check_python_artifact.R's --seed (its default): the seed of the Monte Carlo intervals
SEED = 1

#: mode -> the predict types check_python_artifact.R runs by default
PREDICT_TYPES = {"regression": ("numeric", "conf_int", "pred_int"),
                 "classification": ("class", "prob", "conf_int", "pred_int")}


def peer_env_file() -> Path | None:
    """The R peer's env file when the opt-in variable names one."""
    value = os.environ.get(ENV_VARIABLE)
    return Path(value) if value else None


def _r_class(column: pd.Series) -> list[str]:
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return ["ordered", "factor"] if dtype.ordered else ["factor"]
    if pd.api.types.is_bool_dtype(dtype):
        return ["logical"]
    if pd.api.types.is_integer_dtype(dtype):
        return ["integer"]
    if pd.api.types.is_float_dtype(dtype):
        return ["numeric"]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return ["POSIXct", "POSIXt"]
    return ["character"]


def coltypes(frame: pd.DataFrame) -> list[dict]:
    """``{name, r_class, levels}`` per column, as the manifest's ``new_data.columns``."""
    return [{"name": name, "r_class": _r_class(frame[name]),
             "levels": (list(frame[name].cat.categories)
                        if isinstance(frame[name].dtype, pd.CategoricalDtype) else None)}
            for name in frame.columns]


def _double_text(x: float) -> str:
    if math.isnan(x):
        return "NA"
    return repr(float(x))  # the shortest text that reads back to the same double


def _cell_texts(column: pd.Series) -> list[str]:
    if pd.api.types.is_float_dtype(column.dtype):
        return [_double_text(x) for x in column.to_numpy(dtype=np.float64, na_value=np.nan)]
    texts = []
    for value in column.astype(object):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            texts.append("NA")
        elif isinstance(value, (bool, np.bool_)):
            texts.append("TRUE" if value else "FALSE")
        elif isinstance(value, pd.Timestamp):
            texts.append(value.strftime("%Y-%m-%dT%H:%M:%S"))
        elif isinstance(value, (int, np.integer)):
            texts.append(str(int(value)))
        elif isinstance(value, (float, np.floating)):
            texts.append(_double_text(value))
        else:
            texts.append('"' + str(value).replace('"', '""') + '"')
    return texts


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` in the fixtures' CSV conventions: header row, ``NA`` for missing,
    doubles read back exactly, factors and text quoted as labels."""
    columns = [_cell_texts(frame[name]) for name in frame.columns]
    lines = [",".join(frame.columns)]
    lines += [",".join(row) for row in zip(*columns)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def python_predictions(obj: object, new_data: pd.DataFrame, mode: str) -> dict[str, pd.DataFrame]:
    """Python's prediction of every type of ``mode`` (seeded as the R check seeds)."""
    model = pk.unbundle(obj)
    return {kind: model.predict(new_data, type=kind, seed=SEED) for kind in PREDICT_TYPES[mode]}


def prepare_case(name: str, obj: object, new_data: pd.DataFrame, mode: str,
                 folder: Path) -> dict[str, Path]:
    """Write the new data, its column types and the expected predictions under
    ``folder/name``; the paths the check needs."""
    case = folder / name
    case.mkdir(parents=True, exist_ok=True)
    write_csv(new_data, case / "new_data.csv")
    (case / "coltypes.json").write_text(json.dumps(coltypes(new_data)))
    for kind, frame in python_predictions(obj, new_data, mode).items():
        write_csv(frame, case / f"expected_{kind}.csv")
    return {"csv": case / "new_data.csv", "coltypes": case / "coltypes.json", "compare": case,
            "out": case / "r"}


def run_check(env_file: Path, model: Path, paths: dict[str, Path]) -> dict:
    """Run ``check_python_artifact.R`` in the R peer's environment; its report (with the
    R's stderr tail under ``"stderr"`` when it wrote none)."""
    command = (f'. "{env_file}" && Rscript "{CHECK_SCRIPT}" "{model}" "{paths["csv"]}" '
               f'"{paths["out"]}" --seed={SEED} --coltypes="{paths["coltypes"]}" '
               f'--compare="{paths["compare"]}"')
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=600)
    report_file = paths["out"] / "report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {"ok": False}
    report["stderr"] = run.stderr[-3000:]
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
