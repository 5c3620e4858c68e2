# A randomized differential trial of recipes 1.3.2 step chains: case i of seed S draws,
# after set.seed(S * 1000 + i), a data set (base R or modeldata, a random subset of rows
# and columns, sometimes with missing values, odd level names, character, logical, Date
# or POSIXct columns) and a chain of 1 to 5 steps from the grammar (tests/r/random_recipe_grammar.R), each with random
# arguments and selectors fitting the columns the chain so far leaves (found by prepping
# it). Each case is written by recipe_case() (tests/r/recipe_cases.R; prep() right after
# set.seed(1), bake() too), with recipe.txt:
# the chain as R code, for reading (the tests never run it).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_random_recipes.R OUT SEED N [i,j,...]
#
# Not drawn: the steps whose prep stays in R (step_isomap, step_nnmf, step_nnmf_sparse:
# PREP_EXCEPTIONS), R functions as arguments (a `naming` function runs R code), and the
# documented settings PARTIAL_PREP_EXCEPTIONS leaves to R (step_impute_bag next to date
# predictors, step_pls with more than three classes).
#
# draws cases 1..N of SEED into OUT (only cases i, j, ... when given). The committed set,
# tests/data/random_recipes, is made by the calls in tests/data/random_recipes/MAKE.

suppressPackageStartupMessages({library(recipes); library(modeldata)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "random_recipe_grammar.R"))
list2env(generator_args(), environment())  # out, seed, n_cases, only

trace <- nzchar(Sys.getenv("RANDOM_RECIPES_TRACE"))  # each case's number and steps on stderr

draw_case <- function(i) {
  if (trace) message(i, ": start")
  set.seed(seed * 1000 + i)
  setTimeLimit(elapsed = 60, transient = TRUE)  # a case R takes too long over is dropped
  on.exit(setTimeLimit())
  data <- draw_data()
  rec <- recipe(as.formula(paste(tick(data$y), "~ .")), data = data$train)
  text <- paste0("recipe(", tick(data$y), " ~ ., data = train)")
  for (k in seq_len(sample(1:5, 1))) {
    s <- tryCatch(state(rec, data$train), error = function(e) NULL)
    if (is.null(s)) break
    s$y <- s$y[1]
    usable <- Filter(function(g) fits(g[[1]], s), grammar)
    if (!length(usable)) break
    call <- one(usable)[[2]](s)
    assign("rec", rec, globalenv())  # so the steps' quosures keep the global environment
    rec <- withCallingHandlers(eval(str2lang(paste("rec |>", call)), globalenv()),
                               error = function(e) message("while adding ", call))
    text <- paste(text, "|>\n  ", call)
    if (trace) message(i, ": ", call)
  }
  name <- sprintf("s%d_%03d", seed, i)
  recipe_case(out, name, rec, data$train, data$new, quietly = TRUE, prep_seed = 1)
  writeLines(text, file.path(out, name, "recipe.txt"))
  error <- file.path(out, name, "error.txt")
  if (file.exists(error) && any(grepl("elapsed time limit", readLines(error)))) unlink(file.path(out, name), recursive = TRUE)
}

for (i in only) {
  tryCatch(draw_case(i), error = function(e) message(sprintf("case %d not drawn: %s", i, conditionMessage(e))))
}
