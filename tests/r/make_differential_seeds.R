# Seeds of the decoder's differential check (tests/fuzz/differential.py): small objects
# of every kind R serializes, each written uncompressed as <name>_v<version>_<format>.rds
# for versions 2 and 3 and formats xdr / ascii / binary (version 2 cannot hold ALTREP, so
# R writes those objects' plain vectors there).
# Run: Rscript tests/r/make_differential_seeds.R tests/data/decoder_diff/seeds
out <- commandArgs(trailingOnly = TRUE)[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)

with_encoding <- function(x, enc) { Encoding(x) <- enc; x }
latin <- with_encoding("caf\xe9", "latin1")
bytes <- with_encoding("\xff\x01raw", "bytes")
native <- with_encoding("na\xc3\xafve", "unknown")
closure <- function(x, y = 2, ...) x + y
compiled <- compiler::cmpfun(function(a, b = 1L) if (a > b) a - b else list(a, b))
source_file <- srcfilecopy("<text>", "function(z) z * 2",
                           timestamp = as.POSIXct("2024-01-01", tz = "UTC"))
withsrc <- eval(parse(text = "function(z) z * 2", srcfile = source_file, keep.source = TRUE))
hashed <- new.env(hash = TRUE, parent = emptyenv())
assign("a", 1L, hashed); assign("b", "two", hashed)
plain_env <- new.env(hash = FALSE, parent = globalenv())
assign("self", plain_env, plain_env); assign("v", c(1.5, NA), plain_env)
locked <- new.env(parent = baseenv()); assign("k", TRUE, locked); lockEnvironment(locked, TRUE)
classed_env <- structure(new.env(parent = emptyenv()), class = "R6ish")
promises <- new.env(parent = emptyenv())
delayedAssign("later", 1 + 2, assign.env = promises, eval.env = promises)
dots <- (function(...) environment())(1, b = "x")
setClass("Pt", representation(x = "numeric", label = "character"))
s4 <- new("Pt", x = c(1, 2), label = "p")
objects <- list(
  null = NULL,
  lgl = c(TRUE, FALSE, NA),
  int = c(1L, -2L, NA, .Machine$integer.max, -.Machine$integer.max),
  dbl = c(0, -0, 1.5, NA, NaN, Inf, -Inf, 5e-324, 1e308, pi),
  cplx = complex(real = c(1, NA, 0), imaginary = c(-1, 2, NaN)),
  raw = as.raw(c(0, 1, 127, 128, 255)),
  empty = list(integer(0), character(0), raw(0), list()),
  chr = c("a", "", NA, "tab\there", "quote\"'\\?", "new\nline", " space"),
  utf8 = c("na\u00efve", "\u4e2d\u6587", "\U0001F600", "a"),
  latin1 = c(latin, "x"),
  bytes = bytes,
  native = native,
  named = c(a = 1L, b = 2L),
  factor = factor(c("lo", "hi", NA, "lo"), levels = c("lo", "hi")),
  ordered = factor(c("b", "a"), levels = c("a", "b"), ordered = TRUE),
  frame = data.frame(x = c(1.5, 2.5), y = c("u", "v"), stringsAsFactors = TRUE),
  matrix = matrix(1:6, 2, dimnames = list(c("r1", "r2"), NULL)),
  nested = list(a = list(b = list(c = 1)), d = NULL),
  pairlist = pairlist(a = 1, 2, c = "three"),
  expression = expression(x + 1, "s", 2L),
  call = quote(f(x, y = 2, ...)),
  formula = y ~ x + log(z),
  closure = closure,
  compiled = compiled,
  srcref = withsrc,
  primitives = list(sum, `if`, `[`),
  hashed_env = hashed,
  self_env = plain_env,
  locked_env = locked,
  classed_env = classed_env,
  promise_env = promises,
  dots_env = dots,
  special_envs = list(globalenv(), emptyenv(), baseenv(), asNamespace("stats"),
                      .BaseNamespaceEnv, as.environment("package:stats")),
  missing_arg = alist(a = , b = 1),
  s4 = s4,
  extptr = list(p = new("externalptr")),
  intseq = 1:20,
  intseq_down = 5:-5,
  realseq = as.numeric(1:20),
  deferred = as.character(1:5),
  deferred_dbl = as.character(c(1.5, 2, 1e-20)),
  wrapper = .Internal(wrap_meta(c(2.5, 1.5), 0L, 1L)),
  wrapper_str = .Internal(wrap_meta(c("b", "a"), 0L, 0L)),
  attrs = structure(1:3, myattr = "x", class = "myclass", names = c("a", "b", "c")),
  ints_1000 = as.integer(seq(1, 3000, by = 3)),
  strings_shared = rep(c("alpha", "beta"), 20)
)

write_one <- function(object, name, version, format) {
  path <- file.path(out, sprintf("%s_v%d_%s.rds", name, version, format))
  con <- file(path, "wb")
  # R warns that package:stats may not be attached when the stream is read
  suppressWarnings(serialize(object, con, ascii = format == "ascii", xdr = format != "binary",
                             version = version))
  close(con)
}
for (name in names(objects)) for (version in 2:3) for (format in c("xdr", "ascii", "binary"))
  write_one(objects[[name]], name, version, format)
