"""R's printed forms in Python: an R ``str()``-like view of raw R object trees, deparsed
expressions, R's number formatting, a tibble's print, and one-line briefs of a step's
stored values (what ``repr()`` of workflows and ``pykerasnip inspect`` show)."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from .convert import RList
from .rds import nodes as n
from .rds.format import NullRoot
from .rds.walk import nested_deeper

_TYPE_LABELS = {n.Logical: "logi", n.Integer: "int", n.Real: "num", n.Complex: "cplx",
                n.Str: "chr", n.Raw: "raw"}


# elements str() previews per type (its vec.len = 4, scaled by type)
#: Calls nested deeper than this are not deparsed for display (the deparser recurses).
_DEPARSE_DEPTH = 200
_PREVIEW_WIDTH = {n.Str: 4, n.Raw: 4, n.Logical: 6, n.Integer: 10}

# one element as R's str() shows it, by vector type (doubles: format_reals)
_CELL = {
    n.Str: lambda v: "NA" if v is None else f'"{v}"',
    n.Logical: lambda v: "NA" if v == n.NA_INTEGER else ("TRUE" if v else "FALSE"),
    n.Integer: lambda v: "NA" if v == n.NA_INTEGER else str(v),
    n.Raw: lambda v: f"{v:02x}",
}

_NON_FINITE = {np.inf: "Inf", -np.inf: "-Inf"}


def cli_collapse(items: list[str]) -> str:
    """cli's inline vector, as R's messages list values: ``a``, ``a and b``, ``a, b, and c``."""
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _drop0trailing(text: str) -> str:
    mantissa, e, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + e + exponent


def _real_layout(finite: np.ndarray, digits: int) -> tuple[bool, int]:
    """R's common layout of finite doubles: (fixed notation?, number of decimals)."""
    if finite.size == 0:
        return True, 0
    parts = [f"{abs(x):.{digits - 1}e}".split("e") for x in finite.tolist()]
    sig = np.array([len(m.replace(".", "").rstrip("0")) or 1 for m, _ in parts])
    power = np.array([int(e) for _, e in parts])
    decimals = int(np.maximum(sig - power - 1, 0).max())
    negative = int((finite < 0).any())
    fixed_width = negative + int(np.maximum(power + 1, 1).max()) + (decimals > 0) + decimals
    sci_width = negative + (sig.max() > 1) + int(sig.max()) + (5 if (np.abs(power) >= 100).any() else 4)
    return (True, decimals) if fixed_width <= sci_width else (False, int(sig.max()) - 1)


def format_reals(values: np.ndarray, digits: int = 3) -> list[str]:
    """Doubles formatted together as R's ``format(x, digits, drop0trailing = TRUE)``:
    one notation and one number of decimals for all, enough to show every value to
    ``digits`` significant digits."""
    fixed, decimals = _real_layout(values[np.isfinite(values)], digits)
    notation = "f" if fixed else "e"

    def one(x: float) -> str:
        if np.isnan(x):
            return "NA" if n.is_na_real(np.array([x]))[0] else "NaN"
        return _NON_FINITE.get(x) or _drop0trailing(f"{x:.{decimals}{notation}}")

    return [one(x) for x in values.tolist()]


def _preview(node: n.Vector) -> str:
    width = _PREVIEW_WIDTH.get(type(node), 5)
    values = node.data[:width]
    cells = (format_reals(np.asarray(values, dtype="f8")) if isinstance(node, n.Real)
             else list(map(_CELL.get(type(node), str), list(values))))
    return " ".join(cells) + (" ..." if len(node) > width else "")


def _vector_label(node: n.Vector) -> str:
    named = "Named " if node.attr("names") is not None else ""
    if node.classes:
        named = f"'{node.classes[0]}' {named}"
    kind = _TYPE_LABELS[type(node)]
    if len(node) == 0:
        return f"{named}{kind}(0) "
    dims = "" if len(node) == 1 else f"[1:{len(node)}] "
    return f"{named}{kind} {dims}{_preview(node)}"


def _label(node: Any) -> str:
    """One line for a node, like the right-hand side of R's ``str()``."""
    if node is None or isinstance(node, NullRoot):
        return " NULL"
    if isinstance(node, n.AltRep):
        return f" ALTREP {node.class_name}"
    if isinstance(node, n.Vector) and type(node) in _TYPE_LABELS:
        return " " + _vector_label(node)
    if isinstance(node, n.List):
        if len(node) == 0:
            return " Named list()" if node.attr("names") is not None else " list()"
        return f"List of {len(node)}"
    if isinstance(node, n.Sym):
        return f" symbol {node.name}"
    if isinstance(node, n.Lang):
        return " language " + deparse(node)
    if isinstance(node, n.Closure):
        return f"function ({_formals(node)})  "
    if isinstance(node, n.Namespace):
        return f"<namespace:{node.name}> "
    if isinstance(node, n.Environment):
        return "<environment> "
    return f" {type(node).__name__}" if not isinstance(node, n._Singleton) else f" <{node.name}>"


def _formals(closure: n.Closure) -> str:
    formals = closure.formals.items() if closure.formals is not None else []
    return ", ".join(name if default is n.MissingArg else f"{name} = {deparse(default)}"
                     for name, default in formals)


def _children(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, n.List):
        return [(k or "", v) for k, v in node.items()]
    if isinstance(node, n.Environment):
        return list(node.bindings().items())
    return []


def _shown_attributes(node: Any) -> list[tuple[str, Any]]:
    """Attributes R's ``str()`` lists under a node (names are shown as ``$`` entries)."""
    if not isinstance(node, n.RObject) or node.attributes is None:
        return []
    if isinstance(node, n.List):
        hidden = {"names"}  # shown as its `$` entries
    else:
        hidden = {"class"} if type(node) in _TYPE_LABELS else set()  # on the vector's own line
    return [(k, v) for k, v in node.attributes.items() if k not in hidden]


def _lines(node: Any, depth: int, max_depth: int, indent: str, seen: set) -> Iterator:
    """The lines under ``node``; a child to be shown in turn is yielded as a tuple of
    :func:`_lines` arguments (the caller keeps the stack, so depth costs no recursion)."""
    children = _children(node)
    pad = max((len(name) for name, _ in children), default=0)
    for name, child in children:
        yield f"{indent}$ {name.ljust(pad)}:{_label(child)}"
        if isinstance(child, n.Environment):
            if id(child) in seen:
                continue
            seen.add(id(child))
        if depth + 1 < max_depth:
            yield (child, depth + 1, max_depth, indent + " ..", seen)
        else:
            yield from _attribute_lines(child, indent + " ..")
    yield from _attribute_lines(node, indent)


def _walk(node: Any, max_depth: int) -> Iterator[str]:
    stack = [_lines(node, 0, max_depth, " ", set())]
    while stack:
        line = next(stack[-1], None)
        if line is None:
            stack.pop()
        elif isinstance(line, str):
            yield line
        else:
            stack.append(_lines(*line))


def _attribute_lines(node: Any, indent: str) -> Iterator[str]:
    for name, value in _shown_attributes(node):
        yield f'{indent}- attr(*, "{name}")={_label(value)}'


def tree_str(node: Any, max_depth: int = 4) -> str:
    """The R object tree as text, like R's ``str(x, max.level = max_depth)``."""
    return "\n".join([_label(node).lstrip(), *_walk(node, max_depth)])


def deparse(node: Any, limit: int = 80) -> str:
    """An expression as R would print it, shortened to ``limit`` characters."""
    from .formula.parse import deparse as r_deparse

    if nested_deeper(node, _DEPARSE_DEPTH):
        return f"<call nested more than {_DEPARSE_DEPTH} levels deep>"
    try:
        text = r_deparse(node)
    except Exception:  # not an expression (e.g. a closure): describe it instead
        text = " call" if isinstance(node, n.Lang) else _label(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short(value: Any) -> str:
    if isinstance(value, (n.RObject, n.Sym)):
        return deparse(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # R prints the double 10 as 10
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


_COMMON_STEP_FIELDS = {"terms", "role", "trained", "skip", "id", "case_weights"}


def _brief_number(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)


def _brief_pairs(pairs: list[tuple[Any, Any]], width: int = 3) -> str:
    shown = ", ".join(f"{k}={_brief(v.to_numpy() if isinstance(v, pd.Series) else v)}"
                      for k, v in pairs[:width])
    return shown + (f", ... ({len(pairs)})" if len(pairs) > width else "")


def _brief_array(values: Any, width: int = 3) -> str:
    values = list(values)
    if len(values) == 1:
        return _brief_number(values[0])
    shown = ", ".join(map(_brief_number, values[:width]))
    return shown + (f", ... ({len(values)})" if len(values) > width else "")


def _brief_frame(frame: pd.DataFrame) -> str:
    return f"{len(frame)}x{frame.shape[1]} data frame ({_brief_array(frame.columns)})"


# natural value type -> one short line (first entries only)
_BRIEF = {
    pd.Series: lambda v: _brief_pairs(list(v.items())),
    RList: lambda v: _brief_pairs(list(v.items())),
    pd.DataFrame: _brief_frame,
    np.ndarray: _brief_array,
    pd.Categorical: _brief_array,
    list: _brief_array,
    tuple: _brief_array,
    dict: lambda v: _brief_pairs(list(v.items())),
}


def _brief(value: Any) -> str:
    formatter = next((f for cls, f in _BRIEF.items() if isinstance(value, cls)), None)
    if formatter is not None:
        return formatter(value)
    if isinstance(value, (n.RObject, n.Sym)):
        return _label(value)
    return _brief_number(value)


def step_values(step: Any) -> list[tuple[str, str]]:
    """A step's own (trained) fields, each as one short line: the first few entries of
    each, e.g. ``("means", "cyl=6.188, disp=230.7, hp=146.7, ... (10)")``."""
    from .convert import to_python

    if step.r_node is not None:
        fields = {k: to_python(v) for k, v in step.r_node.items()}
    else:
        fields = {k: getattr(step, k, None) for k in type(step).r_fields}
    return [(k, _brief(v)) for k, v in fields.items()
            if k not in _COMMON_STEP_FIELDS and v is not None]


_PILLAR_TYPES = {"f": "dbl", "i": "int", "u": "int", "b": "lgl", "O": "chr", "U": "chr",
                 "M": "dttm"}
_RIGHT_ALIGNED = {"dbl", "int", "lgl"}  # pillar right-aligns numbers and logicals
_NA_CELL = {"chr": "<NA>", "fct": "<NA>"}


def _sig3(x: float) -> str:
    import math

    if x != x:
        return "NA"
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else ("Inf" if x > 0 else "-Inf")
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def _decimal_aligned(cells: list[str]) -> list[str]:
    """Numbers lined up on their decimal points, as pillar shows a double column."""
    points = [c.find(".") if "." in c else len(c) for c in cells]
    left = max(points, default=0)
    right = max((len(c) - p for c, p in zip(cells, points)), default=0)
    return [(" " * (left - p) + c).ljust(left + right) for c, p in zip(cells, points)]


def _column_kind(col: pd.Series) -> str:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return "fct"
    return _PILLAR_TYPES.get(getattr(col.dtype, "kind", "O"), "chr")


def _column_cells(col: pd.Series, kind: str) -> list[str]:
    missing = col.isna().to_numpy()
    if kind == "dbl":
        return _decimal_aligned([_sig3(float(v)) for v in col])
    text = col.map({True: "TRUE", False: "FALSE"}) if kind == "lgl" else col
    return np.where(missing, _NA_CELL.get(kind, "NA"), text.astype(str)).tolist()


def tibble_str(frame: pd.DataFrame) -> str:
    """A DataFrame printed the way R prints a tibble (``# A tibble: 3 × 1`` ...)."""
    header = f"# A tibble: {len(frame)} × {frame.shape[1]}"
    columns = []
    for name in frame.columns:
        kind = _column_kind(frame[name])
        column = [str(name), f"<{kind}>", *_column_cells(frame[name], kind)]
        width = max(map(len, column))
        justify = str.rjust if kind in _RIGHT_ALIGNED else str.ljust
        columns.append([justify(cell, width) for cell in column])
    index = [""] * 2 + [str(i + 1) for i in range(len(frame))]
    pad = max(map(len, index))
    rows = [" ".join([idx.rjust(pad), *(col[r] for col in columns)])
            for r, idx in enumerate(index)]
    return "\n".join([header, *rows])
