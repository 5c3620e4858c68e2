# The warnings recipes 1.3.2 gives at bake(), with what bake() returns. Each folder holds
# the prepared recipe, new data, R's bake() of it and warnings.txt (one message per line,
# in order; empty when R says nothing).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_bake_warnings.R tests/data/bake_warnings

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
case <- function(name, rec, train, new) {
  d <- file.path(out, name); dir.create(d, showWarnings = FALSE)
  p <- suppressWarnings(prep(rec, training = train))
  said <- character()
  set.seed(1)
  baked <- withCallingHandlers(bake(p, new), warning = function(w) {
    said <<- c(said, gsub("\n", " ", conditionMessage(w)))
    invokeRestart("muffleWarning")
  })
  saveRDS(p, file.path(d, "recipe.rds"))
  saveRDS(new, file.path(d, "new_data.rds"))
  saveRDS(baked, file.path(d, "baked.rds"))
  writeLines(said, file.path(d, "warnings.txt"))
}
aq <- airquality
case("impute_knn_all_missing", recipe(Ozone ~ ., aq) |>
       step_impute_knn(Solar.R, impute_with = imp_vars(Wind, Temp), neighbors = 3),
     aq, data.frame(Ozone = 1:5, Solar.R = c(NA, 100, NA, NA, 200), Wind = c(NA, 5, 7, NA, 9),
                    Temp = c(NA, 60, NA, NA, 70), Month = 5L, Day = 1:5))
case("impute_linear_missing_predictor", recipe(Ozone ~ ., aq) |>
       step_impute_linear(Solar.R, impute_with = imp_vars(Wind, Temp)),
     aq[complete.cases(aq), ], data.frame(Ozone = 1:3, Solar.R = c(NA, 100, NA), Wind = c(NA, 5, 7),
                                          Temp = c(60, 61, 62), Month = 5L, Day = 1:3))
case("log_signed_offset", recipe(mpg ~ ., mtcars) |> step_log(disp, qsec, signed = TRUE, offset = 1),
     mtcars, mtcars[1:3, ])
case("log_nans", recipe(mpg ~ ., mtcars) |> step_center(drat) |> step_log(drat, base = 10),
     mtcars, mtcars[c(1, 5, 9), ])
case("shuffle_one_row", recipe(mpg ~ ., mtcars) |> step_shuffle(disp, hp), mtcars, mtcars[4, ])
case("sqrt_hyperbolic_nans", recipe(mpg ~ ., mtcars) |> step_center(drat, wt) |> step_sqrt(drat) |>
       step_hyperbolic(wt, func = "cosh", inverse = TRUE), mtcars, mtcars[c(2, 3, 7), ])
case("factor_now_text", recipe(Sepal.Length ~ ., iris) |> step_dummy(Species),
     iris, transform(iris[c(1, 51, 101), ], Species = as.character(Species)))
wb <- transform(warpbreaks, tension2 = tension)
case("factors_now_text", recipe(breaks ~ ., wb) |> step_dummy(all_nominal_predictors()),
     wb, transform(wb[c(1, 20, 40), ], wool = as.character(wool), tension2 = as.character(tension2)))
