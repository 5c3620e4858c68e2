"""Does pykerasnip's tree of a stream hold what R's ``readRDS`` of it holds?

:func:`differences` walks two decoded trees side by side: pykerasnip's decode of a
candidate stream, and pykerasnip's decode of the canonical form R saved after reading
that stream (``saveRDS(readRDS(x), version = 3)``). It compares them as R sees objects,
with the few rules by which R itself turns what a stream says into what it holds:

- ALTREP objects are compared as the vectors they stand for (R may write a wrapper
  back as a plain vector);
- strings and symbols by their text (R re-flags an ASCII string flagged UTF-8);
- a ``NULL`` environment of an environment or closure is the base environment (R's
  reader makes it so);
- environments by their bindings, lock and attributes, and as one object wherever they
  recur (their gp levels and object bit are R's business: R derives the bit from the
  class attribute);
- a namespace by its name (R writes back the version it loaded);
- byte code R does not run (another byte-code version) as its source expression, or by
  its version alone where R keeps it.

Everything else -- types, lengths, values bit for bit, attributes in order, tags, gp
levels, object bits -- must be equal.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from pykerasnip.errors import PykerasnipError
from pykerasnip.rds import NullRoot
from pykerasnip.rds import nodes as n

#: children to compare next: (path, ours, R's)
Pairs = list[tuple[str, Any, Any]]


class Unexpandable:
    """An ALTREP object pykerasnip cannot expand, with the reason."""

    def __init__(self, node: n.AltRep, reason: str):
        self.node, self.reason = node, reason


def as_r_sees(node: Any) -> Any:
    """The object R holds for ``node``: ALTREP objects expanded, a ``NULL`` root ``None``."""
    if isinstance(node, NullRoot):
        return None
    if isinstance(node, n.AltRep):
        try:
            return node.expand()
        except PykerasnipError as exc:
            return Unexpandable(node, f"{type(exc).__name__}: {exc}")
    return node


def _base_if_null(env: Any) -> Any:
    return n.BaseEnv if env is None else env


def _shown(node: Any) -> str:
    text = repr(node)
    return f"{_type_name(node)} {text[:60]}{'...' if len(text) > 60 else ''}"


def _type_name(node: Any) -> str:
    return "NULL" if node is None else type(node).__name__


def _attributes(a: n.RObject, b: n.RObject) -> "tuple[str | None, Pairs]":
    if a.levels != b.levels:
        return f"gp levels {a.levels:#x} vs R's {b.levels:#x}", []
    if bool(a.is_object) != bool(b.is_object):
        return f"object bit {a.is_object} vs R's {b.is_object}", []
    return None, [("@attributes", a.attributes, b.attributes)]


def _vector(a: n.Vector, b: n.Vector) -> "tuple[str | None, Pairs]":
    if len(a.data) != len(b.data):
        return f"length {len(a.data)} vs R's {len(b.data)}", []
    if isinstance(a, n.Str):
        if list(a.data) != list(b.data):
            at = next(i for i, (x, y) in enumerate(zip(a.data, b.data)) if x != y)
            return f"string {at + 1}: {a.data[at]!r} vs R's {b.data[at]!r}", []
    elif isinstance(a, n.List):
        problem, pairs = _attributes(a, b)
        return problem, pairs + [(f"[[{i + 1}]]", x, y)
                                 for i, (x, y) in enumerate(zip(a.data, b.data))]
    elif isinstance(a, n.Raw):
        if bytes(a.data) != bytes(b.data):
            return "raw bytes differ", []
    else:
        ours, theirs = (np.ascontiguousarray(v.data).view(np.uint8) for v in (a, b))
        if ours.tobytes() != theirs.tobytes():
            x, y = np.asarray(a.data), np.asarray(b.data)
            at = next(i for i in range(len(x)) if x[i:i + 1].tobytes() != y[i:i + 1].tobytes())
            return (f"element {at + 1}: {x[at]!r} ({x[at:at + 1].tobytes().hex()}) vs R's "
                    f"{y[at]!r} ({y[at:at + 1].tobytes().hex()})"), []
    return _attributes(a, b)


def _cons(a: n.Cons, b: n.Cons) -> "tuple[str | None, Pairs]":
    pairs: Pairs = []
    position = 0
    while isinstance(a, n.Cons) and isinstance(b, n.Cons):
        if type(a) is not type(b):
            return f"cell {position + 1}: {_type_name(a)} vs R's {_type_name(b)}", []
        problem, more = _attributes(a, b)
        if problem:
            return f"cell {position + 1}: {problem}", []
        tag_a = _base_if_null(a.tag) if isinstance(a, n.Promise) and a.tag is None else a.tag
        pairs += [(f"<cell {position + 1}>@attributes", a.attributes, b.attributes),
                  (f"<cell {position + 1}>tag", tag_a, b.tag),
                  (f"<cell {position + 1}>", a.car, b.car)]
        a, b, position = a.cdr, b.cdr, position + 1
    pairs.append((f"<tail after {position}>", a, b))
    return None, pairs


def _environment(a: n.Environment, b: n.Environment) -> "tuple[str | None, Pairs]":
    if bool(a.locked) != bool(b.locked):
        return f"locked {a.locked} vs R's {b.locked}", []
    return None, [("@enclos", _base_if_null(a.enclos), b.enclos), ("@frame", a.frame, b.frame),
                  ("@hashtab", a.hashtab, b.hashtab), ("@attributes", a.attributes, b.attributes)]


def _closure(a: n.Closure, b: n.Closure) -> "tuple[str | None, Pairs]":
    problem, pairs = _attributes(a, b)
    return problem, pairs + [("@formals", a.formals, b.formals), ("@body", a.body, b.body),
                             ("@env", _base_if_null(a.env), b.env)]


#: the byte-code versions R 4.2.2 runs; R keeps code of another version as that version
#: and one "version mismatch" instruction
R_BYTECODE_VERSIONS = range(9, 13)


def _same_code(ours: np.ndarray, theirs: np.ndarray) -> bool:
    if ours.tobytes() == theirs.tobytes():
        return True
    return (len(ours) > 0 and ours[0] not in R_BYTECODE_VERSIONS and len(theirs) == 2
            and theirs[0] == ours[0])


def _bytecode(a: n.Bytecode, b: n.Bytecode) -> "tuple[str | None, Pairs]":
    if not _same_code(np.asarray(a.code.data), np.asarray(b.code.data)):
        return "byte code differs", []
    if len(a.consts) != len(b.consts):
        return f"{len(a.consts)} constants vs R's {len(b.consts)}", []
    problem, pairs = _attributes(a, b)
    return problem, pairs + [(f"@const{i + 1}", x, y)
                             for i, (x, y) in enumerate(zip(a.consts, b.consts))]


def _by_fields(*names: str) -> Callable[[Any, Any], "tuple[str | None, Pairs]"]:
    def compare(a: Any, b: Any) -> "tuple[str | None, Pairs]":
        problem, pairs = _attributes(a, b)
        return problem, pairs + [(f"@{name}", getattr(a, name), getattr(b, name)) for name in names]
    return compare


def _equal_fields(*names: str) -> Callable[[Any, Any], "tuple[str | None, Pairs]"]:
    def compare(a: Any, b: Any) -> "tuple[str | None, Pairs]":
        for name in names:
            x, y = getattr(a, name), getattr(b, name)
            if x != y:
                return f"{name} {x!r} vs R's {y!r}", []
        return None, []
    return compare


def _namespace(a: n.Namespace, b: n.Namespace) -> "tuple[str | None, Pairs]":
    ours, theirs = a.info.values[:1], b.info.values[:1]
    return (None if ours == theirs else f"namespace {ours} vs R's {theirs}"), []


def _package(a: n.Package, b: n.Package) -> "tuple[str | None, Pairs]":
    return (None if a.info.values == b.info.values
            else f"package {a.info.values} vs R's {b.info.values}"), []


#: how a pair of nodes of one class is compared: a problem, or the pairs to compare next
COMPARERS: dict[type, Callable[[Any, Any], "tuple[str | None, Pairs]"]] = {
    **{cls: _vector for cls in (n.Logical, n.Integer, n.Real, n.Complex, n.Raw, n.Str,
                                n.List, n.Expr)},
    **{cls: _cons for cls in (n.Pairlist, n.Lang, n.Promise, n.Dots)},
    n.Environment: _environment,
    n.Closure: _closure,
    n.Bytecode: _bytecode,
    n.S4Object: _by_fields(),
    n.ExternalPointer: _by_fields("prot", "tag"),
    n.WeakRef: _by_fields(),
    n.Builtin: _equal_fields("name", "special"),
    n.Sym: _equal_fields("name"),
    n.Namespace: _namespace,
    n.Package: _package,
    n.Persist: _equal_fields(),
}


def differences(ours: Any, theirs: Any, limit: int = 1_000_000) -> "str | None":
    """Where ``ours`` (pykerasnip's tree) and ``theirs`` (R's canonical form as
    pykerasnip decodes it) differ, as ``path: problem``; ``None`` when they agree."""
    stack: Pairs = [("", ours, theirs)]
    paired: dict[int, int] = {}
    while stack:
        limit -= 1
        if limit < 0:
            return "too many nodes to compare"
        path, a, b = stack.pop()
        a, b = as_r_sees(a), as_r_sees(b)
        if isinstance(a, Unexpandable):
            return f"{path or 'root'}: pykerasnip cannot expand: {a.reason}"
        if isinstance(a, n.Bytecode) and not isinstance(b, n.Bytecode):
            a = a.source  # byte code of a version R does not run: R keeps the source
        if a is None or b is None or isinstance(a, n._Singleton) or isinstance(b, n._Singleton):
            if a is not b:
                return f"{path or 'root'}: {_shown(a)} vs R's {_shown(b)}"
            continue
        if type(a) is not type(b):
            return f"{path or 'root'}: {_shown(a)} vs R's {_shown(b)}"
        if isinstance(a, (n.Environment, n.ExternalPointer, n.WeakRef)):
            if id(a) in paired:
                if paired[id(a)] != id(b):
                    return f"{path or 'root'}: one object in pykerasnip's tree, two in R's"
                continue
            paired[id(a)] = id(b)
        problem, pairs = COMPARERS[type(a)](a, b)
        if problem:
            return f"{path or 'root'}: {problem}"
        stack.extend((path + sub, x, y) for sub, x, y in reversed(pairs))
    return None
