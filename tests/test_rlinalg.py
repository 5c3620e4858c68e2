"""pykerasnip.rlinalg against R 4.2 with the reference BLAS/LAPACK
(tests/data/rlinalg/cases.rds, made by tests/r/make_rlinalg_truth.R): bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from pykerasnip import rlinalg
from pykerasnip.errors import ForgeError
from pykerasnip.rds import load

TRUTH = ROOT / "tests" / "data" / "rlinalg" / "cases.rds"


def _matrix(node) -> np.ndarray:
    shape = [int(v) for v in node.attr("dim").data]
    return np.asarray(node.data, dtype="f8").reshape(shape, order="F")


def _cases() -> list[dict]:
    assert TRUTH.exists(), f"missing ground truth {TRUTH}: run tests/r/make_rlinalg_truth.R"
    return [dict(zip(case.names, case.data)) for case in load(TRUTH).data]


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape == want.shape and np.array_equal(np.isnan(got), np.isnan(want)) and \
        got[~np.isnan(got)].tobytes() == want[~np.isnan(want)].tobytes()


def test_cov_solve_means_and_mahalanobis_are_r_bit_for_bit():
    for i, case in enumerate(_cases()):
        x, covariance = _matrix(case["x"]), _matrix(case["cov"])
        means = np.asarray(case["means"].data, dtype="f8")
        assert _same(rlinalg.cov(x), covariance), i
        assert _same(rlinalg.solve(covariance), _matrix(case["inv"])), i
        assert _same(rlinalg.col_means(x), means), i
        got = rlinalg.mahalanobis(_matrix(case["new"]), means, covariance)
        assert _same(got, np.asarray(case["distances"].data, dtype="f8")), i


def test_solve_refuses_singular_matrices():
    with pytest.raises(ForgeError, match="exactly singular"):
        rlinalg.solve(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(ForgeError, match="computationally singular"):
        rlinalg.solve(np.array([[1.0, 1.0], [1.0, 1.0 + 1e-17 + 2e-16]]))


DECOMPOSITIONS = ROOT / "tests" / "data" / "rlinalg" / "decompositions.rds"


def _decompositions() -> list[dict]:
    assert DECOMPOSITIONS.exists(), f"missing {DECOMPOSITIONS}: run tests/r/make_rlinalg_truth.R"
    return [dict(zip(case.names, case.data)) for case in load(DECOMPOSITIONS).data]


def test_linpack_qr_qty_and_qy_are_r_bit_for_bit():
    for i, case in enumerate(_decompositions()):
        qr = rlinalg.qr_linpack(_matrix(case["x"]))
        assert _same(qr.qr, _matrix(case["qr"])), i
        assert _same(qr.qraux, np.asarray(case["qraux"].data, dtype="f8")), i
        assert qr.rank == case["rank"].data[0], i
        assert [p + 1 for p in qr.pivot] == list(case["pivot"].data), i
        y = _matrix(case["y"])
        assert _same(rlinalg.qr_qty(qr, y), _matrix(case["qty"])), i
        assert _same(rlinalg.qr_qy(qr, y), _matrix(case["qy"])), i


def test_svd_and_symmetric_eigen_are_r_bit_for_bit():
    for i, case in enumerate(_decompositions()):
        x = _matrix(case["x"])
        d, u, vt = rlinalg.svd(x)
        assert _same(d, np.asarray(case["d"].data, dtype="f8")), i
        assert _same(u, _matrix(case["u"])) and _same(vt, _matrix(case["vt"])), i
        values, vectors = rlinalg.eigen_symmetric(rlinalg.matprod(x.T, x))  # crossprod(x)
        assert _same(values, np.asarray(case["values"].data, dtype="f8")), i
        assert _same(vectors, _matrix(case["vectors"])), i


PRODUCTS = ROOT / "tests" / "data" / "rlinalg" / "products.rds"


def test_crossprod_and_singular_values_alone_are_r_bit_for_bit():
    assert PRODUCTS.exists(), f"missing {PRODUCTS}: run tests/r/make_rlinalg_truth.R"
    for i, case in enumerate(load(PRODUCTS).data):
        case = dict(zip(case.names, case.data))
        x, y = _matrix(case["x"]), _matrix(case["y"])  # some columns of y are -0
        assert _same(rlinalg.crossprod(x, y), _matrix(case["xy"])), i
        assert _same(rlinalg.crossprod(x), _matrix(case["xx"])), i
        if case["d"] is not None:
            assert _same(rlinalg.svd_values(x), np.asarray(case["d"].data, dtype="f8")), i


def test_chol_is_r_bit_for_bit():
    truth = TRUTH.parent / "chol.rds"
    assert truth.exists(), f"missing ground truth {truth}: run tests/r/make_rlinalg_truth.R"
    for i, case in enumerate(load(truth).data):
        case = dict(zip(case.names, case.data))
        assert _same(rlinalg.chol(_matrix(case["x"])), _matrix(case["chol"])), i


def test_chol_refuses_a_matrix_that_is_not_positive_definite():
    with pytest.raises(ForgeError, match="leading minor of order 2"):
        rlinalg.chol(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_without_a_system_lapack_numpy_stands_in_and_says_so(monkeypatch) -> None:
    import ctypes

    from pykerasnip.errors import PrecisionWarning

    def missing(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")
    monkeypatch.setattr(ctypes, "CDLL", missing)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    rlinalg._system_lapack.cache_clear()
    try:
        x = np.array([[2.0, 1.0], [1.0, 3.0]])
        with pytest.warns(PrecisionWarning, match="no system LAPACK"):
            values, _ = rlinalg.eigen_symmetric(x)
        np.testing.assert_allclose(values, np.linalg.eigvalsh(x)[::-1], rtol=1e-13)
        np.testing.assert_allclose(rlinalg.chol(x), np.linalg.cholesky(x).T, rtol=1e-15)
    finally:
        rlinalg._system_lapack.cache_clear()
