"""The read's resource budget (``pykerasnip.rds.Limits``) and streamed decompression:
bombs are refused while inflating, within a bounded amount of memory; declared lengths
are checked against what the rest of the input or the budget could hold before anything
is allocated; streamed reads give exactly what whole-buffer reads give."""
from __future__ import annotations

import bz2
import functools
import gzip
import lzma
import struct
import tracemalloc

import numpy as np
import pytest

import pykerasnip as pk
from pykerasnip.errors import RDSError
from pykerasnip.rds import DEFAULT_LIMITS, Limits, dump, dumps, load, loads
from pykerasnip.rds import nodes as n

from r_oracle import requires_r, run_r

HEADER = b"X\n" + struct.pack(">iiii", 3, 0x40202, 0x30500, 5) + b"UTF-8"
VECSXP, REALSXP, RAWSXP, STRSXP = 19, 14, 24, 16
COMPRESSORS = {"gzip": lambda d: gzip.compress(d, 9), "bzip2": bz2.compress,
               "xz": lzma.compress}
#: quicker settings for the ordinary (incompressible) test streams
QUICK = {"gzip": lambda d: gzip.compress(d, 1), "bzip2": lambda d: bz2.compress(d, 1),
         "xz": lambda d: lzma.compress(d, preset=0)}
#: the promise of issue 17: a hostile file of at most 1 MB costs less than this
MEMORY_BOUND = 200 * 1024**2


def _vector_head(code: int, length: int) -> bytes:
    if length < 2**31:
        return struct.pack(">ii", code, length)
    return struct.pack(">iiII", code, -1, length >> 32, length & 0xFFFFFFFF)


def _members_bomb(kind: str, head: bytes, block: bytes, copies: int) -> bytes:
    """``head`` then ``copies`` times ``block``, as concatenated members (each block
    compressed once): a tiny file that inflates to ``copies * len(block)`` bytes."""
    member = COMPRESSORS[kind](block)
    return COMPRESSORS[kind](head) + member * copies


def _peak_of(fn) -> int:
    """Peak bytes Python and numpy allocated while ``fn`` ran."""
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def _refused(data: bytes, match: str, **kwargs) -> int:
    def attempt():
        with pytest.raises(RDSError, match=match):
            loads(data, **kwargs)
    return _peak_of(attempt)


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_a_vector_declared_past_the_budget_is_refused_before_inflating(kind):
    """10 GB of zeros behind a vector that declares them: refused at the declaration."""
    data = _members_bomb(kind, HEADER + _vector_head(REALSXP, 10 * 1024**3 // 8),
                         bytes(8 << 20), 8)
    assert len(data) < 1 << 20
    peak = _refused(data, "claims 1342177280 elements but only .* within the decompression "
                          "budget")
    assert peak < 16 << 20  # the decompressor's window and the first pieces, nothing more


@pytest.mark.parametrize("kind,gigabytes", [("gzip", 0.5), ("bzip2", 10), ("xz", 5)])
def test_a_bomb_of_valid_vectors_stops_at_the_ratio(kind, gigabytes):
    """A list of many ordinary vectors of zeros (as much as fits in under 1 MB of the
    container: gzip's ratio is at most ~1,000, xz's ~6,000): inflation stops at the budget, with an
    error naming the limit, after bounded memory."""
    per_vector = _vector_head(REALSXP, 1024) + bytes(8 * 1024)
    block = per_vector * 1024  # 8 MiB of valid vectors
    copies = int(gigabytes * 1024**3) // len(block)
    data = _members_bomb(kind, HEADER + _vector_head(VECSXP, copies * 1024), block, copies)
    assert len(data) < 1 << 20
    peak = _refused(data, "exceeds .* Limits.(max_ratio = 40 times|ratio_floor)")
    assert peak < MEMORY_BOUND - 64 * 1024**2  # room left for the interpreter itself


def test_max_decompressed_bounds_even_a_low_ratio():
    data = gzip.compress(HEADER + _vector_head(RAWSXP, 3 << 20) + np.random.default_rng(1)
                         .integers(0, 256, 3 << 20, dtype=np.uint8).tobytes())
    with pytest.raises(RDSError, match="Limits.max_decompressed = 1,000,000 bytes"):
        loads(data, limits=Limits(max_decompressed=10**6))
    with pytest.raises(RDSError, match="Limits.max_decompressed"):
        loads(data, max_decompressed=10**6)  # the older keyword
    assert len(loads(data).data) == 3 << 20


def test_uncompressed_claims_are_checked_against_the_input():
    data = HEADER + _vector_head(REALSXP, 1000) + bytes(100)
    with pytest.raises(RDSError, match="claims 1000 elements but only 100 bytes are left"):
        loads(data)


def test_max_vector_bytes_refuses_large_declared_vectors(tmp_path):
    vector = n.Real(np.arange(1000.0))
    with pytest.raises(RDSError, match="Limits.max_vector_bytes = 4,000"):
        loads(dumps(vector), limits=Limits(max_vector_bytes=4000))
    dump(vector, tmp_path / "v.rds")
    with pytest.raises(RDSError, match="Limits.max_vector_bytes"):
        pk.read_rds(tmp_path / "v.rds", limits=Limits(max_vector_bytes=4000))
    assert pk.read_rds(tmp_path / "v.rds").tolist() == vector.data.tolist()


def test_max_depth_is_a_limit_too():
    deep: object = n.List([])
    for _ in range(3000):
        deep = n.List([deep])
    with pytest.raises(RDSError, match="nested deeper than 50"):
        loads(dumps(deep), limits=Limits(max_depth=50))


def test_limits_are_validated_and_replaced():
    assert DEFAULT_LIMITS == Limits()
    assert Limits().replace(max_ratio=1000).max_ratio == 1000
    with pytest.raises(ValueError, match="Limits.max_ratio"):
        Limits(max_ratio=-1)
    with pytest.raises(TypeError, match="rds.Limits"):
        loads(dumps(None), limits={"max_ratio": 3})
    huge = Limits.unlimited()
    assert huge.inflation_cap(1) > 10**18 and huge.max_depth == DEFAULT_LIMITS.max_depth
    assert Limits().inflation_cap(1 << 20) == 40 << 20
    assert Limits().inflation_cap(10) == 32 << 20


@functools.lru_cache(maxsize=1)
def _tree() -> n.List:
    """Vectors larger than the input's buffer and the staging buffer (1 MiB each), and
    strings of mixed lengths and encodings that straddle buffer refills."""
    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 40, 60_000)
    text = "".join(rng.choice(list("abcdéfgh"), int(lengths.sum())))
    ends = np.cumsum(lengths)
    words: list = [text[end - size:end] for end, size in zip(ends, lengths)]
    words[::97] = [None] * len(words[::97])
    return n.List([n.Real(rng.normal(size=200_001)), n.Integer(np.arange(300_001)),
                   n.Complex(rng.normal(size=90_001) * 1j), n.Str(words),
                   n.Raw(rng.integers(0, 256, (1 << 20) + 3, dtype=np.uint8).tobytes()),
                   n.Logical(np.array([1, 0, n.NA_INTEGER] * 5000, "i4"))])


@pytest.mark.parametrize("fmt", ["xdr", "binary"])
@pytest.mark.parametrize("kind", [None, "gzip", "bzip2", "xz"])
def test_streamed_reads_equal_whole_buffer_reads(tmp_path, fmt, kind):
    """Every container, both binary formats: a file read in pieces decodes to what the
    whole uncompressed stream decodes to."""
    whole = dumps(_tree(), format=fmt)
    (tmp_path / "t.rds").write_bytes(whole if kind is None else QUICK[kind](whole))
    from_file = load(tmp_path / "t.rds")
    assert dumps(from_file) == whole
    assert from_file._header.compression == kind


def test_compressed_ascii_is_read_whole_within_the_budget():
    whole = dumps(n.List([n.Real(np.arange(50_000) / 7), n.Str(["a b", None, "é"] * 100)]),
                  format="ascii")
    assert dumps(loads(QUICK["gzip"](whole))) == whole
    with pytest.raises(RDSError, match="Limits.max_decompressed"):
        loads(QUICK["gzip"](whole), max_decompressed=len(whole) - 1)


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_members_are_followed_and_trailing_bytes_ignored(kind):
    stream = dumps(_tree())
    cut = len(stream) // 3
    data = QUICK[kind](stream[:cut]) + QUICK[kind](stream[cut:]) + b"trailing"
    assert dumps(loads(data)) == stream


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_corrupt_or_truncated_containers_are_named(kind):
    data = QUICK[kind](dumps(_tree()))
    with pytest.raises(RDSError, match=f"truncated {kind}|truncated input"):
        loads(data[:len(data) // 2])
    damaged = bytearray(data)
    damaged[len(data) // 2:len(data) // 2 + 64] = bytes(64)
    with pytest.raises(RDSError, match=f"corrupt {kind}|malformed|truncated|claims|unknown"):
        loads(bytes(damaged))


@pytest.mark.parametrize("kind", [None, *COMPRESSORS])
def test_mutated_files_fail_only_with_rds_errors(tmp_path, kind):
    """Damaged files read through the streaming path (file, buffer refills, staging):
    each one decodes or raises RDSError, nothing else."""
    small = n.List([n.Real(np.arange(40_000.0)), n.Str(["x", "é", None] * 3000),
                    n.Integer(np.arange(70_000))])
    whole = dumps(small)
    original = whole if kind is None else QUICK[kind](whole)
    rng = np.random.default_rng(17)
    path = tmp_path / "m.rds"
    for _ in range(150):
        data = bytearray(original)
        for at in rng.integers(0, len(data), rng.integers(1, 4)):
            data[at] = int(rng.integers(0, 256))
        cut = len(data) if rng.random() < 0.7 else int(rng.integers(0, len(data)))
        path.write_bytes(bytes(data[:cut]))
        try:
            load(path)
        except RDSError:
            pass


# ---------------------------------------------------------------------- item bombs
NIL, INTSXP, LISTSXP = struct.pack(">i", 254), 13, 2


def test_a_list_of_millions_of_nulls_is_refused_early():
    """``vector("list", 8e6)``: 1 KB of bzip2, 32 MB of stream, refused by the budget
    before it costs memory."""
    data = _members_bomb("bzip2", HEADER + _vector_head(VECSXP, 8_000_000), NIL * (1 << 20), 8)
    assert len(data) < 4096
    peak = _refused(data, r"Limits\.")
    assert peak < MEMORY_BOUND // 2


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_a_bomb_of_tiny_vectors_stops_at_the_memory_budget(kind):
    """A million one-element integer vectors (16 MB of R stream in a few KB): each is a
    Python object of a few hundred bytes; refused once they would pass the memory a
    file this small may take."""
    one = _vector_head(INTSXP, 1) + struct.pack(">i", 7)
    data = _members_bomb(kind, HEADER + _vector_head(VECSXP, 1 << 20), one * (1 << 16), 16)
    assert len(data) < 1 << 20
    peak = _refused(data, r"Limits.memory_ratio")
    assert peak < MEMORY_BOUND // 2


def test_a_bomb_of_short_distinct_strings_stops_at_the_memory_budget():
    """100,000 distinct three-character strings, repeated 29 times: xz sees the repeats
    and the file stays small, but past the strings a read shares, each is a new Python
    object; refused within 200 MB."""
    alphabet = bytes(range(32, 127))
    cycle = [bytes((alphabet[i % 95], alphabet[i // 95 % 95], alphabet[i // 9025]))
             for i in range(100_000)]
    element = [struct.pack(">ii", 0x00040009, 3) + text for text in cycle]
    texts = b"".join(element) * 29
    data = lzma.compress(HEADER + _vector_head(STRSXP, 29 * len(cycle)) + texts)
    assert len(data) < 1 << 20 and len(texts) <= Limits().inflation_cap(len(data))
    peak = _refused(data, r"Limits.memory_ratio")
    assert peak < MEMORY_BOUND


def test_a_million_rows_of_text_categories_read_within_a_small_budget():
    """Identical short strings are made once per read (as R's string cache does), so a
    long character column of a few categories costs a reference per row."""
    column = n.Str(["setosa", "versicolor", "virginica", None] * 250_000)
    data = dumps(n.List([column], n.pairlist({"names": n.Str(["species"])})), compress="gzip")
    back = _peak_of(lambda: loads(data))
    assert back < 24 << 20
    values = loads(data).data[0].values
    assert values[:5] == ["setosa", "versicolor", "virginica", None, "setosa"]
    assert values[0] is values[4]


def test_a_big_valid_list_reads_with_the_default_limits():
    """300,000 small vectors (an R list column): within the budget of its file's size."""
    rng = np.random.default_rng(7)
    items = [n.Real(rng.random(3)) for _ in range(300_000)]
    back = loads(dumps(n.List(items), compress="gzip"))
    assert len(back.data) == 300_000
    np.testing.assert_array_equal(back.data[-1].data, items[-1].data)


def test_max_items_counts_every_item_null_and_pairlist_cell_alike():
    """A vector counts once however long it is; list elements, ``NULL``s and pairlist
    cells once each."""
    listed = n.List([n.Integer(np.arange(10**6, dtype="i4"))] * 3 + [None] * 4)  # 1 + 7
    pairs = n.pairlist({f"a{i}": n.Real([1.0]) for i in range(5)})  # cells, tags, values, end
    for obj, items in ((listed, 8), (pairs, 5 + 5 + 5 + 1)):
        for fmt in ("xdr", "binary", "ascii"):
            stream = dumps(obj, format=fmt)
            assert type(loads(stream, limits=Limits(max_items=items))) is type(obj)
            with pytest.raises(RDSError, match=f"more than {items - 1} items"):
                loads(stream, limits=Limits(max_items=items - 1))


@pytest.mark.parametrize("fmt", ["xdr", "binary", "ascii"])
def test_runs_of_nulls_read_in_bulk_and_exactly(fmt):
    values = [None] * 70_000 + [n.Integer([1])] + [None] * 3 + [n.Str(["a"])] + [None]
    back = loads(dumps(n.List(values), format=fmt))
    assert back.data[:70_000] == [None] * 70_000 and back.data[-5:-2] == [None] * 3
    assert back.data[70_000].data.tolist() == [1] and back.data[-2].values == ["a"]
    assert len(back.data) == len(values) and back.data[-1] is None
    big = loads(dumps(n.List([None] * 8_000_000)), limits=Limits(max_items=8_000_001))
    assert len(big.data) == 8_000_000 and not any(big.data)


@requires_r()
def test_r_made_list_of_eight_million_nulls_reads_within_the_budget(tmp_path):
    """The file of issue 17, made by R: 8 million NULLs are references to one object, so
    R reads it, and so does pykerasnip, within 200 MB."""
    path = tmp_path / "nulls.rds"
    run_r('saveRDS(vector("list", 8e6), path, compress = "bzip2")', inputs={"path": path},
          timeout=120)
    assert path.stat().st_size < 4096
    found = {}
    assert _peak_of(lambda: found.update(tree=load(path))) < MEMORY_BOUND
    assert len(found["tree"].data) == 8_000_000 and not any(found["tree"].data)
