# A new user's recipes 1.3.2 recipes on base R data sets the step ground truth does not
# use, with other step options. Each folder holds the recipe before and after prep(), its
# training data, new data and R's bake() of it (right after set.seed(1), for the steps
# that draw), or error.txt with R's message where prep() or bake() stops.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_recipe_trial.R tests/data/recipe_trial

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages(library(recipes))
set.seed(42)
case <- function(name, rec, train, new) {
  d <- file.path(out, name); dir.create(d, showWarnings = FALSE)
  saveRDS(rec, file.path(d, "unprepped.rds"))
  saveRDS(train, file.path(d, "train.rds"))
  saveRDS(new, file.path(d, "new_data.rds"))
  failed <- function(e) writeLines(conditionMessage(e), file.path(d, "error.txt"))
  p <- tryCatch(prep(rec, training = train), error = failed)
  if (is.null(p)) return(invisible())
  saveRDS(p, file.path(d, "recipe.rds"))
  set.seed(1)
  tryCatch(saveRDS(bake(p, new), file.path(d, "baked.rds")), error = failed)
}
aq <- airquality
case("impute_bag_aq", recipe(Ozone ~ ., aq) |> step_impute_bag(Solar.R, Ozone, trees = 7, seed_val = 3), aq, aq[c(5, 6, 10, 25, 27), ])
case("discretize_cut_mtcars", recipe(mpg ~ ., mtcars) |> step_discretize(disp, hp, num_breaks = 3, min_unique = 5) |>
       step_cut(wt, breaks = c(2.5, 3.5), include_outside_range = TRUE) |> step_dummy(all_nominal_predictors()),
     mtcars, rbind(mtcars[1:4, ], transform(mtcars[5, ], wt = 9, disp = 1000)))
case("percentile_ratio_swiss", recipe(Fertility ~ ., swiss) |> step_percentile(Agriculture, Education) |>
       step_ratio(Examination, denom = denom_vars(Catholic, Infant.Mortality)), swiss, swiss[c(1, 30, 47), ])
tr <- data.frame(hour = c(0:23, 0:23) + runif(48), y = rnorm(48))
case("harmonic_hours", recipe(y ~ hour, tr) |> step_harmonic(hour, frequency = c(1, 2), cycle_size = 24, keep_original_cols = TRUE),
     tr, data.frame(hour = c(0, 6.5, 23.99, NA), y = 0))
ts <- data.frame(when = as.POSIXct("2021-03-01 00:00:00", tz = "UTC") + sort(runif(40, 0, 86400 * 30)), y = rnorm(40))
case("time_features", recipe(y ~ when, ts) |> step_time(when, features = c("am", "hour", "hour12", "minute", "second", "decimal_day")),
     ts, ts[c(1, 20, 40), ])
case("relevel_bin2factor_co2", recipe(uptake ~ ., as.data.frame(CO2)) |> step_mutate(high = conc > 400) |>
       step_bin2factor(high, levels = c("high conc", "low conc")) |> step_relevel(Type, ref_level = "Mississippi") |>
       step_unorder(Plant) |> step_dummy(all_nominal_predictors()),
     as.data.frame(CO2), as.data.frame(CO2)[c(1, 50, 84), ])
txt <- data.frame(y = rnorm(30), name = sample(c("Dr. Who", "Mrs. Smith-Jones", "mr x", NA, "Prof. Dr. Ödön"), 30, TRUE))
case("count_regex_text", recipe(y ~ name, txt) |> step_count(name, pattern = "[A-Z]", normalize = TRUE, result = "caps") |>
       step_regex(name, pattern = "Dr\\.", result = "doctor") |> step_dummy_extract(name, sep = " ", threshold = 0.1, other = "rare") ,
     txt, data.frame(y = 0, name = c("Dr. No", NA, "Sir Ödön", "")))
case("window_trees", recipe(Volume ~ ., trees) |> step_window(Girth, size = 5, statistic = "max", names = "gmax") |>
       step_window(Height, size = 3, statistic = "sd", role = "predictor"), trees, trees[1:9, ])
case("spline_natural_faithful", recipe(eruptions ~ waiting, faithful) |> step_spline_natural(waiting, deg_free = 4) ,
     faithful, data.frame(waiting = c(43, 60, 96, 120, NA), eruptions = 0))
case("kpca_poly_usarrests", recipe(~ ., USArrests) |> step_normalize(all_numeric()) |> step_kpca_poly(all_numeric(), num_comp = 3, degree = 2, scale_factor = 0.5, offset = 1),
     USArrests, USArrests[c(1, 25, 50), ])
case("ica_stackloss", recipe(stack.loss ~ ., stackloss) |> step_ica(all_predictors(), num_comp = 2, seed = 7), stackloss, stackloss[c(1, 11, 21), ])
case("geodist_quakes", recipe(mag ~ lat + long + depth, quakes) |> step_geodist(lat = lat, lon = long, ref_lat = -20, ref_lon = 180, is_lat_lon = TRUE, log = TRUE, name = "far"),
     quakes, quakes[c(1, 500, 1000), ])
case("spatialsign_lincomb_longley", recipe(Employed ~ ., longley) |> step_mutate(GNP2 = GNP * 2) |> step_lincomb(all_numeric_predictors()) |>
       step_center(all_numeric_predictors()) |> step_scale(all_numeric_predictors()) |> step_spatialsign(all_numeric_predictors()),
     longley, longley[c(1, 8, 16), ])
case("classdist_iris", recipe(Species ~ ., iris) |> step_classdist(all_numeric_predictors(), class = "Species", pool = TRUE, log = FALSE),
     iris, iris[c(1, 51, 101), ])
case("depth_iris", recipe(Species ~ ., iris) |> step_depth(all_numeric_predictors(), class = "Species", metric = "Mahalanobis"),
     iris, iris[c(2, 52, 102), ])
case("filter_missing_naomit", recipe(Ozone ~ ., aq) |> step_filter_missing(all_predictors(), threshold = 0.03) |> step_naomit(all_predictors(), skip = FALSE),
     aq, aq[c(1, 5, 6, 10), ])
case("integer_num2factor_esoph", recipe(ncases ~ ., esoph) |> step_integer(agegp, zero_based = TRUE) |>
       step_mutate(nc = as.integer(ncontrols %% 3 + 1)) |> step_num2factor(nc, levels = c("one", "two", "three"), ordered = TRUE),
     esoph, esoph[c(1, 40, 88), ])
case("poly_bernstein_women", recipe(weight ~ height, women) |> step_poly_bernstein(height, degree = 3, options = list(Boundary.knots = c(55, 75))),
     women, data.frame(height = c(55, 60.5, 75, 80), weight = 0))
case("spline_b_monotone_rock", recipe(perm ~ ., rock) |> step_spline_b(area, deg_free = 5, degree = 2) |> step_spline_monotone(peri, deg_free = 4),
     rock, rock[c(1, 24, 48), ])
case("hyperbolic_logit_attitude", recipe(rating ~ ., attitude) |> step_range(all_numeric_predictors(), min = 0.05, max = 0.95) |>
       step_logit(complaints, offset = 0.01) |> step_hyperbolic(privileges, func = "tanh", inverse = FALSE) |> step_invlogit(learning) |>
       step_inverse(raises, offset = 1) |> step_relu(critical, shift = 0.5, reverse = TRUE, smooth = TRUE),
     attitude, attitude[c(1, 15, 30), ])
case("nnmf_sparse_usarrests", recipe(~ ., USArrests) |> step_nnmf_sparse(all_numeric(), num_comp = 2, seed = 5),
     USArrests, USArrests[c(3, 9), ])
case("isomap_swiss", recipe(Fertility ~ ., swiss) |> step_normalize(all_predictors()) |> step_isomap(all_predictors(), num_terms = 2, neighbors = 12),
     swiss, swiss[c(2, 20), ])
case("pls_mtcars", recipe(mpg ~ ., mtcars) |> step_pls(all_predictors(), outcome = "mpg", num_comp = 2), mtcars, mtcars[c(2, 9, 30), ])
case("impute_roll_lower", recipe(y ~ ., data.frame(y = 1:20, x = c(1, NA, 3:10, NA, NA, 13:20), z = abs(rnorm(20)))) |>
       step_impute_roll(x, window = 5, statistic = median) |> step_impute_lower(z),
     data.frame(y = 1:20, x = c(1, NA, 3:10, NA, NA, 13:20), z = abs(rnorm(20))), data.frame(y = 1:6, x = c(NA, 2, NA, NA, 5, 6), z = c(0, 1e-9, 2, 3, 4, 5)))

# Names R keeps as ALTREP: deferred strings (names(x) <- 5:6) and compact row names.
altrep <- list(5, 6)
names(altrep) <- 5:6
saveRDS(list(named = altrep, frame = data.frame(v = 1:3, row.names = as.character(11:13)),
             years = longley[1:3, 1:2]), file.path(out, "altrep_names.rds"))

# Selectors: tidyselect's where() with a type predicate, recipes' type helpers, roles.
set.seed(1)
sel <- data.frame(x1 = rnorm(30), x2 = rnorm(30), x3 = rpois(30, 3), len = runif(30),
                  grp = factor(sample(c("a", "b", "c"), 30, TRUE)),
                  lvl = factor(sample(c("lo", "mid", "hi"), 30, TRUE), levels = c("lo", "mid", "hi"), ordered = TRUE),
                  txt = sample(c("u", "v"), 30, TRUE), y = rnorm(30), stringsAsFactors = FALSE)
case("select_where_numeric", recipe(y ~ ., sel) |> step_normalize(where(is.numeric), -all_outcomes()), sel, sel[1:5, ])
case("select_typed", recipe(y ~ ., sel) |> step_center(all_double_predictors()) |> step_scale(all_integer_predictors()) |>
       step_dummy(all_unordered_predictors()) |> step_ordinalscore(all_ordered_predictors()), sel, sel[1:5, ])
case("select_roles_types", recipe(y ~ ., sel) |> update_role(len, new_role = "extra") |> step_range(has_role("extra")) |>
       step_integer(has_type("ordered")) |> step_zv(everything()), sel, sel[1:5, ])
