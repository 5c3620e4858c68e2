# step_ns / step_bs on POSIXct columns (recipes' check_type admits date-times; the knots are
# kept as date-times in the column's zone, the basis is of the seconds), and a Date column,
# which R refuses at prep. Layout of recipe_cases.R.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_spline_datetimes.R tests/data/spline_datetimes

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
case <- function(...) recipe_case(out, ..., quietly = TRUE)
set.seed(7)
stamps <- function(n, tz) as.POSIXct("2021-03-01 00:00:00", tz = tz) + sort(round(runif(n, -3e7, 3e7)))
for (tz in c("UTC", "America/New_York", "Australia/Lord_Howe")) {
  d <- data.frame(y = rnorm(40), t = stamps(40, tz), x = runif(40))
  new <- d[c(1, 9, 17, 40), ]
  new$t[2] <- NA
  key <- gsub("[^A-Za-z]", "_", tz)
  case(paste0("ns_posixct_", key), recipe(y ~ ., d) |> step_ns(t, deg_free = 4), d, new)
  case(paste0("bs_posixct_", key), recipe(y ~ ., d) |> step_bs(t, x, deg_free = 5, degree = 2, keep_original_cols = TRUE), d, new)
}
# beyond the boundary knots, splines' extrapolation does arithmetic on date-times: R stops
d <- data.frame(y = rnorm(40), t = stamps(40, "Europe/Berlin"))
late <- transform(d[1:2, ], t = t + c(0, 9e7))
case("ns_posixct_beyond_boundary", recipe(y ~ ., d) |> step_ns(t, deg_free = 3), d, late)
case("bs_posixct_beyond_boundary", recipe(y ~ ., d) |> step_bs(t), d, transform(d[1:2, ], t = t - c(0, 9e7)))
d <- data.frame(y = rnorm(30), day = as.Date("2020-01-01") + sort(sample(0:400, 30)))
case("ns_date_refused", recipe(y ~ ., d) |> step_ns(day), d, d[1:3, ])
