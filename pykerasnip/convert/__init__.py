"""Natural Python values <-> R object trees, and accessors for navigating R trees.

:func:`to_python` maps R values to their natural Python form and :func:`from_python`
(:func:`from_pandas`) maps them back so that R reads back ``identical()`` objects:

=======================  ==================================================================
R                        Python
=======================  ==================================================================
NULL                     ``None``
data.frame / tibble      ``pandas.DataFrame`` (columns below); character row names -> the
                         index; integer row names -> an integer index, which (like any
                         integer index) is written back as automatic row names
double                   float64 (NA and NaN -> NaN; NaN goes back as ``NA_real_``)
integer                  ``Int32`` column / int32 array (nullable array when NA present)
logical                  ``boolean`` column / bool array (nullable array when NA present)
character                object dtype, ``None`` for NA
complex                  complex128
factor / ordered         ``pandas.Categorical`` (level order and ``ordered`` kept)
Date                     naive ``datetime64`` (``NaT`` for NA, NaN and +-Inf; dates beyond
                         1677-2262 in the finest unit that holds them)
POSIXct                  tz-aware datetime in nanoseconds (``tzone``; UTC when empty or
                         absent; ``NaT`` and far dates as for Date)
difftime                 ``timedelta64`` (written back in ``units = "secs"``)
matrix (only ``dim``)    2-D numpy array (column-major data); integer/logical with NA
                         become float64 with NaN
list column              object column of converted elements
matrix column            object column holding each row as a 1-D array; the column names
                         are listed in ``DataFrame.attrs["r_matrix_columns"]``
named atomic vector      ``pandas.Series`` indexed by the names
list                     :class:`RList`
raw                      ``bytes`` (a raw vector with attributes stays the node)
=======================  ==================================================================

Writing rules beyond the inverse of the table: datetimes that are tz-aware -> POSIXct
with that ``tzone``; naive datetimes all at midnight (or missing) -> Date, other naive
ones -> POSIXct in UTC. Integers of any width -> integer (double beyond R's integer
range); object columns of strings (or pandas' string dtype) -> character, other object
columns -> list columns; dicts -> named lists, lists and tuples -> unnamed lists, Python
scalars -> length-1 vectors.

Attributes that the natural form does not already express go to ``.attrs`` (of the
Series, :class:`RList` or DataFrame; a column's under ``attrs["r_column_attrs"][name]``)
and are written back. In ``.attrs`` a plain atomic vector is a Python list (``None`` =
NA), so that pandas can compare and copy it. What has no natural form (closures,
environments, calls, symbols, formulas, pairlists, matrices with dimnames or a class,
expression vectors, S4 objects) stays the R node; nothing is silently dropped.

Modules: :mod:`.r_to_python` (R -> Python), :mod:`.python_to_r` (Python -> R) and
:mod:`.accessors` (:class:`RList` and the readers of R trees).
"""
from __future__ import annotations

from .accessors import RList, flag, r_get, scalar, strings
from .python_to_r import as_r_columns, datetime_numbers, day_numbers, from_pandas, from_python
from .r_to_python import date_values, named_values, posixct_values, to_pandas, to_python

__all__ = ["RList", "as_r_columns", "date_values", "datetime_numbers", "day_numbers", "flag",
           "from_pandas", "from_python", "named_values", "posixct_values", "r_get", "scalar",
           "strings", "to_pandas", "to_python"]
