"""The FastAPI application: thin routes over :mod:`mlkg.graph` and :mod:`mlkg.viz`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.requests import ClientDisconnect

from mlkg.graph import ENGINES, EngineUnavailable, KnowledgeGraph, MlkgError, QueryAborted, QueryTimeout

from .connections import CUT_OFF
from .conneg import AcceptTooLong
from .middleware import (
    AnswerCacheMiddleware,
    PublicUrlMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
)
from .routes import counterparts, docs, entities, health, pages, sparql, viz
from .settings import Settings, get_settings

_log = logging.getLogger("uvicorn.error")  # uvicorn's own log: one place to read

#: GET routes whose answers depend only on the request and the (fixed) data.
_CACHED_PATHS = ("/api/counterparts", "/api/search", "/api/entities/", "/api/timeline", "/entity/", "/viz")


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> FastAPI:
    """Build the app; it opens the graph from ``settings`` at start unless ``kg`` is given.

    >>> from fastapi.testclient import TestClient
    >>> with TestClient(create_app()) as client:
    ...     client.get("/health").json()["status"]
    'ok'
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = kg is None
        app.state.kg = kg or KnowledgeGraph.open(settings.graph_config(), validate=True)
        try:
            yield
        finally:
            if owned:
                app.state.kg.close()

    app = FastAPI(
        docs_url=None,  # our own /docs serves Swagger UI from this host (offline, CSP-clean)
        redoc_url=None,
        title="mlkg",
        summary="A knowledge graph of the ML ecosystem: counterparts, search, SPARQL.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if ENGINES[settings.engine].capabilities.fixed_data:  # the REST answers are the same bytes each time
        app.add_middleware(AnswerCacheMiddleware, prefixes=_CACHED_PATHS)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
    )
    app.add_middleware(PublicUrlMiddleware, base_url=settings.base_url())

    @app.exception_handler(AcceptTooLong)
    async def _accept_too_long(_: Request, err: AcceptTooLong) -> PlainTextResponse:
        return PlainTextResponse(str(err) + "\n", status_code=400)

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, err: QueryTimeout) -> PlainTextResponse:
        return PlainTextResponse(str(err), status_code=503)

    @app.exception_handler(QueryAborted)
    async def _out_of_memory(_: Request, err: QueryAborted) -> PlainTextResponse:
        return PlainTextResponse(str(err), status_code=503)

    @app.exception_handler(EngineUnavailable)
    async def _unavailable(_: Request, err: EngineUnavailable) -> PlainTextResponse:
        if not err.transient:  # the remote store failed on the query: a bad gateway, not busy
            return PlainTextResponse(str(err), status_code=502)
        return PlainTextResponse(str(err), status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(ClientDisconnect)
    async def _client_left(request: Request, _: ClientDisconnect) -> Response:
        # Nobody is left to answer: one line in the log, not a traceback per abandoned POST;
        # none when the server cut the request off itself (connections.py answered it).
        if not getattr(request.state, CUT_OFF, False):
            peer = request.client.host if request.client else "?"
            _log.warning(
                "%s %s from %s: the client left before its request body was complete",
                request.method,
                request.url.path,
                peer,
            )
        return Response(status_code=400)

    @app.exception_handler(MlkgError)
    async def _refused(_: Request, err: MlkgError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=400)

    for module in (health, sparql, counterparts, entities, pages, viz, docs):
        app.include_router(module.router)
    static = Path(__file__).resolve().parent / "static"  # resolved: the editable install links files
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app
