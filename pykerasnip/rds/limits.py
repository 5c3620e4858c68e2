"""The resource budget of one read: how much a file may make the reader inflate, allocate
and nest before it is refused as hostile.

One :class:`Limits` value travels with a read (``rds.loads``/``rds.load``,
``pykerasnip.read_rds``); every layer checks the fields it is concerned with and names the
field in its :class:`~pykerasnip.errors.RDSError`, so a caller with a legitimately large
file knows which one to raise. The defaults suit a 2-core / 8 GB container.

A new bound is a new numeric field with a documented default, checked where the resource
is spent, with an error that names ``Limits.<field>``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import RDSError

_MiB = 1024**2
_GiB = 1024**3
#: the fields that bound inflation: absolute, ratio to the compressed size, floor of the ratio
_INFLATION = ("max_decompressed", "max_ratio", "ratio_floor")
#: the memory a decoded object is counted for, besides its data
ITEM_BYTES = 128


@dataclass(frozen=True)
class Limits:
    """Resource budget of one read. Fields:

    - ``max_decompressed``: bytes a compressed file may inflate to (4 GiB).
    - ``max_ratio`` and ``ratio_floor``: past the first ``ratio_floor`` bytes (32 MiB), a
      compressed file may inflate to at most ``max_ratio`` (40) times its compressed size.
      R's own files stay well below (doubles ~1.1, models and text 3-10); bombs are far
      above (1,000 for gzip, millions for bzip2/xz). So a 1 MB file costs at most 40 MB of
      inflation (and of arrays) before it is refused, while a genuinely larger and more
      compressible file needs a raised ``max_ratio``.
    - ``max_vector_bytes``: the largest single vector (or string table) a file may
      declare (2 GiB); a declared length is also checked against what the rest of the
      input (or of the decompression budget) could hold, before anything is allocated.
    - ``max_depth``: nesting depth of objects (100,000), in reading, writing and
      converting alike; depth costs heap memory, never the interpreter's stack.
    - ``max_symbols``: distinct symbols one read may create (1,000,000).
    - ``max_items``: objects one read may decode (50,000,000): every item -- a vector
      counts once however long it is, a ``NULL`` list element or a pairlist cell once
      each. It bounds the time a read takes; memory is bounded by the next three.
    - ``max_memory``, ``memory_ratio`` and ``memory_floor``: what the decoded objects may
      take in memory, estimated as they are made: ``ITEM_BYTES`` (128) per object, 320 more per array, 8 per
      ``NULL`` list element and per string element, the text of each distinct string
      (identical short strings share one object), and the bytes of each vector. A read
      may take at most ``memory_ratio`` (100) times the size of its input (the compressed
      file) past ``memory_floor`` (64 MiB), and never more than ``max_memory`` (4 GiB).
      Bytes inflated from a small file can thus not become a large tree: a 1 MB file of
      millions of short strings or empty lists is refused before it costs 200 MB, while
      a data frame of a million rows of text categories reads in a few MB.
    - ``max_altrep_bytes``: the most memory one compact ALTREP object (a compact
      sequence or deferred string, which R stores as a few numbers) may take once a step
      needs its values (128 MiB); until then it stays compact.

    ``Limits()`` gives the defaults; ``Limits.unlimited()`` turns the size checks off for
    trusted input; ``limits.replace(max_ratio=1000)`` changes one field.
    """

    max_decompressed: int = 4 * _GiB
    max_ratio: float = 40.0
    ratio_floor: int = 32 * _MiB
    max_vector_bytes: int = 2 * _GiB
    max_depth: int = 100_000
    max_symbols: int = 1_000_000
    max_items: int = 50_000_000
    max_altrep_bytes: int = 128 * _MiB
    max_memory: int = 4 * _GiB
    memory_ratio: float = 100.0
    memory_floor: int = 64 * _MiB

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Limits.{field.name} must be a non-negative number, "
                                 f"not {value!r}")

    def replace(self, **changes: float) -> "Limits":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def unlimited(cls) -> "Limits":
        """No size or ratio bound (for trusted input); the depth bound stays."""
        huge = 1 << 62
        return cls(max_decompressed=huge, max_ratio=float(huge), ratio_floor=huge,
                   max_vector_bytes=huge, max_symbols=huge, max_altrep_bytes=huge,
                   max_items=huge, max_memory=huge, memory_ratio=float(huge), memory_floor=huge)

    def inflation_cap(self, compressed_size: int) -> int:
        """Most bytes a container of ``compressed_size`` bytes may inflate to."""
        return self._cap(compressed_size, *_INFLATION)

    def inflation_error(self, compressed_size: int, offset: int | None = None) -> RDSError:
        """The error for a container that inflates past :meth:`inflation_cap`."""
        return self._refusal("decompressed data exceeds {cap:,} bytes", compressed_size,
                             "compressed", _INFLATION, offset)

    def memory_cap(self, input_size: int) -> int:
        """Most memory the objects decoded from an input of ``input_size`` bytes may take."""
        return self._cap(input_size, "max_memory", "memory_ratio", "memory_floor")

    def memory_error(self, input_size: int, offset: int | None = None) -> RDSError:
        """The error for a read whose objects pass :meth:`memory_cap`."""
        return self._refusal("the decoded objects would take more than {cap:,} bytes of memory",
                             input_size, "input", ("max_memory", "memory_ratio", "memory_floor"),
                             offset)

    def _cap(self, size: int, absolute: str, ratio: str, floor: str) -> int:
        """``ratio`` times ``size`` past ``floor``, at most ``absolute`` (field names)."""
        by_ratio = max(getattr(self, floor), int(getattr(self, ratio) * size))
        return min(getattr(self, absolute), by_ratio)

    def inflation_note(self, compressed_size: int) -> str:
        """Names the inflation budget, for messages about what is left of it."""
        cap = self.inflation_cap(compressed_size)
        return (f" within the decompression budget of {cap:,} bytes for this "
                f"{compressed_size:,}-byte file ({self._named(compressed_size, 'compressed', _INFLATION)})")

    def _named(self, size: int, kind: str, fields: tuple[str, str, str]) -> str:
        """The limit that sets the cap, and its value."""
        absolute, ratio, floor = fields
        cap = self._cap(size, *fields)
        if cap == getattr(self, absolute):
            return f"Limits.{absolute} = {cap:,} bytes"
        return (f"Limits.{ratio} = {getattr(self, ratio):g} times the {size:,} {kind} bytes "
                f"past Limits.{floor} = {getattr(self, floor):,} bytes")

    def _refusal(self, head: str, size: int, kind: str, fields: tuple[str, str, str],
                 offset: int | None) -> RDSError:
        cap = self._cap(size, *fields)
        return RDSError(f"{head.format(cap=cap)} ({self._named(size, kind, fields)}); a trusted "
                        "file may be read with a larger rds.Limits", offset)

    def check_vector(self, nbytes: int, what: str, offset: int | None = None) -> None:
        """Refuse a declared vector of ``nbytes`` bytes over ``max_vector_bytes``."""
        if nbytes > self.max_vector_bytes:
            raise RDSError(f"{what} declares {nbytes:,} bytes, over Limits.max_vector_bytes"
                           f" = {self.max_vector_bytes:,}; a trusted file may be read with a "
                           "larger rds.Limits", offset)


DEFAULT_LIMITS = Limits()


def resolve(limits: "Limits | None", **overrides: "int | None") -> Limits:
    """``limits`` (default :data:`DEFAULT_LIMITS`) with the legacy keyword arguments
    (``max_decompressed=``, ``max_depth=``) that were given applied on top."""
    base = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(base, Limits):
        raise TypeError(f"limits must be a pykerasnip.rds.Limits, not {type(base).__name__}")
    given = {k: v for k, v in overrides.items() if v is not None}
    return base.replace(**given) if given else base
