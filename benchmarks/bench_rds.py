"""Read/write speed of the RDS codec against R and other Python readers.

    python3 benchmarks/bench_rds.py [--rows 2000000] [--cols 10] [--repeat 3]

R writes a data.frame of random doubles (gzip and uncompressed) and times readRDS /
saveRDS inside Rscript (proc.time around the call, so start-up is not counted). Python
times pykerasnip.rds (node tree, plus pandas when pykerasnip.convert.to_pandas exists),
rdata and pyreadr when installed. Every time is the best of ``--repeat`` runs; ratios
are Python time / R time.
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
reps <- as.integer(args[[4]])
set.seed(1)
df <- as.data.frame(matrix(rnorm(rows * cols), rows, cols))
best <- function(f) min(vapply(seq_len(reps), function(i) {
  t0 <- proc.time()[["elapsed"]]; f(); proc.time()[["elapsed"]] - t0 }, numeric(1)))
gz <- file.path(dir, "frame_gzip.rds"); plain <- file.path(dir, "frame_plain.rds")
out <- list(
  write_gzip = best(function() saveRDS(df, gz)),
  write_plain = best(function() saveRDS(df, plain, compress = FALSE)),
  read_gzip = best(function() readRDS(gz)),
  read_plain = best(function() readRDS(plain)))
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
"""

TARGETS = {"read_gzip": 0.6, "read_plain": 0.5, "write_gzip": 0.5}


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def r_timings(folder: Path, rows: int, cols: int, repeat: int) -> dict[str, float]:
    script = folder / "bench.R"
    script.write_text(R_SCRIPT)
    result = subprocess.run(["Rscript", str(script), str(folder), str(rows), str(cols),
                             str(repeat)], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def python_timings(folder: Path, repeat: int) -> dict[str, dict[str, float]]:
    from pykerasnip import rds

    gz, plain = folder / "frame_gzip.rds", folder / "frame_plain.rds"
    tree = rds.load(plain)
    peers: dict[str, dict[str, float]] = {"pykerasnip.rds": {
        "read_gzip": best_of(repeat, lambda: rds.load(gz)),
        "read_plain": best_of(repeat, lambda: rds.load(plain)),
        "write_gzip": best_of(repeat, lambda: rds.dump(tree, folder / "py_gzip.rds")),
        "write_plain": best_of(repeat, lambda: rds.dump(tree, folder / "py_plain.rds",
                                                        compress=None)),
    }}
    convert = optional("pykerasnip.convert")
    if convert is not None and hasattr(convert, "to_pandas"):
        peers["pykerasnip.rds + to_pandas"] = {
            "read_gzip": best_of(repeat, lambda: convert.to_pandas(rds.load(gz))),
            "read_plain": best_of(repeat, lambda: convert.to_pandas(rds.load(plain))),
        }
    rdata = optional("rdata")
    if rdata is not None:
        peers["rdata"] = {"read_gzip": best_of(repeat, lambda: rdata.read_rds(gz)),
                          "read_plain": best_of(repeat, lambda: rdata.read_rds(plain))}
    pyreadr = optional("pyreadr")
    if pyreadr is not None:
        frame = pyreadr.read_r(str(plain))[None]
        peers["pyreadr"] = {
            "read_gzip": best_of(repeat, lambda: pyreadr.read_r(str(gz))),
            "read_plain": best_of(repeat, lambda: pyreadr.read_r(str(plain))),
            "write_gzip": best_of(repeat, lambda: pyreadr.write_rds(
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_rds_") as tmp:
        folder = Path(tmp)
        r = r_timings(folder, args.rows, args.cols, args.repeat)
        print(report(r, python_timings(folder, args.repeat)))


if __name__ == "__main__":
    main()
