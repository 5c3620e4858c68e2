# Random perturbations of new data, shared by tests/r/make_random_blueprints.R and
# tests/r/make_random_fits.R: each takes a data frame and returns it with missing values,
# unseen or unused levels, missing, extra, reordered or retyped columns (integers as
# doubles, factors as strings or codes, dates as strings or date-times...), special
# doubles, zero rows or a tibble. Sourced after random_formula_grammar.R (numeric_cols());
# it draws nothing by itself.

perturbations <- list(
  na = function(d, p) { col <- sample(names(d), 1); d[[col]][sample(nrow(d), 1)] <- NA; d },
  novel_factor = function(d, p) {
    cols <- names(d)[vapply(d, is.factor, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1)
    x <- factor(as.character(d[[col]]), levels = c(levels(d[[col]]), "brand new"), ordered = is.ordered(d[[col]]))
    x[sample(length(x), 1)] <- "brand new"
    d[[col]] <- x
    d
  },
  unused_level = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.factor(x) && !is.ordered(x), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1)
    d[[col]] <- factor(d[[col]], levels = c(levels(d[[col]]), "never used"))
    d
  },
  novel_string = function(d, p) {
    cols <- names(d)[vapply(d, is.character, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]][sample(nrow(d), 1)] <- "unseen \u00fc"
    d
  },
  missing_column = function(d, p) d[, setdiff(names(d), sample(names(d), 1)), drop = FALSE],
  extra_column = function(d, p) { d$extra_col <- seq_len(nrow(d)); d },
  shuffled_columns = function(d, p) d[, sample(names(d)), drop = FALSE],
  int_as_double = function(d, p) {
    cols <- names(d)[vapply(d, is.integer, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.double(d[[col]]) + sample(c(0, 0, 0.5), 1)
    d
  },
  double_as_integer = function(d, p) {
    cols <- names(d)[vapply(d, is.double, TRUE) & !vapply(d, inherits, TRUE, c("Date", "POSIXct"))]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.integer(round(d[[col]]))
    d
  },
  factor_as_character = function(d, p) {
    cols <- names(d)[vapply(d, is.factor, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.character(d[[col]])
    d
  },
  character_as_factor = function(d, p) {
    cols <- names(d)[vapply(d, is.character, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- factor(d[[col]])
    d
  },
  ordered_as_factor = function(d, p) {
    cols <- names(d)[vapply(d, is.ordered, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- factor(as.character(d[[col]]), levels = levels(d[[col]]))
    d
  },
  factor_reordered = function(d, p) {
    cols <- names(d)[vapply(d, is.factor, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- factor(d[[col]], levels = rev(levels(d[[col]])), ordered = is.ordered(d[[col]]))
    d
  },
  logical_as_integer = function(d, p) {
    cols <- names(d)[vapply(d, is.logical, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.integer(d[[col]])
    d
  },
  date_as_character = function(d, p) {
    cols <- names(d)[vapply(d, inherits, TRUE, "Date")]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- format(d[[col]])
    d
  },
  numeric_as_character = function(d, p) {
    cols <- numeric_cols(d)
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.character(d[[col]])
    d
  },
  all_na_column = function(d, p) { col <- sample(names(d), 1); d[[col]] <- d[[col]][rep(NA_integer_, nrow(d))]; d },
  logical_na_column = function(d, p) { col <- sample(names(d), 1); d[[col]] <- rep(NA, nrow(d)); d },
  zero_rows = function(d, p) d[0, , drop = FALSE],
  factor_as_ordered = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.factor(x) && !is.ordered(x), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- factor(d[[col]], levels = levels(d[[col]]), ordered = TRUE)
    d
  },
  factor_as_codes = function(d, p) {
    # not where the levels are numbers: Python takes numbers that are level labels (a CSV
    # reader's factor) by design, where R stops
    cols <- names(d)[vapply(d, function(x) is.factor(x) && anyNA(suppressWarnings(as.numeric(levels(x)))), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.integer(d[[col]])
    d
  },
  special_doubles = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.double(x) && !inherits(x, c("Date", "POSIXct")), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]][sample(nrow(d), 1)] <- sample(c(NaN, Inf, -Inf, -0, 0), 1)
    d
  },
  integer_as_logical = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.integer(x) || is.double(x) && !inherits(x, c("Date", "POSIXct")), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- d[[col]] > stats::median(d[[col]], na.rm = TRUE)
    d
  },
  date_as_posixct = function(d, p) {
    cols <- names(d)[vapply(d, inherits, TRUE, "Date")]
    if (!length(cols)) return(d)
    col <- sample(cols, 1)
    d[[col]] <- as.POSIXct(d[[col]]) + sample(c(0, 0, 3600), 1)
    d
  },
  as_tibble = function(d, p) tibble::as_tibble(d),
  posixct_other_zone = function(d, p) {
    cols <- names(d)[vapply(d, inherits, TRUE, "POSIXct")]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); attr(d[[col]], "tzone") <- "Asia/Kolkata"
    d
  },
  posixct_as_date = function(d, p) {
    cols <- names(d)[vapply(d, inherits, TRUE, "POSIXct")]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- as.Date(d[[col]])
    d
  },
  subset_levels = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.factor(x) && !is.ordered(x), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- droplevels(d[[col]])
    d
  },
  all_novel = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.factor(x) || is.character(x), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1)
    x <- rep(c("new one", "new two"), length.out = nrow(d))
    d[[col]] <- if (is.factor(d[[col]])) factor(x) else x
    d
  },
  character_as_integer = function(d, p) {
    cols <- names(d)[vapply(d, is.character, TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]] <- seq_len(nrow(d))
    d
  },
  character_na = function(d, p) {
    cols <- names(d)[vapply(d, function(x) is.character(x) || is.factor(x), TRUE)]
    if (!length(cols)) return(d)
    col <- sample(cols, 1); d[[col]][sample(nrow(d), 1)] <- NA
    d
  }
)
