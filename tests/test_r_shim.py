"""The R shim package (R drives Python through reticulate): ``R CMD INSTALL r/pykerasnip``
into a temporary library, then its testthat suite run by Rscript on the R-saved fixtures
and on workflows this test writes from Python, with reticulate on this Python."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import pykerasnip as pk
import write_cases as wc
from pykerasnip.bundle import bundle
from conftest import FIXTURES, ROOT, requires_r

PACKAGE = ROOT / "r" / "pykerasnip"

#: Runs the package's testthat suite and writes one JSON row per test.
RUN_SUITE_R = """
args <- commandArgs(TRUE)
res <- as.data.frame(testthat::test_dir(args[1], package = "pykerasnip",
                                        load_package = "installed", reporter = "summary",
                                        stop_on_failure = FALSE))
jsonlite::write_json(res[c("file", "test", "nb", "failed", "skipped", "error")], args[2])
"""

#: written file stem -> (object, new data, prediction type)
PYTHON_WRITTEN = {
    "python_recipe_reg": (lambda: wc.python_workflow("python_recipe_reg"), "numeric"),
    "bundle_python_recipe_cls": (lambda: bundle(wc.python_workflow("python_recipe_cls")), "prob"),
}

pytestmark = [requires_r, pytest.mark.slow]


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
    install = subprocess.run(["R", "CMD", "INSTALL", "--no-docs", "-l", str(lib), str(PACKAGE)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    return lib


@pytest.fixture(scope="module")
def suite_results(r_library, tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("written")
    _write_python_files(folder)
    out = folder / "results.json"
    env = {**os.environ, "R_LIBS": str(r_library), "RETICULATE_PYTHON": sys.executable,
           "PYKERASNIP_FIXTURES": str(FIXTURES), "PYKERASNIP_WRITTEN": str(folder)}
    run = subprocess.run(["Rscript", "-e", RUN_SUITE_R, str(PACKAGE / "tests" / "testthat"),
                          str(out)], env=env, capture_output=True, text=True)
    assert run.returncode == 0 and out.exists(), run.stdout + run.stderr
    return json.loads(out.read_text())


def test_installed_package_loads(r_library):
    loaded = subprocess.run(["Rscript", "-e", "library(pykerasnip); cat(exists('pk_read_rds'))"],
                            env={**os.environ, "R_LIBS": str(r_library)}, capture_output=True,
                            text=True)
    assert loaded.stdout == "TRUE", loaded.stderr


def test_testthat_suite_passes_without_skips(suite_results):
    problems = [f"{r['file']}: {r['test']}" for r in suite_results
                if r["failed"] or r["skipped"] or r["error"]]
    assert not problems, problems
    covered = {r["test"] for r in suite_results}
    assert {"a kerasnip recipe workflow predicts R's numbers",
            "a workflow fitted in Python predicts in R what Python predicted",
            "the Keras model inside is live"} <= covered
    assert all(r["nb"] > 0 for r in suite_results)
