"""The R oracle itself: values cross both ways bit for bit, R's errors come back with
R's message, and requirements name what is missing."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pykerasnip.rds.nodes import NA_REAL, Real, is_na_real
import r_oracle
from r_oracle import RError, missing_r, plain, requires_r, run_r

#: doubles whose bits a text encoding could lose: -0, a denormal, NaN, R's NA, extremes
EDGE_DOUBLES = np.array([-0.0, 5e-324, np.nan, NA_REAL, 1 / 3, 2.0**53 + 2, -np.inf,
                         np.finfo(float).max])


@requires_r()
def test_doubles_cross_both_ways_bit_for_bit() -> None:
    # given as an R node: from_python would write NaN as R's NA (pykerasnip.convert)
    back = run_r("list(x = x, bits = vapply(x, function(v) paste(rev(as.character(writeBin(v, "
                 "raw(), endian = 'little'))), collapse = ''), ''), na = is.na(x) & !is.nan(x))",
                 inputs={"x": Real(EDGE_DOUBLES)}, raw=True)
    x = back["x"].data
    assert x.view("u8").tolist() == EDGE_DOUBLES.view("u8").tolist()
    assert [int(b, 16) for b in back["bits"].values] == EDGE_DOUBLES.view("u8").tolist()
    assert back["na"].data.astype(bool).tolist() == is_na_real(EDGE_DOUBLES).tolist()


@requires_r()
def test_frames_arguments_and_plain_values() -> None:
    frame = pd.DataFrame({"i": pd.array([1, None], dtype="Int32"), "s": pd.Series(["a", None], dtype=object),
                          "f": pd.Categorical(["u", "v"], categories=["v", "u"])})
    out = run_r("list(d = d, types = vapply(d, function(c) class(c)[1], ''), args = commandArgs(TRUE))",
                inputs={"d": frame}, args=["one", "two"])
    pd.testing.assert_frame_equal(out["d"], frame, check_exact=True)
    assert plain(out["types"]) == {"i": "integer", "s": "character", "f": "factor"}
    assert plain(out, unbox=True)["args"] == ["one", "two"]


@requires_r()
def test_r_errors_carry_rs_message() -> None:
    with pytest.raises(RError, match=r"Error in f\(\): no such luck"):
        run_r('f <- function() stop("no such luck"); f()')
    with pytest.raises(RError, match="unexpected end of input"):
        run_r("1 +")


def test_requirements_name_what_is_missing(monkeypatch) -> None:
    monkeypatch.delenv(r_oracle.PEER_VARIABLE, raising=False)
    assert missing_r(stack="peer") == [
        "opt-in R peer: set PYKERASNIP_R_PEER to an R kerasnip stack's env file"]
    with pytest.raises(TypeError, match="factory"):
        requires_r(test_requirements_name_what_is_missing)
    with pytest.raises(ValueError, match="unknown R stack"):
        r_oracle.env_file("elsewhere")


@requires_r()
def test_package_requirements_are_checked_with_versions() -> None:
    assert missing_r("stats") == []
    assert missing_r("no.such.package") == ["R package no.such.package is not installed (system R)"]
    version = r_oracle.installed_packages()["stats"]
    assert missing_r(f"stats=={version}", f"stats>={version}") == []
    assert "99.0 is needed" in missing_r("stats>=99.0")[0]
