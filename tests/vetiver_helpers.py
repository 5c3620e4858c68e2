"""Shared by the vetiver tests and benchmarks/bench_serve.py: fixture data and R's
expected predictions, and real servers (uvicorn in a thread, or a process) on a free
loopback port, stopped on exit."""
from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import tempfile
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


def api_clients(board: Any, names: Any) -> dict[str, Any]:
    """A FastAPI TestClient per pin name, each on ``vetiver_api(read_pin(board, name))``."""
    from fastapi.testclient import TestClient

    from pykerasnip.deploy import read_pin, vetiver_api

    return {name: TestClient(vetiver_api(read_pin(board, name)).app) for name in names}


def type_cases(cases: dict) -> list[tuple[str, str]]:
    """(pin, prediction type) pairs of ``{pin: (fixture case, types)}``."""
    return [(name, type_) for name, (_, types) in cases.items() for type_ in types]


def check_served(client: Any, case: str, type_: str) -> None:
    """POST the fixture's new data for ``type_`` (R's seed) and compare with R's predictions."""
    from pykerasnip.deploy import json_records

    r = client.post(f"/predict?type={type_}&seed={SEED}", json=json_records(new_data(case)))
    assert r.status_code == 200, r.text
    assert_r_predictions(r.json(), case, type_)


#: plumber (httpuv) refuses ports outside the registered range, where the kernel's
#: ephemeral ports often are
PORTS = range(20000, 49152)


def free_port() -> int:
    """A port free on 127.0.0.1 that any server here accepts."""
    for port in random.Random().sample(PORTS, 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


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


def stop(proc: subprocess.Popen) -> None:
    """Terminate a child process, killing it if it does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@contextlib.contextmanager
def process_server(command: list[str], port: int, timeout: float = START_TIMEOUT,
                   **popen: Any) -> Iterator[str]:
    """Run a server process listening on ``port``; yields its base URL once /ping answers
    (the end of its log is in the error when it stops before that)."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(base + "/ping", timeout, alive=lambda: proc.poll() is None)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}; its log ends:\n{log.read()[-3000:].decode(errors='replace')}") from None
            yield base
        finally:
            stop(proc)


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
    """The vignette's workflow (the demo's layer blocks, 2 epochs) fitted in Python on
    mtcars-like ``data`` (outcome mpg)."""
    from pykerasnip import demo

    spec = pk.create_keras_sequential_spec(
        "deploy_mlp", {"input": demo.input_block, "hidden": demo.dense_block,
                       "output": demo.output_block}, mode="regression")
    rec = pk.recipe("mpg ~ .", data=data).step_normalize(pk.all_predictors())
    model = spec(hidden_units=8, fit_epochs=2).set_engine("keras")
    return pk.workflow().add_recipe(rec).add_model(model).fit(data)
