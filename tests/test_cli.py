"""The ``pykerasnip`` command line, run as a subprocess on the R-saved fixtures."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES, MANIFEST, ROOT, requires_r

SEED = FIXTURES / "seq_reg_recipe_normalize"
IRIS = FIXTURES / "seq_cls_multiclass_iris"
CREDIT = FIXTURES / "recipe_impute_credit"


def run_cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m pykerasnip ARGS`` in a fresh process (the package from this checkout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pykerasnip", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def expected(case_dir: Path, type_: str) -> pd.DataFrame:
    return pd.read_csv(case_dir / f"expected_{type_}.csv")


def assert_matches_r(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same columns and values as R's predictions (numbers to 1e-6)."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for name in want.columns:
        if pd.api.types.is_numeric_dtype(want[name]):
            np.testing.assert_allclose(got[name].to_numpy(float), want[name].to_numpy(float),
                                       rtol=0, atol=1e-6, err_msg=name)
        else:
            assert got[name].astype(str).tolist() == want[name].astype(str).tolist(), name


def case_entry(case: str) -> dict:
    return next(c for c in MANIFEST["cases"] if c["case"] == case)


# -- usage and exit codes -----------------------------------------------------------------
def test_help_lists_commands_and_exit_codes() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for word in ("demo", "inspect", "predict", "convert", "examples:", "Exit codes", "2 usage",
                 "3 a file missing", "4 invalid"):
        assert word in out.stdout


@pytest.mark.parametrize("command, words", [
    ("predict", ["--type", "numeric", "class", "prob", "conf_int", "pred_int", "--level",
                 "--chunk-rows", ".parquet"]),
    ("convert", ["--to", "keras", "rds", "bundle"]),
    ("inspect", ["--tree", "--depth", "str()"]),
])
def test_subcommand_help_names_its_options(command: str, words: list[str]) -> None:
    out = run_cli(command, "--help")
    assert out.returncode == 0
    assert all(w in out.stdout for w in words), out.stdout


@pytest.mark.parametrize("args", [
    [],                                                       # no command
    ["frobnicate"],                                           # unknown command
    ["predict", SEED / "workflow.rds"],                       # data missing
    ["predict", SEED / "workflow.rds", SEED / "new_data.csv", "--type", "median"],
    ["convert", SEED / "workflow.rds", "--to", "onnx"],
    ["inspect", SEED / "workflow.rds", "--depth", "deep"],
    ["predict", SEED / "workflow.rds", SEED / "new_data.csv", "--backend", "theano"],
    ["predict", SEED / "workflow.rds", SEED / "new_data.csv", "--level", "1.5"],
    ["predict", SEED / "workflow.rds", SEED / "new_data.csv", "--chunk-rows", "0"],
])
def test_bad_usage_exits_2(args: list) -> None:
    out = run_cli(*args)
    assert out.returncode == 2
    assert "usage:" in out.stderr


@pytest.mark.parametrize("args", [
    ["inspect", "/nonexistent/model.rds"],
    ["predict", "/nonexistent/model.rds", SEED / "new_data.csv"],
    ["predict", SEED / "workflow.rds", "/nonexistent/data.csv"],
    ["convert", "/nonexistent/model.rds", "--to", "keras"],
])
def test_missing_file_exits_3(args: list) -> None:
    out = run_cli(*args)
    assert out.returncode == 3
    assert "/nonexistent/" in out.stderr and "Traceback" not in out.stderr


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    out = run_cli("convert", SEED / "workflow.rds", "--to", "keras", "-o", tmp_path / "no" / "m.keras")
    assert out.returncode == 3
    assert str(tmp_path / "no") in out.stderr and "No such file or directory" in out.stderr


@pytest.mark.parametrize("args", [
    ["inspect", SEED / "new_data.csv"],                          # not an RDS file
    ["predict", SEED / "new_data.csv", SEED / "new_data.csv"],   # not an RDS file
    ["predict", SEED / "new_data.rds", SEED / "new_data.csv"],   # an RDS with no model
    ["convert", SEED / "new_data.rds", "--to", "bundle"],        # an RDS with no model
    ["predict", SEED / "workflow.rds", SEED / "expected_numeric.csv"],  # predictors missing
])
def test_invalid_content_exits_4(args: list) -> None:
    out = run_cli(*args)
    assert out.returncode == 4, out.stderr
    assert out.stderr.startswith("pykerasnip: ") and "Traceback" not in out.stderr


# -- inspect ------------------------------------------------------------------------------
def test_inspect_seed_workflow_tells_what_is_inside() -> None:
    import zipfile

    import pykerasnip as pk

    out = run_cli("inspect", SEED / "workflow.rds")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    entry = case_entry("seq_reg_recipe_normalize")
    assert "R class: ['workflow']" in text
    assert "Workflow [trained]" in text
    assert "Model: my_mlp (regression; kerasnip sequential spec" in text
    assert "arguments: fit_epochs = 10" in text
    assert re.search(r"unset \(\d+\): num_input, num_hidden, num_output, hidden_units", text)
    # layers: 10 predictors -> dense 32 -> dense 1
    assert "3 layers (InputLayer 0, Dense 352, Dense 33), 385 parameters" in text
    keras_bytes = pk.read_rds(SEED / "workflow.rds").model_fit.fit.keras_bytes
    assert f"{len(keras_bytes):,} bytes" in text
    with zipfile.ZipFile(io.BytesIO(keras_bytes)) as zf:
        keras_version = __import__("json").loads(zf.read("metadata.json"))["keras_version"]
    assert f"Keras {keras_version} Sequential" in text
    r_version = re.search(r"R version (\S+)", MANIFEST["generator"]["r_version"]).group(1)
    kerasnip_version = MANIFEST["generator"]["packages"]["kerasnip"]["version"]
    assert f"Saved by: R {r_version}, kerasnip {kerasnip_version}" in text
    assert f"{entry['files'][0]['object']['keras_bytes_length']:,} bytes" in text


def test_inspect_shows_trained_normalize_values_from_the_training_data() -> None:
    mtcars = pd.read_csv(ROOT / "pykerasnip" / "datasets" / "mtcars.csv")
    out = run_cli("inspect", SEED / "workflow.rds")
    assert "  - step_normalize" in out.stdout
    predictors = [c for c in mtcars.columns if c not in ("mpg", "model", "Unnamed: 0")][:3]
    means = ", ".join(f"{c}={mtcars[c].mean():.4g}" for c in predictors)
    sds = ", ".join(f"{c}={mtcars[c].std():.4g}" for c in predictors)
    assert f"means: {means}, ... (10)" in out.stdout
    assert f"sds: {sds}, ... (10)" in out.stdout


def test_inspect_lists_every_recipe_step_in_order() -> None:
    out = run_cli("inspect", CREDIT / "workflow.rds")
    steps = re.findall(r"^  - (step_\w+)", out.stdout, flags=re.M)
    saved = case_entry("recipe_impute_credit")["files"][0]["object"]
    assert steps == [s["step"] for s in saved["recipe_steps"]]
    assert f"outcome levels: {saved['outcome_levels']}" in out.stdout
    assert "removals: Marital_unknown" in out.stdout


def test_inspect_model_fit_and_bundle() -> None:
    fit = run_cli("inspect", FIXTURES / "modelfit_formula" / "model_fit.rds")
    assert fit.returncode == 0
    assert "R class: ['kerasnip_model_fit', '_list', 'model_fit']" in fit.stdout
    assert "Model: my_mlp (regression" in fit.stdout
    bundled = run_cli("inspect", FIXTURES / "seq_reg_bundle" / "bundle.rds")
    assert bundled.returncode == 0
    assert "R class: ['bundled_workflow', 'bundle']" in bundled.stdout
    assert "Workflow [trained]" in bundled.stdout


def test_inspect_data_frame_falls_back_to_the_tree() -> None:
    out = run_cli("inspect", SEED / "new_data.rds")
    assert out.returncode == 0
    assert "List of 10" in out.stdout and "$ cyl :" in out.stdout


@requires_r
@pytest.mark.parametrize("path", [SEED / "workflow.rds", FIXTURES / "seq_reg_bundle" / "bundle.rds"])
def test_inspect_tree_is_r_str(path: Path) -> None:
    """Line for line R's output on these files (R's special layouts of classed atomic
    vectors, matrices and data frames are not reproduced)."""
    out = run_cli("inspect", path, "--tree", "--depth", "2")
    r = subprocess.run(["Rscript", "-e", f'str(suppressWarnings(readRDS("{path}")), max.level = 2)'],
                       capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == r.stdout.splitlines()


def test_inspect_tree_depth_limits_the_levels() -> None:
    shallow = run_cli("inspect", SEED / "workflow.rds", "--tree", "--depth", "1").stdout
    deep = run_cli("inspect", SEED / "workflow.rds", "--tree", "--depth", "3").stdout
    assert not any(line.startswith("  ..$") for line in shallow.splitlines())
    assert any(line.startswith("  .. ..$") for line in deep.splitlines())
    assert len(deep.splitlines()) > len(shallow.splitlines())


# -- predict ------------------------------------------------------------------------------
def _parquet_copy(src: Path, dest: Path) -> Path:
    from pykerasnip import read_rds

    read_rds(src).to_parquet(dest, index=False)
    return dest


@pytest.mark.parametrize("case, type_, data_name, out_name", [
    ("seq_reg_recipe_normalize", "numeric", "new_data.csv", None),
    ("seq_reg_recipe_normalize", "pred_int", "new_data.rds", "out.csv"),
    ("seq_reg_recipe_normalize", "conf_int", "new_data.parquet", "out.parquet"),
    ("seq_reg_bundle", "numeric", "new_data.rds", None),
    ("modelfit_formula", "conf_int", "new_data.rds", "out.parquet"),
    ("seq_cls_multiclass_iris", "class", "new_data.csv", None),
    ("seq_cls_multiclass_iris", "prob", "new_data.rds", "out.parquet"),
    ("recipe_impute_credit", "prob", "new_data.rds", "out.csv"),
])
def test_predict_equals_r(case: str, type_: str, data_name: str, out_name: str | None,
                          tmp_path: Path) -> None:
    folder = FIXTURES / case
    model = next(folder / f for f in ("workflow.rds", "bundle.rds", "model_fit.rds")
                 if (folder / f).exists())
    data = (_parquet_copy(folder / "new_data.rds", tmp_path / data_name)
            if data_name.endswith(".parquet") else folder / data_name)
    args = ["predict", model, data, "--type", type_]
    if out_name:
        args += ["-o", tmp_path / out_name]
    out = run_cli(*args)
    assert out.returncode == 0, out.stderr
    if out_name is None:
        got = pd.read_csv(io.StringIO(out.stdout))
    elif out_name.endswith(".parquet"):
        got = pd.read_parquet(tmp_path / out_name)
        assert out.stdout == ""
    else:
        got = pd.read_csv(tmp_path / out_name)
    assert_matches_r(got, expected(folder, type_))


def test_predict_on_tensorflow_backend_is_bit_identical_to_r() -> None:
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "--type", "pred_int",
                  "--backend", "tensorflow")
    got = pd.read_csv(io.StringIO(out.stdout))
    want = pd.read_csv(SEED / "expected_pred_int.csv")
    assert (got.to_numpy() == want.to_numpy()).all()


def test_predict_on_a_backend_that_cannot_start_exits_4_naming_it() -> None:
    import importlib.util

    if importlib.util.find_spec("jax") is not None:
        pytest.skip("jax is installed: Keras' numpy backend starts here")
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "--backend", "numpy")
    assert out.returncode == 4
    assert "BackendNotAvailableError" in out.stderr and "'numpy' backend" in out.stderr
    assert "jax" in out.stderr and "Traceback" not in out.stderr


def test_predict_default_type_follows_the_mode() -> None:
    reg = pd.read_csv(io.StringIO(run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv").stdout))
    assert_matches_r(reg, expected(SEED, "numeric"))
    cls = pd.read_csv(io.StringIO(run_cli("predict", IRIS / "workflow.rds", IRIS / "new_data.csv").stdout))
    assert_matches_r(cls, expected(IRIS, "class"))


def test_predict_level_narrows_the_interval() -> None:
    import pykerasnip as pk

    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.rds", "--type", "conf_int",
                  "--level", "0.5")
    got = pd.read_csv(io.StringIO(out.stdout))
    r95 = expected(SEED, "conf_int")
    wf = pk.read_rds(SEED / "workflow.rds")
    want = wf.predict(pk.read_rds(SEED / "new_data.rds"), type="conf_int", level=0.5)
    assert_matches_r(got, want)
    np.testing.assert_allclose(got[".pred"], r95[".pred"], atol=1e-6, rtol=0)
    assert ((got[".pred_upper"] - got[".pred_lower"])
            < (r95[".pred_upper"] - r95[".pred_lower"])).all()


def test_predict_in_chunks_reports_progress_on_stderr(tmp_path: Path) -> None:
    rows = len(pd.read_csv(SEED / "new_data.csv"))
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "--chunk-rows", 2,
                  "-o", tmp_path / "p.csv")
    assert out.returncode == 0, out.stderr
    progress = re.findall(r"predicted ([\d,]+) / ([\d,]+) rows", out.stderr)
    assert progress[0] == ("2", f"{rows:,}") and progress[-1] == (f"{rows:,}", f"{rows:,}")
    assert_matches_r(pd.read_csv(tmp_path / "p.csv"), expected(SEED, "numeric"))
    quiet = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "--chunk-rows", 2, "-q")
    assert "predicted" not in quiet.stderr


def test_predict_with_seed_draws_like_seeded_r_in_one_piece(tmp_path: Path) -> None:
    # R's classification intervals: keras3::set_random_seed(1); predict(..., type = "conf_int")
    binary = FIXTURES / "seq_cls_binary_recipe"
    out = run_cli("predict", binary / "workflow.rds", binary / "new_data.rds", "--type",
                  "conf_int", "--seed", 1, "--chunk-rows", 2, "-o", tmp_path / "p.csv")
    assert out.returncode == 0, out.stderr
    assert "predicted" not in out.stderr  # one chunk: one random stream, as in R
    assert_matches_r(pd.read_csv(tmp_path / "p.csv"), expected(binary, "conf_int"))


# -- convert ------------------------------------------------------------------------------
def test_convert_to_keras_gives_a_loadable_model(tmp_path: Path) -> None:
    out = run_cli("convert", SEED / "workflow.rds", "--to", "keras", "-o", tmp_path / "m.keras")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "m.keras")
    import keras

    model = keras.saving.load_model(tmp_path / "m.keras", compile=False)
    assert model.count_params() == 385
    assert [layer.__class__.__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.input_shape == (None, 10)


def test_convert_default_output_is_next_to_the_input(tmp_path: Path) -> None:
    src = tmp_path / "wf.rds"
    src.write_bytes((SEED / "workflow.rds").read_bytes())
    out = run_cli("convert", src, "--to", "keras")
    assert out.stdout.strip() == str(tmp_path / "wf.keras")
    assert (tmp_path / "wf.keras").read_bytes()[:2] == b"PK"


def _saved_classes(path: Path) -> list[str]:
    from pykerasnip import rds

    return rds.load(path).classes


def test_convert_bundle_to_rds_unbundles_and_predicts_the_same(tmp_path: Path) -> None:
    folder = FIXTURES / "seq_reg_bundle"
    out = run_cli("convert", folder / "bundle.rds", "--to", "rds", "-o", tmp_path / "wf.rds")
    assert out.returncode == 0, out.stderr
    assert _saved_classes(tmp_path / "wf.rds") == ["workflow"]
    pred = run_cli("predict", tmp_path / "wf.rds", folder / "new_data.rds", "--type", "pred_int")
    assert_matches_r(pd.read_csv(io.StringIO(pred.stdout)), expected(folder, "pred_int"))


def test_convert_to_bundle_predicts_the_same(tmp_path: Path) -> None:
    out = run_cli("convert", IRIS / "workflow.rds", "--to", "bundle", "-o", tmp_path / "b.rds")
    assert out.returncode == 0, out.stderr
    assert _saved_classes(tmp_path / "b.rds") == ["bundled_workflow", "bundle"]
    pred = run_cli("predict", tmp_path / "b.rds", IRIS / "new_data.rds", "--type", "prob")
    assert_matches_r(pd.read_csv(io.StringIO(pred.stdout)), expected(IRIS, "prob"))


@requires_r
def test_converted_bundle_has_the_layout_of_r_bundles(tmp_path: Path) -> None:
    run_cli("convert", SEED / "workflow.rds", "--to", "bundle", "-o", tmp_path / "b.rds")
    show = 'x <- suppressWarnings(readRDS("{}")); str(x, max.level = 1)'

    def r_str(path: Path) -> str:
        return subprocess.run(["Rscript", "-e", show.format(path)], capture_output=True,
                              text=True, check=True).stdout

    assert r_str(tmp_path / "b.rds") == r_str(FIXTURES / "seq_reg_bundle" / "bundle.rds")


# -- demo ---------------------------------------------------------------------------------
def test_demo_trains_predicts_and_both_files_reload(tmp_path: Path) -> None:
    import pykerasnip as pk

    out = run_cli("demo", "--dir", tmp_path / "demo", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    tibbles = re.findall(r"# A tibble: 3 × 1\n  \.pred\n  <dbl>\n((?:\d .*\n?){3})", out.stdout)
    assert len(tibbles) == 3 and len(set(tibbles)) == 1, out.stdout  # fit, write_rds, bundle
    assert "Strategy 1" in out.stdout and "Strategy 2" in out.stdout
    printed = [float(line.split()[1]) for line in tibbles[0].splitlines()]
    mtcars = pd.read_csv(ROOT / "pykerasnip" / "datasets" / "mtcars.csv").head(3)
    for name in ("my_model.rds", "my_model_bundle.rds"):
        model = pk.unbundle(pk.read_rds(tmp_path / "demo" / name))
        pred = model.predict(mtcars)[".pred"].to_numpy()
        np.testing.assert_allclose(pred, printed, atol=0.006, rtol=0.01)
