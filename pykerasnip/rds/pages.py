"""Big arrays written once, in full, right after they are made (a read's vectors, the
columns row blocks are stacked into), on the system's base memory pages.

NumPy advises transparent huge pages for every array of 4 MiB or more. On the virtual
machines measured here, writing fresh huge pages costs about five times what base pages
cost (1.9 against 0.36 ms per MB; the kernel reported no compaction, so the cost is in
backing the fresh 2 MiB pages), unless free ones happen to be ready. A 160 MB read took
0.57-0.63 s on fresh huge pages and 0.34 s on base pages, the pages R's allocator gets.
Arrays filled once from start to end gain little from huge pages. The advice is given
per array: NumPy's process-wide switch is left as it is.
"""
from __future__ import annotations

import ctypes
import mmap

import numpy as np

#: NumPy's threshold for advising huge pages
LARGE = 4 << 20


def _madvise() -> "ctypes._CFuncPtr | None":
    if not hasattr(mmap, "MADV_NOHUGEPAGE"):  # Linux only
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    call.restype = ctypes.c_int
    return call


_MADVISE = _madvise()


def fresh(count: int, dtype: "np.dtype | str") -> np.ndarray:
    """An uninitialised array of ``count`` elements, to be written once, in full."""
    values = np.empty(count, dtype)
    if _MADVISE is not None and values.nbytes >= LARGE:
        address = values.ctypes.data
        start = -(-address // mmap.PAGESIZE) * mmap.PAGESIZE
        end = (address + values.nbytes) // mmap.PAGESIZE * mmap.PAGESIZE
        _MADVISE(start, end - start, mmap.MADV_NOHUGEPAGE)  # advice: a refusal costs nothing
    return values
