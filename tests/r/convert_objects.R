# Ground truth for tests/test_convert.py and tests/test_build.py.
#
#   Rscript convert_objects.R write <dir>   saves every object of `r_objects` as <dir>/<name>.rds
#   Rscript convert_objects.R check <dir>   for every <dir>/<name>.rds, prints (as JSON) whether
#                                           it is identical() to the object R builds itself
#
# `r_objects` go R -> Python -> R; `expected` adds objects that Python builds from scratch.
suppressPackageStartupMessages({
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
mode <- args[[1]]
dir <- args[[2]]

with_attr <- function(x, name, value) {
  attr(x, name) <- value
  x
}

frame_types <- data.frame(
  dbl = c(1.5, NA, -Inf),
  int = c(1L, NA, 3L),
  lgl = c(TRUE, NA, FALSE),
  chr = c("a", NA, "\u00e9t\u00e9"),
  fct = factor(c("b", NA, "a"), levels = c("b", "a")),
  ord = factor(c("lo", "hi", "lo"), levels = c("lo", "hi"), ordered = TRUE),
  date = as.Date(c("2020-01-02", NA, "1969-12-31")),
  time = as.POSIXct(c("2020-01-02 03:04:05", NA, "1970-01-01 00:00:00"), tz = "UTC"),
  ny = as.POSIXct(c("2020-06-01 12:00:00", "2021-01-01 00:00:00", NA), tz = "America/New_York"),
  secs = as.difftime(c(1.5, NA, 60), units = "secs"),
  stringsAsFactors = FALSE
)

matrix_col <- data.frame(id = 1:2)
matrix_col$m <- matrix(c(1.5, 2, 3, 4), 2)

labelled <- data.frame(a = with_attr(c(1, 2), "label", "A"))
attr(labelled, "note") <- "hi"

r_objects <- list(
  frame_types = frame_types,
  tibble_list_col = tibble::tibble(x = c(1, 2), s = c("a", "b"), l = list(1:2, "a")),
  rownames_df = datasets::mtcars[1:3, 1:3],
  zero_rows = data.frame(a = numeric(0)),
  zero_rows_tibble = tibble::tibble(a = integer(0), f = factor(character(0), levels = "z")),
  matrix_col = matrix_col,
  labelled = labelled,
  named_dbl = c(a = 1, b = NA),
  int_seq = 1:3,
  int_na = c(1L, NA),
  chr_na = c("x", NA),
  lgl_vec = c(TRUE, FALSE),
  factor_vec = factor(c("lo", "hi", NA), levels = c("lo", "hi")),
  date_vec = as.Date(c("2000-02-29", NA)),
  posix_local = as.POSIXct(1e9, origin = "1970-01-01", tz = ""),
  matrix_dbl = matrix(c(0.5, 1.5, 2.5, 3.5, 4.5, 5.5), 2),
  nested_list = list(a = 1, b = list(c = "x", d = NULL), 2L),
  classed_list = structure(list(x = 1), class = "foo"),
  proc = structure(c(1, 2, 3, 0, 0), names = c("user.self", "sys.self", "elapsed",
                                                "user.child", "sys.child"),
                   class = "proc_time"),
  raw_vec = as.raw(c(0, 255))
)

py_frame <- data.frame(
  f = c(1.25, NA),
  i = c(7L, NA),
  b = c(NA, TRUE),
  s = c("q", NA),
  n = c(1L, 2L),
  k = c(TRUE, FALSE),
  cat = factor(c("z", "a"), levels = c("z", "a", "m"), ordered = TRUE),
  day = as.Date(c("2024-02-29", NA)),
  stamp = as.POSIXct(c("2024-01-01 10:30:00", NA), tz = "UTC"),
  paris = as.POSIXct(c(NA, "2024-07-14 09:00:00"), tz = "Europe/Paris"),
  wait = as.difftime(c(90, NA), units = "secs"),
  stringsAsFactors = FALSE
)

layer_fn <- function(var, lvl, ordinal = FALSE, sep = "_") dummy_names(var, lvl, ordinal, sep)
environment(layer_fn) <- asNamespace("recipes")
post_fn <- function(results, object) keras_postprocess_numeric(results, object)

expected <- c(r_objects, list(
  py_frame = py_frame,
  py_tibble = tibble::as_tibble(py_frame),
  py_named = c(a = 1L, b = 2L),
  py_dict = list(x = 1.5, y = "s", z = NULL),
  py_matrix = matrix(1:6, 2),
  b_sym = as.name("x"),
  b_call = quote(object$fit$fit),
  b_ns_call = quote(kerasnip::process_x_sequential(new_data)),
  b_call_kwargs = quote(f(1L, b = "x", c = TRUE, d = 2.5)),
  b_closure = post_fn,
  b_closure_ns = layer_fn,
  b_named_list = list(a = 1L, b = NULL, c = c("x", NA)),
  b_r_list = list(1.5, "a", TRUE),
  b_vectors = list(c("a", NA), c(1.5, NA), c(1L, NA), c(TRUE, NA), as.raw(c(1, 255))),
  b_factor = factor(c("a", NA, "c"), levels = c("c", "b", "a")),
  b_ordered = factor(c(2L, 1L), levels = 1:2, labels = c("lo", "hi"), ordered = TRUE),
  b_formula = y ~ x + z,
  b_formula_one_sided = ~ x,
  b_quosure_literal = rlang::quo(64),
  b_quosure_global = rlang::quo(x),
  b_zap = rlang::zap(),
  b_quosures = rlang::quos(a = x, b = 1),
  b_tibble = tibble::tibble(a = c(1.5, NA), b = c("x", NA)),
  b_tibble_empty = tibble::tibble(a = numeric(0)),
  b_data_frame = data.frame(a = 1:2, row.names = c("r1", "r2")),
  b_proc_time = r_objects$proc,
  b_matrix = matrix(c(1, 2, 3, 4), 2),
  b_structure = structure(1:2, names = c("p", "q"), class = "bar")
))

#: objects whose identity R cannot compare with identical(): a predicate instead
checks <- list(
  b_environment = function(x) {
    is.environment(x) && identical(parent.env(x), emptyenv()) &&
      identical(as.list.environment(x, sorted = TRUE), list(a = 1, b = "x")) &&
      identical(class(x), "stub") && environmentIsLocked(x) == FALSE
  },
  b_null_extptr = function(x) typeof(x) == "externalptr",
  b_namespace = function(x) identical(x, asNamespace("recipes"))
)

if (mode == "write") {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  for (name in names(r_objects)) saveRDS(r_objects[[name]], file.path(dir, paste0(name, ".rds")))
} else {
  files <- list.files(dir, pattern = "\\.rds$")
  result <- list()
  for (file in files) {
    name <- sub("\\.rds$", "", file)
    obj <- readRDS(file.path(dir, file))
    result[[name]] <- if (!is.null(checks[[name]])) {
      isTRUE(checks[[name]](obj))
    } else if (name %in% names(expected)) {
      identical(obj, expected[[name]])
    } else {
      NA
    }
  }
  cat(toJSON(result, auto_unbox = TRUE, na = "null"))
}
