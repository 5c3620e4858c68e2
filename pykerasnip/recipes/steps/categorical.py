"""Recipes steps on categorical data: dummy, other, novel, unknown, string2factor,
factor2string, ordinalscore and interact.

Factors are pandas Categoricals (levels = categories), characters are object columns
with ``None`` for NA. The top section holds the factor helpers other step modules share
(the nominal type check, training levels, the new-levels warning).
"""
from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ... import rtree
from ...convert import flag, named_values, scalar, strings
from ...errors import ForgeError, MalformedObjectError, SpecError, UnsupportedStepError
from ...factor import as_character, factor, from_codes, is_factor, match, outside_levels, unmatched
from ...formula.parse import deparse, deparse_name, parse
from ...formula.terms import Terms, terms_from_formula
from ...rds import build as b
from ...rds.nodes import Builtin, GlobalEnv, Lang, List, MissingArg, RObject, Sym
from ...rmath import contr_poly, contr_poly_names, make_names, names0, r_sort_strings
from ...rowblocks import warn_rows
from .. import selectors
from .base import (SelectedColumnsStep, Step, append_columns, drop_inputs, is_string_column,
                   recipes_closure, recipes_function_name, register, step_to_r)


# --------------------------------------------------------------------------- factor helpers
def warn_new_levels(values: pd.Series, levels: Sequence[str], column: str, step: str,
                    new: np.ndarray | None = None) -> None:
    """recipes' warning for values (NA included) that are not among ``levels`` (``new``
    marks them, when the caller knows)."""
    if new is None:
        new = outside_levels(values, levels, include_na=True)
    warn_rows(("new levels", step, column), values[new] if new.any() else None,
              lambda rows: _warn_new_levels(rows, levels, column, step))


def _warn_new_levels(rows: pd.Series, levels: Sequence[str], column: str, step: str) -> None:
    shown = ", ".join("NA" if v is None else repr(v)
                      for v in unmatched(rows, levels, include_na=True))
    warnings.warn(f"There are new levels in `{column}`: {shown}; {step} makes them NA.",
                  stacklevel=6)


def factor_info(column: pd.Series) -> tuple[list[str], bool]:
    """(levels, ordered) of a factor column; characters give their distinct values in
    order of appearance, NA (``None``) included (recipes' ``get_existing_values``)."""
    if is_factor(column):
        return list(column.cat.categories), bool(column.cat.ordered)
    return [None if pd.isna(v) else v for v in pd.unique(column)], False


def require_factors(data: pd.DataFrame, columns: Sequence[str], step: str,
                    allow_strings: bool = False) -> None:
    """recipes' ``check_type`` for nominal steps."""
    wrong = [c for c in columns
             if not (is_factor(data[c]) or (allow_strings and is_string_column(data[c])))]
    if wrong:
        raise ForgeError(f"{step}: these columns are not factors: {', '.join(wrong)}")


# --------------------------------------------------------------------------- step_dummy
def treatment(k: int) -> np.ndarray:
    """``contr.treatment(k)``: indicators of levels 2..k."""
    return np.eye(k)[:, 1:]


def contr_sum(k: int) -> np.ndarray:
    """``contr.sum(k)``: identity with a last row of -1."""
    return np.vstack([np.eye(k - 1), -np.ones(k - 1)])


def contr_helmert(k: int) -> np.ndarray:
    """``contr.helmert(k)``: column j is -1 on rows 1..j and j on row j+1."""
    rows, cols = np.indices((k, k - 1))
    return np.where(rows <= cols, -1.0, np.where(rows == cols + 1, cols + 1.0, 0.0))


CONTRASTS: dict[str, Callable[[int], np.ndarray]] = {
    "contr.treatment": treatment,
    "contr.poly": contr_poly,
    "contr.sum": contr_sum,
    "contr.helmert": contr_helmert,
}


def dummy_names(var: str, levels: Sequence[str], ordinal: bool = False,
                sep: str = "_") -> list[str]:
    """recipes' default ``dummy_names``."""
    if ordinal:
        return [var + suffix for suffix in names0(len(levels), sep)]
    return [f"{var}{sep}{name}" for name in make_names(levels)]


def dummy_extract_names(var: str, levels: Sequence[str], ordinal: bool = False,
                        sep: str = "_") -> list[str]:
    """recipes' ``dummy_extract_names``: ``dummy_names`` with repeats numbered."""
    names = dummy_names(var, levels, ordinal, sep)
    while len(set(names)) < len(names):
        counts = [names[: i + 1].count(n) for i, n in enumerate(names)]
        names = [f"{n}{sep}{c}" if c > 1 else n for n, c in zip(names, counts)]
    return names


NAMING: dict[str, Callable[..., list[str]]] = {
    "dummy_names": dummy_names,
    "dummy_extract_names": dummy_extract_names,
}
#: symbols that mark each naming function's body (R's own, or our call to it);
#: dummy_extract_names also uses make.names, so it is tried first
NAMING_FINGERPRINTS = {"dummy_extract_names": {"duplicated", "dummy_extract_names"},
                       "dummy_names": {"make.names", "dummy_names"}}
NAMING_FORMALS = {"var": MissingArg, "lvl": MissingArg, "ordinal": b.lgl(False),
                  "sep": b.chr("_")}


def dummy_matrix(codes: np.ndarray, k: int, contrast: str, one_hot: bool) -> np.ndarray:
    """model.matrix columns of one factor (codes -1 = NA) without the intercept."""
    if one_hot:
        base = np.eye(k)
    elif contrast in CONTRASTS:
        base = CONTRASTS[contrast](k)
    else:
        raise UnsupportedStepError("step_dummy", f"contrast function {contrast!r}")
    # a last row of NaN, which code -1 picks; taken as (columns x rows) so that its
    # transpose is the column-major block pandas keeps
    rows = np.vstack([base, np.full(base.shape[1], np.nan)])
    return rows.T.take(codes, axis=1).T


def dummy_terms(column: str, levels: list[str], ordered: bool, one_hot: bool) -> Lang:
    """The ``terms`` object step_dummy stores per column: ``~col`` (``~col - 1`` for one
    hot) as model.frame makes it, plus the training ``values``."""
    var = b.sym(column)
    formula = b.call("~", b.call("-", var, b.dbl(1.0)) if one_hot else var)
    terms = Terms(variables=[var], term_labels=[column], factors=np.ones((1, 1), dtype=int),
                  intercept=not one_hot, formula=formula,
                  data_classes={column: "ordered" if ordered else "factor"})
    return terms.to_r().set_attr("values", b.chr(*levels))


def new_level_objects(objects: dict[str, tuple[list[str], bool]]) -> List:
    """Training levels per column with their ``is_ordered`` attribute."""
    return b.named_list({c: b.structure(b.chr(*levels), {"is_ordered": b.lgl(ordered)})
                         for c, (levels, ordered) in objects.items()})


def level_objects(node: Any) -> dict[str, tuple[list[str], bool]]:
    """The reverse of :func:`new_level_objects` (``NULL`` gives none)."""
    return {name: (strings(levels), flag(levels.attr("is_ordered")))
            for name, levels in (node or List()).items()}


def _contrasts(node: Any) -> dict[str, str]:
    """step_dummy's ``contrasts``: the contrast function for unordered and ordered factors."""
    found = {k: strings(v) for k, v in rtree.named(node, "step_dummy's contrasts").items()}
    if any(len(found.get(kind) or []) != 1 or found[kind][0] is None
           for kind in ("unordered", "ordered")):
        raise MalformedObjectError("step_dummy's contrasts must name one function for "
                                   f"'unordered' and one for 'ordered' factors, not {found}")
    return {k: v[0] for k, v in found.items()}


def _levels_of(levels_terms: Any, name: str) -> tuple[list[str], bool]:
    """The training levels step_dummy stored for column ``name``, and whether it was an
    ordered factor (its contrasts depend on it)."""
    if not isinstance(levels_terms, RObject):
        raise MalformedObjectError(f"step_dummy's levels of {name!r} are not a terms object")
    classes = strings(levels_terms.attr("dataClasses"))
    if not classes:
        raise MalformedObjectError(f"step_dummy's levels of {name!r} store no dataClasses")
    values = rtree.labels(levels_terms.attr("values"), f"step_dummy's levels of {name!r}")
    return values, classes[0] == "ordered"


@register
class StepDummy(Step):
    """``step_dummy``: factor columns -> indicator or contrast columns."""

    r_class = "step_dummy"

    def __init__(self, *terms: Any, one_hot: bool = False,
                 contrasts: dict[str, str] | None = None, naming: str = "dummy_names",
                 levels: dict[str, tuple[list[str], bool]] | None = None,
                 keep_original_cols: bool = False, **common: Any):
        super().__init__(*terms, **common)
        if naming not in NAMING:
            raise UnsupportedStepError(self.r_class, f"naming function {naming!r}")
        self.one_hot = one_hot
        self.contrasts = contrasts or {"unordered": "contr.treatment", "ordered": "contr.poly"}
        self.naming = naming
        self.levels = levels or {}
        self.keep_original_cols = keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "StepDummy":
        step = super().from_r(node)
        step.levels = {name: _levels_of(t, name)
                       for name, t in rtree.named(node.get("levels") or List(),
                                                  "step_dummy's levels").items()}
        step.naming = recipes_function_name(node["naming"], list(NAMING_FORMALS),
                                            NAMING_FINGERPRINTS, cls.r_class)
        if node.get("contrasts") is not None:
            step.contrasts = _contrasts(node["contrasts"])
        step.one_hot = flag(node.get("one_hot"))
        step.keep_original_cols = (flag(node.get("keep_original_cols"))
                                   and flag(node.get("preserve"), True))
        return step

    def to_r(self) -> List:
        naming = recipes_closure(self.naming, NAMING_FORMALS)
        levels = b.named_list({c: dummy_terms(c, values, ordered, self.one_hot)
                               for c, (values, ordered) in self.levels.items()})
        return step_to_r(self, {
            "one_hot": b.lgl(self.one_hot), "contrasts": b.named_list(
                {k: b.chr(v) for k, v in self.contrasts.items()}),
            "preserve": b.lgl(self.keep_original_cols), "naming": naming,
            "levels": levels if self.levels else None, "sparse": b.chr("auto"),
            "keep_original_cols": b.lgl(self.keep_original_cols)})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        require_factors(data, columns, self.r_class)
        self.levels = {c: factor_info(data[c]) for c in columns}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.levels)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        for column, (values, ordered) in self.levels.items():
            data = append_columns(data, self._indicators(data[column], column, values,
                                                         ordered), self.r_class)
        if self.keep_original_cols:  # recipes keeps the column it made a factor of the levels
            return data.assign(**{c: from_codes(match(data[c], values), values, ordered, like=data[c])
                                  for c, (values, ordered) in self.levels.items()})
        return drop_inputs(data, list(self.levels), False)

    def _indicators(self, values: pd.Series, column: str, levels: list[str],
                    ordered: bool) -> pd.DataFrame:
        if len(levels) == 1:
            raise ForgeError(f"step_dummy: only one factor level in `{column}`: {levels[0]}")
        codes = match(values, levels)
        warn_new_levels(values, levels, column, self.r_class, new=codes < 0)
        contrast = self.contrasts["ordered" if ordered else "unordered"]
        matrix = dummy_matrix(codes, len(levels), contrast, self.one_hot)
        used = levels if self.one_hot else levels[1:]
        return pd.DataFrame(matrix, columns=NAMING[self.naming](column, used, ordered), copy=False)


# --------------------------------------------------------------------------- level steps
@register
class StepOther(Step):
    """``step_other``: pool infrequent levels into ``other``."""

    r_class = "step_other"
    default_role = None

    def __init__(self, *terms: Any, threshold: float = 0.05, other: str = "other",
                 objects: dict[str, dict[str, Any]] | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.threshold, self.other = threshold, other
        self.objects = objects or {}

    @classmethod
    def from_r(cls, node: List) -> "StepOther":
        step = super().from_r(node)
        step.threshold = float(scalar(node["threshold"]))
        step.other = scalar(node["other"])
        step.objects = {name: {"keep": strings(obj["keep"]), "collapse": flag(obj["collapse"]),
                               "other": scalar(obj["other"])}
                        for name, obj in (node.get("objects") or List()).items()}
        return step

    def to_r(self) -> List:
        objects = b.named_list({c: b.named_list(keep=b.chr(*o["keep"]), collapse=b.lgl(o["collapse"]),
                                                other=b.chr(o["other"]))
                                for c, o in self.objects.items()})
        return step_to_r(self, {"threshold": b.dbl(self.threshold), "other": b.chr(self.other),
                                "objects": objects if self.trained else None,
                                "case_weights": None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        require_factors(data, columns, self.r_class, allow_strings=True)
        self.objects = {c: self._keep_levels(data[c]) for c in columns}
        self.trained = True

    def _keep_levels(self, column: pd.Series) -> dict[str, Any]:
        levels = (list(column.cat.categories) if is_factor(column)
                  else r_sort_strings(column.dropna().unique()))
        counts = as_character(column).value_counts().reindex(levels, fill_value=0)
        # R's sort(table, decreasing = TRUE) orders the counts stably
        counts = counts.iloc[np.argsort(-counts.to_numpy(), kind="stable")]
        shares = counts / column.notna().sum() if self.threshold < 1 else counts
        dropped = shares < self.threshold
        keepers = set(shares.index[~dropped]) or {shares.idxmax()}
        if self.other in keepers:
            raise ForgeError(f"step_other: the level {self.other!r} already exists and "
                             "would be retained; choose another `other` value")
        return {"keep": [lvl for lvl in levels if lvl in keepers],
                "collapse": bool(dropped.any()), "other": self.other}

    def required_columns(self) -> list[str]:
        return list(self.objects)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        pooled = {}
        for column, obj in self.objects.items():
            if obj["collapse"]:
                keep = obj["keep"]
                codes = match(data[column], keep, unknown=len(keep))
                pooled[column] = from_codes(codes, keep + [obj["other"]], like=data[column])
        return data.assign(**pooled)


class LevelsStep(Step):
    """A step that trains, per selected factor or character column, its levels and
    whether it is ordered (``objects``, recipes' ``get_existing_values``), and has one
    level-valued setting stored in the R field :attr:`level_field`."""

    default_role = None
    #: the R field (and attribute) holding the step's level setting
    level_field: ClassVar[str] = ""

    def __init__(self, *terms: Any, objects: dict[str, tuple[list[str], bool]] | None = None,
                 **common: Any):
        super().__init__(*terms, **common)
        self.objects = objects or {}

    @property
    def level(self) -> str:
        """The value of the level setting."""
        return getattr(self, self.level_field)

    @classmethod
    def from_r(cls, node: List) -> "LevelsStep":
        step = super().from_r(node)
        setattr(step, cls.level_field, scalar(node[cls.level_field]))
        step.objects = level_objects(node.get("objects"))
        return step

    def to_r(self) -> List:
        return step_to_r(self, {self.level_field: b.chr(self.level),
                                "objects": new_level_objects(self.objects) if self.trained
                                else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        require_factors(data, columns, self.r_class, allow_strings=True)
        self.objects = {c: factor_info(data[c]) for c in columns}
        self.check_levels()
        self.trained = True

    def check_levels(self) -> None:
        """Raise when the trained ``objects`` do not suit the level setting."""

    def required_columns(self) -> list[str]:
        return list(self.objects)


class _NewLevelStep(LevelsStep):
    """step_novel / step_unknown: values of a kind the subclass picks become ``new_level``,
    a level that no training column may already have."""

    level_field = "new_level"
    default_new_level = ""

    def __init__(self, *terms: Any, new_level: str | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.new_level = self.default_new_level if new_level is None else new_level

    def check_levels(self) -> None:
        clashes = [c for c, (levels, _) in self.objects.items() if self.new_level in levels]
        if clashes:
            raise ForgeError(f"{self.r_class}: columns already contain the level "
                             f"{self.new_level!r}: {', '.join(clashes)}")

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        kept = {c: [lvl for lvl in levels if lvl is not None]  # factor() excludes NA levels
                for c, (levels, _) in self.objects.items()}
        return data.assign(**{
            column: from_codes(self.codes(data[column], kept[column], column),
                               kept[column] + [self.new_level], ordered, like=data[column])
            for column, (_, ordered) in self.objects.items()})

    def codes(self, values: pd.Series, levels: list[str], column: str) -> np.ndarray:
        """The column's codes among ``levels`` + ``new_level``."""
        raise NotImplementedError


@register
class StepNovel(_NewLevelStep):
    """``step_novel``: unseen (non-NA) values -> ``new_level``."""

    r_class = "step_novel"
    default_new_level = "new"

    def codes(self, values: pd.Series, levels: list[str], column: str) -> np.ndarray:
        return match(values, levels, unknown=len(levels))


@register
class StepUnknown(_NewLevelStep):
    """``step_unknown``: NA -> ``new_level``; unseen values become NA with a warning."""

    r_class = "step_unknown"
    default_new_level = "unknown"

    def codes(self, values: pd.Series, levels: list[str], column: str) -> np.ndarray:
        warn_new_levels(values.dropna(), levels + [self.new_level], column, self.r_class)
        return match(values, levels, missing=len(levels))


@register
class StepString2factor(Step):
    """``step_string2factor``: character columns -> factors with stored levels."""

    r_class = "step_string2factor"
    default_role = None

    def __init__(self, *terms: Any, levels: dict[str, list[str]] | list[str] | None = None,
                 ordered: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.levels = levels
        self.ordered: dict[str, bool] | bool = ordered

    @classmethod
    def from_r(cls, node: List) -> "StepString2factor":
        step = super().from_r(node)
        levels = node.get("levels")
        step.levels = ({k: strings(v) for k, v in levels.items()} if isinstance(levels, List)
                       else None if levels is None else strings(levels))
        ordered = node.get("ordered")
        step.ordered = ({k: bool(v) for k, v in named_values(ordered).items()}
                        if ordered.names else flag(ordered))
        return step

    def to_r(self) -> List:
        levels = (b.named_list({k: b.chr(*v) for k, v in self.levels.items()})
                  if isinstance(self.levels, dict) else
                  None if self.levels is None else b.chr(*self.levels))
        ordered = (b.structure(b.lgl(list(self.ordered.values())),
                               {"names": b.chr(*self.ordered)})
                   if isinstance(self.ordered, dict) else b.lgl(self.ordered))
        return step_to_r(self, {"levels": levels, "ordered": ordered})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        require_factors(data, columns, self.r_class, allow_strings=True)
        if self.levels is None:
            self.levels = {c: r_sort_strings(data[c].dropna().unique()) for c in columns}
        self.ordered = dict.fromkeys(columns, bool(self.ordered))
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.ordered) if isinstance(self.ordered, dict) else []

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        levels = self.levels if isinstance(self.levels, dict) else dict.fromkeys(self.ordered, self.levels)
        return data.assign(**{column: factor(data[column], levels[column], ordered)
                              for column, ordered in self.ordered.items()
                              if not is_factor(data[column])})


@register
class StepFactor2string(SelectedColumnsStep):
    """``step_factor2string``: factors -> character columns."""

    r_class = "step_factor2string"

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        require_factors(data, self.columns, self.r_class)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: as_character(data[c]) for c in self.columns})


#: ``convert`` functions of step_ordinalscore that mean "the level's position"
ORDINAL_CONVERTERS = frozenset({"as.numeric", "as.double", "as.integer"})


@register
class StepOrdinalscore(SelectedColumnsStep):
    """``step_ordinalscore``: ordered factors -> integer scores (level positions)."""

    r_class = "step_ordinalscore"

    @classmethod
    def from_r(cls, node: List) -> "StepOrdinalscore":
        convert = node["convert"]
        if not (isinstance(convert, Builtin) and convert.name in ORDINAL_CONVERTERS):
            raise UnsupportedStepError(cls.r_class, f"the `convert` function {convert!r} is "
                                                    "not as.numeric()")
        return super().from_r(node)

    def fields_to_r(self) -> dict[str, Any]:
        return {**super().fields_to_r(), "convert": Builtin("as.double")}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        not_ordered = [c for c in self.columns
                       if not (is_factor(data[c]) and data[c].cat.ordered)]
        if not_ordered:
            raise ForgeError(f"step_ordinalscore: not ordered factors: {', '.join(not_ordered)}")
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: level_positions(data[c]) for c in self.columns})


def level_positions(column: pd.Series) -> pd.Series:
    """``as.integer(<factor>)``: 1-based level positions, NA stays NA."""
    codes = pd.Series(column.cat.codes.to_numpy() + 1, index=column.index, dtype="Int32")
    return codes.mask(column.isna())


# --------------------------------------------------------------------------- interact
def model_matrix_columns(column: pd.Series, name: str) -> pd.DataFrame:
    """The main-effect columns ``model.matrix`` makes for one variable (with an
    intercept): numbers as is, factors via their contrasts, logicals as ``nameTRUE``."""
    if pd.api.types.is_bool_dtype(column):
        column = factor(column.map({True: "TRUE", False: "FALSE"}, na_action="ignore"),
                        ["FALSE", "TRUE"])
    elif is_string_column(column):
        column = factor(column, r_sort_strings(column.dropna().unique()))
    if not is_factor(column):
        return pd.DataFrame({name: column.astype("float64").to_numpy(na_value=np.nan)})
    levels, ordered = list(column.cat.categories), bool(column.cat.ordered)
    if len(levels) < 2:
        raise ForgeError(f"`{name}`: contrasts can be applied only to factors with 2 or more levels")
    contrast = "contr.poly" if ordered else "contr.treatment"
    labels = contr_poly_names(len(levels)) if ordered else levels[1:]
    matrix = dummy_matrix(column.cat.codes.to_numpy(), len(levels), contrast, False)
    return pd.DataFrame(matrix, columns=[name + label for label in labels])


def interaction_columns(data: pd.DataFrame, variables: Sequence[str], sep: str) -> pd.DataFrame:
    """``model.matrix`` columns of the interaction ``a:b:...`` (the first variable varies
    fastest), named with ``sep`` instead of ``:`` and non-syntactic names backquoted."""
    parts = [model_matrix_columns(data[v], deparse_name(v)) for v in variables]
    combos = [combo[::-1] for combo in itertools.product(*[list(p.columns) for p in parts[::-1]])]
    return pd.DataFrame({
        sep.join(combo): np.prod([p[c].to_numpy() for p, c in zip(parts, combo)], axis=0)
        for combo in combos
    })


def interaction_variables(terms_node: Any) -> list[str]:
    """The variables of the interaction term of one stored ``terms`` object."""
    terms = Terms.from_r(terms_node)
    if not all(isinstance(v, Sym) for v in terms.variables):
        raise UnsupportedStepError("step_interact", "interactions of expressions (not plain "
                                                    "column names)")
    interactions = [t for t in terms.term_variables() if len(t) > 1]
    return [terms.variables[i].name for i in interactions[-1]] if interactions else []


def _with_selectors_resolved(expr: Any, info: pd.DataFrame) -> Any:
    """recipes' ``replace_selectors``: each selector call in an interaction formula
    replaced by ``(a + b + ...)``, the columns it selects."""
    if selectors.is_selector_call(expr):
        names = selectors.select_expr(expr, info)
        if not names:
            raise SpecError(f"step_interact: the selector {expr!r} in the interaction "
                            "formula selects no columns")
        return b.call("(", _sum_of(names))
    if not isinstance(expr, Lang):
        return expr
    args = [(name, _with_selectors_resolved(arg, info)) for name, arg in expr.args]
    if all(new is old for (_, new), (_, old) in zip(args, expr.args)):
        return expr
    return b.call(expr.function, *(arg for name, arg in args if not name),
                  **{name: arg for name, arg in args if name})


def _sum_of(names: Sequence[str]) -> Any:
    """``a + b + ...`` as a balanced tree of ``+`` (the same terms in the same order as R's
    left-deep one, but nested only log2(n) deep, so hundreds of columns stay evaluable)."""
    if len(names) == 1:
        return Sym(names[0])
    middle = len(names) // 2
    return b.call("+", _sum_of(names[:middle]), _sum_of(names[middle:]))


def formula_interactions(rhs: Any, info: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
    """The interaction terms (two or more variables) of ``~ rhs`` as recipes'
    ``get_term_names`` expands it over ``columns``, selectors resolved, in R's term order."""
    terms = terms_from_formula(b.call("~", _with_selectors_resolved(rhs, info)), columns)
    return [[terms.variables[i].name for i in t] for t in terms.term_variables() if len(t) > 1]


def _formula_rhs(term: Any) -> Any:
    """A formula given as text (``"~ a:b"`` or ``"a:b"``) as the expression it expands."""
    if not isinstance(term, str):
        return term
    expr = parse(term)
    return expr.args[-1][1] if isinstance(expr, Lang) and expr.function == Sym("~") else expr


@register
class StepInteract(Step):
    """``step_interact``: products of columns (``a:b`` -> ``a_x_b``).

    In Python the interactions are lists of column names,
    ``StepInteract(["a", "b"], ["a", "c"])``, or recipes' formula as text,
    ``StepInteract("~ a:b + starts_with('x'):c")``.
    """

    r_class = "step_interact"

    def __init__(self, *terms: Any, sep: str = "_x_", keep_original_cols: bool = True,
                 **common: Any):
        super().__init__(*map(_formula_rhs, terms), **common)
        self.interactions: list[list[str]] = []
        self.sep, self.keep_original_cols = sep, keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "StepInteract":
        step = super().from_r(node)
        objects = node.get("objects")
        # a failed interaction specification is stored as NA: nothing to add
        terms = objects.data if isinstance(objects, List) else []
        step.interactions = [v for v in map(interaction_variables, terms) if v]
        step.sep = scalar(node["sep"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def to_r(self) -> List:
        interactions = self.interactions if self.trained else self.terms
        labels = [":".join(f"`{v}`" for v in i) if isinstance(i, (list, tuple)) else deparse(i)
                  for i in interactions]
        formula = terms_from_formula("~ " + (" + ".join(labels) or "0")).formula
        objects = [terms_from_formula("~ " + " + ".join(f"`{v}`" for v in i) + " + " + label)
                   .to_r(GlobalEnv) for i, label in zip(interactions, labels)]
        return step_to_r(self, {"objects": b.r_list(objects) if self.trained else None,
                                "sep": b.chr(self.sep),
                                "keep_original_cols": b.lgl(self.keep_original_cols)},
                         terms=b.structure(formula, {"class": b.chr("formula"),
                                                     ".Environment": GlobalEnv}))

    def selectors_from_r(self) -> None:
        """The stored formula's right-hand side, expanded at prep."""
        self.terms = [rtree.quosure_expr(q).args[-1][1] for q in self.r_node["terms"].data]

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.interactions = [i for t in self.terms for i in (
            [list(t)] if isinstance(t, (list, tuple)) else
            formula_interactions(t, info, list(data.columns)))]
        self.check_columns(data)
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(dict.fromkeys(v for i in self.interactions for v in i))

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not self.interactions:
            return data
        new = pd.concat([interaction_columns(data, i, self.sep) for i in self.interactions],
                        axis=1)
        data = append_columns(data, new, self.r_class)
        return drop_inputs(data, self.required_columns(), self.keep_original_cols)
