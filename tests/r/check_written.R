# Checks .rds files written by pykerasnip the way R's kerasnip stack would use them.
#
# Usage: Rscript check_written.R cases.json results.json
# cases.json: list of {name, file, kind, model_name, mode, api, formals, set_args,
#                      new_data, expected}
#   kind      workflow | model_fit | bundled_workflow | bundled_model_fit
#   api       sequential | functional
#   formals   layer block name -> its formal names;  set_args  argument -> value
#   new_data  .rds with the new data (raw for workflows, predictors for model fits)
#   expected  .csv with the Keras model's raw outputs Python computed for new_data
# Writes, per case, the failed checks (an empty list when everything holds).
# Needs recipes + hardhat (forge), reticulate with a Python that has keras
# (RETICULATE_PYTHON). parsnip/workflows/kerasnip are not needed: structure is checked
# here, prediction through the Keras bytes R would restore from.
suppressPackageStartupMessages({library(recipes); library(hardhat)})
args <- commandArgs(TRUE)
cases <- jsonlite::fromJSON(args[1], simplifyDataFrame = FALSE)

errors <- character(0)
check <- function(ok, what) {
  if (!isTRUE(ok)) errors <<- c(errors, what)
  invisible(isTRUE(ok))
}

keras <- reticulate::import("keras", convert = FALSE)
np <- reticulate::import("numpy", convert = FALSE)

load_keras <- function(bytes) {
  f <- tempfile(fileext = ".keras")
  writeBin(bytes, f)
  keras$saving$load_model(f)
}

as_float32 <- function(x) {
  flat <- reticulate::r_to_py(as.list(as.numeric(t(x))))
  np$array(flat, dtype = "float32")$reshape(c(nrow(x), ncol(x)))
}

check_situater <- function(s, classes, what) {
  check(identical(class(s), c("situater", "function")), paste(what, "situater class"))
  check(identical(names(formals(s)), "object"), paste(what, "situater formals"))
  env <- environment(s)
  check(length(ls(env, all.names = TRUE)) == 0 && identical(parent.env(env), baseenv()),
        paste(what, "situater environment: empty, parent baseenv()"))
  last <- body(s)[[length(body(s))]]
  check(identical(last[[1]], quote(structure)) && identical(last$class, classes),
        paste(what, "situater restores class", paste(classes, collapse = "/")))
  check(any(grepl("bundle::", deparse(body(s)), fixed = TRUE)),
        paste(what, "situater calls bundle:: functions"))
}

unwrap <- function(x, kind, classes, what) {
  check(identical(class(x), c(paste0("bundled_", kind), "bundle")), paste(what, "bundle class"))
  check(identical(names(x), c("object", "situate")), paste(what, "bundle fields"))
  check_situater(x$situate, classes, what)
  x$object
}

is_stub <- function(x) {
  is.environment(x) && identical(tail(class(x), 1), "python.builtin.object") &&
    inherits(tryCatch(reticulate::py_validate_xptr(x), error = function(e) e), "error")
}

pred_types <- list(regression = c("numeric", "conf_int", "pred_int"),
                   classification = c("class", "prob", "conf_int", "pred_int"))
fit_fields <- list(
  sequential = c("fit", "keras_bytes", "history", "lvl", "process_x", "process_y", "laplace"),
  functional = c("fit", "keras_bytes", "history", "lvl", "multistep_info", "process_x",
                 "process_y", "laplace"))
process_y_formals <- list(sequential = c("y", "is_classification", "class_levels"),
                          functional = c("y", "is_classification", "class_levels",
                                         "layer_blocks"))

check_spec <- function(spec, case, fitted) {
  classes <- if (fitted) c(case$model_name, "model_spec")
             else c(case$model_name, "kerasnip_spec", "model_spec")
  check(identical(class(spec), classes), paste("spec class", paste(class(spec), collapse = "/")))
  fields <- c("args", "eng_args", "mode", "user_specified_mode", "method", "engine",
              "user_specified_engine", "quantile_levels", if (fitted) "defaults")
  check(identical(names(spec), fields), "spec fields in parsnip's order")
  blocks <- attr(spec, "kerasnip_layer_blocks")
  check(all(vapply(blocks, is.function, TRUE)) && identical(names(blocks), names(case$formals)),
        "kerasnip_layer_blocks: named closures")
  check(identical(lapply(blocks, function(f) names(formals(f))),
                  lapply(case$formals, as.character)),
        "layer block formals")
  check(identical(attr(spec, "kerasnip_functional"), case$api == "functional"),
        "kerasnip_functional")
  check(identical(spec$mode, case$mode), "spec mode")
  for (arg in names(case$set_args))
    check(inherits(spec$args[[arg]], "quosure") &&
            identical(rlang::quo_get_expr(spec$args[[arg]]), as.double(case$set_args[[arg]])),
          paste(arg, "quosure holds the double literal"))
  check(inherits(rlang::quo_get_expr(spec$args$learn_rate), "rlang_zap"), "unset args are zaps")
  check(identical(class(spec$eng_args), c("quosures", "list")) && length(spec$eng_args) == 0 &&
          identical(names(spec$eng_args), character(0)), "eng_args: empty quosures")
  if (!fitted) return()
  check(identical(spec$engine, "keras"), "engine keras")
  m <- spec$method
  check(identical(names(m), c("libs", "fit", "pred")), "method fields")
  check(identical(m$libs, c("keras3", "kerasnip")), "method libs")
  check(identical(m$fit$func, c(pkg = "kerasnip", fun = paste0("generic_", case$api, "_fit"))),
        "fit func")
  check(identical(m$fit$interface, "data.frame"), "fit interface")
  check(identical(m$fit$args$x, quote(missing_arg())) && !("fit_verbose" %in% names(m$fit$args)) &&
          is.list(m$fit$args$layer_blocks), "fit args")
  check(identical(names(m$pred), pred_types[[case$mode]]), "pred types in registration order")
  for (type in names(m$pred)) {
    p <- m$pred[[type]]
    check(identical(names(p), c("pre", "post", "func", "args")) && is.null(p$pre) &&
            is.function(p$post) && identical(names(formals(p$post)), c("results", "object")),
          paste("pred", type, "entry"))
    check(identical(p$args$object, quote(object$fit$fit)) &&
            identical(p$args$x, call("$", call(paste0("process_x_", case$api), quote(new_data)),
                                     quote(x_proc))),
          paste("pred", type, "args"))
  }
  check(identical(m$pred[[length(m$pred)]]$args$laplace_data, quote(object$fit$laplace)) &&
          identical(m$pred[[length(m$pred)]]$args$level, quote(level)), "interval args")
}

check_model_fit <- function(mf, case) {
  check(identical(class(mf), c("kerasnip_model_fit", "_list", "model_fit")), "model_fit class")
  check(identical(names(mf), c("lvl", "ordered", "spec", "fit", "preproc", "elapsed",
                               "censor_probs")), "model_fit fields")
  check_spec(mf$spec, case, fitted = TRUE)
  fit <- mf$fit
  check(identical(names(fit), fit_fields[[case$api]]), "kerasnip fit list fields")
  check(is_stub(fit$fit), "fit$fit: dead Python stub")
  check(is.raw(fit$keras_bytes), "keras_bytes raw")
  check(inherits(fit$history, "keras_training_history") && is.integer(fit$history$params$epochs),
        "history")
  check(is.function(fit$process_x) && is.function(fit$process_y), "process closures")
  check(identical(names(formals(fit$process_y)), process_y_formals[[case$api]]),
        "process_y formals")
  entry <- fit$laplace$output
  check(is_stub(entry$combined_model) && is.raw(entry$combined_model_bytes) &&
          is.integer(entry$n_training) && is.double(entry$h_diag), "laplace entry")
  check_preproc(mf$preproc)
  check(inherits(mf$elapsed$elapsed, "proc_time"), "elapsed proc_time")
  check(identical(mf$censor_probs, list()), "censor_probs")
  if (case$mode == "classification") {
    check(identical(mf$lvl, fit$lvl) && is.character(mf$lvl), "lvl")
    check(is.integer(entry$num_classes), "num_classes")
  } else {
    check(is.null(mf$lvl) && is.double(entry$sigma_sq_noise), "regression lvl / sigma")
  }
  combined <- load_keras(entry$combined_model_bytes)
  outputs <- reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$list(combined$output$keys()))
  check(setequal(outputs, c(if (case$mode == "classification") "logits" else "pred", "features")),
        "combined model outputs")
}

check_workflow <- function(wf, case) {
  check(identical(class(wf), "workflow") && isTRUE(wf$trained), "workflow class / trained")
  check(identical(names(wf), c("pre", "fit", "post", "trained")), "workflow fields")
  check(identical(class(wf$pre), c("stage_pre", "stage")) &&
          identical(names(wf$pre), c("actions", "mold", "case_weights")), "pre stage")
  action <- wf$pre$actions[[1]]
  kind <- names(wf$pre$actions)
  check(identical(class(action), c(paste0("action_", kind), "action_pre", "action")),
        "preprocessor action class")
  check(is.null(action$blueprint$ptypes) && inherits(action$blueprint, "hardhat_blueprint"),
        "untrained blueprint in the action")
  check(identical(names(wf$pre$mold), c("predictors", "outcomes", "blueprint", "extras")),
        "mold fields")
  check(identical(class(wf$fit), c("stage_fit", "stage")) &&
          identical(class(wf$fit$actions$model), c("action_model", "action_fit", "action")),
        "fit stage")
  check_spec(wf$fit$actions$model$spec, case, fitted = FALSE)
  check(identical(class(wf$post), c("stage_post", "stage")) && length(wf$post$actions) == 0 &&
          identical(names(wf$post$actions), character(0)), "post stage")
  check_model_fit(wf$fit$fit, case)
}

predictors_of <- function(obj, case) {
  new_data <- readRDS(case$new_data)
  if (case$kind %in% c("workflow", "bundled_workflow"))
    new_data <- hardhat::forge(new_data, obj$pre$mold$blueprint)$predictors
  mf <- if (inherits(obj, "workflow")) obj$fit$fit else obj
  if (is.null(mf$preproc$terms)) return(as.matrix(new_data[, mf$preproc$x_names, drop = FALSE]))
  as.matrix(model.frame(delete.response(mf$preproc$terms), new_data, xlev = mf$preproc$xlevels))
}

check_preproc <- function(preproc) {
  if (is.null(preproc$terms)) {
    check(identical(names(preproc), c("y_var", "x_names")) && is.character(preproc$x_names),
          "fit_xy preproc")
    return()
  }
  check(identical(names(preproc), c("terms", "xlevels", "options", "y_var")), "formula preproc")
  check(inherits(preproc$terms, "terms") && attr(preproc$terms, "response") == 1L &&
          is.environment(environment(preproc$terms)), "formula preproc terms")
  check(identical(preproc$options, list(indicators = "none", composition = "data.frame",
                                        remove_intercept = FALSE)), "formula preproc options")
}

results <- list()
for (case in cases) {
  errors <- character(0)
  res <- tryCatch({
    obj <- suppressWarnings(readRDS(case$file))
    if (case$kind == "bundled_workflow") {
      obj <- unwrap(obj, "workflow", "workflow", "workflow")
      obj$fit$fit <- unwrap(obj$fit$fit, "model_fit",
                            c("kerasnip_model_fit", "_list", "model_fit"), "model fit")
      obj$pre$mold$blueprint$recipe <- unwrap(obj$pre$mold$blueprint$recipe, "recipe",
                                              "recipe", "recipe")
    } else if (case$kind == "bundled_model_fit") {
      obj <- unwrap(obj, "model_fit", c("kerasnip_model_fit", "_list", "model_fit"), "model fit")
    }
    if (inherits(obj, "workflow")) check_workflow(obj, case) else check_model_fit(obj, case)
    mf <- if (inherits(obj, "workflow")) obj$fit$fit else obj
    model <- load_keras(mf$fit$keras_bytes)
    x <- predictors_of(obj, case)
    raw <- reticulate::py_to_r(model$predict(as_float32(x), verbose = 0L)$tolist())
    got <- do.call(rbind, lapply(raw, unlist))
    expected <- as.matrix(read.csv(case$expected))
    check(isTRUE(all.equal(unname(got), unname(expected), tolerance = 1e-6)),
          "Keras model restored from keras_bytes predicts what Python predicts")
    NULL
  }, error = function(e) conditionMessage(e))
  if (!is.null(res)) errors <- c(errors, paste("error:", res))
  results[[case$name]] <- errors
}
jsonlite::write_json(results, args[2], auto_unbox = FALSE)
