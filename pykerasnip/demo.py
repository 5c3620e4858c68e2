"""``pykerasnip demo``: kerasnip's "Saving and Reloading Fitted Workflows" vignette, told
from Python.

It defines the vignette's three layer blocks, generates the ``my_mlp`` spec, fits a
workflow with ``step_normalize`` on the bundled mtcars, writes ``my_model.rds`` and a
bundle, reloads both in a fresh Python process, and predicts three rows. Where R with
kerasnip is installed it also shows R reloading the Python-written file.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SEED = 42

_RELOAD = """
import sys
import pykerasnip as pk
obj = pk.read_rds(sys.argv[1])
new_data = pk.datasets.mtcars().head(3)
print(pk.tibble_str(pk.unbundle(obj).predict(new_data)))
"""

_R_RELOAD = """
suppressPackageStartupMessages({library(kerasnip); library(workflows)})
fit_wf <- readRDS(commandArgs(TRUE)[1])
print(predict(fit_wf, new_data = mtcars[1:3, ]))
"""


def input_block(model, input_shape):
    """The first block starts the Sequential model."""
    import keras

    return keras.Sequential([keras.Input(shape=input_shape)])


def dense_block(model, units=32):
    """A hidden layer."""
    import keras

    model.add(keras.layers.Dense(units, activation="relu"))
    return model


def output_block(model, num_classes):
    """One unit for regression."""
    import keras

    model.add(keras.layers.Dense(1))
    return model


def _section(title: str) -> None:
    print(f"\n## {title}")


def _reload_in_fresh_process(path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", _RELOAD, str(path)], capture_output=True,
                         text=True, check=True)
    print(out.stdout.rstrip())


def _r_can_predict() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "quit(status = !requireNamespace('kerasnip', quietly = TRUE))"],
                           capture_output=True)
    return probe.returncode == 0


def run_demo(folder: Path) -> None:
    """Run the vignette's flow, writing its files into ``folder``."""
    import keras

    import pykerasnip as pk

    folder.mkdir(parents=True, exist_ok=True)
    _section("1-2. Layer blocks and the my_mlp spec")
    my_mlp = pk.create_keras_sequential_spec(
        "my_mlp", {"input": input_block, "hidden": dense_block, "output": output_block},
        mode="regression")
    mod_spec = my_mlp(fit_epochs=10).set_engine("keras")
    print(f"my_mlp arguments: {', '.join(list(mod_spec.args)[:5])}, ... ({len(mod_spec.args)} in all)")

    _section("3-4. A workflow with step_normalize, fitted on mtcars (seed 42)")
    mtcars = pk.datasets.mtcars()
    rec_spec = pk.recipe("mpg ~ .", data=mtcars).step_normalize(pk.all_predictors())
    keras.utils.set_random_seed(SEED)
    fit_wf = pk.workflow().add_recipe(rec_spec).add_model(mod_spec).fit(mtcars)
    print(fit_wf)
    new_data = mtcars.head(3)
    print(pk.tibble_str(fit_wf.predict(new_data)))

    _section("Strategy 1: write_rds() / read_rds()")
    model_path = folder / "my_model.rds"
    pk.write_rds(fit_wf, model_path)
    print(f"wrote {model_path} ({model_path.stat().st_size:,} bytes); reloading in a fresh process:")
    _reload_in_fresh_process(model_path)

    _section("Strategy 2: bundle() / unbundle()")
    bundle_path = folder / "my_model_bundle.rds"
    pk.write_rds(pk.bundle(fit_wf), bundle_path)
    print(f"wrote {bundle_path}; reloading in a fresh process:")
    _reload_in_fresh_process(bundle_path)

    _section("R reading the Python-written file")
    if _r_can_predict():
        out = subprocess.run(["Rscript", "-e", _R_RELOAD, str(model_path)], capture_output=True,
                             text=True)
        print(out.stdout.rstrip() or out.stderr.rstrip())
    else:
        print("R with kerasnip is not installed here; in R: "
              f"predict(readRDS('{model_path.name}'), new_data = mtcars[1:3, ])")
