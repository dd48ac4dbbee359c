"""The networkx projection: entities as nodes, relations between them as labelled edges.

Only entities (instances of ``mlkg:Entity`` or a subclass; never literals, classes, sources,
events or correspondence nodes) become nodes. Each ``mlkg:Correspondence`` becomes one
``counterpart`` edge between its two tools carrying strength, basis, function and evidence,
so a picture can draw the bridges without reading the n-ary node itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from mlkg.ontology import DCTERMS, MLKG, ONTOLOGY_GRAPH, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, local_name

from ._correspondence import Basis, Strength
from ._loading import INFERRED_GRAPH, layer_of
from ._today import current_status, holds_today

__all__ = ["to_networkx"]

#: The article's own layer: where a later layer gives a date property another value, the later
#: one is the current value and the article's is kept beside it (``article``).
ARTICLE_GRAPH = "article-2022"

if TYPE_CHECKING:
    import networkx as nx

    from ._knowledge import KnowledgeGraph
    from ._results import Term

#: Datatypes whose literals are dates (shown as dates; drawn on timelines).
DATE_TYPES = frozenset({XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime"})

# Flat queries, joined here in Python the same way on every engine. Each reads the union default
# graph or names its graphs, with no nested OPTIONAL and no ``GRAPH ?g`` after a pattern that
# binds its subject: rdflib took 83 s over the shipped data for the nested form (Oxigraph 0.04 s)
# and 43 s for ``?s a mlkg:Entity . GRAPH ?g { ?s ?p ?o }``; these take under a second there.

#: Every statement about an entity, from any graph.
_ENTITY_STATEMENTS = "SELECT ?e ?p ?o WHERE { ?e a mlkg:Entity . ?e ?p ?o }"

#: What the inferred and ontology graphs state: an entity's statement found only there is not
#: asserted (inference adds only what no graph states; the ontology describes no entity).
_DERIVED = f"""
SELECT ?s ?p ?o WHERE {{
  VALUES ?g {{ <{INFERRED_GRAPH}> <{ONTOLOGY_GRAPH}> }}
  GRAPH ?g {{ ?s ?p ?o }}
}}"""

#: The names (and addresses) of everything named, for classes, properties and link targets.
_LABELS = """
SELECT ?s ?p ?o WHERE {
  VALUES ?p { skos:prefLabel rdfs:label dcterms:title schema:url }
  ?s ?p ?o
}"""

#: Each date-valued property's statements with their graph (the layer decides the current value).
_DATED = "SELECT ?e ?p ?o ?g WHERE {{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?e ?p ?o }} }}"

#: A correspondence and its tools, asserted together in one graph.
_CORRESPONDENCE_TOOLS = "SELECT ?c ?tool ?g WHERE { GRAPH ?g { ?c a mlkg:Correspondence ; mlkg:tool ?tool } }"

# FILTER, not VALUES: the Oxigraph server plans ``VALUES ?p`` here as a scan per value (3 s).
_CORRESPONDENCE_STATEMENTS = """
SELECT ?c ?p ?o WHERE {
  ?c a mlkg:Correspondence ; ?p ?o
  FILTER(?p IN (rdfs:label, mlkg:strength, mlkg:basis, mlkg:function, mlkg:evidence, mlkg:validUntil,
                prov:wasDerivedFrom))
}"""

_NOT_ASSERTED = frozenset({INFERRED_GRAPH, ONTOLOGY_GRAPH})
_LINK_PREDICATES = frozenset(
    {MLKG + "ecosystem", MLKG + "status", PROV + "wasDerivedFrom", MLKG + "function"}
)
_TARGET_LABEL = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
_SOURCE_LABEL = (RDFS + "label", DCTERMS + "title")
_FUNCTION_LABEL = (SKOS + "prefLabel",)
#: A correspondence's single-valued properties, by the attribute each fills.
_CORRESPONDENCE_FIELDS = {
    RDFS + "label": "label",
    MLKG + "strength": "strength",
    MLKG + "basis": "basis",
    MLKG + "evidence": "evidence",
    MLKG + "validUntil": "until",
}

COUNTERPART = MLKG + "counterpartOf"
RDF_TYPE = RDF + "type"


def _add_unique(items: list[dict[str, str]], item: dict[str, str]) -> None:
    if all(item.get("id", item) != old.get("id", old) for old in items):
        items.append(item)


def _by_label(items: list[dict[str, str]]) -> None:
    items.sort(key=lambda item: (item["label"].casefold(), item.get("id", "")))


def property_label(predicate: str) -> str:
    """A readable name for a property without rdfs:label: ``datePublished`` -> ``date published``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local_name(predicate)).lower()


def to_networkx(kg: KnowledgeGraph, *, details: bool = False) -> nx.MultiDiGraph:
    """Entities and the asserted links between them, plus one edge per correspondence.

    Without ``details`` every attribute is a plain string (what GraphML can hold); with it,
    the list-valued attributes below are kept too (what the pictures need).

    Node ids are the entities' local names (stable, unique). Node attributes: ``iri``,
    ``label`` (skos:prefLabel), ``type`` / ``kind`` (local name of the asserted class),
    ``kind_label`` (the class's rdfs:label), ``definition``, ``alt_labels``, ``dates`` and
    ``facts`` (lists of ``{"property", "label", "value"}``; one current value per date
    property, the article's beside it as ``article`` when a later source differs),
    ``ecosystem`` (id of the framework, a framework being its own ecosystem), ``status`` /
    ``status_label`` / ``status_since`` (when it began) / ``status_observed_on`` (when a page
    showed it),
    ``functions`` and ``sources`` (lists of ``{"id", "label"[, "url"]}``).

    Relation edges are keyed by predicate IRI with ``kind="relation"``, ``predicate`` and
    ``label`` (the property's rdfs:label, else its local name). Counterpart edges are keyed by
    the correspondence IRI with ``kind="counterpart"``, ``predicate`` (mlkg:counterpartOf),
    ``label``, ``title`` (the correspondence's label), ``correspondence``, ``strength``,
    ``basis`` (local names, e.g. ``Close``/``Stated``), ``functions``, ``evidence``,
    ``valid_until``, ``sources`` and ``current`` (the pair holds today: no end date and neither
    tool has ended, the one definition of :mod:`._today`).
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    asserted, stated = _entity_statements(kg)
    labels = _labels(kg)
    for iri in sorted(asserted):
        node = local_name(iri)
        types = sorted(o.value for p, o in asserted[iri] if p == RDF_TYPE)
        if node in graph or not types:  # a second IRI of one local name: the first in IRI order
            continue
        kind = local_name(types[0])  # several asserted types: the first in IRI order
        graph.add_node(
            node,
            iri=iri,
            label=_first(stated[iri], SKOS + "prefLabel") or node,
            type=kind,
            kind=kind,
            kind_label=_label(labels, ox.NamedNode(types[0]), (RDFS + "label",)) or kind,
            definition=_first(stated[iri], SKOS + "definition") or "",
            alt_labels=[],
            dates=[],
            facts=[],
            ecosystem=None,
            status=None,
            status_label=None,
            status_since=None,
            status_observed_on=None,
            functions=[],
            sources=[],
        )
    _add_literals(kg, graph, asserted, labels)
    _add_links(graph, asserted, labels)
    for iri in sorted(asserted):
        targets = {(p, o.value) for p, o in asserted[iri] if isinstance(o, ox.NamedNode) and p != RDF_TYPE}
        for predicate, target in sorted(targets):
            source, end = local_name(iri), local_name(target)
            if target in stated and source in graph and end in graph:
                graph.add_edge(
                    source,
                    end,
                    key=predicate,
                    kind="relation",
                    predicate=predicate,
                    label=_property_label(labels, predicate),
                )
    _add_counterparts(kg, graph, labels)
    if not details:
        _keep_plain(graph)
    return graph


#: An entity's statements: (predicate IRI, object), in a fixed order (the engines' orders differ).
_Statements = dict[str, list[tuple[str, "Term"]]]
#: Subject -> label predicate -> the value the projection shows (the least, if several).
_Labels = dict["Term", dict[str, str]]


def _entity_statements(kg: KnowledgeGraph) -> tuple[_Statements, _Statements]:
    """Every entity's asserted statements, and its statements from any graph."""
    derived = {(s, p.value, o) for s, p, o in kg.query(_DERIVED).rows if p is not None}
    stated: dict[str, set[tuple[str, Term]]] = defaultdict(set)
    asserted: dict[str, set[tuple[str, Term]]] = defaultdict(set)
    for e, p, o in kg.query(_ENTITY_STATEMENTS).rows:
        if e is None or p is None or o is None:
            continue
        stated[e.value].add((p.value, o))
        if (e, p.value, o) not in derived:
            asserted[e.value].add((p.value, o))

    def ordered(found: dict[str, set[tuple[str, Term]]]) -> _Statements:
        return {iri: sorted(pairs, key=lambda pair: (pair[0], str(pair[1]))) for iri, pairs in found.items()}

    return ordered(asserted), ordered(stated)


def _labels(kg: KnowledgeGraph) -> _Labels:
    found: _Labels = defaultdict(dict)
    for s, p, o in kg.query(_LABELS).rows:
        if s is None or p is None or o is None:
            continue
        value, kept = str(o.value), found[s].get(p.value)
        if kept is None or value < kept:
            found[s][p.value] = value
    return found


def _label(labels: _Labels, term: Term, predicates: tuple[str, ...]) -> str | None:
    """The first of ``predicates`` that names ``term`` (what SPARQL's COALESCE would pick)."""
    named = labels.get(term, {})
    return next((named[p] for p in predicates if p in named), None)


def _first(statements: list[tuple[str, Term]], predicate: str) -> str | None:
    return next((str(o.value) for p, o in statements if p == predicate), None)


def _keep_plain(graph: nx.MultiDiGraph) -> None:
    """Drop list-valued and missing attributes, leaving strings only."""
    attr_dicts = [attrs for _, attrs in graph.nodes(data=True)]
    attr_dicts += [attrs for _, _, attrs in graph.edges(data=True)]
    for attrs in attr_dicts:
        for key in [k for k, v in attrs.items() if not isinstance(v, str)]:
            del attrs[key]


def _datatype(term: Term | None) -> str | None:
    return term.datatype.value if isinstance(term, ox.Literal) else None


def _add_literals(kg: KnowledgeGraph, graph: nx.MultiDiGraph, asserted: _Statements, labels: _Labels) -> None:
    dated: set[str] = set()
    for iri, statements in asserted.items():
        node = local_name(iri)
        if node not in graph:
            continue
        attrs = graph.nodes[node]
        for predicate, literal in statements:
            if not isinstance(literal, ox.Literal) or predicate in (SKOS + "prefLabel", SKOS + "definition"):
                continue
            value = literal.value
            if predicate == SKOS + "altLabel":
                if value not in attrs["alt_labels"]:
                    attrs["alt_labels"].append(value)
            elif predicate in (MLKG + "statusSince", MLKG + "statusObservedOn"):
                attrs["status_since" if predicate == MLKG + "statusSince" else "status_observed_on"] = value
            elif _datatype(literal) in DATE_TYPES:
                dated.add(predicate)  # read below with its graph
            else:
                fact = {"property": predicate, "label": _property_label(labels, predicate), "value": value}
                _add_unique(attrs["facts"], fact)
    if dated:
        predicates = " ".join(str(ox.NamedNode(p)) for p in sorted(dated))
        rows = kg.query(_DATED.format(predicates=predicates)).rows
        found = sorted(
            (e.value, p.value, str(o), o.value, g.value)
            for e, p, o, g in rows
            if e is not None and p is not None and isinstance(o, ox.Literal) and isinstance(g, ox.NamedNode)
            if g.value not in _NOT_ASSERTED and o.datatype.value in DATE_TYPES
        )
        for iri, predicate, _, value, in_graph in found:
            node = local_name(iri)
            if iri in asserted and node in graph:
                fact = {"property": predicate, "label": _property_label(labels, predicate), "value": value}
                _add_unique(graph.nodes[node]["dates"], {**fact, "graph": layer_of(in_graph)})
    for _, attrs in graph.nodes(data=True):
        attrs["dates"] = _one_current_value(attrs["dates"])
        attrs["alt_labels"].sort(key=lambda label: (label.casefold(), label))  # a total order
        attrs["dates"].sort(key=lambda d: d["value"])
        attrs["facts"].sort(key=lambda f: (f["label"], f["value"]))


def _property_label(labels: _Labels, predicate: str) -> str:
    return _label(labels, ox.NamedNode(predicate), (RDFS + "label",)) or property_label(predicate)


def _one_current_value(dates: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop the article's value of a date property a later layer gives differently, keeping it
    on the later entry as ``article``; the layer itself is not kept."""
    later = {d["property"] for d in dates if d["graph"] != ARTICLE_GRAPH}
    kept: list[dict[str, str]] = []
    for d in dates:
        if d["graph"] == ARTICLE_GRAPH and d["property"] in later:
            continue
        said = [o["value"] for o in dates if o["graph"] == ARTICLE_GRAPH and o["property"] == d["property"]]
        entry = {k: v for k, v in d.items() if k != "graph"}
        if said and d["graph"] != ARTICLE_GRAPH and said[0] != d["value"]:
            entry["article"] = said[0]
        _add_unique(kept, entry)
    return kept


def _add_links(graph: nx.MultiDiGraph, asserted: _Statements, labels: _Labels) -> None:
    ecosystems: set[str] = set()
    for iri, statements in asserted.items():
        node = local_name(iri)
        if node not in graph:
            continue
        attrs = graph.nodes[node]
        for predicate, target in statements:
            if predicate not in _LINK_PREDICATES:
                continue
            target_id = local_name(target.value)
            label = _label(labels, target, _TARGET_LABEL) or target_id
            if predicate == MLKG + "ecosystem":
                attrs["ecosystem"] = target_id
                ecosystems.add(target_id)
            elif predicate == MLKG + "status":
                # several recorded statuses: the deciding one (an ended one wins over "active")
                previous = attrs["status"]
                if previous is None or current_status([target_id, previous]) == target_id:
                    attrs["status"], attrs["status_label"] = target_id, label
            elif predicate == MLKG + "function":
                _add_unique(attrs["functions"], {"id": target_id, "label": label})
            else:  # prov:wasDerivedFrom
                source = {"id": target_id, "label": label}
                url = _label(labels, target, (SCHEMA + "url",))
                if url:
                    source["url"] = url
                _add_unique(attrs["sources"], source)
    for _, attrs in graph.nodes(data=True):
        _by_label(attrs["functions"])
        _by_label(attrs["sources"])
    for node in ecosystems:  # a framework that others belong to is its own ecosystem
        if node in graph and graph.nodes[node]["ecosystem"] is None:
            graph.nodes[node]["ecosystem"] = node


def _add_counterparts(kg: KnowledgeGraph, graph: nx.MultiDiGraph, labels: _Labels) -> None:
    found: dict[str, dict[str, Any]] = defaultdict(lambda: {"tools": set(), "functions": [], "sources": []})
    for c, tool, g in kg.query(_CORRESPONDENCE_TOOLS).rows:
        if not isinstance(c, ox.NamedNode) or tool is None or not isinstance(g, ox.NamedNode):
            continue
        if g.value not in _NOT_ASSERTED:
            found[c.value]["tools"].add(local_name(tool.value))
    said: dict[str, set[tuple[str, Term]]] = defaultdict(set)
    for c, p, o in kg.query(_CORRESPONDENCE_STATEMENTS).rows:
        if isinstance(c, ox.NamedNode) and p is not None and o is not None and c.value in found:
            said[c.value].add((p.value, o))
    for iri, corr in found.items():
        for predicate, term in sorted(said[iri], key=lambda pair: (pair[0], str(pair[1]))):
            value = str(term.value)
            if predicate == MLKG + "function":
                fn = local_name(value)
                _add_unique(
                    corr["functions"], {"id": fn, "label": _label(labels, term, _FUNCTION_LABEL) or fn}
                )
            elif predicate == PROV + "wasDerivedFrom":
                src = local_name(value)
                _add_unique(corr["sources"], {"id": src, "label": _label(labels, term, _SOURCE_LABEL) or src})
            else:  # the first value of each, in a fixed order: the individuals' local names
                key = _CORRESPONDENCE_FIELDS[predicate]
                if key == "strength":
                    value = Strength.of(value).term
                elif key == "basis":
                    value = Basis.of(value).term
                corr.setdefault(key, value)
    for iri, corr in sorted(found.items()):
        _by_label(corr["functions"])
        _by_label(corr["sources"])
        tools = sorted(t for t in corr["tools"] if t in graph)
        if len(tools) != 2:
            continue
        until = corr.get("until")
        graph.add_edge(
            tools[0],
            tools[1],
            key=iri,
            kind="counterpart",
            predicate=COUNTERPART,
            label="counterpart of",
            title=corr.get("label") or f"{tools[0]} corresponds to {tools[1]}",
            correspondence=local_name(iri),
            strength=corr.get("strength"),
            basis=corr.get("basis"),
            functions=corr["functions"],
            evidence=corr.get("evidence") or "",
            valid_until=until,
            sources=corr["sources"],
            current=holds_today(until, graph.nodes[tools[0]]["status"], graph.nodes[tools[1]]["status"]),
        )
