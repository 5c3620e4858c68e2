"""Structured mutations of R-saved kerasnip files, and one ``read + predict`` run.

A fixture's tree is decoded, one node of it is changed (dropped, replaced by another
R type, made shorter or longer, given other values or attributes, or, for stored
``.keras`` bytes, swapped for a crafted archive), the tree is encoded again with
``rds.dumps`` and then read and predicted as a user would. A run's outcome is one of:
``ok`` (same prediction as the unmutated file), ``warned`` (a warning was given),
``typed`` (a :mod:`pykerasnip.errors` error), ``changed`` (another prediction, no
warning), or ``escape`` (any other exception: a defect).

Mutations are *structural* (the file's shape or metadata: a missing field, a wrong
type or length, a dropped attribute, a broken archive) or *values* (a number, a
string, a valid other archive). A value mutation may legitimately change the answer;
a structural one that changes it without a warning or error is silent garbage.
"""
from __future__ import annotations

import io
import json
import math
import pickle
import time
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from pykerasnip import rds
from pykerasnip.errors import PykerasnipError
from pykerasnip.io import from_bytes
from pykerasnip.model import keras_fit
from pykerasnip.rds import nodes as n

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
#: small fixtures of every kind (sequential/functional, regression/classification,
#: recipe/formula/variables, workflow/model_fit/bundle); (folder, file)
SEEDS = [("seq_cls_multiclass_iris", "workflow.rds"), ("seq_reg_recipe_normalize", "workflow.rds"),
         ("seq_reg_formula_factor_traditional", "workflow.rds"), ("seq_reg_variables", "workflow.rds"),
         ("seq_cls_binary_recipe", "workflow.rds"), ("func_reg_recipe", "workflow.rds"),
         ("modelfit_xy", "model_fit.rds"), ("modelfit_cls_formula", "model_fit.rds"),
         ("seq_reg_bundle", "bundle.rds")]
ROWS = 5


@dataclass
class Site:
    """A place in the tree: how to read, replace and drop the value there."""

    path: str
    get: Callable[[], Any]
    put: Callable[[Any], None]
    drop: Callable[[], None] | None


def _list_site(owner: n.List, i: int, path: str) -> Site:
    def drop() -> None:
        del owner.data[i]
        names = owner.attr("names")
        if isinstance(names, n.Str) and len(names.data) > i:
            del names.data[i]
    return Site(path, lambda: owner.data[i], lambda v: owner.data.__setitem__(i, v), drop)


def _cell_site(cell: n.Cons, path: str, owner: Any = None, name: str | None = None) -> Site:
    drop = (lambda: owner.set_attr(name, None)) if owner is not None else None
    return Site(path, lambda: cell.car, lambda v: setattr(cell, "car", v), drop)


def sites(root: Any) -> list[Site]:
    """Every list element, attribute and call/pairlist cell, in a fixed order
    (iterative walk; closures, environments and byte code are not entered)."""
    out: list[Site] = []
    stack: list[tuple[Any, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if not isinstance(node, n.RObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, (n.Closure, n.Environment, n.Bytecode, n.Builtin)):
            continue
        for cell in (node.attributes.cells() if node.attributes is not None else ()):
            name = cell.tag.name if isinstance(cell.tag, n.Sym) else "?"
            out.append(_cell_site(cell, f"{path}@{name}", node, name))
            stack.append((cell.car, f"{path}@{name}"))
        if isinstance(node, n.List):
            names = node.names or []
            for i, child in enumerate(node.data):
                label = names[i] if i < len(names) and names[i] else str(i)
                out.append(_list_site(node, i, f"{path}${label}"))
                stack.append((child, f"{path}${label}"))
        elif isinstance(node, n.Cons):
            for k, cell in enumerate(node.cells()):
                out.append(_cell_site(cell, f"{path}[{k}]"))
                stack.append((cell.car, f"{path}[{k}]"))
    return out


# --------------------------------------------------------------------------- archives
@lru_cache(maxsize=None)
def _archive() -> bytes:
    tree = rds.load(FIXTURES / "seq_cls_multiclass_iris" / "workflow.rds")
    return tree["fit"]["fit"]["fit"]["keras_bytes"].data


def _rezip(replace: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_archive())) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for name in src.namelist():
            dst.writestr(name, replace.pop(name) if name in replace else src.read(name))
        for name, data in replace.items():
            dst.writestr(name, data)
    return out.getvalue()


def _config(edit: Callable[[dict], None]) -> bytes:
    config = json.loads(zipfile.ZipFile(io.BytesIO(_archive())).read("config.json"))
    edit(config)
    return _rezip({"config.json": json.dumps(config).encode()})


_CRAFTED: dict[str, Callable[[], bytes]] = {
    "garbage": lambda: b"not a zip at all",
    "truncated": lambda: _archive()[: len(_archive()) // 2],
    "bomb": lambda: _rezip({"pad.bin": b"\0" * (64 * 1024**2)}, zipfile.ZIP_DEFLATED),
    "deep_json": lambda: _rezip({"config.json": b"[" * 5000 + b"]" * 5000}),
    "no_config": lambda: _rezip({"config.json": b""}),
    "bad_weights": lambda: _rezip({"model.weights.h5": b"\x89HDF\r\n\x1a\nxx"}),
    "no_layers": lambda: _config(lambda c: c["config"].__setitem__("layers", [])),
    "wrong_units": lambda: _config(lambda c: c["config"]["layers"][-1]["config"].__setitem__("units", 7)),
    "unknown_class": lambda: _config(lambda c: c["config"]["layers"][-1].__setitem__("class_name", "Nope")),
    "lambda_layer": lambda: _config(lambda c: c["config"]["layers"][-1].update(
        {"class_name": "Lambda", "config": {"name": "x", "function": {"class_name": "__lambda__",
                                                                      "config": {"value": "AAAA"}}}})),
}
#: crafted ``.keras`` archives by name, each built once per process
CRAFTED_ARCHIVES: dict[str, Callable[[], bytes]] = {name: lru_cache(maxsize=1)(make)
                                                    for name, make in _CRAFTED.items()}


# --------------------------------------------------------------------------- mutations
def _vector_like(node: Any, data: Any) -> Any:
    cls = type(node)
    if isinstance(node, n.Raw):
        return n.Raw(bytes(data), node.attributes)
    return cls(data, node.attributes) if cls in (n.Real, n.Integer, n.Logical, n.Str, n.List) else node


OTHER_TYPES: list[Callable[[], Any]] = [
    lambda: None, lambda: n.Str(["x"]), lambda: n.Real([math.nan]), lambda: n.Integer([7]),
    lambda: n.Logical([1]), lambda: n.List([]), lambda: n.Real([]), lambda: n.Sym("x"),
]
NUMBERS = [0.0, -1.0, math.nan, math.inf, -math.inf, 1e308, 1e-308, 2.0**31]


def _lengths(node: Any, choice: int) -> Any:
    if not isinstance(node, (n.Real, n.Integer, n.Logical, n.Str, n.List, n.Raw)):
        return None
    data = list(node.data) if not isinstance(node, n.Raw) else node.data
    shapes = [data[:0], data[:1], data[:-1], data + data[:1], data + data]
    return _vector_like(node, shapes[choice % len(shapes)])


def _values(node: Any, choice: int) -> Any:
    if isinstance(node, (n.Real, n.Integer)) and len(node):
        data = np.array(node.data, dtype=np.float64)
        data[choice % len(data)] = NUMBERS[choice % len(NUMBERS)]
        if isinstance(node, n.Integer):
            data = np.where(np.isfinite(data) & (np.abs(data) < 2**31), data, n.NA_INTEGER)
        return _vector_like(node, data.astype(node.dtype))
    if isinstance(node, n.Str) and len(node):
        data = list(node.data)
        data[choice % len(data)] = ["", None, "évil", data[0], "x" * 1000][choice % 5]
        return _vector_like(node, data)
    return None


@dataclass
class Mutation:
    """What one input changes: ``kind`` and ``choice`` pick the change at site
    ``site`` (an index into :func:`sites`)."""

    seed: int
    site: int
    kind: str
    choice: int

    @property
    def structural(self) -> bool:
        return self.kind not in ("values", "archive_other")


KINDS = ("drop", "type", "length", "values", "attribute", "archive")


def _same_shape(old: Any, new: Any) -> bool:
    """Same R type, length and (no) attributes."""
    if type(old) is not type(new):
        return False
    if not isinstance(old, n.Vector):
        return old is None or not isinstance(old, n.RObject) or old.attributes is None
    return len(old) == len(new) and old.attributes is None


def apply(mutation: Mutation, root: Any) -> str | None:
    """Mutate ``root`` in place; the path changed (``None`` if the mutation does not
    apply to that site)."""
    all_sites = sites(root)
    if mutation.kind == "archive":
        raws = [s for s in all_sites if isinstance(s.get(), n.Raw) and len(s.get()) > 1000]
        if not raws:
            return None
        site = raws[mutation.site % len(raws)]
        names = list(CRAFTED_ARCHIVES)
        site.put(n.Raw(CRAFTED_ARCHIVES[names[mutation.choice % len(names)]]()))
        return f"{site.path} <- {names[mutation.choice % len(names)]} archive"
    site = all_sites[mutation.site % len(all_sites)]
    node = site.get()
    if mutation.kind == "drop":
        if site.drop is None:
            return None
        site.drop()
        return f"drop {site.path}"
    if mutation.kind in ("type", "attribute"):
        if mutation.kind == "attribute" and "@" not in site.path.rsplit("$", 1)[-1]:
            return None
        new = OTHER_TYPES[mutation.choice % len(OTHER_TYPES)]()
        if _same_shape(node, new):  # another value of the same type: a "values" change
            return None
        site.put(new)
        return f"{site.path} <- type {mutation.choice % len(OTHER_TYPES)}"
    new = (_lengths if mutation.kind == "length" else _values)(node, mutation.choice)
    if new is None:
        return None
    site.put(new)
    return f"{site.path} <- {mutation.kind} {mutation.choice}"


# --------------------------------------------------------------------------- one run
@lru_cache(maxsize=None)
def seed_file(index: int) -> tuple[bytes, pd.DataFrame, tuple[str, ...]]:
    folder, file = SEEDS[index % len(SEEDS)]
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    case = next(c for c in manifest["cases"] if c["case"] == folder)
    from pykerasnip.convert import to_pandas

    new_data = to_pandas(rds.load(FIXTURES / folder / "new_data.rds")).iloc[:ROWS]
    return (FIXTURES / folder / file).read_bytes(), new_data, tuple(case["predictions"])


#: predict types whose Monte Carlo draws come from Keras seed generators created while
#: the model loads (after ``set_random_seed``): their models must load afresh every time
SEEDED_KINDS = ("conf_int", "pred_int")


class _SeedModels:
    """``model_from_bytes`` that loads each seed file's own archives once per process,
    except while ``fresh`` is set (a seeded prediction)."""

    def __init__(self, load: Callable[..., Any]):
        self.load = load
        self.originals = {bytes(raw.data) for i in range(len(SEEDS))
                          for raw in _raws(rds.loads(seed_file(i)[0]))}
        self.loaded: dict[tuple, Any] = {}
        self.fresh = False

    def __call__(self, data: bytes, safe_mode: bool = True, compile: bool = False) -> Any:
        if self.fresh or data not in self.originals:
            return self.load(data, safe_mode, compile)
        key = (data, safe_mode, compile)
        if key not in self.loaded:
            self.loaded[key] = self.load(data, safe_mode, compile)
        return self.loaded[key]


@contextmanager
def seed_models_reused() -> Iterator[None]:
    """Within, load each seed file's own ``.keras`` archives once per process for the
    unseeded predict types.

    Loading the same bytes gives the same model every time, so a campaign spends its
    time on what the mutation changed; a mutated or crafted archive, whose bytes differ
    from every seed's, is still loaded afresh on each input, and so is every model of a
    seeded prediction."""
    load = keras_fit.model_from_bytes
    keras_fit.model_from_bytes = _SeedModels(load)
    try:
        yield
    finally:
        keras_fit.model_from_bytes = load


def _raws(root: Any) -> list[n.Raw]:
    return [s.get() for s in sites(root) if isinstance(s.get(), n.Raw) and len(s.get()) > 1000]


def _models_for(kind: str) -> None:
    if isinstance(keras_fit.model_from_bytes, _SeedModels):
        keras_fit.model_from_bytes.fresh = kind in SEEDED_KINDS


def warm_up() -> None:
    """Import, load and predict every seed file once, so that no input's time includes
    the process's one-off start-up."""
    for index in range(len(SEEDS)):
        for kind in seed_file(index)[2]:
            baseline(index, kind)


@lru_cache(maxsize=None)
def baseline(index: int, kind: str) -> pd.DataFrame:
    data, new_data, _ = seed_file(index)
    _models_for(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_bytes(data).predict(new_data, type=kind, seed=1)


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or a.shape != b.shape:
        return False
    for col in a.columns:
        x, y = a[col], b[col]
        if isinstance(x.dtype, pd.CategoricalDtype) or isinstance(y.dtype, pd.CategoricalDtype):
            if not (str(x.dtype) == str(y.dtype) and x.astype(object).equals(y.astype(object))
                    and list(getattr(x, "cat", y.cat).categories) == list(getattr(y, "cat", x.cat).categories)):
                return False
        elif not np.allclose(x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=1e-9, equal_nan=True):
            return False
    return True


@dataclass
class Outcome:
    status: str  # ok, warned, typed, changed, escape, skipped
    what: str
    seconds: float = 0.0  # wall clock, from copying the seed tree to the prediction
    error: str = ""
    cpu_seconds: float = 0.0  # this process's CPU time over the same span


@lru_cache(maxsize=None)
def _seed_tree(index: int) -> bytes:
    """Seed file ``index`` decoded once, pickled: each input mutates its own copy."""
    return pickle.dumps(rds.loads(seed_file(index)[0]), protocol=pickle.HIGHEST_PROTOCOL)


def run(mutation: Mutation) -> Outcome:
    """Mutate, encode, read, summarise and predict one seed file."""
    _, new_data, kinds = seed_file(mutation.seed)
    kind = kinds[mutation.choice % len(kinds)]
    _models_for(kind)
    start, cpu = time.perf_counter(), time.process_time()
    root = pickle.loads(_seed_tree(mutation.seed))
    what = apply(mutation, root)
    if what is None:
        return Outcome("skipped", "")
    what = f"{SEEDS[mutation.seed % len(SEEDS)][0]} {kind}: {what}"
    try:
        encoded = rds.dumps(root)
    except PykerasnipError:
        return Outcome("skipped", what)  # not a tree R could have written
    outcome = _read_and_predict(encoded, new_data, kind, mutation, what)
    outcome.seconds = time.perf_counter() - start
    outcome.cpu_seconds = time.process_time() - cpu
    return outcome


def _read_and_predict(encoded: bytes, new_data: pd.DataFrame, kind: str, mutation: Mutation,
                      what: str) -> Outcome:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            obj = from_bytes(encoded)
            repr(obj)
            if not hasattr(obj, "predict"):  # read as plain R data: nothing to predict
                return Outcome("typed", what, error="not a model")
            got = obj.predict(new_data, type=kind, seed=1)
        except PykerasnipError as exc:
            return Outcome("typed", what, error=f"{type(exc).__name__}: {exc}"[:300])
        except BaseException as exc:  # noqa: BLE001 -- counting escapes is the point
            if isinstance(exc, KeyboardInterrupt):
                raise
            return Outcome("escape", what, error=f"{type(exc).__name__}: {exc}"[:300])
    if caught:
        return Outcome("warned", what, error=str(caught[0].message)[:200])
    if same(got, baseline(mutation.seed, kind)):
        return Outcome("ok", what)
    return Outcome("changed" if mutation.structural else "ok", what)
