# Ground truth for a multi-output regression: a kerasnip functional spec with three
# numeric outcomes, each its own Dense head, after a recipe with step_normalize +
# step_pca. R's predictions for numeric, conf_int and pred_int (levels 0.95 and 0.9)
# are saved as tibbles (doubles exact), with the training data, so Python can both
# read R's fit and refit it. Also R's optim() Nelder-Mead and cov() on fixed inputs,
# the two pieces of R the fit-time Laplace posterior uses (regression_truth.rds).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_multi_output.R tests/data/multi_output

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/data/multi_output"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

suppressPackageStartupMessages({
  library(kerasnip)
  library(recipes)
  library(workflows)
  library(parsnip)
})

# The head blocks are listed in another order than the outcomes (price, area, lag),
# so a mix-up between outcome order and head order shows.
input_block <- function(input_shape) keras3::layer_input(shape = input_shape)
hidden_block <- function(tensor, units = 8) {
  keras3::layer_dense(tensor, units = units, activation = "relu")
}
head_block <- function(tensor) keras3::layer_dense(tensor, units = 1)

create_keras_functional_spec(
  model_name = "three_heads",
  layer_blocks = list(
    main_input = input_block,
    hidden = inp_spec(hidden_block, "main_input"),
    lag = inp_spec(head_block, "hidden"),
    price = inp_spec(head_block, "hidden"),
    area = inp_spec(head_block, "hidden")
  ),
  mode = "regression"
)

set.seed(2024)
n <- 200
x <- matrix(rnorm(n * 6), ncol = 6, dimnames = list(NULL, paste0("x", 1:6)))
x[, 2] <- x[, 1] * 0.7 + x[, 2] * 0.3
train <- data.frame(
  x,
  price = 3 * x[, 1] - 2 * x[, 3] + rnorm(n, sd = 0.5) + 10,
  area = x[, 2] * x[, 4] + rnorm(n, sd = 0.3),
  lag = -50 + 20 * x[, 5] + rnorm(n, sd = 4)
)
new_data <- train[1:40, paste0("x", 1:6)]
new_data[] <- lapply(new_data, function(v) v + rnorm(length(v), sd = 0.2))

rec <- recipe(price + area + lag ~ ., data = train) |>
  step_normalize(all_predictors()) |>
  step_pca(all_predictors(), num_comp = 4)

spec <- three_heads(hidden_units = 8, fit_epochs = 5, fit_batch_size = 32) |>
  set_engine("keras")

keras3::set_random_seed(42)
fit_wf <- fit(workflow(rec, spec), data = train)

saveRDS(fit_wf, file.path(out, "workflow.rds"))
saveRDS(train, file.path(out, "train.rds"))
saveRDS(new_data, file.path(out, "new_data.rds"))
saveRDS(predict(fit_wf, new_data), file.path(out, "numeric.rds"))
for (type in c("conf_int", "pred_int")) {
  for (level in c(0.95, 0.9)) {
    saveRDS(predict(fit_wf, new_data, type = type, level = level),
            file.path(out, sprintf("%s_%s.rds", type, level)))
  }
}
rosenbrock <- function(x) 100 * (x[2] - x[1] * x[1])^2 + (1 - x[1])^2
residuals <- unname(as.matrix(train[, c("price", "area", "lag")])) - 5
saveRDS(list(rosenbrock_par = optim(c(-1.2, 1), rosenbrock)$par,
             rosenbrock_par_maxit_50 = optim(c(-1.2, 1), rosenbrock,
                                             control = list(maxit = 50))$par,
             residuals = residuals, cov = cov(residuals)),
        file.path(out, "regression_truth.rds"))
writeLines(c(R.version.string,
             sprintf("%s %s", c("kerasnip", "keras3", "recipes", "workflows", "parsnip"),
                     sapply(c("kerasnip", "keras3", "recipes", "workflows", "parsnip"),
                            function(p) as.character(packageVersion(p))))),
           file.path(out, "versions.txt"))
