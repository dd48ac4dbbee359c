"""The home page: a search box whose answer is the counterpart card; and the page templates."""

from __future__ import annotations

import functools
from dataclasses import asdict
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from mlkg.graph import KnowledgeGraph, counterparts, resolve
from mlkg.viz import Urls, template_environment

from ..deps import KG, URLS
from ..vocab import type_label, type_labels_json
from .counterparts import MAX_TEXT

router = APIRouter(tags=["pages"])


@functools.cache
def templates() -> jinja2.Environment:
    """The pages' templates: viz's factory with the API's folder and its vocabulary filters."""
    return template_environment(
        "mlkg.api", filters={"type_label": type_label}, globals={"type_labels_json": type_labels_json}
    )


def page_html(urls: Urls, name: str, **context: Any) -> str:
    """One of our pages, linking through ``urls``."""
    return templates().get_template(name).render(urls=urls, **context)


def render(urls: Urls, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """An HTML response from one of our templates."""
    return HTMLResponse(page_html(urls, name, **context), status_code=status_code)


def card_context(kg: KnowledgeGraph, text: str, to: str | None) -> tuple[dict[str, Any], int]:
    """What the home page shows for ``text``: the card, the candidates or the suggestions."""
    if len(text) > MAX_TEXT:
        return {"error": f"Names are at most {MAX_TEXT} characters."}, 422
    resolution = resolve(kg, text)
    if resolution.entity is None:
        status = 300 if resolution.status == "ambiguous" else 404
        return {"resolution": asdict(resolution)}, status
    answer = counterparts(kg, resolution.entity, query=text, to=to)
    return {"answer": asdict(answer)}, 200


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="Home page: ask for a tool's counterpart",
    responses={
        404: {"content": {"text/html": {}}, "description": "Unknown tool: the page with suggestions"},
        422: {"content": {"text/html": {}}, "description": "Name too long: the page says so"},
    },
)
def home(
    kg: KG,
    urls: URLS,
    tool: Annotated[str | None, Query(description="show the counterpart card for this tool")] = None,
    to: Annotated[str | None, Query(description="pytorch or tensorflow")] = None,
) -> HTMLResponse:
    """The search box; with ``?tool=`` the answer (card, candidates or suggestions) is on the page."""
    text = (tool or "").strip()
    target = to if to in ("pytorch", "tensorflow") else None
    context: dict[str, Any] = {
        "query": text,
        "to": target or "",
        "answer": None,
        "resolution": None,
        "error": None,
    }
    status = 200
    if text:
        found, status = card_context(kg, text, target)
        context.update(found)
        # 300 is for API clients choosing between candidates; a browser gets the page as 200.
        status = 200 if status == 300 else status
    return render(urls, "home.html", status, **context)
