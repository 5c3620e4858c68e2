"""pykerasnip.spark on a real local Spark session, against single-process predict() and R.

One ``local[2]`` session serves the whole module. Spark's results are compared with
``predict()`` on the same rows in this process, bit for bit, over several partitionings
and Arrow batch sizes, and with the predictions R saved next to the fixtures.
"""
from __future__ import annotations

import copy
import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'pykerasnip[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

import pykerasnip as pk  # noqa: E402
from pykerasnip.errors import ForgeError, PartitionDependentError, SpecError  # noqa: E402
from pykerasnip.spark import predict_spark, register_udf, row_dependence, row_seed  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("pykerasnip-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def fixture(case: str, name: str = "workflow.rds") -> Path:
    path = FIXTURES / case / name
    assert path.exists(), f"missing fixture {path}"
    return path


def new_data(case: str, rows: int | None = None) -> pd.DataFrame:
    """The case's new data (resampled to ``rows`` with jittered doubles) with an ``id``."""
    data = pk.read_rds(fixture(case, "new_data.rds")).reset_index(drop=True)
    if rows is not None:
        rng = np.random.default_rng(7)
        data = data.iloc[rng.integers(0, len(data), rows)].reset_index(drop=True)
        for name in data.columns:
            if data[name].dtype == np.float64:
                data[name] = data[name] * (1 + rng.normal(0, 0.01, rows))
    return data.assign(id=np.arange(len(data), dtype=np.int64))


def spark_frame(spark, data: pd.DataFrame, partitions: int):
    """``data`` as a Spark DataFrame in ``partitions`` partitions (rows shuffled)."""
    frame = data.copy()
    for name in frame.columns:  # R factors travel as text
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object)
    return spark.createDataFrame(frame).repartition(partitions)


def scored(sdf, model, **kwargs) -> pd.DataFrame:
    """predict_spark's result, in ``id`` order, without the id."""
    out = predict_spark(model, sdf, columns=["id"], **kwargs).toPandas()
    return out.sort_values("id").drop(columns="id").reset_index(drop=True)


def assert_same_bits(spark_out: pd.DataFrame, local: pd.DataFrame) -> None:
    assert list(spark_out.columns) == list(local.columns)
    for name in local.columns:
        if isinstance(local[name].dtype, pd.CategoricalDtype):
            assert spark_out[name].tolist() == local[name].astype(str).tolist(), name
        else:
            got, want = spark_out[name].to_numpy(np.float64), local[name].to_numpy(np.float64)
            assert got.view(np.uint64).tolist() == want.view(np.uint64).tolist(), name


def with_batch_rows(spark, rows: int):
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(rows))


# --------------------------------------------------------------------------- bit identity
@pytest.mark.parametrize("partitions, batch_rows", [(1, 10_000), (3, 33), (5, 7), (2, 64)])
def test_seed_workflow_is_bit_identical_to_predict_whatever_the_partitioning(spark, partitions,
                                                                           batch_rows):
    data = new_data("seq_reg_recipe_normalize", rows=300)  # 300 % 32 != 1: see the next test
    wf = pk.read_rds(fixture("seq_reg_recipe_normalize"))
    with_batch_rows(spark, batch_rows)
    out = scored(spark_frame(spark, data, partitions), str(fixture("seq_reg_recipe_normalize")))
    assert_same_bits(out, wf.predict(data.drop(columns="id")))


def test_a_lone_last_row_is_the_one_documented_difference(spark):
    # predict() on 33 rows gives Keras a last batch of one row, whose kernel can round
    # differently; Spark never makes one-row batches, so it matches the row in any batch.
    data = new_data("seq_reg_recipe_normalize", rows=33)
    wf = pk.read_rds(fixture("seq_reg_recipe_normalize"))
    with_batch_rows(spark, 1)
    out = scored(spark_frame(spark, data, 2), wf)
    rows = data.drop(columns="id")
    assert_same_bits(out.iloc[:32].reset_index(drop=True), wf.predict(rows).iloc[:32])
    assert_same_bits(out.iloc[32:].reset_index(drop=True),
                     wf.predict(rows.iloc[31:]).iloc[1:].reset_index(drop=True))


@pytest.mark.parametrize("case, name, type", [
    ("seq_cls_binary_recipe", "workflow.rds", "class"),
    ("seq_cls_multiclass_iris", "workflow.rds", "prob"),
    ("recipe_categorical_ames", "workflow.rds", None),     # 10 steps, factors as text
    ("seq_reg_formula_transforms", "workflow.rds", None),  # formula with log(), I(), poly(coefs)
    ("seq_reg_variables", "workflow.rds", "conf_int"),
    ("modelfit_xy", "model_fit.rds", "pred_int"),
])
def test_blueprints_and_types_match_predict(spark, case, name, type):
    data = new_data(case, rows=150)
    model = pk.read_rds(fixture(case, name))
    with_batch_rows(spark, 40)
    out = scored(spark_frame(spark, data, 3), str(fixture(case, name)), type=type)
    assert_same_bits(out, model.predict(data.drop(columns="id"), type=type))


@pytest.mark.parametrize("case, name, type, expected", [
    ("seq_reg_bundle", "bundle.rds", None, "expected_numeric.csv"),
    ("seq_reg_recipe_normalize", "workflow.rds", "pred_int", "expected_pred_int.csv"),
    ("seq_cls_multiclass_iris", "bundle.rds", "prob", "expected_prob.csv"),
])
def test_predictions_equal_what_r_saved(spark, case, name, type, expected):
    data = new_data(case)
    with_batch_rows(spark, 3)
    out = scored(spark_frame(spark, data, 2), str(fixture(case, name)), type=type)
    want = pd.read_csv(fixture(case, expected))
    assert list(out.columns) == list(want.columns)
    np.testing.assert_allclose(out.to_numpy(float), want.to_numpy(float), rtol=0, atol=1e-6)


def test_a_vetiver_pins_rds_scores_rs_numbers(spark):
    """R's vetiver_pin_write() file (tests/data/pins), by path and loaded."""
    from conftest import ROOT

    pin = next((ROOT / "tests" / "data" / "pins" / "iris_recipe").iterdir()) / "iris_recipe.rds"
    case = "seq_cls_multiclass_iris"
    want = pd.read_csv(fixture(case, "expected_prob.csv"), float_precision="round_trip")
    for model in (str(pin), pk.read_rds(pin)):
        out = scored(spark_frame(spark, new_data(case), 2), model, type="prob")
        pd.testing.assert_frame_equal(out, want, check_exact=True)


def test_a_loaded_workflow_with_step_mutate_ships_pickled(spark):
    """A loaded object is pickled to the workers; step_mutate's R expressions were
    closures, which pickle refused."""
    case = "recipe_numeric_transforms"
    out = scored(spark_frame(spark, new_data(case), 2), pk.read_rds(fixture(case)), type="pred_int")
    want = pd.read_csv(fixture(case, "expected_pred_int.csv"), float_precision="round_trip")
    pd.testing.assert_frame_equal(out, want, check_exact=True)


def test_classes_are_strings_and_other_columns_are_kept(spark):
    data = new_data("seq_cls_multiclass_iris")
    sdf = spark_frame(spark, data, 2)
    out = predict_spark(str(fixture("seq_cls_multiclass_iris")), sdf)
    assert out.columns == [*data.columns, ".pred_class"]
    assert dict(out.dtypes)[".pred_class"] == "string"
    want = pd.read_csv(fixture("seq_cls_multiclass_iris", "expected_class.csv"))[".pred_class"]
    got = out.toPandas().sort_values("id")[".pred_class"]
    assert got.tolist() == want.tolist()


# --------------------------------------------------------------------------- seeds
def test_seeded_classification_intervals_do_not_depend_on_the_partitioning(spark):
    case = "seq_cls_multiclass_iris"
    data = new_data(case).head(6)
    wf = pk.read_rds(fixture(case))
    runs = []
    for partitions, batch_rows in [(1, 100), (3, 1)]:
        with_batch_rows(spark, batch_rows)
        runs.append(scored(spark_frame(spark, data, partitions), wf, type="conf_int", seed=11,
                           row_key="id"))
    assert_same_bits(runs[0], runs[1])
    rows = data.drop(columns="id")
    alone = pd.concat([wf.predict(rows.iloc[[i]], type="conf_int", seed=row_seed(11, key))
                       for i, key in enumerate(data["id"])], ignore_index=True)
    assert_same_bits(runs[0], alone)
    other_seed = scored(spark_frame(spark, data, 2), wf, type="conf_int", seed=12, row_key="id")
    assert not other_seed.equals(runs[0])


def test_row_seeds_are_stable_text_keyed_and_in_r_range():
    assert row_seed(1, 5) == row_seed(1, "5") == row_seed(1, np.int64(5))
    assert row_seed(1, 5) != row_seed(2, 5)
    assert all(1 <= row_seed(s, k) < 2**31 for s in range(3) for k in ("a", 7, "zz"))
    assert row_seed(42, "customer-17") == 1248747389  # pinned: the docs promise stability


def test_seed_needs_a_row_key(spark):
    sdf = spark_frame(spark, new_data("seq_cls_multiclass_iris"), 1)
    with pytest.raises(SpecError, match="row_key"):
        predict_spark(str(fixture("seq_cls_multiclass_iris")), sdf, type="conf_int", seed=1)


# --------------------------------------------------------------------------- refusals
def _with_steps(wf, *steps):
    recipe = copy.copy(wf.blueprint.recipe)
    recipe.steps = [*recipe.steps, *steps]
    return dataclasses.replace(wf, blueprint=dataclasses.replace(wf.blueprint, recipe=recipe))


def _trained(step):
    step.trained = True
    return step


def test_row_dependent_steps_are_refused_by_name(spark):
    from pykerasnip.recipes.recipe import STEPS

    wf = pk.read_rds(fixture("seq_reg_recipe_normalize"))
    assert row_dependence(wf) == []
    sdf = spark_frame(spark, new_data("seq_reg_recipe_normalize"), 2)
    lead = _with_steps(wf, _trained(STEPS["step_lead"]("disp", lead=(1,))))
    with pytest.raises(PartitionDependentError, match="step_lead .* reads neighbouring rows"):
        predict_spark(lead, sdf)
    mutate = _with_steps(wf, _trained(STEPS["step_mutate"](centred="disp - mean(disp)",
                                                            ratio="hp / wt")))
    with pytest.raises(PartitionDependentError,
                       match=re.escape("'centred' = disp - mean(disp) summarises the whole column (mean(disp))")):
        predict_spark(mutate, sdf)
    assert len(row_dependence(mutate)) == 1  # ratio = hp / wt is row by row


def test_stored_coefficients_make_poly_row_independent():
    wf = pk.read_rds(fixture("seq_reg_formula_transforms"))
    assert row_dependence(wf) == []


def test_a_null_predictor_passes_by_default_as_in_predict(spark):
    data = new_data("seq_reg_recipe_normalize")
    data.loc[3, "wt"] = np.nan
    wf = pk.read_rds(fixture("seq_reg_recipe_normalize"))
    with_batch_rows(spark, 10_000)
    out = scored(spark_frame(spark, data, 2), wf)
    assert_same_bits(out, wf.predict(data.drop(columns="id")))


# --------------------------------------------------------------------------- SQL function
def test_sql_function_over_a_struct_of_predictors(spark):
    case = "seq_cls_multiclass_iris"
    data = new_data(case, rows=90)
    spark_frame(spark, data, 3).createOrReplaceTempView("flowers")
    register_udf(spark, "iris_prob", str(fixture(case)), type="prob")
    out = spark.sql("SELECT id, iris_prob(struct(`Sepal.Length`, `Sepal.Width`, `Petal.Length`, "
                    "`Petal.Width`)) AS p FROM flowers").select("id", "p.*").toPandas()
    out = out.sort_values("id").drop(columns="id").reset_index(drop=True)
    wf = pk.read_rds(fixture(case))
    assert_same_bits(out, wf.predict(data.drop(columns="id"), type="prob"))


# --------------------------------------------------------------------------- bad input
# Last in the module: a Python worker that raises is not reused, so the jobs after these
# start fresh workers (and import TensorFlow again).
def _job_error(sdf, **kwargs) -> str:
    with pytest.raises(Exception) as info:  # noqa: PT011  (Spark wraps the worker's error)
        predict_spark(str(fixture("seq_reg_recipe_normalize")), sdf, **kwargs).collect()
    return str(info.value)


def test_a_missing_column_is_refused_before_the_job_runs(spark):
    """A missing predictor used to surface only when an action ran, inside a worker's
    traceback; the driver knows the columns the model reads."""
    sdf = spark_frame(spark, new_data("seq_reg_recipe_normalize").drop(columns=["cyl", "wt"]), 2)
    with pytest.raises(ForgeError, match="The following required columns are missing from the "
                                         "Spark DataFrame: 'cyl', 'wt'."):
        predict_spark(str(fixture("seq_reg_recipe_normalize")), sdf)


def test_a_wrong_type_fails_the_job_with_the_cast_error(spark):
    data = new_data("seq_reg_recipe_normalize").assign(hp="fast")
    message = _job_error(spark_frame(spark, data, 2))
    assert "pykerasnip.errors.ForgeError" in message and "hp" in message


def test_a_null_predictor_fails_the_job_with_na_action_fail(spark):
    data = new_data("seq_reg_recipe_normalize")
    data.loc[3, "wt"] = np.nan
    message = _job_error(spark_frame(spark, data, 2), na_action="fail")
    assert "pykerasnip.errors.ForgeError: missing values in predictor column(s) wt (1 row)" in message


def test_an_existing_prediction_column_is_refused(spark):
    sdf = spark_frame(spark, new_data("seq_reg_recipe_normalize").assign(**{".pred": 1.0}), 1)
    with pytest.raises(SpecError, match=r"already has prediction column\(s\) \['.pred'\]"):
        predict_spark(str(fixture("seq_reg_recipe_normalize")), sdf)
