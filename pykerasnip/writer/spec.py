"""kerasnip model specifications as R ``model_spec`` trees (REFERENCE §1.4, §4.1, §4.2).

The unfitted spec (what a workflow's model action holds) has class
``c(<name>, "kerasnip_spec", "model_spec")``; the fitted spec inside a ``model_fit``
drops ``"kerasnip_spec"`` and carries parsnip's ``method`` -- the fit call's arguments
and, per prediction type, the function, its unevaluated arguments and a post-processor
-- plus ``defaults``. R predicts from that stored ``method``, so it is written in full.
"""
from __future__ import annotations

from typing import Any

from ..errors import SpecError
from ..model.fit import routed_args
from ..rds import build as b
from ..rds import nodes as n
from ..rmath import make_names
from .kerasnip_r import post_shim
from .values import arg_quosures, layer_blocks


#: mode -> prediction types in kerasnip's registration order:
#: (type, post-processor, kerasnip function -- None for ``predict``)
PRED_TYPES: dict[str, list[tuple[str, str, str | None]]] = {
    "regression": [
        ("numeric", "keras_postprocess_numeric", None),
        ("conf_int", "postprocess_intervals_reg", "laplace_conf_int_reg"),
        ("pred_int", "postprocess_intervals_reg", "laplace_pred_int_reg"),
    ],
    "classification": [
        ("class", "keras_postprocess_classes", None),
        ("prob", "keras_postprocess_probs", None),
        ("conf_int", "postprocess_intervals_cls", "laplace_conf_int_cls"),
        ("pred_int", "postprocess_intervals_cls", "laplace_pred_int_cls"),
    ],
}


def _api(spec: Any) -> str:
    return "functional" if spec.functional else "sequential"


def _named_chr(**values: str) -> n.Str:
    return b.structure(b.chr(list(values.values())), names=b.chr(list(values)))


def _object_path(*fields: str) -> Any:
    """The call ``object$<field>$<field>...``."""
    expr: Any = b.sym("object")
    for field in fields:
        expr = b.call("$", expr, b.sym(field))
    return expr


def _pred_args(api: str, mode: str, interval: bool) -> n.List:
    args: dict[str, Any] = {
        "object": _object_path("fit", "fit"),
        "x": b.call("$", b.call(f"process_x_{api}", b.sym("new_data")), b.sym("x_proc")),
    }
    if interval:
        args["laplace_data"] = _object_path("fit", "laplace")
        if mode == "classification":
            args["lvl"] = _object_path("fit", "lvl")
        args["level"] = b.sym("level")
    return b.named_list(args)


def _pred_entry(api: str, mode: str, post: str, function: str | None) -> n.List:
    func = _named_chr(fun="predict") if function is None else _named_chr(pkg="kerasnip",
                                                                          fun=function)
    return b.named_list(pre=None, post=post_shim(post), func=func,
                        args=_pred_args(api, mode, interval=function is not None))


def _method(spec: Any, blocks: n.List) -> n.List:
    api = _api(spec)
    fit_args = {"x": b.call("missing_arg"), "y": b.call("missing_arg"),
                **arg_quosures(routed_args(spec)), "layer_blocks": blocks}
    fit = b.named_list(interface="data.frame", protect=b.chr("x", "y"),
                       func=_named_chr(pkg="kerasnip", fun=f"generic_{api}_fit"),
                       defaults=b.named_list(layer_blocks=blocks), args=b.named_list(fit_args))
    pred = b.named_list({kind: _pred_entry(api, spec.mode, post, function)
                         for kind, post, function in PRED_TYPES[spec.mode]})
    return b.named_list(libs=b.chr("keras3", "kerasnip"), fit=fit, pred=pred)


def _eng_args(spec: Any) -> Any:
    if spec.engine is None and not spec.eng_args:
        return None
    return b.quosures(arg_quosures(spec.eng_args))


def _spec_fields(spec: Any, engine: Any, method: Any) -> dict[str, Any]:
    return {"args": b.named_list(arg_quosures(spec.args)), "eng_args": _eng_args(spec),
            "mode": spec.mode, "user_specified_mode": True, "method": method,
            "engine": engine, "user_specified_engine": True, "quantile_levels": None}


def _with_blocks(node: n.List, classes: list[str], blocks: n.List, functional: bool) -> n.List:
    return b.structure(node, {"class": classes, "kerasnip_layer_blocks": blocks,
                              "kerasnip_functional": functional})


def model_class(spec: Any) -> str:
    """The spec's model name, which R uses as a class and a function name."""
    if not spec.model_name.isascii() or make_names([spec.model_name]) != [spec.model_name]:
        raise SpecError(f"model name {spec.model_name!r} is not a valid R function name; "
                        "R re-registers the model under it (use letters, digits, '.', '_', "
                        "starting with a letter)")
    return spec.model_name


def spec_to_r(spec: Any) -> n.List:
    """The unfitted spec as kerasnip's constructor (and ``set_engine``) leave it."""
    fields = _spec_fields(spec, spec.engine, None)
    return _with_blocks(b.named_list(fields), [model_class(spec), "kerasnip_spec", "model_spec"],
                        layer_blocks(spec), spec.functional)


def fitted_spec_to_r(spec: Any) -> n.List:
    """The spec stored in a ``model_fit``: engine ``"keras"``, ``method``, ``defaults``."""
    blocks = layer_blocks(spec)
    fields = _spec_fields(spec, "keras", _method(spec, blocks))
    fields["defaults"] = b.named_list(layer_blocks=blocks)
    return _with_blocks(b.named_list(fields), [model_class(spec), "model_spec"], blocks,
                        spec.functional)
