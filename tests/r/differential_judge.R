# R's verdict on candidate streams for the decoder's differential check
# (tests/fuzz/differential.py). Never evaluates what it reads.
# Usage: Rscript --vanilla differential_judge.R JOBS RESULTS
# JOBS: one tab-separated line per candidate: name, candidate file, file to write R's
# canonical form to, then any number of files pykerasnip wrote from its own decode.
# RESULTS (appended, one line per candidate, flushed at once so that a crash loses
# nothing): name, "ok" or "error", R's message (or the read object's typeof), the
# warnings R gave, then for each pykerasnip file "same" (serialize() of both reads is
# byte-identical), "same in version 2" (it is once ALTREP objects are written as the
# vectors they stand for), "identical" (only identical() holds), "differs" or "error: ...".
args <- commandArgs(trailingOnly = TRUE)
jobs <- strsplit(readLines(args[[1]]), "\t", fixed = TRUE)
results <- file(args[[2]], "a")

one_line <- function(text) {
  text <- gsub("[\t\r\n]+", " ", paste(text, collapse = " | "))
  if (nchar(text, type = "bytes") > 300) text <- paste0(substr(text, 1, 300), "...")
  text
}

read_quietly <- function(path) {
  warned <- character(0)
  value <- tryCatch(
    withCallingHandlers(list(ok = readRDS(path)), warning = function(w) {
      warned <<- c(warned, conditionMessage(w))
      invokeRestart("muffleWarning")
    }),
    error = function(e) list(error = conditionMessage(e)))
  c(value, list(warnings = warned))
}

# A read object stays inside the list `got`: bound to a variable, R's missing argument
# or unbound value (which a stream may hold) could not be used. Each comparison reads
# the candidate afresh: serialize(version = 2) expands an ALTREP wrapper through a
# writable pointer, which clears its metadata.
compare <- function(candidate, path) {
  y <- read_quietly(path)
  if (!is.null(y$error)) return(paste("error:", one_line(y$error)))
  same <- function(version) tryCatch(
    identical(serialize(read_quietly(candidate)[["ok"]], NULL, version = version),
              serialize(read_quietly(path)[["ok"]], NULL, version = version)),
    error = function(e) FALSE)
  if (same(3)) "same"
  else if (same(2)) "same in version 2"
  else if (identical(read_quietly(candidate)[["ok"]], y[["ok"]])) "identical"
  else "differs"
}

judge <- function(job) {
  got <- read_quietly(job[[2]])
  if (!is.null(got$error))
    return(c("error", one_line(got$error), one_line(got$warnings)))
  saved <- tryCatch({ saveRDS(got[["ok"]], job[[3]], version = 3, compress = FALSE); "" },
                    error = function(e) paste("canonical form failed:", conditionMessage(e)))
  verdicts <- vapply(job[-(1:3)], function(p) compare(job[[2]], p), "")
  c("ok", one_line(c(typeof(got[["ok"]]), saved)), one_line(got$warnings), verdicts)
}

for (job in jobs) {
  fields <- tryCatch(judge(job), error = function(e)
    c("judge failed", one_line(conditionMessage(e)), ""))
  writeLines(paste(c(job[[1]], fields), collapse = "\t"), results)
  flush(results)
}
close(results)
