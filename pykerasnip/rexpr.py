"""A safe interpreter for stored R expressions evaluated over pandas columns.

R objects such as ``step_mutate`` quosures and formula terms hold unevaluated R code.
:func:`evaluate` runs such an expression tree (nodes of :mod:`pykerasnip.rds.nodes`)
with R's semantics -- vector recycling, NA propagation, integer versus double
arithmetic, three-valued logic -- using only the functions registered in
:data:`FUNCTIONS`. Anything else is refused with :class:`UnsupportedObjectError`; no R
code is ever executed.

Values are held as R vectors are: doubles as float64 arrays (NA = NaN), integers as
pandas ``Int32`` arrays, logicals as pandas ``boolean`` arrays, characters as object
arrays (``None`` = NA), factors as :class:`pandas.Categorical` and numeric matrices
(``poly()``, ``ns()``, ``bs()``, ``scale()``) as DataFrames. A matrix computed from the
data records, in ``attrs["predict_args"]``, the arguments R's ``makepredictcall`` would
store in a terms object's ``predvars`` (coefficients, knots, center and scale).
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import rmath
from .errors import ForgeError, UnsupportedObjectError, UnsupportedStepError
from .factor import match
from .formula.parse import MAX_NESTING, format_double
from .rds.nodes import NA_INTEGER, Integer, Lang, List, Logical, Real, Str, Sym

RVector = Any  # np.ndarray | IntegerArray | BooleanArray | pd.Categorical | pd.DataFrame
Impl = Callable[[list[tuple[str | None, Any]], "Context"], RVector]

#: R function name -> implementation; each receives the call's unevaluated arguments.
FUNCTIONS: dict[str, Impl] = {}

#: the package whose semantics each implemented non-base function follows; every other
#: function in :data:`FUNCTIONS` is base R's. ``pkg::f`` is accepted only for that package.
PACKAGES: dict[str, str] = {
    **dict.fromkeys(("var", "sd", "median", "poly"), "stats"),
    **dict.fromkeys(("n", "if_else", "case_when"), "dplyr"),
    **dict.fromkeys(("ns", "bs"), "splines"),
}

CONSTANTS: dict[str, Any] = {"pi": np.pi, "T": True, "F": False}
KIND_ORDER = ("logical", "integer", "double", "character")
#: the NA written into a vector of each kind
MISSING: dict[str, Any] = {"logical": pd.NA, "integer": pd.NA, "double": np.nan, "character": None}
#: strings ``as.logical`` understands
TRUTH = {"TRUE": True, "true": True, "True": True, "T": True,
         "FALSE": False, "false": False, "False": False, "F": False}
INT_MAX = 2**31 - 1


@dataclass
class Context:
    """Where symbols are looked up: data columns first, then ``env``, then constants."""

    data: pd.DataFrame
    env: Mapping[str, Any] = field(default_factory=dict)
    depth: int = 0  # calls being evaluated, bounded by MAX_NESTING


# --------------------------------------------------------------------------- public API
def evaluate(expr: Any, data: pd.DataFrame, env: Mapping[str, Any] | None = None) -> pd.Series | pd.DataFrame:
    """Evaluate the R expression ``expr`` over the columns of ``data``.

    Returns a Series aligned with ``data`` (length-1 results are recycled, as dplyr
    does) or, for matrix-valued calls such as ``poly()``, a DataFrame. Series dtypes:
    float64 (double), Int32 (integer), boolean (logical), object (character) and
    category (factor).
    """
    value = eval_node(expr, Context(data, env or {}))
    if isinstance(value, pd.DataFrame):
        return value.set_axis(data.index) if len(value) == len(data) else value
    if len(value) == 1:
        value = _recycle(value, len(data))
    index = data.index if len(value) == len(data) else None
    return pd.Series(value, index=index, dtype=object if kind(value) == "character" else None)


def eval_node(expr: Any, ctx: Context) -> RVector:
    """Evaluate one node of an R expression tree to an R vector."""
    if isinstance(expr, Lang):
        return _call(expr, ctx)
    if isinstance(expr, Sym):
        return _lookup(expr.name, ctx)
    if isinstance(expr, List):
        return {name: eval_node(value, ctx) for name, value in expr.items()}
    return as_vector(expr)


def as_vector(value: Any) -> RVector:
    """An R constant node, pandas column or Python value as an interpreter vector."""
    if isinstance(value, (pd.DataFrame, pd.Categorical, dict)):
        return value
    if isinstance(value, (Real, Integer, Logical, Str)):
        return _from_node(value)
    if isinstance(value, pd.Series):
        value = value.array
    if isinstance(value, pd.api.extensions.ExtensionArray):
        return _from_extension(value)
    array = np.asarray([value] if np.ndim(value) == 0 else value)
    return _from_numpy(array)


# --------------------------------------------------------------------------- conversion
def _from_node(node: Real | Integer | Logical | Str) -> RVector:
    if isinstance(node, Str):
        return np.array(node.values, dtype=object)
    if isinstance(node, Real):
        return np.asarray(node.data, dtype=float)
    mask = node.data == NA_INTEGER
    if isinstance(node, Logical):
        return pd.arrays.BooleanArray(node.data.astype(bool) & ~mask, mask)
    levels = node.attr("levels")
    codes = np.where(mask, -1, node.data - 1)
    if isinstance(levels, Str):
        return pd.Categorical.from_codes(codes, levels.values, ordered=node.inherits("ordered"))
    return pd.arrays.IntegerArray(np.where(mask, 0, node.data).astype("int32"), mask)


def _from_extension(array: pd.api.extensions.ExtensionArray) -> RVector:
    dtype = array.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(array)
    if pd.api.types.is_bool_dtype(dtype):
        return pd.array(array, dtype="boolean")
    if pd.api.types.is_integer_dtype(dtype):
        return _to_integer(array.to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_float_dtype(dtype):
        return array.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_string_dtype(dtype):
        return _strings(array.to_numpy(dtype=object, na_value=None))
    if isinstance(dtype, pd.DatetimeTZDtype):
        return array
    return _from_numpy(array.to_numpy())


def _from_numpy(array: np.ndarray) -> RVector:
    code = array.dtype.kind
    if code == "f":
        return array.astype(float)
    if code in "iu":
        return _to_integer(array.astype(float))
    if code == "b":
        return pd.array(array, dtype="boolean")
    if code in "OUS":
        return _strings(array.astype(object))
    return array


def _strings(values: np.ndarray) -> np.ndarray:
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)


def _to_integer(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Doubles -> R integers: truncation; NaN, Inf and out-of-range values become NA."""
    mask = ~np.isfinite(values) | (np.abs(values) > INT_MAX)
    return pd.arrays.IntegerArray(np.where(mask, 0, np.trunc(np.where(mask, 0, values))).astype("int32"), mask)


def _recycle(value: RVector, n: int) -> RVector:
    """R's recycling rule: repeat ``value`` to length ``n``."""
    return value if len(value) == n else value[np.arange(n) % len(value)]


def kind(value: RVector) -> str:
    """R's type of an interpreter vector: logical, integer, double, character, factor."""
    if isinstance(value, pd.Categorical):
        return "factor"
    if isinstance(value, pd.arrays.BooleanArray):
        return "logical"
    if isinstance(value, pd.arrays.IntegerArray):
        return "integer"
    if isinstance(value, pd.DataFrame):
        return "matrix"
    if isinstance(value, pd.arrays.DatetimeArray):  # time-zoned date-times stay as they are
        return "other"
    return {"f": "double", "O": "character"}.get(np.asarray(value).dtype.kind, "other")


def as_double(value: RVector) -> np.ndarray:
    """``as.double``: factors give their codes, strings are parsed (NA when not numbers)."""
    k = kind(value)
    if k == "double":
        return value
    if k == "factor":
        return np.where(value.codes < 0, np.nan, value.codes + 1.0)
    if k == "character":
        return pd.to_numeric(pd.Series(value, dtype=object), errors="coerce").to_numpy(dtype=float)
    if k in ("integer", "logical"):
        return value.to_numpy(dtype=float, na_value=np.nan)
    raise UnsupportedObjectError(f"cannot use a {k} value as a number")


def _numeric(value: RVector, what: str) -> np.ndarray:
    """Doubles for arithmetic; characters and factors are errors as in R."""
    if kind(value) in ("character", "factor"):
        raise UnsupportedObjectError(f"non-numeric argument to {what}")
    return as_double(value)


def as_logical(value: RVector) -> pd.arrays.BooleanArray:
    """``as.logical``: numbers are TRUE when non-zero; strings "TRUE"/"true"/"T"/..."""
    k = kind(value)
    if k == "logical":
        return value
    if k in ("character", "factor"):
        return pd.array(pd.Series(as_character(value), dtype=object).map(TRUTH), dtype="boolean")
    numbers = as_double(value)
    return pd.arrays.BooleanArray(np.nan_to_num(numbers) != 0, np.isnan(numbers))


def _flag(value: RVector | None, default: bool = False) -> bool:
    """A TRUE/FALSE argument of a call (``as.logical`` of its first value), ``default``
    when it was not given. Arguments are evaluated vectors, not stored R nodes, hence
    not :func:`pykerasnip.convert.flag`; NA or an empty vector is R's error."""
    if value is None:
        return default
    first = as_logical(value)[:1]
    if len(first) == 0 or first.isna().any():
        raise ForgeError("missing value or empty vector where TRUE/FALSE needed")
    return bool(first[0])


def as_character(value: RVector) -> np.ndarray:
    """``as.character``: numbers formatted with 15 significant digits, as R does; NaN
    is missing (pandas' NA), so it becomes NA rather than "NaN"."""
    k = kind(value)
    if k == "character":
        return value
    if k == "factor":
        return _strings(np.asarray(value.astype(object)))
    if k in ("logical", "integer"):
        text = (np.where(value.to_numpy(dtype=bool, na_value=False), "TRUE", "FALSE") if k == "logical"
                else value.to_numpy(dtype="int64", na_value=0).astype(str))
        return np.where(value.isna(), None, text.astype(object))
    numbers = as_double(value)
    return np.array([None if np.isnan(v) else format_double(v) for v in numbers], dtype=object)


COERCE: dict[str, Callable[[RVector], RVector]] = {
    "logical": as_logical,
    "integer": lambda v: v if kind(v) == "integer" else _to_integer(as_double(v)),
    "double": as_double,
    "character": as_character,
}


def _common_kind(values: list[RVector]) -> str:
    kinds = ["character" if kind(v) == "factor" else kind(v) for v in values]
    return max(kinds, key=KIND_ORDER.index)


# --------------------------------------------------------------------------- evaluation
def _function_name(fn: Any) -> str:
    if isinstance(fn, Sym):
        return fn.name
    if isinstance(fn, Lang) and isinstance(fn.function, Sym) and fn.function.name in ("::", ":::"):
        return _qualified_name(fn.function.name, fn.args)
    raise UnsupportedObjectError(f"cannot evaluate a call to a computed function ({fn!r})")


def _symbol_text(node: Any) -> str | None:
    """The name in ``pkg::f``'s operands, which R accepts as symbols or strings."""
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Str) and len(node) == 1 and isinstance(node[0], str):
        return node[0]
    return None


def _qualified_name(op: str, args: list[tuple[str | None, Any]]) -> str:
    """``f`` of ``pkg::f`` when ``f`` is implemented with ``pkg``'s semantics; any other
    package's function of the same name may do something else, so it is refused."""
    parts = [_symbol_text(value) for _, value in args] if len(args) == 2 else []
    if len(parts) != 2 or None in parts:
        raise UnsupportedObjectError(f"malformed namespace-qualified call {op}({args!r})")
    package, name = parts
    if name not in FUNCTIONS or PACKAGES.get(name, "base") != package:
        raise UnsupportedStepError(
            f"{package}{op}{name}",
            f"only {', '.join(sorted(set(PACKAGES.values()) | {'base'}))} functions that "
            "pykerasnip implements with that package's semantics may be called with ::")
    return name


def _call(expr: Lang, ctx: Context) -> RVector:
    name = _function_name(expr.function)
    impl = FUNCTIONS.get(name)
    if impl is None:
        raise UnsupportedObjectError(
            f"the R function {name}() is not supported in stored expressions; "
            f"supported: {', '.join(sorted(FUNCTIONS))}")
    if ctx.depth >= MAX_NESTING:
        raise UnsupportedObjectError(f"a stored expression nests calls more than {MAX_NESTING} "
                                     "levels deep, more than pykerasnip evaluates")
    ctx.depth += 1
    try:
        return impl(expr.args, ctx)
    finally:
        ctx.depth -= 1


def _lookup(name: str, ctx: Context) -> RVector:
    if name in ctx.data.columns:
        return as_vector(ctx.data[name])
    for scope in (ctx.env, CONSTANTS):
        if name in scope:
            return as_vector(scope[name])
    raise ForgeError(f"object '{name}' not found: it is neither a column of the data nor a known variable")


def _builtin(*names: str, lazy: bool = False) -> Callable[[Callable], Callable]:
    """Register ``fn`` under R ``names``. Eager functions get evaluated arguments
    (R argument names with dots become underscores); lazy ones get the raw call."""
    def decorate(fn: Callable) -> Callable:
        impl = fn if lazy else _eager(fn)
        FUNCTIONS.update(dict.fromkeys(names, impl))
        return fn
    return decorate


def _eager(fn: Callable[..., RVector]) -> Impl:
    signature = inspect.signature(fn)

    def impl(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
        positional = [eval_node(e, ctx) for name, e in args if not name]
        named = {name.replace(".", "_"): eval_node(e, ctx) for name, e in args if name}
        try:
            signature.bind(*positional, **named)
        except TypeError as err:
            raise UnsupportedObjectError(f"unsupported arguments in a stored expression: {err}") from None
        return fn(*positional, **named)
    return impl


def _scalar(value: RVector) -> Any:
    return value[0] if len(value) else None


# --------------------------------------------------------------------------- operators
ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide,
    "^": rmath.r_pow, "%%": np.mod, "%/%": np.floor_divide,
}
INTEGER_PRESERVING = frozenset({"+", "-", "*", "%%", "%/%"})
COMPARISON: dict[str, Callable[[Any, Any], Any]] = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, ">": np.greater,
    "<=": np.less_equal, ">=": np.greater_equal,
}


def _is_integer_like(value: RVector) -> bool:
    return kind(value) in ("integer", "logical")


def _arithmetic(op: str) -> Callable[..., RVector]:
    def apply(a: RVector, b: RVector | None = None) -> RVector:
        if b is None:
            return _unary(op, a)
        with np.errstate(all="ignore"):
            result = ARITHMETIC[op](_numeric(a, op), _numeric(b, op))
        if op in INTEGER_PRESERVING and _is_integer_like(a) and _is_integer_like(b):
            return _to_integer(result)
        return result
    return apply


def _unary(op: str, a: RVector) -> RVector:
    if op not in ("+", "-"):
        raise UnsupportedObjectError(f"invalid unary operator {op}")
    values = _numeric(a, op) * (1.0 if op == "+" else -1.0)
    return _to_integer(values) if _is_integer_like(a) else values


def _comparison(op: str) -> Callable[[RVector, RVector], pd.arrays.BooleanArray]:
    def apply(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
        textual = {"character", "factor"} & {kind(a), kind(b)}
        if textual:
            x, y = np.broadcast_arrays(as_character(a), as_character(b))
            na = pd.isna(x) | pd.isna(y)
            result = COMPARISON[op](np.where(na, "", x), np.where(na, "", y))
            return pd.arrays.BooleanArray(result.astype(bool), na)
        x, y = np.broadcast_arrays(as_double(a), as_double(b))
        with np.errstate(invalid="ignore"):
            return pd.arrays.BooleanArray(COMPARISON[op](x, y), np.isnan(x) | np.isnan(y))
    return apply


def _logicals(a: RVector, b: RVector) -> tuple[pd.arrays.BooleanArray, pd.arrays.BooleanArray]:
    n = max(len(a), len(b))
    return _recycle(as_logical(a), n), _recycle(as_logical(b), n)


def _and(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
    x, y = _logicals(a, b)
    return x & y


def _or(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
    x, y = _logicals(a, b)
    return x | y


def _not(a: RVector) -> pd.arrays.BooleanArray:
    return ~as_logical(a)


for _op in ARITHMETIC:
    _builtin(_op)(_arithmetic(_op))
for _op in COMPARISON:
    _builtin(_op)(_comparison(_op))
_builtin("&", "&&")(_and)
_builtin("|", "||")(_or)
_builtin("!")(_not)


@_builtin("(", "I")
def _identity(x: RVector) -> RVector:
    return x


@_builtin("$", lazy=True)
def _dollar(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """``.data$col`` and ``.env$name`` (rlang pronouns)."""
    (_, owner), (_, member) = args
    name = member.name if isinstance(member, Sym) else _scalar(as_character(eval_node(member, ctx)))
    return _pronoun(owner, name, ctx)


@_builtin("[[", lazy=True)
def _double_bracket(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """``.data[["col"]]`` and ``.env[["name"]]``."""
    (_, owner), (_, member) = args
    return _pronoun(owner, _scalar(as_character(eval_node(member, ctx))), ctx)


def _pronoun(owner: Any, name: str, ctx: Context) -> RVector:
    scopes = {".data": Context(ctx.data, {}), ".env": Context(ctx.data.iloc[:, :0], ctx.env)}
    if not isinstance(owner, Sym) or owner.name not in scopes:
        raise UnsupportedObjectError("only the .data and .env pronouns can be subset with $ or [[")
    return _lookup(name, scopes[owner.name])


# --------------------------------------------------------------------------- math
def _math(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[RVector], np.ndarray]:
    def apply(x: RVector) -> np.ndarray:
        with np.errstate(all="ignore"):
            return fn(_numeric(x, "mathematical function"))
    return apply


# the C library's functions, as R calls them (NumPy's SIMD ones differ in the last bit)
for _name in ("exp", "log10", "log2", "log1p", "expm1", "sin", "cos", "tan"):
    _builtin(_name)(_math(rmath.libm(_name)))
for _name, _fn in {"sqrt": np.sqrt, "floor": np.floor, "ceiling": np.ceil, "trunc": np.trunc,
                   "sign": np.sign}.items():
    _builtin(_name)(_math(_fn))


@_builtin("log")
def _log(x: RVector, base: RVector | None = None) -> np.ndarray:
    """R's ``log``: bases 10 and 2 use log10/log2 exactly, like R."""
    return rmath.r_log(_numeric(x, "log"), np.e if base is None else float(as_double(base)[0]))


@_builtin("abs")
def _abs(x: RVector) -> RVector:
    if _is_integer_like(x):
        return _to_integer(np.abs(as_double(x)))
    return np.abs(_numeric(x, "abs"))


@_builtin("round")
def _round(x: RVector, digits: RVector | None = None) -> RVector:
    if _is_integer_like(x):
        return COERCE["integer"](x)
    return np.round(_numeric(x, "round"), 0 if digits is None else int(as_double(digits)[0]))


def _pow_di(x: float, n: int) -> float:
    """R's ``R_pow_di``: ``x^n`` by repeated squaring (``n >= 0``), rounding as R does."""
    result = 1.0
    while n:
        if n & 1:
            result *= x
        n >>= 1
        if n:
            x *= x
    return result


def _signif_one(x: float, digits: int) -> float:
    """R's ``fprec``: ``x`` to ``digits`` significant digits (1..22), with R's
    rounding to the nearest even and R's powers of ten."""
    if not np.isfinite(x) or x == 0 or digits > 22:
        return x
    sign, x = (-1.0, -x) if x < 0 else (1.0, x)
    l10 = rmath.libm("log10")(x)
    if abs(l10) >= 306:
        raise UnsupportedObjectError("signif() of a number beyond 1e±306")
    e10 = int(digits - 1 - np.floor(l10))
    if e10 > 0:
        extra = _pow_di(10.0, max(e10 - 308, 0))  # keeps 10^e10 finite for tiny x
        scale = _pow_di(10.0, min(e10, 308))
        return sign * (np.rint((x * scale) * extra) / scale) / extra
    scale = _pow_di(10.0, -e10)
    return sign * (np.rint(x / scale) * scale)


@_builtin("signif")
def _signif(x: RVector, digits: RVector | None = None) -> RVector:
    d = 6 if digits is None else max(1, int(np.round(as_double(digits)[0])))
    return np.array([_signif_one(v, d) for v in _numeric(x, "signif")])


def _parallel(fn: np.ufunc) -> Callable[..., RVector]:
    def apply(*values: RVector, na_rm: RVector | None = None) -> RVector:
        arrays = np.broadcast_arrays(*(_numeric(v, "pmin/pmax") for v in values))
        if _flag(na_rm):
            result = functools.reduce(lambda a, b: rmath.na_rm_parallel(fn, a, b), arrays)
        else:
            result = fn.reduce(arrays)
        return _to_integer(result) if all(_is_integer_like(v) for v in values) else result
    return apply


_builtin("pmin")(_parallel(np.minimum))
_builtin("pmax")(_parallel(np.maximum))


# --------------------------------------------------------------------------- summaries
# Aggregates see the whole column as ``dplyr::mutate`` (ungrouped) passes it -- the batch
# being baked -- and give one value that the surrounding arithmetic recycles to every row.

def _present(values: tuple[RVector, ...], na_rm: RVector | None, what: str) -> np.ndarray | None:
    """The numbers to summarise, or None when the result is NA (an NA and no ``na.rm``)."""
    numbers = np.concatenate([_numeric(v, what) for v in values]) if values else np.array([])
    missing = np.isnan(numbers)
    if not missing.any():
        return numbers
    return numbers[~missing] if _flag(na_rm) else None


def _all_integer(values: tuple[RVector, ...]) -> bool:
    return all(_is_integer_like(v) for v in values)


@_builtin("mean")
def _mean(x: RVector, *, na_rm: RVector | None = None) -> np.ndarray:
    """``mean(x, na.rm)``: R's long-double mean (two passes for doubles)."""
    numbers = _present((x,), na_rm, "mean")
    if numbers is None:
        return np.array([np.nan])
    return np.array([rmath.r_mean_one_pass(numbers) if _is_integer_like(x) else rmath.r_mean(numbers)])


@_builtin("var")
def _var(x: RVector, *, na_rm: RVector | None = None) -> np.ndarray:
    """``var(x, na.rm)``: the sample variance (n - 1); NA below two values."""
    numbers = _present((x,), na_rm, "var")
    return np.array([np.nan if numbers is None else rmath.r_var(numbers)])


@_builtin("sd")
def _sd(x: RVector, na_rm: RVector | None = None) -> np.ndarray:
    """``sd(x, na.rm)``: the square root of ``var``."""
    return np.sqrt(_var(x, na_rm=na_rm))


@_builtin("median")
def _median(x: RVector, na_rm: RVector | None = None) -> RVector:
    """``median(x, na.rm)``: the middle value keeps x's type; the mean of the two
    middle values (even length) is a double."""
    numbers = _present((x,), na_rm, "median")
    if numbers is None or not len(numbers):
        return COERCE[kind(x)](np.array([np.nan]))
    ordered = np.sort(numbers)
    half = (len(ordered) + 1) // 2
    if len(ordered) % 2:
        return COERCE[kind(x)](ordered[half - 1:half])
    return _mean(COERCE[kind(x)](ordered[half - 1:half + 1]))


@_builtin("sum")
def _sum(*values: RVector, na_rm: RVector | None = None) -> RVector:
    """``sum(..., na.rm)``: an integer for integers and logicals (a double when it
    leaves the integer range), otherwise each argument's long-double sum, added up."""
    if _present(values, na_rm, "sum") is None:
        return COERCE["integer" if _all_integer(values) else "double"](np.array([np.nan]))
    parts = [rmath.r_sum(_present((v,), na_rm, "sum")) for v in values]
    total = functools.reduce(lambda a, b: a + b, parts, 0.0)
    if _all_integer(values) and abs(total) <= INT_MAX:
        return _to_integer(np.array([total]))
    return np.array([total])


def _extreme(reduce: Callable[[np.ndarray], Any], empty: float) -> Callable[..., RVector]:
    def apply(*values: RVector, na_rm: RVector | None = None) -> RVector:
        numbers = _present(values, na_rm, "min/max")
        integer = _all_integer(values) and (numbers is None or len(numbers) > 0)
        result = np.array([np.nan if numbers is None else reduce(numbers) if len(numbers) else empty])
        return _to_integer(result) if integer else result
    return apply


_min = _builtin("min")(_extreme(np.min, np.inf))
_max = _builtin("max")(_extreme(np.max, -np.inf))


@_builtin("range")
def _range(*values: RVector, na_rm: RVector | None = None) -> RVector:
    """``range(..., na.rm)``: ``c(min, max)``."""
    return _combine(_min(*values, na_rm=na_rm), _max(*values, na_rm=na_rm))


@_builtin("n", lazy=True)
def _n(args: list[tuple[str | None, Any]], ctx: Context) -> pd.arrays.IntegerArray:
    """dplyr's ``n()``: the number of rows being mutated."""
    if args:
        raise UnsupportedObjectError("n() takes no arguments")
    return pd.array([len(ctx.data)], dtype="Int32")


# --------------------------------------------------------------------------- vectors
@_builtin(":")
def _colon(start: RVector, end: RVector) -> RVector:
    """``from:to``: integers when ``from`` is a whole number in integer range, else doubles."""
    a, z = float(as_double(start)[0]), float(as_double(end)[0])
    if np.isnan(a) or np.isnan(z):
        raise ForgeError("NA/NaN argument to ':'")
    values = a + np.arange(int(abs(z - a) + 1e-10) + 1) * (1 if z >= a else -1)
    whole = a == int(a) and abs(a) <= INT_MAX and abs(values[-1]) <= INT_MAX
    return pd.array(values.astype("int64"), dtype="Int32") if whole else values


@_builtin("c")
def _combine(*values: RVector) -> RVector:
    if not values:
        return np.array([], dtype=float)
    target = _common_kind(list(values))
    parts = [COERCE[target](v) for v in values]
    if target in ("logical", "integer"):
        return type(parts[0])._concat_same_type(parts)
    return np.concatenate(parts)


@_builtin("ifelse")
def _ifelse(test: RVector, yes: RVector, no: RVector) -> RVector:
    """R's ``ifelse``: NA where ``test`` is NA; the result type is the wider of yes/no."""
    condition = as_logical(test)
    target = _common_kind([yes, no])
    when_true, when_false = (_recycle(COERCE[target](v), len(condition)) for v in (yes, no))
    chosen = when_true.copy()
    pick_no = ~condition.to_numpy(dtype=bool, na_value=False)
    chosen[pick_no] = when_false[pick_no]
    missing = condition.isna()
    if missing.any():
        chosen[missing] = MISSING[target]
    return chosen


@_builtin("%in%")
def _in(x: RVector, table: RVector) -> pd.arrays.BooleanArray:
    """``x %in% table``: numbers by value, anything else (factors included) by its
    ``as.character`` text; NA matches NA."""
    numeric = {"logical", "integer", "double"}
    if kind(x) in numeric and kind(table) in numeric:
        values, pool = as_double(x), as_double(table)
        found = np.isin(values, pool) | (np.isnan(values) & np.isnan(pool).any())
    else:
        values, pool = as_character(x), as_character(table)
        present = pd.notna(pool)
        found = np.isin(values.astype(object), pool[present].astype(object)) | (pd.isna(values) & (~present).any())
    return pd.array(found, dtype="boolean")


@_builtin("if_else")
def _if_else(condition: RVector, true: RVector, false: RVector,
             missing: RVector | None = None) -> RVector:
    """dplyr's ``if_else``: ``ifelse`` whose NA conditions take ``missing`` when given."""
    chosen = _ifelse(condition, true, false)
    return chosen if missing is None else _ifelse(pd.array(as_logical(condition).isna(), dtype="boolean"), missing, chosen)


@_builtin("case_when", lazy=True)
def _case_when(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """dplyr's (1.0) ``case_when(condition ~ value, ...)``: each row takes the value of
    the first TRUE condition, NA when none is. Conditions must be logical and every
    value must have the first value's type, as dplyr requires."""
    pairs = [_case(formula, ctx) for formula in _case_formulas(args)]
    size = max(len(part) for pair in pairs for part in pair)
    target = kind(pairs[0][1])
    if target not in COERCE or any(kind(value) != target for _, value in pairs):
        raise UnsupportedObjectError("case_when() values must all have the first value's type "
                                     f"(here {target}; dplyr refuses to mix types)")
    if any(len(part) not in (1, size) for pair in pairs for part in pair):
        raise UnsupportedObjectError(f"case_when() conditions and values must have length 1 or {size}")
    out = COERCE[target](np.full(size, np.nan))
    decided = np.zeros(size, dtype=bool)
    for condition, value in pairs:
        hit = _recycle(condition, size).to_numpy(dtype=bool, na_value=False)
        take = hit & ~decided
        out[take] = _recycle(value, size)[take]
        decided |= hit
    return out


def _case_formulas(args: list[tuple[str | None, Any]]) -> list[Lang]:
    formulas = [e for name, e in args if not name and isinstance(e, Lang) and len(e.args) == 2
                and isinstance(e.function, Sym) and e.function.name == "~"]
    if not formulas or len(formulas) != len(args):
        raise UnsupportedObjectError("case_when() takes only two-sided formulas condition ~ value")
    return formulas


def _case(formula: Lang, ctx: Context) -> tuple[pd.arrays.BooleanArray, RVector]:
    (_, lhs), (_, rhs) = formula.args
    condition = eval_node(lhs, ctx)
    if kind(condition) != "logical":
        raise UnsupportedObjectError(f"case_when() conditions must be logical, not {kind(condition)}")
    return condition, eval_node(rhs, ctx)


@_builtin("as.numeric", "as.double")
def _as_numeric(x: RVector) -> np.ndarray:
    return as_double(x)


@_builtin("as.integer")
def _as_integer(x: RVector) -> pd.arrays.IntegerArray:
    return COERCE["integer"](x)


@_builtin("as.character")
def _as_character(x: RVector) -> np.ndarray:
    return as_character(x)


@_builtin("as.logical")
def _as_logical(x: RVector) -> pd.arrays.BooleanArray:
    return as_logical(x)


@_builtin("is.na")
def _is_na(x: RVector) -> pd.arrays.BooleanArray:
    missing = np.asarray(pd.isna(x), dtype=bool)
    return pd.arrays.BooleanArray(missing, np.zeros_like(missing))


def default_levels(x: RVector) -> list[str]:
    """The levels ``factor(x)`` gives: sorted unique values as R sorts them."""
    k = kind(x)
    if k == "factor":
        return list(x.remove_unused_categories().categories)
    if k == "character":
        return rmath.r_sort_strings(pd.factorize(x)[1])
    if k == "logical":
        present = set(as_character(x))
        return [lvl for lvl in ("FALSE", "TRUE") if lvl in present]
    numbers = np.unique(as_double(x))
    return list(dict.fromkeys(as_character(numbers[~np.isnan(numbers)])))


@_builtin("factor")
def _factor(x: RVector, levels: RVector | None = None, labels: RVector | None = None,
            ordered: RVector | None = None) -> pd.Categorical:
    level_values = default_levels(x) if levels is None else list(as_character(levels))
    text = pd.Series(x) if kind(x) == "factor" else pd.Series(as_character(x), dtype=object)
    codes = match(text, level_values)
    names = level_values if labels is None else list(as_character(labels))
    is_ordered = _flag(ordered)
    return pd.Categorical.from_codes(codes, names, ordered=is_ordered)


def _format_break(value: float, digits: int) -> str:
    """``formatC(value, digits, width = 1)``: C's ``%.<digits>g``, R's Inf spelling."""
    if np.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return f"{value:.{digits}g}"


def cut_labels(breaks: np.ndarray, right: bool, include_lowest: bool, dig_lab: int) -> list[str]:
    """``cut``'s default interval labels: the fewest digits (from ``dig_lab``) that tell
    the breaks apart, ``(a,b]`` (or ``[a,b)``), the outer end closed by ``include.lowest``."""
    for digits in range(dig_lab, max(12, dig_lab) + 1):
        text = [_format_break(b + 0.0, digits) for b in breaks]
        if all(a != b for a, b in zip(text[:-1], text[1:])):
            break
    else:
        raise UnsupportedObjectError("cut() labels for breaks that 12 digits cannot tell apart")
    opening, closing = ("(", "]") if right else ("[", ")")
    labels = [f"{opening}{a},{b}{closing}" for a, b in zip(text[:-1], text[1:])]
    if include_lowest and labels:
        if right:
            labels[0] = "[" + labels[0][1:]
        else:
            labels[-1] = labels[-1][:-1] + "]"
    return labels


def bin_codes(x: np.ndarray, breaks: np.ndarray, right: bool, include_lowest: bool) -> np.ndarray:
    """R's ``.bincode``: 0-based interval of each value, -1 outside the breaks or NA."""
    side = "left" if right else "right"
    codes = np.searchsorted(breaks, x, side=side) - 1
    if include_lowest:
        edge = breaks[0] if right else breaks[-1]
        codes[x == edge] = 0 if right else len(breaks) - 2
    codes[np.isnan(x) | (codes < 0) | (codes > len(breaks) - 2)] = -1
    return codes


@_builtin("cut")
def _cut(x: RVector, breaks: RVector, labels: RVector | None = None,
         include_lowest: RVector | None = None, right: RVector | None = None,
         dig_lab: RVector | None = None, ordered_result: RVector | None = None) -> RVector:
    """``cut`` with explicit breaks (a number of intervals depends on the batch's range
    and is refused)."""
    edges = np.sort(_numeric(breaks, "cut"))
    if len(edges) < 2:
        raise UnsupportedObjectError("cut() with a number of intervals depends on the data's "
                                     "range; only explicit breaks are supported")
    lowest, closed_right, ordered = _flag(include_lowest), _flag(right, True), _flag(ordered_result)
    codes = bin_codes(_numeric(x, "cut"), edges, closed_right, lowest)
    if labels is not None and kind(labels) == "logical" and not _flag(labels):
        return _to_integer(np.where(codes < 0, np.nan, codes + 1.0))
    digits = 3 if dig_lab is None else int(as_double(dig_lab)[0])
    names = cut_labels(edges, closed_right, lowest, digits) if labels is None \
        else list(as_character(labels))
    if len(names) != len(edges) - 1:
        raise ForgeError("cut(): number of intervals and length of 'labels' differ")
    return pd.Categorical.from_codes(codes, names, ordered=ordered)


@_builtin("as.factor")
def as_factor(x: RVector) -> pd.Categorical:
    """``as.factor``: factors unchanged, other vectors with R's default levels."""
    return x if kind(x) == "factor" else _factor(x)


@_builtin("list")
def _list(*values: RVector, **named: RVector) -> dict[str, RVector]:
    return {**{str(i): v for i, v in enumerate(values)}, **named}


@_builtin("poly")
def _poly(x: RVector, degree: RVector | None = None, coefs: dict | None = None,
          raw: RVector | None = None) -> pd.DataFrame:
    """``stats::poly``: the orthogonal polynomial basis (stored ``coefs`` when given,
    as in the ``predvars`` of a terms object)."""
    values = _numeric(x, "poly")
    d = 1 if degree is None else int(as_double(degree)[0])
    if _flag(raw):
        return _matrix(rmath.poly_raw(values, d))
    if coefs is None:
        _require_complete(values, "poly")
        alpha, norm2 = rmath.poly_coefs(values, d)
    else:
        alpha, norm2 = as_double(coefs["alpha"]), as_double(coefs["norm2"])
    stored = List([Real(alpha), Real(norm2)]).set_attr("names", Str(["alpha", "norm2"]))
    return _matrix(rmath.poly_predict(values, alpha, norm2), {"coefs": stored}, keep_args=True)


def _interior_knots(values: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` interior knots ``bs()``/``ns()`` place at quantiles of the data."""
    probs = np.linspace(0, 1, count + 2)[1:-1]
    return rmath.quantile7(values[~np.isnan(values)], probs) if count > 0 else np.array([])


def _spline_knots(values: np.ndarray, df: RVector | None, knots: RVector | None,
                  boundary: RVector | None, n_interior: Callable[[int], int], what: str) -> tuple[np.ndarray, np.ndarray]:
    if boundary is None:
        _require_some(values, what)
        boundary = rmath.na_rm_range(values)
    if knots is None:
        knots = _interior_knots(values, n_interior(int(as_double(df)[0])) if df is not None else 0)
    return as_double(knots), as_double(boundary)


@_builtin("ns")
def _ns(x: RVector, df: RVector | None = None, knots: RVector | None = None,
        intercept: RVector | None = None, Boundary_knots: RVector | None = None) -> pd.DataFrame:
    """``splines::ns``: natural cubic spline basis (stored knots when given)."""
    values = _numeric(x, "ns")
    has_intercept = _flag(intercept)
    inner, boundary = _spline_knots(values, df, knots, Boundary_knots, lambda n: n - 1 - has_intercept, "ns")
    basis = rmath.ns_basis(values, inner, boundary, intercept=has_intercept)
    return _matrix(basis, {"knots": Real(inner), "Boundary.knots": Real(boundary),
                           "intercept": Logical([int(has_intercept)])})


@_builtin("bs")
def _bs(x: RVector, df: RVector | None = None, knots: RVector | None = None, degree: RVector | None = None,
        intercept: RVector | None = None, Boundary_knots: RVector | None = None) -> pd.DataFrame:
    """``splines::bs``: B-spline basis (stored knots when given)."""
    values = _numeric(x, "bs")
    order = 3 if degree is None else int(as_double(degree)[0])
    has_intercept = _flag(intercept)
    inner, boundary = _spline_knots(values, df, knots, Boundary_knots,
                                    lambda n: n - order - 1 + (not has_intercept), "bs")
    basis = rmath.bs_basis(values, inner, boundary, degree=order, intercept=has_intercept)
    return _matrix(basis, {"degree": Integer([order]), "knots": Real(inner), "Boundary.knots": Real(boundary),
                           "intercept": Logical([int(has_intercept)])})


def _scale_amount(arg: RVector | None, values: np.ndarray, default: Callable[[np.ndarray], float]) -> float | None:
    """``scale()``'s center/scale argument: TRUE (or missing) computes it from the data,
    FALSE skips it, a number is used as given."""
    if arg is not None and kind(arg) != "logical":
        return float(as_double(arg)[0])
    return default(values) if _flag(arg, True) else None


def _root_mean_square(values: np.ndarray) -> float:
    present = values[~np.isnan(values)]
    return float(np.sqrt(np.sum(present ** 2) / max(1, len(present) - 1)))


@_builtin("scale")
def _scale(x: RVector, center: RVector | None = None, scale: RVector | None = None) -> pd.DataFrame:
    """``base::scale`` of one variable: a one-column matrix (stored center and scale
    are reused on new data through the terms' ``predvars``)."""
    values = _numeric(x, "scale")
    stored = {}
    shift = _scale_amount(center, values, lambda v: float(np.nanmean(v)))
    if shift is not None:
        values, stored["center"] = values - shift, Real([shift])
    spread = _scale_amount(scale, values, _root_mean_square)
    if spread is not None:
        values, stored["scale"] = values / spread, Real([spread])
    return _matrix(values[:, None], stored, keep_args=True, names=[""])


def _require_complete(values: np.ndarray, what: str) -> None:
    if np.isnan(values).any():
        raise ForgeError(f"missing values are not allowed in '{what}' (when computing its coefficients)")


def _require_some(values: np.ndarray, what: str) -> None:
    if np.isnan(values).all():
        raise ForgeError(f"'{what}' needs at least one non-missing value to place its knots")


def _matrix(values: np.ndarray, predict_args: dict[str, Any] | None = None,
            keep_args: bool = False, names: list[str] | None = None) -> pd.DataFrame:
    """A basis matrix (columns "1", "2", ... unless ``names`` are given; "" = R's
    matrix without column names). ``predict_args`` are the R arguments
    ``makepredictcall`` stores in the terms' ``predvars`` so that new data gets the
    same basis; ``keep_args`` keeps the call's other arguments (``poly``), otherwise
    only ``x`` is kept (``ns``/``bs``)."""
    columns = names if names is not None else [str(i + 1) for i in range(values.shape[1])]
    frame = pd.DataFrame(values, columns=columns)
    if predict_args:
        frame.attrs.update(predict_args=predict_args, keep_args=keep_args)
    return frame
