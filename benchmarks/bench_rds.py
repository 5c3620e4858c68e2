"""Read/write speed of the RDS codec against R and other Python readers.

    python3 benchmarks/bench_rds.py [--rows 2000000] [--cols 10] [--rounds 3]

R writes a data.frame of random doubles (gzip and uncompressed) and times readRDS /
saveRDS inside Rscript (proc.time around the call, so start-up is not counted). Python
times pykerasnip.rds (node tree, plus pandas when pykerasnip.convert.to_pandas exists),
rdata and pyreadr when installed. R and Python runs alternate for ``--rounds`` rounds
and every time is the best over the rounds, so that load from other processes favours
neither side. Ratios are Python time / R time.
"""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
dir <- args[[1]]; rows <- as.integer(args[[2]]); cols <- as.integer(args[[3]])
set.seed(1)
df <- as.data.frame(matrix(rnorm(rows * cols), rows, cols))
timed <- function(f) { t0 <- proc.time()[["elapsed"]]; f(); proc.time()[["elapsed"]] - t0 }
gz <- file.path(dir, "frame_gzip.rds"); plain <- file.path(dir, "frame_plain.rds")
out <- list(
  write_gzip = timed(function() saveRDS(df, gz)),
  write_plain = timed(function() saveRDS(df, plain, compress = FALSE)),
  read_gzip = timed(function() readRDS(gz)),
  read_plain = timed(function() readRDS(plain)))
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
"""

TARGETS = {"read_gzip": 0.6, "read_plain": 0.5, "write_gzip": 0.5}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def r_timings(folder: Path, rows: int, cols: int) -> dict[str, float]:
    """One R round; it also (re)writes the files the Python side reads."""
    script = folder / "bench.R"
    script.write_text(R_SCRIPT)
    result = subprocess.run(["Rscript", str(script), str(folder), str(rows), str(cols)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def python_timings(folder: Path) -> dict[str, dict[str, float]]:
    from pykerasnip import rds

    gz, plain = folder / "frame_gzip.rds", folder / "frame_plain.rds"
    tree = rds.load(plain)
    peers: dict[str, dict[str, float]] = {"pykerasnip.rds": {
        "read_gzip": timed(lambda: rds.load(gz)),
        "read_plain": timed(lambda: rds.load(plain)),
        "write_gzip": timed(lambda: rds.dump(tree, folder / "py_gzip.rds")),
        "write_plain": timed(lambda: rds.dump(tree, folder / "py_plain.rds", compress=None)),
    }}
    convert = optional("pykerasnip.convert")
    if convert is not None and hasattr(convert, "to_pandas"):
        peers["pykerasnip.rds + to_pandas"] = {
            "read_gzip": timed(lambda: convert.to_pandas(rds.load(gz))),
            "read_plain": timed(lambda: convert.to_pandas(rds.load(plain))),
        }
    rdata = optional("rdata")
    if rdata is not None:
        peers["rdata"] = {"read_gzip": timed(lambda: rdata.read_rds(gz)),
                          "read_plain": timed(lambda: rdata.read_rds(plain))}
    pyreadr = optional("pyreadr")
    if pyreadr is not None:
        frame = pyreadr.read_r(str(plain))[None]
        peers["pyreadr"] = {
            "read_gzip": timed(lambda: pyreadr.read_r(str(gz))),
            "read_plain": timed(lambda: pyreadr.read_r(str(plain))),
            "write_gzip": timed(lambda: pyreadr.write_rds(
                str(folder / "pyreadr_gzip.rds"), frame, compress="gzip")),
        }
    return peers


def report(r: dict[str, float], peers: dict[str, dict[str, float]]) -> str:
    ops = ["read_gzip", "read_plain", "write_gzip", "write_plain"]
    lines = [f"{'':28}" + "".join(f"{op:>22}" for op in ops),
             f"{'R (readRDS/saveRDS)':28}" + "".join(f"{r[op]:>21.3f}s" for op in ops)]
    for name, times in peers.items():
        cells = [f"{times[op]:>8.3f}s ({times[op] / r[op]:5.2f}x R)" if op in times else
                 f"{'-':>22}" for op in ops]
        lines.append(f"{name:28}" + "".join(f"{c:>22}" for c in cells))
    ours = peers["pykerasnip.rds"]
    lines.append("targets: " + ", ".join(
        f"{op} {ours[op] / r[op]:.2f}x (<= {limit}x: {'met' if ours[op] / r[op] <= limit else 'MISSED'})"
        for op, limit in TARGETS.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--cols", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    r_rounds, py_rounds = [], []
    with tempfile.TemporaryDirectory(prefix="bench_rds_") as tmp:
        folder = Path(tmp)
        for _ in range(args.rounds):
            r_rounds.append(r_timings(folder, args.rows, args.cols))
            py_rounds.append(python_timings(folder))
    r = {op: min(rnd[op] for rnd in r_rounds) for op in r_rounds[0]}
    peers = {name: {op: min(rnd[name][op] for rnd in py_rounds) for op in ops}
             for name, ops in py_rounds[0].items()}
    print(report(r, peers))


if __name__ == "__main__":
    main()
