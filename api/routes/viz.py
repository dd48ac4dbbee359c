"""The pictures: /viz (interactive network), /viz/counterparts, /viz/timeline, and their assets.

Every page loads only from this app: vis-network and our script and style are served from
/viz/static/, never from a CDN.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from mlkg.graph import KnowledgeGraph, QueryError
from mlkg.viz import Urls

from ..deps import KG, URLS

router = APIRouter(tags=["viz"])


@router.get(
    "/viz",
    response_class=HTMLResponse,
    summary="Interactive picture of the graph",
    responses={
        400: {"description": "an unknown kind or ecosystem, or a depth without a focus"},
        404: {"description": "no entity with the focus id"},
    },
)
def viz_page(
    kg: KG,
    urls: URLS,
    focus: Annotated[
        str | None, Query(max_length=200, description="entity id to focus, e.g. TorchServe")
    ] = None,
    depth: Annotated[
        int | None, Query(ge=0, le=6, description="show only nodes this many links from focus")
    ] = None,
    kinds: Annotated[str | None, Query(max_length=2000, description="comma-separated kinds to show")] = None,
    ecosystem: Annotated[
        str | None, Query(max_length=500, description="comma-separated ecosystems to show ('none': neutral)")
    ] = None,
    module: Annotated[
        str | None,
        Query(
            max_length=200,
            description="a framework module (tf.nn, torch, jnp...): its functions and their counterparts",
        ),
    ] = None,
) -> HTMLResponse:
    """The network page; the query string picks the view and the page keeps it up to date."""
    from mlkg.viz import graph_page, parse_view, project

    if module is not None:  # function-level module view (viz/_functions.py)
        return _module_view(kg, urls, module, focus, depth, kinds, ecosystem)
    graph = project(kg)
    if focus is not None and focus not in graph:
        raise HTTPException(404, f"no entity {focus!r} to focus on")
    try:
        state = parse_view(graph, focus=focus, depth=depth, kinds=kinds, ecosystem=ecosystem)
    except QueryError as err:
        raise HTTPException(400, str(err)) from err
    return HTMLResponse(graph_page(graph, state, urls))


def _module_view(
    kg: KnowledgeGraph,
    urls: Urls,
    module: str,
    focus: str | None,
    depth: int | None,
    kinds: str | None,
    ecosystem: str | None,
) -> HTMLResponse:
    from mlkg.viz import module_graph, module_page, parse_view

    try:
        key, graph = module_graph(kg, module)
    except QueryError as err:
        raise HTTPException(404, str(err)) from err
    if focus is not None and focus not in graph:
        raise HTTPException(404, f"no function {focus!r} to focus on in module {key}")
    try:
        state = parse_view(graph, focus=focus, depth=depth, kinds=kinds, ecosystem=ecosystem)
    except QueryError as err:
        raise HTTPException(400, str(err)) from err
    return HTMLResponse(module_page(graph, key, state, urls))


#: The ecosystems /viz/counterparts compares, as typed in ``left`` / ``right`` -> their entity ids.
COMPARED_ECOSYSTEMS = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "jax": "JAX"}
Ecosystem = Literal["tensorflow", "pytorch", "jax"]


@router.get(
    "/viz/counterparts",
    response_class=HTMLResponse,
    summary="Two ecosystems' tools side by side",
    responses={400: {"description": "left and right name the same ecosystem"}},
)
def viz_counterparts(
    kg: KG,
    urls: URLS,
    left: Annotated[Ecosystem, Query(description="Ecosystem drawn on the left")] = "tensorflow",
    right: Annotated[Ecosystem, Query(description="Ecosystem drawn on the right")] = "pytorch",
) -> HTMLResponse:
    """``left``'s tools on the left, ``right``'s on the right (TensorFlow and PyTorch by default),
    counterpart links across, grouped by function. Any two of TensorFlow, PyTorch and JAX."""
    from mlkg.viz import counterparts_page, project

    if left == right:
        raise HTTPException(400, f"left and right are both {left!r}: choose two different ecosystems")
    compared = COMPARED_ECOSYSTEMS[left], COMPARED_ECOSYSTEMS[right]
    return HTMLResponse(counterparts_page(project(kg), urls, left=compared[0], right=compared[1]))


@router.get("/viz/timeline", response_class=HTMLResponse, summary="Dated events on a time axis")
def viz_timeline(kg: KG, urls: URLS) -> HTMLResponse:
    """Events coloured by ecosystem; a corrected date is drawn beside the article's and joined to it."""
    from mlkg.viz import project, timeline_page

    return HTMLResponse(timeline_page(kg, project(kg), urls))


@router.get("/viz/static/{name}", summary="Scripts and styles of the viz pages", include_in_schema=False)
def viz_static(name: str) -> Response:
    """vis-network (as shipped inside pyvis) and our own script and style; nothing else."""
    from mlkg.viz import ASSETS, asset_text

    if name not in ASSETS:
        raise HTTPException(404, f"no viz asset {name!r}")
    return Response(
        asset_text(name),
        media_type=ASSETS[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )
