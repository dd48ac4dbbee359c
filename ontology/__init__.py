"""The mlkg vocabulary: namespaces and the paths of the ontology and SHACL shapes.

>>> from mlkg.ontology import MLKG, entity_iri
>>> entity_iri("TorchServe")
'https://w3id.org/mlkg/entity/TorchServe'
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DCTERMS",
    "ENT",
    "FN",
    "GRAPH",
    "MLKG",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_PATH",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SHAPES_PATH",
    "SKOS",
    "SRC",
    "XSD",
    "entity_iri",
    "local_name",
    "sparql_prefixes",
]

_HERE = Path(__file__).resolve().parent
ONTOLOGY_PATH = _HERE / "mlkg.ttl"
SHAPES_PATH = _HERE / "shapes.ttl"

MLKG = "https://w3id.org/mlkg/ontology#"
ENT = "https://w3id.org/mlkg/entity/"
FN = "https://w3id.org/mlkg/function/"
SRC = "https://w3id.org/mlkg/source/"
GRAPH = "https://w3id.org/mlkg/graph/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

#: Prefixes predeclared for every query (CLI, /sparql, the query page).
PREFIXES: dict[str, str] = {
    "mlkg": MLKG,
    "ent": ENT,
    "fn": FN,
    "src": SRC,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
}

ONTOLOGY_GRAPH = GRAPH + "ontology"


def entity_iri(name: str) -> str:
    """The IRI of the entity with local name ``name``."""
    return ENT + name


def local_name(iri: str) -> str:
    """The part of ``iri`` after the last ``/`` or ``#``: the id used in URLs."""
    cut = max(iri.rfind("/"), iri.rfind("#"))
    return iri[cut + 1 :]


def sparql_prefixes() -> str:
    """``PREFIX`` lines for :data:`PREFIXES`, for showing in editors and docs."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
