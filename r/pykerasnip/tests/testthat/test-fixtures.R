# Files saved by R's kerasnip, read and predicted through pykerasnip.

test_that("a kerasnip recipe workflow predicts R's numbers", {
  skip_without_pykerasnip()
  wf <- pk_read_rds(fixture_path("seq_reg_recipe_normalize", "workflow.rds"))
  expect_s3_class(wf, "pykerasnip_object")
  pred <- predict(wf, fixture_new_data("seq_reg_recipe_normalize"), type = "numeric")
  expect_s3_class(pred, "tbl_df")
  expect_named(pred, ".pred")
  expect_close(pred, expected_predictions("seq_reg_recipe_normalize", "numeric"))
})

test_that("interval predictions pass the level and match R's", {
  skip_without_pykerasnip()
  case <- "seq_reg_recipe_normalize"
  wf <- pk_read_rds(fixture_path(case, "workflow.rds"))
  for (type in c("conf_int", "pred_int")) {
    pred <- predict(wf, fixture_new_data(case), type = type, level = 0.95)
    expected <- expected_predictions(case, type)
    expect_named(pred, names(expected))
    expect_close(pred, expected)
  }
})

test_that("a classification workflow gives R's probabilities and classes", {
  skip_without_pykerasnip()
  case <- "seq_cls_binary_recipe"
  wf <- pk_read_rds(fixture_path(case, "workflow.rds"))
  new_data <- fixture_new_data(case)
  prob <- predict(wf, new_data, type = "prob")
  expected_prob <- expected_predictions(case, "prob")
  expect_named(prob, names(expected_prob))
  expect_close(prob, expected_prob)
  classes <- predict(wf, new_data, type = "class")
  expect_s3_class(classes$.pred_class, "factor")
  expect_identical(as.character(classes$.pred_class),
                   expected_predictions(case, "class")$.pred_class)
})

test_that("a bundle predicts like the workflow it wraps", {
  skip_without_pykerasnip()
  bundled <- pk_read_rds(fixture_path("seq_reg_bundle", "bundle.rds"))
  pred <- predict(bundled, fixture_new_data("seq_reg_bundle"))
  expect_close(pred, expected_predictions("seq_reg_bundle", "numeric"))
})

test_that("a data frame file comes back as the data frame R saved", {
  skip_without_pykerasnip()
  path <- fixture_path("recipe_impute_credit", "new_data.rds")
  df <- pk_read_rds(path)
  expect_s3_class(df, "data.frame")
  expect_false(inherits(df, "pykerasnip_object"))
  expect_equal(df, as.data.frame(readRDS(path)), ignore_attr = "row.names")
})

test_that("the Keras model inside is live", {
  skip_without_pykerasnip()
  model <- pk_keras_model(pk_read_rds(fixture_path("seq_reg_recipe_normalize", "workflow.rds")))
  expect_s3_class(model, "keras.src.models.model.Model")
  # 10 predictors -> Dense(32) -> Dense(1)
  expect_identical(model$count_params(), (10L * 32L + 32L) + (32L + 1L))
})

test_that("a missing file is an error naming it", {
  skip_without_pykerasnip()
  expect_error(pk_read_rds(file.path(tempdir(), "no-such-model.rds")), "no-such-model")
})
