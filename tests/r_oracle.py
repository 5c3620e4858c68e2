"""The one way tests run R: which R, how values cross, and when a test is skipped.

:func:`run_r` runs R code with named inputs and returns the value of its last
expression. Both directions travel as RDS: inputs are written with
:mod:`pykerasnip.rds` and read by ``readRDS()``, the result is written by ``saveRDS()``
and read back with :func:`pykerasnip.rds.load`, so doubles (NA, NaN, -0, denormals)
cross bit for bit. An R error becomes :class:`RError` carrying R's message.
:func:`run_r_script` runs one of the R scripts under ``tests/r`` (or the shared tools)
with arguments, and :func:`stack_command` wraps any command (a server, ``R CMD
INSTALL``, a Python embedding R) in the same R.

Which R runs is decided here only, by stack name:

* ``"system"`` -- the ``Rscript`` on the PATH (Debian's R with recipes 1.0.4);
* ``"peer"`` -- the opt-in R kerasnip stack: the shell file named by
  ``PYKERASNIP_R_PEER`` is sourced first;
* ``"rstack"`` -- the exact stack of the ground truth (recipes 1.3.2): ``/opt/rstack/env.sh``
  is sourced first.

A stack with an env file gets none of this process's ``R_LIBS*`` variables: its env file
alone chooses the libraries. :func:`requires_r` skips a test, naming the missing piece,
when a stack or an R package it needs is not there (checked once per stack and session).
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pykerasnip.convert import RList, from_python, to_python
from pykerasnip.rds import build as b
from pykerasnip.rds import dump, load

#: the environment variable naming the shell file that sets up the R peer
PEER_VARIABLE = "PYKERASNIP_R_PEER"
RSTACK_ENV = Path("/opt/rstack/env.sh")
#: a fixed TZ spares R's Sys.timezone() the call to timedatectl and fixes date printing
BASE_ENV = {"TZ": "UTC"}
_R_LIBS = ("R_LIBS", "R_LIBS_USER", "R_LIBS_SITE")

# The driver around the code of run_r. It reads its folder from the environment so that
# commandArgs(TRUE) holds only the caller's arguments.
_DRIVER = r"""
local({
  dir <- Sys.getenv("PYKERASNIP_ORACLE_DIR")
  fail <- function(e) {
    call <- conditionCall(e)
    # the code's own top level shows as source()'s internals: no call then
    top <- is.null(call) || identical(call[[1]], quote(eval)) || identical(call[[1]], quote(source))
    where <- if (top) "" else paste0(" in ", paste(deparse(call), collapse = " "))
    writeLines(paste0("Error", where, ": ", conditionMessage(e)), file.path(dir, "error.txt"))
    quit(save = "no", status = 1)
  }
  tryCatch({
    for (p in readLines(file.path(dir, "packages.txt")))
      suppressPackageStartupMessages(library(p, character.only = TRUE))
    list2env(readRDS(file.path(dir, "inputs.rds")), globalenv())
    value <- source(file.path(dir, "code.R"), local = globalenv(), keep.source = FALSE)$value
    saveRDS(value, file.path(dir, "value.rds"), compress = FALSE)
  }, error = fail)
})
"""


class RError(RuntimeError):
    """R failed: ``message`` is R's error message (or the exit status), ``stderr`` the
    tail of what R printed."""

    def __init__(self, message: str, stderr: str = ""):
        super().__init__(f"{message}\n--- R's stderr (tail) ---\n{stderr[-3000:]}" if stderr
                         else message)
        self.r_message, self.stderr = message, stderr


# -- which R ------------------------------------------------------------------------------
def env_file(stack: str) -> Path | None:
    """The shell file sourced before R for ``stack`` (None for the system R)."""
    if stack == "system":
        return None
    if stack == "peer":
        value = os.environ.get(PEER_VARIABLE)
        return Path(value) if value else None
    if stack == "rstack":
        return RSTACK_ENV
    raise ValueError(f"unknown R stack {stack!r} (system, peer or rstack)")


def unavailable(stack: str = "system") -> str | None:
    """Why ``stack`` cannot run here, or None when it can."""
    if stack == "peer" and env_file("peer") is None:
        return f"opt-in R peer: set {PEER_VARIABLE} to an R kerasnip stack's env file"
    file = env_file(stack)
    if file is not None and not file.is_file():
        return f"the {stack} R stack's env file {file} does not exist"
    if file is None and shutil.which("Rscript") is None:
        return "Rscript is not on the PATH"
    return None


def stack_command(argv: Sequence[str], stack: str = "system") -> list[str]:
    """``argv`` run in ``stack``'s R environment (its env file sourced first)."""
    file = env_file(stack)
    argv = [str(a) for a in argv]
    return argv if file is None else ["bash", "-c", '. "$0" && exec "$@"', str(file), *argv]


def environment(stack: str = "system", env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The process environment for ``stack``, with ``env`` applied last (a None value
    removes a variable)."""
    out = {**os.environ, **BASE_ENV}
    if env_file(stack) is not None:
        out = {k: v for k, v in out.items() if k not in _R_LIBS}
    for key, value in (env or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def run_command(argv: Sequence[str], *, stack: str = "system",
                env: Mapping[str, str | None] | None = None, timeout: float = 600,
                cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``argv`` in ``stack``'s R environment; :class:`RError` when it exits non-zero."""
    reason = unavailable(stack)
    if reason:
        raise RError(reason)
    done = subprocess.run(stack_command(argv, stack), capture_output=True, text=True,
                          timeout=timeout, env=environment(stack, env), cwd=cwd)
    if done.returncode:
        raise RError(f"{' '.join(map(str, argv[:2]))} exited with status {done.returncode}",
                     done.stdout[-2000:] + done.stderr)
    return done


def run_r_script(script: Path, *args: Any, stack: str = "system",
                 env: Mapping[str, str | None] | None = None, timeout: float = 600) -> str:
    """Run an R script file with ``args`` (``commandArgs(TRUE)``); its stdout."""
    return run_command(["Rscript", script, *args], stack=stack, env=env, timeout=timeout).stdout


# -- running R code -------------------------------------------------------------------------
def run_r(code: str, *, inputs: Mapping[str, Any] | None = None, args: Sequence[Any] = (),
          packages: Sequence[str] = (), stack: str = "system",
          env: Mapping[str, str | None] | None = None, timeout: float = 600,
          raw: bool = False) -> Any:
    """Evaluate ``code`` in R and return the value of its last expression.

    ``inputs`` become R globals before the code runs: R nodes as they are (bit for
    bit), paths as character strings, anything else through
    :func:`pykerasnip.convert.from_python` (a DataFrame is a data.frame, pass
    ``from_pandas(df, tibble=True)`` for a tibble; NaN is written as R's NA).
    ``packages`` are attached first (quietly); ``args`` are ``commandArgs(TRUE)``.
    The value comes back through ``saveRDS``: its natural Python form
    (:func:`~pykerasnip.convert.to_python`), or the R node itself with ``raw``. Raises
    :class:`RError` with R's message when R signals an error.
    """
    with tempfile.TemporaryDirectory(prefix="r_oracle_") as tmp:
        folder = Path(tmp)
        values = {name: str(v) if isinstance(v, Path) else v for name, v in (inputs or {}).items()}
        dump(b.named_list({name: from_python(v) for name, v in values.items()}),
             folder / "inputs.rds", compress=None)
        (folder / "packages.txt").write_text("".join(f"{p}\n" for p in packages))
        (folder / "code.R").write_text(code)
        (folder / "driver.R").write_text(_DRIVER)
        try:
            run_command(["Rscript", folder / "driver.R", *args], stack=stack, timeout=timeout,
                        env={**(env or {}), "PYKERASNIP_ORACLE_DIR": tmp})
        except RError as exc:
            error = folder / "error.txt"
            if error.exists():
                raise RError(error.read_text().strip(), exc.stderr) from None
            raise
        node = load(folder / "value.rds")
    return node if raw else to_python(node)


def plain(value: Any, unbox: bool = False) -> Any:
    """A natural R value (:func:`run_r`'s) as plain Python: vectors as lists (a matrix
    as its rows), named vectors and named lists as dicts, unnamed lists as lists; data
    frames and anything else unchanged. With ``unbox``, vectors of length one become
    their element (as jsonlite's ``auto_unbox``)."""
    if isinstance(value, RList):
        items = [plain(v, unbox) for v in value]
        return items if value.names is None else dict(zip(value.names, items))
    if isinstance(value, pd.Series):
        return dict(zip(value.index, value.tolist()))
    if isinstance(value, (np.ndarray, pd.api.extensions.ExtensionArray)):
        values = value.tolist()
        return values[0] if unbox and value.ndim == 1 and len(values) == 1 else values
    return value


# -- skipping -------------------------------------------------------------------------------
_NEED = re.compile(r"^([A-Za-z][A-Za-z0-9.]*)\s*(?:(>=|==)\s*([0-9][0-9.-]*))?$")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.split(r"[.-]", text))


@functools.cache
def installed_packages(stack: str = "system") -> dict[str, str] | str:
    """{R package: version} installed in ``stack`` (the first library wins), or the
    reason the stack cannot run. One R call per stack and session."""
    reason = unavailable(stack)
    if reason:
        return reason
    try:
        node = run_r('ip <- installed.packages(fields = character(0))\n'
                     'setNames(ip[, "Version"], ip[, "Package"])', stack=stack, timeout=120,
                     raw=True)
    except RError as exc:
        return f"the {stack} R does not start: {exc.r_message}"
    versions: dict[str, str] = {}
    for name, version in zip(node.names, node.values):
        versions.setdefault(name, version)
    return versions


def missing_r(*needs: str, stack: str = "system") -> list[str]:
    """What of ``needs`` ("recipes", "recipes>=1.3.2", "recipes==1.3.2") ``stack`` lacks,
    as sentences (the stack itself first when it cannot run)."""
    versions = installed_packages(stack)
    if isinstance(versions, str):
        return [versions]
    missing = []
    for need in needs:
        match = _NEED.match(need)
        if match is None:
            raise ValueError(f"not an R package requirement: {need!r}")
        name, op, wanted = match.groups()
        have = versions.get(name)
        if have is None:
            missing.append(f"R package {name} is not installed ({stack} R)")
        elif op and not (_version(have) >= _version(wanted) if op == ">=" else have == wanted):
            missing.append(f"R package {name} {have} is installed ({stack} R), {op} {wanted} is needed")
    return missing


def requires_r(*needs: str, stack: str = "system") -> Any:
    """A skip mark for tests that need ``stack`` and the R packages ``needs``, naming
    what is missing; use it called: ``@requires_r("recipes")``."""
    import pytest  # here, so that doc_blocks.py runs without pytest

    if any(callable(n) for n in needs):
        raise TypeError("requires_r is a factory: write @requires_r(...) with the R packages needed")
    missing = missing_r(*needs, stack=stack)
    return pytest.mark.skipif(bool(missing), reason="; ".join(missing))


def skip_unless_r(*needs: str, stack: str = "system") -> None:
    """Skip the running test, naming what is missing, unless ``stack`` has ``needs``."""
    import pytest

    missing = missing_r(*needs, stack=stack)
    if missing:
        pytest.skip("; ".join(missing))
