# Where the test data are: the R-saved fixtures (env PYKERASNIP_FIXTURES, or
# ../shared/fixtures next to the repository) and the files Python wrote for this run
# (env PYKERASNIP_WRITTEN, set by the pytest wrapper tests/test_r_shim.py).

skip_without_pykerasnip <- function() {
  skip_if_not(reticulate::py_module_available("pykerasnip"),
              "the Python package pykerasnip is not available to reticulate")
}

fixture_path <- function(case, file) {
  root <- Sys.getenv("PYKERASNIP_FIXTURES",
                     test_path("..", "..", "..", "..", "..", "shared", "fixtures"))
  path <- file.path(root, case, file)
  skip_if_not(file.exists(path), paste("fixture not found:", path))
  path
}

fixture_new_data <- function(case) readRDS(fixture_path(case, "new_data.rds"))

expected_predictions <- function(case, type) {
  read.csv(fixture_path(case, paste0("expected_", type, ".csv")), check.names = FALSE)
}

written_path <- function(file) {
  folder <- Sys.getenv("PYKERASNIP_WRITTEN")
  skip_if(folder == "", "no Python-written files (PYKERASNIP_WRITTEN is not set)")
  file.path(folder, file)
}

expect_close <- function(actual, expected, tolerance = 1e-6) {
  expect_equal(dim(as.data.frame(actual)), dim(as.data.frame(expected)))
  expect_lt(max(abs(as.matrix(actual) - as.matrix(expected))), tolerance)
}
