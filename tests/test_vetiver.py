"""vetiver + pins deployment: R pins served by vetiver-python's FastAPI with R's numbers,
Python-fitted models pinned in R's layout, and bad requests answered with 422.

Pins in R's layout are made here from R-saved fixture workflows (the R bundles and R's
0-row prototypes); tests/data/pins holds pins made by pins-r + vetiver-r themselves
(tests/r/make_pins.R) and tests/test_vetiver_rpins.py serves those.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

vetiver = pytest.importorskip("vetiver", reason="needs pykerasnip[vetiver] (vetiver, pins, fastapi)")
pins = pytest.importorskip("pins", reason="needs pykerasnip[vetiver]")
httpx = pytest.importorskip("httpx", reason="needs pykerasnip[vetiver]")
from fastapi.testclient import TestClient  # noqa: E402

import pykerasnip as pk  # noqa: E402
from pykerasnip import rds  # noqa: E402
from pykerasnip.deploy import PykerasnipHandler, read_pin, vetiver_api, write_r_pin  # noqa: E402
from pykerasnip.deploy.handler import json_records  # noqa: E402
from conftest import FIXTURES, ROOT  # noqa: E402
from vetiver_helpers import (TOL, api_clients, assert_r_predictions, check_served,  # noqa: E402
                             expected, free_port, new_data, process_server, python_workflow,
                             type_cases, uvicorn_server)

#: pin name -> (fixture case, prediction types checked against R's expected_<type>.csv)
CASES = {
    "mpg_recipe": ("seq_reg_recipe_normalize", ("numeric", "conf_int", "pred_int")),
    "mpg_formula": ("seq_reg_formula", ("numeric", "conf_int", "pred_int")),
    "iris_recipe": ("seq_cls_multiclass_iris", ("class", "prob", "conf_int", "pred_int")),
    "penguin_recipe": ("seq_cls_binary_recipe", ("class", "prob")),
    "iris_formula_factor": ("seq_reg_formula_factor_traditional", ("numeric",)),
    "credit_novel": ("recipe_novel_credit", ("class", "prob")),
}


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A pins board_folder with each fixture workflow pinned in vetiver-r's layout."""
    path = tmp_path_factory.mktemp("board")
    b = pins.board_folder(str(path), versioned=True, allow_pickle_read=True)
    for name, (case, _) in CASES.items():
        write_r_pin(b, pk.read_rds(FIXTURES / case / "workflow.rds"), name)
    return b


@pytest.fixture(scope="module")
def clients(board):
    return api_clients(board, CASES)


@pytest.mark.parametrize("name,type_", type_cases(CASES))
def test_predict_gives_r_numbers(clients, name, type_):
    check_served(clients[name], CASES[name][0], type_)


def test_default_type_is_r_default(clients):
    r = clients["iris_recipe"].post("/predict", json=json_records(new_data("seq_cls_multiclass_iris")))
    assert r.status_code == 200
    assert_r_predictions(r.json(), "seq_cls_multiclass_iris", "class")


def test_plain_vetiver_api_and_model(board):
    """vetiver's own VetiverModel/VetiverAPI on a pykerasnip workflow (handler dispatch)."""
    wf = pk.read_rds(FIXTURES / "seq_reg_formula" / "workflow.rds")
    v = vetiver.VetiverModel(wf, "mpg")
    assert v.description == "A keras regression modeling workflow"
    client = TestClient(vetiver.VetiverAPI(v).app)
    r = client.post("/predict", json=json_records(new_data("seq_reg_formula")))
    assert_r_predictions(r.json(), "seq_reg_formula", "numeric")
    # a bundle and a bare model fit dispatch too (a model fit needs its predictors' prototype)
    assert vetiver.VetiverModel(pk.bundle(wf), "b").model is wf
    fit = pk.read_rds(FIXTURES / "modelfit_cls_formula" / "model_fit.rds")
    nd = new_data("modelfit_cls_formula")
    vf = vetiver.VetiverModel(fit, "iris_fit", prototype_data=nd)
    r = TestClient(vetiver.VetiverAPI(vf).app).post("/predict", json=json_records(nd))
    assert_r_predictions(r.json(), "modelfit_cls_formula", "class")
    with pytest.raises(pk.errors.SpecError, match="prototype_data"):
        vetiver.VetiverModel(fit, "no_ptype")
    with pytest.raises(pk.errors.PredictError, match="not been trained"):
        vetiver.VetiverModel(pk.workflow().add_formula("mpg ~ ."), "untrained")
    with pytest.raises(pk.errors.SpecError, match="got dict"):
        PykerasnipHandler({}, None)


def test_prototype_endpoint_is_r_ptype(clients, board):
    schema = clients["iris_formula_factor"].get("/prototype").json()
    assert schema["required"] == ["Sepal.Width", "Petal.Length", "Petal.Width", "Species"]
    species = schema["properties"]["Species"]
    assert species["anyOf"][0]["enum"] == ["setosa", "versicolor", "virginica"]
    credit = clients["credit_novel"].get("/prototype").json()["properties"]
    assert credit["Seniority"]["anyOf"][0]["type"] == "integer"
    assert credit["Home"]["anyOf"][0]["type"] == "string"  # novel levels allowed: any label
    assert "new levels allowed" in credit["Home"]["description"]


def test_metadata_endpoint(clients):
    meta = clients["mpg_recipe"].get("/metadata").json()
    assert meta["user"]["r_required_pkgs"] == ["keras3", "kerasnip", "parsnip", "recipes", "workflows"]
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{5}", meta["version"])
    assert meta["required_pkgs"] == ["pykerasnip[vetiver,tensorflow]"]


BAD_REQUESTS = [  # (pin, change to the first rows, 422 text: checked by FastAPI / by pykerasnip)
    ("mpg_recipe", lambda d: d.drop(columns="wt"),
     "column 'wt' (row 1): Field required", "missing column(s): 'wt'"),
    ("mpg_recipe", lambda d: d.assign(hp="fast"),
     "column 'hp' (row 1): Input should be a valid number", "column 'hp': Unable to parse"),
    ("iris_formula_factor", lambda d: d.assign(Species="unicorn"),
     "column 'Species' (row 1): Input should be 'setosa', 'versicolor' or 'virginica'",
     "column 'Species': unknown level(s) 'unicorn'"),
    ("credit_novel", lambda d: d.assign(Age=30.5),
     "column 'Age' (row 1): Input should be a valid integer", "Age"),
]


@pytest.mark.parametrize("name,change,checked,unchecked", BAD_REQUESTS)
@pytest.mark.parametrize("check_prototype", [True, False])
def test_bad_request_is_422_naming_the_column(board, name, change, checked, unchecked, check_prototype):
    v = read_pin(board, name)
    client = TestClient(vetiver_api(v, check_prototype=check_prototype).app)
    rows = json_records(change(new_data(CASES[name][0]).head(3)))
    r = client.post("/predict", json=rows)
    assert r.status_code == 422, r.text
    assert (checked if check_prototype else unchecked) in r.text


def test_malformed_bodies_are_422(clients):
    client = clients["mpg_recipe"]
    r = client.post("/predict", content=b"[{", headers={"content-type": "application/json"})
    assert (r.status_code, r.text) == (422, "request body: JSON decode error")
    r = client.post("/predict", json={"cyl": 6})
    assert (r.status_code, r.text) == (422, "request body: Input should be a valid list")


@pytest.mark.parametrize("query,word", [("type=bogus", "type"), ("level=2", "level"),
                                        ("level=x", "level"), ("seed=one", "seed"),
                                        ("type=prob", "classification")])
def test_bad_options_are_422(clients, query, word):
    r = clients["mpg_recipe"].post(f"/predict?{query}", json=json_records(new_data("seq_reg_recipe_normalize")))
    assert r.status_code == 422
    assert word in r.text


def test_body_that_is_not_records_is_422(board):
    client = TestClient(vetiver_api(read_pin(board, "mpg_recipe"), check_prototype=False).app)
    assert client.post("/predict", json={"cyl": [6, 4]}).status_code == 422
    assert client.post("/predict", json=[1, 2]).status_code == 422


def test_novel_levels_pass_when_the_blueprint_allows_them(clients):
    nd = new_data("recipe_novel_credit")
    rows = json_records(nd)
    assert set(nd["Home"].dropna().astype(str)) - {"ignore", "other", "owner", "parents", "priv", "rent"}
    r = clients["credit_novel"].post("/predict?type=prob", json=rows)
    assert r.status_code == 200
    assert_r_predictions(r.json(), "recipe_novel_credit", "prob")


def test_real_uvicorn_server(board):
    case = "seq_cls_multiclass_iris"
    with uvicorn_server(vetiver_api(read_pin(board, "iris_recipe")).app) as base:
        assert httpx.get(base + "/ping").json() == {"ping": "pong"}
        r = httpx.post(base + "/predict", params={"type": "prob"}, json=json_records(new_data(case)))
        assert r.status_code == 200
        assert_r_predictions(r.json(), case, "prob")
        got = vetiver.predict(base + "/predict", new_data(case))  # vetiver's own client
        assert got[".pred_class"].tolist() == expected(case, "class")[".pred_class"].tolist()
        bad = httpx.post(base + "/predict", json=[{"Sepal.Length": 1}])
        assert bad.status_code == 422 and "Sepal.Width" in bad.text
        assert "Petal.Width" in httpx.get(base + "/prototype").json()["properties"]


# ------------------------------------------------------------------ pins, both layouts
def test_r_pin_layout(board, tmp_path):
    import xxhash
    import yaml

    versions = board.pin_versions("mpg_recipe", as_df=False)
    assert len(versions) == 1
    version_dir = os.path.join(board.board, "mpg_recipe", versions[0].version)
    meta = yaml.safe_load(open(os.path.join(version_dir, "data.txt")))
    assert list(meta) == ["file", "file_size", "pin_hash", "type", "title", "description", "tags",
                          "urls", "created", "api_version", "user"]
    data = open(os.path.join(version_dir, meta["file"]), "rb").read()
    assert meta["file"] == "mpg_recipe.rds" and meta["type"] == "rds" and meta["api_version"] == 1
    assert meta["file_size"] == len(data) and meta["pin_hash"] == xxhash.xxh64(data).hexdigest()
    assert versions[0].version == f"{meta['created']}-{meta['pin_hash'][:5]}"
    assert data[:2] == b"\x1f\x8b"  # gzip, as saveRDS
    tree = rds.loads(data)
    assert tree._header.version == 2  # pins-r's saveRDS(version = 2)
    assert list(tree.names) == ["model", "prototype"]
    assert tree["model"].inherits("bundled_workflow")
    proto = pk.convert.to_pandas(tree["prototype"])
    assert len(proto) == 0 and list(proto.columns) == list(new_data("seq_reg_recipe_normalize").columns)
    assert tree["prototype"].inherits("tbl_df")


def test_python_fitted_model_pins_in_r_layout(tmp_path):
    """A workflow fitted in Python, pinned for R, read back and served with its numbers."""
    mtcars = pk.datasets.mtcars()
    wf = python_workflow(mtcars)
    b = pins.board_folder(str(tmp_path), versioned=False)
    first = write_r_pin(b, wf, "py_mpg", metadata={"team": "py"})
    second = write_r_pin(b, wf, "py_mpg", created="29990101T000000Z")
    assert [v.version for v in b.pin_versions("py_mpg", as_df=False)] == [second] != [first]
    v = read_pin(b, "py_mpg")
    assert v.metadata.user["r_required_pkgs"] == ["keras3", "kerasnip", "parsnip", "recipes", "workflows"]
    r = TestClient(vetiver_api(v).app).post("/predict", json=json_records(mtcars.head(5)))
    np.testing.assert_allclose(pd.DataFrame(r.json())[".pred"], wf.predict(mtcars.head(5))[".pred"],
                               rtol=0, atol=TOL)


def test_vetiver_python_pins_of_pykerasnip_models(tmp_path):
    wf = pk.read_rds(FIXTURES / "seq_cls_multiclass_iris" / "workflow.rds")
    b = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    vetiver.vetiver_pin_write(b, vetiver.VetiverModel(wf, "iris_py"))
    assert b.pin_meta("iris_py").type == "joblib"
    for v in (read_pin(b, "iris_py"), vetiver.VetiverModel.from_pin(b, "iris_py")):
        r = TestClient(vetiver_api(v).app).post("/predict?type=prob",
                                                json=json_records(new_data("seq_cls_multiclass_iris")))
        assert_r_predictions(r.json(), "seq_cls_multiclass_iris", "prob")


def test_not_a_model_pin(tmp_path):
    b = pins.board_folder(str(tmp_path))
    b.pin_write(pd.DataFrame({"a": [1]}), "frame", type="csv")
    with pytest.raises(pk.errors.UnsupportedObjectError, match="csv"):
        read_pin(b, "frame")


# ------------------------------------------------------------------ pykerasnip serve
@pytest.mark.parametrize("target", ["pin", "version", "rds", "bundle"])
def test_cli_serve(board, target):
    case = "seq_reg_recipe_normalize"
    pin = os.path.join(board.board, "mpg_recipe")
    version = os.path.join(pin, os.listdir(pin)[0])
    path = {"pin": pin, "version": version, "rds": os.path.join(version, "mpg_recipe.rds"),
            "bundle": str(FIXTURES / "seq_reg_bundle" / "bundle.rds")}[target]
    port = free_port()
    command = [sys.executable, "-m", "pykerasnip", "serve", path, "--port", str(port)]
    with process_server(command, port, env={**os.environ, "PYTHONPATH": str(ROOT)}) as base:
        r = httpx.post(base + "/predict?type=pred_int", json=json_records(new_data(case)), timeout=60)
        assert r.status_code == 200
        assert_r_predictions(r.json(), case, "pred_int")


def test_cli_serve_missing_target(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pykerasnip", "serve", str(tmp_path / "nope")],
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 4 and "no such pin folder" in out.stderr
