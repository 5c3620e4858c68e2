# User trial of the deployment paths: what R does with the seeds a user may send
# (predict(..., seed=) in Python, ?seed= over HTTP, --seed on the command line). For each
# seed, keras3::set_random_seed(seed) then predict(type = "conf_int") of the iris fixture
# workflow: seed_outcomes.csv records "ok" or R's error/warning, and
# conf_int_<seed>.rds R's prediction where there is one.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_user_trial.R tests/data/user_trial

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({ library(kerasnip); library(workflows) })
fixtures <- Sys.getenv("PYKERASNIP_FIXTURES", "/work/shared/fixtures")
wf <- readRDS(file.path(fixtures, "seq_cls_multiclass_iris", "workflow.rds"))
new_data <- readRDS(file.path(fixtures, "seq_cls_multiclass_iris", "new_data.rds"))

seeds <- c(0, 2^31 - 1, -3, 2^31)
outcomes <- vapply(seeds, function(seed) {
  tryCatch({
    keras3::set_random_seed(seed)
    pred <- predict(wf, new_data, type = "conf_int")
    saveRDS(pred, file.path(out, sprintf("conf_int_%.0f.rds", seed)))
    "ok"
  }, error = function(e) paste("error:", conditionMessage(e)),
  warning = function(w) paste("warning:", conditionMessage(w)))
}, character(1))
write.csv(data.frame(seed = sprintf("%.0f", seeds), outcome = gsub("\n.*", "", outcomes)),
          file.path(out, "seed_outcomes.csv"), row.names = FALSE)
