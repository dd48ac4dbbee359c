"""Entities: GET /api/entities/{id} (JSON) and the linked-data page /entity/{id}.

``/entity/{id}`` negotiates: HTML for browsers, Turtle, JSON-LD or N-Triples by Accept, or
by a ``.ttl`` / ``.jsonld`` / ``.nt`` suffix. Entity IRIs (https://w3id.org/mlkg/entity/{id})
dereference to it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from mlkg.graph import FORMATS, EntityFacts, EntityRef, KnowledgeGraph, Resolution, entity_facts, resolve
from mlkg.graph._entity import entity_triples
from mlkg.graph._formats import GRAPH_MEDIA_TYPES
from mlkg.graph._resolve import name_index
from mlkg.graph._results import serialize_triples
from mlkg.viz import Urls

from .. import models
from ..conneg import negotiate
from ..deps import KG, URLS
from ..vocab import property_label
from .counterparts import MAX_TEXT, unresolved
from .pages import render

router = APIRouter(tags=["entities"])

HTML = "text/html"
#: The RDF formats of the page, each also named by its file suffix (``/entity/TorchServe.ttl``).
RDF_FORMATS = tuple(FORMATS[name] for name in ("turtle", "jsonld", "nt"))
#: Suffix -> media type of the representation it names.
SUFFIXES = {f.suffixes[0]: f.media_type for f in RDF_FORMATS if f.suffixes}
OFFERS = (HTML, "application/xhtml+xml", *SUFFIXES.values())


#: Values shown in a row before the rest fold away.
SHOWN_VALUES = 12
MLKG_BASE = "https://w3id.org/mlkg/"


def _external_text(iri: str, label: str) -> str:
    """How a link to another site reads: ``github.com/pytorch/pytorch``, ``Wikidata Q47509047``."""
    if iri.startswith(("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/")):
        return "Wikidata " + iri.rsplit("/", 1)[1]
    text = iri.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return text if len(text) <= 60 else text[:57] + "…"


def fact_groups(facts: EntityFacts, urls: Urls) -> list[dict[str, Any]]:
    """The facts as the page shows them: one row per property as it reads from this entity (a
    property and the other side of its inverse are one row), its values together and, where they
    come from more than one layer, grouped by layer; names from the ontology (inverse names too);
    external IRIs as links."""
    groups: dict[str, dict[str, Any]] = {}
    for fact in (*facts.dates, *facts.agents, *facts.related, *facts.attributes):
        label = property_label(fact.property_iri, fact.property, inverse=fact.inverse)
        group = groups.setdefault(label, {"property": label, "iri": fact.property_iri, "values": {}})
        value: dict[str, Any] = {"text": fact.value, "href": None, "external": False, "title": fact.iri or ""}
        value.update(graph=fact.graph, current=fact.current)
        if fact.id:
            value["href"] = urls.entity(fact.id)
        elif fact.iri and fact.iri.startswith(("https://", "http://")) and not fact.iri.startswith(MLKG_BASE):
            value.update(href=fact.iri, external=True, text=_external_text(fact.iri, fact.value))
        elif not fact.value and fact.iri:
            value["text"] = fact.iri
        # The same statement seen from both sides (hasRelease / releaseOf) is one value.
        group["values"].setdefault((value["href"], value["text"], fact.graph, fact.current), value)
    out = []
    for group in groups.values():
        values = sorted(group["values"].values(), key=lambda v: (not v["current"], str(v["text"]).casefold()))
        layers = list(dict.fromkeys(v["graph"] for v in values))
        parts = [[v for v in values if v["graph"] == layer] for layer in layers]
        out.append(
            {
                "property": group["property"],
                "iri": group["iri"],
                "layers": [
                    {"name": layer, "shown": part[:SHOWN_VALUES], "more": part[SHOWN_VALUES:]}
                    for layer, part in zip(layers, parts, strict=True)
                ],
            }
        )
    return out


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
    urls: URLS,
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
                urls, "not_found.html", 404, entity_id=entity_id, suggestions=[asdict(s) for s in suggestions]
            )
        hint = "; did you mean: " + ", ".join(s.id for s in suggestions) if suggestions else ""
        return PlainTextResponse(f"no entity with id {entity_id!r}{hint}", status_code=404, headers=vary)
    if media_type in (HTML, "application/xhtml+xml"):
        facts = entity_facts(kg, entity)
        describe = urls.sparql(query=f"DESCRIBE <{entity.iri}>")
        response = render(
            urls, "entity.html", facts=asdict(facts), groups=fact_groups(facts, urls), describe=describe
        )
        response.headers.update(vary)
        return response
    body = serialize_triples(entity_triples(kg, entity.iri), GRAPH_MEDIA_TYPES[media_type])
    return Response(body, media_type=media_type, headers=vary)
