# A randomized differential trial of hardhat blueprints: each case draws a data set
# (base R and modeldata sets with random rows and columns, missing values, odd level
# names, character, logical, integer and Date columns), a blueprint (a formula from a
# small grammar with default_formula_blueprint, the columns of default_xy_blueprint, or a
# small recipe with default_recipe_blueprint; random indicators, intercept and
# allow_novel_levels), molds the training rows and forges new rows that are perturbed at
# random (missing values, unseen levels, missing, extra and retyped columns).
#
# Each case is a folder with spec.json (what was drawn), train.rds, the mold's
# blueprint.rds, predictors.rds and outcomes.rds (or mold_error.txt where mold() stops),
# new_data.rds, and R's forge(new_data, blueprint)$predictors as forged.rds (or
# forge_error.txt where forge() stops), with warnings.txt holding the warnings forge()
# gave (empty if none).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_random_blueprints.R OUT SEED N [FIRST]
#   . /opt/rstack/env.sh && Rscript tests/r/make_random_blueprints.R OUT --cases LIST
#
# OUT gets folders s<SEED>_<i> for i in FIRST..FIRST+N-1 (FIRST defaults to 1), or for the
# "SEED i" lines of LIST; a case's draws depend on SEED and i only, so any case can be
# remade alone (byte for byte, but for the fit_times a recipe records). The committed
# cases (tests/data/random_blueprints) are those of tests/r/random_blueprints_cases.txt.

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({
  library(hardhat); library(recipes); library(modeldata); library(splines); library(jsonlite)
})
stopifnot(packageVersion("hardhat") == "1.4.2", Sys.getenv("TZ") == "UTC")
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "random_formula_grammar.R"))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "random_new_data.R"))

# --- data sets ------------------------------------------------------------------------------
odd_levels <- c("a b", "\u00e9t\u00e9", "x-y", "1st", "N/A?", "Z", "(paren)", "caf\u00e9 au lait")

as_plain <- function(d) {
  d <- as.data.frame(d)
  attr(d, "formula") <- NULL; attr(d, "outer") <- NULL; attr(d, "labels") <- NULL; attr(d, "units") <- NULL
  rownames(d) <- NULL
  d
}

data_sets <- list(
  iris = function() iris,
  mtcars = function() {
    d <- mtcars
    d$cyl <- factor(d$cyl); d$gear <- factor(d$gear, labels = c("three", "four", "five"))
    d$vs <- d$vs == 1; d$carb <- as.integer(d$carb)
    d
  },
  warpbreaks = function() within(warpbreaks, breaks <- as.double(breaks)),
  esoph = function() esoph,
  CO2 = function() as_plain(CO2),
  ChickWeight = function() within(as_plain(ChickWeight), weight <- as.double(weight)),
  airquality = function() within(airquality, Month <- factor(month.abb[Month], levels = month.abb[5:9])),
  penguins = function() as.data.frame(modeldata::penguins),
  credit = function() as.data.frame(modeldata::credit_data[, c("Status", "Seniority", "Home", "Time", "Age",
                                                               "Marital", "Records", "Job", "Income", "Amount")]),
  attrition = function() as.data.frame(modeldata::attrition[, c("Attrition", "Age", "BusinessTravel", "DailyRate",
                                                                "Department", "Education", "Gender", "JobLevel",
                                                                "MonthlyIncome", "OverTime", "YearsAtCompany")]),
  sacramento = function() as.data.frame(modeldata::Sacramento[, c("city", "beds", "baths", "sqft", "type", "price", "latitude")]),
  lending = function() as.data.frame(modeldata::lending_club[, c("funded_amnt", "term", "int_rate", "sub_grade", "addr_state",
                                                                "emp_length", "annual_inc", "Class")]),
  ToothGrowth = function() ToothGrowth,
  InsectSprays = function() within(InsectSprays, count <- as.integer(count)),
  titanic = function() as.data.frame(Titanic),
  chickwts = function() chickwts
)

# extra columns of the types and names people bring
add_columns <- function(d) {
  n <- nrow(d)
  if (runif(1) < 0.4) d$chr <- sample(sample(odd_levels, sample(2:4, 1)), n, replace = TRUE)
  if (runif(1) < 0.3) d$lgl <- sample(c(TRUE, FALSE), n, replace = TRUE)
  if (runif(1) < 0.3) d$cnt <- sample(0:20, n, replace = TRUE)
  if (runif(1) < 0.25) d$day <- as.Date("2020-01-01") + sample(0:900, n, replace = TRUE)
  if (runif(1) < 0.3) d$odd_fct <- factor(sample(odd_levels[1:3], n, replace = TRUE), levels = odd_levels[c(3, 1, 2, 5)])
  if (runif(1) < 0.2) d$`my var` <- round(rnorm(n, 10, 3), 2)
  if (runif(1) < 0.04) d$`(Intercept)` <- rnorm(n)
  if (runif(1) < 0.15) d$stamp <- as.POSIXct("2021-03-01 08:00:00", tz = sample(c("UTC", "America/New_York"), 1)) +
    sample(0:(86400 * 300), n, replace = TRUE)
  if (runif(1) < 0.15) d$`f 2` <- factor(sample(c("lo w", "hi-gh", "0"), n, replace = TRUE))
  if (runif(1) < 0.2) d$ord <- factor(sample(c("lo", "mid", "hi"), n, replace = TRUE), levels = c("lo", "mid", "hi"), ordered = TRUE)
  d
}

draw_data <- function() {
  name <- sample(names(data_sets), 1)
  d <- add_columns(data_sets[[name]]())
  keep <- sample(names(d), min(ncol(d), sample(3:7, 1)))
  d <- d[, keep, drop = FALSE]
  if (runif(1) < 0.3) {  # some missing values in training
    col <- sample(names(d), 1)
    d[[col]][sample(nrow(d), max(1, nrow(d) %/% 10))] <- NA
  }
  list(name = name, data = d)
}

split_rows <- function(d) {
  idx <- sample(nrow(d))
  n_train <- min(length(idx) - 1, sample(15:50, 1))
  list(train = d[idx[seq_len(n_train)], , drop = FALSE], rest = d[idx[-seq_len(n_train)], , drop = FALSE])
}


draw_outcome <- function(d) {
  nums <- numeric_cols(d); facs <- factor_cols(d)
  if (length(nums) >= 3 && runif(1) < 0.15) return(sample(nums, 2))
  if (length(facs) && runif(1) < 0.3) return(sample(facs, 1))
  if (length(nums)) return(sample(nums, 1))
  if (length(facs)) return(sample(facs, 1))
  sample(names(d), 1)
}

# --- recipes ----------------------------------------------------------------------------------
recipe_steps <- list(
  dummy = function(r) step_dummy(r, all_nominal_predictors()),
  dummy_one_hot = function(r) step_dummy(r, all_nominal_predictors(), one_hot = TRUE),
  normalize = function(r) step_normalize(r, all_numeric_predictors()),
  impute_mean = function(r) step_impute_mean(r, all_numeric_predictors()),
  impute_mode = function(r) step_impute_mode(r, all_nominal_predictors()),
  novel = function(r) step_novel(r, all_nominal_predictors()),
  unknown = function(r) step_unknown(r, all_nominal_predictors()),
  other = function(r) step_other(r, all_nominal_predictors(), threshold = 0.2),
  zv = function(r) step_zv(r, all_predictors()),
  log = function(r) step_log(r, all_numeric_predictors(), offset = 1),
  poly = function(r) step_poly(r, all_numeric_predictors(), degree = 2),
  indicate_na = function(r) step_indicate_na(r, all_predictors()),
  center = function(r) step_center(r, all_numeric_predictors()),
  range = function(r) step_range(r, all_numeric_predictors()),
  ordinalscore = function(r) step_ordinalscore(r, all_ordered_predictors()),
  integer = function(r) step_integer(r, all_nominal_predictors()),
  dummy_other = function(r) step_dummy(step_other(r, all_nominal_predictors(), threshold = 0.3), all_nominal_predictors()),
  novel_dummy = function(r) step_dummy(step_novel(r, all_nominal_predictors()), all_nominal_predictors()),
  rm_first = function(r) step_rm(r, 1),
  id_role = function(r) update_role(r, 1, new_role = "id variable"),
  two_roles = function(r) add_role(r, 2, new_role = "other role")
)


draw_new_data <- function(split) {
  pool <- if (nrow(split$rest) >= 3 && runif(1) < 0.7) split$rest else split$train
  nd <- pool[sample(nrow(pool), min(nrow(pool), sample(1:12, 1))), , drop = FALSE]
  rownames(nd) <- NULL
  chosen <- if (runif(1) < 0.25) character() else sample(names(perturbations), sample(1:2, 1))
  for (p in chosen) nd <- perturbations[[p]](nd, p)
  list(data = nd, perturbations = chosen)
}

# --- one case ---------------------------------------------------------------------------------
captured <- function(expr) {
  warned <- character()
  value <- tryCatch(withCallingHandlers(expr, warning = function(w) {
    warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning")
  }), error = function(e) structure(list(message = conditionMessage(e)), class = "failed"))
  list(value = value, warnings = warned)
}
failed <- function(x) inherits(x, "failed")

save <- function(object, dir, file) saveRDS(object, file.path(dir, file), compress = "xz")
write_text <- function(text, dir, file) writeLines(enc2utf8(text), file.path(dir, file), useBytes = TRUE)

draw_blueprint <- function(kind) {
  intercept <- runif(1) < 0.3
  novel <- runif(1) < 0.3
  switch(kind,
    formula = {
      indicators <- sample(c("traditional", "none", "one_hot"), 1)
      list(blueprint = default_formula_blueprint(indicators = indicators, intercept = intercept,
                                                 allow_novel_levels = novel, composition = "tibble"),
           spec = list(indicators = indicators, intercept = intercept, allow_novel_levels = novel))
    },
    xy = list(blueprint = default_xy_blueprint(intercept = intercept, allow_novel_levels = novel),
              spec = list(intercept = intercept, allow_novel_levels = novel)),
    recipe = {
      strings <- runif(1) < 0.8
      list(blueprint = default_recipe_blueprint(intercept = intercept, allow_novel_levels = novel,
                                                strings_as_factors = strings),
           spec = list(intercept = intercept, allow_novel_levels = novel, strings_as_factors = strings))
    })
}

mold_case <- function(kind, train, outcome, bp) {
  switch(kind,
    formula = {
      f <- as.formula(draw_formula(train, outcome), env = globalenv())
      list(spec = list(formula = paste(deparse(f, width.cutoff = 500L), collapse = " ")),
           run = function() mold(f, train, blueprint = bp))
    },
    xy = {
      preds <- sample(setdiff(names(train), outcome))
      preds <- preds[seq_len(sample(seq_along(preds), 1))]
      y <- if (length(outcome) > 1) train[, outcome, drop = FALSE] else train[[outcome]]
      list(spec = list(predictors = preds, outcomes = outcome),
           run = function() mold(train[, preds, drop = FALSE], y, blueprint = bp))
    },
    recipe = {
      steps <- sample(names(recipe_steps), sample(1:3, 1))
      f <- as.formula(paste(paste(bq(outcome), collapse = " + "), "~ ."), env = globalenv())
      rec <- recipe(f, data = train)
      for (s in steps) rec <- recipe_steps[[s]](rec)
      list(spec = list(steps = steps, outcomes = outcome), run = function() mold(rec, train, blueprint = bp))
    })
}

make_case <- function(seed, i) {
  set.seed(seed * 10000L + i)
  name <- sprintf("s%d_%03d", seed, i)
  dir <- file.path(out, name)
  unlink(dir, recursive = TRUE)
  dir.create(dir)
  drawn <- draw_data()
  split <- split_rows(drawn$data)
  train <- split$train
  rownames(train) <- NULL
  kind <- sample(c("formula", "formula", "formula", "xy", "recipe"), 1)
  outcome <- draw_outcome(train)
  bp <- draw_blueprint(kind)
  molding <- mold_case(kind, train, outcome, bp$blueprint)
  nd <- draw_new_data(split)
  spec <- c(list(case = name, kind = kind, data = drawn$name, perturbations = nd$perturbations),
            molding$spec, bp$spec)
  write_text(toJSON(spec, auto_unbox = TRUE, pretty = TRUE), dir, "spec.json")
  save(train, dir, "train.rds")
  save(nd$data, dir, "new_data.rds")
  molded <- captured(molding$run())
  if (failed(molded$value)) {
    write_text(molded$value$message, dir, "mold_error.txt")
    return(invisible("mold_error"))
  }
  save(molded$value$blueprint, dir, "blueprint.rds")
  save(molded$value$predictors, dir, "predictors.rds")
  save(molded$value$outcomes, dir, "outcomes.rds")
  forged <- captured(forge(nd$data, molded$value$blueprint))
  write_text(forged$warnings, dir, "warnings.txt")
  if (failed(forged$value)) {
    write_text(forged$value$message, dir, "forge_error.txt")
    return(invisible("forge_error"))
  }
  save(forged$value$predictors, dir, "forged.rds")
  invisible("forged")
}

drawn <- if (args[[2]] == "--cases") {
  utils::read.table(args[[3]], col.names = c("seed", "i"), comment.char = "#")
} else {
  first <- if (length(args) >= 4) as.integer(args[[4]]) else 1L
  data.frame(seed = as.integer(args[[2]]), i = seq(first, length.out = as.integer(args[[3]])))
}
outcomes <- mapply(make_case, drawn$seed, drawn$i)
print(table(outcomes))
