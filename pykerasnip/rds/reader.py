"""Decode an (uncompressed) R serialization stream into the node tree of :mod:`.nodes`.

Nothing is evaluated: closures, promises and environments come back as data. Nothing
recurses either: every handler that contains other items is a generator that yields a
request for each of them that needs a handler of its own (see :mod:`.walk`), so nesting
costs heap memory bounded by ``Limits.max_depth`` and never the interpreter's stack. The
CDR chains of pairlists and bytecode calls are followed in a loop, so long argument lists
and pairlists cost no depth at all.
"""
from __future__ import annotations

import itertools

import struct
from types import GeneratorType
from typing import Any, Callable

from ..errors import RDSError
from . import altrep
from . import nodes as n
from .bytecode import read_bytecode
from .chars import native_codec
from .format import (ALTREP_SXP, BASEENV_SXP, BASENAMESPACE_SXP, CLASSREFSXP, EMPTYENV_SXP,
                     GENERICREFSXP, GLOBALENV_SXP, HAS_ATTR_BIT, HAS_TAG_BIT,
                     IS_OBJECT_BIT, MISSINGARG_SXP, NAMESPACESXP, NILVALUE_SXP,
                     PACKAGESXP, PERSISTSXP, REFSXP, UNBOUNDVALUE_SXP, WORKSPACE_LETTERS,
                     Header, NullRoot, levels_of)
from .limits import DEFAULT_LIMITS, ITEM_BYTES, Limits
from .streams import AsciiInput, BinaryInput, Source, open_input

#: Longest native-encoding name R accepts in a header (R_CODESET_MAX).
_MAX_ENCODING_NAME = 63
_MAX_LONG_UPPER = 65536
#: Longest symbol name R makes, in bytes (MAXIDSIZE).
_MAX_SYMBOL_BYTES = 10_000
#: How deep the attributes of strings (which are read and dropped) may nest.
_MAX_DISCARDS = 64

CONS_CLASSES: dict[int, type] = {n.LISTSXP: n.Pairlist, n.LANGSXP: n.Lang,
                                 n.PROMSXP: n.Promise, n.DOTSXP: n.Dots}
#: atomic vector code -> (node class, element kind for size checks, input method)
_VECTOR_KINDS: dict[int, tuple[type, str, str]] = {
    n.LGLSXP: (n.Logical, "int", "ints"), n.INTSXP: (n.Integer, "int", "ints"),
    n.REALSXP: (n.Real, "double", "doubles"), n.CPLXSXP: (n.Complex, "complex", "complexes"),
    n.RAWSXP: (n.Raw, "raw", "raw"),
}
#: memory of the array object an atomic vector keeps its elements in
_ARRAY_BYTES = 320
#: memory of one element of an atomic vector, by kind
_ELEMENT_BYTES = {"int": 4, "double": 8, "complex": 16, "raw": 1}
#: memory of one element of a list or character vector (a reference)
_POINTER_BYTES = 8
_SPECIAL_CODES = {GLOBALENV_SXP, UNBOUNDVALUE_SXP, MISSINGARG_SXP, BASENAMESPACE_SXP,
                  EMPTYENV_SXP, BASEENV_SXP}
_NAMED_ENVS: dict[int, type] = {NAMESPACESXP: n.Namespace, PACKAGESXP: n.Package,
                                PERSISTSXP: n.Persist}
_WORKSPACE_MAGICS = {b"RD" + letter + version + b"\n"
                     for letter in WORKSPACE_LETTERS.values() for version in (b"2", b"3")}


class Reader:
    """Reads items from an input of :mod:`.streams`, keeping R's reference table and the
    symbols of this read (symbols are shared within one read, never across reads).

    Handlers return a node, or a generator that yields ``None`` (read the next item),
    a flags int (the item whose flags were already read) or a sub-generator, and
    returns the node. A generator makes the items it reads with :meth:`begin` and
    yields only the generators that gives (most items, ``NULL`` and references above
    all, need none)."""

    def __init__(self, source: "BinaryInput | AsciiInput", limits: Limits = DEFAULT_LIMITS,
                 input_size: int = 0):
        self.src = source
        #: the next plain int (the input's own method, called without a detour)
        self.int: Callable[[], int] = source.int
        self.limits = limits
        self.refs: list[Any] = []
        self.symbols: dict[str, n.Sym] = {}
        self.items_left = limits.max_items
        self.input_size = input_size
        self.memory_left = limits.memory_cap(input_size)
        self._discarding = 0
        handlers: dict[int, Callable[[int], Any]] = {
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
        #: atomic vector code -> (node class, element kind, the input's reader of its elements)
        self._vectors = {code: (cls, kind, getattr(source, method))
                         for code, (cls, kind, method) in _VECTOR_KINDS.items()}

    # -- entry points ------------------------------------------------------------------
    def item(self) -> Any:
        """The next item of the stream, however deeply it nests (up to the budget).

        This is :func:`.walk.drive` made for the reader: the handlers of items that
        contain others wait on an explicit stack. They make most of their contents
        themselves (:meth:`begin`) and yield only what needs a handler of its own."""
        begin, read_int, max_depth = self.begin, self.src.int, self.limits.max_depth
        stack: list[GeneratorType] = []
        push, pop = stack.append, stack.pop
        request: Any = None
        while True:
            if request is None:
                value = begin(read_int())
            elif type(request) is int:
                value = begin(request)
            else:
                value = request
            while True:  # hand the value to the handler waiting for it
                if type(value) is GeneratorType:
                    if len(stack) >= max_depth:
                        raise self._too_deep()
                    push(value)
                    value = None
                elif not stack:
                    return value
                try:
                    request = stack[-1].send(value)
                except StopIteration as done:
                    pop()
                    value = done.value
                else:
                    break

    def _discard_item(self) -> None:
        """Read an item R's reader reads and drops: the attributes of a string. It is a
        read within a read (a string's attributes may hold strings with attributes),
        nested at most ``_MAX_DISCARDS`` deep."""
        if self._discarding >= _MAX_DISCARDS:
            raise self.src.fail(f"attributes of strings nested more than {_MAX_DISCARDS} deep")
        self._discarding += 1
        try:
            self.item()
        finally:
            self._discarding -= 1

    def begin(self, flags: int) -> Any:
        """The item that ``flags`` begin, counted against the budget: the node itself when
        it is quickly made, else a generator that makes it (the caller yields it)."""
        self.items_left -= 1
        self.memory_left -= ITEM_BYTES
        if self.items_left < 0 or self.memory_left < 0:
            raise self._too_many() if self.items_left < 0 else self._too_big()
        code = flags & 0xFF
        if code == NILVALUE_SXP:  # the commonest items, made without a handler call
            return None
        if code == REFSXP:
            index = flags >> 8 or self.src.int()
            if index > 0:
                try:
                    return self.refs[index - 1]
                except IndexError:
                    pass
            raise self.src.fail(f"reference to entry {index} of a table of {len(self.refs)}")
        handler = self._handlers.get(code)
        if handler is None:
            raise self.src.fail(self._unknown_type_message(code))
        return handler(flags)

    def count(self, what: str) -> int:
        """A count written as a plain int (constants in bytecode, string vectors)."""
        value = self.src.int()
        if value < 0:
            raise self.src.fail(f"negative {what} {value}")
        self.src.check(value, "item", what)
        return value

    # -- helpers -----------------------------------------------------------------------
    def _too_deep(self) -> RDSError:
        return self.src.fail(f"objects nested deeper than {self.limits.max_depth:,} levels "
                             "(Limits.max_depth); a trusted file may be read with a larger "
                             "rds.Limits")

    def _too_many(self) -> RDSError:
        return self.src.fail(f"more than {self.limits.max_items:,} items (Limits.max_items); "
                             "a trusted file may be read with a larger rds.Limits")

    def _too_big(self) -> RDSError:
        return self.limits.memory_error(self.input_size, self.src.offset)

    def _charge(self, count: int, nbytes: int = ITEM_BYTES) -> None:
        """Count ``count`` more items of ``nbytes`` each against the budget (the memory
        first)."""
        self.items_left -= count
        self.memory_left -= count * nbytes
        if self.memory_left < 0:
            raise self._too_big()
        if self.items_left < 0:
            raise self._too_many()

    def spend(self, nbytes: int) -> None:
        """Count ``nbytes`` of memory against the budget."""
        self.memory_left -= nbytes
        if self.memory_left < 0:
            raise self._too_big()

    @staticmethod
    def _unknown_type_message(code: int) -> str:
        if code in (CLASSREFSXP, GENERICREFSXP):
            return f"obsolete item type {code} (class/generic references) is not supported"
        if code == n.CHARSXP:
            return ("a string element (CHARSXP) where an object belongs: R's reader takes "
                    "one, but it is no R value")
        return f"unknown item type {code}"

    def _length(self, kind: str, what: str) -> int:
        src = self.src
        length = src.int()
        if length < 0:
            if length != -1:
                raise src.fail(f"negative length {length} of {what}")
            upper, lower = src.int() & 0xFFFFFFFF, src.int() & 0xFFFFFFFF
            if upper > _MAX_LONG_UPPER:
                raise src.fail(f"invalid upper part {upper} of a long vector length")
            length = (upper << 32) | lower
        src.check(length, kind, what)
        return length

    def _finish(self, node: n.RObject, flags: int) -> Any:
        """Give a vector-like node its levels, object bit and trailing attributes (a
    generator when there are attributes to read)."""
        node.levels = levels_of(flags)
        node.is_object = (flags & IS_OBJECT_BIT) != 0
        return self._with_attributes(node) if flags & HAS_ATTR_BIT else node

    def _with_attributes(self, node: n.RObject) -> Any:
        node.attributes = self.attributes((yield None))
        return node

    def attributes(self, value: Any) -> "n.Pairlist | None":
        """``value`` read as an object's attributes: R's SET_ATTRIB takes a pairlist or
        ``NULL``, nothing else."""
        if value is None or type(value) is n.Pairlist:
            return value
        raise self.src.fail(f"attributes must be a pairlist or NULL, not a {type(value).__name__} "
                            "(R: \"value of 'SET_ATTRIB' must be a pairlist or NULL\")")

    # -- handlers ----------------------------------------------------------------------
    def _special(self, flags: int) -> Any:
        return n.SINGLETONS[flags & 0xFF]

    def _named_env(self, flags: int) -> Any:
        if self.src.int() != 0:
            raise self.src.fail("names in persistent string vectors are not supported")
        values, levels = self.src.strings(self.count("string vector length"),
                                          discard=self._discard_item)
        node = _NAMED_ENVS[flags & 0xFF](n.Str(values, char_levels=levels))
        self.refs.append(node)
        return node

    def _symbol(self, flags: int) -> n.Sym:
        (text,), levels = self.src.strings(1, discard=self._discard_item)
        name = "NA" if text is None else text  # R installs NA's print name
        sym = self.symbols.get(name)
        if sym is None:
            problem = symbol_problem(name, levels[0] if levels else None)
            if problem:
                raise self.src.fail(problem)
            if len(self.symbols) >= self.limits.max_symbols:
                raise self.src.fail(f"more than {self.limits.max_symbols:,} distinct symbols "
                                    "(Limits.max_symbols); a trusted file may be read with a "
                                    "larger rds.Limits")
            sym = self.symbols[name] = n.Sym(name, levels[0] if levels else None)
        self.refs.append(sym)
        return sym

    def _cons(self, flags: int) -> Any:
        read_int, begin = self.src.int, self.begin
        cls = CONS_CLASSES[flags & 0xFF]
        head = last = None
        while True:
            attributes = self.attributes((yield None)) if flags & HAS_ATTR_BIT else None
            tag = begin(read_int()) if flags & HAS_TAG_BIT else None
            tag = (yield tag) if type(tag) is GeneratorType else tag
            car = begin(read_int())
            car = (yield car) if type(car) is GeneratorType else car
            cell = cls(car, None, tag, attributes, levels_of(flags),
                       (flags & IS_OBJECT_BIT) != 0)
            if last is None:
                head = cell
            else:
                last.cdr = cell
            last = cell
            flags = read_int()
            cls = CONS_CLASSES.get(flags & 0xFF)
            if cls is None:
                break
            self._charge(1)
        cdr = begin(flags)
        last.cdr = (yield cdr) if type(cdr) is GeneratorType else cdr
        return head

    def _closure(self, flags: int) -> Any:
        attributes = self.attributes((yield None)) if flags & HAS_ATTR_BIT else None
        env = (yield None) if flags & HAS_TAG_BIT else None
        formals = yield None
        body = yield None
        return n.Closure(formals, body, env, attributes, levels_of(flags),
                         bool(flags & IS_OBJECT_BIT))

    def _environment(self, flags: int) -> Any:
        locked = self.src.int()
        env = n.Environment(levels=levels_of(flags), is_object=bool(flags & IS_OBJECT_BIT))
        self.refs.append(env)  # before its contents: they may refer back to it
        env.locked = bool(locked)
        env.enclos = yield None
        env.frame = yield None
        env.hashtab = yield None
        env.attributes = self.attributes((yield None))
        return env

    def _builtin(self, flags: int) -> Any:
        length = self.src.int()  # a plain int: R reads no long length here
        if length < 0:
            raise self.src.fail(f"negative length {length} of a primitive's name")
        self.src.check(length, "text", "a primitive's name")
        name = self.src.text(length).decode("latin-1")
        node = n.Builtin(name, special=flags & 0xFF == n.SPECIALSXP)
        return self._finish(node, flags)

    def _atomic(self, flags: int) -> Any:
        cls, kind, read = self._vectors[flags & 0xFF]
        length = self._length(kind, "a vector")
        self.spend(_ARRAY_BYTES + length * _ELEMENT_BYTES[kind])
        return self._finish(cls(read(length), None, 0, False), flags)

    def _character(self, flags: int) -> Any:
        length = self._length("string", "a character vector")
        self.spend(length * _POINTER_BYTES)
        made = self.src.string_bytes
        values, levels = self.src.strings(length, checked=True, discard=self._discard_item)
        self.spend(self.src.string_bytes - made)
        return self._finish(n.Str(values, None, 0, False, levels), flags)

    def _list(self, flags: int) -> Any:
        length = self._length("item", "a list")
        node = (n.List if flags & 0xFF == n.VECSXP else n.Expr)()
        return self._elements(node, length, flags) if length else self._finish(node, flags)

    def _elements(self, node: n.List, length: int, flags: int) -> Any:
        data, src = node.data, self.src
        while len(data) < length:
            item = src.int()
            if item == NILVALUE_SXP:  # runs of NULL (vector("list", n)) in bulk
                run = 1 + src.nils(min(length - len(data) - 1, self.items_left,
                                       self.memory_left // _POINTER_BYTES))
                self._charge(run, _POINTER_BYTES)
                data.extend(itertools.repeat(None, run))
            else:
                value = self.begin(item)
                data.append((yield value) if type(value) is GeneratorType else value)
        return self._finish(node, flags)

    def _bytecode(self, flags: int) -> Any:
        node = yield read_bytecode(self)
        return self._finish(node, flags)

    def _external_pointer(self, flags: int) -> Any:
        node = n.ExternalPointer()
        self.refs.append(node)
        node.prot = yield None
        node.tag = yield None
        return self._finish(node, flags)

    def _weak_ref(self, flags: int) -> Any:
        node = n.WeakRef()
        self.refs.append(node)
        return self._finish(node, flags)

    def _s4(self, flags: int) -> Any:
        return self._finish(n.S4Object(), flags)

    def _altrep(self, flags: int) -> Any:
        info = yield None
        if not _is_altrep_info(info):
            raise self.src.fail("malformed ALTREP class information")
        state = yield None
        attributes = self.attributes((yield None))
        node = n.AltRep(info, state, attributes, levels_of(flags),
                        bool(flags & IS_OBJECT_BIT), max_bytes=self.limits.max_altrep_bytes)
        problem = altrep.state_problem(node)
        if problem is not None:
            raise self.src.fail(problem)
        return node


def symbol_problem(name: str, levels: "int | None") -> "str | None":
    """Why R refuses to make a symbol of this name (``None`` when it makes one)."""
    if not name:
        return 'a symbol cannot have an empty name (R: "attempt to use zero-length variable name")'
    if levels is not None and levels & n.BYTES_MASK and not name.isascii():
        return "a symbol's name cannot be in the \"bytes\" encoding (R cannot translate it)"
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > _MAX_SYMBOL_BYTES:
        return f"a symbol's name of {size:,} bytes is longer than R's {_MAX_SYMBOL_BYTES:,}"
    return None


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
        src.native = native_codec(encoding)
    header = Header(fmt, version, writer_version, min_version, encoding, compression, workspace)
    input_size = len(data) if source is None else source.size
    return header, Reader(src, limits, input_size)


def read_stream(data: bytes, *, compression: str | None = None, source: "Source | None" = None,
                limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode an uncompressed stream (``serialize()`` output, an ``.rds`` or a ``save()``
    file) within ``limits``: ``data`` is the whole stream, or its start when ``source``
    produces the rest. The header goes to the root's ``_header``."""
    reader = None
    try:
        header, reader = read_header(data, compression, source, limits)
        root = reader.item()
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
