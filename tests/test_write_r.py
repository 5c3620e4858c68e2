"""R reads what pykerasnip writes: every Python-written workflow, model fit and bundle
is read by R's ``readRDS()`` and checked with ``tests/r/check_written.R`` -- classes and
fields in parsnip/workflows/bundle order, spec ``method``, dead Python stubs (reticulate
rejects them), shims, Laplace entries -- and the Keras model R would restore from
``keras_bytes`` (loaded through reticulate) predicts on R's own ``hardhat::forge()``
of the new data what Python predicts."""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
import write_cases as wc
from pykerasnip.model.arguments import block_formals
from pykerasnip.model.arguments import ZAP
from conftest import ROOT
from r_oracle import requires_r, run_r_script

SCRIPT = ROOT / "tests" / "r" / "check_written.R"
#: every written file but the multi-input one: this check feeds Keras one matrix (its
#: list-column inputs are checked by the R peer, tests/test_r_peer.py)
CASES = [name for name in wc.WRITTEN_NAMES if name != "python_multi_input_reg"]

pytestmark = [requires_r("recipes", "hardhat", "jsonlite", "reticulate"), pytest.mark.slow]


def _raw_outputs(item: wc.Written) -> np.ndarray:
    """What the fitted Keras model outputs for the item's new data."""
    obj = pk.unbundle(item.obj)
    model_fit = obj.model_fit if isinstance(obj, pk.Workflow) else obj
    predictors = obj.forge(item.new_data) if isinstance(obj, pk.Workflow) else item.new_data
    x = model_fit.fit.process_x(model_fit.preproc.apply(predictors))
    return np.asarray(model_fit.fit.model.predict(np.asarray(x, dtype=np.float32), verbose=0))


def _spec_facts(item: wc.Written) -> dict:
    """The layer blocks' formals and the set main arguments, as R should see them."""
    obj = pk.unbundle(item.obj)
    spec = (obj.model_fit if isinstance(obj, pk.Workflow) else obj).spec
    return {"formals": {name: [arg for arg, _ in block_formals(block)]
                        for name, block in spec.layer_blocks.items()},
            "set_args": {k: v for k, v in spec.args.items()
                         if v is not ZAP and isinstance(v, (int, float))}}


def _new_data_file(item: wc.Written, folder) -> str:
    path = folder / f"{item.path.stem}_new_data.rds"
    pk.write_rds(item.new_data, path)
    return str(path)


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("written")
    cases = []
    for name, item in wc.written_files(folder).items():
        if name not in CASES:
            continue
        expected = folder / f"{name}_expected.csv"
        pd.DataFrame(_raw_outputs(item)).to_csv(expected, index=False)
        cases.append({"name": name, "file": str(item.path), "kind": item.kind,
                      "model_name": item.model_name, "mode": item.mode,
                      "api": "functional" if item.functional else "sequential",
                      **_spec_facts(item),
                      "new_data": _new_data_file(item, folder), "expected": str(expected)})
    (folder / "cases.json").write_text(json.dumps(cases))
    run_r_script(SCRIPT, folder / "cases.json", folder / "results.json",
                 env={"RETICULATE_PYTHON": sys.executable}, timeout=900)
    return json.loads((folder / "results.json").read_text())


@pytest.mark.parametrize("name", CASES)
def test_r_reads_the_written_file(r_results: dict, name: str) -> None:
    assert name in r_results
    assert r_results[name] == [], "\n".join(r_results[name])
