# step_pls prepared by recipes 1.3.2 with mixOmics 6.23.3 on varied data and settings:
# regression on 1-3 outcomes, classification on 2, 3 and 6 classes, 1-5 components,
# sparse fits (predictor_prop < 1), changed options (scale, mode, tol, max.iter, keepY),
# constant and collinear columns, missing outcome values, and the settings R stops on.
# Each folder is a tests/recipe_cases.py case (tests/r/recipe_cases.R).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_pls_truth.R tests/data/pls_prep

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
unlink(out, recursive = TRUE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
case <- function(...) recipe_case(out, ..., quietly = TRUE)

mt <- mtcars
mt_new <- rbind(mtcars[c(1, 15, 31), ], transform(mtcars[2, ], disp = 0, hp = 1e4, wt = NA))
for (k in c(1, 2, 3, 5, 12)) {
  case(paste0("reg_mtcars_comp", k), recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", num_comp = k),
       mt, mt_new)
}
case("reg_two_outcomes", recipe(mpg + qsec ~ ., mt) |> step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 4),
     mt, mt_new)
case("reg_three_outcomes_order", recipe(mpg + qsec + drat ~ ., mt) |>
       step_pls(all_predictors(), outcome = vars(drat, mpg, qsec), num_comp = 3, prefix = "pc_", keep_original_cols = TRUE),
     mt, mt_new)
case("reg_outcome_selector", recipe(mpg + qsec ~ ., mt) |> step_pls(all_predictors(), outcome = vars(all_outcomes()), num_comp = 2),
     mt, mt_new)

ir <- iris
ir_new <- rbind(iris[c(1, 60, 120), ], data.frame(Sepal.Length = c(0, 9), Sepal.Width = c(3, NA),
                                                   Petal.Length = c(-1, 7), Petal.Width = c(1, 3),
                                                   Species = factor(c("setosa", NA), levels(iris$Species))))
for (k in 1:4) {
  case(paste0("da_iris_comp", k), recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", num_comp = k),
       ir, ir_new)
}
# two classes of three levels: plsda drops the unused level
ir2 <- iris[iris$Species != "setosa", ]
case("da_two_classes_unused_level", recipe(Species ~ ., ir2) |> step_pls(all_predictors(), outcome = "Species", num_comp = 3),
     ir2, ir_new)
mt_cls <- transform(mtcars, am = factor(am, labels = c("auto", "manual")), gear = factor(gear, ordered = TRUE),
                    carb = factor(carb))
case("da_two_classes_am", recipe(am ~ ., mt_cls[, c(1:8, 9)]) |> step_pls(all_numeric_predictors(), outcome = "am", num_comp = 3),
     mt_cls[, c(1:8, 9)], mt_cls[c(1, 5, 20), c(1:8, 9)])
case("da_ordered_three_classes", recipe(gear ~ ., mt_cls[, c(1:7, 10)]) |>
       step_pls(all_numeric_predictors(), outcome = vars(gear), num_comp = 5),
     mt_cls[, c(1:7, 10)], mt_cls[c(1, 5, 20), c(1:7, 10)])
# six classes: mixOmics starts from RSpectra's svds() (trained only in R)
case("da_six_classes_svds", recipe(carb ~ ., mt_cls[, c(1:7, 11)]) |> step_pls(all_numeric_predictors(), outcome = "carb"),
     mt_cls[, c(1:7, 11)], mt_cls[c(1, 5, 20), c(1:7, 11)])
# four classes and two predictors: svds() stops
set.seed(5)
four <- data.frame(a = rnorm(40), b = rnorm(40), cls = factor(rep(c("w", "x", "y", "z"), 10)))
case("da_four_classes_two_predictors", recipe(cls ~ ., four) |> step_pls(all_predictors(), outcome = "cls"), four, four[1:3, ])

# sparse fits: spls / splsda with keepX = ceiling(prop * p) variables
for (prop in c(0, 0.01, 0.3, 0.55, 0.9)) {
  case(paste0("sparse_reg_prop", prop * 100), recipe(mpg ~ ., mt) |>
         step_pls(all_predictors(), outcome = "mpg", num_comp = 4, predictor_prop = prop), mt, mt_new)
}
case("sparse_da_prop50", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", num_comp = 3, predictor_prop = 0.5),
     ir, ir_new)
case("sparse_two_outcomes_keepY", recipe(mpg + qsec ~ ., mt) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 3, predictor_prop = 0.4,
                options = list(keepY = c(1, 2))), mt, mt_new)

# options
case("opt_unscaled", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 3, options = list(scale = FALSE)),
     mt, mt_new)
case("opt_unscaled_da", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", num_comp = 2, options = list(scale = FALSE)),
     ir, ir_new)
for (mode in c("canonical", "classic", "invariant")) {
  case(paste0("opt_mode_", mode), recipe(mpg + qsec + drat ~ ., mt) |>
         step_pls(all_predictors(), outcome = vars(mpg, qsec, drat), num_comp = 3, options = list(mode = mode)),
       mt, mt_new)
}
case("opt_mode_canonical_too_many", recipe(mpg + qsec ~ ., mt) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 3, options = list(mode = "canonical")), mt, mt_new)
case("opt_tol_max_iter", recipe(mpg + qsec ~ ., mt) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 3, options = list(tol = 1e-2, max.iter = 3)), mt, mt_new)
case("opt_one_iteration", recipe(mpg + qsec ~ ., mt) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 2, options = list(max.iter = 1, tol = 1e-300)), mt, mt_new)
case("opt_partial_name", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(max = 50, sc = FALSE)),
     mt, mt_new)
case("opt_all_outputs", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", options = list(all.outputs = FALSE, near.zero.var = FALSE)),
     ir, ir_new)
case("opt_mode_on_plsda", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", options = list(mode = "canonical")),
     ir, ir_new)
case("opt_unknown", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(foo = 1)), mt, mt_new)
case("opt_keepX", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(keepX = 3)), mt, mt_new)
case("opt_bad_tol", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(tol = 0)), mt, mt_new)
case("opt_near_zero_var", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(near.zero.var = TRUE)),
     mt, mt_new)
# mixOmics' nearZeroVar(): b has 4 distinct doubles but 3 texts (0.1 + 0.2 prints as 0.3)
set.seed(3)
nz <- data.frame(y = rnorm(40), a = rnorm(40), b = c(rep(0.3, 19), rep(0.1 + 0.2, 19), 5, 6), k = 2,
                 r = c(rep(1, 39), 2), e = rnorm(40), f = rnorm(40), s = c(rep(1, 37), 2, 3, NA))
case("opt_near_zero_var_drops", recipe(y ~ ., nz) |> step_pls(all_predictors(), outcome = "y", num_comp = 2,
                                                             options = list(near.zero.var = TRUE)), nz, nz[c(1, 39, 40), ])
case("opt_near_zero_var_sparse", recipe(y ~ ., nz) |> step_pls(all_predictors(), outcome = "y", num_comp = 3, predictor_prop = 0.5,
                                                              options = list(near.zero.var = TRUE, scale = FALSE)), nz, nz[c(1, 39, 40), ])
case("opt_near_zero_var_too_many_comps", recipe(y ~ ., nz) |> step_pls(all_predictors(), outcome = "y", num_comp = 4,
                                                                      options = list(near.zero.var = TRUE)), nz, nz[1:3, ])
case("opt_near_zero_var_none_left", recipe(y ~ ., nz) |> step_pls(k, r, outcome = "y", options = list(near.zero.var = TRUE)),
     nz, nz[1:3, ])
# the centred log ratio: log(x / geometric mean of the row)
case("opt_logratio_clr", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", options = list(logratio = "CLR")),
     ir, ir_new)
case("opt_logratio_clr_regression", recipe(Sepal.Length ~ ., ir[, 1:4]) |>
       step_pls(all_predictors(), outcome = "Sepal.Length", num_comp = 2, predictor_prop = 0.7, options = list(logratio = "CLR")),
     ir[, 1:4], ir_new[, 1:4])
case("opt_logratio_clr_zeros", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(logratio = "CLR")),
     mt, mt_new)
case("opt_logratio_clr_one_column", recipe(Species ~ ., ir) |> step_pls(Petal.Width, outcome = "Species", options = list(logratio = "CLR")),
     ir, ir_new)
case("opt_logratio_ilr", recipe(Species ~ ., ir) |> step_pls(all_predictors(), outcome = "Species", options = list(logratio = "ILR")),
     ir, ir_new)
# a multilevel design (repeated measures): trained only in R
case("opt_multilevel", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", options = list(multilevel = rep(1:16, 2))),
     mt, mt_new)

# data corners
mt_const <- transform(mtcars, k = 3, disp2 = disp * 2, hp_wt = hp + wt)
case("const_and_collinear_columns", recipe(mpg ~ ., mt_const) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 4),
     mt_const, transform(mt_new, k = c(3, 3, 4, 3), disp2 = disp * 2, hp_wt = hp + wt))
case("const_column_unscaled", recipe(mpg ~ ., mt_const) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 2, options = list(scale = FALSE)),
     mt_const, transform(mt_new, k = c(3, 3, 4, 3), disp2 = disp * 2, hp_wt = hp + wt))
mt_int <- data.frame(y = mtcars$mpg, cyl = as.integer(mtcars$cyl), hp = as.integer(mtcars$hp),
                     gear = as.integer(mtcars$gear), carb = as.integer(mtcars$carb))
case("integer_predictors", recipe(y ~ ., mt_int) |> step_pls(all_predictors(), outcome = "y", num_comp = 3), mt_int, mt_int[1:4, ])
mt_na <- mtcars; mt_na$mpg[c(2, 9, 20)] <- NA
case("na_in_outcome", recipe(mpg ~ ., mt_na) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 3), mt_na, mt_new)
mt_na2 <- mtcars; mt_na2$qsec[c(4, 30)] <- NA; mt_na2$mpg[c(4, 11)] <- NA
case("na_in_two_outcomes", recipe(mpg + qsec ~ ., mt_na2) |> step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 3),
     mt_na2, mt_new)
case("na_in_outcome_canonical", recipe(mpg + qsec ~ ., mt_na2) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 2, options = list(mode = "canonical", scale = FALSE)),
     mt_na2, mt_new)
case("na_in_outcome_sparse", recipe(mpg + qsec ~ ., mt_na2) |>
       step_pls(all_predictors(), outcome = vars(mpg, qsec), num_comp = 3, predictor_prop = 0.5), mt_na2, mt_new)
mt_xna <- mtcars; mt_xna$disp[3] <- NA
case("na_in_predictor", recipe(mpg ~ ., mt_xna) |> step_pls(all_predictors(), outcome = "mpg"), mt_xna, mt_new)
mt_ycon <- transform(mtcars, mpg = 1)
case("constant_outcome", recipe(mpg ~ ., mt_ycon) |> step_pls(all_predictors(), outcome = "mpg"), mt_ycon, mt_new)
ir_na <- iris; ir_na$Species[3] <- NA
case("na_in_class", recipe(Species ~ ., ir_na) |> step_pls(all_predictors(), outcome = "Species"), ir_na, ir_new)
case("few_rows", recipe(mpg ~ ., mtcars[1:4, ]) |> step_pls(disp, hp, wt, outcome = "mpg", num_comp = 3), mtcars[1:4, ], mt_new)
case("too_few_rows", recipe(mpg ~ ., mtcars[1:3, ]) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 5), mtcars[1:3, ], mt_new)
case("no_components", recipe(mpg ~ ., mt) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 0), mt, mt_new)
case("one_predictor", recipe(mpg ~ ., mt) |> step_pls(wt, outcome = "mpg", num_comp = 3), mt, mt_new)
case("character_outcome", recipe(s ~ ., transform(mt, s = ifelse(am == 1, "a", "b")), strings_as_factors = FALSE) |>
       step_pls(all_numeric_predictors(), outcome = "s"), transform(mt, s = ifelse(am == 1, "a", "b")), transform(mt_new, s = "a"))

# larger and wide data: more iterations, p > n
set.seed(9)
n <- 120
z <- matrix(rnorm(n * 3), n, 3)
big <- as.data.frame(z %*% matrix(rnorm(3 * 14), 3, 14) + matrix(rnorm(n * 14, sd = 0.5), n, 14))
big$y1 <- drop(z %*% c(1, -2, 0.5)) + rnorm(n)
big$y2 <- drop(z %*% c(0, 1, 1)) + rnorm(n, sd = 2)
big$cls <- cut(big$y1, c(-Inf, -1, 1, Inf), labels = c("lo", "mid", "hi"))
big_new <- big[c(1, 50, 99), ]
case("big_two_outcomes", recipe(y1 + y2 ~ ., big[, -17]) |> step_pls(all_predictors(), outcome = vars(y1, y2), num_comp = 5),
     big[, -17], big_new[, -17])
case("big_canonical_sparse", recipe(y1 + y2 ~ ., big[, -17]) |>
       step_pls(all_predictors(), outcome = vars(y1, y2), num_comp = 2, predictor_prop = 0.35, options = list(mode = "canonical")),
     big[, -17], big_new[, -17])
case("big_three_classes", recipe(cls ~ ., big[, -(15:16)]) |> step_pls(all_predictors(), outcome = "cls", num_comp = 4),
     big[, -(15:16)], big_new[, -(15:16)])
wide <- big[1:10, ]
case("wide_p_over_n", recipe(y1 ~ ., wide[, -(16:17)]) |> step_pls(all_predictors(), outcome = "y1", num_comp = 3),
     wide[, -(16:17)], big_new[, -(16:17)])
