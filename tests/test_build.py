"""pykerasnip.rds.build: the objects it builds are the ones R builds (checked with R's
identical() after a dump/readRDS), plus the layout details R relies on."""
from __future__ import annotations

import pytest

from r_oracle import requires_r
from pykerasnip.errors import UnsupportedObjectError
from pykerasnip.rds import build as b
from pykerasnip.rds.nodes import (NA_INTEGER, EmptyEnv, GlobalEnv, Lang, Logical, MissingArg,
                                  Real, Str, Sym, is_na_real)
from test_convert import r_identical


def python_built() -> dict:
    """Objects built in Python, named after their R twins in tests/r/convert_objects.R."""
    post_body = b.call("keras_postprocess_numeric", b.sym("results"), b.sym("object"))
    naming_body = b.call("dummy_names", b.sym("var"), b.sym("lvl"), b.sym("ordinal"),
                         b.sym("sep"))
    return {
        "b_sym": b.sym("x"),
        "b_call": b.call("$", b.call("$", b.sym("object"), b.sym("fit")), b.sym("fit")),
        "b_ns_call": b.ns_call("kerasnip", "process_x_sequential", b.sym("new_data")),
        "b_call_kwargs": b.call("f", 1, b="x", c=True, d=2.5),
        "b_closure": b.closure({"results": MissingArg, "object": MissingArg}, post_body,
                               GlobalEnv),
        "b_closure_ns": b.closure({"var": MissingArg, "lvl": MissingArg, "ordinal": False,
                                   "sep": "_"}, naming_body, b.namespace("recipes", "1.0.4")),
        "b_named_list": b.named_list(a=1, b=None, c=b.chr("x", None)),
        "b_r_list": b.r_list([1.5, "a", True]),
        "b_vectors": b.r_list([b.chr("a", None), b.dbl(1.5, None), b.int_(1, None),
                               b.lgl(True, None), b.raw(b"\x01\xff")]),
        "b_factor": b.factor(["a", None, "c"], ["c", "b", "a"]),
        "b_ordered": b.factor([2, 1], ["lo", "hi"], ordered=True),
        "b_formula": b.formula(b.sym("y"), b.call("+", b.sym("x"), b.sym("z")), GlobalEnv),
        "b_formula_one_sided": b.formula(None, b.sym("x"), GlobalEnv),
        "b_quosure_literal": b.quosure(64.0, EmptyEnv),
        "b_quosure_global": b.quosure(b.sym("x"), GlobalEnv),
        "b_zap": b.zap(),
        "b_quosures": b.quosures({"a": b.quosure(b.sym("x"), GlobalEnv),
                                  "b": b.quosure(1.0, EmptyEnv)}),
        "b_tibble": b.tibble({"a": b.dbl(1.5, None), "b": b.chr("x", None)}),
        "b_tibble_empty": b.tibble({"a": b.dbl()}),
        "b_data_frame": b.data_frame({"a": b.int_(1, 2)}, row_names=["r1", "r2"]),
        "b_proc_time": b.proc_time(1.0, 2.0, 3.0),
        "b_matrix": b.matrix(b.dbl(1, 2, 3, 4), 2, 2),
        "b_structure": b.structure(b.int_(1, 2), names=["p", "q"], **{"class": "bar"}),
        "b_environment": b.environment({"a": 1.0, "b": "x"}, attributes={"class": "stub"}),
        "b_null_extptr": b.null_extptr(),
        "b_namespace": b.namespace("recipes", "1.0.4"),
    }


@requires_r("jsonlite", "tibble", "rlang")
def test_r_reads_what_r_builds(tmp_path):
    objects = python_built()
    assert r_identical(objects, tmp_path) == dict.fromkeys(objects, True)


def test_tibble_layout():
    tb = b.tibble({"a": b.dbl(1, 2, 3)})
    assert tb.attr_names() == ["class", "row.names", "names"]
    assert tb.attr("row.names").data.tolist() == [NA_INTEGER, -3]
    assert tb.is_object and tb.classes == ["tbl_df", "tbl", "data.frame"]
    assert b.tibble({"a": b.dbl()}).attr("row.names").data.tolist() == []
    assert b.data_frame([("a", b.dbl(1)), ("a", b.dbl(2))]).names == ["a", "a"]


def test_quosure_and_zap_layout():
    quo = b.quosure(b.zap(), EmptyEnv)
    assert isinstance(quo, Lang) and quo.function == Sym("~")
    assert quo.attr_names() == ["class", ".Environment"] and quo.attr(".Environment") is EmptyEnv
    zap = quo.args[0][1]
    assert zap.is_object and zap.classes == ["rlang_zap"] and len(zap) == 0


def test_calls_convert_python_scalars_and_tag_keywords():
    call = b.call("f", 1, 2.5, "s", True, None, key=b.sym("v"))
    (_, one), (_, half), (_, s), (_, flag), (_, null), (tag, v) = call.args
    assert one.data.dtype == "i4" and isinstance(half, Real) and isinstance(s, Str)
    assert isinstance(flag, Logical) and null is None and (tag, v) == ("key", Sym("v"))
    assert b.ns_call("pkg", "fn").function.function == Sym("::")


def test_named_list_keeps_null_elements():
    lst = b.named_list({"a": None}, b=1)
    assert lst.names == ["a", "b"] and lst.data[0] is None


def test_vectors_mark_missing_values():
    assert is_na_real(b.dbl(None, float("nan")).data).tolist() == [True, False]
    assert b.factor(["x", "q"], ["x"]).data.tolist() == [1, NA_INTEGER]
    assert b.as_node([1, 2.5]).data.tolist() == [1.0, 2.5]


def test_invalid_values_raise():
    with pytest.raises(UnsupportedObjectError, match="integer range"):
        b.int_(2**31)
    with pytest.raises(UnsupportedObjectError, match="mixed"):
        b.as_node([1, "a"])
