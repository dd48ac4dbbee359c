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

from mlkg.ontology import DCTERMS, ENT, MLKG, PROV, RDF, RDFS, SCHEMA, SKOS, SRC, local_name

from ._loading import INFERRED_GRAPH, layer_of
from ._memo import remember
from ._projection import property_label
from ._resolve import EntityRef, NameIndex, name_index
from ._today import current_status, ended, holds_today

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = [
    "ECOSYSTEMS",
    "CorrectionRef",
    "Counterpart",
    "CounterpartAnswer",
    "EntityFacts",
    "Fact",
    "NoCounterpartNote",
    "SourceRef",
    "SuccessorRef",
    "TimelineEvent",
    "ToolRef",
    "counterparts",
    "entity_facts",
    "entity_triples",
    "timeline",
]

Strength = Literal["exact", "close", "related"]
Basis = Literal["stated", "inferred"]
#: The three ecosystems a counterpart question moves between, by ``--to`` / ``to=`` name.
ECOSYSTEMS: dict[str, str] = {
    "tensorflow": ENT + "TensorFlow",
    "pytorch": ENT + "PyTorch",
    "jax": ENT + "JAX",
}
_STRENGTH_ORDER = {"exact": 0, "close": 1, "related": 2}
#: The 2022 article: a correspondence it states is "the article's pair".
ARTICLE_SOURCE = SRC + "Article2022"
#: The summary's first sentence for a tool with a successor, by the tool's status.
_HOW = {
    "Renamed": "{tool} was renamed {new}{when}.",
    "Redirected": "{tool} moved to {new}{when}.",
    "Merged": "{tool} was merged into {new}{when}.",
    "Deprecated": "{tool} was deprecated{when} in favour of {new}.",
    "Archived": "{tool} was archived{when}; its successor is {new}.",
    "Discontinued": "{tool} was discontinued{when}; its successor is {new}.",
}
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
class SourceRef:
    """A source document a claim comes from."""

    iri: str
    title: str
    url: str | None
    date: str | None


@dataclass(frozen=True)
class SuccessorRef:
    """What took over from a renamed, moved, merged or retired tool, and since when."""

    id: str
    iri: str
    label: str
    since: str | None
    """When the change happened (the old tool's status date), at the source's precision."""
    change: str
    """How: "renamed", "redirected", "merged", "deprecated", "archived"... (the old tool's status)."""


@dataclass(frozen=True)
class ToolRef:
    """The tool a counterpart question is about."""

    id: str
    iri: str
    label: str
    type: str
    ecosystem: str | None
    status: str
    successor: SuccessorRef | None = None
    """The tool's own fate: what it was renamed to, moved to or replaced by (None if nothing)."""


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
    """Whether it holds today: the pair has no end date and this tool has not ended (see _today)."""
    status: str
    evidence: str
    sources: tuple[SourceRef, ...]
    neutral: bool = False
    """A framework-neutral tool (no ecosystem) that serves both frameworks."""
    article: bool = False
    """One of the 2022 article's own pairs (stated by the article)."""
    via: str | None = None
    """When found through the asked tool's successor: that successor's label."""


@dataclass(frozen=True)
class NoCounterpartNote:
    """An explicit, sourced answer: the tool has no counterpart in ``ecosystem``."""

    ecosystem: str
    """Label of the ecosystem without a counterpart ("JAX")."""
    evidence: str
    people_use: tuple[EntityRef, ...]
    """What people use there instead (usually framework-neutral tools); may be empty."""
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class CounterpartAnswer:
    """``GET /api/counterparts`` and ``mlkg counterpart``."""

    query: str
    tool: ToolRef
    counterparts: tuple[Counterpart, ...]
    """What holds today first (strongest, then stated), then what held once."""
    summary: str = ""
    """One plain sentence or three: the tool's fate, what to use today, what the article said."""
    none: tuple[NoCounterpartNote, ...] = ()
    """Ecosystems where a source-backed answer says there is no counterpart (instead of a 404)."""


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
class CorrectionRef:
    """A later event that corrects or confirms an earlier one."""

    id: str
    label: str
    relation: Literal["corrects", "confirms", "supplements"]
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
    summary: str = ""
    """For a tool: the counterpart answer's summary (today first, then the article)."""
    successor: SuccessorRef | None = None
    """What took over from it, if it was renamed, moved, merged or retired."""


# -- reading the graph with bound terms ---------------------------------------------------------

_OUT = "SELECT ?e ?p ?o ?g WHERE { GRAPH ?g { ?e ?p ?o } }"
_IN = "SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } }"
#: Nodes an answer will read, fetched with their statements at once on the remote engine.
_AROUND = "{ ?root ?q ?e } UNION { ?e ?q ?root }"
_EVENTS_AND_SOURCES = "?e a mlkg:Event . } UNION { ?ev a mlkg:Event ; prov:wasDerivedFrom ?e ."
_CORRESPONDENCES = """SELECT ?tool ?c ?other WHERE {
  ?c a mlkg:Correspondence ; mlkg:tool ?tool ; mlkg:tool ?other . FILTER(?other != ?tool) }"""
_SAME_FUNCTION = """SELECT ?tool ?other ?f WHERE {
  ?tool mlkg:function ?f . ?other mlkg:function ?f . FILTER(?other != ?tool) }"""
_EVENTS = "SELECT ?ev WHERE { ?ev a mlkg:Event }"
_NONE = """SELECT ?n ?eco WHERE { ?n a mlkg:NoCounterpart ; mlkg:forTool ?tool ; mlkg:inEcosystem ?eco }"""


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

    def prefetch(self, nodes: str, root: str | None = None) -> None:
        """On the remote engine, fetch the statements of every IRI ``?e`` the group pattern
        ``nodes`` finds (``?root`` bound to ``root``) in one round trip, not one per node."""
        if self.kg.config.engine != "remote":
            return
        query = (
            f"SELECT ?e ?p ?o ?g WHERE {{ {{ {nodes} }} FILTER(isIRI(?e)) "
            "OPTIONAL { GRAPH ?g { ?e ?p ?o } } }"
        )
        bindings = {"root": ox.NamedNode(root)} if root else None
        found: dict[str, set[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, str]]] = defaultdict(set)
        for r in self.kg.query(query, bindings=bindings).bindings():
            statements = found[r["e"].value]
            if "p" in r:
                statements.add((r["p"].value, r["o"], r["g"].value))
        for node, statements in found.items():
            self._out.setdefault(node, sorted(statements, key=lambda t: (t[0], str(t[1]), t[2])))

    def values(self, iri: str, predicate: str, *, asserted: bool = False) -> list[str]:
        found = {
            o.value for p, o, g in self.out(iri) if p == predicate and not (asserted and g == INFERRED_GRAPH)
        }
        return sorted(found)

    def first(self, iri: str, predicate: str) -> str | None:
        found = self.values(iri, predicate)
        return found[0] if found else None

    def state(self, iri: str) -> str | None:
        """The entity's deciding ``mlkg:status`` (an ended one wins when several are recorded)."""
        return current_status(self.values(iri, MLKG + "status"))

    def date_graph(self, event: str) -> str:
        """The named graph (source layer) that gives ``event`` its date, by local name."""
        graphs = sorted(g for p, _o, g in self.out(event) if p == MLKG + "date")
        return layer_of(graphs[0]) if graphs else ""

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
        state = self.state(iri)
        if state is None:
            return "active"
        name = self.label(state)
        date = self.first(iri, MLKG + "statusDate")
        if not date:
            return name
        return f"{name} (as of {date})" if state == MLKG + "Active" else f"{name} since {date}"

    def ended(self, iri: str) -> bool:
        """Whether ``iri`` has ended (archived, renamed, deprecated...; see :mod:`._today`)."""
        return ended(self.state(iri))

    def successors(self, iri: str) -> list[str]:
        """The chain of what replaced ``iri`` (a rename first), a few steps at most."""
        chain: list[str] = []
        node = iri
        for _ in range(5):
            nexts = self.values(node, MLKG + "renamedTo") or self.values(
                node, MLKG + "succeededBy", asserted=True
            )
            if not nexts or nexts[0] in chain or nexts[0] == iri:
                break
            node = nexts[0]
            chain.append(node)
        return chain

    def fate(self, iri: str) -> str:
        """'renamed PlayTorch, archived since 2023-10-23', 'redirected since 2023-11-15 (now Kaggle
        Models)', 'archived since 2025-08-07': what became of an ended tool, in a few words."""
        state = local_name(self.state(iri) or "")
        renamed = self.values(iri, MLKG + "renamedTo")
        if state == "Renamed" and renamed:
            new = renamed[0]
            after = f", {self.status(new)}" if self.ended(new) else ""
            return f"renamed {self.label(new)}{after}"
        successors = self.successors(iri)
        now = f" (now {self.label(successors[0])})" if successors else ""
        return f"{self.status(iri)}{now}"

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

    Order: what holds today first (strongest first, then stated before inferred), then what
    held once, the article's own pairs marked (``article``). "Holds today" is the one
    definition of :mod:`._today`. The asked tool's own fate is ``tool.successor``, and the
    successor's correspondences answer too (TensorFlow Lite's through LiteRT). A counterpart
    that has since ended is followed along ``mlkg:renamedTo`` / ``mlkg:succeededBy`` to what
    replaced it. With no correspondence at all, tools of the other ecosystem (both, for a
    framework-neutral tool: none, it answers for both) that share one of the entity's functions
    come back, marked inferred; never the tool itself, its successors or predecessors, or what
    it merged into.
    A counterpart never comes from the asked tool's own framework.
    """
    if entity.type == "FrameworkFunction":  # function level: graph/_functions.py (issue 16)
        from ._functions import function_counterparts

        return function_counterparts(kg, entity, query=query, to=to)
    answer = remember(kg, ("counterparts", entity, to), lambda: _counterparts(kg, entity, to))
    return answer if query is None else replace(answer, query=query)


def _counterparts(kg: KnowledgeGraph, entity: EntityRef, to: str | None) -> CounterpartAnswer:
    reader = _Reader(kg)
    iri = entity.iri
    reader.prefetch(_AROUND, iri)
    lineage = reader.successors(iri)
    tool = ToolRef(
        id=entity.id,
        iri=iri,
        label=entity.label,
        type=entity.type,
        ecosystem=reader.ecosystem_label(iri),
        status=reader.status(iri),
        successor=_successor_ref(reader, iri, lineage),
    )
    kin = {iri, *lineage, *_predecessors(reader, iri), *reader.values(iri, MLKG + "unifiedInto")}
    best: dict[str, Counterpart] = {}
    for asker in (iri, *lineage):  # the tool's own pairs first: a successor's only wins when better
        via = reader.label(asker) if asker != iri else None
        for c in _stated_and_recorded(reader, asker, via):
            if c.iri not in best or _order(c) < _order(best[c.iri]):
                best[c.iri] = c
    found = list(best.values())
    found += _successors(reader, iri, found)
    found = [c for c in found if c.iri not in kin and _crosses(reader, iri, c.iri)]
    notes = _no_counterpart(reader, iri)
    if not found:
        without = {n.ecosystem for n in notes}
        found = [c for c in _same_function(reader, iri, kin) if c.ecosystem not in without]
    target = ECOSYSTEMS.get(to.lower()) if to else None
    if target:
        # A framework-neutral counterpart stands in only for the two frameworks its correspondence
        # was recorded between (TensorFlow and PyTorch); for JAX it is named under ``none``.
        found = [
            c
            for c in found
            if reader.ecosystem_iri(c.iri) == target or (c.neutral and target != ECOSYSTEMS["jax"])
        ]
        notes = [n for n in notes if n.ecosystem == reader.label(target)]
    found.sort(key=lambda c: (*_order(c), c.label, c.iri))
    return CounterpartAnswer(
        query=entity.label,
        tool=tool,
        counterparts=tuple(found),
        summary=_summary(reader, tool, found, notes),
        none=tuple(notes),
    )


def _no_counterpart(reader: _Reader, iri: str) -> list[NoCounterpartNote]:
    """The explicit "no counterpart in that ecosystem" answers recorded for ``iri``."""
    rows = reader.kg.query(_NONE, bindings={"tool": ox.NamedNode(iri)}).bindings()
    notes = []
    for row in sorted(rows, key=lambda r: (r["eco"].value, r["n"].value)):
        node = row["n"].value
        notes.append(
            NoCounterpartNote(
                ecosystem=reader.label(row["eco"].value),
                evidence=" ".join(reader.values(node, MLKG + "evidence")),
                people_use=tuple(reader.ref(u) for u in reader.values(node, MLKG + "peopleUse")),
                sources=reader.sources(reader.values(node, PROV + "wasDerivedFrom")),
            )
        )
    return notes


def _order(c: Counterpart) -> tuple[bool, int, bool]:
    """What holds today first, then strongest first, then stated before inferred."""
    return (not c.current, _STRENGTH_ORDER[c.strength], c.basis != "stated")


def _crosses(reader: _Reader, asked: str, other: str) -> bool:
    """``other`` is not from ``asked``'s own framework (a framework-neutral tool crosses to both)."""
    own = reader.ecosystem_iri(asked)
    return own is None or reader.ecosystem_iri(other) != own


def _predecessors(reader: _Reader, iri: str) -> set[str]:
    """What ``iri`` replaced or was renamed from (read from the links pointing at it)."""
    found: set[str] = set()
    todo = [iri]
    while todo:
        node = todo.pop()
        for subject, predicate, _ in reader.incoming(node):
            if predicate in (MLKG + "succeededBy", MLKG + "renamedTo") and subject not in found | {iri}:
                found.add(subject)
                todo.append(subject)
    return found


def _successor_ref(reader: _Reader, iri: str, lineage: Sequence[str]) -> SuccessorRef | None:
    if not lineage:
        return None
    new = lineage[0]
    state = reader.state(iri)
    return SuccessorRef(
        id=local_name(new),
        iri=new,
        label=reader.label(new),
        since=reader.first(iri, MLKG + "statusDate"),
        change=reader.label(state) if state else "succeeded",
    )


def _stated_and_recorded(reader: _Reader, iri: str, via: str | None = None) -> list[Counterpart]:
    """Counterparts from the correspondence nodes of the graph (stated and inferred ones)."""
    rows = reader.kg.query(_CORRESPONDENCES, bindings={"tool": ox.NamedNode(iri)}).bindings()
    by_other: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_other[row["other"].value].append(row["c"].value)
    answer = []
    for other, nodes in sorted(by_other.items()):
        # When several correspondences link the same pair, the best one speaks for it.
        best = min(set(nodes), key=lambda c: _rank(reader, c))
        answer.append(_from_correspondence(reader, iri, other, best, via))
    return answer


def _rank(reader: _Reader, node: str) -> tuple[bool, int, str]:
    basis = reader.first(node, MLKG + "basis")
    return (basis != MLKG + "Stated", _STRENGTH_ORDER[_strength(reader.first(node, MLKG + "strength"))], node)


def _strength(iri: str | None) -> Strength:
    name = local_name(iri or "").lower()
    return name if name in ("exact", "close") else "related"  # type: ignore[return-value]


def _from_correspondence(reader: _Reader, tool: str, other: str, node: str, via: str | None) -> Counterpart:
    function = reader.first(node, MLKG + "function")
    stated = reader.first(node, MLKG + "basis") == MLKG + "Stated"
    sources = reader.values(node, PROV + "wasDerivedFrom")
    evidence = " ".join(reader.values(node, MLKG + "evidence"))
    if via:
        evidence = f"Through {via}, the new name or successor of the tool asked about: {evidence}"
    return Counterpart(
        id=local_name(other),
        iri=other,
        label=reader.label(other),
        ecosystem=reader.ecosystem_label(other),
        strength=_strength(reader.first(node, MLKG + "strength")),
        basis="stated" if stated else "inferred",
        function=reader.label(function) if function else None,
        current=holds_today(reader.first(node, MLKG + "validUntil"), reader.state(other)),
        status=reader.status(other),
        evidence=evidence,
        sources=reader.sources(sources),
        neutral=reader.ecosystem_iri(other) is None,
        article=stated and ARTICLE_SOURCE in sources and via is None,
        via=via,
    )


def _successors(reader: _Reader, tool: str, found: Sequence[Counterpart]) -> list[Counterpart]:
    """What replaced each ended counterpart (followed up to a few steps), when not listed yet."""
    listed = {c.iri for c in found} | {tool}
    added: list[Counterpart] = []
    for start in found:
        if start.current:
            continue
        chain, node = start.label, start.iri
        for new in reader.successors(start.iri):
            renamed = new in reader.values(node, MLKG + "renamedTo")
            chain += f" {'was renamed' if renamed else 'was succeeded by'} {reader.label(new)}"
            node = new
            if new in listed:
                continue
            listed.add(new)
            added.append(
                Counterpart(
                    id=local_name(new),
                    iri=new,
                    label=reader.label(new),
                    ecosystem=reader.ecosystem_label(new),
                    strength=start.strength,
                    basis="inferred",
                    function=start.function,
                    current=holds_today(None, reader.state(new)),
                    status=reader.status(new),
                    evidence=(
                        "Followed from a counterpart that no longer holds "
                        f"({start.basis}, {start.strength}): {chain}."
                    ),
                    sources=_succession_sources(reader, start.iri, new),
                    neutral=reader.ecosystem_iri(new) is None,
                    via=start.via,
                )
            )
    return added


def _succession_sources(reader: _Reader, old: str, new: str) -> tuple[SourceRef, ...]:
    """Sources of the events that mention both ends of a succession, else the new tool's own."""
    events = {s for s, p, _ in reader.incoming(new) if p == MLKG + "about"}
    shared = [e for e in events if old in reader.values(e, MLKG + "about")]
    iris = [s for e in shared for s in reader.values(e, PROV + "wasDerivedFrom")]
    return reader.sources(iris or reader.values(new, PROV + "wasDerivedFrom"))


def _same_function(reader: _Reader, iri: str, kin: set[str]) -> list[Counterpart]:
    """Tools of the other framework sharing a function with ``iri`` (no correspondence exists).

    Only across ecosystems: a tool of one framework gets the other framework's tools; a
    framework-neutral tool has no other side to cross to and gets none (it answers for both
    frameworks itself). Never ``kin`` (the tool itself, its successors and predecessors, what
    it merged into), never a neutral tool.
    """
    if reader.ecosystem_iri(iri) is None:
        return []
    rows = reader.kg.query(_SAME_FUNCTION, bindings={"tool": ox.NamedNode(iri)}).bindings()
    shared: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        other = row["other"].value
        eco = reader.ecosystem_iri(other)
        if (
            other not in kin
            and eco in ECOSYSTEMS.values()
            and _crosses(reader, iri, other)
            and other in reader.index.entities
        ):
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
                current=holds_today(None, reader.state(other)),
                status=reader.status(other),
                evidence=f"No source pairs them; both are recorded with the function: {names}.",
                sources=reader.sources(
                    reader.values(other, PROV + "wasDerivedFrom")
                    + reader.values(iri, PROV + "wasDerivedFrom")
                ),
            )
        )
    return answer


def _when(date: str | None) -> str:
    """' on 2024-09-04' for a day, ' in 2024-11' for a month or a year, '' for no date."""
    if not date:
        return ""
    return f" on {date}" if len(date) == 10 else f" in {date}"


def _names(items: Sequence[Counterpart]) -> str:
    return ", ".join(c.label + (" (framework-neutral)" if c.neutral else "") for c in items)


def _summary(
    reader: _Reader, tool: ToolRef, found: Sequence[Counterpart], notes: Sequence[NoCounterpartNote] = ()
) -> str:
    """The answer in plain words: the tool's fate, what holds today, then what the article said."""
    parts: list[str] = []
    state = local_name(reader.first(tool.iri, MLKG + "status") or "")
    if tool.successor is not None:
        how = _HOW.get(state, "{tool} was succeeded by {new}{when}.")
        parts.append(how.format(tool=tool.label, new=tool.successor.label, when=_when(tool.successor.since)))
    elif reader.ended(tool.iri):
        parts.append(f"{tool.label} is {reader.status(tool.iri)}.")
    neutral = tool.ecosystem is None and tool.type != "Framework"
    if neutral:
        parts.append(f"{tool.label} belongs to neither framework; only pairs a source records are listed.")
    today = [c for c in found if c.current]
    own = [c for c in today if not c.neutral]
    gone = [c for c in found if not c.current and not c.neutral and not c.via]
    if own:
        parts.append(f"Today: {_names(today)}.")
    elif gone:
        first = gone[0]
        what = f"{first.ecosystem} counterpart" + (f" for {first.function.lower()}" if first.function else "")
        lost = f"No maintained {what} since {first.label} {_ended_phrase(reader, first.iri)}"
        parts.append(f"{lost}; people use {_names(today)} instead." if today else f"{lost}.")
    elif today:
        parts.append(f"Today: {_names(today)}.")
    elif not found and not neutral and not notes:
        parts.append(f"No counterpart of {tool.label} is recorded.")
    for note in notes:
        use = ", ".join(u.label for u in note.people_use)
        parts.append(f"No {note.ecosystem} counterpart" + (f"; people use {use}." if use else "."))
    for c in found:
        if c.article:
            if not c.current:
                held = f", {reader.fate(c.iri)}"
            elif reader.ended(tool.iri):
                held = f" until {tool.label} {_ended_phrase(reader, tool.iri)}"
            else:
                held = ", which still holds"
            parts.append(f"The 2022 article paired {tool.label} with {c.label}{held}.")
    return " ".join(parts)


def _ended_phrase(reader: _Reader, iri: str) -> str:
    """'was archived on 2025-08-07', 'was renamed PlayTorch in 2022': how a tool ended."""
    state = reader.state(iri)
    date = reader.first(iri, MLKG + "statusDate")
    renamed = reader.values(iri, MLKG + "renamedTo")
    if renamed:
        return f"was renamed {reader.label(renamed[0])}{_when(date)}"
    return f"was {reader.label(state) if state else 'retired'}{_when(date)}"


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
    reader.prefetch(_EVENTS_AND_SOURCES)
    events = sorted({row["ev"].value for row in kg.query(_EVENTS).bindings()})
    nested: dict[str, list[CorrectionRef]] = defaultdict(list)
    top: list[str] = []
    for ev in events:
        targets = [
            (rel, t) for rel in ("corrects", "confirms", "supplements") for t in reader.values(ev, MLKG + rel)
        ]
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
    reader.prefetch(_AROUND, iri)
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
        successor=_successor_ref(reader, iri, reader.successors(iri)),
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
        graph=layer_of(graph),
        inverse=inverse,
    )


def _changes(reader: _Reader, iri: str, events: Sequence[TimelineEvent], dates: Sequence[Fact]) -> list[str]:
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
