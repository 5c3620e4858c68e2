"""Process a big frame in blocks of rows on a few threads, with the result of one piece.

:func:`in_blocks` cuts a frame into blocks of :attr:`Blocking.rows` rows, runs a
row-by-row function (a recipe's bake, hardhat's forge) on each block in a small thread
pool (NumPy and pandas release the GIL in big array operations, and a block's arrays
stay in the cache) and stacks the results. The caller vouches that the function treats
every row alone; the result is checked to be a frame of the same columns and types in
every block, else the function runs again on the whole frame.

Warnings about rows go through :func:`warn_rows`: in one piece it warns at once; within
blocks it keeps the rows the warning is about, and once every block is done the
warning is given once, for the rows of all blocks (what one piece would have said).
"""
from __future__ import annotations

import contextlib
import contextvars
import graphlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable, Hashable, Iterator

import numpy as np
import pandas as pd

from .rds.pages import fresh

#: (site, rows or None, emit) recorded by one block; see :func:`warn_rows`
Entry = tuple[Hashable, Any, Callable[[Any], None]]


@dataclass(frozen=True)
class Blocking:
    """When and how frames are processed in blocks."""

    #: rows per block; frames of no more rows are processed in one piece
    rows: int = 250_000
    #: threads of the pool (created once, on first use)
    workers: int = os.cpu_count() or 1


SETTINGS = Blocking()
#: (process id, workers) -> the pool of that many threads: a forked child makes its own
#: (the parent's threads do not exist in it)
_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
_POOL_LOCK = threading.Lock()
#: the warnings of the block being processed (None outside blocks)
_SINK: contextvars.ContextVar[list[Entry] | None] = contextvars.ContextVar(
    "pykerasnip_block_warnings", default=None)
#: the position of the block's first row in the whole frame
_OFFSET: contextvars.ContextVar[int] = contextvars.ContextVar("pykerasnip_block_offset", default=0)


@contextlib.contextmanager
def blocking(**changes: int) -> Iterator[Blocking]:
    """Within: blocks as ``changes`` say (``blocking(rows=7)`` splits every frame of
    more than 7 rows in blocks of 7 rows)."""
    global SETTINGS
    saved = SETTINGS
    SETTINGS = replace(saved, **changes)
    try:
        yield SETTINGS
    finally:
        SETTINGS = saved


def _pool(workers: int) -> ThreadPoolExecutor:
    key = (os.getpid(), workers)
    with _POOL_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pykerasnip-rows")
        return _POOLS[key]


def in_block() -> bool:
    """Is a block of a bigger frame being processed (in this thread)?"""
    return _SINK.get() is not None


def row_offset() -> int:
    """The position in the whole frame of the current block's first row (0 in one piece)."""
    return _OFFSET.get()


def warn_rows(site: Hashable, rows: Any, emit: Callable[[Any], None]) -> None:
    """``emit(rows)``: give the warning about ``rows`` (a Series or array; an empty or a
    None one warns of nothing, but marks the site as passed). Within blocks it is given
    after all blocks, once per site, for the rows of every block in order; ``emit``
    must then say of concatenated rows what it says of the whole frame's."""
    sink = _SINK.get()
    if sink is None:
        if rows is not None and len(rows):
            emit(rows)
    else:
        sink.append((site, rows, emit))


def splits(rows: int) -> bool:
    """Would a frame of ``rows`` rows be processed in blocks (outside a block)?"""
    return not in_block() and rows > SETTINGS.rows


def in_blocks(frame: pd.DataFrame, process: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """``process(frame)``, computed block by block when ``frame`` is big enough (see
    :data:`SETTINGS`), the blocks' results stacked with a fresh index. ``process`` must
    treat each row alone and give a frame with one row per row."""
    settings, n = SETTINGS, len(frame)
    if not splits(n):
        return process(frame)
    starts = range(0, n, settings.rows)
    parent = contextvars.copy_context()
    stack = _Stack(n)

    def run(start: int) -> list[Entry]:
        sink: list[Entry] = []

        def inside() -> None:
            _SINK.set(sink)
            _OFFSET.set(start)
            rows = frame.iloc[start:start + settings.rows]
            stack.put(start, len(rows), process(rows))
        parent.copy().run(inside)
        return sink

    try:
        sinks = list(_pool(settings.workers).map(run, starts))
    except Exception:  # noqa: BLE001 (one piece raises the error one piece raises)
        return process(frame)
    out = stack.frame()
    if out is None:
        return process(frame)
    _emit_merged(sinks)
    return out


class _Stack:
    """The blocks' results, stacked by the threads that make them: each number column
    is written into one array of all rows (so a block's result is freed as soon as it
    is made, and the fresh memory of the whole is touched by every thread), other
    columns are concatenated at the end. The first block done sets the columns and
    types every block must have."""

    def __init__(self, rows: int):
        self.rows = rows
        self.lock = threading.Lock()
        self.layout: tuple | None = None
        self.columns: pd.Index | None = None
        self.arrays: dict[Any, np.ndarray] = {}
        self.pieces: dict[int, pd.DataFrame] = {}
        self.failed = False

    def put(self, start: int, rows: int, part: Any) -> None:
        """Stack ``part``, the result of the ``rows`` rows from row ``start``."""
        with self.lock:
            if not isinstance(part, pd.DataFrame) or len(part) != rows:
                self.failed = True
            elif self.layout is None:
                self._shape_like(part)
            elif _layout(part) != self.layout:
                self.failed = True
            if self.failed:
                return
        for name, values in self.arrays.items():
            values[start:start + len(part)] = part[name].to_numpy()
        rest = part.drop(columns=list(self.arrays)) if self.arrays else part
        with self.lock:
            self.pieces[start] = rest

    def _shape_like(self, first: pd.DataFrame) -> None:
        self.layout, self.columns = _layout(first), first.columns
        if first.columns.is_unique and isinstance(first.index, pd.RangeIndex):
            self.arrays = {name: fresh(self.rows, dtype)
                           for name, dtype in first.dtypes.items()
                           if isinstance(dtype, np.dtype) and dtype.kind in "biuf"}

    def frame(self) -> pd.DataFrame | None:
        """The stacked frame (None when blocks disagreed or rows are missing)."""
        if self.failed:
            return None
        rest = pd.concat([self.pieces[start] for start in sorted(self.pieces)], ignore_index=True)
        if not self.arrays:
            return rest
        columns = {**self.arrays, **{name: rest[name] for name in rest.columns}}
        return pd.DataFrame({name: columns[name] for name in self.columns}, copy=False)


def _layout(frame: pd.DataFrame) -> tuple:
    """Column names and exact types (a categorical's levels in order, ordered)."""
    return tuple((name, str(dtype), tuple(dtype.categories) if isinstance(dtype, pd.CategoricalDtype)
                  else None) for name, dtype in frame.dtypes.items())


def _emit_merged(sinks: list[list[Entry]]) -> None:
    """Every site's warning once, for the rows of all blocks, sites in the order one
    piece passes them (each block passes them in that order, some maybe not all)."""
    keyed: list[list[tuple[Hashable, Any, Callable[[Any], None]]]] = []
    for sink in sinks:
        seen: dict[Hashable, int] = {}
        entries = []
        for site, rows, emit in sink:  # a site passed twice is two sites
            seen[site] = seen.get(site, -1) + 1
            entries.append(((site, seen[site]), rows, emit))
        keyed.append(entries)
    order = _site_order([[key for key, _, _ in entries] for entries in keyed])
    for key in order:
        found = [(rows, emit) for entries in keyed for k, rows, emit in entries
                 if k == key and rows is not None and len(rows)]
        if found:
            found[0][1](_concat([rows for rows, _ in found]))


def _site_order(sequences: list[list[Hashable]]) -> list[Hashable]:
    """One order of the sites consistent with every block's."""
    sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
    first: dict[Hashable, None] = {}
    for sequence in sequences:
        for before, after in zip([None, *sequence], sequence):
            first.setdefault(after)
            if before is None:
                sorter.add(after)
            else:
                sorter.add(after, before)
    try:
        return list(sorter.static_order())
    except graphlib.CycleError:
        return list(first)


def _concat(parts: list[Any]) -> Any:
    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], pd.Series):
        return pd.concat(parts, ignore_index=True)
    return np.concatenate(parts)
