"""kerasnip's ``model_fit$fit`` list: ``KerasFit`` and its Laplace posteriors, both ways.

Live Keras models are restored lazily from the stored ``.keras`` bytes (``safe_mode`` on
by default) and are never pickled. Read from R, every field predictions depend on is
checked (R type, length, range): a file that stores a negative noise variance or
duplicated levels is refused with :class:`MalformedObjectError` rather than predicting
numbers R never would. Written to R, the list keeps R's field order, the Keras models
travelling as ``.keras`` bytes next to dead Python-object stubs.
"""
from __future__ import annotations

import copy
import os
import tempfile
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import rtree
from ..backend import import_keras, settings_guarded
from ..convert import r_get, scalar, strings, to_python
from ..errors import ArchiveError, MalformedObjectError, PredictError, PykerasnipError, UnsupportedObjectError
from ..keras_archive import check_archive, config_strings
from ..rds import build as b
from ..rds import nodes as n
from .kerasnip_r import process_x_shim, process_y_shim, python_stub
from .process import process_x_functional, process_x_sequential

PROCESS_X = {"sequential": process_x_sequential, "functional": process_x_functional}


def model_to_bytes(model: Any) -> bytes | None:
    """The model as ``.keras`` zip bytes, or None (with a warning) if saving fails."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        try:
            model.save(path)
        except Exception as exc:  # Keras raises many types for unserialisable objects
            warnings.warn(f"the Keras model could not be saved ({exc}); it will not "
                          "survive pickling or writing to R", stacklevel=3)
            return None
        with open(path, "rb") as fh:
            return fh.read()


def model_from_bytes(data: bytes, safe_mode: bool = True, compile: bool = False) -> Any:
    """A Keras model loaded from ``.keras`` bytes (uncompiled unless asked).

    The archive is checked against the budget first; Keras' errors on a malformed one
    become :class:`ArchiveError`, and so does an archive whose loading changes Keras'
    process-wide settings (which are restored)."""
    keras = import_keras()

    check_archive(data)
    with tempfile.TemporaryDirectory() as tmp, settings_guarded("the stored .keras model"):
        path = os.path.join(tmp, "model.keras")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            return keras.saving.load_model(path, compile=compile, safe_mode=safe_mode)
        except PykerasnipError:
            raise
        except Exception as exc:  # Keras reports a malformed archive with any type
            raise ArchiveError(f"Keras cannot load the stored .keras model: "
                               f"{type(exc).__name__}: {exc}") from exc


def check_loadable_in_r(data: bytes) -> None:
    """Refuse (:class:`ArchiveError`) a model R cannot restore. kerasnip restores it with
    ``keras3::load_model()``: in R's own Python session, where nothing registered in this
    one exists, in safe mode (no Python lambdas) and compiled (the loss and metrics must
    resolve too)."""
    keras = import_keras()

    registered = sorted(config_strings(data) & set(keras.saving.get_custom_objects()))
    if registered:
        why = f"it uses objects registered only in this Python session: {registered}"
    else:
        try:
            model_from_bytes(data, safe_mode=True, compile=True)
            return
        except ArchiveError as exc:
            why = str(exc)
    raise ArchiveError(f"R's keras3::load_model() cannot restore this Keras model ({why}); "
                       "build it from Keras' own layers, activations, losses and metrics to "
                       "write it for R")


class lazy_keras:
    """Descriptor: a live Keras model cached from the bytes in ``bytes_attr``."""

    def __init__(self, bytes_attr: str):
        self.bytes_attr = bytes_attr

    def __set_name__(self, owner: type, name: str) -> None:
        self.cache = f"_{name}_live"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        live = obj.__dict__.get(self.cache)
        if live is None:
            data = getattr(obj, self.bytes_attr)
            if data is None:
                raise PredictError("no Keras model is available: no .keras bytes are stored "
                                   "(the file lacks them, or saving failed at fit time)")
            live = obj.__dict__[self.cache] = model_from_bytes(data, obj.safe_mode)
        return live

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.cache] = value


class _HoldsKeras:
    """Pickles without the live Keras objects (they come back from bytes)."""

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_live")}


class LaplaceEntry(_HoldsKeras):
    """One Laplace posterior (per output / per step); see :mod:`.laplace`."""

    combined_model = lazy_keras("combined_model_bytes")

    def __init__(self, h_diag: np.ndarray, tau: float, n_training: int,
                 combined_model_bytes: bytes | None, sigma_sq_noise: float | None = None,
                 num_classes: int | None = None, col_idx: int | None = None,
                 combined_model: Any = None, safe_mode: bool = True):
        self.h_diag = np.asarray(h_diag, dtype=np.float64)
        self.tau = float(tau)
        self.sigma_sq_noise = sigma_sq_noise
        self.n_training = int(n_training)
        self.num_classes = num_classes
        self.col_idx = col_idx
        self.combined_model_bytes = combined_model_bytes
        self.safe_mode = safe_mode
        if combined_model is not None:
            self.combined_model = combined_model

    @classmethod
    def from_r(cls, name: str, node: Any, safe_mode: bool = True) -> "LaplaceEntry":
        """Laplace entry ``name`` of kerasnip's ``fit$laplace`` list."""
        what = f"Laplace entry {name!r}"
        rtree.record(node, what, ("h_diag", "tau", "n_training"))
        h_diag = rtree.numbers(node["h_diag"], f"{what}: h_diag", doubles=True)
        if len(h_diag) < 2 or (h_diag < 0).any():
            raise MalformedObjectError(f"{what}: h_diag must hold at least 2 values, none negative")
        num_classes = rtree.count(node.get("num_classes"), f"{what}: num_classes")
        if num_classes is not None and len(h_diag) % num_classes:
            raise MalformedObjectError(f"{what}: {len(h_diag)} h_diag values do not split into "
                                       f"{num_classes} classes")
        noise = node.get("sigma_sq_noise")
        return cls(
            h_diag=h_diag,
            tau=rtree.number(node["tau"], f"{what}: tau", 0, doubles=True),
            n_training=rtree.count(node["n_training"], f"{what}: n_training"),
            combined_model_bytes=rtree.raw_bytes(node.get("combined_model_bytes"),
                                                 f"{what}: combined_model_bytes"),
            sigma_sq_noise=None if noise is None else rtree.number(noise, f"{what}: sigma_sq_noise", 0,
                                                                   doubles=True),
            num_classes=num_classes,
            col_idx=rtree.count(node.get("col_idx"), f"{what}: col_idx"),
            safe_mode=safe_mode,
        )

    def to_r(self) -> n.List:
        """The entry in kerasnip's field order (regression has ``sigma_sq_noise``,
        classification ``num_classes``; multistep steps ``col_idx``)."""
        fields: dict[str, Any] = {"h_diag": b.dbl(self.h_diag), "tau": b.dbl(self.tau)}
        if self.sigma_sq_noise is not None:
            fields["sigma_sq_noise"] = _dbl_or_null(self.sigma_sq_noise)
        fields["n_training"] = b.int_(self.n_training)
        if self.num_classes is not None:
            fields["num_classes"] = _int_or_null(self.num_classes)
        if self.col_idx is not None:
            fields["col_idx"] = _int_or_null(self.col_idx)
        fields["combined_model"] = python_stub("functional")
        fields["combined_model_bytes"] = _raw_or_null(self.combined_model_bytes)
        return b.named_list(fields)


class KerasFit(_HoldsKeras):
    """R's ``model_fit$fit`` list: the Keras model, its bytes, history and metadata."""

    model = lazy_keras("keras_bytes")

    def __init__(self, keras_bytes: bytes | None, history: dict, lvl: Any = None,
                 api: str = "sequential", multistep_info: dict | None = None,
                 laplace: dict[str, LaplaceEntry] | None = None,
                 joint_noise_cov: np.ndarray | None = None, model: Any = None,
                 safe_mode: bool = True):
        self.keras_bytes = keras_bytes
        self.history = history
        self.lvl = lvl
        self.api = api
        self.multistep_info = multistep_info
        self.laplace = laplace
        self.joint_noise_cov = joint_noise_cov
        self.safe_mode = safe_mode
        if model is not None:
            self.model = model

    @classmethod
    def from_r(cls, node: Any, functional: bool, safe_mode: bool = True) -> "KerasFit":
        """kerasnip's ``model_fit$fit`` list."""
        if not isinstance(node, n.List):
            detail = scalar(node) if isinstance(node, n.Str) else type(node).__name__
            raise UnsupportedObjectError(f"the model fit holds no kerasnip fit (R stored: {detail})")
        laplace = node.get("laplace")
        return cls(
            keras_bytes=rtree.raw_bytes(node.get("keras_bytes"), "keras_bytes"),
            history=_history_from_r(node.get("history")),
            lvl=levels_from_r(node.get("lvl")),
            api="functional" if functional else "sequential",
            multistep_info=_multistep_from_r(node.get("multistep_info")),
            laplace=({k: LaplaceEntry.from_r(k, v, safe_mode)
                      for k, v in rtree.record(laplace, "laplace").items()}
                     if isinstance(laplace, n.List) else None),
            joint_noise_cov=_noise_cov_from_r(laplace),
            safe_mode=safe_mode,
        )

    def to_r(self) -> n.List:
        """kerasnip's ``model_fit$fit`` list (functional fits add ``multistep_info``)."""
        if self.keras_bytes is not None:
            check_loadable_in_r(self.keras_bytes)
        fields: dict[str, Any] = {"fit": python_stub(self.api),
                                  "keras_bytes": _raw_or_null(self.keras_bytes),
                                  "history": _history_to_r(self.history),
                                  "lvl": levels_to_r(self.lvl)}
        if self.api == "functional":
            fields["multistep_info"] = _multistep_to_r(self.multistep_info)
        fields.update(process_x=process_x_shim(self.api), process_y=process_y_shim(self.api),
                      laplace=self._laplace_to_r())
        return b.named_list(fields)

    def _laplace_to_r(self) -> Any:
        if self.laplace is None:
            return None
        node = b.named_list({k: e.to_r() for k, e in self.laplace.items()})
        if self.joint_noise_cov is not None:
            cov = np.asarray(self.joint_noise_cov, dtype=np.float64)
            node.set_attr("joint_noise_cov",
                          b.matrix(b.dbl(cov.ravel(order="F")), cov.shape[0], cov.shape[1]))
        return node

    def restored(self) -> "KerasFit":
        """A copy with every Keras model freshly loaded from bytes, main model first,
        as R's ``predict()`` restores them (this fixes how many random draws loading
        consumes)."""
        new = copy.copy(self)  # copies go through __getstate__: no live models
        if self.laplace is not None:
            new.laplace = {name: copy.copy(entry) for name, entry in self.laplace.items()}
        if new.keras_bytes is not None:
            new.model  # noqa: B018  (load now, in R's order)
        for entry in (new.laplace or {}).values():
            if entry.combined_model_bytes is not None:
                entry.combined_model  # noqa: B018
        return new

    def process_x(self, new_data: pd.DataFrame) -> Any:
        """The Keras input for predictor rows (kerasnip's stored ``process_x``)."""
        return PROCESS_X[self.api](new_data).x


def _int_or_null(value: Any) -> Any:
    return None if value is None else b.int_(int(value))


def _dbl_or_null(value: Any) -> Any:
    return None if value is None else b.dbl(float(value))


def _raw_or_null(data: bytes | None) -> Any:
    return None if data is None else b.raw(data)


def levels_from_r(node: Any) -> Any:
    """``lvl``: NULL -> None, character -> list, named list (multi-head) -> dict of lists."""
    if node is None:
        return None
    if isinstance(node, n.List):
        return {k: [] if v is None else rtree.labels(v, f"the levels of output {k!r}")
                for k, v in node.items()}
    return rtree.labels(node, "the outcome levels (lvl)")


def levels_to_r(lvl: Any) -> Any:
    """``lvl`` as R stores it: NULL, a character vector, or a named list of them."""
    if lvl is None:
        return None
    if isinstance(lvl, dict):
        return b.named_list({k: b.chr(list(v)) for k, v in lvl.items()})
    return b.chr(list(lvl))


def _metric(node: Any, name: str) -> np.ndarray:
    """A training metric per epoch (NA allowed, as Keras logs NaN losses)."""
    node = n.plain(node)
    if not isinstance(node, (n.Real, n.Integer, n.Logical)):
        raise MalformedObjectError(f"the training history's {name!r} must be numeric, not "
                                   f"{type(node).__name__}")
    return np.asarray(to_python(node), dtype=float)


def _history_from_r(node: Any) -> dict:
    params = r_get(node, "params")
    metrics = r_get(node, "metrics")
    return {
        "params": {k: scalar(v) for k, v in params.items()} if isinstance(params, n.List) else {},
        "metrics": ({k: _metric(v, k).tolist() for k, v in metrics.items()}
                    if isinstance(metrics, n.List) else {}),
    }


def _history_to_r(history: dict) -> n.List:
    """A ``keras_training_history``: integer ``params``, per-epoch double ``metrics``."""
    params = {k: _int_or_null(v) for k, v in history.get("params", {}).items()}
    metrics = {k: b.dbl(np.asarray(v, dtype=np.float64)) for k, v in
               history.get("metrics", {}).items()}
    return b.structure(b.named_list(params=b.named_list(params), metrics=b.named_list(metrics)),
                       {"class": "keras_training_history"})


def _multistep_from_r(node: Any) -> dict | None:
    if not isinstance(node, n.List):
        return None
    what = "multistep_info"
    steps = rtree.numbers(rtree.required(node, "steps", what), f"{what}: steps")
    try:
        variables = strings(rtree.required(node, "vars", what))
    except UnsupportedObjectError as exc:
        raise MalformedObjectError(f"{what}: vars: {exc}") from exc
    if len(steps) != len(variables) or not len(steps) or None in variables:
        raise MalformedObjectError(f"{what}: {len(steps)} steps for {len(variables)} variables")
    return {"steps": [int(s) for s in steps], "vars": variables}


def _multistep_to_r(info: dict | None) -> Any:
    if info is None:
        return None
    return b.named_list(steps=b.int_(list(info["steps"])), vars=b.chr(list(info["vars"])))


def _noise_cov_from_r(laplace: Any) -> np.ndarray | None:
    """The joint noise covariance of a multistep output: a square, symmetric, finite
    matrix with one row per Laplace entry."""
    cov = laplace.attr("joint_noise_cov") if isinstance(laplace, n.List) else None
    if cov is None:
        return None
    values = rtree.numbers(cov, "joint_noise_cov").ravel(order="F")
    k = len(laplace)
    if len(values) != k * k:
        raise MalformedObjectError(f"joint_noise_cov has {len(values)} values for {k} steps")
    matrix = values.reshape(k, k, order="F")
    if not np.allclose(matrix, matrix.T) or (np.diag(matrix) < 0).any():
        raise MalformedObjectError("joint_noise_cov is not a covariance matrix")
    return matrix
