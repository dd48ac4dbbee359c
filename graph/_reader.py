"""Reading the graph for an answer: a node reader and the references it hands back.

:class:`Reader` fetches each node's statements once per answer, with every term bound
(``bindings=``), never pasted into a query, and reads labels, statuses, sources, successors and
ecosystems off them; the counterpart, entity and timeline answers, the SSSOM table and the
coverage report all read through it, so they name, date and source things alike. No HTTP here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mlkg.ontology import DCTERMS, ENT, MLKG, RDFS, SCHEMA, SKOS, local_name

from ._correspondence import Basis, Strength
from ._loading import INFERRED_GRAPH, layer_of
from ._resolve import EntityRef, NameIndex, name_index
from ._today import current_status, ended

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["AROUND", "ECOSYSTEMS", "Reader", "SourceRef", "SuccessorRef", "successor_ref"]

#: The three ecosystems a counterpart question moves between, by ``--to`` / ``to=`` name.
ECOSYSTEMS: dict[str, str] = {
    "tensorflow": ENT + "TensorFlow",
    "pytorch": ENT + "PyTorch",
    "jax": ENT + "JAX",
}
#: For :meth:`Reader.prefetch`: the nodes one step from ``?root``, either way.
AROUND = "{ ?root ?q ?e } UNION { ?e ?q ?root }"
_OUT = "SELECT ?e ?p ?o ?g WHERE { GRAPH ?g { ?e ?p ?o } }"
_IN = "SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } }"


@dataclass(frozen=True)
class SourceRef:
    """A source document a claim comes from."""

    iri: str
    title: str
    url: str | None
    date: str | None


@dataclass(frozen=True)
class SuccessorRef:
    """What took over from a tool that was renamed, moved, merged or otherwise ended, and since when."""

    id: str
    iri: str
    label: str
    since: str | None
    """When the change happened (the old tool's status date), at the source's precision."""
    change: str
    """How: "renamed", "redirected", "merged", "deprecated", "archived"... (the old tool's status)."""


class Reader:
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
        if not self.kg.capabilities.round_trips:
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
        """'archived since 2025-08-07' (when the status began), 'listed as active on 2025-12-03'
        (when a page was seen to show it: never worded as a start), or the bare status name."""
        state = self.state(iri)
        if state is None:
            return "active"
        name = self.label(state)
        since = self.first(iri, MLKG + "statusSince")
        if since:
            return f"{name} since {since}"
        seen = self.first(iri, MLKG + "statusObservedOn")
        if seen:
            return f"listed as {name} {'on' if len(seen) == 10 else 'in'} {seen}"
        return name

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

    def strength(self, node: str) -> Strength:
        """The strength of correspondence ``node`` (the weakest when none is recorded)."""
        return Strength.of(self.first(node, MLKG + "strength"))

    def basis(self, node: str) -> Basis:
        """Whether a source states correspondence ``node`` or it is inferred."""
        return Basis.of(self.first(node, MLKG + "basis"))


def successor_ref(reader: Reader, iri: str, lineage: Sequence[str]) -> SuccessorRef | None:
    """What took over from ``iri`` (the first of its ``lineage``), how and since when."""
    if not lineage:
        return None
    new = lineage[0]
    state = reader.state(iri)
    return SuccessorRef(
        id=local_name(new),
        iri=new,
        label=reader.label(new),
        since=reader.first(iri, MLKG + "statusSince"),
        change=reader.label(state) if state else "succeeded",
    )
