"""What ``repr()`` of a model fit shows: the spec's arguments, the stored Keras model (read
from the archive's metadata, never loaded) and the versions that saved it."""
from __future__ import annotations

from typing import Any

from ..errors import ArchiveError
from ..keras_archive import describe
from ..rformat import short
from .arguments import ZAP


def model_lines(model_fit: Any) -> list[str]:
    spec = model_fit.spec
    lines = [f"Model: {spec.model_name} ({spec.mode}; kerasnip "
             f"{'functional' if spec.functional else 'sequential'} spec, engine keras)"]
    set_args = {k: v for k, v in spec.args.items() if v is not ZAP}
    unset = [k for k in spec.args if k not in set_args]
    if set_args:
        lines.append("  arguments: " + ", ".join(f"{k} = {short(v)}" for k, v in set_args.items()))
    if unset:
        lines.append(f"  unset ({len(unset)}): {', '.join(unset)}")
    keras_bytes = model_fit.fit.keras_bytes
    if keras_bytes is None:
        lines.append("  no .keras bytes stored: cannot predict")
    else:
        lines.append(_archive_line(keras_bytes))
    if model_fit.fit.lvl is not None:
        lines.append(f"  outcome levels: {model_fit.fit.lvl}")
    return lines


def _archive_line(keras_bytes: bytes) -> str:
    try:
        info = describe(keras_bytes)
    except ArchiveError as exc:
        return f"  .keras bytes ({len(keras_bytes):,}) cannot be read: {exc}"
    layers = ", ".join(f"{layer.class_name} {layer.n_params:,}" for layer in info.layers)
    return (f"  Keras {info.keras_version} {info.model_class}: {len(info.layers)} layers "
            f"({layers}), {info.n_params:,} parameters, {len(keras_bytes):,} bytes")


def version_lines(info: dict) -> list[str]:
    return [f"Saved by: {', '.join(f'{k} {v}' for k, v in info.items())}"] if info else []


def describe_model_fit(model_fit: Any) -> str:
    """A few lines telling what R's ``print(model_fit)`` would."""
    lines = ["== parsnip model fit (kerasnip) =="] + model_lines(model_fit)
    lines += version_lines(getattr(model_fit, "r_info", {}) or {})
    return "\n".join(lines)
