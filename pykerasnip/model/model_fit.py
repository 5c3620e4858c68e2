"""Fitted kerasnip models: ``ModelFit`` (parsnip's ``model_fit``) and its parts.

``KerasFit`` mirrors R's ``model_fit$fit`` list; live Keras models are restored lazily
from the stored ``.keras`` bytes (``safe_mode`` on by default) and are never pickled.
"""
from __future__ import annotations

import copy
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..backend import KERAS_LOCK, import_keras, settings_guarded
from ..errors import ArchiveError, PredictError, PykerasnipError
from ..keras_archive import check_archive
from ..rrng import RRandom, current_stream, r_session
from . import laplace as lp
from . import postprocess as post
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
                raise PredictError("no Keras model is available: saving it failed at fit "
                                   "time, so it could not be restored")
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


@dataclass
class XYPreproc:
    """parsnip's ``preproc`` of an ``fit_xy()`` fit: predictor and outcome names."""

    x_names: list[str]
    y_var: list[str] = field(default_factory=list)

    def apply(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """``new_data[, x_names]``: the predictors in training order."""
        missing = [c for c in self.x_names if c not in new_data.columns]
        if missing:
            raise PredictError(f"new_data is missing predictor column(s) {missing}")
        return new_data.loc[:, self.x_names]


def _seeded(fit: KerasFit, seed: int) -> KerasFit:
    """R's ``keras3::set_random_seed(seed)`` then restoring the models: a fresh copy
    whose random draws (this thread's global Keras ``SeedGenerator``, created here from
    the seeded Python stream) are R's, whatever other threads do meanwhile."""
    keras = import_keras()
    from keras.src.random.seed_generator import global_seed_generator

    with KERAS_LOCK:
        keras.utils.set_random_seed(seed)
        restored = fit.restored()
        global_seed_generator()
    return restored


def _regression_intervals(fit: KerasFit, x: Any, level: float,
                          predictive: bool) -> pd.DataFrame:
    entries = lp.require(fit.laplace)
    cached = lp.run_combined(next(iter(entries.values())), x) if fit.multistep_info else None
    mats = {name: lp.regression_interval(e, x, level, predictive, cached)
            for name, e in entries.items()}
    return post.intervals_regression(mats, fit.multistep_info)


def _classification_intervals(fit: KerasFit, x: Any, level: float,
                              predictive: bool) -> pd.DataFrame:
    entries = lp.require(fit.laplace)
    mats = {name: lp.classification_interval(e, x, level, predictive)
            for name, e in entries.items()}
    return post.intervals_classification(mats, fit.lvl)


def _raw(fit: KerasFit, x: Any) -> Any:
    res = lp.keras_predict(fit.model, x)
    if isinstance(res, dict):
        return {k: np.asarray(v, dtype=np.float64) for k, v in res.items()}
    return np.asarray(res, dtype=np.float64)


#: type -> (mode it needs, predictor(fit, x, level))
PREDICT_TYPES: dict[str, tuple[str | None, Any]] = {
    "numeric": ("regression", lambda fit, x, level: post.numeric(_raw(fit, x),
                                                                      fit.multistep_info)),
    "class": ("classification", lambda fit, x, level: post.classes(_raw(fit, x), fit.lvl)),
    "prob": ("classification", lambda fit, x, level: post.probs(_raw(fit, x), fit.lvl)),
    "conf_int": (None, lambda fit, x, level: _intervals(fit, x, level, False)),
    "pred_int": (None, lambda fit, x, level: _intervals(fit, x, level, True)),
}


def _intervals(fit: KerasFit, x: Any, level: float, predictive: bool) -> pd.DataFrame:
    regression = fit.lvl is None or (isinstance(fit.lvl, dict) and not any(fit.lvl.values()))
    make = _regression_intervals if regression else _classification_intervals
    return make(fit, x, level, predictive)


@dataclass(repr=False)
class ModelFit:
    """A fitted kerasnip model (parsnip ``model_fit``); ``predict`` gives R's columns.

    ``r_node`` is the R list it was read from (set by the loader), else None."""

    spec: Any
    fit: KerasFit
    preproc: Any
    lvl: list[str] | None = None
    ordered: bool = False
    elapsed: float = 0.0
    r_node: Any = None
    r_info: dict = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return self.spec.mode

    def to_r(self) -> Any:
        """The R ``model_fit`` tree kerasnip predicts with (:mod:`pykerasnip.writer`)."""
        from ..writer import model_fit_to_r

        return model_fit_to_r(self)

    def predict(self, new_data: pd.DataFrame, type: str | None = None, level: float = 0.95,
                seed: int | None = None, joint: bool = False,
                n_draws: int = 1000) -> pd.DataFrame:
        """Predictions as R's kerasnip returns them.

        ``type``: ``"numeric"`` (regression default), ``"class"`` (classification
        default), ``"prob"``, ``"conf_int"``, ``"pred_int"``. ``level`` is the interval
        coverage. ``seed`` is R's ``keras3::set_random_seed(seed)`` before ``predict()``:
        the global Keras seed is set and the models are restored afresh before the
        classification intervals' draws, and R's own stream (``set.seed``) drives what R
        draws from it, so the result equals R's for the same seed. Without a seed,
        classification intervals are random, as in R.

        ``joint=True`` (``type="pred_int"``, multistep models) returns R's joint draws:
        ``n_draws`` per row and step, from R's random stream seeded with ``seed`` (R's
        ``set.seed``, which ``keras3::set_random_seed`` also calls); like R, the
        predictors are taken as given (no preprocessing).
        """
        with r_session(seed):
            return self.predict_in_session(new_data, type, level, seed, joint, n_draws)

    def predict_in_session(self, new_data: pd.DataFrame, type: str | None, level: float,
                           seed: int | None, joint: bool = False,
                           n_draws: int = 1000) -> pd.DataFrame:
        """:meth:`predict` drawing from the R stream already current (a workflow's)."""
        if joint:
            return self._joint(new_data, type, n_draws)
        type = type or ("class" if self.mode == "classification" else "numeric")
        if type not in PREDICT_TYPES:
            raise PredictError(f"unknown prediction type {type!r}; use one of "
                               f"{', '.join(PREDICT_TYPES)}")
        needed, predictor = PREDICT_TYPES[type]
        if needed is not None and needed != self.mode:
            raise PredictError(f"type {type!r} needs a {needed} model; this one is {self.mode}")
        fit = self.fit if seed is None else _seeded(self.fit, seed)
        x = fit.process_x(self.preproc.apply(new_data))
        return predictor(fit, x, level)

    def _joint(self, new_data: pd.DataFrame, type: str | None, n_draws: int) -> pd.DataFrame:
        if type != "pred_int":
            raise PredictError("joint = TRUE is only available with type = 'pred_int'")
        entries = lp.require(self.fit.laplace)
        rng = current_stream() or RRandom(int(np.random.default_rng().integers(2**31)))
        return lp.joint_pred_int(entries, self.fit.joint_noise_cov,
                                 self.fit.process_x(new_data), n_draws, rng)

    def __repr__(self) -> str:
        from ..summary import describe_model_fit

        return describe_model_fit(self)
