"""pykerasnip.native.cxxalgo and pykerasnip.native.boost_random against what libstdc++ 12 and
Boost.Random 1.74 compute (tests/data/cxx, made by tests/cxx/make_truth.cpp)."""
from __future__ import annotations

import math

import numpy as np

from conftest import ROOT
from pykerasnip.native.boost_random import Rand48
from pykerasnip.native.cxxalgo import partial_sort_copy, sort

TRUTH = ROOT / "tests" / "data" / "cxx"


def _lines(name: str) -> list[tuple[list[float], list[str]]]:
    path = TRUTH / name
    assert path.exists(), f"missing ground truth {path}: run tests/cxx/make_truth.cpp"
    out = []
    for line in path.read_text().splitlines():
        values, result = line.split("|")
        out.append(([float(v) for v in values.split()], result.split()))
    return out


def test_sort_leaves_ties_and_nan_where_libstdcxx_does():
    for values, order in _lines("sort.txt"):
        got = sort(list(zip(values, range(len(values)))), lambda a, b: a[0] > b[0])
        assert [str(i) for _, i in got] == order, values


def test_partial_sort_copy_places_nan_as_libstdcxx_does():
    for values, head in _lines("partial_sort_copy.txt"):
        got = partial_sort_copy(values, len(values) // 2 + 1)
        assert ["nan" if math.isnan(v) else f"{v:g}" for v in got] == head, values


def test_rand48_normals_exponentials_and_integers_are_boosts():
    path = TRUTH / "rand48.bin"
    assert path.exists(), f"missing ground truth {path}: run tests/cxx/make_truth.cpp"
    truth = np.fromfile(path, dtype="<f8").reshape(2, -1)
    for seed, want in zip((11, 1796542415), truth):
        engine = Rand48(seed)
        got = [engine.normal() for _ in range(1500)] + \
            [engine.exponential() for _ in range(300)] + [engine.below(7) for _ in range(100)]
        assert np.array(got, dtype="f8").tobytes() == want.tobytes(), seed
