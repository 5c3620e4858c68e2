"""vetiver model pins on pins boards, in R's layout and in vetiver-python's.

An R model pin (``vetiver_pin_write()`` in R) is pins-r's ``type: rds`` pin: a version
folder ``<name>/<created>-<hash5>/`` holding ``data.txt`` (YAML metadata, R packages under
``user: required_pkgs``) and ``<name>.rds``, R's ``saveRDS(version = 2)`` of
``list(model = bundle(fit), prototype = <0-row tibble>)``. :func:`read_pin` turns one
into a ``vetiver.VetiverModel`` predicting through pykerasnip, on any pins-python board;
:func:`write_r_pin` writes a Python-fitted model the same way, so R's
``vetiver_pin_read()`` serves it. vetiver-python's own ``joblib`` pins of pykerasnip
models are read too (``vetiver.vetiver_pin_write`` writes them).
"""
from __future__ import annotations

import datetime
from typing import Any

import pandas as pd
import vetiver
import xxhash
import yaml
from pins.drivers import load_path

from .. import rds
from ..bundles import Bundle, unbundle
from ..convert import from_pandas, to_pandas
from ..errors import UnsupportedObjectError
from ..io import from_tree
from ..rtree import to_tree
from ..rds import build as b
from ..rds.nodes import List
from ..workflows import Workflow
from .handler import PIP_NAME, PykerasnipHandler

#: R packages vetiver-r records for a kerasnip workflow (``required_pkgs(workflow)`` +
#: "workflows"); a recipe adds "recipes" (the steps pykerasnip fits need no other package:
#: kerasnip's own steps name "kerasnip")
_R_PKGS = ("keras3", "kerasnip", "parsnip", "workflows")


# --------------------------------------------------------------------------- reading
def _pin_bytes(board: Any, name: str, meta: Any) -> bytes:
    version_path = board.construct_path([board.path_to_pin(name), meta.version.version])
    with board.fs.open(load_path(meta.file, version_path, meta.type), "rb") as f:
        return f.read()


def split_r_pin(tree: Any) -> tuple[Any, pd.DataFrame | None]:
    """(model, prototype) of a vetiver-r pin's R tree; a bare model has no prototype."""
    if isinstance(tree, List) and not tree.inherits("bundle") and "model" in tree:
        proto = tree["prototype"] if "prototype" in tree else (tree["ptype"] if "ptype" in tree else None)
        return from_tree(tree["model"]), None if proto is None else to_pandas(proto)
    return from_tree(tree), None


def model_from_r(tree: Any, name: str, *, description: str | None = None,
                 metadata: dict | None = None, type: str | None = None,
                 level: float = 0.95) -> vetiver.VetiverModel:
    """The VetiverModel of a vetiver-r pin's (or a plain model ``.rds``'s) R tree."""
    model, prototype = split_r_pin(tree)
    handler = PykerasnipHandler(model, prototype, type=type, level=level, description=description)
    return vetiver.VetiverModel(handler, name, description=handler.describe(), metadata=metadata,
                                versioned=True)


def read_pin(board: Any, name: str, version: str | None = None, *, type: str | None = None,
             level: float = 0.95) -> vetiver.VetiverModel:
    """The ``vetiver.VetiverModel`` of pin ``name`` on a pins-python ``board``: an R pin
    (``type: rds``, from vetiver-r) or a vetiver-python ``joblib`` pin of a pykerasnip
    model (the board must allow pickle reads). ``type``/``level``: ``/predict``'s
    defaults."""
    meta = board.pin_meta(name, version)
    if meta.type == "joblib":
        return vetiver.VetiverModel.from_pin(board, name, version)
    if meta.type != "rds":
        raise UnsupportedObjectError(f"pin {name!r} is a {meta.type!r} pin, not a model pin")
    user = dict(meta.user or {})
    r_pkgs = user.pop("required_pkgs", None) or []
    user.pop("renv_lock", None)
    metadata = {"user": {**user, "r_required_pkgs": list(r_pkgs)}, "version": meta.version.version,
                "url": (meta.local or {}).get("url"), "required_pkgs": [PIP_NAME]}
    tree = rds.loads(_pin_bytes(board, name, meta))
    return model_from_r(tree, name, description=meta.description, metadata=metadata,
                        type=type, level=level)


# --------------------------------------------------------------------------- writing
def r_required_pkgs(model: Any) -> list[str]:
    """The R packages vetiver-r lists for this model (sorted, as ``vetiver_model()``)."""
    fit = unbundle(model)
    pkgs = set(_R_PKGS)
    if isinstance(fit, Workflow) and fit.preprocessor is not None and fit.preprocessor.kind == "recipe":
        pkgs.add("recipes")
    return sorted(pkgs)


def _prototype_tree(handler: PykerasnipHandler) -> List:
    blueprint = getattr(handler.model, "blueprint", None)
    node = getattr(blueprint, "r_node", None)
    if node is not None and handler.ptype is getattr(blueprint.ptypes, "predictors", None):
        own = node["ptypes"]["predictors"] if "ptypes" in node else None
        if own is not None:
            return own  # read from R: R's own 0-row tibble
    return from_pandas(handler.ptype, tibble=True)


def r_pin_tree(model: Any, prototype_data: Any = None) -> List:
    """``list(model = bundle(fit), prototype = <0-row tibble>)``, as vetiver-r pins it."""
    handler = PykerasnipHandler(model, prototype_data)
    return b.named_list(model=to_tree(Bundle(handler.model)), prototype=_prototype_tree(handler))


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def r_pin_meta(name: str, data: bytes, *, description: str, title: str | None = None,
               user: dict | None = None, created: str | None = None) -> dict:
    """pins-r's ``data.txt`` fields for the rds bytes ``data`` (pins-r's field order)."""
    return {"file": f"{name}.rds", "file_size": len(data),
            "pin_hash": xxhash.xxh64(data).hexdigest(), "type": "rds",
            "title": title or f"{name}: a pinned list", "description": description,
            "tags": None, "urls": None, "created": created or _now(), "api_version": 1,
            "user": user or {}}


class _RYaml(yaml.SafeDumper):
    """YAML as R's yaml::write_yaml spells it (NULL is ``~``)."""


_RYaml.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", "~"))


def _put(board: Any, path: str, data: bytes) -> None:
    with board.fs.open(path, "wb") as f:
        f.write(data)


def write_r_pin(board: Any, model: Any, name: str, *, prototype_data: Any = None,
                description: str | None = None, metadata: dict | None = None,
                versioned: bool | None = None, created: str | None = None) -> str:
    """Pin a fitted pykerasnip model on a pins-python ``board`` as R's
    ``vetiver_pin_write(board, vetiver_model(fit, name))`` does, so R's
    ``vetiver_pin_read()`` + ``predict()`` and a vetiver-r plumber API serve it.
    Returns the new version's name. ``metadata``: the pin's user metadata."""
    board.validate_pin_name(name)
    tree = r_pin_tree(model, prototype_data)
    data = rds.dumps(tree, compress="gzip", version=2)  # pins-r's saveRDS(version = 2)
    handler = PykerasnipHandler(model, prototype_data)
    user = {**(metadata or {}), "required_pkgs": r_required_pkgs(model), "renv_lock": None}
    meta = r_pin_meta(name, data, description=description or handler.describe(), user=user,
                      created=created)
    version = f"{meta['created']}-{meta['pin_hash'][:5]}"
    pin_dir = board.path_to_pin(name)
    old = board.pin_versions(name, as_df=False) if board.pin_exists(name) else []
    board.fs.mkdir(board.construct_path([pin_dir, version]))
    _put(board, board.construct_path([pin_dir, version, "data.txt"]),
         yaml.dump(meta, Dumper=_RYaml, sort_keys=False, allow_unicode=True).encode("utf-8"))
    _put(board, board.construct_path([pin_dir, version, meta["file"]]), data)
    if not (board.versioned if versioned is None else versioned):
        for stale in old:
            if stale.version != version:
                board.fs.rm(board.construct_path([pin_dir, stale.version]), recursive=True)
    return version
