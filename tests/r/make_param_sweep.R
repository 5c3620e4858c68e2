# A sweep of recipes 1.3.2 steps with non-default arguments, on base R data sets and small
# synthetic frames (level names with spaces, accents and symbols), that the step ground
# truth does not use. Each folder holds the recipe before and after prep(), its training
# data, new data and R's bake() of it (right after set.seed(1), for the steps that draw),
# or error.txt with R's message where prep() or bake() stops.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_param_sweep.R tests/data/param_sweep

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
unlink(out, recursive = TRUE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({library(recipes); library(kerasnip)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
case <- function(...) recipe_case(out, ..., quietly = TRUE)
set.seed(2024)

# --- centring, scaling, ranges -------------------------------------------------------
aq <- airquality[1:60, ]
case("normalize_na_rm_false", recipe(Ozone ~ ., aq) |> step_normalize(Solar.R, Wind, na_rm = FALSE), aq, aq[c(1, 5, 11, 40), ])
case("center_scale_factor2", recipe(Ozone ~ ., aq) |> step_center(Temp, Solar.R, na_rm = FALSE) |>
       step_scale(Wind, Solar.R, factor = 2, na_rm = TRUE), aq, aq[c(2, 5, 27), ])
const <- data.frame(y = 1:12, k = 3, v = c(1:11, 1e6), w = rep(c(1e-8, 2e-8), 6))
case("scale_zero_sd", recipe(y ~ ., const) |> step_scale(all_predictors()) |> step_center(all_predictors()), const, const[c(1, 12), ])
case("normalize_zero_sd", recipe(y ~ ., const) |> step_normalize(all_predictors()), const, const[c(1, 12), ])
case("range_no_clip", recipe(mpg ~ ., mtcars) |> step_range(disp, hp, min = -1, max = 1, clipping = FALSE),
     mtcars[1:20, ], mtcars[c(1, 21, 31), ])
case("range_clip_custom", recipe(mpg ~ ., mtcars) |> step_range(wt, qsec, min = 10, max = 20),
     mtcars[1:20, ], mtcars[c(1, 16, 22), ])
case("spatialsign_na_rm_false", recipe(Ozone ~ ., aq) |> step_spatialsign(Solar.R, Wind, Temp, na_rm = FALSE), aq, aq[c(1, 5, 11), ])
case("spatialsign_na_rm_true", recipe(Ozone ~ ., aq) |> step_spatialsign(Solar.R, Wind, Temp, na_rm = TRUE), aq, aq[c(1, 5, 11), ])

# --- transforms ----------------------------------------------------------------------
case("yeojohnson_limits", recipe(stack.loss ~ ., stackloss) |> step_YeoJohnson(all_predictors(), limits = c(-1, 1), num_unique = 3),
     stackloss, stackloss[c(1, 7, 21), ])
yj <- data.frame(y = rnorm(40), a = c(NA, rexp(39) - 0.3), b = rep(1:4, 10), c = rnorm(40, 10))
case("yeojohnson_na_rm_false", recipe(y ~ ., yj) |> step_YeoJohnson(all_predictors(), na_rm = FALSE, num_unique = 4), yj, yj[1:4, ])
case("boxcox_limits", recipe(Volume ~ ., trees) |> step_BoxCox(all_numeric(), limits = c(-2, 2), num_unique = 3), trees, trees[c(1, 15, 31), ])
case("log_base2_offset", recipe(mpg ~ ., mtcars) |> step_log(disp, hp, base = 2, offset = 1) |> step_log(drat, base = 10),
     mtcars, mtcars[c(1, 9), ])
sg <- data.frame(y = 1:8, x = c(-100, -1.5, -0.5, 0, 0.5, 1, 10, NA))
case("log_signed", recipe(y ~ x, sg) |> step_log(x, signed = TRUE), sg, sg)
case("sqrt_inverse_offset", recipe(y ~ x, sg) |> step_mutate(x2 = abs(x)) |> step_sqrt(x2) |> step_inverse(x, offset = 2), sg, sg)
case("hyperbolic_inverse_cosh", recipe(Volume ~ ., trees) |> step_hyperbolic(Girth, func = "cosh", inverse = TRUE) |>
       step_hyperbolic(Height, func = "sinh", inverse = TRUE), trees, trees[1:4, ])
pr <- data.frame(y = 1:7, p = c(0, 0.001, 0.25, 0.5, 0.999, 1, NA))
case("logit_offset", recipe(y ~ p, pr) |> step_logit(p, offset = 0.001), pr, pr)
case("logit_out_of_range", recipe(y ~ p, pr) |> step_logit(p), pr, pr)
case("relu_shift_reverse", recipe(mpg ~ ., mtcars) |> step_relu(wt, shift = 3, prefix = "hinge_") |>
       step_relu(qsec, shift = 18, reverse = TRUE), mtcars, mtcars[c(1, 5, 20), ])
case("percentile_probs", recipe(mag ~ ., quakes[1:200, ]) |> step_percentile(depth, stations, options = list(probs = (0:10) / 10)),
     quakes[1:200, ], quakes[c(1, 300, 500, 900), ])
case("percentile_outside", recipe(mag ~ ., quakes[1:200, ]) |> step_percentile(depth, options = list(probs = c(0, 0.3, 0.7, 1)), outside = "lower"),
     quakes[1:200, ], data.frame(lat = 0, long = 0, depth = c(1, 50, 700), mag = 4, stations = 10))
case("percentile_outside_both", recipe(mag ~ ., quakes[1:100, ]) |> step_percentile(stations, outside = "both"),
     quakes[1:100, ], data.frame(lat = 0, long = 0, depth = 1, mag = 4, stations = c(1, 20, 500)))

# --- splines and polynomials ---------------------------------------------------------
case("ns_deg_free4", recipe(eruptions ~ waiting, faithful[1:120, ]) |> step_ns(waiting, deg_free = 4),
     faithful[1:120, ], data.frame(waiting = c(43, 70, 96, 100), eruptions = 0))
case("ns_knots_option", recipe(eruptions ~ waiting, faithful[1:120, ]) |> step_ns(waiting, deg_free = 3, options = list(knots = c(60, 80)), keep_original_cols = TRUE),
     faithful[1:120, ], data.frame(waiting = c(43, 70, 96), eruptions = 0))
case("bs_degree2", recipe(Volume ~ ., trees) |> step_bs(Girth, deg_free = 5, degree = 2) |> step_bs(Height, degree = 1, deg_free = 2),
     trees, trees[c(1, 16, 31), ])
case("bs_boundary", recipe(weight ~ height, women) |> step_bs(height, options = list(Boundary.knots = c(50, 80)), keep_original_cols = TRUE),
     women, data.frame(height = c(50, 60.5, 79), weight = 0))
case("poly_raw_degree3", recipe(weight ~ height, women) |> step_poly(height, degree = 3, options = list(raw = TRUE)),
     women, data.frame(height = c(55, 60.5, 75, 80), weight = 0))
case("poly_orth_degree4", recipe(mpg ~ ., mtcars) |> step_poly(wt, degree = 4, keep_original_cols = TRUE), mtcars, mtcars[c(1, 15), ])
case("spline_nonneg_periodic", recipe(y ~ hour, data.frame(hour = seq(0, 23.5, by = 0.5), y = 1)) |>
       step_spline_nonnegative(hour, deg_free = 6, options = list(periodic = TRUE, Boundary.knots = c(0, 24))),
     data.frame(hour = seq(0, 23.5, by = 0.5), y = 1), data.frame(hour = c(0, 5.25, 23.9), y = 1))
case("spline_convex_degree2", recipe(eruptions ~ waiting, faithful[1:100, ]) |> step_spline_convex(waiting, deg_free = 5, degree = 2, complete_set = FALSE),
     faithful[1:100, ], data.frame(waiting = c(45, 70, 95), eruptions = 0))
case("spline_b_complete", recipe(eruptions ~ waiting, faithful[1:100, ]) |> step_spline_b(waiting, deg_free = 4, degree = 3, complete_set = TRUE, keep_original_cols = TRUE),
     faithful[1:100, ], data.frame(waiting = c(45, 70, 95), eruptions = 0))
case("harmonic_starting_val", recipe(y ~ day, data.frame(day = 1:60, y = sin(1:60))) |>
       step_harmonic(day, frequency = 1:3, cycle_size = 7, starting_val = 2),
     data.frame(day = 1:60, y = sin(1:60)), data.frame(day = c(0, 2, 9.5, NA), y = 0))

# --- binning -------------------------------------------------------------------------
case("discretize_breaks5", recipe(mag ~ ., quakes[1:150, ]) |> step_discretize(depth, stations, num_breaks = 5, min_unique = 3),
     quakes[1:150, ], quakes[c(1, 2, 151, 700, 1000), ])
case("discretize_prefix", recipe(mpg ~ ., mtcars) |> step_discretize(qsec, num_breaks = 3, options = list(prefix = "q_", labels = NULL)),
     mtcars, rbind(mtcars[1:3, ], transform(mtcars[4, ], qsec = NA)))
case("discretize_too_few", recipe(mpg ~ ., mtcars) |> step_discretize(cyl, gear, num_breaks = 4, min_unique = 5), mtcars, mtcars[1:3, ])
case("cut_inside_only", recipe(mpg ~ ., mtcars) |> step_cut(hp, breaks = c(100, 200)) |> step_cut(disp, breaks = 300),
     mtcars[1:20, ], data.frame(mtcars[c(1, 21), ], row.names = NULL) |> transform(hp = c(30, 400)))
case("cut_outside", recipe(mpg ~ ., mtcars) |> step_cut(hp, breaks = c(100, 200), include_outside_range = TRUE),
     mtcars[1:20, ], data.frame(mtcars[c(1, 21), ], row.names = NULL) |> transform(hp = c(30, 400)))

# --- factors: levels with odd names ----------------------------------------------------
odd <- data.frame(
  y = rnorm(60),
  colour = factor(sample(c("dark red", "Grün", "blue+green", "1st", "a-b", "x y"), 60, TRUE)),
  size = factor(sample(c("S", "M", "L", "XL"), 60, TRUE, prob = c(0.4, 0.3, 0.25, 0.05)), levels = c("S", "M", "L", "XL")),
  grade = factor(sample(c("low", "mid", "high"), 60, TRUE), levels = c("low", "mid", "high"), ordered = TRUE),
  txt = sample(c("café", "naïve", "über", "A B", "%pct", "tab\there"), 60, TRUE),
  stringsAsFactors = FALSE)
odd_new <- data.frame(y = 0, colour = factor(c("Grün", "x y", "purple", NA)), size = factor(c("XL", "S", NA, "M")),
                      grade = factor(c("mid", NA, "high", "low"), levels = c("low", "mid", "high"), ordered = TRUE),
                      txt = c("café", "new one", NA, "A B"), stringsAsFactors = FALSE)
case("dummy_one_hot_odd_levels", recipe(y ~ ., odd) |> step_dummy(colour, size, one_hot = TRUE), odd, odd_new)
clash <- data.frame(y = 1:6, g = factor(c("x.y", "x y", "x_y", "x.y", "x y", "x_y")))
case("dummy_name_collision", recipe(y ~ g, clash) |> step_dummy(g, one_hot = TRUE), clash, clash[1:2, ])
blank <- data.frame(y = 1:8, g = factor(c("", "a", "", "b", "a", " ", "b", "")), s = c("", "u", "v", "", "u", "v", NA, "u"))
case("blank_levels", recipe(y ~ ., blank) |> step_string2factor(s) |> step_other(g, threshold = 2) |> step_dummy(g, s),
     blank, blank[c(1, 6, 7), ])
case("blank_levels_novel", recipe(y ~ ., blank) |> step_novel(g) |> step_integer(s), blank, data.frame(y = 1, g = c("", "zz"), s = c("", "w")))
case("dummy_keep_original", recipe(y ~ ., odd) |> step_dummy(colour, keep_original_cols = TRUE) |> step_dummy(grade), odd, odd_new)
case("dummy_ordered_one_hot", recipe(y ~ ., odd) |> step_dummy(grade, one_hot = TRUE), odd, odd_new)
case("dummy_string_input", recipe(y ~ ., odd) |> step_string2factor(txt) |> step_dummy(txt), odd, odd_new)
case("other_count_threshold", recipe(y ~ ., odd) |> step_other(colour, size, threshold = 9, other = "misc"), odd, odd_new)
case("other_prop_threshold", recipe(y ~ ., odd) |> step_other(colour, threshold = 0.16, other = "rare ones") |> step_dummy(colour),
     odd, odd_new)
case("other_level_clash", recipe(y ~ ., odd) |> step_other(colour, threshold = 0.1, other = "Grün"), odd, odd_new)
case("other_on_strings", recipe(y ~ ., odd) |> step_other(txt, threshold = 0.2), odd, odd_new)
case("novel_new_level", recipe(y ~ ., odd) |> step_novel(colour, size, new_level = "never seen") |> step_dummy(colour), odd, odd_new)
case("novel_level_clash", recipe(y ~ ., odd) |> step_novel(colour, new_level = "x y"), odd, odd_new)
case("unknown_new_level", recipe(y ~ ., odd) |> step_unknown(colour, grade, new_level = "n/a"), odd, odd_new)
case("unknown_then_novel_dummy", recipe(y ~ ., odd) |> step_novel(colour) |> step_unknown(colour, new_level = "missing value") |>
       step_dummy(colour, one_hot = TRUE), odd, odd_new)
case("string2factor_levels_ordered", recipe(y ~ ., odd) |>
       step_string2factor(txt, levels = c("über", "naïve", "café", "A B"), ordered = TRUE), odd, odd_new)
case("string2factor_then_integer", recipe(y ~ ., odd) |> step_string2factor(txt) |> step_integer(txt, colour, zero_based = TRUE),
     odd, odd_new)
case("integer_not_strict", recipe(y ~ ., odd) |> step_integer(colour, grade, strict = FALSE), odd, odd_new)
case("ordinalscore_grade", recipe(y ~ ., odd) |> step_ordinalscore(grade), odd, odd_new)
case("factor2string_unorder", recipe(y ~ ., odd) |> step_unorder(grade) |> step_factor2string(colour, grade), odd, odd_new)
case("relevel_odd", recipe(y ~ ., odd) |> step_relevel(colour, ref_level = "x y") |> step_dummy(colour), odd, odd_new)
case("relevel_missing_level", recipe(y ~ ., odd) |> step_relevel(colour, ref_level = "nope"), odd, odd_new)
case("bin2factor_ref_last", recipe(mpg ~ ., mtcars) |> step_bin2factor(am, vs, levels = c("auto matic", "manuäl"), ref_first = FALSE),
     mtcars, mtcars[c(1, 3, 5), ])
case("num2factor_levels", recipe(mpg ~ ., mtcars) |> step_num2factor(gear, levels = c("one", "two", "three", "four", "five")),
     mtcars, mtcars[c(1, 3, 5), ])
wb <- warpbreaks
case("interact_factors", recipe(breaks ~ ., wb) |> step_dummy(wool, tension) |>
       step_interact(terms = ~ starts_with("wool"):starts_with("tension")), wb, wb[c(1, 20, 40, 54), ])
case("interact_three_way", recipe(Volume ~ ., trees) |> step_interact(~ Girth:Height + Girth:Height:Volume, sep = "__by__"),
     trees, trees[1:3, ])
case("dummy_multi_choice_threshold", recipe(~ ., data.frame(a = c("x y", "z", NA, "w", "x y", "z"), b = c("z", NA, "w", "q", "q", "x y"))) |>
       step_dummy_multi_choice(a, b, threshold = 2, other = "rest", prefix = "pick"),
     data.frame(a = c("x y", "z", NA, "w", "x y", "z"), b = c("z", NA, "w", "q", "q", "x y")),
     data.frame(a = c("w", "new", NA), b = c("q", "x y", NA)))

# --- dates ---------------------------------------------------------------------------
dd <- data.frame(d = as.Date("2019-12-20") + sort(sample(0:800, 40)), y = rnorm(40))
case("date_features_numeric", recipe(y ~ d, dd) |>
       step_date(d, features = c("dow", "doy", "week", "decimal", "semester", "quarter", "mday", "month", "year"), label = FALSE),
     dd, data.frame(d = as.Date(c("2020-02-29", "2021-12-31", NA, "2024-01-01")), y = 0))
case("date_labels_full_ordinal", recipe(y ~ d, dd) |>
       step_date(d, features = c("dow", "month"), abbr = FALSE, ordinal = TRUE, keep_original_cols = FALSE),
     dd, data.frame(d = as.Date(c("2020-02-29", "2021-12-31", NA)), y = 0))
case("holiday_set", recipe(y ~ d, dd) |> step_holiday(d, holidays = c("Easter", "USThanksgivingDay", "ChristmasEve", "GoodFriday"), keep_original_cols = FALSE),
     dd, data.frame(d = as.Date(c("2020-04-12", "2020-11-26", "2021-12-24", "2021-04-02", NA)), y = 0))
tt <- data.frame(t = as.POSIXct("2020-01-01 00:00:00", tz = "UTC") + sort(sample(0:(86400 * 3), 30)), y = rnorm(30))
case("date_on_datetime", recipe(y ~ t, tt) |> step_date(t, features = c("dow", "year", "doy")) |> step_time(t, features = c("hour", "minute"), keep_original_cols = FALSE),
     tt, tt[c(1, 30), ])

# --- imputation ----------------------------------------------------------------------
es <- esoph
es$ncontrols[c(3, 9, 40)] <- NA
es$agegp[c(5, 60)] <- NA
es$tobgp[c(2, 61)] <- NA
case("impute_knn_neighbors", recipe(ncases ~ ., es) |> step_impute_knn(ncontrols, agegp, tobgp, neighbors = 3, impute_with = imp_vars(alcgp, tobgp, agegp)),
     es, es[c(2, 3, 5, 9, 10), ])
case("impute_mean_trim", recipe(Ozone ~ ., aq) |> step_impute_mean(Solar.R, Ozone, trim = 0.2), aq, aq[c(5, 6, 10, 11), ])
case("impute_median_mode", recipe(ncases ~ ., es) |> step_impute_median(ncontrols) |> step_impute_mode(agegp, tobgp), es, es[c(2, 3, 5, 9), ])
case("impute_linear_with", recipe(Ozone ~ ., aq) |> step_impute_linear(Ozone, impute_with = imp_vars(Temp, Wind)), aq, aq[c(5, 10, 25), ])
case("impute_roll_mean", recipe(y ~ ., data.frame(y = 1:15, x = c(NA, 2, 3, NA, 5:9, NA, NA, 12:15))) |>
       step_impute_roll(x, window = 3, statistic = mean),
     data.frame(y = 1:15, x = c(NA, 2, 3, NA, 5:9, NA, NA, 12:15)), data.frame(y = 1:5, x = c(NA, NA, 3, 4, NA)))
case("indicate_na_prefix", recipe(Ozone ~ ., aq) |> step_indicate_na(Ozone, Solar.R, prefix = "miss"), aq, aq[c(5, 6, 10), ])
case("impute_bag_options", recipe(Ozone ~ ., aq) |> step_impute_bag(Ozone, impute_with = imp_vars(Temp, Wind, Month), trees = 4, seed_val = 11),
     aq, aq[c(5, 10, 25), ])

# --- filters -------------------------------------------------------------------------
case("corr_spearman", recipe(mpg ~ ., mtcars) |> step_corr(all_predictors(), threshold = 0.8, method = "spearman"), mtcars, mtcars[1:3, ])
case("corr_kendall", recipe(Fertility ~ ., swiss) |> step_corr(all_predictors(), threshold = 0.5, method = "kendall"), swiss, swiss[1:3, ])
case("corr_complete_obs", recipe(Ozone ~ ., airquality) |> step_corr(all_predictors(), threshold = 0.3, use = "complete.obs"),
     airquality, airquality[1:3, ])
nz <- data.frame(y = 1:50, a = c(rep(0, 45), 1:5), b = c(rep(1, 48), 2, 3), c = rep(1:5, 10), d = c(rep("u", 47), "v", "w", "w"))
case("nzv_cuts", recipe(y ~ ., nz) |> step_nzv(all_predictors(), freq_cut = 10, unique_cut = 15), nz, nz[1:3, ])
case("nzv_loose", recipe(y ~ ., nz) |> step_nzv(all_predictors(), freq_cut = 50, unique_cut = 5), nz, nz[1:3, ])
case("filter_missing_threshold", recipe(~ ., data.frame(a = c(NA, NA, 1, 2, 3), b = c(NA, 1, 2, 3, 4), c = 1:5)) |>
       step_filter_missing(all_predictors(), threshold = 0.3),
     data.frame(a = c(NA, NA, 1, 2, 3), b = c(NA, 1, 2, 3, 4), c = 1:5), data.frame(a = 1, b = 2, c = 3))
case("zv_lincomb", recipe(y ~ ., data.frame(y = rnorm(10), a = 1:10, b = 2 * (1:10), k = 7, c = rnorm(10))) |>
       step_zv(all_predictors()) |> step_lincomb(all_predictors(), max_steps = 2),
     data.frame(y = rnorm(10), a = 1:10, b = 2 * (1:10), k = 7, c = rnorm(10)), data.frame(y = 0, a = 1, b = 2, k = 7, c = 0.5))

# --- projections ---------------------------------------------------------------------
sw <- swiss
case("pca_keep_prefix", recipe(Fertility ~ ., sw) |> step_normalize(all_predictors()) |>
       step_pca(all_predictors(), num_comp = 2, keep_original_cols = TRUE, prefix = "Comp"), sw, sw[c(1, 20, 47), ])
case("pca_threshold", recipe(Fertility ~ ., sw) |> step_normalize(all_predictors()) |> step_pca(all_predictors(), threshold = 0.8),
     sw, sw[c(1, 20, 47), ])
case("pca_num_comp_too_many", recipe(stack.loss ~ ., stackloss) |> step_pca(all_predictors(), num_comp = 10), stackloss, stackloss[1:3, ])
case("pca_options_scale", recipe(rating ~ ., attitude) |> step_pca(all_predictors(), num_comp = 3, options = list(center = TRUE, scale. = TRUE)),
     attitude, attitude[c(1, 30), ])
case("classdist_shrunken_options", recipe(Species ~ ., iris) |> step_classdist_shrunken(all_numeric_predictors(), class = "Species",
       threshold = 0.2, sd_offset = 0.1, log = FALSE, prefix = "cd_"), iris, iris[c(1, 51, 101), ])
case("classdist_prefix_log", recipe(Species ~ ., iris) |> step_classdist(Sepal.Length, Petal.Width, class = "Species", prefix = "dist to "),
     iris, iris[c(3, 53, 103), ])
case("depth_spatial", recipe(Species ~ ., iris) |> step_depth(all_numeric_predictors(), class = "Species", metric = "spatial", prefix = "d_"),
     iris, iris[c(4, 54, 104), ])
case("geodist_euclid", recipe(mag ~ ., quakes[1:100, ]) |> step_geodist(lat = lat, lon = long, ref_lat = -20, ref_lon = 170, is_lat_lon = FALSE, name = "dist"),
     quakes[1:100, ], quakes[c(1, 50), ])
case("ratio_all", recipe(Fertility ~ ., sw) |> step_ratio(Agriculture, Examination, denom = denom_vars(Education, Catholic), keep_original_cols = FALSE),
     sw, sw[c(1, 45), ])

# --- text ----------------------------------------------------------------------------
case("regex_ignore_case", recipe(y ~ ., odd) |> step_regex(txt, pattern = "^[a-c]", options = list(ignore.case = TRUE), result = "starts abc"),
     odd, odd_new)
case("count_fixed", recipe(y ~ ., odd) |> step_count(txt, pattern = ".", options = list(fixed = TRUE)) |>
       step_count(txt, pattern = "[éïü]", result = "accents", normalize = TRUE), odd, odd_new)
case("regex_perl", recipe(y ~ ., odd) |> step_regex(txt, pattern = "(?<=a)\\w", options = list(perl = TRUE)), odd, odd_new)
case("dummy_extract_pattern", recipe(y ~ ., data.frame(y = 1:6, s = c("a,b", "b", "c,a,a", NA, "", "b,d"))) |>
       step_dummy_extract(s, pattern = "[a-z]", threshold = 2, other = "others"),
     data.frame(y = 1:6, s = c("a,b", "b", "c,a,a", NA, "", "b,d")), data.frame(y = 1, s = c("a,d,z", NA)))

# --- rows and windows ------------------------------------------------------------------
case("window_median7", recipe(Volume ~ ., trees) |> step_window(Girth, Height, size = 7, statistic = "median"), trees, trees[1:10, ])
case("window_var_keep", recipe(Volume ~ ., trees) |> step_window(Girth, size = 5, statistic = "var", names = "gvar", keep_original_cols = FALSE),
     trees, trees[1:10, ])
case("window_even_size", recipe(Volume ~ ., trees) |> step_window(Girth, size = 4), trees, trees[1:10, ])
case("lag_multi_default", recipe(Volume ~ ., trees) |> step_lag(Girth, Height, lag = c(1, 3), prefix = "L", default = 0), trees, trees[1:6, ])
case("lead_kerasnip", recipe(Volume ~ ., trees) |> step_lead(Volume, lead = 1:2, prefix = "next_", default = -1), trees, trees[1:5, ])
case("sample_replace", recipe(Volume ~ ., trees) |> step_sample(size = 8, replace = TRUE, skip = FALSE), trees, trees)
case("sample_frac", recipe(Volume ~ ., trees) |> step_sample(size = 0.3, skip = FALSE), trees, trees)
case("shuffle_arrange", recipe(Volume ~ ., trees) |> step_shuffle(Height) |> step_arrange(desc(Girth), Height), trees, trees[1:8, ])
case("slice_filter", recipe(mpg ~ ., mtcars) |> step_filter(cyl != 6, hp > 90, skip = FALSE) |> step_slice(-1, skip = FALSE), mtcars, mtcars)
case("naomit_skip_false", recipe(Ozone ~ ., aq) |> step_naomit(Ozone, Solar.R, skip = FALSE), aq, aq[1:12, ])
case("profile_pct", recipe(mpg ~ ., mtcars[, 1:5]) |> step_profile(-disp, profile = disp, pct = 0.25, grid = list(pctl = FALSE, len = 7)),
     mtcars[, 1:5], mtcars[1:3, 1:5])
case("profile_factor_index", recipe(breaks ~ ., wb) |> step_profile(wool, profile = breaks, index = 2, grid = list(pctl = TRUE, len = 5)),
     wb, wb[1:3, ])

# --- column bookkeeping ----------------------------------------------------------------
case("intercept_named", recipe(mpg ~ ., mtcars) |> step_intercept(name = "b0", value = 2.5), mtcars, mtcars[1:2, ])
case("rename_at_mutate_at", recipe(mpg ~ ., mtcars) |> step_mutate_at(disp, hp, fn = ~ .x / 100) |> step_rename_at(starts_with("d"), fn = toupper) |>
       step_rename(horse = hp), mtcars, mtcars[1:3, ])
case("select_rm", recipe(mpg ~ ., mtcars) |> step_rm(starts_with("d")) |> step_select(mpg, wt, gear), mtcars, mtcars[1:3, ])

# Not swept here: the steps trained only in R (step_ica, step_isomap, step_kpca*, step_nnmf*;
# recipe_trial has them), step_pls (tests/r/make_pls_truth.R sweeps it) and kerasnip's
# step_collapse / step_sequence.

# --- second sweep: more steps and argument corners --------------------------------------
set.seed(77)
mix <- data.frame(
  y = rnorm(40),
  n_int = sample(c(1:9, NA), 40, TRUE),
  x = c(rnorm(38, 5), NA, -1),
  w = abs(rnorm(40)) + 0.01,
  s = sample(c("a", "B", "b", "A", "_x", "Z1", "ä", "10", "9"), 40, TRUE),
  f = factor(sample(c("lo", "mid", "hi", NA), 40, TRUE, prob = c(0.5, 0.3, 0.15, 0.05))),
  stringsAsFactors = FALSE)
mix_new <- data.frame(y = 0, n_int = c(NA, 3L, 12L), x = c(NA, 0, 100), w = c(0.001, 1, 5),
                      s = c("ä", "new", NA), f = factor(c("hi", NA, "lo")), stringsAsFactors = FALSE)
case("string_collation_levels", recipe(y ~ ., mix) |> step_string2factor(s) |> step_dummy(s), mix, mix_new)
case("integer_on_strings", recipe(y ~ ., mix) |> step_integer(s, n_int), mix, mix_new)
case("other_threshold_zero_one", recipe(y ~ ., mix) |> step_other(s, threshold = 0) |> step_other(f, threshold = 0.99),
     mix, mix_new)
case("unknown_novel_strings", recipe(y ~ ., mix) |> step_novel(s, f) |> step_unknown(s, f, new_level = "?"), mix, mix_new)
case("impute_mode_strings", recipe(y ~ ., mix) |> step_impute_mode(s, f) |> step_impute_mean(n_int, x), mix, mix_new)
case("impute_knn_factor_target", recipe(y ~ ., mix) |> step_impute_knn(f, x, n_int, neighbors = 2), mix, mix_new)
case("indicate_na_factor_string", recipe(y ~ ., mix) |> step_indicate_na(f, s, x, keep_original_cols = FALSE), mix, mix_new)
case("scale_factor2_na", recipe(y ~ ., mix) |> step_scale(x, n_int, factor = 2, na_rm = FALSE), mix, mix_new)
case("normalize_integer_cols", recipe(y ~ ., mix) |> step_normalize(n_int, w), mix, mix_new)
case("range_with_na", recipe(y ~ ., mix) |> step_range(x, n_int, min = 0, max = 10), mix, mix_new)
case("log_nan_and_inf", recipe(y ~ ., mix) |> step_log(x) |> step_log(w, base = 10, offset = -0.01), mix, mix_new)
case("boxcox_yj_negative", recipe(y ~ ., mix) |> step_BoxCox(w) |> step_YeoJohnson(x, n_int), mix, mix_new)
case("ratio_na_zero", recipe(y ~ ., mix) |> step_ratio(x, denom = denom_vars(n_int, w)), mix,
     transform(mix_new, w = c(0, 1, 2)))
case("cut_inf_breaks", recipe(y ~ ., mix) |> step_cut(x, breaks = c(-Inf, 4, 5, Inf)), mix, mix_new)
case("discretize_na_train", recipe(y ~ ., mix) |> step_discretize(x, num_breaks = 3, min_unique = 3), mix, mix_new)
case("regex_count_factor", recipe(y ~ ., mix) |> step_regex(f, pattern = "i") |> step_count(s, pattern = "[[:upper:]]", result = "upper"),
     mix, mix_new)
case("dummy_contr_sum", recipe(y ~ ., mix) |> step_dummy(f, contrasts = list(unordered = "contr.sum", ordered = "contr.poly")), mix, mix_new)
case("dummy_contr_helmert", recipe(y ~ ., mix) |> step_dummy(f, contrasts = list(unordered = "contr.helmert", ordered = "contr.poly")), mix, mix_new)
case("lag_integer_factor", recipe(y ~ ., mix) |> step_lag(n_int, f, lag = 2), mix, mix_new)
case("window_sum_prod", recipe(Volume ~ ., trees) |> step_window(Height, size = 3, statistic = "sum", names = "hs") |>
       step_window(Girth, size = 5, statistic = "prod", names = "gp") |> step_window(Girth, statistic = "min", names = "gmin"),
     trees, trees[1:7, ])
case("impute_lower_threshold", recipe(y ~ ., mix) |> step_impute_lower(w, x), mix, mix_new)
case("invlogit_extremes", recipe(y ~ ., mix) |> step_invlogit(x), mix, transform(mix_new, x = c(-800, 0, 40)))
case("poly_bernstein_degree", recipe(eruptions ~ waiting, faithful[1:80, ]) |> step_poly_bernstein(waiting, degree = 4, complete_set = TRUE),
     faithful[1:80, ], data.frame(waiting = c(47, 60.5, 96), eruptions = 0))
case("spline_monotone_natural", recipe(eruptions ~ waiting, faithful[1:80, ]) |> step_spline_monotone(waiting, deg_free = 5, degree = 2) |>
       step_mutate(w2 = eruptions * 10) |> step_spline_natural(w2, deg_free = 3, keep_original_cols = TRUE),
     faithful[1:80, ], data.frame(waiting = c(47, 60.5, 96), eruptions = c(1.7, 3, 5)))
case("harmonic_two_cols", recipe(y ~ ., data.frame(y = 1:20, h = 1:20 %% 24, d = 1:20 %% 7)) |>
       step_harmonic(h, d, frequency = 2, cycle_size = c(24, 7)),
     data.frame(y = 1:20, h = 1:20 %% 24, d = 1:20 %% 7), data.frame(y = 0, h = c(0, 12.5), d = c(3, 6.9)))
case("time_decimal_day", recipe(y ~ t, tt) |> step_time(t, features = c("decimal_day", "hour12", "am", "second")), tt, tt[c(2, 29), ])
case("date_locale_labels", recipe(y ~ d, dd) |> step_date(d, features = c("month", "dow"), locale = "fr"), dd, dd[1:3, ])
case("collapse_sequence_kerasnip", recipe(Volume ~ ., trees) |> step_collapse(Girth, Height, new_col = "gh"),
     trees, trees[1:3, ])
case("sequence_zero_pad", recipe(Volume ~ ., trees) |> step_sequence(Girth, Height, timesteps = 3, padding = "zero"),
     trees, trees[1:4, ])
case("mutate_at_lambda_rename_at", recipe(y ~ ., mix) |> step_mutate_at(x, w, fn = ~ round(.x, 1)) |>
       step_rename_at(everything(), fn = ~ paste0("v_", .x)), mix, mix_new)
case("nzv_zv_strings", recipe(y ~ ., transform(mix, k = "same", r = c(rep("u", 39), "v"))) |> step_zv(all_predictors()) |>
       step_nzv(all_predictors()), transform(mix, k = "same", r = c(rep("u", 39), "v")),
     transform(mix_new, k = "same", r = "u"))
case("filter_missing_zero", recipe(y ~ ., mix) |> step_filter_missing(all_predictors(), threshold = 0), mix, mix_new)
case("classdist_pool_log", recipe(Species ~ ., iris[c(1:30, 51:80, 101:130), ]) |>
       step_classdist(all_numeric_predictors(), class = "Species", mean_func = median, pool = TRUE),
     iris[c(1:30, 51:80, 101:130), ], iris[c(31, 81, 131), ])
case("geodist_lat_lon_log", recipe(mag ~ ., quakes[1:50, ]) |> step_geodist(lat = lat, lon = long, ref_lat = 0, ref_lon = 0, is_lat_lon = TRUE, log = FALSE),
     quakes[1:50, ], quakes[c(1, 50), ])
case("relu_smooth", recipe(y ~ ., mix) |> step_relu(x, shift = 4, smooth = TRUE), mix, mix_new)
case("num2factor_transform", recipe(y ~ ., mix) |> step_num2factor(n_int, levels = as.character(1:9), ordered = TRUE), mix, mix_new)
case("spatialsign_all", recipe(y ~ ., mix) |> step_spatialsign(x, w, n_int), mix, mix_new)
case("interact_numeric_factor", recipe(y ~ ., mix) |> step_interact(~ x:f + w:x), mix, mix_new)
case("pca_with_na", recipe(y ~ ., mix) |> step_pca(x, w, num_comp = 1), mix, mix_new)
case("corr_with_na_pairwise", recipe(y ~ ., mix) |> step_mutate(x2 = x * 2 + w / 1000) |> step_corr(all_numeric_predictors(), threshold = 0.95),
     mix, mix_new)

# --- third sweep: time zones, integer imputation, ordered factors, expressions --------------
set.seed(99)
tz <- data.frame(when = as.POSIXct("2021-10-30 20:00:00", tz = "America/New_York") + sort(sample(0:(86400 * 4), 25)),
                 y = rnorm(25))
case("datetime_tz_features", recipe(y ~ when, tz) |> step_date(when, features = c("dow", "doy", "decimal", "week")) |>
       step_time(when, features = c("hour", "minute", "decimal_day")) |> step_holiday(when, holidays = "USVeteransDay"),
     tz, tz[c(1, 12, 25), ])
ints <- data.frame(y = rnorm(30), k = sample(c(1:20, NA), 30, TRUE), j = c(1L, 2L, rep(NA, 3), sample(1:5, 25, TRUE)))
case("impute_integer_mean_median", recipe(y ~ ., ints) |> step_impute_mean(k) |> step_impute_median(j), ints, ints[1:6, ])
case("impute_mean_trim_int", recipe(y ~ ., ints) |> step_impute_mean(k, j, trim = 0.25), ints, ints[1:6, ])
ord <- data.frame(y = rnorm(50), o = factor(sample(c("XS", "S", "M", "L", "XL", "XXL"), 50, TRUE),
                                           levels = c("XS", "S", "M", "L", "XL", "XXL"), ordered = TRUE))
ord_new <- data.frame(y = 0, o = factor(c("XXL", NA, "S"), levels = c("XS", "S", "M", "L", "XL", "XXL"), ordered = TRUE))
case("dummy_ordered_six_levels", recipe(y ~ ., ord) |> step_dummy(o), ord, ord_new)
case("novel_unknown_ordered", recipe(y ~ ., ord) |> step_novel(o) |> step_unknown(o) |> step_integer(o), ord, ord_new)
case("other_ties_ordered", recipe(y ~ ., ord) |> step_other(o, threshold = 0.18), ord, ord_new)
case("relevel_unorder_ordered", recipe(y ~ ., ord) |> step_unorder(o) |> step_relevel(o, ref_level = "XL") |> step_dummy(o, one_hot = TRUE),
     ord, ord_new)
case("window_na_rm_false", recipe(y ~ ., data.frame(y = 1:9, v = c(1, NA, 3:9))) |> step_window(v, size = 3, na_rm = FALSE, statistic = "mean"),
     data.frame(y = 1:9, v = c(1, NA, 3:9)), data.frame(y = 1:5, v = c(1, 2, NA, 4, 5)))
case("lag_dates", recipe(y ~ d, dd) |> step_lag(d, lag = 1:2), dd, dd[1:4, ])
case("percentile_na_ties", recipe(y ~ ., ints) |> step_percentile(k, j), ints, data.frame(y = 0, k = c(NA, 5, 25), j = c(3L, NA, 0L)))
case("poly_spline_na_new", recipe(y ~ ., ints[!is.na(ints$k), ]) |> step_poly(k, degree = 2) |> step_spline_b(y, deg_free = 4),
     ints[!is.na(ints$k), ], data.frame(y = c(NA, 0), k = c(3, NA), j = 1L))
case("mutate_expressions", recipe(mpg ~ ., mtcars) |>
       step_mutate(a = log1p(disp), b = ifelse(hp > 150, "fast", "slow"), c = pmin(wt, 3), d = cyl %/% 3, e = cyl %% 4,
                   f = round(qsec / 3, 2), g = sqrt(abs(drat - 4)), h = as.integer(gear > 3), i = exp(-wt)),
     mtcars, mtcars[c(1, 7, 30), ])
case("filter_in_arrange_desc", recipe(mpg ~ ., mtcars) |> step_filter(cyl %in% c(4, 8), skip = FALSE) |> step_arrange(desc(cyl), desc(mpg)),
     mtcars, mtcars)
case("discretize_options", recipe(mpg ~ ., mtcars) |> step_discretize(disp, num_breaks = 3, options = list(keep_na = FALSE, infs = FALSE)),
     mtcars, rbind(mtcars[1:3, ], transform(mtcars[4, ], disp = 1000)))
case("sqrt_negative_regex_na", recipe(y ~ ., mix) |> step_sqrt(x) |> step_regex(s, pattern = "[0-9]"), mix, mix_new)
case("bin2factor_logical", recipe(y ~ ., transform(mix, l = x > 5)) |> step_bin2factor(l), transform(mix, l = x > 5), transform(mix_new, l = c(NA, TRUE, FALSE)))
case("yeojohnson_extreme_lambda", recipe(y ~ ., data.frame(y = 1:30, a = exp(seq(0, 6, length.out = 30)), b = -exp(seq(0, 6, length.out = 30)))) |>
       step_YeoJohnson(a, b), data.frame(y = 1:30, a = exp(seq(0, 6, length.out = 30)), b = -exp(seq(0, 6, length.out = 30))),
     data.frame(y = 0, a = c(-1, 0, 500), b = c(1, 0, -500)))
case("count_empty_strings", recipe(y ~ ., blank) |> step_count(s, pattern = "u", normalize = TRUE), blank, blank)
case("impute_roll_wide", recipe(y ~ ., data.frame(y = 1:12, x = c(NA, NA, 3, NA, 5, 6, NA, NA, NA, 10, 11, NA))) |>
       step_impute_roll(x, window = 7), data.frame(y = 1:12, x = c(NA, NA, 3, NA, 5, 6, NA, NA, NA, 10, 11, NA)),
     data.frame(y = 1:12, x = c(NA, NA, 3, NA, 5, 6, NA, NA, NA, 10, 11, NA)))
