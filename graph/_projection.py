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

from mlkg.ontology import MLKG, ONTOLOGY_GRAPH, PROV, SKOS, XSD, local_name

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

#: Datatypes whose literals are dates (shown as dates; drawn on timelines).
DATE_TYPES = frozenset({XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime"})

_ASSERTED = f"FILTER(?g NOT IN (<{INFERRED_GRAPH}>, <{ONTOLOGY_GRAPH}>))"

_NODES = f"""
SELECT ?e ?type ?typelabel ?label ?definition WHERE {{
  ?e a mlkg:Entity .
  GRAPH ?g {{ ?e a ?type }} {_ASSERTED}
  OPTIONAL {{ ?type rdfs:label ?typelabel }}
  OPTIONAL {{ ?e skos:prefLabel ?label }}
  OPTIONAL {{ ?e skos:definition ?definition }}
}}"""

_LITERALS = f"""
SELECT ?e ?p ?o ?plabel ?g WHERE {{
  ?e a mlkg:Entity .
  GRAPH ?g {{ ?e ?p ?o }} {_ASSERTED}
  FILTER(isLiteral(?o) && ?p NOT IN (skos:prefLabel, skos:definition))
  OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""

_LINKS = f"""
SELECT ?e ?p ?o ?olabel ?ourl WHERE {{
  VALUES ?p {{ mlkg:ecosystem mlkg:status prov:wasDerivedFrom mlkg:function }}
  ?e a mlkg:Entity .
  GRAPH ?g {{ ?e ?p ?o }} {_ASSERTED}
  OPTIONAL {{ ?o skos:prefLabel ?l1 }} OPTIONAL {{ ?o rdfs:label ?l2 }} OPTIONAL {{ ?o dcterms:title ?l3 }}
  BIND(COALESCE(?l1, ?l2, ?l3) AS ?olabel)
  OPTIONAL {{ ?o schema:url ?ourl }}
}}"""

_EDGES = f"""
SELECT DISTINCT ?s ?p ?o ?plabel WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} {_ASSERTED}
  FILTER(isIRI(?o) && ?p != rdf:type)
  ?s a mlkg:Entity . ?o a mlkg:Entity .
  OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""

_CORRESPONDENCES = f"""
SELECT ?c ?tool ?label ?strength ?basis ?fn ?fnlabel ?evidence ?until ?src ?srclabel WHERE {{
  GRAPH ?g {{ ?c a mlkg:Correspondence ; mlkg:tool ?tool }} {_ASSERTED}
  OPTIONAL {{ ?c rdfs:label ?label }}
  OPTIONAL {{ ?c mlkg:strength ?strength }}
  OPTIONAL {{ ?c mlkg:basis ?basis }}
  OPTIONAL {{ ?c mlkg:function ?fn OPTIONAL {{ ?fn skos:prefLabel ?fnlabel }} }}
  OPTIONAL {{ ?c mlkg:evidence ?evidence }}
  OPTIONAL {{ ?c mlkg:validUntil ?until }}
  OPTIONAL {{ ?c prov:wasDerivedFrom ?src
             OPTIONAL {{ ?src rdfs:label ?s1 }} OPTIONAL {{ ?src dcterms:title ?s2 }}
             BIND(COALESCE(?s1, ?s2) AS ?srclabel) }}
}}"""

COUNTERPART = MLKG + "counterpartOf"


def _text(row: dict[str, Any], var: str) -> str | None:
    term = row.get(var)
    return None if term is None else str(term.value)


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
    for row in kg.query(_NODES).bindings():
        iri = row["e"].value
        node = local_name(iri)
        if node in graph:  # a second asserted type or label: keep the first, deterministically
            continue
        kind = local_name(row["type"].value)
        graph.add_node(
            node,
            iri=iri,
            label=_text(row, "label") or node,
            type=kind,
            kind=kind,
            kind_label=_text(row, "typelabel") or kind,
            definition=_text(row, "definition") or "",
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
    _add_literals(kg, graph)
    _add_links(kg, graph)
    for row in kg.query(_EDGES).bindings():
        source, target = local_name(row["s"].value), local_name(row["o"].value)
        if source in graph and target in graph:
            predicate = row["p"].value
            graph.add_edge(
                source,
                target,
                key=predicate,
                kind="relation",
                predicate=predicate,
                label=_text(row, "plabel") or property_label(predicate),
            )
    _add_counterparts(kg, graph)
    if not details:
        _keep_plain(graph)
    return graph


def _keep_plain(graph: nx.MultiDiGraph) -> None:
    """Drop list-valued and missing attributes, leaving strings only."""
    attr_dicts = [attrs for _, attrs in graph.nodes(data=True)]
    attr_dicts += [attrs for _, _, attrs in graph.edges(data=True)]
    for attrs in attr_dicts:
        for key in [k for k, v in attrs.items() if not isinstance(v, str)]:
            del attrs[key]


def _add_literals(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    for row in kg.query(_LITERALS).bindings():
        node = local_name(row["e"].value)
        if node not in graph:
            continue
        attrs = graph.nodes[node]
        predicate, literal = row["p"].value, row["o"]
        value = str(literal.value)
        if predicate == SKOS + "altLabel":
            if value not in attrs["alt_labels"]:
                attrs["alt_labels"].append(value)
            continue
        if predicate in (MLKG + "statusSince", MLKG + "statusObservedOn"):
            attrs["status_since" if predicate == MLKG + "statusSince" else "status_observed_on"] = value
            continue
        label = _text(row, "plabel") or property_label(predicate)
        fact = {"property": predicate, "label": label, "value": value}
        datatype = getattr(getattr(literal, "datatype", None), "value", None)
        if datatype in DATE_TYPES:
            fact["graph"] = layer_of(row["g"].value)
        _add_unique(attrs["dates"] if datatype in DATE_TYPES else attrs["facts"], fact)
    for _, attrs in graph.nodes(data=True):
        attrs["dates"] = _one_current_value(attrs["dates"])
        attrs["alt_labels"].sort(key=str.casefold)
        attrs["dates"].sort(key=lambda d: d["value"])
        attrs["facts"].sort(key=lambda f: (f["label"], f["value"]))


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


def _add_links(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    ecosystems: set[str] = set()
    for row in kg.query(_LINKS).bindings():
        node = local_name(row["e"].value)
        if node not in graph:
            continue
        attrs = graph.nodes[node]
        predicate, target = row["p"].value, row["o"].value
        target_id = local_name(target)
        label = _text(row, "olabel") or target_id
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
        elif predicate == PROV + "wasDerivedFrom":
            source = {"id": target_id, "label": label}
            url = _text(row, "ourl")
            if url:
                source["url"] = url
            _add_unique(attrs["sources"], source)
    for _, attrs in graph.nodes(data=True):
        _by_label(attrs["functions"])
        _by_label(attrs["sources"])
    for node in ecosystems:  # a framework that others belong to is its own ecosystem
        if node in graph and graph.nodes[node]["ecosystem"] is None:
            graph.nodes[node]["ecosystem"] = node


def _add_counterparts(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    found: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"tools": set(), "functions": [], "sources": [], "label": None}
    )
    for row in kg.query(_CORRESPONDENCES).bindings():
        corr = found[row["c"].value]
        corr["tools"].add(local_name(row["tool"].value))
        for var in ("label", "evidence", "until"):
            corr[var] = corr.get(var) or _text(row, var)
        # the individuals' local names ("Close", "Stated"), as GraphML and the pictures carry them
        strength, basis = _text(row, "strength"), _text(row, "basis")
        corr["strength"] = corr.get("strength") or (Strength.of(strength).term if strength else None)
        corr["basis"] = corr.get("basis") or (Basis.of(basis).term if basis else None)
        if "fn" in row:
            fn = row["fn"].value
            _add_unique(
                corr["functions"], {"id": local_name(fn), "label": _text(row, "fnlabel") or local_name(fn)}
            )
        if "src" in row:
            src = row["src"].value
            _add_unique(
                corr["sources"], {"id": local_name(src), "label": _text(row, "srclabel") or local_name(src)}
            )
    for iri, corr in sorted(found.items()):
        _by_label(corr["functions"])
        _by_label(corr["sources"])
        tools = sorted(t for t in corr["tools"] if t in graph)
        if len(tools) != 2:
            continue
        graph.add_edge(
            tools[0],
            tools[1],
            key=iri,
            kind="counterpart",
            predicate=COUNTERPART,
            label="counterpart of",
            title=corr["label"] or f"{tools[0]} corresponds to {tools[1]}",
            correspondence=local_name(iri),
            strength=corr["strength"],
            basis=corr["basis"],
            functions=corr["functions"],
            evidence=corr["evidence"] or "",
            valid_until=corr["until"],
            sources=corr["sources"],
            current=holds_today(
                corr["until"], graph.nodes[tools[0]]["status"], graph.nodes[tools[1]]["status"]
            ),
        )
