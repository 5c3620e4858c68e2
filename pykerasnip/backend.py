"""Keras, imported when a model is first needed, with a typed error when the backend
``KERAS_BACKEND`` names cannot start; the lock and the guard of Keras' process-wide
settings that loading a stored model runs under."""
from __future__ import annotations

import functools
import gc
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .errors import ArchiveError, BackendNotAvailableError, PrecisionWarning

#: held while Keras draws from Python's process-wide ``random`` module (building layers
#: when a model loads, creating a thread's global ``SeedGenerator``) and while seeded
#: predictions set the seeds, so no other thread's draws fall between them
KERAS_LOCK = threading.RLock()

#: Keras' per-thread settings (``keras.src.backend.common.global_state``) a stored
#: model must not change: the dtype policy, safe mode, flash attention, logging...
_STATE_KEYS = ("dtype_policy", "safe_mode_saving", "flash_attention", "interactive_logging",
               "traceback_filtering", "nnx_enabled", "use_legacy_config")


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


def _settings() -> dict[str, Any]:
    """Keras' process-wide settings: the config module's globals (floatx, epsilon, image
    data format, backend, epoch caps) and the guarded per-thread attributes."""
    import keras
    from keras.src.backend import config
    from keras.src.backend.common import global_state

    keras.config.dtype_policy()  # materialise the lazy default, so it reads as unchanged
    values = {name: value for name, value in vars(config).items()
              if name.startswith("_") and name[1:2].isupper()}
    values.update({key: global_state.get_global_attribute(key) for key in _STATE_KEYS})
    return values


def _same(a: Any, b: Any) -> bool:
    """Equal settings; dtype policies compare by name (each load may make a new one)."""
    return a is b or getattr(a, "name", a) == getattr(b, "name", b)


def _restore(before: dict[str, Any]) -> list[str]:
    """Put changed settings back; the names of those that had changed."""
    from keras.src.backend import config
    from keras.src.backend.common import global_state

    after = _settings()
    changed = [name for name in before if not _same(after.get(name), before[name])]
    for name in changed:
        if name in _STATE_KEYS:
            global_state.set_global_attribute(name, before[name])
        else:
            setattr(config, name, before[name])
    return [name.strip("_").lower() for name in changed]


@contextmanager
def settings_guarded(what: str) -> Iterator[None]:
    """Run the block under :data:`KERAS_LOCK`; any Keras setting it changes is put back
    and reported as an :class:`ArchiveError` (a model that reconfigures Keras while it
    loads would change every other model in the process, and itself)."""
    import_keras()
    with KERAS_LOCK:
        before = _settings()
        try:
            yield
        finally:
            changed = _restore(before)
        if changed:
            raise ArchiveError(f"{what} changed Keras' process-wide settings while loading "
                               f"({', '.join(changed)}); they were restored and the model "
                               "is refused")
