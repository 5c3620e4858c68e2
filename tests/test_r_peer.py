"""Every file pykerasnip writes passes the real R kerasnip stack: R's ``readRDS()`` (and
``unbundle()``) then ``predict()`` of every type the model supports, through the shared
``check_python_artifact.R``, gives what Python predicts (Monte Carlo intervals with the
same seed).

Opt-in: set ``PYKERASNIP_R_PEER`` to the env file of an R kerasnip stack (e.g.
``/work/rpeer/env.sh``)."""
from __future__ import annotations

import pytest

import r_peer
import write_cases as wc
from r_oracle import requires_r

pytestmark = [pytest.mark.slow, requires_r(*r_peer.CHECK_PACKAGES, stack="peer")]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, wc.Written]:
    return wc.written_files(tmp_path_factory.mktemp("written"))


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    return tmp_path_factory.mktemp("r_peer")


@pytest.mark.parametrize("name", wc.WRITTEN_NAMES)
def test_r_kerasnip_predicts_what_python_predicts(written, checks, name: str) -> None:
    item = written[name]
    paths = r_peer.prepare_case(name, item.obj, item.new_data, item.predict_types, checks)
    report = r_peer.run_check(item.path, paths, item.predict_types)
    assert r_peer.failures(report) == []
    assert list(report["predictions"]) == list(item.predict_types)
    assert report["ok"] is True
