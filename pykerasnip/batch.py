"""File-to-file operations behind the command line: batch prediction and conversion."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from .atomic import write_atomically
from .bundles import Bundle, bundle, unbundle
from .convert.accessors import RList
from .errors import PredictError, PykerasnipError
from .io import read_rds, write_rds
from .recipes.independence import row_dependence
from .tables import check_input, check_writable, model_source, plan_destination, plan_source


def _frame(obj: object, path: "str | Path") -> pd.DataFrame:
    if not isinstance(obj, pd.DataFrame):
        raise PykerasnipError(f"{path} does not hold a data frame")
    return obj


def saved_model(obj: Any) -> Any:
    """What a saved ``.rds`` predicts with: the object itself, or the model of a vetiver-r
    pin's file (``vetiver_pin_write()`` saves ``list(model = bundle(fit), prototype = ...)``)."""
    return obj["model"] if isinstance(obj, RList) and "model" in obj else obj


def _chunks(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    for start in range(0, max(len(frame), 1), max(rows, 1)):
        yield frame.iloc[start:start + rows]


def predict_frame(model, frame: pd.DataFrame, *, type: str | None = None, level: float = 0.95,
                  chunk_rows: int = 100_000, progress: bool = False,
                  seed: int | None = None) -> pd.DataFrame:
    """Predict ``frame`` in chunks of ``chunk_rows`` rows (progress on stderr). In one
    piece when the rows depend on each other: with a ``seed`` (R's seeded ``predict()``
    draws for all rows from one stream) or when the preprocessing reads other rows
    (``step_lag``, ``step_window``...), as R predicts the whole frame at once."""
    if seed is not None or row_dependence(unbundle(model)):
        chunk_rows = max(len(frame), 1)
    parts = []
    for chunk in _chunks(frame, chunk_rows):
        parts.append(model.predict(chunk, type=type, level=level, seed=seed))
        if progress and len(frame) > chunk_rows:
            done = sum(len(p) for p in parts)
            print(f"\rpredicted {done:,} / {len(frame):,} rows", end="", file=sys.stderr)
    if progress and len(frame) > chunk_rows:
        print(file=sys.stderr)
    return pd.concat(parts, ignore_index=True)


def predict_file(model_path: "str | Path", data_path: "str | Path",
                 output: "str | Path | None" = None, *, format: str | None = None,
                 follow_symlinks: bool = False, **kwargs) -> pd.DataFrame:
    """``pykerasnip predict``: check the inputs and the output, then read the model and the
    data, predict, and write the result (CSV on stdout when ``output`` is None or ``-``;
    a file is replaced atomically and is never one of the inputs)."""
    model_path, data_path = str(model_path), str(data_path)
    model_in = model_source(model_path)
    data_in = plan_source(data_path)
    out = plan_destination(None if output is None else str(output), format=format,
                           inputs=(model_path, data_path), follow_symlinks=follow_symlinks)
    model = saved_model(model_in.read())
    if not hasattr(model, "predict"):
        raise PredictError(f"{model_path} holds no workflow or model fit")
    result = predict_frame(model, _frame(data_in.read(), data_path), **kwargs)
    out.write(result)
    return result


def convert_file(path: "str | Path", to: str, output: "str | Path | None" = None, *,
                 follow_symlinks: bool = False) -> Path:
    """``pykerasnip convert``: extract the ``.keras`` model, rewrite unbundled, or bundle
    (written atomically, never over the input)."""
    path = Path(path)
    check_input(str(path))
    suffix = {"keras": ".keras", "rds": ".unbundled.rds", "bundle": ".bundle.rds"}[to]
    out = Path(output) if output else path.with_name(path.stem + suffix)
    check_writable(str(out), inputs=(str(path),), follow_symlinks=follow_symlinks)
    obj = saved_model(read_rds(path))
    inner = unbundle(obj)
    if not hasattr(inner, "predict"):
        raise PykerasnipError(f"{path} holds no workflow or model fit")
    if to == "keras":
        model_fit = inner.extract_fit_parsnip() if hasattr(inner, "extract_fit_parsnip") else inner
        keras_bytes = model_fit.fit.keras_bytes
        if keras_bytes is None:
            raise PredictError(f"{path} stores no Keras model bytes")
        write_atomically(out, [keras_bytes], follow_symlinks=follow_symlinks)
    else:
        written = inner if to == "rds" else (obj if isinstance(obj, Bundle) else bundle(inner))
        write_rds(written, out, follow_symlinks=follow_symlinks)
    return out
