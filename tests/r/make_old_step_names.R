# Steps under the class names recipes used before 0.1.16 (step_knnimpute, step_meanimpute...),
# which recipes 1.3.2 still prepares and bakes with the new steps' methods. Each recipe is
# prepared under the new name, its step renamed to the old class, saved, and baked by R.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_old_step_names.R tests/data/old_step_names

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
aq <- airquality
aq$Ozone <- as.double(aq$Ozone)
aq$Month <- factor(month.abb[aq$Month], levels = month.abb[5:9])
aq$Month[c(3, 9, 20)] <- NA
new <- aq[c(1:12, 25:30), ]
old_names <- list(
  step_knnimpute = function(r) step_impute_knn(r, Ozone, Solar.R, neighbors = 3),
  step_meanimpute = function(r) step_impute_mean(r, Ozone, trim = 0.1),
  step_medianimpute = function(r) step_impute_median(r, Solar.R),
  step_modeimpute = function(r) step_impute_mode(r, Month),
  step_lowerimpute = function(r) step_impute_lower(r, Wind),
  step_rollimpute = function(r) step_impute_roll(r, Ozone, window = 5),
  step_bagimpute = function(r) step_impute_bag(r, Ozone, trees = 3)
)
set.seed(3)
for (old in names(old_names)) {
  p <- prep(old_names[[old]](recipe(Temp ~ ., aq)), training = aq)
  step <- p$steps[[1]]
  class(step) <- c(old, "step")
  p$steps[[1]] <- step
  saveRDS(p, file.path(out, paste0(old, ".rds")))
  set.seed(1)
  saveRDS(bake(p, new), file.path(out, paste0(old, "_baked.rds")))
}
saveRDS(new, file.path(out, "new_data.rds"))
