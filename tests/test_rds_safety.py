"""The RDS codec on hostile, corrupt and extreme input: only RDSError comes out,
sizes are checked before allocating, and deep or long structures need no stack."""
from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pykerasnip.errors import RDSError
from pykerasnip.rds import Limits, dump, dumps, load, loads
from pykerasnip.rds import nodes as n
from pykerasnip.rds.compress import decompress, detect
from pykerasnip.rds.reader import Reader
from pykerasnip.rds.streams import BinaryInput, BinaryOutput
from pykerasnip.rds.writer import Writer

from conftest import FIXTURES

HEADER_V3 = b"X\n" + struct.pack(">iii", 3, 0x00040202, 0x00030500) + struct.pack(">i", 5) + b"UTF-8"


def _small_tree() -> n.List:
    frame = n.List([n.Real([1.5, n.NA_REAL]), n.Str(["a", None]), n.Integer([1, 2])])
    frame.set_attr("names", n.Str(["x", "y", "z"]))
    frame.set_attr("class", n.Str(["data.frame"]))
    frame.set_attr("row.names", n.Integer([n.NA_INTEGER, -2]))
    env = n.Environment(n.GlobalEnv)
    env.assign("self", env)
    fn = n.Closure(n.pairlist([("x", n.MissingArg)]), n.Lang(n.Sym("+"), n.pairlist(
        [(None, n.Sym("x")), (None, n.Real([1.0]))])), env)
    return n.List([frame, fn, n.Complex([1 + 2j]), n.Raw(b"\x00\xff"), n.Logical([1, 0])])


def _seeds() -> list[bytes]:
    fixture = (FIXTURES / "seq_reg_recipe_normalize" / "new_data.rds").read_bytes()
    tree = _small_tree()
    return [decompress(fixture, "gzip")] + [dumps(tree, format=f) for f in ("xdr", "binary", "ascii")]


SEEDS = _seeds()


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for position, op, value in edits:
        i = position % (len(buf) + 1)
        if op == 0 and i < len(buf):
            buf[i] = value
        elif op == 1:
            buf.insert(i, value)
        elif i < len(buf):
            del buf[i]
    return bytes(buf)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(range(len(SEEDS))),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 2),
                                st.integers(0, 255) | st.sampled_from(list(b"\\89NA- \n"))),
                      min_size=1, max_size=6))
def test_mutated_streams_only_raise_rds_error(seed, edits):
    try:
        tree = loads(_mutate(SEEDS[seed], edits), max_decompressed=10**7)
    except RDSError:
        return
    dumps(tree)  # whatever decoded can be written again


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_every_truncation_is_an_rds_error_with_offset(seed):
    data = SEEDS[seed]
    for cut in range(0, len(data) - 1, max(1, len(data) // 300)):
        with pytest.raises(RDSError, match="offset|format|truncated|expected"):
            loads(data[:cut])


def test_truncated_and_empty_files_are_rds_errors(tmp_path):
    for name, data in (("empty.rds", b""), ("cut.rds", SEEDS[0][:-3]),
                       ("cut_gzip.rds", gzip.compress(SEEDS[0])[:-9])):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(RDSError):
            load(tmp_path / name)
    with pytest.raises(RDSError, match="cannot read"):
        load(tmp_path / "missing.rds")


@pytest.mark.parametrize("magic,named", [(b"\x28\xb5\x2f\xfd", "zstd"), (b"\x04\x22\x4d\x18", "LZ4"),
                                         (b"PK\x03\x04", "zip archive")])
def test_containers_that_are_not_read_are_named(magic, named):
    with pytest.raises(RDSError, match=f"starts like an? {named}.*gzip-, bzip2- or xz-compressed"):
        loads(magic + bytes(20))


def test_error_names_offset_and_expectation():
    stream = HEADER_V3 + struct.pack(">ii", 14, 1000)  # REALSXP claiming 1000 doubles
    with pytest.raises(RDSError) as info:
        loads(stream)
    assert info.value.offset == len(HEADER_V3) + 8
    assert "1000" in str(info.value)


def test_huge_claimed_lengths_fail_before_allocating():
    for code in (13, 14, 16, 19, 24):
        with pytest.raises(RDSError, match="claims"):
            loads(HEADER_V3 + struct.pack(">iiII", code, -1, 65536, 0))
    with pytest.raises(RDSError, match="upper part"):
        loads(HEADER_V3 + struct.pack(">iiII", 14, -1, 65537, 0))


@pytest.mark.parametrize("data,message", [
    (b"PK\x03\x04rest", "unknown serialization format"),
    (b"X\n" + struct.pack(">iii", 4, 0, 0), "unsupported serialization version 4"),
    (HEADER_V3 + struct.pack(">i", 246), "obsolete"),
    (HEADER_V3 + struct.pack(">i", 99), "unknown item type 99"),
    (HEADER_V3 + struct.pack(">i", (7 << 8) | 255), "reference to entry 7"),
    (b"", "unknown serialization format"),
])
def test_invalid_streams_are_named(data, message):
    with pytest.raises(RDSError, match=message):
        loads(data)


def test_decompression_is_capped_and_checked():
    bomb = gzip.compress(HEADER_V3 + struct.pack(">ii", 24, 10**7) + bytes(10**7))  # a raw vector
    with pytest.raises(RDSError, match="Limits.max_decompressed"):
        loads(bomb, max_decompressed=10**6)
    with pytest.raises(RDSError, match="truncated gzip"):
        loads(bomb[:200])
    with pytest.raises(RDSError, match="corrupt gzip"):
        loads(bomb[:10] + b"\xff" * 40)
    for kind in ("bzip2", "xz"):
        with pytest.raises(RDSError, match=kind):
            loads(dumps(n.Real(np.zeros(10**5)), compress=kind)[:60])


def test_deep_nesting_and_long_pairlists_need_no_stack():
    deep: object = n.List([])
    for _ in range(2000):
        deep = n.List([deep])
    back = loads(dumps(deep))
    depth = 0
    while back.data:
        back, depth = back.data[0], depth + 1
    assert depth == 2000

    chain = n.pairlist([(f"v{i}", n.Integer([i])) for i in range(100_000)])
    values = loads(dumps(chain), limits=Limits(max_items=10**6)).values()  # 300,000 items
    assert len(values) == 100_000 and int(values[-1].data[0]) == 99_999


def test_nesting_beyond_the_limit_is_an_rds_error():
    deep: object = n.List([])
    for _ in range(3000):
        deep = n.List([deep])
    with pytest.raises(RDSError, match="nested deeper than 50"):
        loads(dumps(deep), max_depth=50)


def test_large_reference_indices_use_the_long_form():
    out = BinaryOutput()
    writer = Writer(out)
    writer._reference(8_388_607)
    writer._reference(8_388_608)
    assert b"".join(out.chunks()) == struct.pack(">iii", (8_388_607 << 8) | 255, 255, 8_388_608)

    reader = Reader(BinaryInput(b"".join(out.chunks()), 0))
    marker, other = n.Sym("long_ref_a"), n.Sym("long_ref_b")
    reader.refs = [None] * 8_388_606 + [marker, other]
    assert reader.item() is marker and reader.item() is other


def test_environment_cycles_and_identity_survive():
    tree = loads(dumps(_small_tree()))
    env = tree.data[1].env
    assert env.get("self") is env
    assert env.enclos is n.GlobalEnv


def test_dump_is_atomic(tmp_path):
    target = tmp_path / "x.rds"
    dump(n.Integer([1, 2]), target)
    before = target.read_bytes()
    with pytest.raises(RDSError, match="cannot serialize"):
        dump(n.List([object()]), target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["x.rds"]
    assert detect(before) == "gzip" and load(target).data.tolist() == [1, 2]
    (tmp_path / "plain").write_bytes(b"")  # permissions as an ordinary new file gets
    assert target.stat().st_mode == (tmp_path / "plain").stat().st_mode


def test_ascii_escapes_follow_r():
    stream = dumps(n.Str(["a?b"]), format="ascii")
    assert b"a\\?b" in stream
    assert loads(stream.replace(b"a\\?b", b"a\\9b")).data == ["a9b"]  # unknown escape: the char
    assert loads(stream.replace(b"a\\?b", b"\\141\\77b")).data == ["a?b"]  # octal
    # a string runs on past its word as R's reader reads it: "a", "8", then the newline
    assert loads(stream.replace(b"a\\?b", b"a\\8")).data == ["a8\n"]
