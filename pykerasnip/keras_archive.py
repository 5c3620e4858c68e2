"""Facts about a ``.keras`` archive read straight from its zip members (no Keras import).

Used for summaries (``repr``, ``pykerasnip inspect``): Keras version, layers and their
parameter counts, read from ``metadata.json``, ``config.json`` and the shapes in
``model.weights.h5``.
"""
from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field

from .errors import UnsupportedObjectError


@dataclass
class LayerInfo:
    name: str
    class_name: str
    n_params: int


@dataclass
class ArchiveInfo:
    keras_version: str | None
    model_class: str
    layers: list[LayerInfo] = field(default_factory=list)
    size: int = 0

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)


def _layer_configs(config: dict) -> list[dict]:
    """Top-level layer configs of a Sequential or Functional model config."""
    return list(config.get("config", {}).get("layers", []))


def _snake_case(class_name: str) -> str:
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _weight_paths(configs: list[dict], sequential: bool) -> list[str]:
    """The group each layer's weights live under in ``model.weights.h5``: Keras names
    them by class (``dense``, ``dense_1``, ...) in layer order, not by layer name."""
    seen: dict[str, int] = {}
    paths = []
    for cfg in configs:
        if sequential and cfg.get("class_name") == "InputLayer":
            paths.append("")
            continue
        base = _snake_case(cfg.get("class_name", ""))
        k = seen.get(base, 0)
        seen[base] = k + 1
        paths.append(base if k == 0 else f"{base}_{k}")
    return paths


def _param_counts(weights_h5: bytes) -> dict[str, int]:
    """Weights group -> number of weight values (optimizer state excluded)."""
    import h5py

    counts: dict[str, int] = {}
    with h5py.File(io.BytesIO(weights_h5), "r") as h5:
        layers = h5.get("layers")
        if layers is None:
            return counts

        def visit(path: str, obj) -> None:
            if isinstance(obj, h5py.Dataset):
                top = path.split("/", 1)[0]
                counts[top] = counts.get(top, 0) + math.prod(obj.shape)

        layers.visititems(visit)
    return counts


def describe(keras_bytes: bytes) -> ArchiveInfo:
    """Summarise a ``.keras`` archive: version, model class, layers with parameter counts."""
    try:
        with zipfile.ZipFile(io.BytesIO(keras_bytes)) as zf:
            meta = json.loads(zf.read("metadata.json"))
            config = json.loads(zf.read("config.json"))
            weights = zf.read("model.weights.h5") if "model.weights.h5" in zf.namelist() else b""
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise UnsupportedObjectError(f"not a .keras archive: {exc}") from exc
    counts = _param_counts(weights) if weights else {}
    configs = _layer_configs(config)
    paths = _weight_paths(configs, config.get("class_name") == "Sequential")
    layers = [
        LayerInfo(name=cfg.get("config", {}).get("name", "?"),
                  class_name=cfg.get("class_name", "?"), n_params=counts.get(path, 0))
        for cfg, path in zip(configs, paths)
    ]
    return ArchiveInfo(meta.get("keras_version"), config.get("class_name", "?"), layers,
                       len(keras_bytes))
