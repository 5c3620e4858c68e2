"""pykerasnip.rpart against rpart 4.1.19 itself: 120 random small fits R made
(tests/r/make_rpart_truth.R: mixed predictors with missing values and ties, numeric and
class responses, random controls including cross-validation) are grown again in Python
and assembled as R's ``rpart()`` assembles them; every part of R's object (frame,
where, cptable, parms, control, splits, csplit, variable importance, ordered, xlevels,
ylevels) must come out identical, bit for bit."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from pykerasnip import rpart
from pykerasnip.convert import strings, to_pandas
from pykerasnip.hardhat.cast import column_kind
from pykerasnip.rds import build as b
from pykerasnip.rds import load
from pykerasnip.rds.nodes import List
from pykerasnip.rrng import RRandom
from rtree_diff import differences

FITS = ROOT / "tests" / "data" / "rpart" / "fits.rds"


@functools.cache
def _cases() -> list[List]:
    assert FITS.exists(), f"missing ground truth {FITS}: run tests/r/make_rpart_truth.R"
    return load(FITS).data


def _control(node: List) -> rpart.Control:
    values = {name: float(np.asarray(value.data)[0]) for name, value in node.items()}
    ints = ("minsplit", "minbucket", "maxcompete", "maxsurrogate", "usesurrogate",
            "surrogatestyle", "xval")
    return rpart.Control(**{name: int(values[name]) if name in ints else values[name]
                            for name in (*ints, "cp", "maxdepth")})


def python_fit(case: List) -> tuple[Any, List]:
    """Python's rpart object for the case, and R's with the parts Python leaves to its
    caller (``call``, ``terms``, ``functions``, the ``na.action`` of dropped rows) out."""
    data = to_pandas(case["data"])
    frame = data.drop(columns="y")
    predictors = rpart.Predictors.of(frame, [column_kind(frame[c]) for c in frame.columns])
    usable = np.flatnonzero(~predictors.missing().all(axis=1))  # na.rpart
    design, xlevels = predictors.design(usable)
    y = data["y"]
    is_class = isinstance(y.dtype, pd.CategoricalDtype)
    response = rpart.Response(
        (y.cat.codes.to_numpy() + 1.0)[usable] if is_class else y.to_numpy("f8")[usable],
        list(y.cat.categories) if is_class else None)
    control = _control(case["control"])
    fit = rpart.RpartFit.fit(design, response, control,
                             RRandom(int(np.asarray(case["seed"].data)[0])))
    theirs = case["fit"]
    got = fit.to_r(call=None, terms=None, control=case["control"], functions=None,
                   where_names=[str(i + 1) for i in usable], y=theirs["y"],
                   xlevels=b.named_list({k: b.chr(v) for k, v in xlevels.items()}))
    return _without(got, ("call", "terms", "functions")), _without(theirs, ("na.action",))


def _without(node: List, names: tuple[str, ...]) -> List:
    """``node`` without the elements ``names`` (R's ``x$name <- NULL``)."""
    keep = [(k, v) for k, v in node.items() if k not in names]
    out = b.r_list([v for _, v in keep], [k for k, _ in keep])
    for name, value in node.attributes.items():
        if name != "names":
            out.set_attr(name, value)
    return out


def test_the_fits_are_there() -> None:
    assert len(_cases()) == 120
    controls = [_control(c["control"]) for c in _cases()]
    assert {c.xval for c in controls} >= {0, 1, 3, 10}
    assert {c.usesurrogate for c in controls} == {0, 1, 2}
    assert any(strings(c["fit"]["method"]) == ["class"] for c in _cases())


@pytest.mark.parametrize("index", range(120))
def test_python_grows_rs_tree(index: int) -> None:
    got, want = python_fit(_cases()[index])
    assert differences(got, want) == []
