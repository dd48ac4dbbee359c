"""One entity's page and REST answer: its facts grouped (dates, agents, related, attributes),
its sources, events, counterparts and what changed since the article; and its own triples
for the linked-data representations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mlkg.ontology import DCTERMS, ENT, MLKG, PROV, RDF, SCHEMA, SKOS, local_name

from ._counterparts import Counterpart, counterparts
from ._loading import INFERRED_GRAPH, layer_of
from ._memo import remember
from ._projection import property_label
from ._reader import AROUND, Reader, SourceRef, SuccessorRef, successor_ref
from ._resolve import EntityRef
from ._timeline import TimelineEvent, timeline

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["EntityFacts", "Fact", "entity_facts", "entity_triples"]

_AGENT_TYPES = {"Person", "Organization", "ResearchLab"}
_AGENT_PREDICATES = {
    MLKG + "developedBy",
    MLKG + "governedBy",
    MLKG + "agent",
    SCHEMA + "creator",
    SCHEMA + "author",
    SCHEMA + "contributor",
    SCHEMA + "maintainer",
    SCHEMA + "worksFor",
    SCHEMA + "alumniOf",
    SCHEMA + "affiliation",
    SCHEMA + "publisher",
    DCTERMS + "publisher",
}
_DATE_TYPES = {"date", "gYearMonth", "gYear", "dateTime"}
_HIDDEN = {SKOS + "prefLabel", SKOS + "altLabel", SKOS + "definition", RDF + "type", PROV + "wasDerivedFrom"}


@dataclass(frozen=True)
class Fact:
    """One statement about an entity: the property, its value, and the layer it comes from."""

    property: str
    """Label of the property ("developed by", "date published", ...)."""
    property_iri: str
    value: str
    """The literal, or the label of the linked entity."""
    id: str | None
    """URL id of the linked entity, when the value is one of ours."""
    iri: str | None
    graph: str
    """The named graph (source layer) holding the statement, e.g. ``article-2022``."""
    inverse: bool = False
    """True when the entity is the object of the statement ("X developed by *this*")."""
    current: bool = True
    """False for the article's value of a property a later source gives differently."""


@dataclass(frozen=True)
class EntityFacts:
    """``GET /api/entities/{id}``: everything the graph says about one entity."""

    id: str
    iri: str
    label: str
    alt_labels: tuple[str, ...]
    type: str
    type_label: str
    definition: str | None
    ecosystem: str | None
    status: str
    succeeded_by: tuple[EntityRef, ...]
    dates: tuple[Fact, ...]
    agents: tuple[Fact, ...]
    """People and organisations linked to the entity, with the role as ``property``."""
    related: tuple[Fact, ...]
    """Other entities linked to it, either way."""
    attributes: tuple[Fact, ...]
    """Remaining literal facts (versions, values, URLs...)."""
    counterparts: tuple[Counterpart, ...]
    sources: tuple[SourceRef, ...]
    events: tuple[TimelineEvent, ...]
    """Dated events about it, with what later sources say differently."""
    changes: tuple[str, ...] = field(default=())
    """Plain sentences on what changed since the article (status, renames, corrected dates)."""
    summary: str = ""
    """For a tool: the counterpart answer's summary (today first, then the article)."""
    successor: SuccessorRef | None = None
    """What took over from it, if it was renamed, moved, merged or otherwise ended."""


def entity_facts(kg: KnowledgeGraph, entity: EntityRef) -> EntityFacts:
    """Everything the graph says about ``entity``, grouped for a page or the REST answer."""
    return remember(kg, ("entity", entity), lambda: _entity_facts(kg, entity))


def _entity_facts(kg: KnowledgeGraph, entity: EntityRef) -> EntityFacts:
    reader = Reader(kg)
    iri = entity.iri
    reader.prefetch(AROUND, iri)
    dates: list[Fact] = []
    agents: list[Fact] = []
    related: list[Fact] = []
    attributes: list[Fact] = []
    for predicate, obj, graph in reader.out(iri):
        if predicate in _HIDDEN or graph == INFERRED_GRAPH:
            continue
        fact = _fact(reader, predicate, obj, graph)
        if isinstance(obj, ox.Literal):
            kind = local_name(obj.datatype.value)
            (dates if kind in _DATE_TYPES else attributes).append(fact)
        elif fact.id and reader.ref(obj.value).type in _AGENT_TYPES and predicate in _AGENT_PREDICATES:
            agents.append(fact)
        elif fact.id:
            related.append(fact)
        else:
            attributes.append(fact)
    for subject, predicate, graph in reader.incoming(iri):
        if graph == INFERRED_GRAPH or not subject.startswith(ENT) or subject not in reader.index.entities:
            continue
        fact = _fact(reader, predicate, ox.NamedNode(subject), graph, inverse=True)
        (agents if reader.ref(subject).type in _AGENT_TYPES else related).append(fact)
    type_iri = MLKG + entity.type
    successors = [*reader.values(iri, MLKG + "renamedTo"), *reader.values(iri, MLKG + "succeededBy")]
    events = timeline(kg, about=iri)
    is_tool = bool(reader.values(iri, MLKG + "function")) or entity.type in ("Framework", "FrameworkFunction")
    answer = counterparts(kg, entity) if is_tool else None
    dates = _current_first(dates)
    return EntityFacts(
        id=entity.id,
        iri=iri,
        label=entity.label,
        alt_labels=tuple(a for a in reader.index.labels.get(iri, ())[1:]),
        type=entity.type,
        type_label=reader.label(type_iri),
        definition=reader.first(iri, SKOS + "definition"),
        ecosystem=reader.ecosystem_label(iri),
        status=reader.status(iri),
        succeeded_by=tuple(reader.ref(s) for s in dict.fromkeys(successors)),
        dates=tuple(dates),
        agents=tuple(agents),
        related=tuple(related),
        attributes=tuple(attributes),
        counterparts=answer.counterparts if answer else (),
        sources=reader.sources(reader.values(iri, PROV + "wasDerivedFrom")),
        events=events,
        changes=tuple(_changes(reader, iri, events, dates)),
        summary=answer.summary if answer else "",
        successor=successor_ref(reader, iri, reader.successors(iri)),
    )


def _current_first(dates: list[Fact]) -> list[Fact]:
    """One current value per property: where a later layer gives another value than the
    article's, the article's stays listed but is marked ``current=False`` and sorted after."""
    later = {f.property_iri for f in dates if f.graph != "article-2022"}
    marked = [
        replace(f, current=False) if f.graph == "article-2022" and f.property_iri in later else f
        for f in dates
    ]
    return sorted(marked, key=lambda f: not f.current)


def _fact(
    reader: Reader,
    predicate: str,
    obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    graph: str,
    inverse: bool = False,
) -> Fact:
    linked = isinstance(obj, ox.NamedNode) and obj.value in reader.index.entities
    return Fact(
        property=reader.label(predicate),
        property_iri=predicate,
        value=reader.label(obj.value) if isinstance(obj, ox.NamedNode) else obj.value,
        id=local_name(obj.value) if linked else None,
        iri=obj.value if isinstance(obj, ox.NamedNode) else None,
        graph=layer_of(graph),
        inverse=inverse,
    )


def _changes(reader: Reader, iri: str, events: Sequence[TimelineEvent], dates: Sequence[Fact]) -> list[str]:
    notes = []
    if reader.state(iri):
        notes.append(f"Status: {reader.status(iri)}.")
    for name in reader.values(iri, MLKG + "currentName"):
        renames = [e.date for e in events if e.kind == "rename"]
        notes.append(f"Now called {name}" + (f" (renamed {renames[0]})." if renames else "."))
    for old in (f for f in dates if not f.current):
        later = [f for f in dates if f.current and f.property_iri == old.property_iri]
        said = ", ".join(f"{f.value} ({f.graph})" for f in later)
        name = property_label(old.property_iri).capitalize()
        notes.append(f"{name}: {said}; the article ({old.graph}) gives {old.value}.")
    for event in events:
        if event.kind == "departure":
            notes.append(f"{event.label} ({event.date}); the article's employer holds for its own time only.")
    for new in reader.values(iri, MLKG + "renamedTo"):
        notes.append(f"Renamed to {reader.label(new)}.")
    for new in reader.values(iri, MLKG + "succeededBy", asserted=True):
        if new not in reader.values(iri, MLKG + "renamedTo"):
            notes.append(f"Succeeded by {reader.label(new)}.")
    for event in events:
        for fix in event.corrections:
            if fix.relation == "corrects" and fix.date != event.date:
                notes.append(f"{event.label}: a later source gives {fix.date} instead of {event.date}.")
            elif fix.relation == "supplements":
                notes.append(f"{event.label}: a later source adds {fix.label} ({fix.date}).")
    return notes


_DESCRIBE_OUT = "SELECT ?e ?p ?o WHERE { ?e ?p ?o }"
_DESCRIBE_IN = "SELECT ?e ?s ?p WHERE { ?s ?p ?e }"


def entity_triples(kg: KnowledgeGraph, iri: str) -> list[ox.Triple]:
    """The entity's own statements and the statements pointing at it (distinct, sorted), for its
    linked-data representations (Turtle, JSON-LD, N-Triples)."""
    node = ox.NamedNode(iri)
    triples = {
        ox.Triple(node, r["p"], r["o"])  # type: ignore[arg-type]
        for r in kg.query(_DESCRIBE_OUT, bindings={"e": node}).bindings()
    }
    triples |= {
        ox.Triple(r["s"], r["p"], node)  # type: ignore[arg-type]
        for r in kg.query(_DESCRIBE_IN, bindings={"e": node}).bindings()
    }
    return sorted(triples, key=str)
