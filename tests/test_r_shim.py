"""The R shim package (R drives Python through reticulate): ``R CMD INSTALL r/pykerasnip``
into a temporary library, then its testthat suite run by Rscript on the R-saved fixtures
and on workflows this test writes from Python, with reticulate on this Python."""
from __future__ import annotations

import sys

import pytest

import pykerasnip as pk
import write_cases as wc
from pykerasnip.bundles import bundle
from conftest import FIXTURES, ROOT
from r_oracle import requires_r, run_command, run_r

PACKAGE = ROOT / "r" / "pykerasnip"

#: Runs the package's testthat suite: one row per test.
RUN_SUITE_R = """
res <- as.data.frame(testthat::test_dir(suite, package = "pykerasnip",
                                        load_package = "installed", reporter = "summary",
                                        stop_on_failure = FALSE))
res[c("file", "test", "nb", "failed", "skipped", "error")]
"""

#: written file stem -> (object, new data, prediction type)
PYTHON_WRITTEN = {
    "python_recipe_reg": (lambda: wc.python_workflow("python_recipe_reg"), "numeric"),
    "bundle_python_recipe_cls": (lambda: bundle(wc.python_workflow("python_recipe_cls")), "prob"),
}

pytestmark = [requires_r("testthat", "reticulate", "tibble"), pytest.mark.slow]


def _write_python_files(folder) -> None:
    """Each object, its new data and Python's predictions, as the R suite expects them."""
    for stem, (make, type_) in PYTHON_WRITTEN.items():
        obj = make()
        new_data = wc.python_new_data(stem.removeprefix("bundle_"))
        pk.write_rds(obj, folder / f"{stem}.rds")
        pk.write_rds(new_data, folder / f"{stem}_new_data.rds")
        pk.write_rds(obj.predict(new_data, type=type_), folder / f"{stem}_expected.rds")


@pytest.fixture(scope="module")
def r_library(tmp_path_factory):
    """A temporary R library with the shim installed (no network: it depends on
    reticulate and tibble only)."""
    lib = tmp_path_factory.mktemp("rlib")
    run_command(["R", "CMD", "INSTALL", "--no-docs", "-l", lib, PACKAGE])
    return lib


@pytest.fixture(scope="module")
def suite_results(r_library, tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("written")
    _write_python_files(folder)
    env = {"R_LIBS": str(r_library), "RETICULATE_PYTHON": sys.executable,
           "PYKERASNIP_FIXTURES": str(FIXTURES), "PYKERASNIP_WRITTEN": str(folder)}
    results = run_r(RUN_SUITE_R, inputs={"suite": PACKAGE / "tests" / "testthat"}, env=env)
    return results.to_dict("records")


def test_installed_package_loads(r_library):
    loaded = run_r("exists('pk_read_rds')", packages=("pykerasnip",),
                   env={"R_LIBS": str(r_library)})
    assert loaded.tolist() == [True]


def test_testthat_suite_passes_without_skips(suite_results):
    problems = [f"{r['file']}: {r['test']}" for r in suite_results
                if r["failed"] or r["skipped"] or r["error"]]
    assert not problems, problems
    covered = {r["test"] for r in suite_results}
    assert {"a kerasnip recipe workflow predicts R's numbers",
            "a workflow fitted in Python predicts in R what Python predicted",
            "the Keras model inside is live"} <= covered
    assert all(r["nb"] > 0 for r in suite_results)
