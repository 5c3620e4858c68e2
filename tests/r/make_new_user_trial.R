# New-user trial: kerasnip workflows, model fits and bundles on data sets, step
# parameters, level names, compressions, RDS versions, blueprints and butchered objects that
# ../shared/fixtures does not use, with R's predictions (doubles exact, as .rds). A folder per case holds
# object.rds, new_data.rds, <type>.rds for each type in types.txt (Monte Carlo types
# predicted right after keras3::set_random_seed(11)), and, for iris_ascii, the errors R
# gives on missing values reaching step_BoxCox at bake and at prep.
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_new_user_trial.R tests/data/new_user

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({
  library(kerasnip); library(recipes); library(workflows); library(parsnip); library(bundle); library(hardhat)
})
input_block <- function(model, input_shape) keras3::keras_model_sequential(input_shape = input_shape)
dense_block <- function(model, units = 8) model |> keras3::layer_dense(units = units, activation = "relu")
reg_out <- function(model, num_classes) model |> keras3::layer_dense(units = 1)
cls_out <- function(model, num_classes) model |> keras3::layer_dense(units = num_classes, activation = "softmax")
create_keras_sequential_spec("trial_reg", list(input = input_block, hidden = dense_block, output = reg_out), mode = "regression")
create_keras_sequential_spec("trial_cls", list(input = input_block, hidden = dense_block, output = cls_out), mode = "classification")

# `obj` is what is saved: the fit itself, or its bundle, or a butchered copy
save_case <- function(name, fitted, new_data, types, compress = TRUE, obj = fitted) {
  d <- file.path(out, name); dir.create(d, showWarnings = FALSE)
  saveRDS(obj, file.path(d, "object.rds"), compress = compress)
  saveRDS(new_data, file.path(d, "new_data.rds"))
  for (t in types) {
    keras3::set_random_seed(11)
    saveRDS(predict(fitted, new_data, type = t), file.path(d, paste0(t, ".rds")))
  }
  writeLines(types, file.path(d, "types.txt"))
}
set.seed(7)
keras3::set_random_seed(7)

# 1 esoph: ordered factors -> polynomial dummies, xz
rec <- recipe(ncases ~ agegp + alcgp + tobgp + ncontrols, data = esoph) |>
  step_dummy(all_nominal_predictors()) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, trial_reg(fit_epochs = 3) |> set_engine("keras")), data = esoph)
nd <- esoph[c(1, 20, 50, 80), c("agegp", "alcgp", "tobgp", "ncontrols")]
nd$ncontrols[2] <- NA
save_case("esoph_xz", f, nd, c("numeric"), compress = "xz")

# 2 airquality: NA imputation, splines, interaction, bzip2
aq <- airquality
rec <- recipe(Ozone ~ ., data = aq[!is.na(aq$Ozone), ]) |>
  step_impute_median(all_predictors()) |>
  step_mutate(Temp_c = (Temp - 32) / 1.8) |>
  step_ns(Wind, deg_free = 3) |>
  step_interact(~ Solar.R:Temp_c) |>
  step_range(all_numeric_predictors())
f <- fit(workflow(rec, trial_reg(fit_epochs = 3, hidden_units = 5) |> set_engine("keras")), data = aq[!is.na(aq$Ozone), ])
nd <- aq[c(5, 10, 27, 100, 150), -1]
nd$Wind[1] <- 40; nd$Temp[2] <- NA
save_case("airquality_bzip2", f, nd, c("numeric", "conf_int", "pred_int"), compress = "bzip2")

# 3 odd level names, binary outcome with spaces/unicode, bundle
n <- 120
df <- data.frame(
  grade = factor(sample(c("low value", "Mid-range", "tr\u00e8s haut", "2nd", "a+b"), n, TRUE)),
  size = rnorm(n, 10, 3),
  count = rpois(n, 4)
)
df$outcome <- factor(ifelse(df$size + (df$grade == "2nd") * 3 + rnorm(n) > 11, "yes it is", "n\u00e3o"),
                     levels = c("yes it is", "n\u00e3o"))
rec <- recipe(outcome ~ ., data = df) |>
  step_novel(grade) |> step_unknown(grade) |>
  step_dummy(grade, one_hot = TRUE) |> step_sqrt(count) |> step_center(size) |> step_scale(size)
f <- fit(workflow(rec, trial_cls(fit_epochs = 3) |> set_engine("keras")), data = df)
nd <- df[1:6, c("grade", "size", "count")]
nd$grade <- factor(c("low value", "unseen!", NA, "a+b", "2nd", "Mid-range"))
save_case("levels_bundle", f, nd, c("class", "prob"), obj = bundle(f))

# 4 warpbreaks multiclass with formula blueprint, uncompressed
f <- fit(workflow() |> add_formula(tension ~ breaks + log(breaks)) |> add_model(trial_cls(fit_epochs = 3) |> set_engine("keras")), data = warpbreaks)
nd <- warpbreaks[c(1, 30, 54), c("breaks", "wool")]
save_case("warpbreaks_formula_plain", f, nd, c("class", "prob"), compress = FALSE)

# 5 CO2 with ordered Plant, YeoJohnson, poly, other
rec <- recipe(uptake ~ Plant + Type + Treatment + conc, data = CO2) |>
  step_other(Plant, threshold = 0.1) |>
  step_YeoJohnson(conc) |> step_poly(conc, degree = 2) |>
  step_dummy(all_nominal_predictors())
f <- fit(workflow(rec, trial_reg(fit_epochs = 3) |> set_engine("keras")), data = as.data.frame(CO2))
nd <- as.data.frame(CO2)[c(1, 40, 84), c("Plant", "Type", "Treatment", "conc")]
save_case("co2_ordered", f, nd, c("numeric"))

# 6 ToothGrowth: variables blueprint (numeric predictors only)
tg <- ToothGrowth; tg$dose2 <- tg$dose^2
f <- fit(workflow() |> add_variables(outcomes = len, predictors = c(dose, dose2)) |>
  add_model(trial_reg(fit_epochs = 3) |> set_engine("keras")), data = tg)
save_case("toothgrowth_variables", f, tg[c(1, 31, 60), c("dose", "dose2")], c("numeric", "pred_int"))

# 7 chickwts: feed as outcome (6 classes), model_fit from fit() with formula, gzip level default
m <- fit(trial_cls(fit_epochs = 3) |> set_engine("keras"), feed ~ weight, data = chickwts)
d <- file.path(out, "chickwts_model_fit"); dir.create(d, showWarnings = FALSE)
saveRDS(m, file.path(d, "object.rds"))
nd <- chickwts[c(1, 20, 71), "weight", drop = FALSE]
saveRDS(nd, file.path(d, "new_data.rds"))
saveRDS(predict(m, nd, type = "class"), file.path(d, "class.rds"))
saveRDS(predict(m, nd, type = "prob"), file.path(d, "prob.rds"))
writeLines(c("class", "prob"), file.path(d, "types.txt"))

# 8 iris with step_pca + step_BoxCox + step_corr, saved with serialize ascii
rec <- recipe(Species ~ ., data = iris) |> step_BoxCox(all_numeric_predictors()) |>
  step_corr(all_numeric_predictors(), threshold = 0.95) |> step_pca(all_numeric_predictors(), num_comp = 2)
f <- fit(workflow(rec, trial_cls(fit_epochs = 3) |> set_engine("keras")), data = iris)
d <- file.path(out, "iris_ascii"); dir.create(d, showWarnings = FALSE)
saveRDS(f, file.path(d, "object.rds"), ascii = TRUE)
nd <- iris[c(1, 51, 101, 150), 1:4]
saveRDS(nd, file.path(d, "new_data.rds"))
nd_na <- nd; nd_na$Sepal.Width[1] <- NA
saveRDS(nd_na, file.path(d, "new_data_na.rds"))
writeLines(conditionMessage(tryCatch(predict(f, nd_na), error = identity)), file.path(d, "error_na.txt"))
train_na <- iris; train_na$Sepal.Width[3] <- NA
saveRDS(train_na, file.path(d, "train_na.rds"))
writeLines(conditionMessage(tryCatch(prep(recipe(Species ~ ., data = train_na) |>
  step_BoxCox(all_numeric_predictors())), error = identity)), file.path(d, "prep_error_na.txt"))
saveRDS(predict(f, nd, type = "class"), file.path(d, "class.rds"))
saveRDS(predict(f, nd, type = "prob"), file.path(d, "prob.rds"))
writeLines(c("class", "prob"), file.path(d, "types.txt"))

# 9 dates and holidays, character predictor turned to factor, saved as RDS version 2
set.seed(9)
n <- 150
dd <- data.frame(
  day = as.Date("2019-01-01") + sample(0:1000, n),
  shop = sample(c("Nord", "S\u00fcd", "west side", "EAST"), n, TRUE),
  temp = round(rnorm(n, 15, 8), 1),
  stringsAsFactors = FALSE
)
dd$sales <- 100 + 3 * dd$temp + as.numeric(format(dd$day, "%u")) * 5 + rnorm(n, sd = 10)
rec <- recipe(sales ~ ., data = dd) |>
  step_date(day, features = c("dow", "month", "year", "doy", "week", "decimal", "quarter", "semester")) |>
  step_holiday(day, holidays = c("ChristmasDay", "USThanksgivingDay", "Easter")) |>
  step_rm(day) |>
  step_indicate_na(temp) |> step_impute_mean(temp) |>
  step_other(shop, threshold = 0.2, other = "rest of world") |>
  step_dummy(all_nominal_predictors()) |> step_zv(all_predictors()) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, trial_reg(fit_epochs = 3) |> set_engine("keras")), data = dd)
nd <- dd[c(1, 2, 3, 4, 5), c("day", "shop", "temp")]
nd$temp[3] <- NA; nd$shop[4] <- "Mars"; nd$day[5] <- as.Date("2021-12-25")
d <- file.path(out, "dates_v2"); dir.create(d, showWarnings = FALSE)
saveRDS(f, file.path(d, "object.rds"), version = 2)
saveRDS(nd, file.path(d, "new_data.rds"))
saveRDS(predict(f, nd), file.path(d, "numeric.rds"))
writeLines(c("numeric"), file.path(d, "types.txt"))

# 10 formula with interaction and I(), three odd classes, gzip level 1 connection
set.seed(10)
n <- 180
fd <- data.frame(x1 = rnorm(n), x2 = runif(n, -2, 2))
fd$y <- factor(cut(fd$x1 * fd$x2 + fd$x1^2 + rnorm(n, sd = 0.3), c(-Inf, 0, 1, Inf),
                   labels = c("class A", "2", "\u00e9t\u00e9")))
f <- fit(workflow() |> add_formula(y ~ x1 * x2 + I(x1^2)) |>
  add_model(trial_cls(fit_epochs = 3) |> set_engine("keras")), data = fd)
d <- file.path(out, "formula_interaction_gz1"); dir.create(d, showWarnings = FALSE)
con <- gzfile(file.path(d, "object.rds"), "wb", compression = 1); saveRDS(f, con); close(con)
nd <- fd[c(1, 2, 3), c("x1", "x2")]; nd$x2[2] <- NA
saveRDS(nd, file.path(d, "new_data.rds"))
saveRDS(predict(f, nd, type = "class"), file.path(d, "class.rds"))
saveRDS(predict(f, nd, type = "prob"), file.path(d, "prob.rds"))
writeLines(c("class", "prob"), file.path(d, "types.txt"))

# 11 bundle of a model_fit fitted with fit_xy, xz level 9 connection
m <- fit_xy(trial_reg(fit_epochs = 3) |> set_engine("keras"), x = mtcars[, c("wt", "hp", "disp")], y = mtcars$mpg)
d <- file.path(out, "bundle_model_fit_xz9"); dir.create(d, showWarnings = FALSE)
con <- xzfile(file.path(d, "object.rds"), "wb", compression = 9); saveRDS(bundle(m), con); close(con)
nd <- mtcars[c(1, 15, 31), c("wt", "hp", "disp")]
saveRDS(nd, file.path(d, "new_data.rds"))
saveRDS(predict(m, nd), file.path(d, "numeric.rds"))
writeLines(c("numeric"), file.path(d, "types.txt"))

keras3::set_random_seed(3)
peng <- modeldata::penguins
# 12 formula blueprint, one-hot indicators, intercept
bp <- default_formula_blueprint(indicators = "one_hot", intercept = FALSE)
f <- fit(workflow() |> add_formula(body_mass_g ~ species + bill_length_mm + sex, blueprint = bp) |>
  add_model(trial_reg(fit_epochs = 3) |> set_engine("keras")), data = peng[complete.cases(peng), ])
save_case("formula_one_hot", f, peng[c(1, 4, 200, 300), c("species", "bill_length_mm", "sex")], c("numeric", "pred_int"))
# 13 recipe blueprint allowing novel levels, butchered workflow
bp <- default_recipe_blueprint(allow_novel_levels = TRUE)
rec <- recipe(species ~ island + bill_length_mm + flipper_length_mm, data = peng) |>
  step_impute_mean(all_numeric_predictors()) |> step_dummy(island) |> step_normalize(all_numeric_predictors())
f <- fit(workflow() |> add_recipe(rec, blueprint = bp) |> add_model(trial_cls(fit_epochs = 3) |> set_engine("keras")), data = peng)
nd <- peng[c(1, 2, 150, 340), c("island", "bill_length_mm", "flipper_length_mm")]
nd$island <- factor(as.character(nd$island), levels = c(levels(peng$island), "Anvers")); nd$island[2] <- "Anvers"
save_case("recipe_novel_butchered", f, nd, c("class", "prob"), obj = butcher::butcher(f))
# 14 model formula different from the preprocessor (add_model(formula =)) with variables
f <- fit(workflow() |> add_variables(outcomes = body_mass_g, predictors = c(bill_length_mm, bill_depth_mm, flipper_length_mm)) |>
  add_model(trial_reg(fit_epochs = 3) |> set_engine("keras"), formula = body_mass_g ~ bill_length_mm + log(flipper_length_mm)),
  data = peng[complete.cases(peng), ])
save_case("variables_model_formula", f, peng[c(1, 5, 9), c("bill_length_mm", "bill_depth_mm", "flipper_length_mm")], c("numeric"))
# 15 butchered bundle of a formula workflow
f <- fit(workflow() |> add_formula(sex ~ bill_length_mm + bill_depth_mm + body_mass_g) |>
  add_model(trial_cls(fit_epochs = 3) |> set_engine("keras")), data = peng[complete.cases(peng), ])
save_case("bundle_butchered_binary", f, peng[c(1, 2, 3, 4), c("bill_length_mm", "bill_depth_mm", "body_mass_g")], c("class", "prob"), obj = bundle(butcher::butcher(f)))
# 16 recipe with an id role: a column kept out of the model
pp <- peng[complete.cases(peng), ]; pp$row_id <- seq_len(nrow(pp))
rec <- recipe(body_mass_g ~ ., data = pp) |>
  update_role(row_id, new_role = "id") |> step_rm(island) |> step_dummy(all_nominal_predictors()) |> step_normalize(all_numeric_predictors())
f <- fit(workflow(rec, trial_reg(fit_epochs = 3) |> set_engine("keras")), data = pp)
save_case("recipe_id_role", f, pp[c(1, 6, 333), ], c("numeric", "conf_int"))
