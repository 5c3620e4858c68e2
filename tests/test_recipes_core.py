"""Recipe driver and selectors: prep bookkeeping against R's recipes, bake semantics,
and baking the fixtures' R-made recipes against R's own bake."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip import read_rds
from pykerasnip.convert import to_python
from pykerasnip.datasets import iris, mtcars
from pykerasnip.errors import ForgeError, SpecError, UnsupportedStepError
from conftest import FIXTURES
from r_oracle import requires_r, run_r

RECIPE_TRIAL = Path(__file__).parent / "data" / "recipe_trial"


# -- selectors -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def info() -> pd.DataFrame:
    data = iris().assign(id=np.arange(150, dtype="int32"))
    return rc.recipe("Species ~ .", data).update_role("id", new_role="id").var_info


def test_role_and_type_selectors(info):
    from pykerasnip.recipes.selectors import select
    assert select([rc.all_predictors()], info) == ["Sepal.Length", "Sepal.Width",
                                                  "Petal.Length", "Petal.Width"]
    assert select([rc.all_outcomes()], info) == ["Species"]
    assert select([rc.all_nominal()], info) == ["Species"]
    assert select([rc.all_numeric()], info) == ["Sepal.Length", "Sepal.Width", "Petal.Length",
                                               "Petal.Width", "id"]
    assert select([rc.has_role("id")], info) == ["id"]
    assert select([rc.all_nominal_predictors()], info) == []
    assert select([rc.has_type("integer")], info) == ["id"]


def test_names_patterns_and_negation(info):
    from pykerasnip.recipes.selectors import select
    assert select([rc.starts_with("Petal")], info) == ["Petal.Length", "Petal.Width"]
    assert select([rc.ends_with("Width"), "Species"], info) == ["Sepal.Width", "Petal.Width",
                                                               "Species"]
    assert select([rc.all_predictors(), -rc.contains("Sepal")], info) == ["Petal.Length",
                                                                         "Petal.Width"]
    assert select([~rc.matches(r"^(Sepal|Petal)")], info) == ["id", "Species"]
    assert select([rc.minus("id")], info)[-1] == "Species"
    with pytest.raises(SpecError, match="nope"):
        select(["nope"], info)


def test_selectors_written_as_r_code():
    from pykerasnip.formula.parse import deparse
    from pykerasnip.recipes.selectors import r_quosures
    quosures = r_quosures([rc.all_numeric_predictors(), -rc.starts_with("Petal"), "Species",
                           rc.has_role("id")])
    assert quosures.classes == ["quosures", "list"]
    assert [deparse(q.args[0][1]) for q in quosures.data] == [
        "all_numeric_predictors()", '-starts_with("Petal")', "Species", 'has_role("id")']


#: R selections (tests/data/recipe_trial/selections.rds, made by tests/r/make_recipe_trial.R)
#: and their Python spelling
PYTHON_SPELLINGS = {
    "wt:disp": [rc.col_range("wt", "disp")], "3:1": [rc.col_range(3, 1)],
    "c(3, 1), hp": [rc.all_of([3, 1]), "hp"], "last_col(offset = 2)": [rc.last_col(2)],
    "last_col():cyl": [rc.col_range(rc.last_col(), "cyl")], "-(disp:wt)": [-rc.col_range("disp", "wt")],
    "hp, -disp:-wt": ["hp", -rc.col_range("disp", "wt")], "hp, !cyl": ["hp", rc.complement("cyl")],
    "hp, -hp": ["hp", rc.minus("hp")], "!cyl, -hp": [rc.complement("cyl"), rc.minus("hp")],
    "all_predictors(), -(disp | wt)": [rc.all_predictors(), -(rc.all_of("disp") | "wt")],
    "-starts_with(\"d\") & all_predictors()": [-rc.starts_with("d") & rc.all_predictors()],
    "cyl | starts_with(\"d\")": ["cyl" | rc.starts_with("d")],
    "wt | -wt": [rc.all_of("wt") | -rc.all_of("wt")],
    "all_of(c(\"wt\", \"disp\", \"wt\"))": [rc.all_of(["wt", "disp", "wt"])],
    "all_of(c(\"wt\", \"nope\"))": [rc.all_of(["wt", "nope"])],
    "any_of(c(\"wt\", \"nope\", \"disp\"))": [rc.any_of(("wt", "nope", "disp"))],
    "any_of(c(20, 1))": [rc.any_of([20, 1])], "all_of(c(1, 20))": [rc.all_of([1, 20])],
    "last_col(offset = 11)": [rc.last_col(11)], "12": [rc.col_range(12, 12)],
    "num_range(\"x\", c(10, 1, 1))": [rc.num_range("x", [10, 1, 1])],
    "num_range(\"x\", 1, width = 3)": [rc.num_range("x", 1, width=3)],
    "num_range(\"x\", 1L:1L, suffix = \"_a\", width = 1)": [rc.num_range("x", [1], "_a", 1)],
    "num_range(\"x\", 1:3, width = 3) | x10": [rc.num_range("x", range(1, 4), width=3) | "x10"],
}


def _r_selections() -> dict[str, tuple[pd.DataFrame, "list[str] | None"]]:
    """R's selections: text -> (roles of the data, names selected or None where R stops)."""
    stored = read_rds(RECIPE_TRIAL / "selections.rds")
    return {text: (stored["roles"][data], selected.split() if isinstance(selected, str) else None)
            for data, text, selected in stored["selections"].itertuples(index=False)}


@pytest.mark.parametrize("text", sorted(PYTHON_SPELLINGS))
def test_python_selectors_select_as_r(text):
    from pykerasnip.recipes.selectors import from_r, r_quosures, select
    info, want = _r_selections()[text]
    terms = PYTHON_SPELLINGS[text]
    if want is None:
        with pytest.raises(SpecError):
            select(terms, info)
    else:
        assert select(terms, info) == want
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # what R reads back selects the same
        again = from_r(r_quosures(terms))
    if want is not None:
        assert select(again, info) == want


def test_new_selectors_written_as_r_code():
    from pykerasnip.formula.parse import deparse
    from pykerasnip.recipes.selectors import r_quosures
    terms = [rc.num_range("x", [3, 1], suffix="_a", width=2), rc.last_col(), rc.last_col(2),
             rc.all_of(["a", "b"]), rc.any_of("a"), rc.all_of([1, 3]), rc.col_range("a", 3),
             -rc.col_range(rc.last_col(), "b"), rc.complement(rc.starts_with("x") & "y"),
             "a" | rc.has_role("id")]
    assert [deparse(q.args[0][1]) for q in r_quosures(terms).data] == [
        'num_range("x", c(3L, 1L), suffix = "_a", width = 2L)', "last_col()",
        "last_col(offset = 2L)", 'all_of(c("a", "b"))', 'any_of("a")', "all_of(c(1, 3))", "a:3",
        "-(last_col():b)", '!(starts_with("x") & y)', 'a | has_role("id")']


def test_selector_arguments_are_checked():
    for bad in (lambda: rc.num_range("x", [1.5]), lambda: rc.num_range(["x"], 1),
                lambda: rc.num_range("x", 1, width=-1), lambda: rc.last_col(True),
                lambda: rc.all_of(["a", 1]), lambda: rc.any_of(-1), lambda: rc.col_range("a", 1.5)):
        with pytest.raises(SpecError):
            bad()


@requires_r("recipes", stack="rstack")
def test_r_prepares_a_python_recipe_using_the_new_selectors_as_python_does(tmp_path):
    from pykerasnip.rds import dump
    cars = mtcars().reset_index(drop=True)
    rec = (rc.recipe("mpg ~ .", cars).step_lag(rc.col_range("wt", "disp"), lag=1)
           .step_center(rc.last_col(1), rc.col_range(1, 2), rc.all_of([4, 2]))
           .step_scale(-rc.col_range("cyl", "carb"), -rc.last_col())
           .step_select(rc.col_range(rc.last_col(), "gear"), rc.any_of(["nope", "am"]),
                        rc.complement(rc.starts_with("d") | "mpg" | rc.num_range("lag_", [1], "_hp")) &
                        rc.all_predictors()))
    dump(rec.to_r(), tmp_path / "rec.rds")
    r = run_r("bake(prep(readRDS(path), training = mtcars), NULL)", inputs={"path": tmp_path / "rec.rds"},
              packages=("recipes",), stack="rstack")
    pd.testing.assert_frame_equal(rec.prep(cars).bake(None), r, check_exact=True)


def test_formula_roles_and_var_info():
    rec = rc.recipe("mpg ~ cyl + disp", mtcars())
    assert list(rec.var_info["variable"]) == ["cyl", "disp", "mpg"]
    assert list(rec.var_info["role"]) == ["predictor", "predictor", "outcome"]
    assert rec.var_info["type"].iloc[0] == ["double", "numeric"]
    no_outcome = rc.recipe("~ .", iris())
    assert set(no_outcome.var_info["role"]) == {"predictor"}
    assert no_outcome.var_info["type"].iloc[-1] == ["factor", "unordered", "nominal"]
    with pytest.raises(SpecError):
        rc.recipe("mpg ~ nothere", mtcars())


def test_every_registered_step_is_a_method():
    rec = rc.recipe("mpg ~ .", mtcars())
    for name, cls in rc.STEPS.items():
        assert getattr(rec, name).__doc__ == cls.__doc__
    with pytest.raises(AttributeError):
        rec.step_not_a_step


# -- prep bookkeeping against R ----------------------------------------------------------
@requires_r("recipes")
def test_prep_bookkeeping_matches_r():
    r = run_r(r"""
d <- data.frame(y = c(1.5, 2, 3.5, 4, 5, 6), g = c("b", "B", "a", NA, "b", "a"),
                f = factor(c("u", "v", "u", "u", "v", "w"), levels = c("w", "v", "u")),
                n = c(1L, NA, 3L, 4L, 5L, 6L), k = 1, stringsAsFactors = FALSE)
p <- prep(recipe(y ~ ., data = d) |> step_zv(all_predictors()) |> step_indicate_na(n), training = d)
lti <- p$last_term_info
list(orig = p$orig_lvls, levels = p$levels, tr = as.list(p$tr_info),
     term = list(variable = p$term_info$variable, role = p$term_info$role,
                 source = p$term_info$source, type = vapply(p$term_info$type, paste, "", collapse = "/")),
     last = list(variable = lti$variable, number = lti$number, source = lti$source),
     baked = bake(p, d[c(1, 3), ]))
""", packages=("recipes",))
    data = pd.DataFrame({"y": [1.5, 2, 3.5, 4, 5, 6], "g": ["b", "B", "a", None, "b", "a"],
                         "f": pd.Categorical(["u", "v", "u", "u", "v", "w"], categories=["w", "v", "u"]),
                         "n": pd.array([1, None, 3, 4, 5, 6], dtype="Int32"), "k": 1.0})
    p = rc.recipe("y ~ .", data).step_zv(rc.all_predictors()).step_indicate_na("n").prep(data)
    assert p.orig_lvls["g"].values == tuple(r["orig"]["g"]["values"])
    assert p.orig_lvls["f"].values == tuple(r["orig"]["f"]["values"])
    assert p.levels["g"].values == tuple(r["levels"]["g"]["values"])
    assert p.tr_info == {name: int(value[0]) for name, value in r["tr"].items()}
    assert list(p.term_info["variable"]) == r["term"]["variable"].tolist()
    assert list(p.term_info["role"]) == r["term"]["role"].tolist()
    assert list(p.term_info["source"]) == r["term"]["source"].tolist()
    assert ["/".join(t) for t in p.term_info["type"]] == r["term"]["type"].tolist()
    assert list(p.last_term_info["variable"]) == r["last"]["variable"].tolist()
    assert list(p.last_term_info["number"]) == r["last"]["number"].tolist()
    baked = p.bake(data.iloc[[0, 2]])
    assert list(baked.columns) == list(r["baked"])
    assert list(baked["g"].cat.categories) == list(r["baked"]["g"].cat.categories)
    assert list(baked["na_ind_n"]) == r["baked"]["na_ind_n"].tolist()


def test_bake_semantics():
    data = mtcars()
    p = (rc.recipe("mpg ~ cyl + disp + hp", data)
         .step_log("disp", skip=True).step_center(rc.all_predictors()).prep())
    baked = p.bake(data.assign(extra=1.0))
    assert list(baked.columns) == ["cyl", "disp", "hp", "mpg"]    # unknown columns dropped
    assert baked["disp"].iloc[0] == data["disp"].iloc[0] - p.steps[1].means["disp"]  # skip step skipped
    assert list(p.bake(data.drop(columns="mpg")).columns) == ["cyl", "disp", "hp"]  # outcome optional
    with pytest.raises(ForgeError, match='"hp"'):
        p.bake(data.drop(columns="hp"))
    assert list(p.bake(data, rc.all_predictors()).columns) == ["cyl", "disp", "hp"]
    pd.testing.assert_frame_equal(p.bake(None), p.template)


def test_step_missing_its_column_raises_forge_error():
    data = mtcars()
    p = rc.recipe("mpg ~ cyl + disp", data).step_log(rc.all_outcomes()).prep()
    with pytest.raises(ForgeError, match="missing from `new_data` in step .*: mpg"):
        p.bake(data.drop(columns="mpg"))


# -- fixtures: R-made recipes --------------------------------------------------------------
FIXTURE_CASES = ["seq_reg_recipe_normalize", "recipe_numeric_transforms", "recipe_impute_credit",
                 "recipe_basis_pca_ames", "recipe_categorical_ames",
                 "recipe_ordered_diamonds", "recipe_date_chicago", "seq_cls_binary_recipe",
                 "func_reg_recipe", "seq_cls_multiclass_iris",
                 "recipe_impute_model_based", "larger_model", "larger_retained"]


def _load_recipe(case: str):
    from pykerasnip.convert import r_get, to_pandas
    from pykerasnip.rds import load
    root = load(FIXTURES / case / "workflow.rds")
    blueprint = r_get(root, "pre", "mold", "blueprint")
    return blueprint, to_pandas(load(FIXTURES / case / "new_data.rds"))


def _r_forged(case: str) -> pd.DataFrame:
    return run_r("""
w <- suppressWarnings(readRDS(file.path(case, "workflow.rds")))
nd <- readRDS(file.path(case, "new_data.rds"))
suppressWarnings(hardhat::forge(nd, w$pre$mold$blueprint)$predictors)
""", inputs={"case": FIXTURES / case}, packages=("recipes",))


@requires_r("recipes", "hardhat")
@pytest.mark.parametrize("case", FIXTURE_CASES)
def test_fixture_recipe_bakes_like_r(case):
    pytest.importorskip("pykerasnip.rds", reason="needs the RDS reader").load
    blueprint, new_data = _load_recipe(case)
    rec = rc.Recipe.from_r(blueprint.get("recipe"))
    forged = _forge_like_hardhat(blueprint, new_data)
    baked = rec.bake(forged)
    expected = _r_forged(case)
    predictors = [v for v, role in zip(rec.term_info["variable"], rec.term_info["role"])
                  if role == "predictor"]
    assert predictors == list(expected)
    for name in predictors:
        want = expected[name].to_numpy(dtype="f8", na_value=np.nan)
        got = baked[name].to_numpy(dtype="f8", na_value=np.nan)
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13, err_msg=name)


def _forge_like_hardhat(blueprint, new_data: pd.DataFrame) -> pd.DataFrame:
    """The predictor columns cast to the blueprint's ptypes (novel levels -> NA)."""
    from pykerasnip.convert import r_get, to_pandas
    from pykerasnip.recipes.recipe import as_factor
    ptype = to_pandas(r_get(blueprint, "ptypes", "predictors"))
    out = new_data[list(ptype.columns)].copy()
    for name in ptype.columns:
        dtype = ptype[name].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[name] = as_factor(out[name], list(dtype.categories), dtype.ordered)
        else:
            out[name] = out[name].astype(dtype)
    return out


def test_step_select_fixture_needs_the_outcome():
    pytest.importorskip("pykerasnip.rds", reason="needs the RDS reader").load
    blueprint, new_data = _load_recipe("recipe_step_select")
    rec = rc.Recipe.from_r(blueprint.get("recipe"))
    assert rec.steps[0].selected == {"Gr_Liv_Area": "Gr_Liv_Area", "Year_Built": "Year_Built",
                                     "Garage_Area": "Garage_Area", "Sale_Price": "Sale_Price"}
    with pytest.raises(ForgeError, match="select_DeN1J.*Sale_Price"):
        rec.bake(new_data.drop(columns="Sale_Price", errors="ignore"))


# -- Python-made recipes written for R -------------------------------------------------------
def _written_recipes() -> dict[str, tuple[rc.Recipe, pd.DataFrame]]:
    cars = mtcars().reset_index(drop=True)
    holes = cars.assign(cyl=cars["cyl"].astype("Int32"), g=pd.Categorical(["a", "b"] * 16))
    holes.loc[[1, 4], "disp"] = np.nan
    holes.loc[[2], "cyl"] = pd.NA
    holes.loc[[5, 6], "g"] = None
    numeric = (rc.recipe("mpg ~ .", cars).step_mutate(ratio="disp / hp", lw="log(wt, 10)")
               .step_log("disp", base=10).step_sqrt("hp")
               .step_BoxCox("wt", "qsec").step_YeoJohnson("drat").step_range("carb")
               .step_normalize(rc.all_numeric_predictors())
               .step_pca(rc.starts_with("d"), -rc.has_role("outcome"), num_comp=2))
    filters = (rc.recipe("mpg ~ .", cars.assign(k=1.0)).step_zv(rc.all_predictors())
               .step_nzv(rc.all_predictors()).step_corr(rc.all_predictors(), threshold=0.8)
               .step_center("hp").step_scale("wt", factor=2).step_rm("gear")
               .step_select("mpg", "hp", "wt", "qsec"))
    impute = (rc.recipe("mpg ~ .", holes).step_indicate_na("disp", "g")
              .step_impute_mean("disp", trim=0.1).step_impute_median("cyl").step_impute_mode("g"))
    knn = rc.recipe("mpg ~ .", holes).step_impute_knn("disp", "cyl", neighbors=3,
                                                      impute_with=["hp", "wt", "g"])
    linear = rc.recipe("mpg ~ .", holes).step_impute_linear("disp", "cyl", impute_with=["wt", "qsec"])
    return {"numeric": (numeric, cars), "filters": (filters, cars.assign(k=1.0)),
            "impute": (impute, holes), "knn": (knn, holes), "linear": (linear, holes)}


@requires_r("recipes")
def test_python_recipes_bake_in_r_like_in_python(tmp_path):
    from pykerasnip.convert import from_pandas
    from pykerasnip.rds import dump
    prepped = {}
    for name, (rec, data) in _written_recipes().items():
        prepped[name] = (rec.prep(), data)
        dump(prepped[name][0].to_r(), tmp_path / f"{name}.rds")
        dump(from_pandas(data, tibble=True), tmp_path / f"{name}_data.rds")
    r = run_r('setNames(lapply(names, function(n) bake(readRDS(file.path(dir, paste0(n, ".rds"))), '
              'readRDS(file.path(dir, paste0(n, "_data.rds"))))), names)',
              inputs={"names": list(prepped), "dir": tmp_path}, packages=("recipes",))
    for name, (rec, data) in prepped.items():
        baked = rec.bake(data)
        assert list(baked.columns) == list(r[name]), name
        for column in baked.columns:
            want = r[name][column]
            if isinstance(want.dtype, pd.CategoricalDtype):
                assert list(baked[column].cat.categories) == list(want.cat.categories), column
                assert baked[column].astype(object).where(baked[column].notna(), "NA").tolist() == \
                    want.astype(object).where(want.notna(), "NA").tolist()
            elif pd.api.types.is_float_dtype(want):
                np.testing.assert_array_equal(baked[column].to_numpy("f8", na_value=np.nan),
                                              want.to_numpy("f8"), err_msg=f"{name}:{column}")
            else:
                assert baked[column].tolist() == want.tolist(), f"{name}:{column}"


def test_a_trained_recipe_read_from_r_keeps_its_steps_when_prepared_as_in_r():
    blueprint, new_data = _load_recipe("seq_reg_recipe_normalize")
    rec = rc.Recipe.from_r(blueprint.get("recipe"))
    assert rec.to_r() is rec.r_node
    kept = rec.prep(new_data.assign(mpg=1.0))
    assert [s.r_node for s in kept.steps] == [s.r_node for s in rec.steps]


def test_python_only_steps_refuse_to_be_written():
    rec = rc.recipe("mpg ~ .", mtcars()).step_mutate(twice=lambda d: d["hp"] * 2).prep()
    assert rec.bake(mtcars())["twice"].iloc[0] == 220.0
    with pytest.raises(UnsupportedStepError, match="twice"):
        rec.to_r()


SKIPPED_STEPS_R = r"""
d <- mtcars
d$disp[c(2, 7)] <- NA
rec <- prep(recipe(mpg ~ disp + hp + wt, d) |> step_naomit(all_predictors()) |>
              step_filter(hp > 100, skip = TRUE) |> step_center(hp, wt), d)
new <- d[c(1, 2, 3, 7, 20), ]
list(rec, new, bake(rec, new))
"""


def r_prepped_and_baked(code: str) -> tuple:
    """Run R code (recipes attached) whose value is ``list(prepped recipe, new data, R's
    bake of it)``: the recipe's R tree, the new data and R's baked frame."""
    recipe, new, baked = run_r(code, packages=("recipes",), raw=True).data
    return recipe, to_python(new), to_python(baked)


@requires_r("recipes")
def test_skipped_row_steps_are_read_and_skipped_on_new_data():
    node, new, want = r_prepped_and_baked(SKIPPED_STEPS_R)
    rec = rc.Recipe.from_r(node)
    assert [s.r_class for s in rec.steps] == ["step_naomit", "step_filter", "step_center"]
    # R's bake of new data skips step_naomit and step_filter: rows with NA stay
    baked = rec.bake(new)
    pd.testing.assert_frame_equal(baked, want.reset_index(drop=True), check_exact=False, rtol=1e-15)
    assert type(rec.steps[0]).__name__ == "StepNaomit" and rec.steps[0].skip
    # prepping the skipped steps in Python drops the rows R's prep drops
    assert len(rec.steps[0].bake(new)) == 3
