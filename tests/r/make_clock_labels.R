# clock's month/weekday/AM-PM label tables, for every language clock knows
# (clock::clock_labels_languages()), as step_date uses them when its `locale` is a
# clock_labels object (recipes 1.3.2 bakes those with clock::date_month_factor and
# clock::date_weekday_factor). Writes the table shipped in the package and, under the
# test data folder, R's bake of step_date with a few languages' labels, plus R's error
# for a locale *string* the OS does not have (a string goes to lubridate, which sets
# the system LC_TIME, not to clock).
#
#   . /opt/rstack/env.sh && Rscript tests/r/make_clock_labels.R pykerasnip/recipes/clock_labels.json.gz tests/data/clock_labels

args <- commandArgs(trailingOnly = TRUE)
table_file <- args[[1]]
out <- args[[2]]
suppressPackageStartupMessages(library(recipes))

fields <- c("month", "month_abbrev", "weekday", "weekday_abbrev", "am_pm")
languages <- clock::clock_labels_languages()
table <- lapply(setNames(languages, languages), function(language) {
  labels <- clock::clock_labels_lookup(language)
  stopifnot(identical(names(unclass(labels)), fields))
  unclass(labels)[fields]
})
json <- jsonlite::toJSON(list(clock = as.character(packageVersion("clock")), labels = table),
                         auto_unbox = TRUE)
con <- gzfile(table_file, "wb")
writeLines(enc2utf8(json), con, useBytes = TRUE)
close(con)

unlink(out, recursive = TRUE)
dir.create(out, recursive = TRUE)
dd <- data.frame(y = 1:14, d = as.Date("2021-01-03") + c(0:6, 31 * 1:7))
new <- data.frame(y = 0, d = as.Date(c("2020-02-29", "2021-12-31", NA, "2022-06-15", "2023-09-02")))
for (language in c("fr", "de", "es", "ja", "ar", "ru", "el")) {
  for (abbr in c(TRUE, FALSE)) {
    rec <- recipe(y ~ d, dd) |>
      step_date(d, features = c("month", "dow"), abbr = abbr,
                locale = clock::clock_labels_lookup(language))
    prepped <- prep(rec, training = dd)
    if (language == "el" && abbr) saveRDS(prepped, file.path(out, "recipe_el_abbr.rds"))
    saveRDS(bake(prepped, new),
            file.path(out, sprintf("%s_%s.rds", language, if (abbr) "abbr" else "full")))
  }
}
saveRDS(new, file.path(out, "new_data.rds"))
saveRDS(dd, file.path(out, "train.rds"))
writeLines(tryCatch(clock::clock_labels_lookup("zz"), error = conditionMessage),
           file.path(out, "unknown_language_error.txt"))
# A locale string goes to lubridate::wday/month(locale = ), which turns the OS's refusal to
# set LC_TIME into an error, in prep() already (suppressWarnings() would instead leave the
# session's LC_TIME, as in the param sweep's date_locale_labels case).
fr <- recipe(y ~ d, dd) |> step_date(d, locale = "fr")
writeLines(tryCatch({prep(fr, training = dd); "no error"}, error = function(e) conditionMessage(e$parent)),
           file.path(out, "system_locale_fr_error.txt"))
