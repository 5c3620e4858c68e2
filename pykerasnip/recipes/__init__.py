"""recipes in Python: build, prepare and bake recipes, and read the ones R saved."""
from .recipe import Recipe, VarLevels, recipe
from .selectors import (all_nominal, all_nominal_predictors, all_numeric, all_numeric_predictors,
                        all_outcomes, all_predictors, contains, ends_with, everything, has_role,
                        has_type, matches, minus, starts_with)
from .steps.base import STEPS, Step

__all__ = ["Recipe", "VarLevels", "recipe", "STEPS", "Step", "all_nominal",
           "all_nominal_predictors", "all_numeric", "all_numeric_predictors", "all_outcomes",
           "all_predictors", "contains", "ends_with", "everything", "has_role", "has_type",
           "matches", "minus", "starts_with"]
