"""Byte-compiled code (BCODESXP) kept losslessly.

A :class:`~.nodes.Bytecode` holds the instruction vector and the constant pool. Calls
and pairlists in the pool are ordinary :class:`~.nodes.Lang` / :class:`~.nodes.Pairlist`
cells; a cell R wrote once and referred to again (BCREPDEF / BCREPREF) is one shared
Python object, which is how the writer knows to share it again. Nested code blocks are
nested :class:`~.nodes.Bytecode` nodes. ``consts[0]`` is the source expression.
"""
from __future__ import annotations

from types import GeneratorType
from typing import TYPE_CHECKING, Any, Generator

from . import nodes as n
from .format import ATTRLANGSXP, ATTRLISTSXP, BCREPDEF, BCREPREF

if TYPE_CHECKING:
    from .reader import Reader
    from .writer import Writer

#: bc-lang cell codes -> (cell class, has attributes)
_CELL_CODES: dict[int, tuple[type, bool]] = {
    n.LANGSXP: (n.Lang, False), n.LISTSXP: (n.Pairlist, False),
    ATTRLANGSXP: (n.Lang, True), ATTRLISTSXP: (n.Pairlist, True),
}
_NEW_CELL_CODES = set(_CELL_CODES) | {BCREPDEF}
_PAD = 0  # the type int R writes before an ordinary item inside a bc-lang tree
_SLOT_BYTES = 8  # memory of one slot of the table of shared cells

_ENV_SINGLETONS = (n.GlobalEnv, n.BaseNamespace, n.EmptyEnv, n.BaseEnv)


def source_expression(code: n.Bytecode) -> Any:
    """The expression this code was compiled from (the first constant)."""
    first = code.consts[0] if code.consts else None
    return source_expression(first) if isinstance(first, n.Bytecode) else first


# ---------------------------------------------------------------------------- reading
# Readers are generators driven by the :class:`~.reader.Reader` (see :mod:`.walk`): they
# yield ``None`` for an ordinary item and a sub-generator for a nested block or cell, and
# make what needs no generator on the spot (:meth:`~.reader.Reader.begin`).
def read_bytecode(reader: "Reader") -> Generator:
    """Read the payload of a BCODESXP item (after its flags)."""
    nreps = reader.count("bytecode repetition count")
    # R's table of shared cells: nreps slots, NULL until a cell is defined in one
    reader.spend(_SLOT_BYTES * nreps)
    code = yield _read_block(reader, [None] * nreps)
    code.nreps = nreps
    return code


def _read_block(reader: "Reader", reps: list) -> Generator:
    instructions = yield None
    consts = []
    for _ in range(reader.count("number of bytecode constants")):
        kind = reader.int()
        const = (_read_block(reader, reps) if kind == n.BCODESXP
                 else _lang_or_item(reader, kind, reps))
        consts.append((yield const) if type(const) is GeneratorType else const)
    return n.Bytecode(instructions, consts, nreps=0)


def _lang_or_item(reader: "Reader", kind: int, reps: list) -> Any:
    """What follows a type int, a bc-lang cell or an ordinary item: made, or a generator
    that makes it (see :meth:`Reader.begin`)."""
    if kind == BCREPREF:
        return reps[_rep_index(reader, reps)]
    if kind in _NEW_CELL_CODES:
        return _read_lang(reader, kind, reps)
    return reader.begin(reader.int())


def _read_lang(reader: "Reader", kind: int, reps: list) -> Generator:
    """The bc-lang cell whose type int ``kind`` was read, with the cells of its CDR
    chain: those are followed in a loop, so a long call costs no depth."""
    begin, read_int = reader.begin, reader.src.int
    head = last = None
    while True:
        cell, has_attributes = _new_cell(reader, kind, reps)
        if has_attributes:
            cell.attributes = reader.attributes((yield None))
        tag = begin(read_int())
        cell.tag = (yield tag) if type(tag) is GeneratorType else tag
        car = _lang_or_item(reader, read_int(), reps)
        cell.car = (yield car) if type(car) is GeneratorType else car
        if last is None:
            head = cell
        else:
            last.cdr = cell
        last = cell
        kind = read_int()
        if kind not in _NEW_CELL_CODES:
            tail = _lang_or_item(reader, kind, reps)
            last.cdr = (yield tail) if type(tail) is GeneratorType else tail
            return head


def _rep_index(reader: "Reader", reps: list) -> int:
    """The index of a shared cell, within the table R made for them."""
    index = reader.int()
    if not 0 <= index < len(reps):
        raise reader.src.fail(f"shared bytecode cell {index} outside R's table of {len(reps)}")
    return index


def _new_cell(reader: "Reader", kind: int, reps: list) -> "tuple[n.Cons, bool]":
    """An empty cell for the type int ``kind`` (shared when it is a BCREPDEF), and
    whether attributes follow."""
    index = None
    if kind == BCREPDEF:
        index = _rep_index(reader, reps)
        kind = reader.int()
    if kind not in _CELL_CODES:
        raise reader.src.fail(f"bytecode cell of unexpected type {kind}")
    cls, has_attributes = _CELL_CODES[kind]
    cell = cls(None, None, None, None, 0, False)
    if index is not None:
        reps[index] = cell
    return cell, has_attributes


# ---------------------------------------------------------------------------- writing
def write_bytecode(writer: "Writer", code: n.Bytecode) -> Generator:
    """Write the payload of a BCODESXP item, sharing cells exactly as R does (a
    generator driven by the :class:`~.writer.Writer`, yielding what it contains)."""
    shared = _shared_cells(code)
    writer.int(len(shared) + 1)
    yield _write_block(writer, code, shared, {})


def _shared_cells(code: n.Bytecode) -> set[int]:
    """Ids of the cells reached more than once through constants, CARs and CDRs
    (R's ScanForCircles)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack: list[Any] = [code]
    while stack:
        node = stack.pop()
        if isinstance(node, (n.Lang, n.Pairlist)):
            if id(node) in seen:
                shared.add(id(node))
                continue
            seen.add(id(node))
            stack += (node.cdr, node.car)
        elif isinstance(node, n.Bytecode):
            stack += reversed(node.consts)
    return shared


def _write_block(writer: "Writer", code: n.Bytecode, shared: set[int],
                 numbers: dict) -> Generator:
    yield code.code
    writer.int(len(code.consts))
    for const in code.consts:
        if isinstance(const, n.Bytecode):
            writer.int(n.BCODESXP)
            yield _write_block(writer, const, shared, numbers)
        elif isinstance(const, (n.Lang, n.Pairlist)):
            yield _write_lang(writer, const, shared, numbers)
        else:
            writer.int(sexptype_of(const))
            yield const


def _write_lang(writer: "Writer", node: Any, shared: set[int], numbers: dict) -> Generator:
    if not isinstance(node, (n.Lang, n.Pairlist)):
        writer.int(_PAD)
        yield node
        return
    if id(node) in shared:
        if id(node) in numbers:
            writer.int(BCREPREF)
            writer.int(numbers[id(node)])
            return
        numbers[id(node)] = len(numbers)
        writer.int(BCREPDEF)
        writer.int(numbers[id(node)])
    plain = node.sexptype
    writer.int(plain if node.attributes is None else
               {n.LANGSXP: ATTRLANGSXP, n.LISTSXP: ATTRLISTSXP}[plain])
    if node.attributes is not None:
        yield node.attributes
    yield node.tag
    yield _write_lang(writer, node.car, shared, numbers)
    yield _write_lang(writer, node.cdr, shared, numbers)


def sexptype_of(node: Any) -> int:
    """R's ``TYPEOF`` of the object a node stands for."""
    if node is None:
        return n.NILSXP
    if node in (n.MissingArg, n.UnboundValue):
        return n.SYMSXP
    if node in _ENV_SINGLETONS or isinstance(node, (n.Namespace, n.Package)):
        return n.ENVSXP
    if isinstance(node, n.AltRep):
        return node.base_type
    return getattr(node, "sexptype", n.NILSXP)
