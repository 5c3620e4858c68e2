"""The vetiver-python handler for pykerasnip models.

Importing this module registers :class:`PykerasnipHandler` with vetiver's
``create_handler`` dispatch (the way vetiver's own handlers register), so
``vetiver.VetiverModel(fit_wf, "name")`` accepts any pykerasnip ``Workflow``,
``ModelFit`` or ``Bundle`` -- read from R or fitted in Python. ``/predict`` then answers
with R's columns and numbers; a request that does not fit the prototype is a 422.
"""
from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any

import pandas as pd
from fastapi.responses import JSONResponse, PlainTextResponse
from vetiver.handlers.base import BaseHandler, create_handler
from vetiver.meta import VetiverMeta

from ..bundles import Bundle, unbundle
from ..errors import ForgeError, PredictError, SpecError
from ..model.model_fit import PREDICT_TYPES, ModelFit
from ..tables import json_records
from ..workflows import Workflow
from .prototype import RequestError, prototype_model, rows_to_frame

#: per-request prediction options (``type``, ``level``, ``seed``) set by the API's query middleware
REQUEST_OPTIONS: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "pykerasnip_request_options", default={})

#: what a Python server of the model installs (vetiver's load_pkgs writes it into the
#: requirements): the API and a Keras backend to predict with
PIP_NAME = "pykerasnip[vetiver,tensorflow]"


def _model_ptype(model: Any) -> pd.DataFrame | None:
    blueprint = getattr(model, "blueprint", None)
    ptypes = getattr(blueprint, "ptypes", None)
    return None if ptypes is None else ptypes.predictors


def _ptype(model: Any, prototype_data: Any) -> pd.DataFrame:
    """The 0-row frame of the predictors: given data's, else the workflow's own."""
    if isinstance(prototype_data, pd.DataFrame):
        return prototype_data.iloc[:0].reset_index(drop=True)
    own = _model_ptype(model)
    if own is None:
        raise SpecError("this model stores no predictor prototype (a bare model fit): give "
                        "the predictors it was fitted on as prototype_data "
                        "(vetiver.VetiverModel(fit, name, prototype_data=X)), or deploy its "
                        "workflow")
    return own


def _with_extra_roles(model: Any, ptype: pd.DataFrame) -> pd.DataFrame:
    """``ptype`` and the columns of other roles the recipe needs at bake (an id role...):
    forge requires them, so requests carry them, as vetiver-r passes them on."""
    extra = getattr(getattr(model, "blueprint", None), "extra_role_ptypes", None) or {}
    columns = [frame[[c]] for frame in extra.values() for c in frame.columns if c not in ptype.columns]
    return pd.concat([ptype, *columns], axis=1) if columns else ptype


def restore_keras(model: Workflow | ModelFit) -> None:
    """Restore ``model``'s Keras model now, as its first prediction would: Keras and its
    backend load here, so a missing backend fails before a server starts, and the first
    request is not kept waiting."""
    fit = model.model_fit if isinstance(model, Workflow) else model
    fit.fit.model  # noqa: B018  (the lazy restore)


def check_options(type: str | None, level: Any, seed: Any = None) -> dict[str, Any]:
    """A request's ``type``, ``level`` and ``seed`` as ``predict()`` arguments, or a
    :class:`RequestError` naming the bad one."""
    if type is not None and type not in PREDICT_TYPES:
        raise RequestError(f"type '{type}' is not a prediction type; use one of "
                           f"{', '.join(PREDICT_TYPES)}")
    try:
        level = float(level)
    except (TypeError, ValueError):
        raise RequestError(f"level '{level}' is not a number") from None
    if not 0 < level < 1:
        raise RequestError(f"level must be between 0 and 1, not {level}")
    try:
        seed = None if seed is None else int(seed)
    except (TypeError, ValueError):
        raise RequestError(f"seed '{seed}' is not an integer") from None
    return {"type": type, "level": level, "seed": seed}


class PykerasnipHandler(BaseHandler):
    """vetiver handler of a fitted pykerasnip ``Workflow``, ``ModelFit`` or ``Bundle``.

    ``type``/``level`` are the default prediction type and interval level of
    ``/predict`` (a request's ``?type=&level=&seed=`` overrides them when the API is made
    by :func:`pykerasnip.deploy.vetiver_api`)."""

    model_class = staticmethod(lambda: Workflow)
    pip_name = PIP_NAME

    def __init__(self, model: Any, prototype_data: Any = None, *, type: str | None = None,
                 level: float = 0.95, description: str | None = None) -> None:
        model = unbundle(model)
        if not isinstance(model, (Workflow, ModelFit)):
            raise SpecError(f"expected a fitted pykerasnip Workflow or ModelFit, got {model.__class__.__name__}")
        if isinstance(model, Workflow) and not model.trained:
            raise PredictError("the workflow has not been trained; fit() it before deploying")
        super().__init__(model, prototype_data)
        self.ptype = _ptype(model, prototype_data)
        self.request_ptype = _with_extra_roles(model, self.ptype)
        blueprint = getattr(model, "blueprint", None)
        self.allow_novel_levels = bool(getattr(blueprint, "allow_novel_levels", False))
        self.options = check_options(type, level)
        needed = PREDICT_TYPES[type][0] if type else None
        if needed is not None and needed != self.fit.mode:
            raise SpecError(f"type {type!r} needs a {needed} model; this one is {self.fit.mode}")
        self.description = description

    @property
    def fit(self) -> ModelFit:
        return self.model.model_fit if isinstance(self.model, Workflow) else self.model

    def describe(self) -> str:
        if self.description:
            return self.description
        spec = self.fit.spec
        what = "modeling workflow" if isinstance(self.model, Workflow) else "model"
        return f"A {spec.engine or 'keras'} {spec.mode} {what}"

    def create_meta(self, metadata: Any) -> VetiverMeta:
        return VetiverMeta.from_dict(metadata, self.pip_name)

    def construct_prototype(self) -> type:
        return prototype_model(self.request_ptype, self.allow_novel_levels)

    def predict_frame(self, rows: Any, **options: Any) -> pd.DataFrame:
        """R's ``predict()`` tibble for request rows, checked against the prototype;
        ``options`` (type, level, seed) override the handler's."""
        frame = rows_to_frame(rows, self.request_ptype, self.allow_novel_levels)
        return self.model.predict(frame, **check_options(**{**self.options, **options}))

    def handler_predict(self, input_data: Any, check_prototype: bool) -> Any:
        try:
            frame = self.predict_frame(input_data, **REQUEST_OPTIONS.get())
        except (ForgeError, PredictError) as exc:
            return PlainTextResponse(str(exc), status_code=422)
        return JSONResponse(json_records(frame))


def _register(model: Any, prototype_data: Any) -> PykerasnipHandler:
    return PykerasnipHandler(model, prototype_data)


create_handler.register(ModelFit, _register)
create_handler.register(Bundle, _register)
