library(testthat)
library(pykerasnip)

test_check("pykerasnip")
