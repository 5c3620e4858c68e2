"""Numeric and string helpers that reproduce base R / stats / splines results.

These are the pieces of R that recipes steps and model post-processing lean on:
``make.names``, ``contr.poly``, type-7 ``quantile``, ``sort()`` of strings under the
ICU root collation used by the fixtures' R sessions (``C.UTF-8`` with ICU), orthogonal
polynomial prediction (``predict.poly``) and the B-spline bases of ``splines::bs`` and
``splines::ns``.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

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
    out = [_make_name(n) for n in names]
    return make_unique(out) if unique else out


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

    Exact for Latin-script text; other scripts fall back to code-point order at the
    primary strength.
    """
    kept = [v for v in values if isinstance(v, str)]
    return sorted(kept, key=_collation_key)


# --------------------------------------------------------------------------- contrasts
def contr_poly(n: int) -> np.ndarray:
    """R's ``contr.poly(n)``: the n x (n-1) orthonormal polynomial contrasts
    (columns .L, .Q, .C, ^4, ...) for scores 1..n."""
    if n < 2:
        raise ValueError(f"contrasts not defined for {n - 1} degrees of freedom")
    scores = np.arange(1, n + 1, dtype=float)
    design = np.vander(scores - scores.mean(), n, increasing=True)
    q, r = np.linalg.qr(design)
    raw = q * np.diag(r)
    return (raw / np.sqrt((raw ** 2).sum(axis=0)))[:, 1:]


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
