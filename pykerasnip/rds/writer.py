"""Encode a node tree as an R serialization stream, numbering references as R does.

Every node carries what R wrote for it (levels, object bit, attributes), so a decoded
tree is written back byte for byte; trees built in Python get R's defaults.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from ..errors import RDSError
from . import nodes as n
from .bytecode import write_bytecode
from .chars import native_codec
from .format import (ALTREP_SXP, FORMAT_CODES, HAS_ATTR_BIT, HAS_TAG_BIT, IS_OBJECT_BIT,
                     LEVELS_SHIFT, MAX_PACKED_REF, MIN_READER_VERSION, NILVALUE_SXP, REFSXP,
                     WORKSPACE_LETTERS, Header, NullRoot)
from .limits import DEFAULT_LIMITS
from .streams import AsciiOutput, BinaryOutput
from .walk import drive

#: atomic vector class -> output method
_VECTOR_WRITERS = {n.Logical: "ints", n.Integer: "ints", n.Real: "doubles",
                   n.Complex: "complexes", n.Raw: "raw"}
_VECTOR_WRITERS_BY_TYPE = {cls.sexptype: method for cls, method in _VECTOR_WRITERS.items()}


def _signed(word: int) -> int:
    return word - (1 << 32) if word > n.INT_MAX else word


def _flags(code: int, node: n.RObject, has_attr: bool = False, has_tag: bool = False) -> int:
    return (code | (node.levels << LEVELS_SHIFT) | (IS_OBJECT_BIT if node.is_object else 0)
            | (HAS_ATTR_BIT if has_attr else 0) | (HAS_TAG_BIT if has_tag else 0))


class Writer:
    """Writes items to an output of :mod:`.streams`, keeping R's reference table.

    Handlers write what they can at once and return ``None``, or a generator that
    yields each contained node in stream order (see :mod:`.walk`): nesting never costs
    the interpreter's stack."""

    def __init__(self, out: "BinaryOutput | AsciiOutput", version: int = 3,
                 max_depth: int = DEFAULT_LIMITS.max_depth):
        self.out, self.version, self.max_depth = out, version, max_depth
        self.refs: dict[Any, int] = {}
        self._handlers: dict[type, Callable[[Any], Any]] = {
            n.Sym: self._symbol, n.Closure: self._closure, n.Environment: self._environment,
            n.Builtin: self._builtin, n.Str: self._character, n.List: self._list,
            n.Expr: self._list, n.Bytecode: self._bytecode,
            n.ExternalPointer: self._external_pointer, n.WeakRef: self._weak_ref,
            n.S4Object: self._s4, n.AltRep: self._altrep,
            n.Namespace: self._named_env, n.Package: self._named_env, n.Persist: self._named_env,
            **{cls: self._cons for cls in (n.Pairlist, n.Lang, n.Promise, n.Dots)},
            **{cls: self._atomic for cls in _VECTOR_WRITERS},
        }

    # -- entry points ------------------------------------------------------------------
    def int(self, value: int) -> None:
        """Write a plain int."""
        self.out.int(value)

    def item(self, node: Any) -> None:
        """Write one item (with everything it contains)."""
        drive(self._start, node, self.max_depth, self._too_deep)

    # -- helpers -----------------------------------------------------------------------
    def _start(self, node: Any) -> Any:
        if node is None or isinstance(node, NullRoot):
            self.out.int(NILVALUE_SXP)
            return None
        if isinstance(node, n._Singleton):
            self.out.int(node.code)
            return None
        index = self.refs.get(_ref_key(node))
        if index is not None:
            self._reference(index)
            return None
        return self._handler(node)(node)

    def _too_deep(self) -> RDSError:
        return RDSError(f"objects nested deeper than {self.max_depth:,} levels "
                        "(Limits.max_depth)")

    def _handler(self, node: Any) -> Callable[[Any], Any]:
        for cls in type(node).__mro__:
            handler = self._handlers.get(cls)
            if handler is not None:
                return handler
        raise RDSError(f"cannot serialize a Python {type(node).__name__}; build R nodes "
                       "(pykerasnip.rds.nodes) or use pykerasnip.convert.from_python")

    def _remember(self, node: Any) -> None:
        self.refs[_ref_key(node)] = len(self.refs) + 1

    def _reference(self, index: int) -> None:
        if index > MAX_PACKED_REF:
            self.out.int(REFSXP)
            self.out.int(index)
        else:
            self.out.int((index << 8) | REFSXP)

    def _length(self, length: int) -> None:
        if length > n.INT_MAX:
            self.out.int(-1)
            self.out.int(_signed(length >> 32))
            self.out.int(_signed(length & 0xFFFFFFFF))
        else:
            self.out.int(length)

    @staticmethod
    def _attributes(node: n.RObject) -> Any:
        """What writes ``node``'s trailing attributes, if it has any."""
        return None if node.attributes is None else _then(node.attributes)

    # -- handlers ----------------------------------------------------------------------
    def _symbol(self, sym: n.Sym) -> None:
        self._remember(sym)
        self.out.int(n.SYMSXP)
        self.out.strings([sym.name], None if sym.char_levels is None else [sym.char_levels])

    def _named_env(self, node: n.Namespace) -> None:
        self._remember(node)
        self.out.int(node.code)
        self.out.int(0)
        self.out.int(len(node.info.data))
        self.out.strings(node.info.data, node.info.char_levels)

    def _cons(self, cell: n.Cons) -> Iterator:
        while True:
            has_attr = cell.attributes is not None
            self.out.int(_flags(cell.sexptype, cell, has_attr, cell.tag is not None))
            if has_attr:
                yield cell.attributes
            if cell.tag is not None:
                yield cell.tag
            yield cell.car
            if not isinstance(cell.cdr, n.Cons):
                break
            cell = cell.cdr
        yield cell.cdr

    def _closure(self, fn: n.Closure) -> Iterator:
        self.out.int(_flags(n.CLOSXP, fn, fn.attributes is not None, has_tag=True))
        if fn.attributes is not None:
            yield fn.attributes
        yield fn.env
        yield fn.formals
        yield fn.body

    def _environment(self, env: n.Environment) -> Iterator:
        self._remember(env)
        self.out.int(_flags(n.ENVSXP, env))  # R writes env attributes without the flag bit
        self.out.int(1 if env.locked else 0)
        yield env.enclos
        yield env.frame
        yield env.hashtab
        yield env.attributes

    def _vector_head(self, node: n.Vector, length: int) -> None:
        self.out.int(_flags(node.sexptype, node, node.attributes is not None))
        self._length(length)

    def _builtin(self, fn: n.Builtin) -> Any:
        name = fn.name.encode("latin-1")
        self.out.int(_flags(fn.sexptype, fn, fn.attributes is not None))
        self.out.int(len(name))
        self.out.text(name)
        return self._attributes(fn)

    def _atomic(self, vec: n.Vector) -> Any:
        self._vector_head(vec, len(vec.data))
        getattr(self.out, _VECTOR_WRITERS_BY_TYPE[vec.sexptype])(vec.data)
        return self._attributes(vec)

    def _character(self, vec: n.Str) -> Any:
        self._vector_head(vec, len(vec.data))
        self.out.strings(vec.data, vec.char_levels)
        return self._attributes(vec)

    def _list(self, vec: n.List) -> Any:
        self._vector_head(vec, len(vec.data))
        return self._elements(vec) if vec.data else self._attributes(vec)

    def _elements(self, vec: n.List) -> Iterator:
        for element in vec.data:
            yield element
        return self._attributes(vec)

    def _bytecode(self, code: n.Bytecode) -> Iterator:
        self.out.int(_flags(n.BCODESXP, code, code.attributes is not None))
        yield write_bytecode(self, code)
        return self._attributes(code)

    def _external_pointer(self, ptr: n.ExternalPointer) -> Iterator:
        self._remember(ptr)
        self.out.int(_flags(n.EXTPTRSXP, ptr, ptr.attributes is not None))
        yield ptr.prot
        yield ptr.tag
        return self._attributes(ptr)

    def _weak_ref(self, ref: n.WeakRef) -> Any:
        self._remember(ref)
        self.out.int(_flags(n.WEAKREFSXP, ref, ref.attributes is not None))
        return self._attributes(ref)

    def _s4(self, obj: n.S4Object) -> Any:
        self.out.int(_flags(n.S4SXP, obj, obj.attributes is not None))
        return self._attributes(obj)

    def _altrep(self, alt: n.AltRep) -> Iterator:
        if self.version < 3:  # version 2 predates ALTREP: write the plain vector
            yield alt.expand()
            return
        self.out.int(_flags(ALTREP_SXP, alt))
        yield alt.info
        yield alt.state
        yield alt.attributes


def _ref_key(node: Any) -> Any:
    """The reference-table key: symbols by name (R interns them), others by identity."""
    return node if type(node) is n.Sym else id(node)


def _then(node: Any) -> Iterator:
    yield node


# ---------------------------------------------------------------------------- streams
def _header_of(obj: Any) -> Header:
    header = getattr(obj, "_header", None)
    return header if isinstance(header, Header) else Header()


def _write_header(out: "BinaryOutput | AsciiOutput", header: Header, version: int) -> None:
    out.int(version)
    out.int(header.writer_version)
    same = version == header.version
    out.int(header.min_version if same else MIN_READER_VERSION[version])
    if version == 3:
        encoding = header.native_encoding.encode("latin-1")
        out.int(len(encoding))
        out.text(encoding)


def _workspace_pairlist(obj: n.List) -> "n.Pairlist | None":
    return n.pairlist(list(obj.items()))


def encode(obj: Any, *, version: int | None = None, format: str | None = None,
           max_depth: int = DEFAULT_LIMITS.max_depth) -> "BinaryOutput | AsciiOutput":
    """The uncompressed serialization of ``obj``, to be taken whole (``.chunks()``) or
    streamed (``.pieces()``). Version and format default to the header of a decoded
    root, else version 3 XDR written by R 4.2.2 in UTF-8."""
    header = _header_of(obj)
    version = header.version if version is None else version
    format = header.format if format is None else format
    if version not in (2, 3):
        raise ValueError(f"version must be 2 or 3, not {version!r}")
    if format not in FORMAT_CODES:
        raise ValueError(f"format must be one of {sorted(FORMAT_CODES)}, not {format!r}")
    # a version-2 stream names no native encoding: R takes its native strings as UTF-8
    native = native_codec(header.native_encoding) if version == 3 else None
    out = AsciiOutput(native) if format == "ascii" else BinaryOutput(format == "xdr", native)
    if header.workspace:
        out.verbatim(b"RD" + WORKSPACE_LETTERS[format] + str(version).encode() + b"\n")
        obj = _workspace_pairlist(obj)
    out.verbatim(FORMAT_CODES[format])
    _write_header(out, header, version)
    Writer(out, version, max_depth).item(obj)
    return out
