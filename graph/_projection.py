"""The networkx projection: entities as nodes, relations between them as labelled edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlkg.ontology import ENT, ONTOLOGY_GRAPH, local_name

from ._loading import INFERRED_GRAPH

if TYPE_CHECKING:
    import networkx as nx

    from ._knowledge import KnowledgeGraph

_NODES = f"""
SELECT ?e ?label ?type WHERE {{
  GRAPH ?g {{ ?e a ?type }} FILTER(?g NOT IN (<{INFERRED_GRAPH}>, <{ONTOLOGY_GRAPH}>))
  FILTER(STRSTARTS(STR(?e), "{ENT}"))
  OPTIONAL {{ ?e skos:prefLabel ?label }}
}}"""

_EDGES = f"""
SELECT DISTINCT ?s ?p ?o ?plabel WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>)
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{ENT}") && STRSTARTS(STR(?o), "{ENT}"))
  FILTER(?p != rdf:type)
  OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Entities (typed IRIs under the entity namespace) and the asserted links between them.

    Node ids are the entities' local names (stable, unique); attributes ``iri``, ``label``
    and ``type`` (local name of the asserted class). Edge attributes: ``predicate`` (IRI) and
    ``label`` (the property's rdfs:label, else its local name).
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for row in kg.query(_NODES).bindings():
        iri = row["e"].value
        graph.add_node(
            local_name(iri),
            iri=iri,
            label=row["label"].value if "label" in row else local_name(iri),
            type=local_name(row["type"].value),
        )
    for row in kg.query(_EDGES).bindings():
        source, target = local_name(row["s"].value), local_name(row["o"].value)
        if source in graph and target in graph:
            predicate = row["p"].value
            label = row["plabel"].value if "plabel" in row else local_name(predicate)
            graph.add_edge(source, target, key=predicate, predicate=predicate, label=label)
    return graph
