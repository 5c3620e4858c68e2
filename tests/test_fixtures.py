"""The ground truth is here: missing or incomplete R-saved files fail, they never skip.

The shared fixtures must match their manifest (every case folder and file, byte for
byte), the committed step truth (tests/data/steps, made by tests/r/make_steps_truth.R)
must hold every case's five files, and a test parametrized over fixtures that are not
there fails at collection (``empty_parameter_set_mark = "fail_at_collect"``).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from conftest import FIXTURES, MANIFEST, MANIFEST_FILE, ROOT, all_fixture_rds, case_dir
from steps_truth import TRUTH

#: what make_steps_truth.R writes for every case
TRUTH_FILES = {"recipe.rds", "train.rds", "new.rds", "baked.rds", "baked.csv"}


def test_fixtures_folder_matches_its_manifest() -> None:
    assert FIXTURES.is_dir(), f"missing fixtures folder {FIXTURES} (PYKERASNIP_FIXTURES)"
    assert MANIFEST_FILE.is_file(), f"missing {MANIFEST_FILE}"
    cases = MANIFEST["cases"]
    assert cases, f"{MANIFEST_FILE} lists no cases"
    saved = [c for c in cases if c["status"] != "failed"]  # a failed case saved nothing
    assert all(c["files"] for c in saved)
    folders = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    assert folders == sorted(case_dir(c).name for c in saved)
    for case in saved:
        for entry in case["files"]:
            path = case_dir(case) / entry["file"]
            assert path.is_file(), f"missing fixture {path}"
            data = path.read_bytes()
            assert len(data) == entry["bytes"], path
            assert hashlib.md5(data).hexdigest() == entry["md5"], path
    assert all_fixture_rds()


def test_committed_step_truth_is_complete() -> None:
    cases = sorted(p for p in TRUTH.iterdir() if p.is_dir()) if TRUTH.is_dir() else []
    assert cases, f"no ground truth under {TRUTH}: run tests/r/make_steps_truth.R"
    incomplete = {c.name: sorted(TRUTH_FILES - {f.name for f in c.iterdir()}) for c in cases}
    assert {k: v for k, v in incomplete.items() if v} == {}


def test_tests_over_missing_fixtures_fail_at_collection(tmp_path) -> None:
    env = {**os.environ, "PYKERASNIP_FIXTURES": str(tmp_path / "nowhere")}
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "tests/test_rds_fixtures.py"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode != 0, out.stdout[-2000:]
    assert "Empty parameter set" in out.stdout, out.stdout[-2000:]
