"""Random Python -> R write cases, judged by the real R stack.

``draw(seed)`` draws a case from its seed alone: a data set (pykerasnip's data sets or a
synthetic frame of double, integer, factor with odd level names, ordered, logical, Date,
date-time and text columns, with missing values), a mode (regression with one or two
outcomes, binary or multiclass classification), a preprocessor (formula, a recipe of random
steps, variables, or a bare ``fit()`` / ``fit_xy()``), a spec from Python layer blocks
(sequential or functional, random hyperparameters, compile and fit arguments) and how it
is written (workflow, model fit or bundle; compression; RDS version; XDR, binary or ASCII).

``write_case(seed, folder)`` fits the case in Python, writes it with Python's predictions of
every type (or the typed error Python raised), and ``judge(folder)`` runs
``tests/r/judge_random_writes.R`` in the exact R stack, which reads each file, predicts and
compares to the bit. ``write_round_trip(path, seed, folder)`` reads a file R made, writes it
back and has R compare its predictions from both files.

Hunt from the command line (outside the repository)::

    PYTHONPATH=. python tests/random_writes.py make /tmp/randwrite/a 1 200
    PYTHONPATH=. python tests/random_writes.py judge /tmp/randwrite/a
    PYTHONPATH=. python tests/random_writes.py report /tmp/randwrite/a
"""
from __future__ import annotations

import dataclasses
import json
import random
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

import pykerasnip as pk
from pykerasnip import rds, rtree
from pykerasnip.errors import PykerasnipError
from pykerasnip.hardhat.blueprint import FormulaBlueprint, RecipeBlueprint
from layer_blocks import dense_block, dropout_block, input_block

TESTS = Path(__file__).resolve().parent
JUDGE = TESTS / "r" / "judge_random_writes.R"
#: keras3::set_random_seed() before each R prediction, predict(seed=) in Python
PREDICT_SEED = 1
PREDICT_TYPES = {"regression": ("numeric", "conf_int", "pred_int"),
                 "classification": ("class", "prob", "conf_int", "pred_int")}
#: level names R's make.names() would change, and some R reads specially
ODD_LEVELS = ["level A", "b-2", "3rd", "Ünï", "x.y", "(z)", "TRUE", "NA", "a,b", "q\"t",
              "_u", "1", "10", "é è", "Inf", "long level name with spaces"]
#: predictor column kinds of the synthetic frames
KINDS = ("double", "double", "integer", "factor", "ordered", "logical", "date", "datetime",
         "text")


# -- layer blocks --------------------------------------------------------------------------
def norm_block(model, kind="layer"):
    import keras

    model.add(keras.layers.LayerNormalization() if kind == "layer"
              else keras.layers.BatchNormalization())
    return model


def regression_output(model):
    import keras

    model.add(keras.layers.Dense(1))
    return model


def classification_output(model, num_classes, activation="softmax"):
    import keras

    model.add(keras.layers.Dense(num_classes, activation=activation))
    return model


def functional_input(input_shape):
    import keras

    return keras.Input(shape=input_shape)


def functional_dense(tensor, units=8, activation="relu"):
    import keras

    return keras.layers.Dense(units, activation=activation)(tensor)


def functional_add(left, right):
    import keras

    return keras.layers.Add()([left, right])


def functional_concat(left, right):
    import keras

    return keras.layers.Concatenate()([left, right])


def functional_reg_output(tensor):
    import keras

    return keras.layers.Dense(1)(tensor)


def functional_cls_output(tensor, num_classes):
    import keras

    return keras.layers.Dense(num_classes, activation="softmax")(tensor)


# -- data ----------------------------------------------------------------------------------
@dataclasses.dataclass
class Data:
    """A training frame, its predictor kinds (column -> kind) and outcome candidates."""

    frame: pd.DataFrame
    kinds: dict[str, str]
    numeric_outcomes: list[str]
    factor_outcomes: list[str]


def _levels(rnd: random.Random, k: int) -> list[str]:
    pool = ODD_LEVELS + [f"lv{i}" for i in range(10)]
    return rnd.sample(pool, k)


def _column(kind: str, rnd: random.Random, rng: np.random.Generator, n: int,
            latent: np.ndarray) -> pd.Series:
    if kind == "double":
        return pd.Series(rng.normal(rnd.choice([0, 5, 100]), rnd.choice([0.1, 1, 30]), n))
    if kind == "integer":
        return pd.Series(pd.array(rng.integers(0, rnd.choice([3, 20, 1000]), n), dtype="Int32"))
    if kind in ("factor", "ordered"):
        levels = _levels(rnd, rnd.randint(2, 5))
        codes = np.minimum((rng.random(n) ** rnd.choice([0.5, 1, 2])) * len(levels),
                           len(levels) - 1).astype(int)
        return pd.Series(pd.Categorical.from_codes(codes, levels, ordered=kind == "ordered"))
    if kind == "logical":
        return pd.Series(pd.array(rng.random(n) < 0.4, dtype="boolean"))
    if kind == "date":
        days = rng.integers(0, 900, n)
        return pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D"))
    if kind == "datetime":
        secs = rng.integers(0, 86400 * 400, n)
        tz = rnd.choice([None, "UTC", "America/New_York"])
        return pd.Series(pd.Timestamp("2021-03-01", tz=tz) + pd.to_timedelta(secs, unit="s"))
    return pd.Series(rng.choice(["red", "green", "blue", "dark violet"], n), dtype=object)


def _contribution(col: pd.Series) -> np.ndarray:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(dtype=float)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return (col - col.min()).dt.days.to_numpy(dtype=float) / 300
    if col.dtype == object:
        return (col == "red").to_numpy(dtype=float)
    values = col.to_numpy(dtype=float, na_value=np.nan)
    return (values - np.nanmean(values)) / (np.nanstd(values) + 1e-9)


def _column_name(rnd: random.Random, i: int) -> str:
    return rnd.choice([f"x{i}"] * 6 + [f"v.{i}_a", f"col {i}", f"ä{i}", f"{i}th", f"x{i}.1"])


def synthetic(rnd: random.Random, rng: np.random.Generator) -> Data:
    n = rnd.randint(40, 160)
    kinds = {_column_name(rnd, i): rnd.choice(KINDS) for i in range(1, rnd.randint(2, 7))}
    if not any(k in ("double", "integer") for k in kinds.values()):
        kinds["num"] = "double"
    frame = pd.DataFrame({name: _column(kind, rnd, rng, n, None) for name, kind in kinds.items()})
    latent = sum(_contribution(frame[c]) for c in frame.columns) + rng.normal(0, 0.3, n)
    frame["y"] = latent * rnd.choice([1, 10]) + rnd.choice([0, 50])
    frame["y2"] = -latent + rng.normal(0, 1, n)
    cls_levels = _levels(rnd, rnd.choice([2, 2, 3, 4]))
    cuts = np.quantile(latent, np.linspace(0, 1, len(cls_levels) + 1)[1:-1])
    if rnd.random() < 0.15:  # level names that make.names() makes alike
        cls_levels = rnd.choice([["a b", "a.b"], ["a b", "a.b", "a_b"], ["1", "X1"], ["a", "A"]])
        cuts = np.quantile(latent, np.linspace(0, 1, len(cls_levels) + 1)[1:-1])
    frame["cls"] = pd.Categorical.from_codes(np.digitize(latent, cuts), cls_levels,
                                             ordered=rnd.random() < 0.15)
    frame["cls2"] = pd.Categorical.from_codes((latent > np.median(latent)).astype(int) ^
                                              (rng.random(n) < 0.2), _levels(rnd, 2))
    if rnd.random() < 0.2:
        frame["y"] = pd.array(np.round(frame["y"]).astype(int), dtype="Int32")
    for name, kind in kinds.items():  # missing values
        if rnd.random() < 0.3:
            miss = rng.random(n) < 0.1
            frame.loc[miss, name] = None if kind != "double" else np.nan
    return Data(frame, kinds, ["y", "y2"], ["cls", "cls2"])


def _kinds_of(frame: pd.DataFrame) -> dict[str, str]:
    kinds = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            kinds[name] = "ordered" if col.cat.ordered else "factor"
        elif pd.api.types.is_bool_dtype(col.dtype):
            kinds[name] = "logical"
        elif pd.api.types.is_integer_dtype(col.dtype):
            kinds[name] = "integer"
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            kinds[name] = "date"
        elif col.dtype == object:
            kinds[name] = "text"
        else:
            kinds[name] = "double"
    return kinds


def packaged(rnd: random.Random, rng: np.random.Generator) -> Data:
    name = rnd.choice(["mtcars", "iris", "penguins"])
    frame = getattr(pk.datasets, name)()
    if name == "mtcars":
        frame = frame.assign(am=pd.Categorical.from_codes(frame["am"].astype(int),
                                                          _levels(rnd, 2)),
                             cyl=frame["cyl"].astype(int).astype("category"))
        data = Data(frame, {}, ["mpg", "qsec"], ["am", "cyl"])
    elif name == "iris":
        data = Data(frame, {}, ["Sepal.Length", "Petal.Width"], ["Species"])
    else:
        frame = frame[frame["body_mass_g"].notna() & frame["sex"].notna()].reset_index(drop=True)
        data = Data(frame, {}, ["body_mass_g", "bill_length_mm"], ["species", "island", "sex"])
    data.kinds = _kinds_of(frame)
    return data


# -- preprocessors ---------------------------------------------------------------------------
NUMERIC = ("double", "integer")
NOMINAL = ("factor", "ordered", "text")


def _quoted(name: str) -> str:
    return name if name.replace(".", "").replace("_", "").isalnum() and not name[0].isdigit() \
        else f"`{name}`"


def _formula_terms(rnd: random.Random, kinds: dict[str, str], dots: bool = True) -> str:
    names = list(kinds)
    numeric = [_quoted(c) for c in names if kinds[c] in NUMERIC]
    terms = [_quoted(c) for c in rnd.sample(names, rnd.randint(1, len(names)))]
    shape = rnd.choice(["plain", "dot", "dot_minus", "transforms", "interaction", "no_intercept",
                        "power", "colon"])
    if shape.startswith("dot") and not dots:
        shape = "plain"
    if shape == "dot":
        return "."
    if shape == "dot_minus" and len(names) > 1:
        return f". - {terms[0]}"
    if shape == "transforms" and numeric:
        c = rnd.choice(numeric)
        extra = rnd.choice([f"log(abs({c}) + 1)", f"I({c}^2)", f"sqrt(abs({c}))", f"exp({c} / 1000)",
                            f"poly({c}, 2)", f"scale({c})", f"I({c} > 0)", f"pmax({c}, 0)"])
        return " + ".join(terms + [extra])
    if shape == "interaction" and len(terms) >= 2:
        return f"{terms[0]} * {terms[1]}" + "".join(f" + {t}" for t in terms[2:])
    if shape == "no_intercept":
        return " + ".join(terms) + rnd.choice([" + 0", " - 1"])
    if shape == "power" and len(terms) >= 2:
        return f"({terms[0]} + {terms[1]})^2"
    if shape == "colon" and len(terms) >= 2:
        return f"{terms[0]} + {terms[0]}:{terms[1]}"
    return " + ".join(terms)


Recipe = Any
Drawn = Callable[[random.Random, Recipe, dict[str, str]], Recipe]


def _pick(rnd: random.Random, columns: list[str], most: int = 3) -> list[str]:
    return rnd.sample(columns, rnd.randint(1, min(most, len(columns))))


#: numeric steps whose selected columns are gone (replaced or removed) after them
CONSUMING = {"poly", "ns", "bs", "spline_b", "pca", "corr", "harmonic", "discretize", "cut", "zv",
             "nzv", "kpca", "ica", "pls", "spline_natural", "spline_convex", "spline_monotone",
             "spline_nonnegative", "bernstein", "lincomb", "rename_at"}


def _numeric_step(rnd: random.Random, rec: Recipe, cols: list[str], outcome: str | None = None,
                  numeric_outcome: bool = True) -> Recipe:
    """A random step on some of the numeric columns ``cols`` (those it removes or replaces
    leave ``cols``)."""
    chosen = _pick(rnd, cols)
    step = rnd.choice(["normalize", "center", "scale", "range", "log", "yj", "poly", "ns", "bs",
                       "interact", "inverse", "relu", "hyperbolic", "percentile", "pca", "corr",
                       "spline_b", "harmonic", "discretize", "cut", "sqrt", "mutate", "spatialsign",
                       "indicate_na", "zv", "nzv", "kpca", "ica", "pls", "spline_natural",
                       "spline_convex", "spline_monotone", "spline_nonnegative", "bernstein",
                       "ratio", "lincomb", "window", "intercept", "invlogit", "classdist", "depth",
                       "mutate_at", "rename_at", "boxcox"])
    if step in ("pls", "classdist", "depth") and not (outcome and (step == "pls") == numeric_outcome):
        step = "center"
    if step in CONSUMING:
        cols[:] = [c for c in cols if c not in chosen] if step not in ("zv", "nzv") else []
    if step == "normalize":
        return rec.step_normalize(*chosen)
    if step == "center":
        return rec.step_center(*chosen)
    if step == "scale":
        return rec.step_scale(*chosen, factor=rnd.choice([1, 2]))
    if step == "range":
        return rec.step_range(*chosen, min=rnd.choice([0, -1]), max=rnd.choice([1, 3]))
    if step == "log":
        return rec.step_log(*chosen, signed=True) if rnd.random() < 0.5 else \
            rec.step_log(*chosen, offset=rnd.choice([1, 1000]), base=rnd.choice([np.e, 10, 2]))
    if step == "yj":
        return rec.step_YeoJohnson(*chosen)
    if step == "poly":
        return rec.step_poly(*chosen, degree=rnd.choice([2, 3]))
    if step == "ns":
        return rec.step_ns(*chosen, deg_free=rnd.choice([2, 3, 4]))
    if step == "bs":
        return rec.step_bs(*chosen, deg_free=rnd.choice([3, 4]))
    if step == "spline_b":
        return rec.step_spline_b(*chosen, deg_free=rnd.choice([3, 4]))
    if step == "interact" and len(cols) >= 2:
        return rec.step_interact(rnd.sample(cols, 2))
    if step == "inverse":
        return rec.step_inverse(*chosen, offset=rnd.choice([0.5, 1000]))
    if step == "relu":
        return rec.step_relu(*chosen[:1], shift=rnd.choice([0, 1]))
    if step == "hyperbolic":
        return rec.step_hyperbolic(*chosen, func=rnd.choice(["sinh", "cosh", "tanh"]))
    if step == "percentile":
        return rec.step_percentile(*chosen)
    if step == "pca":
        return rec.step_normalize(*chosen).step_pca(*chosen, num_comp=rnd.randint(1, len(chosen)))
    if step == "corr":
        return rec.step_corr(*chosen, threshold=rnd.choice([0.5, 0.9]))
    if step == "harmonic":
        return rec.step_harmonic(*chosen[:1], frequency=[1, 2], cycle_size=rnd.choice([7, 100]))
    if step == "discretize":
        return rec.step_discretize(*chosen, num_breaks=rnd.choice([2, 3, 4]), min_unique=3)
    if step == "cut":
        return rec.step_cut(*chosen[:1], breaks=[rnd.choice([-1, 0, 1]), 5])
    if step == "sqrt":
        return rec.step_sqrt(*chosen)
    if step == "mutate":
        c = _quoted(chosen[0])
        return rec.step_mutate(**{f"{chosen[0]}_m": f"{c} * 2 + 1", "extra": f"ifelse({c} > 0, 1, 0)"})
    if step == "spatialsign" and len(chosen) >= 2:
        return rec.step_normalize(*chosen).step_spatialsign(*chosen)
    if step == "indicate_na":
        return rec.step_indicate_na(*chosen)
    if step == "zv":
        return rec.step_zv(pk.all_predictors())
    if step == "kpca":
        return rec.step_normalize(*chosen).step_kpca_rbf(*chosen, num_comp=rnd.randint(1, 3),
                                                         sigma=rnd.choice([0.1, 0.5]))
    if step == "ica" and len(chosen) >= 2:
        return rec.step_normalize(*chosen).step_ica(*chosen, num_comp=2, seed=rnd.randint(1, 99))
    if step == "pls":
        return rec.step_pls(*chosen, outcome=outcome, num_comp=min(2, len(chosen)))
    if step in ("spline_natural", "spline_convex", "spline_monotone", "spline_nonnegative"):
        return getattr(rec, f"step_{step}")(*chosen[:1], deg_free=rnd.choice([3, 4]))
    if step == "bernstein":
        return rec.step_poly_bernstein(*chosen[:1], degree=rnd.choice([2, 3]))
    if step == "ratio" and len(cols) >= 2:
        return rec.step_ratio(chosen[0], denom=[c for c in cols if c != chosen[0]][:1])
    if step == "lincomb":
        return rec.step_lincomb(pk.all_numeric_predictors())
    if step == "window":
        return rec.step_window(*chosen[:1], size=rnd.choice([3, 5]),
                               statistic=rnd.choice(["mean", "median", "max", "sd"]))
    if step == "intercept":
        return rec.step_intercept(value=rnd.choice([1, 2.5]))
    if step == "invlogit":
        return rec.step_invlogit(*chosen)
    if step == "classdist":
        return rec.step_classdist(*chosen, class_=outcome, pool=rnd.random() < 0.5)
    if step == "depth":
        return rec.step_depth(*chosen, class_=outcome, metric=rnd.choice(["spatial", "Mahalanobis"]))
    if step == "mutate_at":
        return rec.step_mutate_at(*chosen, fn=rnd.choice(["abs", "~ .x * 2", "sqrt"]))
    if step == "rename_at":
        return rec.step_rename_at(*chosen, fn=rnd.choice(["toupper", "~ paste0('r_', .x)"]))
    if step == "boxcox":
        return rec.step_range(*chosen, min=1, max=5).step_BoxCox(*chosen)
    return rec.step_nzv(pk.all_predictors())


def _nominal_step(rnd: random.Random, rec: Recipe, cols: list[str], kinds: dict[str, str],
                  levels_of: dict[str, list[str]]) -> Recipe:
    chosen = _pick(rnd, cols, 2)
    step = rnd.choice(["other", "novel", "unknown", "relevel", "integer", "unorder", "dummy",
                       "ordinalscore", "multi_choice"])
    if step in ("integer", "dummy", "ordinalscore"):
        cols[:] = [c for c in cols if c not in chosen]
    if step == "other":
        return rec.step_other(*chosen, threshold=rnd.choice([0.1, 0.3]),
                              other=rnd.choice(["other", "rare ones"]))
    if step == "novel":
        return rec.step_novel(*chosen, new_level=rnd.choice(["new", "brand new"]))
    if step == "unknown":
        return rec.step_unknown(*chosen, new_level=rnd.choice(["unknown", "?"]))
    if step == "integer":
        return rec.step_integer(*chosen, zero_based=rnd.random() < 0.5)
    if step == "unorder":
        ordered = [c for c in chosen if kinds[c] == "ordered"]
        return rec.step_unorder(*ordered) if ordered else rec
    if step == "dummy":
        return rec.step_dummy(*chosen, one_hot=rnd.random() < 0.5)
    if step == "relevel":
        levels = levels_of.get(chosen[0])
        return rec.step_relevel(chosen[0], ref_level=levels[-1]) if levels else rec
    if step == "ordinalscore":
        ordered = [c for c in chosen if kinds[c] == "ordered"]
        return rec.step_ordinalscore(*ordered) if ordered else rec
    if step == "multi_choice" and len(cols) >= 2:
        pair = rnd.sample(cols, 2)
        cols[:] = [c for c in cols if c not in pair]
        return rec.step_dummy_multi_choice(*pair, threshold=rnd.choice([0, 0.1]))
    return rec


def _recipe(rnd: random.Random, formula: str, frame: pd.DataFrame, kinds: dict[str, str],
            used: list[str], outcomes: list[str]) -> Recipe:
    rec = pk.recipe(formula, frame)
    present = {c: kinds[c] for c in used}
    numeric = [c for c, k in present.items() if k in NUMERIC]
    nominal = [c for c, k in present.items() if k in ("factor", "ordered")]
    text = [c for c, k in present.items() if k == "text"]
    dates = [c for c, k in present.items() if k == "date"]
    times = [c for c, k in present.items() if k == "datetime"]
    missing = [c for c in used if frame[c].isna().any()]
    if rnd.random() < 0.2 and len(used) > 1:  # an id column
        rec = rec.update_role(used[-1], new_role="id")
        for group in (numeric, nominal, text, dates, times):
            if used[-1] in group:
                group.remove(used[-1])
    if text and rnd.random() < 0.3:
        rec = rec.step_regex(text[0], pattern=rnd.choice(["e", "^d", "[aeiou]{2}"]))
    if text and rnd.random() < 0.3:
        rec = rec.step_count(text[0], pattern="e", normalize=rnd.random() < 0.5)
    logical = [c for c, k in present.items() if k == "logical" and not frame[c].isna().any()]
    if logical and rnd.random() < 0.3:
        rec = rec.step_bin2factor(*logical, levels=rnd.choice([("yes", "no"), ("b-2", "TRUE")]))
    if text:
        rec = rec.step_string2factor(*text)
        nominal += text
    if missing:  # imputation first
        num_missing = [c for c in missing if c in numeric]
        nom_missing = [c for c in missing if c in nominal]
        if num_missing:
            how = rnd.choice(["mean", "median", "knn", "linear", "bag"])
            if how == "linear" and len(numeric) > len(num_missing):
                complete = [c for c in numeric if c not in missing]
                rec = rec.step_impute_linear(*num_missing, impute_with=tuple(complete))
            elif how == "knn":
                rec = rec.step_impute_knn(*num_missing, neighbors=rnd.choice([2, 5]))
            elif how == "bag":
                rec = rec.step_impute_bag(*num_missing, trees=rnd.choice([3, 5]))
            else:
                rec = getattr(rec, f"step_impute_{'median' if how == 'median' else 'mean'}")(*num_missing)
        if nom_missing:
            rec = rec.step_impute_mode(*nom_missing) if rnd.random() < 0.5 else \
                rec.step_unknown(*nom_missing)
        other_missing = [c for c in missing if c not in numeric and c not in nominal]
        if other_missing:
            rec = rec.step_naomit(*other_missing, skip=True) if rnd.random() < 0.5 else \
                rec.step_rm(*other_missing)
            for group in (dates, times):
                group[:] = [c for c in group if c not in other_missing]
            present = {c: k for c, k in present.items() if c not in other_missing}
    for _ in range(rnd.randint(0, 3)):
        if numeric and (not nominal or rnd.random() < 0.6):
            numeric_outcome = not isinstance(frame[outcomes[0]].dtype, pd.CategoricalDtype)
            rec = _numeric_step(rnd, rec, numeric, outcomes[0] if len(outcomes) == 1 else None,
                                numeric_outcome)
        elif nominal:
            levels_of = {c: list(frame[c].cat.categories) for c in nominal
                         if isinstance(frame[c].dtype, pd.CategoricalDtype)}
            rec = _nominal_step(rnd, rec, nominal, {**present, **{c: "factor" for c in text}},
                                levels_of)
    if dates:
        rec = rec.step_date(*dates, features=tuple(rnd.sample(["dow", "month", "year", "doy",
                                                               "decimal", "week", "quarter"], 2)),
                            ordinal=rnd.random() < 0.3)
        if rnd.random() < 0.3:
            rec = rec.step_holiday(*dates, holidays=("USNewYearsDay", "ChristmasDay"))
    if times:
        rec = rec.step_time(*times, features=tuple(rnd.sample(["hour", "minute", "decimal_day"], 2)))
    if dates or times:
        rec = rec.step_rm(*dates, *times)
    rec = rec.step_dummy(pk.all_nominal_predictors(), one_hot=rnd.random() < 0.4)
    if rnd.random() < 0.5:
        rec = rec.step_zv(pk.all_predictors())
    if rnd.random() < 0.6:
        rec = rec.step_normalize(pk.all_numeric_predictors())
    return rec


# -- specs -----------------------------------------------------------------------------------
_COUNTER = [0]


def _name(kind: str, seed: int) -> str:
    _COUNTER[0] += 1
    return f"rw_{kind}_{seed}_{_COUNTER[0]}"


def _common_args(rnd: random.Random, mode: str) -> dict[str, Any]:
    args: dict[str, Any] = {"fit_epochs": rnd.choice([1, 2, 3])}
    if rnd.random() < 0.5:
        args["fit_batch_size"] = rnd.choice([8, 16, 32, 64])
    if rnd.random() < 0.3:
        args["fit_validation_split"] = rnd.choice([0.1, 0.2])
    if rnd.random() < 0.2:
        args["fit_shuffle"] = False
    if rnd.random() < 0.5:
        args["learn_rate"] = rnd.choice([0.001, 0.01, 0.05])
    if rnd.random() < 0.4:
        args["compile_optimizer"] = rnd.choice(["adam", "sgd", "rmsprop", "adamw", "nadam"])
    if rnd.random() < 0.4:
        args["compile_loss"] = rnd.choice(
            ["mse", "mean_absolute_error", "huber", "log_cosh"] if mode == "regression"
            else ["categorical_crossentropy", "kl_divergence"])
    if rnd.random() < 0.1:  # Keras objects rather than names
        import keras

        args["compile_optimizer"] = rnd.choice([lambda: keras.optimizers.Adam(0.01),
                                                lambda: keras.optimizers.SGD(momentum=0.5)])()
    if rnd.random() < 0.1 and mode == "regression":
        import keras

        args["compile_loss"] = rnd.choice([lambda: keras.losses.Huber(delta=2.0),
                                           lambda: keras.losses.MeanSquaredError()])()
    if rnd.random() < 0.3:
        args["compile_metrics"] = rnd.sample(
            ["mean_squared_error", "mae", "root_mean_squared_error"] if mode == "regression"
            else ["accuracy", "categorical_accuracy", "auc"], rnd.choice([1, 2]))
    return args


ACTIVATIONS = ["relu", "tanh", "linear", "sigmoid", "elu", "gelu", "softplus"]


def sequential_spec(rnd: random.Random, mode: str, seed: int):
    blocks: dict[str, Any] = {"input": input_block, "hidden": dense_block}
    args: dict[str, Any] = {"hidden_units": rnd.randint(2, 8),
                            "hidden_activation": rnd.choice(ACTIVATIONS)}
    if rnd.random() < 0.3:
        args["num_hidden"] = rnd.choice([1, 2])
    if rnd.random() < 0.3:
        blocks["drop"] = dropout_block
        args["drop_rate"] = rnd.choice([0.1, 0.3])
    if rnd.random() < 0.2:
        blocks["norm"] = norm_block
        args["norm_kind"] = rnd.choice(["layer", "batch"])
    blocks["output"] = classification_output if mode == "classification" else regression_output
    make = pk.create_keras_sequential_spec(_name("seq", seed), blocks, mode=mode)
    return make(**args, **_common_args(rnd, mode))


def functional_spec(rnd: random.Random, mode: str, seed: int, outcomes: list[str]):
    output = functional_cls_output if mode == "classification" else functional_reg_output
    join = rnd.choice([functional_add, functional_concat])
    blocks: dict[str, Any] = {"main_input": functional_input,
                              "left": pk.inp_spec(functional_dense, "main_input"),
                              "right": pk.inp_spec(functional_dense, "main_input"),
                              "joined": pk.inp_spec(join, {"left": "left", "right": "right"})}
    heads = outcomes if len(outcomes) > 1 else ["output"]
    for head in heads:
        blocks[head] = pk.inp_spec(output, "joined")
    units = rnd.randint(2, 6)
    args = {"left_units": units, "right_units": units,
            "right_activation": rnd.choice(ACTIVATIONS)}
    make = pk.create_keras_functional_spec(_name("func", seed), blocks, mode=mode)
    return make(**args, **_common_args(rnd, mode))


# -- the case ----------------------------------------------------------------------------------
@dataclasses.dataclass
class Case:
    """A drawn case: what it is (``about``), how to fit it, and how it is written."""

    seed: int
    about: dict[str, Any]
    fit: Callable[[], Any]
    train: pd.DataFrame
    new_data: Callable[[Any], pd.DataFrame]
    mode: str
    level: float
    write: dict[str, Any]


def _new_rows(rnd: random.Random, rng: np.random.Generator, frame: pd.DataFrame,
              kinds: dict[str, str], outcomes: list[str]) -> pd.DataFrame:
    rows = sorted(rnd.sample(range(len(frame)), min(len(frame), rnd.randint(2, 7))))
    new = frame.iloc[rows].reset_index(drop=True).copy()
    for name, kind in kinds.items():
        if name not in new.columns:
            continue
        if rnd.random() < 0.1:  # a missing value
            new.loc[len(new) - 1, name] = np.nan if kind == "double" else None
        if kind in ("factor", "ordered") and rnd.random() < 0.1:  # an unseen level
            values = new[name].cat.add_categories("zz unseen")
            values.iloc[0] = "zz unseen"
            new[name] = values
    if rnd.random() < 0.5:
        new = new.drop(columns=[c for c in outcomes if c in new.columns])
    if rnd.random() < 0.2:  # columns in another order, and one R never saw
        new = new[rnd.sample(list(new.columns), len(new.columns))].assign(extra=1.5)
    for name, kind in kinds.items():  # as a CSV gives them, or a user's other types
        if name not in new.columns or rnd.random() > 0.12:
            continue
        if kind in ("factor", "ordered"):
            new[name] = rnd.choice([
                lambda c: c.astype(object).map(lambda v: None if pd.isna(v) else str(v)),  # text
                lambda c: c.cat.reorder_categories(list(c.cat.categories)[::-1]),
                lambda c: c.cat.add_categories(["never seen"])])(new[name])
        elif kind == "integer":
            new[name] = new[name].astype("float64")
            if rnd.random() < 0.3:
                new.loc[0, name] = 1.5
        elif kind == "double":
            new.loc[0, name] = rnd.choice([np.inf, -np.inf, 1e300, -0.0])
        elif kind == "logical":
            new[name] = new[name].astype("Int32")
    if rnd.random() < 0.1:  # one row (no rows: R's Keras fails; see test_random_writes)
        new = new.iloc[:1]
    return new


def draw(seed: int) -> Case:
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    data = synthetic(rnd, rng) if rnd.random() < 0.6 else packaged(rnd, rng)
    mode = rnd.choice(["regression", "classification"])
    pool = data.numeric_outcomes if mode == "regression" else data.factor_outcomes
    outcomes = [rnd.choice(pool)]
    functional = rnd.random() < 0.35
    if functional and rnd.random() < 0.3:
        outcomes = list(pool[:2])
    frame = data.frame.drop(columns=[c for c in data.numeric_outcomes + data.factor_outcomes
                                     if c not in outcomes and c not in data.kinds])
    kinds = {c: k for c, k in data.kinds.items() if c not in outcomes}
    spec = (functional_spec(rnd, mode, seed, outcomes) if functional
            else sequential_spec(rnd, mode, seed)).set_engine("keras")
    lhs = " + ".join(outcomes)
    pre = rnd.choice(["recipe", "recipe", "recipe", "formula", "variables", "fit_formula", "fit_xy"])
    if pre != "recipe" and rnd.random() < 0.8:  # complete rows (Keras trains on no NaN)
        frame = frame.dropna().reset_index(drop=True)
    numeric_like = [c for c, k in kinds.items() if k in ("double", "integer", "logical")]
    about: dict[str, Any] = {"seed": seed, "mode": mode, "outcomes": outcomes, "pre": pre,
                             "functional": functional, "columns": kinds, "rows": len(frame),
                             "spec": {k: repr(v) for k, v in spec.args.items()}}
    fit_seed = rnd.randint(1, 10_000)

    def fitted_workflow(wf):
        import keras

        keras.utils.set_random_seed(fit_seed)
        return wf.add_model(spec).fit(frame)

    if pre == "recipe":
        used = rnd.sample(list(kinds), rnd.randint(1, len(kinds)))
        rhs = "." if set(used) == set(kinds) and rnd.random() < 0.5 else " + ".join(
            f"`{c}`" for c in used)
        formula = f"{lhs} ~ {rhs}"
        rec = _recipe(rnd, formula, frame, kinds, used, outcomes)
        blueprint = RecipeBlueprint(allow_novel_levels=True) if rnd.random() < 0.2 else None
        about["recipe"] = [type(s).__name__ for s in rec.steps]
        about["formula"] = formula
        fit = lambda: fitted_workflow(pk.workflow().add_recipe(rec, blueprint=blueprint))  # noqa: E731
    elif pre in ("formula", "fit_formula"):
        numeric_kinds = {c: k for c, k in kinds.items() if k in ("double", "integer", "logical")}
        plain = pre == "fit_formula" and numeric_kinds and rnd.random() < 0.9
        formula = f"{lhs} ~ {_formula_terms(rnd, numeric_kinds, False) if plain else _formula_terms(rnd, kinds)}"
        about["formula"] = formula
        if pre == "formula":
            indicators = rnd.choice(["traditional", "traditional", "one_hot", "none"])
            # kerasnip's encoding is "none": the workflow's default blueprint
            blueprint = FormulaBlueprint(indicators=indicators) if indicators != "none" else None
            about["indicators"] = indicators
            fit = lambda: fitted_workflow(pk.workflow().add_formula(formula, blueprint=blueprint))  # noqa: E731
        else:
            fit = lambda: spec.fit(formula, frame, seed=fit_seed)  # noqa: E731
    else:
        preds = numeric_like if numeric_like and rnd.random() < 0.9 else list(kinds)
        preds = rnd.sample(preds, rnd.randint(1, len(preds)))
        about["predictors"] = preds
        if pre == "variables":
            fit = lambda: fitted_workflow(pk.workflow().add_variables(outcomes, preds))  # noqa: E731
        else:
            y = frame[outcomes[0]] if len(outcomes) == 1 and rnd.random() < 0.5 else frame[outcomes]
            x = frame[preds]
            if rnd.random() < 0.15 and all(kinds[c] == "double" for c in preds):
                x = x.to_numpy()  # a plain matrix
                about["x"] = "ndarray"
            fit = lambda: spec.fit_xy(x, y, seed=fit_seed)  # noqa: E731
    new = _new_rows(rnd, rng, frame, kinds, outcomes)
    if pre == "recipe" and rnd.random() < 0.4:  # no id column in the new data
        roles = rec.var_info
        new = new.drop(columns=[c for c in roles.loc[roles["role"] == "id", "variable"]
                                if c in new.columns])
    workflow_like = pre in ("recipe", "formula", "variables")
    kind = rnd.choice(["object", "object", "bundle"] + (["model_fit"] if workflow_like else []))
    write = {"kind": kind, "compress": rnd.choice(["gzip", "gzip", "bzip2", "xz", None]),
             "version": rnd.choice([3, 3, 3, 2]),
             "format": rnd.choice(["xdr", "xdr", "xdr", "binary", "ascii"])}
    about["write"] = write

    def new_data(obj):
        if kind == "model_fit":  # the forged predictors a model fit sees
            return obj.forge(new)
        if pre == "fit_xy" and about.get("x") == "ndarray":  # Python names them as R's V1...
            x = new[about["predictors"]]
            return x.set_axis([f"V{i + 1}" for i in range(x.shape[1])], axis=1)
        if pre == "fit_xy":
            return new[about["predictors"]]
        return new

    level = rnd.choice([0.95, 0.9, 0.8])
    # drawn last, so that the draws above stay those of the seeds found before them
    extra: dict[str, Any] = {}
    if rnd.random() < 0.15:
        extra["fit_class_weight"] = {0: 1.0, 1: 2.0} if mode == "classification" else None
    if rnd.random() < 0.1:
        import keras

        extra["fit_callbacks"] = [keras.callbacks.EarlyStopping(monitor="loss", patience=1)]
    extra = {k: v for k, v in extra.items() if v is not None}
    if extra:
        spec = spec.update(**extra)
        about["extra"] = sorted(extra)
    if rnd.random() < 0.2:
        spec = spec.set_engine("keras", verbose=0)
        about["engine_verbose"] = 0
    write["rewrite"] = rnd.random() < 0.2  # written, read back in Python, written again
    return Case(seed, about, fit, frame, new_data, mode, level, write)


# -- writing and judging -----------------------------------------------------------------------
def _written(obj: Any, kind: str) -> Any:
    if kind == "model_fit":
        return obj.extract_fit_parsnip()
    if kind == "bundle":
        return pk.bundle(obj)
    return obj


def write_file(obj: Any, path: Path, write: dict[str, Any]) -> None:
    """``obj`` written as ``write_rds`` writes it, with the drawn compression, RDS version
    and format."""
    rds.dump(rtree.to_tree(obj), path, compress=write["compress"], version=write["version"],
             format=write["format"])


def predictions(model: Any, new_data: pd.DataFrame, types: tuple[str, ...], level: float,
                folder: Path) -> dict[str, str]:
    """Python's prediction of each type written as ``python_<type>.rds``, or its typed
    error as ``python_<type>.err``; type -> what happened ("ok" or the error class)."""
    done = {}
    for kind in types:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = model.predict(new_data, type=kind, level=level, seed=PREDICT_SEED)
        except PykerasnipError as exc:
            (folder / f"python_{kind}.err").write_text(f"{type(exc).__name__}: {exc}\n")
            done[kind] = type(exc).__name__
            continue
        pk.write_rds(frame, folder / f"python_{kind}.rds")
        done[kind] = "ok"
    return done


def write_case(seed: int, root: Path) -> dict[str, Any]:
    """Fit case ``seed`` in Python and write what R judges under ``root/case_<seed>``; the
    case's description with what happened in Python (``python``: "written", a typed
    refusal's class, or "BUG: ..." for an untyped error)."""
    folder = root / f"case_{seed:05d}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        case = draw(seed)
    except Exception as exc:  # noqa: BLE001 -- drawing makes the spec: pykerasnip code
        about = {"seed": seed, "python": f"BUG: {type(exc).__name__}: {exc}"[:500],
                 "traceback": traceback.format_exc()[-3000:]}
        (folder / "about.json").write_text(json.dumps(about, indent=1))
        return about
    about = case.about
    about["python"] = "BUG: the process died (a crash in Keras or TensorFlow)"
    (folder / "about.json").write_text(json.dumps(about, indent=1, default=str))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = case.fit()
        new = case.new_data(obj)
        types = PREDICT_TYPES[case.mode]
        written = _written(obj, case.write["kind"])
        write_file(written, folder / "model.rds", case.write)
        if case.write.get("rewrite"):
            write_file(pk.read_rds(folder / "model.rds"), folder / "model.rds", case.write)
        # ASCII keeps R's 16 significant digits of each double (R's own ascii = TRUE does
        # too): Python predicts with what it reads back, as R does
        model = pk.unbundle(pk.read_rds(folder / "model.rds") if case.write["format"] == "ascii"
                            else written)
        about["python_predict"] = predictions(model, new, types, case.level, folder)
        pk.write_rds(new, folder / "new_data.rds")
        meta = {"types": list(types), "level": case.level, "seed": PREDICT_SEED}
        (folder / "meta.json").write_text(json.dumps(meta))
        about["python"] = "written"
    except PykerasnipError as exc:
        about["python"] = f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # noqa: BLE001 -- an untyped error is what the hunt looks for
        about["python"] = f"BUG: {type(exc).__name__}: {exc}"[:500]
        about["traceback"] = traceback.format_exc()[-3000:]
    (folder / "about.json").write_text(json.dumps(about, indent=1, default=str))
    return about


def write_round_trip(source: Path, new_data: pd.DataFrame, types: tuple[str, ...], seed: int,
                     root: Path, level: float = 0.95) -> Path:
    """A file R made (``source``), read in Python and written back with a drawn
    compression, version and format; R predicts from both and compares."""
    rnd = random.Random(seed)
    folder = root / f"trip_{seed:05d}"
    folder.mkdir(parents=True, exist_ok=True)
    write = {"compress": rnd.choice(["gzip", "bzip2", "xz", None]), "version": rnd.choice([2, 3]),
             "format": rnd.choice(["xdr", "binary"])}
    write_file(pk.read_rds(source), folder / "model.rds", write)
    pk.write_rds(new_data, folder / "new_data.rds")
    meta = {"types": list(types), "level": level, "seed": PREDICT_SEED,
            "original": str(Path(source).resolve())}
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / "about.json").write_text(json.dumps({"source": str(source), "write": write}))
    return folder


def r_made_files() -> list[tuple[Path, Path, tuple[str, ...]]]:
    """(file R made, its new data, the prediction types R makes with it) of every shared
    fixture and every new-user trial file."""
    fixtures = TESTS.parent.parent / "shared" / "fixtures"
    manifest = json.loads((fixtures / "manifest.json").read_text())
    out = []
    for case in manifest["cases"]:
        if case.get("status") != "ok" or case["case"].startswith("larger"):  # larger: slow
            continue
        folder = fixtures / case.get("location", case["case"])
        types = tuple(case["predict_types"])
        out += [(f, folder / "new_data.rds", types) for f in sorted(folder.glob("*.rds"))
                if f.name != "new_data.rds"]
    for folder in sorted((TESTS / "data" / "new_user").iterdir()):
        out.append((folder / "object.rds", folder / "new_data.rds",
                    tuple((folder / "types.txt").read_text().split())))
    return out


def judge(root: Path, timeout: float = 3600) -> str:
    """Run the R judge on every unjudged case under ``root`` (the exact R stack); its stdout."""
    from r_oracle import run_r_script

    return run_r_script(JUDGE, root, stack="rstack", timeout=timeout)


def verdict(folder: Path) -> list[str]:
    """What R and Python disagree on in a judged case folder (empty when nothing)."""
    if not (folder / "about.json").exists():
        return ["not drawn (the drawing process died)"]
    about = json.loads((folder / "about.json").read_text())
    if str(about.get("python", "")).startswith("BUG"):
        return [about["python"]]
    if not (folder / "meta.json").exists():
        return []  # refused in Python with a typed error
    result_file = folder / "result.json"
    if not result_file.exists():
        return ["not judged (R stopped before it)"]
    result = json.loads(result_file.read_text())
    if "load" in result or "error" in result:
        return [f"R: {result.get('load') or result.get('error')}"]
    return [f"{kind}: {what}" for kind, what in result["types"].items() if what != "same"]


def _main(argv: list[str]) -> None:
    command, root = argv[0], Path(argv[1])
    if command == "make":
        first, count = int(argv[2]), int(argv[3])
        for seed in range(first, first + count):
            if (root / f"case_{seed:05d}" / "about.json").exists():
                continue  # made before (or crashed the process that made it)
            about = write_case(seed, root)
            print(seed, about["python"][:150], flush=True)
    elif command == "trips":  # every R-made file, written back with seeds from argv[2]
        first = int(argv[2])
        for i, (source, new_data, types) in enumerate(r_made_files()):
            write_round_trip(source, pk.read_rds(new_data), types, first + i, root)
            print(first + i, source, flush=True)
    elif command == "judge":
        print(judge(root))
    elif command == "report":
        bad = 0
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            problems = verdict(folder)
            if problems:
                bad += 1
                print(folder.name, "|", " ; ".join(problems)[:400])
        print(f"{bad} of {sum(1 for p in root.iterdir() if p.is_dir())} cases disagree")


if __name__ == "__main__":
    sys.path.insert(0, str(TESTS))
    _main(sys.argv[1:])
