"""recipes in Python: build, prepare and bake recipes, and read the ones R saved."""
from .labels import clock_labels, clock_labels_languages
from .recipe import Recipe, VarLevels, recipe
from .selectors import (all_nominal, all_nominal_predictors, all_numeric, all_numeric_predictors,
                        all_of, all_outcomes, all_predictors, any_of, col_range, complement,
                        contains, ends_with, everything, has_role, has_type, last_col, matches,
                        minus, num_range, starts_with)
from .steps.base import STEPS, Step

__all__ = ["Recipe", "VarLevels", "recipe", "STEPS", "Step", "clock_labels",
           "clock_labels_languages", "all_nominal",
           "all_nominal_predictors", "all_numeric", "all_numeric_predictors", "all_of",
           "all_outcomes", "all_predictors", "any_of", "col_range", "complement", "contains",
           "ends_with", "everything", "has_role", "has_type", "last_col", "matches", "minus",
           "num_range", "starts_with"]
