"""Walk arbitrarily deep trees without recursion.

R objects nest as deep as R lets them (lists in lists, calls in calls); following them
with Python recursion would either overflow the interpreter's stack or need a higher
process-wide recursion limit, which endangers every other thread. Walkers here are
written as generators instead: a step that needs the result of a child *yields* the
child and is sent the result back, and :func:`drive` keeps the pending steps on an
explicit stack. Depth then costs heap memory only, bounded by ``max_depth``.
"""
from __future__ import annotations

from types import GeneratorType
from typing import Any, Callable


def drive(step: Callable[[Any], Any], root: Any, max_depth: int,
          too_deep: Callable[[], Exception]) -> Any:
    """The result of ``step(root)`` (of ``root`` itself when it is a generator).

    ``step(x)`` returns either a final value or a generator. A generator yields
    requests -- each passed to ``step`` in turn, or, when it is itself a generator, run
    as a sub-step -- and is sent each request's result; its return value is its result
    (a returned generator runs in its place, as a tail call).
    More than ``max_depth`` pending generators raise ``too_deep()``.
    """
    stack: list = []
    push, pop = stack.append, stack.pop
    value = root if type(root) is GeneratorType else step(root)
    while True:
        if type(value) is GeneratorType:
            if len(stack) >= max_depth:
                raise too_deep()
            push(value)
            sent = None
        elif not stack:
            return value
        else:
            sent = value
        try:
            request = stack[-1].send(sent)
        except StopIteration as done:
            pop()
            value = done.value
            continue
        value = request if type(request) is GeneratorType else step(request)


def nested_deeper(node: Any, limit: int) -> bool:
    """Do the calls and pairlists in ``node`` nest (through their elements) more than
    ``limit`` levels? For guarding recursive printers; each cell is looked at once."""
    from .nodes import Cons

    stack, seen = [(node, 0)], set()
    while stack:
        cell, depth = stack.pop()
        if depth > limit:
            return True
        while isinstance(cell, Cons) and id(cell) not in seen:
            seen.add(id(cell))
            stack.append((cell.car, depth + 1))
            cell = cell.cdr
    return False
