# Ground truth of step_window, step_classdist, step_classdist_shrunken and step_depth,
# sourced by make_steps_truth.R (adds to its `data_sets` and `cases`).

win_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9, 1 / 3, 2 / 7),
  k = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L, 9L, 7L),
  s = c(-0.9, -0.5, 0, 0.25, 0.5, 0.75, -0.25, 0.1, -0.1, 0.99, -0.99, 0.3, 0.7, 1e-8),
  y = seq_len(14) / 4
)
win_new <- tibble(
  a = c(NA, 0.1, 0.7, NA, NA, NA, 1e300, 1e300, -1e300, 2.5, Inf, 3, 1 / 3, -0, 0, 5.5),
  k = c(1L, NA, 0L, -3L, 7L, 100L, 2L, 2L, NA, NA, NA, 4L, 5L, 6L, 7L, 8L),
  s = c(0.1, 0.2, 0.3, NaN, 0.1 + 0.2, 1 / 3, 2 / 3, -Inf, 1e-300, 1e-300, 1e-300, 0.7, 0.11,
        0.13, 1e15, 1),
  y = seq_len(16)
)

window_stats <- c("mean", "median", "sd", "var", "sum", "prod", "min", "max")
for (stat in window_stats) {
  local({
    st <- stat
    cases[[paste0("window_", st)]] <<- list("window", y ~ ., function(r)
      step_window(r, a, k, s, statistic = st))
    cases[[paste0("window_", st, "_na")]] <<- list("window", y ~ ., function(r)
      step_window(r, a, k, s, statistic = st, na_rm = FALSE, size = 5,
                  names = paste0(st, c("_a", "_k", "_s"))))
  })
}
cases$window_names <- list("window", y ~ ., function(r)
  step_window(r, a, s, size = 7, statistic = "median", names = c("ma", "ms"),
              keep_original_cols = FALSE, role = "rolled"))

data_sets$window <- list(train = win_train, new = win_new)
