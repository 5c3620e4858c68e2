# Small R-made files for the decoder's hostile-input promises (tests/test_rds_decoder.py).
# Usage: Rscript make_decoder_cases.R OUTDIR
out <- commandArgs(trailingOnly = TRUE)[1]
path <- function(name) file.path(out, name)

for (depth in c(400, 2000, 10000)) {
  x <- list()
  for (i in seq_len(depth)) x <- list(x)
  saveRDS(x, path(sprintf("deep_list_%d.rds", depth)))
}
saveRDS(sum, path("primitive_sum_ascii.rds"), ascii = TRUE)
saveRDS(list(f = sum, g = `if`), path("primitives_ascii.rds"), ascii = TRUE)

# compact sequences R keeps as three numbers
saveRDS(1:2147483647, path("intseq_full_range.rds"))
saveRDS(1:1e10, path("realseq_1e10.rds"))
saveRDS(data.frame(id = 1:5, y = c(2.5, 1, 0, 4, 3)), path("frame_compact_id.rds"))

# strings whose bytes are not valid in their declared encoding, and latin1 ones that are
bad <- "caf\xe9"
Encoding(bad) <- "UTF-8"
latin <- "caf\xe9"
Encoding(latin) <- "latin1"
saveRDS(data.frame(name = c("ok", bad), stringsAsFactors = FALSE), path("invalid_utf8_frame.rds"))
saveRDS(c(latin, "plain", "na\u00efve"), path("latin1_strings.rds"))
