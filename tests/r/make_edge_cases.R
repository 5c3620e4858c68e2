# Writes the codec's edge-case files into the folder given as the first argument:
#   doubles_v<version>_<format>_<compression>.rds  every double edge case in one vector
#   null_v<version>_<format>_<compression>.rds     a stream whose whole object is NULL
# for versions 2 and 3, formats xdr / ascii / binary and compressions none / gzip /
# bzip2 / xz, plus doubles.json: each value's name, its IEEE bits as R holds it, and the
# bits R's own unserialize() gives for the ASCII token it writes.
# Run: Rscript tests/r/make_edge_cases.R tests/data/rds_edge
args <- commandArgs(trailingOnly = TRUE)
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)

values <- list(
  na = NA_real_, nan = NaN, inf = Inf, neg_inf = -Inf, zero = 0, neg_zero = -0,
  xmax = .Machine$double.xmax, neg_xmax = -.Machine$double.xmax,
  xmin = .Machine$double.xmin, neg_xmin = -.Machine$double.xmin,
  denormal_min = 4.9e-324, denormal_3 = 5e-324 * 3, neg_denormal = -5e-324,
  denormal_max = .Machine$double.xmin - 5e-324,
  tenth = 0.1, third = 1 / 3, big = 1e308, two53_plus_1 = 2^53 + 1, two53 = 2^53,
  eps = .Machine$double.eps, one_plus_eps = 1 + .Machine$double.eps, pi = pi,
  e22 = 1e22, e23 = 1e23, tiny_normal = 1e-307, neg_big = -123456789.123456789)
x <- unlist(values)

connections <- list(none = file, gzip = gzfile, bzip2 = bzfile, xz = xzfile)
write_one <- function(object, name, version, format, compression) {
  path <- file.path(out, sprintf("%s_v%d_%s_%s.rds", name, version, format, compression))
  con <- connections[[compression]](path, "wb")
  serialize(object, con, ascii = format == "ascii", xdr = format != "binary",
            version = version)
  close(con)
}
for (version in 2:3) for (format in c("xdr", "ascii", "binary"))
  for (compression in names(connections)) {
    write_one(x, "doubles", version, format, compression)
    write_one(NULL, "null", version, format, compression)
  }

bits <- function(v) paste(rev(as.character(writeBin(v, raw(), endian = "little"))),
                          collapse = "")
from_ascii <- unserialize(serialize(x, NULL, ascii = TRUE))
manifest <- lapply(seq_along(x), function(i)
  list(name = names(x)[[i]], bits = bits(x[[i]]), r_ascii_bits = bits(from_ascii[[i]])))
writeLines(jsonlite::toJSON(manifest, auto_unbox = TRUE, pretty = TRUE),
           file.path(out, "doubles.json"))
