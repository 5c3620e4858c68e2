# Ground truth for a prediction workflow whose recipe uses many of the steps added for
# recipes 1.3.2 (issue #13's throughput case): a mixed data set (numbers, integers,
# factors, text, a date-time, latitude/longitude), a recipe of those steps that act on
# each new row by itself, a small kerasnip sequential regression. Saves the fitted
# workflow, the new rows (with missing values and values not seen in training where a
# step handles them), R's predictions (numeric, conf_int, pred_int; tibbles, doubles
# exact) and the predictors R's forge gives for the new rows; the same again, fitted
# without the recipe's step_kpca_rbf, in without_kpca/.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_many_steps.R tests/data/many_steps

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/data/many_steps"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

suppressPackageStartupMessages({
  library(kerasnip)
  library(recipes)
  library(workflows)
  library(parsnip)
})

make_rows <- function(n) {
  words <- c("late", "delivery", "ok", "fine", "delay", "broken", "great", "fast", "slow")
  brands <- c("acme", "zenit", "orbit", "nova", "polar")
  tags <- c("red", "blue", "eco", "sale", "new", "bulk")
  z <- matrix(rnorm(n * 4), ncol = 4)
  data.frame(
    x_norm = rnorm(n),
    x_pos = rlnorm(n, sdlog = 0.6),
    x_miss = round(rnorm(n, 2), 3),
    x_unif = runif(n, 0, 10),
    x_wave = rnorm(n, 5, 2),
    x_gamma = rgamma(n, 2, 1),
    x_skew = rexp(n, 0.5),
    conc = pmax(round(rexp(n, 2), 3), 0.05),
    prop = rbeta(n, 2, 5),
    score = rnorm(n, 0, 3),
    age = sample(18:80, n, replace = TRUE),
    visits = rpois(n, 3),
    flag = rbinom(n, 1, 0.4),
    grade = sample(1:5, n, replace = TRUE),
    color = factor(sample(c("red", "green", "blue", "yellow"), n, replace = TRUE)),
    size = factor(sample(c("S", "M", "L"), n, replace = TRUE), levels = c("S", "M", "L"),
                  ordered = TRUE),
    region = sample(c("north", "south", "east", "west"), n, replace = TRUE),
    brand_a = sample(brands, n, replace = TRUE, prob = c(5, 4, 3, 2, 0.3)),
    brand_b = sample(brands, n, replace = TRUE, prob = c(1, 2, 3, 4, 0.3)),
    tags = vapply(seq_len(n), function(i) {
      paste(sample(tags, sample(1:3, 1), prob = c(6, 5, 4, 3, 2, 0.2)), collapse = ",")
    }, ""),
    note = vapply(seq_len(n), function(i) paste(sample(words, sample(2:6, 1), TRUE),
                                                collapse = " "), ""),
    when = as.POSIXct("2024-03-01", tz = "UTC") + runif(n, 0, 86400 * 90),
    lat = round(runif(n, 45, 52), 4),
    lon = round(runif(n, -2, 8), 4),
    k1 = z[, 1], k2 = z[, 2] + 0.5 * z[, 1], k3 = z[, 3], k4 = z[, 4] - 0.3 * z[, 3],
    stringsAsFactors = FALSE
  )
}

set.seed(1313)
train <- make_rows(300)
train$x_sum <- train$x_norm + 2 * train$x_pos       # a linear combination: step_lincomb drops it
train$x_sparse <- ifelse(runif(300) < 0.4, NA, rnorm(300))  # too many NA: step_filter_missing
train$x_miss[sample(300, 25)] <- NA
train$y <- with(train, 3 * x_norm - log(x_pos) + 0.4 * (color == "green") +
                  0.02 * age + sin(2 * pi * as.numeric(when) / 86400) + k1 * k3 +
                  rnorm(300, sd = 0.3))

new_data <- make_rows(60)
new_data$x_sum <- new_data$x_norm + 2 * new_data$x_pos
new_data$x_sparse <- rnorm(60)
new_data$y <- NA_real_
# Bake of step_poly_bernstein refuses values outside the training range, and
# step_impute_lower draws random numbers for values at or below the training minimum:
# keep those new values inside.
new_data$x_gamma <- pmin(pmax(new_data$x_gamma, min(train$x_gamma) + 1e-3),
                         max(train$x_gamma) - 1e-3)
new_data$conc <- pmax(new_data$conc, 0.051)
# missing values where a step handles them, and values training never saw
new_data$x_miss[c(2, 9, 17, 33, 41, 58)] <- NA              # step_impute_bag
new_data$age[c(5, 27)] <- NA                                # step_discretize: bin_missing
new_data$region[c(3, 44)] <- c("central", "islands")        # step_integer: 0
new_data$tags[c(11, 12, 40)] <- c("red,glitter", "unknown", NA)  # step_dummy_extract
new_data$brand_b[50] <- NA                                  # step_dummy_multi_choice
new_data$note[21] <- NA                                     # step_count / step_regex
new_data$grade[c(14, 15)] <- c(6L, NA)                      # step_num2factor: NA
new_data$x_norm[c(30)] <- 25                                # step_cut beyond the breaks
new_data$x_sum <- new_data$x_norm + 2 * new_data$x_pos
new_data$y <- NULL

rec <- recipe(y ~ ., data = train) |>
  step_filter_missing(all_predictors(), threshold = 0.2) |>
  step_impute_bag(x_miss, impute_with = imp_vars(x_norm, x_pos, age, k1), trees = 10,
                  seed_val = 11) |>
  step_impute_lower(conc) |>
  step_lincomb(all_numeric_predictors()) |>
  step_time(when, features = c("hour", "minute", "decimal_day")) |>
  step_harmonic(when, frequency = c(1, 7), cycle_size = 86400 * 7) |>
  step_geodist(lat, lon, ref_lat = 48.85, ref_lon = 2.35, log = TRUE) |>
  step_count(note, pattern = "[aeiou]", normalize = TRUE, result = "vowels") |>
  step_regex(note, pattern = "late|delay", keep_original_cols = FALSE) |>
  step_dummy_extract(tags, sep = ",", threshold = 0.05) |>
  step_dummy_multi_choice(brand_a, brand_b, threshold = 0.05) |>
  step_integer(region) |>
  step_bin2factor(flag) |>
  step_num2factor(grade, levels = c("one", "two", "three", "four", "five")) |>
  step_relevel(color, ref_level = "green") |>
  step_unorder(size) |>
  step_cut(x_norm, breaks = c(-1, 0, 1), include_outside_range = TRUE) |>
  step_discretize(age, num_breaks = 4, min_unique = 5) |>
  step_ratio(visits, denom = denom_vars(x_pos)) |>
  step_percentile(x_pos) |>
  step_inverse(visits, offset = 1) |>
  step_invlogit(score) |>
  step_logit(prop, offset = 0.01) |>
  step_relu(x_wave, shift = 5) |>
  step_hyperbolic(x_wave, func = "tanh", inverse = FALSE) |>
  step_mutate_at(x_skew, fn = ~ sqrt(.x)) |>
  step_spline_natural(x_unif, deg_free = 4) |>
  step_spline_b(x_skew, deg_free = 4) |>
  step_poly_bernstein(x_gamma, degree = 3, role = "predictor") |>
  step_spline_monotone(conc, deg_free = 4) |>
  step_ica(k1, k2, num_comp = 2, seed = c(1, 2, 3, 4, 5)) |>
  step_kpca_rbf(k3, k4, num_comp = 2, sigma = 0.3) |>
  step_spatialsign(x_miss, lat, lon) |>
  step_rename(dist_paris = geo_dist) |>
  step_rename_at(starts_with("right_relu"), fn = toupper) |>
  step_normalize(all_numeric_predictors()) |>
  step_dummy(all_nominal_predictors()) |>
  step_intercept()

input_block <- function(model, input_shape) {
  keras3::keras_model_sequential(input_shape = input_shape)
}
dense_block <- function(model, units = 16) {
  model |> keras3::layer_dense(units = units, activation = "relu")
}
output_block <- function(model) model |> keras3::layer_dense(units = 1)

create_keras_sequential_spec(
  model_name = "many_steps_mlp",
  layer_blocks = list(input = input_block, dense = dense_block, output = output_block),
  mode = "regression"
)

spec <- many_steps_mlp(dense_units = 16, fit_epochs = 5, fit_batch_size = 32) |>
  set_engine("keras")

# Fit the workflow and save it with the new rows, R's forged predictors, its predictions
# and the steps' classes into `dir`.
save_case <- function(rec, dir) {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  keras3::set_random_seed(42)
  fit_wf <- fit(workflow(rec, spec), data = train)
  steps <- vapply(extract_recipe(fit_wf)$steps, function(s) class(s)[1], "")
  forged <- hardhat::forge(new_data, extract_mold(fit_wf)$blueprint)$predictors
  saveRDS(fit_wf, file.path(dir, "workflow.rds"))
  saveRDS(new_data, file.path(dir, "new_data.rds"))
  saveRDS(forged, file.path(dir, "predictors.rds"))
  saveRDS(predict(fit_wf, new_data), file.path(dir, "numeric.rds"))
  for (type in c("conf_int", "pred_int")) {
    saveRDS(predict(fit_wf, new_data, type = type, level = 0.95),
            file.path(dir, sprintf("%s.rds", type)))
  }
  writeLines(steps, file.path(dir, "steps.txt"))
}

save_case(rec, out)
# The same recipe without its kernel PCA, whose projection of every new row against the
# 300 training rows dominates the replay's time (benchmarks/README.md).
no_kpca <- rec
no_kpca$steps <- Filter(function(s) !inherits(s, "step_kpca_rbf"), rec$steps)
save_case(no_kpca, file.path(out, "without_kpca"))

writeLines(c(R.version.string,
             sprintf("%s %s", c("kerasnip", "keras3", "recipes", "workflows", "parsnip", "hardhat"),
                     sapply(c("kerasnip", "keras3", "recipes", "workflows", "parsnip", "hardhat"),
                            function(p) as.character(packageVersion(p))))),
           file.path(out, "versions.txt"))
