"""How R's reader scans the ASCII format: words as ``InWord`` cuts them, numbers as C's
``sscanf`` converts them, strings as ``InString`` reads them.

R reads an ASCII stream character by character. A number is the next *word* (the run
of characters up to the next whitespace, at most 127 of them), cut at a NUL byte and
converted by ``sscanf`` -- which takes the longest prefix it can (``"12abc"`` is 12, an
integer is taken modulo 2**32, ``"1.5x"`` is 1.5, ``"0x1p3"`` is 8) and fails only when
there is none. A string of n bytes is the next n characters after any whitespace, with
R's escapes (``\\n``, ``\\t`` ..., up to three octal digits, any other escaped character
as itself), whitespace included. These functions give those readings; the fast paths of
:class:`~.streams.AsciiInput` give the same for the words R itself writes.
"""
from __future__ import annotations

import re

import numpy as np

#: C's isspace() in R's locale
WHITESPACE = b" \t\n\v\f\r"
#: R's buffer for a word holds 127 characters
MAX_WORD = 127
_IS_SPACE = np.zeros(256, dtype=bool)
_IS_SPACE[list(WHITESPACE)] = True
_WORD = re.compile(rb"[ \t\n\v\f\r]*([^ \t\n\v\f\r]*)")
_INT = re.compile(rb"[+-]?[0-9]+")
_DOUBLE = re.compile(rb"""[+-]?(?:
      (?P<inf>inf(?:inity)?)
    | (?P<nan>nan(?:\([0-9a-z_]*\))?)
    | (?P<hex>0x(?:[0-9a-f]+(?:\.[0-9a-f]*)?|\.[0-9a-f]+)(?:p[+-]?[0-9]+)?)
    | (?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?
    )""", re.X | re.I)
_HEX_DIGITS = re.compile(rb"[0-9a-fA-F]+")
#: what an escaped character stands for in a string
ESCAPES = {ord(k): ord(v) for k, v in (("n", "\n"), ("t", "\t"), ("v", "\v"), ("b", "\b"),
                                        ("r", "\r"), ("f", "\f"), ("a", "\a"))}
_OCTAL = range(ord("0"), ord("8"))
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_INT64 = 1 << 63


def word_at(data: bytes, pos: int) -> "tuple[bytes, int]":
    """The word after ``pos`` (empty at the end of the data) and the position after it."""
    match = _WORD_AT(data, pos)
    return match.group(1), match.end()


_WORD_AT = _WORD.match


def words_at(data: bytes, pos: int, count: int) -> "tuple[list[bytes], list[int]]":
    """Up to ``count`` words from ``pos`` on and the position after each; fewer only
    at the end of the data."""
    size = max(256, 8 * count)
    while True:
        end = min(len(data), pos + size)
        window = data[pos:end]
        found = window.split()
        cut = end < len(data) and bool(window) and not _IS_SPACE[window[-1]]
        if len(found) - cut >= count or end == len(data):
            break
        size *= 2
    found = found[:min(count, len(found) - cut)]
    spaces = _IS_SPACE[np.frombuffer(window, np.uint8)]
    last = np.flatnonzero(~spaces & np.append(spaces[1:], True))[:len(found)]
    return found, (last + pos + 1).tolist()


def c_string(word: bytes) -> bytes:
    """A word as C sees it: up to its first NUL byte."""
    return word.split(b"\0", 1)[0] if b"\0" in word else word


def c_int(word: bytes) -> "int | None":
    """``sscanf(word, "%d")``: the integer the word starts with, taken modulo 2**32 after
    saturating at 64 bits as glibc's ``strtol`` does; ``None`` without one."""
    match = _INT.match(c_string(word))
    if match is None:
        return None
    value = max(-_INT64, min(_INT64 - 1, int(match.group())))
    return ((value + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def c_double(word: bytes) -> "float | None":
    """``sscanf(word, "%lg")``: the double the word starts with; ``None`` without one."""
    match = _DOUBLE.match(c_string(word))
    if match is None:
        return None
    text = match.group().decode("ascii").lower()
    sign = -1.0 if text.startswith("-") else 1.0
    if match.group("inf"):
        return sign * float("inf")
    if match.group("nan"):
        return float("-nan") if sign < 0 else float("nan")
    if match.group("hex"):
        try:
            return float.fromhex(text)
        except OverflowError:
            return sign * float("inf")
    return float(text)


def c_hex_byte(word: bytes) -> "int | None":
    """``sscanf(word, "%2x")`` as a byte: at most two characters, sign and ``0x`` prefix
    included; ``None`` when they hold no hexadecimal digit."""
    head = c_string(word)[:2]
    if head.lower() == b"0x":
        return 0
    negative = head[:1] == b"-"
    digits = _HEX_DIGITS.match(head[1:] if head[:1] in (b"+", b"-") else head)
    if digits is None:
        return None
    value = int(digits.group(), 16)
    return (-value if negative else value) & 0xFF


def unescape(word: bytes) -> "bytes | None":
    """The bytes of a word that holds a whole string, or ``None`` when its last escape
    reaches past it (R would read on)."""
    if b"\\" not in word:
        return word
    # backslashes pair up from the start of a run: an odd run at the end escapes what
    # follows the word
    if (len(word) - len(word.rstrip(b"\\"))) % 2:
        return None
    return _ESCAPE.sub(_unescape_one, word)


def _unescape_one(match: re.Match) -> bytes:
    code = match.group(1)
    if code[0] in _OCTAL:
        return bytes([int(code, 8) & 0xFF])
    return bytes([ESCAPES.get(code[0], code[0])])


def r_string(data: bytes, pos: int, length: int) -> "tuple[bytes, int] | None":
    """``InString``: the ``length`` bytes of the string after ``pos`` (whitespace before
    it skipped, within it kept) and the position after it; ``None`` when the data ends
    first (R's read fails there)."""
    while pos < len(data) and data[pos] in WHITESPACE:
        pos += 1
    out = bytearray()
    pending = None  # a character read ahead after octal digits, to be read again
    while len(out) < length:
        if pending is None:
            if pos >= len(data):
                return None
            char, pos = data[pos], pos + 1
        else:
            char, pending = pending, None
        if char != 0x5C:  # backslash
            out.append(char)
            continue
        if pos >= len(data):
            return None
        char, pos = data[pos], pos + 1
        if char not in _OCTAL:
            out.append(ESCAPES.get(char, char))
            continue
        value = digits = 0
        while char in _OCTAL and digits < 3:
            value, digits = value * 8 + char - 0x30, digits + 1
            if pos >= len(data):
                return None
            char, pos = data[pos], pos + 1
        out.append(value & 0xFF)
        pending = char
    return bytes(out), pos
