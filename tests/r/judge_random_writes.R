# Judge the random Python -> R write cases (tests/random_writes.py) with the real R stack.
#
#   . /opt/rstack/env.sh && Rscript tests/r/judge_random_writes.R DIR
#
# Every folder DIR/<case>/ holding meta.json (and no result.json yet) is judged in this one R
# session: readRDS(model.rds), unbundled when a bundle, then predict() on readRDS(new_data.rds)
# for each of meta$types (keras3::set_random_seed(meta$seed) before each, intervals at
# meta$level). Each prediction is compared with Python's (python_<type>.rds, or
# python_<type>.err when Python refused), or, for a round trip, with R's own prediction from
# meta$original (the file R made). result.json says, per type, "same", or what differs.

suppressPackageStartupMessages({
  library(kerasnip)
  library(workflows)
  library(recipes)
  library(parsnip)
  library(hardhat)
  library(bundle)
})
options(warn = 1, keras.verbose = 0)

dir <- commandArgs(trailingOnly = TRUE)[[1]]

load_model <- function(path) {
  obj <- readRDS(path)
  if (inherits(obj, "bundle")) obj <- bundle::unbundle(obj)
  obj
}

predict_type <- function(obj, new_data, type, level, seed) {
  keras3::set_random_seed(seed)
  tryCatch({
    out <- if (type %in% c("conf_int", "pred_int")) predict(obj, new_data, type = type, level = level)
           else predict(obj, new_data, type = type)
    as.data.frame(out)
  }, error = function(e) structure(conditionMessage(e), class = "r_refused"))
}

# NULL when `a` and `b` hold the same values bit for bit (NA where NA), else what differs
differ <- function(a, b) {
  if (!identical(names(a), names(b))) return(paste("names", paste(names(a), collapse = ","), "vs", paste(names(b), collapse = ",")))
  if (NROW(a) != NROW(b)) return(paste("rows", NROW(a), "vs", NROW(b)))
  for (n in names(a)) {
    x <- a[[n]]
    y <- b[[n]]
    if (is.list(x) || is.list(y)) {
      if (!is.list(x) || !is.list(y)) return(paste(n, "list vs not"))
      for (i in seq_along(x)) {
        d <- differ(as.data.frame(x[[i]]), as.data.frame(y[[i]]))
        if (!is.null(d)) return(paste0(n, "[[", i, "]]: ", d))
      }
    } else if (is.factor(x) || is.factor(y) || is.character(x) || is.character(y)) {
      if (!identical(as.character(x), as.character(y))) return(paste(n, "labels differ"))
      if (is.factor(x) && is.factor(y) && !identical(levels(x), levels(y))) return(paste(n, "levels differ"))
    } else {
      x <- as.numeric(x)
      y <- as.numeric(y)
      if (!identical(is.na(x), is.na(y))) return(paste(n, "NA positions differ"))
      ok <- !is.na(x)
      if (any(x[ok] != y[ok])) return(sprintf("%s max |diff| %.3g", n, max(abs(x - y)[ok])))
    }
  }
  NULL
}

judge <- function(case) {
  meta <- jsonlite::read_json(file.path(case, "meta.json"), simplifyVector = TRUE)
  new_data <- readRDS(file.path(case, "new_data.rds"))
  obj <- tryCatch(load_model(file.path(case, "model.rds")), error = function(e) e)
  if (inherits(obj, "error")) return(list(load = conditionMessage(obj)))
  original <- if (!is.null(meta$original)) load_model(meta$original)
  out <- list()
  for (type in meta$types) {
    got <- predict_type(obj, new_data, type, meta$level, meta$seed)
    err_file <- file.path(case, paste0("python_", type, ".err"))
    want <- if (!is.null(original)) predict_type(original, new_data, type, meta$level, meta$seed)
            else if (file.exists(err_file)) structure(readLines(err_file)[[1]], class = "r_refused")
            else readRDS(file.path(case, paste0("python_", type, ".rds")))
    out[[type]] <- if (inherits(got, "r_refused") && inherits(want, "r_refused")) "same"
      else if (inherits(got, "r_refused")) paste("R refused:", unclass(got))
      else if (inherits(want, "r_refused")) paste("R predicted, reference refused:", unclass(want))
      else {
        d <- differ(got, as.data.frame(want))
        if (is.null(d)) "same" else d
      }
    if (!identical(out[[type]], "same")) saveRDS(got, file.path(case, paste0("r_", type, ".rds")))
  }
  list(types = out)
}

for (case in list.dirs(dir, recursive = FALSE)) {
  if (!file.exists(file.path(case, "meta.json")) || file.exists(file.path(case, "result.json"))) next
  result <- tryCatch(judge(case), error = function(e) list(error = conditionMessage(e)))
  jsonlite::write_json(result, file.path(case, "result.json"), auto_unbox = TRUE, pretty = TRUE)
  cat(basename(case), if (all(unlist(result$types) == "same") && is.null(result$load) && is.null(result$error)) "ok" else "DIFF", "\n")
}
