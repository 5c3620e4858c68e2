"""Boost.Random 1.74 as ddalpha's C++ code draws from it: the ``rand48`` engine, the
ziggurat ``normal_distribution`` and ``exponential_distribution``, ``uniform_01``, and
``rEngine() % x``.

``rand48`` is the 48-bit linear congruential generator of ``drand48`` (seed ``x`` starts
the state at ``(x << 16) | 0x330e``) returning the top 31 bits of each new state. The
ziggurats take a bucket from the low 8 bits of one draw and a 53-bit fraction from the
rest of it and a second draw (``generate_int_float_pair``).
"""
from __future__ import annotations

import math

from ._boost_tables import EXPONENTIAL_X, EXPONENTIAL_Y, NORMAL_X, NORMAL_Y

_A, _C, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1


class Rand48:
    """``boost::random::rand48`` seeded with ``seed`` (taken modulo 2^32, as the
    ``uint32_t`` it is converted to)."""

    def __init__(self, seed: int = 1):
        self.state = (((seed & 0xFFFFFFFF) << 16) | 0x330E) & _MASK

    def __call__(self) -> int:
        self.state = (_A * self.state + _C) & _MASK
        return self.state >> 17

    def below(self, x: int) -> int:
        """ddalpha's ``random(x)``: ``rEngine() % x``."""
        return self() % x

    def uniform01(self) -> float:
        """``uniform_01<double>``: a draw times 2^-31."""
        return self() * 2.0 ** -31

    def _int_float_pair(self) -> tuple[float, int]:
        first, second = self(), self()
        fraction = (first >> 8) * 2.0 ** -23
        fraction = (fraction + (second & ((1 << 30) - 1))) * 2.0 ** -30
        return fraction, first & 0xFF

    def normal(self) -> float:
        """``normal_distribution<double>(0, 1)``: Boost's 128-layer ziggurat (times
        sigma = 1 plus mean = 0, which turns -0 into 0)."""
        return self._unit_normal() + 0.0

    def _unit_normal(self) -> float:
        while True:
            fraction, bucket = self._int_float_pair()
            sign = (bucket & 1) * 2 - 1
            i = bucket >> 1
            x = fraction * NORMAL_X[i]
            if x < NORMAL_X[i + 1]:
                return x * sign
            if i == 0:
                return self._normal_tail() * sign
            y01 = self.uniform01()
            y = NORMAL_Y[i] + y01 * (NORMAL_Y[i + 1] - NORMAL_Y[i])
            tangent = y - (NORMAL_Y[i] + (NORMAL_X[i] - x) * NORMAL_Y[i] * NORMAL_X[i])
            chord = (NORMAL_X[i] - NORMAL_X[i + 1]) * y01 - (NORMAL_X[i] - x)
            above_upper, above_lower = (chord, tangent) if NORMAL_X[i] >= 1 else (tangent, chord)
            if above_upper < 0 and (above_lower < 0 or y < math.exp(-(x * x / 2))):
                return x * sign

    def _normal_tail(self) -> float:
        start = NORMAL_X[1]
        while True:
            x = self.exponential() / start
            y = self.exponential()
            if 2 * y > x * x:
                return x + start

    def exponential(self) -> float:
        """``exponential_distribution<double>(1)``: Boost's 256-layer ziggurat."""
        shift = 0.0
        while True:
            fraction, i = self._int_float_pair()
            x = fraction * EXPONENTIAL_X[i]
            if x < EXPONENTIAL_X[i + 1]:
                return shift + x
            if i == 0:
                shift += EXPONENTIAL_X[1]
                continue
            y01 = self.uniform01()
            y = EXPONENTIAL_Y[i] + y01 * (EXPONENTIAL_Y[i + 1] - EXPONENTIAL_Y[i])
            above_upper = (EXPONENTIAL_X[i] - EXPONENTIAL_X[i + 1]) * y01 - (EXPONENTIAL_X[i] - x)
            above_lower = y - (EXPONENTIAL_Y[i + 1]
                               + (EXPONENTIAL_X[i + 1] - x) * EXPONENTIAL_Y[i + 1])
            if above_upper < 0 and (above_lower < 0 or y < math.exp(-x)):
                return x + shift
