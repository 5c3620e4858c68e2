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
