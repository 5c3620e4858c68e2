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


class InvalidStringError(UnsupportedObjectError):
    """An R string whose bytes are not valid in its encoding has no Python ``str``."""

    def __init__(self, what: str, index: int, shown: str):
        self.index, self.shown = index, shown
        super().__init__(f"{what}: element {index + 1} is not valid UTF-8 ({shown!r} as R "
                         "prints it); re-encode it in R (iconv(), enc2utf8()) before saving")


class UnsupportedStepError(UnsupportedObjectError):
    """A recipe step (or a stored R expression) cannot be replayed in pure Python."""

    def __init__(self, step: str, detail: str = ""):
        self.step = step
        msg = f"recipe step {step!r} cannot be replayed in Python"
        if detail:
            msg += f": {detail}"
        msg += (". R can bake it through the rpy2 bridge, but that runs the R code stored in "
                "the file, as readRDS() + predict() in R would: only for a file you trust, pass "
                "fallback='r', trust_r_code=True to predict() (needs R, recipes and "
                "`pip install pykerasnip[r]`).")
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


class PrecisionWarning(UserWarning):
    """Numbers will differ from R's in the last bits (TensorFlow runs other kernels than R's,
    or no system LAPACK is there for the decompositions R takes from it)."""


class PartitionDependentError(PredictError):
    """Predictions would depend on how the rows are split into batches or partitions
    (a recipe step or stored expression that reads other rows)."""


class MissingDependencyError(PykerasnipError, ImportError):
    """An optional Python package a requested feature needs is not installed (pyarrow for
    Parquet, ...)."""


class FormatError(PykerasnipError, ValueError):
    """A file format pykerasnip does not read or write there (an unknown extension)."""


class DataFileError(PykerasnipError, ValueError):
    """A data file (CSV, Parquet, JSON...) cannot be parsed in its format."""


class UnsafeWriteError(PykerasnipError, ValueError):
    """A write pykerasnip refuses: the target is a symbolic link (without
    ``follow_symlinks=True``) or not a regular file, or a command's output is one of its
    inputs."""


class UntrustedCodeError(PykerasnipError):
    """Running R code stored in a file was asked for without saying the file is trusted
    (``fallback="r"`` without ``trust_r_code=True``)."""


class ArchiveError(UnsupportedObjectError):
    """A stored ``.keras`` archive is not one pykerasnip can load: corrupt, over the
    resource budget, or one whose loading would change Keras' process-wide settings."""


class MalformedObjectError(UnsupportedObjectError):
    """A stored R object has the expected class but a field of the wrong type, length
    or value (a missing field, a negative variance, duplicated levels...)."""


class LocaleError(PykerasnipError, ValueError):
    """A language or locale whose month/weekday names are not known (clock's table, or
    the operating system's locales), named in the message."""
