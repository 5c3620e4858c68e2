"""Atomic file writes: the target is its old whole self or the new whole file, even when
the writer is killed, and a killed writer leaves nothing behind.

On Linux the bytes go to an unnamed temporary file (``O_TMPFILE``) that gets a name only
for the instant between ``linkat`` and ``rename``. Elsewhere, or where the file system or
the process's privileges refuse that, a named temporary file ``.pykerasnip-HOST-PID-*.tmp``
is used; the next write in the same folder removes the ones whose writer is dead (or that
are older than an hour). A target keeps its permission bits (and owner, where permitted);
a new file gets what ``open()`` gives (0666 less the umask). Symbolic links are never
replaced or written through silently.
"""
from __future__ import annotations

import ctypes
import errno
import functools
import io
import os
import re
import secrets
import socket
import stat
import time
from contextlib import contextmanager, suppress
from typing import BinaryIO, Callable, Iterable, Iterator

from .errors import UnsafeWriteError

_PREFIX = ".pykerasnip-"
_HOST = re.sub(r"[^A-Za-z0-9.]", "", socket.gethostname()) or "host"
#: temporary names: this version's, and the older random-only ones (judged by age alone)
_TEMP_NAME = re.compile(r"\.pykerasnip-(?:(?P<host>[A-Za-z0-9.]+)-(?P<pid>\d+)-)?\w+\.tmp")
#: a temporary file whose writer cannot be identified is stale after this many seconds
STALE_AFTER = 3600.0
#: write through unnamed temporary files where the system has them (tests turn it off)
_UNNAMED = hasattr(os, "O_TMPFILE")
_AT_FDCWD, _AT_EMPTY_PATH = -100, 0x1000

Linker = Callable[[int, str], None]


def write_atomically(path: "str | os.PathLike", chunks: Iterable[bytes], *,
                     follow_symlinks: bool = False, size: int | None = None) -> None:
    """Write ``chunks`` to ``path`` atomically (see :func:`atomic_file`); ``size``, when
    known, is their total length."""
    with atomic_file(path, follow_symlinks=follow_symlinks, size=size) as fh:
        fh.writelines(chunks)


@contextmanager
def atomic_file(path: "str | os.PathLike", *, follow_symlinks: bool = False,
                size: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the ``with`` block ends without error
    (file and folder synced to disk); on error or a kill, ``path`` is left as it was.
    ``size`` (the length to be written, when known) lets the file system reserve it.

    A symbolic link at ``path`` raises :class:`~pykerasnip.errors.UnsafeWriteError`
    unless ``follow_symlinks`` is true, which writes to the file the link points to."""
    target = write_target(path, follow_symlinks=follow_symlinks)
    directory = os.path.dirname(target)
    clean_stale_temporaries(directory)
    existing = _lstat(target)
    temp = _Temporary.create(directory, existing)
    try:
        if size and hasattr(os, "posix_fallocate"):
            with suppress(OSError):  # only a hint: some file systems cannot
                os.posix_fallocate(temp.fd, 0, size)
        raw = _WritingBack(temp.fd)
        with io.BufferedWriter(raw) as fh:
            yield fh
        if size and raw.written != size:  # the reservation set the length
            os.ftruncate(temp.fd, raw.written)
        os.fsync(temp.fd)
        temp.commit(target)
    finally:
        temp.discard()
    _fsync_directory(directory)


#: written bytes after which the system is asked to start writing them to disk
_WRITEBACK = 8 << 20
_SYNC_FILE_RANGE_WRITE = 2


class _WritingBack(io.FileIO):
    """The temporary file, unbuffered: every few MiB written, the system starts writing
    them to disk (Linux ``sync_file_range``), so the final ``fsync`` has little left to
    wait for."""

    def __init__(self, fd: int):
        super().__init__(fd, "wb", closefd=False)
        self.written = self.started = 0

    def write(self, data) -> int:
        count = super().write(data)
        self.written += count
        if self.written - self.started >= _WRITEBACK:
            _start_writeback(self.fileno(), self.started, self.written - self.started)
            self.started = self.written
        return count


@functools.cache
def _sync_file_range() -> "Callable[[int, int, int, int], int] | None":
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):  # not Linux
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return function


def _start_writeback(fd: int, offset: int, length: int) -> None:
    function = _sync_file_range()
    if function is not None:
        function(fd, offset, length, _SYNC_FILE_RANGE_WRITE)  # a hint: errors do not matter


def write_target(path: "str | os.PathLike", *, follow_symlinks: bool = False) -> str:
    """The absolute path a write to ``path`` replaces; refuses links (unless followed),
    folders and anything else that is not a regular file."""
    target = os.path.abspath(os.fspath(path))
    if os.path.islink(target):
        if not follow_symlinks:
            raise UnsafeWriteError(
                f"{target} is a symbolic link (to {os.readlink(target)}); pykerasnip does not "
                "replace or write through links silently: pass follow_symlinks=True "
                "(command line: --follow-symlinks) to write to the file it points to")
        target = os.path.realpath(target)
    st = _lstat(target)
    if st is None or stat.S_ISREG(st.st_mode):
        return target
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    kind = "a symbolic link loop" if stat.S_ISLNK(st.st_mode) else "not a regular file"
    raise UnsafeWriteError(f"{target} is {kind}; pykerasnip only replaces regular files")


def clean_stale_temporaries(directory: str) -> None:
    """Remove the temporary files of dead writers in ``directory`` (only this user's)."""
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(_PREFIX)]
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        with suppress(OSError):
            if match and _is_stale(match, entry.stat(follow_symlinks=False)):
                os.unlink(entry.path)


def _is_stale(match: "re.Match[str]", st: os.stat_result) -> bool:
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return False
    if match["pid"] and match["host"] == _HOST and os.name == "posix":
        return not _pid_alive(int(match["pid"]))
    return time.time() - st.st_mtime > STALE_AFTER


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temp_name(directory: str) -> str:
    return os.path.join(directory, f"{_PREFIX}{_HOST}-{os.getpid()}-{secrets.token_hex(6)}.tmp")


def _lstat(path: str) -> "os.stat_result | None":
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


class _Temporary:
    """An open temporary file in the target's folder: unnamed (``name`` None) or named."""

    def __init__(self, fd: int, name: "str | None", linker: "Linker | None"):
        self.fd, self.name, self.linker = fd, name, linker
        self.closed = False

    @classmethod
    def create(cls, directory: str, existing: "os.stat_result | None") -> "_Temporary":
        # a replaced file's mode is set below; a new one gets open()'s 0666 less the umask
        create_mode = 0o600 if existing else 0o666
        linker = _unnamed_linker(directory) if _UNNAMED else None
        if linker is not None:
            temp = cls(os.open(directory, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, create_mode),
                       None, linker)
        else:
            temp = cls(*_create_named(directory, create_mode), None)
        if existing is not None:
            temp.copy_permissions(existing)
        return temp

    def copy_permissions(self, st: os.stat_result) -> None:
        if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != _owner(self.fd):
            with suppress(PermissionError):
                os.fchown(self.fd, st.st_uid, st.st_gid)
        # after chown, which clears set-id bits
        os.chmod(self.fd if os.chmod in os.supports_fd else self.name, stat.S_IMODE(st.st_mode))

    def commit(self, target: str) -> None:
        if self.name is None:
            name = _temp_name(os.path.dirname(target))
            self.linker(self.fd, name)
            self.name = name
        self.close()  # before the rename, which Windows refuses for an open file
        os.replace(self.name, target)
        self.name = None

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
            self.closed = True

    def discard(self) -> None:
        self.close()
        if self.name is not None:
            with suppress(FileNotFoundError):
                os.unlink(self.name)


def _owner(fd: int) -> "tuple[int, int]":
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def _create_named(directory: str, mode: int) -> "tuple[int, str]":
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL
             | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    while True:
        name = _temp_name(directory)
        try:
            return os.open(name, flags, mode), name
        except FileExistsError:
            continue


#: st_dev of a folder -> how to name an unnamed file there (None: named files instead)
_LINKERS: "dict[int, Linker | None]" = {}


def _unnamed_linker(directory: str) -> "Linker | None":
    """How to give an ``O_TMPFILE`` file in ``directory`` a name, found once per file
    system by trying (needs O_TMPFILE support in the file system, and either the
    privilege ``linkat(AT_EMPTY_PATH)`` asks for or a ``/proc`` that can link)."""
    device = os.stat(directory).st_dev
    if device not in _LINKERS:
        _LINKERS[device] = _probe_linkers(directory)
    return _LINKERS[device]


def _probe_linkers(directory: str) -> "Linker | None":
    for linker in (_link_empty_path, _link_proc_fd):
        try:
            fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                return None  # the file system (or an old kernel) has no O_TMPFILE
            raise
        name = _temp_name(directory)
        try:
            linker(fd, name)
        except OSError:
            continue
        else:
            os.unlink(name)
            return linker
        finally:
            os.close(fd)
    return None


def _link_empty_path(fd: int, name: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), name)


def _link_proc_fd(fd: int, name: str) -> None:
    os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)


def _fsync_directory(directory: str) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:  # some file systems cannot sync a folder
            raise
    finally:
        os.close(fd)
