"""Fitted kerasnip models as R ``model_fit`` trees (REFERENCE §2.8, §4.3, §10.3).

The ``model_fit`` list is ``lvl, ordered, spec, fit, preproc, elapsed, censor_probs``
with class ``c("kerasnip_model_fit", "_list", "model_fit")``; its ``fit`` is kerasnip's
plain list in R's field order, the Keras models travelling as ``.keras`` bytes next to
dead Python-object stubs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..model.model_fit import KerasFit, LaplaceEntry, ModelFit, XYPreproc
from ..rds import build as b
from ..rds import nodes as n
from .kerasnip_r import process_x_shim, process_y_shim, python_stub
from .parts import r_form
from .spec import fitted_spec_to_r

MODEL_FIT_CLASS = ["kerasnip_model_fit", "_list", "model_fit"]


def _int_or_null(value: Any) -> Any:
    return None if value is None else b.int_(int(value))


def _dbl_or_null(value: Any) -> Any:
    return None if value is None else b.dbl(float(value))


def _raw_or_null(data: bytes | None) -> Any:
    return None if data is None else b.raw(data)


def history_to_r(history: dict) -> n.List:
    """A ``keras_training_history``: integer ``params``, per-epoch double ``metrics``."""
    params = {k: _int_or_null(v) for k, v in history.get("params", {}).items()}
    metrics = {k: b.dbl(np.asarray(v, dtype=np.float64)) for k, v in
               history.get("metrics", {}).items()}
    return b.structure(b.named_list(params=b.named_list(params), metrics=b.named_list(metrics)),
                       {"class": "keras_training_history"})


def levels_to_r(lvl: Any) -> Any:
    """``lvl``: NULL, a character vector, or a named list of them (multi-head)."""
    if lvl is None:
        return None
    if isinstance(lvl, dict):
        return b.named_list({k: b.chr(list(v)) for k, v in lvl.items()})
    return b.chr(list(lvl))


def _multistep_to_r(info: dict | None) -> Any:
    if info is None:
        return None
    return b.named_list(steps=b.int_(list(info["steps"])), vars=b.chr(list(info["vars"])))


def laplace_entry_to_r(entry: LaplaceEntry) -> n.List:
    """One Laplace posterior in kerasnip's field order (regression has
    ``sigma_sq_noise``, classification ``num_classes``; multistep steps ``col_idx``)."""
    fields: dict[str, Any] = {"h_diag": b.dbl(entry.h_diag), "tau": b.dbl(entry.tau)}
    if entry.sigma_sq_noise is not None:
        fields["sigma_sq_noise"] = _dbl_or_null(entry.sigma_sq_noise)
    fields["n_training"] = b.int_(entry.n_training)
    if entry.num_classes is not None:
        fields["num_classes"] = _int_or_null(entry.num_classes)
    if entry.col_idx is not None:
        fields["col_idx"] = _int_or_null(entry.col_idx)
    fields["combined_model"] = python_stub("functional")
    fields["combined_model_bytes"] = _raw_or_null(entry.combined_model_bytes)
    return b.named_list(fields)


def laplace_to_r(fit: KerasFit) -> Any:
    """The named list of Laplace entries (with ``joint_noise_cov`` when present)."""
    if fit.laplace is None:
        return None
    node = b.named_list({k: laplace_entry_to_r(e) for k, e in fit.laplace.items()})
    if fit.joint_noise_cov is not None:
        cov = np.asarray(fit.joint_noise_cov, dtype=np.float64)
        node.set_attr("joint_noise_cov",
                      b.matrix(b.dbl(cov.ravel(order="F")), cov.shape[0], cov.shape[1]))
    return node


def keras_fit_to_r(fit: KerasFit) -> n.List:
    """kerasnip's ``model_fit$fit`` list (functional fits add ``multistep_info``)."""
    fields: dict[str, Any] = {"fit": python_stub(fit.api),
                              "keras_bytes": _raw_or_null(fit.keras_bytes),
                              "history": history_to_r(fit.history), "lvl": levels_to_r(fit.lvl)}
    if fit.api == "functional":
        fields["multistep_info"] = _multistep_to_r(fit.multistep_info)
    fields.update(process_x=process_x_shim(fit.api), process_y=process_y_shim(fit.api),
                  laplace=laplace_to_r(fit))
    return b.named_list(fields)


def preproc_to_r(preproc: Any) -> n.List:
    """``preproc``: ``list(y_var, x_names)`` of ``fit_xy()``; a formula fit's own R form
    (``list(terms, xlevels, options, y_var)``)."""
    if isinstance(preproc, XYPreproc):
        return b.named_list(y_var=b.chr(list(preproc.y_var)), x_names=b.chr(list(preproc.x_names)))
    return r_form(preproc, "model fit's preprocessing")


def model_fit_to_r(model_fit: ModelFit) -> n.List:
    """The ``model_fit`` R's kerasnip predicts with."""
    elapsed = b.named_list(elapsed=b.proc_time(elapsed=float(model_fit.elapsed)), print=False)
    fields = {"lvl": levels_to_r(model_fit.lvl), "ordered": bool(model_fit.ordered),
              "spec": fitted_spec_to_r(model_fit.spec), "fit": keras_fit_to_r(model_fit.fit),
              "preproc": preproc_to_r(model_fit.preproc), "elapsed": elapsed,
              "censor_probs": n.List([])}
    return b.structure(b.named_list(fields), {"class": MODEL_FIT_CLASS})
