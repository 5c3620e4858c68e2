# Ground truth for pykerasnip.recipes.splines2: seeded random calls of every splines2
# function recipes uses (bSpline, mSpline (periodic too), iSpline, cSpline, naturalSpline,
# bernsteinPoly) with random df, knots, boundary knots, degree, intercept, derivs,
# integral and scale, on training x with ties, NA and signed zeros; each fitted basis is
# then evaluated again from its own attributes on new x (NA, the boundaries, values
# beyond them, infinities), as recipes' bake does. Errors are kept as R's messages.
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_splines2_truth.R tests/data/splines2/calls.rds
suppressPackageStartupMessages(library(splines2))
if (packageVersion("splines2") != "0.4.7") stop("the ground truth is made with splines2 0.4.7")
out_file <- commandArgs(TRUE)[1]
set.seed(20261207)
fns <- c("bSpline", "mSpline", "iSpline", "cSpline", "naturalSpline", "bernsteinPoly")
one_call <- function() {
  fn <- sample(fns, 1)
  n <- sample(c(3, 7, 12), 1)
  train <- switch(sample(4, 1),
    round(rnorm(n, 3, 2), sample(c(0, 1, 8), 1)),
    rexp(n) * 10^sample(-3:5, 1),
    sample(c(-2, 0, 1, 5), n, replace = TRUE) + 0,
    runif(n, -1e3, 1e3))
  if (runif(1) < 0.3) train[sample(n, 1)] <- NA
  rng <- range(train, na.rm = TRUE)
  new <- c(NA, rng, rng[1] - diff(rng) * runif(1), rng[2] + diff(rng) * runif(1) * 3,
           runif(4, rng[1], rng[2]))
  if (runif(1) < 0.15) new <- c(new, Inf, -Inf, 1e300)
  if (fn == "bernsteinPoly" && runif(1) < 0.8) new <- new[is.na(new) | (new >= rng[1] & new <= rng[2])]
  args <- list()
  if (fn != "bernsteinPoly" && runif(1) < 0.9) args$df <- sample(0:8, 1)
  if (fn != "naturalSpline") args$degree <- sample(0:4, 1)
  args$intercept <- runif(1) < 0.5
  if (runif(1) < 0.3) args$derivs <- sample(1:3, 1)
  if (fn %in% c("bSpline", "mSpline", "naturalSpline", "bernsteinPoly") && runif(1) < 0.3)
    args$integral <- TRUE
  if (fn == "mSpline" && runif(1) < 0.5) args$periodic <- TRUE
  if (fn == "cSpline" && runif(1) < 0.3) args$scale <- FALSE
  if (fn != "bernsteinPoly" && runif(1) < 0.2) args$knots <- sort(runif(sample(1:3, 1), rng[1], rng[2]))
  if (runif(1) < 0.15) args$Boundary.knots <- rng + diff(rng) * c(-0.5, 0.5) * runif(1, -0.5, 1)
  f <- getExportedValue("splines2", fn)
  matrix_of <- function(m) matrix(as.vector(m), nrow(m))
  out <- tryCatch({
    fit <- suppressWarnings(do.call(f, c(list(x = train), args)))
    a <- attributes(fit)
    a$x <- NULL; a$class <- NULL; a$dimnames <- NULL
    baked <- tryCatch(matrix_of(suppressWarnings(do.call(f, c(a, list(x = new))))),
                      error = function(e) conditionMessage(e))
    list(fit = matrix_of(fit), attrs = a, baked = baked)
  }, error = function(e) list(error = conditionMessage(e)))
  list(fn = fn, train = train, new = new, args = args, out = out)
}
calls <- replicate(300, one_call(), simplify = FALSE)
saveRDS(calls, out_file)
