"""Differences between two R object trees (what :func:`pykerasnip.rds.load` reads):
types, attributes (names, order and values), list elements, atomic values bit for bit,
calls, symbols and environment references. Closures are compared by their formals and
environment only (a body of R code is not compared)."""
from __future__ import annotations

from typing import Any

import numpy as np

from pykerasnip.rds.nodes import Closure, Cons, List, RObject, Str, Sym, Vector, _NamedEnvRef, plain


def _attributes(node: Any) -> dict[str, Any]:
    attrs = getattr(node, "attributes", None)
    return {} if attrs is None else dict(attrs.items())


def differences(got: Any, want: Any, path: str = "", limit: int = 20) -> list[str]:
    """Where ``got`` differs from ``want`` (at most ``limit`` places, as paths)."""
    out: list[str] = []
    _walk(plain(got), plain(want), path, out, limit)
    return out


def _walk(got: Any, want: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if got is None or want is None or type(got) is not type(want):
        if got is not want:
            out.append(f"{path}: {type(got).__name__} vs {type(want).__name__}")
        return
    if isinstance(got, RObject):
        mine, theirs = _attributes(got), _attributes(want)
        if list(mine) != list(theirs):
            out.append(f"{path}: attributes {list(mine)} vs {list(theirs)}")
        for name in mine.keys() & theirs.keys():
            _walk(plain(mine[name]), plain(theirs[name]), f"{path}@{name}", out, limit)
    if isinstance(got, List):
        if len(got.data) != len(want.data):
            out.append(f"{path}: {len(got.data)} elements vs {len(want.data)}")
            return
        for i, (name, a, b) in enumerate(zip(got.keys(), got.data, want.data)):
            _walk(plain(a), plain(b), f"{path}${name or i + 1}", out, limit)
    elif isinstance(got, Str):
        if got.data != want.data:
            out.append(f"{path}: {got.data[:6]} vs {want.data[:6]}")
    elif isinstance(got, Vector):
        a, b = np.asarray(got.data), np.asarray(want.data)
        if a.shape != b.shape or a.tobytes() != b.tobytes():
            out.append(f"{path}: {a[:6]} vs {b[:6]}")
    elif isinstance(got, Cons):
        mine, theirs = list(got.items()), list(want.items())
        if [k for k, _ in mine] != [k for k, _ in theirs]:
            out.append(f"{path}: {got!r} vs {want!r}")
            return
        for i, ((name, a), (_, b)) in enumerate(zip(mine, theirs)):
            _walk(plain(a), plain(b), f"{path}[{name or i + 1}]", out, limit)
    elif isinstance(got, Sym):
        if got.name != want.name:
            out.append(f"{path}: {got.name} vs {want.name}")
    elif isinstance(got, Closure):
        if got.arg_names != want.arg_names:
            out.append(f"{path}: function({got.arg_names}) vs function({want.arg_names})")
        _walk(got.env, want.env, f"{path}<env>", out, limit)
    elif isinstance(got, _NamedEnvRef):
        if got.info.data[:1] != want.info.data[:1]:
            out.append(f"{path}: {got.info.data} vs {want.info.data}")
    elif got is not want:
        out.append(f"{path}: {got!r} vs {want!r}")
