"""R formula (and expression) text <-> R language trees, with R's ``deparse``.

:func:`parse` reads the expression subset formulas use -- names, backquoted names,
numbers, strings, R's operators with R's precedence, calls with named arguments,
``$`` and ``[[`` -- into :class:`~pykerasnip.rds.nodes.Lang` trees like R's parser.
:func:`deparse` writes such trees back the way R prints them (``I(hp/100)``,
``a + b``, ``poly(wt, 2)``), which is how R names model-frame and model-matrix columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import SpecError, UnsupportedObjectError
from ..rds.limits import DEFAULT_LIMITS
from ..rds.nodes import (NA_INTEGER, Integer, Lang, List, Logical, Real, Str, Sym,
                         is_na_real, pairlist)
from ..rds.walk import drive, nested_deeper

# Binary operators: name -> (left binding power, right binding power), R's ?Syntax order.
BINARY: dict[str, tuple[int, int]] = {
    "~": (10, 11), "||": (20, 21), "|": (20, 21), "&&": (30, 31), "&": (30, 31),
    "==": (50, 51), "!=": (50, 51), "<": (50, 51), ">": (50, 51), "<=": (50, 51), ">=": (50, 51),
    "+": (60, 61), "-": (60, 61), "*": (70, 71), "/": (70, 71), "%%": (80, 81),
    ":": (90, 91), "^": (111, 110), "$": (120, 121), "@": (120, 121),
    "::": (140, 141), ":::": (140, 141),
}
PREFIX: dict[str, int] = {"~": 11, "!": 40, "-": 100, "+": 100}
CALL_POWER = 130
#: operators R deparses without surrounding spaces
TIGHT = frozenset({"/", "^", ":", "$", "@", "%%", "%/%", "::", ":::"})
#: Deepest call nesting that parsing, evaluating and analysing formulas and stored
#: expressions accept (they follow the tree on the interpreter's stack). R refuses past
#: 5,000 (``options(expressions)``); formulas and recipe steps nest a few levels.
MAX_NESTING = 100
KEYWORDS: dict[str, Any] = {
    "TRUE": Logical([1]), "FALSE": Logical([0]), "NA": Logical([NA_INTEGER]),
    "NULL": None, "Inf": Real([np.inf]), "NaN": Real([np.nan]),
    "NA_integer_": Integer([NA_INTEGER]), "NA_character_": Str([None]),
}
RESERVED = frozenset(KEYWORDS) | {"if", "else", "repeat", "while", "function", "for", "next",
                                  "break", "in", "NA_real_", "NA_complex_"}
TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>0[xX][0-9a-fA-F]+L?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?L?)
  | (?P<name>(?:[^\W\d_]|\.(?![0-9]))[\w.]*|\.)
  | (?P<backtick>`(?:[^`\\]|\\.)*`)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>%[^%]*%|:::|::|\|\||&&|==|!=|<=|>=|\[\[|[-+*/^~:$@<>!&|()\[\],=])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split R source text into tokens (whitespace dropped)."""
    tokens, pos = [], 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            raise SpecError(f"cannot parse {text!r}: unexpected {text[pos]!r} at position {pos}")
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", pos))
    return tokens


def call(function: str | Any, *args: Any, **named: Any) -> Lang:
    """Build the R call ``function(args..., name = value...)``."""
    head = Sym(function) if isinstance(function, str) else function
    items = [(None, head)] + [(None, a) for a in args] + list(named.items())
    return pairlist(items, cls=Lang)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.advance()
        if token.text != text:
            self.fail(token, f"expected {text!r}")

    def fail(self, token: Token, why: str) -> None:
        found = token.text or "end of input"
        text = self.text if len(self.text) <= 200 else self.text[:200] + "..."
        raise SpecError(f"cannot parse {text!r}: {why}, found {found!r} at position {token.pos}")

    def expression(self, power: int = 0) -> Any:
        if self.depth >= MAX_NESTING:
            self.fail(self.peek(), f"expressions nested more than {MAX_NESTING} levels deep")
        self.depth += 1
        try:
            return self._expression(power)
        finally:
            self.depth -= 1

    def _expression(self, power: int) -> Any:
        left = self.prefix()
        while True:
            token = self.peek()
            op = "%%" if token.kind == "op" and token.text.startswith("%") else token.text
            if token.kind == "op" and token.text in ("(", "[[", "[") and CALL_POWER > power:
                left = self.postfix(left)
                continue
            if token.kind != "op" or op not in BINARY or BINARY[op][0] <= power:
                return left
            self.advance()
            left = call(token.text, left, self.expression(BINARY[op][1]))

    def prefix(self) -> Any:
        token = self.advance()
        if token.kind == "number":
            return parse_number(token.text)
        if token.kind == "string":
            return Str([_unescape(token.text[1:-1])])
        if token.kind == "backtick":
            return Sym(_unescape(token.text[1:-1]))
        if token.kind == "name":
            if token.text in RESERVED and token.text not in KEYWORDS:
                self.fail(token, "R control flow is not supported")
            return KEYWORDS[token.text] if token.text in KEYWORDS else Sym(token.text)
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return call("(", inner)
        if token.text in PREFIX:
            return call(token.text, self.expression(PREFIX[token.text]))
        self.fail(token, "unexpected token")

    def postfix(self, function: Any) -> Lang:
        opener = self.advance().text
        closer = {"(": ")", "[": "]", "[[": "]]"}[opener]
        items: list[tuple[str | None, Any]] = [(None, function)]
        if opener != "(":
            items = [(None, Sym(opener)), (None, function)]
        while not self._at_close(closer):
            items.append(self.argument())
            if self.peek().text == ",":
                self.advance()
        self._close(closer)
        return pairlist(items, cls=Lang)

    def _at_close(self, closer: str) -> bool:
        return self.peek().text == closer[0]

    def _close(self, closer: str) -> None:
        for char in closer:
            self.expect(char)

    def argument(self) -> tuple[str | None, Any]:
        token, following = self.peek(), self.tokens[self.i + 1]
        if token.kind in ("name", "backtick", "string") and following.text == "=":
            self.i += 2
            name = token.text[1:-1] if token.kind != "name" else token.text
            return name, self.expression()
        return None, self.expression()


def parse(text: str) -> Any:
    """Parse one R expression (e.g. a formula ``"y ~ log(x) + z"``) into an R tree."""
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek().kind != "end":
        parser.fail(parser.peek(), "unexpected trailing input")
    return tree


def check_nesting(node: Any, what: str) -> None:
    """Refuse ``node`` (``what`` names it) when its calls nest deeper than
    :data:`MAX_NESTING` levels."""
    if nested_deeper(node, MAX_NESTING):
        raise UnsupportedObjectError(f"{what} nests calls more than {MAX_NESTING} levels deep, "
                                     "more than pykerasnip evaluates")


def parse_number(text: str) -> Real | Integer:
    """An R numeric literal: ``1``, ``1.5e3``, ``0x1F`` (double) or ``2L`` (integer)."""
    is_integer = text.endswith("L")
    body = text[:-1] if is_integer else text
    value = float(int(body, 16)) if body.lower().startswith("0x") else float(body)
    return Integer([int(value)]) if is_integer else Real([value])


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


# --------------------------------------------------------------------------- deparse
def format_double(x: float) -> str:
    """A double as R prints it with 15 significant digits (``1e+05``, ``0.1``, ``123456``)."""
    if np.isnan(x):
        return "NA" if is_na_real(np.array([x]))[0] else "NaN"
    if np.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    target = float(f"{x:.14e}")
    digits = next(d for d in range(1, 16) if float(f"{x:.{d - 1}e}") == target)
    exponent = int(f"{x:.{digits - 1}e}".split("e")[1])
    sign = 1 if x < 0 else 0
    decimals = max(0, digits - 1 - exponent)
    fixed_width = sign + max(exponent, 0) + 1 + (decimals + 1 if decimals else 0)
    sci_width = sign + digits + (1 if digits > 1 else 0) + (4 if abs(exponent) < 100 else 5)
    if fixed_width <= sci_width:
        return f"{x:.{decimals}f}"
    mantissa, exp = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa}e{exp[0]}{int(exp[1:]):02d}"


def is_syntactic(name: str) -> bool:
    """R's syntactic-name rule in a UTF-8 locale, where any Unicode letter or decimal
    digit counts ("city_São.Paulo" needs no backquotes, "x²" does)."""
    if not name or name in RESERVED or not all(c.isalpha() or c.isdecimal() or c in "._" for c in name):
        return False
    return name[0].isalpha() or (name[0] == "." and not name[1:2].isdecimal())


def deparse_name(name: str) -> str:
    """A symbol as R prints it: backquoted unless syntactic."""
    return name if is_syntactic(name) else f"`{name}`"


def _deparse_string(value: str | None) -> str:
    if value is None:
        return "NA"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _deparse_atoms(node: Real | Integer | Logical | Str) -> list[str]:
    if isinstance(node, Str):
        return [_deparse_string(v) for v in node.values]
    if isinstance(node, Real):
        return [format_double(v) for v in node.data]
    missing = node.data == NA_INTEGER
    if isinstance(node, Logical):
        return ["NA" if m else ("TRUE" if v else "FALSE") for v, m in zip(node.data, missing)]
    return ["NA" if m else f"{v}L" for v, m in zip(node.data, missing)]


def _deparse_atomic(node: Real | Integer | Logical | Str) -> str:
    atoms = _deparse_atoms(node)
    names = node.names
    if len(atoms) == 1 and names is None:
        return atoms[0]
    labelled = list(zip(names, atoms)) if names else [(None, a) for a in atoms]
    return "c(" + ", ".join(f"{deparse_name(n)} = {a}" if n else a for n, a in labelled) + ")"


def _operator(node: Lang) -> str | None:
    fn = node.function
    return fn.name if isinstance(fn, Sym) else None


def _power(node: Any) -> int | None:
    """The binding power of a binary-operator call, None for anything else."""
    op = _operator(node) if isinstance(node, Lang) else None
    if op is None or len(node.args) != 2:
        return None
    key = "%%" if op.startswith("%") else op
    return BINARY[key][0] if key in BINARY else None


def _binary_minimums(op: str) -> tuple[int, int]:
    left, right = BINARY["%%" if op.startswith("%") else op]
    return (left, right) if left < right else (left + 1, left)


def deparse(node: Any) -> str:
    """R's ``deparse`` of a call or constant, for the shapes formulas use, however deeply
    it nests (the pending work is kept on a heap stack, see :mod:`..rds.walk`)."""
    return drive(_deparse_step, node, _DEPARSE_STACK, _too_deep_to_deparse)


#: Pending steps :func:`deparse` may keep: several per level of any tree a read may make.
_DEPARSE_STACK = 4 * DEFAULT_LIMITS.max_depth


def _too_deep_to_deparse() -> UnsupportedObjectError:
    return UnsupportedObjectError(f"cannot deparse a call nested deeper than "
                                  f"{_DEPARSE_STACK // 4:,} levels")


# Each step returns a text, or a generator that yields the nodes (or sub-steps) whose text
# it needs and is sent that text back.
def _deparse_step(node: Any) -> Any:
    if isinstance(node, Sym):
        return deparse_name(node.name)
    if isinstance(node, Lang):
        return _deparse_call(node)
    if node is None:
        return "NULL"
    if isinstance(node, List):
        return _deparse_list(node)
    return _deparse_atomic(node)


def _deparse_list(node: List) -> Any:
    inner = yield _deparse_args(list(node.items()))
    return f"list({inner})"


def _deparse_args(args: list[tuple[str | None, Any]]) -> Any:
    parts = []
    for name, value in args:
        text = yield value
        parts.append(f"{deparse_name(name)} = {text}" if name else text)
    return ", ".join(parts)


def _operand(node: Any, minimum: int) -> Any:
    """An operand's text, parenthesised when its operator binds looser than ``minimum``."""
    power = _power(node)
    text = yield node
    return f"({text})" if power is not None and power < minimum else text


def _deparse_call(node: Lang) -> Any:
    op, args = _operator(node), node.args
    if op == "(":
        inner = yield args[0][1]
        return f"({inner})"
    if op in ("[[", "[") and len(args) >= 1:
        close = "]]" if op == "[[" else "]"
        target = yield args[0][1]
        inner = yield _deparse_args(args[1:])
        return f"{target}{op}{inner}{close}"
    if op is not None and len(args) == 2 and (op in BINARY or op.startswith("%") or op in TIGHT):
        sep = op if op in TIGHT else f" {op} "
        left_min, right_min = _binary_minimums(op)
        left = yield _operand(args[0][1], left_min)
        right = yield _operand(args[1][1], right_min)
        return f"{left}{sep}{right}"
    if op in PREFIX and len(args) == 1:
        operand = yield _operand(args[0][1], PREFIX[op])
        return f"{op}{operand}"
    head = deparse_name(op) if op is not None else (yield node.function)
    inner = yield _deparse_args(args)
    return f"{head}({inner})"
