"""Serving: a VetiverAPI whose ``/predict`` takes ``?type=&level=``, and what
``pykerasnip serve TARGET`` runs: it serves a vetiver-r pin (a pin folder ``<board>/<name>``, one
version folder, or its ``.rds``), or a plain ``.rds`` of a workflow, model fit or bundle,
with uvicorn on 127.0.0.1 by default.
"""
from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import vetiver
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from .. import rds
from ..errors import UnsupportedObjectError
from .handler import REQUEST_OPTIONS
from .pins import model_from_r, read_pin
from .prototype import validation_message

#: query parameters of ``/predict`` passed to ``predict()``
_QUERY_OPTIONS = ("type", "level", "seed")


class PredictOptions:
    """ASGI middleware: a request's ``?type=&level=&seed=`` become the handler's options."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope.get("query_string"):
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope["query_string"].decode("latin-1"))
        token = REQUEST_OPTIONS.set({k: query[k][-1] for k in _QUERY_OPTIONS if k in query})
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_OPTIONS.reset(token)


def _app() -> FastAPI:
    # vetiver's own predict() client posts JSON without a content type
    if "strict_content_type" in inspect.signature(FastAPI).parameters:
        return FastAPI(strict_content_type=False)
    return FastAPI()


async def _unprocessable(request: Any, exc: RequestValidationError) -> PlainTextResponse:
    return PlainTextResponse(validation_message(exc.errors()), status_code=422)


def vetiver_api(model: vetiver.VetiverModel, **kwargs: Any) -> vetiver.VetiverAPI:
    """``vetiver.VetiverAPI(model, **kwargs)`` whose ``/predict`` also reads ``type``,
    ``level`` and ``seed`` from the query string (``/predict?type=pred_int&level=0.9``)
    and takes JSON bodies sent without a content type (as vetiver's ``predict()`` sends).
    A body that does not fit the prototype gets a 422 listing each column and row at fault."""
    api = vetiver.VetiverAPI(model, **{"app_factory": _app, **kwargs})
    api.app.add_exception_handler(RequestValidationError, _unprocessable)
    api.app.add_middleware(PredictOptions)
    return api


def _pin_location(path: Path) -> tuple[Path, str, str | None]:
    """(board folder, pin name, version) of a pin folder or one of its version folders."""
    if (path / "data.txt").is_file():
        return path.parent.parent, path.parent.name, path.name
    return path.parent, path.name, None


def load_target(target: "str | os.PathLike", *, type: str | None = None,
                level: float = 0.95) -> vetiver.VetiverModel:
    """The VetiverModel of a pin folder, a version folder, or an ``.rds`` file."""
    from pins import board_folder

    path = Path(target)
    if path.is_dir():
        board_path, name, version = _pin_location(path)
        board = board_folder(str(board_path), allow_pickle_read=False)
        return read_pin(board, name, version, type=type, level=level)
    if path.is_file():
        name = path.stem
        return model_from_r(rds.load(path), name, type=type, level=level)
    raise UnsupportedObjectError(f"{target}: no such pin folder or .rds file")


def serve(target: "str | os.PathLike", host: str = "127.0.0.1", port: int = 8000,
          type: str | None = None, level: float = 0.95) -> None:
    """Serve ``target`` with uvicorn until interrupted."""
    import uvicorn

    api = vetiver_api(load_target(target, type=type, level=level))
    uvicorn.run(api.app, host=host, port=port, log_level="info")


__all__ = ["PredictOptions", "load_target", "serve", "vetiver_api"]
