"""Human-readable summaries: ``repr()`` of workflows and model fits, ``pykerasnip inspect``,
and an R ``str()``-like view of raw R object trees."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from .rds import nodes as n

_TYPE_LABELS = {n.Logical: "logi", n.Integer: "int", n.Real: "num", n.Complex: "cplx",
                n.Str: "chr", n.Raw: "raw"}


def _preview(node: n.Vector, width: int = 5) -> str:
    values = list(node.data[:width])
    shown = " ".join(repr(v) if isinstance(v, str) else str(v) for v in values)
    return shown + (" ..." if len(node) > width else "")


def _label(node: Any) -> str:
    """One line for a node, like the right-hand side of R's ``str()``."""
    if node is None:
        return "NULL"
    if isinstance(node, n.AltRep):
        return f"ALTREP {node.class_name}"
    if isinstance(node, n.Vector) and type(node) in _TYPE_LABELS:
        cls = f" {node.classes}" if node.classes else ""
        return f"{_TYPE_LABELS[type(node)]} [1:{len(node)}]{cls} {_preview(node)}"
    if isinstance(node, n.List):
        cls = f" {node.classes}" if node.classes else ""
        return f"List of {len(node)}{cls}"
    if isinstance(node, n.Sym):
        return f"symbol {node.name}"
    if isinstance(node, n.Lang):
        return "language " + deparse(node)
    if isinstance(node, n.Closure):
        return f"function ({', '.join(node.arg_names)})"
    if isinstance(node, n.Namespace):
        return f"<namespace:{node.name}>"
    return type(node).__name__ if not isinstance(node, n._Singleton) else f"<{node.name}>"


def _children(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, n.List):
        return [(k or f"[[{i + 1}]]", v) for i, (k, v) in enumerate(node.items())]
    if isinstance(node, n.Environment):
        return list(node.bindings().items())
    return []


def _walk(node: Any, depth: int, max_depth: int, indent: str, seen: set) -> Iterator[str]:
    for name, child in _children(node):
        yield f"{indent}$ {name}: {_label(child)}"
        if isinstance(child, n.Environment):
            if id(child) in seen:
                continue
            seen.add(id(child))
        if depth + 1 < max_depth:
            yield from _walk(child, depth + 1, max_depth, indent + " ..", seen)


def tree_str(node: Any, max_depth: int = 4) -> str:
    """The R object tree as text, like R's ``str()`` (``max_depth`` levels)."""
    return "\n".join([_label(node), *_walk(node, 0, max_depth, " ", set())])


def deparse(node: Any, limit: int = 80) -> str:
    """An expression as R would print it, shortened to ``limit`` characters."""
    from .formula.parse import deparse as r_deparse

    try:
        text = r_deparse(node)
    except Exception:  # not an expression (e.g. a closure): describe it instead
        text = _label(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _model_lines(model_fit: Any) -> list[str]:
    spec = model_fit.spec
    lines = [f"Model: {spec.model_name} ({spec.mode}; kerasnip "
             f"{'functional' if spec.functional else 'sequential'} spec, engine keras)"]
    set_args = {k: v for k, v in spec.args.items() if not _is_unset(v)}
    if set_args:
        lines.append("  arguments: " + ", ".join(f"{k} = {_short(v)}" for k, v in set_args.items()))
    keras_bytes = model_fit.fit.keras_bytes
    if keras_bytes is None:
        lines.append("  no .keras bytes stored: cannot predict")
    else:
        from .keras_archive import describe

        info = describe(keras_bytes)
        layers = ", ".join(f"{layer.class_name}" for layer in info.layers)
        lines.append(f"  Keras {info.keras_version} {info.model_class}: {len(info.layers)} layers "
                     f"({layers}), {info.n_params:,} parameters, {len(keras_bytes):,} bytes")
    if model_fit.fit.lvl is not None:
        lines.append(f"  outcome levels: {model_fit.fit.lvl}")
    return lines


def _is_unset(value: Any) -> bool:
    from .model.spec import ZAP

    return value is ZAP


def _short(value: Any) -> str:
    if isinstance(value, (n.RObject, n.Sym)):
        return deparse(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # R prints the double 10 as 10
    return repr(value)


def _preprocessor_lines(wf: Any) -> list[str]:
    pre = wf.preprocessor
    if pre is None:
        return ["Preprocessor: none"]
    if pre.kind == "recipe":
        recipe = wf.blueprint.recipe if wf.blueprint is not None else pre.value
        steps = [step.name for step in getattr(recipe, "steps", [])]
        return [f"Preprocessor: recipe with {len(steps)} step(s)"] + [f"  - {s}" for s in steps]
    if pre.kind == "formula":
        return [f"Preprocessor: formula {pre.value}"]
    return [f"Preprocessor: variables outcomes={pre.value.outcomes} predictors={pre.value.predictors}"]


def _version_lines(info: dict) -> list[str]:
    return [f"Saved by: {', '.join(f'{k} {v}' for k, v in info.items())}"] if info else []


def describe_workflow(wf: Any) -> str:
    """A few lines telling what R's ``print(workflow)`` would."""
    status = "trained" if wf.trained else "untrained"
    lines = [f"== Workflow [{status}] =="]
    lines += _preprocessor_lines(wf)
    if wf.model_fit is not None:
        lines += _model_lines(wf.model_fit)
    elif wf.spec is not None:
        lines.append(f"Model: {wf.spec.model_name} ({wf.spec.mode}), not fitted")
    lines += _version_lines(wf.r_info)
    return "\n".join(lines)


def describe_model_fit(model_fit: Any) -> str:
    lines = ["== parsnip model fit (kerasnip) =="] + _model_lines(model_fit)
    lines += _version_lines(getattr(model_fit, "r_info", {}) or {})
    return "\n".join(lines)


def describe_file(path: "str | Path") -> str:
    """``pykerasnip inspect``: what is inside an ``.rds`` file."""
    from . import rds
    from .io import from_tree

    node = rds.load(path)
    classes = node.classes if isinstance(node, n.RObject) else []
    head = [f"File: {path}", f"R class: {classes or type(node).__name__}"]
    obj = from_tree(node)
    body = repr(obj) if hasattr(obj, "predict") else tree_str(node, max_depth=2)
    return "\n".join(head + [body])


_PILLAR_TYPES = {"f": "dbl", "i": "int", "b": "lgl", "O": "chr", "U": "chr", "M": "dttm"}


def _sig3(x: float) -> str:
    import math

    if x != x:
        return "NA"
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else ("Inf" if x > 0 else "-Inf")
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def _column_cells(col: Any) -> tuple[str, list[str]]:
    import pandas as pd

    if isinstance(col.dtype, pd.CategoricalDtype):
        return "fct", ["NA" if v is None or v != v else str(v) for v in col.astype(object)]
    kind = _PILLAR_TYPES.get(getattr(col.dtype, "kind", "O"), "chr")
    if kind == "dbl":
        cells = [_sig3(float(v)) for v in col]
        width = max((c.find(".") if "." in c else len(c) for c in cells), default=0)
        right = max((len(c) - c.find(".") if "." in c else 0 for c in cells), default=0)
        cells = [(" " * (width - (c.find(".") if "." in c else len(c))) + c).ljust(width + right)
                 for c in cells]
        return kind, cells
    return kind, ["NA" if v is None or v != v else str(v) for v in col]


def tibble_str(frame: Any) -> str:
    """A DataFrame printed the way R prints a tibble (``# A tibble: 3 × 1`` ...)."""
    header = f"# A tibble: {len(frame)} × {frame.shape[1]}"
    columns = []
    for name in frame.columns:
        kind, cells = _column_cells(frame[name])
        width = max([len(str(name)), len(kind) + 2, *map(len, cells)])
        columns.append([str(name).ljust(width), f"<{kind}>".ljust(width)] + [c.ljust(width) for c in cells])
    index = [""] * 2 + [str(i + 1) for i in range(len(frame))]
    pad = max(map(len, index))
    rows = [" ".join([idx.rjust(pad), *(col[r] for col in columns)]).rstrip()
            for r, idx in enumerate(index)]
    return "\n".join([header, *rows])
