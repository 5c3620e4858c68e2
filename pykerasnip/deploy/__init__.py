"""Deployment with vetiver and pins, between R and Python (``pip install 'pykerasnip[vetiver]'``).

* ``read_pin(board, name)``: a vetiver-r model pin (or a vetiver-python pin of a
  pykerasnip model) as a ``vetiver.VetiverModel`` predicting through pykerasnip.
* ``write_r_pin(board, fit, name)``: pin a Python-fitted model so R's
  ``vetiver_pin_read()`` serves it; vetiver-python's own ``vetiver_pin_write`` works too.
* ``vetiver_api(v)``: ``vetiver.VetiverAPI`` with ``/predict?type=&level=``;
  ``pykerasnip serve`` runs it.

Importing this package registers the pykerasnip handler with vetiver, so
``vetiver.VetiverModel(fit_wf, "name")`` works for any pykerasnip workflow or model fit.
"""
from __future__ import annotations

from ..tables import json_records
from .handler import PykerasnipHandler
from .pins import model_from_r, r_pin_tree, r_required_pkgs, read_pin, write_r_pin
from .prototype import RequestError, prototype_model
from .serve import PredictOptions, load_target, serve, vetiver_api

__all__ = ["PredictOptions", "PykerasnipHandler", "RequestError", "load_target", "model_from_r",
           "json_records", "prototype_model", "r_pin_tree", "r_required_pkgs", "read_pin",
           "serve", "vetiver_api", "write_r_pin"]
