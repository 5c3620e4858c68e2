#' The pykerasnip Python module, imported on first use.
#'
#' Set `RETICULATE_PYTHON` (or call `reticulate::use_python()`) to choose the Python that
#' has pykerasnip installed.
#' @param convert Whether reticulate converts the module's results to R values.
pk_python <- function(convert = FALSE) {
  if (!reticulate::py_module_available("pykerasnip")) {
    stop("The Python package 'pykerasnip' is not available to reticulate (",
         reticulate::py_config()$python, "). Install it with `pip install pykerasnip` ",
         "or point RETICULATE_PYTHON at a Python that has it.", call. = FALSE)
  }
  reticulate::import("pykerasnip", convert = convert)
}

# R values cross into Python through R's own serialization and pykerasnip's RDS codec, so
# column types arrive exactly as pykerasnip reads them from files.
to_py_value <- function(x) {
  pk_python()$io$from_bytes(reticulate::r_to_py(serialize(x, NULL)))
}

# reticulate gives R raw vectors for Python bytearrays (bytes stay Python objects).
from_py_value <- function(obj) {
  bytes <- reticulate::import_builtins(convert = FALSE)$bytearray(pk_python()$io$to_bytes(obj))
  unserialize(reticulate::py_to_r(bytes))
}

new_pk_object <- function(py) structure(list(py = py), class = "pykerasnip_object")

#' Read a fitted workflow, model fit or bundle with pykerasnip.
#'
#' @param path An `.rds` file saved by R's kerasnip or written by pykerasnip.
#' @param safe_mode Load Keras models with `safe_mode = TRUE` (the default).
#' @return A `pykerasnip_object` with a `predict()` method; a data frame or other plain
#'   value when the file holds one.
pk_read_rds <- function(path, safe_mode = TRUE) {
  path <- normalizePath(path, mustWork = TRUE)
  obj <- pk_python()$read_rds(path, safe_mode = safe_mode)
  if (reticulate::py_has_attr(obj, "predict")) new_pk_object(obj) else from_py_value(obj)
}

#' Predict with a pykerasnip object.
#'
#' @param object A `pykerasnip_object` from [pk_read_rds()].
#' @param new_data A data frame of new predictors.
#' @param type `NULL` (the mode's default), "numeric", "class", "prob", "conf_int" or
#'   "pred_int".
#' @param level Interval level for "conf_int" and "pred_int".
#' @return A tibble with kerasnip's column names (`.pred`, `.pred_class`, `.pred_<level>`, ...).
predict.pykerasnip_object <- function(object, new_data, type = NULL, level = 0.95, ...) {
  res <- object$py$predict(to_py_value(as.data.frame(new_data)), type = type, level = level)
  tibble::as_tibble(from_py_value(res))
}

#' The live Keras model inside a pykerasnip object (restored from its `.keras` bytes),
#' with its methods' results converted to R values (`m$count_params()` is an integer).
pk_keras_model <- function(object) {
  stopifnot(inherits(object, "pykerasnip_object"))
  pk_python(convert = TRUE)$extract_keras_model(object$py)
}

#' Write a pykerasnip object (or any R value) as an `.rds` file R's kerasnip reads.
pk_write_rds <- function(object, path) {
  path <- normalizePath(path, mustWork = FALSE)
  if (inherits(object, "pykerasnip_object")) {
    pk_python()$write_rds(object$py, path)
  } else {
    saveRDS(object, path)
  }
  invisible(path)
}

print.pykerasnip_object <- function(x, ...) {
  cat(reticulate::py_repr(x$py), "\n", sep = "")
  invisible(x)
}
