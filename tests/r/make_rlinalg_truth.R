# Ground truth of pykerasnip.rlinalg: cov(), solve(), colMeans() and mahalanobis() of
# random matrices of varied shapes and scales (some rounded, some new rows missing).
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_rlinalg_truth.R tests/data/rlinalg/cases.rds
set.seed(1)
res <- list()
while (length(res) < 80) {
  p <- sample(1:6, 1); n <- p + sample(2:15, 1)
  scale <- 10^runif(p, -3, 3)
  x <- matrix(rnorm(n * p), n, p) %*% matrix(rnorm(p * p), p, p)
  x <- sweep(x, 2, scale, "*") + rnorm(p) * 10^runif(1, -2, 4)
  if (length(res) %% 3 == 0) x <- round(x, 6)
  cv <- cov(x)
  inv <- tryCatch(solve(cv), error = function(e) NULL)
  if (is.null(inv)) next
  newx <- matrix(rnorm(5 * p), 5, p) * scale
  if (length(res) %% 4 == 0) newx[2, 1] <- NA
  res[[length(res) + 1]] <- list(x = x, cov = cv, inv = inv, means = colMeans(x), new = newx,
                                 distances = mahalanobis(newx, colMeans(x), cv))
}
saveRDS(res, commandArgs(TRUE)[1])
