"""FastAPI dependencies as ``Annotated`` aliases, so routes say what they need in one word."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mlkg.graph import KnowledgeGraph
from mlkg.viz import Urls

from .urls import site_urls


# Each is async: FastAPI runs a plain ``def`` dependency in a thread, a hop per request for a lookup.
async def get_kg(request: Request) -> KnowledgeGraph:
    """The graph opened when the app started."""
    kg: KnowledgeGraph = request.app.state.kg
    return kg


async def get_urls(request: Request) -> Urls:
    """Where the pages link: the app's routes (:func:`~mlkg.api.urls.site_urls`)."""
    return site_urls(request.app)


KG = Annotated[KnowledgeGraph, Depends(get_kg)]
URLS = Annotated[Urls, Depends(get_urls)]
