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

# qr() (LINPACK dqrdc2, with rank-deficient matrices), qr.qty(), qr.qy(), La.svd() and
# eigen(symmetric = TRUE) of random matrices, into decompositions.rds beside cases.rds.
set.seed(2)
dec <- lapply(1:40, function(i) {
  p <- sample(1:6, 1); n <- p + sample(0:12, 1)
  x <- matrix(rnorm(n * p), n, p) * 10^runif(1, -3, 3)
  if (i %% 5 == 0 && p > 2) x[, 2] <- x[, 1] * 3 - x[, p]
  if (i %% 7 == 0) x <- round(x, 2)
  q <- qr(x)
  y <- matrix(rnorm(n * 3), n, 3)
  s <- La.svd(x)
  e <- eigen(crossprod(x), symmetric = TRUE)
  list(x = x, qr = q$qr, qraux = q$qraux, rank = q$rank, pivot = q$pivot, y = y,
       qty = qr.qty(q, y), qy = qr.qy(q, y), d = s$d, u = s$u, vt = s$vt,
       values = e$values, vectors = e$vectors)
})
saveRDS(dec, file.path(dirname(commandArgs(TRUE)[1]), "decompositions.rds"))

# crossprod(x, y) and crossprod(x) (BLAS dgemm/dgemv "T" and dsyrk, R's own loop when a
# value is NaN) and svd(x, nu = 0, nv = 0)$d (dgesdd, jobz = "N"), into products.rds.
set.seed(3)
prods <- lapply(1:30, function(i) {
  p <- sample(1:5, 1); n <- sample(1:40, 1); q <- sample(1:3, 1)
  x <- matrix(rnorm(n * p), n, p) * 10^runif(1, -3, 3)
  y <- matrix(rnorm(n * q), n, q)
  if (i %% 6 == 0) x[sample(length(x), 1)] <- NaN
  if (i %% 4 == 0) y[, 1] <- -0
  list(x = x, y = y, xy = crossprod(x, y), xx = crossprod(x),
       d = if (anyNA(x)) NULL else svd(x, nu = 0, nv = 0)$d)
})
saveRDS(prods, file.path(dirname(commandArgs(TRUE)[1]), "products.rds"))

# chol() (LAPACK dpotrf on the upper triangle) of random covariance matrices, into chol.rds
# beside cases.rds; the joint multistep draws multiply R's normals by it.
set.seed(3)
ch <- lapply(1:30, function(i) {
  p <- sample(1:6, 1)
  x <- crossprod(matrix(rnorm((p + 3) * p), p + 3, p)) * 10^runif(1, -4, 4)
  list(x = x, chol = chol(x))
})
saveRDS(ch, file.path(dirname(commandArgs(TRUE)[1]), "chol.rds"))
