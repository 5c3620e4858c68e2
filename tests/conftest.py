"""Shared test helpers: where the R-saved fixtures are. (Running R and skipping
R-only tests: :mod:`r_oracle`.)

Missing fixtures fail: ``test_fixtures.py`` checks the folder against its manifest, and
a parametrization over an empty list fails at collection (``empty_parameter_set_mark``
in pyproject.toml) instead of skipping.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pykerasnip  # noqa: F401  (first: sets TensorFlow's oneDNN default before Keras loads)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("PYKERASNIP_FIXTURES", ROOT.parent / "shared" / "fixtures"))
MANIFEST_FILE = FIXTURES / "manifest.json"
# without fixtures the manifest is empty, so that tests needing none still run
MANIFEST = json.loads(MANIFEST_FILE.read_text()) if MANIFEST_FILE.exists() else {"cases": []}


def fixture_cases(status: str | None = "ok") -> list[dict]:
    """Manifest cases (only those with ``status`` when given)."""
    return [c for c in MANIFEST["cases"] if status is None or c["status"] == status]


def all_fixture_rds() -> list[Path]:
    """Every .rds file under the fixtures folder."""
    return sorted(FIXTURES.rglob("*.rds"))


def case_dir(case: dict) -> Path:
    return FIXTURES / case.get("location", case["case"])
