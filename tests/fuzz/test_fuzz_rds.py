"""A short, deterministic run of the decoder fuzzer (tests/fuzz/fuzz_rds.py) for CI:
mutated, truncated and spliced streams cut from the fixtures decode or raise a
:mod:`pykerasnip.errors` error -- nothing else. Inputs are capped at a few KB (seeds are
at most 8 KB), so each one is cheap; the long run is ``python3 -m tests.fuzz.fuzz_rds``."""
from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pykerasnip.errors import PykerasnipError

from .fuzz_rds import MUTATIONS, SEED_MAX, decode, make_input, mutate, seeds

POOL, BASE_SEED = seeds()
_OPS = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, SEED_MAX),
                          st.integers(0, 1 << 16)), min_size=1, max_size=6)


def _outcome(data: bytes) -> None:
    exc = decode(data)
    assert exc is None or isinstance(exc, PykerasnipError), repr(exc)


@seed(BASE_SEED)
@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, len(POOL) - 1), st.integers(0, len(POOL) - 1), _OPS)
def test_mutated_fixture_streams_decode_or_raise_typed_errors(which, donor, ops):
    data = mutate(POOL[which], ops, POOL[donor])
    assert len(data) <= 2 * SEED_MAX + 1024
    _outcome(data)


def test_the_first_inputs_of_the_long_run_decode_or_raise_typed_errors():
    for index in range(1000):
        _outcome(make_input(index))


def test_the_seeds_come_from_the_fixtures():
    assert len(POOL) > 1000 and all(len(s) <= SEED_MAX for s in POOL)
