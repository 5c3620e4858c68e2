# A randomized end-to-end differential trial of kerasnip fits: case i of seed S draws,
# after set.seed(S * 1000 + i),
#   - a data set (draw_data() of tests/r/random_recipe_grammar.R: base R and modeldata
#     sets, random rows and columns, missing values, odd level names, character, logical,
#     Date and POSIXct columns; new data of 0, 1 or more rows with missing values and
#     unseen levels),
#   - a mode: regression on one outcome or on several (a multi-head functional model,
#     a vector-valued output with step_lead-style names, or a sequential model that
#     trains on the first), or classification (binary or multiclass; the outcome's
#     levels renamed to odd names in a shuffled order, sometimes with an unused level),
#   - a preprocessor: a recipe (a random chain from the recipe grammar, then steps that
#     make every predictor a number), a formula (tests/r/random_formula_grammar.R; with
#     a blueprint that makes indicators when factors are used), add_variables(), or none
#     (a bare parsnip model_fit from fit() with a formula or from fit_xy()),
#   - a kerasnip spec: sequential or functional (fork-join, multi-head, two inputs fed by
#     step_collapse() list columns), with random
#     blocks (dense with activations, dropout, batch and layer normalization, noise),
#     block hyperparameters, learn_rate, compile arguments (optimizer, loss, metrics) and
#     fit arguments (1 to 3 epochs, batch size, validation split), fitted after
#     keras3::set_random_seed(),
#   - what is saved and how: the workflow, its extract_fit_parsnip() model_fit (then the
#     new data is what the workflow's forge (a recipe's bake) hands the model), a bundle, a
#     butchered object or a bundle of one; saveRDS() with compress TRUE/FALSE/"gzip"/
#     "bzip2"/"xz" or through a gzfile/bzfile/xzfile connection with a compression level,
#     ascii = TRUE sometimes, version 2 or 3,
#   - sometimes perturbations of the new data (tests/r/random_new_data.R).
# Each case is a folder s<S>_<iii> with object.rds (as saved), new_data.rds, spec.json
# (what was drawn, as R code where it is code: never run by the tests), types.txt (the
# prediction types of the mode), and per type R's prediction of the object read back
# with readRDS() (bundles unbundled) as <type>.rds, made right after
# keras3::set_random_seed(spec$predict_seed) with level = spec$level, or
# <type>_error.txt with R's message where predict() stops. A case whose fit fails in R
# is not written (its reason goes to stderr).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_random_fits.R OUT SEED N [i,j,...]
#
# draws cases 1..N of SEED into OUT (only cases i, j, ... when given). The committed set,
# tests/data/random_fits, is made by the calls in tests/data/random_fits/MAKE.

suppressPackageStartupMessages({
  library(kerasnip); library(recipes); library(workflows); library(parsnip); library(hardhat)
  library(bundle); library(modeldata); library(splines); library(jsonlite)
})
stopifnot(Sys.getenv("TZ") == "UTC")
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(here, "random_recipe_grammar.R"))
list2env(generator_args(), environment())  # out, seed, n_cases, only
source(file.path(here, "random_formula_grammar.R"))
source(file.path(here, "random_new_data.R"))

# --- outcomes ------------------------------------------------------------------------------
odd_outcome_levels <- c("yes it is", "n\u00e3o", "2nd", "a+b", "class A", "\u00e9t\u00e9", "-1", "TRUE", "x.y",
                        "Mid-range", "50%", "(none)", "\u65e5\u672c", "a_b", "Z", "1", "very very long level name", "x y", "x-y")

# a factor outcome: levels renamed (odd names, shuffled order), sometimes an unused level
odd_factor <- function(y) {
  y <- droplevels(factor(y))
  if (chance(0.6)) levels(y) <- sample(odd_outcome_levels, nlevels(y))
  if (chance(0.04)) levels(y)[1] <- "class"  # parsnip cannot name its probability column
  if (chance(0.4)) y <- factor(y, levels = sample(levels(y)))
  if (chance(0.15)) y <- factor(y, levels = c(levels(y), "never seen level"))
  y
}

# a numeric outcome cut into 2 to 4 classes
as_classes <- function(x) {
  k <- sample(2:4, 1)
  br <- unique(quantile(x, seq(0, 1, length.out = k + 1), na.rm = TRUE))
  if (length(br) < 3) return(NULL)
  cut(x, br, include.lowest = TRUE, labels = paste0("q", seq_len(length(br) - 1)))
}

numbers_of <- function(d, not) setdiff(names(d)[vapply(d, function(x) is.numeric(x) && !inherits(x, c("Date", "POSIXct")), TRUE)], not)

draw_outcomes <- function(data) {
  train <- data$train; new <- data$new; y <- data$y
  train <- train[!is.na(train[[y]]), , drop = FALSE]
  mode <- if (is.factor(train[[y]]) || is.character(train[[y]])) "classification" else if (chance(0.3)) "classification" else "regression"
  extra <- character()
  layout <- "single"
  if (mode == "classification") {
    yy <- if (is.numeric(train[[y]])) as_classes(c(train[[y]], new[[y]])) else factor(c(as.character(train[[y]]), as.character(new[[y]])))
    if (is.null(yy) || nlevels(droplevels(yy[seq_len(nrow(train))])) < 2) return(NULL)
    yy <- odd_factor(yy)
    train[[y]] <- yy[seq_len(nrow(train))]
    if (nrow(new)) new[[y]] <- yy[nrow(train) + seq_len(nrow(new))]
    complete <- setdiff(names(train)[!vapply(train, anyNA, TRUE) & vapply(train, function(x) is.numeric(x) || is.factor(x), TRUE)], y)
    if (length(complete) && chance(0.2)) {  # a second factor outcome: a two-head classifier
      z <- one(complete)
      zz <- if (is.factor(train[[z]])) factor(c(as.character(train[[z]]), as.character(new[[z]]))) else as_classes(c(train[[z]], new[[z]]))
      if (!is.null(zz) && nlevels(droplevels(zz[seq_len(nrow(train))])) >= 2) {
        zz <- odd_factor(zz)
        train[[z]] <- zz[seq_len(nrow(train))]
        if (nrow(new)) new[[z]] <- zz[nrow(train) + seq_len(nrow(new))]
        extra <- z; layout <- "heads"
      }
    }
  } else {
    nums <- setdiff(numbers_of(train, y), names(train)[vapply(train, anyNA, TRUE)])
    if (length(nums) >= 2 && chance(0.35)) {
      extra <- some(nums, 1, 2)
      layout <- one(c("heads", "heads", "multistep", "sequential_first"))
      if (layout == "multistep") {  # names step_lead() would give: one variable, steps 1..K
        lead <- paste0("lead_", seq_along(c(y, extra)), "_", "target")
        names(train)[match(c(y, extra), names(train))] <- lead
        if (nrow(new)) names(new)[match(c(y, extra), names(new))] <- lead
        y <- lead[1]; extra <- lead[-1]
      }
    }
  }
  list(train = train, new = new, y = y, outcomes = c(y, extra), mode = mode, layout = layout)
}

# --- specs ---------------------------------------------------------------------------------
seq_input <- function(model, input_shape) keras3::keras_model_sequential(input_shape = input_shape)
seq_dense <- function(model, units = 8, activation = "relu") model |> keras3::layer_dense(units = units, activation = activation)
seq_dropout <- function(model, rate = 0.2) model |> keras3::layer_dropout(rate = rate)
seq_batchnorm <- function(model) model |> keras3::layer_batch_normalization()
seq_layernorm <- function(model) model |> keras3::layer_layer_normalization()
seq_noise <- function(model, stddev = 0.1) model |> keras3::layer_gaussian_noise(stddev = stddev)
seq_flatten <- function(model) model |> keras3::layer_flatten()
# on the 1 x p matrices of a collapsed list column: a recurrent or convolutional layer
seq_lstm <- function(model, units = 4) model |> keras3::layer_lstm(units = units)
seq_gru <- function(model, units = 4) model |> keras3::layer_gru(units = units)
seq_rnn <- function(model, units = 4) model |> keras3::layer_simple_rnn(units = units)
seq_conv <- function(model, filters = 4) model |> keras3::layer_conv_1d(filters = filters, kernel_size = 1) |> keras3::layer_flatten()
seq_regularized <- function(model, units = 6) model |> keras3::layer_dense(units = units, activation = "relu",
                                                                        kernel_regularizer = keras3::regularizer_l2(0.01),
                                                                        kernel_initializer = "he_normal")
seq_reg_out <- function(model, units = 1) model |> keras3::layer_dense(units = units)
seq_cls_out <- function(model, num_classes, activation = "softmax") model |> keras3::layer_dense(units = num_classes, activation = activation)

fn_input <- function(input_shape) keras3::layer_input(shape = input_shape)
fn_dense <- function(tensor, units = 8, activation = "relu") keras3::layer_dense(tensor, units = units, activation = activation)
fn_flat_dense <- function(tensor, units = 8, activation = "relu") keras3::layer_flatten(tensor) |> keras3::layer_dense(units = units, activation = activation)
fn_dropout <- function(tensor, rate = 0.2) keras3::layer_dropout(tensor, rate = rate)
fn_concat <- function(a, b) keras3::layer_concatenate(list(a, b))
fn_add <- function(a, b) keras3::layer_add(list(a, b))
fn_reg_out <- function(tensor, units = 1) keras3::layer_dense(tensor, units = units)
fn_cls_out <- function(tensor, num_classes) keras3::layer_dense(tensor, units = num_classes, activation = "softmax")

# a block as if sourced with keep.source = TRUE: it carries srcref attributes
with_srcref <- function(f) {
  g <- eval(parse(text = deparse(f), keep.source = TRUE))
  environment(g) <- environment(f)
  g
}

activations <- c("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear", "softplus", "leaky_relu")
extra_blocks <- list(dropout = seq_dropout, batchnorm = seq_batchnorm, layernorm = seq_layernorm, noise = seq_noise,
                     regularized = seq_regularized)
sequence_blocks <- list(flatten = seq_flatten, lstm = seq_lstm, gru = seq_gru, rnn = seq_rnn, conv = seq_conv)

# the blocks and the spec's arguments (as R code) of a sequential or functional spec
draw_blocks <- function(d) {
  cls <- d$mode == "classification"
  src <- if (chance(0.2)) with_srcref else identity
  args <- character()
  arg <- function(name, value) args[[name]] <<- value
  if (length(d$inputs) == 2 || d$layout %in% c("heads", "multistep") || d$layout == "single" && chance(0.3)) {
    api <- "functional"
    units <- sample(2:8, 1)
    dense <- src(if (length(d$inputs)) fn_flat_dense else fn_dense)
    if (length(d$inputs) == 2) {  # one input block per list column step_collapse() makes
      blocks <- list(in_a = src(fn_input), in_b = fn_input, path_a = inp_spec(dense, "in_a"))
    } else {
      blocks <- list(main_input = src(fn_input), path_a = inp_spec(dense, "main_input"))
    }
    join <- if (length(d$inputs) == 2) "concat" else one(c("none", "concat", "add"))
    if (join != "none") {
      blocks$path_b <- inp_spec(dense, if (length(d$inputs) == 2) "in_b" else "main_input")
      blocks$join <- inp_spec(if (join == "concat") fn_concat else fn_add, c(a = "path_a", b = "path_b"))
      if (join == "add") { arg("path_a_units", units); arg("path_b_units", units) }
    }
    last <- names(blocks)[length(blocks)]
    if (chance(0.3)) { blocks$drop <- inp_spec(fn_dropout, last); last <- "drop" }
    if (d$layout == "heads") {
      for (o in sample(d$outcomes)) blocks[[o]] <- inp_spec(src(if (cls) fn_cls_out else fn_reg_out), last)
    } else {
      blocks$output <- inp_spec(src(if (cls) fn_cls_out else fn_reg_out), last)
      if (d$layout == "multistep") arg("output_units", length(d$outcomes))
    }
    if (chance(0.5)) arg("path_a_activation", lit(one(activations)))
    if (chance(0.3)) arg("num_path_a", sample(1:2, 1))
  } else {
    api <- "sequential"
    blocks <- list(input = src(seq_input))
    if (length(d$inputs)) { b <- one(names(sequence_blocks)); blocks[[b]] <- src(sequence_blocks[[b]]) }
    blocks$hidden <- src(seq_dense)
    for (b in some(names(extra_blocks), 0, 2)) blocks[[b]] <- src(extra_blocks[[b]])
    if (chance(0.3)) blocks$hidden2 <- seq_dense
    blocks$output <- src(if (cls) seq_cls_out else seq_reg_out)
    if (chance(0.5)) arg("hidden_units", if (chance(0.2)) "n_units" else sample(1:10, 1))  # n_units: a variable of the case's frame
    if (chance(0.5)) arg("hidden_activation", lit(one(activations)))
    if (chance(0.3)) arg("num_hidden", sample(0:2, 1))
    if ("dropout" %in% names(blocks) && chance(0.5)) arg("dropout_rate", one(c(0, 0.1, 0.5)))
    if ("noise" %in% names(blocks) && chance(0.5)) arg("noise_stddev", one(c(0.01, 1)))
    if (cls && chance(0.1)) arg("output_activation", lit("sigmoid"))
  }
  list(api = api, blocks = blocks, args = args, srcref = !identical(src, identity))
}

draw_compile_fit <- function(d) {
  cls <- d$mode == "classification"
  args <- character()
  arg <- function(name, value) args[[name]] <<- value
  arg("fit_epochs", sample(1:3, 1))
  if (chance(0.5)) arg("fit_batch_size", one(c(4, 16, 32, 64)))
  if (chance(0.3)) arg("fit_validation_split", one(c(0.1, 0.25)))
  if (chance(0.4)) arg("learn_rate", one(c(0.001, 0.01, 0.05)))
  if (chance(0.4)) arg("compile_optimizer", lit(one(c("adam", "sgd", "rmsprop", "adamw", "nadam", "adagrad"))))
  else if (chance(0.1)) arg("compile_optimizer", one(c("keras3::optimizer_sgd(learning_rate = 0.02)", "keras3::optimizer_adam(amsgrad = TRUE)")))
  if (chance(0.15)) arg("fit_callbacks", "list(keras3::callback_early_stopping(monitor = \"loss\", patience = 1))")
  heads <- d$layout == "heads"
  if (heads && chance(0.3)) {  # a loss per head, weighted
    losses <- if (cls) c("categorical_crossentropy", "kl_divergence") else c("mean_squared_error", "mean_absolute_error", "huber")
    arg("compile_loss", paste0("list(", paste(tick(d$outcomes), "=", vapply(d$outcomes, function(o) lit(one(losses)), ""), collapse = ", "), ")"))
    if (chance(0.5)) arg("compile_loss_weights", paste0("list(", paste(tick(d$outcomes), "=", sample(1:3, length(d$outcomes), TRUE), collapse = ", "), ")"))
  } else if (chance(0.35)) {
    arg("compile_loss", lit(if (cls) one(c("categorical_crossentropy", "kl_divergence", "categorical_focal_crossentropy", "poisson"))
                            else one(c("mean_squared_error", "mean_absolute_error", "huber", "log_cosh", "mse"))))
  }
  if (!heads && chance(0.3)) {  # Keras refuses kerasnip's one metric object for several heads
    m <- if (cls) one(c("accuracy", "categorical_accuracy", "auc")) else one(c("mean_absolute_error", "mae", "mse"))
    arg("compile_metrics", lit(m))
  }
  args
}

spec_code <- function(name, args) {
  paste0(name, "(", paste(names(args), "=", args, collapse = ", "), ") |> set_engine(\"keras\", verbose = 0)")
}

# --- preprocessors -------------------------------------------------------------------------
# a random chain from the recipe grammar, then steps that leave numbers only
draw_recipe <- function(d) {
  lhs <- paste(tick(d$outcomes), collapse = " + ")
  rec <- recipe(as.formula(paste(lhs, "~ .")), data = d$train)
  text <- paste0("recipe(", lhs, " ~ ., data = train)")
  where <- d$frame  # the steps' quosures keep it: the global environment or a function's frame
  add <- function(call) {
    assign("rec", rec, where)
    rec <<- eval(str2lang(paste("rec |>", call)), where)
    text <<- paste(text, "|>\n  ", call)
  }
  for (k in seq_len(sample(0:3, 1))) {
    s <- tryCatch(state(rec, d$train), error = function(e) NULL)
    if (is.null(s)) break
    s$y <- s$y[1]
    usable <- Filter(function(g) fits(g[[1]], s) && (g[[1]] != "ycls" || length(d$outcomes) == 1), grammar)
    if (!length(usable)) break
    add(one(usable)[[2]](s))
  }
  s <- tryCatch(state(rec, d$train), error = function(e) NULL)
  if (is.null(s)) return(list(rec = rec, text = text))
  if (length(c(s$date, s$posix))) add(one(c("step_rm(all_date_predictors(), all_datetime_predictors())",
                                              "step_date(all_date_predictors(), all_datetime_predictors(), features = c(\"month\", \"year\"), keep_original_cols = FALSE)")))
  if (length(s$chr)) add("step_string2factor(all_string_predictors())")
  for (l in s$logi) add(paste0("step_mutate(", tick(l), " = as.numeric(", tick(l), "))"))
  if (length(c(s$fac, s$chr, s$date, s$posix))) {
    if (chance(0.4)) add("step_novel(all_nominal_predictors())")
    if (chance(0.4)) add("step_unknown(all_nominal_predictors())")
    if (chance(0.2)) add("step_other(all_nominal_predictors(), threshold = 0.1)")
    add(paste0("step_dummy(all_nominal_predictors()", opt(0.3, "one_hot = TRUE"), ")"))
  }
  if (chance(0.85)) add(one(c("step_impute_median(all_numeric_predictors())", "step_impute_mean(all_numeric_predictors())",
                              "step_impute_knn(all_numeric_predictors(), neighbors = 3)")))
  if (chance(0.3)) add("step_zv(all_predictors())")
  if (chance(0.6)) add(one(c("step_normalize(all_numeric_predictors())", "step_range(all_numeric_predictors())")))
  if (length(d$inputs)) {  # predictors as list columns of 1 x p matrices (kerasnip's step_collapse)
    cols <- tryCatch(state(rec, d$train)$num, error = function(e) character())
    if (length(cols) < length(d$inputs)) stop("too few numeric predictors to collapse")
    groups <- if (length(d$inputs) == 1) list(cols) else split(cols, sample(rep(1:2, length.out = length(cols))))
    for (k in seq_along(d$inputs)) add(paste0("step_collapse(", paste(tick(groups[[k]]), collapse = ", "),
                                              ", new_col = ", lit(d$inputs[k]), ")"))
  }
  list(rec = rec, text = text)
}

# numeric and logical columns (as.matrix() makes numbers of both)
plain_numbers <- function(d) c(numbers_of(d$train, d$outcomes), setdiff(names(d$train)[vapply(d$train, is.logical, TRUE)], d$outcomes))

# columns a formula may use: numbers, and factors when the blueprint makes indicators
draw_formula_case <- function(d, factors) {
  cols <- plain_numbers(d)
  if (factors) cols <- c(cols, setdiff(names(d$train)[vapply(d$train, is.factor, TRUE)], d$outcomes))
  if (!length(cols)) return(NULL)
  data <- d$train[, c(d$outcomes, cols), drop = FALSE]
  f <- draw_formula(data, d$outcomes)
  if (d$mode == "classification" || d$layout != "single") f <- sub("^log\\((.*)\\) ~", "\\1 ~", f)
  f
}

complete_rows <- function(train, cols) {
  ok <- stats::complete.cases(train[, cols, drop = FALSE])
  if (chance(0.85)) train[ok, , drop = FALSE] else train
}

# --- saving --------------------------------------------------------------------------------
savers <- list(
  default = function(x, f) saveRDS(x, f),
  plain = function(x, f) saveRDS(x, f, compress = FALSE),
  gzip = function(x, f) saveRDS(x, f, compress = "gzip"),
  bzip2 = function(x, f) saveRDS(x, f, compress = "bzip2"),
  xz = function(x, f) saveRDS(x, f, compress = "xz"),
  ascii = function(x, f) saveRDS(x, f, ascii = TRUE),
  ascii_plain = function(x, f) saveRDS(x, f, ascii = TRUE, compress = FALSE),
  v2 = function(x, f) saveRDS(x, f, version = 2),
  v2_xz = function(x, f) saveRDS(x, f, version = 2, compress = "xz"),
  gz_level = function(x, f) { con <- gzfile(f, "wb", compression = sample(1:9, 1)); on.exit(close(con)); saveRDS(x, con) },
  bz_level = function(x, f) { con <- bzfile(f, "wb", compression = sample(1:9, 1)); on.exit(close(con)); saveRDS(x, con) },
  xz_level = function(x, f) { con <- xzfile(f, "wb", compression = sample(0:9, 1)); on.exit(close(con)); saveRDS(x, con) }
)

wrappers <- list(
  as_is = function(x) x,
  bundle = function(x) bundle::bundle(x),
  butcher = function(x) butcher::butcher(x),
  bundle_butcher = function(x) bundle::bundle(butcher::butcher(x))
)

reader <- function(wrap) if (wrap %in% c("bundle", "bundle_butcher")) function(f) bundle::unbundle(readRDS(f)) else readRDS

types_of <- function(mode) if (mode == "regression") c("numeric", "conf_int", "pred_int") else c("class", "prob", "conf_int", "pred_int")

# --- one case ------------------------------------------------------------------------------
draw_case <- function(i) {
  set.seed(seed * 1000 + i)
  setTimeLimit(elapsed = 120, transient = TRUE)
  on.exit(setTimeLimit())
  name <- sprintf("s%d_%03d", seed, i)
  d <- draw_outcomes(draw_data())
  if (is.null(d)) stop("no usable outcome")
  model_name <- sprintf("rf_%s_%d", if (d$mode == "regression") "reg" else "cls", i)
  pre <- one(c("recipe", "recipe", "recipe", "formula", "variables", "fit_formula", "fit_xy"))
  if (d$mode == "classification" && d$layout == "heads" && pre %in% c("formula", "fit_formula")) pre <- "recipe"  # no cbind() of factors
  if (chance(0.15)) {  # more rows than keras3's predict batch of 32
    more <- d$train[sample(nrow(d$train), min(nrow(d$train), sample(30:100, 1))), names(d$new), drop = FALSE]
    d$new <- rbind(d$new, more); rownames(d$new) <- NULL
  }
  # what was built inside a function keeps that function's frame (with its variables)
  d$frame <- if (chance(0.2)) new.env(parent = globalenv()) else globalenv()
  assign("n_units", sample(2:6, 1), d$frame)
  if (pre == "recipe" && d$layout == "single" && chance(0.3)) d$inputs <- one(list("in_a", c("in_a", "in_b")))
  drawn <- draw_blocks(d)
  make <- if (drawn$api == "sequential") create_keras_sequential_spec else create_keras_functional_spec
  make(model_name, drawn$blocks, mode = d$mode, env = globalenv())
  on.exit(suppressMessages(remove_keras_spec(model_name, env = globalenv())), add = TRUE)
  code <- spec_code(model_name, c(drawn$args, draw_compile_fit(d)))
  spec <- eval(str2lang(code), d$frame)
  train <- d$train; new <- d$new
  info <- list(case = name, mode = d$mode, layout = d$layout, outcomes = d$outcomes, api = drawn$api,
               srcref = drawn$srcref, in_function = !identical(d$frame, globalenv()),
               blocks = names(drawn$blocks), spec = code, preprocessor = pre, inputs = d$inputs)
  if (pre == "recipe") {
    r <- draw_recipe(d)
    info$recipe <- r$text
    make_fit <- function() fit(workflow(r$rec, spec), data = train)
  } else if (pre == "formula") {
    bp <- if (chance(0.6)) one(c("traditional", "one_hot")) else "none"
    f <- draw_formula_case(d, bp != "none")
    if (is.null(f)) stop("no predictor for a formula")
    info$formula <- f; info$indicators <- bp
    train <- complete_rows(train, intersect(all.vars(as.formula(f)), names(train)))
    make_fit <- function() fit(workflow() |> add_formula(as.formula(f, env = globalenv()),
                                                        blueprint = default_formula_blueprint(indicators = bp)) |>
                                 add_model(spec), data = train)
  } else if (pre == "variables") {
    cols <- some(plain_numbers(d), 1, 6)
    if (!length(cols)) stop("no numeric predictor")
    info$predictors <- cols
    train <- complete_rows(train, cols)
    model_formula <- NULL
    if (chance(0.3)) {  # a model formula of its own over the variables
      info$model_formula <- draw_formula_case(list(train = d$train[, c(d$outcomes, cols)], outcomes = d$outcomes,
                                                   mode = d$mode, layout = d$layout), FALSE)
      model_formula <- as.formula(info$model_formula, env = globalenv())
    }
    make_fit <- function() fit(workflow() |> add_variables(outcomes = all_of(d$outcomes), predictors = all_of(cols)) |>
                                 add_model(spec, formula = model_formula), data = train)
  } else if (pre == "fit_formula") {
    f <- draw_formula_case(d, FALSE)
    if (is.null(f)) stop("no predictor for a formula")
    info$formula <- f
    make_fit <- function() fit(spec, as.formula(f, env = globalenv()), data = train)
  } else {
    cols <- some(plain_numbers(d), 1, 6)
    if (!length(cols)) stop("no numeric predictor")
    info$predictors <- cols
    train <- complete_rows(train, cols)
    y <- if (length(d$outcomes) > 1) train[, d$outcomes, drop = FALSE] else train[[d$outcomes]]
    make_fit <- function() fit_xy(spec, x = train[, cols, drop = FALSE], y = y)
  }
  keras3::set_random_seed(seed * 1000 + i)
  fitted <- suppressWarnings(make_fit())
  # what is saved: the workflow or, sometimes, its model_fit with the new data the
  # workflow hands the model (forge: with a recipe blueprint, the recipe's bake)
  saved <- fitted
  if (inherits(fitted, "workflow") && chance(0.2)) {
    forged <- tryCatch(suppressWarnings(forge(new, extract_mold(fitted)$blueprint)$predictors), error = function(e) NULL)
    if (!is.null(forged)) {
      saved <- extract_fit_parsnip(fitted); new <- forged; info$saved_fit <- "extract_fit_parsnip"
    }
  }
  if (!nrow(new) || chance(0.3)) new <- new[, setdiff(names(new), d$outcomes), drop = FALSE]
  if (chance(0.3)) new <- tibble::as_tibble(new)
  if (chance(0.35)) {  # what a user may hand predict(): random perturbations of the new data
    info$perturbations <- sample(names(perturbations), sample(1:2, 1))
    for (p in info$perturbations) new <- perturbations[[p]](new, p)
  }
  wrap <- one(c("as_is", "as_is", "as_is", "bundle", "butcher", "bundle_butcher"))
  how <- one(names(savers))
  info$wrapper <- wrap; info$saved_with <- how
  info$level <- one(c(0.95, 0.95, 0.9, 0.8, 0.99))
  info$predict_seed <- sample(1:1000, 1)
  dir <- file.path(out, name)
  unlink(dir, recursive = TRUE); dir.create(dir)
  savers[[how]](wrappers[[wrap]](saved), file.path(dir, "object.rds"))
  saveRDS(new, file.path(dir, "new_data.rds"))
  back <- reader(wrap)(file.path(dir, "object.rds"))
  types <- types_of(d$mode)
  writeLines(types, file.path(dir, "types.txt"))
  for (t in types) {
    keras3::set_random_seed(info$predict_seed)
    p <- tryCatch(suppressWarnings(predict(back, new, type = t, level = info$level)), error = function(e) e)
    if (inherits(p, "error") && grepl("elapsed time limit", conditionMessage(p))) stop(p)  # the trial's limit, not R's answer
    if (inherits(p, "error")) writeLines(enc2utf8(conditionMessage(p)), file.path(dir, paste0(t, "_error.txt")), useBytes = TRUE)
    else saveRDS(p, file.path(dir, paste0(t, ".rds")))
  }
  writeLines(enc2utf8(toJSON(info, auto_unbox = TRUE, pretty = TRUE)), file.path(dir, "spec.json"), useBytes = TRUE)
}

for (i in only) {
  tryCatch(draw_case(i), error = function(e) {
    unlink(file.path(out, sprintf("s%d_%03d", seed, i)), recursive = TRUE)  # no half-written case
    message(sprintf("case %d not drawn: %s", i, conditionMessage(e)))
  })
}
