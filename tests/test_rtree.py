"""Structural relations between the parts of a stored workflow that R itself relies on:
a file whose parts disagree is refused with a typed error, never predicted differently.

Each case decodes an R-saved fixture, breaks one relation, encodes the tree again and
reads and predicts it as a user would."""
from __future__ import annotations

import warnings

import pytest

from conftest import FIXTURES
from pykerasnip import rds
from pykerasnip.convert import to_pandas
from pykerasnip.errors import MalformedObjectError
from pykerasnip.formula.parse import call
from pykerasnip.io import from_bytes
from pykerasnip.rds import nodes as rn


def _predict(case: str, file: str, edit) -> None:
    """Read ``case/file`` with ``edit`` applied to its tree and predict its new data."""
    tree = rds.load(FIXTURES / case / file)
    edit(tree)
    new_data = to_pandas(rds.load(FIXTURES / case / "new_data.rds"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_bytes(rds.dumps(tree)).predict(new_data)


def _recipe(tree):
    return tree["pre"]["mold"]["blueprint"]["recipe"]


def _blueprint_terms(tree):
    return tree["pre"]["mold"]["blueprint"]["terms"]["predictors"]


def _model_fit_terms(tree):
    return tree["preproc"]["terms"]


def _last_term_info_number(tree, value: float) -> None:
    last = _recipe(tree)["last_term_info"]
    last["number"] = rn.Real([value] * len(last["number"]))


def _drop_last(terms, attr: str) -> None:
    old = terms.attr(attr)
    terms.set_attr(attr, call("list", *[v for _, v in old.args][:-1]))


def _replace_last(terms, attr: str, value) -> None:
    old = terms.attr(attr)
    terms.set_attr(attr, call("list", *[v for _, v in old.args][:-1], value))


def _drop_class(terms) -> None:
    classes = terms.attr("dataClasses")
    terms.set_attr("dataClasses", rn.Str(classes.data[1:], None))
    terms.attr("dataClasses").set_attr("names", rn.Str(classes.names[1:]))


def _drop_column(frame, index: int = -1) -> None:
    del frame.data[index]
    del frame.attr("names").data[index]


def _drop_field(node, name: str) -> None:
    _drop_column(node, node.names.index(name))


@pytest.mark.parametrize("case, file, edit, problem", [
    # a trained recipe whose steps are gone bakes other numbers: its last_term_info
    # still records that every variable was left by step 1
    ("seq_reg_recipe_normalize", "workflow.rds",
     lambda t: _recipe(t).__setitem__("steps", rn.List([])), "names steps beyond its 0 steps"),
    ("seq_reg_recipe_normalize", "workflow.rds",
     lambda t: _last_term_info_number(t, 0.0), "not left by its last step"),
    ("seq_reg_recipe_normalize", "workflow.rds",
     lambda t: _last_term_info_number(t, 2.0), "beyond its 1 steps"),
    ("seq_reg_recipe_normalize", "workflow.rds",
     lambda t: _recipe(t)["last_term_info"].__setitem__(
         "skip", rn.Logical([1] * len(_recipe(t)["last_term_info"]["skip"]))), "skip flags"),
    # model.frame evaluates one predvars expression per variable
    ("seq_reg_formula_factor_traditional", "workflow.rds",
     lambda t: _drop_last(_blueprint_terms(t), "predvars"), "3 predvars for 4 variables"),
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: _drop_last(_model_fit_terms(t), "predvars"), "4 predvars for 5 variables"),
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: _replace_last(_model_fit_terms(t), "predvars", rn.Real([float("nan")])),
     r"predvars for \['Petal.Width'\] are not its variables' calls"),
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: _drop_class(_model_fit_terms(t)), "dataClasses miss variables"),
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: _model_fit_terms(t).set_attr("order", rn.Integer([1, 1, 1, 2])), "order"),
    ("seq_reg_formula_factor_traditional", "workflow.rds",
     lambda t: _blueprint_terms(t).attr("factors").attr("dimnames").data[1].data.reverse(),
     "labelled by its variables and term.labels"),
    # the model was fitted on the molded predictors; forging must remake them
    ("seq_reg_recipe_normalize", "workflow.rds",
     lambda t: t["pre"]["mold"]["predictors"].attr("names").data.reverse(), "fitted on"),
    ("seq_reg_formula_factor_traditional", "workflow.rds",
     lambda t: _drop_column(t["pre"]["mold"]["predictors"]), "fitted on"),
    # parsnip's and kerasnip's outcome levels are both levels(y) at fit time
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: _drop_field(t["fit"], "lvl"), "stores no outcome levels"),
    ("modelfit_cls_formula", "model_fit.rds",
     lambda t: t["lvl"].data.reverse(), "differ from its kerasnip fit's"),
])
def test_parts_that_disagree_are_refused(case, file, edit, problem) -> None:
    with pytest.raises(MalformedObjectError, match=problem):
        _predict(case, file, edit)


@pytest.mark.parametrize("case, file", [("seq_reg_recipe_normalize", "workflow.rds"),
                                        ("seq_reg_formula_factor_traditional", "workflow.rds"),
                                        ("modelfit_cls_formula", "model_fit.rds")])
def test_the_unbroken_files_predict(case, file) -> None:
    """The same round trip without an edit reads and predicts (the checks hold for R's files)."""
    _predict(case, file, lambda t: None)
