"""Streams on which the decoder once disagreed with R's ``readRDS``, found by the
differential check (tests/fuzz/differential.py), with R's verdict as ground truth:
tests/r/make_differential_cases.R builds each stream byte by byte and records whether R
reads it (and its canonical form when it does) in tests/data/decoder_diff/cases.

pykerasnip must refuse what R refuses (with a typed error), read what R reads to the
same value, or differ in the documented way (docs/security.md, "Differential check")."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from pykerasnip.errors import PykerasnipError, UnsupportedObjectError
from pykerasnip.rds import dumps, load, loads
from pykerasnip.rds import nodes as n

from r_oracle import requires_r, run_r_script
from fuzz.rds_compare import differences

HERE = Path(__file__).resolve().parent
CASES = HERE / "data" / "decoder_diff" / "cases"
MAKE_CASES = HERE / "r" / "make_differential_cases.R"

#: what pykerasnip does with each case: "same" (reads what R reads), "refuse" (both
#: refuse), or how it differs
EXPECTED = {
    "nul_in_string": "refuse", "ascii_nul_in_string": "refuse",
    "utf8_and_latin1_flags": "same", "native_latin1": "same",
    "native_iso8859_1_is_cp1252": "same", "native_cp1252_undefined_byte": "same",
    "native_unknown_encoding": "same", "native_name_cut_at_nul": "same",
    "symbol_named_na": "same", "symbol_empty_name": "refuse", "symbol_in_bytes": "refuse",
    "symbol_too_long": "refuse", "attributes_not_pairlist": "refuse",
    "altrep_other_package": "kept, not expanded",
    "deferred_string_of_strings": "refuse", "wrapper_of_list": "refuse",
    "bytecode_undefined_shared_cell": "same", "primitive_long_length": "refuse",
    "closure_untagged_formal": "same", "format_second_byte": "same",
    "ascii_after_newline": "same", "ascii_lenient_numbers": "same",
    "ascii_string_past_word": "same", "ascii_string_short_of_word": "same",
    "ascii_word_at_end": "refuse", "string_as_object": "refused, R reads",
    "string_longer_than_input": "refuse", "string_with_attributes": "same",
    "levels_beyond_16_bits": "same", "deferred_string_of_unknown_class": "kept, not expanded",
    "ascii_long_escaped_string": "same", "ascii_doubles_then_garbage": "refuse",
}


def _verdicts() -> dict[str, tuple[str, str, str]]:
    """R's verdict on each case: (status, message, warnings)."""
    lines = (CASES / "verdicts.tsv").read_text(errors="replace").split("\n")[:-1]
    return {name: (status, message, warnings)
            for name, status, message, warnings in (line.split("\t") for line in lines)}


def test_every_case_has_rs_verdict():
    assert sorted(_verdicts()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pykerasnip_reads_what_r_reads_and_refuses_what_r_refuses(name):
    status, message, _ = _verdicts()[name]
    expected = EXPECTED[name]
    if expected in ("refuse", "refused, R reads"):
        assert status == ("error" if expected == "refuse" else "ok"), message
        with pytest.raises(PykerasnipError):
            load(CASES / f"{name}.rds")
        return
    assert status == "ok", message
    ours, theirs = load(CASES / f"{name}.rds"), load(CASES / f"{name}.canonical.rds")
    repr(ours)
    if expected == "same":
        assert differences(ours, theirs) is None
    else:  # an ALTREP class R does not have: R warns and makes a zero-length vector
        assert isinstance(ours, n.AltRep) and len(n.plain(theirs).data) == 0
        with pytest.raises(UnsupportedObjectError, match="notbase|nosuchclass"):
            ours.expand()


def test_native_strings_decode_from_the_headers_encoding_and_write_back():
    """A latin1 stream's native strings are text; they are written back as they came."""
    for name, text in (("native_latin1", "caf\u00e9"), ("native_iso8859_1_is_cp1252", "\u20ac"),
                       ("native_cp1252_undefined_byte", "\udc81"),
                       ("native_unknown_encoding", "\udce9")):
        data = (CASES / f"{name}.rds").read_bytes()
        tree = loads(data)
        assert tree.data == [text]
        assert dumps(tree) == data
    # written as version 2, which names no encoding, the text goes as UTF-8 bytes R reads
    tree = load(CASES / "native_latin1.rds")
    assert loads(dumps(tree, version=2)).data == ["caf\u00e9"]


def test_a_string_longer_than_the_input_is_refused_before_it_is_allocated():
    tracemalloc.start()
    try:
        with pytest.raises(PykerasnipError, match="only .* bytes are left"):
            load(CASES / "string_longer_than_input.rds")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20


def test_ascii_is_scanned_in_linear_time():
    """Words that are almost numbers, or almost escaped strings, cost no backtracking."""
    words = b"254\n" * 20_000
    with pytest.raises(PykerasnipError, match="malformed number"):
        loads(b"A\n2\n262658\n131840\n14\n20001\n" + words + b"k\n")
    text = b"\\101" * 20_000 + b"\\\n"
    stream = b"A\n2\n262658\n131840\n16\n1\n262153\n20001\n" + text
    assert loads(stream).data == ["A" * 20_000 + "\n"]


def test_an_environment_whose_hash_table_is_no_list_shows_its_frame():
    env = n.Environment(frame=n.pairlist({"a": n.Integer([1])}))
    env.hashtab = env  # R's reader takes any object here (and may crash on it later)
    assert "1 bindings" in repr(env) and env.bindings()["a"].data.tolist() == [1]


def test_a_formal_without_a_name_has_an_empty_one():
    fn = load(CASES / "closure_untagged_formal.rds")
    assert fn.arg_names == [""] and "function()" in repr(fn)


@requires_r()
def test_r_makes_the_committed_cases(tmp_path):
    run_r_script(MAKE_CASES, tmp_path, timeout=300)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in CASES.iterdir())
    for name in made:
        assert (tmp_path / name).read_bytes() == (CASES / name).read_bytes(), name
