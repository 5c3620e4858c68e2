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
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "recipe_cases.R"))
case <- function(...) recipe_case(out, ..., quietly = FALSE)
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

# Selectors by name and position: num_range() (width, suffix, missing names skipped, its
# order), any_of() / all_of(), ranges a:b both ways, positions, last_col(offset), and the
# complement !, & and |; step_lag() makes columns in selection order, step_select() keeps
# it. all_of() of a missing column stops prep().
set.seed(7)
nr <- as.data.frame(setNames(lapply(1:12, function(i) round(rnorm(20, i), 3)), sprintf("x%02d", 1:12)))
nr$s1_v <- runif(20); nr$s2_v <- runif(20); nr$y <- rnorm(20)
case("select_num_range_any_of", recipe(y ~ ., nr) |> step_lag(num_range("x", c(3, 1, 13), width = 2), lag = 1:2) |>
       step_scale(num_range("s", 2:1, suffix = "_v"), any_of(c("x12", "nope", "x10"))) |>
       step_select(num_range("x", 12:9, width = 2), any_of(c("y", "zz")), num_range("lag_1_x", 3:1, width = 2),
                   starts_with("x0"), -x05),
     nr, nr[c(1, 7, 20), ])
case("select_ranges_last_col_mtcars", recipe(mpg ~ ., mtcars) |> step_lag(wt:disp, lag = 1) |>
       step_center(last_col(offset = 1), 1:2, c(4, 2)) |> step_scale(-cyl:-carb, -last_col()) |>
       step_select(last_col():gear, all_of(c("mpg", "cyl")), 3),
     mtcars, mtcars[c(1, 15, 32), ])
case("select_bang_and_or_mtcars", recipe(mpg ~ ., mtcars) |> step_lag(hp | starts_with("d"), lag = 1) |>
       step_normalize(!all_outcomes() & !starts_with("hp"), -am) |>
       step_rm(!(all_outcomes() | contains("lag") | c(cyl, wt, qsec))) |> step_select(qsec, !c(qsec, mpg), mpg),
     mtcars, mtcars[c(3, 19, 31), ])
case("select_all_of_missing", recipe(mpg ~ ., mtcars) |> step_center(all_of(c("wt", "nope"))), mtcars, mtcars[1:3, ])

# How recipes (tidyselect 1.2.0) resolves selections, one step's arguments per line: the
# names selected, in order, or NA where R stops. On mtcars (mpg ~ .) and on names made
# for num_range() (~ .).
numbered <- data.frame(x1 = 1, x01 = 2, x001 = 3, x10 = 4, "x-1" = 5, x1_a = 6, check.names = FALSE)
frames <- list(mtcars = list(recipe(mpg ~ ., mtcars), mtcars), numbered = list(recipe(~ ., numbered), numbered))
selections <- rbind(
  data.frame(data = "mtcars", selection = c(
    "disp:wt", "wt:disp", "mpg:cyl", "cyl:3", "2:\"wt\"", "1:3", "3:1", "c(1, 3)", "c(3, 1), hp", "1:0", "c(0, 2)",
    "0", "12", "1.5", "c(1, 1)", "disp, 2", "-1", "-2", "c(-2, -3)", "-c(2, 3)", "!2", "c(2, -1)", "-1:-2",
    "-(disp:wt)", "!disp:wt", "-disp:-wt", "hp, -disp:-wt", "cyl:wt:qsec", "cyl:starts_with(\"d\")",
    "starts_with(\"q\"):cyl", "last_col()", "last_col(1)", "last_col(offset = 2)", "last_col(0L)",
    "last_col(offset = 10)", "last_col(offset = 11)", "last_col(20)", "last_col(-1)", "last_col(1.5)",
    "last_col(TRUE)", "last_col():cyl", "cyl:last_col()", "!hp", "!c(hp, cyl)", "hp, !cyl", "-cyl", "!cyl, -hp",
    "hp, -hp", "hp, !hp", "hp, c(-hp)", "hp, c(-hp, wt)", "c(wt, -wt, disp)", "c(-wt), disp", "-wt, disp",
    "!wt, disp", "!(!wt)", "all_predictors(), -(disp | wt)", "everything() & !cyl", "!everything()",
    "all_predictors() & starts_with(\"d\")", "starts_with(\"d\") & all_predictors()",
    "all_predictors() & -starts_with(\"d\")", "-starts_with(\"d\") & all_predictors()",
    "starts_with(\"d\") | cyl", "cyl | starts_with(\"d\")", "wt | disp", "wt | -wt", "wt & disp",
    "wt & starts_with(\"d\")", "c(wt) & c(wt, disp)", "(wt | disp) & hp", "disp | wt & hp",
    "all_of(c(\"wt\", \"disp\"))", "all_of(\"wt\")", "all_of(c(\"wt\", \"nope\"))", "all_of(c(\"wt\", \"disp\", \"wt\"))",
    "all_of(1:2)", "all_of(c(1, 20))", "all_of(c(a = \"wt\"))", "all_of(c(\"wt\", NA))", "all_of(cols)",
    "any_of(c(\"wt\", \"nope\", \"disp\"))", "any_of(c(\"wt\", \"wt\"))", "wt, any_of(\"wt\")", "any_of(c(20, 1))",
    "any_of(NA_character_)", "!all_of(\"nope\")", "!any_of(\"nope\")", "-any_of(\"nope\")", "-all_of(\"nope\")",
    "all_of(c(\"wt\", \"disp\")) | any_of(\"zz\")", "\"wt\"", "c(\"wt\", \"disp\")", "\"nope\"", "wt:\"disp\"")),
  data.frame(data = "numbered", selection = c(
    "num_range(\"x\", 1, width = 0)", "num_range(\"x\", 1, width = 1)", "num_range(\"x\", 1, width = 3)",
    "num_range(\"x\", c(10, 1, 1))", "num_range(\"x\", 10:1)", "num_range(\"x\", -1)", "num_range(\"x\", 1, suffix = \"_a\")",
    "num_range(\"x\", 1:2, width = 2)", "num_range(\"x\", 1L:1L, suffix = \"_a\", width = 1)", "num_range(\"y\", 1:3)",
    "num_range(\"x\", 1:3, width = 3) | x10")))
selections$selected <- mapply(function(data, text) {
  quos <- lapply(rlang::call_args(rlang::parse_expr(paste0("c(", text, ")"))), rlang::new_quosure, env = globalenv())
  rec <- frames[[data]][[1]]
  frame <- frames[[data]][[2]][rec$var_info$variable]
  tryCatch(paste(suppressWarnings(recipes:::recipes_eval_select(quos, frame, rec$var_info)), collapse = " "),
           error = function(e) NA_character_)
}, selections$data, selections$selection, USE.NAMES = FALSE)
saveRDS(list(selections = selections, roles = lapply(frames, function(f) f[[1]]$var_info[c("variable", "role")])),
        file.path(out, "selections.rds"))
