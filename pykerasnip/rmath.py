"""Numeric and string helpers that reproduce base R / stats / splines results.

These are the pieces of R that recipes steps and model post-processing lean on:
``sum``/``mean``/``var`` with R's long-double accumulation, ``log``,
``optimize`` and ``optim`` as R computes them, ``.bincode``, ``make.names``, ``contr.poly``, type-7 ``quantile``, ``sort()`` of strings under the ICU root collation
used by the fixtures' R sessions (``C.UTF-8`` with ICU), orthogonal polynomial
prediction (``predict.poly``) and the B-spline bases of ``splines::bs`` and
``splines::ns``.
"""
from __future__ import annotations

import functools
import math
import unicodedata
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np
import pandas as pd

from .rds.nodes import INT_MAX, NA_REAL, is_na_real
from .rlinalg import col_sums, matprod, mean_ld, qr_linpack, qr_qty, qr_qy, sum_ld
from .rowblocks import warn_rows

# --------------------------------------------------------------------------- NA-aware reductions
# R's NA_real_ is a signalling NaN; NumPy's fmin/fmax (hence nanmin/nanmax) can return
# a wrong number when one is present, so missing values are masked out explicitly.
def na_rm_range(values: np.ndarray) -> np.ndarray:
    """``range(values, na.rm = TRUE)`` of doubles: ``[min, max]``, NaN when nothing is left."""
    present = values[~np.isnan(values)]
    return np.array([present.min(), present.max()]) if present.size else np.array([np.nan, np.nan])


def r_parallel(larger: bool, a: np.ndarray, b: np.ndarray, na_rm: bool = False) -> np.ndarray:
    """One step of ``pmax`` (``larger``) or ``pmin`` over ``a`` then ``b``, as R's loop
    takes it: ``b`` replaces ``a`` only when strictly beyond it (so a tie of -0 and 0
    keeps ``a``'s sign), or when missing (without ``na_rm``), or when ``a`` is missing
    (with ``na_rm``)."""
    with np.errstate(invalid="ignore"):
        beyond = b > a if larger else b < a
    return np.where(beyond | np.isnan(a if na_rm else b), b, a)


# --------------------------------------------------------------------------- C library math
# NumPy's SIMD exp/log/sinh/... differ from the C library R calls in the last bit for
# many inputs; Python's math module calls the C library itself, one Python call per value.
# numexpr's loops call the C library too, in compiled code and on every core; NumPy's loop
# is the C library's for some functions (its double sin and cos on x86-64, for one). Each
# is checked bit for bit against the math module before it is used.
@functools.cache
def libm(name: str, nin: int = 1, finite: bool = False) -> Callable[..., np.ndarray]:
    """The C library's ``name`` (``exp``, ``log1p``, ``asinh``, ``pow``...) elementwise on
    doubles (``nin`` arguments, broadcast), as R computes it; domain and range errors give
    C's NaN/Inf. ``finite``: for arguments that hold no NaN (nor NA), so that a faster
    version need only agree on the others (math's ``atan2`` drops a NaN's payload, the
    C library's keeps it)."""
    scalar_fn = getattr(math, name)
    ufunc = getattr(np, _NUMPY_NAMES.get(name, name))

    def one(*values: float) -> float:
        try:
            return scalar_fn(*values)
        except (ValueError, OverflowError):
            return float(ufunc(*values))

    def exact(*xs: np.ndarray) -> np.ndarray:
        values = np.broadcast_arrays(*(np.asarray(x, dtype="f8") for x in xs))
        # a memoryview yields Python floats without building a list
        flat = [memoryview(np.ascontiguousarray(v).ravel()) for v in values]
        with np.errstate(all="ignore"):
            try:  # most data stays in the domain: no Python-level wrapper per element
                out = np.fromiter(map(scalar_fn, *flat), dtype="f8", count=len(flat[0]))
            except (ValueError, OverflowError):
                out = np.fromiter(map(one, *flat), dtype="f8", count=len(flat[0]))
        return out.reshape(values[0].shape)

    def vectorised(*xs: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(ufunc(*(np.asarray(x, dtype="f8") for x in xs)), dtype="f8")

    candidates = [vectorised, *_numexpr_version(name, nin)]
    chosen: list[Callable[..., np.ndarray]] = []

    def apply(*xs: np.ndarray) -> np.ndarray:
        if not chosen:  # probed on first use, not at import
            chosen.append(next((c for c in candidates if _same_bits(c, exact, nin, finite)),
                               exact))
        return chosen[0](*xs)
    return apply


#: numexpr's spelling of the C library functions it evaluates with them
_NUMEXPR_CALLS = {name: f"{_name}(x0)" for name, _name in (
    ("exp", "exp"), ("expm1", "expm1"), ("log", "log"), ("log10", "log10"), ("log1p", "log1p"),
    ("sin", "sin"), ("cos", "cos"), ("tan", "tan"), ("asin", "arcsin"), ("acos", "arccos"),
    ("atan", "arctan"), ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"),
    ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh"))}
_NUMEXPR_CALLS.update(atan2="arctan2(x0, x1)", pow="x0 ** x1")


def _numexpr_version(name: str, nin: int) -> "list[Callable[..., np.ndarray]]":
    """``name`` through numexpr, when numexpr has it."""
    if name not in _NUMEXPR_CALLS:
        return []
    import numexpr

    expression = _NUMEXPR_CALLS[name]

    def evaluate(*xs: np.ndarray) -> np.ndarray:
        values = np.broadcast_arrays(*(np.asarray(x, dtype="f8") for x in xs))
        arrays = {f"x{i}": np.ascontiguousarray(v) for i, v in enumerate(values)}
        return np.asarray(numexpr.evaluate(expression, local_dict=arrays, optimization="none"),
                          dtype="f8").reshape(values[0].shape)
    return [evaluate]


def _same_bits(fast: Callable[..., np.ndarray], exact: Callable[..., np.ndarray], nin: int,
               finite: bool = False) -> bool:
    """Do two implementations of one function give the same bits on a probe of 40,000
    arguments over many magnitudes (with zeros, infinities and, unless ``finite``, NaN and
    R's NA)? NumPy's own SIMD versions differ on 0.1% to 50% of them; calls to the C
    library on none."""
    rng = np.random.default_rng(1954)
    nans = [] if finite else [np.nan, NA_REAL]
    special = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, *nans])
    probe = [np.concatenate([special, *(rng.standard_normal(8000) * 10.0 ** e for e in (-3, 0, 1, 3, 6))])
             for _ in range(nin)]
    got, want = fast(*probe), exact(*probe)
    # a NaN's sign is not R's to see, but R's NA (a NaN payload) must stay NA
    same = (got.view("i8") == want.view("i8")) | (np.isnan(got) & np.isnan(want)
                                                 & (is_na_real(got) == is_na_real(want)))
    return bool(same.all())


def r_pow(x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    """R's ``x ^ y`` on doubles: ``x * x`` where ``y`` is exactly 2, C's ``pow`` elsewhere."""
    base, power = np.broadcast_arrays(np.asarray(x, dtype="f8"), np.asarray(y, dtype="f8"))
    out = libm("pow", 2)(base, power)
    square = power == 2.0
    out[square] = base[square] * base[square]
    return out


def r_round(x: np.ndarray, digits: float = 0.0) -> np.ndarray:
    """R's (>= 4.0.0) ``round(x, digits)``: of the two numbers with ``digits`` decimals
    around ``x`` (computed as ``floor(x * 10^d) / 10^d`` and ``ceiling(..) / 10^d``), the
    nearer to ``x``, on a tie the one with an even last digit; ``x`` itself when it has
    no more than 15 significant digits to round. Not ``np.round``, which rounds
    ``x * 10^d``: ``round(10.95, 1)`` is 10.9 in R (10.95 is 10.9499...), 11 in numpy."""
    x = np.asarray(x, dtype=float)
    dig = int(math.floor(digits + 0.5))
    if dig == 0:
        return np.rint(x)
    if dig > 308 + 15:
        return x.copy()
    if dig < -308:
        return np.where(np.isfinite(x) & (x != 0), 0.0, x)
    a = np.abs(x)
    pow10 = pow_di(10.0, dig)
    with np.errstate(all="ignore"):
        x10 = pow10 * a
        i10 = np.floor(x10)
        down, up = i10 / pow10, np.ceil(x10) / pow10
        du, dd = up - a, a - down
        rounded = np.where((du < dd) | ((du == dd) & (np.fmod(i10, 2.0) == 1)), up, down)
        logb = np.frexp(a)[1] - 1.0  # C's logb(): the binary exponent
        exact = (math.log10(2) * (0.5 + logb) + dig > 15) | ~np.isfinite(x) | (x == 0)
    return np.where(exact, x, np.copysign(rounded, x))


def pow_di(x: float, n: int) -> float:
    """R's ``R_pow_di``: ``x^n`` by repeated squaring, ``1 / x^-n`` for negative ``n``."""
    result, power, k = 1.0, x, abs(n)
    while k:
        if k & 1:
            result *= power
        k >>= 1
        if k:
            power *= power
    return 1.0 / result if n < 0 else result


def nans_produced(x: np.ndarray, out: np.ndarray, site: Hashable) -> np.ndarray:
    """``out``, R's math function of ``x``; warns as R does ("NaNs produced") when the
    function turned a number of ``x`` into NaN (once per ``site`` across row blocks)."""
    nans = np.isnan(out)
    made = np.flatnonzero(nans & ~np.isnan(x)) if nans.any() else None
    warn_rows(site, made if made is not None and len(made) else None, _warn_nans)
    return out


def _warn_nans(rows: np.ndarray) -> None:
    warnings.warn("NaNs produced", UserWarning, stacklevel=2)


def r_log(x: np.ndarray, base: float = math.e) -> np.ndarray:
    """R's ``log(x, base)``: ``log10``/``log2`` for bases 10 and 2, else ``log(x)/log(base)``
    (a base of 0, 1 or below gives R's Inf/NaN)."""
    if base in (10.0, 2.0):
        return libm("log10" if base == 10.0 else "log2")(x)
    natural = libm("log")(x)
    if base == math.e:
        return natural
    with np.errstate(all="ignore"):
        return natural / libm("log")(base)


_NUMPY_NAMES = {"asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "pow": "power"}


# --------------------------------------------------------------------------- summaries
def r_sum(x: np.ndarray) -> float:
    """R's ``sum()`` of doubles: sequential accumulation in long double."""
    return float(sum_ld(x)) if len(x) else 0.0


def r_mean(x: np.ndarray) -> float:
    """R's ``mean(x)`` (NA propagates)."""
    return float(mean_ld(x)) if len(x) else math.nan


def r_mean_one_pass(x: np.ndarray) -> float:
    """The one-pass long-double mean R takes of integer and logical vectors (``mean``)
    and of matrix columns (``colMeans``)."""
    return float(sum_ld(x) / len(x)) if len(x) else math.nan


def r_var(x: np.ndarray) -> float:
    """R's ``var(x, na.rm = TRUE)``: sample variance (n - 1) as ``stats:::C_cov`` computes it."""
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return math.nan
    # deviations from the mean (rounded to double, as R keeps it) taken in long double
    dev = x.astype(np.longdouble) - np.longdouble(float(mean_ld(x)))
    return float(sum_ld(dev * dev) / (len(x) - 1))


# --------------------------------------------------------------------------- optimisation
#: the value R's Nelder-Mead gives a point where the function is not finite
_NM_BIG = 1.0e35


def _nm_simplex(start: list[float]) -> tuple[list[list[float]], float]:
    """R's starting simplex and its size: ``start`` plus one vertex per coordinate,
    shifted by a tenth of the largest absolute start value (0.1 when all are 0); a shift
    too small to change the coordinate grows tenfold until it does."""
    step = max([0.1 * abs(p) for p in start] + [0.0]) or 0.1
    points, size = [start], 0.0
    for i in range(len(start)):
        vertex, trial = list(start), step
        while vertex[i] == start[i]:
            vertex[i] = start[i] + trial
            trial *= 10
        size += trial
        points.append(vertex)
    return points, size


def _nm_extremes(values: list[float], best: int) -> tuple[int, int]:
    """(lowest, highest) vertex, scanning from the previous lowest as R does (the first
    of equal values wins)."""
    low = high = best
    for j, f in enumerate(values):
        if j != low:
            if f < values[low]:
                low = j
            if f > values[high]:
                high = j
    return low, high


def _nm_centroid(points: list[list[float]], high: int) -> list[float]:
    """Centroid of all vertices but ``high``, summed in R's order (minus the highest,
    then every vertex)."""
    centroid = []
    for i in range(len(points[0])):
        total = -points[high][i]
        for point in points:
            total += point[i]
        centroid.append(total / len(points[0]))
    return centroid


def r_optim_nelder_mead(fn: Callable[[list[float]], float], par: Sequence[float], *,
                        maxit: int = 500, reltol: float = math.sqrt(np.finfo(float).eps),
                        abstol: float = -math.inf, alpha: float = 1.0, beta: float = 0.5,
                        gamma: float = 2.0) -> list[float]:
    """``optim(par, fn, method = "Nelder-Mead")$par`` with R's default control: the same
    simplex moves in the same floating-point order as R's ``nmmin``, so an ``fn`` that
    computes what R's objective computes gives R's optimum to the bit.

    Each iteration reflects the highest vertex through the centroid of the others, then
    expands, contracts, or shrinks the simplex towards the lowest one. It stops when the
    spread of values is at most ``reltol * (|f(par)| + reltol)``, when the lowest value
    is at most ``abstol``, when a shrink does not make the simplex smaller, or after
    ``maxit`` evaluations; it returns the lowest vertex of the last ranking."""
    def value(point: list[float]) -> float:
        f = fn(point)
        return f if math.isfinite(f) else _NM_BIG

    start = [float(p) for p in par]
    f0 = fn(start)
    if not math.isfinite(f0):
        raise ValueError("function cannot be evaluated at initial parameters")
    if maxit <= 0:
        return start
    conv_tol = reltol * (abs(f0) + reltol)
    points, old_size = _nm_simplex(start)
    values = [f0] + [math.nan] * len(start)
    stale, evals, low = list(range(1, len(points))), 1, 0
    while True:
        for j in stale:
            values[j] = value(points[j])
            evals += 1
        stale = []
        low, high = _nm_extremes(values, low)
        if values[high] <= values[low] + conv_tol or values[low] <= abstol:
            break
        centroid = _nm_centroid(points, high)
        reflected = [(1.0 + alpha) * c - alpha * h for c, h in zip(centroid, points[high])]
        f_reflected = value(reflected)
        evals += 1
        if f_reflected < values[low]:
            expanded = [gamma * r + (1 - gamma) * c for r, c in zip(reflected, centroid)]
            f_expanded = value(expanded)
            evals += 1
            points[high], values[high] = ((expanded, f_expanded) if f_expanded < f_reflected
                                          else (reflected, f_reflected))
        else:
            highest = values[high]
            if f_reflected < highest:
                points[high], values[high] = reflected, f_reflected
            contracted = [(1 - beta) * h + beta * c for h, c in zip(points[high], centroid)]
            f_contracted = value(contracted)
            evals += 1
            if f_contracted < values[high]:
                points[high], values[high] = contracted, f_contracted
            elif f_reflected >= highest:
                size = 0.0
                for j, point in enumerate(points):
                    if j != low:
                        points[j] = [beta * (p - q) + q for p, q in zip(point, points[low])]
                        for p, q in zip(points[j], points[low]):
                            size += abs(p - q)
                        stale.append(j)
                if size >= old_size:
                    break
                old_size = size
        if evals > maxit:
            break
    return points[low]


def optimize_max(f: Callable[[float], float], lower: float, upper: float,
                 tol: float) -> float:
    """R's ``optimize(f, c(lower, upper), maximum = TRUE, tol = tol)$maximum``
    (Brent's golden-section/parabolic search, step for step as R's ``Brent_fmin``)."""
    def g(arg: float) -> float:
        value = -f(arg)
        return value if math.isfinite(value) else float(np.finfo(float).max)

    golden = (3.0 - math.sqrt(5.0)) * 0.5
    eps = math.sqrt(float(np.finfo(float).eps))
    a, b = lower, upper
    v = w = x = a + golden * (b - a)
    d = e = 0.0
    fv = fw = fx = g(x)
    tol3 = tol / 3.0
    while True:
        xm = (a + b) * 0.5
        tol1 = eps * abs(x) + tol3
        t2 = tol1 * 2.0
        if abs(x - xm) <= t2 - (b - a) * 0.5:
            return x
        p = q = r = 0.0
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = (q - r) * 2.0
            if q > 0.0:
                p = -p
            else:
                q = -q
            r, e = e, d
        if abs(p) >= abs(q * 0.5 * r) or p <= q * (a - x) or p >= q * (b - x):
            e = (b - x) if x < xm else (a - x)
            d = golden * e
        else:
            d = p / q
            u = x + d
            if u - a < t2 or b - u < t2:
                d = tol1 if x < xm else -tol1
        u = x + d if abs(d) >= tol1 else (x + tol1 if d > 0.0 else x - tol1)
        fu = g(u)
        if fu <= fx:
            a, b = (a, x) if u < x else (x, b)
            v, w, x, fv, fw, fx = w, x, u, fw, fx, fu
        else:
            a, b = (u, b) if u < x else (a, u)
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu


# --------------------------------------------------------------------------- names
R_RESERVED = frozenset({
    "if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
    "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_",
    "NA_complex_", "in",
})


def _make_name(name: str | None) -> str:
    if name is None:
        return "NA."
    first, second = name[:1], name[1:2]
    if not name or (first != "." and not first.isalpha()) or (first == "." and second.isdigit()):
        name = "X" + name
    name = "".join(c if c.isalnum() or c in "._" else "." for c in name)
    return name + "." if name in R_RESERVED else name


def r_colon(start: int, end: int) -> list[int]:
    """R's ``start:end`` of integers: counts down when ``end < start`` (``1:0`` is
    ``c(1, 0)``)."""
    return list(range(start, end + 1)) if end >= start else list(range(start, end - 1, -1))


def names0(num: int, prefix: str = "x") -> list[str]:
    """recipes' ``names0``: ``prefix`` + 1..num zero-padded to a common width."""
    width = len(str(num))
    return [f"{prefix}{i:0{width}d}" for i in range(1, num + 1)]


def make_unique(names: Sequence[str], sep: str = ".") -> list[str]:
    """R's ``make.unique``: later duplicates get ``<name><sep><k>`` with the smallest
    free ``k`` (counting on from the last one used for that name)."""
    seen = set(names)
    counters: dict[str, int] = {}
    out, first_seen = [], set()
    for name in names:
        if name not in first_seen:
            first_seen.add(name)
            out.append(name)
            continue
        k = counters.get(name, 1)
        while f"{name}{sep}{k}" in seen:
            k += 1
        counters[name] = k + 1
        candidate = f"{name}{sep}{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def make_names(names: Iterable[str | None], unique: bool = False) -> list[str]:
    """R's ``make.names``: syntactically valid names (``None`` is R's NA)."""
    raw = list(names)
    out = [_make_name(n) for n in raw]
    if not unique:
        return out
    # R de-duplicates the names it left unchanged first, so "a.b" keeps its name
    # and a clashing "a b" becomes "a.b.1" wherever it stands.
    order = sorted(range(len(out)), key=lambda i: out[i] != raw[i])
    result = out[:]
    for i, name in zip(order, make_unique([out[i] for i in order])):
        result[i] = name
    return result


# --------------------------------------------------------------------------- collation
# Printable ASCII in the order R's sort() gives under ICU's root collation (R 4.2,
# C.UTF-8): punctuation and symbols are not ignorable, then digits, then letters with
# lower case immediately before upper case.
_ASCII_ROOT_ORDER = (
    " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
    "aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ"
)
_PRIMARY = {c: i for i, c in enumerate(dict.fromkeys(_ASCII_ROOT_ORDER.lower()))}
_OTHER_PRIMARY = len(_PRIMARY)


def _collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    primary, secondary, tertiary = [], [], []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            secondary.append(ord(char))
            continue
        folded = char.lower()
        primary.append(_PRIMARY.get(folded, _OTHER_PRIMARY + ord(folded)))
        secondary.append(0)
        tertiary.append(int(char != folded))
    return tuple(primary), tuple(secondary), tuple(tertiary)


def r_sort_strings(values: Iterable[str | None]) -> list[str]:
    """R's ``sort()`` of a character vector in the fixtures' locale (ICU root
    collation, three strengths); NA (``None``/NaN) values are dropped as R does.

    Exact for printable ASCII and accented Latin letters that decompose to ASCII (é, ä,
    ñ...); other characters (ß, æ, non-Latin scripts) fall back to code-point order at
    the primary strength.
    """
    kept = [v for v in values if isinstance(v, str)]
    return sorted(kept, key=_collation_key)


# --------------------------------------------------------------------------- contrasts
def contr_poly(n: int) -> np.ndarray:
    """R's ``contr.poly(n)``: the n x (n-1) orthonormal polynomial contrasts
    (columns .L, .Q, .C, ^4, ...) for scores 1..n, computed as ``make.poly`` does."""
    if n < 2:
        raise ValueError(f"contrasts not defined for {n - 1} degrees of freedom")
    scores = np.arange(1, n + 1, dtype=float)
    raw = _orthogonal_columns(scores - (n + 1) / 2, n - 1)  # mean(1:n), exact
    norms = np.sqrt([float(sum_ld(column * column)) for column in raw.T])
    return (raw / norms)[:, 1:]


def _orthogonal_columns(centred: np.ndarray, degree: int) -> np.ndarray:
    """``qr.qy(QR, diag(QR$qr))`` for ``QR = qr(outer(centred, 0:degree, "^"))``: the
    orthogonal polynomial columns of ``poly()`` and ``contr.poly()``, before scaling."""
    qr = qr_linpack(r_pow(centred[:, None], np.arange(degree + 1, dtype=float)))
    diagonal = np.zeros_like(qr.qr)
    index = np.arange(min(qr.qr.shape))
    diagonal[index, index] = qr.qr[index, index]
    return qr_qy(qr, diagonal)


def contr_poly_names(n: int) -> list[str]:
    """Column names R gives ``contr.poly(n)``: ``.L``, ``.Q``, ``.C``, ``^4``, ..."""
    return [".L", ".Q", ".C"][: n - 1] + [f"^{k}" for k in range(4, n)]


# --------------------------------------------------------------------------- quantiles
def quantile7(x: Sequence[float] | np.ndarray, probs: Sequence[float] | np.ndarray) -> np.ndarray:
    """R's ``quantile(x, probs, type = 7)`` (``x`` must have no NA)."""
    values = np.sort(np.asarray(x, dtype=float))
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, 1.0)
    index = 1 + max(len(values) - 1, 0) * probs
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    low_values = values[lo - 1]
    high_values = values[hi - 1]
    h = index - lo
    interpolate = (index > lo) & (high_values != low_values)
    return np.where(interpolate, (1 - h) * low_values + h * high_values, low_values)


# --------------------------------------------------------------------------- polynomials
def poly_coefs(x: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``coefs`` (``alpha``, ``norm2``) that ``stats::poly(x, degree)`` stores,
    computed as ``poly()`` does (LINPACK QR, long-double column sums)."""
    return poly_fit(x, degree)[1:]


def poly_fit(x: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``stats::poly(x, degree)`` of the data it is fitted on: the basis as poly() makes
    it there (scaled QR columns, which differ in the last bits from the recurrence
    ``predict()`` runs), then its ``alpha`` and ``norm2``."""
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("missing values are not allowed in 'poly'")
    if degree >= len(np.unique(x)):
        raise ValueError("'degree' must be less than number of unique points")
    xbar = float(mean_ld(x))
    centred = x - xbar
    z = _orthogonal_columns(centred, degree)
    squares = z * z
    norm2 = col_sums(squares)
    alpha = (col_sums(centred[:, None] * squares) / norm2 + xbar)[:degree]
    return (z / np.sqrt(norm2))[:, 1:], alpha, np.concatenate([[1.0], norm2])


def poly_predict(x: np.ndarray, alpha: Sequence[float], norm2: Sequence[float]) -> np.ndarray:
    """``predict(<poly>, x)``: the n x d orthogonal polynomial basis from stored coefs
    (three-term recurrence); NA rows stay NA."""
    x = np.asarray(x, dtype=float)
    alpha, norm2 = np.asarray(alpha, dtype=float), np.asarray(norm2, dtype=float)
    degree = len(alpha)
    z = np.ones((len(x), degree + 1))
    z[:, 1] = x - alpha[0]
    for i in range(2, degree + 1):
        z[:, i] = (x - alpha[i - 1]) * z[:, i - 1] - (norm2[i] / norm2[i - 1]) * z[:, i - 2]
    return (z / np.sqrt(norm2[1:]))[:, 1:]


def poly_raw(x: np.ndarray, degree: int) -> np.ndarray:
    """``poly(x, degree, raw = TRUE)``: columns x, x^2, ..., x^degree, each R's ``^``."""
    return r_pow(np.asarray(x, dtype=float)[:, None], np.arange(1, degree + 1, dtype=float))


# --------------------------------------------------------------------------- splines
def _spline_cursor(knots: np.ndarray, x: np.ndarray, ord_: int) -> tuple[np.ndarray, np.ndarray]:
    """splines.c's ``set_cursor``: per x, the index of the first knot above it (the last
    legitimate one, flagged as boundary, for x on the right boundary knot)."""
    curs = np.searchsorted(knots, x, side="right")
    last = len(knots) - ord_
    boundary = (curs > last) & (x == knots[last])
    return np.where(boundary, last, curs), boundary


def _basis_funcs(knots: np.ndarray, x: np.ndarray, curs: np.ndarray, ord_: int) -> np.ndarray:
    """splines.c's ``basis_funcs``: the ``ord_`` non-zero B-splines at each x, in its
    order of operations (Cox-de Boor with the knot differences ``rdel``/``ldel``)."""
    steps = np.arange(ord_ - 1)
    rdel = knots[curs[:, None] + steps] - x[:, None]
    ldel = x[:, None] - knots[curs[:, None] - (steps + 1)]
    b = np.zeros((len(x), ord_))
    b[:, 0] = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(1, ord_):
            saved = np.zeros(len(x))
            for r in range(j):
                den = rdel[:, r] + ldel[:, j - 1 - r]
                term = b[:, r] / den
                fine = den != 0
                keep = ~fine & (r == 0) & (rdel[:, r] == 0)
                b[:, r] = np.where(fine, saved + rdel[:, r] * term, np.where(keep, b[:, r], saved))
                saved = np.where(fine, ldel[:, j - 1 - r] * term, 0.0)
            b[:, j] = saved
    return b


def _evaluate(knots: np.ndarray, x: np.ndarray, curs: np.ndarray, boundary: np.ndarray,
              ord_: int, nder: int) -> np.ndarray:
    """splines.c's ``evaluate``: the ``nder``-th derivative of each of the ``ord_``
    non-zero B-splines at each x (coefficients a unit vector), divisions as in C."""
    out = np.empty((len(x), ord_))
    with np.errstate(divide="ignore", invalid="ignore"):
        for unit in range(ord_):
            a = np.zeros((len(x), ord_))
            a[:, unit] = 1.0
            outer = ord_ - 1
            for _ in range(nder):
                for k in range(outer):
                    a[:, k] = outer * (a[:, k + 1] - a[:, k]) / (knots[curs + k] - knots[curs - outer + k])
                outer -= 1
            rdel = knots[curs[:, None] + np.arange(outer)] - x[:, None]
            ldel = x[:, None] - knots[curs[:, None] - (np.arange(outer) + 1)]
            while outer:
                outer -= 1
                for k in range(outer + 1):
                    left, right = ldel[:, outer - k], rdel[:, k]
                    a[:, k] = (a[:, k + 1] * left + a[:, k] * right) / (right + left)
            out[:, unit] = np.where(boundary & (nder == ord_ - 1), 0.0, a[:, 0])
    return out


def spline_design(knots: Sequence[float], x: Sequence[float], ord_: int = 4,
                  derivs: Sequence[int] | int = 0) -> np.ndarray:
    """``splines::splineDesign(knots, x, ord, derivs)`` for x inside the knots' range:
    row i holds the ``derivs[i]``-th derivative of every B-spline at ``x[i]``, computed
    as R's C code does (values by ``basis_funcs``, derivatives by ``evaluate``)."""
    knots = np.asarray(knots, dtype=float)
    x = np.asarray(x, dtype=float)
    derivs = np.broadcast_to(np.asarray(derivs, dtype=int), x.shape)
    curs, boundary = _spline_cursor(knots, x, ord_)
    rows = np.zeros((len(x), len(knots) - ord_))
    for deriv in np.unique(derivs):
        pick = np.flatnonzero(derivs == deriv)
        if deriv >= ord_:
            continue
        local = (_basis_funcs(knots, x[pick], curs[pick], ord_) if deriv == 0 else
                 _evaluate(knots, x[pick], curs[pick], boundary[pick], ord_, int(deriv)))
        columns = curs[pick, None] - ord_ + np.arange(ord_)
        rows[pick[:, None], columns] = local
    return rows


def _basis_with_extrapolation(x: np.ndarray, all_knots: np.ndarray, boundary: np.ndarray,
                              ord_: int, pivots: tuple[float, float],
                              extra_degree: int) -> np.ndarray:
    """B-spline basis inside the boundary; outside it, the Taylor polynomial of degree
    ``extra_degree`` around the pivot on that side (what bs()/ns() do)."""
    out = np.full((len(x), len(all_knots) - ord_), np.nan)
    inside = (x >= boundary[0]) & (x <= boundary[1])
    out[inside] = spline_design(all_knots, x[inside], ord_)
    factorials = np.cumprod(np.r_[1.0, np.arange(1, extra_degree + 1)])
    for side, pivot in zip((x < boundary[0], x > boundary[1]), pivots):
        if side.any():
            derivatives = spline_design(all_knots, np.full(extra_degree + 1, pivot), ord_,
                                        np.arange(extra_degree + 1))
            powers = r_pow((x[side] - pivot)[:, None], np.arange(extra_degree + 1, dtype=float))
            out[side] = matprod(powers, derivatives / factorials[:, None])
    return out


def bs_basis(x: Sequence[float], knots: Sequence[float], boundary: Sequence[float],
             degree: int = 3, intercept: bool = False) -> np.ndarray:
    """``splines::bs(x, degree, knots, Boundary.knots, intercept)`` evaluated at new x
    (what ``predict(<bs>, x)`` returns); NA rows stay NA."""
    x = np.asarray(x, dtype=float)
    boundary = np.sort(np.asarray(boundary, dtype=float))
    ord_ = degree + 1
    all_knots = np.sort(np.r_[np.repeat(boundary, ord_), np.asarray(knots, dtype=float)])
    pivots = (0.75 * boundary[0] + 0.25 * all_knots[ord_],
              0.75 * boundary[1] + 0.25 * all_knots[len(all_knots) - ord_ - 1])
    basis = _basis_with_extrapolation(x, all_knots, boundary, ord_, pivots, degree)
    with np.errstate(invalid="ignore"):
        outside = np.flatnonzero((x < boundary[0]) | (x > boundary[1]))
    warn_rows("bs boundary", outside if len(outside) else None, _warn_beyond_boundary)
    return basis if intercept else basis[:, 1:]


def _warn_beyond_boundary(rows: np.ndarray) -> None:
    warnings.warn("some 'x' values beyond boundary knots may cause ill-conditioned bases",
                  UserWarning, stacklevel=2)


def ns_basis(x: Sequence[float], knots: Sequence[float], boundary: Sequence[float],
             intercept: bool = False) -> np.ndarray:
    """``splines::ns(x, knots, Boundary.knots, intercept)`` evaluated at new x (natural
    cubic splines, linear beyond the boundary); NA rows stay NA, an infinite value (or
    one whose extrapolated basis overflows) stops with R's ``qr.qty()`` error as a
    ValueError."""
    x = np.asarray(x, dtype=float)
    boundary = np.sort(np.asarray(boundary, dtype=float))
    all_knots = np.sort(np.r_[np.repeat(boundary, 4), np.asarray(knots, dtype=float)])
    basis = _basis_with_extrapolation(x, all_knots, boundary, 4, tuple(boundary), 1)
    const = spline_design(all_knots, boundary, 4, 2)
    if not intercept:
        basis, const = basis[:, 1:], const[:, 1:]
    if not np.isfinite(basis[~np.isnan(x)]).all():  # R's qr.qty() refuses them
        raise ValueError("NA/NaN/Inf in foreign function call (arg 5): an infinite value has no "
                         "natural spline basis")
    rotated = qr_qty(qr_linpack(const.T), np.nan_to_num(basis).T).T[:, 2:]
    rotated[np.isnan(x)] = np.nan
    return rotated


# --------------------------------------------------------------------------- binning
def format_breaks(values: Sequence[float], digits: int, integer: bool = False) -> list[str]:
    """``formatC(0 + breaks, digits, width = 1)`` as ``cut`` labels its breaks: C's
    ``%.<digits>g`` (``%d`` for integers); the non-finite values spelt as R does and
    ``format()``-ed together, right-justified to their common width (``-Inf``, `` Inf``)."""
    values = np.asarray(values, dtype="f8")
    special = ~np.isfinite(values)
    text = [("NaN" if np.isnan(v) else "Inf" if v > 0 else "-Inf") if s else
            str(int(v)) if integer else f"{v + 0.0:.{digits}g}" for v, s in zip(values, special)]
    width = max((len(t) for t, s in zip(text, special) if s), default=0)
    return [t.rjust(width) if s else t for t, s in zip(text, special)]


def bin_codes(x: np.ndarray, breaks: np.ndarray, right: bool = True,
              include_lowest: bool = False) -> np.ndarray:
    """R's ``.bincode(x, breaks, right, include.lowest) - 1``: the 0-based interval of
    each value among sorted ``breaks``, -1 outside them or NA."""
    side = "left" if right else "right"
    codes = np.searchsorted(breaks, x, side=side) - 1
    if include_lowest:
        edge = breaks[0] if right else breaks[-1]
        codes[x == edge] = 0 if right else len(breaks) - 2
    codes[np.isnan(x) | (codes < 0) | (codes > len(breaks) - 2)] = -1
    return codes


#: R's NA_integer_, which keras3 hands to Keras as it is (reticulate copies the int32s)
NA_INTEGER = np.iinfo(np.int32).min


def _r_type(col: pd.Series) -> str:
    """The R vector type of a numeric column (integers beyond R's range are doubles in
    R, as ``write_rds`` stores them)."""
    if pd.api.types.is_bool_dtype(col):
        return "logical"
    if pd.api.types.is_integer_dtype(col) and not (col.abs() > INT_MAX).any():
        return "integer"
    return "double"


def numeric_matrix(x: pd.DataFrame) -> np.ndarray:
    """R's ``as.matrix`` of a data frame of numeric and logical columns, as reticulate
    hands it to NumPy.

    The matrix takes the highest R type of its columns (logical < integer < double).
    A double matrix keeps NA as NaN; an integer one carries R's ``NA_integer_``
    (:data:`NA_INTEGER`) and logicals as 0/1; a logical one is bool with NA as FALSE."""
    types = {_r_type(x[c]) for c in x.columns}
    if not types or "double" in types:
        return x.to_numpy(dtype=np.float64, na_value=np.nan)
    if "integer" in types:
        return x.to_numpy(dtype=np.float64, na_value=NA_INTEGER).astype(np.int32)
    return x.to_numpy(dtype=bool, na_value=False)


def as_double(values: np.ndarray) -> np.ndarray:
    """R's coercion of a numeric array to double: an integer NA becomes NA (NaN),
    logicals 0/1."""
    doubles = values.astype(np.float64)
    if values.dtype == np.int32:
        doubles[values == NA_INTEGER] = np.nan
    return doubles
