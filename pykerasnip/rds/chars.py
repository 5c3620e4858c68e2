"""The text of R's strings (CHARSXPs): which encoding their bytes are in, as R's reader
decides it.

A string's levels flag its bytes as UTF-8, latin1 or "bytes" (R checks them in that
order), as ASCII, or as none of these: *native*, in the encoding the stream's header
names (version 3 only). R 4.2 (in a UTF-8 session) translates a native string from that
encoding when it is not ``"UTF-8"``, and keeps the bytes when the translation fails or
the encoding is unknown; it reads ``"ISO-8859-1"`` as its superset CP1252. pykerasnip
decodes native strings the same way for the encodings Python reads byte by byte as iconv
does (the single-byte ones: latin1, the ISO-8859 and Windows code pages ...); any other
encoding's strings keep their bytes (as surrogate escapes where they are not UTF-8).
Writing inverts the decoding, so a decoded tree writes its strings' bytes back.
"""
from __future__ import annotations

import codecs
import functools

from .nodes import ASCII_MASK, BYTES_MASK, LATIN1_MASK, UTF8_MASK

#: R's own native encoding: strings native to it need no translation
R_NATIVE = "UTF-8"
#: encodings R reads as another one (serialize.c's native_fromcode)
_R_READS_AS = {"ISO-8859-1": "cp1252"}
_ALL_BYTES = bytes(range(256))


@functools.lru_cache(maxsize=64)
def native_codec(encoding: "str | None") -> "str | None":
    """The Python codec the native strings of a stream whose header names ``encoding``
    are decoded with; ``None`` when R takes their bytes as they are (no name, R's own
    UTF-8, an encoding Python does not know, or one that is not single-byte)."""
    encoding = (encoding or "").split("\0", 1)[0]  # R reads the name as a C string
    if not encoding or encoding == R_NATIVE:
        return None
    try:
        codec = codecs.lookup(_R_READS_AS.get(encoding, encoding)).name
    except LookupError:
        return None
    if codec == "utf-8":
        return codec
    return codec if len(_ALL_BYTES.decode(codec, "replace")) == 256 else None


def _utf8(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def decode_chars(raw: bytes, levels: int, native: "str | None" = None) -> str:
    """The text of CHARSXP bytes with these levels, in a stream whose native strings
    decode with ``native`` (:func:`native_codec`); bytes that are not valid in their
    encoding survive as surrogate escapes."""
    if levels & UTF8_MASK:
        return _utf8(raw)
    if levels & LATIN1_MASK:
        return raw.decode("latin-1")
    if native is None or levels & (BYTES_MASK | ASCII_MASK) or raw.isascii():
        return _utf8(raw)
    try:
        return raw.decode(native)
    except UnicodeDecodeError:  # R keeps the bytes, with a warning
        return _utf8(raw)


def encode_chars(text: str, levels: int, native: "str | None" = None) -> bytes:
    """Inverse of :func:`decode_chars`."""
    if levels & UTF8_MASK:
        return text.encode("utf-8", "surrogateescape")
    if levels & LATIN1_MASK:
        return text.encode("latin-1")
    if native is None or levels & (BYTES_MASK | ASCII_MASK) or text.isascii():
        return text.encode("utf-8", "surrogateescape")
    try:
        return text.encode(native)
    except UnicodeEncodeError:  # kept as bytes when read
        return text.encode("utf-8", "surrogateescape")


def default_char_levels(text: str | None) -> int:
    """The levels R gives a fresh CHARSXP: ASCII bit for ASCII text, UTF-8 otherwise."""
    if text is None:
        return 0
    return ASCII_MASK if text.isascii() else UTF8_MASK


def defaults_for(values: "list[str | None]") -> list[int]:
    """:func:`default_char_levels` of each value."""
    return [default_char_levels(v) for v in values]
