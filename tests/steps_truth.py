"""The recipes-1.3.2 ground truth of tests/data/steps (made by tests/r/make_steps_truth.R)
and the four checks every step case goes through:

1. bake: the recipe R prepped, read in Python, bakes R's new data exactly as R did;
2. prep: the same recipe built and prepped in Python holds R's trained values and bakes
   the same (for a case whose steps train only in R, ``prep_in_r``: Python's prep
   refuses them with UnsupportedStepError);
3. write (recipes 1.3.2): the Python-prepped recipe (``prep_in_r``: R's recipe, its
   steps re-made by their ``to_r()``), written with ``write_rds``, is baked by R's
   ``bake()`` into R's own output (skipped without /opt/rstack);
4. write (Debian's recipes 1.0.4), for the cases that version can run.

A missing ground-truth file fails; a missing R skips with its reason.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from pykerasnip.convert import to_pandas
from pykerasnip.errors import UnsupportedStepError
from pykerasnip.rds import load
from pykerasnip.rds.nodes import RObject
from pykerasnip.rrng import r_session
from r_oracle import requires_r, run_r

TRUTH = ROOT / "tests" / "data" / "steps"
#: attributes of a step that are not trained state
NOT_STATE = {"terms", "terms_r", "r_node", "id", "trained"}
#: the seed R sets before baking new data (step_sample / step_shuffle draw from it)
BAKE_SEED = 4242


@dataclass
class Case:
    """A ground-truth case: its folder name, the recipe formula and the Python steps."""

    name: str
    formula: str
    build: Callable[[Any], Any]
    #: step attributes left out of the prep comparison (with the reason in a comment)
    skip_state: tuple[str, ...] = ()
    #: can Debian's recipes 1.0.4 bake what Python writes?
    debian: bool = True
    #: tolerances of every comparison (trained values and baked doubles; 0: bit for bit)
    atol: float = 0.0
    rtol: float = 0.0
    strings_as_factors: bool = True
    #: the steps train only in R (base.PREP_EXCEPTIONS): Python's prep must refuse them
    prep_in_r: bool = False
    extra: dict = field(default_factory=dict)
    #: why Debian's recipes 1.0.4 bakes the Python-written recipe otherwise than 1.3.2
    debian_written_xfail: str | None = None

    def __repr__(self) -> str:
        return self.name


def truth_file(name: str, file: str) -> Path:
    path = TRUTH / name / file
    assert path.exists(), f"missing ground truth {path}: run tests/r/make_steps_truth.R"
    return path


def truth_frame(name: str, file: str) -> pd.DataFrame:
    return to_pandas(load(truth_file(name, file)))


def r_recipe(name: str) -> Any:
    from pykerasnip.recipes import Recipe
    return Recipe.from_r(load(truth_file(name, "recipe.rds")))


def csv_values(name: str, like: pd.DataFrame) -> pd.DataFrame:
    """baked.csv with its doubles decoded from C99 hex, typed as the baked frame."""
    raw = pd.read_csv(truth_file(name, "baked.csv"), dtype=str, keep_default_na=False)
    out = {}
    for column in like.columns:
        text = raw[column]
        if pd.api.types.is_float_dtype(like[column]):
            out[column] = np.array([_hex(v) for v in text], dtype="f8")
        else:
            out[column] = text.where(text != "NA", None)
    return pd.DataFrame(out)


def _hex(text: str) -> float:
    specials = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return specials[text] if text in specials else float.fromhex(text)


# -- comparisons ------------------------------------------------------------------------
def kind(column: pd.Series) -> tuple:
    """The R type of a column: factor (levels, ordered), integer, double, logical..."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return ("factor", tuple(dtype.categories), bool(dtype.ordered))
    for name, test in (("logical", pd.api.types.is_bool_dtype),
                       ("integer", pd.api.types.is_integer_dtype),
                       ("double", pd.api.types.is_float_dtype),
                       ("datetime", pd.api.types.is_datetime64_any_dtype)):
        if test(dtype):
            return (name,)
    return ("character",)


def assert_same_frame(got: pd.DataFrame, want: pd.DataFrame, atol: float = 0.0,
                      rtol: float = 0.0) -> None:
    """Same column names and order, R types, rows and values (doubles bit for bit unless
    ``atol``/``rtol``; NaN equals NaN)."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for name in want.columns:
        g, w = got[name].reset_index(drop=True), want[name].reset_index(drop=True)
        assert kind(g) == kind(w), (name, kind(g), kind(w))
        if kind(w) == ("double",):
            gv, wv = g.to_numpy("f8"), w.to_numpy("f8")
            np.testing.assert_array_equal(np.isnan(gv), np.isnan(wv), err_msg=name)
            ok = ~np.isnan(wv)
            np.testing.assert_allclose(gv[ok], wv[ok], rtol=rtol, atol=atol, err_msg=name)
            if atol == rtol == 0:
                assert gv[ok].tobytes() == wv[ok].tobytes(), name
        else:
            assert _listed(g) == _listed(w), name


def _listed(column: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in column.astype(object)]


def assert_same_state(got: Any, want: Any, path: str = "", atol: float = 0.0,
                      rtol: float = 0.0) -> None:
    """Deep equality of trained values (frames, series, arrays, dicts, floats with NaN;
    floats to ``atol``/``rtol`` when given)."""
    def same(a: Any, b: Any, where: str) -> None:
        assert_same_state(a, b, where, atol, rtol)

    if isinstance(want, pd.DataFrame):
        assert isinstance(got, pd.DataFrame), path
        assert list(got.columns) == list(want.columns) and list(got.index) == list(want.index), path
        same(got.to_numpy(), want.to_numpy(), path)
    elif isinstance(want, pd.Series):
        got = pd.Series(got)
        assert list(got.index) == list(want.index), path
        same(got.to_numpy(), want.to_numpy(), path)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), (path, got, want)
        for key in want:
            same(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, (list, tuple, np.ndarray)) and not isinstance(want, str):
        g, w = np.asarray(got, dtype=object).ravel(), np.asarray(want, dtype=object).ravel()
        assert len(g) == len(w), (path, got, want)
        for i, (a, b) in enumerate(zip(g, w)):
            same(a, b, f"{path}[{i}]")
    elif isinstance(want, (float, np.floating)) and not isinstance(got, (str, bool)):
        assert got is not None and (math.isclose(float(got), float(want), rel_tol=rtol, abs_tol=atol)
                                    or (math.isnan(float(got)) and math.isnan(float(want)))), \
            (path, got, want)
    elif isinstance(want, RObject):
        assert repr(got) == repr(want), (path, got, want)
    elif hasattr(want, "__dict__") and not isinstance(want, type):
        assert type(got) is type(want), path
        same(vars(got), vars(want), path)
    else:
        assert got == want, (path, got, want)


# -- the four checks ----------------------------------------------------------------------
@contextlib.contextmanager
def at_r_clock(name: str) -> Iterator[None]:
    """Within: ddalpha's clock (the seed of its random engine when ``seed = 0``) reads the
    second R made case ``name`` in, when the case recorded it (clock.txt)."""
    from pykerasnip.native import ddalpha
    recorded = TRUTH / name / "clock.txt"
    if not recorded.exists():
        yield
        return
    second, clock = int(recorded.read_text()), ddalpha.clock
    ddalpha.clock = lambda: second
    try:
        yield
    finally:
        ddalpha.clock = clock


def check_r_bake(case: Case) -> None:
    """Python bakes R's new data through the recipe R prepped exactly as R did (the
    doubles of baked.csv are those of baked.rds)."""
    want = truth_frame(case.name, "baked.rds")
    doubles = [c for c in want.columns if kind(want[c]) == ("double",)]
    assert_same_frame(csv_values(case.name, want)[doubles], want[doubles])
    with r_session(BAKE_SEED), at_r_clock(case.name):
        got = r_recipe(case.name).bake(truth_frame(case.name, "new.rds"))
    assert_same_frame(got, want, case.atol, case.rtol)


def python_prep(case: Case) -> Any:
    import pykerasnip.recipes as rc
    train = truth_frame(case.name, "train.rds")
    return case.build(rc.recipe(case.formula, train)).prep(
        train, strings_as_factors=case.strings_as_factors)


def check_python_prep(case: Case) -> None:
    """Python's prep gives R's trained values, term info and baked output (or, for a
    step that trains only in R, refuses with UnsupportedStepError)."""
    if case.prep_in_r:
        with pytest.raises(UnsupportedStepError, match="prep the recipe in R"):
            python_prep(case)
        return
    ours, theirs = python_prep(case), r_recipe(case.name)
    assert len(ours.steps) == len(theirs.steps)
    for mine, r_step in zip(ours.steps, theirs.steps):
        assert type(mine) is type(r_step)
        state = sorted(set(vars(r_step)) - NOT_STATE - set(case.skip_state))
        for name in state:
            assert_same_state(getattr(mine, name), getattr(r_step, name),
                              f"{mine.r_class}.{name}", case.atol, case.rtol)
    assert list(ours.term_info["variable"]) == list(theirs.term_info["variable"])
    assert [r if isinstance(r, str) else None for r in ours.term_info["role"]] == \
        [r if isinstance(r, str) else None for r in theirs.term_info["role"]]
    with r_session(BAKE_SEED), at_r_clock(case.name):
        baked = ours.bake(truth_frame(case.name, "new.rds"))
    assert_same_frame(baked, truth_frame(case.name, "baked.rds"), case.atol, case.rtol)


def check_read_back(case: Case) -> None:
    """The Python-prepped recipe, serialized and read again by Python, bakes R's output."""
    from pykerasnip.io import from_bytes, to_bytes
    again = from_bytes(to_bytes(recipe_to_write(case)))
    with r_session(BAKE_SEED), at_r_clock(case.name):
        baked = again.bake(truth_frame(case.name, "new.rds"))
    assert_same_frame(baked, truth_frame(case.name, "baked.rds"), case.atol)


def recipe_to_write(case: Case) -> Any:
    """The recipe the write checks give R: Python's prep, or for steps that train only
    in R, R's recipe with every part re-made by Python's ``to_r()``."""
    if not case.prep_in_r:
        return python_prep(case)
    rec = r_recipe(case.name)
    rec.r_node = None
    for step in rec.steps:
        step.r_node = None
    return rec


_R_BAKE_WRITTEN = r"""
setNames(lapply(names, function(name) {
  dir <- file.path(root, name)
  set.seed(seed)
  tryCatch(bake(readRDS(file.path(dir, "written.rds")), readRDS(file.path(dir, new_data))),
           error = function(e) conditionMessage(e))
}), names)
"""


def r_bake_folders(root: Path, names: list[str], new_data: str, seed: int, stack: str,
                   packages: tuple[str, ...] = ("recipes",)) -> dict[str, Any]:
    """R's ``bake(readRDS("written.rds"), readRDS(new_data))`` in each folder ``root/name``
    (after ``set.seed(seed)``): name -> the baked frame, or R's error message."""
    baked = run_r(_R_BAKE_WRITTEN, inputs={"root": root, "names": names, "new_data": new_data,
                                           "seed": seed},
                  packages=packages, stack=stack, raw=True, timeout=1200)
    return {name: to_pandas(node) if node.inherits("data.frame") else str(node.data[0])
            for name, node in baked.items()}


def r_bake_written(cases: list[Case], stack: str) -> dict[str, Any]:
    """Prep every case in Python, write it with ``write_rds``, and bake R's new data
    through it with R (``stack``: "rstack" for recipes 1.3.2, "system" for Debian's R).
    Returns name -> the baked frame, or R's error message."""
    from pykerasnip.io import write_rds

    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            folder = Path(tmp) / case.name
            folder.mkdir()
            write_rds(recipe_to_write(case), folder / "written.rds")
            shutil.copy(truth_file(case.name, "new.rds"), folder / "new.rds")
        return r_bake_folders(Path(tmp), [c.name for c in cases], "new.rds", BAKE_SEED, stack)


def check_r_baked(case: Case, results: dict[str, Any]) -> None:
    got = results[case.name]
    assert not isinstance(got, str), f"R's bake() failed on the written recipe: {got}"
    assert_same_frame(got, truth_frame(case.name, "baked.rds"), case.atol, case.rtol)


requires_rstack = requires_r("recipes==1.3.2", stack="rstack")
requires_debian_r = requires_r("recipes")


def make_tests(cases: list[Case]) -> dict[str, Any]:
    """The four tests for ``cases``, to be bound as module globals of a test file."""
    by_name = {c.name: c for c in cases}
    ids = [c.name for c in cases]

    @pytest.mark.parametrize("name", ids)
    def test_bake_of_r_prepped_recipe_matches_r(name: str) -> None:
        check_r_bake(by_name[name])

    @pytest.mark.parametrize("name", ids)
    def test_python_prep_matches_r(name: str) -> None:
        check_python_prep(by_name[name])

    @pytest.fixture(scope="module")
    def rstack_baked() -> dict[str, Any]:
        return r_bake_written(cases, "rstack")

    @pytest.fixture(scope="module")
    def debian_baked() -> dict[str, Any]:
        return r_bake_written([c for c in cases if c.debian], "system")

    @requires_rstack
    @pytest.mark.parametrize("name", ids)
    def test_recipes_132_bakes_the_written_recipe(name: str, rstack_baked: dict) -> None:
        check_r_baked(by_name[name], rstack_baked)

    @requires_debian_r
    @pytest.mark.parametrize("name", [
        pytest.param(c.name, marks=pytest.mark.xfail(reason=c.debian_written_xfail, strict=True))
        if c.debian_written_xfail else c.name for c in cases if c.debian])
    def test_debian_recipes_bakes_the_written_recipe(name: str, debian_baked: dict) -> None:
        check_r_baked(by_name[name], debian_baked)

    return {k: v for k, v in locals().items() if k.startswith("test_") or k.endswith("_baked")}


@functools.cache
def all_cases() -> tuple[Case, ...]:
    """Every ground-truth case of the step test modules (``*CASES`` lists of Case)."""
    cases: list[Case] = []
    for path in sorted((ROOT / "tests").glob("test_steps_*.py")):
        module = importlib.import_module(path.stem)
        cases += [c for name, value in vars(module).items()
                  if name.endswith("CASES") and isinstance(value, list)
                  for c in value if isinstance(c, Case)]
    return tuple(cases)
