"""R model formulas in Python: parsing and deparsing, terms, model frames and matrices.

``FormulaPreproc`` (parsnip's formula preprocessing) is importable from here; it is
loaded on first use because the expression interpreter it relies on imports
:mod:`.parse` from this package.
"""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "FormulaPreproc":
        from .preproc import FormulaPreproc
        return FormulaPreproc
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
