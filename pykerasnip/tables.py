"""Data tables in files and streams for the command line: the formats it reads and writes,
where a table comes from (a file, ``-`` for stdin, a pipe) and where it goes (a file,
replaced atomically, or a stream).

Everything that can be checked without the data is checked when the source or the
destination is planned, so a command fails before doing its work, not after.
"""
from __future__ import annotations

import datetime
import errno
import importlib.util
import io
import json
import math
import os
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Callable, Iterator

import pandas as pd

from .atomic import atomic_file, write_target
from .errors import (DataFileError, FormatError, MissingDependencyError, PykerasnipError,
                     UnsafeWriteError)

STDIO = "-"


Writer = Callable[[pd.DataFrame, BinaryIO], None]


def _text(write: Callable[[pd.DataFrame, IO[str]], Any]) -> Writer:
    """A writer to a binary file from one to a text file (UTF-8, newlines as given)."""
    def to_binary(frame: pd.DataFrame, fh: BinaryIO) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        write(frame, text)
        text.flush()
        text.detach()
    return to_binary


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime.date):  # Timestamp too: ISO text, as jsonlite writes dates
        return value.isoformat()
    value = value.item() if hasattr(value, "item") else value
    # JSON has no NaN or infinity; jsonlite leaves both out of a row alike
    return None if isinstance(value, float) and not math.isfinite(value) else value


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON rows: NA, NaN and infinities as null, doubles to the last bit
    (predictions as vetiver-r's API returns them, with all the digits)."""
    columns = {name: [_json_value(v) for v in frame[name].astype(object)] for name in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _write_json(frame: pd.DataFrame, text: IO[str], lines: bool = False) -> None:
    # pandas' to_json keeps 15 significant digits at most; json writes each double's repr
    records = json_records(frame)
    if lines:
        text.writelines(json.dumps(r, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n" for r in records)
    else:
        json.dump(records, text, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _read_rds(source: Any) -> Any:
    from .io import from_bytes, read_rds

    return from_bytes(source.read()) if hasattr(source, "read") else read_rds(source)


def _write_rds(frame: pd.DataFrame, fh: BinaryIO) -> None:
    from . import rds
    from .rtree import to_tree

    fh.write(rds.dumps(to_tree(frame), compress="gzip"))


@dataclass(frozen=True)
class TableFormat:
    """A file format for data tables: how to read and write it, and the optional
    packages it needs (any one of them)."""
    name: str
    read: Callable[[Any], Any]
    write: Writer
    needs: tuple[str, ...] = ()

    def require(self) -> "TableFormat":
        """This format, or :class:`MissingDependencyError` naming what to install."""
        if self.needs and not any(importlib.util.find_spec(m) for m in self.needs):
            raise MissingDependencyError(
                f"{self.name} files need {' or '.join(self.needs)}: pip install {self.needs[0]}")
        return self


#: file extension -> format
FORMATS: dict[str, TableFormat] = {
    ".csv": TableFormat("CSV", pd.read_csv, _text(lambda f, t: f.to_csv(t, index=False))),
    ".tsv": TableFormat("TSV", lambda s: pd.read_csv(s, sep="\t"),
                        _text(lambda f, t: f.to_csv(t, sep="\t", index=False))),
    ".parquet": TableFormat("Parquet", pd.read_parquet,
                            lambda f, fh: f.to_parquet(fh, index=False),
                            ("pyarrow", "fastparquet")),
    ".feather": TableFormat("Feather", pd.read_feather, lambda f, fh: f.to_feather(fh),
                            ("pyarrow",)),
    # precise_float: pandas' default parser misreads most doubles in their last bits
    ".json": TableFormat("JSON", lambda s: pd.read_json(s, orient="records", precise_float=True),
                         _text(_write_json)),
    ".jsonl": TableFormat("JSON Lines",
                          lambda s: pd.read_json(s, orient="records", lines=True, precise_float=True),
                          _text(lambda f, t: _write_json(f, t, lines=True))),
    ".rds": TableFormat("RDS", _read_rds, _write_rds),
}
FORMAT_NAMES = [ext[1:] for ext in FORMATS]

#: leading bytes -> extension, for content that comes without a file name (ASCII RDS is
#: left out: "A\n2\n" also starts a CSV)
_MAGIC = {b"PAR1": ".parquet", b"ARROW1": ".feather", b"\x1f\x8b": ".rds", b"BZh": ".rds",
          b"\xfd7zXZ": ".rds", b"X\n\x00\x00\x00": ".rds", b"B\n\x02\x00": ".rds",
          b"B\n\x03\x00": ".rds"}
_JSON = {b"[": ".json", b"{": ".jsonl"}
_SNIFF_BYTES = 65536


def table_format(name: "str | None", where: str) -> TableFormat:
    """The format called ``name`` (``"csv"`` or ``".csv"``) for ``where``, or
    :class:`FormatError` listing the formats there are."""
    fmt = FORMATS.get("." + (name or "").lower().lstrip("."))
    if fmt is None:
        what = f"unknown format {name!r}" if name else "no file extension to tell the format"
        raise FormatError(f"{where}: {what}; use one of {', '.join(FORMAT_NAMES)} "
                          "(or --format)")
    return fmt.require()


def sniff_format(data: bytes, where: str) -> TableFormat:
    """The format of ``data`` read from a stream, from its leading bytes; UTF-8 text that
    is not JSON is CSV."""
    ext = (next((e for magic, e in _MAGIC.items() if data.startswith(magic)), None)
           or _JSON.get(data.lstrip()[:1]))
    if ext is None:
        try:
            data[:_SNIFF_BYTES].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < min(len(data), _SNIFF_BYTES) - 4:  # not a character cut at the end
                raise FormatError(f"{where}: binary data of no known format; use one of "
                                  f"{', '.join(FORMAT_NAMES)}") from None
        ext = ".csv"
    return FORMATS[ext].require()


def _is_stream(path: str) -> bool:
    """``-``, or a path that is not a regular file (a pipe, ``/dev/stdin``, a device)."""
    if path == STDIO:
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


def check_input(path: str) -> None:
    """``FileNotFoundError`` / ``IsADirectoryError`` for an input that cannot be read."""
    if path == STDIO:
        return
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "no such file", path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)


def _read_whole(path: str) -> bytes:
    if path == STDIO:
        return sys.stdin.buffer.read()
    with open(path, "rb") as fh:
        return fh.read()


@dataclass(frozen=True)
class Source:
    """Where a table or an object comes from: a file in a known format, or a stream or a
    file without extension, read whole and its format told by its content."""
    path: str
    format: "TableFormat | None"  # None: told by the content once read

    def read(self) -> Any:
        if self.format is not None and not _is_stream(self.path):
            return _parsed(self.format, self.path, self.where)
        data = _read_whole(self.path)
        fmt = self.format or sniff_format(data, self.where)
        return _parsed(fmt, io.BytesIO(data), self.where)

    @property
    def where(self) -> str:
        return "stdin" if self.path == STDIO else self.path


def _parsed(fmt: TableFormat, source: Any, where: str) -> Any:
    try:
        return fmt.read(source)
    except PykerasnipError:
        raise
    except ValueError as exc:  # the parsers' errors (pandas, pyarrow, json) are ValueErrors
        raise DataFileError(f"{where}: not a valid {fmt.name} file ({exc})") from exc


def plan_source(path: str, format: "str | None" = None) -> Source:
    """A data source: the format named, else the extension's; a stream or a file without
    extension is told by its content."""
    check_input(path)
    ext = "" if path == STDIO else os.path.splitext(path)[1]
    if format or ext.lower() in FORMATS or (ext and not _is_stream(path)):
        return Source(path, table_format(format or ext, path))
    return Source(path, None)


def model_source(path: str) -> Source:
    """Where a saved model comes from: an ``.rds`` file, ``-`` or a pipe, whatever its name."""
    check_input(path)
    return Source(path, FORMATS[".rds"])


@dataclass(frozen=True)
class Destination:
    """Where a table goes: stdout (``path`` None), a stream written straight through
    (a pipe or a device: nothing to replace), or a regular file replaced atomically."""
    path: "str | None"
    format: TableFormat
    stream: bool = False
    follow_symlinks: bool = False

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        if self.path is None:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        elif self.stream:
            with open(self.path, "wb") as fh:
                yield fh
        else:
            with atomic_file(self.path, follow_symlinks=self.follow_symlinks) as fh:
                yield fh

    def write(self, frame: pd.DataFrame) -> None:
        with self.open() as fh:
            self.format.write(frame, fh)


def plan_destination(output: "str | None", *, format: "str | None" = None,
                     inputs: "tuple[str, ...]" = (), follow_symlinks: bool = False) -> Destination:
    """Check an output before any work: its format (``format``, else the extension; CSV
    for stdout and streams), that its folder exists and is writable, that it is none of
    ``inputs``, and that it is not a symbolic link (unless ``follow_symlinks``)."""
    if output is None or output == STDIO:
        return Destination(None, table_format(format or "csv", "stdout"))
    ext = os.path.splitext(output)[1]
    if _is_stream(output):
        return Destination(output, table_format(format or ext or "csv", output), stream=True)
    fmt = table_format(format or ext, output)
    target = check_writable(output, inputs=inputs, follow_symlinks=follow_symlinks)
    return Destination(target, fmt, follow_symlinks=follow_symlinks)


def check_writable(output: str, *, inputs: "tuple[str, ...]" = (),
                   follow_symlinks: bool = False) -> str:
    """The file a write to ``output`` replaces, after checking that it can be written and
    is not one of ``inputs`` (:class:`UnsafeWriteError`)."""
    target = write_target(output, follow_symlinks=follow_symlinks)
    for source in inputs:
        if source != STDIO and _same_file(target, source):
            raise UnsafeWriteError(f"{output} is the input {source}; write the output "
                                   "to another file")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)
    return target


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
