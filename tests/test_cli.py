"""The ``pykerasnip`` command line, run as a subprocess on the R-saved fixtures."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES, MANIFEST, ROOT
from r_oracle import requires_r, run_r

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
    for word in ("demo", "inspect", "predict", "convert", "examples:", "Exit codes:",
                 "2   bad usage", "3   a file is missing", "4   invalid", "5   a package",
                 "6   refused", "130 interrupted", "UnsafeWriteError", "UntrustedCodeError",
                 "csv, tsv, parquet, feather, json, jsonl, rds"):
        assert word in out.stdout


def test_every_error_class_has_a_documented_exit_code() -> None:
    from pykerasnip import errors
    from pykerasnip.cli import EXIT_CODES, _MEANINGS, exit_code

    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.PykerasnipError)]
    assert len(classes) >= 12
    for cls in classes:
        code = exit_code(cls.__new__(cls))
        assert code in _MEANINGS and code not in (0, 1), cls
    assert exit_code(FileNotFoundError()) == 3 and exit_code(TypeError()) == 1
    assert set(EXIT_CODES.values()) <= set(_MEANINGS)


def assert_one_line_error(out: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """Exit ``code``, one line on stderr that starts with ``pykerasnip:`` and says ``words``."""
    assert out.returncode == code, out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pykerasnip: "), out.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("command, words", [
    ("predict", ["--type", "numeric", "class", "prob", "conf_int", "pred_int", "--level",
                 "--chunk-rows", "parquet", "--format", "--follow-symlinks", "- for stdin"]),
    ("convert", ["--to", "keras", "rds", "bundle", "--follow-symlinks"]),
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
    ["predict", "-", "-"],
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
    assert not TF_LOG.search(out.stderr), out.stderr
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


@requires_r()
@pytest.mark.parametrize("path", [SEED / "workflow.rds", FIXTURES / "seq_reg_bundle" / "bundle.rds"])
def test_inspect_tree_is_r_str(path: Path) -> None:
    """Line for line R's output on these files (R's special layouts of classed atomic
    vectors, matrices and data frames are not reproduced)."""
    out = run_cli("inspect", path, "--tree", "--depth", "2")
    r = run_r("capture.output(str(suppressWarnings(readRDS(path)), max.level = 2))",
              inputs={"path": path})
    assert out.stdout.splitlines() == r.tolist()


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


def test_predict_on_a_backend_that_cannot_start_exits_5_naming_it() -> None:
    import importlib.util

    if importlib.util.find_spec("jax") is not None:
        pytest.skip("jax is installed: Keras' numpy backend starts here")
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "--backend", "numpy")
    assert out.returncode == 5
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


# -- predict: where the data comes from and where the predictions go --------------------------
def read_output(path: Path) -> pd.DataFrame:
    import pykerasnip as pk

    readers = {".csv": pd.read_csv, ".tsv": lambda p: pd.read_csv(p, sep="\t"),
               ".parquet": pd.read_parquet, ".feather": pd.read_feather,
               ".json": lambda p: pd.read_json(p, orient="records"),
               ".jsonl": lambda p: pd.read_json(p, lines=True), ".rds": pk.read_rds}
    return readers[path.suffix](path)


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".parquet", ".feather", ".json", ".jsonl", ".rds"])
def test_predict_writes_every_documented_format(ext: str, tmp_path: Path) -> None:
    out = run_cli("predict", IRIS / "workflow.rds", IRIS / "new_data.rds", "--type", "prob",
                  "-o", tmp_path / f"p{ext}")
    assert out.returncode == 0, out.stderr
    assert_matches_r(read_output(tmp_path / f"p{ext}"), expected(IRIS, "prob"))


def test_predict_and_convert_take_a_vetiver_pins_rds(tmp_path: Path) -> None:
    """R's vetiver_pin_write() saves list(model = bundle(fit), prototype = ...)
    (tests/data/pins); predict said it held no workflow or model fit."""
    pin = next((ROOT / "tests" / "data" / "pins" / "mpg_recipe").iterdir()) / "mpg_recipe.rds"
    out = run_cli("predict", pin, SEED / "new_data.csv", "--type", "pred_int", "-o", tmp_path / "p.csv")
    assert out.returncode == 0, out.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "p.csv", float_precision="round_trip"),
                                  pd.read_csv(SEED / "expected_pred_int.csv", float_precision="round_trip"),
                                  check_exact=True)
    out = run_cli("convert", pin, "--to", "keras", "-o", tmp_path / "m.keras")
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert "model.weights.h5" in zf.namelist()


@pytest.mark.parametrize("ext", [".json", ".jsonl"])
def test_json_output_keeps_every_bit_of_rs_predictions(ext: str, tmp_path: Path) -> None:
    """pandas' to_json kept 10 decimals (and at most 15 digits): 4.5084827434038743e-05
    came out as 0.0000450848."""
    out = run_cli("predict", IRIS / "workflow.rds", IRIS / "new_data.rds", "--type", "prob",
                  "-o", tmp_path / f"p{ext}")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / f"p{ext}").read_text()
    rows = json.loads(text) if ext == ".json" else [json.loads(line) for line in text.splitlines()]
    want = pd.read_csv(IRIS / "expected_prob.csv", float_precision="round_trip")
    pd.testing.assert_frame_equal(pd.DataFrame(rows), want, check_exact=True)


@pytest.mark.parametrize("ext", [".json", ".jsonl"])
def test_json_input_reads_rs_doubles_to_the_bit(ext: str, tmp_path: Path) -> None:
    """pandas' read_json misread the last bit of 36 of the Chicago fixture's doubles."""
    import pykerasnip as pk
    from pykerasnip.tables import json_records, plan_source

    case = FIXTURES / "recipe_date_chicago"
    frame = pk.read_rds(case / "new_data.rds")
    rows = json_records(frame)
    (tmp_path / f"new{ext}").write_text(
        json.dumps(rows) if ext == ".json" else "\n".join(json.dumps(r) for r in rows))
    read = plan_source(str(tmp_path / f"new{ext}")).read()
    doubles = [name for name in frame.columns if frame[name].dtype == np.float64]
    assert len(doubles) == 8
    for name in doubles:
        np.testing.assert_array_equal(read[name].to_numpy(), frame[name].to_numpy(), err_msg=name)
    out = run_cli("predict", case / "workflow.rds", tmp_path / f"new{ext}", "-o", tmp_path / "p.csv")
    assert out.returncode == 0, out.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "p.csv", float_precision="round_trip"),
                                  pd.read_csv(case / "expected_numeric.csv", float_precision="round_trip"),
                                  check_exact=True)


@pytest.mark.parametrize("name", ["p.xlsx", "p.CSV.gz", "predictions"])
def test_an_unknown_output_format_is_refused_before_predicting(name: str, tmp_path: Path) -> None:
    # the model is not even valid: the output is checked first
    out = run_cli("predict", SEED / "new_data.csv", SEED / "new_data.csv", "-o", tmp_path / name)
    assert_one_line_error(out, 2, "FormatError", "csv, tsv, parquet", "--format")
    assert list(tmp_path.iterdir()) == []


def test_format_names_the_output_format(tmp_path: Path) -> None:
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.rds", "-o", tmp_path / "p.txt",
                  "--format", "tsv")
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(tmp_path / "p.txt", sep="\t"), expected(SEED, "numeric"))
    piped = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.rds", "-o", "-",
                    "--format", "jsonl")
    assert_matches_r(pd.read_json(io.StringIO(piped.stdout), lines=True), expected(SEED, "numeric"))


def test_a_missing_output_folder_fails_before_predicting(tmp_path: Path) -> None:
    out = run_cli("predict", SEED / "new_data.csv", SEED / "new_data.csv", "-o", tmp_path / "no" / "p.csv")
    assert_one_line_error(out, 3, str(tmp_path / "no"), "No such file or directory")


def test_parquet_without_pyarrow_fails_before_predicting(tmp_path: Path) -> None:
    script = ("import sys; sys.modules['pyarrow'] = sys.modules['fastparquet'] = None\n"
              "from pykerasnip.cli import main; sys.exit(main(sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", script, "predict", SEED / "new_data.csv",
                          SEED / "new_data.csv", "-o", tmp_path / "p.parquet"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert_one_line_error(out, 5, "MissingDependencyError", "pip install pyarrow")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("which", ["data", "model", "data through a link", "data's hard link"])
def test_the_output_is_never_an_input(which: str, tmp_path: Path) -> None:
    data, model = tmp_path / "new.csv", tmp_path / "wf.rds"
    data.write_bytes((SEED / "new_data.csv").read_bytes())
    model.write_bytes((SEED / "workflow.rds").read_bytes())
    output = {"data": data, "model": model, "data through a link": tmp_path / "link.csv",
              "data's hard link": tmp_path / "hard.csv"}[which]
    if which == "data through a link":
        output.symlink_to(data)
    elif which == "data's hard link":
        os.link(data, output)
    out = run_cli("predict", model, data, "-o", output, "--follow-symlinks")
    assert_one_line_error(out, 6, "UnsafeWriteError", "is the input")
    assert data.read_bytes() == (SEED / "new_data.csv").read_bytes()
    assert model.read_bytes() == (SEED / "workflow.rds").read_bytes()


def test_a_symbolic_link_output_is_refused_unless_followed(tmp_path: Path) -> None:
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n")
    link.symlink_to(real)
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "-o", link)
    assert_one_line_error(out, 6, "UnsafeWriteError", "symbolic link", "--follow-symlinks")
    assert real.read_text() == "old\n" and link.is_symlink()
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "-o", link, "--follow-symlinks")
    assert out.returncode == 0, out.stderr
    assert link.is_symlink()
    assert_matches_r(pd.read_csv(real), expected(SEED, "numeric"))
    conv = run_cli("convert", SEED / "workflow.rds", "--to", "keras", "-o", link)
    assert_one_line_error(conv, 6, "symbolic link")


def test_the_output_file_is_replaced_not_rewritten_and_keeps_its_mode(tmp_path: Path) -> None:
    output, old_inode = tmp_path / "p.csv", tmp_path / "old.csv"
    output.write_text("old\n")
    os.chmod(output, 0o640)
    os.link(output, old_inode)  # what a reader holding the old file sees
    out = run_cli("predict", SEED / "workflow.rds", SEED / "new_data.csv", "-o", output)
    assert out.returncode == 0, out.stderr
    assert old_inode.read_text() == "old\n"
    assert_matches_r(pd.read_csv(output), expected(SEED, "numeric"))
    assert oct(output.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv", "p.csv"]


def test_a_failed_prediction_leaves_the_output_untouched(tmp_path: Path) -> None:
    output = tmp_path / "p.csv"
    output.write_text("old\n")
    out = run_cli("predict", SEED / "workflow.rds", SEED / "expected_numeric.csv", "-o", output)
    assert_one_line_error(out, 4, "ForgeError")
    assert output.read_text() == "old\n" and os.listdir(tmp_path) == ["p.csv"]


@pytest.mark.parametrize("source", ["csv", "rds", "parquet", "json"])
def test_dash_reads_the_data_from_stdin_whatever_its_format(source: str, tmp_path: Path) -> None:
    import pykerasnip as pk

    frame = pk.read_rds(SEED / "new_data.rds")
    path = tmp_path / f"new.{source}"
    {"csv": lambda: frame.to_csv(path, index=False), "rds": lambda: pk.write_rds(frame, path),
     "parquet": lambda: frame.to_parquet(path, index=False),
     "json": lambda: frame.to_json(path, orient="records")}[source]()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(path, "rb") as stdin:
        out = subprocess.run([sys.executable, "-m", "pykerasnip", "predict", str(SEED / "workflow.rds"),
                              "-", "--type", "pred_int"], stdin=stdin, capture_output=True, env=env)
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(io.BytesIO(out.stdout)), expected(SEED, "pred_int"))


def test_dev_stdin_pipes_and_dev_stdout_work(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    shell = (f'cat "{SEED / "new_data.csv"}" | "{sys.executable}" -m pykerasnip predict '
             f'"{SEED / "workflow.rds"}" /dev/stdin -o /dev/stdout | cat')
    out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(io.StringIO(out.stdout)), expected(SEED, "numeric"))
    # a named pipe as the data, and the model through process substitution
    fifo = tmp_path / "data.fifo"
    os.mkfifo(fifo)
    shell = (f'cat "{SEED / "new_data.rds"}" > "{fifo}" & "{sys.executable}" -m pykerasnip predict '
             f'<(cat "{SEED / "workflow.rds"}") "{fifo}" -o "{tmp_path / "p.csv"}"; wait')
    out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(tmp_path / "p.csv"), expected(SEED, "numeric"))


@pytest.mark.parametrize("src", ["new_data.csv", "new_data.rds"])
def test_a_data_file_without_extension_is_told_by_its_content(src: str, tmp_path: Path) -> None:
    (tmp_path / "new_data").write_bytes((SEED / src).read_bytes())
    out = run_cli("predict", SEED / "workflow.rds", tmp_path / "new_data")
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(io.StringIO(out.stdout)), expected(SEED, "numeric"))


def test_a_reader_closing_stdout_early_ends_quietly(tmp_path: Path) -> None:
    many = pd.concat([pd.read_csv(SEED / "new_data.csv")] * 20_000)  # output beyond a pipe's buffer
    many.to_csv(tmp_path / "many.csv", index=False)
    shell = (f'set -o pipefail; "{sys.executable}" -m pykerasnip predict "{SEED / "workflow.rds"}" '
             f'"{tmp_path / "many.csv"}" -q | head -c 5')
    out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout == ".pred" and out.stderr == "" and out.returncode == 141


def test_the_model_can_come_from_stdin() -> None:
    with open(SEED / "workflow.rds", "rb") as stdin:
        out = subprocess.run([sys.executable, "-m", "pykerasnip", "predict", "-", str(SEED / "new_data.csv")],
                             stdin=stdin, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert_matches_r(pd.read_csv(io.StringIO(out.stdout)), expected(SEED, "numeric"))


@pytest.mark.parametrize("name, content", [("bad.csv", 'a,b\n1,"2\n'), ("bad.parquet", "PAR1 nope"),
                                           ("bad.json", "[{"), ("empty.csv", "")])
def test_a_malformed_data_file_is_a_typed_error(name: str, content: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(content)
    out = run_cli("predict", SEED / "workflow.rds", tmp_path / name)
    assert_one_line_error(out, 4, "DataFileError", str(tmp_path / name))


def test_binary_data_of_no_known_format_on_stdin_is_refused() -> None:
    out = subprocess.run([sys.executable, "-m", "pykerasnip", "predict", str(SEED / "workflow.rds"), "-"],
                         input=bytes(range(256)) * 4, capture_output=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    out.stderr = out.stderr.decode()
    assert_one_line_error(out, 2, "FormatError", "stdin", "binary data")


# -- one line per error, TensorFlow's logs kept off the terminal -----------------------------
#: TensorFlow's C++ (absl) log lines, its absl preamble and tf.function's retracing warning
TF_LOG = re.compile(r"^[IWEF]\d{4} |oneDNN custom operations|absl::InitializeLog|retracing", re.M)


def test_the_command_line_shows_no_tensorflow_logs_unless_verbose() -> None:
    args = ["predict", SEED / "workflow.rds", SEED / "new_data.csv", "--chunk-rows", 1, "-q"]
    quiet = run_cli(*args)
    assert quiet.returncode == 0, quiet.stderr
    assert not TF_LOG.search(quiet.stderr), quiet.stderr
    loud = run_cli("--verbose", *args)
    assert loud.returncode == 0 and loud.stdout == quiet.stdout
    assert "oneDNN custom operations" in loud.stderr


def test_a_users_own_tensorflow_log_level_is_kept() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "0"}
    script = ("import os, sys; from pykerasnip.cli import quiet_tensorflow; quiet_tensorflow(); "
              "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "0"


def test_the_library_does_not_silence_tensorflow() -> None:
    script = "import pykerasnip as pk; pk.read_rds(sys.argv[1]).predict(pk.read_rds(sys.argv[2]))"
    out = subprocess.run([sys.executable, "-c", "import sys; " + script, SEED / "workflow.rds",
                          SEED / "new_data.rds"], capture_output=True, text=True,
                         env={k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT)}.items()
                              if k != "TF_CPP_MIN_LOG_LEVEL"})
    assert out.returncode == 0, out.stderr
    assert "oneDNN custom operations" in out.stderr


def test_warnings_are_one_line_each_unless_verbose() -> None:
    """hardhat warns of the credit fixture's unseen levels (Home 'castle', Job 'astronaut',
    as R's manifest says): one line each, not the package's file and source line."""
    args = ["predict", CREDIT / "workflow.rds", CREDIT / "new_data.csv", "-q"]
    quiet = run_cli(*args)
    assert quiet.returncode == 0, quiet.stderr
    prefix = "pykerasnip: warning: NovelLevelsWarning: Novel level found in column"
    assert quiet.stderr.splitlines() == [f'{prefix} "Home": "castle". \u2139 The level has been removed, '
                                         "and values have been coerced to <NA>.",
                                         f'{prefix} "Job": "astronaut". \u2139 The level has been '
                                         "removed, and values have been coerced to <NA>."]
    loud = run_cli("--verbose", *args)
    assert loud.stdout == quiet.stdout and "blueprint.py" in loud.stderr


def test_verbose_shows_the_traceback() -> None:
    out = run_cli("predict", SEED / "workflow.rds", SEED / "expected_numeric.csv", "--verbose")
    assert out.returncode == 4
    assert "Traceback" in out.stderr and out.stderr.splitlines()[-1].startswith("pykerasnip: ForgeError")


def test_an_internal_error_is_one_line_with_exit_1() -> None:
    script = ("import sys, pykerasnip.batch as b\n"
              "def broken(*a, **k): raise TypeError('something unforeseen')\n"
              "b.predict_file = broken\n"
              "from pykerasnip.cli import main; sys.exit(main(sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", script, "predict", SEED / "workflow.rds",
                          SEED / "new_data.csv"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert_one_line_error(out, 1, "internal error", "TypeError: something unforeseen", "--verbose")


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


@requires_r()
def test_converted_bundle_has_the_layout_of_r_bundles(tmp_path: Path) -> None:
    run_cli("convert", SEED / "workflow.rds", "--to", "bundle", "-o", tmp_path / "b.rds")
    def r_str(path: Path) -> list[str]:
        return run_r("capture.output(str(suppressWarnings(readRDS(path)), max.level = 1))",
                     inputs={"path": path}).tolist()

    assert r_str(tmp_path / "b.rds") == r_str(FIXTURES / "seq_reg_bundle" / "bundle.rds")


# -- demo ---------------------------------------------------------------------------------
def test_demo_trains_predicts_and_both_files_reload(tmp_path: Path) -> None:
    import pykerasnip as pk

    out = run_cli("demo", "--dir", tmp_path / "demo", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert not TF_LOG.search(out.stderr), out.stderr
    tibbles = re.findall(r"# A tibble: 3 × 1\n  \.pred\n  <dbl>\n((?:\d .*\n?){3})", out.stdout)
    assert len(tibbles) == 3 and len(set(tibbles)) == 1, out.stdout  # fit, write_rds, bundle
    assert "Strategy 1" in out.stdout and "Strategy 2" in out.stdout
    printed = [float(line.split()[1]) for line in tibbles[0].splitlines()]
    mtcars = pd.read_csv(ROOT / "pykerasnip" / "datasets" / "mtcars.csv").head(3)
    for name in ("my_model.rds", "my_model_bundle.rds"):
        model = pk.unbundle(pk.read_rds(tmp_path / "demo" / name))
        pred = model.predict(mtcars)[".pred"].to_numpy()
        np.testing.assert_allclose(pred, printed, atol=0.006, rtol=0.01)
