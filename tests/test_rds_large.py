"""Large files take the fast paths: big vectors of a plain file are read by several threads
(``FileSource.read_array``), big gzip files are inflated by rapidgzip on every core
(``ParallelGzip``). Both must give exactly what the serial, in-memory read gives, and the
same verdict on damaged files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pykerasnip
from pykerasnip.errors import RDSError
from pykerasnip.rds import build as b
from pykerasnip.rds import DEFAULT_LIMITS, compress, dumps, load, loads, streams

from r_oracle import requires_r, run_r

ROWS = 2_500_000


def _expected() -> dict[str, np.ndarray]:
    """What the R script below computes, with the same IEEE operations."""
    i = np.arange(1, ROWS + 1)
    return {"a": i * np.pi / 7, "b": (i % 1000).astype("i4"), "c": np.sqrt(i.astype("f8"))}


@pytest.fixture(scope="module")
def r_files(tmp_path_factory) -> dict[str, str]:
    """A data.frame of 2.5 million rows saved by R, gzip and uncompressed."""
    requires_r()
    folder = tmp_path_factory.mktemp("large")
    paths = {kind: str(folder / f"{kind}.rds") for kind in ("gzip", "plain", "binary")}
    run_r(f"""
        n <- {ROWS}L
        df <- data.frame(a = (1:n) * pi / 7, b = (1:n) %% 1000L, c = sqrt(1:n))
        saveRDS(df, "{paths['gzip']}")
        saveRDS(df, "{paths['plain']}", compress = FALSE)
        con <- file("{paths['binary']}", "wb"); serialize(df, con, xdr = FALSE); close(con)
    """)
    return paths


def _columns(frame) -> dict[str, np.ndarray]:
    return {name: np.asarray(col.data) for name, col in zip(frame.names, frame.data)}


def _assert_bits(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    assert list(got) == list(want)
    for name in want:
        assert got[name].dtype.newbyteorder("=") == want[name].dtype
        assert np.array_equal(got[name].view(f"u{want[name].itemsize}"),
                              want[name].view(f"u{want[name].itemsize}")), name


def _spy(monkeypatch, cls, method: str) -> list:
    calls: list = []
    original = getattr(cls, method)

    def spied(self, *args):
        calls.append(args)
        return original(self, *args)
    monkeypatch.setattr(cls, method, spied)
    return calls


@pytest.mark.parametrize("kind", ["gzip", "plain", "binary"])
def test_r_files_read_to_r_values_on_the_fast_paths(r_files, kind, monkeypatch):
    parallel = _spy(monkeypatch, compress.ParallelGzip, "finish")
    threads = _spy(monkeypatch, streams.FileSource, "read_array")
    _assert_bits(_columns(load(r_files[kind])), _expected())
    if kind == "gzip":
        assert parallel, "a 30 MB gzip file is inflated on every core"
    else:
        assert any(values.nbytes >= streams.PARALLEL_BYTES for values, _ in threads)


@pytest.mark.parametrize("shift", range(8))
@pytest.mark.parametrize("fmt", ["xdr", "binary"])
def test_threaded_plain_read_equals_the_in_memory_read_at_any_alignment(tmp_path, shift, fmt):
    """A string of ``shift`` characters before the big vectors moves them across the
    input buffer's edge, so the first element may be cut in two."""
    rng = np.random.default_rng(shift)
    tree = b.named_list(s=b.chr("x" * shift), d=b.dbl(*rng.standard_normal(1_100_000)),
                        i=b.int_(*rng.integers(-2**31 + 1, 2**31 - 1, 2_100_001)),
                        z=b.raw(rng.bytes(9_000_001)))
    data = dumps(tree, format=fmt)
    path = tmp_path / "t.rds"
    path.write_bytes(data)
    got, want = load(path), loads(data)
    for x, y in zip(got.data, want.data):
        assert np.array_equal(np.asarray(x.data), np.asarray(y.data))
    path.write_bytes(data[:len(data) // 3])
    with pytest.raises(RDSError, match="claims .* but only .* left"):
        load(path)


@pytest.mark.parametrize("damage", ["trailing bytes", "trailing zeros", "cut footer", "cut half"])
def test_damaged_large_gzip_gets_the_serial_verdict(r_files, tmp_path, damage, monkeypatch):
    data = open(r_files["gzip"], "rb").read()
    damaged = {"trailing bytes": data + b"not gzip", "trailing zeros": data + bytes(64),
               "cut footer": data[:-5], "cut half": data[:len(data) // 2]}[damage]
    path = tmp_path / "damaged.rds"
    path.write_bytes(damaged)
    try:
        want = loads(damaged)
    except RDSError as exc:
        with pytest.raises(RDSError, match=str(exc).split(" (")[0]):
            load(path)
        return
    _assert_bits(_columns(load(path)), _columns(want))


def test_parallel_inflation_stops_at_the_budget(tmp_path):
    """rapidgzip's output is counted against the same budget as the serial inflater's."""
    data = dumps(b.r_list([b.raw(bytes(8 << 20)) for _ in range(40)]), compress="gzip")
    path = tmp_path / "bomb.rds"
    path.write_bytes(data)
    with open(path, "rb", buffering=0) as fh, compress.ParallelGzip(fh, len(data)) as stream:
        with pytest.raises(RDSError, match="exceeds 33,554,432 bytes .*Limits.ratio_floor"):
            while stream.read(1 << 20):
                pass
        assert stream.produced <= DEFAULT_LIMITS.ratio_floor + (1 << 20)


def test_the_codec_loads_neither_pandas_nor_keras():
    """What a read costs in memory starts with what it imports (~90 MB for pandas)."""
    code = ("import sys, pykerasnip; from pykerasnip import rds; "
            "print(sorted(m for m in ('pandas', 'keras', 'tensorflow', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert callable(pykerasnip.workflow) and callable(pykerasnip.bundle)  # functions, lazily


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise advice is Linux's")
def test_big_arrays_a_read_fills_are_advised_onto_base_pages():
    from pykerasnip.rds.pages import LARGE, fresh

    values = fresh(LARGE // 8 * 4, "f8")
    assert values.shape == (LARGE // 8 * 4,) and values.dtype == np.float64
    address = values.ctypes.data + LARGE  # a page well inside the array
    flags = _vm_flags(address)
    assert "nh" in flags.split(), flags  # VM_NOHUGEPAGE


def _vm_flags(address: int) -> str:
    """The VmFlags of the mapping of this process that holds ``address``."""
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:
            start, end = (int(x, 16) for x in head.split("-"))
            inside = start <= address < end
        elif inside and line.startswith("VmFlags:"):
            return line[len("VmFlags:"):]
    raise AssertionError(f"no mapping holds {address:#x}")
