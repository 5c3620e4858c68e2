# R reads a pin Python wrote (pykerasnip.deploy.write_r_pin) with vetiver-r and predicts.
#   . /opt/rstack/env.sh && Rscript tests/r/check_python_pin.R BOARD NAME NEW_DATA.rds OUT.csv [TYPE]
# Prints what vetiver_pin_read() gave; writes predict(v, new_data) to OUT.csv with 17
# significant digits (exact round trip).
suppressPackageStartupMessages({
  library(workflows)
  library(kerasnip)
  library(vetiver)
  library(pins)
})
args <- commandArgs(trailingOnly = TRUE)
board <- board_folder(args[[1]])
v <- vetiver_pin_read(board, args[[2]])
stopifnot(
  inherits(v, "vetiver_model"),
  inherits(v$model, "bundled_workflow"),
  tibble::is_tibble(v$prototype), nrow(v$prototype) == 0,
  "workflows" %in% v$metadata$required_pkgs
)
cat("vetiver_model:", v$model_name, "|", v$description, "|",
    paste(v$metadata$required_pkgs, collapse = ","), "|", ncol(v$prototype), "features\n")
new_data <- readRDS(args[[3]])
type <- if (length(args) >= 5) args[[5]] else NULL
keras3::set_random_seed(1)
pred <- if (is.null(type)) predict(v, new_data) else predict(v, new_data, type = type)
out <- as.data.frame(lapply(pred, function(x) if (is.numeric(x)) sprintf("%.17g", x) else as.character(x)),
                     check.names = FALSE)
write.csv(out, args[[4]], row.names = FALSE, quote = FALSE)
