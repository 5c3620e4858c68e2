# Bare recipes as a tidymodels user saves them (no workflow): an untrained recipe and the
# same recipe prepped, with the data and R's bake of new data.
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_bare_recipes.R tests/data/recipes
suppressPackageStartupMessages({library(recipes); library(tibble)})
if (packageVersion("recipes") != "1.3.2") stop("made with recipes 1.3.2")
out <- commandArgs(TRUE)[1]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
train <- tibble(
  x1 = c(1.5, 2.25, NA, 4, 5.5, 0.75, 3.5, 2, 6.25, 1),
  x2 = c(10L, 20L, 15L, NA, 5L, 30L, 25L, 10L, 5L, 20L),
  g = factor(c("a", "b", "c", "a", "b", "a", "c", "b", "a", NA)),
  txt = c("u", "v", "u", "w", "v", "u", "u", "w", "v", "u"),
  y = c(0.5, 1.5, 2, 2.5, 3, 0.25, 1, 1.75, 3.5, 0.75)
)
new <- tibble(x1 = c(NA, 0, 10), x2 = c(1L, NA, 40L), g = factor(c("c", NA, "b"), levels = c("a", "b", "c")),
              txt = c("w", "z", NA), y = c(1, 2, 3))
rec <- recipe(y ~ ., data = train) |>
  step_impute_mean(x1) |>
  step_impute_median(x2) |>
  step_string2factor(txt) |>
  step_novel(g, txt) |>
  step_unknown(g) |>
  step_dummy(all_nominal_predictors()) |>
  step_normalize(x1, x2)
trained <- prep(rec, training = train)
saveRDS(rec, file.path(out, "untrained.rds"))
saveRDS(trained, file.path(out, "trained.rds"))
saveRDS(train, file.path(out, "train.rds"))
saveRDS(new, file.path(out, "new.rds"))
saveRDS(bake(trained, new_data = new), file.path(out, "baked.rds"))
saveRDS(bake(trained, new_data = NULL), file.path(out, "juiced.rds"))
