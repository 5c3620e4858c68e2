"""The shared conformance score: every R-saved fixture predicts what R predicted.

At the tool's own tolerance (1e-6 relative): pykerasnip runs TensorFlow with oneDNN
kernels as R's TensorFlow does, which makes the float32 results agree to the bit.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

SCRIPT = FIXTURES.parent / "tools" / "conformance.py"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SCRIPT.exists(), reason="shared conformance tool not present")]


@pytest.mark.parametrize("csv", [False, True], ids=["rds-input", "csv-input"])
def test_conformance_has_no_failures(csv: bool) -> None:
    cmd = [sys.executable, str(SCRIPT), "--fixtures", str(FIXTURES)] + (["--csv"] if csv else [])
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    last = out.stdout.strip().splitlines()[-1]
    failures = [line for line in out.stdout.splitlines() if line.startswith("FAIL")]
    assert last.endswith(" 0 failed"), "\n".join(failures) or out.stdout[-3000:] + out.stderr[-3000:]
    assert int(last.split()[0]) > 0
