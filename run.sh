#!/usr/bin/env bash
# pykerasnip's entry point on a fresh Debian machine (as root):
#   ./run.sh demo    set up, then run the main job (the seed vignette told from Python)
#   ./run.sh test    set up, then run the whole test suite
#   ./run.sh setup   only install R and Java (Debian) and the Python package with its extras
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

setup() {
  local r_pkgs="recipes hardhat reticulate testthat jsonlite timeDate palmerpenguins gower"
  if ! command -v Rscript >/dev/null 2>&1 ||
     ! Rscript -e "for (p in strsplit('$r_pkgs', ' ')[[1]]) library(p, character.only = TRUE)" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq r-base-core r-base-dev libblas3 liblapack3 \
      r-cran-reticulate r-cran-recipes r-cran-hardhat r-cran-tibble r-cran-rlang \
      r-cran-vctrs r-cran-testthat r-cran-jsonlite r-cran-timedate r-cran-palmerpenguins \
      r-cran-gower r-cran-lubridate >/dev/null
  fi
  if ! command -v java >/dev/null 2>&1; then  # Spark's JVM, for pykerasnip[spark]
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
  if ! "$PY" -c 'import pykerasnip, keras, tensorflow, rpy2, sklearn, hypothesis, pyarrow, isal, scipy, pyspark, vetiver, pins, fastapi, uvicorn' >/dev/null 2>&1; then
    "$PY" -m pip install -q --disable-pip-version-check -e ".[tensorflow,dev,r,vetiver,spark]"
  fi
}

case "${1:-}" in
  setup) setup ;;
  demo)  setup; shift; exec "$PY" -m pykerasnip demo "$@" ;;
  test)  setup; shift; exec "$PY" -m pytest -q "$@" ;;
  *) echo "usage: ./run.sh demo|test|setup" >&2; exit 2 ;;
esac
