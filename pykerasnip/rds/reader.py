"""Decode an (uncompressed) R serialization stream into the node tree of :mod:`.nodes`.

Nothing is evaluated: closures, promises and environments come back as data. The
reader recurses only into element positions (list elements, CARs, attributes); the CDR
chains of pairlists are followed in a loop, so long argument lists and pairlists cost no
stack.
"""
from __future__ import annotations

import struct
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..errors import RDSError
from . import nodes as n
from .bytecode import read_bytecode
from .format import (ALTREP_SXP, BASEENV_SXP, BASENAMESPACE_SXP, CLASSREFSXP, EMPTYENV_SXP,
                     GENERICREFSXP, GLOBALENV_SXP, HAS_ATTR_BIT, HAS_TAG_BIT,
                     IS_OBJECT_BIT, LEVELS_SHIFT, MISSINGARG_SXP, NAMESPACESXP, NILVALUE_SXP,
                     PACKAGESXP, PERSISTSXP, REFSXP, UNBOUNDVALUE_SXP, WORKSPACE_LETTERS,
                     Header, NullRoot)
from .limits import DEFAULT_LIMITS, Limits
from .streams import AsciiInput, BinaryInput, Source, open_input

#: Default bound on nesting depth (lists in lists, calls in calls ...).
DEFAULT_MAX_DEPTH = DEFAULT_LIMITS.max_depth
#: Longest native-encoding name R accepts in a header (R_CODESET_MAX).
_MAX_ENCODING_NAME = 63
_MAX_LONG_UPPER = 65536

CONS_CLASSES: dict[int, type] = {n.LISTSXP: n.Pairlist, n.LANGSXP: n.Lang,
                                 n.PROMSXP: n.Promise, n.DOTSXP: n.Dots}
#: atomic vector code -> (node class, element kind for size checks, input method)
_VECTOR_KINDS: dict[int, tuple[type, str, str]] = {
    n.LGLSXP: (n.Logical, "int", "ints"), n.INTSXP: (n.Integer, "int", "ints"),
    n.REALSXP: (n.Real, "double", "doubles"), n.CPLXSXP: (n.Complex, "complex", "complexes"),
    n.RAWSXP: (n.Raw, "raw", "raw"),
}
_SPECIAL_CODES = {GLOBALENV_SXP, UNBOUNDVALUE_SXP, MISSINGARG_SXP, BASENAMESPACE_SXP,
                  EMPTYENV_SXP, BASEENV_SXP}
_NAMED_ENVS: dict[int, type] = {NAMESPACESXP: n.Namespace, PACKAGESXP: n.Package,
                                PERSISTSXP: n.Persist}
_WORKSPACE_MAGICS = {b"RD" + letter + version + b"\n"
                     for letter in WORKSPACE_LETTERS.values() for version in (b"2", b"3")}

_limit_lock = threading.Lock()
_limit_users = 0
_saved_limit = 0


@contextmanager
def recursion_room(frames: int) -> Iterator[None]:
    """Let this call stack grow ``frames`` deeper than usual (Python 3.11+ frames of
    pure-Python recursion live on the heap, not the C stack)."""
    global _limit_users, _saved_limit
    with _limit_lock:
        if _limit_users == 0:
            _saved_limit = sys.getrecursionlimit()
        _limit_users += 1
        sys.setrecursionlimit(max(sys.getrecursionlimit(), _saved_limit + frames))
    try:
        yield
    finally:
        with _limit_lock:
            _limit_users -= 1
            if _limit_users == 0:
                sys.setrecursionlimit(_saved_limit)


class Reader:
    """Reads items from an input of :mod:`.streams`, keeping R's reference table."""

    def __init__(self, source: "BinaryInput | AsciiInput"):
        self.src = source
        self.refs: list[Any] = []
        handlers: dict[int, Callable[[int], Any]] = {
            NILVALUE_SXP: lambda flags: None,
            REFSXP: self._ref,
            n.SYMSXP: self._symbol,
            n.CLOSXP: self._closure,
            n.ENVSXP: self._environment,
            n.SPECIALSXP: self._builtin,
            n.BUILTINSXP: self._builtin,
            n.STRSXP: self._character,
            n.VECSXP: self._list,
            n.EXPRSXP: self._list,
            n.BCODESXP: self._bytecode,
            n.EXTPTRSXP: self._external_pointer,
            n.WEAKREFSXP: self._weak_ref,
            n.S4SXP: self._s4,
            ALTREP_SXP: self._altrep,
        }
        handlers.update({code: self._cons for code in CONS_CLASSES})
        handlers.update({code: self._atomic for code in _VECTOR_KINDS})
        handlers.update({code: self._special for code in _SPECIAL_CODES})
        handlers.update({code: self._named_env for code in _NAMED_ENVS})
        self._handlers = handlers

    # -- entry points ------------------------------------------------------------------
    def item(self) -> Any:
        """The next item of the stream."""
        return self.item_with_flags(self.src.int())

    def item_with_flags(self, flags: int) -> Any:
        """The item whose flags int has already been read."""
        handler = self._handlers.get(flags & 0xFF)
        if handler is None:
            raise self.src.fail(self._unknown_type_message(flags & 0xFF))
        return handler(flags)

    def int(self) -> int:
        """The next plain int."""
        return self.src.int()

    def count(self, what: str) -> int:
        """A count written as a plain int (constants in bytecode, string vectors)."""
        value = self.src.int()
        if value < 0:
            raise self.src.fail(f"negative {what} {value}")
        self.src.check(value, "item", what)
        return value

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _unknown_type_message(code: int) -> str:
        if code in (CLASSREFSXP, GENERICREFSXP):
            return f"obsolete item type {code} (class/generic references) is not supported"
        return f"unknown item type {code}"

    def _length(self, kind: str, what: str) -> int:
        length = self.src.int()
        if length == -1:
            upper, lower = self.src.int() & 0xFFFFFFFF, self.src.int() & 0xFFFFFFFF
            if upper > _MAX_LONG_UPPER:
                raise self.src.fail(f"invalid upper part {upper} of a long vector length")
            length = (upper << 32) | lower
        elif length < 0:
            raise self.src.fail(f"negative length {length} of {what}")
        self.src.check(length, kind, what)
        return length

    def _attributes(self, flags: int) -> Any:
        return self.item() if flags & HAS_ATTR_BIT else None

    def _finish(self, node: n.RObject, flags: int) -> Any:
        """Give a vector-like node its levels, object bit and trailing attributes."""
        node.levels = flags >> LEVELS_SHIFT
        node.is_object = bool(flags & IS_OBJECT_BIT)
        node.attributes = self._attributes(flags)
        return node

    # -- handlers ----------------------------------------------------------------------
    def _special(self, flags: int) -> Any:
        return n.SINGLETONS[flags & 0xFF]

    def _ref(self, flags: int) -> Any:
        index = flags >> 8 or self.src.int()
        if not 1 <= index <= len(self.refs):
            raise self.src.fail(f"reference to entry {index} of a table of {len(self.refs)}")
        return self.refs[index - 1]

    def _named_env(self, flags: int) -> Any:
        if self.src.int() != 0:
            raise self.src.fail("names in persistent string vectors are not supported")
        values, levels = self.src.strings(self.count("string vector length"))
        node = _NAMED_ENVS[flags & 0xFF](n.Str(values, char_levels=levels))
        self.refs.append(node)
        return node

    def _symbol(self, flags: int) -> n.Sym:
        (name,), levels = self.src.strings(1)
        if name is None:
            raise self.src.fail("a symbol cannot be named NA")
        sym = n.Sym(name, levels[0] if levels else None)
        self.refs.append(sym)
        return sym

    def _cons(self, flags: int) -> n.Cons:
        head = last = None
        while True:
            attributes = self._attributes(flags)
            tag = self.item() if flags & HAS_TAG_BIT else None
            cell = CONS_CLASSES[flags & 0xFF](self.item(), None, tag, attributes,
                                              flags >> LEVELS_SHIFT, bool(flags & IS_OBJECT_BIT))
            if last is None:
                head = cell
            else:
                last.cdr = cell
            last = cell
            flags = self.src.int()
            if flags & 0xFF not in CONS_CLASSES:
                break
        last.cdr = self.item_with_flags(flags)
        return head

    def _closure(self, flags: int) -> n.Closure:
        attributes = self._attributes(flags)
        env = self.item() if flags & HAS_TAG_BIT else None
        formals = self.item()
        return n.Closure(formals, self.item(), env, attributes, flags >> LEVELS_SHIFT,
                         bool(flags & IS_OBJECT_BIT))

    def _environment(self, flags: int) -> n.Environment:
        locked = self.src.int()
        env = n.Environment(levels=flags >> LEVELS_SHIFT, is_object=bool(flags & IS_OBJECT_BIT))
        self.refs.append(env)  # before its contents: they may refer back to it
        env.locked = bool(locked)
        env.enclos = self.item()
        env.frame = self.item()
        env.hashtab = self.item()
        env.attributes = self.item()
        return env

    def _builtin(self, flags: int) -> n.Builtin:
        length = self._length("raw", "a primitive's name")
        name = self.src.text(length).decode("latin-1")
        node = n.Builtin(name, special=flags & 0xFF == n.SPECIALSXP)
        return self._finish(node, flags)

    def _atomic(self, flags: int) -> n.Vector:
        cls, kind, method = _VECTOR_KINDS[flags & 0xFF]
        length = self._length(kind, "a vector")
        return self._finish(cls(getattr(self.src, method)(length)), flags)

    def _character(self, flags: int) -> n.Str:
        values, levels = self.src.strings(self._length("string", "a character vector"))
        return self._finish(n.Str(values, char_levels=levels), flags)

    def _list(self, flags: int) -> n.List:
        length = self._length("item", "a list")
        cls = n.List if flags & 0xFF == n.VECSXP else n.Expr
        return self._finish(cls([self.item() for _ in range(length)]), flags)

    def _bytecode(self, flags: int) -> n.Bytecode:
        return self._finish(read_bytecode(self), flags)

    def _external_pointer(self, flags: int) -> n.ExternalPointer:
        node = n.ExternalPointer()
        self.refs.append(node)
        node.prot = self.item()
        node.tag = self.item()
        return self._finish(node, flags)

    def _weak_ref(self, flags: int) -> n.WeakRef:
        node = n.WeakRef()
        self.refs.append(node)
        return self._finish(node, flags)

    def _s4(self, flags: int) -> n.S4Object:
        return self._finish(n.S4Object(), flags)

    def _altrep(self, flags: int) -> n.AltRep:
        info = self.item()
        if not _is_altrep_info(info):
            raise self.src.fail("malformed ALTREP class information")
        state = self.item()
        return n.AltRep(info, state, self.item(), flags >> LEVELS_SHIFT,
                        bool(flags & IS_OBJECT_BIT))


def _is_altrep_info(info: Any) -> bool:
    """Is ``info`` the pairlist (class symbol, package symbol, type integer)?"""
    cells = list(info.cells()) if isinstance(info, n.Pairlist) else []
    return (len(cells) == 3 and all(isinstance(c, n.Pairlist) for c in cells)
            and isinstance(cells[0].car, n.Sym) and isinstance(cells[1].car, n.Sym)
            and isinstance(cells[2].car, n.Integer) and len(cells[2].car.data) == 1)


# ---------------------------------------------------------------------------- header
def read_header(data: bytes, compression: str | None = None, source: "Source | None" = None,
                limits: Limits = DEFAULT_LIMITS) -> "tuple[Header, Reader]":
    """Parse the header and return it with a reader positioned at the object. ``data``
    is the whole stream, or its start when ``source`` produces the rest."""
    workspace = data[:5] in _WORKSPACE_MAGICS
    fmt, src = open_input(data, 5 if workspace else 0, source, limits)
    version = src.int()
    if version not in (2, 3):
        raise src.fail(f"unsupported serialization version {version} (R writes 2 or 3)")
    writer_version, min_version = src.int(), src.int()
    encoding = "UTF-8"
    if version == 3:
        length = src.int()
        if not 0 <= length <= _MAX_ENCODING_NAME:
            raise src.fail(f"invalid native-encoding name length {length}")
        encoding = src.text(length).decode("latin-1")
    header = Header(fmt, version, writer_version, min_version, encoding, compression, workspace)
    return header, Reader(src)


def read_stream(data: bytes, *, compression: str | None = None, source: "Source | None" = None,
                limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode an uncompressed stream (``serialize()`` output, an ``.rds`` or a ``save()``
    file) within ``limits``: ``data`` is the whole stream, or its start when ``source``
    produces the rest. The header goes to the root's ``_header``."""
    max_depth = limits.max_depth
    reader = None
    try:
        header, reader = read_header(data, compression, source, limits)
        with recursion_room(4 * max_depth):
            root = reader.item()
    except RecursionError:
        raise RDSError(f"objects nested deeper than {max_depth} levels") from None
    except RDSError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, struct.error,
            UnicodeError, MemoryError) as exc:  # a malformed stream that slipped past a check
        raise RDSError(f"malformed stream: {exc!r}",
                       None if reader is None else reader.src.offset) from None
    if header.workspace:
        root = _workspace(root, reader)
    if isinstance(root, n.RObject):
        root._header = header
    elif root is None:
        root = NullRoot(header)
    return root


def _workspace(root: Any, reader: Reader) -> n.List:
    """``save()`` files hold a tagged pairlist: give it back as a named list."""
    if root is None:
        return n.List([], n.pairlist({"names": n.Str([])}))
    if not isinstance(root, n.Pairlist):
        raise reader.src.fail("a save() workspace must hold a pairlist of named objects")
    names, values = zip(*root.items())
    return n.List(list(values), n.pairlist({"names": n.Str([k or "" for k in names])}))
