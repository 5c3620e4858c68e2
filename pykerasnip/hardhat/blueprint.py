"""hardhat blueprints: how a workflow turns raw data into model predictors.

A blueprint is trained by :func:`mold` (Python side) or read from R's
``workflow$pre$mold$blueprint`` (:func:`blueprint_from_r`); :meth:`Blueprint.forge`
then gives, for new data, exactly the predictors R's ``hardhat::forge()`` gives:
shrink + scream against the stored prototypes, then the recipe (recipe blueprint),
the model frame and matrix of the stored terms (formula blueprint) or nothing more
(xy blueprint), plus the optional intercept column. Predictors are always returned
as a DataFrame (R's ``composition`` only changes the container type).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .. import rexpr
from .. import rtree
from ..convert import as_r_columns, flag, from_pandas, r_get, scalar, strings
from ..errors import MalformedObjectError, SpecError, UnsupportedObjectError
from ..factor import factor, remembering_factorizations, with_text_levels
from ..formula.frame import ModelFrame, model_frame
from ..formula.matrix import model_matrix
from ..formula.parse import call, deparse, parse
from ..formula.terms import Terms, all_vars, kept_positions, terms_from_formula
from ..rds import build as b
from ..rds import nodes as n
from ..rds.nodes import EmptyEnv, Integer, Lang, List, Logical, Real, Sym
from ..recipes.independence import block_problems
from ..recipes.recipe import Recipe
from ..registry import register_reader
from ..rowblocks import in_blocks, splits
from .cast import column_kind, scream, shrink

INDICATORS = ("traditional", "one_hot", "none")

#: column kinds hardhat takes as outcomes of an xy mold (its ``is_known_output_type``)
OUTCOME_KINDS = ("double", "integer", "factor", "ordered")


@dataclass
class Ptypes:
    """0-row prototypes of the predictors and outcomes seen at mold time."""

    predictors: pd.DataFrame
    outcomes: pd.DataFrame

    @classmethod
    def from_r(cls, node: Any) -> "Ptypes | None":
        if node is None:
            return None
        return cls(rtree.frame(r_get(node, "predictors"), "the predictors' ptype"),
                   rtree.frame(r_get(node, "outcomes"), "the outcomes' ptype"))

    @classmethod
    def of(cls, predictors: pd.DataFrame, outcomes: pd.DataFrame) -> "Ptypes":
        return cls(predictors.iloc[:0].reset_index(drop=True), outcomes.iloc[:0].reset_index(drop=True))


@dataclass
class Blueprint:
    """Fields every hardhat blueprint has (``new_blueprint()``)."""

    intercept: bool = False
    allow_novel_levels: bool = False
    composition: str = "tibble"
    ptypes: Ptypes | None = None
    r_node: Any = field(default=None, repr=False)

    r_class: ClassVar[str] = "hardhat_blueprint"

    @staticmethod
    def common_from_r(node: List) -> dict[str, Any]:
        """The four common fields of an R blueprint, as keyword arguments."""
        return {"intercept": flag(node.get("intercept")),
                "allow_novel_levels": flag(node.get("allow_novel_levels")),
                "composition": scalar(node.get("composition")) or "tibble",
                "ptypes": Ptypes.from_r(node.get("ptypes")), "r_node": node}

    def to_r(self) -> List:
        """The trained blueprint as hardhat lays it out (fields, then class)."""
        ptypes = self._required_ptypes()
        fields = {"intercept": b.lgl(self.intercept), "allow_novel_levels": b.lgl(self.allow_novel_levels),
                  "composition": b.chr(self.composition),
                  "ptypes": b.named_list(predictors=from_pandas(ptypes.predictors, tibble=True),
                                         outcomes=from_pandas(ptypes.outcomes, tibble=True)),
                  **self.fields_to_r()}
        return b.structure(b.named_list(fields), {"class": [f"default_{self.r_class}", self.r_class,
                                                            "hardhat_blueprint"]})

    def fields_to_r(self) -> dict[str, Any]:
        """The subclass's own fields as R values, in hardhat's order."""
        return {}

    def _required_ptypes(self) -> Ptypes:
        if self.ptypes is None:
            raise SpecError("the blueprint is not trained (no ptypes): mold() it first")
        return self.ptypes

    def clean(self, new_data: pd.DataFrame, ptype: pd.DataFrame | None = None) -> pd.DataFrame:
        """shrink + scream ``new_data`` against ``ptype`` (the predictors' by default)."""
        ptype = self._required_ptypes().predictors if ptype is None else ptype
        return scream(shrink(with_text_levels(new_data), ptype), ptype, self.allow_novel_levels)

    def with_intercept(self, predictors: pd.DataFrame) -> pd.DataFrame:
        """hardhat's ``add_intercept_column``: an integer ``(Intercept)`` column first
        (predictors that have one already are kept, with hardhat's warning)."""
        if not self.intercept:
            return predictors
        if "(Intercept)" in predictors.columns:
            warnings.warn('`data` already has a column named "(Intercept)". Returning `data` unchanged.',
                          UserWarning, stacklevel=3)
            return predictors
        return predictors.assign(**{"(Intercept)": pd.array(np.ones(len(predictors)), dtype="Int32")})[
            ["(Intercept)", *predictors.columns]]

    def forge(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """The predictors ``hardhat::forge(new_data, blueprint)$predictors`` gives."""
        raise NotImplementedError


@dataclass
class XYBlueprint(Blueprint):
    """``default_xy_blueprint``: predictors are the ptype's columns, cast."""

    r_class: ClassVar[str] = "xy_blueprint"

    @classmethod
    def from_r(cls, node: List) -> "XYBlueprint":
        return cls(**cls.common_from_r(node))

    def forge(self, new_data: pd.DataFrame) -> pd.DataFrame:
        return self.with_intercept(self.clean(new_data))


@dataclass
class FormulaBlueprint(Blueprint):
    """``default_formula_blueprint``: model frame + model matrix of the stored terms."""

    formula: Any = None
    indicators: str = "traditional"
    terms: Terms | None = None
    outcome_terms: Terms | None = None
    levels: dict[str, list[str]] = field(default_factory=dict)

    r_class: ClassVar[str] = "formula_blueprint"

    @classmethod
    def from_r(cls, node: List) -> "FormulaBlueprint":
        indicators = scalar(node.get("indicators"))
        if isinstance(indicators, bool):  # hardhat < 0.1.4 stored TRUE/FALSE
            indicators = "traditional" if indicators else "none"
        levels = node.get("levels")
        return cls(**cls.common_from_r(node), formula=node.get("formula"), indicators=indicators,
                   terms=Terms.from_r(r_get(node, "terms", "predictors")),
                   outcome_terms=Terms.from_r(r_get(node, "terms", "outcomes")),
                   levels={k: strings(v) for k, v in levels.items()} if isinstance(levels, List) else {})

    def fields_to_r(self) -> dict[str, Any]:
        formula = self.formula
        if isinstance(formula, str):
            lhs, rhs = _formula_sides(formula)
            formula = b.formula(lhs, rhs if self.intercept else call("+", rhs, b.dbl(0)), EmptyEnv)
        return {"formula": formula, "indicators": b.chr(self.indicators),
                "terms": b.named_list(predictors=self.terms.to_r(), outcomes=self.outcome_terms.to_r()),
                "levels": b.named_list({k: b.chr(v) for k, v in self.levels.items()})}

    def predictor_ptype(self) -> pd.DataFrame:
        """The predictors' ptype with character columns as factors of the stored levels."""
        ptype = self._required_ptypes().predictors
        return ptype.assign(**{name: pd.Categorical([], categories=lvls)
                               for name, lvls in self.levels.items() if name in ptype.columns})

    def factorish(self) -> list[str]:
        """Factor and character predictors (kept aside when ``indicators = "none"``)."""
        ptype = self._required_ptypes().predictors
        return [c for c in ptype.columns if column_kind(ptype[c]) in ("factor", "ordered", "character")]

    def design(self, predictors: pd.DataFrame) -> pd.DataFrame:
        """Model matrix of cleaned predictors by the ``indicators`` mode."""
        return self.matrix_of(model_frame(self.terms, predictors, na_action="pass"), predictors)

    def matrix_of(self, frame: ModelFrame, predictors: pd.DataFrame) -> pd.DataFrame:
        """The model matrix of ``frame`` (a model frame of ``predictors``) by the
        ``indicators`` mode."""
        matrix = model_matrix(frame, one_hot=self.indicators == "one_hot")
        if self.indicators == "none":
            matrix = pd.concat([matrix, predictors[self.factorish()]], axis=1)
        return matrix

    def forge(self, new_data: pd.DataFrame) -> pd.DataFrame:
        return self.design(self.clean(new_data, self.predictor_ptype()))


@dataclass
class RecipeBlueprint(Blueprint):
    """``default_recipe_blueprint``: the trained recipe is baked on the cleaned data."""

    fresh: bool = True
    strings_as_factors: bool = True
    recipe: Recipe | None = None
    extra_role_ptypes: dict[str, pd.DataFrame] = field(default_factory=dict)
    predictor_names: list[str] = field(default_factory=list)

    r_class: ClassVar[str] = "recipe_blueprint"

    @classmethod
    def from_r(cls, node: List) -> "RecipeBlueprint":
        extra = node.get("extra_role_ptypes")
        recipe = Recipe.from_r(rtree.record(node, "the recipe blueprint", ("recipe",))["recipe"])
        return cls(**cls.common_from_r(node), fresh=flag(node.get("fresh")),
                   strings_as_factors=flag(node.get("strings_as_factors"), True),
                   recipe=recipe,
                   extra_role_ptypes={k: rtree.frame(v, f"the {k!r} ptype") for k, v in extra.items()} if isinstance(extra, List) else {},
                   predictor_names=role_variables(recipe.term_info, "predictor"))

    def fields_to_r(self) -> dict[str, Any]:
        extra = (b.named_list({k: from_pandas(v, tibble=True) for k, v in self.extra_role_ptypes.items()})
                 if self.extra_role_ptypes else None)
        return {"fresh": b.lgl(self.fresh), "strings_as_factors": b.lgl(self.strings_as_factors),
                "recipe": rtree.to_tree(self.recipe), "extra_role_ptypes": extra}

    def forge(self, new_data: pd.DataFrame) -> pd.DataFrame:
        """A big frame is forged in blocks of rows on a few threads when every row is
        forged alone (:mod:`pykerasnip.rowblocks`): same result. Not with
        ``allow_novel_levels``, whose factor levels come from the rows at hand."""
        if not splits(len(new_data)) or self.allow_novel_levels or block_problems(self.recipe):
            return self._forge_rows(new_data)
        return in_blocks(new_data, self._forge_rows)

    def _forge_rows(self, new_data: pd.DataFrame) -> pd.DataFrame:
        with remembering_factorizations():  # text columns cleaned, then baked
            parts = [self.clean(new_data)] + [self.clean(new_data, ptype)
                                              for ptype in self.extra_role_ptypes.values()]
            combined = pd.concat(parts, axis=1)
            baked = self.recipe.bake(combined.loc[:, ~combined.columns.duplicated()])
        missing = [c for c in self.predictor_names if c not in baked.columns]
        if missing:
            raise MalformedObjectError(f"the recipe's term_info names predictors {missing} its "
                                       "steps do not produce")
        return self.with_intercept(baked[self.predictor_names])


def role_variables(info: pd.DataFrame, role: str) -> list[str]:
    """Variables of ``info`` (var_info/term_info) with ``role``; NA roles match "NA"."""
    roles = info["role"].map(lambda r: r if isinstance(r, str) else "NA")
    return list(info.loc[roles == role, "variable"])


def blueprint_from_r(node: List, *, safe_mode: bool = True) -> Blueprint:
    """The trained blueprint for R's ``workflow$pre$mold$blueprint``."""
    rtree.record(node, "the mold blueprint")
    for name in node.classes:
        if name in BLUEPRINTS:
            return BLUEPRINTS[name].from_r(node)
    raise UnsupportedObjectError(f"unsupported hardhat blueprint class {node.classes}")


#: R blueprint family class -> its Python class (dispatch with inherits semantics)
BLUEPRINTS: dict[str, type[Blueprint]] = {
    cls.r_class: cls for cls in (RecipeBlueprint, FormulaBlueprint, XYBlueprint)}
for _name in (*BLUEPRINTS, "hardhat_blueprint"):
    register_reader(_name, blueprint_from_r)


# --------------------------------------------------------------------------- mold
@dataclass
class Mold:
    """hardhat's mold result: processed predictors and outcomes, the trained blueprint."""

    predictors: pd.DataFrame
    outcomes: pd.DataFrame
    blueprint: Blueprint


def _formula_sides(formula: str) -> tuple[Any, Any]:
    tree = parse(formula)
    if not (isinstance(tree, Lang) and tree.function == Sym("~") and len(tree.args) == 2):
        raise SpecError(f"a workflow formula needs an outcome and predictors: {formula!r}")
    return tree.args[0][1], tree.args[1][1]


def _check_no_intercept_terms(rhs: Any, formula: str) -> None:
    """hardhat's ``check_implicit_intercept`` (the blueprint's ``intercept`` decides):
    the right-hand side is not ``0`` or ``1``, and no ``+`` call with a ``0`` operand or
    ``-`` call whose last operand is ``1`` appears anywhere, inside functions too
    (``I(x * 2 - 1)`` is refused as in R)."""
    if _is_number(rhs, 0) or _is_number(rhs, 1):
        raise SpecError(f"formula {formula!r} must not have a right-hand side of only `0` or `1`; "
                        "use the blueprint's intercept instead")
    pending = [rhs]
    while pending:
        node = pending.pop()
        if not isinstance(node, Lang):
            continue
        operands = [value for _, value in node.args]
        op = node.function.name if isinstance(node.function, Sym) else None
        if op == "+" and any(_is_number(a, 0) for a in operands) or (
                op == "-" and operands and _is_number(operands[-1], 1)):
            raise SpecError(f"formula {formula!r} must not contain an intercept removal term "
                            "(`+ 0`, `0 +` or `- 1`); use the blueprint's intercept instead")
        pending.extend(operands)


def _is_number(node: Any, value: int) -> bool:
    """Is ``node`` a length-1 number (or logical) equal to ``value``, as R's ``==`` sees it?"""
    return isinstance(node, (Real, Integer, Logical)) and len(node.data) == 1 and node.data[0] == value


def _without_variables(terms: Terms, names: set[str]) -> Terms:
    """Terms with the given variables and every term using them removed (hardhat's
    ``remove_factorish_from_formula``)."""
    drop = {i for i, n in enumerate(terms.frame_names) if n in names}
    used = terms.term_variables()
    keep_vars = [i for i in range(len(terms.variables)) if i not in drop]
    keep_terms = [j for j, vs in enumerate(used) if not drop & set(vs)]
    return replace(terms, variables=[terms.variables[i] for i in keep_vars],
                   predvars=[terms.predvars[i] for i in keep_vars],
                   term_labels=[terms.term_labels[j] for j in keep_terms],
                   factors=terms.factors[np.ix_(keep_vars, keep_terms)],
                   offset=kept_positions(terms.offset, keep_vars))


#: the formula operators hardhat takes for interactions (its ``fns_interactions``)
INTERACTIONS = (":", "*", "^", "/", "%in%")


def _call_name(node: Any) -> str | None:
    return node.function.name if isinstance(node, Lang) and isinstance(node.function, Sym) else None


def _symbols_in(node: Any) -> list[str]:
    """Every symbol of an expression, depth first (hardhat's checks walk it so)."""
    if isinstance(node, Sym):
        return [node.name]
    return [s for _, arg in node.args for s in _symbols_in(arg)] if isinstance(node, Lang) else []


def _check_factorish_in_interactions(node: Any, names: set[str]) -> None:
    """hardhat's ``check_no_factorish_in_interactions`` (``indicators = "none"``): no
    factor or character column anywhere under an interaction operator, as written."""
    if not isinstance(node, Lang):
        return
    if _call_name(node) in INTERACTIONS:
        found = [s for s in _symbols_in(node) if s in names]
        if found:
            raise SpecError("Interaction terms involving factors or characters are not allowed when "
                            f"indicators = 'none': {found[0]!r} in `{deparse(node)}`.")
        return
    for _, arg in node.args:
        _check_factorish_in_interactions(arg, names)


def _check_factorish_in_functions(node: Any, names: set[str], allowed: bool = True) -> None:
    """hardhat's ``check_no_factorish_in_functions`` (``indicators = "none"``): factor and
    character columns only as operands of the top chain of ``+``, ``-`` and ``(``."""
    if not isinstance(node, Lang):
        return
    allowed = allowed and _call_name(node) in ("+", "-", "(")
    for _, arg in node.args:
        if not allowed and isinstance(arg, Sym) and arg.name in names:
            raise SpecError("Functions involving factors or characters are not allowed when "
                            f"indicators = 'none': {arg.name!r} in `{deparse(node)}`.")
        _check_factorish_in_functions(arg, names, allowed)


def mold_formula(formula: str, data: pd.DataFrame, indicators: str = "none",
                 intercept: bool = False, allow_novel_levels: bool = False) -> Mold:
    """``mold(formula, data, blueprint = default_formula_blueprint(...))``; the defaults
    are kerasnip's (``indicators = "none"``, no intercept)."""
    if indicators not in INDICATORS:
        raise SpecError(f"indicators must be one of {INDICATORS}, not {indicators!r}")
    lhs, rhs = _formula_sides(formula)
    _check_no_intercept_terms(rhs, formula)
    full = terms_from_formula(call("~", lhs, rhs), list(data.columns))
    predictor_names = list(dict.fromkeys(s for v in full.variables[1:] for s in all_vars(v)))
    missing = [n for n in predictor_names if n not in data.columns]
    if missing:
        raise SpecError(f"The following predictors were not found in `data`: {missing}.")
    outcome_names = all_vars(lhs)
    ptypes = Ptypes.of(data[predictor_names], data[outcome_names])
    predictor_terms = replace(full.delete_response(), intercept=intercept)
    blueprint = FormulaBlueprint(intercept=intercept, allow_novel_levels=allow_novel_levels, ptypes=ptypes,
                                 formula=formula, indicators=indicators)
    if indicators == "none":
        factorish, expanded = set(blueprint.factorish()), full.formula.args[-1][1]
        _check_factorish_in_interactions(expanded, factorish)
        _check_factorish_in_functions(expanded, factorish)
        predictor_terms = _without_variables(predictor_terms, factorish)
    else:
        blueprint.levels = {c: rexpr.default_levels(rexpr.as_vector(data[c]))
                            for c in predictor_names if column_kind(data[c]) == "character"}
    x = data[predictor_names].reset_index(drop=True)
    x = x.assign(**{c: factor(x[c], levels) for c, levels in blueprint.levels.items()})  # as hardhat
    fitted = model_frame(predictor_terms, x, na_action="pass")
    outcome_terms = replace(terms_from_formula(call("~", lhs)), intercept=False)
    outcome_frame = model_frame(outcome_terms, data, na_action="pass")
    blueprint.terms, blueprint.outcome_terms = fitted.terms, outcome_frame.terms
    predictors = blueprint.matrix_of(fitted, x)  # poly() of its training data: R's fit-time basis
    return Mold(predictors, _flat_outcomes(outcome_frame).reset_index(drop=True), blueprint)


def _flat_outcomes(frame: ModelFrame) -> pd.DataFrame:
    """hardhat's outcomes of a formula mold: a matrix variable (``cbind(a, b)``) becomes
    ``<name>.<column>`` columns, ``<name>.V<k>`` for its unnamed k-th column."""
    parts = [col.set_axis([f"{name}.{c or f'V{k + 1}'}" for k, c in enumerate(col.columns)], axis=1)
             if isinstance(col, pd.DataFrame) else col.rename(name) for name, col in frame.columns.items()]
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def mold_xy(predictors: list[str], outcomes: list[str], data: pd.DataFrame,
            intercept: bool = False, allow_novel_levels: bool = False) -> Mold:
    """``add_variables(outcomes, predictors)`` molding (``default_xy_blueprint``)."""
    missing = [c for c in [*outcomes, *predictors] if c not in data.columns]
    if missing:
        raise SpecError(f"The following columns were not found in `data`: {missing}.")
    unknown = [c for c in outcomes if column_kind(data[c]) not in OUTCOME_KINDS]
    if unknown:
        raise SpecError(f"Not all columns of `y` are known outcome types (numeric or factor): {unknown}.")
    x, y = data[predictors].reset_index(drop=True), data[outcomes].reset_index(drop=True)
    blueprint = XYBlueprint(intercept=intercept, allow_novel_levels=allow_novel_levels, ptypes=Ptypes.of(x, y))
    return Mold(blueprint.with_intercept(x), y, blueprint)


def mold_recipe(recipe: Any, data: pd.DataFrame, intercept: bool = False,
                allow_novel_levels: bool = False) -> Mold:
    """``mold(recipe, data)``: prep the recipe, predictors/outcomes by their roles."""
    trained = recipe.prep(data)
    roles = dict.fromkeys(r if isinstance(r, str) else "NA" for r in trained.var_info["role"])
    originals = {role: role_variables(trained.var_info, role) for role in roles}
    ptypes = Ptypes.of(data[originals.get("predictor", [])], data[originals.get("outcome", [])])
    extra = {role: data[cols].iloc[:0] for role, cols in originals.items()
             if role not in ("predictor", "outcome", "case_weights")}
    blueprint = RecipeBlueprint(intercept=intercept, allow_novel_levels=allow_novel_levels, ptypes=ptypes,
                                recipe=trained.composted(), extra_role_ptypes=extra,
                                predictor_names=role_variables(trained.term_info, "predictor"))
    baked = trained.bake(data.reset_index(drop=True))
    outcomes = baked[role_variables(trained.term_info, "outcome")]
    return Mold(blueprint.with_intercept(baked[blueprint.predictor_names]), outcomes, blueprint)


#: preprocessor kind -> how it molds data: (value, data, untrained blueprint, options)
_MOLDERS: dict[str, Callable[..., Mold]] = {
    "formula": lambda value, data, blueprint, options: mold_formula(
        value, data, **options,
        **({"indicators": blueprint.indicators} if isinstance(blueprint, FormulaBlueprint) else {})),
    "variables": lambda value, data, blueprint, options: mold_xy(
        list(value.predictors), list(value.outcomes), data, **options),
    "recipe": lambda value, data, blueprint, options: mold_recipe(value, data, **options),
}


def mold(kind: str, value: Any, data: pd.DataFrame, blueprint: Blueprint | None = None) -> Mold:
    """Mold ``data`` for a workflow preprocessor: ``kind`` "formula" (a formula
    string), "recipe" (an untrained Recipe) or "variables" (``.outcomes`` and
    ``.predictors`` column lists). An untrained ``blueprint`` supplies its options."""
    if kind not in _MOLDERS:
        raise SpecError(f"unknown preprocessor kind {kind!r}: expected formula, recipe or variables")
    options = {} if blueprint is None else {"intercept": blueprint.intercept,
                                            "allow_novel_levels": blueprint.allow_novel_levels}
    return _MOLDERS[kind](value, as_r_columns(data), blueprint, options)


# --------------------------------------------------------------------------- R form of a mold
#: blueprint field -> its value before mold() (hardhat's untrained blueprints)
_UNTRAINED: dict[str, Callable[[], Any]] = {
    "ptypes": lambda: None, "formula": lambda: None, "levels": lambda: None,
    "recipe": lambda: None, "extra_role_ptypes": lambda: None,
    "terms": lambda: b.named_list(predictors=None, outcomes=None),
}

#: roles a recipe mold does not report among its ``extras``
_MODEL_ROLES = ("predictor", "outcome")


def untrained_blueprint(trained: n.List) -> n.List:
    """The blueprint as the preprocessor action holds it: ``trained`` with the fields
    ``mold()`` fills (ptypes, recipe, terms, ...) reset."""
    return rtree.copy_with(trained, {name: _UNTRAINED[name]() for name in trained.names or []
                               if name in _UNTRAINED})


def _zero_rows(df: pd.DataFrame) -> n.List:
    return from_pandas(df.iloc[:0].reset_index(drop=True), tibble=True)


def _forge_ptype(blueprint: Any) -> pd.DataFrame:
    """0-row new data with every column ``forge()`` requires: the predictors and, for a
    recipe, the other roles it needs at bake time."""
    extra = getattr(blueprint, "extra_role_ptypes", {})
    frame = pd.concat([blueprint.ptypes.predictors, *extra.values()], axis=1)
    return frame.loc[:, ~frame.columns.duplicated()]


def _list_columns(blueprint: Any) -> set[str]:
    """Columns a recipe makes lists (kerasnip's step_collapse): recipes types them."""
    recipe = getattr(blueprint, "recipe", None)
    if recipe is None:
        return set()
    info = recipe.term_info
    return {name for name, kinds in zip(info["variable"], info["type"]) if "list" in kinds}


def _zero_row_predictors(blueprint: Any) -> n.List:
    """0 rows of the processed predictors; an empty list column stays a list (pandas keeps
    no element type for an empty object column)."""
    node = _zero_rows(blueprint.forge(_forge_ptype(blueprint)))
    lists = _list_columns(blueprint)
    return rtree.copy_with(node, {name: n.List([]) for name in node.names if name in lists})


def _extra_roles(blueprint: Any) -> Any:
    """hardhat's ``extras$roles`` of a recipe mold: per role other than predictor and
    outcome, the processed columns with it (NULL when there are none)."""
    info = blueprint.recipe.term_info
    roles = [r for r in dict.fromkeys(info["role"].map(_role_name)) if r not in _MODEL_ROLES]
    if not roles:
        return None
    baked = blueprint.recipe.bake(_forge_ptype(blueprint))
    return b.named_list({role: _zero_rows(baked[[v for v in role_variables(info, role)
                                                 if v in baked.columns]])
                         for role in roles})


def _role_name(role: Any) -> str:
    return role if isinstance(role, str) else "NA"


def _extras(node: n.List, blueprint: Any) -> Any:
    """The mold's ``extras``: ``roles`` for a recipe, ``offset`` for a formula."""
    if node.inherits("recipe_blueprint"):
        return b.named_list(roles=_extra_roles(blueprint))
    if node.inherits("formula_blueprint"):
        return b.named_list(offset=None)
    return None


def mold_to_r(blueprint: Blueprint) -> n.List:
    """The mold a fitted workflow stores (``pre$mold``): 0-row slices of the processed
    predictors and of the outcome prototypes (R's ``predict()`` only reads the trained
    blueprint), the blueprint, and hardhat's ``extras``."""
    node = rtree.r_form(blueprint, "workflow's trained blueprint")
    return b.named_list(predictors=_zero_row_predictors(blueprint),
                        outcomes=_zero_rows(blueprint.ptypes.outcomes), blueprint=node,
                        extras=_extras(node, blueprint))
