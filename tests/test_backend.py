"""pykerasnip.backend: the lazy Keras import (fresh processes: the test process has Keras
imported already)."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

CHECK = """
import gc, sys
{before}
from pykerasnip.backend import import_keras
assert "keras" not in sys.modules
keras = import_keras()
assert import_keras() is keras is sys.modules["keras"]
print(gc.isenabled(), gc.get_freeze_count())
"""


def run(before: str = "") -> tuple[bool, int]:
    out = subprocess.run([sys.executable, "-c", CHECK.format(before=before)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    enabled, frozen = out.stdout.split()
    return enabled == "True", int(frozen)


def test_first_import_freezes_kerass_objects_and_restores_the_collector() -> None:
    enabled, frozen = run()
    assert enabled
    assert frozen > 100_000  # Keras + TensorFlow's module-level objects


def test_a_disabled_collector_stays_disabled() -> None:
    enabled, _ = run("gc.disable()")
    assert not enabled


ORDER = """
import hashlib, os, sys, warnings
warnings.simplefilter("always")
{imports}
from pykerasnip.demo import dense_block, input_block, output_block
from pykerasnip.errors import PrecisionWarning
with warnings.catch_warnings(record=True) as caught:
    spec = pk.create_keras_sequential_spec(
        "order_mlp", {{"input": input_block, "hidden": dense_block, "output": output_block}},
        mode="regression")
    mtcars = pk.datasets.mtcars()
    rec = pk.recipe("mpg ~ .", data=mtcars).step_normalize(pk.all_predictors())
    keras.utils.set_random_seed(42)
    wf = pk.workflow().add_recipe(rec).add_model(spec(fit_epochs=3).set_engine("keras")).fit(mtcars)
    wf.predict(mtcars.head(3))
weights = b"".join(w.tobytes() for w in wf.extract_keras_model().get_weights())
print(hashlib.sha1(weights).hexdigest(), sum(w.category is PrecisionWarning for w in caught))
"""
PK_FIRST = "import pykerasnip as pk\nimport keras"
KERAS_FIRST = "import keras\nimport pykerasnip as pk"
#: TensorFlow loaded without oneDNN, whatever this CPU's default: the case the warning is for
NO_ONEDNN = ("os.environ['TF_ENABLE_ONEDNN_OPTS'] = '0'\nimport keras\n"
             "del os.environ['TF_ENABLE_ONEDNN_OPTS']\nimport pykerasnip as pk")


def fit_in_fresh_process(imports: str) -> tuple[str, int]:
    """(hash of the trained weights, PrecisionWarnings seen) in a user's environment."""
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    out = subprocess.run([sys.executable, "-c", ORDER.format(imports=imports)],
                         capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)},
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    digest, warned = out.stdout.split()
    return digest, int(warned)


def test_weights_do_not_depend_on_the_import_order_unless_a_warning_says_so() -> None:
    reference, warned = fit_in_fresh_process(PK_FIRST)
    assert warned == 0
    digest, warned = fit_in_fresh_process(KERAS_FIRST)
    # TensorFlow's own oneDNN default depends on the CPU: where it is off, keras-first
    # loads other kernels and the user is told once
    assert digest == reference if warned == 0 else warned == 1


def test_tensorflow_without_onednn_warns_once_and_trains_other_bits() -> None:
    reference, _ = fit_in_fresh_process(PK_FIRST)
    digest, warned = fit_in_fresh_process(NO_ONEDNN)
    assert warned == 1
    assert digest != reference
