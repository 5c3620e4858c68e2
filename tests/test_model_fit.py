"""Fitting and predicting with the kerasnip twin: every mode/API and predict type,
seeding, pickling, helpers and the scikit-learn adapter (tiny models, few epochs)."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from conftest import ROOT  # noqa: E402
from r_oracle import run_r, skip_unless_r  # noqa: E402
from pykerasnip import datasets  # noqa: E402
from pykerasnip.errors import PredictError, SpecError  # noqa: E402
from pykerasnip.model import (create_keras_functional_spec,  # noqa: E402
                              create_keras_sequential_spec, extract_keras_history, glance,
                              inp_spec, keras_evaluate, tidy)


def seq_input(model, input_shape):
    return keras.Sequential([keras.Input(shape=input_shape)])


def seq_dense(model, units=8):
    model.add(keras.layers.Dense(units, activation="relu"))
    return model


def seq_reg_out(model):
    model.add(keras.layers.Dense(1))
    return model


def seq_cls_out(model, num_classes):
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model


def f_input(input_shape):
    return keras.Input(shape=input_shape)


def f_dense(tensor, units=8):
    return keras.layers.Dense(units, activation="relu")(tensor)


def f_concat(input_a, input_b):
    return keras.layers.Concatenate()([input_a, input_b])


def f_reg_out(tensor):
    return keras.layers.Dense(1)(tensor)


def f_flat(tensor):
    return keras.layers.Flatten()(tensor)


reg_mlp = create_keras_sequential_spec(
    "t_reg_mlp", {"input": seq_input, "hidden": seq_dense, "output": seq_reg_out})
cls_mlp = create_keras_sequential_spec(
    "t_cls_mlp", {"input": seq_input, "hidden": seq_dense, "output": seq_cls_out},
    mode="classification")
forked = create_keras_functional_spec("t_forked", {
    "main_input": f_input,
    "path_a": inp_spec(f_dense, "main_input"),
    "path_b": inp_spec(f_dense, "main_input"),
    "concatenated": inp_spec(f_concat, {"input_a": "path_a", "input_b": "path_b"}),
    "output": inp_spec(f_reg_out, "concatenated"),
})


@pytest.fixture(scope="module")
def mtcars():
    df = datasets.mtcars()
    x = df.drop(columns="mpg")
    return (x - x.mean()) / x.std(), df["mpg"]


@pytest.fixture(scope="module")
def iris():
    df = datasets.iris()
    x = df.drop(columns="Species")
    y = df["Species"].cat.rename_categories(["set osa", "versi-color", "1virginica"])
    return (x - x.mean()) / x.std(), y


@pytest.fixture(scope="module")
def reg_fit(mtcars):
    x, y = mtcars
    return reg_mlp(fit_epochs=3, hidden_units=6).fit_xy(x, y, seed=1)


@pytest.fixture(scope="module")
def cls_fit(iris):
    x, y = iris
    return cls_mlp(fit_epochs=3, learn_rate=0.05).fit_xy(x, y, seed=2)


def test_regression_predict_types(reg_fit, mtcars):
    x, _ = mtcars
    num = reg_fit.predict(x)
    assert list(num.columns) == [".pred"] and num[".pred"].dtype == np.float64
    raw = reg_fit.fit.model.predict(x.to_numpy(np.float32), verbose=0)[:, 0]
    np.testing.assert_array_equal(num[".pred"].to_numpy(), raw.astype(np.float64))
    conf, pred = reg_fit.predict(x, type="conf_int"), reg_fit.predict(x, type="pred_int")
    assert list(conf.columns) == [".pred", ".pred_lower", ".pred_upper"]
    np.testing.assert_array_equal(conf[".pred"], num[".pred"])
    assert (conf[".pred_lower"] < conf[".pred"]).all() and (conf[".pred"] < conf[".pred_upper"]).all()
    assert ((pred[".pred_upper"] - pred[".pred_lower"]) > (conf[".pred_upper"] - conf[".pred_lower"])).all()
    wider = reg_fit.predict(x, type="conf_int", level=0.99)
    assert (wider[".pred_upper"] > conf[".pred_upper"]).all()
    assert reg_fit.lvl is None and reg_fit.fit.lvl is None
    # parsnip's xy_xy() names no outcome when y is one column (a vector by then)
    assert reg_fit.preproc.x_names == list(x.columns) and reg_fit.preproc.y_var == []


def test_regression_defaults_follow_kerasnip(reg_fit):
    model = reg_fit.fit.model
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.layers[0].units == 6
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)  # learn_rate default
    assert type(model.loss).__name__ == "MeanSquaredError"
    assert reg_fit.fit.history["params"]["epochs"] == 3
    assert list(reg_fit.fit.history["metrics"]) == ["loss", "mean_absolute_error"]
    entry = reg_fit.fit.laplace["output"]
    assert entry.h_diag.shape == (7,) and entry.h_diag[-1] == 1.0 and entry.n_training == 32
    assert entry.tau > 0 and entry.sigma_sq_noise > 0 and entry.num_classes is None


def test_multiclass_predict_types_and_names(cls_fit, iris):
    x, y = iris
    cls = cls_fit.predict(x)
    assert list(cls.columns) == [".pred_class"]
    assert list(cls[".pred_class"].cat.categories) == list(y.cat.categories)
    prob = cls_fit.predict(x, type="prob")
    assert list(prob.columns) == [f".pred_{lvl}" for lvl in y.cat.categories]  # verbatim
    np.testing.assert_allclose(prob.sum(axis=1), 1, rtol=1e-5)
    assert (prob.to_numpy().argmax(axis=1) == cls[".pred_class"].cat.codes).all()
    conf = cls_fit.predict(x.head(5), type="conf_int", seed=3)
    assert list(conf.columns) == [
        ".pred_lower_set.osa", ".pred_upper_set.osa", ".pred_lower_versi.color",
        ".pred_upper_versi.color", ".pred_lower_1virginica", ".pred_upper_1virginica"]
    values = conf.to_numpy()
    assert ((values >= 0) & (values <= 1)).all() and (values[:, ::2] <= values[:, 1::2]).all()
    pint = cls_fit.predict(x.head(5), type="pred_int", seed=3)
    assert list(pint.columns) == list(conf.columns)
    assert cls_fit.fit.laplace["output"].num_classes == 3
    # evaluation one-hot encodes with the training levels even for a subset of them
    subset = y.iloc[:50].astype(str)
    scores = keras_evaluate(cls_fit, x.iloc[:50], subset)
    assert set(scores) >= {"loss", "accuracy"} and scores["loss"] > 0
    assert cls_fit.fit.model.metrics_names  # compiled


def test_classification_intervals_are_reproducible_with_a_seed(cls_fit, iris):
    x, _ = iris
    first = cls_fit.predict(x.head(4), type="conf_int", seed=11)
    again = cls_fit.predict(x.head(4), type="conf_int", seed=11)
    other = cls_fit.predict(x.head(4), type="conf_int", seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_binary_classification_uses_two_one_hot_columns(iris):
    x, y = iris
    keep = y != "set osa"
    y2 = y[keep].cat.remove_unused_categories()
    fit = cls_mlp(fit_epochs=2).fit_xy(x[keep], y2, seed=4)
    assert fit.fit.model.layers[-1].units == 2 and fit.lvl == ["versi-color", "1virginica"]
    assert type(fit.fit.model.loss).__name__ == "BinaryCrossentropy"
    prob = fit.predict(x[keep].head(3), type="prob")
    assert list(prob.columns) == [".pred_versi-color", ".pred_1virginica"]


def test_awkward_level_names_follow_r_column_naming(iris):
    x, y = iris
    keep = y != "set osa"
    empty = y[keep].cat.remove_unused_categories().cat.rename_categories(["", "z"])
    fit = cls_mlp(fit_epochs=1).fit_xy(x[keep], empty, seed=4)
    # R (c3_cls_empty_level): parsnip's as_tibble() names the empty level's column V1
    assert list(fit.predict(x.head(2), type="prob").columns) == [".pred_V1", ".pred_z"]
    assert list(fit.predict(x.head(2), type="conf_int", seed=1).columns) == [
        ".pred_lower_", ".pred_upper_", ".pred_lower_z", ".pred_upper_z"]
    clash = y.cat.rename_categories(["a b", "a.b", "a_b"])
    fit = cls_mlp(fit_epochs=1).fit_xy(x, clash, seed=4)
    # as.data.frame() keeps 'a.b' for the level spelled so and renames the 'a b' columns
    assert list(fit.predict(x.head(2), type="conf_int", seed=1).columns) == [
        ".pred_lower_a.b.1", ".pred_upper_a.b.1", ".pred_lower_a.b", ".pred_upper_a.b",
        ".pred_lower_a_b", ".pred_upper_a_b"]


def test_wrong_type_for_mode_and_missing_laplace_are_errors(reg_fit, cls_fit, iris, mtcars):
    with pytest.raises(PredictError, match="classification"):
        reg_fit.predict(mtcars[0], type="class")
    with pytest.raises(PredictError, match="regression"):
        cls_fit.predict(iris[0], type="numeric")
    with pytest.raises(PredictError, match="unknown prediction type"):
        reg_fit.predict(mtcars[0], type="survival")
    no_laplace = pickle.loads(pickle.dumps(reg_fit))
    no_laplace.fit.laplace = None
    with pytest.raises(PredictError, match="not available"):
        no_laplace.predict(mtcars[0], type="conf_int")


def test_outcome_type_is_checked(mtcars):
    x, y = mtcars
    with pytest.raises(SpecError, match="factor"):
        cls_mlp().fit_xy(x, y)


def test_seeded_fits_are_identical(mtcars):
    x, y = mtcars
    spec = reg_mlp(fit_epochs=2, hidden_units=4)
    a, b = spec.fit_xy(x, y, seed=7), spec.fit_xy(x, y, seed=7)
    for wa, wb in zip(a.fit.model.get_weights(), b.fit.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    c = spec.fit_xy(x, y, seed=8)
    assert not np.array_equal(a.fit.model.get_weights()[0], c.fit.model.get_weights()[0])


def test_functional_fork_join_regression(mtcars):
    x, y = mtcars
    fit = forked(path_a_units=4, path_b_units=3, fit_epochs=2).fit_xy(x, y, seed=5)
    units = [layer.units for layer in fit.fit.model.layers if hasattr(layer, "units")]
    assert units == [4, 3, 1] and fit.fit.api == "functional"
    assert fit.fit.laplace["output"].h_diag.shape == (8,)  # concatenated 4 + 3, plus bias
    assert list(fit.predict(x, type="pred_int").columns) == [".pred", ".pred_lower", ".pred_upper"]
    # inp_spec blocks pickle with the spec; the model comes back from its bytes
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(fit)).predict(x), fit.predict(x))


def test_multi_input_functional_with_list_columns():
    rng = np.random.default_rng(0)
    n = 24
    frame = pd.DataFrame({
        "seq": list(rng.normal(size=(n, 3, 2))),
        "tab": list(rng.normal(size=(n, 4))),
    })
    y = pd.Series(rng.normal(size=n), name="y")
    spec = create_keras_functional_spec("t_two_inputs", {
        "seq": f_input, "tab": f_input,
        "flat": inp_spec(f_flat, "seq"),
        "joined": inp_spec(f_concat, {"input_a": "flat", "input_b": "tab"}),
        "output": inp_spec(f_reg_out, "joined"),
    })
    fit = spec(fit_epochs=1).fit_xy(frame, y, seed=1)
    assert [tuple(t.shape[1:]) for t in fit.fit.model.inputs] == [(3, 2), (4,)]
    pred = fit.predict(frame.head(5))
    assert pred.shape == (5, 1) and np.isfinite(pred[".pred"]).all()
    assert fit.predict(frame.head(5), type="conf_int").shape == (5, 3)


def test_multistep_vector_output_is_nested_by_step():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    y = pd.DataFrame(rng.normal(size=(30, 2)), columns=["lead_1_sales", "lead_2_sales"])

    def out2(tensor):
        return keras.layers.Dense(2)(tensor)

    spec = create_keras_functional_spec("t_multistep", {
        "inp": f_input, "hidden": inp_spec(f_dense, "inp"), "output": inp_spec(out2, "hidden")})
    fit = spec(fit_epochs=1).fit_xy(x, y, seed=2)
    assert fit.fit.multistep_info == {"steps": [1, 2], "vars": ["sales", "sales"]}
    assert list(fit.fit.laplace) == ["step_1", "step_2"] and fit.fit.joint_noise_cov.shape == (2, 2)
    pred = fit.predict(x.head(3))
    inner = pred[".pred"].iloc[0]
    assert list(inner.columns) == [".step", ".pred"] and inner[".step"].tolist() == [1, 2]
    raw = fit.fit.model.predict(x.head(3).to_numpy(np.float32), verbose=0)
    np.testing.assert_array_equal(inner[".pred"].to_numpy(), raw[0].astype(np.float64))
    conf_inner = fit.predict(x.head(3), type="conf_int")[".pred"].iloc[2]
    assert list(conf_inner.columns) == [".step", ".pred", ".pred_lower", ".pred_upper"]
    check_joint_draws_against_r(fit, x.head(2))


def check_joint_draws_against_r(fit, x):
    """Joint draws: R's layout, and R's numbers for the same seed (when R is here)."""
    from pykerasnip.model import laplace as lp

    joint = fit.predict(x, type="pred_int", joint=True, n_draws=50, seed=9)
    inner = joint[".pred"].iloc[1]
    assert list(inner.columns) == [".draw", ".step", ".pred"] and len(inner) == 100
    assert inner[".step"].tolist() == [1] * 50 + [2] * 50
    with pytest.raises(PredictError, match="pred_int"):
        fit.predict(x, type="conf_int", joint=True)
    skip_unless_r()
    means, feats = lp.run_combined(fit.fit.laplace["step_1"], fit.fit.process_x(x))
    sd = np.sqrt(np.column_stack([lp.epistemic_variance(e, feats)
                                  for e in fit.fit.laplace.values()]))
    code = textwrap.dedent("""
        set.seed(9)
        out <- lapply(seq_len(nrow(a$means)), function(i) {
          noise <- matrix(rnorm(50 * 2), 50, 2) %*% chol(a$cov)
          epi <- matrix(rnorm(50 * 2), 50, 2) * matrix(a$sd[i, ], 50, 2, byrow = TRUE)
          as.vector(matrix(a$means[i, ], 50, 2, byrow = TRUE) + epi + noise)
        })
        out
    """)
    out = run_r(code, inputs={"a": {"means": means, "sd": sd, "cov": fit.fit.joint_noise_cov}})
    for row, want in zip(joint[".pred"], out):
        np.testing.assert_allclose(row[".pred"].to_numpy(), want, rtol=1e-12, atol=1e-12)


def test_formula_fit(mtcars):
    df = datasets.mtcars()
    fit = reg_mlp(fit_epochs=1).fit("mpg ~ cyl + disp + hp", df, seed=3)
    pred = fit.predict(df.head(4))
    assert pred.shape == (4, 1) and fit.fit.model.inputs[0].shape[1] == 3


def test_helpers(reg_fit, mtcars):
    x, y = mtcars
    assert extract_keras_history(reg_fit)["metrics"]["loss"] == reg_fit.fit.history["metrics"]["loss"]
    g = glance(reg_fit)
    assert list(g.columns) == ["loss", "mean_absolute_error"] and len(g) == 1
    assert g["loss"].iloc[0] == reg_fit.fit.history["metrics"]["loss"][-1]
    t = tidy(reg_fit)
    assert t["class"].tolist() == ["Dense", "Dense"] and t["n_params"].tolist() == [66, 7]
    ev = keras_evaluate(reg_fit, x, y)
    assert set(ev) >= {"loss"} and ev["loss"] > 0


_RELOAD = textwrap.dedent("""
    import pickle, sys
    import pandas as pd
    fit = pickle.load(open(sys.argv[1], "rb"))
    x = pd.read_pickle(sys.argv[2])
    out = {t: fit.predict(x, type=t) for t in ("numeric", "conf_int", "pred_int")}
    pickle.dump(out, open(sys.argv[3], "wb"))
""")


def test_pickle_round_trip_restores_model_from_bytes(reg_fit, mtcars, tmp_path):
    x, _ = mtcars
    state = pickle.dumps(reg_fit)
    copy = pickle.loads(state)
    assert "_model_live" in reg_fit.fit.__dict__ and "_model_live" not in copy.fit.__dict__
    assert "_combined_model_live" not in copy.fit.laplace["output"].__dict__
    (tmp_path / "fit.pkl").write_bytes(state)
    x.to_pickle(tmp_path / "x.pkl")
    subprocess.run([sys.executable, "-c", _RELOAD, str(tmp_path / "fit.pkl"),
                    str(tmp_path / "x.pkl"), str(tmp_path / "out.pkl")], check=True,
                   cwd=str(tmp_path), env={**os.environ, "PYTHONPATH": os.pathsep.join(
                       [str(ROOT), str(ROOT / "tests")])})
    got = pickle.loads((tmp_path / "out.pkl").read_bytes())
    for t, frame in got.items():
        pd.testing.assert_frame_equal(frame, reg_fit.predict(x, type=t))


def test_missing_bytes_fail_clearly_after_reload(reg_fit, mtcars):
    broken = pickle.loads(pickle.dumps(reg_fit))
    broken.fit.keras_bytes = None
    with pytest.raises(PredictError, match="saving failed"):
        broken.predict(mtcars[0])


def test_sklearn_adapter_grid_search_and_cross_validation(mtcars, iris):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, cross_val_score

    from pykerasnip.model.sklearn import KerasnipClassifier, as_sklearn

    x, y = mtcars
    est = as_sklearn(reg_mlp(fit_epochs=1), seed=1)
    assert clone(est).get_params()["fit_epochs"] == 1
    grid = GridSearchCV(est, {"hidden_units": [2, 4]}, cv=2).fit(x, y)
    assert grid.best_params_["hidden_units"] in (2, 4)
    assert grid.best_estimator_.predict(x).shape == (32,)

    xi, yi = iris
    labels = yi.astype(str).to_numpy()
    clf = as_sklearn(cls_mlp(fit_epochs=2, learn_rate=0.05), seed=2)
    assert isinstance(clf, KerasnipClassifier)
    scores = cross_val_score(clf, xi, labels, cv=2)
    assert scores.shape == (2,) and ((scores >= 0) & (scores <= 1)).all()
    fitted = clf.fit(xi, labels)
    assert set(fitted.predict(xi)) <= set(labels)
    proba = fitted.predict_proba(xi)
    assert proba.shape == (150, 3) and list(fitted.classes_) == sorted(set(labels))
    assert fitted.score(xi, labels) == np.mean(fitted.predict(xi) == labels)
    with pytest.raises(SpecError):
        clf.set_params(not_an_arg=1)


def cls_head(tensor, num_classes):
    return keras.layers.Dense(num_classes, activation="softmax")(tensor)


def test_multi_head_outputs_get_suffixed_columns():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    y = pd.DataFrame({"size": pd.Categorical(rng.choice(["s", "m", "l"], 30), ["s", "m", "l"]),
                      "kind": pd.Categorical(rng.choice(["u", "v w"], 30))})
    spec = create_keras_functional_spec("t_heads", {
        "inp": f_input, "hidden": inp_spec(f_dense, "inp"),
        "size": inp_spec(cls_head, "hidden"), "kind": inp_spec(cls_head, "hidden")},
        mode="classification")
    fit = spec(fit_epochs=1).fit_xy(x, y, seed=1)
    assert fit.fit.lvl == {"size": ["s", "m", "l"], "kind": ["u", "v w"]} and fit.lvl is None
    assert list(fit.predict(x.head(2)).columns) == [".pred_class_size", ".pred_class_kind"]
    assert list(fit.predict(x.head(2), type="prob").columns) == [
        ".pred_size_s", ".pred_size_m", ".pred_size_l", ".pred_kind_u", ".pred_kind_v w"]
    assert list(fit.predict(x.head(2), type="conf_int", seed=1).columns)[-2:] == [
        ".pred_lower_v.w_kind", ".pred_upper_v.w_kind"]

    heads = create_keras_functional_spec("t_reg_heads", {
        "inp": f_input, "hidden": inp_spec(f_dense, "inp"),
        "p": inp_spec(f_reg_out, "hidden"), "q": inp_spec(f_reg_out, "hidden")})
    fit2 = heads(fit_epochs=1).fit_xy(x, pd.DataFrame({"p": x["a"], "q": x["b"]}), seed=1)
    assert fit2.fit.lvl == {} and list(fit2.fit.laplace) == ["p", "q"]
    assert list(fit2.predict(x.head(2)).columns) == [".pred_p", ".pred_q"]
    assert list(fit2.predict(x.head(2), type="pred_int").columns) == [
        ".pred_p", ".pred_lower_p", ".pred_upper_p", ".pred_q", ".pred_lower_q", ".pred_upper_q"]


def test_unsavable_model_warns_and_stores_no_bytes():
    from pykerasnip.model.keras_fit import model_to_bytes

    class Unsavable:
        def save(self, path):
            raise TypeError("cannot serialize a custom object")

    with pytest.warns(UserWarning, match="could not be saved"):
        assert model_to_bytes(Unsavable()) is None


def test_compile_keras_grid_flags_invalid_rows(mtcars):
    from pykerasnip.model import compile_keras_grid, extract_valid_grid

    x, y = mtcars
    grid = pd.DataFrame({"hidden_units": [4, -3], "num_hidden": [1, 2]})
    result = compile_keras_grid(reg_mlp(), grid, x, y)
    assert list(result.columns) == ["hidden_units", "num_hidden", "compiled_model", "error"]
    good = result["compiled_model"].iloc[0]
    assert [layer.units for layer in good.layers] == [4, 1] and good.compiled
    assert pd.isna(result["error"].iloc[0]) and "units" in result["error"].iloc[1]
    pd.testing.assert_frame_equal(extract_valid_grid(result), grid.iloc[:1])
    with pytest.raises(SpecError, match="not arguments"):
        compile_keras_grid(reg_mlp(), pd.DataFrame({"bogus": [1]}), x, y)


def test_compile_names_resolve_like_kerasnip():
    from pykerasnip.model.build import resolve_loss, resolve_metric, resolve_optimizer

    # keras3 has metric_mean_absolute_error but no metric_accuracy, loss_kl_divergence
    # but no loss_mse: only names with a keras3 constructor become instances
    assert resolve_metric("accuracy") == "accuracy"
    assert type(resolve_metric("mean_absolute_error")).__name__ == "MeanAbsoluteError"
    assert type(resolve_metric("fbeta_score")).__name__ == "FBetaScore"
    assert resolve_loss("mse") == "mse"
    assert type(resolve_loss("kl_divergence")).__name__ == "KLDivergence"
    opt = resolve_optimizer("adam_w", 0.25)
    assert type(opt).__name__ == "AdamW" and float(opt.learning_rate) == pytest.approx(0.25)
    assert type(resolve_optimizer(None, 0.01)).__name__ == "Adam"


@pytest.mark.parametrize("case, rows", [("seq_reg_recipe_normalize", 70), ("func_cls_recipe", 33),
                                        ("seq_cls_multiclass_iris", 5)])
def test_keras_predict_is_keras_predict_in_batches_of_32(case, rows):
    import pykerasnip as pk
    from conftest import FIXTURES
    from pykerasnip.model.laplace import keras_predict

    model = pk.read_rds(FIXTURES / case / "workflow.rds").extract_keras_model()
    x = np.random.default_rng(3).normal(size=(rows, model.input_shape[-1])).astype("float32")
    np.testing.assert_array_equal(keras_predict(model, x), model.predict(x, batch_size=32, verbose=0))


def test_keras_predict_keeps_named_outputs():
    import pykerasnip as pk
    from conftest import FIXTURES
    from pykerasnip.model.laplace import keras_predict

    fit = pk.read_rds(FIXTURES / "seq_reg_recipe_normalize" / "workflow.rds").model_fit.fit
    combined = next(iter(fit.laplace.values())).combined_model
    x = np.random.default_rng(4).normal(size=(40, 10)).astype("float32")
    got, want = keras_predict(combined, x), combined.predict(x, batch_size=32, verbose=0)
    assert sorted(got) == sorted(want)
    for name in want:
        np.testing.assert_array_equal(got[name], want[name])
