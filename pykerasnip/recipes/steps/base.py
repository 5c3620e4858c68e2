"""The recipe-step contract and the step registry.

One class per recipes step, shared by both directions: ``from_r`` reads a trained step
that R saved, ``prep`` trains it on pandas data in Python, ``bake`` applies it, and
``to_r`` writes it in recipes' own layout. :data:`STEPS` maps R's step class
(``"step_normalize"``) to the class.

Also the helpers every family of steps shares: reading R fields (flags, numbers),
adding and dropping columns as recipes does, and recipes' own closures stored in steps.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings, to_python
from ...errors import ForgeError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import Bytecode, Closure, Cons, List, Namespace, Real, Str, Sym, plain
from .. import selectors
from ..selectors import r_quosures, select

STEPS: dict[str, type["Step"]] = {}


#: the class names recipes gave steps before 0.1.16, whose prep and bake recipes still
#: binds to the renamed steps' methods (a recipe saved then still bakes)
OLD_STEP_NAMES: dict[str, str] = {
    "step_bagimpute": "step_impute_bag", "step_knnimpute": "step_impute_knn",
    "step_lowerimpute": "step_impute_lower", "step_meanimpute": "step_impute_mean",
    "step_medianimpute": "step_impute_median", "step_modeimpute": "step_impute_mode",
    "step_rollimpute": "step_impute_roll",
}


def register(cls: type["Step"]) -> type["Step"]:
    """Class decorator: add a step class to :data:`STEPS` under its ``r_class``."""
    STEPS[cls.r_class] = cls
    return cls


def is_string_column(column: pd.Series) -> bool:
    """Is this an R character column (pandas ``str``/``string`` or all-str object)?"""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return True
    # text, None, pd.NA and NaN only (pandas' type inference, not a loop in Python)
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def with_columns(data: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """``data`` with ``columns`` set (replaced in place or appended). Full-length arrays
    are shared rather than copied: pandas copies a bare array on assignment."""
    def as_series(values: Any) -> Any:
        if isinstance(values, (np.ndarray, pd.api.extensions.ExtensionArray)) and len(values) == len(data):
            return pd.Series(values, index=data.index, copy=False)
        return values
    return data.assign(**{name: as_series(values) for name, values in columns.items()})


def integer_columns(rows: np.ndarray, names: list[str], index: pd.Index) -> pd.DataFrame:
    """R integer columns (``Int32``), one per row of ``rows``, named ``names``; a name
    may repeat, for :func:`append_columns` to refuse as vctrs does."""
    frame = pd.DataFrame({i: pd.array(row, dtype="Int32", copy=False)
                          for i, row in enumerate(rows)}, index=index)
    return frame.set_axis(list(names), axis=1)


def append_columns(data: pd.DataFrame, new: pd.DataFrame, step: str) -> pd.DataFrame:
    """``vec_cbind`` of new columns after recipes' ``check_name`` (no collisions, and no
    name twice among the new ones, which vctrs refuses)."""
    twice = list(dict.fromkeys(new.columns[new.columns.duplicated()]))
    if twice:
        raise ForgeError(f"{step}: names must be unique; these names are duplicated: "
                         f"{', '.join(map(str, twice))}")
    clashes = [c for c in new.columns if c in data.columns]
    if clashes:
        raise ForgeError(f"{step}: name collision, these variables already exist: "
                         f"{', '.join(clashes)}")
    return pd.concat([data, new.set_axis(data.index)], axis=1)


def ifelse_result(values: Any, decided: Any = None) -> Any:
    """What R's ``ifelse(test, yes, no)`` returns for ``values``, its answer on the rows
    whose test is TRUE or FALSE (``decided``; every row when not given): when no row's
    is (no rows, or an NA test on every row), the test itself, a logical vector of NAs."""
    if len(values) and (decided is None or np.asarray(decided).any()):
        return values
    return pd.array([pd.NA] * len(values), dtype="boolean")


def ifelse_integer(test: np.ndarray) -> Any:
    """R's ``ifelse(test, 1L, 0L)`` of a logical vector (see :func:`ifelse_result`)."""
    return ifelse_result(pd.array(np.asarray(test, dtype="i4"), dtype="Int32"))


def drop_inputs(data: pd.DataFrame, columns: Sequence[str], keep: bool) -> pd.DataFrame:
    """recipes' ``remove_original_cols``: drop ``columns`` unless they are kept."""
    return data if keep else data.drop(columns=[c for c in columns if c in data.columns])


def named_dbl(values: Mapping[str, float] | pd.Series) -> Real:
    """A named double vector (``c(a = 1, b = 2)``)."""
    values = pd.Series(values, dtype="f8")
    return b.structure(b.dbl([float(v) for v in values]), {"names": b.chr(*map(str, values.index))})


def named_chr(names: list[str]) -> Str:
    """A character vector named by itself, as recipes stores selected columns."""
    return b.structure(b.chr(*names), {"names": b.chr(*names)})


def rand_id(prefix: str) -> str:
    """recipes' ``rand_id``: the prefix and five random letters/digits."""
    alphabet = string.ascii_letters + string.digits
    return f"{prefix}_{''.join(secrets.choice(alphabet) for _ in range(5))}"


def recipes_closure(name: str, formals: dict[str, Any]) -> Closure:
    """A closure R runs as recipes' internal function ``name`` (it calls it from the
    recipes namespace)."""
    body = b.call(name, *(b.sym(arg) for arg in formals))
    return b.closure(formals, body, b.namespace("recipes", "1.3.2"))


def closure_body(fn: Any) -> Any:
    """The body of a stored R function as R code (the source of compiled bytecode);
    ``None`` for anything but a closure."""
    if not isinstance(fn, Closure):
        return None
    return fn.body.source if isinstance(fn.body, Bytecode) else fn.body


def _symbols(expr: Any) -> set[str]:
    """Every symbol appearing in an R expression tree."""
    if isinstance(expr, Bytecode):
        expr = expr.source
    if isinstance(expr, Sym):
        return {expr.name}
    if isinstance(expr, Cons):
        return set().union(*(_symbols(v) for v in expr.values()))
    return set()


def recipes_function_name(fn: Any, formals: Sequence[str],
                          fingerprints: dict[str, set[str]], step: str) -> str:
    """Recognise a recipes closure R stored in a step by its formals and the symbols of
    its body (``fingerprints``: name -> symbols of which any marks that function)."""
    if not (isinstance(fn, Closure) and isinstance(fn.env, Namespace)
            and fn.env.name == "recipes" and fn.arg_names == list(formals)):
        raise UnsupportedStepError(step, f"the stored function {fn!r} is not one of "
                                         f"recipes' own ({', '.join(fingerprints)})")
    used = _symbols(fn.body)
    for name, marks in fingerprints.items():
        if marks & used:
            return name
    raise UnsupportedStepError(step, "the stored function is not recognised")


def step_to_r(step: "Step", fields: Mapping[str, Any], terms: Any = None,
              with_terms: bool = True) -> List:
    """The R list of a step: ``terms`` (quosures of its selectors unless given; none
    without ``with_terms``), ``role``, ``trained``, then ``fields`` (R nodes), ``skip``,
    ``id``; class ``c(r_class, "step")``."""
    if terms is None:  # R's own selector quosures (with their environments) when read from R
        terms = step.terms_r if step.terms_r is not None else r_quosures(step.terms)
    common = {"terms": terms} if with_terms else {}
    common.update(role=b.lgl(None) if step.role is None else b.chr(step.role),
                  trained=b.lgl(step.trained))
    tail = {"skip": b.lgl(step.skip), "id": b.chr(step.id)}
    return b.structure(b.named_list({**common, **fields, **tail}), {"class": [step.r_class, "step"]})


def step_class_for(node: List) -> type["Step"]:
    """The registered class for an R step object, by its class vector (inherits); a
    step with ``skip = TRUE`` needs none (:class:`SkippedStep`)."""
    for name in node.classes:
        name = OLD_STEP_NAMES.get(name, name)
        if name in STEPS:
            return STEPS[name]
    if flag(node.get("skip")):
        return SkippedStep
    raise UnsupportedStepError(r_step_class(node), "no Python implementation is registered")


def r_step_class(node: List) -> str:
    """The step's own class in an R step object's class vector."""
    return next((c for c in node.classes if c is not None and c.startswith(("step_", "check_"))),
                "?")


def r_numbers(node: Any) -> np.ndarray:
    """An R numeric vector (ALTREP included) as float64, NA as NaN; NULL gives []; a
    Date or date-time gives R's own numbers (days, seconds)."""
    if isinstance(node, Real) and node.inherits("Date", "POSIXct"):
        return np.asarray(plain(node).data, dtype=float)
    return np.asarray([] if node is None else to_python(node), dtype=float)


def named_numbers(node: Any) -> pd.Series:
    """A named double vector as a Series; R may store it, and its names, as ALTREP
    wrappers (``wrap_real``, ``deferred_string``)."""
    if node is None:
        return pd.Series(dtype="f8")
    node = plain(node)
    names = node.attr("names")
    names = plain(names)
    return pd.Series(np.asarray(node.data, dtype="f8"), dtype="f8",
                     index=None if names is None else strings(names))


def first(value: Any) -> Any:
    """A scalar setting that may have come from R as a length-1 array."""
    if value is None:
        return None
    item = np.ravel(value)[0]
    return item.item() if isinstance(item, np.generic) else item


class Step:
    """Base of every recipe step.

    Common fields mirror recipes: ``terms`` (selectors), ``role``, ``trained``, ``skip``,
    ``id``. ``r_node`` is the R object a step was read from, kept so that re-writing an
    R-made recipe reproduces R's own fields.
    """

    r_class: ClassVar[str] = ""
    #: role given to new columns (recipes' ``role`` argument default)
    default_role: ClassVar[str | None] = "predictor"
    #: step-specific R fields copied by the default :meth:`from_r` into attributes of the
    #: same name, as natural Python values (``pykerasnip.convert.to_python``)
    r_fields: ClassVar[tuple[str, ...]] = ()
    #: the fields of :attr:`r_fields` that hold selected column names (read as ``list[str]``)
    name_fields: ClassVar[tuple[str, ...]] = ()
    #: the bake reads neighbouring rows (lags, windows): a row's result depends on the
    #: rows around it, so the data cannot be baked in parts
    reads_neighbours: ClassVar[bool] = False
    #: the bake drops, reorders or permutes rows: it needs the whole frame at once
    whole_frame: ClassVar[bool] = False
    #: the bake draws from R's random stream; with a seeded stream the draws follow the
    #: rows (and steps) in order, so a seeded bake cannot be split
    draws_random: ClassVar[bool] = False

    def __init__(self, *terms: Any, role: str | None = None, trained: bool = False,
                 skip: bool = False, id: str | None = None):
        self.terms = list(terms)
        self.role = self.default_role if role is None else role
        self.trained = trained
        self.skip = skip
        # recipes gives a step its id when it is made: prepped copies keep it
        self.id = id if id is not None else rand_id(self.r_class[5:])
        self.r_node: List | None = None
        #: the selectors as R stored them (quosures), for a step read from R
        self.terms_r: List | None = None

    # -- both directions ---------------------------------------------------------
    @classmethod
    def from_r(cls, node: List) -> "Step":
        """Build the trained step from the R list recipes saved.

        The default reads the common fields and every name in :attr:`r_fields` (a field
        absent from the list becomes ``None``); steps needing more override it.
        """
        def field(name: str) -> Any:
            return to_python(node.get(name)) if name in (node.names or ()) else None

        # built as trained, so that constructors check only what a user passes them
        step = cls(trained=True, skip=flag(node.get("skip")), id=scalar(node.get("id")))
        step.trained = flag(node.get("trained"))
        step.terms_r = node.get("terms")
        role = scalar(node.get("role")) if "role" in (node.names or ()) else None
        step.role = None if role is None or pd.isna(role) else str(role)
        for name in cls.r_fields:
            setattr(step, name, field(name))
        for name in cls.name_fields:
            setattr(step, name, column_names(getattr(step, name)))
        step.r_node = node
        return step

    def to_r(self) -> List:
        """The step as recipes lays it out (class ``c(r_class, "step")``)."""
        raise NotImplementedError

    def selectors_from_r(self) -> None:
        """Turn the selectors of the step R saved back into Python selectors, to prepare
        it again (R's expressions are translated, never run)."""
        if "terms" in (self.r_node.names or ()):
            self.terms = selectors.from_r(self.r_node["terms"])

    # -- Python side -------------------------------------------------------------
    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        """Train on ``data`` (the output of the previous steps). ``info`` is the current
        term_info (columns ``variable``, ``type``, ``role``, ``source``)."""
        raise NotImplementedError

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        """Apply the trained step to new data; returns the new frame."""
        raise NotImplementedError

    def required_columns(self) -> list[str]:
        """Columns :meth:`bake` needs in its input (checked by :meth:`check_columns`)."""
        return []

    def check_columns(self, data: pd.DataFrame) -> None:
        """Raise :class:`ForgeError` naming the required columns ``data`` lacks."""
        missing = [c for c in self.required_columns() if c not in data.columns]
        if missing:
            plural = "s are" if len(missing) > 1 else " is"
            raise ForgeError(f"The following required column{plural} missing from `new_data` "
                             f"in step '{self.id or self.r_class}': {', '.join(missing)}.")

    def select(self, info: pd.DataFrame) -> list[str]:
        """The column names :attr:`terms` select in ``info`` (the current term_info)."""
        return select(self.terms, info)

    @property
    def name(self) -> str:
        return self.r_class

    def __repr__(self) -> str:
        state = "trained" if self.trained else "untrained"
        return f"{self.r_class}({state}{', skip' if self.skip else ''})"


def column_names(value: Any) -> list[str]:
    """Column names from a stored selection (named chr / Series / array / list / None)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in (value.to_numpy() if isinstance(value, pd.Series) else value)]


class SelectedColumnsStep(Step):
    """A step whose whole trained state is the list of the columns it selected
    (``columns``, stored as R's self-named character vector, ``NULL`` until trained).

    Subclasses add their own settings after ``columns`` through :meth:`fields_to_r`.
    """

    default_role = None

    def __init__(self, *terms: Any, columns: list[str] | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.columns = columns or []

    @classmethod
    def from_r(cls, node: List) -> "SelectedColumnsStep":
        step = super().from_r(node)
        # an untrained step stores NULL (or FALSE) until prep selects the columns
        step.columns = strings(node.get("columns")) if step.trained else []
        return step

    def to_r(self) -> List:
        return step_to_r(self, self.fields_to_r())

    def fields_to_r(self) -> dict[str, Any]:
        """The step-specific R fields (``columns`` first)."""
        return {"columns": named_chr(self.columns) if self.trained else None}

    def required_columns(self) -> list[str]:
        return self.columns



class SkippedStep(Step):
    """An R step without a Python implementation whose ``skip = TRUE`` keeps ``bake()``
    of new data from ever running it (``step_naomit``, ``step_filter``...): it is
    carried as its R object, and only training or baking it is refused."""

    @classmethod
    def from_r(cls, node: List) -> "SkippedStep":
        step = super().from_r(node)
        step.r_class = r_step_class(node)
        return step

    def to_r(self) -> List:
        return self.r_node

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        raise UnsupportedStepError(self.r_class, "no Python implementation is registered")

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        raise UnsupportedStepError(self.r_class, "no Python implementation is registered")


#: steps R trains in a way Python cannot replay (R class -> why): they are read, baked
#: and written in Python, while their ``prep`` raises :class:`UnsupportedStepError`
#: (docs/steps.md lists them with the reason)
PREP_EXCEPTIONS: dict[str, str] = {}
#: steps that train in Python except with some settings: what stays in R and why
PARTIAL_PREP_EXCEPTIONS: dict[str, str] = {}


def prep_in_r(reason: str) -> Any:
    """Class decorator for a step whose training stays in R: records ``reason`` in
    :data:`PREP_EXCEPTIONS` and gives the class a ``prep`` that refuses with it."""
    def mark(cls: type[Step]) -> type[Step]:
        PREP_EXCEPTIONS[cls.r_class] = reason

        def prep(self: Step, data: pd.DataFrame, info: pd.DataFrame) -> None:
            raise UnsupportedStepError(self.r_class, prep_refusal(reason))
        prep.__doc__ = f"Refused: {reason}."
        cls.prep = prep
        return cls
    return mark


def prep_refusal(reason: str) -> str:
    """What a step whose training stays in R says when asked to prepare in Python."""
    return (f"training it in Python: {reason}; prep the recipe in R (recipes::prep(), or from "
            "Python through the rpy2 bridge, pykerasnip.r), then read it: baking runs in Python")
