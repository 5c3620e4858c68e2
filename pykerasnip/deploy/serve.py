"""Serving: a VetiverAPI whose ``/predict`` takes ``?type=&level=``, and what
``pykerasnip serve TARGET`` runs: it serves a vetiver-r pin (a pin folder ``<board>/<name>``, one
version folder, or its ``.rds``), or a plain ``.rds`` of a workflow or its bundle,
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
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException

from .. import rds
from ..errors import UnsupportedObjectError
from ..model.model_fit import ModelFit
from ..serve import MAX_BODY_MB
from ..workflows import Workflow
from .handler import REQUEST_OPTIONS, restore_keras
from .pins import model_from_r, read_pin
from .prototype import validation_message

#: query parameters of ``/predict`` passed to ``predict()``
_QUERY_OPTIONS = ("type", "level", "seed")
#: the largest request body :func:`vetiver_api` takes by default
MAX_BODY_BYTES = MAX_BODY_MB * 2**20


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


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets a 413 naming the limit, as
    soon as its declared length or the bytes received pass it (before it is parsed)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, int(declared))
            return
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, size)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        pending = iter(messages)

        async def replay() -> dict:
            return next(pending, None) or await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: dict, receive: Any, send: Any, size: int) -> None:
        text = (f"request body: {size:,} bytes is over this server's limit of "
                f"{self.max_bytes:,} (pykerasnip serve --max-body-mb; "
                "vetiver_api(max_body_bytes=)); send the rows in smaller requests")
        await PlainTextResponse(text, status_code=413)(scope, receive, send)


def _app() -> FastAPI:
    # vetiver's own predict() client posts JSON without a content type
    if "strict_content_type" in inspect.signature(FastAPI).parameters:
        return FastAPI(strict_content_type=False)
    return FastAPI()


async def _unprocessable(request: Any, exc: RequestValidationError) -> PlainTextResponse:
    return PlainTextResponse(validation_message(exc.errors()), status_code=422)


async def _unparsable(request: Any, exc: HTTPException) -> Any:
    """FastAPI's 400 for a body it cannot parse (not UTF-8, nested past Python's stack),
    saying why; other HTTP errors as FastAPI gives them."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return await http_exception_handler(request, exc)
    return PlainTextResponse(f"request body: not valid JSON ({type(cause).__name__}: {cause})",
                             status_code=400)


def vetiver_api(model: vetiver.VetiverModel, *, max_body_bytes: int | None = MAX_BODY_BYTES,
                **kwargs: Any) -> vetiver.VetiverAPI:
    """``vetiver.VetiverAPI(model, **kwargs)`` whose ``/predict`` also reads ``type``,
    ``level`` and ``seed`` from the query string (``/predict?type=pred_int&level=0.9``)
    and takes JSON bodies sent without a content type (as vetiver's ``predict()`` sends).
    A body that does not fit the prototype gets a 422 listing each column and row at
    fault; one over ``max_body_bytes`` (``None``: no limit) a 413. A pykerasnip model's
    Keras model is restored here, so a missing Keras backend fails now, not at the first
    request."""
    if isinstance(model.model, (Workflow, ModelFit)):
        restore_keras(model.model)
    api = vetiver.VetiverAPI(model, **{"app_factory": _app, **kwargs})
    api.app.add_exception_handler(RequestValidationError, _unprocessable)
    api.app.add_exception_handler(HTTPException, _unparsable)
    api.app.add_middleware(PredictOptions)
    if max_body_bytes is not None:
        api.app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
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
          type: str | None = None, level: float = 0.95,
          max_body_bytes: int | None = MAX_BODY_BYTES) -> None:
    """Serve ``target`` with uvicorn until interrupted."""
    import uvicorn

    api = vetiver_api(load_target(target, type=type, level=level), max_body_bytes=max_body_bytes)
    uvicorn.run(api.app, host=host, port=port, log_level="info")


__all__ = ["MAX_BODY_BYTES", "BodyLimit", "PredictOptions", "load_target", "serve", "vetiver_api"]
