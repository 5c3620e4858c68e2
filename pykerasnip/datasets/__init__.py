"""R's example data sets as pandas DataFrames with R's exact values and column types.

The CSV files next to this module were written by ``tests/r/convert_datasets.R`` with
17 significant digits, so every double is bit-identical to R's. Column types follow
:func:`pykerasnip.convert.to_python`: doubles float64, integers ``Int32``, factors
``Categorical`` with R's level order.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

__all__ = ["mtcars", "iris", "penguins"]


@dataclass(frozen=True)
class _Layout:
    """How to type one CSV: factor levels, integer columns, the row-name column."""

    factors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    integers: tuple[str, ...] = ()
    row_names: str | None = None

    def dtypes(self) -> defaultdict:
        known = {name: pd.CategoricalDtype(levels) for name, levels in self.factors.items()}
        known.update({name: "Int32" for name in self.integers})
        if self.row_names:
            known[self.row_names] = object
        return defaultdict(lambda: "float64", known)


_LAYOUTS = {
    "mtcars": _Layout(row_names="model"),
    "iris": _Layout(factors={"Species": ("setosa", "versicolor", "virginica")}),
    "penguins": _Layout(
        factors={"species": ("Adelie", "Chinstrap", "Gentoo"),
                 "island": ("Biscoe", "Dream", "Torgersen"),
                 "sex": ("female", "male")},
        integers=("flipper_length_mm", "body_mass_g", "year")),
}


def _load(name: str) -> pd.DataFrame:
    layout = _LAYOUTS[name]
    with resources.files(__name__).joinpath(f"{name}.csv").open("r", encoding="utf-8") as fh:
        # the python engine parses with float(): correctly rounded, so R's bits come back
        frame = pd.read_csv(fh, dtype=layout.dtypes(), keep_default_na=False, na_values=[""],
                            engine="python")
    if layout.row_names:
        frame = frame.set_index(layout.row_names)
        frame.index.name = None
    return frame


def mtcars() -> pd.DataFrame:
    """R's ``datasets::mtcars``: 32 cars x 11 float64 columns, car names as the index."""
    return _load("mtcars")


def iris() -> pd.DataFrame:
    """R's ``datasets::iris``: four float64 measurements and the ``Species`` factor."""
    return _load("iris")


def penguins() -> pd.DataFrame:
    """``palmerpenguins::penguins`` (344 rows, with R's NAs): float64 bill sizes, ``Int32``
    flipper length, body mass and year, factors species, island and sex."""
    return _load("penguins")
