"""Python -> R: fitted workflows, model fits and bundles as the R trees kerasnip reads.

``write_rds`` (:mod:`pykerasnip.io`) serializes what these functions build; R's
``readRDS()`` then gives objects ``predict()`` accepts with kerasnip, workflows, parsnip
and hardhat loaded. Parts read from R and left unchanged are written as R's own trees.
"""
from __future__ import annotations

from .bundle import bundle_to_r
from .model_fit import model_fit_to_r
from .spec import fitted_spec_to_r, spec_to_r
from .workflow import workflow_to_r

__all__ = ["bundle_to_r", "fitted_spec_to_r", "model_fit_to_r", "spec_to_r", "workflow_to_r"]
