# The drawing of random recipes, shared by tests/r/make_random_recipes.R and
# tests/r/make_random_fits.R: data sets (base R and modeldata sets, random rows and
# columns, missing values, odd level names, character, logical, Date and POSIXct
# columns; draw_data()), the columns a chain of steps leaves (state()), and the grammar
# of steps with random arguments and selectors (grammar, usable with fits()).
# Sourced after library(recipes) and library(modeldata); it draws nothing by itself.

# A generator's command line, OUT SEED N [i,j,...]: the folder (made here), the seed, and
# the cases to draw (1..N unless listed).
generator_args <- function(args = commandArgs(trailingOnly = TRUE)) {
  n_cases <- as.integer(args[[3]])
  dir.create(args[[1]], showWarnings = FALSE, recursive = TRUE)
  list(out = args[[1]], seed = as.integer(args[[2]]), n_cases = n_cases,
       only = if (length(args) > 3) as.integer(strsplit(args[[4]], ",")[[1]]) else seq_len(n_cases))
}

one <- function(x) x[[sample.int(length(x), 1)]]
some <- function(x, lo = 1, hi = 3) x[sample.int(length(x), one(min(lo, length(x)):min(hi, length(x))))]
chance <- function(p) runif(1) < p
tick <- function(x) paste0("`", x, "`")
lit <- function(x) deparse(x, width.cutoff = 500L)
`%||%` <- function(a, b) if (is.null(a)) b else a

# --- data sets -------------------------------------------------------------------------
with_factors <- function(d, cols) { d[cols] <- lapply(d[cols], factor); d }
sources <- list(
  penguins = function() list(as.data.frame(penguins), one(c("body_mass_g", "species"))),
  ames = function() list(as.data.frame(ames[, c("Sale_Price", "Lot_Area", "Year_Built", "Gr_Liv_Area", "Neighborhood",
                                                 "Bldg_Type", "House_Style", "Overall_Cond", "Garage_Cars", "Latitude",
                                                 "Longitude", "Central_Air", "Alley", "Full_Bath")]), "Sale_Price"),
  credit = function() list(as.data.frame(credit_data), "Status"),
  chicago = function() list(as.data.frame(Chicago[, c("ridership", "Clark_Lake", "Austin", "Harlem", "temp", "percip",
                                                      "Bulls_Home", "Bears_Away", "date")]), "ridership"),
  attrition = function() list(as.data.frame(attrition[, c("Attrition", "Age", "BusinessTravel", "DailyRate", "Department",
                                                           "Education", "EnvironmentSatisfaction", "Gender", "MonthlyIncome",
                                                           "JobRole", "OverTime", "YearsAtCompany", "JobSatisfaction")]), "Attrition"),
  hpc = function() list(as.data.frame(hpc_data), "class"),
  sacramento = function() list(as.data.frame(Sacramento), "price"),
  crickets = function() list(as.data.frame(crickets), "rate"),
  scat = function() list(as.data.frame(scat[, 1:12]), "Species"),
  two_class = function() list(as.data.frame(two_class_dat), "Class"),
  biomass = function() list(as.data.frame(biomass), "HHV"),
  concrete = function() list(as.data.frame(concrete), "compressive_strength"),
  churn = function() list(as.data.frame(wa_churn[, c("churn", "female", "senior_citizen", "partner", "tenure", "contract",
                                                     "internet_service", "payment_method", "monthly_charges", "total_charges")]), "churn"),
  airquality = function() list(airquality, "Ozone"),
  iris = function() list(iris, one(c("Species", "Sepal.Length"))),
  mtcars = function() list(with_factors(mtcars, some(c("cyl", "am", "gear", "vs", "carb"), 1, 3)), "mpg"),
  toothgrowth = function() list(with_factors(ToothGrowth, if (chance(0.5)) "dose" else character()), "len"),
  warpbreaks = function() list(warpbreaks, "breaks"),
  esoph = function() list(as.data.frame(esoph), "ncases"),
  co2 = function() list(as.data.frame(CO2), "uptake"),
  chickweight = function() list(as.data.frame(ChickWeight), "weight"),
  quakes = function() list(quakes, "mag"),
  swiss = function() list(swiss, "Fertility")
)

odd_levels <- c("a b", "a.b", "é", "x-y", "1st", " ", "", "A+B", "naïve", "(other)", "NA", "TRUE", "_x", "a,b",
                "ü ö", "%", "a  b", "a_b", "Ärger", "1", "other", "new", "unknown", "x'y", "a/b", "日本")

# the columns a case may change: names of factors, numbers
kind <- function(x) if (is.factor(x)) "fac" else if (is.character(x)) "chr" else if (is.numeric(x)) "num" else "other"
cols_of <- function(d, y, k) setdiff(names(d)[vapply(d, kind, "") %in% k], y)

draw_data <- function() {
  src <- one(sources)()
  d <- src[[1]]; y <- src[[2]]
  rownames(d) <- NULL
  keep <- c(y, some(setdiff(names(d), y), 2, 8))
  d <- d[sample.int(nrow(d), min(nrow(d), sample(50:220, 1))), keep, drop = FALSE]
  facs <- cols_of(d, y, "fac")
  if (length(facs) && chance(0.35)) {  # odd level names
    f <- one(facs)
    levels(d[[f]]) <- make.unique(sample(odd_levels, nlevels(d[[f]]), replace = nlevels(d[[f]]) > length(odd_levels)))
  }
  if (length(facs) && chance(0.2)) { f <- one(facs); d[[f]] <- as.character(d[[f]]) }
  nums <- cols_of(d, y, "num")
  if (chance(0.2)) d$day <- as.Date("2019-12-20") + sample(0:800, nrow(d), replace = TRUE)
  if (chance(0.15)) d$stamp <- as.POSIXct("2021-03-27 22:00:00", tz = "UTC") + round(runif(nrow(d), 0, 86400 * 20))
  if (chance(0.15)) d$flag <- sample(c(TRUE, FALSE), nrow(d), replace = TRUE)
  if (chance(0.15)) d$few <- sample(c(0L, 1L, 1L, 2L, 7L), nrow(d), replace = TRUE)
  if (chance(0.1)) d$text <- sample(c("Dr. No", "a b c", "mr x", "Ödön, Ede", "x_y z", "AB CD ab"), nrow(d), replace = TRUE)
  n_new <- one(c(0, 1, 4:10))
  new <- d[seq_len(n_new), , drop = FALSE]
  train <- d[setdiff(seq_len(nrow(d)), seq_len(n_new)), , drop = FALSE]
  if (chance(0.35)) train <- with_na(train, y)
  if (nrow(new) && chance(0.6)) new <- with_na(new, y)
  if (nrow(new) && chance(0.5)) new <- with_unseen(new, y)
  rownames(train) <- NULL; rownames(new) <- NULL
  list(train = train, new = new, y = y)
}

with_na <- function(d, y) {
  for (col in some(setdiff(names(d), y), 1, 3)) d[[col]][sample.int(nrow(d), max(1, nrow(d) %/% sample(5:20, 1)))] <- NA
  d
}

with_unseen <- function(d, y) {
  cols <- cols_of(d, y, c("fac", "chr"))
  if (!length(cols)) return(d)
  col <- one(cols)
  x <- d[[col]]
  if (is.factor(x)) x <- factor(as.character(x), levels = c(levels(x), "never seen"), ordered = is.ordered(x))
  x[sample.int(length(x), 1)] <- "never seen"
  d[[col]] <- x
  d
}

# --- the columns a chain leaves -------------------------------------------------------
state <- function(rec, train) {
  p <- suppressWarnings(prep(rec, training = train))
  b <- suppressWarnings(bake(p, new_data = NULL))
  s <- summary(p)
  pred <- intersect(s$variable[s$role %in% "predictor"], names(b))
  cls <- vapply(b[pred], function(x) class(x)[1], "")
  outcome <- intersect(s$variable[s$role %in% "outcome"], names(b))
  list(num = pred[cls %in% c("numeric", "integer")], fac = pred[cls %in% c("factor", "ordered")],
       ord = pred[cls == "ordered"], chr = pred[cls == "character"], date = pred[cls == "Date"],
       posix = pred[cls == "POSIXct"], logi = pred[cls == "logical"], pred = pred, b = b,
       y = outcome, y_fac = length(outcome) == 1 && is.factor(b[[outcome]]))
}

# a selector for some of `cols`: their type's selector, names, c(), starts_with(), or now
# and then one that also selects columns of other types
selector <- function(cols, all = "all_numeric_predictors()") {
  r <- runif(1)
  if (r < 0.3) return(all)
  if (r < 0.36) return(one(kin[[all]] %||% all))
  if (r < 0.7) return(paste(tick(some(cols)), collapse = ", "))
  if (r < 0.77) return(paste0("c(", paste(tick(some(cols, 2, 3)), collapse = ", "), ")"))
  if (r < 0.85) return(paste0("starts_with(", lit(substr(one(cols), 1, sample(1:3, 1))), ")"))
  if (r < 0.9) { col <- one(cols); k <- nchar(col)
    return(one(c(paste0("ends_with(", lit(substr(col, max(1, k - 1), k)), ")"),
                 paste0("contains(", lit(substr(col, 2, 3)), ")"),
                 paste0("matches(", lit(paste0("^", substr(col, 1, 1), ".*")), ")")))) }
  if (r < 0.95) return("all_predictors()")
  paste0("-all_outcomes(), -", tick(one(cols)))
}
# the narrower selectors of a type
kin <- list("all_numeric_predictors()" = c("all_double_predictors()", "all_integer_predictors()", "has_type(\"numeric\")"),
            "all_nominal_predictors()" = c("all_factor_predictors()", "all_unordered_predictors()", "all_string_predictors()",
                                           "all_ordered_predictors()"))
num_sel <- function(s) selector(s$num)
nom_sel <- function(s) selector(c(s$fac, s$chr), "all_nominal_predictors()")
opt <- function(p, text) if (chance(p)) paste0(", ", text) else ""
keep <- function() opt(0.25, paste0("keep_original_cols = ", one(c("TRUE", "FALSE"))))
positive <- function(s) s$num[vapply(s$b[s$num], function(x) all(x > 0, na.rm = TRUE), TRUE)]
ordered_ <- function(s) s$ord
one_level <- function(s, col) { x <- s$b[[col]]; one(c(if (is.factor(x)) levels(x) else unique(x), "nope")) }

# --- the grammar: per step, the columns it needs and its call ---------------------------
grammar <- list(
  normalize = list("num", function(s) paste0("step_normalize(", num_sel(s), opt(0.2, "na_rm = FALSE"), ")")),
  center = list("num", function(s) paste0("step_center(", num_sel(s), ")")),
  scale = list("num", function(s) paste0("step_scale(", num_sel(s), opt(0.3, "factor = 2"), ")")),
  range = list("num", function(s) paste0("step_range(", num_sel(s), opt(0.5, one(c("min = -1, max = 1", "min = 10, max = 20"))),
                                         opt(0.3, "clipping = FALSE"), ")")),
  yeojohnson = list("num", function(s) paste0("step_YeoJohnson(", num_sel(s), opt(0.3, "num_unique = 3"), ")")),
  boxcox = list("num", function(s) paste0("step_BoxCox(", selector(if (length(positive(s))) positive(s) else s$num), ")")),
  log = list("num", function(s) paste0("step_log(", num_sel(s), opt(0.3, one(c("base = 2", "base = 10"))),
                                       one(c(", offset = 1", ", signed = TRUE", "")), ")")),
  sqrt = list("num", function(s) paste0("step_sqrt(", selector(if (length(positive(s))) positive(s) else s$num), ")")),
  inverse = list("num", function(s) paste0("step_inverse(", num_sel(s), opt(0.5, "offset = 0.5"), ")")),
  logit = list("num", function(s) paste0("step_logit(", num_sel(s), opt(0.5, "offset = 0.01"), ")")),
  hyperbolic = list("num", function(s) paste0("step_hyperbolic(", num_sel(s), ", func = ", lit(one(c("sinh", "cosh", "tanh"))),
                                              opt(0.5, "inverse = TRUE"), ")")),
  poly = list("num", function(s) paste0("step_poly(", selector(s$num), ", degree = ", sample(1:3, 1),
                                        opt(0.3, "options = list(raw = TRUE)"), keep(), ")")),
  ns = list("num", function(s) paste0("step_ns(", selector(s$num), ", deg_free = ", sample(1:4, 1), keep(), ")")),
  bs = list("num", function(s) paste0("step_bs(", selector(s$num), ", deg_free = ", sample(3:5, 1), ", degree = ", sample(1:3, 1), ")")),
  spline_natural = list("num", function(s) paste0("step_spline_natural(", tick(one(s$num)), ", deg_free = ", sample(2:5, 1), ")")),
  spline_b = list("num", function(s) paste0("step_spline_b(", tick(one(s$num)), ", deg_free = ", sample(3:5, 1), ")")),
  interact = list("num2", function(s) { v <- tick(some(s$num, 2, 2))
    paste0("step_interact(terms = ~ ", paste(v, collapse = ":"), opt(0.3, "sep = \"_by_\""), ")") }),
  interact_dummies = list("facnum", function(s) paste0("step_dummy(", tick(one(s$fac)), ") |> step_interact(terms = ~ starts_with(",
                                                      lit(one(s$fac)), "):", tick(one(s$num)), ")")),
  ratio = list("num2", function(s) { v <- some(s$num, 2, 2)
    paste0("step_ratio(", tick(v[1]), ", denom = denom_vars(", tick(v[2]), ")", ")") }),
  pca = list("num2", function(s) paste0("step_pca(", num_sel(s), one(c(", num_comp = 2", ", threshold = 0.8", "")),
                                        opt(0.3, "options = list(center = TRUE, scale. = TRUE)"), keep(), ")")),
  ica = list("num2", function(s) paste0("step_ica(", num_sel(s), ", num_comp = 2, seed = 3)")),
  kpca = list("num2", function(s) paste0("step_kpca_rbf(", num_sel(s), ", num_comp = 2)")),
  pls = list("pls", function(s) paste0("step_pls(", num_sel(s), ", outcome = ", lit(s$y[1]), ", num_comp = 2)")),
  corr = list("num2", function(s) paste0("step_corr(", num_sel(s), ", threshold = ", one(c(0.5, 0.7, 0.9)),
                                         opt(0.3, "method = \"spearman\""), ")")),
  nzv = list("any", function(s) paste0("step_nzv(", selector(s$pred, "all_predictors()"), opt(0.4, "freq_cut = 5, unique_cut = 20"), ")")),
  zv = list("any", function(s) paste0("step_zv(", selector(s$pred, "all_predictors()"), ")")),
  lincomb = list("num2", function(s) paste0("step_lincomb(", num_sel(s), ")")),
  spatialsign = list("num", function(s) paste0("step_spatialsign(", num_sel(s), opt(0.3, "na_rm = FALSE"), ")")),
  relu = list("num", function(s) paste0("step_relu(", tick(one(s$num)), ", shift = ", signif(median(s$b[[s$num[1]]], na.rm = TRUE), 3),
                                        opt(0.3, "reverse = TRUE"), ")")),
  percentile = list("num", function(s) paste0("step_percentile(", num_sel(s), opt(0.3, "outside = \"both\""), ")")),
  harmonic = list("num", function(s) paste0("step_harmonic(", tick(one(s$num)), ", frequency = ", one(c("1", "c(1, 2)")),
                                            ", cycle_size = ", one(c(7, 12, 24.5)), keep(), ")")),
  discretize = list("num", function(s) paste0("step_discretize(", num_sel(s), ", num_breaks = ", sample(2:4, 1),
                                              ", min_unique = ", sample(3:10, 1), ")")),
  cut = list("num", function(s) { col <- one(s$num); x <- s$b[[col]]
    br <- unique(signif(quantile(x, c(0.3, 0.6), na.rm = TRUE), 3))
    paste0("step_cut(", tick(col), ", breaks = ", lit(unname(br)), opt(0.3, "include_outside_range = TRUE"), ")") }),
  lag = list("num", function(s) paste0("step_lag(", num_sel(s), ", lag = ", one(c("1", "1:2")), ")")),
  window = list("num", function(s) paste0("step_window(", tick(one(s$num)), ", size = 3, statistic = ", lit(one(c("mean", "median", "max", "sd"))), ")")),
  impute_mean = list("num", function(s) paste0("step_impute_mean(", num_sel(s), opt(0.3, "trim = 0.1"), ")")),
  impute_median = list("num", function(s) paste0("step_impute_median(", num_sel(s), ")")),
  impute_lower = list("num", function(s) paste0("step_impute_lower(", num_sel(s), ")")),
  impute_knn = list("any", function(s) paste0("step_impute_knn(", selector(s$pred, "all_predictors()"), ", neighbors = ", sample(2:5, 1), ")")),
  impute_bag = list("nodate", function(s) paste0("step_impute_bag(", selector(s$pred, "all_predictors()"), ", trees = 5, seed_val = 7)")),
  impute_linear = list("num2", function(s) { v <- some(s$num, 2, 3)
    paste0("step_impute_linear(", tick(v[1]), ", impute_with = imp_vars(", paste(tick(v[-1]), collapse = ", "), "))") }),
  impute_mode = list("nom", function(s) paste0("step_impute_mode(", nom_sel(s), ")")),
  indicate_na = list("any", function(s) paste0("step_indicate_na(", selector(s$pred, "all_predictors()"), opt(0.3, "prefix = \"miss\""), ")")),
  naomit = list("any", function(s) paste0("step_naomit(", selector(s$pred, "all_predictors()"), opt(0.4, "skip = FALSE"), ")")),
  filter_missing = list("any", function(s) paste0("step_filter_missing(", selector(s$pred, "all_predictors()"), ", threshold = ", one(c(0, 0.05, 0.2)), ")")),
  mutate = list("num", function(s) { v <- tick(one(s$num))
    paste0("step_mutate(", one(c(paste0("twice = ", v, " * 2"), paste0("lg = log1p(abs(", v, "))"), paste0("big = ", v, " > 0"),
                                paste0(v, " = -", v), paste0("rounded = round(", v, ", 1)"))), ")") }),
  rm = list("any", function(s) paste0("step_rm(", tick(one(s$pred)), ")")),
  select = list("any", function(s) paste0("step_select(", paste(c(tick(s$y), tick(some(s$pred, 1, 4))), collapse = ", "), ")")),
  filter = list("num", function(s) { col <- one(s$num)
    paste0("step_filter(", tick(col), " > ", signif(quantile(s$b[[col]], 0.2, na.rm = TRUE), 3), opt(0.3, "skip = FALSE"), ")") }),
  arrange = list("num", function(s) paste0("step_arrange(desc(", tick(one(s$num)), "))")),
  rename = list("any", function(s) paste0("step_rename(renamed = ", tick(one(s$pred)), ")")),
  other = list("nom", function(s) paste0("step_other(", nom_sel(s), ", threshold = ", one(c(0.05, 0.1, 0.3, 5)),
                                         opt(0.3, paste0("other = ", lit(one(c("rare", "other values", "é", "a b"))))), ")")),
  novel = list("nom", function(s) paste0("step_novel(", nom_sel(s), opt(0.3, "new_level = \"new one\""), ")")),
  unknown = list("nom", function(s) paste0("step_unknown(", nom_sel(s), opt(0.3, "new_level = \"n/a\""), ")")),
  dummy = list("nom", function(s) paste0("step_dummy(", nom_sel(s), opt(0.35, "one_hot = TRUE"), keep(), ")")),
  dummy_multi = list("fac", function(s) paste0("step_dummy_multi_choice(", paste(tick(some(s$fac, 1, 2)), collapse = ", "),
                                               opt(0.4, "threshold = 0.1"), ")")),
  integer = list("nom", function(s) paste0("step_integer(", nom_sel(s), opt(0.4, "zero_based = TRUE"), ")")),
  relevel = list("fac", function(s) { col <- one(s$fac); paste0("step_relevel(", tick(col), ", ref_level = ", lit(one_level(s, col)), ")") }),
  unorder = list("ord", function(s) paste0("step_unorder(", selector(s$ord, "all_nominal_predictors()"), ")")),
  ordinalscore = list("ord", function(s) paste0("step_ordinalscore(", selector(s$ord, "all_nominal_predictors()"), ")")),
  string2factor = list("chr", function(s) paste0("step_string2factor(", selector(s$chr, "all_nominal_predictors()"), opt(0.3, "ordered = TRUE"), ")")),
  factor2string = list("fac", function(s) paste0("step_factor2string(", selector(s$fac, "all_nominal_predictors()"), ")")),
  bin2factor = list("logi", function(s) paste0("step_bin2factor(", tick(one(s$logi)), opt(0.4, "levels = c(\"yes sir\", \"no\")"), ")")),
  num2factor = list("num", function(s) paste0("step_mutate(k = as.integer(", tick(one(s$num)), " %% 3) + 1L) |> step_num2factor(k, levels = c(\"a\", \"b\", \"c\")",
                                              opt(0.4, "ordered = TRUE"), ")")),
  regex = list("nomtext", function(s) paste0("step_regex(", tick(one(c(s$fac, s$chr))), ", pattern = ", lit(one(c("a", "^[A-Z]", "[ .]", "x|y"))), ")")),
  count = list("nomtext", function(s) paste0("step_count(", tick(one(c(s$fac, s$chr))), ", pattern = ", lit(one(c("a", "[aeiou]", " "))),
                                             opt(0.4, "normalize = TRUE"), ")")),
  dummy_extract = list("chr", function(s) paste0("step_dummy_extract(", tick(one(s$chr)), ", sep = \" \"", opt(0.4, "threshold = 0.1"), ")")),
  date = list("date", function(s) paste0("step_date(", selector(c(s$date, s$posix), "all_date_predictors()"), ", features = ",
                                         lit(some(c("dow", "month", "year", "doy", "week", "decimal", "quarter", "semester", "mday"), 1, 4)),
                                         opt(0.3, "abbr = FALSE"), opt(0.3, "ordinal = TRUE"), keep(), ")")),
  holiday = list("date", function(s) paste0("step_holiday(", tick(one(c(s$date, s$posix))), ", holidays = ",
                                            lit(some(c("Easter", "USThanksgivingDay", "ChristmasDay", "NewYearsDay", "USLaborDay"), 1, 3)), ")")),
  time = list("posix", function(s) paste0("step_time(", tick(one(s$posix)), ", features = ",
                                          lit(some(c("am", "hour", "hour12", "minute", "second", "decimal_day"), 1, 3)), ")")),
  invlogit = list("num", function(s) paste0("step_invlogit(", num_sel(s), ")")),
  intercept = list("any", function(s) paste0("step_intercept(", one(c("", "name = \"const\"")), ")")),
  bernstein = list("num", function(s) paste0("step_poly_bernstein(", tick(one(s$num)), ", degree = ", sample(1:3, 1), ")")),
  monotone = list("num", function(s) paste0("step_spline_monotone(", tick(one(s$num)), ", deg_free = ", sample(3:5, 1), ")")),
  convex = list("num", function(s) paste0("step_spline_convex(", tick(one(s$num)), ", deg_free = ", sample(3:5, 1), ")")),
  kpca_poly = list("num2", function(s) paste0("step_kpca_poly(", num_sel(s), ", num_comp = 2, degree = 2)")),
  slice = list("any", function(s) paste0("step_slice(", one(c("1:30", "-(1:5)", "c(1:10, 21:40)")), opt(0.4, "skip = FALSE"), ")")),
  sample = list("any", function(s) paste0("step_sample(size = ", one(c("0.5", "20", "0.9")), opt(0.4, "skip = FALSE"),
                                          opt(0.3, "replace = TRUE"), ")")),
  shuffle = list("any", function(s) paste0("step_shuffle(", selector(s$pred, "all_predictors()"), ")")),
  date_labels = list("date", function(s) paste0("step_date(", tick(one(c(s$date, s$posix))), ", features = c(\"dow\", \"month\"), label = FALSE)")),
  classdist_shrunken = list("ycls", function(s) paste0("step_classdist_shrunken(", num_sel(s), ", class = ", lit(s$y),
                                                        opt(0.4, "threshold = 0.2"), ")")),
  classdist = list("ycls", function(s) paste0("step_classdist(", num_sel(s), ", class = ", lit(s$y), opt(0.4, "pool = TRUE"), ")")),
  depth = list("ycls", function(s) paste0("step_depth(", num_sel(s), ", class = ", lit(s$y), ", metric = ", lit(one(c("spatial", "Mahalanobis"))), ")"))
)

fits <- function(need, s) switch(need,
  num = length(s$num) > 0, num2 = length(s$num) > 1, any = length(s$pred) > 0,
  nom = length(c(s$fac, s$chr)) > 0, fac = length(s$fac) > 0, facnum = length(s$fac) > 0 && length(s$num) > 0, ord = length(s$ord) > 0,
  chr = length(s$chr) > 0, logi = length(s$logi) > 0, nomtext = length(c(s$fac, s$chr)) > 0,
  date = length(c(s$date, s$posix)) > 0, posix = length(s$posix) > 0,
  ycls = s$y_fac && length(s$num) > 1,
  nodate = length(s$pred) > 0 && !length(c(s$date, s$posix)),
  pls = length(s$num) > 1 && (!s$y_fac || nlevels(s$b[[s$y]]) <= 3))
