"""A safe interpreter for stored R expressions evaluated over pandas columns.

R objects such as ``step_mutate`` quosures and formula terms hold unevaluated R code.
:func:`evaluate` runs such an expression tree (nodes of :mod:`pykerasnip.rds.nodes`)
with R's semantics -- vector recycling, NA propagation, integer versus double
arithmetic, three-valued logic -- using only the functions registered in
:data:`FUNCTIONS`. Anything else is refused with :class:`UnsupportedObjectError`; no R
code is ever executed.

Values are held as R vectors are: doubles as float64 arrays (NA = NaN), integers as
pandas ``Int32`` arrays, logicals as pandas ``boolean`` arrays, characters as object
arrays (``None`` = NA), factors as :class:`pandas.Categorical` and numeric matrices
(``poly()``, ``ns()``, ``bs()``, ``scale()``) as DataFrames. A matrix computed from the
data records, in ``attrs["predict_args"]``, the arguments R's ``makepredictcall`` would
store in a terms object's ``predvars`` (coefficients, knots, center and scale).

The package: :mod:`.values` (vectors and coercions), :mod:`.evaluator` (lookup, dispatch,
the registry :data:`FUNCTIONS`) and one module of builtins per family, each registering
into :data:`FUNCTIONS` when imported here: :mod:`.arithmetic`, :mod:`.logic`,
:mod:`.summaries`, :mod:`.construct`, :mod:`.conversion`, :mod:`.bases`.
"""
from __future__ import annotations

from . import arithmetic, bases, construct, logic, summaries  # noqa: F401  (register builtins)
from .conversion import as_factor, default_levels
from .evaluator import FUNCTIONS, PACKAGES, Context, eval_node, evaluate
from .values import RVector, as_character, as_double, as_logical, as_vector, kind

__all__ = ["FUNCTIONS", "PACKAGES", "Context", "RVector", "as_character", "as_double", "as_factor",
           "as_logical", "as_vector", "default_levels", "eval_node", "evaluate", "kind"]
