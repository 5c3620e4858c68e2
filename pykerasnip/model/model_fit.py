"""Fitted kerasnip models: ``ModelFit`` (parsnip's ``model_fit``), read from R, predicted,
and written back.

The R form (REFERENCE §2.8, §4.3, §10.3) is the list ``lvl, ordered, spec, fit, preproc,
elapsed, censor_probs`` of class ``c("kerasnip_model_fit", "_list", "model_fit")``; its
``fit`` is kerasnip's own list (:class:`~.keras_fit.KerasFit`). Only data is read: R
closures are recognised by name and never evaluated.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import rtree
from ..backend import KERAS_LOCK, import_keras
from ..convert import flag, r_get, strings
from ..errors import MalformedObjectError, PredictError, UnsupportedObjectError
from ..formula.preproc import FormulaPreproc
from ..rds import build as b
from ..rds import nodes as n
from ..registry import r_class
from ..rrng import RRandom, current_stream, r_session
from . import laplace as lp
from . import postprocess as post
from .describe import describe_model_fit
from .keras_fit import KerasFit, levels_to_r
from .spec import ModelSpec

MODEL_FIT_CLASS = ["kerasnip_model_fit", "_list", "model_fit"]


@dataclass
class XYPreproc:
    """parsnip's ``preproc`` of an ``fit_xy()`` fit: predictor and outcome names."""

    x_names: list[str]
    y_var: list[str] = field(default_factory=list)

    @classmethod
    def from_r(cls, node: Any) -> "XYPreproc":
        x_names = strings(r_get(node, "x_names"))
        if None in x_names or len(set(x_names)) != len(x_names):
            raise MalformedObjectError(f"the model fit's predictor names (preproc$x_names) must "
                                       f"be distinct and not NA: {x_names[:8]}")
        return cls(x_names=x_names, y_var=strings(r_get(node, "y_var")))

    def to_r(self) -> n.List:
        return b.named_list(y_var=b.chr(list(self.y_var)), x_names=b.chr(list(self.x_names)))

    def apply(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """``new_data[, x_names]``: the predictors in training order, as parsnip's
        ``prepare_data`` takes them when the fit had no outcome names (``fit_xy()`` with
        an outcome vector). With outcome names (an outcome data frame: several
        outcomes, or a workflow's fit) parsnip takes ``new_data`` whole, as given."""
        if self.y_var:
            return new_data
        missing = [c for c in self.x_names if c not in new_data.columns]
        if missing:
            raise PredictError(f"new_data is missing predictor column(s) {missing}")
        return new_data.loc[:, self.x_names]


#: the largest seed R's ``keras3::set_random_seed()`` takes: R's integers stop here
MAX_SEED = 2**31 - 1


def check_seed(seed: Any) -> int | None:
    """``seed`` as R's ``keras3::set_random_seed(seed)`` takes it: ``None``, or a whole
    number from 0 to 2^31 - 1 (R has no larger integer; Keras refuses negative seeds, in
    R too), else a :class:`PredictError` naming it."""
    if seed is None:
        return None
    try:
        value = operator.index(seed)
    except TypeError:
        raise PredictError(f"seed must be a whole number, not {seed!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise PredictError(f"seed must be between 0 and {MAX_SEED} (as R's "
                           f"keras3::set_random_seed takes it), not {value}")
    return value


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


def preproc_from_r(node: Any) -> "FormulaPreproc | XYPreproc":
    """parsnip's ``preproc``: ``fit()``'s formula terms, or ``fit_xy()``'s names."""
    if isinstance(node, n.List) and "terms" in node:
        return FormulaPreproc.from_r(node)
    return XYPreproc.from_r(node)


@r_class("model_fit")
@dataclass(repr=False)
class ModelFit:
    """A fitted kerasnip model (parsnip ``model_fit``); ``predict`` gives R's columns.

    ``r_node`` is the R list it was read from (set by the loader), else None."""

    spec: ModelSpec
    fit: KerasFit
    preproc: "FormulaPreproc | XYPreproc"
    lvl: list[str] | None = None
    ordered: bool = False
    elapsed: float = 0.0
    r_node: Any = None
    r_info: dict = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return self.spec.mode

    @classmethod
    def from_r(cls, node: Any, *, safe_mode: bool = True) -> "ModelFit":
        """A parsnip ``model_fit`` of a kerasnip model."""
        if not isinstance(node, n.List) or not node.inherits("model_fit"):
            raise UnsupportedObjectError(f"not a parsnip model_fit: {type(node).__name__} of "
                                         f"class {getattr(node, 'classes', [])}")
        rtree.check_lists(node, "the model_fit")
        spec = ModelSpec.from_r(rtree.record(node, "the model_fit", ("spec", "fit"))["spec"])
        model_fit = cls(
            spec=spec,
            fit=KerasFit.from_r(node.get("fit"), spec.functional, safe_mode),
            preproc=preproc_from_r(node.get("preproc")),
            lvl=strings(node.get("lvl")) or None,
            ordered=flag(node.get("ordered")),
            elapsed=_elapsed_seconds(node.get("elapsed")),
        )
        model_fit._check_levels()
        model_fit.r_node = node
        model_fit.r_info = saved_versions(node, node)
        return model_fit

    def to_r(self) -> n.List:
        """The ``model_fit`` R's kerasnip predicts with."""
        elapsed = b.named_list(elapsed=b.proc_time(elapsed=float(self.elapsed)), print=False)
        fields = {"lvl": levels_to_r(self.lvl), "ordered": bool(self.ordered),
                  "spec": self.spec.fitted_to_r(), "fit": self.fit.to_r(),
                  "preproc": rtree.r_form(self.preproc, "model fit's preprocessing"),
                  "elapsed": elapsed, "censor_probs": n.List([])}
        return b.structure(b.named_list(fields), {"class": MODEL_FIT_CLASS})

    def _check_levels(self) -> None:
        """parsnip's ``lvl`` and kerasnip's ``fit$lvl`` are both the outcome's levels at
        fit time; a classification fit needs them to name its predictions."""
        inner = self.fit.lvl
        if self.mode == "regression" and isinstance(inner, list):
            raise MalformedObjectError(f"a regression model_fit's kerasnip fit stores outcome "
                                       f"levels (fit$lvl = {inner[:5]})")
        if self.mode == "classification" and inner is None:
            raise MalformedObjectError("a classification model_fit's kerasnip fit stores no "
                                       "outcome levels (fit$lvl)")
        if self.lvl is not None and isinstance(inner, list) and inner != self.lvl:
            raise MalformedObjectError(f"the model_fit's levels {self.lvl[:5]} differ from its "
                                       f"kerasnip fit's {inner[:5]}")

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
        seed = check_seed(seed)
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
        fit.model  # noqa: B018  (R hands the main model to every prediction function)
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
        return describe_model_fit(self)


def _elapsed_seconds(node: Any) -> float:
    times = r_get(node, "elapsed")
    if isinstance(times, n.Real) and len(times) >= 3:
        return float(times.data[2])
    return 0.0


def saved_versions(root: Any, model_fit: Any) -> dict[str, str]:
    """Versions recorded in an R file: the R that wrote it (``root``'s header) and the
    kerasnip namespace the ``model_fit``'s closures point to."""
    info: dict[str, str] = {}
    header = getattr(root, "_header", None)
    if header is not None and getattr(header, "writer_version", None):
        v = header.writer_version
        info["R"] = f"{v >> 16}.{(v >> 8) & 0xFF}.{v & 0xFF}"
    process_x = r_get(model_fit, "fit", "process_x")
    if isinstance(process_x, n.Closure) and isinstance(process_x.env, n.Namespace):
        values = process_x.env.info.values
        if len(values) > 1:
            info[values[0]] = values[1]
    return info
