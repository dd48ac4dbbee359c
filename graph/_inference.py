"""Materialising what the ontology implies and queries need, into its own named graph.

Rules run as SPARQL Update inside the store (no per-triple Python loop over the data), in an
order where each rule sees what the ones before it added. The class and property
hierarchies are small, so their transitive closures are worked out in Python and handed to
the updates as VALUES.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from mlkg.ontology import MLKG, OWL, RDF, RDFS

from ._loading import INFERRED_GRAPH

_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "mlkg": MLKG}

_PAIRWISE_RULES: tuple[str, ...] = (
    # A Correspondence links its two tools as counterparts.
    """INSERT { GRAPH <%(inf)s> { ?a mlkg:counterpartOf ?b } }
    WHERE { GRAPH ?g1 { ?c a mlkg:Correspondence ; mlkg:tool ?a, ?b } FILTER(?a != ?b)
            FILTER NOT EXISTS { GRAPH ?g2 { ?a mlkg:counterpartOf ?b } } }""",
    # Symmetric properties hold both ways.
    """INSERT { GRAPH <%(inf)s> { ?o ?p ?s } }
    WHERE { GRAPH ?g1 { ?p a owl:SymmetricProperty } GRAPH ?g2 { ?s ?p ?o }
            FILTER(!isLiteral(?o)) FILTER NOT EXISTS { GRAPH ?g3 { ?o ?p ?s } } }""",
    # Inverse properties hold both ways.
    """INSERT { GRAPH <%(inf)s> { ?o ?q ?s } }
    WHERE { GRAPH ?g1 { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } }
            GRAPH ?g2 { ?s ?p ?o } FILTER(!isLiteral(?o))
            FILTER NOT EXISTS { GRAPH ?g3 { ?o ?q ?s } } }""",
)

_SUPER_PROPERTY_RULE = """INSERT { GRAPH <%(inf)s> { ?s ?super ?o } }
WHERE { VALUES (?p ?super) { %(pairs)s } GRAPH ?g { ?s ?p ?o }
        FILTER NOT EXISTS { GRAPH ?g2 { ?s ?super ?o } } }"""

_SUPER_CLASS_RULE = """INSERT { GRAPH <%(inf)s> { ?x a ?super } }
WHERE { VALUES (?c ?super) { %(pairs)s } GRAPH ?g { ?x a ?c }
        FILTER NOT EXISTS { GRAPH ?g2 { ?x a ?super } } }"""


def materialise(store: ox.Store) -> None:
    """Add what the ontology implies to :data:`INFERRED_GRAPH` of ``store``."""
    for rule in _PAIRWISE_RULES:
        store.update(rule % {"inf": INFERRED_GRAPH}, prefixes=_PREFIXES)
    for predicate, rule in (
        (RDFS + "subPropertyOf", _SUPER_PROPERTY_RULE),
        (RDFS + "subClassOf", _SUPER_CLASS_RULE),
    ):
        pairs = _closure(store, predicate)
        if pairs:
            values = " ".join(f"(<{a}> <{b}>)" for a, b in sorted(pairs))
            store.update(rule % {"inf": INFERRED_GRAPH, "pairs": values})


def _closure(store: ox.Store, predicate: str) -> set[tuple[str, str]]:
    """Every (narrower, broader) pair of the transitive closure of ``predicate`` over IRIs."""
    broader: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            broader[quad.subject.value].add(quad.object.value)
    pairs: set[tuple[str, str]] = set()
    for start in broader:
        seen: set[str] = set()
        todo = list(broader[start])
        while todo:
            node = todo.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            todo.extend(broader.get(node, ()))
        pairs.update((start, up) for up in seen)
    return pairs
