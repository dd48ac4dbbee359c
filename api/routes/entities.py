"""Entities: GET /api/entities/{id} (JSON) and the linked-data page /entity/{id}.

``/entity/{id}`` negotiates: HTML for browsers, Turtle, JSON-LD or N-Triples by Accept, or
by a ``.ttl`` / ``.jsonld`` / ``.nt`` suffix. Entity IRIs (https://w3id.org/mlkg/entity/{id})
dereference to it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from mlkg.graph import (
    GRAPH_MEDIA_TYPES,
    EntityRef,
    KnowledgeGraph,
    Resolution,
    entity_facts,
    entity_triples,
    name_index,
    resolve,
    serialize_triples,
)

from .. import models
from ..conneg import negotiate
from ..deps import KG
from .counterparts import MAX_TEXT, unresolved
from .pages import render

router = APIRouter(tags=["entities"])

HTML = "text/html"
#: Suffix -> media type of the representation it names.
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples"}
OFFERS = (HTML, "application/xhtml+xml", *SUFFIXES.values())


def find(kg: KnowledgeGraph, entity_id: str) -> tuple[EntityRef | None, Resolution | None]:
    """The entity with URL id ``entity_id``, or why not (a resolution with suggestions)."""
    entity = name_index(kg).by_id(entity_id) if len(entity_id) <= MAX_TEXT else None
    if entity is not None:
        return entity, None
    resolution = resolve(kg, entity_id[:MAX_TEXT])
    if resolution.entity is not None:  # a name, not an id: offer it rather than guess silently
        resolution = Resolution(entity_id, "unknown", suggestions=(resolution.entity,))
    return None, resolution


@router.get(
    "/api/entities/{entity_id}",
    response_model=models.EntityFacts,
    summary="Everything the graph says about one entity",
    responses={404: {"model": models.Suggestions, "description": "No entity with that id"}},
)
def get_entity(
    kg: KG, entity_id: Annotated[str, Path(max_length=MAX_TEXT, examples=["TorchServe"])]
) -> models.EntityFacts | JSONResponse:
    """Labels, type, definition, ecosystem, dates, people and organisations, related entities,
    counterparts, sources, and what later sources say differently."""
    entity, resolution = find(kg, entity_id)
    if entity is None:
        assert resolution is not None
        suggestions = resolution.suggestions or resolution.candidates
        return unresolved(Resolution(entity_id, "unknown", suggestions=suggestions), "entity")
    return models.EntityFacts.model_validate(asdict(entity_facts(kg, entity)))


@router.get(
    "/entity/{name}",
    summary="Linked-data entity page (HTML, Turtle, JSON-LD, N-Triples)",
    response_class=Response,
    responses={
        200: {"content": {m: {} for m in (HTML, *SUFFIXES.values())}},
        404: {"description": "No entity with that id (an HTML page with suggestions for browsers)"},
        406: {"description": "None of the accepted media types can be served"},
    },
)
def entity_page(
    kg: KG,
    name: Annotated[
        str, Path(max_length=MAX_TEXT, description="Entity id, optionally with .ttl, .jsonld or .nt")
    ],
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """HTML for browsers; RDF by Accept or suffix. Vary: Accept."""
    entity_id, media_type = name, None
    for suffix, suffix_type in SUFFIXES.items():
        if name.endswith(suffix):
            entity_id, media_type = name[: -len(suffix)], suffix_type
    if media_type is None:
        media_type = negotiate(accept, OFFERS)
        if media_type is None:
            return PlainTextResponse(
                "cannot serve any accepted media type; this page is available as: " + ", ".join(OFFERS),
                status_code=406,
                headers={"Vary": "Accept"},
            )
    vary = {"Vary": "Accept"}
    entity, resolution = find(kg, entity_id)
    if entity is None:
        assert resolution is not None
        suggestions = resolution.suggestions or resolution.candidates
        if media_type in (HTML, "application/xhtml+xml"):
            return render(
                "not_found.html", 404, entity_id=entity_id, suggestions=[asdict(s) for s in suggestions]
            )
        hint = "; did you mean: " + ", ".join(s.id for s in suggestions) if suggestions else ""
        return PlainTextResponse(f"no entity with id {entity_id!r}{hint}", status_code=404, headers=vary)
    if media_type in (HTML, "application/xhtml+xml"):
        facts = entity_facts(kg, entity)
        describe = quote(f"DESCRIBE <{entity.iri}>", safe="")
        response = render("entity.html", facts=asdict(facts), describe=describe)
        response.headers.update(vary)
        return response
    body = serialize_triples(entity_triples(kg, entity.iri), GRAPH_MEDIA_TYPES[media_type])
    return Response(body, media_type=media_type, headers=vary)
