# The splines2 steps (step_spline_*, step_poly_bernstein): data and cases added to those
# of make_steps_truth.R, which sources this file. New data hold missing values, both
# training boundaries and values beyond them (step_poly_bernstein refuses those, so its
# cases bake only values inside the training range).
spline_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9, NA, 3.7, 8.2,
        1.8, 6.6, 4.05, 2.45, 5.05),
  b = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L, 9L, 7L, 9L, 3L, 2L, 3L, 8L, 4L),
  c = c(-0.9, -0.5, 0, 0.25, 0.5, 0.75, -0.25, 0.1, -0.1, 0.99, -0.99, 0.3, 0.45, -0.6,
        0.8, -0.35, 0.05, 0.6, -0.8, 0.2),
  y = seq(0.5, 10, by = 0.5)
)
spline_new <- tibble(
  a = c(NA, 0.125, 9.75, 0, -3, 12.5, 5, 2.2, 0.13, 9.7),
  b = c(1L, NA, 9L, 0L, 10L, 5L, 3L, -2L, 4L, 6L),
  c = c(-0.99, 0.99, NA, -1.5, 2, 0, 0.33, -0.75, 1, -1),
  y = 1:10
)
spline_inside <- tibble(
  a = c(NA, 0.125, 9.75, 5, 2.2, 0.13, 9.7, 4.4),
  b = c(1L, NA, 9L, 5L, 3L, 4L, 6L, 1L),
  c = c(-0.99, 0.99, NA, 0, 0.33, -0.75, 0.5, -0.5),
  y = 1:8
)
data_sets$spline <- list(train = spline_train, new = spline_new)
data_sets$spline_inside <- list(train = spline_train, new = spline_inside)

cases <- c(cases, list(
  spline_b = list("spline", y ~ ., function(r) step_spline_b(r, a, b)),
  spline_b_options = list("spline", y ~ ., function(r)
    step_spline_b(r, a, c, deg_free = 5, degree = 2, complete_set = TRUE,
                  keep_original_cols = TRUE)),
  spline_b_knots = list("spline", y ~ ., function(r)
    step_spline_b(r, a, degree = 1, options = list(knots = c(2, 5.5, 8)))),
  spline_b_deriv = list("spline", y ~ ., function(r)
    step_spline_b(r, a, deg_free = 6, options = list(derivs = 1, Boundary.knots = c(-1, 11)))),
  spline_b_integral = list("spline", y ~ ., function(r)
    step_spline_b(r, c, deg_free = 4, degree = 0, options = list(integral = TRUE))),
  spline_convex = list("spline", y ~ ., function(r) step_spline_convex(r, a, c)),
  spline_convex_options = list("spline", y ~ ., function(r)
    step_spline_convex(r, a, deg_free = 4, degree = 2, complete_set = FALSE,
                       keep_original_cols = TRUE)),
  spline_convex_unscaled = list("spline", y ~ ., function(r)
    step_spline_convex(r, c, deg_free = 5, options = list(scale = FALSE))),
  spline_monotone = list("spline", y ~ ., function(r) step_spline_monotone(r, a, b)),
  spline_monotone_options = list("spline", y ~ ., function(r)
    step_spline_monotone(r, c, deg_free = 6, degree = 2, complete_set = FALSE,
                         options = list(Boundary.knots = c(-1.2, 1.2)),
                         keep_original_cols = TRUE)),
  spline_natural = list("spline", y ~ ., function(r) step_spline_natural(r, a, c)),
  spline_natural_options = list("spline", y ~ ., function(r)
    step_spline_natural(r, a, deg_free = 3, complete_set = TRUE,
                        options = list(knots = c(3, 6)), keep_original_cols = TRUE)),
  spline_nonnegative = list("spline", y ~ ., function(r) step_spline_nonnegative(r, a, b)),
  spline_nonnegative_periodic = list("spline", y ~ ., function(r)
    step_spline_nonnegative(r, c, deg_free = 6, degree = 2, options = list(periodic = TRUE))),
  spline_nonnegative_options = list("spline", y ~ ., function(r)
    step_spline_nonnegative(r, a, deg_free = 7, degree = 4, complete_set = TRUE,
                            options = list(integral = TRUE), keep_original_cols = TRUE)),
  poly_bernstein = list("spline_inside", y ~ ., function(r) step_poly_bernstein(r, a, c)),
  poly_bernstein_options = list("spline_inside", y ~ ., function(r)
    step_poly_bernstein(r, b, degree = 3, complete_set = TRUE,
                        options = list(derivs = 1), keep_original_cols = TRUE))
))
