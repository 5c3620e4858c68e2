"""Calls nested deeper than Python's stack allows, in formulas and stored expressions:
deparsing shows them at any depth; parsing, evaluating and ``terms()`` refuse them past
``MAX_NESTING`` with a typed error, through ``read_rds`` + ``predict`` + ``repr`` too,
and never with a ``RecursionError``."""
from __future__ import annotations

import pandas as pd
import pytest

import pykerasnip as pk
from conftest import FIXTURES
from pykerasnip import rds, rexpr
from pykerasnip.errors import PykerasnipError, SpecError, UnsupportedObjectError
from pykerasnip.formula.parse import MAX_NESTING, call, deparse, parse
from pykerasnip.formula.terms import terms_from_formula
from pykerasnip.rds import nodes as n

DEEP = 100_000


def _nest(node, depth: int, fn: str = "("):
    for _ in range(depth):
        node = call(fn, node)
    return node


def test_deparse_shows_any_depth_as_r_does():
    assert deparse(_nest(n.Sym("x"), 3)) == "(((x)))"
    text = deparse(call("~", n.Sym("y"), _nest(call("+", n.Sym("a"), n.Sym("b")), DEEP)))
    assert text == "y ~ " + "(" * DEEP + "a + b" + ")" * DEEP
    assert deparse(_nest(n.Sym("x"), DEEP, "exp")).startswith("exp(exp(")


def test_parse_evaluate_and_terms_refuse_deep_nesting_by_name():
    frame = pd.DataFrame({"x": [1.0, 4.0]})
    at_limit = _nest(n.Sym("x"), MAX_NESTING - 1, "sqrt")
    assert rexpr.evaluate(at_limit, frame).tolist() == pytest.approx([1.0, 4.0 ** 0.5 ** 99])
    assert parse("(" * (MAX_NESTING - 1) + "x" + ")" * (MAX_NESTING - 1)) is not None
    for depth in (MAX_NESTING + 1, DEEP):
        with pytest.raises(UnsupportedObjectError, match=f"more than {MAX_NESTING} levels"):
            rexpr.evaluate(_nest(n.Sym("x"), depth, "sqrt"), frame)
        with pytest.raises(UnsupportedObjectError, match=f"more than {MAX_NESTING} levels"):
            terms_from_formula(call("~", n.Sym("y"), _nest(n.Sym("x"), depth)))
        with pytest.raises(SpecError, match=f"more than {MAX_NESTING} levels"):
            parse("(" * depth + "x" + ")" * depth)


def _formulas(root):
    """Every ``~`` call in a decoded tree (iteratively)."""
    stack, seen, found = [root], set(), []
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, (n.RObject, n.Cons)):
            continue
        seen.add(id(node))
        if isinstance(node, n.Lang) and getattr(node.function, "name", None) == "~":
            found.append(node)
        stack.extend(v for k in getattr(type(node), "__slots__", ()) if k != "_header"
                     for v in [getattr(node, k, None)] if v is not None)
        stack.extend(getattr(node, "data", []) if isinstance(node, n.List) else [])
    return found


@pytest.mark.parametrize("case,fn", [("seq_reg_formula_transforms", "("),
                                     ("recipe_categorical_ames", "(")])
def test_a_workflow_with_a_deep_stored_call_fails_typed(case, fn, tmp_path):
    """A fixture workflow whose stored formulas (the model formula, step_mutate's
    quosures) are wrapped in 20,000 parentheses: read, predict and repr end in a
    pykerasnip error or R's predictions, never a RecursionError."""
    tree = rds.load(FIXTURES / case / "workflow.rds")
    formulas = _formulas(tree)
    assert formulas, "the fixture stores no formula"
    for formula in formulas:
        last = formula.cdr
        while last.cdr is not None:
            last = last.cdr
        last.car = _nest(last.car, DEEP // 5, fn)
    path = tmp_path / "deep.rds"
    rds.dump(tree, path)
    new_data = pd.read_csv(FIXTURES / case / "new_data.csv")
    try:
        workflow = pk.read_rds(path, limits=rds.Limits.unlimited())
        assert repr(workflow)
        predicted = workflow.predict(new_data)
    except PykerasnipError as exc:
        assert "levels" in str(exc) or "nest" in str(exc), exc
    else:  # the formulas were not needed to predict: R's numbers, unchanged
        expected = pd.read_csv(FIXTURES / case / "expected_numeric.csv")
        assert predicted[".pred"].to_numpy() == pytest.approx(expected[".pred"].to_numpy(),
                                                              rel=1e-6)
