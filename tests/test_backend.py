"""pykerasnip.backend: the lazy Keras import (fresh processes: the test process has Keras
imported already)."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

CHECK = """
import gc, sys
{before}
from pykerasnip.backend import import_keras
assert "keras" not in sys.modules
keras = import_keras()
assert import_keras() is keras is sys.modules["keras"]
print(gc.isenabled(), gc.get_freeze_count())
"""


def run(before: str = "") -> tuple[bool, int]:
    out = subprocess.run([sys.executable, "-c", CHECK.format(before=before)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    enabled, frozen = out.stdout.split()
    return enabled == "True", int(frozen)


def test_first_import_freezes_kerass_objects_and_restores_the_collector() -> None:
    enabled, frozen = run()
    assert enabled
    assert frozen > 100_000  # Keras + TensorFlow's module-level objects


def test_a_disabled_collector_stays_disabled() -> None:
    enabled, _ = run("gc.disable()")
    assert not enabled
