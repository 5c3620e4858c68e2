# Ground truth for the recipes steps added in Python: for every case, R (recipes 1.3.2)
# preps a recipe on a small training set and bakes new data holding missing values,
# unseen levels and boundary values. Written per case under <out>/<case>/:
#   recipe.rds  the prepped recipe (saveRDS)     train.rds, new.rds  the data
#   untrained.rds  the recipe before prep()
#   baked.rds   bake(recipe, new)                baked.csv  the same, doubles as C99 hex
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_steps_truth.R tests/data/steps [case ...]
suppressPackageStartupMessages({library(recipes); library(tibble)})
if (packageVersion("recipes") != "1.3.2") stop("the ground truth is made with recipes 1.3.2")
args <- commandArgs(TRUE)
out_root <- args[1]
set.seed(20261206)

# -- data sets ------------------------------------------------------------------------
num_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9),
  b = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L),
  p = c(0.02, 0.5, 0.97, 0.33, 0.61, 0.5, 0.125, 0.875, 0.25, 0.75, 0.4, 0.05),
  s = c(-0.9, -0.5, 0, 0.25, 0.5, 0.75, -0.25, 0.1, -0.1, 0.99, -0.99, 0.3),
  y = c(1.5, 2.5, 3.25, 0.5, 1, 2, 4, 3, 2.75, 1.75, 0.25, 5)
)
num_new <- tibble(
  a = c(NA, 0, -0.5, 1e300, Inf, 2.5, -40, 40),
  b = c(1L, NA, 0L, -3L, 7L, 100L, 2L, 2L),
  p = c(0, 1, NA, 0.5, 1e-300, 0.999999, 0.25, 0.75),
  s = c(-1, 1, NA, 0, 0.5, -0.5, 0.999, -0.999),
  y = c(1, 2, 3, NA, 5, 6, 7, 8)
)

nom_train <- tibble(
  f = factor(c("b", "a", "c", "a", "b", "c", "c", "a", "b", "a")),
  o = factor(c("lo", "mid", "hi", "mid", "lo", "hi", "lo", "mid", "hi", "lo"),
             levels = c("lo", "mid", "hi"), ordered = TRUE),
  ch = c("x", "y", "x", "w", "y", "x", "w", "w", "y", "x"),
  n = c(1L, 2L, 3L, 1L, 2L, 3L, 1L, 2L, 3L, 1L),
  n0 = c(0, 1, 2, 0, 1, 2, 0, 1, 2, 0),
  d = c(0, 1, 1, 0, 1, 0, 0, 1, 1, 0),
  lg = c(TRUE, FALSE, TRUE, TRUE, FALSE, NA, TRUE, FALSE, TRUE, FALSE),
  a = c(2.5, 1, 2.5, 3, 1, 7.25, 3, 2.5, 1, 9),
  y = c(1.5, 2.5, 3.25, 0.5, 1, 2, 4, 3, 2.75, 1.75)
)
nom_new <- tibble(
  f = factor(c("a", "c", NA, "b", "b"), levels = c("a", "b", "c")),
  o = factor(c("hi", NA, "lo", "mid", "mid"), levels = c("lo", "mid", "hi"), ordered = TRUE),
  ch = c("w", "z", NA, "x", "y"),
  n = c(3L, NA, 1L, 4L, 2L),
  n0 = c(2, 0.5, NA, 1.9, 3),
  d = c(1, 0, NA, 2, 0.5),
  lg = c(NA, TRUE, FALSE, TRUE, FALSE),
  a = c(3, NA, 2.5, 4, 9),
  y = c(1, 2, 3, NA, 5)
)

time_train <- tibble(
  t = as.POSIXct(c("2021-03-01 00:00:00", "2021-03-01 11:59:59.25", "2021-06-15 12:00:00",
                   "2021-06-15 13:30:15", "2021-12-31 23:59:59", "2022-01-01 06:07:08"), tz = "UTC"),
  tz = as.POSIXct(c("2021-03-01 00:00:00", "2021-03-28 01:30:00", "2021-06-15 12:00:00",
                    "2021-10-31 02:30:00", "2021-12-31 23:59:59", "2022-01-01 06:07:08"),
                  tz = "Europe/Paris"),
  d = as.Date(c("2021-01-01", "2021-02-14", "2021-06-21", "2021-09-01", "2021-12-25", "2022-03-01")),
  h = c(0, 6.5, 12, 18.25, 23.99, 3),
  y = c(1, 2, 3, 4, 5, 6)
)
time_new <- tibble(
  t = as.POSIXct(c("2023-07-04 12:00:00", NA, "2024-02-29 00:00:01.5", "2020-01-01 23:00:00"),
                 tz = "UTC"),
  tz = as.POSIXct(c("2023-07-04 12:00:00", NA, "2024-03-31 03:00:00", "2020-01-01 23:00:00"),
                  tz = "Europe/Paris"),
  d = as.Date(c("2023-07-04", NA, "2024-02-29", "1999-12-31")),
  h = c(24, NA, -6, 1e6),
  y = c(1, NA, 3, 4)
)

bin_train <- tibble(
  x = c(seq(0.5, 50, length.out = 47), 12.5, 12.5, NA, 100),
  k = c(1:50, 25L),
  w = c(rep(1, 40), 2:12),
  y = seq_len(51) / 7
)
bin_new <- tibble(
  x = c(-5, 0.5, 12.5, 33.3, 100, 150, NA, 50),
  k = c(0L, 1L, 13L, 25L, 26L, 50L, NA, 99L),
  w = c(1, 2, NA, 12, 0, 13, 6.5, 1),
  y = 1:8 / 3
)

text_train <- tibble(
  s = c("apple pie", "Banana", "cherry-7", NA, "", "kiwi kiwi", "A1 b2 c3", "grape"),
  f = factor(c("red", "green", "red", "blue", "green", "red", NA, "blue")),
  a = c(1, 2, 3, 4, 5, 6, 7, 8),
  b = c(2, 1, 0, 1, 2, 3, 5, 8),
  c = c(3, 3, 3, 5, 7, 9, 12, 16),
  d = c(NA, NA, 1, 2, NA, 4, 5, 6),
  e = c(1, NA, 3, 4, 5, 6, 7, 8),
  y = c(1, 2, 3, 4, 5, 6, 7, 8)
)
text_new <- tibble(
  s = c("PIE", NA, "a-b-c", "", "zzz 99", "kiwi"),
  f = factor(c("red", NA, "purple", "green", "blue", "red")),
  a = c(1, NA, 3, 0, -1, 2), b = c(1, 2, NA, 0, 1, 2), c = c(2, 3, 4, NA, 0, 4),
  d = c(1, 2, NA, 4, 5, 6), e = c(NA, 1, 2, 3, 4, 5), y = c(1, 2, 3, 4, 5, 6)
)

row_train <- tibble(
  a = c(3, 1, NA, 7, 5, 2, 9, 4, 6, 8),
  g = factor(c("u", "v", "u", "w", NA, "v", "u", "w", "v", "u")),
  s = c("b", "B", "a", NA, "c", "a", "b", "A", "c", "b"),
  k = c(10L, 20L, 30L, NA, 50L, 60L, 70L, 80L, 90L, 100L),
  y = c(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5)
)
row_new <- tibble(
  a = c(2, NA, 8, 8, 1, 5, 3),
  g = factor(c("w", "u", NA, "v", "u", "w", "x"), levels = c("u", "v", "w", "x")),
  s = c("a", "b", "B", NA, "c", "a", "A"),
  k = c(1L, 2L, 3L, 4L, NA, 6L, 7L),
  y = c(1, 2, 3, 4, 5, 6, 7)
)

imp_train <- tibble(
  a = c(0.5, 0.25, 3, 0.125, 9, 4, 2, 0.5, 7, 1),
  b = c(1.5, NA, 2.5, 3.5, NA, 4.5, 8.5, 1.25, 2, 3),
  k = c(3L, 4L, 5L, 2L, 9L, 2L, 7L, 8L, 3L, 6L),
  y = 1:10 / 4
)
imp_new <- tibble(
  a = c(0.125, 0.1, NA, 5, 0, 0.124, 2, 0.5, NA, 11),
  b = c(NA, NA, 2, NA, 3, 7.25, NA, 1, 2.5, NA),
  k = c(1L, 2L, 3L, NA, 2L, 9L, 0L, 5L, 2L, 4L),
  y = 1:10
)

multi_train <- tibble(
  langs = c("English, Spanish", "English", "French, English, English", NA, "German, French",
            "Spanish", "", "English, German", "Italian", "English, Spanish"),
  codes = c("A1 B2", "A1", "C3 A1", "B2 B2 D4", "", NA, "A1", "E5", "B2", "C3"),
  y = 1:10 / 2
)
multi_new <- tibble(
  langs = c("English, Klingon", NA, "", "Spanish, Spanish", "French,English", "Dutch"),
  codes = c("A1 A1", "Z9", NA, "B2", "c3 C3", ""),
  y = 1:6
)

geo_train <- tibble(
  lat = c(38.9, 40.7, 34.05, 51.5, -33.9, 35.7, 0, 89.9),
  lon = c(-77.04, -74, -118.25, -0.13, 151.2, 139.7, 0, 179.9),
  y = 1:8
)
geo_new <- tibble(lat = c(38.9, -90, 90, 12.5, 45), lon = c(-77.04, 180, -180, 100.25, -75),
                  y = 1:5)

choice_train <- tibble(
  c1 = factor(c("en", "fr", "de", "en", NA, "es")),
  c2 = factor(c("fr", NA, "en", "it", "es", NA)),
  c3 = factor(c(NA, NA, "fr", "en", "de", NA), levels = c("de", "en", "fr", "pt")),
  y = 1:6
)
choice_new <- tibble(
  c1 = factor(c("en", NA, "es", "de"), levels = c("de", "en", "es", "fr")),
  c2 = factor(c("en", "it", NA, "fr"), levels = c("en", "es", "fr", "it")),
  c3 = factor(c("pt", NA, NA, "en"), levels = c("de", "en", "fr", "pt")),
  y = 1:4
)

# a constant, a near-constant and correlated columns (zv, nzv, corr)
flat_train <- tibble(
  a = c(0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, 5.5, 6.1, 0.9),
  a2 = a * 2 + c(0.01, -0.02, 0.03, 0, 0.01, -0.01, 0.02, 0, -0.03, 0.01, 0, 0.02),
  z = 3,
  near = c(rep(1, 11), 2),
  g = factor(c(rep("u", 11), "v")),
  b = c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L, 5L, 8L),
  y = c(1.5, 2.5, 3.25, 0.5, 1, 2, 4, 3, 2.75, 1.75, 0.25, 5)
)
flat_new <- tibble(a = c(NA, 0, 40), a2 = c(1, NA, 80), z = c(3, 4, NA), near = c(1, 2, NA),
                   g = factor(c("v", NA, "u"), levels = c("u", "v")), b = c(1L, NA, 7L),
                   y = c(1, 2, 3))

# smooth inputs for the basis expansions (poly, ns, bs)
basis_train <- tibble(x = sin(0:39) * 10 + (0:39) / 4, k = (0:39 %% 7) * 3L, y = (0:39) / 8)
basis_new <- tibble(x = c(-20, -3.5, 0, 4.25, 30, NA), k = c(0L, 5L, 18L, 25L, NA, 3L),
                    y = 1:6)

data_sets <- list(num = list(train = num_train, new = num_new),
                  flat = list(train = flat_train, new = flat_new),
                  basis = list(train = basis_train, new = basis_new),
                  choice = list(train = choice_train, new = choice_new),
                  geo = list(train = geo_train, new = geo_new),
                  multi = list(train = multi_train, new = multi_new),
                  imp = list(train = imp_train, new = imp_new),
                  rows = list(train = row_train, new = row_new),
                  text = list(train = text_train, new = text_new),
                  bin = list(train = bin_train, new = bin_new),
                  # include_outside_range fails in R on missing values beyond the breaks
                  bin_complete = list(train = bin_train, new = bin_new[-7, ]),
                  time = list(train = time_train, new = time_new),
                  nom = list(train = nom_train, new = nom_new))

# -- cases: data set, formula, steps ----------------------------------------------------
cases <- list(
  # the steps first checked live against Debian's recipes (and the fixtures)
  normalize = list("num", y ~ ., function(r) step_normalize(r, all_numeric_predictors())),
  center = list("num", y ~ ., function(r) step_center(r, a, b)),
  scale = list("num", y ~ ., function(r) step_scale(r, a, p, factor = 2)),
  range = list("num", y ~ ., function(r) step_range(r, a, s, min = -1, max = 1)),
  log = list("num", y ~ ., function(r) step_log(r, a, base = 10) |> step_log(p, offset = 1)),
  log_signed = list("num", y ~ ., function(r) step_log(r, s, signed = TRUE)),
  sqrt = list("num", y ~ ., function(r) step_sqrt(r, a, p)),
  BoxCox = list("num", y ~ ., function(r) step_BoxCox(r, a, b, p)),
  YeoJohnson = list("num", y ~ ., function(r) step_YeoJohnson(r, a, s)),
  pca = list("num", y ~ ., function(r) step_pca(r, a, b, p, s, num_comp = 2)),
  pca_threshold = list("num", y ~ ., function(r)
    step_pca(r, all_numeric_predictors(), threshold = 0.9)),
  zv = list("flat", y ~ ., function(r) step_zv(r, all_predictors())),
  nzv = list("flat", y ~ ., function(r) step_nzv(r, all_predictors())),
  corr = list("flat", y ~ ., function(r) step_corr(r, all_numeric_predictors(), threshold = 0.8)),
  rm = list("flat", y ~ ., function(r) step_rm(r, z, near)),
  select = list("flat", y ~ ., function(r) step_select(r, all_outcomes(), a, g)),
  impute_mean = list("imp", y ~ ., function(r) step_impute_mean(r, b)),
  impute_mean_trim = list("imp", y ~ ., function(r) step_impute_mean(r, a, b, trim = 0.1)),
  impute_median = list("imp", y ~ ., function(r) step_impute_median(r, b, k)),
  impute_mode = list("nom", y ~ ., function(r) step_impute_mode(r, f, o)),
  impute_linear = list("imp", y ~ ., function(r)
    step_impute_linear(r, b, impute_with = imp_vars(a, k))),
  impute_knn = list("imp", y ~ ., function(r)
    step_impute_knn(r, b, k, neighbors = 3, impute_with = imp_vars(a))),
  indicate_na = list("imp", y ~ ., function(r) step_indicate_na(r, b, k)),
  dummy = list("nom", y ~ ., function(r) step_dummy(r, f, o)),
  dummy_one_hot = list("nom", y ~ ., function(r) step_dummy(r, f, ch, one_hot = TRUE)),
  other = list("nom", y ~ ., function(r) step_other(r, ch, f, threshold = 0.25)),
  novel = list("nom", y ~ ., function(r) step_novel(r, f, ch)),
  unknown = list("nom", y ~ ., function(r) step_unknown(r, f, o)),
  interact = list("nom", y ~ ., function(r) step_interact(r, ~ a:n0 + n:d)),
  ordinalscore = list("nom", y ~ ., function(r) step_ordinalscore(r, o)),
  poly = list("basis", y ~ ., function(r) step_poly(r, x, k, degree = 3)),
  poly_raw = list("basis", y ~ ., function(r) step_poly(r, x, degree = 2, options = list(raw = TRUE))),
  ns = list("basis", y ~ ., function(r) step_ns(r, x, k, deg_free = 4)),
  bs = list("basis", y ~ ., function(r) step_bs(r, x, k, deg_free = 4, degree = 2)),
  date = list("time", y ~ ., function(r)
    step_date(r, d, features = c("dow", "month", "year", "doy", "week", "decimal", "quarter",
                                 "semester", "mday"))),
  date_options = list("time", y ~ ., function(r)
    step_date(r, d, features = c("dow", "month"), abbr = FALSE, ordinal = TRUE)),
  holiday = list("time", y ~ ., function(r)
    step_holiday(r, d, holidays = c("USMemorialDay", "ChristmasDay", "USThanksgivingDay"))),
  inverse = list("num", y ~ ., function(r) step_inverse(r, all_numeric_predictors())),
  inverse_offset = list("num", y ~ ., function(r) step_inverse(r, a, b, offset = 0.5)),
  logit = list("num", y ~ ., function(r) step_logit(r, p)),
  logit_offset = list("num", y ~ ., function(r) step_logit(r, p, offset = 0.01)),
  invlogit = list("num", y ~ ., function(r) step_invlogit(r, a, s)),
  hyperbolic = list("num", y ~ ., function(r) step_hyperbolic(r, a, b)),
  hyperbolic_cosh = list("num", y ~ ., function(r)
    step_hyperbolic(r, a, b, func = "cosh", inverse = FALSE)),
  hyperbolic_atanh = list("num", y ~ ., function(r) step_hyperbolic(r, s, func = "tanh")),
  relu = list("num", y ~ ., function(r) step_relu(r, a, b)),
  relu_options = list("num", y ~ ., function(r)
    step_relu(r, a, s, shift = 0.25, reverse = TRUE, smooth = TRUE)),
  relu_prefix = list("num", y ~ ., function(r)
    step_relu(r, b, shift = 2, prefix = "hinge_", role = "hinge")),
  relevel = list("nom", y ~ ., function(r) step_relevel(r, ch, ref_level = "x")),
  relevel_f = list("nom", y ~ ., function(r) step_relevel(r, f, ref_level = "c")),
  unorder = list("nom", y ~ ., function(r) step_unorder(r, o)),
  bin2factor = list("nom", y ~ ., function(r) step_bin2factor(r, d, lg)),
  bin2factor_options = list("nom", y ~ ., function(r)
    step_bin2factor(r, d, levels = c("hit", "miss"), ref_first = FALSE)),
  num2factor = list("nom", y ~ ., function(r)
    step_num2factor(r, n, levels = c("one", "two", "three"))),
  string2factor = list("nom", y ~ ., function(r) step_string2factor(r, ch)),
  string2factor_options = list("nom", y ~ ., function(r)
    step_string2factor(r, ch, levels = c("y", "x", "w"), ordered = TRUE)),
  factor2string = list("nom", y ~ ., function(r) step_factor2string(r, f, o)),
  num2factor_transform = list("nom", y ~ ., function(r)
    step_num2factor(r, n0, levels = c("zero", "one", "two"), transform = function(x) x + 1,
                    ordered = TRUE)),
  integer = list("nom", y ~ ., function(r) step_integer(r, f, o, n, a, lg)),
  integer_options = list("nom", y ~ ., function(r)
    step_integer(r, f, a, n0, strict = FALSE, zero_based = TRUE)),
  time = list("time", y ~ ., function(r) step_time(r, t)),
  time_features = list("time", y ~ ., function(r)
    step_time(r, t, tz, features = c("am", "hour12", "decimal_day", "second", "minute", "hour"),
              keep_original_cols = FALSE)),
  harmonic = list("time", y ~ ., function(r)
    step_harmonic(r, h, frequency = c(1, 2, 3), cycle_size = 24)),
  harmonic_dates = list("time", y ~ ., function(r)
    step_harmonic(r, d, h, frequency = c(2, NA, 1, 2), cycle_size = c(365.25, 24),
                  starting_val = c(18628, 6), keep_original_cols = TRUE)),
  ratio = list("num", y ~ ., function(r) step_ratio(r, a, b, denom = denom_vars(b, p))),
  ratio_drop = list("num", y ~ ., function(r)
    step_ratio(r, all_numeric_predictors(), denom = denom_vars(s), keep_original_cols = FALSE)),
  spatialsign = list("num", y ~ ., function(r) step_spatialsign(r, a, b, s)),
  spatialsign_na = list("num", y ~ ., function(r) step_spatialsign(r, a, b, p, na_rm = FALSE)),
  intercept = list("num", y ~ ., function(r) step_intercept(r)),
  intercept_value = list("num", y ~ ., function(r)
    step_intercept(r, name = "beta0", value = 2.5, role = "const")),
  cut = list("bin", y ~ ., function(r) step_cut(r, x, k, breaks = c(10, 25.5, 40))),
  cut_outside = list("bin_complete", y ~ ., function(r)
    step_cut(r, x, k, breaks = c(5, 1000 / 3), include_outside_range = TRUE)),
  cut_single = list("bin", y ~ ., function(r)
    step_cut(r, w, breaks = c(0, 20), include_outside_range = TRUE)),
  discretize = list("bin", y ~ ., function(r) step_discretize(r, x, k)),
  discretize_options = list("bin", y ~ ., function(r)
    step_discretize(r, x, k, num_breaks = 3, min_unique = 5,
                    options = list(prefix = "q", infs = FALSE))),
  discretize_few = list("bin", y ~ ., function(r) step_discretize(r, w, min_unique = 20)),
  discretize_labels = list("bin", y ~ ., function(r)
    step_discretize(r, k, num_breaks = 2, options = list(labels = c("low", "high"), keep_na = FALSE))),
  percentile = list("bin", y ~ ., function(r) step_percentile(r, k, w)),
  percentile_options = list("bin", y ~ ., function(r)
    step_percentile(r, k, w, options = list(probs = c(0.5, 0.1, 0.9, 1/3)), outside = "both")),
  percentile_upper = list("bin", y ~ ., function(r) step_percentile(r, k, outside = "upper")),
  percentile_lower = list("bin", y ~ ., function(r)
    step_percentile(r, k, options = list(probs = (0:200) / 200), outside = "lower")),
  rename = list("text", y ~ ., function(r) step_rename(r, alpha = a, "beta" = b)),
  rename_at = list("text", y ~ ., function(r)
    step_rename_at(r, a, b, fn = toupper) |> step_rename_at(starts_with("c"), fn = ~ paste0("x_", .x))),
  regex = list("text", y ~ ., function(r) step_regex(r, s, pattern = "[[:digit:]]")),
  regex_options = list("text", y ~ ., function(r)
    step_regex(r, f, pattern = "R", options = list(ignore.case = TRUE), result = "has_r",
               keep_original_cols = FALSE)),
  count = list("text", y ~ ., function(r) step_count(r, s, pattern = "[aeiou]")),
  count_options = list("text", y ~ ., function(r)
    step_count(r, f, pattern = "e", normalize = TRUE, result = "e_share")),
  count_fixed = list("text", y ~ ., function(r)
    step_count(r, s, pattern = "-", options = list(fixed = TRUE), keep_original_cols = FALSE)),
  filter_missing = list("text", y ~ ., function(r) step_filter_missing(r, a, d, e)),
  filter_missing_threshold = list("text", y ~ ., function(r)
    step_filter_missing(r, all_numeric_predictors(), threshold = 0)),
  lincomb = list("text", y ~ ., function(r)
    step_mutate(r, g = a + b) |> step_lincomb(a, b, c, g)),
  lincomb_steps = list("text", y ~ ., function(r)
    step_mutate(r, g = a + b, h = 2 * c, i = a - c) |> step_lincomb(a, b, c, g, h, i, max_steps = 2)),
  naomit = list("rows", y ~ ., function(r) step_naomit(r, a, g)),
  naomit_new = list("rows", y ~ ., function(r) step_naomit(r, all_predictors(), skip = FALSE)),
  filter = list("rows", y ~ ., function(r) step_filter(r, a > 2, k < 80L | is.na(k), skip = FALSE)),
  filter_skip = list("rows", y ~ ., function(r) step_filter(r, a > 2)),
  slice = list("rows", y ~ ., function(r) step_slice(r, c(2:4, 7, 20), skip = FALSE)),
  slice_negative = list("rows", y ~ ., function(r) step_slice(r, -(1:2), -n(), skip = FALSE)),
  arrange = list("rows", y ~ ., function(r) step_arrange(r, desc(a), k, skip = FALSE)),
  arrange_text = list("rows", y ~ ., function(r) step_arrange(r, s, desc(g), skip = FALSE)),
  sample = list("rows", y ~ ., function(r) step_sample(r, size = 4, skip = FALSE)),
  sample_frac = list("rows", y ~ ., function(r)
    step_sample(r, size = 0.5, replace = TRUE, skip = FALSE)),
  sample_skip = list("rows", y ~ ., function(r) step_sample(r)),
  shuffle = list("rows", y ~ ., function(r) step_shuffle(r, a, g, s)),
  lag = list("rows", y ~ ., function(r) step_lag(r, a, g, k)),
  lag_options = list("rows", y ~ ., function(r)
    step_lag(r, a, k, lag = c(0, 2, 3), prefix = "L", default = 0, keep_original_cols = FALSE)),
  impute_lower = list("imp", y ~ ., function(r) step_impute_lower(r, a, k)),
  impute_roll = list("imp", y ~ ., function(r) step_impute_roll(r, a, b)),
  impute_roll_mean = list("imp", y ~ ., function(r)
    step_impute_roll(r, b, statistic = mean, window = 3)),
  dummy_extract = list("multi", y ~ ., function(r) step_dummy_extract(r, langs, sep = ", ")),
  dummy_extract_options = list("multi", y ~ ., function(r)
    step_dummy_extract(r, langs, sep = ",\\s*", threshold = 0.3, other = "rest",
                       keep_original_cols = TRUE)),
  dummy_extract_pattern = list("multi", y ~ ., function(r)
    step_dummy_extract(r, codes, pattern = "[A-Z][0-9]", threshold = 2)),
  geodist = list("geo", y ~ ., function(r) step_geodist(r, lat = lat, lon = lon, ref_lat = 38.9,
                                                        ref_lon = -77.04)),
  geodist_options = list("geo", y ~ ., function(r)
    step_geodist(r, lat = lat, lon = lon, ref_lat = 40, ref_lon = -75, is_lat_lon = FALSE,
                 log = TRUE, name = "d", keep_original_cols = FALSE)),
  dummy_multi_choice = list("choice", y ~ ., function(r) step_dummy_multi_choice(r, c1, c2, c3)),
  dummy_multi_choice_options = list("choice", y ~ ., function(r)
    step_dummy_multi_choice(r, c1, c2, c3, threshold = 0.5, other = "rare", prefix = "lang",
                            keep_original_cols = TRUE)),
  mutate_at = list("num", y ~ ., function(r) step_mutate_at(r, a, p, fn = sqrt)),
  mutate_at_lambda = list("num", y ~ ., function(r)
    step_mutate_at(r, all_numeric_predictors(), fn = ~ .x * 2 + 1)),
  mutate_at_function = list("num", y ~ ., function(r)
    step_mutate_at(r, b, fn = function(v) pmax(v, 3L))),
  profile = list("nom", y ~ ., function(r) step_profile(r, f, o, ch, n, n0, profile = vars(a))),
  profile_options = list("nom", y ~ ., function(r)
    step_profile(r, f, o, ch, n, d, profile = vars(n0), pct = 0.25, index = 2,
                 grid = list(pctl = FALSE, len = 7))),
  profile_integer = list("nom", y ~ ., function(r)
    step_profile(r, a, profile = vars(n), grid = list(pctl = TRUE, len = 4)))
)

# -- writing ----------------------------------------------------------------------------
hex_csv <- function(df, path) {
  cols <- lapply(df, function(x) {
    if (is.double(x) && !inherits(x, c("Date", "POSIXct"))) {
      ifelse(is.na(x) & !is.nan(x), "NA", sprintf("%a", as.vector(x)))
    } else {
      ifelse(is.na(x), "NA", as.character(x))
    }
  })
  frame <- as.data.frame(cols, check.names = FALSE, stringsAsFactors = FALSE)
  utils::write.csv(frame, path, row.names = FALSE, na = "NA")
}

make_case <- function(name) {
  case <- cases[[name]]
  data <- data_sets[[case[[1]]]]
  untrained <- case[[3]](recipe(case[[2]], data = data$train))
  rec <- prep(untrained, training = data$train)
  set.seed(4242)  # what step_sample / step_shuffle draw on new data
  baked <- bake(rec, new_data = data$new)
  dir <- file.path(out_root, name)
  dir.create(dir, recursive = TRUE, showWarnings = FALSE)
  saveRDS(rec, file.path(dir, "recipe.rds"))
  saveRDS(untrained, file.path(dir, "untrained.rds"))
  saveRDS(data$train, file.path(dir, "train.rds"))
  saveRDS(data$new, file.path(dir, "new.rds"))
  saveRDS(baked, file.path(dir, "baked.rds"))
  hex_csv(baked, file.path(dir, "baked.csv"))
}

# families of cases kept in their own files (tests/r/steps_truth_<family>.R); they may
# add data sets and cases, and wrap make_case
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
for (extra in Sys.glob(file.path(script_dir, "steps_truth_*.R"))) source(extra)

wanted <- if (length(args) > 1) args[-1] else names(cases)
for (name in wanted) make_case(name)
cat("wrote", length(wanted), "cases to", out_root, "\n")
