# Ground truth for pykerasnip.rpart (rpart's C fit replayed in Python): random small data
# sets (numeric, integer, logical, factor and ordered predictors with missing values, many
# ties; numeric or class responses) fitted by rpart with random controls (minsplit,
# minbucket, cp, competitors, surrogates and their use and style, maxdepth, xval).
# Each case keeps the data, the control, the seed set before rpart() (its
# cross-validation groups are drawn from it) and the fit with `call` and `terms` dropped.
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_rpart_truth.R tests/data/rpart/fits.rds
suppressPackageStartupMessages(library(rpart))
if (packageVersion("rpart") != "4.1.19") stop("the ground truth is made with rpart 4.1.19")
out <- commandArgs(TRUE)[1]
set.seed(20261207)

predictor <- function(n) {
  kind <- sample(c("num", "int", "fac", "ord", "lgl"), 1)
  v <- switch(kind,
    num = round(rnorm(n), sample(0:2, 1)),
    int = sample(seq_len(sample(2:6, 1)), n, TRUE),
    fac = factor(sample(letters[seq_len(sample(2:6, 1))], n, TRUE),
                 levels = letters[seq_len(7)]),
    ord = factor(sample(c("l", "m", "h"), n, TRUE), levels = c("l", "m", "h"), ordered = TRUE),
    lgl = sample(c(TRUE, FALSE), n, TRUE))
  if (runif(1) < 0.5) v[sample(n, sample(seq_len(max(1, n %/% 4)), 1))] <- NA
  v
}

make_case <- function() {
  n <- sample(c(8, 15, 30, 60, 120), 1)
  d <- as.data.frame(lapply(seq_len(sample(1:5, 1)), function(j) predictor(n)))
  names(d) <- paste0("x", seq_along(d))
  base <- as.numeric(if (is.factor(d[[1]])) as.integer(d[[1]]) else d[[1]])
  base[is.na(base)] <- 0
  value <- round(base + rnorm(n, sd = runif(1, 0.1, 2)), sample(0:3, 1))
  y <- if (runif(1) < 0.5) factor(cut(value, sample(2:4, 1), labels = FALSE)) else value
  d <- cbind(data.frame(y = y), d)
  minsplit <- sample(c(2, 3, 5, 10, 20), 1)
  control <- rpart.control(minsplit = minsplit, minbucket = sample(c(1, round(minsplit / 3), 4), 1),
                           cp = sample(c(0, 0.001, 0.01, 0.05), 1),
                           maxcompete = sample(c(0, 1, 2, 4), 1), maxsurrogate = sample(c(0, 1, 2, 5), 1),
                           usesurrogate = sample(0:2, 1), surrogatestyle = sample(0:1, 1),
                           maxdepth = sample(c(2, 4, 30), 1), xval = sample(c(0, 0, 1, 3, 10), 1))
  seed <- sample(1e5, 1)
  set.seed(seed)
  fit <- rpart(y ~ ., data = d, control = control)
  fit$call <- NULL
  fit$terms <- NULL
  fit$functions <- NULL
  list(data = d, control = control, seed = seed, fit = fit)
}

cases <- lapply(seq_len(120), function(i) make_case())
dir.create(dirname(out), recursive = TRUE, showWarnings = FALSE)
saveRDS(cases, out, compress = "xz")
cat("wrote", length(cases), "fits to", out, "\n")
