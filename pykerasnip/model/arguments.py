"""Model-argument discovery, as kerasnip does it from layer blocks.

A spec's main arguments are, in order: ``num_<block>`` per block, ``<block>_<formal>``
hyperparameters, ``learn_rate``, ``fit_<arg>`` per argument of keras3's ``fit()`` and
``compile_<arg>`` per argument of keras3's ``compile()``. The two keras3 lists are data
(keras3 1.5.1), as is the dials mapping used when tuning.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

#: keras3 1.5.1 ``fit()`` formals minus ``object``, ``x``, ``y``, ``...``
KERAS_FIT_ARGS: tuple[str, ...] = (
    "batch_size", "epochs", "callbacks", "validation_split", "validation_data", "shuffle",
    "class_weight", "sample_weight", "initial_epoch", "steps_per_epoch", "validation_steps",
    "validation_batch_size", "validation_freq", "verbose", "view_metrics",
)

#: keras3 1.5.1 ``compile()`` formals minus ``object``, ``...``
KERAS_COMPILE_ARGS: tuple[str, ...] = (
    "optimizer", "loss", "metrics", "loss_weights", "weighted_metrics", "run_eagerly",
    "steps_per_execution", "jit_compile", "auto_scale_loss",
)

#: formals the fit functions fill in themselves, never model arguments
INJECTED_FORMALS = frozenset({"input_shape", "num_classes"})

#: kerasnip's argument-name -> (package, dials function) table
DIALS_MAP: dict[str, tuple[str, str]] = {
    "units": ("dials", "hidden_units"),
    "filters": ("dials", "hidden_units"),
    "kernel_size": ("dials", "kernel_size"),
    "pool_size": ("dials", "pool_size"),
    "dropout": ("dials", "dropout"),
    "rate": ("dials", "dropout"),
    "learn_rate": ("dials", "learn_rate"),
    "fit_epochs": ("dials", "epochs"),
    "fit_batch_size": ("dials", "batch_size"),
    "compile_loss": ("kerasnip", "loss_function_keras"),
    "compile_optimizer": ("kerasnip", "optimizer_function"),
}


class Sentinel:
    """A named singleton marker that survives pickling as the same object."""

    _instances: dict[str, "Sentinel"] = {}

    def __new__(cls, name: str) -> "Sentinel":
        if name not in cls._instances:
            instance = super().__new__(cls)
            instance.name = name
            cls._instances[name] = instance
        return cls._instances[name]

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> tuple:
        return (Sentinel, (self.name,))


#: R's empty symbol: a block formal without a default value
MISSING = Sentinel("MISSING")

#: an argument that was not supplied (rlang's ``zap()`` in kerasnip specs)
ZAP = Sentinel("ZAP")


def is_unset(value: Any) -> bool:
    """True for a zapped/NULL argument (kerasnip's ``%||%`` falls back on both)."""
    return value is None or value is ZAP


@dataclass(frozen=True)
class BlockSignature:
    """Name and formals of a layer block that cannot run in Python (an R closure).

    ``formals`` is a list of ``(argument, default)`` pairs with :data:`MISSING` for
    arguments without a default.
    """

    name: str
    formals: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..errors import SpecError

        raise SpecError(f"layer block {self.name!r} is an R closure; it cannot be called "
                        "from Python (refit the model in R, or define the block in Python)")


def block_formals(block: Callable | BlockSignature) -> list[tuple[str, Any]]:
    """``(argument, default | MISSING)`` pairs of a layer block, in order."""
    if isinstance(block, BlockSignature):
        return list(block.formals)
    params = inspect.signature(block).parameters.values()
    return [(p.name, MISSING if p.default is inspect.Parameter.empty else p.default)
            for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def hyperparameters(block: Callable | BlockSignature, block_names: list[str],
                    functional: bool) -> list[tuple[str, Any]]:
    """The formals of a block that become ``<block>_<formal>`` model arguments.

    Sequential: every formal but the first (the model); functional: formals that are
    not block names (those are graph inputs). ``input_shape``/``num_classes`` never.
    """
    formals = block_formals(block)
    if functional:
        formals = [f for f in formals if f[0] not in block_names]
    else:
        formals = formals[1:]
    return [f for f in formals if f[0] not in INJECTED_FORMALS]


def discover_args(layer_blocks: dict[str, Any], functional: bool) -> list[str]:
    """Main-argument names of a spec, in kerasnip's order."""
    names = list(layer_blocks)
    repeats = [f"num_{b}" for b in names]
    hyper = [f"{b}_{arg}" for b, block in layer_blocks.items()
             for arg, _ in hyperparameters(block, names, functional)]
    return (repeats + hyper + ["learn_rate"] + [f"fit_{a}" for a in KERAS_FIT_ARGS]
            + [f"compile_{a}" for a in KERAS_COMPILE_ARGS])


def dials_function(arg: str) -> tuple[str, str]:
    """``(package, function)`` of the dials parameter kerasnip maps an argument to."""
    if arg.startswith("num_"):
        return ("dials", "num_terms")
    if arg in DIALS_MAP:
        return DIALS_MAP[arg]
    suffix = arg.rsplit("_", 1)[-1]
    return DIALS_MAP.get(suffix, ("dials", arg))
