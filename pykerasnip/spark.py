"""Score R-trained workflows on Spark: ``predict_spark`` and a Spark SQL function.

Each Python worker reads and restores the model once (a module-level cache keyed by the
model's content hash); the bytes travel once per executor as a broadcast variable. Rows
go through ``mapInPandas`` (or a pandas UDF) in Arrow batches, and every batch is
predicted by the same ``predict()`` a single process runs, so the numbers are R's.
Recipes whose bake looks at neighbouring rows are refused, since a Spark batch is not
the whole data. See ``docs/spark.md``.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import urllib.request
from urllib.parse import urlsplit
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from . import rds
from .batch import saved_model
from .bundles import Bundle
from .errors import ForgeError, PartitionDependentError, PredictError, SpecError
from .model import postprocess as post
from .model.model_fit import PREDICT_TYPES
from .recipes.independence import row_dependence

#: Keras runs a batch of one row through another kernel than larger batches (its last
#: float32 bit can differ); kerasnip predicts in batches of this many rows
KERAS_BATCH = 32
_SEED_MODULUS = 2**31 - 1  # R's set.seed takes a (positive) integer

_MODELS: dict[str, Any] = {}  # content hash -> restored model, per Python worker process


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Payload:
    """The model as bytes: an ``.rds`` file's (``kind="rds"``) or a pickled object's."""

    kind: str
    data: bytes

    @property
    def key(self) -> str:
        return hashlib.sha256(self.kind.encode() + self.data).hexdigest()

    def restore(self) -> Any:
        if self.kind == "rds":
            from .io import from_tree

            return unwrap(from_tree(rds.loads(self.data)))
        return unwrap(pickle.loads(self.data))


def unwrap(obj: Any) -> Any:
    """The workflow or model fit a loaded object predicts with (bundles opened, a vetiver
    pin's model taken)."""
    obj = saved_model(obj)
    obj = obj.unbundle() if isinstance(obj, Bundle) else obj
    if not hasattr(obj, "predict") or _model_fit(obj) is None:
        raise PredictError(f"a {type(obj).__name__} is not a fitted workflow or model fit")
    return obj


def read_bytes(location: str, spark: Any = None) -> bytes:
    """The bytes of a local path, an http(s)/file URL, or (through Spark's Hadoop file
    systems) any other URL Spark reads: ``dbfs:/``, ``s3a://``, ``hdfs://``, ``abfss://``."""
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if len(scheme) <= 1 or scheme == "file":  # a plain path (or a Windows drive letter)
        with open(os.path.expanduser(parts.path if scheme == "file" else location), "rb") as fh:
            return fh.read()
    if scheme in ("http", "https"):
        with urllib.request.urlopen(location) as response:  # noqa: S310 (the user's model URL)
            return response.read()
    if spark is None:
        raise SpecError(f"reading {location} needs a Spark session")
    rows = spark.read.format("binaryFile").load(location).select("content").collect()
    if len(rows) != 1:
        raise SpecError(f"{location} names {len(rows)} files; give one model file")
    return bytes(rows[0][0])


def load_model(model: Any, spark: Any = None) -> tuple[Any, Callable[[], Payload]]:
    """The model to predict with on the driver, and the function that gives its bytes to
    ship (a path/URL of an .rds or bundle, or a loaded object, which is pickled)."""
    if isinstance(model, (str, os.PathLike)):
        payload = Payload("rds", read_bytes(os.fspath(model), spark))
        return cached_model(payload.key, lambda: payload), lambda: payload
    obj = unwrap(model)
    return obj, lambda: Payload("pickle", pickle.dumps(obj))


def cached_model(key: str, fetch: Callable[[], Payload]) -> Any:
    """The restored model for ``key``, restored from ``fetch()`` on first use in this process."""
    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = fetch().restore()
    return model


def _model_fit(obj: Any) -> Any:
    return getattr(obj, "model_fit", None) or (obj if hasattr(obj, "fit") and hasattr(obj, "preproc") else None)


# --------------------------------------------------------------------------- row independence
def require_row_independent(obj: Any) -> None:
    """Raise :class:`PartitionDependentError` naming the steps that read other rows."""
    problems = row_dependence(obj)
    if problems:
        raise PartitionDependentError(
            "this model's preprocessing reads other rows, so its predictions on a Spark "
            "partition would depend on how the data is split: " + "; ".join(problems)
            + ". Predict it in one process on the whole data instead.")


# --------------------------------------------------------------------------- output schema
#: type -> the zero-row prediction frame R's postprocessing gives for outcome levels ``lvl``
_EMPTY_PREDICTIONS: dict[str, Callable[[list | None], pd.DataFrame]] = {
    "numeric": lambda lvl: post.numeric(np.zeros((0, 1))),
    "class": lambda lvl: post.classes(np.zeros((0, len(lvl))), lvl),
    "prob": lambda lvl: post.probs(np.zeros((0, len(lvl))), lvl),
    "conf_int": lambda lvl: (post.intervals_regression({"output": np.zeros((0, 3))}, None) if lvl is None
                             else post.intervals_classification({"output": np.zeros((0, 2 * len(lvl)))}, lvl)),
}
_EMPTY_PREDICTIONS["pred_int"] = _EMPTY_PREDICTIONS["conf_int"]


def prediction_type(obj: Any, type: str | None) -> str:
    """``type``, or the mode's default, checked against the model's mode."""
    fit = _model_fit(obj)
    type = type or ("class" if fit.mode == "classification" else "numeric")
    if type not in _EMPTY_PREDICTIONS:
        raise PredictError(f"unknown prediction type {type!r}; on Spark use one of "
                           f"{', '.join(_EMPTY_PREDICTIONS)}")
    needed = PREDICT_TYPES[type][0]
    if needed is not None and needed != fit.mode:
        raise PredictError(f"type {type!r} needs a {needed} model; this one is {fit.mode}")
    return type


def prediction_columns(obj: Any, type: str) -> dict[str, str]:
    """Prediction column name -> ``"double"`` or ``"string"`` (factors), in R's order,
    from the model's mode and outcome levels."""
    fit = _model_fit(obj)
    keras_fit = fit.fit
    if keras_fit.multistep_info is not None or isinstance(keras_fit.lvl, dict) \
            or len(keras_fit.laplace or {}) > 1:
        raise PredictError("multistep and multi-output models predict nested or per-output "
                           "columns, which predict_spark does not lay out; predict them in one process")
    lvl = list(fit.lvl) if fit.mode == "classification" else None
    empty = _EMPTY_PREDICTIONS[type](lvl)
    return {name: "string" if isinstance(empty[name].dtype, pd.CategoricalDtype) else "double"
            for name in empty.columns}


def input_columns(obj: Any) -> list[str] | None:
    """The columns the model reads from new data (None when it cannot tell)."""
    ptypes = getattr(getattr(obj, "blueprint", None), "ptypes", None)
    if ptypes is not None:
        extra = getattr(obj.blueprint, "extra_role_ptypes", {}) or {}
        names = [*ptypes.predictors.columns, *(c for p in extra.values() for c in p.columns)]
        return list(dict.fromkeys(names))
    x_names = getattr(_model_fit(obj).preproc, "x_names", None)
    return list(x_names) if x_names is not None else None


# --------------------------------------------------------------------------- scoring a batch
def row_seed(seed: int, key: Any) -> int:
    """The seed of the row whose key is ``key`` under ``seed=``: R's
    ``keras3::set_random_seed(row_seed(seed, key)); predict(wf, row)`` gives that row's
    result. Keys are compared as text (``3`` and ``"3"`` are the same key)."""
    if key is None or (isinstance(key, float) and np.isnan(key)):
        raise ForgeError("the row key column has a missing value; seeded predictions need "
                         "a key in every row")
    text = str(int(key)) if isinstance(key, (int, np.integer)) else str(key)
    digest = hashlib.sha256(f"{int(seed)}\x1f{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _SEED_MODULUS + 1


@dataclass(frozen=True)
class Scoring:
    """What each batch needs: the prediction type, level, seed and checks."""

    type: str
    level: float
    columns: dict[str, str]
    seed: int | None = None
    na_action: str = "pass"
    predictors: tuple[str, ...] = ()

    def predict(self, model: Any, frame: pd.DataFrame, keys: pd.Series | None = None) -> pd.DataFrame:
        """The prediction columns for ``frame``'s rows (``keys``: their row keys), as
        Spark takes them."""
        frame = frame.reset_index(drop=True)
        if frame.empty:
            return pd.DataFrame({name: pd.Series([], dtype=np.float64 if kind == "double" else object)
                                 for name, kind in self.columns.items()})
        self._check_missing(frame)
        preds = self._batched(model, frame) if self.seed is None else \
            self._per_row(model, frame, keys.tolist())
        if list(preds.columns) != list(self.columns) or len(preds) != len(frame):
            raise PredictError(f"the model predicted columns {list(preds.columns)} for "
                               f"{len(preds)} of {len(frame)} rows; expected {list(self.columns)}")
        return pd.DataFrame({name: _spark_values(preds[name], kind)
                             for name, kind in self.columns.items()})

    def _check_missing(self, frame: pd.DataFrame) -> None:
        if self.na_action != "fail":
            return
        missing = {c: int(frame[c].isna().sum()) for c in self.predictors if c in frame.columns}
        missing = {c: n for c, n in missing.items() if n}
        if missing:
            listed = ", ".join(f"{c} ({n} row{'s' * (n > 1)})" for c, n in missing.items())
            raise ForgeError(f"missing values in predictor column(s) {listed}; "
                             "na_action='fail' refuses them (R's na.fail)")

    def _batched(self, model: Any, frame: pd.DataFrame) -> pd.DataFrame:
        # Never hand Keras a one-row batch: its kernel for M = 1 rounds differently, and
        # where a Spark batch ends is not where a single process's batches end.
        if len(frame) == 1:
            return model.predict(pd.concat([frame, frame], ignore_index=True),
                                 type=self.type, level=self.level).iloc[:1]
        if len(frame) % KERAS_BATCH == 1:
            split = len(frame) - 2
            return pd.concat([model.predict(part, type=self.type, level=self.level)
                              for part in (frame.iloc[:split], frame.iloc[split:])],
                             ignore_index=True)
        return model.predict(frame, type=self.type, level=self.level)

    def _per_row(self, model: Any, frame: pd.DataFrame, keys: list) -> pd.DataFrame:
        return pd.concat([model.predict(frame.iloc[[i]], type=self.type, level=self.level,
                                        seed=row_seed(self.seed, key))
                          for i, key in enumerate(keys)], ignore_index=True)


def _spark_values(values: pd.Series, kind: str) -> pd.Series:
    if kind == "string":
        return values.astype(object).where(values.notna(), None)
    return values.astype(np.float64)


# --------------------------------------------------------------------------- Spark front end
def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _prediction_fields(columns: dict[str, str]) -> list[Any]:
    from pyspark.sql.types import DoubleType, StringType, StructField

    spark_type = {"double": DoubleType, "string": StringType}
    return [StructField(name, spark_type[kind]()) for name, kind in columns.items()]


def _shipper(spark: Any, payload: Payload) -> Callable[[], Payload]:
    """A picklable function that gives ``payload`` on a worker: through a broadcast
    variable when the session has a SparkContext, else (Spark Connect) inside the closure."""
    try:
        broadcast = spark.sparkContext.broadcast(payload)
    except Exception:  # Spark Connect sessions have no SparkContext  # noqa: BLE001
        return lambda: payload
    return lambda: broadcast.value


def _prepare(spark: Any, model: Any, type: str | None, level: float, seed: int | None,
             row_key: str | None, na_action: str) -> tuple[Scoring, str, Callable[[], Payload], Any]:
    if na_action not in ("pass", "fail"):
        raise SpecError(f"na_action must be 'pass' or 'fail', not {na_action!r}")
    if seed is not None and row_key is None:
        raise SpecError("seed= on Spark needs row_key=, a column with a stable key per row: "
                        "each row's random draws come from seed and its key, whatever the "
                        "partitioning (see docs/spark.md)")
    obj, pack = load_model(model, spark)
    require_row_independent(obj)
    payload = pack()
    type = prediction_type(obj, type)
    scoring = Scoring(type, float(level), prediction_columns(obj, type),
                      None if seed is None else int(seed), na_action,
                      tuple(input_columns(obj) or ()))
    return scoring, payload.key, _shipper(spark, payload), obj


def predict_spark(model: Any, sdf: Any, type: str | None = None, level: float = 0.95,
                  seed: int | None = None, columns: list[str] | None = None,
                  row_key: str | None = None, na_action: str = "pass") -> Any:
    """``sdf`` with R's prediction columns added (``.pred``, ``.pred_class``,
    ``.pred_<level>``, ``.pred_lower``/``.pred_upper``...); factors become strings.

    ``model``: a path or URL of an ``.rds`` workflow / model fit / bundle, or a loaded
    pykerasnip object. ``columns``: the columns of ``sdf`` to keep beside the predictions
    (default all). ``seed`` (with ``row_key``, a column of unique integer or text keys):
    each row is predicted alone with the seed :func:`row_seed` derives from ``seed`` and
    its key, so its random draws do not depend on the partitioning. ``na_action="fail"``
    refuses missing predictor values (R's ``na.fail``); the default passes them to the
    model as hardhat's ``forge`` does.
    """
    from pyspark.sql.functions import col
    from pyspark.sql.types import StructType

    spark = sdf.sparkSession
    scoring, key, fetch, obj = _prepare(spark, model, type, level, seed, row_key, na_action)
    keep = list(sdf.columns) if columns is None else list(columns)
    clash = [name for name in scoring.columns if name in keep]
    if clash:
        raise SpecError(f"the data already has prediction column(s) {clash}; drop or rename them")
    absent = [c for c in keep + ([row_key] if row_key else []) if c not in sdf.columns]
    if absent:
        raise SpecError(f"column(s) {absent} are not in the data")
    required = input_columns(obj) or []
    missing = [c for c in required if c not in sdf.columns]
    if missing:  # what every batch's forge would say, said once before anything runs
        raise ForgeError("The following required columns are missing from the Spark "
                         f"DataFrame: {', '.join(repr(c) for c in missing)}.")
    needed = set(required or sdf.columns)
    model_columns = [c for c in sdf.columns if c in needed]
    wanted = [c for c in sdf.columns if c in needed or c in keep or c == row_key]
    out_schema = StructType([*sdf.select([_quote(c) for c in keep]).schema.fields,
                             *_prediction_fields(scoring.columns)])

    # mapInPandas resolves its input columns by name, which splits names with dots
    # (R's Sepal.Length): the columns travel under positional aliases instead.
    aliases = {f"_pk{i}": name for i, name in enumerate(wanted)}

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        fitted = cached_model(key, fetch)
        for batch in batches:
            batch = batch.rename(columns=aliases).reset_index(drop=True)
            preds = scoring.predict(fitted, batch[model_columns], batch[row_key] if row_key else None)
            yield pd.concat([batch[keep], preds], axis=1)

    inputs = sdf.select([col(_quote(name)).alias(alias) for alias, name in aliases.items()])
    return inputs.mapInPandas(score, out_schema)


def register_udf(spark: Any, name: str, model: Any, type: str | None = None,
                 level: float = 0.95, seed: int | None = None, row_key: str | None = None,
                 na_action: str = "pass") -> Any:
    """Register ``name`` as a Spark SQL function of one struct of the predictor columns
    (``name(struct(*))`` or ``name(struct(a, b, ...))``) returning a struct of R's
    prediction columns; returns the registered function for the DataFrame API too.
    With ``seed``, the struct must hold the ``row_key`` field."""
    from pyspark.sql.functions import pandas_udf
    from pyspark.sql.types import StructType

    scoring, key, fetch, obj = _prepare(spark, model, type, level, seed, row_key, na_action)
    needed = set(input_columns(obj) or ())

    def score(rows: pd.DataFrame) -> pd.DataFrame:
        if row_key and row_key not in rows.columns:
            raise SpecError(f"seeded predictions need the row key field {row_key!r} in the struct")
        fitted = cached_model(key, fetch)
        take = [c for c in rows.columns if not needed or c in needed]
        return scoring.predict(fitted, rows[take], rows[row_key] if row_key else None)

    udf = pandas_udf(score, StructType(_prediction_fields(scoring.columns)))
    return spark.udf.register(name, udf)
