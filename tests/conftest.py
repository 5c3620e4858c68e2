"""Shared test helpers: where the R-saved fixtures are, and skipping R-only tests."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import pykerasnip  # noqa: F401  (first: sets TensorFlow's oneDNN default before Keras loads)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("PYKERASNIP_FIXTURES", ROOT.parent / "shared" / "fixtures"))
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text()) if FIXTURES.exists() else {"cases": []}
HAS_R = shutil.which("Rscript") is not None

requires_r = pytest.mark.skipif(not HAS_R, reason="Rscript is not on the PATH")


def fixture_cases(status: str | None = "ok") -> list[dict]:
    """Manifest cases (only those with ``status`` when given)."""
    return [c for c in MANIFEST["cases"] if status is None or c["status"] == status]


def all_fixture_rds() -> list[Path]:
    """Every .rds file under the fixtures folder."""
    return sorted(FIXTURES.rglob("*.rds"))


def case_dir(case: dict) -> Path:
    return FIXTURES / case.get("location", case["case"])
