# One R-made recipe case, as tests/recipe_cases.py reads it: a folder with the recipe
# before and after prep(), its training data, new data and R's bake() of it (right after
# set.seed(1), for the steps that draw), or error.txt with R's message where prep() or
# bake() stops. `quietly` muffles R's warnings; `prep_seed`: prep() right after
# set.seed(prep_seed), for the steps that draw while training (step_sample, step_shuffle,
# step_impute_lower...).
recipe_case <- function(out, name, rec, train, new, quietly = FALSE, prep_seed = NULL) {
  run <- if (quietly) suppressWarnings else identity
  d <- file.path(out, name); dir.create(d, showWarnings = FALSE)
  saveRDS(rec, file.path(d, "unprepped.rds"))
  saveRDS(train, file.path(d, "train.rds"))
  saveRDS(new, file.path(d, "new_data.rds"))
  failed <- function(e) writeLines(conditionMessage(e), file.path(d, "error.txt"))
  if (!is.null(prep_seed)) set.seed(prep_seed)
  p <- tryCatch(run(prep(rec, training = train)), error = failed)
  if (is.null(p)) return(invisible())
  saveRDS(p, file.path(d, "recipe.rds"))
  set.seed(1)
  tryCatch(saveRDS(run(bake(p, new)), file.path(d, "baked.rds")), error = failed)
}

