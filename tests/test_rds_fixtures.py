"""The RDS codec on the files the real R kerasnip stack saved: every one decodes, is
re-encoded byte for byte, and holds the values the manifest describes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pykerasnip.rds import dumps, load, loads
from pykerasnip.rds import nodes as n
from pykerasnip.rds.compress import decompress, detect

from conftest import FIXTURES, all_fixture_rds, case_dir, fixture_cases

_R_TYPES = {"double": n.Real, "integer": n.Integer, "character": n.Str, "logical": n.Logical}


def _plain_stream(raw: bytes) -> bytes:
    kind = detect(raw)
    return decompress(raw, kind) if kind else raw


@pytest.mark.parametrize("path", all_fixture_rds(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_round_trips_byte_for_byte(path):
    raw = path.read_bytes()
    tree = loads(raw)
    assert dumps(tree) == _plain_stream(raw)


def test_variants_cover_every_container_and_format():
    headers = {p.name: load(p)._header for p in (FIXTURES / "seq_reg_rds_variants").glob("*.rds")}
    assert {h.compression for h in headers.values()} == {None, "gzip", "bzip2", "xz"}
    assert {h.format for h in headers.values()} == {"xdr", "ascii"}
    assert {h.version for h in headers.values()} == {2, 3}
    assert headers["workflow_v2.rds"].min_version == 0x00020300
    assert headers["workflow_gzip.rds"].native_encoding == "UTF-8"


def test_variants_decode_to_the_same_tree():
    folder = FIXTURES / "seq_reg_rds_variants"
    reference = dumps(load(folder / "workflow_uncompressed.rds"))
    # (ASCII is left out: R writes doubles there with 16 significant digits only)
    for name in ("workflow_gzip", "workflow_bzip2", "workflow_xz", "workflow_v2"):
        assert dumps(load(folder / f"{name}.rds"), version=3, format="xdr") == reference, name


def test_recompressed_output_decodes_to_the_same_stream():
    raw = (FIXTURES / "seq_reg_rds_variants" / "workflow_gzip.rds").read_bytes()
    tree = loads(raw)
    for kind in ("gzip", "bzip2", "xz"):
        packed = dumps(tree, compress=kind)
        assert detect(packed) == kind
        assert dumps(loads(packed)) == _plain_stream(raw)


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda c: c["case"])
def test_new_data_matches_manifest_and_csv(case):
    folder = case_dir(case)
    spec = case["new_data"]
    frame = load(folder / spec["rds"])
    assert frame.inherits("data.frame")
    assert frame.names == [c["name"] for c in spec["columns"]]
    csv = pd.read_csv(folder / spec["csv"])
    for column, col_spec in zip(frame.data, spec["columns"]):
        if isinstance(column, n.AltRep):
            column = column.expand()
        assert len(column) == spec["n_rows"]
        assert isinstance(column, _R_TYPES[col_spec["r_type"]])
        if col_spec["levels"]:
            assert column.attr("levels").values == col_spec["levels"]
        elif col_spec["r_type"] == "double" and "Date" not in col_spec["r_class"]:
            expected = csv[col_spec["name"]].to_numpy(dtype="f8")
            np.testing.assert_allclose(column.data, expected, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda c: c["case"])
def test_saved_objects_carry_their_r_class(case):
    for entry in case["files"]:
        saved_class = (entry.get("object") or {}).get("saved_class")
        if saved_class:
            assert load(case_dir(case) / entry["file"]).classes == saved_class


def test_workflow_holds_namespaced_bytecode_closures():
    tree = load(FIXTURES / "seq_reg_recipe_normalize" / "workflow.rds")
    found = []
    stack = [tree]
    seen = set()
    while stack and len(found) < 5:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, n.Closure) and isinstance(node.body, n.Bytecode):
            found.append(node)
        if isinstance(node, n.List):
            stack += node.data
        elif isinstance(node, n.Cons):
            stack += node.values()
        if isinstance(node, n.RObject) and node.attributes is not None:
            stack += node.attributes.values()
    assert found, "compiled package closures expected in a fitted workflow"
    for fn in found:
        source = fn.body.source
        assert isinstance(source, (n.Lang, n.Sym)) or source is None or isinstance(source, n.Vector)
        assert isinstance(fn.env, (n.Namespace, n.Environment)) or fn.env is n.GlobalEnv
