"""A structured fuzzer for the RDS decoder, seeded from the R-saved fixtures.

Seeds are small streams cut from the fixtures: every sub-object (list element,
attribute, closure part, environment frame ...) whose serialization is between 48 bytes
and 8 KB, written with the fixture's header, plus the R-made files of tests/data/decoder.
Input ``i`` is a deterministic function of ``i`` and a seed derived from the fixtures'
bytes: byte flips, interesting ints (lengths, flags, reference indices) written over
4-byte words, insertions, deletions, truncations and splices from another seed,
sometimes wrapped in gzip. Each input goes to ``rds.loads`` with the default
:class:`~pykerasnip.rds.Limits`; the only acceptable outcomes are a decoded tree or a
:mod:`pykerasnip.errors` exception.

Long run (the figures docs/security.md records)::

    nice -n 10 python3 -m tests.fuzz.fuzz_rds --inputs 1000000

It prints inputs, typed errors, decoded, escapes (untyped errors), crashes (the
worker process died), the slowest input (CPU time) and peak memory (the worker's
maximum resident set); ``--show I`` replays input I.
Inputs run in a worker process, so a crash is counted and the run goes on.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import multiprocessing as mp
import os
import random
import resource
import struct
import sys
import time
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from pykerasnip import rds
from pykerasnip.errors import PykerasnipError
from pykerasnip.rds import nodes as n
from pykerasnip.rds.compress import decompress, detect

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("PYKERASNIP_FIXTURES", ROOT.parent / "shared" / "fixtures"))
CASES = ROOT / "tests" / "data" / "decoder"
#: Seeds are cut from fixtures up to this size (decompressed), and are at most SEED_MAX.
_FIXTURE_MAX, SEED_MIN, SEED_MAX = 1 << 20, 48, 8 << 10
#: Words worth writing over a length, a flags int or a reference index.
INTERESTING = [0, 1, 2, 3, -1, -2, 255, 256, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF,
               0x10000, 2**31 - 1, -(2**31), 2**30, 2**24, 1 << 16, 0x0000_00FF, 0x0000_0200,
               0x0000_0400, 0x0000_0513, 0x0000_00EE, 0x0000_00F3, 0x0000_00F4, 0x0000_01FF,
               0x0000_0015, 0x0000_0019, 0x0000_0010, 0x0000_0013, 0x0000_0009]
MUTATIONS = ("flip", "word", "insert", "delete", "truncate", "splice", "duplicate")


def fixture_files() -> list[Path]:
    """The fixtures' .rds files (none: the fuzzer has nothing to stand on, and says so)."""
    files = sorted(p for p in FIXTURES.rglob("*.rds") if p.stat().st_size <= _FIXTURE_MAX // 4)
    if not files:
        raise SystemExit(f"no fixtures under {FIXTURES} (set PYKERASNIP_FIXTURES)")
    return files


def children(node: Any) -> Iterator[Any]:
    """The nodes a node holds (attributes, elements, cells, parts), for walking trees."""
    if isinstance(node, n.RObject) and node.attributes is not None:
        yield node.attributes
    if isinstance(node, n.List):
        yield from node.data
    elif isinstance(node, n.Cons):
        yield node.car
        yield node.cdr
    elif isinstance(node, n.Closure):
        yield from (node.formals, node.body, node.env)
    elif isinstance(node, n.Environment):
        yield from (node.frame, node.hashtab)
    elif isinstance(node, n.Bytecode):
        yield from node.consts


def _estimated_sizes(tree: Any) -> dict[int, int]:
    """A cheap bound of each sub-object's serialized size (by id), children first, so
    that only small sub-objects are serialized to become seeds."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in sizes or not isinstance(node, n.RObject):
            continue
        parts = list(children(node))
        if not expanded:
            if id(node) in entered:  # a cycle (environments): sized as unknown
                continue
            entered.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in parts)
            continue
        own = 16
        if isinstance(node, n.Str):
            own += sum(8 + len(s or "") for s in node.data)
        elif isinstance(node, n.Vector) and not isinstance(node, n.List):
            own += len(node.data) * getattr(node.data, "itemsize", 1)
        sizes[id(node)] = own + sum(sizes.get(id(c), 16) for c in parts)
    return sizes


def _cuts(tree: Any) -> Iterator[bytes]:
    """Serializations of the sub-objects of ``tree`` within the seed sizes."""
    header = getattr(tree, "_header", None)
    sizes = _estimated_sizes(tree)
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, n.RObject):
            continue
        seen.add(id(node))
        stack.extend(children(node))
        if not SEED_MIN // 2 <= sizes.get(id(node), 0) <= SEED_MAX:
            continue
        try:
            data = rds.dumps(node, version=header.version if header else 3,
                             format=header.format if header else "xdr")
        except PykerasnipError:
            continue
        if SEED_MIN <= len(data) <= SEED_MAX:
            yield data


@lru_cache(maxsize=1)
def seeds() -> tuple[list[bytes], int]:
    """The seed streams and the base random seed derived from the fixtures' bytes."""
    digest = hashlib.sha256()
    found: dict[bytes, None] = {}
    for path in fixture_files() + sorted(CASES.glob("*.rds")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + raw)
        kind = detect(raw)
        plain = decompress(raw, kind) if kind else raw
        if len(plain) <= SEED_MAX:
            found[plain] = None
        found.update(dict.fromkeys(_cuts(rds.loads(plain))))
    ordered = sorted(found, key=lambda s: (len(s), s))
    return ordered, int.from_bytes(digest.digest()[:8], "big")


def mutate(data: bytes, ops: list[tuple[str, int, int]], donor: bytes) -> bytes:
    """``data`` with each (mutation, position, value) of ``ops`` applied in turn."""
    buf = bytearray(data)
    for kind, position, value in ops:
        i = position % (len(buf) + 1)
        if kind == "flip" and i < len(buf):
            buf[i] ^= 1 << (value % 8)
        elif kind == "word":
            i -= i % 4
            buf[i:i + 4] = struct.pack(">i", INTERESTING[value % len(INTERESTING)])
        elif kind == "insert":
            buf[i:i] = bytes([value % 256]) * (1 + value % 4)
        elif kind == "delete":
            del buf[i:i + 1 + value % 16]
        elif kind == "truncate":
            del buf[i:]
        elif kind == "splice" and donor:
            start = value % len(donor)
            buf[i:i] = donor[start:start + 1 + value % 64]
        elif kind == "duplicate":
            buf[i:i] = buf[i:i + 1 + value % 32]
    return bytes(buf)


def make_input(index: int) -> bytes:
    """Fuzz input number ``index`` (deterministic)."""
    pool, base = seeds()
    rng = random.Random(base * 1_000_003 + index)
    data, donor = pool[rng.randrange(len(pool))], pool[rng.randrange(len(pool))]
    ops = [(rng.choice(MUTATIONS), rng.randrange(1 << 20), rng.randrange(1 << 16))
           for _ in range(1 + rng.randrange(4))]
    out = mutate(data, ops, donor)
    return gzip.compress(out, 1, mtime=0) if rng.random() < 0.05 else out


def decode(data: bytes) -> "BaseException | None":
    """The exception ``rds.loads`` raised (``None`` when it decoded)."""
    try:
        rds.loads(data)
    except Exception as exc:  # noqa: BLE001 -- classifying is the point
        return exc
    return None


# ---------------------------------------------------------------------------- long run
def _worker(start: int, stop: int, current: "mp.Value", conn: Any) -> None:
    os.nice(0)
    stats = {"typed": 0, "decoded": 0, "escapes": 0, "slowest": (0.0, -1, 0)}
    escapes: list[str] = []
    for index in range(start, stop):
        current.value = index
        data = make_input(index)
        began = time.process_time()  # CPU time: on a shared machine wall time is mostly waiting
        exc = decode(data)
        took = time.process_time() - began
        if took > stats["slowest"][0]:
            stats["slowest"] = (took, index, len(data))
        if exc is None:
            stats["decoded"] += 1
        elif isinstance(exc, PykerasnipError):
            stats["typed"] += 1
        else:
            stats["escapes"] += 1
            if len(escapes) < 20:
                escapes.append(f"input {index}: " + "".join(
                    traceback.format_exception_only(type(exc), exc)).strip())
        if (index + 1 - start) % 2000 == 0 or index + 1 == stop:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            conn.send((index + 1, dict(stats), escapes, peak))
            stats = {"typed": 0, "decoded": 0, "escapes": 0, "slowest": (0.0, -1, 0)}
            escapes = []


def run(inputs: int, start: int = 0, report_every: float = 60.0) -> dict:
    """Decode inputs ``start .. start + inputs`` in a worker process; the totals."""
    seeds()  # fail early (and once) without fixtures
    totals = {"inputs": 0, "typed": 0, "decoded": 0, "escapes": 0, "crashes": 0,
              "slowest": (0.0, -1, 0), "peak_rss": 0}
    escapes: list[str] = []
    crashes: list[int] = []
    began, last_report = time.time(), time.time()
    ctx = mp.get_context("fork")
    position, stop = start, start + inputs
    while position < stop:
        parent, child = ctx.Pipe(duplex=False)
        current = ctx.Value("q", position)
        worker = ctx.Process(target=_worker, args=(position, stop, current, child))
        worker.start()
        child.close()
        while True:
            try:
                done, stats, new_escapes, peak = parent.recv()
            except EOFError:
                break
            totals["inputs"] += done - position
            position = done
            for key in ("typed", "decoded", "escapes"):
                totals[key] += stats[key]
            totals["slowest"] = max(totals["slowest"], stats["slowest"])
            totals["peak_rss"] = max(totals["peak_rss"], peak)
            escapes.extend(new_escapes[:20 - len(escapes)])
            if time.time() - last_report > report_every:
                last_report = time.time()
                print(_summary(totals, time.time() - began), flush=True)
        worker.join()
        if worker.exitcode != 0 and position < stop:  # died on input `current`
            crashes.append(current.value)
            totals["crashes"] += 1
            totals["inputs"] += current.value + 1 - position
            position = current.value + 1
    totals["seconds"] = time.time() - began
    totals["escape_samples"], totals["crash_inputs"] = escapes, crashes
    return totals


def _summary(totals: dict, seconds: float) -> str:
    took, index, size = totals["slowest"]
    return (f"inputs {totals['inputs']:,}  typed errors {totals['typed']:,}  decoded "
            f"{totals['decoded']:,}  escapes {totals['escapes']:,}  crashes "
            f"{totals['crashes']:,}  slowest input {took * 1000:.1f} ms (#{index}, {size:,} "
            f"bytes)  peak memory {totals['peak_rss'] / 2**20:.0f} MiB  "
            f"rate {totals['inputs'] / max(seconds, 1e-9):,.0f}/s")


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--start", type=int, default=0, help="first input index")
    parser.add_argument("--show", type=int, help="replay one input and print its outcome")
    args = parser.parse_args(argv)
    if args.show is not None:
        data = make_input(args.show)
        print(f"input {args.show}: {len(data)} bytes: {data[:64]!r}...")
        began = time.process_time()
        exc = decode(data)
        took = (time.process_time() - began) * 1000
        print(("decoded" if exc is None else f"{type(exc).__name__}: {exc}") + f" ({took:.2f} ms)")
        return 0
    pool, base = seeds()
    print(f"{len(pool)} seeds from {FIXTURES} (base seed {base:#x})", flush=True)
    totals = run(args.inputs, args.start)
    print(_summary(totals, totals["seconds"]))
    for line in totals["escape_samples"]:
        print("escape:", line)
    for index in totals["crash_inputs"]:
        print("crash: input", index)
    return 1 if totals["escapes"] or totals["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
