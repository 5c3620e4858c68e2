# Makes tests/data/pins: vetiver-r model pins on a pins-r board_folder, written by R's own
# vetiver_pin_write(), of the R-fitted fixture models in $PYKERASNIP_FIXTURES
# (default /work/shared/fixtures). Run in the R kerasnip stack:
#   . /opt/rstack/env.sh && Rscript tests/r/make_pins.R [out_dir]
# Nothing is refitted: each pin holds the fixture's fitted model, so the fixture's
# expected_*.csv are R's predictions for the pinned model.
suppressPackageStartupMessages({
  library(workflows)
  library(parsnip)
  library(recipes)
  library(kerasnip)
  library(vetiver)
  library(pins)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/data/pins"
fixtures <- Sys.getenv("PYKERASNIP_FIXTURES", "/work/shared/fixtures")
fixture <- function(...) readRDS(file.path(fixtures, ...))

unlink(out, recursive = TRUE)
board <- board_folder(out, versioned = TRUE)

# as in the R session that fitted them, the kerasnip model specs must be registered
# (create_keras_*_spec) before vetiver asks parsnip for their packages; the specs carry
# their layer blocks
register_spec <- function(spec) {
  name <- class(spec)[[1]]
  if (!name %in% parsnip::get_model_env()$models) {
    blocks <- attr(spec, "kerasnip_layer_blocks")
    create <- if (isTRUE(attr(spec, "kerasnip_functional"))) {
      create_keras_functional_spec
    } else {
      create_keras_sequential_spec
    }
    create(name, blocks, mode = spec$mode)
  }
}

pin_model <- function(fit, name) {
  register_spec(extract_spec_parsnip(fit))
  v <- vetiver_model(fit, name)
  vetiver_pin_write(board, v)
}

# regression: recipe (the seed example) and formula
pin_model(fixture("seq_reg_recipe_normalize", "workflow.rds"), "mpg_recipe")
pin_model(fixture("seq_reg_formula", "workflow.rds"), "mpg_formula")
# regression, formula with a factor predictor (dummy-coded by the formula blueprint)
pin_model(fixture("seq_reg_formula_factor_traditional", "workflow.rds"), "sepal_formula_factor")
# classification: recipe
pin_model(fixture("seq_cls_multiclass_iris", "workflow.rds"), "iris_recipe")

# classification, formula: the fixture's model fit is fit(mlp_cls(...), Species ~ ., iris).
# vetiver has no method for a bare model_fit, so it goes in a workflow with that formula,
# trained with workflows' own steps around the fitted model (no refit).
iris_fit <- fixture("modelfit_cls_formula", "model_fit.rds")
register_spec(iris_fit$spec)
wf <- workflow() |>
  add_formula(Species ~ .) |>
  add_model(extract_spec_parsnip(iris_fit))
wf <- .fit_pre(wf, iris)
wf$fit$fit <- iris_fit
wf <- .fit_finalize(wf)
pin_model(wf, "iris_formula")

print(pin_list(board))
