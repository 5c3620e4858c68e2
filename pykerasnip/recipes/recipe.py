"""The recipe object: variable roles, a sequence of steps, and the prep/bake drivers.

Mirrors R's recipes: :func:`recipe` declares variables and roles from a formula,
``rec.step_<name>(...)`` appends any registered step, :meth:`Recipe.prep` trains the
steps in order (tracking ``term_info``, levels and ``last_term_info`` as recipes does)
and :meth:`Recipe.bake` applies them to new data. :meth:`Recipe.from_r` reads a
trained recipe R saved (composted, butchered or bundled), keeping the R node.
"""
from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..convert import as_r_columns, from_pandas, named_values, scalar, strings
from .. import rtree
from ..errors import ForgeError, MalformedObjectError, SpecError, UnsupportedObjectError, UnsupportedStepError
from ..rformat import cli_collapse
from ..factor import factor, is_factor, remembering_factorizations, with_text_levels
from ..rds import build as b
from ..rds.nodes import List, Str
from ..registry import r_class
from ..rmath import r_sort_strings
from ..rowblocks import in_blocks, splits
from . import selectors
from .independence import block_problems
from .steps import basis, categorical, dates, filters, impute, kerasnip_steps, mutate, numeric  # noqa: F401  (fill the registry)
from .steps.base import STEPS, Step, is_string_column, step_class_for

INFO_COLUMNS = ["variable", "type", "role", "source"]
#: roles whose columns new data need not hold by default (recipes' bake requirements)
NOT_REQUIRED_AT_BAKE = ("outcome", "case_weights")


def quiet_arithmetic() -> np.errstate:
    """NumPy's floating-point warnings off: R's arithmetic gives NaN and Inf silently, and
    R's NA (a signalling NaN, kept bit for bit) would make NumPy warn on every operation."""
    return np.errstate(all="ignore")


@dataclass(frozen=True)
class VarLevels:
    """recipes' per-variable level record: ``values`` (None when the column is not
    nominal), ``ordered`` and ``factor`` (was it a factor, not a character?)."""

    values: tuple[str, ...] | None
    ordered: bool | None = None
    factor: bool | None = None


NO_LEVELS = VarLevels(None)


# -- column types and levels ---------------------------------------------------------
_TYPE_RULES: list[tuple[Callable[[pd.Series], bool], list[str]]] = [
    (lambda s: isinstance(s.dtype, pd.CategoricalDtype) and s.cat.ordered, ["ordered", "nominal"]),
    (lambda s: isinstance(s.dtype, pd.CategoricalDtype), ["factor", "unordered", "nominal"]),
    (pd.api.types.is_bool_dtype, ["logical"]),
    (pd.api.types.is_integer_dtype, ["integer", "numeric"]),
    (pd.api.types.is_float_dtype, ["double", "numeric"]),
    (lambda s: isinstance(s.dtype, pd.DatetimeTZDtype), ["datetime"]),
    (pd.api.types.is_datetime64_dtype, ["date"]),
    (is_string_column, ["string", "unordered", "nominal"]),
    (lambda s: s.map(lambda v: isinstance(v, (list, np.ndarray))).any(), ["list"]),
]


def data_type(column: pd.Series) -> list[str]:
    """recipes' type vector for a column (``["double", "numeric"]``, ...)."""
    return next((kinds for test, kinds in _TYPE_RULES if test(column)), ["other"])


def get_types(data: pd.DataFrame) -> pd.DataFrame:
    """``recipes:::get_types``: one row per column with its type vector."""
    return pd.DataFrame({"variable": list(data.columns),
                         "type": [data_type(data[c]) for c in data.columns]})


def get_levels(column: pd.Series) -> VarLevels:
    """``recipes:::get_levels``: factor levels, or the sorted unique strings."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return VarLevels(tuple(column.cat.categories), bool(column.cat.ordered), True)
    if is_string_column(column):
        return VarLevels(tuple(r_sort_strings(column.dropna().unique())), False, False)
    return NO_LEVELS


def as_factor(column: pd.Series, levels: list[str], ordered: bool = False) -> pd.Series:
    """``factor(as.character(x), levels, ordered)``: values outside ``levels`` become NA."""
    if not (is_factor(column) or is_string_column(column)):
        column = column.astype(str).where(column.notna(), None)
    return factor(column, levels, ordered)


def strings_to_factors(data: pd.DataFrame, levels: dict[str, VarLevels]) -> pd.DataFrame:
    """Columns with stored levels become factors with exactly those levels (other
    values become NA), as ``factor(as.character(x), levels, ordered)``."""
    changed = {}
    for name, lv in levels.items():
        if name in data.columns and lv.values is not None:
            column = data[name]
            cast = as_factor(column, list(lv.values), bool(lv.ordered))
            if cast is not column:
                changed[name] = cast
    return data.assign(**changed) if changed else data


def merge_term_info(types: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """``recipes:::merge_term_info``: current column types joined with the roles and
    sources known so far (new columns get missing role/source)."""
    known = info[["variable", "role", "source"]]
    return types.merge(known, on="variable", how="left")[INFO_COLUMNS]


def summarise_last_term_info(running: pd.DataFrame) -> pd.DataFrame:
    """``last_term_info``: per variable (sorted, C locale) the record of the last step
    where it existed, with every role it held."""
    latest = running.iloc[::-1].sort_values("number", ascending=False, kind="stable")
    roles = latest.groupby("variable", sort=True)["role"].agg(
        lambda r: list(dict.fromkeys(r.fillna("NA"))))
    first = latest.groupby("variable", sort=True).first()
    first["type"] = latest.groupby("variable", sort=True)["type"].first()
    first["role"] = roles
    return first.reset_index()[["variable", "type", "role", "source", "number", "skip"]]


# -- formulas ------------------------------------------------------------------------
def formula_roles(formula: str, columns: list[str]) -> tuple[list[str], list[str]]:
    """Predictors and outcomes named by ``y ~ .``, ``y ~ a + b``, ``~ .`` formulas."""
    if formula.count("~") != 1:
        raise SpecError(f"not a one-sided or two-sided formula: {formula!r}")
    lhs, rhs = (side.strip() for side in formula.split("~"))
    outcomes = _formula_terms(lhs, columns, [])
    predictors = _formula_terms(rhs, columns, outcomes)
    return predictors, outcomes


def _formula_terms(side: str, columns: list[str], exclude: list[str]) -> list[str]:
    names = [t.strip().strip("`") for t in side.split("+") if t.strip()]
    if "." in names:
        names = [c for c in columns if c not in exclude]
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise SpecError(f"formula terms are not columns of the data: {', '.join(unknown)}")
    return list(dict.fromkeys(names))


# -- reading R's fields --------------------------------------------------------------
def _info_frame(node: Any, role_lists: bool = False) -> pd.DataFrame | None:
    """var_info/term_info (one role per row) or last_term_info (``role_lists``: every
    role a variable held) as a DataFrame with ``type`` lists."""
    if node is None:
        return None
    frame = rtree.frame(node, "a recipe's variable information", ("variable", "role"))
    if "type" in frame.columns:
        frame["type"] = frame["type"].map(_type_list)
    if "role" in frame.columns:
        frame["role"] = frame["role"].map(_role_list if role_lists else _role_value)
    return frame


def _type_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in np.ravel(np.asarray(value, dtype=object))]


def _role_list(value: Any) -> list[str]:
    values = value if isinstance(value, (list, np.ndarray)) else [value]
    return [v if isinstance(v, str) else "NA" for v in np.ravel(np.asarray(values, dtype=object))]


def _role_value(value: Any) -> Any:
    roles = [r for r in _role_list(value) if r != "NA"]
    return roles[0] if len(roles) == 1 else (roles or None)


def _levels_from_r(node: Any) -> dict[str, VarLevels] | None:
    if node is None:
        return None
    levels = {}
    for name, entry in rtree.record(node, "a recipe's levels").items():
        values = rtree.record(entry, f"the levels of {name!r}").get("values")
        levels[name] = VarLevels(tuple(strings(values)) if isinstance(values, Str) else None,
                                 scalar(entry.get("ordered")), scalar(entry.get("factor")))
    return levels


def _step_from_r(node: Any) -> Step:
    """One stored step; a field its class always has but the file lacks is a
    :class:`MalformedObjectError` (steps read their fields by name)."""
    rtree.record(node, "a recipe step", ("id",))
    try:
        return step_class_for(node).from_r(node)
    except KeyError as exc:
        raise MalformedObjectError(f"recipe step {node.classes[:1]} ({scalar(node['id'])}) has "
                                   f"no field {exc}") from exc


def _first_row(frame: pd.DataFrame) -> dict:
    if frame.empty:
        raise MalformedObjectError("tr_info has no row")
    return frame.iloc[0].to_dict()


def _check_last_term_info(rec: "Recipe") -> None:
    """``last_term_info`` records, per variable, the last of the recipe's steps it
    existed after; prep gives every variable of the final ``term_info`` the last step's
    number and skip flag. A trained recipe whose steps, term_info and last_term_info
    disagree has lost or gained steps since it was prepared."""
    last = rec.last_term_info
    if last is None or rec.term_info is None:
        return
    if "number" not in last.columns:
        raise MalformedObjectError("the recipe's last_term_info has no step numbers")
    numbers = pd.to_numeric(last["number"], errors="coerce")
    if numbers.isna().any() or not numbers.between(0, len(rec.steps)).all():
        raise MalformedObjectError(f"the recipe's last_term_info names steps beyond its "
                                   f"{len(rec.steps)} steps")
    final = dict(zip(last["variable"], numbers))
    stale = [v for v in rec.term_info["variable"] if final.get(v) != len(rec.steps)]
    if stale:
        raise MalformedObjectError(f"the recipe's term_info variables {stale[:5]} were not left by "
                                   f"its last step ({len(rec.steps)} steps; see last_term_info)")
    if "skip" in last.columns:
        wrong = [v for v, k, skip in zip(last["variable"], numbers, last["skip"])
                 if k >= 1 and bool(skip) != bool(rec.steps[int(k) - 1].skip)]
        if wrong:
            raise MalformedObjectError(f"the recipe's last_term_info skip flags of {wrong[:5]} "
                                       "disagree with its steps")


def _requirements_from_r(node: Any) -> dict[str, bool]:
    bake = node.get("bake") if isinstance(node, List) else None
    return {k: bool(v) for k, v in named_values(bake).items()}


# -- the recipe ----------------------------------------------------------------------
@r_class("recipe")
class Recipe:
    """A recipe: roles of the variables (``var_info``), steps, and once prepared the
    trained steps and training metadata (``term_info``, ``levels``, ...)."""

    def __init__(self, var_info: pd.DataFrame, steps: list[Step] | None = None,
                 template: pd.DataFrame | None = None):
        self.var_info = var_info
        self.term_info = var_info.copy()
        self.steps = list(steps or [])
        self.template = template
        self.ptype = None if template is None else template.iloc[:0]
        self.levels: dict[str, VarLevels] | None = None
        self.orig_lvls: dict[str, VarLevels] | None = None
        self.retained: bool | None = None
        self.requirements: dict[str, bool] = {}
        self.strings_as_factors: bool | None = None
        self.last_term_info: pd.DataFrame | None = None
        self.tr_info: dict[str, int] | None = None
        self.r_node: List | None = None

    # -- reading R ---------------------------------------------------------------------
    @classmethod
    def from_r(cls, node: Any, *, safe_mode: bool = True) -> "Recipe":
        """The recipe R saved (a ``recipe`` list, possibly bundled; trained or not).
        (``safe_mode`` is the readers' common option: a recipe holds no Keras model.)"""
        node = rtree.unbundle_r(node)
        if not isinstance(node, List) or not node.inherits("recipe"):
            raise UnsupportedObjectError(f"not an R recipe: {node!r}")
        steps_node = node.get("steps")
        steps = [] if steps_node is None else [_step_from_r(s) for s in
                                               rtree.record(steps_node, "the recipe's steps").data]
        template = node.get("template")
        rtree.record(node, "the recipe", ("var_info", "term_info"))
        rec = cls(_info_frame(node.get("var_info")), steps,
                  None if template is None else rtree.frame(template, "the recipe's template"))
        rec.term_info = _info_frame(node.get("term_info"))
        rec.levels = _levels_from_r(node.get("levels"))
        rec.orig_lvls = _levels_from_r(node.get("orig_lvls"))
        rec.retained = scalar(node.get("retained"))
        rec.requirements = _requirements_from_r(node.get("requirements"))
        rec.strings_as_factors = scalar(node.get("strings_as_factors"))
        rec.last_term_info = _info_frame(node.get("last_term_info"), role_lists=True)
        _check_last_term_info(rec)
        tr_info = node.get("tr_info")
        rec.tr_info = None if tr_info is None else _first_row(rtree.frame(tr_info, "tr_info"))
        ptype = node.get("ptype")
        rec.ptype = None if ptype is None else rtree.frame(ptype, "the recipe's ptype")
        rec.r_node = node
        return rec

    # -- building (Python side) -------------------------------------------------------
    def _with(self, **changes: Any) -> "Recipe":
        new = copy.copy(self)
        new.__dict__.update(changes)
        new.r_node = None
        return new

    def add_step(self, step: Step) -> "Recipe":
        """A new recipe with ``step`` appended."""
        return self._with(steps=[*self.steps, step])

    def __getattr__(self, name: str) -> Callable[..., "Recipe"]:
        if name.startswith("step_") and name in STEPS:
            def add(*terms: Any, **args: Any) -> "Recipe":
                return self.add_step(STEPS[name](*terms, **args))
            add.__doc__ = STEPS[name].__doc__
            return add
        raise AttributeError(f"'Recipe' object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(STEPS))

    def update_role(self, *terms: Any, new_role: str = "predictor") -> "Recipe":
        """A new recipe where the selected variables have role ``new_role``."""
        chosen = selectors.select(terms, self.var_info)
        var_info = self.var_info.copy()
        var_info.loc[var_info["variable"].isin(chosen), "role"] = new_role
        return self._with(var_info=var_info, term_info=var_info.copy())

    # -- prep --------------------------------------------------------------------------
    def prep(self, training: pd.DataFrame | None = None, retain: bool = True,
             strings_as_factors: bool = True, fresh: bool = False) -> "Recipe":
        """Train the steps in order on ``training`` (default: the recipe's data). As in R,
        a step that is already trained is kept as it is unless ``fresh=True``."""
        data = self._training_set(training)
        if self.strings_as_factors is not None:  # recipe()'s own setting wins, as in R
            strings_as_factors = bool(self.strings_as_factors)
        rec = self._with(steps=[_untrained_copy(s) if fresh or not s.trained else copy.copy(s)
                                for s in self.steps])
        rec.tr_info = {"nrows": len(data), "ncomplete": int(data.notna().all(axis=1).sum())}
        rec.orig_lvls = {c: get_levels(data[c]) for c in data.columns}
        if strings_as_factors:
            data = strings_to_factors(data, rec.orig_lvls)
        info = rec.var_info.copy()
        running = [info.assign(number=0, skip=False)]
        for number, step in enumerate(rec.steps, start=1):
            with quiet_arithmetic():
                if not step.trained:
                    step.prep(data, info)
                    step.trained = True
                data = step.bake(data)
            info = rec._step_term_info(step, data, info, running)
            running.append(info.assign(number=number, skip=step.skip))
        rec.term_info = info
        rec.levels = _final_levels(data, info) if strings_as_factors else None
        rec.template = data if retain else data.iloc[:0]
        rec.retained = retain
        rec.strings_as_factors = strings_as_factors
        rec.last_term_info = summarise_last_term_info(pd.concat(running, ignore_index=True))
        return rec

    def _training_set(self, training: pd.DataFrame | None) -> pd.DataFrame:
        data = self.template if training is None else training
        if data is None:
            raise SpecError("prep() needs training data: this recipe has no template")
        missing = [v for v in self.var_info["variable"] if v not in data.columns]
        if missing:
            raise ForgeError(f"Not all variables in the recipe are present in the supplied "
                             f"training set: {', '.join(missing)}.")
        data = data[list(self.var_info["variable"])].reset_index(drop=True)
        return with_text_levels(data) if training is None else as_r_columns(data)

    @staticmethod
    def _step_term_info(step: Step, data: pd.DataFrame, info: pd.DataFrame,
                        running: list[pd.DataFrame]) -> pd.DataFrame:
        info = merge_term_info(get_types(data), info)
        if step.role is not None:
            seen = set(pd.concat(running)["variable"])
            new = ~info["variable"].isin(seen)
            info.loc[new & info["role"].isna(), "role"] = step.role
            info.loc[new & info["source"].isna(), "source"] = "derived"
        return info

    # -- bake --------------------------------------------------------------------------
    def bake(self, new_data: pd.DataFrame | None, *terms: Any) -> pd.DataFrame:
        """Apply the trained steps to ``new_data`` (``None``: the retained training data),
        optionally keeping only the columns ``terms`` select. Big frames are baked in
        blocks of rows on a few threads when every row is baked alone
        (:mod:`pykerasnip.rowblocks`); the result is the same."""
        if new_data is None:
            if not self.retained or self.template is None:
                raise SpecError("bake(new_data = None) needs a recipe prepared with retain=True")
            return self.template.copy()
        new_data = with_text_levels(new_data)
        untrained = [s.id or s.r_class for s in self.steps if not s.trained]
        if untrained:
            raise SpecError(f"At least one step has not been trained ({', '.join(untrained)}). "
                            "Please run `prep`.")
        self._check_role_requirements(new_data)
        self._check_nominal_types(new_data)
        if splits(len(new_data)) and not block_problems(self):
            return in_blocks(new_data, lambda rows: self._bake_rows(rows, terms))
        return self._bake_rows(new_data, terms)

    def _bake_rows(self, new_data: pd.DataFrame, terms: tuple) -> pd.DataFrame:
        """:meth:`bake` of checked new data, in one piece."""
        data = new_data[[v for v in dict.fromkeys(self.var_info["variable"]) if v in new_data.columns]]
        with remembering_factorizations():
            for step in self.steps:
                if not step.skip:
                    step.check_columns(data)
                    with quiet_arithmetic():
                        data = step.bake(data)
        self._check_known_columns(data)
        if terms:
            data = data[selectors.select(terms, self.term_info.assign(
                role=self.term_info["role"].map(_role_value)))]
        return strings_to_factors(data, self._output_levels()).reset_index(drop=True)

    def _check_known_columns(self, baked: pd.DataFrame) -> None:
        """recipes selects the baked columns among ``last_term_info``'s variables, and stops
        at one prep never saw (a ``step_interact`` or ``step_dummy`` column of a level
        only new data has)."""
        if self.last_term_info is None:
            return
        unknown = [c for c in baked.columns if c not in set(self.last_term_info["variable"])]
        if unknown:
            raise ForgeError(f"bake() made columns prep() did not: {', '.join(map(repr, unknown))} "
                             "(R: each value of `needles` must have a match in `haystack`)")

    def _output_levels(self) -> dict[str, VarLevels]:
        """recipes' ``turn_strings_to_factors``: the columns with stored levels that bake
        makes factors. A composted recipe (no template) makes all of them factors, else
        only those the template holds as factors."""
        levels = {k: v for k, v in (self.levels or {}).items() if v.values is not None}
        if self.template is None:
            return levels
        return {k: v for k, v in levels.items()
                if k in self.template.columns and is_factor(self.template[k])}

    def composted(self) -> "Recipe":
        """The trained recipe as hardhat keeps it in a blueprint (``compost()``): without
        its template, ``retained = FALSE``."""
        return self._with(template=None, retained=False)

    def required_variables(self) -> list[str]:
        """Original variables new data must hold (by role, see ``requirements``)."""
        roles = self.var_info["role"].map(lambda r: "NA" if r is None or r != r else r)
        required = roles.map(lambda r: self.requirements.get(r, r not in NOT_REQUIRED_AT_BAKE))
        return list(self.var_info.loc[required.to_numpy(bool), "variable"])

    def _check_role_requirements(self, new_data: pd.DataFrame) -> None:
        missing = [v for v in self.required_variables() if v not in new_data.columns]
        if missing:
            quoted = ", ".join(f'"{m}"' for m in missing)
            raise ForgeError(f"The following required columns are missing from `new_data`: {quoted}.")

    def _check_nominal_types(self, new_data: pd.DataFrame) -> None:
        """recipes' warning for columns that were factors at prep and are not now."""
        was = [f"`{name}`" for name, lv in (self.orig_lvls or {}).items()
               if lv.factor and name in new_data.columns and not is_factor(new_data[name])]
        if was:
            one = len(was) == 1
            names = cli_collapse(was)
            warnings.warn(f"! There {'was' if one else 'were'} {len(was)} column{'' if one else 's'} "
                          f"that {'was a factor' if one else 'were factors'} when the recipe was "
                          f"prepped:\n\u2022 {names}\n\u2139 This may cause errors when processing "
                          "new data.", UserWarning, stacklevel=3)

    # -- writing R ---------------------------------------------------------------------
    def to_r(self) -> List:
        """The recipe as recipes lays it out: a trained one with its template (the
        processed training data, or none of its rows unless ``retained``), a composted
        one (:meth:`composted`) without."""
        if self.r_node is not None:
            return self.r_node
        trained = bool(self.steps) and all(s.trained for s in self.steps) or self.tr_info is not None
        fields: dict[str, Any] = {
            "var_info": _info_to_r(self.var_info), "term_info": _info_to_r(self.term_info),
            "steps": b.r_list([_step_to_r(s) for s in self.steps]) if self.steps else None}
        if not trained:
            fields.update(template=None if self.template is None else from_pandas(self.template, tibble=True),
                          levels=None, retained=b.lgl(None))
        else:
            if self.template is not None:  # compost() drops it
                fields["template"] = from_pandas(self.template if self.retained else self.template.iloc[:0],
                                                 tibble=True)
            fields.update(levels=_levels_to_r(self.levels), retained=b.lgl(bool(self.retained)))
        fields["requirements"] = b.named_list(bake=b.structure(b.lgl(), {"names": b.chr()}))
        fields["ptype"] = None if self.ptype is None else from_pandas(self.ptype, tibble=True)
        fields["strings_as_factors"] = None if self.strings_as_factors is None else \
            b.lgl(bool(self.strings_as_factors))
        if trained:
            fields.update(self._training_fields_to_r())
        return b.structure(b.named_list(fields), {"class": "recipe"})

    def _training_fields_to_r(self) -> dict[str, Any]:
        tr = self.tr_info or {"nrows": 0, "ncomplete": 0}
        stages = [f"{kind}.{s.id}" for s in self.steps for kind in ("prep", "bake")]
        return {
            "tr_info": b.data_frame({"nrows": b.int_(int(tr["nrows"])),
                                     "ncomplete": b.int_(int(tr["ncomplete"]))}),
            "orig_lvls": _levels_to_r(self.orig_lvls),
            "fit_times": b.tibble({"stage_id": b.chr(*stages), "elapsed": b.dbl([0.0] * len(stages))},
                                  n=len(stages)),
            "last_term_info": None if self.last_term_info is None else
            _grouped_by_variable(_info_to_r(self.last_term_info, ("number", "skip")),
                                 list(self.last_term_info["variable"]))}

    def __repr__(self) -> str:
        roles = self.var_info["role"].fillna("NA").value_counts().to_dict()
        state = "trained" if self.steps and all(s.trained for s in self.steps) else "untrained"
        return f"<Recipe {roles}; {len(self.steps)} step(s), {state}: {self.steps}>"


# -- writing R -----------------------------------------------------------------------
def _info_to_r(info: pd.DataFrame, extra: tuple[str, ...] = ()) -> List:
    """A var_info/term_info tibble (``type`` a list of character vectors)."""
    def chr_column(values: Any) -> Str:
        return b.chr(*[v if isinstance(v, str) else None for v in values])
    roles = info["role"]
    role = b.r_list([chr_column([None if x == "NA" else x for x in r]) for r in roles]) \
        if roles.map(lambda r: isinstance(r, list)).all() else chr_column(roles)
    columns = {"variable": chr_column(info["variable"]),
               "type": b.r_list([b.chr(*t) for t in info["type"]]),
               "role": role, "source": chr_column(info["source"])}
    return b.tibble({**columns, **{name: _extra_column(info[name]) for name in extra}}, n=len(info))


def _grouped_by_variable(info: List, variables: list[str]) -> List:
    """``info`` (one row per variable, sorted) as the dplyr ``grouped_df`` that
    ``summarise(.groups = "keep")`` leaves: a ``groups`` tibble of the variables and
    their row numbers."""
    rows = b.structure(b.r_list([b.int_(i + 1) for i in range(len(variables))]),
                       {"ptype": b.int_([]), "class": ["vctrs_list_of", "vctrs_vctr", "list"]})
    groups = b.structure(b.tibble({"variable": b.chr(*variables), ".rows": rows},
                                  n=len(variables)), {".drop": True})
    return b.structure(info, {"groups": groups,
                              "class": ["grouped_df", *info.classes]})


def _extra_column(column: pd.Series) -> Any:
    if column.map(lambda v: isinstance(v, list)).all():
        return b.r_list([b.chr(*v) for v in column])
    if pd.api.types.is_bool_dtype(column):
        return b.lgl(*map(bool, column))
    return b.dbl(*map(float, column))


def _levels_to_r(levels: dict[str, VarLevels] | None) -> List | None:
    if levels is None:
        return None

    def entry(lv: VarLevels) -> List:
        if lv.values is None:
            return b.named_list(values=b.lgl(None), ordered=b.lgl(None))
        return b.named_list(values=b.chr(*lv.values), ordered=b.lgl(bool(lv.ordered)),
                            factor=b.lgl(bool(lv.factor)))
    return b.named_list({name: entry(lv) for name, lv in levels.items()})


def _step_to_r(step: Step) -> List:
    if step.r_node is not None:
        return step.r_node
    try:
        return step.to_r()
    except NotImplementedError:
        raise UnsupportedStepError(step.r_class, "it cannot be written for R yet") from None


def _final_levels(data: pd.DataFrame, info: pd.DataFrame) -> dict[str, VarLevels] | None:
    """Levels of the processed training data; variables that are neither predictors
    nor outcomes keep none; ``None`` when no column has levels."""
    roles = dict(zip(info["variable"], info["role"]))
    levels = {c: get_levels(data[c]) if roles.get(c) in ("predictor", "outcome") else NO_LEVELS
              for c in data.columns}
    return levels if any(lv.values is not None for lv in levels.values()) else None


def recipe(formula: str, data: pd.DataFrame) -> Recipe:
    """A new recipe for ``data`` with roles from ``formula`` (``"y ~ ."``, ``"~ ."``...)."""
    predictors, outcomes = formula_roles(formula, list(data.columns))
    variables = predictors + outcomes
    template = as_r_columns(data[variables].reset_index(drop=True))
    var_info = get_types(template).assign(
        role=["predictor"] * len(predictors) + ["outcome"] * len(outcomes), source="original")
    return Recipe(var_info, template=template)


def _untrained_copy(step: Step) -> Step:
    """A copy of ``step`` to train; a step read from R gets its stored selectors back
    as Python selectors (its options were read with it)."""
    new = copy.copy(step)
    if step.r_node is not None:
        new.selectors_from_r()
        new.r_node = None
    new.trained = False
    return new
