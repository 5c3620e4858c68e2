"""Shared by the vetiver tests: fixture data and R's expected predictions, and a real
uvicorn server on a free loopback port, stopped on exit."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pandas as pd

import pykerasnip as pk
from conftest import FIXTURES, MANIFEST

START_TIMEOUT = 120.0
SEED = MANIFEST.get("generator", {}).get("predict_seed", 1)
TOL = 1e-6


def new_data(case: str) -> pd.DataFrame:
    return pk.read_rds(FIXTURES / case / "new_data.rds")


def expected(case: str, type_: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / case / f"expected_{type_}.csv")


def assert_r_predictions(rows: list[dict], case: str, type_: str) -> None:
    got, want = pd.DataFrame(rows), expected(case, type_)
    assert list(got.columns) == list(want.columns)
    for name in want.columns:
        if not pd.api.types.is_numeric_dtype(want[name]):
            assert got[name].tolist() == want[name].tolist(), name
        else:
            np.testing.assert_allclose(got[name].to_numpy(float), want[name].to_numpy(float),
                                       rtol=0, atol=TOL, err_msg=name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = START_TIMEOUT, alive: Any = None) -> None:
    """Poll ``url`` until it answers, at most ``timeout`` seconds (``alive()`` false = gave up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"the server behind {url} stopped before answering")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on 127.0.0.1; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/ping", alive=thread.is_alive)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def python_workflow(data: pd.DataFrame):
    """A small recipe workflow fitted in Python on mtcars-like ``data`` (outcome mpg)."""
    import keras

    def input_block(model, input_shape):
        return keras.Sequential([keras.Input(shape=input_shape)])

    def dense_block(model, units=8):
        model.add(keras.layers.Dense(units, activation="relu"))
        return model

    def output_block(model, num_classes):
        model.add(keras.layers.Dense(1))
        return model

    spec = pk.create_keras_sequential_spec(
        "deploy_mlp", {"input": input_block, "hidden": dense_block, "output": output_block},
        mode="regression")
    rec = pk.recipe("mpg ~ .", data=data).step_normalize(pk.all_predictors())
    return pk.workflow().add_recipe(rec).add_model(spec(fit_epochs=2).set_engine("keras")).fit(data)
