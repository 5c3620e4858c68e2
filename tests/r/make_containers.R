# tidymodels objects inside containers users make: a save() workspace and a plain list
# given to saveRDS(). Each holds a prepared recipe and data; baked.rds is R's bake().
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_containers.R tests/data/containers

out <- commandArgs(TRUE)[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
rec <- prep(recipe(mpg ~ ., mtcars) |> step_normalize(all_numeric_predictors()) |> step_pca(disp, hp, wt, num_comp = 2))
new_data <- mtcars[c(3, 9, 27), ]
save(rec, new_data, file = file.path(out, "workspace.RData"))
saveRDS(list(recipe = rec, new_data = new_data, note = "made in R"), file.path(out, "list.rds"))
saveRDS(bake(rec, new_data), file.path(out, "baked.rds"))
