"""Typed errors raised by pykerasnip.

Every error the package raises on purpose derives from :class:`PykerasnipError`, so a
caller can catch the whole family with one ``except``.
"""
from __future__ import annotations


class PykerasnipError(Exception):
    """Base class of every error pykerasnip raises on purpose."""


class RDSError(PykerasnipError, ValueError):
    """A byte stream is not a valid R serialization (corrupt, truncated, hostile, unsupported).

    ``offset`` is the byte offset in the (decompressed) stream where the problem was found,
    or ``None`` when it concerns the container.
    """

    def __init__(self, message: str, offset: int | None = None):
        self.offset = offset
        if offset is not None:
            message = f"{message} (at byte offset {offset})"
        super().__init__(message)


class UnsupportedObjectError(PykerasnipError, TypeError):
    """An R object has no Python equivalent in pykerasnip (class, ALTREP kind, fit type...)."""


class UnsupportedStepError(UnsupportedObjectError):
    """A recipe step (or a stored R expression) cannot be replayed in pure Python."""

    def __init__(self, step: str, detail: str = ""):
        self.step = step
        msg = f"recipe step {step!r} cannot be replayed in Python"
        if detail:
            msg += f": {detail}"
        msg += (". The rpy2 bridge can bake it in R: pass fallback='r' to predict() "
                "or use pykerasnip.r.r_bake() (needs R, recipes and `pip install pykerasnip[r]`).")
        super().__init__(msg)


class ForgeError(PykerasnipError, ValueError):
    """New data does not fit the stored prototypes (missing columns, lossy casts, ...)."""


class SpecError(PykerasnipError, ValueError):
    """A model specification or its arguments are invalid."""


class PredictError(PykerasnipError, RuntimeError):
    """A prediction cannot be made (no weights stored, wrong type for the mode, ...)."""


class RNotAvailableError(PykerasnipError, RuntimeError):
    """R, rpy2 or an R package needed by the bridge is missing."""


class BackendNotAvailableError(PykerasnipError, ImportError):
    """Keras or the backend chosen with ``KERAS_BACKEND`` is not installed."""


class ArchiveError(UnsupportedObjectError):
    """A stored ``.keras`` archive is not one pykerasnip can load: corrupt, over the
    resource budget, or one whose loading would change Keras' process-wide settings."""


class MalformedObjectError(UnsupportedObjectError):
    """A stored R object has the expected class but a field of the wrong type, length
    or value (a missing field, a negative variance, duplicated levels...)."""
