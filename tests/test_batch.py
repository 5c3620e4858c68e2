"""``predict_frame`` (behind ``pykerasnip predict``): chunks only where the rows are
predicted independently of each other."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from pykerasnip.batch import predict_frame
from pykerasnip.recipes.steps.base import STEPS


class _Recorder:
    """A model whose recipe holds one step of class ``r_class``; it records the size of
    every frame it is asked to predict."""

    def __init__(self, r_class: str):
        step = SimpleNamespace(r_class=r_class, skip=False, id=r_class,
                               reads_neighbours=STEPS[r_class].reads_neighbours)
        self.blueprint = SimpleNamespace(recipe=SimpleNamespace(steps=[step]), terms=None)
        self.model_fit = SimpleNamespace(preproc=None, fit=None)
        self.sizes: list[int] = []

    def predict(self, frame, **kwargs):
        self.sizes.append(len(frame))
        return pd.DataFrame({".pred": [0.0] * len(frame)})


@pytest.mark.parametrize("r_class, sizes", [
    ("step_normalize", [4, 4, 2]),
    ("step_lag", [10]),  # reads the previous rows: R predicts the whole frame at once
    ("step_window", [10]),
])
def test_chunks_only_when_rows_are_independent(r_class, sizes):
    model = _Recorder(r_class)
    out = predict_frame(model, pd.DataFrame({"x": range(10)}), chunk_rows=4)
    assert model.sizes == sizes and len(out) == 10


def test_a_seed_predicts_in_one_piece():
    model = _Recorder("step_normalize")
    predict_frame(model, pd.DataFrame({"x": range(10)}), chunk_rows=4, seed=1)
    assert model.sizes == [10]
