"""Keras, imported when a model is first needed, with a typed error when the backend
``KERAS_BACKEND`` names cannot start."""
from __future__ import annotations

import os
from types import ModuleType

from .errors import BackendNotAvailableError


def import_keras() -> ModuleType:
    """The ``keras`` module; :class:`BackendNotAvailableError` names what is missing."""
    try:
        import keras
    except ImportError as exc:
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        raise BackendNotAvailableError(
            f"Keras cannot start with the {backend!r} backend ({exc}). Install it "
            "(`pip install 'pykerasnip[tensorflow]'` for TensorFlow; Keras' numpy backend "
            "also needs `jax`) or choose another backend with KERAS_BACKEND.") from exc
    return keras
