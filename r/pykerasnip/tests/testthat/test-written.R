# Files written from Python (by the pytest wrapper, or here with pk_write_rds()).

test_that("pk_write_rds writes a workflow that reads back with the same predictions", {
  skip_without_pykerasnip()
  case <- "seq_reg_recipe_normalize"
  wf <- pk_read_rds(fixture_path(case, "workflow.rds"))
  path <- pk_write_rds(wf, tempfile(fileext = ".rds"))
  copy <- pk_read_rds(path)
  new_data <- fixture_new_data(case)
  expect_identical(predict(copy, new_data), predict(wf, new_data))
  expect_s3_class(suppressWarnings(readRDS(path)), "workflow")
})

test_that("pk_write_rds saves plain R values with saveRDS", {
  path <- pk_write_rds(mtcars, tempfile(fileext = ".rds"))
  expect_identical(readRDS(path), mtcars)
})

test_that("a workflow fitted in Python predicts in R what Python predicted", {
  skip_without_pykerasnip()
  wf <- pk_read_rds(written_path("python_recipe_reg.rds"))
  pred <- predict(wf, readRDS(written_path("python_recipe_reg_new_data.rds")), type = "numeric")
  expect_identical(as.data.frame(pred), readRDS(written_path("python_recipe_reg_expected.rds")))
})

test_that("a bundled Python classification workflow gives Python's probabilities", {
  skip_without_pykerasnip()
  bundled <- pk_read_rds(written_path("bundle_python_recipe_cls.rds"))
  prob <- predict(bundled, readRDS(written_path("bundle_python_recipe_cls_new_data.rds")),
                  type = "prob")
  expect_identical(as.data.frame(prob),
                   readRDS(written_path("bundle_python_recipe_cls_expected.rds")))
})
