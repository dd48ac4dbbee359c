"""Answers to the questions people come with, as frozen dataclasses: counterparts, an entity's
facts, the timeline. Built from SPARQL over the :class:`KnowledgeGraph` (any engine) with every
term bound (``bindings=``), never by pasting text into a query; no HTTP here.

The CLI prints these and the API serialises them (``dataclasses.asdict`` gives the JSON both
use), so the two always answer alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from mlkg.ontology import DCTERMS, ENT, MLKG, PROV, RDF, RDFS, SCHEMA, SKOS, local_name

from ._loading import INFERRED_GRAPH
from ._memo import remember
from ._resolve import EntityRef, NameIndex, name_index

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = [
    "ECOSYSTEMS",
    "CorrectionRef",
    "Counterpart",
    "CounterpartAnswer",
    "EntityFacts",
    "Fact",
    "SourceRef",
    "TimelineEvent",
    "ToolRef",
    "counterparts",
    "entity_facts",
    "entity_triples",
    "timeline",
]

Strength = Literal["exact", "close", "related"]
Basis = Literal["stated", "inferred"]
#: The two ecosystems a counterpart question moves between, by ``--to`` / ``to=`` name.
ECOSYSTEMS: dict[str, str] = {"tensorflow": ENT + "TensorFlow", "pytorch": ENT + "PyTorch"}
#: ``to`` names accepted besides :data:`ECOSYSTEMS`: no tool belongs to them yet (JAX's tools
#: are issue 15), so a tool asked ``to=jax`` has none; functions have JAX counterparts.
_NO_TOOLS_YET = {"jax"}
_STRENGTH_ORDER = {"exact": 0, "close": 1, "related": 2}
#: Statuses under which a tool no longer carries a correspondence today. A rename ends the
#: old name as an answer (the new name is offered instead) but not the tool being asked about.
_ENDED = {MLKG + n for n in ("Archived", "Discontinued", "Deprecated", "Renamed", "Redirected")}
_ENDED_FOR_ASKER = _ENDED - {MLKG + "Renamed"}
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
    SCHEMA + "affiliation",
    SCHEMA + "publisher",
    DCTERMS + "publisher",
}
_DATE_TYPES = {"date", "gYearMonth", "gYear", "dateTime"}
_HIDDEN = {SKOS + "prefLabel", SKOS + "altLabel", SKOS + "definition", RDF + "type", PROV + "wasDerivedFrom"}


@dataclass(frozen=True)
class SourceRef:
    """A source document a claim comes from."""

    iri: str
    title: str
    url: str | None
    date: str | None


@dataclass(frozen=True)
class ToolRef:
    """The tool a counterpart question is about."""

    id: str
    iri: str
    label: str
    type: str
    ecosystem: str | None
    status: str


@dataclass(frozen=True)
class Counterpart:
    """One tool of the other ecosystem that does the same job, and why we say so."""

    id: str
    iri: str
    label: str
    ecosystem: str | None
    strength: Strength
    basis: Basis
    function: str | None
    current: bool
    """Whether the correspondence still holds today (no end date, neither tool retired)."""
    status: str
    evidence: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class CounterpartAnswer:
    """``GET /api/counterparts`` and ``mlkg counterpart``."""

    query: str
    tool: ToolRef
    counterparts: tuple[Counterpart, ...]


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


@dataclass(frozen=True)
class CorrectionRef:
    """A later event that corrects or confirms an earlier one."""

    id: str
    label: str
    relation: Literal["corrects", "confirms"]
    date: str
    sources: tuple[SourceRef, ...]
    graph: str = ""
    """The named graph (source layer) that dates it, e.g. ``since-2022``."""


@dataclass(frozen=True)
class TimelineEvent:
    """A dated event, with its source, and any later source's date beside it."""

    id: str
    label: str
    kind: str
    date: str
    about: tuple[EntityRef, ...]
    sources: tuple[SourceRef, ...]
    corrections: tuple[CorrectionRef, ...] = ()
    graph: str = ""
    """The named graph (source layer) that dates it, e.g. ``article-2022``."""


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


# -- reading the graph with bound terms ---------------------------------------------------------

_OUT = "SELECT ?e ?p ?o ?g WHERE { GRAPH ?g { ?e ?p ?o } }"
_IN = "SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } }"
_CORRESPONDENCES = """SELECT ?tool ?c ?other WHERE {
  ?c a mlkg:Correspondence ; mlkg:tool ?tool ; mlkg:tool ?other . FILTER(?other != ?tool) }"""
_SAME_FUNCTION = """SELECT ?tool ?other ?f WHERE {
  ?tool mlkg:function ?f . ?other mlkg:function ?f . FILTER(?other != ?tool) }"""
_EVENTS = "SELECT ?ev WHERE { ?ev a mlkg:Event }"


class _Reader:
    """Memoised look-ups for one answer: each node's statements are fetched once."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.index: NameIndex = name_index(kg)
        self._out: dict[str, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, str]]] = {}

    def out(self, iri: str) -> list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, str]]:
        """(predicate, object, graph) of every statement with ``iri`` as subject."""
        if iri not in self._out:
            rows = self.kg.query(_OUT, bindings={"e": ox.NamedNode(iri)}).bindings()
            seen = {(r["p"].value, r["o"], r["g"].value) for r in rows}
            self._out[iri] = sorted(seen, key=lambda t: (t[0], str(t[1]), t[2]))
        return self._out[iri]

    def values(self, iri: str, predicate: str, *, asserted: bool = False) -> list[str]:
        found = {
            o.value for p, o, g in self.out(iri) if p == predicate and not (asserted and g == INFERRED_GRAPH)
        }
        return sorted(found)

    def first(self, iri: str, predicate: str) -> str | None:
        found = self.values(iri, predicate)
        return found[0] if found else None

    def date_graph(self, event: str) -> str:
        """The named graph (source layer) that gives ``event`` its date, by local name."""
        graphs = sorted(g for p, _o, g in self.out(event) if p == MLKG + "date")
        return local_name(graphs[0]) if graphs else ""

    def incoming(self, iri: str) -> list[tuple[str, str, str]]:
        """(subject, predicate, graph) of every statement with ``iri`` as object."""
        rows = self.kg.query(_IN, bindings={"e": ox.NamedNode(iri)}).bindings()
        return sorted({(r["s"].value, r["p"].value, r["g"].value) for r in rows})

    def label(self, iri: str) -> str:
        entity = self.index.entities.get(iri)
        if entity:
            return entity.label
        return (
            self.first(iri, SKOS + "prefLabel")
            or self.first(iri, RDFS + "label")
            or self.first(iri, DCTERMS + "title")
            or local_name(iri)
        )

    def source(self, iri: str) -> SourceRef:
        return SourceRef(
            iri=iri,
            title=self.first(iri, DCTERMS + "title") or self.label(iri),
            url=self.first(iri, SCHEMA + "url"),
            date=self.first(iri, DCTERMS + "date"),
        )

    def sources(self, iris: Iterable[str]) -> tuple[SourceRef, ...]:
        refs = [self.source(i) for i in sorted(set(iris))]
        return tuple(sorted(refs, key=lambda s: (s.date or "", s.iri)))

    def status(self, iri: str) -> str:
        """'archived since 2025-08-07', 'active (as of 2025-10)', or 'active' when nothing is recorded."""
        state = self.first(iri, MLKG + "status")
        if state is None:
            return "active"
        name = self.label(state)
        date = self.first(iri, MLKG + "statusDate")
        if not date:
            return name
        return f"{name} (as of {date})" if state == MLKG + "Active" else f"{name} since {date}"

    def retired(self, iri: str, *, asker: bool = False) -> bool:
        return self.first(iri, MLKG + "status") in (_ENDED_FOR_ASKER if asker else _ENDED)

    def ecosystem_iri(self, iri: str) -> str | None:
        """The framework a tool belongs to; a framework of :data:`ECOSYSTEMS` is its own."""
        if iri in ECOSYSTEMS.values():
            return iri
        return self.first(iri, MLKG + "ecosystem")

    def ecosystem_label(self, iri: str) -> str | None:
        eco = self.ecosystem_iri(iri)
        return self.label(eco) if eco else None

    def ref(self, iri: str) -> EntityRef:
        entity = self.index.entities.get(iri)
        if entity:
            return entity
        return EntityRef(local_name(iri), iri, self.label(iri), "Entity", self.ecosystem_label(iri))


# -- counterparts --------------------------------------------------------------------------------


def counterparts(
    kg: KnowledgeGraph, entity: EntityRef, *, query: str | None = None, to: str | None = None
) -> CounterpartAnswer:
    """The counterparts of ``entity`` in the other ecosystem (``to``: "pytorch"/"tensorflow").

    Order: stated before inferred, then strongest first, then still-current first. A stated
    counterpart that has since been retired is followed along ``mlkg:succeededBy`` /
    ``mlkg:renamedTo`` to what replaced it, which is added (inferred, with its own source)
    unless another correspondence already names it. With no correspondence at all, tools of
    the other ecosystem that share one of the entity's functions come back, marked inferred.
    """
    if entity.type == "FrameworkFunction":  # function level: graph/_functions.py (issue 16)
        from ._functions import function_counterparts

        return function_counterparts(kg, entity, query=query, to=to)
    answer = remember(kg, ("counterparts", entity, to), lambda: _counterparts(kg, entity, to))
    return answer if query is None else replace(answer, query=query)


def _counterparts(kg: KnowledgeGraph, entity: EntityRef, to: str | None) -> CounterpartAnswer:
    reader = _Reader(kg)
    tool = ToolRef(
        id=entity.id,
        iri=entity.iri,
        label=entity.label,
        type=entity.type,
        ecosystem=reader.ecosystem_label(entity.iri),
        status=reader.status(entity.iri),
    )
    found = _stated_and_recorded(reader, entity.iri)
    found += _successors(reader, entity.iri, found)
    if not found:
        found = _same_function(reader, entity.iri)
    target = ECOSYSTEMS.get(to.lower()) if to else None
    if target:
        found = [c for c in found if reader.ecosystem_iri(c.iri) == target]
    elif to and to.lower() in _NO_TOOLS_YET:
        found = []
    found.sort(
        key=lambda c: (c.basis != "stated", _STRENGTH_ORDER[c.strength], not c.current, c.label, c.iri)
    )
    return CounterpartAnswer(query=entity.label, tool=tool, counterparts=tuple(found))


def _stated_and_recorded(reader: _Reader, iri: str) -> list[Counterpart]:
    """Counterparts from the correspondence nodes of the graph (stated and inferred ones)."""
    rows = reader.kg.query(_CORRESPONDENCES, bindings={"tool": ox.NamedNode(iri)}).bindings()
    by_other: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_other[row["other"].value].append(row["c"].value)
    answer = []
    for other, nodes in sorted(by_other.items()):
        # When several correspondences link the same pair, the best one speaks for it.
        best = min(set(nodes), key=lambda c: _rank(reader, c))
        answer.append(_from_correspondence(reader, iri, other, best))
    return answer


def _rank(reader: _Reader, node: str) -> tuple[bool, int, str]:
    basis = reader.first(node, MLKG + "basis")
    return (basis != MLKG + "Stated", _STRENGTH_ORDER[_strength(reader.first(node, MLKG + "strength"))], node)


def _strength(iri: str | None) -> Strength:
    name = local_name(iri or "").lower()
    return name if name in ("exact", "close") else "related"  # type: ignore[return-value]


def _from_correspondence(reader: _Reader, tool: str, other: str, node: str) -> Counterpart:
    function = reader.first(node, MLKG + "function")
    ended = bool(reader.values(node, MLKG + "validUntil"))
    return Counterpart(
        id=local_name(other),
        iri=other,
        label=reader.label(other),
        ecosystem=reader.ecosystem_label(other),
        strength=_strength(reader.first(node, MLKG + "strength")),
        basis="stated" if reader.first(node, MLKG + "basis") == MLKG + "Stated" else "inferred",
        function=reader.label(function) if function else None,
        current=not (ended or reader.retired(other) or reader.retired(tool, asker=True)),
        status=reader.status(other),
        evidence=" ".join(reader.values(node, MLKG + "evidence")),
        sources=reader.sources(reader.values(node, PROV + "wasDerivedFrom")),
    )


def _successors(reader: _Reader, tool: str, found: Sequence[Counterpart]) -> list[Counterpart]:
    """What replaced each retired counterpart (followed up to a few steps), when not listed yet."""
    listed = {c.iri for c in found} | {tool}
    added: list[Counterpart] = []
    for start in found:
        if start.current:
            continue
        chain, node = start.label, start.iri
        for _ in range(5):
            renamed = reader.values(node, MLKG + "renamedTo")
            nexts = renamed or reader.values(node, MLKG + "succeededBy")
            if not nexts:
                break
            node = nexts[0]
            chain += f" {'was renamed' if renamed else 'was succeeded by'} {reader.label(node)}"
            if node in listed:
                continue
            listed.add(node)
            added.append(
                Counterpart(
                    id=local_name(node),
                    iri=node,
                    label=reader.label(node),
                    ecosystem=reader.ecosystem_label(node),
                    strength=start.strength,
                    basis="inferred",
                    function=start.function,
                    current=not reader.retired(node),
                    status=reader.status(node),
                    evidence=(
                        "Followed from a counterpart that no longer holds "
                        f"({start.basis}, {start.strength}): {chain}."
                    ),
                    sources=_succession_sources(reader, start.iri, node),
                )
            )
    return added


def _succession_sources(reader: _Reader, old: str, new: str) -> tuple[SourceRef, ...]:
    """Sources of the events that mention both ends of a succession, else the new tool's own."""
    events = {s for s, p, _ in reader.incoming(new) if p == MLKG + "about"}
    shared = [e for e in events if old in reader.values(e, MLKG + "about")]
    iris = [s for e in shared for s in reader.values(e, PROV + "wasDerivedFrom")]
    return reader.sources(iris or reader.values(new, PROV + "wasDerivedFrom"))


def _same_function(reader: _Reader, iri: str) -> list[Counterpart]:
    """Tools of the other ecosystem sharing a function with ``iri`` (no correspondence exists)."""
    own = reader.ecosystem_iri(iri)
    rows = reader.kg.query(_SAME_FUNCTION, bindings={"tool": ox.NamedNode(iri)}).bindings()
    shared: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        other = row["other"].value
        eco = reader.ecosystem_iri(other)
        if eco and eco != own and eco in ECOSYSTEMS.values() and other in reader.index.entities:
            shared[other].add(row["f"].value)
    answer = []
    for other, functions in sorted(shared.items()):
        names = ", ".join(sorted(reader.label(f) for f in functions))
        answer.append(
            Counterpart(
                id=local_name(other),
                iri=other,
                label=reader.label(other),
                ecosystem=reader.ecosystem_label(other),
                strength="related",
                basis="inferred",
                function=reader.label(sorted(functions)[0]),
                current=not reader.retired(other),
                status=reader.status(other),
                evidence=f"No source pairs them; both are recorded with the function: {names}.",
                sources=reader.sources(
                    reader.values(other, PROV + "wasDerivedFrom")
                    + reader.values(iri, PROV + "wasDerivedFrom")
                ),
            )
        )
    return answer


# -- timeline ------------------------------------------------------------------------------------


def timeline(kg: KnowledgeGraph, *, about: str | None = None) -> tuple[TimelineEvent, ...]:
    """Dated events in date order, each with its sources; a later event that corrects or
    confirms one is nested under it (``corrections``) instead of listed on its own, so the
    article's date and the later source's date stand side by side. ``about``: only events
    about that entity IRI.
    """
    return remember(kg, ("timeline", about), lambda: _timeline(kg, about))


def _timeline(kg: KnowledgeGraph, about: str | None) -> tuple[TimelineEvent, ...]:
    reader = _Reader(kg)
    events = sorted({row["ev"].value for row in kg.query(_EVENTS).bindings()})
    nested: dict[str, list[CorrectionRef]] = defaultdict(list)
    top: list[str] = []
    for ev in events:
        targets = [(rel, t) for rel in ("corrects", "confirms") for t in reader.values(ev, MLKG + rel)]
        if targets:
            for relation, target in targets:
                nested[target].append(
                    CorrectionRef(
                        id=local_name(ev),
                        label=reader.label(ev),
                        relation=relation,  # type: ignore[arg-type]
                        date=reader.first(ev, MLKG + "date") or "",
                        sources=reader.sources(reader.values(ev, PROV + "wasDerivedFrom")),
                        graph=reader.date_graph(ev),
                    )
                )
        else:
            top.append(ev)
    answer = []
    for ev in top:
        subjects = reader.values(ev, MLKG + "about")
        if about is not None and about not in subjects:
            continue
        answer.append(
            TimelineEvent(
                id=local_name(ev),
                label=reader.label(ev),
                kind=reader.label(reader.first(ev, MLKG + "eventKind") or MLKG + "Event"),
                date=reader.first(ev, MLKG + "date") or "",
                about=tuple(reader.ref(s) for s in subjects),
                sources=reader.sources(reader.values(ev, PROV + "wasDerivedFrom")),
                corrections=tuple(sorted(nested.get(ev, ()), key=lambda c: (c.date, c.id))),
                graph=reader.date_graph(ev),
            )
        )
    return tuple(sorted(answer, key=lambda e: (e.date, e.label, e.id)))


# -- one entity ----------------------------------------------------------------------------------


def entity_facts(kg: KnowledgeGraph, entity: EntityRef) -> EntityFacts:
    """Everything the graph says about ``entity``, grouped for a page or the REST answer."""
    return remember(kg, ("entity", entity), lambda: _entity_facts(kg, entity))


def _entity_facts(kg: KnowledgeGraph, entity: EntityRef) -> EntityFacts:
    reader = _Reader(kg)
    iri = entity.iri
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
        counterparts=counterparts(kg, entity).counterparts if is_tool else (),
        sources=reader.sources(reader.values(iri, PROV + "wasDerivedFrom")),
        events=events,
        changes=tuple(_changes(reader, iri, events)),
    )


def _fact(
    reader: _Reader,
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
        graph=local_name(graph),
        inverse=inverse,
    )


def _changes(reader: _Reader, iri: str, events: Sequence[TimelineEvent]) -> list[str]:
    notes = []
    if reader.first(iri, MLKG + "status"):
        notes.append(f"Status: {reader.status(iri)}.")
    for new in reader.values(iri, MLKG + "renamedTo"):
        notes.append(f"Renamed to {reader.label(new)}.")
    for new in reader.values(iri, MLKG + "succeededBy", asserted=True):
        if new not in reader.values(iri, MLKG + "renamedTo"):
            notes.append(f"Succeeded by {reader.label(new)}.")
    for event in events:
        for fix in event.corrections:
            if fix.relation == "corrects" and fix.date != event.date:
                notes.append(f"{event.label}: a later source gives {fix.date} instead of {event.date}.")
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
