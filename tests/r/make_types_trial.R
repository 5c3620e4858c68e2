# A differential trial of column types and time zones: POSIXct in several time zones
# (half-hour offsets, an empty and a missing tzone, instants around daylight-saving
# changes, before 1970, far in the future, with fractional seconds), Date stored as
# double and as integer, difftime, integer and logical columns with NA, factors with
# unused levels, an NA level, an empty level and non-ASCII (UTF-8 and latin1-marked)
# labels, tibbles, -0 and NaN next to NA. Recipe cases are folders as
# tests/r/recipe_cases.R writes them; workflow cases (kerasnip networks fed by
# step_date/step_time features) hold object.rds, new_data.rds and R's predict() output
# (<type>.rds for each type in types.txt) or error.txt where R's predict() stops.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_types_trial.R tests/data/types_trial

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
unlink(out, recursive = TRUE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({
  library(recipes); library(kerasnip); library(workflows); library(parsnip); library(tibble)
})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
case <- function(...) recipe_case(out, ..., quietly = TRUE)
stopifnot(Sys.getenv("TZ") == "UTC")  # the "" and missing tzone cases are read in UTC
set.seed(31)

# --- date-times in time zones -----------------------------------------------------------
utc <- function(...) as.POSIXct(c(...), tz = "UTC", format = "%Y-%m-%d %H:%M:%OS")
# instants around the US (2021-03-14 07:00, 2021-11-07 06:00 UTC) and EU (2021-03-28 and
# 2021-10-31, 01:00 UTC) changes, before 1970 (with a fraction), far ahead, fractions
special <- c(utc("2021-03-14 06:59:59", "2021-03-14 07:00:00", "2021-11-07 05:30:00", "2021-11-07 06:30:00",
                 "2021-03-28 00:59:59.5", "2021-03-28 01:00:00", "2021-10-31 00:30:00", "2021-10-31 01:30:00",
                 "1969-12-31 23:59:59.75", "1950-07-04 12:00:00", "1901-12-14 00:00:00", "1945-08-15 18:29:59",
                 "2099-12-31 23:59:59", "2400-02-29 12:00:00.125", "2021-12-31 23:59:59.999999",
                 "2020-12-31 18:30:00", "2021-12-24 23:00:00"), NA)
with_tz <- function(x, tz) {
  if (is.null(tz)) attr(x, "tzone") <- NULL else attr(x, "tzone") <- tz
  x
}
zones <- list(utc = "UTC", new_york = "America/New_York", berlin = "Europe/Berlin",
              kolkata = "Asia/Kolkata", empty = "", missing = NULL)
train_t <- sort(utc("2020-01-01 00:00:00") + runif(40, 0, 86400 * 800))
all_dates <- c("dow", "month", "year", "doy", "week", "decimal", "quarter", "semester", "mday")
for (z in names(zones)) {
  tz <- zones[[z]]
  tr <- data.frame(t = with_tz(train_t, tz), y = rnorm(40))
  nw <- data.frame(t = with_tz(special, tz), y = 0)
  case(paste0("posixct_", z, "_date"), recipe(y ~ t, tr) |> step_mutate(t2 = t, t3 = t) |>
         step_date(t, features = all_dates) |>
         step_date(t2, features = c("dow", "month"), abbr = FALSE, ordinal = TRUE) |>
         step_date(t3, features = c("dow", "month"), label = FALSE, keep_original_cols = FALSE), tr, nw)
  case(paste0("posixct_", z, "_time"), recipe(y ~ t, tr) |> step_mutate(num = as.numeric(t), t2 = t, later = t + 90.5) |>
         step_time(t, features = c("am", "hour", "hour12", "minute", "second", "decimal_day")) |>
         step_holiday(t, holidays = c("USThanksgivingDay", "ChristmasEve", "NewYearsDay", "Easter", "USIndependenceDay")) |>
         step_harmonic(t2, frequency = c(1, 7), cycle_size = 86400 * 7), tr, nw)
}
# new data in another zone than the training data: recipes' bake() does not cast it
case("posixct_new_data_other_zone", recipe(y ~ t, data.frame(t = with_tz(train_t, "Asia/Kolkata"), y = 1)) |>
       step_date(t, features = c("dow", "doy", "decimal")) |> step_time(t, features = c("hour", "minute")),
     data.frame(t = with_tz(train_t, "Asia/Kolkata"), y = 1), data.frame(t = with_tz(special, "America/New_York"), y = 0))
# zones with quarter- and half-hour offsets, half-hour daylight saving (Lord Howe), a
# skipped day (Apia, 2011-12-30), POSIX-style and fixed-offset names, one column each
odd_zones <- c(howe = "Australia/Lord_Howe", johns = "America/St_Johns", kathmandu = "Asia/Kathmandu", est = "EST",
               gmt = "GMT", gmt5 = "Etc/GMT+5", pacific = "US/Pacific", apia = "Pacific/Apia", casablanca = "Africa/Casablanca")
odd_times <- c(special, utc("2011-12-30 10:00:00", "2021-04-03 15:30:00", "2021-10-02 15:45:00"))
zoned <- function(x) as.data.frame(c(lapply(odd_zones, function(z) with_tz(x, z)), list(y = 0)))
case("posixct_odd_zones", recipe(y ~ ., zoned(train_t)) |> step_date(all_predictors(), features = c("dow", "doy", "decimal", "mday")) |>
       step_time(all_datetime_predictors(), features = c("hour", "minute", "decimal_day")), zoned(train_t), zoned(odd_times))
# a zone R does not know: base R and lubridate read it as UTC, clock stops
unknown <- data.frame(t = with_tz(train_t, "Mars/Olympus"), y = 1)
case("posixct_unknown_zone_time", recipe(y ~ t, unknown) |> step_time(t, features = c("hour", "decimal_day")), unknown, unknown[1:3, ])
case("posixct_unknown_zone_date", recipe(y ~ t, unknown) |> step_date(t), unknown, unknown[1:3, ])
# a date-time step on a Date column: R stops
case("time_on_date_error", recipe(y ~ d, data.frame(d = as.Date("2020-01-01") + 0:9, y = 1)) |> step_time(d),
     data.frame(d = as.Date("2020-01-01") + 0:9, y = 1), data.frame(d = as.Date("2020-01-01"), y = 0))

# --- dates ----------------------------------------------------------------------------------
days <- as.Date(c("2020-02-29", NA, "1969-12-31", "1970-01-01", "1900-03-01", "1600-02-29", "2400-12-31",
                  "9999-12-31", "2021-11-25", "2021-04-04", "2021-12-24", "2000-01-01"))
dtrain <- data.frame(d = as.Date("1990-01-01") + sort(sample(0:20000, 40)), y = rnorm(40))
dnew <- data.frame(d = days, y = 0)
case("date_range_na", recipe(y ~ d, dtrain) |> step_mutate(n = as.numeric(d), d1 = d + 1, i = as.integer(d), d2 = d,
                                                         ch = as.character(d), late = d > 10957, fd = factor(d), dn = is.na(d)) |>
       step_date(d, features = all_dates, abbr = FALSE, ordinal = TRUE) |>
       step_holiday(d, holidays = c("Easter", "USThanksgivingDay", "ChristmasEve", "NewYearsDay", "GoodFriday")) |>
       step_harmonic(d2, frequency = 1:2, cycle_size = 365.25, starting_val = 0), dtrain, dnew)
# strings where the recipe was trained on dates: step_date stops
case("date_given_strings_error", recipe(y ~ d, dtrain) |> step_date(d), dtrain, data.frame(d = "2021-01-01", y = 0))
int_date <- function(x) structure(as.integer(unclass(x)), class = "Date")
itrain <- data.frame(d = int_date(dtrain$d), y = dtrain$y)
inew <- data.frame(d = int_date(days), y = 0)
stopifnot(is.integer(unclass(inew$d)))
case("date_integer_storage", recipe(y ~ d, itrain) |> step_mutate(n = as.numeric(d), d1 = d + 1L, i = as.integer(d), d2 = d) |>
       step_date(d, features = all_dates, label = FALSE) |> step_holiday(d) |>
       step_harmonic(d2, frequency = 1, cycle_size = 7), itrain, inew)
case("date_integer_lag", recipe(y ~ d, itrain) |> step_lag(d, lag = 1:2), itrain, inew[1:5, ])
# POSIXct stored as integer; infinite dates and date-times (whose features R makes NA)
pint <- data.frame(t = structure(c(1600000000L, NA, -5L, 0L, 1616893200L), class = c("POSIXct", "POSIXt"), tzone = "Europe/Berlin"),
                   d = structure(c(19000, Inf, -Inf, NaN, NA), class = "Date"),
                   u = structure(c(1.6e9, Inf, -Inf, NaN, NA), class = c("POSIXct", "POSIXt"), tzone = "UTC"), y = 1:5)
stopifnot(is.integer(unclass(pint$t)))
case("posixct_integer_infinite", recipe(y ~ ., pint) |> step_date(t, d, u, features = c("doy", "year", "decimal")) |>
       step_time(t, features = c("hour", "second")) |> step_time(u, features = "hour") |>
       step_holiday(t, holidays = "NewYearsDay"), pint, pint)
# clock (weekday and month names) stops on an infinite date. Python reads infinite dates
# as missing (datetime64 has none), so it differs where R tells them apart: second() is
# +-Inf and step_holiday gives 0 (not NA) for them in R
case("date_infinite_clock_error", recipe(y ~ ., pint) |> step_date(d, features = "dow"), pint, pint)
frac <- data.frame(d = structure(c(19000.75, 19001.25, -0.5, NA), class = "Date"), y = 0)
case("date_fractional_days", recipe(y ~ d, frac) |> step_mutate(n = as.numeric(d), d1 = d + 1) |>
       step_date(d, features = c("dow", "doy", "year", "decimal")) |> step_holiday(d, holidays = "NewYearsDay"), frac, frac)

# --- difftime ---------------------------------------------------------------------------------
dft <- data.frame(h = as.difftime(c(1.5, NA, -2, 48, 0.25), units = "hours"),
                  w = as.difftime(c(1, 2, NA, 0.5, 3), units = "weeks"), y = 1:5)
case("difftime_units", recipe(y ~ ., dft) |> step_mutate(hn = as.numeric(h), hm = as.numeric(h, units = "mins"),
                                                        wd = as.numeric(w, units = "days"), hw = h + w),
     dft, dft[c(5, 2, 3), ])
case("difftime_passthrough", recipe(y ~ ., dft) |> step_mutate(y2 = y * 2) |> step_rename(hours = h), dft, dft[c(5, 2, 3), ])
case("difftime_normalize_error", recipe(y ~ ., dft) |> step_normalize(h), dft, dft)

# --- integer and logical columns with NA ---------------------------------------------------------
ints <- data.frame(y = rnorm(20), k = c(NA, sample(-5:40, 19, TRUE)), j = c(3L, NA, sample(1:4, 18, TRUE)))
inew2 <- data.frame(y = 0, k = c(NA, 0L, -7L, 2147483647L), j = c(NA, 1L, 5L, 2L))
case("integer_na_mutate", recipe(y ~ ., ints) |> step_mutate(k2 = k * 2L, k3 = k %/% 3L, k4 = k %% 3L, k5 = k + 0.5,
                                                            kd = as.double(k), big = k * 100000L, kneg = -k, ks = k / 0L),
     ints, inew2)
case("integer_na_steps", recipe(y ~ ., ints) |> step_normalize(k) |> step_impute_median(j) |> step_mutate(j2 = j) |>
       step_num2factor(j2, levels = c("one", "two", "three", "four")) |> step_dummy(j2), ints, inew2)
case("integer_cut_discretize", recipe(y ~ ., ints) |> step_cut(k, breaks = c(0, 10, 20)) |>
       step_discretize(j, num_breaks = 2, min_unique = 2), ints, inew2)
lg <- data.frame(y = rnorm(12), l = c(TRUE, NA, FALSE, TRUE, TRUE, FALSE, NA, TRUE, FALSE, TRUE, TRUE, FALSE))
lg <- transform(lg, l2 = l, l3 = l, l4 = l)
lnew <- data.frame(y = 0, l = c(NA, TRUE, FALSE), l2 = c(FALSE, NA, TRUE), l3 = c(NA, NA, FALSE), l4 = c(TRUE, NA, NA))
case("logical_na_steps", recipe(y ~ ., lg) |> step_bin2factor(l, levels = c("yes", "no")) |>
       step_mutate(ln = as.numeric(l2), lnot = !l2, li = as.integer(l2), lsum = l2 + l3, land = l2 & l4) |>
       step_indicate_na(l4, l3), lg, lnew)
case("logical_impute_mode_error", recipe(y ~ ., lg) |> step_impute_mode(l3), lg, lnew)
# a single new row with a missing number is a logical column in R (data.frame(x = NA))
case("all_na_logical_new_data", recipe(y ~ ., ints) |> step_normalize(k) |> step_impute_mean(j) |> step_mutate(k2 = k * 2),
     ints, data.frame(y = 0, k = NA, j = NA))
case("logical_dummy_error", recipe(y ~ ., lg) |> step_dummy(l), lg, lnew)
case("logical_impute_mean_int", recipe(y ~ ., lg) |> step_mutate(li = as.integer(l)) |> step_impute_mean(li) |>
       step_zv(all_predictors()), lg, lnew)

# --- factors ---------------------------------------------------------------------------------------
sizes <- c("XS", "S", "M", "L", "XL")
of <- data.frame(y = rnorm(30), o = factor(sample(c("S", "M", "L"), 30, TRUE), levels = sizes, ordered = TRUE),
                 f = factor(sample(c("b", "a"), 30, TRUE), levels = c("b", "a", "unused", "zz")))
ofn <- data.frame(y = 0, o = factor(c("M", NA, "L", "S"), levels = sizes, ordered = TRUE),
                  f = factor(c("a", "b", NA, "a"), levels = c("b", "a", "unused", "zz")))
case("ordered_unused_levels", recipe(y ~ ., of) |> step_mutate(o2 = o, o3 = o) |> step_dummy(o) |> step_integer(o2) |>
       step_other(o3, threshold = 0.3), of, ofn)
case("factor_unused_levels", recipe(y ~ ., of) |> step_mutate(f2 = f, f3 = f) |> step_dummy(f, one_hot = TRUE) |>
       step_novel(f2) |> step_unknown(f2) |> step_integer(f3, zero_based = TRUE), of, ofn)
case("factor_unused_drop", recipe(y ~ ., of) |> step_mutate(f2 = droplevels(f), on = as.numeric(o), ochr = as.character(o)) |>
       step_unorder(o) |> step_relevel(f, ref_level = "a") |> step_dummy(f), of, ofn)
nal <- data.frame(y = rnorm(12), f = addNA(factor(c("a", "b", NA, "a", "b", "c", NA, "a", "c", "b", "a", NA))))
naln <- data.frame(y = 0, f = addNA(factor(c(NA, "a", "c"), levels = c("a", "b", "c"))))
case("factor_na_level_dummy", recipe(y ~ ., nal) |> step_dummy(f), nal, naln)
case("factor_na_level_strings", recipe(y ~ ., nal) |> step_mutate(f2 = f) |> step_factor2string(f) |>
       step_integer(f2), nal, naln)
emp <- data.frame(y = rnorm(12), e = factor(c("", "a", "", "b", "a b", "", "b", "a", "a b", "", "a", "b")),
                  s = c("", "x", NA, "x", "", "y", "y", "", "x", NA, "y", ""), stringsAsFactors = FALSE)
empn <- data.frame(y = 0, e = factor(c("", "a b", NA), levels = levels(emp$e)), s = c("", NA, "z"), stringsAsFactors = FALSE)
case("empty_level_dummy", recipe(y ~ ., emp) |> step_mutate(e2 = e) |> step_dummy(e) |> step_string2factor(s) |>
       step_other(e2, threshold = 0.3), emp, empn)
na_text <- data.frame(y = rnorm(9), s = c("NA", NA, "a", "NA", "b", NA, "a", "N/A", "a"), stringsAsFactors = FALSE)
case("string_na_versus_na", recipe(y ~ ., na_text) |> step_mutate(s2 = s, s3 = s) |> step_string2factor(s) |> step_dummy(s) |>
       step_unknown(s2) |> step_other(s3, threshold = 0.2), na_text,
     data.frame(y = 0, s = c(NA, "NA", "N/A"), stringsAsFactors = FALSE))
case("empty_string_steps", recipe(y ~ ., emp) |> step_novel(s) |> step_unknown(s) |> step_dummy(s, one_hot = TRUE), emp, empn)

# --- non-ASCII strings: UTF-8 and latin1-marked ------------------------------------------------------
u8 <- c("caf\u00e9", "na\u00efve", "\u00fcber", "plain", "\u00c5se", NA, "\u00e9t\u00e9", "z\u00f8e")
l1 <- iconv(u8, "UTF-8", "latin1")
stopifnot(any(Encoding(l1) == "latin1"))
enc <- data.frame(y = rnorm(16), u = rep(u8, 2), l = rep(l1, 2), stringsAsFactors = FALSE)
enc$fl <- factor(enc$l)
encn <- data.frame(y = 0, u = c(l1[1], u8[3], "new\u00e9", NA), l = c(u8[2], l1[7], NA, "plain"), stringsAsFactors = FALSE)
encn$fl <- factor(c(l1[1], NA, l1[8], "plain"), levels = levels(enc$fl))
case("strings_utf8_latin1", recipe(y ~ ., enc) |> step_mutate(u2 = u, l2 = l) |> step_string2factor(u, l) |>
       step_dummy(u, l) |> step_regex(u2, pattern = "\u00e9") |> step_count(l2, pattern = "[\u00e9\u00ef]") |>
       step_other(fl, threshold = 0.2), enc, encn)
case("strings_latin1_novel_unknown", recipe(y ~ ., enc) |> step_novel(fl) |> step_unknown(fl) |> step_impute_mode(l) |>
       step_string2factor(l) |> step_other(l, threshold = 0.2), enc, encn)
case("strings_latin1_novel_mode", recipe(y ~ ., enc) |> step_impute_mode(u, l) |> step_novel(fl) |> step_unknown(fl), enc, encn)

# --- tibbles and data.frames -------------------------------------------------------------------------
tb <- tibble(y = rnorm(10), t = with_tz(train_t[1:10], "Europe/Berlin"), k = c(1:9, NA), s = letters[1:10])
case("tibble_in_tibble_out", recipe(y ~ ., tb) |> step_date(t, features = c("dow", "week")) |> step_mutate(k2 = k + 1L) |>
       step_string2factor(s), tb, tb[c(1, 10), ])
case("tibble_train_frame_new", recipe(y ~ ., tb) |> step_time(t, features = c("hour", "decimal_day")) |> step_dummy_extract(s, pattern = "[a-c]"),
     tb, as.data.frame(tb[c(2, 3), ]))

# --- -0, NaN and NA ------------------------------------------------------------------------------------
zn <- data.frame(y = 1:8, x = c(-0, 0, NaN, NA, -1, 1, 2.5, -2.5), w = c(1, NA, NaN, 4, 5, -0, 7, 8))
case("negzero_nan_mutate", recipe(y ~ ., zn) |> step_mutate(a = x * -1, b = sqrt(x), c = x / 0, d = -x, e = x * 0, f = abs(x), g = pmax(x, 0),
                                                          h = round(-0.4), i = ifelse(is.na(x), -0, x)),
     zn, zn)
case("negzero_nan_steps", recipe(y ~ ., zn) |> step_mutate(x2 = x, w2 = w) |> step_log(x, signed = TRUE) |>
       step_center(w) |> step_sqrt(x2) |> step_impute_mean(w2), zn, zn)
case("nan_impute_indicate", recipe(y ~ ., zn) |> step_indicate_na(x) |> step_impute_median(w) |> step_range(x), zn, zn)

# --- kerasnip workflows fed by date-time features ---------------------------------------------------------
input_block <- function(model, input_shape) keras3::keras_model_sequential(input_shape = input_shape)
dense_block <- function(model, units = 6) model |> keras3::layer_dense(units = units, activation = "tanh")
reg_out <- function(model, num_classes) model |> keras3::layer_dense(units = 1)
create_keras_sequential_spec("types_reg", list(input = input_block, hidden = dense_block, output = reg_out), mode = "regression")
save_workflow <- function(name, fitted, new_data, types) {
  d <- file.path(out, name); dir.create(d, showWarnings = FALSE)
  saveRDS(fitted, file.path(d, "object.rds"))
  saveRDS(new_data, file.path(d, "new_data.rds"))
  failed <- function(e) { writeLines(conditionMessage(e), file.path(d, "error.txt")); NULL }
  done <- character()
  for (t in types) {
    p <- tryCatch(predict(fitted, new_data, type = t), error = failed)
    if (!is.null(p)) { saveRDS(p, file.path(d, paste0(t, ".rds"))); done <- c(done, t) }
  }
  writeLines(done, file.path(d, "types.txt"))
}
keras3::set_random_seed(5)
wt <- data.frame(t = with_tz(train_t, "Europe/Berlin"), shop = factor(sample(c("n\u00f8rd", "s\u00fcd"), 40, TRUE)))
wt$sales <- as.numeric(format(wt$t, "%H")) + rnorm(40)
rec <- recipe(sales ~ ., wt) |> step_date(t, features = c("dow", "month", "decimal", "week")) |>
  step_time(t, features = c("hour", "minute", "decimal_day", "am")) |> step_mutate(t_am = as.numeric(t_am)) |>
  step_holiday(t, holidays = c("ChristmasEve", "Easter")) |> step_rm(t) |>
  step_dummy(all_nominal_predictors()) |> step_zv(all_predictors()) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, types_reg(fit_epochs = 2) |> set_engine("keras")), data = wt)
bn <- data.frame(t = with_tz(special[-length(special)], "Europe/Berlin"), shop = factor(rep(c("s\u00fcd", "n\u00f8rd"), length.out = 17)))
save_workflow("workflow_berlin_times", f, bn, c("numeric", "conf_int"))
# hardhat casts new date-times to the training zone before the recipe sees them
save_workflow("workflow_new_data_in_utc", f, transform(bn, t = with_tz(t, "UTC")), "numeric")
save_workflow("workflow_new_data_dates", f, data.frame(t = as.Date(c("2021-03-28", "2021-10-31", "1969-12-31")),
                                                       shop = factor("s\u00fcd")), "numeric")
# R refuses strings for a date-time; Python reads them as ISO times in the training zone
# (what a CSV reader leaves), so R's prediction for that time is kept too
save_workflow("workflow_new_data_strings_error", f, data.frame(t = "2021-03-28 10:00:00", shop = "s\u00fcd"), "numeric")
saveRDS(predict(f, data.frame(t = as.POSIXct("2021-03-28 10:00:00", tz = "Europe/Berlin"), shop = "s\u00fcd")),
        file.path(out, "workflow_new_data_strings_error", "numeric_parsed.rds"))
wk <- data.frame(t = with_tz(train_t, "Asia/Kolkata"), d = as.Date(train_t))
wk$y <- as.numeric(format(wk$t, "%M")) / 10 + rnorm(40)
rec <- recipe(y ~ ., wk) |> step_time(t, features = c("hour", "minute", "second")) |> step_date(d, features = c("doy", "dow"), label = FALSE) |>
  step_harmonic(t, frequency = 1, cycle_size = 3600) |> step_rm(d) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, types_reg(fit_epochs = 2) |> set_engine("keras")), data = wk)
kn <- data.frame(t = with_tz(special[-length(special)], "Asia/Kolkata"), d = as.Date(special[-length(special)]))
save_workflow("workflow_kolkata_harmonic", f, kn, c("numeric", "pred_int"))
save_workflow("workflow_date_from_datetime_error", f, transform(kn, d = with_tz(special[-length(special)], "UTC")), "numeric")
# hardhat casts logical, integer, ordered and character columns (and a new row whose
# missing numbers R made logical) before the recipe sees them
mixed <- data.frame(l = sample(c(TRUE, FALSE, NA), 40, TRUE), k = sample(c(1:9, NA), 40, TRUE),
                    o = factor(sample(sizes[2:4], 40, TRUE), levels = sizes, ordered = TRUE),
                    s = sample(c("caf\u00e9", "NA", "b"), 40, TRUE), stringsAsFactors = FALSE)
mixed$y <- ifelse(is.na(mixed$l), 0, mixed$l) + rnorm(40)
rec <- recipe(y ~ ., mixed) |> step_mutate(l = as.numeric(l)) |> step_impute_mean(l, k) |>
  step_string2factor(s) |> step_dummy(o, s) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, types_reg(fit_epochs = 2) |> set_engine("keras")), data = mixed)
mn <- mixed[c(1:4, 6), 1:4]
mn[5, c("l", "k")] <- NA
save_workflow("workflow_mixed_types", f, mn, c("numeric", "conf_int"))
save_workflow("workflow_all_na_row", f, data.frame(l = NA, k = NA, o = factor("M", levels = sizes, ordered = TRUE), s = "b"), "numeric")
# a formula blueprint: model.matrix() takes a Date and a date-time as their numbers, a
# logical as a TRUE indicator, an integer with NA drops its row
fm <- data.frame(t = with_tz(train_t, "Asia/Kolkata"), d = as.Date(train_t), l = sample(c(TRUE, FALSE), 40, TRUE),
                 k = sample(1:5, 40, TRUE))
fm$y <- as.numeric(fm$d - as.Date("2021-01-01")) / 100 + fm$l + rnorm(40)
f <- fit(workflow() |> add_formula(y ~ I(as.numeric(t) / 1e9) + I(as.numeric(d) / 1e4) + l + k) |>
           add_model(types_reg(fit_epochs = 2) |> set_engine("keras")), data = fm)
fn <- data.frame(t = with_tz(special[c(1, 5, 9, 14)], "Asia/Kolkata"), d = as.Date(c("2021-03-14", NA, "1969-12-31", "2400-02-29")),
                 l = c(TRUE, FALSE, NA, TRUE), k = c(1L, 2L, 3L, NA))
save_workflow("workflow_formula_times", f, fn, "numeric")
