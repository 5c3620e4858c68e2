"""Categorical steps: baking R-trained fixture steps, prepping like R's recipes, and the
edge cases recipes defines (NA rows, unseen levels, names)."""
from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from pykerasnip.errors import ForgeError, UnsupportedStepError
from pykerasnip.factor import factor
from pykerasnip.recipes.steps.categorical import (StepDummy, StepFactor2string, StepInteract,
                                                  StepNovel, StepOrdinalscore, StepOther,
                                                  StepString2factor, StepUnknown,
                                                  dummy_extract_names)
from r_oracle import requires_r, run_r
from rstepwise import (assert_frames_match, bake_saved_recipe, fixture_step, r_bake_python_steps,
                       r_prep_bake, stepwise, term_info)

# (fixture, 1-based step index) of every categorical step in the fixtures R can bake
FIXTURE_STEPS = [
    ("seq_cls_binary_recipe", 1), ("recipe_impute_credit", 5), ("recipe_impute_credit", 6),
    ("recipe_novel_credit", 3), ("recipe_novel_credit", 4),
    ("recipe_novel_credit", 5), ("recipe_categorical_ames", 4), ("recipe_categorical_ames", 5),
    ("recipe_categorical_ames", 6), ("recipe_categorical_ames", 7),
    ("recipe_categorical_ames", 8), ("recipe_categorical_ames", 9),
    ("recipe_ordered_diamonds", 2), ("recipe_ordered_diamonds", 3),
    ("recipe_date_chicago", 4),
]


@functools.lru_cache(maxsize=None)
def r_stepwise(case: str, steps: tuple[int, ...]) -> dict:
    return stepwise(FIXTURES / case, list(steps))


def steps_of(case: str) -> tuple[int, ...]:
    return tuple(i for c, i in FIXTURE_STEPS if c == case)


@requires_r("recipes", "hardhat", "timeDate")
@pytest.mark.parametrize("case, index", FIXTURE_STEPS)
def test_fixture_step_bakes_like_r(case: str, index: int) -> None:
    before, after = r_stepwise(case, steps_of(case))[index]
    step = fixture_step(case, index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_frames_match(step.bake(before), after)


def test_ordered_dummy_names_and_poly_contrasts_from_the_fixture() -> None:
    step = fixture_step("recipe_ordered_diamonds", 3)
    assert step.levels["color"] == (["D", "E", "F", "G", "H", "I", "J"], True)
    data = pd.DataFrame({"color": pd.Categorical(["D", "J", None], categories=list("DEFGHIJ"),
                                                 ordered=True),
                         "clarity": pd.Categorical(["I1", "IF", "SI2"], ordered=True,
                                                   categories=["I1", "SI2", "SI1", "VS2", "VS1",
                                                               "VVS2", "VVS1", "IF"])})
    with pytest.warns(UserWarning, match="new levels in `color`"):
        out = step.bake(data)
    assert list(out.columns) == [f"color_{i}" for i in range(1, 7)] + \
        [f"clarity_{i}" for i in range(1, 8)]
    # linear contrast of 7 levels: (k - 4) / sqrt(28)
    assert out.loc[0, "color_1"] == pytest.approx(-3 / np.sqrt(28), abs=1e-15)
    assert out.loc[2, [f"color_{i}" for i in range(1, 7)]].isna().all()


def test_fixture_naming_closure_is_recognised() -> None:
    assert fixture_step("seq_cls_binary_recipe", 1).naming == "dummy_names"


def test_fixture_ordinalscore_uses_level_positions() -> None:
    step = fixture_step("recipe_ordered_diamonds", 2)
    cut = pd.Categorical(["Fair", "Ideal", None, "Good"], ordered=True,
                         categories=["Fair", "Good", "Very Good", "Premium", "Ideal"])
    out = step.bake(pd.DataFrame({"cut": cut}))
    assert out["cut"].dtype == "Int32"
    assert out["cut"].tolist() == [1, 5, pd.NA, 2]


# --------------------------------------------------------------------------- prep parity
TRAIN = pd.DataFrame({
    "a": pd.Categorical(list("xxxxyyyzzw") * 3, categories=["x", "y", "z", "w"]),
    "o": pd.Categorical(list("LMHLMHLMHL") * 3, categories=["L", "M", "H"], ordered=True),
    "s": pd.Series(["b", "a", "B", "c", "a", "_z", "b", "a", "A", "c"] * 3, dtype=object),
    "n": np.linspace(-1.5, 4.0, 30),
})
NEW = pd.DataFrame({
    "a": pd.Categorical(["y", None, "w", "x", "z"], categories=["x", "y", "z", "w"]),
    "o": pd.Categorical(["H", "L", None, "M", "M"], categories=["L", "M", "H"], ordered=True),
    "s": pd.Series(["a", "q", None, "B", "_z"], dtype=object),
    "n": [0.5, np.nan, 2.0, -3.0, 1.0],
})


def prep_bake(step, train: pd.DataFrame = TRAIN, new: pd.DataFrame = NEW) -> pd.DataFrame:
    step.prep(train, term_info(train))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return step.bake(new)


@requires_r("recipes")
@pytest.mark.parametrize("step, r_steps", [
    (StepDummy("a", "o"), "step_dummy(a, o)"),
    (StepDummy("a", "o", one_hot=True), "step_dummy(a, o, one_hot = TRUE)"),
    (StepOther("a", threshold=0.25), "step_other(a, threshold = 0.25)"),
    (StepOther("a", "s", threshold=0.15, other="rare"),
     "step_other(a, s, threshold = 0.15, other = 'rare')"),
    (StepUnknown("a", "o"), "step_unknown(a, o)"),
    (StepString2factor("s"), "step_string2factor(s)"),
    (StepFactor2string("a", "o"), "step_factor2string(a, o)"),
    (StepOrdinalscore("o"), "step_ordinalscore(o)"),
])
def test_prep_then_bake_matches_r(step, r_steps: str) -> None:
    assert_frames_match(prep_bake(step), r_prep_bake(TRAIN, NEW, r_steps))


@requires_r("recipes")
def test_novel_matches_r_on_unseen_strings() -> None:
    train = TRAIN[["s", "n"]]
    new = NEW[["s", "n"]]
    assert_frames_match(prep_bake(StepNovel("s"), train, new),
                        r_prep_bake(train, new, "step_novel(s)"))


@requires_r("recipes")
def test_interactions_match_r_model_matrix() -> None:
    step = StepInteract(["n", "a"], ["n", "o"], ["a", "o"])
    r_steps = "step_interact(~ n:a + n:o + a:o)"
    assert_frames_match(prep_bake(step), r_prep_bake(TRAIN, NEW, r_steps))


@requires_r("recipes")
def test_interactions_given_as_recipes_formula_text_match_r() -> None:
    r_steps = "step_interact(~ n:a + starts_with('o'):a)"
    step = StepInteract("~ n:a + starts_with('o'):a")
    assert_frames_match(prep_bake(step), r_prep_bake(TRAIN, NEW, r_steps))


def test_interactions_do_not_overwrite_a_column_of_their_name() -> None:
    train = TRAIN.assign(m=TRAIN["n"] * 2, n_x_m=1.0)
    with pytest.raises(ForgeError, match="name collision.*n_x_m"):
        prep_bake(StepInteract("~ n:m"), train, train)


@requires_r("recipes")
def test_interactions_of_non_syntactic_names_keep_r_backquotes() -> None:
    names = {"n": "n 1", "a": "a-f"}
    train, new = TRAIN.rename(columns=names), NEW.rename(columns=names)
    out = prep_bake(StepInteract(["n 1", "a-f"]), train, new)
    assert "`n 1`_x_`a-f`y" in out.columns
    assert_frames_match(out, r_prep_bake(train, new, "step_interact(~ `n 1`:`a-f`)"))


# --------------------------------------------------------------------------- edge cases
def test_dummy_rows_with_na_or_unseen_levels_are_na_with_a_warning() -> None:
    step = StepDummy(levels={"a": (["x", "y", "z"], False)})
    data = pd.DataFrame({"a": pd.Series(["y", "q", None], dtype=object)})
    with pytest.warns(UserWarning, match="'q'"):
        out = step.bake(data)
    assert list(out.columns) == ["a_y", "a_z"]
    assert out.iloc[0].tolist() == [1.0, 0.0]
    assert out.iloc[1:].isna().all().all()


def test_dummy_names_follow_make_names_and_collisions_fail() -> None:
    step = StepDummy(levels={"x": (["1", "light blue", "if"], False)}, one_hot=True)
    out = step.bake(pd.DataFrame({"x": pd.Categorical(["1"], categories=["1", "light blue", "if"])}))
    assert list(out.columns) == ["x_X1", "x_light.blue", "x_if."]
    clash = pd.DataFrame({"x": ["1"], "x_X1": [0.0]})
    with pytest.raises(ForgeError, match="x_X1"):
        step.bake(clash)


def test_dummy_one_level_and_unknown_naming_are_errors() -> None:
    with pytest.raises(ForgeError, match="only one factor level"):
        StepDummy(levels={"x": (["a"], False)}).bake(pd.DataFrame({"x": ["a"]}))
    with pytest.raises(UnsupportedStepError, match="naming"):
        StepDummy(naming="my_names")
    assert dummy_extract_names("x", ["a b", "a.b", "c"]) == ["x_a.b", "x_a.b_2", "x_c"]


def test_unknown_makes_unseen_values_na_with_a_warning() -> None:
    step = StepUnknown(objects={"a": (["x", "y"], False)})
    with pytest.warns(UserWarning, match="'q'"):
        out = step.bake(pd.DataFrame({"a": pd.Series(["x", None, "q"], dtype=object)}))
    assert list(out["a"].cat.categories) == ["x", "y", "unknown"]
    assert out["a"].astype(object).where(out["a"].notna(), None).tolist() == ["x", "unknown", None]


def test_missing_trained_column_is_a_forge_error() -> None:
    with pytest.raises(ForgeError, match="a"):
        StepOther(objects={"a": {"keep": ["x"], "collapse": True, "other": "other"}}).bake(
            pd.DataFrame({"b": [1]}))


@requires_r("recipes")
def test_steps_saved_by_r_read_and_bake_like_r(tmp_path) -> None:
    path = tmp_path / "rec.rds"
    expected = r_prep_bake(TRAIN, NEW, "step_string2factor(s) |> step_novel(s) |> "
                           "step_other(a, threshold = 0.25) |> step_factor2string(o) |> "
                           "step_dummy(s, a, one_hot = TRUE)", save_to=path)
    assert_frames_match(bake_saved_recipe(path, NEW), expected)


@requires_r()
def test_contrast_matrices_match_r() -> None:
    from pykerasnip.recipes.steps.categorical import CONTRASTS

    truth = run_r("""
    lapply(c("contr.treatment", "contr.poly", "contr.sum", "contr.helmert"),
           function(f) lapply(2:7, function(k) unname(get(f)(k))))
    """)
    for (name, contrast), matrices in zip(CONTRASTS.items(), truth):
        for k, expected in zip(range(2, 8), matrices):
            np.testing.assert_allclose(contrast(k), expected.reshape(k, -1),
                                       rtol=0, atol=1e-13, err_msg=f"{name}({k})")


@pytest.mark.parametrize("case", sorted({c for c, _ in FIXTURE_STEPS} | {"recipe_basis_pca_ames",
                                                                          "func_multi_input_collapse"}))
def test_untrained_steps_of_the_workflow_spec_are_read(case: str) -> None:
    from pykerasnip.convert import r_get
    from pykerasnip.rds import load
    from pykerasnip.recipes.steps.base import step_class_for

    steps = r_get(load(FIXTURES / case / "workflow.rds"), "pre", "actions", "recipe", "recipe",
                  "steps")
    ours = [step_class_for(node) for node in steps.data]
    read = [cls.from_r(node) for cls, node in zip(ours, steps.data)
            if cls.__module__.rsplit(".", 1)[-1] in ("categorical", "basis", "dates",
                                                     "kerasnip_steps")]
    assert read and not any(step.trained for step in read)
    assert all(not step.required_columns() for step in read)


@requires_r("recipes")
def test_steps_prepared_in_python_are_baked_by_r_alike() -> None:
    steps = [StepUnknown("s"), StepNovel("a"), StepOther("s", threshold=0.2),
             StepInteract(["n", "o"]), StepOrdinalscore("o"), StepString2factor("a2"),
             StepFactor2string("a"), StepDummy("s", one_hot=True)]
    data, new = TRAIN.assign(a2=TRAIN["s"]), NEW.assign(a2=NEW["s"])
    data["s"] = pd.Categorical(data["s"])
    new["s"] = factor(new["s"], data["s"].cat.categories)  # "q" is unseen: NA
    baked = new
    for step in steps:
        step.prep(data, term_info(data))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data, baked = step.bake(data), step.bake(baked)
    assert_frames_match(baked, r_bake_python_steps(steps, new))


def test_to_r_then_from_r_keeps_the_trained_state() -> None:
    step = StepDummy("a", "o", one_hot=True)
    step.prep(TRAIN, term_info(TRAIN))
    again = StepDummy.from_r(step.to_r())
    assert (again.levels, again.one_hot, again.naming) == (step.levels, True, "dummy_names")
    interact = StepInteract(["n", "a"])
    interact.prep(TRAIN, term_info(TRAIN))
    assert StepInteract.from_r(interact.to_r()).interactions == [["n", "a"]]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["x", "y", "z", "q", None]), min_size=1, max_size=30))
def test_one_hot_rows_mark_their_level_and_unknown_rows_are_na(values: list) -> None:
    step = StepDummy(levels={"a": (["x", "y", "z"], False)}, one_hot=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = step.bake(pd.DataFrame({"a": pd.Series(values, dtype=object)}))
    known = np.array([v in ("x", "y", "z") for v in values])
    assert out[~known].isna().all().all()
    expected = pd.get_dummies(pd.Categorical([v for v in values if v in ("x", "y", "z")],
                                             categories=["x", "y", "z"]), dtype=float)
    np.testing.assert_array_equal(out[known].to_numpy(), expected.to_numpy())


def test_untrained_steps_written_for_r_hold_no_trained_fields() -> None:
    for step in (StepInteract(["a", "b"]), StepOther("a"), StepNovel("a"), StepDummy("a")):
        node = step.to_r()
        assert node.classes == [step.r_class, "step"]
        assert node.get("objects", node.get("levels")) is None
        assert type(step).from_r(node).trained is False
