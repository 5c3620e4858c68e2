# Kernel PCA and Isomap cases for make_steps_truth.R (sourced by it: adds to `data_sets`
# and `cases`). kernlab's predict() takes missing and infinite values (their rows come out
# NA/NaN); RANN, under Isomap's projection, refuses them, so its new data has none but
# holds duplicates of training rows and of each other (zero distances, tied neighbours).

kern_train <- tibble(
  a = round(2 * sin(1:16), 3),
  b = round(cos(1:16 * 0.7) + (1:16) / 8, 3),
  c = round(((1:16 * 7) %% 11) / 4 - 1.2, 2),
  n = as.integer((1:16 * 5) %% 9),
  y = (1:16) / 2
)
kern_new <- tibble(
  a = c(NA, 0, kern_train$a[5], 50, 0.5, 1e200, -1.75, 2),
  b = c(0.5, 0, kern_train$b[5], -3, Inf, 1, 0.25, 2),
  c = c(1, 0, kern_train$c[5], 0.5, -1, 0, 0.125, 1e-300),
  n = c(2L, 0L, kern_train$n[5], NA, 4L, 1L, 8L, 3L),
  y = 1:8
)
kern_train_na <- kern_train
kern_train_na$a[c(3, 9)] <- NA

iso_train <- tibble(
  a = round(sin(1:20 * 1.3) * 3, 3),
  b = round(cos(1:20 * 0.45) * 2 + (1:20) / 10, 3),
  c = round(((1:20 * 13) %% 17) / 5, 2),
  y = (1:20) / 4
)
iso_new <- tibble(
  a = c(iso_train$a[3], 0, 0.75, 0.75, 12, iso_train$a[11], -2.5),
  b = c(iso_train$b[3], 0, 1.5, 1.5, -8, iso_train$b[11] + 1e-9, 3),
  c = c(iso_train$c[3], 0, 2, 2, 30, iso_train$c[11], 0.4),
  y = 1:7
)

# a grid: most neighbour distances tie, so ANN's kd-tree order decides the graph
grid <- expand.grid(a = 0:4, b = 0:3)
grid_train <- tibble(a = grid$a, b = grid$b, c = (grid$a * grid$b) %% 3, y = seq_len(nrow(grid)))
grid_new <- tibble(a = c(0, 2, 1.5, 1.5, 4, -1, 2.5), b = c(0, 1, 1.5, 1.5, 3, 5, 0.5),
                   c = c(0, 2, 1, 1, 0, 0, 1), y = 1:7)

# all-integer selections: R squares them in integers (rbfdot, laplacedot), and a new row
# holding a value beyond 46340 overflows to NA
kern_int_train <- tibble(n = kern_train$n, m = as.integer((1:16 * 3) %% 7) - 2L, y = kern_train$y)
kern_int_new <- tibble(n = c(2L, 46341L, NA, -46340L, 3L, 0L),
                       m = c(1L, 0L, 2L, 4L, -50000L, 46340L), y = 1:6)

data_sets$kern <- list(train = kern_train, new = kern_new)
data_sets$kern_int <- list(train = kern_int_train, new = kern_int_new)
data_sets$grid <- list(train = grid_train, new = grid_new)
# no new rows: recipes makes Isomap's columns logical (matrix(nrow = 0, ...)), kpca's double
data_sets$kern_empty <- list(train = kern_train, new = kern_new[0, ])
data_sets$iso_empty <- list(train = iso_train, new = iso_new[0, ])
data_sets$kern_na <- list(train = kern_train_na, new = kern_new)
data_sets$iso <- list(train = iso_train, new = iso_new)

cases <- c(cases, list(
  kpca_rbf = list("kern", y ~ ., function(r) step_kpca_rbf(r, all_numeric_predictors())),
  kpca_rbf_options = list("kern", y ~ ., function(r)
    step_kpca_rbf(r, a, b, num_comp = 2, sigma = 1.5, prefix = "rbf", keep_original_cols = TRUE)),
  kpca_rbf_na_train = list("kern_na", y ~ ., function(r)
    step_kpca_rbf(r, a, b, c, num_comp = 3, sigma = 0.05)),
  kpca_poly = list("kern", y ~ ., function(r) step_kpca_poly(r, a, b, c)),
  kpca_poly_options = list("kern", y ~ ., function(r)
    step_kpca_poly(r, a, b, n, num_comp = 3, degree = 3, scale_factor = 0.5, offset = 0.25,
                   prefix = "P", keep_original_cols = TRUE)),
  kpca = list("kern", y ~ ., function(r) step_kpca(r, a, b, c, n)),
  kpca_poly_kernel = list("kern", y ~ ., function(r)
    step_kpca(r, a, c, num_comp = 2,
              options = list(kernel = "polydot", kpar = list(degree = 2, scale = 0.1, offset = 0)))),
  kpca_vanilla = list("kern", y ~ ., function(r)
    step_kpca(r, a, b, c, num_comp = 2, options = list(kernel = "vanilladot", kpar = list()))),
  kpca_anova = list("kern", y ~ ., function(r)
    step_kpca(r, a, b, c, num_comp = 4,
              options = list(kernel = "anovadot", kpar = list(sigma = 0.5, degree = 2)))),
  kpca_spline = list("kern", y ~ ., function(r)
    step_kpca(r, b, c, num_comp = 3, options = list(kernel = "splinedot", kpar = list()))),
  kpca_laplace = list("kern", y ~ ., function(r)
    step_kpca(r, a, b, c, num_comp = 3, prefix = "lap",
              options = list(kernel = "laplacedot", kpar = list(sigma = 0.3)))),
  kpca_none = list("kern", y ~ ., function(r) step_kpca_rbf(r, a, b, num_comp = 0)),
  kpca_rbf_integer = list("kern_int", y ~ ., function(r)
    step_kpca_rbf(r, n, m, num_comp = 2, sigma = 0.5)),
  kpca_laplace_integer = list("kern_int", y ~ ., function(r)
    step_kpca(r, n, m, num_comp = 2, options = list(kernel = "laplacedot", kpar = list(sigma = 0.3)))),
  kpca_poly_integer = list("kern_int", y ~ ., function(r) step_kpca_poly(r, n, m, num_comp = 2)),
  isomap = list("iso", y ~ ., function(r) step_isomap(r, a, b, c, neighbors = 5, num_terms = 2)),
  isomap_options = list("iso", y ~ ., function(r)
    step_isomap(r, all_numeric_predictors(), neighbors = 8, num_terms = 5, prefix = "iso",
                keep_original_cols = TRUE)),
  isomap_grid = list("grid", y ~ ., function(r)
    step_isomap(r, a, b, c, neighbors = 4, num_terms = 2)),
  kpca_empty = list("kern_empty", y ~ ., function(r) step_kpca_poly(r, a, b, num_comp = 2)),
  isomap_empty = list("iso_empty", y ~ ., function(r)
    step_isomap(r, a, b, neighbors = 5, num_terms = 2, keep_original_cols = TRUE))
))
