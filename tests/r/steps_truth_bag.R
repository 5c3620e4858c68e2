# Ground-truth cases for step_impute_bag trained in Python (ipred's bootstrap draws and
# rpart's trees replayed); sourced by make_steps_truth.R, which adds `bag_data_sets` and
# `bag_cases` to its own lists. Data are drawn inside withr::with_seed, so sourcing this
# file leaves R's random stream as it was. The cases cover: numeric, integer, factor,
# ordered and character columns to impute; numeric, integer, logical, factor, ordered and
# character predictors with missing values; one tree, a few, recipes' default 25;
# impute_with subsets; a larger training set (200 rows); seed_val drawn by step_impute_bag after set.seed(); rpart controls
# (cp, minsplit, maxdepth, competitors, surrogates and their style), a partial control
# list (rpart then cross-validates with xval = 10, drawing its groups), subagging (ns);
# a column whose known values have no predictor (trees of one empty leaf).
# Run: . /opt/rstack/env.sh && Rscript tests/r/make_steps_truth.R tests/data/steps bag_...

bag_small <- withr::with_seed(31, {
  n <- 40
  x3 <- round(rnorm(n, 5, 2), 1)
  x2 <- as.integer(round(x3 * 2 + sample(-2:2, n, TRUE)))
  f <- factor(ifelse(x3 < 4, "p", ifelse(x3 < 6, "q", "r")), levels = c("p", "q", "r", "s"))
  f[sample(n, 6)] <- sample(c("p", "q", "r"), 6, TRUE)
  d <- tibble(
    x1 = round(x3 * 1.5 + rnorm(n), 1), x2 = x2, x3 = x3, f = f,
    o = factor(sample(c("lo", "mid", "hi"), n, TRUE), levels = c("lo", "mid", "hi"),
               ordered = TRUE),
    lg = sample(c(TRUE, FALSE), n, TRUE),
    ch = sample(c("u", "v", "w"), n, TRUE),
    y = round(rnorm(n), 2)
  )
  d$x1[c(2, 9, 15, 33)] <- NA
  d$x2[c(4, 20, 21)] <- NA
  d$x3[c(9, 27)] <- NA
  d$f[c(6, 15, 38)] <- NA
  d$o[c(11, 30)] <- NA
  d$lg[c(7, 8)] <- NA
  d$ch[c(3, 25)] <- NA
  d
})
bag_small_new <- tibble(
  x1 = c(NA, 4.5, NA, NA, 12, NA, 7.5, NA, NA, 0),
  x2 = c(9L, NA, 14L, NA, 3L, NA, NA, 10L, NA, 8L),
  x3 = c(4.4, 6.1, NA, NA, 8.9, 5, NA, 1.2, NA, 3.3),
  f = factor(c("p", NA, "q", "r", NA, NA, "p", NA, NA, "s"), levels = c("p", "q", "r", "s")),
  o = factor(c("lo", "hi", NA, "mid", NA, "lo", NA, "hi", NA, NA), levels = c("lo", "mid", "hi"),
             ordered = TRUE),
  lg = c(TRUE, NA, FALSE, TRUE, NA, FALSE, TRUE, NA, NA, FALSE),
  ch = c("u", "w", NA, "v", "u", NA, "w", NA, NA, "v"),
  y = c(0.5, NA, 1, 2, 0, 1, -1, 0.25, 3, 1.5)
)

bag_big <- withr::with_seed(32, {
  n <- 200
  a <- round(rgamma(n, 3, 1), 2)
  b <- round(runif(n, 0, 10), 1)
  g <- factor(sample(c("g1", "g2", "g3", "g4", "g5"), n, TRUE))
  k <- as.integer(round(a * 3 + b + as.integer(g) + rnorm(n)))
  d <- tibble(
    a = a, b = b, k = k, g = g,
    h = factor(ifelse(a + rnorm(n) > 3, "up", "down")),
    z = round(rnorm(n), 3), y = round(a + b / 2 + rnorm(n), 2)
  )
  d$a[sample(n, 20)] <- NA
  d$k[sample(n, 15)] <- NA
  d$g[sample(n, 12)] <- NA
  d$h[sample(n, 10)] <- NA
  d$b[sample(n, 8)] <- NA
  d
})
bag_big_new <- withr::with_seed(33, {
  d <- bag_big[sample(nrow(bag_big), 30), ]
  d$a[1:8] <- NA
  d$k[5:12] <- NA
  d$g[c(2, 9, 14, 20)] <- NA
  d$h[c(3, 9, 21)] <- NA
  d
})

# `a` and `k` are known only where `b` and `c` are missing: with impute_with = b, c rpart
# keeps no row, and R's 1:0 (ipred's rows) gives trees of one empty leaf predicting NaN
bag_blind <- tibble(
  a = c(1.5, 2, NA, NA, 3.25, 6, NA, 8, 9.5, NA, 4, 5),
  k = c(1L, 2L, NA, NA, 3L, 6L, NA, 8L, 9L, NA, 4L, 5L),
  x = c(0.5, NA, 1, 2, 1.5, NA, 3, 2.5, NA, 1, 0, 4),
  b = c(NA, NA, 1, 2, NA, NA, 3.5, NA, NA, 4, NA, NA),
  c = c(NA, NA, 7, 5, NA, NA, 6, NA, NA, 2, NA, NA),
  y = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
)
bag_blind_new <- tibble(
  a = c(NA, 2, NA, NA), k = c(NA, 1L, NA, 3L), x = c(NA, 1, 2, NA),
  b = c(1, NA, NA, 2), c = c(3, 5, NA, NA), y = c(1, 2, 3, 4)
)

bag_data_sets <- list(bag_small = list(train = bag_small, new = bag_small_new),
                      bag_big = list(train = bag_big, new = bag_big_new),
                      bag_blind = list(train = bag_blind, new = bag_blind_new))

bag_cases <- list(
  bag_numeric_one_tree = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x1, impute_with = imp_vars(x2, x3), trees = 1, seed_val = 5)),
  bag_factor_one_tree = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, f, impute_with = imp_vars(x1, x3, o, lg), trees = 1, seed_val = 6)),
  bag_three_trees = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x1, x2, f, o, trees = 3, seed_val = 7)),
  # seed_val drawn by step_impute_bag (sample.int(10^4, 1)) after set.seed(99)
  bag_default = list("bag_small", y ~ ., function(r)
    withr::with_seed(99, step_impute_bag(r, x1, x2, f, o, ch))),
  bag_controls = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x3, f, impute_with = imp_vars(x1, x2, o, lg, ch), trees = 4,
                    seed_val = 8, options = list(keepX = FALSE, control = rpart::rpart.control(
                      cp = 0.05, minsplit = 6, maxdepth = 2, xval = 0)))),
  bag_competitors = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x1, o, trees = 5, seed_val = 9, options = list(
      keepX = TRUE, control = rpart::rpart.control(maxcompete = 1, maxsurrogate = 2,
                                                   usesurrogate = 1, surrogatestyle = 1,
                                                   minsplit = 3, cp = 0, xval = 0)))),
  # a partial control list: rpart fills in rpart.control()'s defaults, xval = 10 among them
  bag_xval = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x2, f, trees = 3, seed_val = 10,
                    options = list(control = list(cp = 0.001, minsplit = 4)))),
  bag_subagging = list("bag_small", y ~ ., function(r)
    step_impute_bag(r, x1, f, trees = 6, seed_val = 11, options = list(ns = 25, keepX = FALSE))),
  # character columns (after step_factor2string): imputed as factors, read as
  # characters coded by the levels each tree's sample holds
  bag_character = list("bag_small", y ~ ., function(r)
    step_factor2string(r, f, ch) |>
      step_impute_bag(f, ch, impute_with = imp_vars(x1, ch, f, lg, o), trees = 6, seed_val = 12)),
  bag_big = list("bag_big", y ~ ., function(r)
    step_impute_bag(r, a, k, g, trees = 8, seed_val = 13)),
  bag_blind = list("bag_blind", y ~ ., function(r)
    step_impute_bag(r, a, x, impute_with = imp_vars(b, c), trees = 4, seed_val = 14)),
  bag_blind_one_tree = list("bag_blind", y ~ ., function(r)
    step_impute_bag(r, a, k, impute_with = imp_vars(b, c), trees = 1, seed_val = 15)),
  bag_blind_xval = list("bag_blind", y ~ ., function(r)
    step_impute_bag(r, a, impute_with = imp_vars(b, c), trees = 3, seed_val = 16,
                    options = list(control = list(cp = 0.001, minsplit = 2)))),
  bag_blind_subagging = list("bag_blind", y ~ ., function(r)
    step_impute_bag(r, a, x, impute_with = imp_vars(b, c), trees = 5, seed_val = 17,
                    options = list(ns = 2, keepX = FALSE)))
)
data_sets <- c(data_sets, bag_data_sets)
cases <- c(cases, bag_cases)
