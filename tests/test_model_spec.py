"""Specs from layer blocks: argument discovery (against R's stored specs), spec
methods, R's make.names, and the dials mapping."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import FIXTURES, MANIFEST
from r_oracle import plain, requires_r, run_r
from pykerasnip.errors import SpecError
from pykerasnip.model import (MISSING, ZAP, BlockSignature, create_keras_functional_spec,
                              create_keras_sequential_spec, dials_function, discover_args,
                              inp_spec, make_names, remove_keras_spec)



def input_block(model, input_shape):
    return ("input", input_shape)


def hidden_block(model, units=32):
    return model


def output_block(model):
    return model


SEED_BLOCKS = {"input": input_block, "hidden": hidden_block, "output": output_block}

# names(spec$args) of the seed fixture, as R printed them
SEED_ARGS = [
    "num_input", "num_hidden", "num_output", "hidden_units", "learn_rate",
    "fit_batch_size", "fit_epochs", "fit_callbacks", "fit_validation_split",
    "fit_validation_data", "fit_shuffle", "fit_class_weight", "fit_sample_weight",
    "fit_initial_epoch", "fit_steps_per_epoch", "fit_validation_steps",
    "fit_validation_batch_size", "fit_validation_freq", "fit_verbose", "fit_view_metrics",
    "compile_optimizer", "compile_loss", "compile_metrics", "compile_loss_weights",
    "compile_weighted_metrics", "compile_run_eagerly", "compile_steps_per_execution",
    "compile_jit_compile", "compile_auto_scale_loss",
]


def _case(name: str) -> dict:
    return next(c for c in MANIFEST["cases"] if c["case"] == name)


def test_seed_blocks_give_rs_argument_names_in_rs_order():
    assert discover_args(SEED_BLOCKS, functional=False) == SEED_ARGS
    obj = _case("seq_reg_recipe_normalize")["files"][0]["object"]
    assert set(SEED_ARGS) == set(obj["spec_args_set"]) | set(obj["spec_args_zapped"])


_R_SPEC = """
suppressWarnings(x <- readRDS(path))
spec <- x$fit$fit$spec
blocks <- attr(spec, "kerasnip_layer_blocks")
fm <- lapply(blocks, function(f) {
  a <- formals(f)
  lapply(seq_along(a), function(i) list(arg = names(a)[i],
    missing = is.symbol(a[[i]]) && identical(as.character(a[[i]]), "")))
})
list(args = names(spec$args), blocks = fm, block_names = names(blocks),
     functional = isTRUE(attr(spec, "kerasnip_functional")))
"""


@requires_r()
@pytest.mark.parametrize("case", ["seq_reg_recipe_normalize", "seq_cls_tuned_args",
                                  "func_reg_recipe", "func_cls_recipe"])
def test_argument_names_equal_rs_from_stored_block_formals(case):
    r = plain(run_r(_R_SPEC, inputs={"path": FIXTURES / case / "workflow.rds"}))
    blocks = {name: BlockSignature(name, [(f["arg"][0], MISSING if f["missing"][0] else None)
                                          for f in r["blocks"][name]])
              for name in r["block_names"]}
    assert discover_args(blocks, r["functional"][0]) == r["args"]
    obj = _case(case)["files"][0]["object"]
    assert set(r["args"]) == set(obj["spec_args_set"]) | set(obj["spec_args_zapped"])


def test_functional_discovery_skips_graph_inputs_and_injected_formals():
    def main_input(input_shape):
        return None

    def path(tensor, units=16):
        return tensor

    def concat(input_a, input_b):
        return input_a

    def output(tensor, num_classes, activation="softmax"):
        return tensor

    blocks = {"main_input": main_input, "path_a": inp_spec(path, "main_input"),
              "path_b": inp_spec(path, "main_input"),
              "concatenated": inp_spec(concat, {"input_a": "path_a", "input_b": "path_b"}),
              "output": inp_spec(output, "concatenated")}
    args = discover_args(blocks, functional=True)
    assert args[:9] == ["num_main_input", "num_path_a", "num_path_b", "num_concatenated",
                        "num_output", "path_a_units", "path_b_units", "output_activation",
                        "learn_rate"]


def test_inp_spec_renames_and_forwards_arguments():
    def block(input_a, input_b, scale=2):
        return (input_a, input_b, scale)

    wired = inp_spec(block, {"input_a": "left", "input_b": "right"})
    assert wired(left=1, right=2) == (1, 2, 2)
    assert inp_spec(block, "up")(up=5, input_b=6, scale=1) == (5, 6, 1)
    with pytest.raises(SpecError, match="not arguments"):
        inp_spec(block, {"nope": "x"})
    with pytest.raises(SpecError):
        inp_spec(block, 3)


def test_constructor_spec_methods_and_argument_routing():
    make = create_keras_sequential_spec("spec_methods_mlp", SEED_BLOCKS)
    spec = make(hidden_units=8, fit_verbose=1, extra_dot=3)
    assert spec.args["hidden_units"] == 8 and spec.args["learn_rate"] is ZAP
    assert list(spec.args)[:len(SEED_ARGS)] == SEED_ARGS and spec.args["extra_dot"] == 3
    routed = spec.set_engine("keras", verbose=2).routed_args()
    # fit_verbose and constructor extras never reach the fit function; verbose does
    assert "fit_verbose" not in routed and "extra_dot" not in routed and routed["verbose"] == 2

    other = spec.set_args(learn_rate=0.1, foo=1)
    assert other.args["learn_rate"] == 0.1 and other.eng_args == {"foo": 1}
    assert spec.args["learn_rate"] is ZAP  # specs are values: the original is unchanged

    upd = other.update(hidden_units=None, fit_epochs=3)
    assert upd.args["hidden_units"] == 8 and upd.args["fit_epochs"] == 3
    assert upd.update(fresh=True, parameters={"num_hidden": 2}).args["hidden_units"] is ZAP
    with pytest.raises(SpecError, match="not an argument"):
        spec.update(bogus=1)
    with pytest.raises(SpecError, match="engine"):
        spec.set_engine("tensorflow")
    assert remove_keras_spec("spec_methods_mlp") and not remove_keras_spec("spec_methods_mlp")


def test_bad_block_lists_are_rejected():
    with pytest.raises(SpecError, match="reserved"):
        create_keras_sequential_spec("bad", {"fit": hidden_block})
    with pytest.raises(SpecError, match="mode"):
        create_keras_functional_spec("bad", SEED_BLOCKS, mode="survival")


@pytest.mark.parametrize("arg, expected", [
    ("num_hidden", ("dials", "num_terms")), ("hidden_units", ("dials", "hidden_units")),
    ("drop_rate", ("dials", "dropout")), ("learn_rate", ("dials", "learn_rate")),
    ("fit_epochs", ("dials", "epochs")), ("compile_loss", ("kerasnip", "loss_function_keras")),
    ("conv_kernel_size", ("dials", "conv_kernel_size")),  # suffix "size" is unmapped
    ("dense_activation", ("dials", "dense_activation")),
])
def test_dials_mapping(arg, expected):
    assert dials_function(arg) == expected


TRICKY = [".pred_lower_level A", ".pred_lower_level A", "1abc", ".2x", "if", "a-b", "ok",
          "", "_x", "ok.1", "ok", "é-ü", "TRUE", ".", "..."]


def test_make_names_examples():
    assert make_names(["level A", "1abc", ".2x", "if", "a-b"]) == [
        "level.A", "X1abc", "X.2x", "if.", "a.b"]
    assert make_names(["ok", "ok.1", "ok"], unique=True) == ["ok", "ok.1", "ok.2"]


@requires_r()
def test_make_names_equals_r():
    out = run_r("make.names(x, unique = TRUE)", inputs={"x": np.array(TRICKY, dtype=object)},
                env={"LC_ALL": "C.UTF-8"})
    assert make_names(TRICKY, unique=True) == out.tolist()


def test_importing_the_model_package_does_not_import_tensorflow():
    code = ("import sys, pykerasnip.model, pykerasnip.model.sklearn; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@requires_r()
@pytest.mark.parametrize("seed", [42, -7, 2**31 - 1])
def test_r_random_stream_equals_r(seed):
    from pykerasnip.rrng import RRandom

    want = run_r(f"set.seed({seed}); c(runif(700), rnorm(400))").tolist()
    stream = RRandom(seed)
    assert stream.unif_rand(700).tolist() == want[:700]  # exact, across a state refill
    assert stream.rnorm(400).tolist() == want[700:]


@requires_r()
def test_r_sample_one_equals_r():
    from pykerasnip.rrng import RRandom

    sizes = [1, 2, 3, 5, 8, 70000]  # 70000 needs two 16-bit chunks per draw
    code = ("set.seed(9); unlist(lapply(rep(c({}), each = 50), function(n) "
            "sample.int(n, 1)))").format(", ".join(map(str, sizes)))
    stream = RRandom(9)
    got = [stream.sample_one(range(1, n + 1)) for n in sizes for _ in range(50)]
    assert got == run_r(code).tolist()


@requires_r()
def test_qnorm_equals_r_bit_for_bit():
    from pykerasnip.rrng import qnorm

    pairs = run_r("set.seed(3); p <- c(runif(3000), 10^-(1:300), 1 - 10^-(1:15), 0.5, 0.925, 0.075); "
                  "cbind(p, qnorm(p), deparse.level = 0)")
    assert qnorm(pairs[:, 0]).tolist() == pairs[:, 1].tolist()
