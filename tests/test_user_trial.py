"""What a user trial of the deployment paths found, held against what R does
(tests/r/make_user_trial.R made tests/data/user_trial): seeds R's
``keras3::set_random_seed()`` refuses are typed errors everywhere a seed is given, and the
seeds it takes give R's numbers; R-made workflows pickle (Spark ships a loaded model
pickled, vetiver-python's joblib pins are pickles) and the copies predict R's numbers."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pandas as pd
import pytest

import pykerasnip as pk
from conftest import FIXTURES, ROOT
from steps_truth import BAKE_SEED, assert_same_frame, r_recipe, truth_frame
from pykerasnip.errors import PredictError

DATA = ROOT / "tests" / "data" / "user_trial"
IRIS = FIXTURES / "seq_cls_multiclass_iris"


def _r_seed_outcomes() -> dict[int, str]:
    table = pd.read_csv(DATA / "seed_outcomes.csv", dtype=str)
    return dict(zip(table["seed"].astype(int), table["outcome"]))


def test_r_seed_outcomes_are_there() -> None:
    outcomes = _r_seed_outcomes()
    assert sorted(s for s, o in outcomes.items() if o == "ok") == [0, 2**31 - 1]
    assert outcomes[-3].startswith("error: ValueError: Seed must be between 0")
    assert outcomes[2**31].startswith("warning: NAs introduced by coercion to integer range")


@pytest.fixture(scope="module")
def iris() -> tuple:
    return pk.read_rds(IRIS / "workflow.rds"), pk.read_rds(IRIS / "new_data.rds")


@pytest.mark.parametrize("seed", [0, 2**31 - 1])
def test_seeds_r_takes_give_rs_draws(iris: tuple, seed: int) -> None:
    assert _r_seed_outcomes()[seed] == "ok"
    wf, new_data = iris
    want = pk.read_rds(DATA / f"conf_int_{seed}.rds")
    pd.testing.assert_frame_equal(wf.predict(new_data, type="conf_int", seed=seed), want,
                                  check_exact=True)


@pytest.mark.parametrize("seed", [-3, 2**31])
def test_seeds_r_refuses_are_predict_errors(iris: tuple, seed: int) -> None:
    assert _r_seed_outcomes()[seed] != "ok"
    wf, new_data = iris
    for model in (wf, wf.model_fit):
        with pytest.raises(PredictError, match=f"seed must be between 0 and 2147483647.*not {seed}"):
            model.predict(new_data if model is wf else wf.forge(new_data), type="conf_int", seed=seed)


@pytest.mark.parametrize("seed", [1.5, "1"])
def test_a_seed_that_is_not_a_whole_number_is_a_predict_error(iris: tuple, seed: object) -> None:
    wf, new_data = iris
    with pytest.raises(PredictError, match="seed must be a whole number"):
        wf.predict(new_data, type="conf_int", seed=seed)


def test_cli_seed_r_refuses_is_one_line_exit_4() -> None:
    assert _r_seed_outcomes()[-3] != "ok"
    out = subprocess.run([sys.executable, "-m", "pykerasnip", "predict", IRIS / "workflow.rds",
                          IRIS / "new_data.rds", "--type", "conf_int", "--seed", "-3"],
                         capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 4, out.stderr
    assert out.stderr.splitlines() == [
        "pykerasnip: PredictError: seed must be between 0 and 2147483647 (as R's "
        "keras3::set_random_seed takes it), not -3"]


@pytest.mark.parametrize("case", ["recipe_numeric_transforms", "recipe_categorical_ames"])
def test_workflows_with_step_mutate_pickle_and_predict_rs_numbers(case: str) -> None:
    """step_mutate's R expressions were closures: pickling a workflow that has one failed
    (predict_spark with a loaded model, a joblib pin)."""
    wf = pickle.loads(pickle.dumps(pk.read_rds(FIXTURES / case / "workflow.rds")))
    got = wf.predict(pk.read_rds(FIXTURES / case / "new_data.rds"), type="pred_int")
    want = pd.read_csv(FIXTURES / case / "expected_pred_int.csv", float_precision="round_trip")
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize("name", ["rename_at", "lincomb"])
def test_recipes_with_r_functions_pickle_and_bake_as_r(name: str) -> None:
    """step_rename_at's naming function was a lambda, step_mutate's expressions closures."""
    from pykerasnip.rrng import r_session

    recipe = pickle.loads(pickle.dumps(r_recipe(name)))
    with r_session(BAKE_SEED):
        got = recipe.bake(truth_frame(name, "new.rds"))
    assert_same_frame(got, truth_frame(name, "baked.rds"))
