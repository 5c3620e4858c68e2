"""The decoder's promises on hostile and extreme input (issue 17): any depth R reads,
without recursion or global interpreter state; compact ALTREP sequences stay lazy and
are bounded when expanded; symbols belong to one read; valid R files R writes in ASCII
read; strings whose bytes are not valid UTF-8 never reach Python as lone surrogates.

The R-made files in tests/data/decoder come from tests/r/make_decoder_cases.R; the live
tests run that script (and more R) again where Rscript is installed."""
from __future__ import annotations

import gc
import gzip
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.convert import RList, from_python, to_python
from pykerasnip.errors import InvalidStringError, RDSError
from pykerasnip.rds import Limits, dumps, load, loads
from pykerasnip.rds import nodes as n

from conftest import ROOT
from r_oracle import requires_r, run_r, run_r_script

DATA = Path(__file__).resolve().parent / "data" / "decoder"
MAKE_CASES = Path(__file__).resolve().parent / "r" / "make_decoder_cases.R"


def _nested(depth: int) -> n.List:
    node = n.List([])
    for _ in range(depth):
        node = n.List([node])
    return node


def _depth(node: object) -> int:
    depth = 0
    while isinstance(node, (n.List, RList)) and len(node):
        node, depth = node[0], depth + 1
    return depth


def _plain(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


@pytest.fixture(scope="module")
def r_cases(tmp_path_factory) -> Path:
    """The case files, written by R now."""
    out = tmp_path_factory.mktemp("decoder_cases")
    run_r_script(MAKE_CASES, out, timeout=300)
    return out


# -- 1. depth ---------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [400, 2000, 10000])
def test_lists_r_nests_read_with_loads_and_read_rds(depth):
    path = DATA / f"deep_list_{depth}.rds"
    tree = load(path)
    assert _depth(tree) == depth
    assert dumps(tree) == _plain(path)
    assert _depth(pk.read_rds(path)) == depth


@requires_r()
def test_r_made_deep_lists_read_and_r_reads_ours(r_cases, tmp_path):
    assert _depth(pk.read_rds(r_cases / "deep_list_2000.rds")) == 2000
    assert (r_cases / "deep_list_10000.rds").read_bytes() == (DATA / "deep_list_10000.rds").read_bytes()
    ours = tmp_path / "ours.rds"
    pk.write_rds(from_python(to_python(load(r_cases / "deep_list_2000.rds"))), ours)
    same = run_r('x <- list(); for (i in 1:2000) x <- list(x); identical(readRDS(ours), x)',
                 inputs={"ours": ours}, timeout=300)
    assert same.tolist() == [True]


def test_a_hundred_thousand_levels_round_trip_through_python():
    data = dumps(_nested(100_000))
    tree = loads(data)
    assert _depth(tree) == 100_000
    value = to_python(tree)
    assert isinstance(value, RList) and _depth(value) == 100_000
    assert dumps(from_python(value)) == data
    assert repr(value).startswith("RList(RList(") and len(repr(tree)) < 200


def test_depth_over_the_budget_is_a_typed_error():
    data = dumps(_nested(3000))
    with pytest.raises(RDSError, match="Limits.max_depth"):
        loads(data, limits=Limits(max_depth=1000))
    with pytest.raises(RDSError, match="Limits.max_depth"):
        dumps(_nested(100_001))


_THREADS_SCRIPT = textwrap.dedent("""
    import sys, threading
    from pykerasnip import rds
    from pykerasnip.convert import to_python
    from pykerasnip.rds import nodes as n

    limit = sys.getrecursionlimit()
    node = n.List([])
    for _ in range(100_000):
        node = n.List([node])
    data = rds.dumps(node)
    seen = set()
    done = threading.Event()

    def decode():
        for _ in range(3):
            to_python(rds.loads(data))
        done.set()

    def c_recursion():
        # repr of nested Python lists recurses in C, checked against the recursion limit
        nested = []
        for _ in range(300_000):
            nested = [nested]
        while not done.is_set():
            seen.add(sys.getrecursionlimit())
            try:
                repr(nested)
            except RecursionError:
                pass

    threads = [threading.Thread(target=decode), threading.Thread(target=c_recursion)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(limit, *sorted(seen), sys.getrecursionlimit())
""")


def test_deep_decode_leaves_c_recursion_in_another_thread_alone():
    # env given explicitly: an embedded R started by earlier tests (rpy2, reticulate) may
    # have changed the C-level environment that children otherwise inherit
    result = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT], capture_output=True,
                            text=True, timeout=600, cwd=ROOT, env=dict(os.environ))
    assert result.returncode == 0, result.stderr[-2000:]
    limit, *seen = result.stdout.split()
    assert seen == [limit, limit]  # unchanged during and after the decode


def test_no_module_changes_the_recursion_limit():
    offenders = [p for p in (ROOT / "pykerasnip").rglob("*.py")
                 if "setrecursionlimit" in p.read_text()]
    assert offenders == []


# -- 2, 3. compact ALTREP sequences -------------------------------------------------------
def _intseq(count: float, first: float, step: float = 1.0) -> n.AltRep:
    template = load(DATA / "intseq_full_range.rds")
    return n.AltRep(template.info, n.Real([count, first, step]))


@pytest.mark.parametrize("count, first, step", [(5, 2147483646, 1), (4, -2147483646, -1),
                                                (2**31, 1, 1), (3, 1.5, 1)])
def test_an_integer_sequence_beyond_r_integers_is_refused(count, first, step):
    data = dumps(_intseq(count, first, step))
    with pytest.raises(RDSError, match="integer range|invalid compact"):
        loads(data)


def test_compact_sequences_stay_compact_and_write_back_unchanged():
    tracemalloc.start()
    try:
        for name, length in (("intseq_full_range.rds", 2**31 - 1), ("realseq_1e10.rds", 10**10)):
            tree = load(DATA / name)
            assert isinstance(tree, n.AltRep) and len(tree) == length
            assert dumps(tree) == _plain(DATA / name)
            with pytest.raises(RDSError, match="Limits.max_altrep_bytes"):
                pk.read_rds(DATA / name)
            with pytest.raises(RDSError, match="Limits.max_altrep_bytes"):
                dumps(tree, version=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_compact_sequences_expand_within_the_budget_as_r_sees_them():
    frame = pk.read_rds(DATA / "frame_compact_id.rds")
    assert frame["id"].tolist() == [1, 2, 3, 4, 5]
    assert frame["y"].tolist() == [2.5, 1, 0, 4, 3]
    down = loads(dumps(_intseq(4, -2147483644, -1))).expand()
    assert down.data.tolist() == [-2147483644, -2147483645, -2147483646, -2147483647]
    small = Limits(max_altrep_bytes=40)
    assert len(load(DATA / "intseq_full_range.rds", limits=small)) == 2**31 - 1
    with pytest.raises(RDSError, match="max_altrep_bytes = 40"):
        loads(dumps(_intseq(11, 1)), limits=small).expand()
    assert loads(dumps(_intseq(10, 1)), limits=small).expand().data.tolist() == list(range(1, 11))


def test_deferred_strings_and_wrappers_are_bounded_too():
    seq = _intseq(10**8, 1)
    deferred_info = n.pairlist([(None, n.Sym("deferred_string")), (None, n.Sym("base")),
                                (None, n.Integer([n.STRSXP]))])
    deferred = n.AltRep(deferred_info, n.Pairlist(seq, n.Integer([0])))
    assert len(deferred) == 10**8
    with pytest.raises(RDSError, match="deferred_string"):
        deferred.expand()
    wrapped: object = _intseq(3, 7)
    for _ in range(10_000):
        info = n.pairlist([(None, n.Sym("wrap_integer")), (None, n.Sym("base")),
                           (None, n.Integer([n.INTSXP]))])
        wrapped = n.AltRep(info, n.Pairlist(wrapped, n.Integer([0, 0])))
    back = loads(dumps(wrapped))
    assert len(back) == 3 and back.expand().data.tolist() == [7, 8, 9]


# -- 4. symbols ---------------------------------------------------------------------------
def _many_symbols(count: int) -> bytes:
    return dumps(n.List([n.Sym(f"s{i}") for i in range(count)]))


def test_symbols_belong_to_one_read():
    data = _many_symbols(3)
    first, second = loads(data), loads(data)
    assert first[0] == second[0] and first[0] is not second[0]
    assert not hasattr(n.Sym, "_table")
    data = _many_symbols(200_000)
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(5):
            loads(data, limits=Limits(max_items=10**6))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept < 2**20


def test_symbols_per_read_are_capped():
    with pytest.raises(RDSError, match="Limits.max_symbols"):
        loads(_many_symbols(101), limits=Limits(max_symbols=100))
    assert len(loads(_many_symbols(100), limits=Limits(max_symbols=100))) == 100


def test_a_symbol_written_twice_is_written_once_as_r_does():
    tree = n.List([n.Sym("x"), n.Sym("x")])
    assert dumps(tree).count(b"\x00\x00\x00\x01x") == 1


# -- 5. valid R files: ASCII primitives, encodings ---------------------------------------------
def test_primitives_near_the_end_of_an_ascii_stream_read():
    fn = load(DATA / "primitive_sum_ascii.rds")
    assert isinstance(fn, n.Builtin) and fn.name == "sum"
    both = load(DATA / "primitives_ascii.rds")
    assert [f.name for f in both.data] == ["sum", "if"] and both.data[1].special
    assert dumps(both) == _plain(DATA / "primitives_ascii.rds")


def test_strings_that_are_not_utf8_are_kept_as_bytes_and_refused_as_str():
    path = DATA / "invalid_utf8_frame.rds"
    tree = load(path)
    assert dumps(tree) == _plain(path)  # the exact bytes survive
    with pytest.raises(InvalidStringError, match=r"column 'name': element 2 .*caf\\\\xe9"):
        pk.read_rds(path)


def test_latin1_strings_convert_to_their_text():
    assert list(pk.read_rds(DATA / "latin1_strings.rds")) == ["café", "plain", "naïve"]
    tree = load(DATA / "latin1_strings.rds")
    assert dumps(tree) == _plain(DATA / "latin1_strings.rds")


@requires_r()
def test_r_made_cases_match_the_committed_ones(r_cases):
    for path in sorted(DATA.glob("*.rds")):
        assert dumps(load(r_cases / path.name)) == dumps(load(path)), path.name
    assert load(r_cases / "primitive_sum_ascii.rds").name == "sum"
    with pytest.raises(InvalidStringError):
        pk.read_rds(r_cases / "invalid_utf8_frame.rds")
    frame = pk.read_rds(r_cases / "frame_compact_id.rds")
    assert isinstance(frame, pd.DataFrame) and np.array_equal(frame["id"], [1, 2, 3, 4, 5])
