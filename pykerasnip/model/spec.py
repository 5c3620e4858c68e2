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
from typing import Any, Callable

from ..errors import SpecError
from .arguments import BlockSignature, Sentinel, block_formals, discover_args

MODES = ("regression", "classification")
FORBIDDEN_BLOCKS = frozenset({"compile", "fit", "optimizer"})


#: an argument that was not supplied (rlang's ``zap()`` in kerasnip specs)
ZAP = Sentinel("ZAP")

#: model name -> its constructor (kerasnip registers specs with parsnip by name)
REGISTRY: dict[str, Callable[..., "ModelSpec"]] = {}


def is_unset(value: Any) -> bool:
    """True for a zapped/NULL argument (kerasnip's ``%||%`` falls back on both)."""
    return value is None or value is ZAP


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

    def to_r(self) -> Any:
        """The unfitted R ``model_spec`` tree (:mod:`pykerasnip.writer`)."""
        from ..writer import spec_to_r

        return spec_to_r(self)

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
    constructor.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=ZAP) for n in names]
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
