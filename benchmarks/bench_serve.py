"""/predict latency and throughput: `pykerasnip serve` (vetiver-python, FastAPI, uvicorn)
against vetiver-r's plumber API, serving the same R-made pin.

    python3 benchmarks/bench_serve.py [--pin tests/data/pins/mpg_recipe] [--requests 200]
                                      [--r-env /opt/rstack/env.sh]

Each server runs in its own process on 127.0.0.1 (one at a time); one client sends
sequential POST /predict requests over a keep-alive connection with bodies of 1 row and of
1,000 rows (mtcars rows drawn with a fixed seed), after warm-up requests. Reported per
server and body: latency p50/p99 and throughput (requests/s and rows/s), and the ratio of
Python's p50 to R's. The R side runs when an env file for the R stack is given
(``--r-env`` or ``$PYKERASNIP_R_PEER``); the two servers' predictions are compared too
(R's JSON has 4 decimal places).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
import numpy as np

import pykerasnip as pk
from pykerasnip.deploy.handler import json_records

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from vetiver_helpers import free_port, process_server  # noqa: E402

TARGET = 0.5  # Python's p50 / R's p50
START_TIMEOUT = 300.0


def python_server(pin: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "pykerasnip", "serve", str(pin), "--port", str(port)]


def r_server(pin: Path, port: int, env_file: str) -> list[str]:
    script = ROOT / "tests" / "r" / "serve_pin.R"
    return ["bash", "-c", '. "$0" && exec Rscript "$@"', env_file, str(script),
            str(pin.parent), pin.name, str(port)]


def measure(base: str, body: list[dict], requests: int, warmup: int) -> dict:
    with httpx.Client(timeout=120) as client:
        for _ in range(warmup):
            client.post(base + "/predict", json=body).raise_for_status()
        times = []
        start = time.perf_counter()
        for _ in range(requests):
            t0 = time.perf_counter()
            r = client.post(base + "/predict", json=body)
            times.append(time.perf_counter() - t0)
            r.raise_for_status()
        wall = time.perf_counter() - start
        preds = np.array([row[".pred"] for row in r.json()])
    times.sort()
    return {"p50": statistics.median(times), "p99": times[min(len(times) - 1, int(0.99 * len(times)))],
            "req_s": requests / wall, "rows_s": requests * len(body) / wall, "pred": preds}


def bodies() -> dict[str, list[dict]]:
    mtcars = pk.datasets.mtcars().drop(columns="mpg")
    rng = np.random.default_rng(20261206)
    return {"1 row": json_records(mtcars.head(1)),
            "1,000 rows": json_records(mtcars.iloc[rng.integers(0, len(mtcars), 1000)])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pin", type=Path, default=ROOT / "tests" / "data" / "pins" / "mpg_recipe")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per body (1,000 rows: a fifth)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--r-env", default=os.environ.get("PYKERASNIP_R_PEER"))
    args = parser.parse_args()

    servers = {"pykerasnip serve (FastAPI)": lambda p: python_server(args.pin, p)}
    if args.r_env:
        servers["vetiver-r plumber"] = lambda p: r_server(args.pin, p, args.r_env)
    else:
        print("R side skipped: no --r-env / $PYKERASNIP_R_PEER for the R stack")
    results: dict[tuple[str, str], dict] = {}
    for name, command in servers.items():
        port = free_port()
        with process_server(command(port), port, timeout=START_TIMEOUT) as base:
            for label, body in bodies().items():
                n = args.requests if len(body) == 1 else max(10, args.requests // 5)
                results[name, label] = measure(base, body, n, args.warmup)

    print(f"\n{'server':<28} {'body':<11} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>8} {'rows/s':>10}")
    for (name, label), m in results.items():
        print(f"{name:<28} {label:<11} {m['p50'] * 1e3:9.2f} {m['p99'] * 1e3:9.2f} "
              f"{m['req_s']:8.1f} {m['rows_s']:10.0f}")
    if len(servers) == 2:
        py, r = servers
        for label in bodies():
            a, b = results[py, label], results[r, label]
            ratio = a["p50"] / b["p50"]
            diff = float(np.abs(a["pred"] - b["pred"]).max())
            print(f"{label}: p50 ratio Python/R = {ratio:.2f} (target <= {TARGET}); "
                  f"throughput {a['rows_s'] / b['rows_s']:.1f}x; max |pred diff| {diff:.1e}")


if __name__ == "__main__":
    main()
