"""kerasnip model specifications built from layer blocks.

``create_keras_sequential_spec(name, blocks, mode)`` / ``create_keras_functional_spec``
return (and register) a constructor whose keyword arguments are the discovered model
arguments (see :mod:`.arguments`); it makes a :class:`ModelSpec`, which fits with
``fit(formula, data)`` or ``fit_xy(x, y)`` exactly as kerasnip's generic fit functions.

Sequential blocks take the current model first (``None`` for the first block) and return
the model; functional blocks take upstream tensors by the names of upstream blocks (see
:func:`inp_spec`) and return a tensor. ``input_shape`` is given as a tuple and
``num_classes`` as an int when a block has such a formal. A formal without a default
that nobody supplies receives ``None`` (R would leave it missing).
"""
from __future__ import annotations

import copy
import functools
import inspect
import keyword
import warnings
from typing import Any, Callable

from ..convert import flag, scalar
from ..errors import MalformedObjectError, SpecError
from ..rds import build as b
from ..rds import nodes as n
from ..registry import r_class
from ..rmath import make_names
from .arguments import ZAP, BlockSignature, block_formals, discover_args
from .kerasnip_r import post_shim
from .values import arg_quosures, block_closure, block_signatures, named_args

MODES = ("regression", "classification")
FORBIDDEN_BLOCKS = frozenset({"compile", "fit", "optimizer"})

#: model name -> its constructor (kerasnip registers specs with parsnip by name)
REGISTRY: dict[str, Callable[..., "ModelSpec"]] = {}


#: parsnip protects these from engine arguments
_PROTECTED = ("x", "y")


@r_class("model_spec")
class ModelSpec:
    """An (unfitted) kerasnip model specification.

    ``args`` holds every main argument in kerasnip's order (:data:`ZAP` when unset),
    ``eng_args`` the ``set_engine`` arguments, ``layer_blocks`` the blocks by name.
    """

    def __init__(self, model_name: str, mode: str, args: dict[str, Any],
                 layer_blocks: dict[str, Any], functional: bool,
                 eng_args: dict[str, Any] | None = None, engine: str | None = None):
        self.model_name = model_name
        self.mode = mode
        self.args = dict(args)
        self.eng_args = dict(eng_args or {})
        self.engine = engine
        self.layer_blocks = dict(layer_blocks)
        self.functional = functional
        self.r_node = None

    @property
    def main_args(self) -> list[str]:
        """The discovered main-argument names (constructor ``...`` extras excluded)."""
        return discover_args(self.layer_blocks, self.functional)

    @classmethod
    def from_r(cls, node: Any, *, safe_mode: bool = True) -> "ModelSpec":
        """A parsnip ``model_spec`` (fitted or not); its R closures become signatures.
        (``safe_mode`` is the readers' common option: a spec holds no Keras model.)"""
        if not isinstance(node, n.List) or not node.inherits("model_spec"):
            raise MalformedObjectError(f"not a parsnip model_spec: {type(node).__name__} of class "
                                       f"{getattr(node, 'classes', [])}")
        spec = cls(
            model_name=node.classes[0],
            mode=scalar(node.get("mode")) or "regression",
            args=named_args(node.get("args")),
            layer_blocks=block_signatures(node.attr("kerasnip_layer_blocks")),
            functional=flag(node.attr("kerasnip_functional")),
            eng_args=named_args(node.get("eng_args")),
            engine=scalar(node.get("engine")),
        )
        spec.r_node = node
        return spec

    def to_r(self) -> n.List:
        """The unfitted spec as kerasnip's constructor (and ``set_engine``) leave it:
        class ``c(<name>, "kerasnip_spec", "model_spec")``."""
        fields = _spec_fields(self, self.engine, None)
        return _with_blocks(b.named_list(fields), [model_class(self), "kerasnip_spec", "model_spec"],
                            self._blocks_to_r(), self.functional)

    def fitted_to_r(self) -> n.List:
        """The spec stored in a ``model_fit``: engine ``"keras"``, parsnip's ``method``
        (R predicts from it, so it is written in full) and ``defaults``."""
        blocks = self._blocks_to_r()
        fields = _spec_fields(self, "keras", _method(self, blocks))
        fields["defaults"] = b.named_list(layer_blocks=blocks)
        return _with_blocks(b.named_list(fields), [model_class(self), "model_spec"], blocks,
                            self.functional)

    def _blocks_to_r(self) -> n.List:
        """The layer blocks as R closures: R's own when the spec was read from R,
        stopping stubs otherwise."""
        r_blocks = self.r_node.attr("kerasnip_layer_blocks") if self.r_node is not None else None
        if isinstance(r_blocks, n.List):
            return r_blocks
        return b.named_list({name: block_closure(name, block)
                             for name, block in self.layer_blocks.items()})

    def routed_args(self) -> dict[str, Any]:
        """The arguments kerasnip's fit function receives (parsnip's ``translate()``)."""
        args = {name: self.args.get(name, ZAP) for name in discover_args(self.layer_blocks,
                                                                          self.functional)
                if name != "fit_verbose"}
        for name in _PROTECTED:
            if name in self.eng_args:
                warnings.warn(f"the engine argument {name!r} is protected and was removed",
                              stacklevel=3)
        args.update({k: v for k, v in self.eng_args.items() if k not in _PROTECTED})
        return args

    def _copy(self, **changes: Any) -> "ModelSpec":
        new = copy.copy(self)
        new.args, new.eng_args, new.r_node = dict(self.args), dict(self.eng_args), None
        for name, value in changes.items():
            setattr(new, name, value)
        return new

    def set_engine(self, engine: str = "keras", **eng_args: Any) -> "ModelSpec":
        """A copy using ``engine`` (only ``"keras"``) with engine arguments ``eng_args``
        (``verbose`` here is the only way to make ``fit()`` verbose)."""
        if engine != "keras":
            raise SpecError(f"engine {engine!r} is not available for {self.model_name}; "
                            "kerasnip models only have the 'keras' engine")
        return self._copy(engine=engine, eng_args=dict(eng_args))

    def set_args(self, **kwargs: Any) -> "ModelSpec":
        """A copy with main arguments replaced; other names become engine arguments."""
        main = set(self.args)
        new = self._copy()
        for name, value in kwargs.items():
            (new.args if name in main else new.eng_args)[name] = value
        return new

    def update(self, parameters: dict[str, Any] | None = None, fresh: bool = False,
               **kwargs: Any) -> "ModelSpec":
        """parsnip's ``update()``: ``None`` values are ignored; ``parameters`` (a mapping
        or one-row DataFrame) overrides by name; ``fresh=True`` unsets every main
        argument first. Names must be main arguments or existing engine arguments."""
        values = {k: v for k, v in kwargs.items() if v is not None}
        values.update(_parameter_values(parameters))
        new = self._copy()
        if fresh:
            new.args = {name: ZAP for name in new.args}
        for name, value in values.items():
            if name in new.args:
                new.args[name] = value
            elif name in new.eng_args:
                new.eng_args[name] = value
            else:
                raise SpecError(f"{name!r} is not an argument of {self.model_name} "
                                f"(main arguments: {', '.join(self.args)})")
        return new

    def fit(self, formula: str, data: Any, seed: int | None = None) -> Any:
        """Fit on ``data`` through an R model formula (rows with NA in used variables
        are dropped, factors stay factors). ``seed`` calls
        ``keras.utils.set_random_seed(seed)`` first, like ``keras3::set_random_seed``."""
        from ..formula import FormulaPreproc
        from .fit import fit_model

        preproc, x, y = FormulaPreproc.fit(formula, data)
        return fit_model(self, x, y, preproc, seed=seed)

    def fit_xy(self, x: Any, y: Any, seed: int | None = None) -> Any:
        """Fit on predictors ``x`` (DataFrame) and outcome(s) ``y`` (Series, DataFrame,
        or array), as ``parsnip::fit_xy`` (what workflows call). With ``seed`` the
        initial weights and shuffles equal R's after ``keras3::set_random_seed(seed)``."""
        from .fit import fit_xy

        return fit_xy(self, x, y, seed=seed)

    def __repr__(self) -> str:
        set_args = {k: v for k, v in self.args.items() if v is not ZAP}
        return (f"{self.model_name} model specification ({self.mode})\n"
                f"  main arguments: {set_args}\n  engine: {self.engine} {self.eng_args or ''}")


def _parameter_values(parameters: Any) -> dict[str, Any]:
    if parameters is None:
        return {}
    if hasattr(parameters, "iloc"):
        if len(parameters) != 1:
            raise SpecError("`parameters` must have exactly one row")
        return parameters.iloc[0].to_dict()
    return dict(parameters)


def _check_blocks(layer_blocks: dict[str, Any], mode: str) -> None:
    if mode not in MODES:
        raise SpecError(f"mode must be one of {MODES}, not {mode!r}")
    if not layer_blocks:
        raise SpecError("layer_blocks must be a non-empty dict of named blocks")
    bad = FORBIDDEN_BLOCKS.intersection(layer_blocks)
    if bad:
        raise SpecError(f"block names {sorted(bad)} are reserved by kerasnip")
    for name, block in layer_blocks.items():
        if not (callable(block) or isinstance(block, BlockSignature)):
            raise SpecError(f"layer block {name!r} is not callable")


def _create_spec(model_name: str, layer_blocks: dict[str, Any], mode: str,
                 functional: bool) -> Callable[..., ModelSpec]:
    _check_blocks(layer_blocks, mode)
    blocks = dict(layer_blocks)
    names = discover_args(blocks, functional)

    def constructor(**kwargs: Any) -> ModelSpec:
        args = {name: kwargs.pop(name, ZAP) for name in names}
        args.update(kwargs)  # constructor ``...``: kept, but dropped at fit time
        return ModelSpec(model_name, mode, args, blocks, functional)

    constructor.__name__ = constructor.__qualname__ = model_name
    constructor.__doc__ = (f"Make a {model_name} kerasnip specification ({mode}). "
                           f"Arguments: {', '.join(names)}.")
    # R's argument names need not be Python identifiers (a block "Sepal.Length" gives
    # num_Sepal.Length): those are passed as **{"num_Sepal.Length": 2}, outside the signature
    constructor.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=ZAP)
         for n in names if n.isidentifier() and not keyword.iskeyword(n)]
        + [inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)],
        return_annotation=ModelSpec)
    REGISTRY[model_name] = constructor
    return constructor


def create_keras_sequential_spec(model_name: str, layer_blocks: dict[str, Callable],
                                 mode: str = "regression") -> Callable[..., ModelSpec]:
    """Register and return the constructor of a Sequential kerasnip model."""
    return _create_spec(model_name, layer_blocks, mode, functional=False)


def create_keras_functional_spec(model_name: str, layer_blocks: dict[str, Callable],
                                 mode: str = "regression") -> Callable[..., ModelSpec]:
    """Register and return the constructor of a functional (graph) kerasnip model."""
    return _create_spec(model_name, layer_blocks, mode, functional=True)


def remove_keras_spec(model_name: str) -> bool:
    """Forget a registered spec; True when it existed."""
    return REGISTRY.pop(model_name, None) is not None


class RenamedBlock:
    """A layer block whose formals are renamed to upstream block names (see
    :func:`inp_spec`); picklable whenever the wrapped block is."""

    def __init__(self, block: Callable, renames: dict[str, str]):
        self.block = block
        self.renames = dict(renames)
        functools.update_wrapper(self, block)

    @property
    def __signature__(self) -> inspect.Signature:
        params = inspect.signature(self.block).parameters.values()
        return inspect.Signature(
            [p.replace(name=self.renames.get(p.name, p.name), kind=inspect.Parameter.KEYWORD_ONLY)
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) else p for p in params])

    def __call__(self, **kwargs: Any) -> Any:
        back = {new: old for old, new in self.renames.items()}
        return self.block(**{back.get(k, k): v for k, v in kwargs.items()})

    def __getstate__(self) -> dict:
        return {"block": self.block, "renames": self.renames}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["block"], state["renames"])


def inp_spec(block: Callable, input_map: str | dict[str, str]) -> RenamedBlock:
    """A copy of ``block`` whose formals are renamed to upstream block names.

    A string renames the first formal; a dict maps the block's parameter names to
    upstream block names (``{"input_a": "path_a"}``)."""
    formals = [name for name, _ in block_formals(block)]
    if not formals:
        raise SpecError("inp_spec() needs a block with at least one argument")
    if isinstance(input_map, str):
        return RenamedBlock(block, {formals[0]: input_map})
    if not isinstance(input_map, dict):
        raise SpecError("input_map must be a string or a dict {block_argument: upstream_block}")
    unknown = set(input_map) - set(formals)
    if unknown:
        raise SpecError(f"input_map names {sorted(unknown)} are not arguments of the block "
                        f"(arguments: {formals})")
    return RenamedBlock(block, input_map)


# -- the R form -----------------------------------------------------------------
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
                **arg_quosures(spec.routed_args()), "layer_blocks": blocks}
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
