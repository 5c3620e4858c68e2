"""The prediction path under hostile or awkward input: zero rows, seeded threads,
Keras' global state, crafted ``.keras`` archives and validated stored parameters."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES, case_dir, fixture_cases
from pykerasnip import read_rds
from pykerasnip.convert import to_pandas
from pykerasnip.rds import load

R_DTYPES = {"numeric": "float64", "factor": "category", "list": "object"}


def _predicted_cases() -> list[tuple[dict, str]]:
    return [(case, kind) for case in fixture_cases() for kind in case.get("predictions") or {}]


def _case_object(case: dict):
    return read_rds(case_dir(case) / case["files"][0]["file"])


@pytest.fixture(scope="module")
def loaded() -> dict:
    return {}


@pytest.mark.parametrize("case, kind", _predicted_cases(),
                         ids=[f"{c['case']}-{k}" for c, k in _predicted_cases()])
def test_zero_rows_give_r_columns_and_types(case: dict, kind: str, loaded: dict) -> None:
    """hardhat's forge keeps zero rows; the prediction is a zero-row frame with the
    columns (and column classes, factor levels) R returns."""
    obj = loaded.setdefault(case["case"], _case_object(case))
    new_data = to_pandas(load(case_dir(case) / case["new_data"]["rds"])).iloc[:0]
    want = case["predictions"][kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = obj.predict(new_data, type=kind, seed=1)
    assert len(got) == 0
    assert list(got.columns) == want["columns"]
    for column, classes in want["column_classes"].items():
        assert str(got[column].dtype) == R_DTYPES[classes[0]], column
        if classes[0] == "factor":
            assert list(got[column].cat.categories) == want["factor_levels"][column]


# --------------------------------------------------------------------------- seeded threads
@pytest.mark.parametrize("case, kinds", [("seq_cls_multiclass_iris", ("conf_int", "pred_int")),
                                         ("seq_reg_recipe_normalize", ("conf_int", "pred_int"))])
def test_seeded_predictions_in_threads_equal_sequential_ones(case: str, kinds: tuple) -> None:
    """Seeded classification intervals draw from Keras' per-thread generator, seeded
    under a lock: 8 threads give what one thread gives (and what R gives for seed 1)."""
    from concurrent.futures import ThreadPoolExecutor

    folder = FIXTURES / case
    obj = read_rds(folder / "workflow.rds")
    new_data = to_pandas(load(folder / "new_data.rds"))
    jobs = [(kind, seed) for seed in (1, 2) for kind in kinds] * 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sequential = {job: obj.predict(new_data, type=job[0], seed=job[1]) for job in set(jobs)}
        with ThreadPoolExecutor(8) as pool:
            threaded = list(pool.map(lambda job: obj.predict(new_data, type=job[0], seed=job[1]), jobs))
    assert [job for job, got in zip(jobs, threaded) if not got.equals(sequential[job])] == []
    want = pd.read_csv(folder / "expected_conf_int.csv")
    np.testing.assert_allclose(sequential[("conf_int", 1)].to_numpy(dtype=float), want.to_numpy(dtype=float),
                               rtol=1e-6)


# --------------------------------------------------------------------------- crafted archives
import io  # noqa: E402
import json  # noqa: E402
import zipfile  # noqa: E402

from pykerasnip.errors import ArchiveError, PykerasnipError  # noqa: E402
from pykerasnip.keras_archive import MAX_JSON_DEPTH, describe  # noqa: E402

IRIS = FIXTURES / "seq_cls_multiclass_iris"


@pytest.fixture()
def iris_workflow():
    return read_rds(IRIS / "workflow.rds")


def _rezip(keras_bytes: bytes, replace: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(keras_bytes)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for name in src.namelist():
            dst.writestr(name, replace.pop(name) if name in replace else src.read(name))
        for name, data in replace.items():
            dst.writestr(name, data)
    return out.getvalue()


def _with_archive(wf, keras_bytes: bytes):
    fit = wf.model_fit.fit
    fit.keras_bytes = keras_bytes
    fit.__dict__.pop("_model_live", None)
    for entry in (fit.laplace or {}).values():
        entry.combined_model_bytes = keras_bytes
        entry.__dict__.pop("_combined_model_live", None)
    return wf


def _iris_rows() -> pd.DataFrame:
    return to_pandas(load(IRIS / "new_data.rds")).iloc[:3]


def test_zip_bomb_in_keras_bytes_is_refused_before_expanding(iris_workflow) -> None:
    bomb = _rezip(iris_workflow.model_fit.fit.keras_bytes, {"padding.bin": b"\0" * (64 * 1024**2)},
                  zipfile.ZIP_DEFLATED)
    assert len(bomb) < 1024**2
    wf = _with_archive(iris_workflow, bomb)
    with pytest.raises(ArchiveError, match="zip bomb"):
        describe(bomb)
    with pytest.raises(ArchiveError, match="zip bomb"):
        wf.predict(_iris_rows(), type="prob")
    assert "cannot be read" in repr(wf)


def test_member_larger_than_declared_is_refused(iris_workflow) -> None:
    good = iris_workflow.model_fit.fit.keras_bytes
    lying = bytearray(_rezip(good, {}, zipfile.ZIP_DEFLATED))
    # shrink the central directory's declared size of config.json: the stream is longer
    with zipfile.ZipFile(io.BytesIO(bytes(lying))) as zf:
        info = zf.getinfo("config.json")
    central = bytes(lying).rfind(b"PK\x01\x02", 0, bytes(lying).find(b"config.json", info.header_offset + 30))
    size_at = central + 24
    lying[size_at:size_at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(ArchiveError):
        describe(bytes(lying))


def test_deep_config_json_is_refused(iris_workflow) -> None:
    deep = b'{"a": ' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1)
    crafted = _rezip(iris_workflow.model_fit.fit.keras_bytes, {"config.json": deep})
    with pytest.raises(ArchiveError, match="nests deeper"):
        describe(crafted)
    with pytest.raises(ArchiveError, match="nests deeper"):
        _with_archive(iris_workflow, crafted).predict(_iris_rows(), type="prob")


@pytest.mark.parametrize("replace", [
    {"config.json": b"[1, 2]"}, {"config.json": b"not json"}, {"metadata.json": b"{"},
    {"config.json": json.dumps({"class_name": "Sequential", "config": {"layers": [1, "x"]}}).encode()},
    {"config.json": json.dumps({"class_name": "NoSuchModel", "config": {}}).encode()},
    {"model.weights.h5": b"\x89HDF\r\n\x1a\n garbage"},
], ids=["list", "text", "metadata", "layers", "class", "weights"])
def test_malformed_archives_are_typed_errors_everywhere(iris_workflow, replace: dict) -> None:
    crafted = _rezip(iris_workflow.model_fit.fit.keras_bytes, dict(replace))
    wf = _with_archive(iris_workflow, crafted)
    repr(wf)  # a summary says what it cannot read, it does not fail
    with pytest.raises(PykerasnipError):
        wf.predict(_iris_rows(), type="prob")
    with pytest.raises(PykerasnipError):
        describe(b"PK\x03\x04 truncated")


def test_loading_leaves_keras_global_settings_as_they_were(iris_workflow) -> None:
    """An archive whose objects call Keras' global setters while they load (here a
    registered layer; any deserialisable object could) changes nothing in the process
    and is refused."""
    import keras

    @keras.saving.register_keras_serializable(package="hostile")
    class Reconfigure(keras.layers.Layer):
        @classmethod
        def from_config(cls, config):
            keras.config.set_floatx("float16")
            keras.config.set_epsilon(1.0)
            keras.config.set_dtype_policy("mixed_float16")
            keras.config.set_image_data_format("channels_first")
            return super().from_config(config)

    fit = iris_workflow.model_fit.fit
    config = json.loads(zipfile.ZipFile(io.BytesIO(fit.keras_bytes)).read("config.json"))
    layers = config["config"]["layers"]
    layers.insert(1, {"module": None, "class_name": "Reconfigure", "registered_name": "hostile>Reconfigure",
                      "config": {"name": "reconfigure", "trainable": True, "dtype": "float32"}})
    crafted = _rezip(fit.keras_bytes, {"config.json": json.dumps(config).encode()})
    before = (keras.config.floatx(), keras.config.epsilon(), keras.config.dtype_policy().name,
              keras.config.image_data_format())
    with pytest.raises(ArchiveError, match="floatx.*epsilon|epsilon.*floatx"):
        _with_archive(iris_workflow, crafted).predict(_iris_rows(), type="prob")
    after = (keras.config.floatx(), keras.config.epsilon(), keras.config.dtype_policy().name,
             keras.config.image_data_format())
    assert after == before


# --------------------------------------------------------------------------- stored parameters
from pykerasnip import rds  # noqa: E402
from pykerasnip.errors import MalformedObjectError  # noqa: E402
from pykerasnip.io import from_bytes, from_tree  # noqa: E402
from pykerasnip.rds import nodes as rn  # noqa: E402
from r_oracle import requires_r, run_r  # noqa: E402


def _mutated(case: str, edit) -> bytes:
    tree = rds.load(FIXTURES / case / "workflow.rds")
    edit(tree)
    return rds.dumps(tree)


def _laplace(tree):
    return tree["fit"]["fit"]["fit"]["laplace"]["output"]


@pytest.mark.parametrize("field, value, problem", [
    ("sigma_sq_noise", rn.Real([0.0]), "sigma_sq_noise is 0.0"),
    ("sigma_sq_noise", rn.Real([-1.0]), "sigma_sq_noise is -1.0"),
    ("sigma_sq_noise", rn.Real([np.nan]), "NA, NaN"),
    ("tau", rn.Real([0.0]), "tau is 0.0"),
    ("n_training", rn.Real([2.5]), "whole number"),
    ("h_diag", rn.Real([1.0]), "at least 2"),
    ("tau", rn.Str(["1"]), "double vector"),
    ("tau", rn.Integer([1]), "double vector"),  # kerasnip stores doubles
])
def test_stored_laplace_parameters_out_of_range_are_refused(field, value, problem) -> None:
    """A noise variance of 0 used to give NaN intervals and -1 zero-width ones."""
    data = _mutated("seq_reg_recipe_normalize", lambda t: _laplace(t).__setitem__(field, value))
    with pytest.raises(MalformedObjectError, match=problem):
        from_bytes(data)


def test_stored_levels_must_be_distinct_and_present() -> None:
    def edit(tree):
        tree["fit"]["fit"]["fit"]["lvl"] = rn.Str(["setosa", "setosa", "virginica"])
    with pytest.raises(MalformedObjectError, match="distinct"):
        from_bytes(_mutated("seq_cls_multiclass_iris", edit))


def test_hessian_that_does_not_fit_the_model_is_a_predict_error() -> None:
    def edit(tree):
        h = _laplace(tree)["h_diag"]
        _laplace(tree)["h_diag"] = rn.Real(np.concatenate([h.data, h.data]))
    wf = from_bytes(_mutated("seq_reg_recipe_normalize", edit))
    new_data = to_pandas(load(FIXTURES / "seq_reg_recipe_normalize" / "new_data.rds"))
    from pykerasnip.errors import PredictError

    with pytest.raises(PredictError, match="Hessian"):
        wf.predict(new_data, type="conf_int")


# -- found by the fuzz campaigns (read + predict of mutated fixtures) ---------------------
@pytest.mark.parametrize("seed, site, kind, choice, message", [
    (4, 401869, "drop", 329909, "step_dummy's contrasts must name"),   # campaign 16
    (7, 180908, "attribute", 85138, "intercept attribute is NA"),       # campaign 16
    (4, 759233, "type", 991504, "are not a terms object"),              # campaign 16
    (5, 846955, "values", 392703, r"preproc\$x_names\) must be distinct"),  # campaign 16
    (4, 579319, "drop", 310363, "levels of 'species' must be a character vector"),  # 17
    # 17, silent before: a regression fit whose fit$lvl became a symbol predicted
    # classification intervals
    (6, 165657, "type", 8087, r"outcome levels \(lvl\) must be a character vector"),
    (8, 782496, "values", 768936, "recipe step '\\?' cannot be replayed"),  # 18: NA class
    # 18, silent before: classification intervals without the main model's bytes (R hands
    # the main model to every prediction function, and fails without it)
    (7, 601610, "drop", 956626, "no .keras bytes are stored"),
    (4, 15843, "type", 63031, "trained statistics must be named numbers"),  # 19
    # 19, silent before: a Laplace tau stored as an integer (kerasnip stores doubles)
    (8, 846982, "type", 158003, "tau must be a double vector"),
    (2, 651699, "values", 235778, "predictors' ptype names column .* twice"),  # 21
    (5, 792402, "values", 330623, "predictors' ptype names column .* twice"),  # 21
    (2, 701555, "type", 764057, "factors matrix must be numeric"),  # 22
    (2, 650728, "type", 835103, "the mold blueprint must be an R list"),  # 24
])
def test_campaign_escapes_are_typed_now(seed, site, kind, choice, message):
    from tests.fuzz.harness import Mutation, run

    outcome = run(Mutation(seed, site, kind, choice))
    assert outcome.status == "typed" and re.search(message, outcome.error), outcome



def test_a_bundle_without_its_object_is_malformed_not_a_recursion():
    node = rds.load(FIXTURES / "seq_reg_bundle" / "bundle.rds")
    node.set_attr("names", rds.build.chr("payload", "situate"))  # no element named 'object'
    with pytest.raises(MalformedObjectError, match="holds no 'object'"):
        from_tree(node)


def test_step_dummy_levels_without_data_classes_are_malformed():
    """Whether the column was an ordered factor decides step_dummy's contrasts: never
    guessed."""
    node = rds.load(FIXTURES / "seq_cls_binary_recipe" / "workflow.rds")
    steps = node["pre"]["mold"]["blueprint"]["recipe"]["steps"]
    dummy = next(s for s in steps.data if s.inherits("step_dummy"))
    terms = dummy["levels"].data[0]
    terms.attributes = rn.pairlist({k: v for k, v in terms.attributes.items()
                                           if k != "dataClasses"})
    with pytest.raises(MalformedObjectError, match="no dataClasses"):
        from_tree(node)


@requires_r()
def test_a_bare_data_frame_may_repeat_column_names(tmp_path):
    """R's data.frame(check.names = FALSE) may name two columns alike; only the frames
    tidymodels stores (ptypes, templates) must not."""
    path = tmp_path / "twice.rds"
    run_r(f'saveRDS(data.frame(a = 1:2, a = c(3.5, 4), check.names = FALSE), "{path}")')
    frame = read_rds(path)
    assert list(frame.columns) == ["a", "a"]
    assert frame.iloc[:, 1].tolist() == [3.5, 4.0]
