# Ground-truth cases for the projection steps (step_ica, step_pls, step_nnmf,
# step_nnmf_sparse) and step_impute_bag; sourced by make_steps_truth.R, which adds
# `proj_data_sets` and `proj_cases` to its own lists. Every step gets an explicit seed so
# a case does not depend on the cases made before it; the data are drawn inside
# withr::with_seed so sourcing this file leaves R's random stream as it was.

proj_train <- withr::with_seed(11, tibble(
  x1 = round(rgamma(24, 2, 1), 3), x2 = round(rexp(24, 0.5), 3),
  x3 = round(runif(24, 0, 10), 2), x4 = round(rgamma(24, 5, 2), 3),
  i1 = sample(0:20, 24, TRUE), y = round(rnorm(24), 3), y2 = round(rnorm(24), 3),
  cls = factor(sample(c("a", "b", "c"), 24, TRUE))
))
proj_new <- tibble(
  x1 = c(NA, 0, 1.5, -2, 1e6, 0.25, 3),
  x2 = c(1, 0, 2.5, 4, 0.5, Inf, 1.75),
  x3 = c(5, 0, NA, 10, 2.5, 3, 7.25),
  x4 = c(2, 0, 1.5, -1, 3, 2.5, 0.125),
  i1 = c(3L, 0L, 20L, NA, 7L, 11L, 40L),
  y = c(0.5, NA, -1, 2, 0, 1, -0.25),
  y2 = c(1, 2, NA, -1, 0, 0.5, 3),
  cls = factor(c("a", "b", NA, "c", "a", "b", "c"))
)
# step_nnmf's bake goes through MASS::ginv (LAPACK's SVD), so its comparison has a
# tolerance: no value far from 1 in magnitude
proj_new_small <- proj_new
proj_new_small$x1[5] <- 6

bag_train <- withr::with_seed(12, {
  n <- 30
  b <- round(runif(n, 0, 10), 2)
  k <- as.integer(round(b * 2 + sample(-3:3, n, TRUE)))
  f <- factor(ifelse(b < 3.5, "lo", ifelse(b < 7, "mid", "hi")), levels = c("lo", "mid", "hi"))
  f[sample(n, 4)] <- sample(levels(f), 4, TRUE)
  tibble(
    a = round(b * 1.5 + rnorm(n), 3), b = b, k = k, f = f,
    o = factor(sample(c("s", "m", "l"), n, TRUE), levels = c("s", "m", "l"), ordered = TRUE),
    ch = sample(c("u", "v", "w"), n, TRUE), lg = sample(c(TRUE, FALSE), n, TRUE),
    y = round(rnorm(n), 3)
  )
})
bag_train$a[c(3, 17)] <- NA
bag_train$k[c(5, 22)] <- NA
bag_train$f[c(8, 26)] <- NA
bag_train$b[c(11)] <- NA
bag_new <- tibble(
  a = c(NA, 1.5, NA, 12, NA, NA, 3, NA, 0, NA),
  b = c(2.5, NA, 9, NA, NA, 0, 7, 10, NA, NA),
  k = c(NA, 3L, 15L, NA, 8L, NA, 14L, 0L, NA, NA),
  f = factor(c("lo", NA, NA, "hi", NA, "mid", NA, NA, NA, NA), levels = c("lo", "mid", "hi")),
  o = factor(c("s", "m", NA, "l", NA, "s", "m", NA, "l", NA), levels = c("s", "m", "l"),
             ordered = TRUE),
  ch = c("u", NA, "w", "v", NA, NA, "u", "w", NA, NA),
  lg = c(TRUE, FALSE, NA, TRUE, NA, FALSE, NA, TRUE, FALSE, NA),
  y = c(1, 2, 3, NA, 5, 6, 7, 8, 9, 10)
)

proj_data_sets <- list(proj = list(train = proj_train, new = proj_new),
                       proj_small = list(train = proj_train, new = proj_new_small),
                       bag = list(train = bag_train, new = bag_new))

proj_cases <- list(
  ica = list("proj", y ~ ., function(r) step_ica(r, x1, x2, x3, x4, seed = 42)),
  ica_options = list("proj", y ~ ., function(r)
    step_ica(r, all_numeric_predictors(), num_comp = 2, prefix = "ind", keep_original_cols = TRUE,
             options = list(method = "R", alg.typ = "deflation", fun = "exp", maxit = 300),
             seed = 7)),
  ica_none = list("proj", y ~ ., function(r) step_ica(r, x1, x2, num_comp = 0, seed = 1)),
  # fastICA's C method (recipes' default) on its other paths: deflation, exp, alpha, row.norm
  ica_deflation_exp = list("proj", y ~ ., function(r)
    step_ica(r, x1, x2, x3, x4, i1, num_comp = 3,
             options = list(method = "C", alg.typ = "deflation", fun = "exp"), seed = 3)),
  ica_deflation_alpha = list("proj", y ~ ., function(r)
    step_ica(r, x1, x2, x3, x4, num_comp = 2,
             options = list(method = "C", alg.typ = "deflation", alpha = 1.5), seed = 5)),
  ica_exp_row_norm = list("proj", y ~ ., function(r)
    step_ica(r, all_numeric_predictors(), num_comp = 4,
             options = list(method = "C", fun = "exp", row.norm = TRUE, maxit = 50, tol = 1e-6),
             seed = c(9L, 1L))),
  pls = list("proj", y ~ ., function(r) step_pls(r, x1, x2, x3, x4, i1, outcome = "y")),
  pls_multi = list("proj", y + y2 ~ ., function(r)
    step_pls(r, all_numeric_predictors(), outcome = vars(y, y2), num_comp = 3,
             options = list(scale = FALSE), prefix = "P", keep_original_cols = TRUE)),
  plsda = list("proj", cls ~ ., function(r)
    step_pls(r, all_numeric_predictors(), outcome = vars(cls))),
  spls = list("proj", y ~ ., function(r)
    step_pls(r, x1, x2, x3, x4, i1, outcome = vars(y), predictor_prop = 0.5, num_comp = 3)),
  splsda = list("proj", cls ~ ., function(r)
    step_pls(r, all_numeric_predictors(), outcome = vars(cls), predictor_prop = 0.6,
             num_comp = 2, options = list(scale = TRUE, max.iter = 200), role = "pls")),
  nnmf_sparse = list("proj", y ~ ., function(r)
    step_nnmf_sparse(r, x1, x2, x3, x4, i1, seed = 3)),
  nnmf_sparse_options = list("proj", y ~ ., function(r)
    step_nnmf_sparse(r, x1, x2, x3, x4, num_comp = 3, penalty = 0.01,
                     options = list(maxit = 50, diag = FALSE), prefix = "nm",
                     keep_original_cols = TRUE, seed = 5)),
  nnmf_sparse_none = list("proj", y ~ ., function(r)
    step_nnmf_sparse(r, x1, x2, num_comp = 0, seed = 5)),
  # step_nnmf needs NMF on the search path (NMF's own setup looks for it there)
  nnmf = list("proj_small", y ~ ., function(r) {
    suppressPackageStartupMessages(library(NMF))
    suppressWarnings(step_nnmf(r, x1, x2, x3, x4, seed = 3, num_run = 2))
  }),
  nnmf_options = list("proj_small", y ~ ., function(r) {
    suppressPackageStartupMessages(library(NMF))
    suppressWarnings(step_nnmf(r, x1, x2, x3, x4, i1, num_comp = 3, num_run = 1,
                               prefix = "F",
                               keep_original_cols = TRUE, seed = 9))
  }),
  impute_bag = list("bag", y ~ ., function(r) step_impute_bag(r, a, k, f, seed_val = 11, trees = 5)),
  impute_bag_ties = list("bag", y ~ ., function(r)
    step_impute_bag(r, f, o, ch, trees = 4, seed_val = 21)),
  impute_bag_options = list("bag", y ~ ., function(r)
    step_impute_bag(r, a, f, impute_with = imp_vars(b, o, lg, k), trees = 6, seed_val = 3,
                    options = list(keepX = TRUE, control = rpart::rpart.control(
                      maxdepth = 3, minsplit = 4, usesurrogate = 1, cp = 0, xval = 0)))),
  impute_bag_nosurrogate = list("bag", y ~ ., function(r)
    step_impute_bag(r, k, b, impute_with = imp_vars(a, f, ch), trees = 3, seed_val = 8,
                    options = list(control = rpart::rpart.control(
                      usesurrogate = 0, maxsurrogate = 0, minsplit = 2, cp = 0, xval = 0))))
)
data_sets <- c(data_sets, proj_data_sets)
cases <- c(cases, proj_cases)
