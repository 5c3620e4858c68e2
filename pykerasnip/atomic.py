"""Atomic file writes: a file is either complete or untouched (temp file + rename)."""
from __future__ import annotations

import os
import tempfile
from typing import Iterable


def _new_file_mode() -> int:
    """The permissions ``open()`` would give a new file (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: "str | os.PathLike", chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``path`` through a temporary file in the same directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pykerasnip-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(chunks)
        os.chmod(tmp, _new_file_mode())  # mkstemp's 0600 would outlive the rename
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
