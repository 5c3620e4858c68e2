# Writes the CSV files bundled in pykerasnip/datasets/ from R's own data sets.
# Usage: Rscript tests/r/convert_datasets.R <output dir>
# Doubles are written with 17 significant digits so that Python reads back R's exact
# bits; integers in decimal; factors as their labels; NA as an empty field.
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "pykerasnip/datasets"

format_column <- function(x) {
  text <- if (is.double(x)) sprintf("%.17g", x) else as.character(x)
  text[is.na(x)] <- ""
  text
}

write_data <- function(df, name) {
  cols <- lapply(df, format_column)
  utils::write.csv(as.data.frame(cols, check.names = FALSE, stringsAsFactors = FALSE),
                   file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "",
                   quote = FALSE)
}

mt <- datasets::mtcars
write_data(cbind(data.frame(model = rownames(mt)), mt), "mtcars")
write_data(datasets::iris, "iris")
if (requireNamespace("palmerpenguins", quietly = TRUE)) {
  write_data(palmerpenguins::penguins, "penguins")
}
