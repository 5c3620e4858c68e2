"""Keras, imported when a model is first needed, with a typed error when the backend
``KERAS_BACKEND`` names cannot start."""
from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from .errors import BackendNotAvailableError


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_keras() -> ModuleType:
    """The ``keras`` module; :class:`BackendNotAvailableError` names what is missing.

    When this call is the one that imports Keras, the objects alive afterwards are moved
    to the collector's permanent generation (``gc.freeze``)."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    # Keras and TensorFlow leave millions of long-lived objects behind. Collecting while
    # they are created walks them over and over (~0.6 s of the import), and the
    # interpreter's final collection walks them all again at exit (~1 s); frozen, they
    # are skipped by both.
    with _collector_paused():
        try:
            import keras
        except ImportError as exc:
            backend = os.environ.get("KERAS_BACKEND", "tensorflow")
            raise BackendNotAvailableError(
                f"Keras cannot start with the {backend!r} backend ({exc}). Install it "
                "(`pip install 'pykerasnip[tensorflow]'` for TensorFlow; Keras' numpy backend "
                "also needs `jax`) or choose another backend with KERAS_BACKEND.") from exc
    gc.freeze()
    return keras
