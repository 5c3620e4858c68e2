"""The R object tree: one Python class per kind of R object (SEXP).

A decoded ``.rds`` stream is a tree (a graph, once environments are involved) of these
nodes. They keep everything R serialized -- attribute order, the ``gp``/levels bits, the
object bit, per-string encodings -- so that writing a decoded tree reproduces the stream
byte for byte. ``NULL`` is Python ``None``.

Atomic vectors hold numpy arrays (``Logical``/``Integer``: int32 with R's NA
``-2**31``; ``Real``: float64 keeping R's NA payload; ``Complex``: complex128), raw
vectors hold ``bytes`` and character vectors a list of ``str`` (``None`` = NA).
Pairlist-like objects (pairlists, calls, promises) are chains of cons cells.
"""
from __future__ import annotations

import itertools
import threading
from typing import Any, Iterator

import numpy as np

# SEXP type codes (R's Rinternals.h)
NILSXP, SYMSXP, LISTSXP, CLOSXP, ENVSXP, PROMSXP, LANGSXP = 0, 1, 2, 3, 4, 5, 6
SPECIALSXP, BUILTINSXP, CHARSXP, LGLSXP, INTSXP, REALSXP = 7, 8, 9, 10, 13, 14
CPLXSXP, STRSXP, DOTSXP, VECSXP, EXPRSXP, BCODESXP = 15, 16, 17, 19, 20, 21
EXTPTRSXP, WEAKREFSXP, RAWSXP, S4SXP = 22, 23, 24, 25

NA_INTEGER = -(2**31)
#: the largest R integer (R's integers are 32-bit, NA_INTEGER being the smallest)
INT_MAX = 2**31 - 1
#: R's NA_real_: a NaN whose low word is 1954.
NA_REAL = np.frombuffer(bytes.fromhex("7ff00000000007a2"), dtype=">f8").astype("f8")[0]

# CHARSXP encoding bits in the levels field
LATIN1_MASK, UTF8_MASK, BYTES_MASK, ASCII_MASK = 1 << 2, 1 << 3, 1 << 1, 1 << 6


#: How deep a repr shows nested nodes before it abbreviates them.
_REPR_DEPTH = 3
_repr_depth = threading.local()


def nested_repr(value: Any) -> str:
    """``repr(value)`` for a value shown inside another's repr: beyond a few levels of
    nesting only the type is shown, so that a repr never recurses with the data."""
    depth = getattr(_repr_depth, "depth", 0)
    if depth >= _REPR_DEPTH:
        containers = hasattr(value, "__slots__") and not isinstance(value, (Sym, _Singleton))
        return f"{type(value).__name__}(...)" if containers else repr(value)
    _repr_depth.depth = depth + 1
    try:
        return repr(value)
    finally:
        _repr_depth.depth = depth


def is_na_real(values: np.ndarray) -> np.ndarray:
    """Elementwise: is this double R's NA (not merely NaN)?"""
    v = np.ascontiguousarray(values, dtype="f8")
    return np.isnan(v) & ((v.view("u8") & 0xFFFFFFFF) == 1954)


class RObject:
    """Base of every non-NULL R object: attributes, gp levels and the object bit.

    ``attributes`` is a :class:`Pairlist` chain (tag = attribute name) or ``None``.
    """

    # Subclasses call their base's __init__ by name, not through super(): a decoded file
    # makes thousands of nodes, and super() costs about a third of a small node's making.

    __slots__ = ("attributes", "levels", "is_object", "_header")
    sexptype: int = -1

    def __init__(self, attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        self.attributes = attributes
        self.levels = levels
        self._header = None
        self.is_object = _has_class(attributes) if is_object is None else is_object

    # -- attributes ---------------------------------------------------------------
    def attr(self, name: str, default: Any = None) -> Any:
        """The value of attribute ``name`` (``default`` when absent)."""
        if self.attributes is None:
            return default
        return self.attributes.get(name, default)

    def attr_names(self) -> list[str]:
        return [] if self.attributes is None else [k for k, _ in self.attributes.items()]

    def set_attr(self, name: str, value: Any) -> "RObject":
        """Set (or with ``None`` remove) an attribute; a new one goes last. Returns self."""
        if self.attributes is None:
            if value is not None:
                self.attributes = Pairlist(value, tag=Sym(name))
        else:
            self.attributes = self.attributes.with_item(name, value)
        if name == "class":
            self.is_object = value is not None
        return self

    @property
    def classes(self) -> list[str]:
        """The ``class`` attribute as a list of strings (empty when unclassed)."""
        cls = self.attr("class")
        return list(cls.values) if isinstance(cls, Str) else []

    def inherits(self, *names: str) -> bool:
        """R's ``inherits(x, names)``: does any of ``names`` appear in the class vector?"""
        cls = self.classes
        return any(n in cls for n in names)

    def _attr_repr(self) -> str:
        names = self.attr_names()
        return f" attrs={names}" if names else ""


def _has_class(attributes: "Pairlist | None") -> bool:
    """Do these attributes include a class (what sets R's object bit)?"""
    return attributes is not None and attributes.get("class") is not None


# -- symbols and singletons ----------------------------------------------------------
class Sym:
    """An R symbol. Symbols are equal (and hash alike) when their names are; one read
    shares one object per name, but there is no process-wide table that only grows."""

    __slots__ = ("name", "char_levels", "__weakref__")
    sexptype = SYMSXP

    def __init__(self, name: str, char_levels: int | None = None):
        self.name = name
        self.char_levels = char_levels

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sym):
            return other.name == self.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash((Sym, self.name))

    def __repr__(self) -> str:
        return f"Sym({self.name!r})"

    def __reduce__(self):
        return (Sym, (self.name, self.char_levels))

    # A symbol carries no attributes in R: asked for them, it answers as such a node does.
    attributes = None

    @property
    def classes(self) -> list[str]:
        return []

    def attr(self, name: str) -> None:
        return None

    def inherits(self, *names: str) -> bool:
        return False


class _Singleton:
    """R's unique special objects (global env, missing argument, ...)."""

    __slots__ = ("name", "code", "__weakref__")

    def __init__(self, name: str, code: int):
        self.name = name
        self.code = code

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self):
        return self.name


GlobalEnv = _Singleton("GlobalEnv", 253)
UnboundValue = _Singleton("UnboundValue", 252)
MissingArg = _Singleton("MissingArg", 251)
BaseNamespace = _Singleton("BaseNamespace", 250)
EmptyEnv = _Singleton("EmptyEnv", 242)
BaseEnv = _Singleton("BaseEnv", 241)
SINGLETONS = {s.code: s for s in (GlobalEnv, UnboundValue, MissingArg, BaseNamespace,
                                  EmptyEnv, BaseEnv)}


# -- vectors -------------------------------------------------------------------------
class Vector(RObject):
    """Base of atomic and generic vectors; ``data`` holds the payload."""

    __slots__ = ("data",)

    def __init__(self, data: Any, attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        # RObject's fields are set here, not by a call: a decoded file makes many vectors
        self.attributes, self.levels, self._header = attributes, levels, None
        self.is_object = _has_class(attributes) if is_object is None else is_object
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    @property
    def names(self) -> list[str | None] | None:
        nm = plain(self.attr("names"))
        return list(nm.values) if isinstance(nm, Str) else None

    def __repr__(self) -> str:
        n = len(self)
        head = "[" + ", ".join(map(nested_repr, self.data[:6])) + "]"
        return f"{type(self).__name__}(n={n}, {head}{'...' if n > 6 else ''}{self._attr_repr()})"


class _NumericVector(Vector):
    __slots__ = ()
    dtype: str = "f8"

    def __init__(self, data: Any, attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        Vector.__init__(self, np.asarray(data, dtype=self.dtype), attributes, levels, is_object)


class Logical(_NumericVector):
    """R logical: int32 values 1/0/NA_INTEGER."""

    __slots__ = ()
    sexptype, dtype = LGLSXP, "i4"


class Integer(_NumericVector):
    __slots__ = ()
    sexptype, dtype = INTSXP, "i4"


class Real(_NumericVector):
    __slots__ = ()
    sexptype, dtype = REALSXP, "f8"


class Complex(_NumericVector):
    __slots__ = ()
    sexptype, dtype = CPLXSXP, "c16"


class Raw(Vector):
    """R raw vector; ``data`` is ``bytes``."""

    __slots__ = ()
    sexptype = RAWSXP

    def __init__(self, data: bytes, attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        Vector.__init__(self, bytes(data), attributes, levels, is_object)

    def __repr__(self) -> str:
        return f"Raw(n={len(self.data)}{self._attr_repr()})"


class Str(Vector):
    """R character vector: ``data`` is a list of ``str`` (``None`` = NA_character_).

    ``char_levels`` keeps each CHARSXP's levels field when it differs from the default
    (ASCII strings: ASCII bit; other strings: UTF-8 bit; NA: 0); ``None`` = all default.
    """

    __slots__ = ("char_levels",)
    sexptype = STRSXP

    def __init__(self, data: "list[str | None] | tuple", attributes: "Pairlist | None" = None,
                 levels: int = 0, is_object: bool | None = None,
                 char_levels: "list[int] | None" = None):
        Vector.__init__(self, list(data), attributes, levels, is_object)
        self.char_levels = char_levels

    @property
    def values(self) -> "list[str | None]":
        return self.data


class List(Vector):
    """R generic vector (``list()``); ``data`` is a list of nodes. Index by name or position."""

    __slots__ = ()
    sexptype = VECSXP

    def __init__(self, data: "list | tuple" = (), attributes: "Pairlist | None" = None,
                 levels: int = 0, is_object: bool | None = None):
        Vector.__init__(self, list(data), attributes, levels, is_object)

    def _index(self, key: str) -> int:
        names = self.names or []
        try:
            return names.index(key)
        except ValueError:
            raise KeyError(key) from None

    def __getitem__(self, key: "str | int") -> Any:
        return self.data[self._index(key) if isinstance(key, str) else key]

    def __setitem__(self, key: "str | int", value: Any) -> None:
        if isinstance(key, int):
            self.data[key] = value
        elif key in (self.names or []):
            self.data[self._index(key)] = value
        else:
            names = self.names or [""] * len(self.data)
            self.data.append(value)
            self.set_attr("names", Str(names + [key]))

    def get(self, key: str, default: Any = None) -> Any:
        names = self.names
        if names is None or key not in names:
            return default
        return self.data[names.index(key)]

    def __contains__(self, key: str) -> bool:
        return key in (self.names or [])

    def items(self) -> Iterator[tuple["str | None", Any]]:
        names = self.names or [None] * len(self.data)
        return zip(names, self.data)

    def keys(self) -> "list[str | None]":
        return self.names or [None] * len(self.data)


class Expr(List):
    """R expression vector."""

    __slots__ = ()
    sexptype = EXPRSXP


# -- cons cells: pairlists, calls, promises, dots ----------------------------------------
class Cons(RObject):
    """One cell of a pairlist-like chain: ``tag`` (a :class:`Sym` or ``None``), ``car``
    (the value) and ``cdr`` (the next cell, ``None`` at the end, or anything for an
    improper list). Chains are walked iteratively, so they may be arbitrarily long."""

    __slots__ = ("tag", "car", "cdr")

    def __init__(self, car: Any = None, cdr: Any = None, tag: "Sym | Any" = None,
                 attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        # RObject's fields are set here, not by a call: cells are the commonest nodes
        self.attributes, self.levels, self._header = attributes, levels, None
        self.is_object = _has_class(attributes) if is_object is None else is_object
        self.car, self.cdr, self.tag = car, cdr, tag

    def cells(self) -> Iterator["Cons"]:
        cell: Any = self
        while isinstance(cell, Cons):
            yield cell
            cell = cell.cdr

    def items(self) -> Iterator[tuple["str | None", Any]]:
        """(tag name or None, value) for every cell."""
        for cell in self.cells():
            yield (cell.tag.name if isinstance(cell.tag, Sym) else None), cell.car

    def values(self) -> list[Any]:
        return [c.car for c in self.cells()]

    def __len__(self) -> int:
        return sum(1 for _ in self.cells())

    def get(self, name: str, default: Any = None) -> Any:
        for key, value in self.items():
            if key == name:
                return value
        return default

    def __getitem__(self, key: "str | int") -> Any:
        if isinstance(key, int):
            return self.values()[key]
        marker = object()
        value = self.get(key, marker)
        if value is marker:
            raise KeyError(key)
        return value

    def with_item(self, name: str, value: Any) -> "Cons | None":
        """This chain with tag ``name`` set to ``value`` (removed when ``None``).
        Cells are modified in place; returns the (possibly new) head."""
        prev = None
        for cell in self.cells():
            if isinstance(cell.tag, Sym) and cell.tag.name == name:
                if value is not None:
                    cell.car = value
                    return self
                if prev is None:
                    return cell.cdr if isinstance(cell.cdr, Cons) else None
                prev.cdr = cell.cdr
                return self
            prev = cell
        if value is not None and prev is not None:
            prev.cdr = Pairlist(value, tag=Sym(name))
        return self

    @property
    def tail(self) -> Any:
        """The final CDR when the chain is improper, else ``None``."""
        last = None
        for last in self.cells():
            pass
        return None if last is None else last.cdr

    def __repr__(self) -> str:
        parts = [f"{k}={nested_repr(v)}" if k else nested_repr(v)
                 for k, v in itertools.islice(self.items(), 6)]
        return f"{type(self).__name__}({', '.join(parts)}{self._attr_repr()})"


class Pairlist(Cons):
    __slots__ = ()
    sexptype = LISTSXP


class Lang(Cons):
    """A call: ``car`` is the function (usually a :class:`Sym`), the cdr chain the arguments."""

    __slots__ = ()
    sexptype = LANGSXP

    @property
    def function(self) -> Any:
        return self.car

    @property
    def args(self) -> list[tuple["str | None", Any]]:
        return list(self.cdr.items()) if isinstance(self.cdr, Cons) else []


class Promise(Cons):
    """A promise: ``tag`` = environment (None once forced), ``car`` = value
    (:data:`UnboundValue` if unforced), ``cdr`` = code."""

    __slots__ = ()
    sexptype = PROMSXP


class Dots(Cons):
    __slots__ = ()
    sexptype = DOTSXP


# -- functions and environments -----------------------------------------------------------
class Closure(RObject):
    """An R function: ``formals`` (a :class:`Pairlist` of tag = argument name, car =
    default or :data:`MissingArg`; ``None`` when there are none), ``body``, ``env``."""

    __slots__ = ("formals", "body", "env")
    sexptype = CLOSXP

    def __init__(self, formals: "Pairlist | None", body: Any, env: Any,
                 attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        RObject.__init__(self, attributes, levels, is_object)
        self.formals, self.body, self.env = formals, body, env

    @property
    def arg_names(self) -> list[str]:
        """The formals' names (``""`` for a formal without one, which R never makes)."""
        return [k or "" for k, _ in self.formals.items()] if isinstance(self.formals, Cons) else []

    def __repr__(self) -> str:
        return f"Closure(function({', '.join(self.arg_names)}){self._attr_repr()})"


class Environment(RObject):
    """An ordinary R environment. Identity matters: one R environment is one object.

    ``frame`` is the binding pairlist (tag = name) and ``hashtab`` the hash table (a
    :class:`List` of buckets, each ``None`` or a binding pairlist) of hashed environments.
    """

    __slots__ = ("enclos", "frame", "hashtab", "locked", "__weakref__")
    sexptype = ENVSXP

    def __init__(self, enclos: Any = None, frame: "Pairlist | None" = None,
                 hashtab: "List | None" = None, locked: bool = False,
                 attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        RObject.__init__(self, attributes, levels, is_object)
        self.enclos = EmptyEnv if enclos is None else enclos
        self.frame, self.hashtab, self.locked = frame, hashtab, locked

    def binding_cells(self) -> Iterator[Cons]:
        table = self.hashtab.data if isinstance(self.hashtab, List) else []  # R: a list or NULL
        chains = [self.frame, *table]
        for chain in chains:
            if isinstance(chain, Cons):
                yield from chain.cells()

    def bindings(self) -> dict[str, Any]:
        """Name -> value for every binding (frame and hash table)."""
        return {c.tag.name: c.car for c in self.binding_cells() if isinstance(c.tag, Sym)}

    def get(self, name: str, default: Any = None) -> Any:
        for cell in self.binding_cells():
            if isinstance(cell.tag, Sym) and cell.tag.name == name:
                return cell.car
        return default

    def __contains__(self, name: str) -> bool:
        return any(isinstance(c.tag, Sym) and c.tag.name == name for c in self.binding_cells())

    def assign(self, name: str, value: Any) -> "Environment":
        """Bind ``name`` (replacing an existing binding). Returns self."""
        for cell in self.binding_cells():
            if isinstance(cell.tag, Sym) and cell.tag.name == name:
                cell.car = value
                return self
        cell = Pairlist(value, tag=Sym(name))
        if self.frame is None:
            self.frame = cell
        else:
            *_, last = self.frame.cells()
            last.cdr = cell
        return self

    def __repr__(self) -> str:
        return f"Environment(<{len(list(self.binding_cells()))} bindings>{self._attr_repr()})"


class _NamedEnvRef(RObject):
    """Base of environments R serializes by name (namespaces, packages) and of
    persistent references: ``info`` is the :class:`Str` R wrote after the flags."""

    __slots__ = ("info", "__weakref__")

    def __init__(self, info: "Str | list[str]"):
        RObject.__init__(self)
        self.info = info if isinstance(info, Str) else Str(list(info))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.info.values!r})"


class Namespace(_NamedEnvRef):
    """A package namespace (``info`` = ``c(name, version)``)."""

    __slots__ = ()
    code = 249

    @property
    def name(self) -> str:
        return self.info.values[0]


class Package(_NamedEnvRef):
    """A package environment on the search path (``info`` = ``"package:name"``)."""

    __slots__ = ()
    code = 248


class Persist(_NamedEnvRef):
    """An object R replaced by a persistent-reference name (refhook)."""

    __slots__ = ()
    code = 247


class Builtin(RObject):
    """A primitive function (SPECIALSXP or BUILTINSXP), serialized by name."""

    __slots__ = ("name", "special")

    def __init__(self, name: str, special: bool = False, levels: int = 0):
        RObject.__init__(self, None, levels, False)
        self.name, self.special = name, special

    @property
    def sexptype(self) -> int:  # type: ignore[override]
        return SPECIALSXP if self.special else BUILTINSXP

    def __repr__(self) -> str:
        return f"Builtin({self.name!r})"


class ExternalPointer(RObject):
    """An external pointer; its address is never serialized (NULL after reading)."""

    __slots__ = ("prot", "tag", "__weakref__")
    sexptype = EXTPTRSXP

    def __init__(self, prot: Any = None, tag: Any = None, attributes: "Pairlist | None" = None,
                 levels: int = 0, is_object: bool | None = None):
        RObject.__init__(self, attributes, levels, is_object)
        self.prot, self.tag = prot, tag

    def __repr__(self) -> str:
        return f"ExternalPointer(<null>{self._attr_repr()})"


class WeakRef(RObject):
    __slots__ = ("__weakref__",)
    sexptype = WEAKREFSXP


class S4Object(RObject):
    """An S4 object (OBJSXP); its slots are its attributes."""

    __slots__ = ()
    sexptype = S4SXP

    def __repr__(self) -> str:
        return f"S4Object({self._attr_repr().strip()})"


class Bytecode(RObject):
    """Byte-compiled code. ``code`` is the instruction vector (:class:`Integer`), ``consts``
    the constant pool as the codec decoded it, ``nreps`` R's count of shared cells.
    ``source`` is the original expression (``consts[0]``), which is what a body means."""

    __slots__ = ("code", "consts", "nreps")
    sexptype = BCODESXP

    def __init__(self, code: Integer, consts: list, nreps: int = 1,
                 attributes: "Pairlist | None" = None, levels: int = 0,
                 is_object: bool | None = None):
        RObject.__init__(self, attributes, levels, is_object)
        self.code, self.consts, self.nreps = code, consts, nreps

    @property
    def source(self) -> Any:
        from .bytecode import source_expression
        return source_expression(self)

    def __repr__(self) -> str:
        return f"Bytecode(<{len(self.consts)} consts>)"


class AltRep(RObject):
    """An ALTREP vector kept as R wrote it (``info`` = pairlist (class, package, type),
    ``state`` = class-specific), so a compact sequence stays a few numbers until its
    values are needed. :meth:`expand` gives the plain vector it stands for, refusing one
    that would take more than ``max_bytes`` (the read's ``Limits.max_altrep_bytes``)."""

    __slots__ = ("info", "state", "max_bytes")

    def __init__(self, info: Pairlist, state: Any, attributes: "Pairlist | None" = None,
                 levels: int = 0, is_object: bool | None = None,
                 max_bytes: int | None = None):
        RObject.__init__(self, attributes, levels, is_object)
        self.info, self.state, self.max_bytes = info, state, max_bytes

    @property
    def class_name(self) -> str:
        return self.info.car.name

    @property
    def package(self) -> str:
        return self.info.cdr.car.name

    @property
    def base_type(self) -> int:
        return int(self.info.cdr.cdr.car.data[0])

    def __len__(self) -> int:
        """The length R sees, without expanding."""
        from .altrep import length
        return length(self)

    def __bool__(self) -> bool:  # a node, even of length 0 or of an unknown class
        return True

    def expand(self) -> Vector:
        """The ordinary vector (with this object's attributes) that R would see."""
        from .altrep import expand
        return expand(self)

    def __repr__(self) -> str:
        return f"AltRep({self.class_name}{self._attr_repr()})"


def plain(node: Any) -> Any:
    """``node``, or the ordinary vector an ALTREP node stands for (R's compact sequences
    and deferred strings, such as ``names(x) <- 1:3`` makes)."""
    return node.expand() if isinstance(node, AltRep) else node


def pairlist(items: "list[tuple[str | None, Any]] | dict[str, Any]", cls: type = Pairlist) -> "Cons | None":
    """Build a chain from ``(name, value)`` pairs (or a dict); ``None`` when empty."""
    pairs = list(items.items()) if isinstance(items, dict) else list(items)
    head: Any = None
    for name, value in reversed(pairs):
        head = Pairlist(value, head, Sym(name) if name else None)
    if head is not None and cls is not Pairlist:
        head = cls(head.car, head.cdr, head.tag)
    return head
