"""Keras, imported when a model is first needed, with a typed error when the backend
``KERAS_BACKEND`` names cannot start."""
from __future__ import annotations

import functools
import gc
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from .errors import BackendNotAvailableError, PrecisionWarning


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
        keras = sys.modules["keras"]
        _check_kernels(keras.backend.backend())
        return keras
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
    _check_kernels(keras.backend.backend())
    return keras


def onednn_enabled() -> bool | None:
    """Whether the loaded TensorFlow runs oneDNN kernels (``None``: cannot tell)."""
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:
        return None
    return bool(_pywrap_util_port.IsMklEnabled())


@functools.cache
def _check_kernels(backend: str) -> None:
    """Warn once when TensorFlow was loaded without the oneDNN kernels R's TensorFlow uses.

    ``import pykerasnip`` asks for them, but only an import of TensorFlow that comes later
    can honour it; TensorFlow's own default depends on the CPU."""
    if backend == "tensorflow" and onednn_enabled() is False:
        warnings.warn(
            "TensorFlow was loaded without oneDNN kernels, so fits and predictions may differ "
            "from R's in the last bits. Set TF_ENABLE_ONEDNN_OPTS=1 before TensorFlow is "
            "imported (or import pykerasnip before keras/tensorflow) to get R's numbers.",
            PrecisionWarning, stacklevel=3)
