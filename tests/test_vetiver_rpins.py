"""Pins made by R (pins-r + vetiver-r, tests/r/make_pins.R) served by vetiver-python with
R's numbers, Python-made pins laid out as R lays them out, and -- with the R peer
(``PYKERASNIP_R_PEER``) -- R reading Python's pins and serving them with plumber."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

vetiver = pytest.importorskip("vetiver", reason="needs pykerasnip[vetiver] (vetiver, pins, fastapi)")
pins = pytest.importorskip("pins", reason="needs pykerasnip[vetiver]")
httpx = pytest.importorskip("httpx", reason="needs pykerasnip[vetiver]")

import pykerasnip as pk  # noqa: E402
from pykerasnip import rds  # noqa: E402
from pykerasnip.deploy import json_records, read_pin, vetiver_api, write_r_pin  # noqa: E402
from conftest import ROOT  # noqa: E402
from r_oracle import environment, requires_r, run_command, stack_command  # noqa: E402
from vetiver_helpers import (TOL, api_clients, assert_r_predictions, check_served,  # noqa: E402
                             free_port, new_data, process_server, python_workflow, type_cases,
                             uvicorn_server)

R_BOARD = ROOT / "tests" / "data" / "pins"
NEW_USER = ROOT / "tests" / "data" / "new_user"
#: R-made pin -> (fixture whose fitted model it holds, prediction types to check)
R_PINS = {
    "mpg_recipe": ("seq_reg_recipe_normalize", ("numeric", "conf_int", "pred_int")),
    "mpg_formula": ("seq_reg_formula", ("numeric", "conf_int", "pred_int")),
    "sepal_formula_factor": ("seq_reg_formula_factor_traditional", ("numeric", "pred_int")),
    "iris_recipe": ("seq_cls_multiclass_iris", ("class", "prob", "conf_int", "pred_int")),
    "iris_formula": ("modelfit_cls_formula", ("class", "prob", "conf_int", "pred_int")),
}


@pytest.fixture(scope="module")
def r_board():
    board = pins.board_folder(str(R_BOARD))
    assert sorted(board.pin_list()) == sorted(R_PINS), "tests/r/make_pins.R output is missing"
    return board


@pytest.fixture
def http_board():
    """R's pins served over HTTP on 127.0.0.1, read through pins-python's board_url."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(R_BOARD))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    paths = {name: f"{name}/{next((R_BOARD / name).iterdir()).name}/" for name in R_PINS}
    try:
        yield pins.board_url(f"http://127.0.0.1:{server.server_address[1]}/", paths)
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()


@pytest.fixture(scope="module")
def clients(r_board):
    return api_clients(r_board, R_PINS)


@pytest.mark.parametrize("name,type_", type_cases(R_PINS))
def test_r_pin_served_with_r_predictions(clients, name, type_):
    check_served(clients[name], R_PINS[name][0], type_)


def test_r_pins_on_a_real_server(r_board):
    for name, (case, types) in R_PINS.items():
        with uvicorn_server(vetiver_api(read_pin(r_board, name)).app) as base:
            r = httpx.post(base + "/predict", json=json_records(new_data(case)), timeout=60)
            assert r.status_code == 200, r.text
            assert_r_predictions(r.json(), case, types[0])


def test_r_pin_from_a_url_board(http_board):
    """Any pins-python board: the pin's file is read through the board's filesystem."""
    v = read_pin(http_board, "iris_formula")
    check_served(api_clients(http_board, ["iris_formula"])["iris_formula"], "modelfit_cls_formula", "prob")
    assert v.metadata.user["r_required_pkgs"] == ["keras3", "kerasnip", "parsnip", "workflows"]


def test_r_prototype_and_metadata(clients, r_board):
    proto = clients["sepal_formula_factor"].get("/prototype").json()
    assert proto["required"] == ["Sepal.Width", "Petal.Length", "Petal.Width", "Species"]
    assert proto["properties"]["Species"]["anyOf"][0]["enum"] == ["setosa", "versicolor", "virginica"]
    meta = clients["iris_formula"].get("/metadata").json()
    assert meta["user"] == {"r_required_pkgs": ["keras3", "kerasnip", "parsnip", "workflows"]}
    assert meta["version"] == r_board.pin_versions("iris_formula", as_df=False)[0].version
    assert read_pin(r_board, "iris_recipe").description == "A keras classification modeling workflow"


@pytest.mark.parametrize("name,change,words", [
    ("mpg_formula", lambda d: d.drop(columns=["hp"]), ["column 'hp' (row 1): Field required"]),
    ("mpg_formula", lambda d: d.assign(wt="heavy"), ["column 'wt' (row 2): Input should be a valid number"]),
    ("sepal_formula_factor", lambda d: d.assign(Species="unicorn"),
     ["column 'Species' (row 1): Input should be 'setosa', 'versicolor' or 'virginica'"]),
    ("iris_recipe", lambda d: d.assign(**{"Petal.Width": [[1]] * len(d)}), ["column 'Petal.Width' (row 1)"]),
])
def test_r_pin_bad_request_is_422(clients, name, change, words):
    r = clients[name].post("/predict", json=json_records(change(new_data(R_PINS[name][0]).head(2))))
    assert r.status_code == 422
    for word in words:
        assert word in r.text


@pytest.mark.parametrize("body,why", [(b'[{"Sepal.Length\xff": 1}]', "UnicodeDecodeError: 'utf-8' codec"),
                                      (b"[" * 100_000 + b"]" * 100_000, "RecursionError")])
def test_a_body_json_cannot_parse_is_400_saying_why(clients, body, why):
    r = clients["iris_recipe"].post("/predict", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.text.startswith(f"request body: not valid JSON ({why}"), r.text
    assert clients["iris_recipe"].get("/nope").json() == {"detail": "Not Found"}


def test_r_pin_seed_r_refuses_is_422(clients):
    """keras3::set_random_seed(-3) is an error in R (tests/data/user_trial); here a 422."""
    rows = json_records(new_data("seq_cls_multiclass_iris").head(2))
    for seed in (-3, 2**31):
        r = clients["iris_recipe"].post(f"/predict?type=conf_int&seed={seed}", json=rows)
        assert (r.status_code, r.text) == (422, "seed must be between 0 and 2147483647 (as R's "
                                                 f"keras3::set_random_seed takes it), not {seed}")


@pytest.mark.parametrize("check_prototype", [True, False])
def test_an_empty_array_gets_no_rows(r_board, check_prototype):
    """``[]`` is zero rows (it was a 422 listing every column as missing)."""
    from fastapi.testclient import TestClient

    client = TestClient(vetiver_api(read_pin(r_board, "iris_recipe"), check_prototype=check_prototype).app)
    for type_ in ("class", "prob"):
        r = client.post(f"/predict?type={type_}", json=[])
        assert (r.status_code, r.json()) == (200, []), r.text


@pytest.mark.parametrize("check_prototype", [True, False])
def test_a_recipe_id_role_column_travels_with_the_request(check_prototype):
    """forge needs the recipe's id-role column, which vetiver-r passes on; it used to be
    dropped, so every request was a 422 (tests/data/new_user: R's object and numbers)."""
    from fastapi.testclient import TestClient

    from pykerasnip.deploy import load_target

    folder = NEW_USER / "recipe_id_role"
    api = vetiver_api(load_target(folder / "object.rds"), check_prototype=check_prototype)
    client = TestClient(api.app)
    rows = json_records(pk.read_rds(folder / "new_data.rds"))
    assert "row_id" in rows[0]
    r = client.post("/predict?type=conf_int&seed=11", json=rows)
    assert r.status_code == 200, r.text
    pd.testing.assert_frame_equal(pd.DataFrame(r.json()), pk.read_rds(folder / "conf_int.rds"),
                                  check_exact=True)
    assert client.get("/prototype").json()["properties"]["row_id"]["description"] == "R integer"
    r = client.post("/predict", json=[{k: v for k, v in row.items() if k != "row_id"} for row in rows])
    assert r.status_code == 422 and "'row_id'" in r.text


def test_infinite_predictions_are_null_not_a_500(clients):
    """JSON has no infinity (the response used to fail to encode); vetiver-r's jsonlite
    leaves Inf out of a row as it leaves NA out."""
    rows = json_records(new_data("seq_reg_formula").head(2).assign(disp=1e30))
    r = clients["mpg_formula"].post("/predict?type=pred_int", json=rows)
    assert r.status_code == 200, r.text
    assert [(row[".pred_lower"], row[".pred_upper"]) for row in r.json()] == [(None, None)] * 2
    assert all(np.isfinite(row[".pred"]) for row in r.json())


def test_r_pin_body_over_the_limit_is_413(r_board):
    from fastapi.testclient import TestClient

    rows = json_records(new_data("seq_reg_formula"))
    body = json.dumps(rows).encode()
    client = TestClient(vetiver_api(read_pin(r_board, "mpg_formula"), max_body_bytes=len(body)).app)
    assert client.post("/predict", content=body).status_code == 200
    too_big = json.dumps(rows + rows[:1]).encode()
    declared = client.post("/predict", content=too_big)
    streamed = client.post("/predict", content=iter([too_big[:100], too_big[100:]]))
    for r in (declared, streamed):
        assert r.status_code == 413, r.text
        assert r.text.startswith(f"request body: {len(too_big):,} bytes is over this server's "
                                 f"limit of {len(body):,} (pykerasnip serve --max-body-mb")
    assert client.get("/ping").status_code == 200


def test_serve_with_a_default_type_the_mode_cannot_give_stops_before_listening():
    """It used to serve, answering every request with a 422."""
    with pytest.raises(pk.errors.SpecError, match="type 'class' needs a classification model; "
                                                  "this one is regression"):
        read_pin(pins.board_folder(str(R_BOARD)), "mpg_recipe", type="class")
    out = subprocess.run([sys.executable, "-m", "pykerasnip", "serve", R_BOARD / "mpg_recipe",
                          "--type", "class", "--port", str(free_port())],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 4, out.stderr
    assert out.stderr.splitlines() == ["pykerasnip: SpecError: type 'class' needs a "
                                       "classification model; this one is regression"]


def test_serve_without_a_keras_backend_stops_before_listening(tmp_path):
    """A [vetiver] install without TensorFlow: one line, exit 5, before the server
    listens (it used to answer every /predict with a bare 500)."""
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'tensorflow'\", name='tensorflow')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
           "KERAS_BACKEND": "tensorflow"}
    out = subprocess.run([sys.executable, "-m", "pykerasnip", "serve", R_BOARD / "mpg_recipe",
                          "--port", str(free_port())],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 5, out.stderr
    assert out.stderr.startswith("pykerasnip: BackendNotAvailableError: Keras cannot start "
                                 "with the 'tensorflow' backend"), out.stderr
    assert "Uvicorn running" not in out.stderr + out.stdout


# ----------------------------------------------------- Python's pins against R's layout
def _meta_lines(path: Path) -> list[str]:
    """data.txt with what differs between writes (time, hash, size) masked."""
    text = path.read_text()
    text = re.sub(r"(created|pin_hash|file_size): \S+", r"\1: *", text)
    return text.splitlines()


def _shape(node, depth: int = 3):
    """Names and classes of an R tree down to ``depth``: the layout, not the values."""
    if depth == 0 or not hasattr(node, "classes"):
        return type(node).__name__
    names = list(node.names) if getattr(node, "names", None) is not None else None
    kids = [_shape(k, depth - 1) for k in getattr(node, "data", [])] if names else None
    return (type(node).__name__, tuple(node.classes), names, kids)


@pytest.mark.parametrize("name", ["mpg_recipe", "iris_formula"])
def test_python_pin_has_r_layout(r_board, tmp_path, name):
    r_version = Path(r_board.board) / name / r_board.pin_versions(name, as_df=False)[0].version
    fit = read_pin(r_board, name).model  # R's model, pinned again from Python
    board = pins.board_folder(str(tmp_path))
    version = write_r_pin(board, fit, name)
    py_version = tmp_path / name / version
    assert sorted(p.name for p in py_version.iterdir()) == sorted(p.name for p in r_version.iterdir())
    assert _meta_lines(py_version / "data.txt") == _meta_lines(r_version / "data.txt")
    r_tree, py_tree = (rds.load(v / f"{name}.rds") for v in (r_version, py_version))
    assert py_tree._header.version == r_tree._header.version == 2
    assert _shape(py_tree) == _shape(r_tree)
    r_proto, py_proto = (pk.convert.to_pandas(t["prototype"]) for t in (r_tree, py_tree))
    pd.testing.assert_frame_equal(py_proto, r_proto)


# ------------------------------------------------------------------- the R peer
#: the R packages the peer's pin scripts attach
PEER_PIN_PACKAGES = ("vetiver", "pins", "workflows", "kerasnip")


@pytest.fixture(scope="module")
def python_pin(tmp_path_factory):
    """A workflow fitted in Python, pinned in R's layout, with its own predictions."""
    path = tmp_path_factory.mktemp("pyboard")
    mtcars = pk.datasets.mtcars()
    wf = python_workflow(mtcars)
    write_r_pin(pins.board_folder(str(path)), wf, "py_mpg")
    new = mtcars.drop(columns="mpg").head(8)
    pk.write_rds(new, path / "new_data.rds")
    return path, new, wf.predict(new)


@requires_r(*PEER_PIN_PACKAGES, stack="peer")
def test_r_vetiver_reads_python_pin(python_pin, tmp_path):
    board, _, want = python_pin
    out = tmp_path / "r_pred.csv"
    done = run_command(["Rscript", ROOT / "tests" / "r" / "check_python_pin.R", board, "py_mpg",
                        board / "new_data.rds", out], stack="peer", timeout=600)
    log = done.stdout + done.stderr
    assert "vetiver_model: py_mpg | A keras regression modeling workflow" in log
    np.testing.assert_allclose(pd.read_csv(out)[".pred"], want[".pred"], rtol=0, atol=TOL)


#: jsonlite (plumber's serializer) writes 4 decimal places
R_JSON_TOL = 5e-5


@requires_r(*PEER_PIN_PACKAGES, "plumber", stack="peer")
def test_r_plumber_serves_python_pin(python_pin):
    board, new, want = python_pin
    port = free_port()
    command = stack_command(["Rscript", ROOT / "tests" / "r" / "serve_pin.R", board, "py_mpg", port],
                            stack="peer")
    with process_server(command, port, timeout=300, env=environment("peer")) as base:
        r = httpx.post(base + "/predict", json=json_records(new), timeout=120)
        assert r.status_code == 200, r.text
        got = pd.DataFrame(r.json())
        np.testing.assert_allclose(got[".pred"], want[".pred"], rtol=0, atol=R_JSON_TOL)
        meta = httpx.get(base + "/metadata").json()
        assert meta["required_pkgs"] == ["keras3", "kerasnip", "parsnip", "recipes", "workflows"]
