"""Throughput: recipe replay (hardhat forge + recipe bake) against Keras predict on 1e6 rows.

    python3 benchmarks/bench_throughput.py [--rows 1000000]
                                           [--cases seq_reg_recipe_normalize recipe_impute_credit]
                                           [--profile]

Each case's ``new_data.rds`` is resampled (with replacement, fixed seed) to ``--rows`` rows.
The script times, in one process after a warm-up on the original rows, ``wf.forge()``
(what ``predict`` replays of the preprocessing), kerasnip's ``process_x`` and Keras'
``keras_predict`` (the call ``predict`` makes: R's batches of 32), and prints
replay / predict (target <= 10%). With ``--profile``, or when a case misses the target,
the replay is run again under cProfile and its heaviest functions are printed.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

FIXTURES = Path(os.environ.get("PYKERASNIP_FIXTURES",
                               Path(__file__).resolve().parents[2] / "shared" / "fixtures"))
TARGET = 0.10  # replay time / Keras predict time


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def resampled(frame: pd.DataFrame, rows: int, seed: int = 1) -> pd.DataFrame:
    """``rows`` rows drawn with replacement from ``frame`` (column types kept)."""
    index = np.random.default_rng(seed).integers(0, len(frame), size=rows)
    return frame.iloc[index].reset_index(drop=True)


def run_case(case: str, rows: int) -> dict[str, float]:
    import pykerasnip as pk
    from pykerasnip.model.laplace import keras_predict

    wf = pk.read_rds(FIXTURES / case / "workflow.rds")
    original = pk.read_rds(FIXTURES / case / "new_data.rds")
    wf.predict(original)  # warm-up: Keras import, model restore, tracing
    data = resampled(original, rows)
    fit = wf.model_fit.fit
    replay, forged = timed(lambda: wf.forge(data))
    process, x = timed(lambda: fit.process_x(wf.model_fit.preproc.apply(forged)))
    predict, _ = timed(lambda: keras_predict(fit.model, x))
    return {"rows": rows, "forge + bake": replay, "process_x": process, "keras predict": predict,
            "predictors": forged.shape[1], "steps": len(wf.blueprint.recipe.steps)}


def replay_profile(case: str, rows: int, top: int = 20) -> str:
    """The heaviest functions (cumulative time) of ``wf.forge`` on ``rows`` rows."""
    import pykerasnip as pk

    wf = pk.read_rds(FIXTURES / case / "workflow.rds")
    data = resampled(pk.read_rds(FIXTURES / case / "new_data.rds"), rows)
    profiler = cProfile.Profile()
    profiler.runcall(wf.forge, data)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def report(case: str, t: dict[str, float]) -> tuple[str, bool]:
    ratio = t["forge + bake"] / t["keras predict"]
    met = ratio <= TARGET
    text = (f"{case}: {t['rows']:,} rows, {t['steps']} recipe steps -> {t['predictors']} predictors\n"
            f"  forge + bake   {t['forge + bake']:8.2f} s  ({t['rows'] / t['forge + bake']:,.0f} rows/s)\n"
            f"  process_x      {t['process_x']:8.2f} s\n"
            f"  keras predict  {t['keras predict']:8.2f} s  ({t['rows'] / t['keras predict']:,.0f} rows/s)\n"
            f"  replay / predict = {ratio:.1%} (target <= {TARGET:.0%}: {'met' if met else 'MISSED'})")
    return text, met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cases", nargs="+", default=["seq_reg_recipe_normalize", "recipe_impute_credit"])
    parser.add_argument("--profile", action="store_true", help="profile the replay of every case")
    args = parser.parse_args()
    for case in args.cases:
        text, met = report(case, run_case(case, args.rows))
        print(text, flush=True)
        if args.profile or not met:
            print(replay_profile(case, args.rows), flush=True)


if __name__ == "__main__":
    main()
