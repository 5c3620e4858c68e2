# Check that R reads the files Python wrote from scratch as the objects R itself builds.
#
#   Rscript check_python_objects.R DIR
#
# DIR holds <name>__<variant>.rds files; for each, prints "<file> TRUE" when readRDS()
# gives an object identical() to expected[[name]] (or passing checks[[name]]).

args <- commandArgs(trailingOnly = TRUE)
dir <- args[[1]]

latin1 <- "caf\xe9"
Encoding(latin1) <- "latin1"
deep <- list()
for (i in 1:1500) deep <- list(deep)

expected <- list(
  int_na = c(1L, NA, 3L),
  doubles = c(1.5, NA, NaN, Inf, -Inf, -0),
  logicals = c(TRUE, FALSE, NA),
  complexes = complex(real = c(1, 0), imaginary = c(2, -0.5)),
  raws = as.raw(0:255),
  strings = c("a", NA, "", "na\u00efve \u2603", "q\"'\\?\n\t"),
  named_list = list(a = 1L, b = "x", c = NULL),
  factor = factor(c("lo", "hi", NA), levels = c("lo", "hi")),
  data_frame = data.frame(x = c(1.5, 2), y = c("a", "b")),
  matrix = matrix(1:6, 2),
  closure = function(x, y = 2) x + y,
  formula = y ~ x + z,
  symbols = list(quote(abc), NULL),
  long_pairlist = as.pairlist(as.list(1:20000)),  # R reads CDRs recursively: 1e5 overflows its C stack
  deep_list = deep,
  v2_from_altrep = 1:10
)

checks <- list(
  latin1 = function(x) identical(x, latin1) && Encoding(x) == "latin1",
  env = function(x) {
    is.environment(x) && identical(mget(c("a", "b"), envir = x), list(a = 1, b = "z")) &&
      identical(x$self, x) && identical(parent.env(x), globalenv())
  }
)

for (file in list.files(dir, pattern = "[.]rds$")) {
  name <- sub("__.*$", "", file)
  obj <- readRDS(file.path(dir, file))
  ok <- if (!is.null(checks[[name]])) checks[[name]](obj) else identical(obj, expected[[name]])
  cat(file, isTRUE(ok), "\n")
}
