"""Constants of R's serialization format shared by the reader and the writer, and the
stream header kept on a decoded root so that it can be written back unchanged."""
from __future__ import annotations

from dataclasses import dataclass

# Pseudo-types: item codes that are not SEXP types (R's serialize.c)
REFSXP, NILVALUE_SXP, GLOBALENV_SXP, UNBOUNDVALUE_SXP = 255, 254, 253, 252
MISSINGARG_SXP, BASENAMESPACE_SXP, NAMESPACESXP, PACKAGESXP = 251, 250, 249, 248
PERSISTSXP, CLASSREFSXP, GENERICREFSXP, BCREPDEF, BCREPREF = 247, 246, 245, 244, 243
EMPTYENV_SXP, BASEENV_SXP, ATTRLANGSXP, ATTRLISTSXP, ALTREP_SXP = 242, 241, 240, 239, 238

# Bits of the flags int that starts every item
IS_OBJECT_BIT, HAS_ATTR_BIT, HAS_TAG_BIT = 1 << 8, 1 << 9, 1 << 10
LEVELS_SHIFT = 12
#: R keeps 16 bits of gp levels (the flags int may carry more)
LEVELS_MASK = 0xFFFF


def levels_of(flags: int) -> int:
    """The gp levels R keeps from an item's flags int."""
    return (flags >> LEVELS_SHIFT) & LEVELS_MASK

#: Largest reference index packed into the flags int; larger ones follow as an int.
MAX_PACKED_REF = (1 << 23) - 1

FORMAT_CODES = {"xdr": b"X\n", "ascii": b"A\n", "binary": b"B\n"}
FORMAT_NAMES = {code[:1]: name for name, code in FORMAT_CODES.items()}
#: The letter of a ``save()`` workspace magic (``RDX3\n`` ...) for each format.
WORKSPACE_LETTERS = {"xdr": b"X", "ascii": b"A", "binary": b"B"}

#: containers R's readRDS does not write (or this reader does not inflate), by magic bytes
FOREIGN_MAGICS = {b"\x28\xb5\x2f\xfd": "a zstd frame", b"\x04\x22\x4d\x18": "an LZ4 frame",
                  b"PK\x03\x04": "a zip archive (a .keras file is one)"}

R_4_2_2 = 0x00040202
MIN_READER_VERSION = {2: 0x00020300, 3: 0x00030500}


@dataclass(frozen=True)
class Header:
    """What precedes the object in a stream, plus the container it came in.

    ``compression`` is ``None`` (plain), ``"gzip"``, ``"bzip2"``, ``"xz"`` or ``"lzma"``
    (legacy, read only); ``workspace`` is true for ``save()`` files (``RDX3\\n`` magic,
    tagged pairlist)."""

    format: str = "xdr"
    version: int = 3
    writer_version: int = R_4_2_2
    min_version: int = MIN_READER_VERSION[3]
    native_encoding: str = "UTF-8"
    compression: str | None = None
    workspace: bool = False


class NullRoot:
    """R's ``NULL`` decoded as the whole object of a stream. ``None`` cannot carry the
    stream's header; this does, so that ``dumps(loads(s)) == s`` holds for a ``NULL``
    stream too. It is falsy and prints as ``NULL``; ``convert.to_python`` and
    ``read_rds`` give ``None`` for it."""

    __slots__ = ("_header",)

    def __init__(self, header: Header):
        self._header = header

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NULL"
