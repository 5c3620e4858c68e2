"""Workflows: a preprocessor (recipe, formula or variables) plus a kerasnip model spec.

Mirrors R's workflows package: build with ``workflow().add_recipe(rec).add_model(spec)``,
``fit(data)`` molds the data through a hardhat blueprint and fits the model on the
predictors; ``predict(new_data)`` forges new data through the trained blueprint and
predicts with the model fit. Workflows read from R files have the same shape.
"""
from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import MalformedObjectError, PredictError, SpecError, UnsupportedStepError, UntrustedCodeError
from .rrng import r_session


@dataclass
class Variables:
    """``add_variables(outcomes=..., predictors=...)``: column names of each role."""

    outcomes: list[str]
    predictors: list[str]


@dataclass
class Preprocessor:
    """The workflow's preprocessor action: ``kind`` is "recipe", "formula" or "variables"."""

    kind: str
    value: Any
    blueprint: Any = None


@dataclass
class Workflow:
    """A tidymodels workflow. After :meth:`fit` (or when read from R), ``blueprint`` is the
    trained hardhat blueprint and ``model_fit`` the fitted model; ``fitted_predictors``
    the columns of the molded predictors the model was fitted on (when known)."""

    preprocessor: Preprocessor | None = None
    spec: Any = None
    model_formula: str | None = None
    blueprint: Any = None
    model_fit: Any = None
    fitted_predictors: list[str] | None = None
    r_node: Any = field(default=None, repr=False)
    r_info: dict = field(default_factory=dict, repr=False)

    # -- building -----------------------------------------------------------------
    def _with(self, **changes: Any) -> "Workflow":
        new = copy.copy(self)
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    def _set_preprocessor(self, kind: str, value: Any, blueprint: Any) -> "Workflow":
        if self.preprocessor is not None:
            raise SpecError(f"the workflow already has a {self.preprocessor.kind} preprocessor; "
                            "a workflow takes one recipe, formula or set of variables")
        return self._with(preprocessor=Preprocessor(kind, value, blueprint), blueprint=None,
                          model_fit=None, r_node=None)

    def add_recipe(self, recipe: Any, blueprint: Any = None) -> "Workflow":
        return self._set_preprocessor("recipe", recipe, blueprint)

    def add_formula(self, formula: str, blueprint: Any = None) -> "Workflow":
        return self._set_preprocessor("formula", formula, blueprint)

    def add_variables(self, outcomes: "str | list[str]", predictors: "str | list[str]",
                      blueprint: Any = None) -> "Workflow":
        as_list = (lambda v: [v] if isinstance(v, str) else list(v))
        return self._set_preprocessor("variables", Variables(as_list(outcomes), as_list(predictors)),
                                      blueprint)

    def add_model(self, spec: Any, formula: str | None = None) -> "Workflow":
        if self.spec is not None:
            raise SpecError("the workflow already has a model")
        return self._with(spec=spec, model_formula=formula, model_fit=None, r_node=None)

    # -- fitting and predicting ----------------------------------------------------
    @property
    def trained(self) -> bool:
        return self.model_fit is not None

    def fit(self, data: pd.DataFrame) -> "Workflow":
        """Mold ``data`` through the preprocessor's blueprint and fit the model."""
        from .hardhat.blueprint import mold

        if self.preprocessor is None or self.spec is None:
            raise SpecError("a workflow needs a preprocessor and a model before fit()")
        molded = mold(self.preprocessor.kind, self.preprocessor.value, data,
                      blueprint=self.preprocessor.blueprint)
        if self.model_formula is not None:
            model_data = pd.concat([molded.outcomes, molded.predictors], axis=1)
            model_fit = self.spec.fit(self.model_formula, model_data)
        else:
            model_fit = self.spec.fit_xy(molded.predictors, molded.outcomes)
        return self._with(blueprint=molded.blueprint, model_fit=model_fit, r_node=None,
                          fitted_predictors=list(molded.predictors.columns))

    def forge(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """The predictors the model sees for ``new_data`` (hardhat's ``forge``)."""
        self._require_trained()
        return self._check_forged(self.blueprint.forge(new_data))

    def _check_forged(self, predictors: pd.DataFrame) -> pd.DataFrame:
        """``predictors``, once they are the columns the model was fitted on: forging
        runs the stored preprocessing, so stored parts that disagree show here."""
        if self.fitted_predictors is not None and list(predictors.columns) != self.fitted_predictors:
            raise MalformedObjectError(
                f"the stored preprocessing makes predictors {list(predictors.columns)[:8]} but the "
                f"model was fitted on {self.fitted_predictors[:8]} (pre$mold$predictors)")
        return predictors

    def predict(self, new_data: pd.DataFrame, type: str | None = None, level: float = 0.95,
                seed: int | None = None, fallback: str | None = None,
                trust_r_code: bool = False, **kwargs: Any) -> pd.DataFrame:
        """R's ``predict(workflow, new_data, type)``: a DataFrame with kerasnip's columns.

        ``seed``: as R's ``keras3::set_random_seed(seed)`` before ``predict()``, for what
        R draws at random -- recipes' ties in ``step_impute_knn`` on nominal columns (the
        first level wins without a seed) and the model's random draws
        (:meth:`ModelFit.predict`). ``fallback="r"``: when a recipe step cannot be
        replayed in Python, forge the data with R's own hardhat/recipes through the rpy2
        bridge (with a warning saying so). That runs R code stored in the workflow, as
        R's ``predict()`` would, so it needs ``trust_r_code=True``: only for trusted files.
        """
        _check_fallback(fallback, trust_r_code)
        with r_session(seed):
            try:
                predictors = self.forge(new_data)
            except UnsupportedStepError as exc:
                if fallback != "r":
                    raise
                from .r import r_forge

                warnings.warn(f"{exc.step} cannot be replayed in Python; baking the recipe in "
                              "R through rpy2", stacklevel=2)
                predictors = self._check_forged(r_forge(self.blueprint, new_data))
            return self.model_fit.predict_in_session(predictors, type, level, seed, **kwargs)

    def _require_trained(self) -> None:
        if not self.trained:
            raise PredictError("the workflow has not been trained; call fit() first")

    def to_r(self) -> Any:
        """The fitted R ``workflow`` tree R's ``predict()`` accepts (:mod:`pykerasnip.writer`)."""
        from .writer import workflow_to_r

        return workflow_to_r(self)

    # -- extractors ----------------------------------------------------------------
    def extract_fit_parsnip(self) -> Any:
        self._require_trained()
        return self.model_fit

    def extract_recipe(self, estimated: bool = True) -> Any:
        if self.preprocessor is None or self.preprocessor.kind != "recipe":
            raise SpecError("the workflow has no recipe preprocessor")
        if not estimated:
            return self.preprocessor.value
        self._require_trained()
        return self.blueprint.recipe

    def extract_preprocessor(self) -> Any:
        if self.preprocessor is None:
            raise SpecError("the workflow has no preprocessor")
        return self.preprocessor.value

    def extract_spec_parsnip(self) -> Any:
        if self.spec is None:
            raise SpecError("the workflow has no model")
        return self.spec

    def extract_keras_model(self) -> Any:
        """The live Keras model (restored from the stored ``.keras`` bytes if needed)."""
        return self.extract_fit_parsnip().fit.model

    def __repr__(self) -> str:
        from .summary import describe_workflow

        return describe_workflow(self)


def workflow(preprocessor: Any = None, spec: Any = None) -> Workflow:
    """A new, empty workflow (optionally with a recipe/formula and a model)."""
    wf = Workflow()
    if isinstance(preprocessor, str):
        wf = wf.add_formula(preprocessor)
    elif preprocessor is not None:
        wf = wf.add_recipe(preprocessor)
    return wf.add_model(spec) if spec is not None else wf


def _check_fallback(fallback: str | None, trust_r_code: bool) -> None:
    if fallback not in (None, "r"):
        raise SpecError(f"unknown fallback {fallback!r}; the one fallback is 'r'")
    if fallback == "r" and not trust_r_code:
        raise UntrustedCodeError(
            "fallback='r' bakes the recipe in R, which runs the R code stored in the file "
            "(step expressions and the functions they call, system() included), as "
            "readRDS() + predict() in R would; pass trust_r_code=True only for a file you trust")
