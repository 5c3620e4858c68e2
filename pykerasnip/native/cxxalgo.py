"""libstdc++ (GCC 12) sorting algorithms, step for step.

R packages written in C++ (RcppRoll, ddalpha) sort with ``std::sort`` and
``std::partial_sort_copy``. Neither is stable, and with NaN (which compares false both
ways) the order they leave depends on their exact sequence of comparisons and moves, so
replaying a package bit for bit means replaying these algorithms: introsort (median of
three, depth limit ``2 * floor(log2 n)``, heapsort fallback, insertion sort of runs of 16)
and the heap routines behind ``partial_sort_copy``.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, MutableSequence, Sequence
from typing import Any

Less = Callable[[Any, Any], bool]

_THRESHOLD = 16


# --------------------------------------------------------------------------- heaps
def _push_heap(a: MutableSequence, first: int, hole: int, top: int, value: Any, less: Less) -> None:
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _adjust_heap(a: MutableSequence, first: int, hole: int, length: int, value: Any,
                 less: Less) -> None:
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    _push_heap(a, first, hole, top, value, less)


def _make_heap(a: MutableSequence, first: int, last: int, less: Less) -> None:
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, length, a[first + parent], less)


def _pop_heap(a: MutableSequence, first: int, last: int, result: int, less: Less) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _sort_heap(a: MutableSequence, first: int, last: int, less: Less) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last, less)


def partial_sort_copy(values: Sequence, k: int, less: Less = operator.lt) -> list:
    """``std::partial_sort_copy`` of ``values`` into ``k`` slots: a heap of the first
    ``k`` values, replaced by each smaller later value, then heap-sorted."""
    heap = list(values[:k])
    _make_heap(heap, 0, len(heap), less)
    for value in values[k:]:
        if heap and less(value, heap[0]):
            _adjust_heap(heap, 0, 0, len(heap), value, less)
    _sort_heap(heap, 0, len(heap), less)
    return heap


# --------------------------------------------------------------------------- std::sort
def _move_median_to_first(a: MutableSequence, result: int, i: int, j: int, k: int,
                          less: Less) -> None:
    if less(a[i], a[j]):
        pick = j if less(a[j], a[k]) else (k if less(a[i], a[k]) else i)
    elif less(a[i], a[k]):
        pick = i
    else:
        pick = k if less(a[j], a[k]) else j
    a[result], a[pick] = a[pick], a[result]


def _unguarded_partition(a: MutableSequence, first: int, last: int, pivot: int, less: Less) -> int:
    while True:
        while less(a[first], a[pivot]):
            first += 1
        last -= 1
        while less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _introsort_loop(a: MutableSequence, first: int, last: int, depth: int, less: Less) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            _make_heap(a, first, last, less)
            _sort_heap(a, first, last, less)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _move_median_to_first(a, first, first + 1, mid, last - 1, less)
        cut = _unguarded_partition(a, first + 1, last, first, less)
        _introsort_loop(a, cut, last, depth, less)
        last = cut


def _unguarded_linear_insert(a: MutableSequence, last: int, less: Less) -> None:
    value = a[last]
    while less(value, a[last - 1]):
        a[last] = a[last - 1]
        last -= 1
    a[last] = value


def _insertion_sort(a: MutableSequence, first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            value = a[i]
            a[first + 1:i + 1] = a[first:i]
            a[first] = value
        else:
            _unguarded_linear_insert(a, i, less)


def sort(values: Sequence, less: Less = operator.lt) -> list:
    """``std::sort`` of ``values`` under ``less`` (a new list)."""
    a = list(values)
    n = len(a)
    if n:
        _introsort_loop(a, 0, n, 2 * (n.bit_length() - 1), less)
        if n > _THRESHOLD:
            _insertion_sort(a, 0, _THRESHOLD, less)
            for i in range(_THRESHOLD, n):
                _unguarded_linear_insert(a, i, less)
        else:
            _insertion_sort(a, 0, n, less)
    return a
