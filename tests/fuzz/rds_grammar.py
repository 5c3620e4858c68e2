"""Random streams from a small grammar of R serializations, written without pykerasnip's
writer (so that its bugs cannot hide the reader's).

:func:`generate` draws one item tree -- vectors of every type with random flags, levels,
object bits and attributes, strings in every encoding (and NA), long-vector lengths,
lists, pairlists and calls with tags, symbols and references to them, environments
(hashed or not, locked, referring to themselves), the special environments, namespaces,
packages, ALTREP objects of base R's classes (valid and edge states) and of unknown
ones, S4 objects, external pointers, weak references, primitives, closures and
promises -- and writes it in XDR, native binary or ASCII, version 2 or 3. Every stream is
well formed; whether R accepts what it says is for R to judge.
"""
from __future__ import annotations

import math
import random
import struct
from typing import Callable

from pykerasnip.rds.format import (ALTREP_SXP, BASEENV_SXP, BASENAMESPACE_SXP, EMPTYENV_SXP,
                                   GLOBALENV_SXP, MISSINGARG_SXP, NAMESPACESXP, NILVALUE_SXP,
                                   PACKAGESXP, REFSXP, UNBOUNDVALUE_SXP)
from pykerasnip.rds import nodes as n

NA_INT = -(2**31)
NA_REAL_BITS = 0x7FF00000000007A2
R_VERSION, MIN_READERS = 0x00040202, {2: 0x00020300, 3: 0x00030500}
CHARSXP = 9
#: CHARSXP levels: native, bytes, latin1, UTF-8, ASCII, and clashing pairs
CHAR_LEVELS = [0, 2, 4, 8, 64, 64, 64, 8 | 64, 4 | 8, 2 | 8, 32, 1]
TEXTS = [b"a", b"", b"abc", "na\u00efve".encode(), b"caf\xe9", b"\xff\xfe", b"a\x00b",
         b"x" * 300, b"tab\there", b" sp ace", b"\\n", "\u4e2d".encode()]
DOUBLES = [0.0, -0.0, 1.5, -2.25, math.inf, -math.inf, math.nan, 5e-324, 1e308,
           1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 1e22]
INTS = [0, 1, -1, 7, NA_INT, 2**31 - 1, -(2**31 - 1)]
#: primitives by name, with their kind (special ones take their arguments unevaluated)
PRIMITIVES = {"sum": n.BUILTINSXP, "length": n.BUILTINSXP, "c": n.BUILTINSXP,
              "if": n.SPECIALSXP, "[": n.SPECIALSXP, "quote": n.SPECIALSXP,
              "not_a_primitive": n.BUILTINSXP}
ATTRIBUTE_NAMES = ["names", "class", "dim", "levels", "comment", "tsp", "foo"]
SYMBOL_NAMES = ["x", "y", "f", "names", "class", ".Environment", "\u00e9t\u00e9", "NA", "..."]


class Emitter:
    """The bytes of a stream in one format: ints, doubles, raw bytes, string bytes."""

    def __init__(self, fmt: str):
        self.fmt, self.out = fmt, bytearray()
        order = ">" if fmt == "xdr" else "<"
        self._int, self._double = struct.Struct(order + "i").pack, struct.Struct(order + "d").pack

    def int(self, value: int) -> None:
        if self.fmt == "ascii":
            self.out += b"NA\n" if value == NA_INT else b"%d\n" % value
        else:
            self.out += self._int(value)

    def double(self, value: float) -> None:
        if self.fmt != "ascii":
            self.out += self._double(value)
        elif struct.pack(">d", value) == struct.pack(">Q", NA_REAL_BITS):
            self.out += b"NA\n"
        elif value != value:
            self.out += b"NaN\n"
        elif math.isinf(value):
            self.out += b"Inf\n" if value > 0 else b"-Inf\n"
        else:
            self.out += b"%.16g\n" % value

    def raw(self, data: bytes) -> None:
        """The payload of a raw vector."""
        self.out += b"".join(b"%02x\n" % c for c in data) if self.fmt == "ascii" else data

    def chars(self, data: bytes) -> None:
        """The bytes of a string, escaped as R escapes them in ASCII."""
        if self.fmt != "ascii":
            self.out += data
            return
        self.out += b"".join(_ESCAPES.get(c, bytes([c]) if 32 < c < 127 else b"\\%03o" % c)
                             for c in data) + b"\n"


_ESCAPES = {ord("\n"): b"\\n", ord("\t"): b"\\t", ord("\\"): b"\\\\", ord("?"): b"\\?",
            ord("'"): b"\\'", ord('"'): b'\\"'}


def na_real() -> float:
    return struct.unpack(">d", struct.pack(">Q", NA_REAL_BITS))[0]


class Grammar:
    """Draws one item tree and writes it (see the module's docstring)."""

    def __init__(self, rng: random.Random, out: Emitter, max_depth: int = 4):
        self.rng, self.out, self.max_depth = rng, out, max_depth
        #: what R's reference table holds so far, in order ("sym:<name>", "env", ...)
        self.refs: list[str] = []
        self.items = 0
        self.kinds: dict[str, Callable[[int], None]] = {
            "null": self._null, "atomic": self._atomic, "strings": self._strings,
            "list": self._list, "pairlist": self._pairlist, "symbol": self._symbol,
            "environment": self._environment, "reference": self._reference,
            "singleton": self._singleton, "altrep": self._altrep, "s4": self._s4,
            "external pointer": self._external_pointer, "weak reference": self._weak_ref,
            "primitive": self._primitive, "closure": self._closure, "promise": self._promise,
            "namespace": self._named_env,
        }
        self.weights = [3, 8, 6, 4, 4, 2, 3, 2, 2, 4, 1, 1, 1, 1, 1, 1, 1]

    # -- helpers --------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def flags(self, code: int, attr: bool = False, tag: bool = False, obj: bool = False,
              levels: int = 0) -> int:
        return (code | (levels << 12) | (obj << 8) | (attr << 9) | (tag << 10))

    def gp(self) -> int:
        """Random gp levels, mostly none; 16 is the S4 bit."""
        return self.rng.choice([0] * 12 + [16, 1, 32, 1 << 15])

    def length(self, count: int) -> None:
        if self.chance(0.1):  # the long-vector form of a short length
            self.out.int(-1)
            self.out.int(0)
            self.out.int(count)
        else:
            self.out.int(count)

    def item(self, depth: int) -> None:
        self.items += 1
        if depth >= self.max_depth or self.items > 60:
            self.rng.choice([self._null, self._atomic, self._strings, self._singleton])(depth)
            return
        self.rng.choices(list(self.kinds.values()), self.weights)[0](depth)

    def attributes(self, depth: int) -> None:
        """A pairlist of tagged attributes."""
        count = self.rng.randint(1, 3)
        for i in range(count):
            self.out.int(self.flags(n.LISTSXP, tag=True))
            self.symbol_named(self.rng.choice(ATTRIBUTE_NAMES))
            self.item(depth + 1)
        self.out.int(NILVALUE_SXP)

    def maybe_attributes(self) -> bool:
        return self.chance(0.2)

    def chars(self, levels: int | None = None, text: bytes | None = None) -> None:
        """One CHARSXP (NA sometimes)."""
        if text is None and self.chance(0.08):
            self.out.int(self.flags(CHARSXP, levels=0))
            self.out.int(-1)
            return
        text = self.rng.choice(TEXTS) if text is None else text
        if levels is None:
            levels = self.rng.choice(CHAR_LEVELS) if self.chance(0.5) else (
                64 if text.isascii() else 8)
        self.out.int(self.flags(CHARSXP, levels=levels))
        self.out.int(len(text))
        self.out.chars(text)

    def symbol_named(self, name: str) -> None:
        key = "sym:" + name
        if key in self.refs and self.chance(0.8):
            self.ref(self.refs.index(key) + 1)
            return
        self.out.int(n.SYMSXP)
        self.chars(text=name.encode(), levels=64 if name.isascii() else 8)
        self.refs.append(key)

    def ref(self, index: int) -> None:
        if self.chance(0.2):  # the unpacked form
            self.out.int(REFSXP)
            self.out.int(index)
        else:
            self.out.int((index << 8) | REFSXP)

    def end(self, attr: bool, depth: int) -> None:
        if attr:
            self.attributes(depth)

    # -- kinds ---------------------------------------------------------------------------
    def _null(self, depth: int) -> None:
        self.out.int(NILVALUE_SXP)

    def _atomic(self, depth: int) -> None:
        code = self.rng.choice([n.LGLSXP, n.INTSXP, n.REALSXP, n.CPLXSXP, n.RAWSXP])
        attr = self.maybe_attributes()
        self.out.int(self.flags(code, attr, obj=self.chance(0.1), levels=self.gp()))
        count = self.rng.randint(0, 6)
        self.length(count)
        for _ in range(count):
            if code == n.LGLSXP:
                self.out.int(self.rng.choice([0, 1, NA_INT, 2, -5]))
            elif code == n.INTSXP:
                self.out.int(self.rng.choice(INTS))
            elif code == n.REALSXP:
                self.out.double(self.rng.choice(DOUBLES + [na_real()]))
            elif code == n.CPLXSXP:
                self.out.double(self.rng.choice(DOUBLES + [na_real()]))
                self.out.double(self.rng.choice(DOUBLES))
        if code == n.RAWSXP:
            self.out.raw(bytes(self.rng.randrange(256) for _ in range(count)))
        self.end(attr, depth)

    def _strings(self, depth: int) -> None:
        attr = self.maybe_attributes()
        self.out.int(self.flags(n.STRSXP, attr, obj=self.chance(0.05), levels=self.gp()))
        count = self.rng.randint(0, 4)
        self.length(count)
        for _ in range(count):
            self.chars()
        self.end(attr, depth)

    def _list(self, depth: int) -> None:
        attr = self.maybe_attributes()
        code = n.VECSXP if self.chance(0.85) else n.EXPRSXP
        self.out.int(self.flags(code, attr, obj=self.chance(0.05), levels=self.gp()))
        count = self.rng.randint(0, 4)
        self.length(count)
        for _ in range(count):
            self.item(depth + 1)
        self.end(attr, depth)

    def _pairlist(self, depth: int, code: int | None = None) -> None:
        code = code or self.rng.choice([n.LISTSXP, n.LANGSXP, n.LISTSXP])
        for i in range(self.rng.randint(1, 4)):
            attr, tag = self.chance(0.05), self.chance(0.7)
            self.out.int(self.flags(code, attr, tag, levels=self.gp()))
            if attr:
                self.attributes(depth)
            if tag:
                self.symbol_named(self.rng.choice(SYMBOL_NAMES))
            if i == 0 and code == n.LANGSXP:
                self.symbol_named(self.rng.choice(["f", "sum", "list", "+"]))
            else:
                self.item(depth + 1)
            code = n.LISTSXP if code == n.LANGSXP else code
        if self.chance(0.05):  # an improper list
            self._atomic(depth)
        else:
            self.out.int(NILVALUE_SXP)

    def _symbol(self, depth: int) -> None:
        self.symbol_named(self.rng.choice(SYMBOL_NAMES))

    def _environment(self, depth: int) -> None:
        self.out.int(self.flags(n.ENVSXP, levels=0))
        self.out.int(int(self.chance(0.2)))
        self.refs.append("env")
        self._enclosure(depth)
        self._frame(depth)  # frame
        if self.chance(0.4):  # hash table
            self.out.int(n.VECSXP)
            size = self.rng.randint(1, 5)
            self.out.int(size)
            for _ in range(size):
                self._frame(depth) if self.chance(0.4) else self.out.int(NILVALUE_SXP)
        else:
            self.out.int(NILVALUE_SXP)
        if self.chance(0.2):
            self.attributes(depth)
        else:
            self.out.int(NILVALUE_SXP)

    def _enclosure(self, depth: int) -> None:
        envs = [i + 1 for i, kind in enumerate(self.refs) if kind == "env"]
        choice = self.rng.random()
        if choice < 0.3 and envs:
            self.ref(self.rng.choice(envs))
        elif choice < 0.35:
            self.out.int(NILVALUE_SXP)
        else:
            self.out.int(self.rng.choice([GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP,
                                          BASENAMESPACE_SXP]))

    def _frame(self, depth: int) -> None:
        if self.chance(0.3):
            self.out.int(NILVALUE_SXP)
            return
        for _ in range(self.rng.randint(1, 3)):
            locked = self.rng.choice([0, 0, 0, 1 << 14])  # a binding's lock bit
            self.out.int(self.flags(n.LISTSXP, tag=True, levels=locked))
            self.symbol_named(self.rng.choice(SYMBOL_NAMES))
            self.item(depth + 1)
        self.out.int(NILVALUE_SXP)

    def _reference(self, depth: int) -> None:
        if not self.refs:
            self._symbol(depth)
            return
        self.ref(self.rng.randint(1, len(self.refs)))

    def _singleton(self, depth: int) -> None:
        self.out.int(self.rng.choice([GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP,
                                      BASENAMESPACE_SXP, MISSINGARG_SXP, UNBOUNDVALUE_SXP]))

    def _altrep(self, depth: int) -> None:
        kind = self.rng.choice(["compact_intseq", "compact_realseq", "deferred_string",
                                "wrap_integer", "wrap_real", "wrap_string", "wrap_logical",
                                "unknown"])
        attr = self.chance(0.2)
        self.out.int(self.flags(ALTREP_SXP, obj=self.chance(0.1), levels=self.gp()))
        name, package, code = {
            "compact_intseq": ("compact_intseq", "base", n.INTSXP),
            "compact_realseq": ("compact_realseq", "base", n.REALSXP),
            "deferred_string": ("deferred_string", "base", n.STRSXP),
            "wrap_integer": ("wrap_integer", "base", n.INTSXP),
            "wrap_real": ("wrap_real", "base", n.REALSXP),
            "wrap_string": ("wrap_string", "base", n.STRSXP),
            "wrap_logical": ("wrap_logical", "base", n.LGLSXP),
            "unknown": ("vroom_dbl", "vroom", n.REALSXP),
        }[kind]
        for i, part in enumerate((name, package)):  # info: pairlist(class, package, type)
            self.out.int(n.LISTSXP)
            self.symbol_named(part)
        self.out.int(n.LISTSXP)
        self.out.int(n.INTSXP)
        self.out.int(1)
        self.out.int(code if self.chance(0.9) else n.REALSXP)
        self.out.int(NILVALUE_SXP)
        self._altrep_state(kind)
        if attr:
            self.attributes(depth)
        else:
            self.out.int(NILVALUE_SXP)

    def _altrep_state(self, kind: str) -> None:
        if kind in ("compact_intseq", "compact_realseq"):
            count = self.rng.choice([0, 1, 2, 5, 10, 2**31, -1, 2.5])
            first = self.rng.choice([1, -3, 0.5, 2**31 - 3, 1e10])
            step = self.rng.choice([1, 1, -1, 2, 0])
            as_int = kind == "compact_intseq" and self.chance(0.2)
            self.out.int(n.INTSXP if as_int else n.REALSXP)
            self.out.int(3)
            for value in (count, first, step):
                if as_int:
                    self.out.int(int(value) if abs(value) < 2**31 else NA_INT)
                else:
                    self.out.double(float(value))
        elif kind == "deferred_string":
            self.out.int(n.LISTSXP)
            self._atomic_of(self.rng.choice([n.INTSXP, n.REALSXP, n.STRSXP]))
            self.out.int(n.INTSXP)  # scipen
            self.out.int(1)
            self.out.int(self.rng.choice([0, 0, 5, -3]))
        elif kind.startswith("wrap_"):
            self.out.int(n.LISTSXP)
            code = {"wrap_integer": n.INTSXP, "wrap_real": n.REALSXP,
                    "wrap_string": n.STRSXP, "wrap_logical": n.LGLSXP}[kind]
            self._atomic_of(code if self.chance(0.9) else n.RAWSXP)
            self.out.int(n.INTSXP)  # metadata: sortedness, no NA
            self.out.int(2)
            self.out.int(self.rng.choice([0, 1, -1, NA_INT]))
            self.out.int(self.rng.choice([0, 1]))
        else:
            self._atomic_of(n.RAWSXP)

    def _atomic_of(self, code: int) -> None:
        count = self.rng.randint(0, 4)
        self.out.int(code)
        self.out.int(count)
        for _ in range(count):
            if code == n.REALSXP:
                self.out.double(self.rng.choice(DOUBLES))
            elif code == n.STRSXP:
                self.chars()
            elif code != n.RAWSXP:
                self.out.int(self.rng.choice(INTS))
        if code == n.RAWSXP:
            self.out.raw(bytes(range(count)))

    def _s4(self, depth: int) -> None:
        self.out.int(self.flags(n.S4SXP, attr=True, obj=True, levels=16))
        self.out.int(self.flags(n.LISTSXP, tag=True))
        self.symbol_named("x")
        self._atomic(depth + 1)
        self.out.int(self.flags(n.LISTSXP, tag=True))
        self.symbol_named("class")
        self.out.int(self.flags(n.STRSXP, attr=True))
        self.out.int(1)
        self.chars(text=b"Pt", levels=64)
        self.out.int(self.flags(n.LISTSXP, tag=True))
        self.symbol_named("package")
        self.out.int(n.STRSXP)
        self.out.int(1)
        self.chars(text=b".GlobalEnv", levels=64)
        self.out.int(NILVALUE_SXP)
        self.out.int(NILVALUE_SXP)

    def _external_pointer(self, depth: int) -> None:
        attr = self.maybe_attributes()
        self.out.int(self.flags(n.EXTPTRSXP, attr, levels=self.gp()))
        self.refs.append("extptr")
        self.item(depth + 1)  # protected
        self.item(depth + 1)  # tag
        self.end(attr, depth)

    def _weak_ref(self, depth: int) -> None:
        attr = self.chance(0.1)
        self.out.int(self.flags(n.WEAKREFSXP, attr))
        self.refs.append("weakref")
        self.end(attr, depth)

    def _primitive(self, depth: int) -> None:
        name, code = self.rng.choice(list(PRIMITIVES.items()))
        if self.chance(0.1):
            code = n.SPECIALSXP + n.BUILTINSXP - code
        self.out.int(self.flags(code))
        self.out.int(len(name))
        self.out.chars(name.encode())

    def _closure(self, depth: int) -> None:
        attr = self.chance(0.1)
        self.out.int(self.flags(n.CLOSXP, attr, tag=True, obj=attr))
        if attr:
            self.attributes(depth)
        self._enclosure(depth)
        if self.chance(0.7):  # formals
            self._pairlist(depth, n.LISTSXP)
        else:
            self.out.int(NILVALUE_SXP)
        self.item(depth + 1)  # body

    def _promise(self, depth: int) -> None:
        forced = self.chance(0.5)
        self.out.int(self.flags(n.PROMSXP, tag=not forced))
        if not forced:
            self._enclosure(depth)
        if forced:
            self.item(depth + 1)  # value
        else:
            self.out.int(UNBOUNDVALUE_SXP)
        self.item(depth + 1)  # code

    def _named_env(self, depth: int) -> None:
        code, names = self.rng.choice([(NAMESPACESXP, [b"stats", b"4.2.2"]),
                                       (NAMESPACESXP, [b"utils", b"4.2.2"]),
                                       (PACKAGESXP, [b"package:stats"]),
                                       (PACKAGESXP, [b"package:nosuchpkg"])])
        self.out.int(code)
        self.out.int(0)
        self.out.int(len(names))
        for text in names:
            self.chars(text=text, levels=64)
        self.refs.append("named env")


def header(out: Emitter, version: int, encoding: bytes = b"UTF-8") -> None:
    out.out += {"xdr": b"X\n", "binary": b"B\n", "ascii": b"A\n"}[out.fmt]
    out.int(version)
    out.int(R_VERSION)
    out.int(MIN_READERS[version])
    if version == 3:
        out.int(len(encoding))
        out.chars(encoding)


def generate(rng: random.Random) -> tuple[str, bytes]:
    """A random well-formed stream, and a word on its format."""
    fmt = rng.choice(["xdr", "xdr", "binary", "ascii"])
    version = rng.choice([3, 3, 2])
    out = Emitter(fmt)
    header(out, version, rng.choice([b"UTF-8"] * 6 + [b"latin1", b"ISO-8859-1", b"CP1252"]))
    Grammar(rng, out).item(0)
    return f"{fmt} v{version}", bytes(out.out)
