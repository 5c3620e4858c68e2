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
from typing import Callable

import numpy as np
import pandas as pd

import pykerasnip as pk
from pykerasnip.formula.parse import deparse
from pykerasnip.hardhat.blueprint import RecipeBlueprint
from pykerasnip.recipes.selectors import starts_with
from pykerasnip.workflows import Workflow
from conftest import FIXTURES
from pykerasnip.bundles import bundle

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


def functional_join(measures, origin):
    import keras

    return keras.layers.Concatenate()([measures, origin])


#: the fork-join graph of the func_reg_recipe fixture (same block names and formals)
FUNCTIONAL_BLOCKS = {
    "main_input": functional_input,
    "path_a": pk.inp_spec(functional_dense, "main_input"),
    "path_b": pk.inp_spec(functional_dense, "main_input"),
    "concatenated": pk.inp_spec(functional_concat, {"input_a": "path_a", "input_b": "path_b"}),
    "output": pk.inp_spec(functional_output, "concatenated"),
}

#: two named inputs (the step_collapse columns ``measures`` and ``origin``) joined
MULTI_INPUT_BLOCKS = {
    "measures": functional_input,
    "origin": functional_input,
    "dense_measures": pk.inp_spec(functional_dense, "measures"),
    "dense_origin": pk.inp_spec(functional_dense, "origin"),
    "joined": pk.inp_spec(functional_join, {"measures": "dense_measures",
                                            "origin": "dense_origin"}),
    "output": pk.inp_spec(functional_output, "joined"),
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


def functional_spec(name: str, blocks: dict = FUNCTIONAL_BLOCKS):
    """A functional spec of ``blocks`` (3 epochs; the fork-join graph by default, 8 units
    on path a)."""
    make = pk.create_keras_functional_spec(name, blocks)
    args = {"path_a_units": 8} if blocks is FUNCTIONAL_BLOCKS else {}
    return make(**args, fit_epochs=3).set_engine("keras")


def training_data(name: str) -> pd.DataFrame:
    """A pk.datasets data set, or one derived from the penguins: ``penguins_weighed`` (those
    with a body mass), ``penguins_dated`` (complete rows plus an ordered size, a Date and a
    character column)."""
    penguins = pk.datasets.penguins()
    if name == "penguins_weighed":
        return penguins[penguins["body_mass_g"].notna()].reset_index(drop=True)
    if name == "penguins_dated":
        return _dated(penguins.dropna().reset_index(drop=True))
    if name == "penguins_renamed":
        return _renamed(penguins)
    return getattr(pk.datasets, name)()


def _renamed(penguins: pd.DataFrame) -> pd.DataFrame:
    """Level names R's make.names() would change: spaces, accents, digits first, signs."""
    return penguins.assign(
        species=penguins["species"].cat.rename_categories(["Adélie penguin", "2 chinstrap", "gentoo+"]),
        island=penguins["island"].cat.rename_categories(["Biscoe Is.", "Dream (north)", "Torgersen-été"]))


def _dated(penguins: pd.DataFrame) -> pd.DataFrame:
    size = pd.cut(penguins["flipper_length_mm"].astype(float), [0, 190, 210, 1000],
                  labels=["small", "mid", "big"], ordered=True)
    day = pd.Timestamp("2007-11-20") + pd.to_timedelta(np.arange(len(penguins)) * 3, unit="D")
    return penguins.assign(size=size, day=day,
                           colony=penguins["island"].astype(str).astype(object))


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


def _penguins_species_recipe():
    """Imputation, novel and pooled levels, dummies, a log and a range on penguins."""
    return (pk.recipe("species ~ .", training_data("penguins"))
            .step_impute_mean("bill_length_mm", "bill_depth_mm")
            .step_impute_median("flipper_length_mm", "body_mass_g")
            .step_impute_mode("sex")
            .step_novel("island")
            .step_other("island", threshold=0.2)
            .step_dummy(pk.all_nominal_predictors())
            .step_zv(pk.all_predictors())
            .step_log("body_mass_g")
            .step_range(pk.all_numeric_predictors()))


def _penguins_mass_recipe():
    """One-hot and treatment dummies, an interaction, integer imputation, an id column
    on penguins."""
    return (pk.recipe("body_mass_g ~ .", training_data("penguins_weighed"))
            .update_role("year", new_role="id")
            .step_impute_mode(pk.all_nominal_predictors())
            .step_impute_mean(pk.all_numeric_predictors())
            .step_dummy("species", "island", one_hot=True)
            .step_dummy("sex")
            .step_interact(["bill_length_mm", "bill_depth_mm"])
            .step_zv(pk.all_predictors())
            .step_normalize(pk.all_numeric_predictors()))


def _penguins_inputs_recipe():
    """Measurements and origin dummies collapsed into two list columns (two Keras inputs)."""
    return (pk.recipe("body_mass_g ~ .", training_data("penguins_weighed"))
            .step_impute_mode(pk.all_nominal_predictors())
            .step_impute_mean(pk.all_numeric_predictors())
            .step_normalize(pk.all_numeric_predictors())
            .step_collapse("bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                           new_col="measures")
            .step_dummy("species", "island", "sex")
            .step_collapse(starts_with("species_"), starts_with("island_"),
                           starts_with("sex_"), new_col="origin")
            .step_rm("year"))


def _penguins_dated_recipe():
    """An ordered factor scored, a Date's features, a character column made a factor, an
    outcome step skipped at bake time."""
    return (pk.recipe("body_mass_g ~ size + day + colony + bill_length_mm",
                      training_data("penguins_dated"))
            .step_log(pk.all_outcomes(), skip=True)
            .step_ordinalscore("size")
            .step_date("day", features=("dow", "month", "year", "doy", "decimal"))
            .step_rm("day")
            .step_string2factor("colony")
            .step_dummy(pk.all_nominal_predictors())
            .step_normalize(pk.all_numeric_predictors()))


def _renamed_species_recipe():
    """Odd level names through imputation, lumping and dummies."""
    return (pk.recipe("species ~ island + bill_length_mm + bill_depth_mm + body_mass_g",
                      training_data("penguins_renamed"))
            .step_impute_knn("bill_length_mm", "bill_depth_mm", neighbors=3)
            .step_impute_median("body_mass_g")
            .step_YeoJohnson("body_mass_g")
            .step_other("island", threshold=0.3, other="other islands")
            .step_dummy(pk.all_nominal_predictors())
            .step_normalize(pk.all_numeric_predictors()))


@dataclasses.dataclass(frozen=True)
class PythonCase:
    """A workflow made and fitted entirely in Python."""

    add_preprocessor: Callable[[Workflow], Workflow]
    data: str
    mode: str
    rows: tuple[int, ...] = (0, 7, 19, 30)  # rows of the data used as new data
    blocks: dict | None = None  # functional layer blocks (a sequential spec when None)
    unseen_level: tuple[str, str] | None = None  # (column, level) set on the last new row
    types: tuple[str, ...] | None = None  # the prediction types R can make (all when None)

    @property
    def functional(self) -> bool:
        return self.blocks is not None


#: workflows made and fitted entirely in Python, preprocessed as the fixtures' workflows
#: and with Python-prepped recipes R bakes
PYTHON_WORKFLOWS = {
    "python_recipe_reg": PythonCase(lambda wf: wf.add_recipe(_mtcars_recipe()), "mtcars",
                                    "regression"),
    "python_formula_reg": PythonCase(lambda wf: wf.add_formula("mpg ~ cyl + disp + hp + wt"),
                                     "mtcars", "regression"),
    "python_variables_reg": PythonCase(
        lambda wf: wf.add_variables("mpg", ["cyl", "disp", "hp", "wt", "qsec"]), "mtcars",
        "regression"),
    "python_recipe_cls": PythonCase(lambda wf: wf.add_recipe(_iris_recipe()), "iris",
                                    "classification"),
    # rows 3 (numbers missing) and 8, 9 (sex missing); an unseen island in the new data
    "python_penguins_cls": PythonCase(
        lambda wf: wf.add_recipe(_penguins_species_recipe(),
                                 blueprint=RecipeBlueprint(allow_novel_levels=True)),
        "penguins", "classification", rows=(0, 3, 8, 9, 160, 300),
        unseen_level=("island", "Anvers")),
    "python_penguins_reg": PythonCase(lambda wf: wf.add_recipe(_penguins_mass_recipe()),
                                      "penguins_weighed", "regression",
                                      rows=(0, 7, 8, 150, 300), blocks=FUNCTIONAL_BLOCKS),
    # rows 3 (numbers missing), and 340 (Torgersen-été, lumped into "other islands")
    "python_renamed_cls": PythonCase(lambda wf: wf.add_recipe(_renamed_species_recipe()),
                                     "penguins_renamed", "classification", rows=(0, 3, 160, 300)),
    "python_dated_reg": PythonCase(lambda wf: wf.add_recipe(_penguins_dated_recipe()),
                                   "penguins_dated", "regression", rows=(0, 50, 120, 250)),
    # kerasnip's multi-input pattern: step_collapse list columns feed named Keras inputs.
    # R's own Laplace intervals fail on such inputs (features are 3-d), so R predicts
    # numbers only -- as for the func_multi_input_collapse fixture.
    "python_multi_input_reg": PythonCase(lambda wf: wf.add_recipe(_penguins_inputs_recipe()),
                                         "penguins_weighed", "regression",
                                         rows=(0, 7, 8, 150, 300), blocks=MULTI_INPUT_BLOCKS,
                                         types=("numeric",)),
}


@functools.lru_cache(maxsize=None)
def python_workflow(name: str):
    """A workflow built, prepped and fitted in Python."""
    case = PYTHON_WORKFLOWS[name]
    model_spec = (functional_spec(f"py_{name}", case.blocks) if case.functional
                  else spec(f"py_{name}", case.mode))
    wf = case.add_preprocessor(Workflow()).add_model(model_spec)
    return wf.fit(training_data(case.data))


def python_new_data(name: str) -> pd.DataFrame:
    case = PYTHON_WORKFLOWS[name]
    rows = training_data(case.data).iloc[list(case.rows)].reset_index(drop=True)
    if case.unseen_level is None:
        return rows
    column, level = case.unseen_level
    values = rows[column].cat.add_categories(level)
    values.iloc[-1] = level
    return rows.assign(**{column: values})


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


@functools.lru_cache(maxsize=None)
def formula_cls_model_fit():
    """A classification ``fit(formula)``: a factor outcome, a transformed predictor."""
    return spec("py_formula_cls", "classification").fit(
        "species ~ bill_length_mm + log(body_mass_g) + flipper_length_mm", _complete_penguins(),
        seed=SEED)


def _complete_penguins() -> pd.DataFrame:
    return training_data("penguins").dropna().reset_index(drop=True)


def formula_cls_new_data() -> pd.DataFrame:
    return _complete_penguins().iloc[[0, 60, 150, 200, 320]].reset_index(drop=True)


def bare_new_data() -> pd.DataFrame:
    return training_data("mtcars").iloc[[0, 5, 12, 30]][["cyl", "disp", "hp", "wt"]].reset_index(drop=True)


#: mode -> the prediction types kerasnip registers
PREDICT_TYPES = {"regression": ("numeric", "conf_int", "pred_int"),
                 "classification": ("class", "prob", "conf_int", "pred_int")}


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
    types: tuple[str, ...] | None = None  # the prediction types R can make (all when None)

    @property
    def predict_types(self) -> tuple[str, ...]:
        return self.types or PREDICT_TYPES[self.mode]


#: every name written_files() writes
WRITTEN_NAMES = (*WORKFLOW_CASES, *PYTHON_WORKFLOWS, "bundle_recipe_reg", "bundle_python_recipe_cls",
                 "bundle_python_penguins_reg", "model_fit_xy", "bundle_model_fit_xy",
                 "model_fit_formula", "model_fit_formula_cls")


def written_files(folder: Path) -> dict[str, Written]:
    """Write every case into ``folder``; name -> :class:`Written`."""
    out: dict[str, Written] = {}
    for name, case in WORKFLOW_CASES.items():
        wf = workflow(name)
        out[name] = Written(folder / f"{name}.rds", "workflow", f"py_{name}", case.mode,
                            case.functional, new_data(case.fixture), wf)
    for name, case in PYTHON_WORKFLOWS.items():
        out[name] = Written(folder / f"{name}.rds", "workflow", f"py_{name}", case.mode,
                            case.functional, python_new_data(name), python_workflow(name),
                            case.types)
    out["bundle_recipe_reg"] = dataclasses.replace(
        out["recipe_reg"], path=folder / "bundle_recipe_reg.rds", kind="bundled_workflow",
        obj=bundle(workflow("recipe_reg")))
    out["bundle_python_recipe_cls"] = dataclasses.replace(
        out["python_recipe_cls"], path=folder / "bundle_python_recipe_cls.rds",
        kind="bundled_workflow", obj=bundle(python_workflow("python_recipe_cls")))
    out["bundle_python_penguins_reg"] = dataclasses.replace(
        out["python_penguins_reg"], path=folder / "bundle_python_penguins_reg.rds",
        kind="bundled_workflow", obj=bundle(python_workflow("python_penguins_reg")))
    out["model_fit_xy"] = Written(folder / "model_fit_xy.rds", "model_fit", "py_bare",
                                  "regression", False, bare_new_data(), bare_model_fit())
    out["bundle_model_fit_xy"] = dataclasses.replace(
        out["model_fit_xy"], path=folder / "bundle_model_fit_xy.rds", kind="bundled_model_fit",
        obj=bundle(bare_model_fit()))
    out["model_fit_formula"] = Written(folder / "model_fit_formula.rds", "model_fit",
                                       "py_formula", "regression", False, bare_new_data(),
                                       formula_model_fit())
    out["model_fit_formula_cls"] = Written(folder / "model_fit_formula_cls.rds", "model_fit",
                                           "py_formula_cls", "classification", False,
                                           formula_cls_new_data(), formula_cls_model_fit())
    for item in out.values():
        pk.write_rds(item.obj, item.path)
    return out
