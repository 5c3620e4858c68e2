"""The rpy2 bridge (Python drives R in the same process): objects cross through R's
``serialize()``, R bakes and forges what Python cannot replay, and missing pieces (rpy2,
R, R packages) raise :class:`RNotAvailableError` naming them."""
from __future__ import annotations

import builtins
import dataclasses
import importlib.util
import os
import subprocess
import sys

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip import r as pkr
from pykerasnip import rsession
from pykerasnip import rds
from pykerasnip.convert import to_python
from pykerasnip.errors import RNotAvailableError, UnsupportedStepError, UntrustedCodeError
from pykerasnip.hardhat.blueprint import role_variables
from pykerasnip.io import to_bytes
from pykerasnip.recipes import Recipe
from pykerasnip.workflows import Preprocessor, Workflow
from conftest import FIXTURES
from r_oracle import missing_r, requires_r, run_command, run_r

requires_rpy2 = pytest.mark.skipif(bool(missing_r("recipes", "hardhat"))
                                   or importlib.util.find_spec("rpy2") is None,
                                   reason="needs rpy2 and R with recipes and hardhat")

CASE = FIXTURES / "seq_reg_recipe_normalize"

#: R (Debian's recipes) preps a recipe whose step_mutate calls a user function: Python
#: cannot replay it, R can (the function travels in the quosure's environment). The
#: function also runs a shell command, as a hostile file's could, when MARKER is set.
MUTATE_RECIPE_R = """
make_recipe <- function() {
  power_ratio <- function(hp, wt) {
    marker <- Sys.getenv("PYKERASNIP_TEST_MARKER")
    if (nzchar(marker)) system(paste("touch", shQuote(marker)))
    atan(hp / (100 * wt))
  }
  recipe(mpg ~ ., data = mtcars) |>
    step_mutate(power = power_ratio(hp, wt)) |>
    step_normalize(all_numeric_predictors())
}
rec <- prep(make_recipe(), training = mtcars)
list(rec, as.data.frame(bake(rec, new_data = readRDS(new_data))))
"""


@pytest.fixture(scope="module")
def fixture_workflow():
    return pk.read_rds(CASE / "workflow.rds")


@pytest.fixture(scope="module")
def new_data() -> pd.DataFrame:
    return pk.read_rds(CASE / "new_data.rds")


@pytest.fixture
def no_bridge(monkeypatch):
    """A fresh import of rpy2 for the duration of the test (the import is cached)."""
    rsession.robjects.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    rsession.robjects.cache_clear()


# -- missing pieces ----------------------------------------------------------------------
def test_missing_rpy2_names_the_extra(no_bridge):
    no_bridge.setitem(sys.modules, "rpy2.robjects", None)  # makes `import` raise ImportError
    with pytest.raises(RNotAvailableError, match=r"rpy2.*pykerasnip\[r\]"):
        pkr.to_r(pd.DataFrame({"x": [1.0]}))


def test_r_that_cannot_start_says_how_to_install_it(no_bridge):
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name.startswith("rpy2"):
            raise RuntimeError("R_HOME not defined")
        return real_import(name, *args, **kwargs)

    no_bridge.setattr(builtins, "__import__", failing_import)
    with pytest.raises(RNotAvailableError, match=r"R_HOME not defined.*install R"):
        pkr.r_bake(object(), pd.DataFrame())


@requires_rpy2
def test_r_predict_names_the_missing_r_packages(fixture_workflow, new_data):
    with pytest.raises(RNotAvailableError, match="kerasnip, workflows, parsnip"):
        pkr.r_predict(fixture_workflow, new_data)


@requires_rpy2
def test_starting_r_leaves_the_environment_of_child_processes_alone(fixture_workflow, new_data):
    """R points LD_LIBRARY_PATH at Debian's libraries when it starts; a child python3
    built with a shared libpython would then load Debian's and lose its site-packages."""
    pkr.r_bake(fixture_workflow.blueprint.recipe, new_data)
    assert "/usr/lib/R" not in os.environ.get("LD_LIBRARY_PATH", "")
    seen = subprocess.run(["sh", "-c", 'printf %s "${LD_LIBRARY_PATH-<unset>}"'],
                          capture_output=True, text=True, check=True).stdout
    assert seen == os.environ.get("LD_LIBRARY_PATH", "<unset>")
    for env in (None, dict(os.environ)):  # inherited, or passed on as Spark and servers do
        child = subprocess.run([sys.executable, "-c", "import isal, numpy"], capture_output=True,
                               text=True, env=env)
        assert child.returncode == 0, child.stderr


@requires_rpy2
def test_require_r_package_accepts_installed_packages():
    pkr.require_r_package("recipes", "hardhat")


# -- objects crossing ----------------------------------------------------------------------
@requires_rpy2
def test_fixture_workflow_round_trips_through_r(fixture_workflow, new_data):
    robj = pkr.to_r(fixture_workflow)
    back = pkr.from_r(robj)
    pd.testing.assert_frame_equal(back.predict(new_data), fixture_workflow.predict(new_data),
                                  check_exact=True)
    # R's serialize() of what it holds is what pykerasnip writes for the tree it read
    assert to_bytes(back) == pkr.r_serialize(robj)
    assert rds.dumps(pkr.from_r(pkr.to_r(back)).r_node) == rds.dumps(back.r_node)


@requires_rpy2
def test_r_recipe_round_trips_byte_identical(fixture_workflow):
    recipe = fixture_workflow.blueprint.recipe
    assert pkr.r_serialize(pkr.to_r(recipe)) == to_bytes(recipe)


def _every_column_type() -> pd.DataFrame:
    return pd.DataFrame({
        "dbl": [1.5, float("nan"), -2.25],
        "int": pd.array([1, None, 3], dtype="Int32"),
        "lgl": pd.array([True, None, False], dtype="boolean"),
        "chr": pd.Series(["a", None, "ü"], dtype=object),
        "fct": pd.Categorical(["lo", "hi", None], categories=["lo", "hi"]),
        "ord": pd.Categorical(["S", "L", "M"], categories=["S", "M", "L"], ordered=True),
        "date": pd.to_datetime(["2024-01-31", None, "1969-07-20"]),
        "time": pd.to_datetime(["2024-01-31 12:30:00", "2000-01-01 00:00:01", None]).tz_localize("UTC"),
    })


@requires_rpy2
def test_every_column_type_crosses_both_ways():
    df = _every_column_type()
    robj = pkr.to_r(df)
    r_classes = rsession.robjects().r("function(d) vapply(d, function(c) class(c)[1], '')")(robj)
    assert dict(zip(r_classes.names, r_classes)) == {
        "dbl": "numeric", "int": "integer", "lgl": "logical", "chr": "character",
        "fct": "factor", "ord": "ordered", "date": "Date", "time": "POSIXct"}
    # date-times come back at nanoseconds, the resolution R's doubles need
    pd.testing.assert_frame_equal(pkr.from_r(robj), df.assign(time=df["time"].dt.as_unit("ns")))


# -- R bakes and forges --------------------------------------------------------------------
@requires_rpy2
def test_r_bakes_an_r_prepped_recipe_as_python_does(fixture_workflow, new_data):
    recipe = fixture_workflow.blueprint.recipe
    pd.testing.assert_frame_equal(pkr.r_bake(recipe, new_data), recipe.bake(new_data),
                                  check_exact=False, rtol=1e-14)


@requires_rpy2
def test_r_bakes_a_python_prepped_recipe_as_python_does(new_data):
    recipe = (pk.recipe("mpg ~ .", pk.datasets.mtcars())
              .step_normalize(pk.all_numeric_predictors()).prep())
    baked = pkr.r_bake(recipe, new_data)
    pd.testing.assert_frame_equal(baked, recipe.bake(new_data)[list(baked.columns)],
                                  check_exact=False, rtol=1e-14)


@requires_rpy2
def test_r_forge_gives_the_predictors_python_forges(fixture_workflow, new_data):
    pd.testing.assert_frame_equal(pkr.r_forge(fixture_workflow.blueprint, new_data),
                                  fixture_workflow.forge(new_data), check_exact=False, rtol=1e-14)


@pytest.fixture(scope="module")
def mutate_recipe():
    """The R-prepped step_mutate recipe and R's bake of the fixture's new data."""
    recipe, baked = run_r(MUTATE_RECIPE_R, inputs={"new_data": CASE / "new_data.rds"},
                          packages=("recipes",), raw=True).data
    return Recipe.from_r(recipe), to_python(baked)


@pytest.fixture(scope="module")
def mutate_workflow(fixture_workflow, mutate_recipe):
    """A workflow around the R-prepped recipe with a model fitted in Python on R's bake."""
    from write_cases import SEED, spec

    recipe, _ = mutate_recipe
    predictors = role_variables(recipe.term_info, "predictor")
    blueprint = dataclasses.replace(fixture_workflow.blueprint, recipe=recipe,
                                    predictor_names=predictors, r_node=None)
    train = pk.datasets.mtcars()
    model_spec = spec("py_mutate")
    model_fit = model_spec.fit_xy(pkr.r_bake(recipe, train)[predictors], train[["mpg"]], seed=SEED)
    return Workflow(preprocessor=Preprocessor("recipe", recipe), spec=model_spec,
                    blueprint=blueprint, model_fit=model_fit)


@requires_rpy2
@pytest.mark.slow
def test_unreplayable_step_raises_without_fallback(mutate_workflow, new_data):
    with pytest.raises(UnsupportedStepError, match=r"step_mutate.*runs the R code stored in the "
                                                   r"file.*a file you trust.*trust_r_code=True"):
        mutate_workflow.predict(new_data)


def test_unsupported_step_error_says_the_fallback_runs_the_files_r_code():
    text = str(UnsupportedStepError("step_mutate", "calls power_ratio()"))
    assert "runs the R code stored in the file" in text and "trust_r_code=True" in text


@pytest.mark.parametrize("wrap", [lambda wf: wf, pk.bundle], ids=["workflow", "bundle"])
def test_r_fallback_without_trust_is_refused_saying_it_runs_r_code(fixture_workflow, new_data, wrap):
    with pytest.raises(UntrustedCodeError, match=r"runs the R code stored in the file.*"
                                                 r"system\(\).*trust_r_code=True"):
        wrap(fixture_workflow).predict(new_data, fallback="r")


@requires_rpy2
@pytest.mark.slow
def test_r_fallback_runs_the_files_r_code_only_when_trusted(mutate_workflow, new_data, tmp_path,
                                                            monkeypatch):
    marker = tmp_path / "system-ran"
    monkeypatch.setenv("PYKERASNIP_TEST_MARKER", str(marker))
    with pytest.raises(UntrustedCodeError):
        mutate_workflow.predict(new_data, fallback="r")
    assert not marker.exists()
    with pytest.warns(UserWarning, match="step_mutate cannot be replayed in Python"):
        mutate_workflow.predict(new_data, fallback="r", trust_r_code=True)
    assert marker.exists(), "the stored R function's system() call did not run"


@requires_rpy2
@pytest.mark.slow
def test_fallback_bakes_in_r_and_predicts(mutate_workflow, mutate_recipe, new_data):
    _, r_baked = mutate_recipe
    expected = mutate_workflow.model_fit.predict(r_baked[mutate_workflow.blueprint.predictor_names])
    with pytest.warns(UserWarning, match="step_mutate cannot be replayed in Python"):
        predicted = mutate_workflow.predict(new_data, fallback="r", trust_r_code=True)
    pd.testing.assert_frame_equal(predicted, expected, check_exact=True)
    assert predicted[".pred"].notna().all()


PEER_PREDICT = """
import sys, warnings
warnings.simplefilter("ignore")
import numpy as np
import pykerasnip as pk
from pykerasnip import r as pkr
from pykerasnip import rsession
folder, type_ = sys.argv[1], sys.argv[2]
wf, new = pk.read_rds(folder + "/workflow.rds"), pk.read_rds(folder + "/new_data.rds")
in_r, here = pkr.r_predict(wf, new, type=type_), wf.predict(new, type=type_)
assert list(in_r.columns) == list(here.columns), (list(in_r.columns), list(here.columns))
numeric = here.select_dtypes("number").columns
assert (in_r.drop(columns=numeric).astype(str) == here.drop(columns=numeric).astype(str)).all().all()
assert np.array_equal(in_r[numeric].to_numpy(), here[numeric].to_numpy())
print("same")
"""


@requires_r("kerasnip", "workflows", "recipes", "parsnip", "hardhat", stack="peer")
@pytest.mark.parametrize("case, type_", [("seq_reg_recipe_normalize", "numeric"),
                                         ("seq_cls_multiclass_iris", "class"),
                                         ("seq_cls_multiclass_iris", "prob")])
def test_r_predict_runs_r_kerasnip_in_process_and_agrees(case: str, type_: str, tmp_path) -> None:
    script = tmp_path / "peer.py"
    script.write_text(PEER_PREDICT)
    # without the LD_LIBRARY_PATH rpy2 set for R: with it, a child Python may load the
    # system's libpython instead of its own
    run = run_command([sys.executable, script, FIXTURES / case, type_], stack="peer",
                      env={"LD_LIBRARY_PATH": None}, timeout=180)
    assert run.stdout.strip().endswith("same"), run.stderr[-2000:]
