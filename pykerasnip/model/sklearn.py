"""scikit-learn estimators around a kerasnip spec.

``as_sklearn(spec)`` gives a :class:`KerasnipRegressor` or :class:`KerasnipClassifier`
(by ``spec.mode``). Their parameters are ``spec``, ``seed`` and the spec's main
arguments by name, so they tune in ``GridSearchCV`` and evaluate in
``cross_val_score``::

    est = as_sklearn(my_mlp(fit_epochs=20), seed=1)
    GridSearchCV(est, {"hidden_units": [8, 16]}, cv=3).fit(X, y)

``fit(X, y)`` calls ``spec.fit_xy`` (X: DataFrame or array; arrays get columns
``V1..Vp``) and stores the result as ``model_fit_``. Classification labels become a
factor whose levels are the sorted unique labels (``classes_``). ``predict`` returns a
1-D array (numbers, or labels), ``predict_proba`` an ``n x K`` array in ``classes_``
order, ``score`` is R^2 (regression) or accuracy (classification).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from ..errors import SpecError
from .spec import ModelSpec


def _frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    arr = np.asarray(X)
    return pd.DataFrame(arr, columns=[f"V{i + 1}" for i in range(arr.shape[1])])


class _KerasnipEstimator(BaseEstimator):
    def __init__(self, spec: ModelSpec, seed: int | None = None, **args: Any):
        self.spec = spec
        self.seed = seed
        self.args = dict(args)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """``spec``, ``seed`` and every main argument of the spec (by name)."""
        values = {name: self.spec.args[name] for name in self.spec.main_args}
        values.update(self.args)
        return {"spec": self.spec, "seed": self.seed, **values}

    def set_params(self, **params: Any) -> "_KerasnipEstimator":
        """Set ``spec``, ``seed`` or spec main arguments."""
        for name, value in params.items():
            if name in ("spec", "seed"):
                setattr(self, name, value)
            elif name in self.spec.main_args:
                self.args[name] = value
            else:
                raise SpecError(f"{name!r} is not a parameter of {self.spec.model_name}")
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec.model_name}, seed={self.seed}, {self.args})"

    def _fit_spec(self, X: pd.DataFrame, y: pd.Series) -> "_KerasnipEstimator":
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        spec = self.spec.set_args(**self.args)
        self.model_fit_ = spec.fit_xy(X.reset_index(drop=True), y.reset_index(drop=True),
                                      seed=self.seed)
        return self

    def _predict_frame(self, X: Any, type: str) -> pd.DataFrame:
        return self.model_fit_.predict(_frame(X).reset_index(drop=True), type=type)


class KerasnipRegressor(RegressorMixin, _KerasnipEstimator):
    """A regression kerasnip spec as a scikit-learn regressor."""

    def fit(self, X: Any, y: Any) -> "KerasnipRegressor":
        """Fit the spec on ``X`` and numeric ``y``."""
        return self._fit_spec(_frame(X), pd.Series(np.asarray(y, dtype=np.float64), name="y"))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted values, 1-D."""
        return self._predict_frame(X, "numeric")[".pred"].to_numpy()


class KerasnipClassifier(ClassifierMixin, _KerasnipEstimator):
    """A classification kerasnip spec as a scikit-learn classifier."""

    def fit(self, X: Any, y: Any) -> "KerasnipClassifier":
        """Fit the spec on ``X`` and labels ``y`` (levels = sorted unique labels)."""
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        codes = np.searchsorted(self.classes_, labels)
        factor = pd.Categorical.from_codes(codes, categories=[str(c) for c in self.classes_])
        return self._fit_spec(_frame(X), pd.Series(factor, name="y"))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels, 1-D."""
        codes = self._predict_frame(X, "class")[".pred_class"].cat.codes.to_numpy()
        return self.classes_[codes]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, ``n x K`` in ``classes_`` order."""
        return self._predict_frame(X, "prob").to_numpy(dtype=np.float64)


def as_sklearn(spec: ModelSpec, seed: int | None = None) -> _KerasnipEstimator:
    """The scikit-learn estimator for ``spec`` (regressor or classifier by mode)."""
    cls = KerasnipClassifier if spec.mode == "classification" else KerasnipRegressor
    return cls(spec, seed=seed)
