"""Read/write speed of the RDS codec against R and other Python readers.

    python3 benchmarks/bench_rds.py [--rows 2000000] [--cols 10] [--rounds 3]
    python3 benchmarks/bench_rds.py --hostile

R writes a data.frame of random doubles (gzip and uncompressed) and times readRDS /
saveRDS inside Rscript (proc.time around the call, so start-up is not counted). Python
times pykerasnip.rds (node tree, plus pandas when pykerasnip.convert.to_pandas exists),
rdata and pyreadr when installed, and rapidgzip's parallel gzip inflation alone (what
the codec uses for large gzip files), and the floor of every read into fresh memory:
getting memory of the data's size and touching each page of it on every core. R and Python runs alternate
for ``--rounds`` rounds and every time is the best over the rounds, so that load from
other processes favours neither side. Ratios are Python time / R time.

Peak memory: a fresh ``Rscript`` runs ``readRDS`` and a fresh ``python3`` runs
``pykerasnip.rds.load`` on each file; their maximum resident set sizes (start-up
included on both sides) are compared.

``--hostile`` instead measures compression bombs of at most 1 MB (gzip, bzip2, xz; a
vector declaring 10 GB, and a list of ordinary vectors of zeros): each is read by a fresh
``python3``, which reports its wall time, its peak resident set and the error.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
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
writes <- list(
  write_gzip = timed(function() saveRDS(df, gz)),
  write_plain = timed(function() saveRDS(df, plain, compress = FALSE)))
invisible(system("sync"))  # the reads do not share the machine with the writes' write-back
out <- c(writes, list(
  read_gzip = timed(function() readRDS(gz)),
  read_plain = timed(function() readRDS(plain))))
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
"""

TARGETS = {"read_gzip": 0.5, "read_plain": 0.15, "write_gzip": 0.3, "write_plain": 0.5,
           "peak_gzip": 1.5, "peak_plain": 1.5}
#: Each prints its process's peak resident set (VmHWM, kB: per address space, so the
#: parent's memory before exec does not count) after reading the file.
PEAK_COMMANDS = {
    "R": ["Rscript", "-e", "invisible(readRDS(commandArgs(TRUE)[[1]])); "
          "cat(grep('^VmHWM', readLines('/proc/self/status'), value = TRUE))"],
    "pykerasnip.rds": [sys.executable, "-c",
                       "import sys; from pykerasnip import rds; rds.load(sys.argv[1]); "
                       "print(*[l for l in open('/proc/self/status') if l.startswith('VmHWM')])"],
}


def peak_rss(command: list[str], path: Path) -> int:
    """Peak resident set size (bytes) of a fresh process running ``command path``."""
    out = subprocess.run([*command, str(path)], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[1]) * 1024


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn`` takes; its result is freed after the clock stops, as R's is."""
    start = time.perf_counter()
    result = fn()  # noqa: F841 (kept alive past the measurement)
    return time.perf_counter() - start


def r_timings(folder: Path, rows: int, cols: int) -> dict[str, float]:
    """One R round; it also (re)writes the files the Python side reads."""
    script = folder / "bench.R"
    script.write_text(R_SCRIPT)
    result = subprocess.run(["Rscript", str(script), str(folder), str(rows), str(cols)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def peaks(folder: Path) -> dict[str, dict[str, int]]:
    """Peak memory of reading each file, per reader."""
    files = {"peak_gzip": folder / "frame_gzip.rds", "peak_plain": folder / "frame_plain.rds"}
    return {who: {op: peak_rss(command, path) for op, path in files.items()}
            for who, command in PEAK_COMMANDS.items()}


def inflate_with(module, path: Path, threads: int) -> None:
    """rapidgzip's parallel inflation of ``path`` into one buffer (nothing decoded)."""
    with module.open(str(path), parallelization=threads) as fh:
        buffer = memoryview(bytearray(1 << 22))
        while fh.readinto(buffer):
            pass


def touch_fresh(nbytes: int, threads: int) -> None:
    """Get ``nbytes`` of fresh memory, as a reader's result does, and touch each page of
    it on ``threads`` threads: what any reader must pay before it writes a byte."""
    import mmap
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    from pykerasnip.rds.pages import fresh

    memory = fresh(nbytes, np.uint8)
    edges = [nbytes * i // threads // mmap.PAGESIZE * mmap.PAGESIZE for i in range(threads + 1)]
    edges[-1] = nbytes

    def touch(lo: int, hi: int) -> None:
        memory[lo:hi:mmap.PAGESIZE] = 1
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(touch, edges, edges[1:]))


def optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def python_timings(folder: Path) -> dict[str, dict[str, float]]:
    from pykerasnip import rds

    gz, plain = folder / "frame_gzip.rds", folder / "frame_plain.rds"
    for path in (gz, plain):  # into the page cache, where R's reads (just after its writes) find them
        path.read_bytes()
    tree = rds.load(plain)
    os.sync()  # R's files were just written: their write-back is over before anything is timed
    peers: dict[str, dict[str, float]] = {"pykerasnip.rds": {
        "read_gzip": timed(lambda: rds.load(gz)),
        "read_plain": timed(lambda: rds.load(plain)),
        "write_gzip": timed(lambda: rds.dump(tree, folder / "py_gzip.rds")),
        "write_plain": timed(lambda: rds.dump(tree, folder / "py_plain.rds", compress=None)),
    }}
    from pykerasnip.rds.streams import WORKERS
    size = sum(node.data.nbytes for node in tree.data)
    peers[f"fresh memory only, {WORKERS} thr"] = {"read_plain": timed(lambda: touch_fresh(size, WORKERS))}
    convert = optional("pykerasnip.convert")
    if convert is not None and hasattr(convert, "to_pandas"):
        peers["pykerasnip.rds + to_pandas"] = {
            "read_gzip": timed(lambda: convert.to_pandas(rds.load(gz))),
            "read_plain": timed(lambda: convert.to_pandas(rds.load(plain))),
        }
    rapidgzip = optional("rapidgzip")
    if rapidgzip is not None:
        peers["rapidgzip inflate only, 2 thr"] = {
            "read_gzip": timed(lambda: inflate_with(rapidgzip, gz, 2))}
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


def report(r: dict[str, float], peers: dict[str, dict[str, float]],
           memory: dict[str, dict[str, int]]) -> str:
    ops = ["read_gzip", "read_plain", "write_gzip", "write_plain"]
    lines = [f"{'':30}" + "".join(f"{op:>22}" for op in ops),
             f"{'R (readRDS/saveRDS)':30}" + "".join(f"{r[op]:>21.3f}s" for op in ops)]
    for name, times in peers.items():
        cells = [f"{times[op]:>8.3f}s ({times[op] / r[op]:5.2f}x R)" if op in times else
                 f"{'-':>22}" for op in ops]
        lines.append(f"{name:30}" + "".join(f"{c:>22}" for c in cells))
    for op in ("peak_gzip", "peak_plain"):
        lines.append(f"{op}: R {memory['R'][op] / 1e6:.0f} MB, pykerasnip.rds "
                     f"{memory['pykerasnip.rds'][op] / 1e6:.0f} MB")
    ratios = {op: peers["pykerasnip.rds"][op] / r[op] for op in ops}
    ratios.update({op: memory["pykerasnip.rds"][op] / memory["R"][op]
                   for op in ("peak_gzip", "peak_plain")})
    lines.append("targets: " + ", ".join(
        f"{op} {ratios[op]:.2f}x (<= {limit}x: {'met' if ratios[op] <= limit else 'MISSED'})"
        for op, limit in TARGETS.items()))
    return "\n".join(lines)


HOSTILE_READ = """
import sys, time
t0 = time.perf_counter()
from pykerasnip import rds
from pykerasnip.errors import RDSError
t1 = time.perf_counter()
try:
    rds.load(sys.argv[1])
    outcome = "ACCEPTED"
except RDSError as exc:
    outcome = "RDSError: " + str(exc)[:90]
took = time.perf_counter() - t1
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(f"{took:.3f} {int(hwm) // 1024} {outcome}")
"""


def bombs(folder: Path) -> dict[str, Path]:
    """Hostile files of at most 1 MB: concatenated members, each compressed once."""
    import bz2
    import gzip
    import lzma
    import struct

    packers = {"gzip": lambda d: gzip.compress(d, 9), "bzip2": bz2.compress,
               "xz": lzma.compress}
    header = b"X\n" + struct.pack(">iiii", 3, 0x40202, 0x30500, 5) + b"UTF-8"
    huge = header + struct.pack(">iiII", 14, -1, 10 * 1024**3 // 8 >> 32,
                                10 * 1024**3 // 8 & 0xFFFFFFFF)
    vectors = struct.pack(">ii", 14, 1024) + bytes(8192)
    block = vectors * 1024
    out = {}
    for kind, pack in packers.items():
        for name, head, body in (("declared 10 GB vector", huge, bytes(1 << 23)),
                                 ("list of zero vectors", header + struct.pack(
                                     ">ii", 19, 10 * 1024**3 // len(vectors)), block)):
            member = pack(body)
            copies = min((1 << 20) - len(pack(head)), 10 * 1024**3) // len(member)
            path = folder / f"{kind} {name}.rds"
            path.write_bytes(pack(head) + member * copies)
            out[f"{kind}, {name} ({path.stat().st_size // 1024} KB)"] = path
    nulls = 8_000_000  # valid, and within the byte budget: costs items, not bytes
    path = folder / "nulls.rds"
    path.write_bytes(bz2.compress(header + struct.pack(">ii", 19, nulls)
                                  + struct.pack(">i", 254) * nulls))
    out[f"bzip2, list of 8M NULLs ({path.stat().st_size // 1024} KB)"] = path
    return out


def hostile() -> None:
    with tempfile.TemporaryDirectory(prefix="bench_rds_hostile_") as tmp:
        for label, path in bombs(Path(tmp)).items():
            seconds, peak, outcome = subprocess.run(
                [sys.executable, "-c", HOSTILE_READ, str(path)], check=True,
                capture_output=True, text=True).stdout.split(" ", 2)
            print(f"{label:45} {seconds:>7}s {peak:>6} MB  {outcome.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--cols", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hostile", action="store_true", help="measure compression bombs")
    args = parser.parse_args()
    if args.hostile:
        hostile()
        return
    r_rounds, py_rounds = [], []
    with tempfile.TemporaryDirectory(prefix="bench_rds_") as tmp:
        folder = Path(tmp)
        for _ in range(args.rounds):
            r_rounds.append(r_timings(folder, args.rows, args.cols))
            py_rounds.append(python_timings(folder))
        memory = peaks(folder)
    r = {op: min(rnd[op] for rnd in r_rounds) for op in r_rounds[0]}
    peers = {name: {op: min(rnd[name][op] for rnd in py_rounds) for op in ops}
             for name, ops in py_rounds[0].items()}
    print(report(r, peers, memory))


if __name__ == "__main__":
    main()
