"""Python-fitted models written with ``pk.write_rds`` for the writer tests.

Workflows are either made and fitted entirely in Python (recipe, formula, variables),
or keep R's own preprocessing (read from a fixture: the trained blueprint and the
preprocessor) with the model refitted in Python on the fixture's training data.
Fits are cached for the test session (Keras fits are the slow part).
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pandas as pd

import pykerasnip as pk
from pykerasnip.formula.parse import deparse
from pykerasnip.workflow import Workflow
from conftest import FIXTURES
from pykerasnip.bundle import bundle  # pk.bundle is shadowed by the submodule once imported

SEED = 7


def input_block(model, input_shape):
    import keras

    return keras.Sequential([keras.Input(shape=input_shape)])


def dense_block(model, units=32):
    import keras

    model.add(keras.layers.Dense(units, activation="relu"))
    return model


def regression_output(model):
    import keras

    model.add(keras.layers.Dense(1))
    return model


def classification_output(model, num_classes):
    import keras

    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model


def functional_input(input_shape):
    import keras

    return keras.Input(shape=input_shape)


def functional_dense(tensor, units=16):
    import keras

    return keras.layers.Dense(units, activation="relu")(tensor)


def functional_concat(input_a, input_b):
    import keras

    return keras.layers.Concatenate()([input_a, input_b])


def functional_output(tensor):
    import keras

    return keras.layers.Dense(1)(tensor)


#: the fork-join graph of the func_reg_recipe fixture (same block names and formals)
FUNCTIONAL_BLOCKS = {
    "main_input": functional_input,
    "path_a": pk.inp_spec(functional_dense, "main_input"),
    "path_b": pk.inp_spec(functional_dense, "main_input"),
    "concatenated": pk.inp_spec(functional_concat, {"input_a": "path_a", "input_b": "path_b"}),
    "output": pk.inp_spec(functional_output, "concatenated"),
}

#: mode -> layer blocks with the names and formals of the R fixtures' blocks
BLOCKS = {
    "regression": {"input": input_block, "hidden": dense_block, "output": regression_output},
    "classification": {"input": input_block, "hidden": dense_block,
                       "output": classification_output},
}


@dataclasses.dataclass(frozen=True)
class Case:
    """A workflow fixture and how to refit its model in Python."""

    name: str
    fixture: str
    data: str
    outcome: str
    mode: str = "regression"
    functional: bool = False


#: written case -> the R fixture whose preprocessing it keeps
WORKFLOW_CASES = {
    "recipe_reg": Case("recipe_reg", "seq_reg_recipe_normalize", "mtcars", "mpg"),
    "formula_reg": Case("formula_reg", "seq_reg_formula", "mtcars", "mpg"),
    "variables_reg": Case("variables_reg", "seq_reg_variables", "mtcars", "mpg"),
    "recipe_cls": Case("recipe_cls", "seq_cls_multiclass_iris", "iris", "Species",
                       "classification"),
    "functional_reg": Case("functional_reg", "func_reg_recipe", "mtcars", "mpg",
                           functional=True),
}

def spec(name: str, mode: str = "regression"):
    """A Python ``my_mlp``-like spec (3 epochs, 8 hidden units)."""
    make = pk.create_keras_sequential_spec(name, BLOCKS[mode], mode=mode)
    return make(hidden_units=8, fit_epochs=3).set_engine("keras")


def functional_spec(name: str):
    """A fork-join functional spec (3 epochs, 8 units on path a)."""
    make = pk.create_keras_functional_spec(name, FUNCTIONAL_BLOCKS)
    return make(path_a_units=8, fit_epochs=3).set_engine("keras")


def training_data(name: str) -> pd.DataFrame:
    return getattr(pk.datasets, name)()


def new_data(fixture: str) -> pd.DataFrame:
    return pk.read_rds(FIXTURES / fixture / "new_data.rds")


@functools.lru_cache(maxsize=None)
def workflow(case_name: str):
    """R's fitted workflow with its model refitted in Python."""
    case = WORKFLOW_CASES[case_name]
    r_wf = pk.read_rds(FIXTURES / case.fixture / "workflow.rds")
    train = training_data(case.data)
    model_spec = (functional_spec(f"py_{case.name}") if case.functional
                  else spec(f"py_{case.name}", case.mode))
    model_fit = model_spec.fit_xy(r_wf.forge(train), train[[case.outcome]], seed=SEED)
    return dataclasses.replace(r_wf, spec=model_spec, model_fit=model_fit, r_node=None,
                               preprocessor=_preprocessor(r_wf))


def _preprocessor(r_wf):
    """The workflow's preprocessor; a formula as R's formula text (the reader's summary
    deparse does not give text R's parser reads back)."""
    pre = r_wf.preprocessor
    if pre.kind != "formula":
        return pre
    node = r_wf.r_node["pre"]["actions"]["formula"]["formula"]
    return dataclasses.replace(pre, value=deparse(node))


def _iris_recipe():
    return pk.recipe("Species ~ .", training_data("iris")).step_normalize(pk.all_predictors())


def _mtcars_recipe():
    return pk.recipe("mpg ~ .", training_data("mtcars")).step_normalize(pk.all_predictors())


#: workflows made and fitted entirely in Python, preprocessed as the fixtures' workflows:
#: name -> (add the preprocessor, data, mode)
PYTHON_WORKFLOWS = {
    "python_recipe_reg": (lambda wf: wf.add_recipe(_mtcars_recipe()), "mtcars", "regression"),
    "python_formula_reg": (lambda wf: wf.add_formula("mpg ~ cyl + disp + hp + wt"),
                           "mtcars", "regression"),
    "python_variables_reg": (lambda wf: wf.add_variables("mpg", ["cyl", "disp", "hp", "wt", "qsec"]),
                             "mtcars", "regression"),
    "python_recipe_cls": (lambda wf: wf.add_recipe(_iris_recipe()), "iris", "classification"),
}


@functools.lru_cache(maxsize=None)
def python_workflow(name: str):
    """A workflow built, prepped and fitted in Python."""
    add_preprocessor, data, mode = PYTHON_WORKFLOWS[name]
    wf = add_preprocessor(Workflow()).add_model(spec(f"py_{name}", mode))
    return wf.fit(training_data(data))


def python_new_data(name: str) -> pd.DataFrame:
    _, data, _ = PYTHON_WORKFLOWS[name]
    return training_data(data).iloc[[0, 7, 19, 30]].reset_index(drop=True)


@functools.lru_cache(maxsize=None)
def bare_model_fit():
    """A ``fit_xy()`` model fit on four mtcars columns."""
    train = training_data("mtcars")
    return spec("py_bare").fit_xy(train[["cyl", "disp", "hp", "wt"]], train["mpg"], seed=SEED)


@functools.lru_cache(maxsize=None)
def formula_model_fit():
    """A ``fit(formula)`` model fit with a transformed predictor."""
    return spec("py_formula").fit("mpg ~ cyl + log(disp) + hp + wt", training_data("mtcars"),
                                  seed=SEED)


def bare_new_data() -> pd.DataFrame:
    return training_data("mtcars").iloc[[0, 5, 12, 30]][["cyl", "disp", "hp", "wt"]].reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class Written:
    """A file written from Python: what it holds and what Python predicts with it."""

    path: Path
    kind: str  # workflow, model_fit, bundled_workflow, bundled_model_fit
    model_name: str
    mode: str
    functional: bool
    new_data: pd.DataFrame
    obj: object


#: every name written_files() writes
WRITTEN_NAMES = (*WORKFLOW_CASES, *PYTHON_WORKFLOWS, "bundle_recipe_reg", "bundle_python_recipe_cls",
                 "model_fit_xy", "bundle_model_fit_xy", "model_fit_formula")


def written_files(folder: Path) -> dict[str, Written]:
    """Write every case into ``folder``; name -> :class:`Written`."""
    out: dict[str, Written] = {}
    for name, case in WORKFLOW_CASES.items():
        wf = workflow(name)
        out[name] = Written(folder / f"{name}.rds", "workflow", f"py_{name}", case.mode,
                            case.functional, new_data(case.fixture), wf)
    for name, (_, _, mode) in PYTHON_WORKFLOWS.items():
        out[name] = Written(folder / f"{name}.rds", "workflow", f"py_{name}", mode, False,
                            python_new_data(name), python_workflow(name))
    out["bundle_recipe_reg"] = dataclasses.replace(
        out["recipe_reg"], path=folder / "bundle_recipe_reg.rds", kind="bundled_workflow",
        obj=bundle(workflow("recipe_reg")))
    out["bundle_python_recipe_cls"] = dataclasses.replace(
        out["python_recipe_cls"], path=folder / "bundle_python_recipe_cls.rds",
        kind="bundled_workflow", obj=bundle(python_workflow("python_recipe_cls")))
    out["model_fit_xy"] = Written(folder / "model_fit_xy.rds", "model_fit", "py_bare",
                                  "regression", False, bare_new_data(), bare_model_fit())
    out["bundle_model_fit_xy"] = dataclasses.replace(
        out["model_fit_xy"], path=folder / "bundle_model_fit_xy.rds", kind="bundled_model_fit",
        obj=bundle(bare_model_fit()))
    out["model_fit_formula"] = Written(folder / "model_fit_formula.rds", "model_fit",
                                       "py_formula", "regression", False, bare_new_data(),
                                       formula_model_fit())
    for item in out.values():
        pk.write_rds(item.obj, item.path)
    return out
