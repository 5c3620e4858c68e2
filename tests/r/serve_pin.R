# Serve a vetiver model pin with vetiver-r's plumber API (the R peer of `pykerasnip serve`).
#   . /opt/rstack/env.sh && Rscript tests/r/serve_pin.R BOARD NAME PORT [TYPE]
suppressPackageStartupMessages({
  library(workflows)
  library(kerasnip)
  library(vetiver)
  library(pins)
  library(plumber)
})
args <- commandArgs(trailingOnly = TRUE)
v <- vetiver_pin_read(board_folder(args[[1]]), args[[2]])
pr <- if (length(args) >= 4) pr() |> vetiver_api(v, type = args[[4]]) else pr() |> vetiver_api(v)
pr_run(pr, host = "127.0.0.1", port = as.integer(args[[3]]), docs = FALSE, quiet = TRUE)
