# Write a diverse corpus of serialized R objects for the RDS codec tests.
#
#   Rscript make_corpus.R OUTDIR
#
# Every object is saved in each container/format: OUTDIR/<name>__<variant>.rds with
# variants gzip, bzip2, xz, plain (v3 XDR, uncompressed), v2 (uncompressed), ascii
# (uncompressed), binary (native little-endian, via serialize(xdr = FALSE)) and serialize
# (the same call with XDR, its counterpart).
# save() workspaces go to OUTDIR/workspace__<variant>.RData. The strings R makes from
# numbers (deferred ALTREP strings) go to OUTDIR/deferred_expected.txt, one per line.

args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)

latin1 <- "caf\xe9"
Encoding(latin1) <- "latin1"
bytes <- "\xff\xfe raw"
Encoding(bytes) <- "bytes"
utf8 <- "na\u00efve \u2603"

with_src <- eval(parse(text = "function(x, y = 2) {\n  # add\n  x + y\n}", keep.source = TRUE))
compiled <- compiler::cmpfun(function(x, n = 3L) {
  total <- 0
  for (i in seq_len(n)) total[1] <- total[1] + x[i]
  names(x)[2] <- "b"
  list(total = total, x = x)
})
jitted <- function(v) {
  s <- 0
  for (k in v) s <- s + k^2
  s
}
for (i in 1:4) jitted(1:5)

cyclic <- new.env()
cyclic$self <- cyclic
cyclic$f <- local(function() self, cyclic)
locked <- new.env(hash = FALSE)
assign("b", 2L, envir = locked)
makeActiveBinding("act", function() 42, locked)
lockBinding("b", locked)
lockEnvironment(locked)
delayedAssign("lazy", 1 + 2, assign.env = locked2 <- new.env())

setClass("Point", representation(x = "numeric", label = "character"))

deep <- list()
for (i in 1:2000) deep <- list(deep)

objects <- list(
  null = NULL,
  doubles = c(1.5, NA, NaN, Inf, -Inf, -0, 1e-300, 1.5e308, 2^-1074),
  integers = c(1L, NA, -2147483647L, 0L),
  logicals = c(TRUE, FALSE, NA),
  complexes = complex(real = c(1, NA, -0), imaginary = c(2, 3, NaN)),
  raws = as.raw(0:255),
  strings = c("a", NA, "", "tab\there \"q\" 'x' back\\slash ?", utf8, latin1, bytes),
  named = c(a = 1L, b = 2L),
  factor = factor(c("lo", "hi", NA, "lo"), levels = c("lo", "hi")),
  ordered = factor(c("S", "M", "L"), levels = c("S", "M", "L"), ordered = TRUE),
  date = as.Date(c("2024-01-31", NA)),
  posixct = as.POSIXct(c("2024-01-31 12:34:56", NA), tz = "UTC"),
  matrix = matrix(1:6, 2, dimnames = list(c("r1", "r2"), c("a", "b", "c"))),
  data_frame = data.frame(a = 1:3, b = c("x", "y", NA), c = c(0.5, NA, 2)),
  tibble = tibble::tibble(x = 1:2, y = list(1, "a")),
  formula = y ~ x + log(z),
  quosure = rlang::quo(a + b),
  quosures = rlang::quos(x = 1, y),
  closure_src = with_src,
  closure_bytecode = compiled,
  closure_jit = jitted,
  builtins = list(sum, `if`, `[`),
  env_cycle = cyclic,
  env_locked = locked,
  env_promise = locked2,
  s4 = new("Point", x = 1:2 + 0.5, label = "p"),
  altrep_intseq = 1:10,
  altrep_descending = 5:-2,
  altrep_realseq = 2147483640:2147483650,
  altrep_deferred_int = as.character(1:5),
  altrep_deferred_real = as.character(c(1.5, 100000, 123456, 0.1, 1e-20, 1/3, NA, -2.5e10)),
  altrep_wrapper = .Internal(wrap_meta(c(3L, 1L, 2L), 0L, 0L)),
  deep_list = deep,
  long_pairlist = as.pairlist(as.list(1:100000)),
  expression = expression(a + 1, b),
  proc_time = structure(c(1, 2, 3, NA, NA), names = c("user.self", "sys.self",
                        "elapsed", "user.child", "sys.child"), class = "proc_time")
)

save_variant <- function(obj, path, variant) {
  switch(variant,
    gzip = saveRDS(obj, path, compress = "gzip"),
    bzip2 = saveRDS(obj, path, compress = "bzip2"),
    xz = saveRDS(obj, path, compress = "xz"),
    plain = saveRDS(obj, path, compress = FALSE),
    v2 = saveRDS(obj, path, compress = FALSE, version = 2),
    ascii = saveRDS(obj, path, compress = FALSE, ascii = TRUE),
    binary = writeBin(serialize(obj, NULL, xdr = FALSE), path),
    serialize = writeBin(serialize(obj, NULL), path))
}
variants <- c("gzip", "bzip2", "xz", "plain", "v2", "ascii", "binary", "serialize")
for (name in names(objects)) {
  for (variant in variants) {
    save_variant(objects[[name]], file.path(out, sprintf("%s__%s.rds", name, variant)), variant)
  }
}

ws_a <- 1:3
ws_b <- list(x = "y")
ws_f <- y ~ x
ws <- c("ws_a", "ws_b", "ws_f")
save(list = ws, file = file.path(out, "workspace__gzip.RData"))
save(list = ws, file = file.path(out, "workspace__plain.RData"), compress = FALSE)
save(list = ws, file = file.path(out, "workspace__v2.RData"), compress = FALSE, version = 2)
save(list = ws, file = file.path(out, "workspace__ascii.RData"), compress = FALSE, ascii = TRUE)

doubles <- c(0, -0, 1, -1, 0.1, 1/3, 2/3, 100000, 123456, 1234567, 1e5 + 0.1, 1e15, 1e16,
             123456789012345, 0.0001, 0.001234, 1e-20, 1.5e-300, 2^53, -2.5e10, 3.14159265358979,
             99999.99999999999, 0.30000000000000004, 1e100, 1.7976931348623157e308,
             5e-324, 1234.5678, 1e22, 4.35, NaN, Inf, -Inf, NA)
writeLines(format(doubles, digits = 17), file.path(out, "deferred_input.txt"))
saveRDS(doubles, file.path(out, "deferred_input.rds"), compress = FALSE)
expected <- as.character(doubles)
expected[is.na(expected)] <- "<NA>"
writeLines(expected, file.path(out, "deferred_expected.txt"))
