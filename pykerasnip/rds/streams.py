"""Scalars, vectors and strings in each serialization format.

R writes the same item structure in three encodings: XDR (big-endian binary), native
binary (little-endian here) and ASCII (one token per line, C escapes in strings). The
reader and writer talk to an input or output object from this module and never see the
encoding. Every read checks the claimed size against what is left (and against the
budget of :class:`~.limits.Limits`) before allocating.
"""
from __future__ import annotations

import functools
import math
import os
import re
import struct
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import IO, Callable, Iterator, NamedTuple, Protocol

import numpy as np

from ..errors import RDSError
from . import cscan
from .chars import decode_chars, default_char_levels, defaults_for, encode_chars
from .format import FOREIGN_MAGICS, FORMAT_NAMES, HAS_ATTR_BIT, NILVALUE_SXP, levels_of
from .limits import DEFAULT_LIMITS, Limits
from .nodes import ASCII_MASK, NA_INTEGER, NA_REAL, UTF8_MASK, is_na_real
from .pages import LARGE, fresh

CHARSXP = 9
NUL = b"\0"
EMBEDDED_NUL = 'a string holds a NUL byte, which R refuses ("embedded nul in string")'
_LEVELS_SHIFT = 12
_ASCII_CHARSXP = CHARSXP | (ASCII_MASK << _LEVELS_SHIFT)


# ------------------------------------------------------------------------ sources
#: Bytes pulled from a source at a time to refill an input's buffer.
CHUNK = 1 << 16
#: Size of the buffer large vectors are streamed through.
STAGE = 1 << 20
#: Vectors of at least this many bytes are read from a plain file by several threads.
PARALLEL_BYTES = 8 << 20
#: threads a large read may use
WORKERS = max(1, min(4, os.cpu_count() or 1))
#: Words looked at per step when skipping a run of NULL items.
_NIL_SCAN = 1 << 16


class Source(Protocol):
    """The rest of a stream, produced on demand (a plain file, or a decompressor)."""

    #: appended to "only N bytes are left" messages (names the budget, if any)
    note: str
    #: the size of the input: the file, compressed or not
    size: int

    def remaining(self) -> int:
        """An upper bound on the bytes still to come."""

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes, fewer only at the end."""

    def readinto(self, view: memoryview) -> int:
        """Fill ``view``; the count is short only at the end."""

    def read_array(self, values: np.ndarray, dtype: np.dtype) -> int:
        """Fill the native-order array ``values`` from elements encoded as ``dtype``; the
        count of elements filled is short only at the end."""

    def read_all(self) -> bytes:
        """Everything that is left."""

    def finish(self) -> None:
        """Consume what follows the object (checking it, when the container can)."""


class FileSource:
    """The rest of an uncompressed file, read straight into the caller's buffers."""

    note = ""

    def __init__(self, fh: IO[bytes], size: int):
        self.fh, self.size, self.left = fh, size, size - fh.tell()

    def remaining(self) -> int:
        return self.left

    def readinto(self, view: memoryview) -> int:
        done = 0
        while done < len(view):
            got = self.fh.readinto(view[done:])
            if not got:
                break
            done += got
        self.left -= done
        return done

    def read(self, size: int) -> bytes:
        buffer = bytearray(min(size, self.left))
        return bytes(buffer[:self.readinto(memoryview(buffer))])

    def read_array(self, values: np.ndarray, dtype: np.dtype) -> int:
        if values.nbytes < PARALLEL_BYTES or not hasattr(os, "preadv"):  # (not on Windows)
            return fill_native(values, dtype, self.readinto)
        # Large: each core reads and converts its own part of the file (the reads and
        # the conversions release the GIL).
        start, fd = self.fh.tell(), self.fh.fileno()
        edges = [len(values) * i // WORKERS for i in range(WORKERS + 1)]
        bounds = list(zip(edges, edges[1:]))

        def part(lo: int, hi: int) -> int:
            return fill_native(values[lo:hi], dtype, _pread(fd, start + lo * dtype.itemsize))

        filled = list(_pool().map(lambda b: part(*b), bounds))
        done = 0
        for (lo, hi), got in zip(bounds, filled):
            done += got
            if got < hi - lo:
                break
        self.fh.seek(start + done * dtype.itemsize)
        self.left -= done * dtype.itemsize
        return done

    def read_all(self) -> bytes:
        return self.read(self.left)

    def finish(self) -> None:
        """Bytes after the object are ignored, as R does."""


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(WORKERS, thread_name_prefix="pykerasnip-read")


def _pread(fd: int, offset: int) -> "Callable[[memoryview], int]":
    """``readinto`` for the bytes of ``fd`` from ``offset`` on (the file position is not
    used, so several threads may read one file)."""
    def readinto(view: memoryview) -> int:
        nonlocal offset
        done = 0
        while done < len(view):
            got = os.preadv(fd, [view[done:]], offset)
            if not got:
                break
            done, offset = done + got, offset + got
        return done
    return readinto


def fill_native(values: np.ndarray, dtype: np.dtype, readinto: "Callable[[memoryview], int]") -> int:
    """Fill ``values`` from ``readinto``'s ``dtype``-encoded bytes, converted to native
    order through a small buffer while it is in cache; the count of elements filled."""
    stage = np.empty(max(1, min(STAGE // dtype.itemsize, len(values))), dtype)
    raw = memoryview(stage.view(np.uint8))
    for start in range(0, len(values), len(stage)):
        part = min(len(stage), len(values) - start)
        got = readinto(raw[:part * dtype.itemsize]) // dtype.itemsize
        values[start:start + got] = stage[:got]
        if got < part:
            return start + got
    return len(values)


# ------------------------------------------------------------------------ binary input
#: memory of a Python string object besides its text
_STR_BYTES = 56
#: ASCII strings up to this length are made once per read and shared (R's CHARSXP cache
#: does the same), up to _SHARED_COUNT distinct ones
_SHARED_LENGTH = 64
_SHARED_COUNT = 1 << 16


class BinaryInput:
    """Reads XDR (``big_endian``) or native little-endian binary items from a buffer that
    holds the whole stream, or a window of it refilled from a :class:`Source`; large
    vectors are read from the source straight into their arrays."""

    #: minimum encoded size of one element, by kind, for up-front length checks
    SIZES = {"int": 4, "double": 8, "complex": 16, "raw": 1, "text": 1, "string": 8, "item": 4}

    def __init__(self, data: bytes, pos: int, big_endian: bool = True,
                 source: "Source | None" = None, limits: Limits = DEFAULT_LIMITS):
        self.data, self.pos, self.source, self.limits = data, pos, source, limits
        self.base = 0  # stream offset of data[0]
        #: memory of the string objects made so far (identical short ASCII strings share one)
        self.string_bytes = 0
        self._shared: dict[bytes, str] = {}
        #: the codec of the stream's native strings (:func:`.chars.native_codec`)
        self.native: str | None = None
        order = ">" if big_endian else "<"
        self._int = struct.Struct(order + "i").unpack_from
        self._pair = struct.Struct(order + "ii").unpack_from
        self._dtypes = {k: np.dtype(order + c) for k, c in (("int", "i4"), ("double", "f8"),
                                                            ("complex", "c16"))}
        self._native = {k: t.newbyteorder("=") for k, t in self._dtypes.items()}

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def fail(self, message: str) -> RDSError:
        return RDSError(message, self.offset)

    def _left(self) -> int:
        """Bytes that may still come: buffered plus what the source may produce."""
        return len(self.data) - self.pos + (0 if self.source is None else
                                            self.source.remaining())

    def _fill(self, nbytes: int) -> None:
        """Make the buffer hold ``nbytes`` unread bytes, as far as the source allows."""
        if self.source is None or nbytes <= len(self.data) - self.pos:
            return
        more = self.source.read(max(nbytes - (len(self.data) - self.pos), CHUNK))
        self.base += self.pos
        self.data, self.pos = self.data[self.pos:] + more, 0

    def _take(self, nbytes: int, what: str) -> int:
        self._fill(nbytes)
        start = self.pos
        if nbytes > len(self.data) - start:
            raise self.fail(f"truncated input: expected {what} ({nbytes} bytes, "
                            f"{len(self.data) - start} left)")
        self.pos = start + nbytes
        return start

    def _read_into(self, view: memoryview, what: str) -> None:
        """Fill ``view`` from the buffer, then straight from the source."""
        have = min(len(view), len(self.data) - self.pos)
        view[:have] = self.data[self.pos:self.pos + have]
        self.pos += have
        if have == len(view):
            return
        got = self.source.readinto(view[have:]) if self.source is not None else 0
        self.base += self.pos + got
        self.data, self.pos = b"", 0
        if got < len(view) - have:
            raise self.fail(f"truncated input: expected {what} ({len(view)} bytes, "
                            f"{have + got} left)")

    def check(self, count: int, kind: str, what: str) -> None:
        """Fail unless ``count`` elements of ``kind`` can still fit in the input (and in
        the budget)."""
        nbytes = count * self.SIZES[kind]
        if nbytes <= len(self.data) - self.pos and nbytes <= self.limits.max_vector_bytes:
            return  # already buffered, so within what is left and within the budget
        if nbytes > self._left():
            note = "" if self.source is None else self.source.note
            raise self.fail(f"{what} claims {count} elements but only "
                            f"{self._left()} bytes are left{note}")
        self.limits.check_vector(nbytes, what, self.offset)

    def int(self) -> int:
        pos = self.pos
        try:  # the common case, kept cheap: the buffer holds the int
            value, = self._int(self.data, pos)
        except struct.error:
            pos = self._take(4, "an integer")  # before reading self.data: it may refill
            value, = self._int(self.data, pos)
            return value
        self.pos = pos + 4
        return value

    def _array(self, kind: str, count: int) -> np.ndarray:
        dtype = self._dtypes[kind]
        start = self.pos
        if count * dtype.itemsize <= len(self.data) - start:  # buffered: the common case
            self.pos = start + count * dtype.itemsize
            stored = np.frombuffer(self.data, dtype, count, start)
            if stored.nbytes < LARGE:
                return stored.astype(self._native[kind])
            values = fresh(count, self._native[kind])
            values[:] = stored
            return values
        if self.source is None:
            self._take(count * dtype.itemsize, f"{count} {kind} values")  # fails: truncated
        # Streamed: the whole elements already buffered, the one the buffer cuts (if any),
        # then the rest straight from the source.
        values, size = fresh(count, dtype.newbyteorder("=")), dtype.itemsize
        done = min(count, (len(self.data) - self.pos) // size)
        values[:done] = np.frombuffer(self.data, dtype, done, self.pos)
        cut = bytearray(self.data[self.pos + done * size:])
        self.base += len(self.data)
        self.data, self.pos = b"", 0
        if cut:
            rest = bytearray(size - len(cut))
            got = self.source.readinto(memoryview(rest))
            self.base += got
            if got < len(rest):
                raise self._truncated(count, kind, done)
            values[done] = np.frombuffer(bytes(cut + rest), dtype)[0]
            done += 1
        filled = self.source.read_array(values[done:], dtype) if done < count else 0
        self.base += filled * size
        if done + filled < count:
            raise self._truncated(count, kind, done + filled)
        return values

    def _truncated(self, count: int, kind: str, there: int) -> RDSError:
        return self.fail(f"truncated input: expected {count} {kind} values, {there} there")

    def ints(self, count: int) -> np.ndarray:
        return self._array("int", count)

    def nils(self, limit: int) -> int:
        """Consume the ``NULL`` items that come next (at most ``limit``); their number."""
        count, word = 0, self._dtypes["int"]
        while count < limit:
            self._fill(4 * min(limit - count, _NIL_SCAN))
            ahead = min(limit - count, _NIL_SCAN, (len(self.data) - self.pos) // 4)
            if not ahead:
                break
            other = np.flatnonzero(np.frombuffer(self.data, word, ahead, self.pos) != NILVALUE_SXP)
            run = int(other[0]) if other.size else ahead
            count += run
            self.pos += 4 * run
            if run < ahead:
                break
        return count

    def doubles(self, count: int) -> np.ndarray:
        return self._array("double", count)

    def complexes(self, count: int) -> np.ndarray:
        return self._array("complex", count)

    def raw(self, count: int) -> bytes:
        if count > CHUNK and self.source is not None:
            self.check(count, "raw", f"{count} bytes")  # before allocating them
            buffer = bytearray(count)
            self._read_into(memoryview(buffer), f"{count} raw bytes")
            return bytes(buffer)
        start = self._take(count, f"{count} raw bytes")
        return self.data[start:start + count]

    text = raw  # unescaped bytes of a name (primitive, native encoding)

    def strings(self, count: int, checked: bool = False, discard: "Callable[[], None] | None" = None
                ) -> "tuple[list[str | None], list[int] | None]":
        """``count`` CHARSXP items: their text and their levels when not the defaults
        (``checked``: :meth:`check` has passed ``count`` strings here). ``discard`` reads
        the item that follows a string with the attributes bit (:func:`discard_attributes`)."""
        if not checked:
            self.check(count, "string", "a character vector")
        data, pair, end = self.data, self._pair, len(self.data)
        out: list[str | None] = []
        append = out.append
        levels: list[int] | None = None
        pos, shared, made = self.pos, self._shared, 0
        for _ in range(count):
            if end - pos < 8:
                self.pos = pos
                self._fill(8)
                data, pos, end = self.data, self.pos, len(self.data)
                if end - pos < 8:
                    raise self.fail("truncated input: expected a string (CHARSXP)")
            flags, length = pair(data, pos)
            start = pos + 8
            pos = start + length
            if flags == _ASCII_CHARSXP and 0 <= length and pos <= end:
                raw = data[start:pos]
                text = shared.get(raw)
                if text is None and raw.isascii() and NUL not in raw:  # the common case, kept cheap
                    text = raw.decode("ascii")
                    made += _STR_BYTES + length
                    if length <= _SHARED_LENGTH and len(shared) < _SHARED_COUNT:
                        shared[raw] = text
                if text is not None:
                    append(text)
                    if levels is not None:
                        levels.append(ASCII_MASK)
                    continue
            text, lev, default, pos = self._string(flags, length, start)
            if flags & HAS_ATTR_BIT:
                discard_attributes(self, discard)
                pos = self.pos
            data, end = self.data, len(self.data)
            made += 0 if text is None else _STR_BYTES + length
            append(text)
            if lev != default and levels is None:
                levels = defaults_for(out[:-1])
            if levels is not None:
                levels.append(lev)
        self.pos = pos
        self.string_bytes += made
        return out, levels

    def _string(self, flags: int, length: int, start: int) -> "tuple[str | None, int, int, int]":
        """One CHARSXP whose flags and length were read: text, levels, default levels and
        the position after it."""
        self.pos = start
        if flags & 0xFF != CHARSXP:
            self.pos -= 8
            raise self.fail(f"expected a CHARSXP string element, found type {flags & 0xFF}")
        lev = levels_of(flags)
        if length < 0:
            if length != -1:
                raise self.fail(f"invalid string length {length}")
            return None, lev, 0, start
        raw = self.raw(length)
        if NUL in raw:
            raise self.fail(EMBEDDED_NUL)
        return (decode_chars(raw, lev, self.native), lev,
                ASCII_MASK if raw.isascii() else UTF8_MASK, self.pos)


def discard_attributes(src: "BinaryInput | AsciiInput",
                       discard: "Callable[[], None] | None") -> None:
    """Read and drop the attributes that follow a string flagged with them, as R's reader
    does (R wrote them once; a string keeps none)."""
    if discard is None:
        raise src.fail("a string with attributes where R reads none")
    discard()


# ------------------------------------------------------------------------ ascii input
_NIL_WORD = str(NILVALUE_SXP).encode()
#: words of R's own non-finite doubles
_SPECIAL_DOUBLES = {b"NA": NA_REAL, b"NaN": float("nan"), b"Inf": float("inf"),
                    b"-Inf": float("-inf")}

#: R writes ASCII doubles with "%.16g", which rounds the largest finite doubles up to
#: this token, just past the largest double, so R's own reader makes them infinite.
#: pykerasnip reads back the finite value R wrote (and writes it as the same token).
_LARGEST_TOKEN = Decimal("%.16g" % sys.float_info.max)


def _within_largest(token: bytes) -> bool:
    """Is this decimal token no larger in magnitude than R's token for the largest double?"""
    try:
        return b"x" not in token.lower() and abs(Decimal(token.decode("ascii"))) <= _LARGEST_TOKEN
    except ArithmeticError:  # decimal's InvalidOperation: not a plain decimal number
        return False


def _bulk(words: list[bytes], dtype: str) -> "tuple[np.ndarray, np.ndarray] | None":
    """numpy's conversion of ``words`` ("NA" as 0) and where "NA" is, when it reads them
    as C's sscanf does: whole numbers without the underscores Python allows."""
    if b"_" in b"".join(words):
        return None
    tokens = np.array(words, dtype="S")
    na = tokens == b"NA"
    tokens[na] = b"0"
    try:
        return tokens.astype(dtype), na
    except (ValueError, OverflowError):
        return None


def _c_ints(words: list[bytes]) -> "np.ndarray | None":
    """The integers ``sscanf`` reads from ``words`` (NA for "NA"), ``None`` if one has none."""
    bulk = _bulk(words, "i8")
    if bulk is None:
        na = np.array([cscan.c_string(w) == b"NA" for w in words], dtype=bool)
        parsed = [0 if missing else cscan.c_int(w) for w, missing in zip(words, na.tolist())]
        if None in parsed:
            return None
        bulk = np.array(parsed, dtype="i8"), na
    values, na = bulk
    values = ((values + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)  # %d keeps the low 32 bits
    values[na] = NA_INTEGER
    return values.astype("i4")


def _c_doubles(words: list[bytes]) -> "np.ndarray | None":
    """The doubles ``sscanf`` reads from ``words`` (R's NA, NaN and infinities by name),
    ``None`` if one has none."""
    bulk = _bulk(words, "f8")
    if bulk is None:
        parsed = [_SPECIAL_DOUBLES.get(cscan.c_string(w)) for w in words]
        parsed = [cscan.c_double(w) if v is None else v for w, v in zip(words, parsed)]
        if None in parsed:
            return None
        values = np.array(parsed, dtype="f8")
    else:
        values, na = bulk
        values[na] = NA_REAL
    for i in np.flatnonzero(np.isinf(values)):
        if _within_largest(cscan.c_string(words[i])):
            values[i] = math.copysign(sys.float_info.max, values[i])
    return values


class AsciiInput:
    """Reads the ASCII format as R's reader does (:mod:`.cscan`): numbers are words
    converted by C's rules, strings are read character by character. The words R writes
    go through fast paths that give the same."""

    #: least number of words an element takes ("text" is read character by character)
    SIZES = {"int": 1, "double": 1, "complex": 2, "raw": 1, "text": 0, "string": 2, "item": 1}

    def __init__(self, data: bytes, pos: int):
        self.data, self.pos = data, pos
        self.string_bytes = 0
        self.native: str | None = None

    @property
    def offset(self) -> int:
        return self.pos

    def fail(self, message: str) -> RDSError:
        return RDSError(message, self.offset)

    def check(self, count: int, kind: str, what: str) -> None:
        most = (len(self.data) - self.pos + 1) // 2  # a word and its whitespace at least
        if count * self.SIZES[kind] > most:
            raise self.fail(f"{what} claims {count} elements but only {most} words can be left")

    def _words(self, count: int, what: str) -> list[bytes]:
        """The next ``count`` words (as :func:`.cscan.words_at` finds them, in bulk)."""
        found, ends = cscan.words_at(self.data, self.pos, count)
        if len(found) < count:
            raise self.fail(f"truncated input: expected {what}")
        self._check_words(found, ends[-1] if ends else self.pos, what)
        self.pos = ends[-1] if ends else self.pos
        return found

    def _check_words(self, found: list[bytes], end: int, what: str) -> None:
        """Fail where R's reader fails on these words, which end at ``end``."""
        if found and max(map(len, found)) > cscan.MAX_WORD:
            raise self.fail(f"a word of more than {cscan.MAX_WORD} characters among {what} "
                            "(R's limit)")
        if found and end == len(self.data):  # R reads the character after a word
            raise self.fail(f"truncated input: the data ends right after {what} (R reads the "
                            "character after a word)")

    def _numbers(self, count: int, convert: "Callable[[list[bytes]], np.ndarray | None]",
                 what: str) -> np.ndarray:
        start = self.pos
        values = convert(self._words(count, what))
        if values is None:
            self.pos = start
            raise self.fail(f"malformed number among {what}")
        return values

    def int(self) -> int:
        word, end = cscan.word_at(self.data, self.pos)
        if 0 < len(word) < 10 and word.isdigit() and end < len(self.data):  # kept cheap
            self.pos = end
            return int(word)
        if not word:
            raise self.fail("truncated input: expected an integer")
        self._check_words([word], end, "an integer")
        value = NA_INTEGER if cscan.c_string(word) == b"NA" else cscan.c_int(word)
        if value is None:
            raise self.fail(f"malformed integer {word[:20]!r}")
        self.pos = end
        return value

    def ints(self, count: int) -> np.ndarray:
        return self._numbers(count, _c_ints, f"{count} integers")

    def nils(self, limit: int) -> int:
        """Consume the ``NULL`` items that come next (at most ``limit``); their number."""
        count = 0
        while count < limit:
            found, ends = cscan.words_at(self.data, self.pos, min(limit - count, 1 << 12))
            run = next((i for i, (w, end) in enumerate(zip(found, ends))
                        if cscan.c_string(w) != _NIL_WORD or end == len(self.data)), len(found))
            if run:
                self.pos = ends[run - 1]
            count += run
            if run < len(found) or not found:
                break
        return count

    def doubles(self, count: int) -> np.ndarray:
        return self._numbers(count, _c_doubles, f"{count} doubles")

    def complexes(self, count: int) -> np.ndarray:
        return self.doubles(2 * count).view("c16")

    def raw(self, count: int) -> bytes:
        start = self.pos
        found = self._words(count, f"{count} raw bytes")
        if all(len(w) == 2 for w in found):
            try:  # R's own words: two hexadecimal digits each
                return bytes.fromhex(b"".join(found).decode("ascii"))
            except ValueError:
                pass
        values = [cscan.c_hex_byte(w) for w in found]
        if None in values:
            self.pos = start
            raise self.fail("malformed raw byte")
        return bytes(values)

    def text(self, count: int) -> bytes:
        """``count`` bytes of a string (R's escapes undone), as R reads them."""
        if count <= 0:
            return b""
        word, end = cscan.word_at(self.data, self.pos)
        raw = cscan.unescape(word) if end < len(self.data) else None
        if raw is not None and len(raw) == count:  # the string R wrote: one whole word
            self.pos = end
            return raw
        read = cscan.r_string(self.data, self.pos, count)
        if read is None:
            raise self.fail(f"truncated input: expected a string of {count} bytes")
        raw, self.pos = read
        return raw

    def _chars(self, length: int, levels: int) -> str:
        raw = self.text(length)
        if NUL in raw:
            raise self.fail(EMBEDDED_NUL)
        return decode_chars(raw, levels, self.native)

    def strings(self, count: int, checked: bool = False, discard: "Callable[[], None] | None" = None
                ) -> "tuple[list[str | None], list[int] | None]":
        if not checked:
            self.check(count, "string", "a character vector")
        out: list[str | None] = []
        levels: list[int] = []
        data, native = self.data, self.native
        for _ in range(count):
            match = _STRING_WORDS(data, self.pos)
            if match is not None:  # the common case, kept cheap: flags, length, one word
                flags, length, raw = int(match[1]), int(match[2]), cscan.unescape(match[3])
                if (flags & _PLAIN_STRING == CHARSXP and raw is not None and len(raw) == length
                        and NUL not in raw and match.end() < len(data)):
                    self.pos = match.end()
                    lev = levels_of(flags)
                    out.append(decode_chars(raw, lev, native))
                    self.string_bytes += _STR_BYTES + length
                    levels.append(lev)
                    continue
            flags = self.int()
            if flags & 0xFF != CHARSXP:
                raise self.fail(f"expected a CHARSXP string element, found type {flags & 0xFF}")
            length = self.int()
            if length < -1:
                raise self.fail(f"invalid string length {length}")
            lev = levels_of(flags)
            out.append(None if length == -1 else self._chars(length, lev))
            if flags & HAS_ATTR_BIT:
                discard_attributes(self, discard)
            self.string_bytes += 0 if length == -1 else _STR_BYTES + length
            levels.append(lev)
        return out, (None if levels == defaults_for(out) else levels)


#: a string as R writes it in ASCII: its flags, its length and one word
_STRING_WORDS = re.compile(rb"[ \t\n\v\f\r]*([0-9]{1,9})[ \t\n\v\f\r]+([0-9]{1,9})"
                           rb"[ \t\n\v\f\r]+([^ \t\n\v\f\r]+)").match
#: the bits of a string's flags that must be CHARSXP's (type) or clear (attributes)
_PLAIN_STRING = 0xFF | HAS_ATTR_BIT

def open_input(data: bytes, pos: int, source: "Source | None" = None,
               limits: Limits = DEFAULT_LIMITS) -> "tuple[str, BinaryInput | AsciiInput]":
    """The format named by the two bytes at ``pos`` and an input positioned after them.
    As R's reader, it reads the format from the first (``X``, ``A`` or ``B``; R writes a
    newline second) and takes an ASCII stream after one newline (``\\nA`` and a third
    byte). ``data`` is the whole stream, or its start when the rest comes from ``source``."""
    code = data[pos:pos + 2]
    name, start = FORMAT_NAMES.get(code[:1]) if len(code) == 2 else None, pos + 2
    if code == _NEWLINE_ASCII:
        name, start = "ascii", pos + 3
    if name is None:
        foreign = next((kind for magic, kind in FOREIGN_MAGICS.items()
                        if data.startswith(magic, pos)), None)
        hint = (f"; it starts like {foreign}, while .rds files are read gzip-, bzip2- or "
                "xz-compressed or uncompressed") if foreign else ""
        raise RDSError(f"unknown serialization format {code!r} (expected X, A or B)"
                       f"{hint}", pos)
    if name == "ascii":  # words need the whole text; the source bounds its size
        return name, AsciiInput(data if source is None else data + source.read_all(), start)
    return name, BinaryInput(data, start, name == "xdr", source, limits)


#: the start of an ASCII stream after a newline, which R's reader skips
_NEWLINE_ASCII = b"\nA"


# ------------------------------------------------------------------------ outputs
class _Pending(NamedTuple):
    """A large vector still in memory order, to be written as ``dtype``."""

    array: np.ndarray
    dtype: np.dtype

    def encoded(self) -> np.ndarray:
        return self.array.astype(self.dtype, copy=False).view(np.uint8)

    def pieces(self, size: int) -> Iterator:
        """The encoded bytes in pieces of about ``size`` bytes, converted through one
        reused buffer (each piece is valid until the next is requested)."""
        if self.array.dtype == self.dtype:
            yield self.array.view(np.uint8)
            return
        step = max(1, size // self.dtype.itemsize)
        buffer = np.empty(min(step, len(self.array)), self.dtype)
        for start in range(0, len(self.array), step):
            part = self.array[start:start + step]
            view = buffer[:len(part)]
            np.copyto(view, part)
            yield view.view(np.uint8)


class BinaryOutput:
    """Collects XDR (``big_endian``) or little-endian binary output: small items in a
    buffer, large vectors kept as they are until the output is consumed, either whole
    (:meth:`chunks`) or streamed through a small buffer (:meth:`pieces`)."""

    #: vectors at least this large (in bytes) are kept aside instead of copied
    LARGE = 1 << 16
    PIECE = 1 << 20

    def __init__(self, big_endian: bool = True, native: "str | None" = None):
        self.parts: list = []
        self.buf = bytearray()
        #: the codec native strings are written in (:func:`.chars.native_codec`)
        self.native = native
        order = ">" if big_endian else "<"
        self._int = struct.Struct(order + "i").pack
        self._pair = struct.Struct(order + "ii").pack
        self._dtypes = {k: np.dtype(order + c) for k, c in (("int", "i4"), ("double", "f8"),
                                                            ("complex", "c16"))}

    def _parts(self) -> list:
        if self.buf:
            self.parts.append(self.buf)
            self.buf = bytearray()
        return self.parts

    def chunks(self) -> list:
        """The whole output as bytes-like chunks."""
        return [p.encoded() if isinstance(p, _Pending) else p for p in self._parts()]

    def nbytes(self) -> int:
        """The length of the output."""
        return sum(p.array.nbytes if isinstance(p, _Pending) else len(p) for p in self._parts())

    def pieces(self) -> Iterator:
        """The output as a stream of bytes-like pieces, for writing or compressing."""
        for part in self._parts():
            if isinstance(part, _Pending):
                yield from part.pieces(self.PIECE)
            else:
                yield part

    def verbatim(self, data: bytes) -> None:
        """Bytes that are the same in every format (magic numbers)."""
        self.buf += data

    def int(self, value: int) -> None:
        self.buf += self._int(value)

    def _array(self, kind: str, values: np.ndarray) -> None:
        dtype = self._dtypes[kind]
        array = np.ascontiguousarray(values, dtype.newbyteorder("="))
        if array.nbytes >= self.LARGE:
            self._parts().append(_Pending(array, dtype))
        else:
            self.buf += array.astype(dtype, copy=False).tobytes()

    def ints(self, values: np.ndarray) -> None:
        self._array("int", values)

    def doubles(self, values: np.ndarray) -> None:
        self._array("double", values)

    def complexes(self, values: np.ndarray) -> None:
        self._array("complex", values)

    def raw(self, data: bytes) -> None:
        if len(data) >= self.LARGE:
            self._parts().append(data)
        else:
            self.buf += data

    text = raw

    def strings(self, values: "list[str | None]", levels: "list[int] | None") -> None:
        if levels is not None:
            for text, lev in zip(values, levels):
                self._string(text, lev)
            return
        buf, pair = self.buf, self._pair
        for text in values:
            if text is not None and text.isascii():  # the common case, kept cheap
                raw = text.encode("ascii")
                buf += pair(_ASCII_CHARSXP, len(raw))
                buf += raw
            else:
                self._string(text, default_char_levels(text))

    def _string(self, text: str | None, levels: int) -> None:
        flags = CHARSXP | (levels << _LEVELS_SHIFT)
        if text is None:
            self.buf += self._pair(flags, -1)
        else:
            raw = encode_chars(text, levels, self.native)
            self.buf += self._pair(flags, len(raw))
            self.buf += raw


_ESCAPE_OUT = re.compile(rb"[\x00-\x20\x7f-\xff\\?'\"]")
_NAMED_ESCAPES = {v: b"\\" + bytes([k]) for k, v in cscan.ESCAPES.items()}
_NAMED_ESCAPES.update({ord(c): b"\\" + c.encode() for c in "\\?'\""})


def _escape_one(match: re.Match) -> bytes:
    byte = match.group()[0]
    return _NAMED_ESCAPES.get(byte) or b"\\%03o" % byte


class AsciiOutput:
    """Collects ASCII-format output: one token per line, as R's ``ascii = TRUE``."""

    def __init__(self, native: "str | None" = None):
        self.parts: list[bytes] = []
        self.native = native

    def chunks(self) -> list:
        return self.parts

    def pieces(self) -> Iterator:
        return iter(self.parts)

    def nbytes(self) -> int:
        """The length of the output."""
        return sum(map(len, self.parts))

    def verbatim(self, data: bytes) -> None:
        self.parts.append(data)

    def int(self, value: int) -> None:
        self.parts.append(b"NA\n" if value == NA_INTEGER else b"%d\n" % value)

    def _lines(self, tokens: np.ndarray) -> None:
        if tokens.size:
            self.parts.append("\n".join(tokens.tolist()).encode("ascii") + b"\n")

    def ints(self, values: np.ndarray) -> None:
        values = np.asarray(values, "i4")
        self._lines(np.where(values == NA_INTEGER, "NA", np.char.mod("%d", values)))

    def doubles(self, values: np.ndarray) -> None:
        values = np.asarray(values, "f8")
        finite = np.where(np.isfinite(values), values, 0.0)
        tokens = np.char.mod("%.16g", finite).astype(object)
        tokens[np.isposinf(values)] = "Inf"
        tokens[np.isneginf(values)] = "-Inf"
        tokens[np.isnan(values)] = "NaN"
        tokens[is_na_real(values)] = "NA"
        self._lines(tokens.astype(str))

    def complexes(self, values: np.ndarray) -> None:
        self.doubles(np.asarray(values, "c16").view("f8"))

    def raw(self, data: bytes) -> None:
        self._lines(np.frombuffer(data.hex().encode("ascii"), "S2").astype(str))

    def text(self, data: bytes) -> None:
        self.parts.append(_ESCAPE_OUT.sub(_escape_one, data) + b"\n")

    def strings(self, values: "list[str | None]", levels: "list[int] | None") -> None:
        for i, text in enumerate(values):
            lev = default_char_levels(text) if levels is None else levels[i]
            self.int(CHARSXP | (lev << _LEVELS_SHIFT))
            if text is None:
                self.int(-1)
            else:
                raw = encode_chars(text, lev, self.native)
                self.int(len(raw))
                self.text(raw)
