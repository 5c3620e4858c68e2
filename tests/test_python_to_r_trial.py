"""A fresh-eyes trial of Python -> R, judged by the real R stack (recipes 1.3.2, kerasnip
0.1.2.900 at /opt/rstack): models built and fitted in Python as the docs show, on data
sets and options the other writer tests do not use, written as workflows, model fits and
bundles (gzip, xz, bzip2, uncompressed), then read by R's ``readRDS()`` and predicted with
every type R supports (``check_python_artifact.R``). R's numbers must equal Python's to
the bit (``--tolerance=0``): both run the same Keras model on the same float32 inputs, the
recipe/formula replay is R's arithmetic, and the Monte Carlo intervals are seeded alike.

Skipped, naming what is missing, without the exact R stack (as every rstack test)."""
from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
import r_peer
from pykerasnip.errors import ArchiveError, SpecError
from pykerasnip.hardhat.blueprint import RecipeBlueprint
from r_oracle import requires_r, run_r
from layer_blocks import dense_block, dropout_block, input_block
from write_cases import classification_output, functional_input, regression_output

SEED = 3
CLS_TYPES = ("class", "prob", "conf_int", "pred_int")
REG_TYPES = ("numeric", "conf_int", "pred_int")

requires_rstack = requires_r(*r_peer.CHECK_PACKAGES, "recipes==1.3.2", stack="rstack")


# -- layer blocks (as a user writes them from the docs) ------------------------------------
def functional_dense(tensor, units=8, activation="relu"):
    import keras

    return keras.layers.Dense(units, activation=activation)(tensor)


def functional_add(left, right):
    import keras

    return keras.layers.Add()([left, right])


def functional_cls_output(tensor, num_classes):
    import keras

    return keras.layers.Dense(num_classes, activation="softmax")(tensor)


def functional_reg_output(tensor):
    import keras

    return keras.layers.Dense(1)(tensor)


def sequential(name: str, mode: str, dropout: bool = False):
    blocks = {"input": input_block, "hidden": dense_block}
    if dropout:
        blocks["drop"] = dropout_block
    blocks["output"] = classification_output if mode == "classification" else regression_output
    return pk.create_keras_sequential_spec(name, blocks, mode=mode)


def functional(name: str, mode: str):
    output = functional_cls_output if mode == "classification" else functional_reg_output
    blocks = {"main_input": functional_input,
              "left": pk.inp_spec(functional_dense, "main_input"),
              "right": pk.inp_spec(functional_dense, "main_input"),
              "joined": pk.inp_spec(functional_add, {"left": "left", "right": "right"}),
              "output": pk.inp_spec(output, "joined")}
    return pk.create_keras_functional_spec(name, blocks, mode=mode)


# -- data sets -----------------------------------------------------------------------------
def penguins() -> pd.DataFrame:
    return pk.datasets.penguins()


def wide(n_rows: int = 120, n_cols: int = 50) -> pd.DataFrame:
    """50 numeric predictors: a few near copies (for step_corr), a constant (step_zv)."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(n_rows, n_cols))
    x[:, 1] = x[:, 0] + rng.normal(scale=0.01, size=n_rows)
    x[:, 2] = -x[:, 0] + rng.normal(scale=0.01, size=n_rows)
    x[:, 7] = 4.0
    frame = pd.DataFrame(x, columns=[f"x{i:02d}" for i in range(1, n_cols + 1)])
    frame.insert(0, "y", x[:, :5].sum(axis=1) + rng.normal(scale=0.1, size=n_rows))
    return frame


#: seven levels R's make.names() would change
ODD_LEVELS = ["level A", "b-2", "3rd", "Ünï", "x.y", "(z)", "TRUE"]


def mixed(n_rows: int = 140) -> pd.DataFrame:
    """Integer, logical, character, Date and double predictors; a 7-level factor with odd
    level names, a 2-level factor and an ordered outcome."""
    rng = np.random.default_rng(5)
    score = rng.normal(size=n_rows)
    count = rng.integers(0, 20, size=n_rows)
    flag = rng.random(n_rows) < 0.4
    colour = rng.choice(["red", "green", "blue", "violet"], size=n_rows, p=[0.4, 0.3, 0.2, 0.1])
    day = pd.Timestamp("2021-01-04") + pd.to_timedelta(rng.integers(0, 700, n_rows), unit="D")
    latent = score + count / 10 + flag
    seven = pd.Categorical(np.array(ODD_LEVELS)[np.digitize(latent, np.quantile(latent, np.linspace(0, 1, 8)[1:-1]))],
                           categories=ODD_LEVELS)
    two = pd.Categorical(np.where(latent > np.median(latent), "yes", "no"), categories=["no", "yes"])
    grade = pd.Categorical(np.array(["low", "mid", "high"])[np.digitize(latent, np.quantile(latent, [1 / 3, 2 / 3]))],
                           categories=["low", "mid", "high"], ordered=True)
    return pd.DataFrame({"score": score, "count": pd.array(count, dtype="Int32"), "flag": flag,
                         "colour": pd.Series(colour, dtype=object), "day": day.normalize(),
                         "seven": seven, "two": two, "grade": grade})


# -- the cases -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Trial:
    """``build()`` gives the fitted object and the new data R and Python predict on."""

    build: Callable[[], tuple[object, pd.DataFrame]]
    mode: str
    compress: str | None = "gzip"
    types: tuple[str, ...] | None = None
    level: float = 0.95  # of the intervals

    @property
    def predict_types(self) -> tuple[str, ...]:
        return self.types or (CLS_TYPES if self.mode == "classification" else REG_TYPES)


def _fit_wf(wf: pk.Workflow, data: pd.DataFrame) -> pk.Workflow:
    import keras

    keras.utils.set_random_seed(SEED)
    return wf.fit(data)


def _rows(frame: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    return frame.iloc[rows].reset_index(drop=True)


def _with_level(frame: pd.DataFrame, column: str, row: int, level: str) -> pd.DataFrame:
    values = frame[column].cat.add_categories(level) if level not in frame[column].cat.categories \
        else frame[column].copy()
    values.iloc[row] = level
    return frame.assign(**{column: values})


def penguins_unknown_onehot():
    """NA sex -> "unknown", unseen island -> hardhat's NA (novel levels not allowed) ->
    step_unknown, one-hot dummies, RMSprop at a learning rate, validation split."""
    data = penguins()
    rec = (pk.recipe("species ~ .", data)
           .step_impute_median(pk.all_numeric_predictors())
           .step_unknown("sex", "island")
           .step_dummy(pk.all_nominal_predictors(), one_hot=True)
           .step_zv(pk.all_predictors())
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_peng_onehot", "classification")(
        hidden_units=8, fit_epochs=2, fit_batch_size=32, fit_validation_split=0.2,
        learn_rate=0.005, compile_optimizer="rmsprop").set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    new = _with_level(_rows(data, [0, 3, 8, 100, 200, 300]), "island", 5, "Anvers")
    return wf, new


def penguins_novel_other():
    """Novel levels allowed: step_novel then step_other pool the unseen island."""
    data = penguins()
    rec = (pk.recipe("species ~ island + sex + bill_length_mm + body_mass_g", data)
           .step_impute_mode("sex")
           .step_impute_mean("bill_length_mm", "body_mass_g")
           .step_novel("island", new_level="brand new")
           .step_other("island", threshold=0.2, other="rare")
           .step_dummy(pk.all_nominal_predictors())
           .step_range(pk.all_numeric_predictors()))
    spec = sequential("trial_peng_novel", "classification", dropout=True)(
        num_hidden=2, hidden_units=6, hidden_activation="tanh", drop_rate=0.2,
        fit_epochs=2).set_engine("keras", verbose=0)
    wf = pk.workflow().add_recipe(rec, blueprint=RecipeBlueprint(allow_novel_levels=True)).add_model(spec)
    wf = _fit_wf(wf, data)
    new = _with_level(_rows(data, [0, 3, 9, 160, 320]), "island", 4, "Anvers")
    return wf, new


def penguins_formula_model_fit():
    """``fit(formula)`` with an interaction, ``I(x^2)`` and ``log()``; rows with NA dropped
    at fit; new data with a missing value; bundled."""
    data = penguins()
    spec = sequential("trial_peng_formula", "regression")(
        hidden_units=4, fit_epochs=3, learn_rate=0.05).set_engine("keras")
    fit = spec.fit("body_mass_g ~ bill_length_mm * bill_depth_mm + I(flipper_length_mm^2) + "
                   "log(bill_length_mm)", data, seed=SEED)
    return pk.bundle(fit), _rows(data, [0, 3, 50, 200, 330])


def mtcars_formula_dot():
    """A formula workflow: ``.`` plus transforms and an interaction."""
    data = pk.datasets.mtcars()
    spec = sequential("trial_mtcars_dot", "regression")(
        hidden_units=12, fit_epochs=4, fit_batch_size=8, compile_loss="mean_absolute_error",
        compile_metrics=["mean_squared_error", "root_mean_squared_error"]).set_engine("keras")
    wf = pk.workflow().add_formula("mpg ~ . + log(disp) + I(hp^2) + wt:qsec").add_model(spec)
    return _fit_wf(wf, data), _rows(data, [0, 4, 9, 17, 31])


def mtcars_variables_bundle():
    """Variables preprocessor, SGD, unshuffled, bundled, xz."""
    data = pk.datasets.mtcars()
    spec = sequential("trial_mtcars_vars", "regression")(
        hidden_units=5, fit_epochs=3, fit_shuffle=False, compile_optimizer="sgd",
        learn_rate=0.001).set_engine("keras")
    wf = pk.workflow().add_variables("mpg", ["cyl", "disp", "hp", "drat", "wt"]).add_model(spec)
    return pk.bundle(_fit_wf(wf, data)), _rows(data, [1, 2, 3, 30])


def wide_corr_pca():
    """50 columns: zero-variance and correlated ones dropped, then PCA."""
    data = wide()
    rec = (pk.recipe("y ~ .", data)
           .step_zv(pk.all_predictors())
           .step_corr(pk.all_numeric_predictors(), threshold=0.9)
           .step_normalize(pk.all_numeric_predictors())
           .step_pca(pk.all_numeric_predictors(), num_comp=6))
    spec = sequential("trial_wide_pca", "regression")(hidden_units=10, fit_epochs=3).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 10, 50, 119])


def wide_plain_uncompressed():
    """50 raw numeric columns into a functional graph, written uncompressed."""
    data = wide()
    spec = functional("trial_wide_func", "regression")(left_units=6, right_units=6,
                                                          right_activation="tanh",
                                                          fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(pk.recipe("y ~ .", data)).add_model(spec), data)
    return wf, _rows(data, [3, 33, 99])


def mixed_seven_dates():
    """Integer, logical, character and Date predictors; a 7-level outcome with odd names."""
    data = mixed()
    rec = (pk.recipe("seven ~ score + count + flag + colour + day", data)
           .step_date("day", features=("dow", "month", "year"))
           .step_rm("day")
           .step_string2factor("colour")
           .step_dummy(pk.all_nominal_predictors())
           .step_zv(pk.all_predictors())
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_mixed_seven", "classification")(hidden_units=12, fit_epochs=3).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 1, 2, 50, 90, 139])


def mixed_clock_times():
    """Naive datetimes with a time of day, which R receives as date-times in UTC: hour and
    day features from one column, and new data whose times fall on other days."""
    data = mixed()
    seconds = np.random.default_rng(9).integers(0, 86_400 * 30, len(data))
    data = data.assign(when=pd.Timestamp("2023-03-20") + pd.to_timedelta(seconds, unit="s"))
    rec = (pk.recipe("score ~ count + flag + when", data)
           .step_time("when", features=("hour", "minute", "decimal_day"))
           .step_date("when", features=("dow", "doy"))
           .step_rm("when")
           .step_dummy(pk.all_nominal_predictors())
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_clock_times", "regression")(hidden_units=6, fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    new_data = _rows(data, [0, 1, 2, 3])
    return wf, new_data.assign(when=new_data["when"] + pd.to_timedelta([0, 1, 40, 400], unit="D"))


def mixed_binary_functional():
    """A 2-level outcome through a functional graph, bundled, bzip2."""
    data = mixed()
    rec = (pk.recipe("two ~ score + count + flag + colour", data)
           .step_string2factor("colour")
           .step_other("colour", threshold=0.15)
           .step_dummy("colour", one_hot=True)
           .step_normalize("score", "count"))
    spec = functional("trial_mixed_two", "classification")(fit_epochs=3, fit_batch_size=10).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return pk.bundle(wf), _rows(data, [5, 6, 7, 8])


def mixed_ordered_outcome():
    """An ordered outcome; the character column as a recipe nominal with an unseen value."""
    data = mixed()
    rec = (pk.recipe("grade ~ score + count + colour", data)
           .step_novel("colour")
           .step_dummy("colour")
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_mixed_grade", "classification")(hidden_units=4, fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    new = _rows(data, [0, 20, 40, 60])
    new.loc[3, "colour"] = "orange"
    return wf, new


def mixed_class_weights():
    """Class weights for a binary outcome (Keras' dict); R never needs them to predict."""
    data = mixed()
    rec = pk.recipe("two ~ score + count + flag", data).step_normalize("score", "count")
    spec = sequential("trial_mixed_weights", "classification")(
        hidden_units=4, fit_epochs=2, fit_class_weight={0: 1.0, 1: 3.0}).set_engine("keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the weights are written unset
        wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 70, 100])


def mixed_variables_logical():
    """Variables of integer, logical and double columns, model_fit extracted."""
    data = mixed()
    spec = sequential("trial_mixed_vars", "regression")(hidden_units=3, fit_epochs=2).set_engine("keras")
    wf = pk.workflow().add_variables("score", ["count", "flag"]).add_model(spec)
    return _fit_wf(wf, data), _rows(data, [0, 1, 2])


def penguins_integer_variables():
    """Only integer predictors, missing in new data: R's matrix is an integer one and
    keras3 hands its NA to Keras as the int32 NA_integer_ (a linear layer keeps it)."""
    data = penguins()
    spec = sequential("trial_peng_ints", "regression")(hidden_units=3, hidden_activation="linear",
                                                       fit_epochs=2).set_engine("keras")
    wf = pk.workflow().add_variables("bill_length_mm", ["flipper_length_mm", "body_mass_g", "year"])
    wf = _fit_wf(wf.add_model(spec), data[data["body_mass_g"].notna()].reset_index(drop=True))
    return wf, _rows(data, [0, 3, 5, 271])


def mixed_logical_variables():
    """Only logical predictors, one nullable with NA in training and new data: R's matrix
    is a logical one, and reticulate turns its NA into FALSE."""
    data = mixed()
    data = data.assign(flag2=pd.array([True, False, None, True] * 35, dtype="boolean"))
    spec = sequential("trial_mixed_lgl", "regression")(hidden_units=3, hidden_activation="linear",
                                                       fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_variables("score", ["flag", "flag2"]).add_model(spec), data)
    return wf, _rows(data, [0, 1, 2, 3])


def penguins_knn_linear():
    """knn and linear imputation, missing values in new data, an id role."""
    data = penguins()
    rec = (pk.recipe("body_mass_g ~ .", data[data["body_mass_g"].notna()].reset_index(drop=True))
           .update_role("year", new_role="id")
           .step_impute_knn("sex", neighbors=4)
           .step_impute_linear("bill_depth_mm", impute_with=("bill_length_mm",))
           .step_impute_mean(pk.all_numeric_predictors())
           .step_dummy(pk.all_nominal_predictors())
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_peng_knn", "regression")(hidden_units=8, fit_epochs=3,
                                                      learn_rate=0.1).set_engine("keras")
    data = data[data["body_mass_g"].notna()].reset_index(drop=True)
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 2, 7, 8, 9, 40])


def penguins_model_fit_xy():
    """``fit_xy`` on a frame of Int32 and double columns with a Series outcome, bundled."""
    data = penguins().dropna().reset_index(drop=True)
    x = data[["bill_length_mm", "flipper_length_mm", "year"]]
    spec = sequential("trial_peng_xy", "classification")(hidden_units=5, fit_epochs=2).set_engine("keras")
    return pk.bundle(spec.fit_xy(x, data["species"], seed=SEED)), _rows(x, [0, 100, 200])


def penguins_model_fit_cls_formula():
    """A classification ``fit(formula)`` with ``.`` minus columns, uncompressed."""
    data = penguins().dropna().reset_index(drop=True)[["sex", "bill_length_mm", "bill_depth_mm",
                                                       "body_mass_g"]]
    spec = sequential("trial_peng_sex", "classification")(hidden_units=6, fit_epochs=2).set_engine("keras")
    fit = spec.fit("sex ~ . + I(body_mass_g / 1000)", data, seed=SEED)
    return fit, _rows(data, [0, 1, 2, 3])


def recipe_with_model_formula():
    """A recipe plus a model formula (``add_model(spec, formula=...)``)."""
    data = pk.datasets.mtcars()
    rec = pk.recipe("mpg ~ .", data).step_normalize(pk.all_predictors())
    spec = sequential("trial_mtcars_modelform", "regression")(hidden_units=4, fit_epochs=2).set_engine("keras")
    wf = pk.workflow().add_recipe(rec).add_model(spec, formula="mpg ~ wt + hp + log(disp + 10)")
    return _fit_wf(wf, data), _rows(data, [0, 5, 10])


def iris_options():
    """Adam with loss/metric names, fit_verbose, epochs and batch size, xz."""
    data = pk.datasets.iris()
    rec = pk.recipe("Species ~ .", data).step_log(pk.all_numeric_predictors(), offset=1).step_center(
        pk.all_numeric_predictors())
    spec = sequential("trial_iris_opts", "classification")(
        hidden_units=7, fit_epochs=4, fit_batch_size=16, fit_verbose=0,
        compile_loss="categorical_crossentropy",
        compile_metrics=["categorical_accuracy", "auc"], compile_optimizer="adam",
        learn_rate=0.02).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 60, 120, 149])


def iris_interactions_poly():
    """Interactions, a polynomial and a spline from recipes."""
    data = pk.datasets.iris()
    rec = (pk.recipe("Sepal.Length ~ .", data)
           .step_dummy("Species")
           .step_interact(["Petal.Length", "Petal.Width"])
           .step_poly("Sepal.Width", degree=2)
           .step_ns("Petal.Length", deg_free=3)
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_iris_poly", "regression")(hidden_units=6, fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 75, 149])


def mtcars_multi_block_dropout():
    """Repeated hidden blocks with dropout; a bare model fit read back from a bundle."""
    data = pk.datasets.mtcars()
    spec = sequential("trial_mtcars_deep", "regression", dropout=True)(
        num_hidden=3, hidden_units=5, drop_rate=0.3, num_drop=1, fit_epochs=2,
        fit_validation_split=0.25).set_engine("keras")
    fit = spec.fit_xy(data[["disp", "hp", "wt", "qsec"]], data["mpg"], seed=SEED)
    return fit, _rows(data[["disp", "hp", "wt", "qsec"]], [0, 1, 31])


def penguins_functional_cls_bundle():
    """A functional classifier on penguins with a recipe, bundled, gzip."""
    data = penguins()
    rec = (pk.recipe("island ~ species + bill_length_mm + flipper_length_mm", data)
           .step_impute_mean(pk.all_numeric_predictors())
           .step_dummy("species", one_hot=True)
           .step_normalize(pk.all_numeric_predictors()))
    spec = functional("trial_peng_func_cls", "classification")(left_units=5, right_units=5, fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return pk.bundle(wf), _rows(data, [0, 3, 200, 340])


def mtcars_number_categories():
    """pandas categories of numbers (``astype("category")``): integer outcome levels,
    integer and double predictor levels; R holds them as text levels."""
    data = pk.datasets.mtcars()
    data = data.assign(am=data["am"].astype(int).astype("category"),
                       cyl=data["cyl"].astype(int).astype("category"),
                       gear=data["gear"].astype("category"))
    rec = (pk.recipe("am ~ cyl + gear + wt + hp", data)
           .step_dummy("cyl")
           .step_dummy("gear", one_hot=True)
           .step_normalize(pk.all_numeric_predictors()))
    spec = sequential("trial_mtcars_numcats", "classification")(hidden_units=4, fit_epochs=2).set_engine("keras")
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(spec), data)
    return wf, _rows(data, [0, 2, 5, 30])


def penguins_two_heads():
    """Two factor outcomes, one softmax head each (blocks named after them): R's class
    bypass, and Monte Carlo intervals whose second head draws from the state the first
    left (R's unseeded keras.random calls advance the generator their own way)."""
    data = penguins().dropna().reset_index(drop=True)
    blocks = {"main_input": functional_input,
              "trunk": pk.inp_spec(functional_dense, "main_input"),
              "species": pk.inp_spec(functional_cls_output, "trunk"),
              "island": pk.inp_spec(functional_cls_output, "trunk")}
    make = pk.create_keras_functional_spec("trial_two_heads", blocks, mode="classification")
    rec = pk.recipe("species + island ~ bill_length_mm + bill_depth_mm + flipper_length_mm",
                    data).step_normalize(pk.all_numeric_predictors())
    wf = _fit_wf(pk.workflow().add_recipe(rec).add_model(make(fit_epochs=2).set_engine("keras")), data)
    return wf, _rows(data, [0, 100, 200, 300])


def mtcars_keras_function_loss():
    """A loss given as a Keras function object: written unset in the spec (no R form),
    the model's compile config names Keras' own function, which R resolves."""
    import keras

    data = pk.datasets.mtcars()
    spec = sequential("trial_mtcars_fnloss", "regression")(
        hidden_units=4, fit_epochs=2, compile_loss=keras.losses.mean_absolute_error).set_engine("keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # compile_loss is written unset
        fit = spec.fit_xy(data[["wt", "hp"]], data["mpg"], seed=SEED)
    return fit, _rows(data[["wt", "hp"]], [0, 1, 2])


TRIALS: dict[str, Trial] = {
    "penguins_unknown_onehot": Trial(penguins_unknown_onehot, "classification", compress="xz"),
    "penguins_novel_other": Trial(penguins_novel_other, "classification"),
    "penguins_formula_model_fit": Trial(penguins_formula_model_fit, "regression"),
    "mtcars_formula_dot": Trial(mtcars_formula_dot, "regression", compress=None),
    "mtcars_variables_bundle": Trial(mtcars_variables_bundle, "regression", compress="xz"),
    "wide_corr_pca": Trial(wide_corr_pca, "regression", compress="bzip2"),
    "wide_plain_uncompressed": Trial(wide_plain_uncompressed, "regression", compress=None),
    "mixed_seven_dates": Trial(mixed_seven_dates, "classification", level=0.8),
    "mixed_clock_times": Trial(mixed_clock_times, "regression", compress="xz"),
    "mixed_binary_functional": Trial(mixed_binary_functional, "classification", compress="bzip2"),
    "mixed_ordered_outcome": Trial(mixed_ordered_outcome, "classification"),
    "mixed_class_weights": Trial(mixed_class_weights, "classification"),
    "mixed_variables_logical": Trial(mixed_variables_logical, "regression"),
    "penguins_integer_variables": Trial(penguins_integer_variables, "regression"),
    "mixed_logical_variables": Trial(mixed_logical_variables, "regression", compress="xz"),
    "penguins_knn_linear": Trial(penguins_knn_linear, "regression", compress="xz", level=0.9),
    "penguins_model_fit_xy": Trial(penguins_model_fit_xy, "classification"),
    "penguins_model_fit_cls_formula": Trial(penguins_model_fit_cls_formula, "classification",
                                            compress=None),
    "recipe_with_model_formula": Trial(recipe_with_model_formula, "regression"),
    "iris_options": Trial(iris_options, "classification", compress="xz"),
    "iris_interactions_poly": Trial(iris_interactions_poly, "regression"),
    "mtcars_multi_block_dropout": Trial(mtcars_multi_block_dropout, "regression"),
    "penguins_functional_cls_bundle": Trial(penguins_functional_cls_bundle, "classification"),
    "mtcars_keras_function_loss": Trial(mtcars_keras_function_loss, "regression"),
    "mtcars_number_categories": Trial(mtcars_number_categories, "classification", compress="xz"),
    "penguins_two_heads": Trial(penguins_two_heads, "classification", level=0.9),
}


def test_the_trial_has_its_cases() -> None:
    assert len(TRIALS) >= 20


@requires_rstack
@pytest.mark.slow
@pytest.mark.parametrize("name", list(TRIALS))
def test_r_predicts_what_python_predicts(tmp_path: Path, name: str) -> None:
    trial = TRIALS[name]
    obj, new_data = trial.build()
    path = tmp_path / f"{name}.rds"
    pk.write_rds(obj, path, compress=trial.compress)
    paths = r_peer.prepare_case(name, obj, new_data, trial.predict_types, tmp_path, trial.level)
    report = r_peer.run_check(path, paths, trial.predict_types, stack="rstack", tolerance=0,
                              level=trial.level)
    assert r_peer.failures(report) == []
    assert list(report["predictions"]) == list(trial.predict_types)




_PREDICT_TYPES = """
obj <- readRDS(path)
if (inherits(obj, "bundle")) obj <- bundle::unbundle(obj)
lapply(types, function(type) {
  keras3::set_random_seed(1)
  as.data.frame(predict(obj, new_data, type = type, level = level))
})
"""


@requires_rstack
@pytest.mark.slow
@pytest.mark.parametrize("name", list(TRIALS))
def test_r_predicts_on_the_frame_python_writes(tmp_path: Path, name: str) -> None:
    """New data written by ``write_rds`` (as a user hands R a frame), not read from CSV:
    every column keeps the R type ``write_rds`` gives it, and R predicts Python's numbers."""
    trial = TRIALS[name]
    obj, new_data = trial.build()
    path = tmp_path / f"{name}.rds"
    pk.write_rds(obj, path, compress=trial.compress)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # novel levels, as R warns
        got = run_r(_PREDICT_TYPES, inputs={"path": path, "new_data": new_data,
                                            "types": list(trial.predict_types),
                                            "level": trial.level},
                    packages=("kerasnip", "workflows", "parsnip", "recipes"), stack="rstack")
        want = r_peer.python_predictions(obj, new_data, trial.predict_types, trial.level)
    for kind, r_frame in zip(trial.predict_types, got):
        python = want[kind]
        if kind == "class":  # R's factor comes back as a Categorical with R's levels
            python = python.astype({c: "object" for c in python.columns})
            r_frame = r_frame.astype({c: "object" for c in r_frame.columns})
        pd.testing.assert_frame_equal(r_frame, python, check_exact=True, check_dtype=False,
                                      obj=f"{name} {kind}")

#: trials whose written file R's ``augment()`` also gets, with the outcome in the new data
AUGMENTED = ("penguins_unknown_onehot", "mtcars_formula_dot", "mtcars_variables_bundle",
             "penguins_formula_model_fit", "mixed_binary_functional", "penguins_model_fit_xy")

_AUGMENT = """
obj <- readRDS(path)
if (inherits(obj, "bundle")) obj <- bundle::unbundle(obj)
out <- as.data.frame(augment(obj, new_data))
out[grep("^[.](pred|resid)", names(out))]
"""


@requires_rstack
@pytest.mark.slow
@pytest.mark.parametrize("name", AUGMENTED)
def test_r_augments_with_what_python_predicts(tmp_path: Path, name: str) -> None:
    """``augment()`` forges the outcomes too when the model fit names them (parsnip
    names one outcome only for a formula fit, and adds residuals then): the written
    ``preproc`` must name what parsnip's would."""
    trial = TRIALS[name]
    obj, new_data = trial.build()
    path = tmp_path / f"{name}.rds"
    pk.write_rds(obj, path, compress=trial.compress)
    got = run_r(_AUGMENT, inputs={"path": path, "new_data": new_data},
                packages=("kerasnip", "workflows", "parsnip", "recipes"), stack="rstack")
    model = pk.unbundle(obj)
    kinds = ("class", "prob") if trial.mode == "classification" else ("numeric",)
    want = pd.concat([model.predict(new_data, type=kind) for kind in kinds], axis=1)
    if name == "penguins_formula_model_fit":  # a formula fit names its outcome: residuals
        want[".resid"] = new_data["body_mass_g"].astype(float) - want[".pred"]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_exact=True,
                                  check_dtype=False)


# -- what R cannot restore is refused at write time ----------------------------------------
def _lambda_block(model):
    import keras

    model.add(keras.layers.Lambda(lambda t: t * 2.0))
    return model


def _custom_layer_block(model):
    import keras

    @keras.saving.register_keras_serializable(package="pyr_trial")
    class Twice(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model.add(Twice())
    return model


def _custom_loss(y_true, y_pred):
    import keras

    return keras.ops.mean(keras.ops.abs(y_true - y_pred))


#: name -> (middle layer block, extra spec arguments): models only this Python session
#: can rebuild (a Python lambda, a class registered here, an unregistered loss function)
UNPORTABLE = {"lambda_layer": (_lambda_block, {}),
              "registered_layer": (_custom_layer_block, {}),
              "custom_loss": (dense_block, {"compile_loss": _custom_loss})}


@pytest.fixture(scope="module")
def unportable_fits() -> dict[str, object]:
    data = pk.datasets.mtcars()
    fits = {}
    for name, (block, extra) in UNPORTABLE.items():
        make = pk.create_keras_sequential_spec(
            f"trial_unportable_{name}", {"input": input_block, "middle": block,
                                         "output": regression_output})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            fits[name] = make(fit_epochs=1, **extra).set_engine("keras").fit_xy(
                data[["wt", "hp"]], data["mpg"], seed=SEED)
    return fits


@pytest.mark.parametrize("name", list(UNPORTABLE))
def test_models_r_cannot_restore_are_refused_at_write(unportable_fits, tmp_path: Path,
                                                       name: str) -> None:
    fit = unportable_fits[name]
    assert len(fit.predict(pk.datasets.mtcars().head(2))) == 2  # Python predicts with it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for obj in (fit, pk.bundle(fit)):
            with pytest.raises(ArchiveError, match="keras3::load_model"):
                pk.write_rds(obj, tmp_path / "model.rds")
    assert not (tmp_path / "model.rds").exists()


@requires_rstack
@pytest.mark.slow
def test_r_cannot_restore_them_either(unportable_fits, tmp_path: Path) -> None:
    """The ground truth of the refusal: keras3::load_model() in R fails on each model."""
    files = {}
    for name, fit in unportable_fits.items():
        files[name] = tmp_path / f"{name}.keras"
        files[name].write_bytes(fit.fit.keras_bytes)
    failed = run_r("vapply(files, function(f) inherits(try(keras3::load_model(f), silent = TRUE), "
                   "'try-error'), TRUE)", inputs={"files": [str(f) for f in files.values()]},
                   packages=("keras3",), stack="rstack")
    assert list(failed) == [True] * len(files)


# -- the predictor matrix keras3 hands to Keras ----------------------------------------------
#: frames of every mix of R types, with missing values
MATRIX_FRAMES = {
    "double_integer_logical": pd.DataFrame({"d": [1.5, np.nan], "i": pd.array([2, None], dtype="Int32"),
                                            "l": pd.array([True, None], dtype="boolean")}),
    "integer_logical": pd.DataFrame({"i": pd.array([2, None, 4], dtype="Int32"),
                                     "l": pd.array([None, True, False], dtype="boolean")}),
    "integers": pd.DataFrame({"i": pd.array([None, 7], dtype="Int32"), "j": np.array([1, 2])}),
    "logicals": pd.DataFrame({"l": pd.array([None, True, False], dtype="boolean"),
                              "m": [True, False, True]}),
    "big_integers": pd.DataFrame({"i": np.array([1, 2**40]), "j": np.array([3, 4])}),
}


@requires_r("reticulate", stack="rstack")
def test_predictor_matrix_is_what_keras3_hands_to_keras() -> None:
    """``as.matrix()`` of the frame R reads, converted by reticulate as keras3 converts
    it (a double matrix goes as float32, but that cast is Keras' input cast in Python)."""
    from pykerasnip.model.process import as_matrix

    code = ("lapply(frames, function(df) { a <- reticulate::r_to_py(as.matrix(df)); "
            "list(dtype = reticulate::py_to_r(a$dtype$name), "
            "values = unlist(reticulate::py_to_r(a$astype('float64')$ravel()$tolist()))) })")
    got = run_r(code, inputs={"frames": MATRIX_FRAMES}, stack="rstack")
    for (name, frame), r in zip(MATRIX_FRAMES.items(), got):
        python = as_matrix(frame)
        assert python.dtype.name == r[0], name
        np.testing.assert_array_equal(python.astype(np.float64).ravel(), np.asarray(r[1]), err_msg=name)


# -- factor outcomes with missing values ----------------------------------------------------
def test_missing_factor_outcomes_are_refused_at_fit() -> None:
    data = penguins()  # sex: 11 missing
    rec = pk.recipe("sex ~ bill_length_mm + body_mass_g", data).step_impute_mean(
        pk.all_numeric_predictors())
    spec = sequential("trial_na_outcome", "classification")(fit_epochs=1).set_engine("keras")
    with pytest.raises(SpecError, match="'sex' has 11 missing values"):
        pk.workflow().add_recipe(rec).add_model(spec).fit(data)


@requires_rstack
def test_r_cannot_one_hot_them_either() -> None:
    """kerasnip's own outcome processing fails on a factor with NA (so R's fit does)."""
    failed = run_r("inherits(try(kerasnip:::process_y_sequential(y), silent = TRUE), 'try-error')",
                   inputs={"y": penguins()["sex"]}, packages=("kerasnip",), stack="rstack")
    assert list(failed) == [True]


# -- a vector-valued (multistep) output: nested predictions, joint draws ------------------------
def _two_step_output(tensor):
    import keras

    return keras.layers.Dense(2)(tensor)


_MULTISTEP = """
obj <- readRDS(path)
out <- list()
for (k in c("numeric", "conf_int", "pred_int")) {
  keras3::set_random_seed(1)
  out[[k]] <- as.data.frame(tidyr::unnest(predict(obj, new_data, type = k), .pred))
}
keras3::set_random_seed(1)
joint <- predict(obj, new_data, type = "pred_int", joint = TRUE)$.pred
out$joint <- as.data.frame(do.call(rbind, joint))
out
"""


@requires_rstack
@pytest.mark.slow
def test_r_predicts_the_multistep_fit_as_python(tmp_path: Path) -> None:
    """Outcomes ``lead_<k>_<var>`` make one vector-valued output: R's nested numeric and
    interval predictions and its joint draws (R's own random numbers) equal Python's."""
    blocks = {"main_input": functional_input,
              "dense": pk.inp_spec(functional_dense, "main_input"),
              "output": pk.inp_spec(_two_step_output, "dense")}
    make = pk.create_keras_functional_spec("trial_multistep", blocks)
    cars = pk.datasets.mtcars()
    x = cars[["cyl", "disp", "hp", "wt"]]
    y = pd.DataFrame({"lead_1_mpg": cars["mpg"], "lead_2_mpg": cars["mpg"] * 1.1})
    fit = make(dense_units=6, fit_epochs=2).set_engine("keras").fit_xy(x, y, seed=SEED)
    pk.write_rds(pk.bundle(fit), tmp_path / "multistep.rds", compress="xz")
    new_data = _rows(x, [0, 7, 20])
    got = run_r(_MULTISTEP.replace("readRDS(path)", "bundle::unbundle(readRDS(path))"),
                inputs={"path": tmp_path / "multistep.rds", "new_data": new_data},
                packages=("kerasnip", "parsnip"), stack="rstack")
    want = [pd.concat(list(fit.predict(new_data, type=kind, seed=1)[".pred"]), ignore_index=True)
            for kind in REG_TYPES]
    want.append(pd.concat(list(fit.predict(new_data, type="pred_int", joint=True, seed=1)[".pred"]),
                          ignore_index=True))
    for r_frame, python in zip(got, want):
        pd.testing.assert_frame_equal(r_frame, python, check_exact=True, check_dtype=False)
