"""Lossless round trips of the last edge cases, against files R made
(``tests/r/make_edge_cases.R``): every double edge case (NA, NaN, infinities, -0, the
largest and smallest doubles, denormals, 0.1, 1/3, 2^53 + 1 ...) and a stream whose whole
object is NULL, in versions 2 and 3, the XDR, ASCII and native binary formats, and every
container. The committed files are checked everywhere; with R installed, R makes a fresh
set and the same checks run on it, and R reads back what pykerasnip writes."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pykerasnip.rds import NullRoot, dump, dumps, load, loads
from pykerasnip.rds import nodes as n
from pykerasnip.rds.compress import decompress, detect

from r_oracle import requires_r, run_r, run_r_script

HERE = Path(__file__).resolve().parent
COMMITTED = HERE / "data" / "rds_edge"
SCRIPT = HERE / "r" / "make_edge_cases.R"
VERSIONS, FORMATS = (2, 3), ("xdr", "ascii", "binary")
COMPRESSIONS = ("none", "gzip", "bzip2", "xz")
VARIANTS = [(v, f, c) for v in VERSIONS for f in FORMATS for c in COMPRESSIONS]
#: R's own reader turns these ASCII tokens into infinities; pykerasnip keeps R's value.
KEPT_FINITE = {"xmax", "neg_xmax"}


@pytest.fixture(scope="module", params=["committed", pytest.param("live", marks=requires_r())])
def edge_dir(request, tmp_path_factory) -> Path:
    if request.param == "committed":
        return COMMITTED
    out = tmp_path_factory.mktemp("rds_edge")
    run_r_script(SCRIPT, out, timeout=300)
    return out


def _path(folder: Path, what: str, variant: tuple) -> Path:
    version, fmt, compression = variant
    path = folder / f"{what}_v{version}_{fmt}_{compression}.rds"
    assert path.is_file(), f"missing R-made file {path}"
    return path


def _plain(path: Path) -> bytes:
    raw = path.read_bytes()
    kind = detect(raw)
    return decompress(raw, kind) if kind else raw


def _expected_bits(folder: Path, fmt: str) -> list[tuple[str, int]]:
    """(name, IEEE bits) of each value as the stream holds it."""
    manifest = json.loads((folder / "doubles.json").read_text())
    key = {"ascii": "r_ascii_bits"}.get(fmt, "bits")
    return [(e["name"], int(e["bits" if e["name"] in KEPT_FINITE else key], 16))
            for e in manifest]


def _bits(values: np.ndarray) -> list[int]:
    return np.asarray(values, "<f8").view("<u8").tolist()


@pytest.mark.parametrize("variant", VARIANTS)
def test_doubles_decode_to_r_values_and_round_trip(edge_dir, variant):
    path = _path(edge_dir, "doubles", variant)
    tree = load(path)
    expected = _expected_bits(edge_dir, variant[1])
    names = [name for name, _ in expected]
    assert tree.names == names
    got = dict(zip(names, _bits(tree.data)))
    assert got == dict(expected)
    assert dumps(tree) == _plain(path)


@pytest.mark.parametrize("version", VERSIONS)
def test_doubles_written_in_each_format_as_r_writes_them(edge_dir, version):
    """Converting between formats gives R's own stream: the ASCII writer spells every
    edge value (the largest double included) as R does."""
    xdr = load(_path(edge_dir, "doubles", (version, "xdr", "none")))
    for fmt in FORMATS:
        assert dumps(xdr, format=fmt) == _plain(_path(edge_dir, "doubles", (version, fmt, "none")))


def test_largest_double_ascii_token_reads_as_the_largest_double(edge_dir):
    tree = load(_path(edge_dir, "doubles", (3, "ascii", "none")))
    values = dict(zip(tree.names, tree.data.tolist()))
    assert values["xmax"] == np.finfo("f8").max and values["neg_xmax"] == -np.finfo("f8").max
    assert b"1.797693134862316e+308\n-1.797693134862316e+308\n" in _plain(
        _path(edge_dir, "doubles", (3, "ascii", "none")))


@pytest.mark.parametrize("variant", VARIANTS)
def test_null_root_keeps_its_header(edge_dir, variant):
    path = _path(edge_dir, "null", variant)
    tree = load(path)
    assert isinstance(tree, NullRoot) and not tree
    version, fmt, compression = variant
    header = tree._header
    assert (header.version, header.format) == (version, fmt)
    assert header.compression == (None if compression == "none" else compression)
    assert dumps(tree) == _plain(path)


def test_a_tree_holding_null_still_writes_nil():
    assert dumps(n.List([None])) == dumps(n.List([load(_path(COMMITTED, "null",
                                                              (3, "xdr", "none")))]))


@requires_r()
@pytest.mark.parametrize("compression", ["gzip", "bzip2", "xz"])
def test_r_reads_what_pykerasnip_writes(edge_dir, tmp_path, compression):
    """Each container pykerasnip writes (gzip through ISA-L) is read by R's readRDS,
    giving R's exact doubles, and a NULL root stays NULL."""
    doubles = load(_path(edge_dir, "doubles", (3, "xdr", "none")))
    dump(doubles, tmp_path / "doubles.rds", compress=compression)
    dump(load(_path(edge_dir, "null", (3, "ascii", "none"))), tmp_path / "null.rds",
         compress=compression)
    code = ("x <- readRDS(doubles); y <- readRDS(null); "
            "list(is.null(y), unname(sapply(x, function(v) paste(rev(as.character("
            "writeBin(v, raw(), endian = 'little'))), collapse = ''))))")
    is_null, bits = run_r(code, inputs={"doubles": tmp_path / "doubles.rds",
                                        "null": tmp_path / "null.rds"}, timeout=120)
    assert is_null.tolist() == [True]
    assert [int(b, 16) for b in bits] == _bits(doubles.data)


@pytest.mark.parametrize("compress,kind", [(True, "gzip"), (False, None), (None, None),
                                           ("bzip2", "bzip2"), ("xz", "xz")])
def test_compress_takes_saverds_values(edge_dir, tmp_path, compress, kind):
    """``compress`` takes what ``saveRDS(compress = )`` takes; every container holds the
    plain stream R wrote."""
    path = _path(edge_dir, "doubles", (3, "xdr", "none"))
    dump(load(path), tmp_path / "out.rds", compress=compress)
    written = (tmp_path / "out.rds").read_bytes()
    assert detect(written) == kind
    assert dumps(loads(written)) == _plain(path)


@pytest.mark.parametrize("compress", ["zstd", "GZIP", 1, "none"])
def test_an_unknown_compression_writes_nothing(tmp_path, compress):
    with pytest.raises(ValueError, match="unknown compression"):
        dump(n.List([None]), tmp_path / "out.rds", compress=compress)
    assert list(tmp_path.iterdir()) == []


def _legacy_lzma(path: Path) -> bytes:
    """The plain stream of ``path`` in a legacy ``.lzma`` container with liblzma's
    default header (the one R's gzfile() recognises)."""
    import lzma

    packed = lzma.compress(_plain(path), format=lzma.FORMAT_ALONE)
    assert packed[:5] == b"]\x00\x00\x80\x00"
    return packed


@pytest.mark.parametrize("version,fmt", [(2, "xdr"), (3, "xdr"), (3, "ascii")])
def test_a_legacy_lzma_container_reads_as_the_plain_stream(version, fmt):
    path = _path(COMMITTED, "doubles", (version, fmt, "none"))
    tree = loads(_legacy_lzma(path))
    assert tree._header.compression == "lzma"
    assert dumps(tree) == _plain(path)


def test_a_cut_legacy_lzma_container_is_an_rds_error():
    from pykerasnip.errors import RDSError

    with pytest.raises(RDSError, match="lzma"):
        loads(_legacy_lzma(_path(COMMITTED, "doubles", (3, "xdr", "none")))[:40])


@requires_r()
def test_r_reads_the_legacy_lzma_container_as_pykerasnip_does(tmp_path):
    path = _path(COMMITTED, "doubles", (3, "xdr", "none"))
    (tmp_path / "doubles.lzma.rds").write_bytes(_legacy_lzma(path))
    same = run_r("identical(readRDS(lz), readRDS(plain))",
                 inputs={"lz": tmp_path / "doubles.lzma.rds", "plain": path}, timeout=120)
    assert same.tolist() == [True]
