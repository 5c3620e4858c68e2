"""One map from R classes to the Python classes that read them.

A class with an R form registers itself with :func:`r_class`; its ``from_r(node, *,
safe_mode)`` turns a decoded R tree of that class into the Python object, and its
``to_r()`` goes back. Readers (``read_rds``, the rpy2 bridge) look the R object's class
vector up here, most specific class first; an R class nobody registered is read as its
natural Python value.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .rds.nodes import RObject

#: what a registered reader is called with: the R tree and ``safe_mode``
Reader = Callable[..., Any]
T = TypeVar("T", bound=type)

_READERS: dict[str, Reader] = {}


def r_class(*names: str) -> Callable[[T], T]:
    """Class decorator: the class reads R objects of class ``names`` with ``from_r``."""
    def register(cls: T) -> T:
        for name in names:
            register_reader(name, cls.from_r)
        return cls
    return register


def register_reader(name: str, reader: Reader) -> None:
    """Read R objects of class ``name`` with ``reader(node, safe_mode=...)``."""
    if _READERS.get(name, reader) is not reader:
        raise ValueError(f"R class {name!r} is already read by {_READERS[name]!r}")
    _READERS[name] = reader


def reader_for(node: Any) -> Reader | None:
    """The registered reader of the most specific class of ``node``, if any."""
    if not isinstance(node, RObject):
        return None
    for name in node.classes:
        reader = _READERS.get(name)
        if reader is not None:
            return reader
    return None


def registered_classes() -> list[str]:
    """The R classes with a reader, in registration order."""
    return list(_READERS)
