"""The RDS codec against R itself: a corpus R writes (every type, encoding, container
and format) round-trips byte for byte, ALTREP objects expand to what R writes in
version 2, and objects Python builds from scratch are read back by R as R's own."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pykerasnip.rds import Limits, dump, dumps, load
from pykerasnip.rds import nodes as n
from pykerasnip.rds.altrep import format_reals
from pykerasnip.rds.compress import decompress, detect

from r_oracle import requires_r, run_r_script

pytestmark = requires_r()
R_DIR = Path(__file__).resolve().parent / "r"
#: the corpus holds a 100,000-cell pairlist (200,000 items), over the default Limits.max_items
CORPUS_LIMITS = Limits(max_items=10**6)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rds_corpus")
    run_r_script(R_DIR / "make_corpus.R", out)
    return out


def _plain(path: Path) -> bytes:
    raw = path.read_bytes()
    kind = detect(raw)
    return decompress(raw, kind) if kind else raw


def test_corpus_round_trips_byte_for_byte(corpus):
    files = sorted(corpus.glob("*__*.*"))
    assert len(files) > 290
    failures = []
    for path in files:
        if dumps(load(path, limits=CORPUS_LIMITS)) != _plain(path):
            failures.append(path.name)
    assert failures == []


def test_altrep_and_formats_rewrite_as_r_writes_them(corpus):
    """Version 2 output (no ALTREP: deferred strings, sequences and wrappers expanded)
    and XDR output from native binary match what R wrote itself."""
    failures = []
    for plain in sorted(corpus.glob("*__plain.rds")):
        name = plain.name.split("__")[0]
        tree = load(plain, limits=CORPUS_LIMITS)
        if dumps(tree, version=2) != _plain(corpus / f"{name}__v2.rds"):
            failures.append(f"{name}: v2")
        as_xdr = dumps(load(corpus / f"{name}__binary.rds", limits=CORPUS_LIMITS), format="xdr")
        if as_xdr != _plain(corpus / f"{name}__serialize.rds"):
            failures.append(f"{name}: binary")
    assert failures == []


def test_altrep_nodes_expand_to_their_values(corpus):
    intseq = load(corpus / "altrep_descending__plain.rds")
    assert isinstance(intseq, n.AltRep) and intseq.class_name == "compact_intseq"
    assert intseq.expand().data.tolist() == list(range(5, -3, -1))
    realseq = load(corpus / "altrep_realseq__plain.rds").expand()
    assert isinstance(realseq, n.Real) and realseq.data[-1] == 2147483650.0
    deferred = load(corpus / "altrep_deferred_real__plain.rds").expand()
    assert deferred.data == ["1.5", "1e+05", "123456", "0.1", "1e-20", "0.333333333333333",
                             None, "-2.5e+10"]


def test_deferred_string_formatting_matches_r(corpus):
    values = load(corpus / "deferred_input.rds").data
    expected = (corpus / "deferred_expected.txt").read_text().splitlines()
    got = ["<NA>" if s is None else s for s in format_reals(values)]
    assert got == expected


def test_string_encodings_are_decoded_and_kept(corpus):
    strings = load(corpus / "strings__plain.rds")
    assert strings.data[:3] == ["a", None, ""]
    assert strings.data[4:6] == ["na\u00efve \u2603", "caf\u00e9"]
    assert strings.data[6].encode("utf-8", "surrogateescape") == b"\xff\xfe raw"
    assert strings.char_levels[5] == n.LATIN1_MASK and strings.char_levels[6] == n.BYTES_MASK


def test_environment_flags_and_code_are_exposed(corpus):
    env = load(corpus / "env_locked__plain.rds")
    assert env.locked
    cells = {c.tag.name: c for c in env.binding_cells()}
    assert cells["b"].levels & (1 << 14) and cells["act"].levels & (1 << 15)
    cycle = load(corpus / "env_cycle__plain.rds")
    assert cycle.get("self") is cycle and cycle.get("f").env is cycle
    promise = load(corpus / "env_promise__plain.rds").get("lazy")
    assert isinstance(promise, n.Promise) and promise.car is n.UnboundValue
    for name in ("closure_bytecode", "closure_jit"):
        fn = load(corpus / f"{name}__plain.rds")
        assert isinstance(fn.body, n.Bytecode), name
        assert isinstance(fn.body.source, n.Lang) and fn.body.source.function == n.Sym("{")
    s4 = load(corpus / "s4__plain.rds")
    assert isinstance(s4, n.S4Object) and s4.attr("label").values == ["p"]


def test_workspaces_come_back_as_named_lists(corpus):
    for variant in ("gzip", "plain", "v2", "ascii"):
        ws = load(corpus / f"workspace__{variant}.RData")
        assert ws.names == ["ws_a", "ws_b", "ws_f"], variant
        assert ws["ws_b"]["x"].values == ["y"]


# ------------------------------------------------------------------ Python -> R
def _deep_list(depth: int) -> n.List:
    node = n.List([])
    for _ in range(depth):
        node = n.List([node])
    return node


def _named(vec: n.Vector, **attrs) -> n.Vector:
    for key, value in attrs.items():
        vec.set_attr(key.rstrip("_").replace("_", "."), value)
    return vec


def _call(fn: str, *args) -> n.Lang:
    return n.Lang(n.Sym(fn), n.pairlist([(None, a) for a in args]))


def python_built(corpus: Path) -> dict[str, object]:
    """Objects built with node constructors only (plus one R-written ALTREP)."""
    env = n.Environment(n.GlobalEnv)
    env.assign("a", n.Real([1.0])).assign("b", n.Str(["z"])).assign("self", env)
    formula = _call("~", n.Sym("y"), _call("+", n.Sym("x"), n.Sym("z")))
    formula.set_attr("class", n.Str(["formula"])).set_attr(".Environment", n.GlobalEnv)
    return {
        "int_na": n.Integer([1, n.NA_INTEGER, 3]),
        "doubles": n.Real([1.5, n.NA_REAL, math.nan, math.inf, -math.inf, -0.0]),
        "logicals": n.Logical([1, 0, n.NA_INTEGER]),
        "complexes": n.Complex([1 + 2j, -0.5j]),
        "raws": n.Raw(bytes(range(256))),
        "strings": n.Str(["a", None, "", "na\u00efve \u2603", "q\"'\\?\n\t"]),
        "latin1": n.Str(["caf\u00e9"], char_levels=[n.LATIN1_MASK]),
        "named_list": _named(n.List([n.Integer([1]), n.Str(["x"]), None]),
                             names=n.Str(["a", "b", "c"])),
        "factor": _named(n.Integer([1, 2, n.NA_INTEGER]), levels=n.Str(["lo", "hi"]),
                         class_=n.Str(["factor"])),
        "data_frame": _named(n.List([n.Real([1.5, 2.0]), n.Str(["a", "b"])]),
                             names=n.Str(["x", "y"]), class_=n.Str(["data.frame"]),
                             row_names=n.Integer([n.NA_INTEGER, -2])),
        "matrix": _named(n.Integer(np.arange(1, 7)), dim=n.Integer([2, 3])),
        "closure": n.Closure(n.pairlist([("x", n.MissingArg), ("y", n.Real([2.0]))]),
                             _call("+", n.Sym("x"), n.Sym("y")), n.GlobalEnv),
        "formula": formula,
        "symbols": n.List([n.Sym("abc"), None]),
        "env": env,
        "long_pairlist": n.pairlist([(None, n.Integer([i])) for i in range(1, 20_001)]),
        "deep_list": _deep_list(1500),
        "v2_from_altrep": load(corpus / "altrep_intseq__plain.rds"),
    }


WRITE_VARIANTS = {
    "xdr": {}, "gzip": {"compress": "gzip"}, "bzip2": {"compress": "bzip2"},
    "xz": {"compress": "xz"}, "binary": {"format": "binary"}, "ascii": {"format": "ascii"},
    "v2": {"version": 2},
}


def test_r_reads_python_built_objects_as_its_own(corpus, tmp_path):
    objects = python_built(corpus)
    for name, obj in objects.items():
        for variant, options in WRITE_VARIANTS.items():
            if name == "v2_from_altrep" and variant != "v2":
                continue
            dump(obj, tmp_path / f"{name}__{variant}.rds", **{"compress": None, **options})
    out = run_r_script(R_DIR / "check_python_objects.R", tmp_path)
    verdicts = dict(line.split() for line in out.splitlines())
    assert len(verdicts) == (len(objects) - 1) * len(WRITE_VARIANTS) + 1
    assert [f for f, ok in verdicts.items() if ok != "TRUE"] == []
