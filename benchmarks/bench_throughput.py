"""Throughput: recipe replay (hardhat forge + recipe bake) against Keras predict on 1e6 rows.

    python3 benchmarks/bench_throughput.py [--rows 1000000]
                                           [--cases seq_reg_recipe_normalize recipe_impute_credit]
                                           [--profile] [--steps] [--repeat N]

A case is a fixture name (a folder of ``$PYKERASNIP_FIXTURES``) or the path of any folder
holding ``workflow.rds`` and ``new_data.rds`` (``tests/data/many_steps``: issue #13's
recipe of 36 recipes 1.3.2 steps). Each case's ``new_data.rds`` is resampled (with
replacement, fixed seed) to ``--rows`` rows.
The script times, in one process after a warm-up on the original rows, ``wf.forge()``
(what ``predict`` replays of the preprocessing), kerasnip's ``process_x`` and Keras'
``keras_predict`` (the call ``predict`` makes: R's batches of 32), and prints
replay / predict (target <= 10%); ``--repeat N`` replays N times and takes the best
(the first 1e6-row replay of a process also pays for fresh memory pages). With
``--profile``, or when a case misses the target, the replay is run again under cProfile
and its heaviest functions are printed; ``--steps`` prints each recipe step's bake time.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
import warnings
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


def case_dir(case: str) -> Path:
    """A case's folder: a path to a folder as given, else the fixture of that name."""
    path = Path(case)
    return path if (path / "workflow.rds").exists() else FIXTURES / case


def read_case(case: str) -> tuple[Any, pd.DataFrame]:
    """The case's workflow and its new rows."""
    import pykerasnip as pk

    folder = case_dir(case)
    return pk.read_rds(folder / "workflow.rds"), pk.read_rds(folder / "new_data.rds")


def run_case(case: str, rows: int, repeat: int = 1) -> dict[str, Any]:
    from pykerasnip.model.laplace import keras_predict

    wf, original = read_case(case)
    with warnings.catch_warnings():  # NA dummies of unseen levels warn, as in R
        warnings.simplefilter("ignore", UserWarning)
        wf.predict(original)  # warm-up: Keras import, model restore, tracing
        data = resampled(original, rows)
        return _timings(wf, data, keras_predict, repeat)


def _timings(wf: Any, data: pd.DataFrame, keras_predict: Callable[..., Any],
             repeat: int) -> dict[str, Any]:
    fit = wf.model_fit.fit
    replays = []
    for _ in range(repeat):
        seconds, forged = timed(lambda: wf.forge(data))
        replays.append(seconds)
    process, x = timed(lambda: fit.process_x(wf.model_fit.preproc.apply(forged)))
    predict, _ = timed(lambda: keras_predict(fit.model, x))
    return {"rows": len(data), "forge + bake": min(replays), "replays": replays,
            "process_x": process, "keras predict": predict,
            "predictors": forged.shape[1], "steps": len(wf.blueprint.recipe.steps)}


def replay_profile(case: str, rows: int, top: int = 20) -> str:
    """The heaviest functions (cumulative time) of ``wf.forge`` on ``rows`` rows, in one
    piece (cProfile sees only its own thread, not the row blocks' workers)."""
    from pykerasnip import rowblocks

    wf, original = read_case(case)
    data = resampled(original, rows)
    profiler = cProfile.Profile()
    with warnings.catch_warnings(), rowblocks.blocking(rows=rows):
        warnings.simplefilter("ignore", UserWarning)
        profiler.runcall(wf.forge, data)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def step_times(case: str, rows: int) -> str:
    """Each recipe step's bake time within one ``wf.forge`` of ``rows`` rows, slowest
    first; the rest is hardhat's checks and casts, the recipe's final pass and the
    stacking of the row blocks. The blocks are baked one after the other (one worker),
    so that the times add up."""
    from pykerasnip import rowblocks

    wf, original = read_case(case)
    data = resampled(original, rows)
    spent: dict[str, float] = {}

    def timing(step: Any) -> Callable[[pd.DataFrame], pd.DataFrame]:
        bake = step.bake

        def timed_bake(frame: pd.DataFrame) -> pd.DataFrame:
            seconds, out = timed(lambda: bake(frame))
            spent[step.r_class] = spent.get(step.r_class, 0.0) + seconds
            return out
        return timed_bake

    for step in wf.blueprint.recipe.steps:
        step.bake = timing(step)
    with warnings.catch_warnings(), rowblocks.blocking(workers=1):
        warnings.simplefilter("ignore", UserWarning)
        total, _ = timed(lambda: wf.forge(data))
    spent["(hardhat, recipe checks, final pass, stacking)"] = total - sum(spent.values())
    width = max(map(len, spent))
    return "\n".join(f"  {name:<{width}} {seconds:8.3f} s"
                     for name, seconds in sorted(spent.items(), key=lambda t: -t[1]))


def report(case: str, t: dict[str, float]) -> tuple[str, bool]:
    ratio = t["forge + bake"] / t["keras predict"]
    met = ratio <= TARGET
    text = (f"{case}: {t['rows']:,} rows, {t['steps']} recipe steps -> {t['predictors']} predictors\n"
            f"  forge + bake   {t['forge + bake']:8.2f} s  ({t['rows'] / t['forge + bake']:,.0f} rows/s)"
            f"{_runs(t['replays'])}\n"
            f"  process_x      {t['process_x']:8.2f} s\n"
            f"  keras predict  {t['keras predict']:8.2f} s  ({t['rows'] / t['keras predict']:,.0f} rows/s)\n"
            f"  replay / predict = {ratio:.1%} (target <= {TARGET:.0%}: {'met' if met else 'MISSED'})")
    return text, met


def _runs(replays: list[float]) -> str:
    """The replay times of all runs when there were several (the first pays for fresh
    memory pages, later ones reuse the allocator's)."""
    return "" if len(replays) < 2 else f"  best of {', '.join(f'{r:.2f}' for r in replays)} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cases", nargs="+", default=["seq_reg_recipe_normalize", "recipe_impute_credit"])
    parser.add_argument("--profile", action="store_true", help="profile the replay of every case")
    parser.add_argument("--steps", action="store_true", help="time each recipe step's bake")
    parser.add_argument("--repeat", type=int, default=1, help="replay N times, report the best")
    args = parser.parse_args()
    for case in args.cases:
        text, met = report(case, run_case(case, args.rows, args.repeat))
        print(text, flush=True)
        if args.steps:
            print(step_times(case, args.rows), flush=True)
        if args.profile or not met:
            print(replay_profile(case, args.rows), flush=True)


if __name__ == "__main__":
    main()
