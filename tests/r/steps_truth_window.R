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

# -- class distances: three classes met in another order than their levels --------------
cd_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9, 1 / 3, 2 / 7, 4.25,
        3.3, 8.1, 0.7, 2.6, 5.05, 6.6, 1.9, 7.2, 3.75),
  b = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L, 9L, 7L, 9L, 3L, 2L, 3L, 8L, 4L, 6L, 2L,
        6L, 4L),
  c = c(-0.9, -0.5, 0, 0.25, 0.5, 0.75, -0.25, 0.1, -0.1, 0.99, -0.99, 0.3, 0.7, 1e-3, 0.45,
        -0.35, 0.2, 0.15, -0.6, 0.85, -0.05, 0.55, 0.4, -0.75),
  cls = factor(rep(c("mid", "hi", "lo"), 8), levels = c("lo", "mid", "hi")),
  y = seq_len(24) / 8
)
cd_new <- tibble(
  a = c(NA, 0, 2.5, 1e10, -3, 5.5, 0.5),
  b = c(1L, NA, 0L, 4L, 100L, 5L, 3L),
  c = c(0.1, 0.2, NA, 0, -1, 1, -0.9),
  cls = factor(c("lo", "hi", NA, "mid", "lo", "hi", "mid"), levels = c("lo", "mid", "hi")),
  y = seq_len(7)
)
# the shrunken centroids accept missing training values and count empty levels
cds_train <- cd_train
cds_train$a[c(2, 9)] <- NA
cds_train$cls <- factor(as.character(cd_train$cls), levels = c("lo", "none", "mid", "hi"))

cases$classdist <- list("classdist", y ~ ., function(r) step_classdist(r, a, b, c, class = "cls"))
cases$classdist_pool <- list("classdist", y ~ ., function(r)
  step_classdist(r, all_numeric_predictors(), class = "cls", pool = TRUE, log = FALSE,
                 prefix = "cd_", keep_original_cols = FALSE))
cases$classdist_median <- list("classdist", y ~ ., function(r)
  step_classdist(r, a, c, class = "cls", mean_func = median, role = "dist"))
cases$classdist_shrunken <- list("classdist", y ~ ., function(r)
  step_classdist_shrunken(r, a, b, c, class = "cls"))
cases$classdist_shrunken_options <- list("classdist_na", y ~ ., function(r)
  step_classdist_shrunken(r, all_numeric_predictors(), class = "cls", threshold = 0.2,
                          sd_offset = 0.9, log = FALSE, prefix = "sc_",
                          keep_original_cols = FALSE, role = "shrunk"))
cases$classdist_shrunken_zero <- list("classdist", y ~ ., function(r)
  step_classdist_shrunken(r, a, c, class = "cls", threshold = 0, sd_offset = 0))
cases$classdist_shrunken_full <- list("classdist", y ~ ., function(r)
  step_classdist_shrunken(r, b, class = "cls", threshold = 1, sd_offset = 1))

data_sets$classdist <- list(train = cd_train, new = cd_new)
data_sets$classdist_na <- list(train = cds_train, new = cd_new)

# -- data depth: two classes in two or three dimensions ----------------------------------
dp_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9, 1 / 3, 2 / 7, 4.25,
        3.3, 8.1, 0.7, 2.6, 5.05),
  b = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L, 9L, 7L, 9L, 3L, 2L, 3L, 8L, 4L),
  c = c(-0.9, -0.5, 0, 0.25, 0.5, 0.75, -0.25, 0.1, -0.1, 0.99, -0.99, 0.3, 0.7, 1e-3, 0.45,
        -0.35, 0.2, 0.15, -0.6, 0.85),
  cls = factor(rep(c("u", "v"), 10)),
  y = seq_len(20) / 8
)
dp_new <- tibble(
  a = c(NA, 0, 2.5, 1e3, 4.4, 3.3, 5.5, 2.9),
  b = c(1L, NA, 4L, 4L, 2L, 3L, 5L, 4L),
  c = c(0.1, 0.2, 0.3, 0, -0.25, 0.05, 0.4, 0),
  cls = factor(c("u", "v", NA, "u", "v", "u", "v", "u")),
  y = seq_len(8)
)
data_sets$depth <- list(train = dp_train, new = dp_new)
# ddalpha's C code stops on missing or infinite values (.C): complete rows only
data_sets$depth_complete <- list(train = dp_train, new = dp_new[-(1:2), ])

depth_case <- function(metric, ..., cols = quote(c(a, b, c)), data = "depth_complete") {
  list(data, y ~ ., function(r) step_depth(r, !!cols, class = "cls", metric = metric, ...))
}
cases$depth_mahalanobis <- depth_case("Mahalanobis", data = "depth")
cases$depth_spatial <- depth_case("spatial", data = "depth")
cases$depth_spatial_none <- depth_case("spatial", options = list(mah.estimate = "none"),
                                       prefix = "sp_", keep_original_cols = FALSE,
                                       data = "depth")
cases$depth_potential <- depth_case("potential", cols = quote(c(a, c)))
cases$depth_potential_options <- depth_case(
  "potential", options = list(pretransform = NULL, kernel = "EDKernel", kernel.bandwidth = 0.5))
cases$depth_zonoid_seed <- depth_case("zonoid", options = list(seed = 5))
cases$depth_simplicial_volume <- depth_case("simplicialVolume", options = list(exact = TRUE))
cases$depth_simplicial_volume_seed <- depth_case(
  "simplicialVolume", options = list(seed = 3, k = 0.5, mah.estimate = "none"))
cases$depth_halfspace_exact <- depth_case("halfspace", options = list(exact = TRUE),
                                          role = "depth")
cases$depth_halfspace_plane <- depth_case("halfspace", options = list(exact = TRUE,
                                                                      method = "plane"))
cases$depth_halfspace_line <- depth_case("halfspace", options = list(method = 3))
cases$depth_halfspace_seed <- depth_case("halfspace", options = list(seed = 11,
                                                                     num.directions = 50))

# ddalpha seeds its C++ random engine with time(NULL) when seed = 0 (the default): these
# cases are made within one second of the clock, which clock.txt records
clock_cases <- c("depth_zonoid", "depth_halfspace", "depth_simplicial_volume_random")
cases$depth_zonoid <- depth_case("zonoid")
cases$depth_halfspace <- depth_case("halfspace", cols = quote(c(a, c)))
cases$depth_simplicial_volume_random <- depth_case("simplicialVolume")

make_case_at_any_time <- make_case
make_case <- function(name) {
  if (!name %in% clock_cases) return(make_case_at_any_time(name))
  repeat {
    # start early in a second (but not at its very start, where the coarse clock
    # time() reads may lag) so that the case ends within it
    while (findInterval(as.numeric(Sys.time()) %% 1, c(0.05, 0.3)) != 1) Sys.sleep(0.01)
    start <- as.integer(Sys.time())
    make_case_at_any_time(name)
    if (as.integer(Sys.time()) == start) break
  }
  writeLines(as.character(start), file.path(out_root, name, "clock.txt"))
}
