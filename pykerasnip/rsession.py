"""The embedded R session behind the rpy2 bridge (``pip install pykerasnip[r]``).

R trees cross between R and Python through R's own ``serialize()``/``unserialize()`` on
raw vectors and pykerasnip's RDS codec: what arrives is exactly what a file would hold,
with no temporary files and no type guessing. rpy2 3.5.17 is the release that works with
Debian's R 4.2.

What R receives it may run: :func:`r_bake` and :func:`r_forge` run the R code an object
carries (a step's expressions and the functions they call), as R's own ``bake()`` and
``forge()`` would. Use them on objects from files you trust (docs/security.md).
"""
from __future__ import annotations

import atexit
import functools
import os
from typing import Any

import pandas as pd

from . import rds
from .convert import to_pandas
from .errors import RNotAvailableError
from .rtree import to_tree


#: variables that starting R (rpy2) sets, in ``os.environ`` and in the process
#: environment, and that would change which shared libraries child programs load: R points
#: LD_LIBRARY_PATH at Debian's libraries, so a child ``python3`` built with a shared
#: libpython loads Debian's and loses its own site-packages. The running process is not
#: affected (the loader reads the variable once, at start), so the caller's values are put
#: back.
_CHILDREN_ENV = ("LD_LIBRARY_PATH",)


def _restore_environment(saved: dict[str, str | None]) -> None:
    """Put the caller's values back, in ``os.environ`` and in the process environment
    (rpy2 sets them in both)."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
            os.unsetenv(name)
        else:
            os.environ[name] = value


@functools.lru_cache(maxsize=1)
def robjects() -> Any:
    saved = {name: os.environ.get(name) for name in _CHILDREN_ENV}
    try:
        import rpy2.robjects as ro
    except ImportError as exc:
        raise RNotAvailableError(
            "the rpy2 bridge needs rpy2: `pip install 'pykerasnip[r]'` "
            "(rpy2==3.5.17 works with R 4.2)") from exc
    except Exception as exc:  # rpy2 raises plain errors when it cannot find or start R
        raise RNotAvailableError(
            f"rpy2 could not start R ({exc}); install R (Debian: `apt-get install r-base-core`) "
            "or set R_HOME") from exc
    finally:
        _restore_environment(saved)
    # registered after rpy2's own exit handler, so it runs first
    atexit.register(_quiet_reticulate_exit, ro)
    return ro


#: reticulate's exit finalizer re-takes the GIL that rpy2 releases while R runs its exit
#: finalizers, and the interpreter's exit hangs; with R embedded in Python there is
#: nothing for it to finalize (reticulate never finalizes a Python it did not start)
_NO_GIL_HANDOVER = """function() {
  if ("reticulate" %in% loadedNamespaces() &&
      exists("py_allow_threads_impl", envir = asNamespace("reticulate"), inherits = FALSE))
    try(utils::assignInNamespace("py_allow_threads_impl", function(allow = TRUE) FALSE, "reticulate"))
}"""


def _quiet_reticulate_exit(ro: Any) -> None:
    ro.r(_NO_GIL_HANDOVER)()


@functools.lru_cache(maxsize=None)
def r_function(code: str) -> Any:
    """The R function ``code`` defines, parsed once per session."""
    return robjects().r(code)


def require_r_package(*packages: str) -> None:
    """Raise :class:`RNotAvailableError` naming the missing R packages, if any."""
    ro = robjects()
    missing = [p for p in packages
               if not ro.r["requireNamespace"](p, quietly=True)[0]]
    if missing:
        raise RNotAvailableError(
            f"R package(s) {', '.join(missing)} not installed in R; install them in R "
            f"(e.g. install.packages(c({', '.join(repr(p) for p in missing)})) or Debian's "
            f"r-cran-* packages)")


def put(obj: Any) -> Any:
    """An R object in the session for a pykerasnip object, an R tree or a Python value.

    References to namespaces this R lacks (kerasnip, parsnip, ...) become the global
    environment, as ``unserialize()`` does, with R's warning."""
    ro = robjects()
    return ro.r["unserialize"](ro.vectors.ByteVector(rds.dumps(to_tree(obj))))


def r_serialize(robj: Any) -> bytes:
    """R's own ``serialize(robj, NULL)`` of an object in the R session."""
    ro = robjects()
    return bytes(ro.r["serialize"](robj, ro.NULL))


def get(robj: Any) -> Any:
    """The R tree of an object in the session."""
    return rds.loads(r_serialize(robj))


def _frame(robj: Any) -> pd.DataFrame:
    return to_pandas(get(robj))


def r_forge(blueprint: Any, new_data: pd.DataFrame) -> pd.DataFrame:
    """hardhat's ``forge()`` run by R itself: the predictors R's recipes/hardhat produce
    (for steps Python cannot replay, such as an arbitrary ``step_mutate``)."""
    require_r_package("hardhat", "recipes")
    forge = r_function("function(bp, df) as.data.frame(hardhat::forge(df, bp)$predictors)")
    return _frame(forge(put(blueprint), put(new_data)))


def r_bake(recipe: Any, new_data: pd.DataFrame) -> pd.DataFrame:
    """``recipes::bake()`` run by R on a (prepped) recipe."""
    require_r_package("recipes")
    bake = r_function("function(rec, df) as.data.frame(recipes::bake(rec, new_data = df))")
    return _frame(bake(put(recipe), put(new_data)))
