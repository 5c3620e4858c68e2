"""Summaries (``pykerasnip inspect``, reprs, ``str()``-like trees, tibble printing) against
what R saved in the fixtures' manifest and what R itself prints."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES, case_dir, fixture_cases
from pykerasnip import rds
from pykerasnip.rds import build as b
from pykerasnip.rformat import step_values, tibble_str, tree_str
from pykerasnip.summary import describe_file
from r_oracle import requires_r, run_r


def _saved_models() -> list:
    """(path, manifest object record) of every fixture file that holds a model."""
    return [pytest.param(case_dir(case) / f["file"], f["object"], id=f"{case['case']}/{f['file']}")
            for case in fixture_cases(None) if case["status"] != "failed"
            for f in case["files"] if "model_name" in (f.get("object") or {})]


@pytest.mark.parametrize("path, saved", _saved_models())
def test_describe_file_reports_what_r_saved(path: Path, saved: dict) -> None:
    text = describe_file(path)
    assert f"R class: {saved['saved_class']}" in text
    kind = "functional" if saved["kerasnip_functional"] else "sequential"
    assert f"Model: {saved['model_name']} ({saved['mode']}; kerasnip {kind} spec" in text
    for name, value in saved["spec_args_set"].items():
        assert f"{name} = {value}" in text
    zapped = saved["spec_args_zapped"]
    assert (f"unset ({len(zapped)}): {', '.join(zapped)}" in text) == bool(zapped)
    assert f"parameters, {saved['keras_bytes_length']:,} bytes" in text
    steps = [s["step"] for s in saved.get("recipe_steps") or []]
    listed = [line[4:].split(" ")[0] for line in text.splitlines() if line.startswith("  - ")]
    assert listed == steps
    if saved.get("outcome_levels"):
        assert f"outcome levels: {saved['outcome_levels']}" in text


def test_step_values_of_a_python_prepped_recipe_are_the_training_statistics() -> None:
    import pykerasnip as pk

    mtcars = pk.datasets.mtcars()
    rec = pk.recipe("mpg ~ .", mtcars)
    step = rec.step_normalize(pk.all_predictors()).prep().steps[0]
    values = dict(step_values(step))
    cyl, disp, hp = (mtcars[c] for c in ("cyl", "disp", "hp"))
    assert values["means"] == f"cyl={cyl.mean():.4g}, disp={disp.mean():.4g}, hp={hp.mean():.4g}, ... (10)"
    assert values["sds"] == f"cyl={cyl.std():.4g}, disp={disp.std():.4g}, hp={hp.std():.4g}, ... (10)"


def test_step_values_skip_the_common_fields() -> None:
    wf_node = rds.load(FIXTURES / "recipe_impute_credit" / "workflow.rds")
    from pykerasnip.io import from_tree

    steps = from_tree(wf_node).blueprint.recipe.steps
    fields = {step.name: dict(step_values(step)) for step in steps}
    assert fields["step_impute_median"] == {"medians": "Assets=3000, Debt=0"}
    assert fields["step_zv"] == {"removals": "Marital_unknown"}
    assert not any({"id", "role", "trained", "skip", "terms"} & set(f) for f in fields.values())


# -- R's own printing ---------------------------------------------------------------------
def _r_output(code: str, **inputs: object) -> list[str]:
    """The lines R prints when it runs ``code``."""
    return run_r(f"capture.output({{\n{code}\n}})", inputs=inputs).tolist()


_TREES = {
    "atomic": b.named_list(num=b.dbl(1.5, 22.25, None, 1e-5, 3, 4), int=b.int_(1, None, 3),
                           flag=b.lgl(True, None, False), one=b.chr("a"), empty=b.chr(),
                           text=b.chr("x", None, "zz", "w", "v"), bytes=b.raw(b"\x00\x1fPK\xff\x10")),
    "nested": b.structure(
        b.named_list(inner=b.structure(b.named_list(a=b.int_(1), deeper=b.named_list(z=b.lgl(True))),
                                       {"class": ["thing", "base"]}),
                     nothing=None, empty=b.named_list(), unnamed=b.r_list([b.dbl(2.0), b.chr("q")])),
        {"class": "outer"}),
    "calls": b.named_list(f=b.call("log", b.call("+", b.sym("a"), b.dbl(1.0))), s=b.sym("name"),
                          t=b.structure(b.dbl(0.948, 0.06, 1.617, 0, 0), {"class": "proc_time"}),
                          i=b.structure(b.int_(*range(12)), {"names": b.chr(*"abcdefghijkl")})),
}


@requires_r()
@pytest.mark.parametrize("name", sorted(_TREES))
@pytest.mark.parametrize("depth", [1, 3])
def test_tree_str_is_r_str(name: str, depth: int, tmp_path: Path) -> None:
    node = _TREES[name]
    rds.dump(node, tmp_path / "x.rds")
    want = _r_output("str(readRDS(path), max.level = depth)", path=tmp_path / "x.rds", depth=depth)
    assert tree_str(node, max_depth=depth).splitlines() == want


@requires_r("tibble")
def test_tibble_str_is_r_print_of_a_tibble(tmp_path: Path) -> None:
    frame = pd.DataFrame({".pred": [2.335538, 14.86310, -0.0456], "n": pd.array([1, None, 30], "Int32"),
                          "cls": pd.Categorical(["a", "bb", None]), "txt": ["x", None, "long text"]})
    frame.to_csv(tmp_path / "f.csv", index=False)
    want = _r_output(
        'x <- read.csv(path); x$n <- as.integer(x$n); '
        'x$cls <- factor(x$cls, levels = c("a", "bb")); x$txt[x$txt == ""] <- NA; '
        'options(cli.num_colors = 1); print(tibble::as_tibble(x))', path=tmp_path / "f.csv")
    assert tibble_str(frame).splitlines() == want
    assert np.isfinite(frame[".pred"]).all()
