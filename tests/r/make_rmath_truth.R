# R's var() on vectors whose deviations need long double to round as R rounds them.
# Run: Rscript tests/r/make_rmath_truth.R tests/data/rmath
out <- commandArgs(TRUE)[1]
set.seed(3)
xs <- lapply(1:300, function(i) rnorm(sample(2:60, 1)) * 10^sample(-3:3, 1) + sample(0:999, 1))
xs[[301]] <- c(1e308, -1e308, 0)
xs[[302]] <- c(NA, 1, 2.5)
saveRDS(list(x = xs, var = vapply(xs, var, 0, na.rm = TRUE)), file.path(out, "var.rds"))
# poly(x, raw = TRUE): outer(x, 1:degree, "^"), R's `^` (x * x for squares, pow() else)
px <- c(rnorm(200) * 10^sample(-3:3, 200, TRUE), 3.85)
saveRDS(list(x = px, raw = unclass(poly(px, 5, raw = TRUE))[, 1:5]), file.path(out, "poly_raw.rds"))
# poly(x, degree)'s coefs: LINPACK's dqrdc2 and dqrsl over the reference BLAS, long-double colSums
xs <- lapply(1:120, function(i) { x <- rnorm(sample(8:400, 1), sample(-50:50, 1), 10^sample(-1:3, 1)); if (i %% 3 == 0) round(x, 2) else x })
xs[[121]] <- c(1, 2, 3, 4, 5, 6, 7, 8, 9, 1e6)
degrees <- c(pmin(sample(1:4, 120, TRUE), vapply(xs[1:120], function(x) length(unique(x)) - 1L, 1L)), 3L)
coefs <- Map(function(x, d) attr(poly(x, d), "coefs"), xs, degrees)
saveRDS(list(x = xs, degree = degrees, alpha = lapply(coefs, `[[`, "alpha"), norm2 = lapply(coefs, `[[`, "norm2")),
        file.path(out, "poly_coefs.rds"))
