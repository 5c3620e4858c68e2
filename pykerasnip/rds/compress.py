"""The compressed containers of ``.rds`` files: detection by magic bytes, streaming
decompression within the read's budget, and compression (gzip, bzip2, xz).

gzip goes through Intel's ISA-L (``isal``), which inflates ~2x and deflates ~10x faster
than zlib; R's zlib reads what it writes and vice versa. Large gzip files are inflated on
every core by ``rapidgzip``, which finds deflate blocks ahead of the one being inflated.
"""
from __future__ import annotations

import bz2
import io
import lzma
import zlib
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator

import rapidgzip
from isal import igzip_lib, isal_zlib

from ..errors import RDSError
from .limits import DEFAULT_LIMITS, Limits
from .streams import WORKERS, fill_native

if TYPE_CHECKING:
    import numpy as np

#: R's ``gzfile()`` also takes a legacy ``.lzma`` stream whose header is its default
#: (lc=3, lp=0, pb=2, an 8 MiB dictionary): "lzma" here, read only
MAGICS = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz", b"]\x00\x00\x80\x00": "lzma"}
MAGIC_SIZE = max(map(len, MAGICS))
_GZIP_WBITS = 16 + 15
#: ISA-L's level 2 compresses about as well as zlib's 6 (R's level), several times faster.
_GZIP_LEVEL = 2
#: compressed bytes fed to a decompressor at a time, and most bytes it returns at once
_IN, _OUT = 1 << 20, 1 << 20

_DECOMPRESSORS: dict[str, Callable[[], object]] = {
    "gzip": lambda: igzip_lib.IgzipDecompressor(flag=igzip_lib.DECOMP_GZIP),
    "bzip2": bz2.BZ2Decompressor,
    "xz": lzma.LZMADecompressor,
    "lzma": lambda: lzma.LZMADecompressor(format=lzma.FORMAT_ALONE),
}
_COMPRESSORS: dict[str, Callable[[], object]] = {
    "gzip": lambda: isal_zlib.compressobj(_GZIP_LEVEL, isal_zlib.DEFLATED, _GZIP_WBITS),
    "bzip2": lambda: bz2.BZ2Compressor(9),
    "xz": lambda: lzma.LZMACompressor(preset=6),
}
_ERRORS = (zlib.error, isal_zlib.error, igzip_lib.error, OSError, EOFError, lzma.LZMAError,
           ValueError)


def detect(data: bytes) -> str | None:
    """The container kind announced by the first bytes (``None`` = uncompressed)."""
    for magic, kind in MAGICS.items():
        if data[:len(magic)] == magic:
            return kind
    return None


class Inflater:
    """The decompressed bytes of a container read from ``fh`` (``size`` bytes), produced
    on demand: concatenated members are followed, bytes after the last member that do not
    start another are ignored (as gzip tools and R do), and the output is counted as it is
    produced, so the budget (:meth:`Limits.inflation_cap`) stops a bomb after at most the
    allowed bytes, not after inflating it."""

    def __init__(self, fh: IO[bytes], size: int, kind: str, limits: Limits = DEFAULT_LIMITS):
        self.fh, self.size, self.kind, self.limits = fh, size, kind, limits
        self.cap = limits.inflation_cap(size)
        self.note = limits.inflation_note(size)
        self.produced = 0
        self.engine = _DECOMPRESSORS[kind]()
        self.pending = b""  # compressed bytes already read from fh, not yet fed
        self.ended = False

    def remaining(self) -> int:
        return self.cap - self.produced

    def _input(self) -> bytes:
        data, self.pending = self.pending or self.fh.read(_IN), b""
        if not data:
            raise RDSError(f"truncated {self.kind} data: the compressed stream ends early")
        return data

    def _next_member(self) -> None:
        rest = self.engine.unused_data
        if len(rest) < MAGIC_SIZE:
            rest += self.fh.read(_IN)
        if detect(rest) == self.kind:
            self.engine, self.pending = _DECOMPRESSORS[self.kind](), rest
        else:
            self.ended = True

    def _chunk(self, most: int) -> bytes:
        """Up to ``most`` more bytes; ``b""`` after the last member."""
        while not self.ended:
            engine = self.engine
            if engine.eof:
                self._next_member()
                continue
            data = self._input() if engine.needs_input else b""
            try:
                out = engine.decompress(data, min(most, self.cap - self.produced + 1))
            except _ERRORS as exc:
                raise RDSError(f"corrupt {self.kind} data: {exc}") from None
            if out:
                self.produced += len(out)
                if self.produced > self.cap:
                    raise self.limits.inflation_error(self.size)
                return out
        return b""

    def readinto(self, view: memoryview) -> int:
        done = 0
        while done < len(view):
            out = self._chunk(min(len(view) - done, _OUT))
            if not out:
                break
            view[done:done + len(out)] = out
            done += len(out)
        return done

    def read_array(self, values: "np.ndarray", dtype: "np.dtype") -> int:
        return fill_native(values, dtype, self.readinto)

    def read(self, size: int) -> bytes:
        parts, done = [], 0
        while done < size:
            out = self._chunk(min(size - done, _OUT))
            if not out:
                break
            parts.append(out)
            done += len(out)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def read_all(self) -> bytes:
        return b"".join(iter(lambda: self._chunk(_OUT), b""))

    def finish(self) -> None:
        """Inflate what is left (within the budget), which checks the containers'
        checksums and complete ends."""
        while self._chunk(_OUT):
            pass


#: gzip files of at least this many bytes are inflated on every core
PARALLEL_GZIP = 16 << 20


class ParallelGzip:
    """The decompressed bytes of a large gzip file, inflated by rapidgzip on every core
    within the same budget as :class:`Inflater`. It is only a faster way to the same
    bytes: what it does not handle as :class:`Inflater` does (bytes after the last
    member, a damaged or cut stream) fails here, and the file is read again serially,
    whose verdict stands (:func:`pykerasnip.rds.load`)."""

    def __init__(self, fh: IO[bytes], size: int, limits: Limits = DEFAULT_LIMITS):
        self.fh, self.size, self.limits = fh, size, limits
        self.cap = limits.inflation_cap(size)
        self.note = limits.inflation_note(size)
        self.produced = 0
        self.file = rapidgzip.RapidgzipFile(fh.fileno(), parallelization=WORKERS)

    def __enter__(self) -> "ParallelGzip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def remaining(self) -> int:
        return self.cap - self.produced

    def readinto(self, view: memoryview) -> int:
        done, most = 0, min(len(view), self.cap - self.produced + 1)
        while done < most:
            got = self.file.readinto(view[done:most])
            if not got:
                break
            done += got
        self.produced += done
        if self.produced > self.cap:
            raise self.limits.inflation_error(self.size)
        return done

    def read_array(self, values: "np.ndarray", dtype: "np.dtype") -> int:
        # straight into the array, then to native order in place: no staging copy
        count = self.readinto(memoryview(values.view("u1"))) // dtype.itemsize
        if dtype != values.dtype:
            values[:count].byteswap(inplace=True)
        return count

    def read(self, size: int) -> bytes:
        buffer = bytearray(size)
        return bytes(buffer[:self.readinto(memoryview(buffer))])

    def read_all(self) -> bytes:
        return b"".join(iter(lambda: self.read(_OUT), b""))

    def finish(self) -> None:
        """Inflate what is left, then check that the stream ended where the file does: the
        last member's stored length is what was inflated (rapidgzip returns what it can
        of a cut stream without saying so)."""
        while self.read(_OUT):
            pass
        self.fh.seek(self.size - 4)
        if int.from_bytes(self.fh.read(4), "little") != self.produced % (1 << 32):
            raise RDSError("the gzip stream does not end where the file does")


def decompress(data: bytes, kind: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Inflate a whole container (concatenated members included) within the budget."""
    return Inflater(io.BytesIO(data), len(data), kind, limits).read_all()


def container(compress: "str | bool | None") -> str | None:
    """The container ``saveRDS(compress = )`` names: ``True`` is gzip, ``False`` or
    ``None`` none, else ``"gzip"``, ``"bzip2"`` or ``"xz"``."""
    if compress is None or compress is False:
        return None
    if compress is True:
        return "gzip"
    if isinstance(compress, str) and compress in _COMPRESSORS:
        return compress
    raise ValueError(f"unknown compression {compress!r}; use True, False, None, 'gzip', "
                     "'bzip2' or 'xz'")


def compress(chunks: Iterable, kind: str) -> Iterator[bytes]:
    """Wrap the concatenation of ``chunks`` (bytes-like) in a ``kind`` container
    (``"gzip"``, ``"bzip2"`` or ``"xz"``), streaming: the compressed pieces come out as
    the chunks go in."""
    engine = _COMPRESSORS[kind]()
    for chunk in chunks:
        yield engine.compress(chunk)
    yield engine.flush()
