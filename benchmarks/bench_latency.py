"""Cold-start latency: a fresh process reads the seed workflow and predicts once.

    python3 benchmarks/bench_latency.py [--runs 5] [--backends tensorflow numpy]
                                        [--extra-path DIR] [--python PATH]

Each run is a new Python process doing ``import pykerasnip``, ``read_rds`` of the workflow
and of its new data, ``import keras`` (the backend) and the first ``predict``; the script
prints the median wall time of the whole process and of each phase, and how far the
predictions are from R's (``expected_numeric.csv``). The R side is ``Rscript -e
'library(kerasnip); predict(readRDS(...), ...)'`` when kerasnip is installed; without it the
script says so and times R's floor instead (start-up, ``library(recipes)`` and
``readRDS`` of both files -- R must still load keras3/reticulate/TensorFlow on top of that).
``--extra-path`` is put on the children's PYTHONPATH (e.g. a folder holding jax, which
Keras' numpy backend imports). ``--python`` names the interpreter of another environment
(e.g. a virtualenv holding only ``pip install 'pykerasnip[tensorflow]'``); it runs the Python
children and is R's ``RETICULATE_PYTHON``, so both sides import the same Keras.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = Path(os.environ.get("PYKERASNIP_FIXTURES", ROOT.parent / "shared" / "fixtures")) / \
    "seq_reg_recipe_normalize"
TARGET = 0.5  # our median / R's median

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np, pandas as pd
import pykerasnip as pk
t1 = time.perf_counter()
wf = pk.read_rds(sys.argv[1] + "/workflow.rds")
new_data = pk.read_rds(sys.argv[1] + "/new_data.rds")
t2 = time.perf_counter()
from pykerasnip.backend import import_keras  # what predict calls first
keras = import_keras()
t3 = time.perf_counter()
pred = wf.predict(new_data)[".pred"].to_numpy()
t4 = time.perf_counter()
want = pd.read_csv(sys.argv[1] + "/expected_numeric.csv")[".pred"].to_numpy()
print(json.dumps({"import pykerasnip": t1 - t0, "read_rds": t2 - t1,
                  "import keras (backend)": t3 - t2, "first predict": t4 - t3,
                  "backend": keras.backend.backend(),
                  "max |diff| vs R": float(np.abs(pred - want).max()),
                  "bit-identical to R": bool((pred == want).all())}))
"""

R_PREDICT = 'library(kerasnip); library(workflows); invisible(predict(readRDS("{0}/workflow.rds"), readRDS("{0}/new_data.rds")))'
R_FLOOR = 'suppressMessages(library(recipes)); wf <- suppressWarnings(readRDS("{0}/workflow.rds")); ' \
          'nd <- readRDS("{0}/new_data.rds")'


def wall(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time of a command and its stdout (it must succeed)."""
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - start, out.stdout


def python_runs(backend: str, runs: int, extra_path: str | None,
                python: str) -> dict[str, float | str | bool]:
    """Medians over ``runs`` fresh processes with ``KERAS_BACKEND=backend``."""
    path = os.pathsep.join(p for p in (str(ROOT), extra_path) if p)
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "2"}
    samples = [wall([python, "-c", CHILD, str(CASE)], env) for _ in range(runs)]
    phases = [json.loads(out) for _, out in samples]
    result: dict[str, float | str | bool] = {"total (process wall)": statistics.median(t for t, _ in samples)}
    for key, value in phases[0].items():
        result[key] = statistics.median(p[key] for p in phases) if isinstance(value, float) else value
    result["interpreter start + exit"] = result["total (process wall)"] - sum(
        v for k, v in result.items() if k in ("import pykerasnip", "read_rds",
                                             "import keras (backend)", "first predict"))
    return result


def r_has_kerasnip() -> bool:
    try:
        subprocess.run(["Rscript", "-e", "library(kerasnip)"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def r_median(code: str, runs: int, python: str | None) -> float:
    env = {**os.environ, "RETICULATE_PYTHON": python} if python else None
    return statistics.median(wall(["Rscript", "-e", code.format(CASE)], env)[0] for _ in range(runs))


def report_backend(backend: str, result: dict, r_time: float | None) -> list[str]:
    lines = [f"Python, KERAS_BACKEND={backend} ({result['backend']}):"]
    lines += [f"  {k:28} {v:7.3f} s" for k, v in result.items() if isinstance(v, float)
              and k != "max |diff| vs R"]
    lines.append(f"  predictions vs R: max |diff| {result['max |diff| vs R']:.3g}, "
                 f"bit-identical: {result['bit-identical to R']}")
    if r_time is not None:
        ratio = result["total (process wall)"] / r_time
        lines.append(f"  ratio to R: {ratio:.2f}x (target <= {TARGET}x: "
                     f"{'met' if ratio <= TARGET else 'MISSED'})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "numpy"])
    parser.add_argument("--extra-path", help="folder added to the children's PYTHONPATH")
    parser.add_argument("--python", help="interpreter for the Python side and R's reticulate")
    args = parser.parse_args()

    r_time = None
    if r_has_kerasnip():
        r_time = r_median(R_PREDICT, args.runs, args.python)
        print(f"R (Rscript, library(kerasnip), readRDS + predict): {r_time:.3f} s (median of {args.runs})")
    else:
        print("R side skipped: kerasnip is not installed in R here.")
        floor = r_median(R_FLOOR, args.runs, None)
        print(f"R floor without Keras (Rscript start, library(recipes), readRDS x2): {floor:.3f} s")
    for backend in args.backends:
        try:
            result = python_runs(backend, args.runs, args.extra_path, args.python or sys.executable)
        except subprocess.CalledProcessError as exc:
            reason = (exc.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"Python, KERAS_BACKEND={backend}: unavailable ({reason})")
            continue
        print("\n".join(report_backend(backend, result, r_time)))


if __name__ == "__main__":
    main()
