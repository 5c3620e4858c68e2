# Streams on which pykerasnip's decoder once disagreed with R's readRDS (found by
# tests/fuzz/differential.py), built byte by byte, with R's verdict on each:
#   <case>.rds            the stream (uncompressed unless the case is about a container)
#   <case>.canonical.rds  saveRDS(readRDS(<case>.rds), version = 3, compress = FALSE)
#   verdicts.tsv          case, "ok" or "error", R's message, R's warnings
# Run: Rscript tests/r/make_differential_cases.R tests/data/decoder_diff/cases
out <- commandArgs(trailingOnly = TRUE)[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)

# -- XDR pieces -------------------------------------------------------------------------
ints <- function(...) writeBin(as.integer(c(...)), raw(), endian = "big")
doubles <- function(...) writeBin(as.double(c(...)), raw(), endian = "big")
bytes <- function(...) as.raw(c(...))
header <- function(encoding = "UTF-8")
  c(charToRaw("X\n"), ints(3, 0x040202, 0x030500, nchar(encoding, "bytes")), charToRaw(encoding))
flags <- function(type, levels = 0, attr = FALSE, tag = FALSE, object = FALSE)
  ints(type + levels * 4096 + object * 256 + attr * 512 + tag * 1024)
ASCII <- 64; UTF8 <- 8; LATIN1 <- 4; BYTES <- 2
chars <- function(x, levels = ASCII) {
  x <- if (is.character(x)) charToRaw(x) else x
  c(flags(9, levels), ints(length(x)), x)
}
na_chars <- c(flags(9), ints(-1))
strings <- function(...) c(flags(16), ints(length(list(...))), unlist(list(...)))
symbol <- function(x, levels = ASCII) c(flags(1), chars(x, levels))
NIL <- ints(254)
cell <- function(car, tag = NULL, type = 2)  # one pairlist cell, tagged with a symbol name
  c(flags(type, tag = !is.null(tag)), if (!is.null(tag)) symbol(tag), car)
altrep_item <- function(class, package, type, state, attributes = NIL)
  c(ints(238), cell(symbol(class)), cell(symbol(package)), cell(c(flags(13), ints(1, type))),
    NIL, state, attributes)
altrep <- function(...) c(header(), altrep_item(...))
ascii <- function(text) charToRaw(paste0("A\n3\n262658\n197888\n5\nUTF-8\n", text))

cases <- list(
  # strings: R refuses an embedded NUL; UTF-8 wins over latin1; native strings are
  # translated from the header's encoding (ISO-8859-1 read as CP1252), or kept
  nul_in_string = c(header(), strings(chars(bytes(0x61, 0, 0x62)))),
  ascii_nul_in_string = ascii("16\n1\n262153\n3\na\\000b\n"),
  utf8_and_latin1_flags = c(header(), strings(chars(bytes(0xc3, 0xa9), UTF8 + LATIN1))),
  native_latin1 = c(header("latin1"), strings(chars(bytes(0x63, 0x61, 0x66, 0xe9), 0))),
  native_iso8859_1_is_cp1252 = c(header("ISO-8859-1"), strings(chars(bytes(0x80), 0))),
  native_cp1252_undefined_byte = c(header("CP1252"), strings(chars(bytes(0x81), 0))),
  native_unknown_encoding = c(header("no-such-encoding"), strings(chars(bytes(0xe9), 0))),
  native_name_cut_at_nul = c(header("latin1\001"), strings(chars(bytes(0xe9), 0))),
  # a string's attributes (older R wrote them) are read and dropped
  string_with_attributes = c(header(), strings(c(
    flags(9, ASCII, attr = TRUE), ints(1), charToRaw("a"), cell(c(flags(13), ints(1, 1)), "foo"),
    NIL))),
  # R keeps 16 bits of gp levels
  levels_beyond_16_bits = c(header(), flags(13, 0x10001), ints(1, 3)),
  # symbols as R's install() makes them
  symbol_named_na = c(header(), flags(1), na_chars),
  symbol_empty_name = c(header(), symbol(raw(0))),
  symbol_in_bytes = c(header(), symbol(bytes(0xff), BYTES)),
  symbol_too_long = c(header(), symbol(strrep("x", 10001))),
  # attributes must be a pairlist
  attributes_not_pairlist = c(header(), flags(13, attr = TRUE), ints(1, 7), flags(13), ints(1, 8)),
  # ALTREP classes are found by class and package; base R's states are checked
  altrep_other_package = altrep("compact_intseq", "notbase", 13,
                                c(flags(14), ints(3), doubles(3, 1, 1))),
  deferred_string_of_strings = altrep("deferred_string", "base", 16,
                                      c(flags(2), strings(chars("a")), flags(13), ints(1, 0))),
  deferred_string_of_unknown_class = altrep(
    "deferred_string", "base", 16,
    c(flags(2), altrep_item("nosuchclass", "base", 13, c(flags(14), ints(3), doubles(3, 1, 1))),
      flags(13), ints(1, 0))),
  wrapper_of_list = altrep("wrap_integer", "base", 13,
                           c(flags(2), flags(19), ints(1), NIL, flags(13), ints(2, 0, 0))),
  # byte code: a shared cell not defined yet is NULL (the code's version is not R's, so
  # R keeps the source expression, the first constant)
  bytecode_undefined_shared_cell = c(header(), flags(21), ints(1), flags(13), ints(1, 0),
                                     ints(1), ints(243, 0)),
  # a primitive's name has a plain length
  primitive_long_length = c(header(), flags(8), ints(-1, 0, 3), charToRaw("sum")),
  # a closure whose formal has no name
  closure_untagged_formal = c(header(), flags(3, tag = TRUE), ints(253), flags(2), ints(251),
                              NIL, symbol("x")),
  # the format is read from the first byte; an ASCII stream may follow a newline
  format_second_byte = c(charToRaw("Xz"), header()[-(1:2)], flags(13), ints(1, 5)),
  ascii_after_newline = c(charToRaw("\n"), ascii("13\n1\n5\n")),
  # ASCII as R scans it: sscanf's numbers, strings read character by character
  ascii_lenient_numbers = ascii(paste0(
    "19\n3\n13\n4\n12abc\n2147483648\n+5\n99999999999\n",
    "14\n4\n1.5x\n0x1p3\ninfinity\n-2e400\n24\n4\n0x\n+f\n1f2\n-1\n")),
  ascii_string_past_word = ascii("16\n1\n262153\n3\na\\8\n"),
  ascii_string_short_of_word = ascii("16\n1\n262153\n1\nab\n"),
  ascii_word_at_end = ascii("13\n1\n5"),
  ascii_long_escaped_string = ascii(paste0("16\n1\n262153\n3001\n", strrep("\\101", 3000),
                                           "\\\n")),
  ascii_doubles_then_garbage = ascii(paste0("14\n41\n", strrep("254\n", 40), "k\n")),

  # R's reader takes a string element as an object (pykerasnip refuses it)
  string_as_object = c(header(), flags(19), ints(1), chars("a"))
)

write_case <- function(name, stream) writeBin(stream, file.path(out, paste0(name, ".rds")))
for (name in names(cases)) write_case(name, cases[[name]])
# a string claiming 2^28 bytes in a small gzip file: refused before they are allocated
con <- gzfile(file.path(out, "string_longer_than_input.rds"), "wb")
writeBin(c(header(), strings(c(flags(9, ASCII), ints(2^28), charToRaw("abc")))), con)
close(con)

verdict <- function(name) {
  path <- file.path(out, paste0(name, ".rds"))
  warned <- character(0)
  value <- tryCatch(
    withCallingHandlers(list(ok = readRDS(path)), warning = function(w) {
      warned <<- c(warned, conditionMessage(w))
      invokeRestart("muffleWarning")
    }),
    error = function(e) list(error = conditionMessage(e)))
  if (is.null(value$error))
    saveRDS(value[["ok"]], file.path(out, paste0(name, ".canonical.rds")), version = 3,
            compress = FALSE)
  clean <- function(x) gsub("[\t\r\n]+", " ", paste(x, collapse = " | "))
  c(name, if (is.null(value$error)) "ok" else "error", clean(value$error), clean(warned))
}
all_cases <- c(names(cases), "string_longer_than_input")
writeLines(vapply(all_cases, function(n) paste(verdict(n), collapse = "\t"), ""),
           file.path(out, "verdicts.tsv"))
