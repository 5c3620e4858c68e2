"""Build and compile a Keras model from layer blocks, as kerasnip's
``build_compile_seq_model`` / ``build_compile_func_model`` do.

Each block gets its own defaults updated with the user's ``<block>_<arg>`` values
(nested dicts merged like R's ``modifyList``), runs ``num_<block>`` times (default 1),
and ``input_shape`` / ``num_classes`` are injected where the block has such a formal.
Compile defaults: Adam with ``learn_rate`` (0.01 when unset) and per-outcome loss and
metric; names of optimizers, losses and metrics resolve to Keras instances.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

from ..backend import import_keras
from ..errors import SpecError
from .arguments import INJECTED_FORMALS, KERAS_COMPILE_ARGS, MISSING, block_formals
from .process import ProcessedY
from .arguments import ZAP, is_unset

DEFAULT_LEARN_RATE = 0.01

#: user-registered custom objects by kind (kerasnip's register_keras_*)
CUSTOM_OBJECTS: dict[str, dict[str, Any]] = {"optimizers": {}, "losses": {}, "metrics": {}}

#: keras3 1.5.1's ``optimizer_<name>`` / ``loss_<name>`` / ``metric_<name>``
#: constructors: kerasnip turns exactly these names into Keras instances; any other
#: name (e.g. ``"accuracy"``, which has no ``metric_accuracy``) reaches Keras as a string
KERAS3_CONSTRUCTORS: dict[str, frozenset[str]] = {
    "optimizers": frozenset({
        "adadelta", "adafactor", "adagrad", "adam", "adam_w", "adamax", "ftrl", "lamb",
        "lion", "loss_scale", "muon", "nadam", "rmsprop", "sgd"}),
    "losses": frozenset({
        "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
        "categorical_focal_crossentropy", "categorical_generalized_cross_entropy",
        "categorical_hinge", "circle", "cosine_similarity", "ctc", "dice", "hinge", "huber",
        "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
        "mean_squared_error", "mean_squared_logarithmic_error", "poisson",
        "sparse_categorical_crossentropy", "squared_hinge", "tversky"}),
    "metrics": frozenset({
        "auc", "binary_accuracy", "binary_crossentropy", "binary_focal_crossentropy",
        "binary_iou", "categorical_accuracy", "categorical_crossentropy",
        "categorical_focal_crossentropy", "categorical_hinge", "concordance_correlation",
        "cosine_similarity", "f1_score", "false_negatives", "false_positives", "fbeta_score",
        "hinge", "huber", "iou", "kl_divergence", "log_cosh", "log_cosh_error", "mean",
        "mean_absolute_error", "mean_absolute_percentage_error", "mean_iou",
        "mean_squared_error", "mean_squared_logarithmic_error", "mean_wrapper", "one_hot_iou",
        "one_hot_mean_iou", "pearson_correlation", "poisson", "precision",
        "precision_at_recall", "r2_score", "recall", "recall_at_precision",
        "root_mean_squared_error", "sensitivity_at_specificity", "sparse_categorical_accuracy",
        "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy",
        "specificity_at_sensitivity", "squared_hinge", "sum", "top_k_categorical_accuracy",
        "true_negatives", "true_positives"}),
}


def register_keras_optimizer(name: str, fn: Callable) -> None:
    """Make ``name`` usable as ``compile_optimizer``; ``fn(learning_rate=...)`` builds it."""
    CUSTOM_OBJECTS["optimizers"][name] = fn


def register_keras_loss(name: str, fn: Any) -> None:
    """Make ``name`` usable as ``compile_loss`` (used as given)."""
    CUSTOM_OBJECTS["losses"][name] = fn


def register_keras_metric(name: str, fn: Any) -> None:
    """Make ``name`` usable in ``compile_metrics`` (used as given)."""
    CUSTOM_OBJECTS["metrics"][name] = fn


def modify_list(base: dict, update: dict) -> dict:
    """R's ``utils::modifyList``: ``update`` wins, nested dicts merge recursively."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = modify_list(out[key], value)
        else:
            out[key] = value
    return out


def _repeats(args: dict, name: str) -> int:
    value = args.get(f"num_{name}", ZAP)
    return 1 if is_unset(value) else int(value)


def _hyper_args(name: str, formals: list[tuple[str, Any]], args: dict) -> dict:
    """Block defaults (``None`` for formals without one) updated with user values."""
    defaults = {f: (None if d is MISSING else d) for f, d in formals}
    user = {f: args[f"{name}_{f}"] for f, _ in formals
            if not is_unset(args.get(f"{name}_{f}", ZAP))}
    return modify_list(defaults, user)


def _num_classes(name: str, py: ProcessedY) -> int | None:
    """``num_classes`` for a functional block: the level count of the outcome head of
    the same name (multi-output), else of the single factor outcome."""
    if py.heads:
        levels = (py.class_levels or {}).get(name)
        return len(levels) if levels else None
    return py.num_classes if py.is_classification else None


def build_sequential(blocks: dict, args: dict, input_shape: tuple,
                     py: ProcessedY) -> Any:
    """Chain the blocks: each gets the current model first and returns the next one."""
    model = None
    for name, block in blocks.items():
        formals = block_formals(block)[1:]
        kwargs = _hyper_args(name, [f for f in formals if f[0] not in INJECTED_FORMALS], args)
        present = {f for f, _ in formals}
        if "input_shape" in present:
            kwargs["input_shape"] = input_shape
        if "num_classes" in present:
            kwargs["num_classes"] = _num_classes(name, py)
        for _ in range(_repeats(args, name)):
            model = block(model, **kwargs)
    return model


def _input_blocks(blocks: dict, input_shape: Any) -> dict[str, Any]:
    """Input block name -> its shape."""
    if not isinstance(input_shape, dict):
        return {next(iter(blocks)): input_shape}
    names = [b for b in blocks if b in input_shape]
    if len(names) != len(input_shape):
        raise SpecError(f"the model has inputs {list(input_shape)} but input blocks {names}; "
                        "name one block after each input column")
    return {b: input_shape[b] for b in names}


def _run_block(name: str, block: Callable, inputs: list[str], kwargs: dict,
               tensors: dict, repeats: int) -> Any:
    if repeats > 1 and len(inputs) != 1:
        raise SpecError(f"block {name!r} repeats {repeats} times but has {len(inputs)} inputs; "
                        "a repeated block needs exactly one input")
    call = {**{i: tensors[i] for i in inputs}, **kwargs}
    out = None
    for step in range(repeats):
        if step:
            call[inputs[0]] = out
        out = block(**call)
    return out


def build_functional(blocks: dict, args: dict, input_shape: Any, py: ProcessedY) -> Any:
    """Wire the blocks into a ``keras.Model`` by their formal names."""
    keras = import_keras()

    names = list(blocks)
    inputs = {b: blocks[b](input_shape=shape)
              for b, shape in _input_blocks(blocks, input_shape).items()}
    tensors = dict(inputs)
    for name, block in blocks.items():
        if name in inputs:
            continue
        formals = block_formals(block)
        hyper = [f for f in formals if f[0] not in names and f[0] not in INJECTED_FORMALS]
        kwargs = _hyper_args(name, hyper, args)
        if any(f == "num_classes" for f, _ in formals):
            kwargs["num_classes"] = _num_classes(name, py)
        upstream = [f for f, _ in formals if f in tensors]
        if not upstream and name != "output":
            warnings.warn(f"block {name!r} has no inputs from other blocks", stacklevel=2)
        repeats = _repeats(args, name)
        if repeats:
            tensors[name] = _run_block(name, block, upstream, kwargs, tensors, repeats)
    outputs = _outputs(tensors, py)
    model_inputs = inputs if isinstance(input_shape, dict) else next(iter(inputs.values()))
    return keras.Model(inputs=model_inputs, outputs=outputs)


def _outputs(tensors: dict, py: ProcessedY) -> Any:
    wanted = py.heads or ["output"]
    missing = [w for w in wanted if w not in tensors]
    if missing:
        raise SpecError(f"no block named {missing} produces the model output(s)")
    return {h: tensors[h] for h in py.heads} if py.heads else tensors["output"]


# -- compile ---------------------------------------------------------------------------

def _keras_class(kind: str, name: str) -> type | None:
    """The Keras class behind keras3's ``<kind>_<name>`` constructor, if any."""
    keras = import_keras()

    if name not in KERAS3_CONSTRUCTORS[kind]:
        return None
    module, base = {"optimizers": (keras.optimizers, keras.optimizers.Optimizer),
                    "losses": (keras.losses, keras.losses.Loss),
                    "metrics": (keras.metrics, keras.metrics.Metric)}[kind]
    wanted = name.replace("_", "").lower()
    return next((c for n, c in vars(module).items() if isinstance(c, type)
                 and issubclass(c, base) and n.lower() == wanted), None)


def resolve_optimizer(value: Any, learn_rate: float) -> Any:
    """An optimizer instance: unset -> Adam; a name -> that optimizer at ``learn_rate``."""
    keras = import_keras()

    if is_unset(value):
        return keras.optimizers.Adam(learning_rate=learn_rate)
    if not isinstance(value, str):
        return value
    if value in CUSTOM_OBJECTS["optimizers"]:
        return CUSTOM_OBJECTS["optimizers"][value](learning_rate=learn_rate)
    cls = _keras_class("optimizers", value)
    return cls(learning_rate=learn_rate) if cls is not None else value


def _resolve(kind: str, value: Any) -> Any:
    """A loss/metric name as kerasnip resolves it: registered object, else a fresh
    instance of keras3's constructor of that name, else the string itself."""
    if not isinstance(value, str):
        return value
    if value in CUSTOM_OBJECTS[kind]:
        return CUSTOM_OBJECTS[kind][value]
    cls = _keras_class(kind, value)
    return cls() if cls is not None else value


def resolve_loss(value: Any) -> Any:
    """A loss name resolved like kerasnip (see :func:`_resolve`)."""
    return _resolve("losses", value)


def resolve_metric(value: Any) -> Any:
    """A metric name resolved like kerasnip (see :func:`_resolve`)."""
    return _resolve("metrics", value)


def default_loss_metric(levels: list[str] | None) -> tuple[str, str]:
    """kerasnip's default loss and metric for one outcome."""
    if levels is None:
        return "mean_squared_error", "mean_absolute_error"
    return ("categorical_crossentropy" if len(levels) > 2 else "binary_crossentropy"), "accuracy"


def _heads_levels(py: ProcessedY) -> dict[str, list[str] | None]:
    return {h: (py.class_levels or {}).get(h) for h in py.heads}


def _multi(value: Any, resolve: Callable, what: str, wrap: bool) -> Any:
    if isinstance(value, str):
        return resolve(value)
    if isinstance(value, dict):
        return {k: ([resolve(v) for v in value[k]] if wrap and isinstance(value[k], list)
                    else resolve(value[k])) for k in value}
    raise SpecError(f"compile_{what} for a multi-output model must be a string or a dict "
                    "output name -> value")


def loss_and_metrics(args: dict, py: ProcessedY) -> tuple[Any, Any]:
    """The compile ``loss`` and ``metrics``: user values or per-outcome defaults."""
    loss, metrics = args.get("compile_loss", ZAP), args.get("compile_metrics", ZAP)
    if py.heads:
        defaults = {h: default_loss_metric(lv) for h, lv in _heads_levels(py).items()}
        loss = ({h: d[0] for h, d in defaults.items()} if is_unset(loss) else loss)
        metrics = ({h: d[1] for h, d in defaults.items()} if is_unset(metrics) else metrics)
        return _multi(loss, resolve_loss, "loss", False), _multi(metrics, resolve_metric,
                                                                  "metrics", True)
    d_loss, d_metric = default_loss_metric(py.class_levels if py.is_classification else None)
    loss = resolve_loss(d_loss if is_unset(loss) else loss)
    metrics = [d_metric] if is_unset(metrics) else metrics
    if isinstance(metrics, str):
        metrics = [metrics]
    if isinstance(metrics, (list, tuple)):
        metrics = [resolve_metric(m) for m in metrics]
    return loss, metrics


def compile_model(model: Any, args: dict, py: ProcessedY) -> Any:
    """Compile ``model`` with kerasnip's compile arguments (unset ones left to Keras)."""
    learn_rate = args.get("learn_rate", ZAP)
    learn_rate = DEFAULT_LEARN_RATE if is_unset(learn_rate) else float(learn_rate)
    loss, metrics = loss_and_metrics(args, py)
    kwargs = {"optimizer": resolve_optimizer(args.get("compile_optimizer", ZAP), learn_rate),
              "loss": loss, "metrics": metrics}
    kwargs.update({a: args[f"compile_{a}"] for a in KERAS_COMPILE_ARGS[3:]
                   if not is_unset(args.get(f"compile_{a}", ZAP))})
    model.compile(**kwargs)
    return model
