"""Mutations of valid R streams that know where the stream's parts are.

:func:`layout` decodes a valid stream once with the decoder instrumented to note where
it read each part: the flags of every item, the other plain ints (lengths, counts,
reference indices, the environment lock word), every string (CHARSXP) and the header.
The mutators of :data:`MUTATORS` then change one such part -- a flags bit, a type code,
a length (or its long-vector form), a string's encoding bits or bytes, the header's
format, version or native encoding -- or the bytes themselves, or the container.
Positions are byte offsets for XDR and binary streams and token numbers for ASCII ones.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import random
import re
import struct
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from pykerasnip import rds
from pykerasnip.rds import cscan
from pykerasnip.rds import reader as rds_reader
from pykerasnip.rds import streams

from .fuzz_rds import mutate as byte_mutate
from .rds_grammar import CHAR_LEVELS, TEXTS, Emitter

_TOKEN = re.compile(rb"\S+")
#: type codes a flags word may be changed to
TYPE_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24,
              25, 30, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251,
              252, 253, 254, 255]
#: bits worth flipping in a flags word: object, attributes, tag, then gp levels
FLAG_BITS = [8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 20, 27]
NUMBERS = [0, 1, 2, 3, -1, -2, 255, 256, 65536, 2**31 - 1, -(2**31), 2**30, 1000]
ENCODINGS = [b"latin1", b"ISO-8859-1", b"CP1252", b"", b"UTF-8", b"utf8", b"bogus-enc",
             b"x" * 63, b"x" * 64, b"ASCII", b"UTF-16"]


@dataclass
class Layout:
    """Where the parts of a valid stream are (offsets, or token numbers for ASCII)."""

    fmt: str
    version: int
    flags: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    strings: list[int] = field(default_factory=list)


@contextmanager
def _instrumented(found: Layout) -> Iterator[None]:
    """The decoder, noting where it reads flags, plain ints and strings."""
    binary_int, ascii_int = streams.BinaryInput.int, streams.AsciiInput.int
    binary_strings, ascii_strings = streams.BinaryInput.strings, streams.AsciiInput.strings
    begin = rds_reader.Reader.begin
    order = ">i" if found.fmt == "xdr" else "<i"
    ints: list[int] = []

    def traced_binary_int(self):
        ints.append(self.offset)
        return binary_int(self)

    def traced_ascii_int(self):
        ints.append(_next_word(self))
        return ascii_int(self)

    def traced_binary_strings(self, count, checked=False, discard=None):
        position = self.offset
        for _ in range(count):
            if position + 8 > len(self.data):
                break
            found.strings.append(position)
            position += 8 + max(struct.unpack_from(order, self.data, position + 4)[0], 0)
        return binary_strings(self, count, checked, discard)

    def traced_ascii_strings(self, count, checked=False, discard=None):
        found.strings.append(_next_word(self))
        return ascii_strings(self, count, checked, discard)

    def traced_begin(self, flags):
        if ints:
            found.flags.append(ints[-1])
        return begin(self, flags)

    streams.BinaryInput.int, streams.AsciiInput.int = traced_binary_int, traced_ascii_int
    streams.BinaryInput.strings = traced_binary_strings
    streams.AsciiInput.strings = traced_ascii_strings
    rds_reader.Reader.begin = traced_begin
    try:
        yield
    finally:
        streams.BinaryInput.int, streams.AsciiInput.int = binary_int, ascii_int
        streams.BinaryInput.strings, streams.AsciiInput.strings = binary_strings, ascii_strings
        rds_reader.Reader.begin = begin
        flags = set(found.flags)
        found.numbers.extend(p for p in ints if p not in flags)


def layout(data: bytes) -> Layout:
    """Where the parts of ``data`` (a valid, uncompressed stream) are."""
    root = rds.loads(data)
    header = root._header
    found = Layout(header.format, header.version)
    with _instrumented(found):
        rds.loads(data)
    if found.fmt == "ascii":  # word offsets as word numbers; strings, noted once per
        number = {m.start(): i for i, m in enumerate(_TOKEN.finditer(data))}  # vector, each
        found.flags = [number[p] for p in found.flags]
        found.numbers = [number[p] for p in found.numbers]
        found.strings = _ascii_strings(data, [number[p] for p in found.strings])
    return found


def _next_word(src: "streams.AsciiInput") -> int:
    """Where the next word of an ASCII input starts."""
    word, end = cscan.word_at(src.data, src.pos)
    return end - len(word)


def _ascii_strings(data: bytes, starts: list[int]) -> list[int]:
    tokens = data.split()
    out = []
    for start in starts:
        i = start
        while i + 1 < len(tokens) and tokens[i].isdigit() and int(tokens[i]) & 0xFF == 9:
            out.append(i)
            length = int(tokens[i + 1]) if tokens[i + 1].lstrip(b"-").isdigit() else -1
            i += 2 + (length > 0)
    return out


# ------------------------------------------------------------------------------- editing
class Edit:
    """A stream as words to edit: 4-byte ints at offsets (binary), or tokens (ASCII)."""

    def __init__(self, data: bytes, fmt: str):
        self.data, self.fmt = bytearray(data), fmt
        self.order = ">" if fmt == "xdr" else "<"
        self.tokens = [m.span() for m in _TOKEN.finditer(data)] if fmt == "ascii" else []

    def get(self, at: int) -> int:
        if self.fmt == "ascii":
            start, end = self.tokens[at]
            text = bytes(self.data[start:end])
            return -(2**31) if text == b"NA" else int(text)
        return struct.unpack_from(self.order + "i", self.data, at)[0]

    def replace(self, at: int, count: int, values: "list[int] | bytes") -> bytes:
        """The stream with ``count`` words (tokens) from ``at`` replaced by ``values``
        (ints, or encoded bytes)."""
        encoded = values if isinstance(values, bytes) else self.words(values)
        if self.fmt == "ascii":
            start = self.tokens[at][0]
            end = self.tokens[at + count - 1][1] if count else start
            if not count:
                encoded += b"\n"
        else:
            start, end = at, at + 4 * count
        return bytes(self.data[:start] + encoded + self.data[end:])

    def words(self, values: list[int]) -> bytes:
        if self.fmt == "ascii":
            return b"\n".join(b"NA" if v == -(2**31) else b"%d" % v for v in values)
        return b"".join(struct.pack(self.order + "i", v) for v in values)


def _signed(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


# ------------------------------------------------------------------------------ mutators
def flag_bit(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Flip one bit of an item's flags (object, attributes, tag, a gp level)."""
    if not where.flags:
        return data
    edit, at = Edit(data, where.fmt), rng.choice(where.flags)
    return edit.replace(at, 1, [_signed(edit.get(at) ^ (1 << rng.choice(FLAG_BITS)))])


def type_code(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Give an item another type code (its other flags kept)."""
    if not where.flags:
        return data
    edit, at = Edit(data, where.fmt), rng.choice(where.flags)
    return edit.replace(at, 1, [_signed((edit.get(at) & ~0xFF) | rng.choice(TYPE_CODES))])


def number(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Change a length, count, reference index or lock word: nearby, or interesting."""
    if not where.numbers:
        return data
    edit, at = Edit(data, where.fmt), rng.choice(where.numbers)
    value = edit.get(at)
    new = rng.choice([value - 1, value + 1, value * 2, rng.choice(NUMBERS)])
    return edit.replace(at, 1, [_signed(new)])


def long_length(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Write a length (or any plain int) in the long-vector form (-1, upper, lower)."""
    if not where.numbers:
        return data
    edit, at = Edit(data, where.fmt), rng.choice(where.numbers)
    value = edit.get(at)
    upper = rng.choice([0, 0, 0, 1, 65536, 65537])
    return edit.replace(at, 1, [-1, upper, _signed(value)])


def string(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Change one string: its encoding bits, or its bytes (NA, latin1, invalid UTF-8,
    an embedded NUL, empty, long)."""
    if not where.strings:
        return data
    edit, at = Edit(data, where.fmt), rng.choice(where.strings)
    flags, length = edit.get(at), edit.get(at + (1 if where.fmt == "ascii" else 4))
    if rng.random() < 0.5:  # encoding bits only
        levels = rng.choice(CHAR_LEVELS + [rng.randrange(1 << 16)])
        return edit.replace(at, 1, [_signed((flags & 0xFFF) | (levels << 12))])
    text = None if rng.random() < 0.15 else rng.choice(TEXTS)
    out = Emitter(where.fmt)
    out.int(flags)
    out.int(-1 if text is None else len(text))
    if text is not None:
        out.chars(text)
    if where.fmt == "ascii":
        return edit.replace(at, 2 + (length > 0), bytes(out.out).rstrip(b"\n"))
    end = at + 8 + max(length, 0)
    return bytes(edit.data[:at] + out.out + edit.data[end:])


def header(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """Change the header: format letter, a leading newline, the writer's versions, the
    version (with or without the native encoding that version 3 adds), the native
    encoding's name."""
    edit = Edit(data, where.fmt)
    step = 1 if where.fmt == "ascii" else 4
    version_at = 1 if where.fmt == "ascii" else 2
    encoding_at = version_at + 3 * step
    choice = rng.randrange(6)
    if choice == 0:
        return rng.choice([b"X", b"B", b"A", b"Z"]) + data[1:]
    if choice == 1:
        return b"\n" + data
    if choice == 2:
        return edit.replace(version_at + step * rng.choice([1, 2]), 1, [rng.choice(NUMBERS)])
    if choice == 3:  # the other version, keeping the rest as it is
        return edit.replace(version_at, 1, [5 - where.version])
    if choice == 4:  # the other version, adding or dropping the native encoding
        other = Edit(edit.replace(version_at, 1, [5 - where.version]), where.fmt)
        if where.version == 3:
            return _drop_encoding(other, encoding_at)
        return _insert(bytes(other.data), where.fmt, encoding_at, _encoding(rng, where.fmt))
    if where.version == 3:  # another native encoding
        other = Edit(_drop_encoding(edit, encoding_at), where.fmt)
        return _insert(bytes(other.data), where.fmt, encoding_at, _encoding(rng, where.fmt))
    return edit.replace(version_at, 1, [rng.choice([0, 1, 4, -1])])


def _encoding(rng: random.Random, fmt: str) -> bytes:
    name = rng.choice(ENCODINGS)
    out = Emitter(fmt)
    out.int(len(name))
    out.chars(name)
    return bytes(out.out)


def _drop_encoding(edit: Edit, at: int) -> bytes:
    """The stream without the native encoding (its length and name) at ``at``."""
    length = edit.get(at)
    if edit.fmt == "ascii":
        return edit.replace(at, 1 + (length > 0), b"")
    return bytes(edit.data[:at] + edit.data[at + 4 + length:])


def _insert(data: bytes, fmt: str, at: int, piece: bytes) -> bytes:
    if fmt == "ascii":
        start = [m.span() for m in _TOKEN.finditer(data)][at][0]
        return data[:start] + piece + data[start:]
    return data[:at] + piece + data[at:]


def bytes_(rng: random.Random, data: bytes, where: Layout, donor: bytes = b"") -> bytes:
    """Byte-level mutations (flips, interesting words, insertions, deletions, cuts,
    splices): those of the decoder fuzzer."""
    ops = [(rng.choice(("flip", "word", "insert", "delete", "truncate", "splice", "duplicate")),
            rng.randrange(1 << 20), rng.randrange(1 << 16)) for _ in range(1 + rng.randrange(3))]
    return byte_mutate(data, ops, donor)


def reformat(rng: random.Random, data: bytes, where: Layout) -> bytes:
    """The same object written by pykerasnip in another format and version."""
    return rds.dumps(rds.loads(data), version=rng.choice([2, 3]),
                     format=rng.choice(["xdr", "binary", "ascii"]))


MUTATORS: dict[str, Callable[[random.Random, bytes, Layout], bytes]] = {
    "flag bit": flag_bit, "type code": type_code, "number": number,
    "long length": long_length, "string": string, "header": header, "bytes": bytes_,
    "reformat": reformat,
}
WEIGHTS = {"flag bit": 6, "type code": 3, "number": 5, "long length": 2, "string": 5,
           "header": 3, "bytes": 5, "reformat": 1}

_COMPRESSORS = {"gzip": lambda b: gzip.compress(b, 6, mtime=0), "bzip2": bz2.compress,
                "xz": lzma.compress}


def container(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """``data`` in a gzip, bzip2 or xz container, sometimes damaged after the object
    (a cut trailer, a flipped checksum byte, trailing garbage, a second member)."""
    kind = rng.choice(sorted(_COMPRESSORS))
    packed = _COMPRESSORS[kind](data)
    damage = rng.choice(["none", "none", "cut", "checksum", "garbage", "member"])
    if damage == "cut":
        packed = packed[:-rng.randint(1, 8)]
    elif damage == "checksum":
        at = len(packed) - rng.randint(1, 8)
        packed = packed[:at] + bytes([packed[at] ^ 0x55]) + packed[at + 1:]
    elif damage == "garbage":
        packed += b"\x00garbage"
    elif damage == "member":
        packed += _COMPRESSORS[kind](b"more")
    return f"{kind} ({damage})", packed
