"""Workflows: a preprocessor (recipe, formula or variables) plus a kerasnip model spec.

Mirrors R's workflows package: build with ``workflow().add_recipe(rec).add_model(spec)``,
``fit(data)`` molds the data through a hardhat blueprint and fits the model on the
predictors; ``predict(new_data)`` forges new data through the trained blueprint and
predicts with the model fit. Workflows read from R files have the same shape.

The R form (REFERENCE §5.1, §10.3 rule 8): ``pre`` holds the preprocessor action (with
its untrained blueprint) and the mold; ``fit`` the model action (the unfitted spec) and
the ``model_fit``; ``post`` is empty. A bundled workflow also bundles its model fit and
its trained recipe; they are unwrapped on reading, in a copy, so ``r_node`` is what R's
``unbundle()`` would give.
"""
from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import rtree
from .convert import r_get
from .errors import MalformedObjectError, PredictError, SpecError, UnsupportedStepError, UntrustedCodeError
from .formula.parse import deparse, parse
from .hardhat.blueprint import Blueprint, blueprint_from_r, mold, mold_to_r, untrained_blueprint
from .rsession import r_forge
from .model.describe import model_lines, version_lines
from .model.model_fit import ModelFit, check_seed, saved_versions
from .model.spec import ModelSpec
from .rds import build as b
from .rds import nodes as n
from .rformat import step_values
from .recipes.recipe import Recipe
from .registry import r_class
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
    value: "Recipe | str | Variables"
    blueprint: Blueprint | None = None


@r_class("workflow")
@dataclass
class Workflow:
    """A tidymodels workflow. After :meth:`fit` (or when read from R), ``blueprint`` is the
    trained hardhat blueprint and ``model_fit`` the fitted model; ``fitted_predictors``
    the columns of the molded predictors the model was fitted on (when known)."""

    preprocessor: Preprocessor | None = None
    spec: ModelSpec | None = None
    model_formula: str | None = None
    blueprint: Blueprint | None = None
    model_fit: ModelFit | None = None
    fitted_predictors: list[str] | None = None
    r_node: n.List | None = field(default=None, repr=False)
    r_info: dict = field(default_factory=dict, repr=False)

    # -- building -----------------------------------------------------------------
    def _with(self, **changes: Any) -> "Workflow":
        new = copy.copy(self)
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    def _set_preprocessor(self, kind: str, value: "Recipe | str | Variables",
                          blueprint: Blueprint | None) -> "Workflow":
        if self.preprocessor is not None:
            raise SpecError(f"the workflow already has a {self.preprocessor.kind} preprocessor; "
                            "a workflow takes one recipe, formula or set of variables")
        return self._with(preprocessor=Preprocessor(kind, value, blueprint), blueprint=None,
                          model_fit=None, r_node=None)

    def add_recipe(self, recipe: Recipe, blueprint: Blueprint | None = None) -> "Workflow":
        return self._set_preprocessor("recipe", recipe, blueprint)

    def add_formula(self, formula: str, blueprint: Blueprint | None = None) -> "Workflow":
        return self._set_preprocessor("formula", formula, blueprint)

    def add_variables(self, outcomes: "str | list[str]", predictors: "str | list[str]",
                      blueprint: Blueprint | None = None) -> "Workflow":
        as_list = (lambda v: [v] if isinstance(v, str) else list(v))
        return self._set_preprocessor("variables", Variables(as_list(outcomes), as_list(predictors)),
                                      blueprint)

    def add_model(self, spec: ModelSpec, formula: str | None = None) -> "Workflow":
        if self.spec is not None:
            raise SpecError("the workflow already has a model")
        return self._with(spec=spec, model_formula=formula, model_fit=None, r_node=None)

    # -- fitting and predicting ----------------------------------------------------
    @property
    def trained(self) -> bool:
        return self.model_fit is not None

    def fit(self, data: pd.DataFrame) -> "Workflow":
        """Mold ``data`` through the preprocessor's blueprint and fit the model."""
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
        seed = check_seed(seed)
        with r_session(seed):
            try:
                predictors = self.forge(new_data)
            except UnsupportedStepError as exc:
                if fallback != "r":
                    raise
                warnings.warn(f"{exc.step} cannot be replayed in Python; baking the recipe in "
                              "R through rpy2", stacklevel=2)
                predictors = self._check_forged(r_forge(self.blueprint, new_data))
            return self.model_fit.predict_in_session(predictors, type, level, seed, **kwargs)

    def _require_trained(self) -> None:
        if not self.trained:
            raise PredictError("the workflow has not been trained; call fit() first")

    # -- the R form --------------------------------------------------------------
    @classmethod
    def from_r(cls, node: n.List, *, safe_mode: bool = True) -> "Workflow":
        """A fitted R workflow (possibly bundled inside, possibly butchered)."""
        rtree.check_lists(node, "the workflow")
        rtree.record(node, "the workflow", ("pre", "fit"))
        root, node = node, _unbundle_inner(node)
        model_action = r_get(node, "fit", "actions", "model")
        formula = r_get(model_action, "formula")
        blueprint = r_get(node, "pre", "mold", "blueprint")
        model_fit = r_get(node, "fit", "fit")
        if model_fit is not None and blueprint is None:
            raise MalformedObjectError("the workflow is fitted but holds no mold blueprint "
                                       "(pre$mold$blueprint) to forge new data with")
        spec = (None if model_action is None else ModelSpec.from_r(
            rtree.record(model_action, "the workflow's model action", ("spec",))["spec"]))
        wf = cls(
            preprocessor=_preprocessor_from_r(r_get(node, "pre", "actions")),
            spec=spec,
            model_formula=None if formula is None else deparse(formula),
            blueprint=blueprint_from_r(blueprint) if blueprint is not None else None,
            model_fit=ModelFit.from_r(model_fit, safe_mode=safe_mode) if model_fit is not None else None,
            fitted_predictors=_frame_names(r_get(node, "pre", "mold", "predictors")),
            r_node=node,
        )
        wf.r_info = saved_versions(root, model_fit)
        return wf

    def to_r(self) -> n.List:
        """The fitted R ``workflow`` tree R's ``predict()`` accepts."""
        model_fit = self.extract_fit_parsnip()  # raises for an untrained workflow
        post = _stage("stage_post", actions=b.named_list(), fit=None)
        return b.structure(b.named_list(pre=self._pre_to_r(), fit=self._fit_to_r(model_fit),
                                        post=post, trained=True),
                           {"class": "workflow"})

    def _pre_to_r(self) -> n.List:
        mold_node = mold_to_r(self.blueprint)
        kind = self.preprocessor.kind
        action = b.named_list({kind: _ACTIONS[kind].to_r(self.preprocessor.value),
                               "blueprint": untrained_blueprint(mold_node["blueprint"])})
        action = b.structure(action, {"class": [f"action_{kind}", "action_pre", "action"]})
        return _stage("stage_pre", actions=b.named_list({kind: action}), mold=mold_node,
                      case_weights=None)

    def _fit_to_r(self, model_fit: ModelFit) -> n.List:
        formula = None if self.model_formula is None else _formula_to_r(self.model_formula)
        spec = self.spec.r_node if (self.spec.r_node is not None
                                    and self.spec.r_node.inherits("kerasnip_spec")) else self.spec.to_r()
        model = b.structure(b.named_list(spec=spec, formula=formula),
                            {"class": ["action_model", "action_fit", "action"]})
        return _stage("stage_fit", actions=b.named_list(model=model), fit=rtree.to_tree(model_fit))

    # -- extractors ----------------------------------------------------------------
    def extract_fit_parsnip(self) -> ModelFit:
        self._require_trained()
        return self.model_fit

    def extract_recipe(self, estimated: bool = True) -> Recipe:
        if self.preprocessor is None or self.preprocessor.kind != "recipe":
            raise SpecError("the workflow has no recipe preprocessor")
        if not estimated:
            return self.preprocessor.value
        self._require_trained()
        return self.blueprint.recipe

    def extract_preprocessor(self) -> "Recipe | str | Variables":
        if self.preprocessor is None:
            raise SpecError("the workflow has no preprocessor")
        return self.preprocessor.value

    def extract_spec_parsnip(self) -> ModelSpec:
        if self.spec is None:
            raise SpecError("the workflow has no model")
        return self.spec

    def extract_keras_model(self) -> Any:
        """The live Keras model (restored from the stored ``.keras`` bytes if needed)."""
        return self.extract_fit_parsnip().fit.model

    def __repr__(self) -> str:
        status = "trained" if self.trained else "untrained"
        lines = [f"== Workflow [{status}] =="] + _preprocessor_lines(self)
        if self.model_fit is not None:
            lines += model_lines(self.model_fit)
        elif self.spec is not None:
            lines.append(f"Model: {self.spec.model_name} ({self.spec.mode}), not fitted")
        return "\n".join(lines + version_lines(self.r_info))


def workflow(preprocessor: "Recipe | str | None" = None, spec: ModelSpec | None = None) -> Workflow:
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


# -- the R form of the parts ---------------------------------------------------------
def _stage(classes: str, **fields: Any) -> n.List:
    return b.structure(b.named_list(fields), {"class": [classes, "stage"]})


def _formula_to_r(text: str) -> n.Lang:
    """An R formula (class ``formula``, global environment) from its text."""
    return b.structure(parse(text), {"class": "formula", ".Environment": n.GlobalEnv})


def _unbundle_inner(node: n.List) -> n.List:
    """The workflow tree with its bundled model fit and trained recipe unwrapped."""
    fit_stage, pre = node.get("fit"), node.get("pre")
    model_fit = r_get(fit_stage, "fit")
    if isinstance(fit_stage, n.List) and model_fit is not rtree.unbundle_r(model_fit):
        node = rtree.copy_with(node, {"fit": rtree.copy_with(
            fit_stage, {"fit": rtree.unbundle_r(model_fit)})})
    mold_node = r_get(pre, "mold")
    blueprint = r_get(mold_node, "blueprint")
    recipe = r_get(blueprint, "recipe")
    if isinstance(blueprint, n.List) and recipe is not None and recipe is not rtree.unbundle_r(recipe):
        blueprint = rtree.copy_with(blueprint, {"recipe": rtree.unbundle_r(recipe)})
        node = rtree.copy_with(node, {"pre": rtree.copy_with(
            pre, {"mold": rtree.copy_with(mold_node, {"blueprint": blueprint})})})
    return node


def _symbols(expr: Any) -> list[str]:
    """Column names named by a variables selector (``mpg``, ``c(a, b)``)."""
    expr = rtree.quosure_expr(expr)
    if isinstance(expr, n.Sym):
        return [expr.name]
    if isinstance(expr, n.Lang):
        return [name for _, arg in expr.args for name in _symbols(arg)]
    return [deparse(expr)]


def _columns_quosure(names: list[str]) -> n.Lang:
    syms = [b.sym(name) for name in names]
    return b.quosure(syms[0] if len(syms) == 1 else b.call("c", *syms), n.GlobalEnv)


class _RecipeAction:
    @staticmethod
    def from_r(node: Any) -> Recipe:
        return Recipe.from_r(node)

    @staticmethod
    def to_r(value: Recipe) -> Any:
        return rtree.r_form(value, "workflow's untrained recipe")


class _FormulaAction:
    from_r = staticmethod(deparse)
    to_r = staticmethod(_formula_to_r)


class _VariablesAction:
    @staticmethod
    def from_r(node: Any) -> Variables:
        node = rtree.record(node, "the workflow's variables", ("outcomes", "predictors"))
        return Variables(_symbols(node["outcomes"]), _symbols(node["predictors"]))

    @staticmethod
    def to_r(value: Variables) -> n.List:
        return b.structure(b.named_list(outcomes=_columns_quosure(value.outcomes),
                                        predictors=_columns_quosure(value.predictors)),
                           {"class": "workflow_variables"})


#: preprocessor kind -> how its action's value is read from R and written to R
_ACTIONS = {"recipe": _RecipeAction, "formula": _FormulaAction, "variables": _VariablesAction}


def _preprocessor_from_r(actions: Any) -> Preprocessor | None:
    """The workflow's preprocessor action (recipe, formula or variables)."""
    if not isinstance(actions, n.List):
        return None
    for kind, action in _ACTIONS.items():
        if kind in actions:
            node = rtree.record(actions[kind], f"the workflow's {kind} action", (kind,))
            return Preprocessor(kind, action.from_r(node[kind]))
    return None


def _frame_names(node: Any) -> list[str] | None:
    """The column names of a stored data frame (``None`` when none is stored, as in a
    butchered workflow)."""
    if not (isinstance(node, n.List) and node.inherits("data.frame")):
        return None
    return list(node.names or [])


def _preprocessor_lines(wf: Workflow) -> list[str]:
    pre = wf.preprocessor
    if pre is None:
        return ["Preprocessor: none"]
    if pre.kind == "recipe":
        recipe = wf.blueprint.recipe if wf.blueprint is not None else pre.value
        steps = list(getattr(recipe, "steps", []))
        lines = [f"Preprocessor: recipe with {len(steps)} step(s)"]
        for step in steps:
            lines.append(f"  - {step.name}" + ("" if step.trained else " (untrained)"))
            lines += [f"      {name}: {text}" for name, text in step_values(step)]
        return lines
    if pre.kind == "formula":
        return [f"Preprocessor: formula {pre.value}"]
    return [f"Preprocessor: variables outcomes={pre.value.outcomes} predictors={pre.value.predictors}"]
