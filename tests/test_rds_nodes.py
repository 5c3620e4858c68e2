"""Every kind of node survives writing and reading in every format and version, with
R's reference sharing, and the bytes R documents for small objects are produced."""
from __future__ import annotations

import numpy as np
import pytest

from pykerasnip.errors import UnsupportedObjectError
from pykerasnip.rds import dump, dumps, load, loads
from pykerasnip.rds import nodes as n
from pykerasnip.rds.format import Header

FORMATS = [(fmt, version) for fmt in ("xdr", "binary", "ascii") for version in (2, 3)]


def _every_kind() -> n.List:
    ns = n.Namespace(["stats", "4.2.2"])
    ptr = n.ExternalPointer(prot=n.Str(["keep"]), tag=None)
    weak = n.WeakRef()
    env = n.Environment(n.BaseEnv, locked=True)
    env.assign("ptr", ptr).assign("me", env)
    env.frame.levels = 1 << 14  # a locked binding
    hashed = n.Environment(n.EmptyEnv, hashtab=n.List([None, n.pairlist({"h": n.Integer([1])})]))
    promise = n.Promise(n.UnboundValue, n.Lang(n.Sym("f"), None), env)
    dots = n.Dots(n.Real([1.0]), None)
    s4 = n.S4Object(n.pairlist({"slot": n.Real([2.0]), "class": n.Str(["K"])}), levels=16)
    alt = n.AltRep(n.pairlist([(None, n.Sym("compact_intseq")), (None, n.Sym("base")),
                               (None, n.Integer([13]))]), n.Real([4.0, 2.0, 1.0]), None)
    code = n.Bytecode(n.Integer([12, 1]), [n.Lang(n.Sym("g"), None), n.Sym("x")])
    shared = n.Lang(n.Sym("h"), None)
    code_shared = n.Bytecode(n.Integer([12]), [n.Pairlist(shared, n.Pairlist(shared, None))])
    return n.List([
        None, n.Sym("sym"), n.Str(["\u00e9", None, "native"], char_levels=[n.LATIN1_MASK, 0, 0]),
        ns, ns, n.Package(["package:stats"]), n.Persist(["hooked"]), n.Persist(["hooked"]),
        ptr, ptr, weak, weak, env, hashed, promise, dots, s4, alt,
        n.Builtin("sum"), n.Builtin("if", special=True),
        n.Closure(None, code, n.GlobalEnv), n.Closure(None, code_shared, ns),
        n.Expr([n.Sym("a"), n.Real([1.0])]), n.Complex([1j, complex(np.nan, 0)]),
        n.Raw(b"\x00\x01"), n.Logical([n.NA_INTEGER]),
        n.Integer(np.arange(70_000)), n.Real(np.linspace(0, 1, 20_000)),
        n.MissingArg, n.GlobalEnv, n.BaseNamespace, n.EmptyEnv, n.BaseEnv,
        n.Pairlist(n.Real([1.0]), n.Real([2.0])),  # dotted pair
    ])


@pytest.mark.parametrize("fmt,version", FORMATS)
def test_every_node_kind_round_trips(fmt, version):
    tree = _every_kind()
    first = dumps(tree, format=fmt, version=version)
    back = loads(first)
    assert back._header.format == fmt and back._header.version == version
    assert dumps(back) == first
    assert back[3] is back[4] and back[8] is back[9] and back[10] is back[11]
    assert back[6] is not back[7]  # persistent names are entered anew each time
    env = back[12]
    assert env.get("me") is env and env.get("ptr") is back[8] and env.locked
    assert back[13].get("h").data.tolist() == [1]
    alt = back[17]
    assert (alt.expand() if isinstance(alt, n.AltRep) else alt).data.tolist() == [2, 3, 4, 5]
    assert isinstance(alt, n.AltRep) == (version == 3)
    shared_consts = back[21].body.consts[0]
    assert shared_consts.car is shared_consts.cdr.car
    assert back[20].body.source.function == n.Sym("g")
    assert back[2].data == ["\u00e9", None, "native"]
    assert back[2].char_levels == [n.LATIN1_MASK, 0, 0]
    assert loads(dumps(n.Str(["\u00e9", None, "a"]))).char_levels is None  # R's defaults
    np.testing.assert_array_equal(back[26].data, np.arange(70_000))


def test_documented_bytes_for_small_objects():
    """The annotated examples of R's format (REFERENCE.md section 9.11)."""
    body = dumps(n.List([n.Integer([1])], n.pairlist({"names": n.Str(["a"])})))[23:]
    assert body.hex() == ("00000213" "00000001" "0000000d0000000100000001" "00000402"
                          "000000010004000900000005" + b"names".hex() +
                          "00000010000000010004000900000001" + b"a".hex() + "000000fe")
    fn = n.Closure(n.pairlist([("x", n.MissingArg)]), n.Sym("x"), n.GlobalEnv)
    assert dumps(fn)[23:].hex() == ("00000403" "000000fd" "00000402" "00000001"
                                    "0004000900000001" + b"x".hex() + "000000fb" "000000fe"
                                    "000001ff")
    assert dumps(None).hex() == ("580a" "00000003" "00040202" "00030500" "00000005"
                                 + b"UTF-8".hex() + "000000fe")


def test_header_defaults_and_overrides():
    tree = loads(dumps(n.Integer([1]), version=2, format="ascii"))
    assert tree._header == Header(format="ascii", version=2, min_version=0x00020300)
    assert dumps(tree, format="xdr", version=3) == dumps(n.Integer([1]))
    with pytest.raises(ValueError, match="version"):
        dumps(tree, version=4)
    with pytest.raises(ValueError, match="format"):
        dumps(tree, format="json")


def test_long_length_form_is_read():
    stream = dumps(None)[:-4] + bytes.fromhex("0000000e" "ffffffff" "00000000" "00000002"
                                              "3ff0000000000000" "4000000000000000")
    assert loads(stream).data.tolist() == [1.0, 2.0]


def test_unknown_altrep_classes_round_trip_but_do_not_expand():
    info = n.pairlist([(None, n.Sym("altrep_sparse_double")), (None, n.Sym("sparsevctrs")),
                       (None, n.Integer([14]))])
    alt = n.AltRep(info, n.List([n.Real([1.5]), n.Integer([3]), n.Integer([10])]), None)
    back = loads(dumps(alt))
    assert dumps(back) == dumps(alt) and back.class_name == "altrep_sparse_double"
    with pytest.raises(UnsupportedObjectError, match="sparsevctrs"):
        back.expand()
    with pytest.raises(UnsupportedObjectError):
        dumps(alt, version=2)


@pytest.mark.parametrize("fmt", ["xdr", "binary", "ascii"])
def test_streamed_files_equal_whole_streams(tmp_path, fmt):
    big = np.arange(300_000)  # several pieces of the streaming buffer
    tree = n.List([n.Real(big * 0.5), n.Integer(big), n.Complex(big * 1j), n.Raw(bytes(70_000))])
    whole = dumps(tree, format=fmt)
    dump(tree, tmp_path / "plain.rds", compress=None, format=fmt)
    assert (tmp_path / "plain.rds").read_bytes() == whole
    dump(tree, tmp_path / "packed.rds", format=fmt)
    assert dumps(load(tmp_path / "packed.rds")) == whole
