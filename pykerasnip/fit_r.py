"""parsnip/kerasnip objects read from R trees: ``model_spec`` -> ``ModelSpec``,
``model_fit`` -> ``ModelFit`` (with kerasnip's ``fit`` list -> ``KerasFit``).

Only data is read: R closures (layer blocks, kerasnip's internals) become signatures or
are recognised by name; nothing stored is evaluated. The fields predictions depend on
are checked as they are read (R type, length, range): a file that stores a negative
noise variance or duplicated levels is refused with :class:`MalformedObjectError`
rather than predicting numbers R never would.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import rtree
from .convert import r_get, scalar, strings, to_python
from .errors import MalformedObjectError, UnsupportedObjectError
from .rds import nodes as n


def _quosure_expr(q: Any) -> Any:
    """The expression inside an rlang quosure (``~expr``); other values unchanged."""
    if isinstance(q, n.Lang) and isinstance(q.function, n.Sym) and q.function.name == "~":
        return q.cdr.car if isinstance(q.cdr, n.Cons) else None
    return q


def r_value(node: Any) -> Any:
    """A spec argument's value: :data:`ZAP` for a zapped quosure, the Python value of a
    literal (length-1 vectors become scalars), the R expression node otherwise."""
    from .model.spec import ZAP

    expr = _quosure_expr(node)
    if isinstance(expr, n.List) and expr.inherits("rlang_zap"):
        return ZAP
    if isinstance(expr, n.AltRep):
        expr = expr.expand()
    if isinstance(expr, (n.Logical, n.Integer, n.Real, n.Str)) and not expr.attributes:
        value = to_python(expr)
        return value[0].item() if len(value) == 1 and hasattr(value[0], "item") else (
            value[0] if len(value) == 1 else list(value))
    return expr


def _named_args(node: Any) -> dict[str, Any]:
    if not isinstance(node, n.List):
        return {}
    if len(node.data) and (node.names is None or None in node.names or "" in node.names):
        raise MalformedObjectError("a model_spec's arguments must all be named")
    return {k: r_value(v) for k, v in node.items()}


def _formal_default(value: Any) -> Any:
    from .model.arguments import MISSING

    if value is n.MissingArg:
        return MISSING
    return r_value(value)


def block_signatures(blocks: Any) -> dict[str, Any]:
    """``kerasnip_layer_blocks`` (R closures) as ``BlockSignature``s: names and formals."""
    from .model.arguments import BlockSignature

    if not isinstance(blocks, n.List):
        return {}
    return {name: BlockSignature(name, [(arg, _formal_default(default))
                                        for arg, default in (fn.formals.items() if fn.formals else [])])
            for name, fn in blocks.items() if isinstance(fn, n.Closure)}


def spec_from_r(node: n.List) -> Any:
    """A parsnip ``model_spec`` (fitted or not) as a ``ModelSpec``."""
    from .model.spec import ModelSpec

    if not isinstance(node, n.List) or not node.inherits("model_spec"):
        raise MalformedObjectError(f"not a parsnip model_spec: {type(node).__name__} of class "
                                   f"{getattr(node, 'classes', [])}")
    spec = ModelSpec(
        model_name=node.classes[0],
        mode=scalar(node.get("mode")) or "regression",
        args=_named_args(node.get("args")),
        layer_blocks=block_signatures(node.attr("kerasnip_layer_blocks")),
        functional=bool(scalar(node.attr("kerasnip_functional"))),
        eng_args=_named_args(node.get("eng_args")),
        engine=scalar(node.get("engine")),
    )
    spec.r_node = node
    return spec


def _numbers(node: Any, what: str) -> np.ndarray:
    """A numeric R vector's values (float64), all finite."""
    if isinstance(node, n.AltRep):
        node = node.expand()
    if not isinstance(node, (n.Real, n.Integer)) or node.inherits("factor"):
        raise MalformedObjectError(f"{what} must be a numeric vector, not {type(node).__name__}")
    values = np.asarray(to_python(node), dtype=np.float64)
    if not np.isfinite(values).all():
        raise MalformedObjectError(f"{what} holds NA, NaN or infinite values")
    return values


def _number(node: Any, what: str, low: float, strict: bool = True) -> float:
    """One finite number above ``low`` (or at least ``low`` when not ``strict``)."""
    values = _numbers(node, what)
    if len(values) != 1:
        raise MalformedObjectError(f"{what} must be one number, not {len(values)}")
    value = float(values[0])
    if value < low or (strict and value == low):
        raise MalformedObjectError(f"{what} is {value}; it must be {'>' if strict else '>='} {low}")
    return value


def _count(node: Any, what: str) -> int | None:
    """An optional positive whole number."""
    if node is None:
        return None
    value = _number(node, what, 1, strict=False)
    if not value.is_integer():
        raise MalformedObjectError(f"{what} is {value}; it must be a whole number")
    return int(value)


def level_names(node: Any, what: str) -> list[str]:
    """Outcome levels: a character vector of distinct, non-missing labels."""
    try:
        levels = strings(node)
    except UnsupportedObjectError as exc:
        raise MalformedObjectError(f"{what}: {exc}") from exc
    if not levels or None in levels or len(set(levels)) != len(levels):
        raise MalformedObjectError(f"{what} must be distinct, non-missing labels; got {levels}")
    return levels


def _levels(node: Any) -> Any:
    """``lvl``: NULL -> None, character -> list, named list -> dict of lists."""
    if node is None:
        return None
    if isinstance(node, n.List):
        return {k: [] if v is None else level_names(v, f"the levels of output {k!r}")
                for k, v in node.items()}
    return level_names(node, "the outcome levels (lvl)")


def _metric(node: Any, name: str) -> np.ndarray:
    """A training metric per epoch (NA allowed, as Keras logs NaN losses)."""
    if isinstance(node, n.AltRep):
        node = node.expand()
    if not isinstance(node, (n.Real, n.Integer, n.Logical)):
        raise MalformedObjectError(f"the training history's {name!r} must be numeric, not "
                                   f"{type(node).__name__}")
    return np.asarray(to_python(node), dtype=float)


def _history(node: Any) -> dict:
    params = r_get(node, "params")
    metrics = r_get(node, "metrics")
    return {
        "params": {k: scalar(v) for k, v in params.items()} if isinstance(params, n.List) else {},
        "metrics": ({k: _metric(v, k).tolist() for k, v in metrics.items()}
                    if isinstance(metrics, n.List) else {}),
    }


def _raw_bytes(node: Any, what: str) -> bytes | None:
    if node is None:
        return None
    if not isinstance(node, n.Raw):
        raise MalformedObjectError(f"{what} must be a raw vector, not {type(node).__name__}")
    return node.data


def _required(node: n.List, name: str, what: str) -> Any:
    value = node.get(name)
    if value is None:
        raise MalformedObjectError(f"{what} has no {name!r}")
    return value


def _laplace_entry(name: str, node: Any, safe_mode: bool) -> Any:
    from .model.model_fit import LaplaceEntry

    what = f"Laplace entry {name!r}"
    rtree.record(node, what, ("h_diag", "tau", "n_training"))
    h_diag = _numbers(node["h_diag"], f"{what}: h_diag")
    if len(h_diag) < 2 or (h_diag < 0).any():
        raise MalformedObjectError(f"{what}: h_diag must hold at least 2 values, none negative")
    num_classes = _count(node.get("num_classes"), f"{what}: num_classes")
    if num_classes is not None and len(h_diag) % num_classes:
        raise MalformedObjectError(f"{what}: {len(h_diag)} h_diag values do not split into "
                                   f"{num_classes} classes")
    noise = node.get("sigma_sq_noise")
    return LaplaceEntry(
        h_diag=h_diag,
        tau=_number(node["tau"], f"{what}: tau", 0),
        n_training=_count(node["n_training"], f"{what}: n_training"),
        combined_model_bytes=_raw_bytes(node.get("combined_model_bytes"),
                                        f"{what}: combined_model_bytes"),
        sigma_sq_noise=None if noise is None else _number(noise, f"{what}: sigma_sq_noise", 0),
        num_classes=num_classes,
        col_idx=_count(node.get("col_idx"), f"{what}: col_idx"),
        safe_mode=safe_mode,
    )


def _multistep(node: Any) -> dict | None:
    if not isinstance(node, n.List):
        return None
    what = "multistep_info"
    steps = _numbers(_required(node, "steps", what), f"{what}: steps")
    try:
        variables = strings(_required(node, "vars", what))
    except UnsupportedObjectError as exc:
        raise MalformedObjectError(f"{what}: vars: {exc}") from exc
    if len(steps) != len(variables) or not len(steps) or None in variables:
        raise MalformedObjectError(f"{what}: {len(steps)} steps for {len(variables)} variables")
    return {"steps": [int(s) for s in steps], "vars": variables}


def _noise_cov(laplace: Any) -> np.ndarray | None:
    """The joint noise covariance of a multistep output: a square, symmetric, finite
    matrix with one row per Laplace entry."""
    cov = laplace.attr("joint_noise_cov") if isinstance(laplace, n.List) else None
    if cov is None:
        return None
    values = _numbers(cov, "joint_noise_cov").ravel(order="F")
    k = len(laplace)
    if len(values) != k * k:
        raise MalformedObjectError(f"joint_noise_cov has {len(values)} values for {k} steps")
    matrix = values.reshape(k, k, order="F")
    if not np.allclose(matrix, matrix.T) or (np.diag(matrix) < 0).any():
        raise MalformedObjectError("joint_noise_cov is not a covariance matrix")
    return matrix


def keras_fit_from_r(node: Any, functional: bool, safe_mode: bool = True) -> Any:
    """kerasnip's ``model_fit$fit`` list as a ``KerasFit``."""
    from .model.model_fit import KerasFit

    if not isinstance(node, n.List):
        detail = scalar(node) if isinstance(node, n.Str) else type(node).__name__
        raise UnsupportedObjectError(f"the model fit holds no kerasnip fit (R stored: {detail})")
    laplace = node.get("laplace")
    return KerasFit(
        keras_bytes=_raw_bytes(node.get("keras_bytes"), "keras_bytes"),
        history=_history(node.get("history")),
        lvl=_levels(node.get("lvl")),
        api="functional" if functional else "sequential",
        multistep_info=_multistep(node.get("multistep_info")),
        laplace=({k: _laplace_entry(k, v, safe_mode)
                  for k, v in rtree.record(laplace, "laplace").items()}
                 if isinstance(laplace, n.List) else None),
        joint_noise_cov=_noise_cov(laplace),
        safe_mode=safe_mode,
    )


def preproc_from_r(node: Any) -> Any:
    """parsnip's ``preproc``: ``fit_xy()`` names or a ``fit()`` formula's terms."""
    from .formula import FormulaPreproc
    from .model.model_fit import XYPreproc

    if isinstance(node, n.List) and "terms" in node:
        return FormulaPreproc.from_r(node)
    return XYPreproc(x_names=strings(r_get(node, "x_names")), y_var=strings(r_get(node, "y_var")))


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


def model_fit_from_r(node: n.List, safe_mode: bool = True) -> Any:
    """A parsnip ``model_fit`` of a kerasnip model as a ``ModelFit``."""
    from .model.model_fit import ModelFit

    if not isinstance(node, n.List) or not node.inherits("model_fit"):
        raise UnsupportedObjectError(f"not a parsnip model_fit: {type(node).__name__} of class "
                                     f"{getattr(node, 'classes', [])}")
    rtree.check_lists(node, "the model_fit")
    spec = spec_from_r(rtree.record(node, "the model_fit", ("spec", "fit"))["spec"])
    model_fit = ModelFit(
        spec=spec,
        fit=keras_fit_from_r(node.get("fit"), spec.functional, safe_mode),
        preproc=preproc_from_r(node.get("preproc")),
        lvl=strings(node.get("lvl")) or None,
        ordered=bool(scalar(node.get("ordered"))),
        elapsed=_elapsed_seconds(node.get("elapsed")),
    )
    _check_levels(model_fit)
    model_fit.r_node = node
    model_fit.r_info = saved_versions(node, node)
    return model_fit


def _check_levels(model_fit: Any) -> None:
    """parsnip's ``lvl`` and kerasnip's ``fit$lvl`` are both the outcome's levels at
    fit time; a classification fit needs them to name its predictions."""
    inner = model_fit.fit.lvl
    if model_fit.mode == "classification" and inner is None:
        raise MalformedObjectError("a classification model_fit's kerasnip fit stores no outcome "
                                   "levels (fit$lvl)")
    if model_fit.lvl is not None and isinstance(inner, list) and inner != model_fit.lvl:
        raise MalformedObjectError(f"the model_fit's levels {model_fit.lvl[:5]} differ from its "
                                   f"kerasnip fit's {inner[:5]}")
