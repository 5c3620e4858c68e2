"""A ``.keras`` archive checked against a resource budget, and facts read straight
from its zip members (no Keras import).

:func:`check_archive` runs before Keras or a summary opens stored bytes: every member
is decompressed as a stream, and an archive whose members declare or yield more than
the budget, or compress suspiciously well (a zip bomb), or whose ``config.json`` nests
too deep, is refused with :class:`ArchiveError`. :func:`describe` gives summaries
(``repr``, ``pykerasnip inspect``): Keras version, layers and parameter counts, read
from ``metadata.json``, ``config.json`` and the shapes in ``model.weights.h5``.
"""
from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field

from .errors import ArchiveError

#: the archive budget: members, total decompressed bytes, the compression ratio a
#: member over ``RATIO_FLOOR`` bytes may reach (Keras stores members uncompressed),
#: and the nesting depth of ``config.json``
MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED = 2 * 1024**3
MAX_RATIO = 100
RATIO_FLOOR = 1024**2
MAX_JSON_DEPTH = 200
_CHUNK = 1024**2


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


def _member_budget(info: zipfile.ZipInfo, left: int) -> int:
    """The bytes ``info`` may decompress to; refuses what the budget cannot hold."""
    if info.file_size > left:
        raise ArchiveError(f".keras member {info.filename!r} declares {info.file_size} bytes; "
                           f"the archive budget has {left} left (of {MAX_UNCOMPRESSED})")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ArchiveError(f".keras member {info.filename!r} expands {info.compress_size} bytes "
                           f"to {info.file_size}: more than {MAX_RATIO}x, refused as a zip bomb")
    return info.file_size


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, decompressed in chunks and never past ``cap``."""
    parts, size = [], 0
    with zf.open(info) as fh:
        while chunk := fh.read(min(_CHUNK, cap - size + 1)):
            size += len(chunk)
            if size > cap:
                raise ArchiveError(f".keras member {info.filename!r} decompresses past its "
                                   f"declared {cap} bytes")
            parts.append(chunk)
    return b"".join(parts)


def json_depth(text: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in JSON text (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _json(data: bytes, name: str) -> dict:
    if json_depth(data) > MAX_JSON_DEPTH:
        raise ArchiveError(f".keras member {name!r} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f".keras member {name!r} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ArchiveError(f".keras member {name!r} is not a JSON object")
    return value


def read_archive(keras_bytes: bytes) -> dict[str, bytes]:
    """Every member of a ``.keras`` archive (name -> bytes), within the budget; its
    ``config.json`` and ``metadata.json`` must be JSON objects of bounded depth."""
    try:
        with zipfile.ZipFile(io.BytesIO(keras_bytes)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ArchiveError(f".keras archive has {len(infos)} members (budget {MAX_MEMBERS})")
            members, left = {}, MAX_UNCOMPRESSED
            for info in infos:
                cap = _member_budget(info, left)
                members[info.filename] = _read_member(zf, info, cap)
                left -= len(members[info.filename])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError) as exc:
        if isinstance(exc, ArchiveError):
            raise
        raise ArchiveError(f"not a readable .keras archive: {exc}") from exc
    for name in ("metadata.json", "config.json"):
        if name not in members:
            raise ArchiveError(f"not a .keras archive: no {name}")
        _json(members[name], name)
    return members


def check_archive(keras_bytes: bytes) -> None:
    """Refuse (:class:`ArchiveError`) an archive outside the budget or malformed."""
    read_archive(keras_bytes)


def config_strings(keras_bytes: bytes) -> set[str]:
    """Every string in the archive's ``config.json``: among them the names of the
    classes and functions Keras looks up when it loads the model."""
    found: set[str] = set()
    stack: list = [_json(read_archive(keras_bytes)["config.json"], "config.json")]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def describe(keras_bytes: bytes) -> ArchiveInfo:
    """Summarise a ``.keras`` archive: version, model class, layers with parameter counts."""
    members = read_archive(keras_bytes)
    meta, config = _json(members["metadata.json"], "metadata.json"), _json(members["config.json"], "config.json")
    weights = members.get("model.weights.h5", b"")
    try:
        return _summary(meta, config, _param_counts(weights) if weights else {}, len(keras_bytes))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"the .keras archive's config or weights are malformed: {exc}") from exc


def _summary(meta: dict, config: dict, counts: dict[str, int], size: int) -> ArchiveInfo:
    configs = _layer_configs(config)
    paths = _weight_paths(configs, config.get("class_name") == "Sequential")
    layers = [
        LayerInfo(name=cfg.get("config", {}).get("name", "?"),
                  class_name=cfg.get("class_name", "?"), n_params=counts.get(path, 0))
        for cfg, path in zip(configs, paths)
    ]
    return ArchiveInfo(meta.get("keras_version"), config.get("class_name", "?"), layers, size)
