# The drawing of random model formulas, shared by tests/r/make_random_blueprints.R and
# tests/r/make_random_fits.R: a right-hand side of a random shape (sums, `.`,
# interactions, nesting, %in%, powers, crossings) over inline transforms of the numeric
# columns (I(), log(), poly(), ns(), bs(), cut(), ifelse()...), an outcome side that is
# sometimes cbind() of several or log(), now and then `- 1`, `+ 0` or an offset().
# Sourced (after library(splines)); it draws nothing by itself.

kind_of <- function(x) {
  if (is.ordered(x)) "ordered" else if (is.factor(x)) "factor" else if (is.character(x)) "character"
  else if (is.logical(x)) "logical" else if (inherits(x, "Date")) "date" else if (inherits(x, "POSIXct")) "datetime"
  else if (is.integer(x)) "integer"
  else if (is.double(x)) "double" else "other"
}


bq <- function(x) ifelse(make.names(x) == x, x, paste0("`", x, "`"))

numeric_term <- function(v, x) {
  pos <- all(x > 0, na.rm = TRUE)
  complete <- !anyNA(x) && length(unique(x)) > 3
  choices <- c(v, v, paste0("I(", v, "^2)"), if (pos) paste0("log(", v, ")"), if (pos) paste0("sqrt(", v, ")"),
               if (pos) paste0("log(", v, ", base = 2)"), if (pos) paste0("log10(", v, ")"),
               paste0("exp(", v, "/1000)"), paste0("abs(", v, ")"), paste0("round(", v, ", 1)"),
               paste0("I(", v, " * 2 + 3)"), paste0("pmax(", v, ", 10)"),
               if (complete) paste0("poly(", v, ", 2)"), if (complete) paste0("poly(", v, ", 2, raw = TRUE)"),
               if (complete && length(unique(x)) > 4) paste0("poly(", v, ", degree = 3)"),
               if (complete && length(unique(x)) > 6) paste0("ns(", v, ", 3)"),
               if (complete && length(unique(x)) > 6) paste0("bs(", v, ", df = 4)"),
               if (is.integer(x) && length(unique(x)) < 8) paste0("factor(", v, ")"),
               paste0("signif(", v, ", 2)"), paste0("trunc(", v, ")"), paste0("floor(", v, " / 3)"),
               paste0("ceiling(", v, ")"), paste0(v, " %% 3"), paste0(v, " %/% 3"),
               paste0("I(", v, " > ", signif(stats::median(x, na.rm = TRUE), 3), ")"),
               paste0("ifelse(", v, " > ", signif(stats::median(x, na.rm = TRUE), 3), ", 1, 0)"),
               paste0("pmin(", v, ", 5)"), paste0("as.integer(", v, ")"), paste0("is.na(", v, ")"),
               paste0("sqrt(abs(", v, "))"), paste0("exp(-", v, " / 100)"), paste0("I(", v, " - mean(", v, "))"),
               if (pos) paste0("log(", v, " + 1)"), if (pos) paste0("log1p(", v, ")"),
               paste0("cut(", v, ", breaks = c(-Inf, ", signif(stats::median(x, na.rm = TRUE), 3), ", Inf))"),
               paste0("round(", v, " / 7, 2)"),
               paste0("scale(", v, ")"))
  sample(choices, 1)
}

draw_rhs <- function(preds, d) {
  terms <- vapply(preds, function(v) if (kind_of(d[[v]]) %in% c("double", "integer")) numeric_term(bq(v), d[[v]]) else bq(v), "")
  qp <- bq(preds)
  shape <- sample(c("plus", "plus", "dot", "dot_minus", "colon", "star", "square", "in", "nested",
                    "dot_square", "cube", "star_minus", "transform_interaction", "colon_only",
                    "three_way", "three_way_minus", "cross", "nested_sum", "dot_minus_interaction",
                    "in_sum"), 1)
  if (length(preds) < 2 && !shape %in% c("plus", "dot", "dot_minus", "dot_square")) shape <- "plus"
  if (length(preds) < 3 && shape %in% c("three_way", "three_way_minus", "nested_sum", "in_sum")) shape <- "star"
  if (length(preds) < 4 && shape == "cross") shape <- "colon_only"
  switch(shape,
    plus = paste(terms, collapse = " + "),
    dot = ".",
    dot_minus = paste(". -", qp[1]),
    colon = paste(c(terms[-(1:2)], paste(qp[1], qp[2], sep = ":")), collapse = " + "),
    star = paste(c(paste(qp[1], qp[2], sep = " * "), terms[-(1:2)]), collapse = " + "),
    square = paste0("(", paste(qp[seq_len(min(3, length(qp)))], collapse = " + "), ")^2"),
    "in" = paste(c(terms[-(1:2)], paste(qp[1], "%in%", qp[2])), collapse = " + "),
    nested = paste(c(terms[-(1:2)], paste(qp[1], qp[2], sep = "/")), collapse = " + "),
    dot_square = ".^2",
    cube = paste0("(", paste(terms[seq_len(min(3, length(terms)))], collapse = " + "), ")^3"),
    star_minus = paste0(qp[1], " * ", qp[2], " - ", qp[1]),
    transform_interaction = paste(c(paste(terms[1], terms[2], sep = ":"), terms[-(1:2)]), collapse = " + "),
    colon_only = paste(qp[1], qp[2], sep = ":"),
    three_way = paste(qp[1:3], collapse = " * "),
    three_way_minus = paste0(paste(qp[1:3], collapse = " * "), " - ", qp[1], ":", qp[2], " - ", qp[3]),
    cross = paste0("(", qp[1], " + ", qp[2], ") * (", qp[3], " + ", qp[4], ")"),
    nested_sum = paste0(qp[1], " / (", qp[2], " + ", qp[3], ")"),
    dot_minus_interaction = paste0(". + ", qp[1], ":", qp[2], " - ", qp[1]),
    in_sum = paste0(qp[1], " %in% (", qp[2], " + ", qp[3], ")"))
}

numeric_cols <- function(d) names(d)[vapply(d, function(x) kind_of(x) %in% c("double", "integer"), TRUE)]
factor_cols <- function(d) names(d)[vapply(d, function(x) kind_of(x) %in% c("factor", "ordered"), TRUE)]

draw_formula <- function(d, outcome) {
  preds <- setdiff(names(d), outcome)
  preds <- sample(preds, sample(seq_along(preds), 1))
  lhs <- if (length(outcome) > 1) paste0("cbind(", paste(bq(outcome), collapse = ", "), ")") else bq(outcome)
  if (length(outcome) == 1 && is.double(d[[outcome]]) && all(d[[outcome]] > 0, na.rm = TRUE) && runif(1) < 0.15)
    lhs <- paste0("log(", lhs, ")")
  rhs <- draw_rhs(preds, d)
  if (runif(1) < 0.05) rhs <- paste(rhs, sample(c("- 1", "+ 0"), 1))
  if (runif(1) < 0.05 && length(numeric_cols(d[preds]))) rhs <- paste0(rhs, " + offset(", bq(sample(numeric_cols(d[preds]), 1)), ")")
  paste(lhs, "~", rhs)
}

