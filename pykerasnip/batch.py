"""File-to-file operations behind the command line: batch prediction and conversion."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pandas as pd

from .atomic import write_atomically
from .bundle import Bundle, bundle, unbundle
from .errors import PredictError, PykerasnipError
from .io import read_rds, write_rds

_READERS = {
    ".csv": pd.read_csv,
    ".parquet": pd.read_parquet,
    ".rds": read_rds,
}


def read_table(path: "str | Path") -> pd.DataFrame:
    """New data from a CSV, Parquet or ``.rds`` (data.frame) file."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise PykerasnipError(f"{path}: unknown data format {path.suffix!r}; "
                              f"use one of {', '.join(_READERS)}")
    frame = reader(path)
    if not isinstance(frame, pd.DataFrame):
        raise PykerasnipError(f"{path} does not hold a data frame")
    return frame


def _chunks(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    for start in range(0, max(len(frame), 1), max(rows, 1)):
        yield frame.iloc[start:start + rows]


def predict_frame(model, frame: pd.DataFrame, *, type: str | None = None, level: float = 0.95,
                  chunk_rows: int = 100_000, progress: bool = False,
                  seed: int | None = None) -> pd.DataFrame:
    """Predict ``frame`` in chunks of ``chunk_rows`` rows (progress on stderr); with a
    ``seed`` in one piece, as R's seeded ``predict()`` draws for all rows from one stream."""
    if seed is not None:
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


def write_table(frame: pd.DataFrame, output: "str | Path | None") -> None:
    """Write predictions as CSV (stdout when ``output`` is None) or Parquet."""
    if output is None:
        frame.to_csv(sys.stdout, index=False)
    elif Path(output).suffix.lower() == ".parquet":
        frame.to_parquet(output, index=False)
    else:
        frame.to_csv(output, index=False)


def predict_file(model_path: "str | Path", data_path: "str | Path",
                 output: "str | Path | None" = None, **kwargs) -> pd.DataFrame:
    """``pykerasnip predict``: read the model and the data, predict, write the result."""
    model = read_rds(model_path)
    if not hasattr(model, "predict"):
        raise PredictError(f"{model_path} holds no workflow or model fit")
    result = predict_frame(model, read_table(data_path), **kwargs)
    write_table(result, output)
    return result


def convert_file(path: "str | Path", to: str, output: "str | Path | None" = None) -> Path:
    """``pykerasnip convert``: extract the ``.keras`` model, rewrite unbundled, or bundle."""
    path = Path(path)
    obj = read_rds(path)
    inner = unbundle(obj)
    if not hasattr(inner, "predict"):
        raise PykerasnipError(f"{path} holds no workflow or model fit")
    suffix = {"keras": ".keras", "rds": ".unbundled.rds", "bundle": ".bundle.rds"}[to]
    out = Path(output) if output else path.with_name(path.stem + suffix)
    if to == "keras":
        model_fit = inner.extract_fit_parsnip() if hasattr(inner, "extract_fit_parsnip") else inner
        keras_bytes = model_fit.fit.keras_bytes
        if keras_bytes is None:
            raise PredictError(f"{path} stores no Keras model bytes")
        write_atomically(out, [keras_bytes])
    else:
        write_rds(inner if to == "rds" else (obj if isinstance(obj, Bundle) else bundle(inner)), out)
    return out
