"""Last-layer diagonal Laplace posterior: computed at fit time, used for intervals.

Fit time (kerasnip's ``laplace_all_*``): a "combined model" returns the output layer's
prediction (``pred``) or pre-activation ``logits`` plus the penultimate ``features``; the
diagonal Hessian ``h_diag``, prior precision ``tau`` and (regression) noise variance
``sigma_sq_noise`` are fitted to the training data. Predict time: regression intervals
are Gaussian (epistemic variance in float32 like R's Keras ops); classification
intervals come from Monte Carlo logit draws (1000 per row) with ``keras.random``.
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..backend import KERAS_LOCK, import_keras
from ..errors import PredictError, SpecError
from ..rlinalg import chol, col_means, cov, matprod
from ..rmath import libm, r_optim_nelder_mead, r_sum
from ..rrng import qnorm

N_DRAWS = 1000
_SKIPPED_PENULTIMATE = ("input_layer", "InputLayer", "Sequential")
_log = libm("log")


# -- layer discovery ---------------------------------------------------------------

def _producer(tensor: Any) -> Any:
    return tensor._keras_history.operation


def _is_sequential(model: Any) -> bool:
    keras = import_keras()

    return isinstance(model, keras.Sequential)


def _skipped(layer: Any) -> bool:
    """Input layers and nested Sequentials never serve as the penultimate layer (R
    matches the names of the layer's Python class hierarchy)."""
    names = [f"{c.__module__}.{c.__qualname__}" for c in type(layer).__mro__]
    return any(s in name for name in names for s in _SKIPPED_PENULTIMATE)


def _output_pairs(model: Any) -> dict[str, tuple[Any, Any]] | None:
    """Entry name -> (output Dense layer, penultimate layer), kerasnip's discovery."""
    keras = import_keras()

    dense = keras.layers.Dense
    if not _is_sequential(model) and isinstance(model.output, dict):
        pairs = {}
        for name, tensor in model.output.items():
            layer = _producer(tensor)
            if isinstance(layer, dense):
                pairs[name] = (layer, _producer(layer.input))
        return pairs or None
    layers = list(model.layers)
    dense_idx = [i for i, layer in enumerate(layers) if isinstance(layer, dense)]
    if not dense_idx:
        warnings.warn("no Dense layer found; Laplace intervals are not available", stacklevel=3)
        return None
    last = dense_idx[-1]
    before = [layer for layer in layers[:last] if not _skipped(layer)]
    if not before:
        warnings.warn("no layer before the output Dense layer; Laplace intervals are not "
                      "available", stacklevel=3)
        return None
    return {"output": (layers[last], before[-1])}


def combined_model(model: Any, out_layer: Any, penultimate: Any, classification: bool) -> Any:
    """A model with outputs ``pred``/``logits`` and ``features``."""
    keras = import_keras()

    features = penultimate.output
    if classification:
        kernel, bias = (np.asarray(w) for w in out_layer.get_weights()[:2])
        head = keras.ops.add(keras.ops.matmul(features, keras.ops.convert_to_tensor(kernel)),
                             keras.ops.convert_to_tensor(bias))
        outputs = {"logits": head, "features": features}
    else:
        outputs = {"pred": out_layer.output, "features": features}
    return keras.Model(inputs=model.inputs if _is_sequential(model) else model.input,
                       outputs=outputs)


# -- fit-time hyperparameters -----------------------------------------------------

def _require_finite(loss: float, w_sq: float, h_diag: np.ndarray) -> None:
    """kerasnip's optimisers stop on non-finite inputs (``optimize()``'s bounds, ``optim()``'s
    start): R's fit fails, so does this one, with a typed error."""
    if not (math.isfinite(loss) and math.isfinite(w_sq) and np.isfinite(h_diag).all()):
        raise SpecError("the Laplace posterior cannot be fitted: the training loss, the "
                        "output weights or the features are not finite (did training diverge?)")


def regression_hyper(n: int, rss: float, w_sq: float, h_diag: np.ndarray) -> tuple[float, float]:
    """(tau, sigma^2) minimising the Laplace evidence NLL over their logs, as kerasnip's
    ``optim_laplace_regression``: R's Nelder-Mead on the NLL evaluated in R's order
    (C library ``exp``/``log``, long-double ``sum``), so R's numbers to the bit."""
    d = len(h_diag)

    def nll(theta: list[float]) -> float:
        tau, s2 = math.exp(theta[0]), math.exp(theta[1])
        log_det = r_sum(_log(n * h_diag / s2 + tau))
        return (n / 2 * math.log(s2) + rss / (2 * s2) - d / 2 * math.log(tau) + tau * w_sq / 2
                + 0.5 * log_det)

    _require_finite(rss, w_sq, h_diag)
    s2_0 = max(rss / n, 1e-8)
    log_tau, log_s2 = r_optim_nelder_mead(nll, [math.log(1 / (s2_0 * d)), math.log(s2_0)])
    return math.exp(log_tau), math.exp(log_s2)


def classification_tau(nll_total: float, w_sq: float, h_diag: np.ndarray, n: int) -> float:
    """Prior precision minimising the classification evidence (bounded Brent on log tau)."""
    d = len(h_diag)
    _require_finite(nll_total, w_sq if w_sq > 0 else math.nan, h_diag)  # R's bounds: log(d / w_sq)

    def f(t: float) -> float:
        return nll_total - d / 2 * t + np.exp(t) * w_sq / 2 + 0.5 * np.sum(np.log(n * h_diag + np.exp(t)))

    from scipy import optimize  # only at fit time

    t0 = np.log(max(d / w_sq, 1e-12))
    res = optimize.minimize_scalar(f, bounds=(t0 - 10, t0 + 10), method="bounded",
                                   options={"xatol": np.finfo(float).eps ** 0.25})
    return float(np.exp(res.x))


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _weights(layer: Any) -> tuple[np.ndarray, np.ndarray]:
    kernel, bias = layer.get_weights()[:2]
    return np.asarray(kernel, dtype=np.float64), np.asarray(bias, dtype=np.float64)


def _sum_sq(x: np.ndarray) -> float:
    """R's ``sum(as.vector(x)^2)``: column-major order, long-double accumulation."""
    flat = np.ravel(x, order="F")
    return r_sum(flat * flat)


def regression_entries(pred: np.ndarray, feats: np.ndarray, y: np.ndarray,
                       kernel: np.ndarray, bias: np.ndarray) -> list[dict]:
    """One entry dict per output column (several for a vector-valued output), with
    kerasnip's sums and means as R computes them (``colMeans``, ``sum``)."""
    n = len(feats)
    h_diag = np.append(col_means(feats * feats), 1.0)
    residuals = y.reshape(n, -1) - pred.reshape(n, -1)
    entries = []
    for k in range(residuals.shape[1]):
        rss = _sum_sq(residuals[:, k])
        w_sq = _sum_sq(kernel[:, k]) + bias[k] * bias[k] if residuals.shape[1] > 1 else \
            _sum_sq(kernel) + _sum_sq(bias)
        tau, s2 = regression_hyper(n, rss, w_sq, h_diag)
        entries.append({"h_diag": h_diag, "tau": tau, "sigma_sq_noise": s2, "n_training": n})
    return entries


def classification_entry(logits: np.ndarray, feats: np.ndarray, y: np.ndarray,
                         kernel: np.ndarray, bias: np.ndarray) -> dict:
    """The entry dict of one classification output."""
    n, k = logits.shape
    p = _softmax(logits)
    nll_total = float(-np.sum(y * np.log(np.clip(p, 1e-15, 1 - 1e-15))))
    pq = p * (1 - p)
    h = np.vstack([(feats ** 2).T @ pq / n, pq.mean(axis=0)])
    h_diag = h.ravel(order="F")
    w_sq = float(np.sum(kernel ** 2) + np.sum(bias ** 2))
    tau = classification_tau(nll_total, w_sq, h_diag, n)
    return {"h_diag": h_diag, "tau": tau, "n_training": n, "num_classes": k}


def fit_laplace(model: Any, x: Any, y: Any, classification: bool,
                multistep: bool) -> tuple[dict | None, np.ndarray | None]:
    """Laplace entries (name -> (entry fields, combined model)) and the joint noise
    covariance of a multistep output; ``(None, None)`` when no Dense output exists."""
    pairs = _output_pairs(model)
    if pairs is None:
        return None, None
    entries, joint = {}, None
    for name, (out_layer, pen) in pairs.items():
        comb = combined_model(model, out_layer, pen, classification)
        res = keras_predict(comb, x)
        first = np.asarray(res["logits" if classification else "pred"], dtype=np.float64)
        feats = np.asarray(res["features"], dtype=np.float64)
        target = np.asarray(y[name] if isinstance(y, dict) else y, dtype=np.float64)
        kernel, bias = _weights(out_layer)
        if classification:
            entries[name] = (classification_entry(first, feats, target, kernel, bias), comb)
        elif multistep:
            for k, fields in enumerate(regression_entries(first, feats, target, kernel, bias)):
                entries[f"step_{k + 1}"] = ({**fields, "col_idx": k + 1}, comb)
            joint = cov(target - first)
        else:
            entries[name] = (regression_entries(first, feats, target, kernel, bias)[0], comb)
    return entries, joint


# -- predict time ---------------------------------------------------------------------

def as_float32(x: Any) -> Any:
    """Predictors as float32 arrays (keras3 casts R doubles to the model dtype)."""
    if isinstance(x, dict):
        return {k: np.asarray(v, dtype=np.float32) for k, v in x.items()}
    return np.asarray(x, dtype=np.float32)


def keras_predict(model: Any, x: Any, batch_size: int = 32) -> Any:
    """What keras3's ``predict(model, x)`` returns, batch by batch in R's batches of 32
    (the last one shorter), as float32 arrays (a dict for named outputs).

    Each batch goes through the model's traced predict step directly: the same
    computation ``model.predict`` makes, without building a tf.data pipeline per call
    (on 1e5 rows 1.8x faster; the first call 0.1 s sooner)."""
    x = as_float32(x)
    rows = len(next(iter(x.values()))) if isinstance(x, dict) else len(x)
    if rows == 0:  # Keras cannot predict no rows: one row of zeros gives the outputs' shapes
        return _rows(keras_predict(model, _zero_row(model), batch_size), 0, 0)
    try:
        outputs = [model.predict_on_batch(_rows(x, start, start + batch_size))
                   for start in range(0, rows, batch_size)]
    except Exception as exc:  # the stored model meets these predictors: any Keras error
        raise PredictError(f"Keras cannot run the stored model on these predictors: "
                           f"{type(exc).__name__}: {exc}") from exc
    if isinstance(outputs[0], dict):
        return {name: np.concatenate([out[name] for out in outputs]) for name in outputs[0]}
    return np.concatenate(outputs)


def _zero_row(model: Any) -> Any:
    """One row of zeros for each of the model's inputs, in its own input structure (a
    dict keyed by the inputs' paths, a list, or one array)."""
    def zeros(tensor: Any) -> np.ndarray:
        return np.zeros((1,) + tuple(d or 1 for d in tensor.shape[1:]), dtype=np.float32)

    try:
        structure = model.input
    except AttributeError:  # a Sequential model that was restored, never called
        structure = model.inputs
    if isinstance(structure, dict):
        return {name: zeros(t) for name, t in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [zeros(t) for t in structure] if len(structure) > 1 else zeros(structure[0])
    return zeros(structure)


def _rows(x: Any, start: int, stop: int) -> Any:
    if isinstance(x, dict):
        return {k: v[start:stop] for k, v in x.items()}
    return x[start:stop]


def run_combined(entry: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    res = keras_predict(entry.combined_model, x)
    first = res["logits"] if "logits" in res else res["pred"]
    return np.asarray(first, dtype=np.float64), np.asarray(res["features"], dtype=np.float64)


def _require_shape(entry: Any, size: int, kind: str) -> None:
    """The stored Hessian diagonal fits the model's last layer."""
    if len(entry.h_diag) != size:
        raise PredictError(f"the stored Laplace posterior has {len(entry.h_diag)} Hessian values; "
                           f"this {kind} model's output layer needs {size}")


def epistemic_variance(entry: Any, feats: np.ndarray) -> np.ndarray:
    """Per-row epistemic variance of a regression entry; the ``F^2 %*% (1 / prec_w)``
    product runs in float32 Keras ops as in kerasnip."""
    ops = import_keras().ops

    d = feats.shape[1]
    _require_shape(entry, d + 1, "regression")
    if d == 1 and len(feats):  # R hands Keras 1 / prec_w of length one as a scalar,
        # which matmul refuses (with no rows R's predict stopped before: no rows here)
        raise PredictError("the model's last hidden layer has one unit: R's Laplace intervals "
                           "stop there (Keras matmul: In[1] ndims must be >= 2)")
    if entry.sigma_sq_noise is None:
        raise PredictError("the Laplace entry has no noise variance (sigma_sq_noise): it was "
                           "not fitted for regression")
    s2 = entry.sigma_sq_noise
    prec_w = entry.n_training * entry.h_diag[:d] / s2 + entry.tau
    prec_b = entry.n_training * entry.h_diag[d] / s2 + entry.tau
    squared = ops.square(ops.convert_to_tensor(feats, dtype="float32"))
    inv = ops.convert_to_tensor((1 / prec_w).reshape(-1, 1), dtype="float32")
    product = np.asarray(ops.convert_to_numpy(ops.matmul(squared, inv)), dtype=np.float64)
    return product.ravel() + 1 / prec_b


def regression_interval(entry: Any, x: Any, level: float, predictive: bool,
                        cached: tuple | None = None) -> np.ndarray:
    """``N x 3`` matrix (mean, lower, upper) of one regression entry."""
    first, feats = cached if cached is not None else run_combined(entry, x)
    if entry.col_idx is not None and not 1 <= entry.col_idx <= first.shape[1]:
        raise PredictError(f"the Laplace entry is for output column {entry.col_idx}; the model "
                           f"has {first.shape[1]}")
    mean = first.ravel() if entry.col_idx is None else first[:, entry.col_idx - 1]
    var = epistemic_variance(entry, feats)
    if predictive:
        var = var + entry.sigma_sq_noise
    half = qnorm(1 - (1 - level) / 2) * np.sqrt(np.maximum(var, 0))
    return np.column_stack([mean, mean - half, mean + half])


def joint_pred_int(entries: dict, noise_cov: np.ndarray, x: Any, n_draws: int,
                   rng: Any) -> pd.DataFrame:
    """kerasnip's joint multistep draws: per row, correlated noise ``Z chol(cov)`` plus
    independent epistemic noise, drawn from R's RNG (``rng.rnorm``) in R's order."""
    if noise_cov is None:
        raise PredictError("joint prediction intervals need a vector-valued (multistep) "
                           "regression output")
    means, feats = run_combined(next(iter(entries.values())), x)
    k = len(entries)
    sd = np.sqrt(np.maximum(np.column_stack(
        [epistemic_variance(e, feats) for e in entries.values()]), 0))
    upper = chol(noise_cov)
    draw_ids, step_ids = np.tile(np.arange(1, n_draws + 1), k), np.repeat(np.arange(1, k + 1), n_draws)
    rows = []
    for i in range(len(means)):  # the draws are sequential in R's RNG stream
        noise = matprod(rng.rnorm(n_draws * k).reshape(n_draws, k, order="F"), upper)
        epistemic = rng.rnorm(n_draws * k).reshape(n_draws, k, order="F") * sd[i]
        draws = means[i] + epistemic + noise
        rows.append(pd.DataFrame({".draw": draw_ids, ".step": step_ids,
                                  ".pred": draws.ravel(order="F")}))
    return pd.DataFrame({".pred": rows})


@functools.cache
def _unseeded() -> type:
    """``SeedGenerator`` advanced as an unseeded ``keras.random`` call advances the
    global one (kerasnip passes no seed). A generator given as ``seed`` moves by
    ``next()`` (ordered: +1), a call without one by ``next(ordered=False)``, to another
    state, which the second and later draws start from."""
    from keras.src.random.seed_generator import SeedGenerator

    class Unseeded(SeedGenerator):
        def __init__(self, generator: SeedGenerator):  # no state of its own
            self.generator = generator

        def next(self, ordered: bool = True) -> Any:
            return self.generator.next(ordered=False)

    return Unseeded


def thread_seed_generator() -> Any:
    """The draws of unseeded ``keras.random`` calls: this thread's global generator
    (Keras keeps one per thread; made under the lock, as it seeds itself from Python's
    shared stream), advanced as ``seed=None`` advances it."""
    from keras.src.random.seed_generator import global_seed_generator

    with KERAS_LOCK:
        return _unseeded()(global_seed_generator())


def classification_interval(entry: Any, x: Any, level: float, predictive: bool) -> np.ndarray:
    """``N x 2K`` matrix (lower, upper per class, interleaved) from logit draws.

    Mirrors kerasnip step by step (float32 Keras ops, unseeded ``keras.random`` calls
    in the same order), so ``keras.utils.set_random_seed`` before restoring the models
    reproduces R's numbers. For ``pred_int`` the ``(N, K, S)`` draws are reshaped to
    ``(N * S, K)`` without transposing, exactly as kerasnip does."""
    keras = import_keras()
    ops = keras.ops

    logits, feats = run_combined(entry, x)
    n, k = logits.shape
    if n == 0:
        return np.empty((0, 2 * k))
    d = feats.shape[1]
    _require_shape(entry, (d + 1) * k, "classification")
    prec = entry.n_training * entry.h_diag.reshape(d + 1, k, order="F") + entry.tau
    var = (feats ** 2) @ (1 / prec[:d]) + 1 / prec[d]
    mean = ops.expand_dims(ops.convert_to_tensor(logits, dtype="float32"), 2)
    sd = ops.sqrt(ops.maximum(ops.expand_dims(ops.convert_to_tensor(var, dtype="float32"), 2), 0))
    draws = thread_seed_generator()
    values = keras.random.normal((n, k, N_DRAWS), mean=mean, stddev=sd, seed=draws)
    if predictive:
        picked = keras.random.categorical(ops.reshape(values, (n * N_DRAWS, k)), 1, seed=draws)
        values = ops.reshape(ops.one_hot(ops.squeeze(picked, 1), k), (n, k, N_DRAWS))
    else:
        values = ops.softmax(values, axis=1)
    p_lo = (1 - level) / 2
    lo, hi = (np.asarray(ops.convert_to_numpy(ops.quantile(values, p, axis=2)), dtype=np.float64)
              for p in (p_lo, 1 - p_lo))
    return np.stack([lo, hi], axis=2).reshape(n, 2 * k)


def require(laplace: Any) -> dict:
    """The Laplace entries, or the error R gives when there are none."""
    if not laplace:
        raise PredictError("Laplace intervals are not available for this model (no laplace "
                           "data was stored at fit time)")
    return laplace
