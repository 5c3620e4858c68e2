"""pykerasnip's writer: Python-written files have R's own shapes and read back to the
same predictions; R-saved files survive read -> write unchanged.

Shapes are compared with the R fixtures element by element (names, classes, R types of
every element of the workflow, model_fit, spec, method and kerasnip fit list); the one
intended difference is the dead Keras reference, an environment stub where R stored a
reticulate closure (REFERENCE §10.3 rule 1).
"""
from __future__ import annotations

import copy
import dataclasses
import gzip
import re

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
import write_cases as wc
from conftest import FIXTURES, case_dir, fixture_cases
from pykerasnip import rds
from pykerasnip.errors import PredictError, SpecError, UnsupportedObjectError
from pykerasnip.rtree import to_tree
from pykerasnip.rds import nodes as n
from pykerasnip.workflows import workflow


#: element paths where the Python file holds a stub in place of R's reticulate closure
STUB_PATHS = ("fit/fit", "combined_model")


def skeleton(node, path: str = "") -> dict[str, tuple]:
    """``{path: (kind, classes, names/formals)}`` for every list element, attribute
    list and closure below ``node`` (values and lengths are ignored)."""
    kind = type(node).__name__
    if not isinstance(node, n.RObject):
        return {path: (kind,)}
    names = node.names if isinstance(node, (n.List, n.Str)) else None
    if isinstance(node, n.Closure):
        names = [k for k, _ in node.formals.items()] if node.formals else []
    classes = tuple(node.classes)
    if "model_spec" in classes:  # the model name is the spec's first class
        classes = ("<model name>", *classes[1:])
    out = {path: (kind, classes, tuple(names or ()))}
    if isinstance(node, n.List):
        for i, child in enumerate(node.data):
            out.update(skeleton(child, f"{path}/{names[i] if names else i}"))
    blocks = node.attr("kerasnip_layer_blocks")
    if blocks is not None:
        out.update(skeleton(blocks, f"{path}@kerasnip_layer_blocks"))
    return out


def differences(written, original) -> list[str]:
    """Paths whose skeleton differs, stubs excluded."""
    a, b = skeleton(written), skeleton(original)
    return [f"{p}: {a.get(p)} != {b.get(p)}" for p in sorted(set(a) | set(b))
            if a.get(p) != b.get(p) and not p.endswith(STUB_PATHS)]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, wc.Written]:
    return wc.written_files(tmp_path_factory.mktemp("written"))


# -- Python-written files -----------------------------------------------------------
#: recipes written by Recipe.to_r (tested with the recipes); compared here: everything else
_PYTHON_RECIPES = ("/pre/actions/recipe/recipe", "/pre/mold/blueprint/recipe")


@pytest.mark.parametrize("name,fixture,ignored", [
    ("python_recipe_reg", "seq_reg_recipe_normalize/workflow.rds", _PYTHON_RECIPES),
    ("python_formula_reg", "seq_reg_formula/workflow.rds", ()),
    ("python_variables_reg", "seq_reg_variables/workflow.rds", ()),
    ("python_recipe_cls", "seq_cls_multiclass_iris/workflow.rds", _PYTHON_RECIPES),
    ("recipe_reg", "seq_reg_recipe_normalize/workflow.rds", ()),
    ("formula_reg", "seq_reg_formula/workflow.rds", ()),
    ("variables_reg", "seq_reg_variables/workflow.rds", ()),
    ("recipe_cls", "seq_cls_multiclass_iris/workflow.rds", ()),
    ("functional_reg", "func_reg_recipe/workflow.rds", ()),
    ("bundle_recipe_reg", "seq_reg_bundle/bundle.rds", ()),
    ("model_fit_xy", "modelfit_xy/model_fit.rds", ()),
    ("model_fit_formula", "modelfit_formula/model_fit.rds", ()),
])
def test_written_tree_has_the_shape_of_r_fixture(written, name: str, fixture: str,
                                                ignored: tuple[str, ...]) -> None:
    found = differences(rds.load(written[name].path), rds.load(FIXTURES / fixture))
    assert [d for d in found if not d.startswith(ignored)] == []


def test_stubs_are_dead_python_references(written) -> None:
    mf = rds.load(written["model_fit_xy"].path)
    for stub in (mf["fit"]["fit"], mf["fit"]["laplace"]["output"]["combined_model"]):
        assert isinstance(stub, n.Environment) and stub.enclos is n.EmptyEnv
        assert stub.classes[-1] == "python.builtin.object"
        assert isinstance(stub.get("pyobj"), n.ExternalPointer) and stub.get("pyobj").prot is None
        assert list(stub.get("convert").data) == [1]


def test_package_closures_live_in_the_kerasnip_namespace(written) -> None:
    mf = rds.load(written["model_fit_xy"].path)
    closures = [entry["post"] for entry in mf["spec"]["method"]["pred"].data]
    closures += [mf["fit"]["process_x"], mf["fit"]["process_y"]]
    for fn in closures:
        assert isinstance(fn.env, n.Namespace) and fn.env.info.data == ["kerasnip", "0.1.2.900"]
    assert mf["fit"]["process_x"].body.function == n.Sym("process_x_sequential")
    assert closures[0].body.function == n.Sym("keras_postprocess_numeric")


def test_layer_blocks_keep_names_and_formals_and_stop(written) -> None:
    spec = rds.load(written["model_fit_xy"].path)["spec"]
    blocks = spec.attr("kerasnip_layer_blocks")
    assert blocks.names == ["input", "hidden", "output"]
    hidden = blocks["hidden"]
    assert hidden.env is n.GlobalEnv
    assert [(k, v.data.tolist() if isinstance(v, n.Real) else v) for k, v in hidden.formals.items()] \
        == [("model", n.MissingArg), ("units", [32.0])]
    assert hidden.body.function == n.Sym("stop")
    assert "defined in Python" in hidden.body.args[0][1].data[0]


def test_argument_quosures_follow_rlang(written) -> None:
    args = rds.load(written["model_fit_xy"].path)["spec"]["args"]
    set_value, unset = args["hidden_units"], args["learn_rate"]
    assert set_value.classes == ["quosure", "formula"]
    assert set_value.attr(".Environment") is n.EmptyEnv
    assert isinstance(set_value.args[0][1], n.Real) and set_value.args[0][1].data.tolist() == [8.0]
    assert unset.args[0][1].inherits("rlang_zap") and unset.attr(".Environment") is n.EmptyEnv


def test_vectors_become_c_calls_and_foreign_values_warn() -> None:
    spec = wc.spec("py_args").set_args(compile_metrics=["mae", "mse"], compile_optimizer=object())
    with pytest.warns(UserWarning, match="compile_optimizer"):
        args = spec.to_r()["args"]
    metrics = args["compile_metrics"]
    assert metrics.attr(".Environment") is n.GlobalEnv
    assert metrics.args[0][1].function == n.Sym("c")
    assert [a.data for _, a in metrics.args[0][1].args] == [["mae"], ["mse"]]
    assert args["compile_optimizer"].args[0][1].inherits("rlang_zap")


def test_file_is_gzip_xdr_version_3(written) -> None:
    data = gzip.decompress(written["recipe_reg"].path.read_bytes())
    assert data[:2] == b"X\n" and int.from_bytes(data[2:6], "big") == 3


@pytest.mark.parametrize("name", wc.WRITTEN_NAMES)
def test_python_written_file_reads_back_to_the_same_predictions(written, name: str) -> None:
    item = written[name]
    back = pk.read_rds(item.path)
    assert type(back) is type(item.obj)
    # classification intervals are Monte Carlo draws: compared with R by the R peer test
    types = ("class", "prob") if item.mode == "classification" else item.predict_types
    for kind in types:
        pd.testing.assert_frame_equal(back.predict(item.new_data, type=kind),
                                      item.obj.predict(item.new_data, type=kind))


def test_python_prepped_last_term_info_is_grouped_as_r_leaves_it(written) -> None:
    """recipes' prep() summarises last_term_info with ``.groups = "keep"``: a grouped_df
    by variable, as in R's file for the same recipe."""
    def last_term_info(path):
        return rds.load(path)["pre"]["mold"]["blueprint"]["recipe"]["last_term_info"]
    ours = last_term_info(written["python_recipe_reg"].path)
    r = last_term_info(FIXTURES / "seq_reg_recipe_normalize" / "workflow.rds")
    assert differences(ours, r) == []
    assert skeleton(ours.attr("groups")) == skeleton(r.attr("groups"))
    assert ours.attr("groups")["variable"].data == r.attr("groups")["variable"].data
    assert [rows.data.tolist() for rows in ours.attr("groups")[".rows"].data] == \
        [rows.data.tolist() for rows in r.attr("groups")[".rows"].data]


def test_mold_extras_hold_the_recipes_other_roles(written) -> None:
    """hardhat's mold keeps the processed id column under ``extras$roles$id``; forge()
    needs it in new data, so the writer's own forge of the prototypes includes it."""
    pre = rds.load(written["python_penguins_reg"].path)["pre"]
    roles = pre["mold"]["extras"]["roles"]
    assert roles.names == ["id"] and roles["id"].names == ["year"]
    assert pre["mold"]["blueprint"]["extra_role_ptypes"]["id"].names == ["year"]
    assert "year" not in pre["mold"]["predictors"].names


def test_untrained_workflow_cannot_be_written() -> None:
    with pytest.raises(PredictError, match="not been trained"):
        workflow("mpg ~ cyl", wc.spec("py_untrained")).to_r()


def test_unknown_preproc_is_refused() -> None:
    model_fit = copy.copy(wc.bare_model_fit())  # the cached fit is shared by other tests
    model_fit.preproc = object()
    with pytest.raises(UnsupportedObjectError, match="model fit's preprocessing"):
        model_fit.to_r()


# -- R-saved files: read -> write changes nothing --------------------------------------
def _fixture_files() -> list:
    return [case_dir(c) / f["file"] for c in fixture_cases() for f in c["files"]]


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_r_file_rewritten_is_r_tree(path) -> None:
    original = rds.load(path)
    rewritten = to_tree(pk.read_rds(path))
    if original.inherits("bundle"):
        assert differences(rewritten, original) == []
    else:
        assert rds.dumps(rewritten) == rds.dumps(original)


@pytest.mark.parametrize("fixture,kind", [
    ("seq_reg_recipe_normalize/workflow.rds", "conf_int"),
    ("seq_reg_bundle/bundle.rds", "numeric"),
    ("modelfit_formula/model_fit_bundle.rds", "numeric"),
    ("seq_cls_multiclass_iris/workflow.rds", "prob"),
])
def test_r_file_rewritten_predicts_the_same(tmp_path, fixture: str, kind: str) -> None:
    path = FIXTURES / fixture
    new_data = pk.read_rds(path.parent / "new_data.rds")
    pk.write_rds(pk.read_rds(path), tmp_path / "again.rds")
    pd.testing.assert_frame_equal(pk.read_rds(tmp_path / "again.rds").predict(new_data, type=kind),
                                  pk.read_rds(path).predict(new_data, type=kind))


# -- multistep (vector-valued output) fits --------------------------------------------
def _two_step_output(tensor):
    import keras

    return keras.layers.Dense(2)(tensor)


@pytest.fixture(scope="module")
def multistep_fit():
    blocks = {"main_input": wc.functional_input,
              "dense": pk.inp_spec(wc.functional_dense, "main_input"),
              "output": pk.inp_spec(_two_step_output, "dense")}
    make = pk.create_keras_functional_spec("py_multistep", blocks)
    cars = wc.training_data("mtcars")
    x = cars[["cyl", "disp", "hp", "wt"]]
    y = pd.DataFrame({"lead_1_mpg": cars["mpg"], "lead_2_mpg": cars["mpg"] * 1.1})
    return make(fit_epochs=2).set_engine("keras").fit_xy(x, y, seed=wc.SEED), x.head(5)


def test_multistep_fit_writes_steps_and_joint_noise(tmp_path, multistep_fit) -> None:
    model_fit, new_data = multistep_fit
    pk.write_rds(model_fit, tmp_path / "multistep.rds")
    tree = rds.load(tmp_path / "multistep.rds")
    info = tree["fit"]["multistep_info"]
    assert info["steps"].data.tolist() == [1, 2] and info["vars"].data == ["mpg", "mpg"]
    laplace = tree["fit"]["laplace"]
    assert laplace.names == ["step_1", "step_2"]
    assert [entry["col_idx"].data.tolist() for entry in laplace.data] == [[1], [2]]
    cov = laplace.attr("joint_noise_cov")
    assert cov.attr("dim").data.tolist() == [2, 2]
    np.testing.assert_array_equal(cov.data.reshape(2, 2, order="F"), model_fit.fit.joint_noise_cov)
    back = pk.read_rds(tmp_path / "multistep.rds")
    for kind in ("numeric", "conf_int", "pred_int"):
        pd.testing.assert_frame_equal(back.predict(new_data, type=kind),
                                      model_fit.predict(new_data, type=kind))


@pytest.mark.parametrize("name", ["_private", "2layers", "my-mlp", "function"])
def test_model_name_must_be_an_r_name(name: str) -> None:
    spec = wc.spec("py_named")
    spec.model_name = name
    with pytest.raises(SpecError, match="not a valid R function name"):
        spec.to_r()


def _fixture_workflows() -> list:
    params = []
    for c in fixture_cases():
        for f in c["files"]:
            pre = f["object"].get("preprocessor")
            if pre is None or c["case"] == "butchered":  # rebuilt workflows are not butchered
                continue
            params.append(case_dir(c) / f["file"])
    return params


@pytest.mark.parametrize("path", _fixture_workflows(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_workflow_rebuilt_around_r_parts_has_r_shape(path) -> None:
    """The writer's own workflow assembly (stages, actions, untrained blueprint, 0-row
    mold) around R's blueprint, recipe, spec and model fit gives R's skeleton. The mold's
    outcomes are the outcome prototypes (original columns), so their types may differ
    where a recipe transforms the outcome; R's mold keeps the training rows, which are
    elements of a list column (step_collapse)."""
    wf = pk.unbundle(pk.read_rds(path))
    rebuilt = dataclasses.replace(wf, r_node=None).to_r()
    assert [d for d in differences(rebuilt, to_tree(wf))
            if not d.startswith("/pre/mold/outcomes/") and not _ROW_OF_MOLD.match(d)] == []


#: a row of a list column of the mold's predictors
_ROW_OF_MOLD = re.compile(r"/pre/mold/predictors/[^/]+/\d+: ")
