"""Readable names for the pages: the ontology's classes and properties (for the query editor's
completion and the entity page's property labels, both ways), and example queries without the
PREFIX block the endpoint predeclares anyway. Display only; nothing here changes an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from mlkg.ontology import MLKG, ONTOLOGY_PATH, OWL, PREFIXES, RDF, RDFS, SCHEMA, SKOS
from mlkg.viz import safe_json

_LABEL = (RDFS + "label", SKOS + "prefLabel")
_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_PROPERTY_TYPES = {
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    RDF + "Property",
}
_SYMMETRIC = OWL + "SymmetricProperty"

#: Names for the schema.org / OWL properties the data uses without an rdfs:label of ours.
_FORWARD = {
    SCHEMA + "codeRepository": "code repository",
    SCHEMA + "dateCreated": "date created",
    SCHEMA + "datePublished": "date published",
    SCHEMA + "sameAs": "same as",
    SCHEMA + "url": "homepage",
    SCHEMA + "programmingLanguage": "programming language",
    SCHEMA + "parentOrganization": "parent organisation",
    SCHEMA + "isPartOf": "part of",
    SCHEMA + "hasPart": "has part",
    OWL + "sameAs": "same as",
}
#: How a property reads from its object's side, where the ontology has no owl:inverseOf.
_INVERSE = {
    SCHEMA + "isPartOf": "has part",
    SCHEMA + "hasPart": "part of",
    SCHEMA + "author": "author of",
    SCHEMA + "creator": "creator of",
    SCHEMA + "contributor": "contributor to",
    SCHEMA + "maintainer": "maintainer of",
    SCHEMA + "parentOrganization": "parent organisation of",
    SCHEMA + "subOrganization": "sub-organisation of",
    SCHEMA + "memberOf": "has member",
    SCHEMA + "founder": "founder of",
    SCHEMA + "sameAs": "same as",
    MLKG + "integratesWith": "integrated by",
    MLKG + "buildsOn": "foundation of",
    MLKG + "hostsModelsFor": "models hosted on",
    MLKG + "originatedIn": "origin of",
    MLKG + "usedBy": "uses",
}
#: Inverse phrases by the forward label's last word ("developed by" -> "developer of").
_BY_VERB = {"developed": "developer of", "governed": "governs", "maintained": "maintainer of"}


@dataclass(frozen=True)
class Term:
    iri: str
    label: str
    kind: str  # "class" or "property"
    comment: str = ""
    inverse_of: str | None = None
    symmetric: bool = False


def _camel_words(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _local(iri: str) -> str:
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


@lru_cache(maxsize=1)
def ontology_terms() -> dict[str, Term]:
    """Every class and property the ontology declares, by IRI."""
    store = ox.Store()
    store.load(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE)
    types: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    inverse: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, None, None):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == RDF + "type" and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
        elif p in _LABEL and isinstance(o, ox.Literal) and (o.language in (None, "en")):
            labels.setdefault(s.value, o.value)
        elif p == RDFS + "comment" and isinstance(o, ox.Literal):
            comments.setdefault(s.value, o.value)
        elif p == OWL + "inverseOf" and isinstance(o, ox.NamedNode):
            inverse[s.value] = o.value
            inverse.setdefault(o.value, s.value)
    terms: dict[str, Term] = {}
    for iri, kinds in types.items():
        kind = "class" if kinds & _CLASS_TYPES else "property" if kinds & _PROPERTY_TYPES else ""
        if not kind:
            continue
        terms[iri] = Term(
            iri,
            labels.get(iri) or _camel_words(_local(iri)),
            kind,
            comments.get(iri, ""),
            inverse.get(iri),
            _SYMMETRIC in kinds,
        )
    return terms


def type_label(name: str) -> str:
    """A class's readable name from its local name: ``OnDeviceTool`` -> ``On-device / mobile tool``."""
    term = ontology_terms().get(MLKG + name)
    label = term.label if term and term.kind == "class" else _camel_words(name)
    return label[:1].upper() + label[1:]


@lru_cache(maxsize=1)
def type_labels_json() -> str:
    """Every class's readable name by local name, as JSON safe inside a <script> element."""
    labels = {
        iri[len(MLKG) :]: type_label(iri[len(MLKG) :])
        for iri, term in ontology_terms().items()
        if term.kind == "class" and iri.startswith(MLKG)
    }
    return safe_json(dict(sorted(labels.items())))


def compact(iri: str) -> str:
    """``mlkg:Framework`` for an IRI under a predeclared prefix, else the IRI."""
    for name, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{name}:{iri[len(base) :]}"
    return iri


def completion_terms() -> list[dict[str, str]]:
    """The ontology's classes and properties as the query editor completes them."""
    out = [
        {"name": compact(t.iri), "kind": t.kind, "label": t.label}
        for t in ontology_terms().values()
        if compact(t.iri) != t.iri
    ]
    out.sort(key=lambda t: (t["kind"], t["name"].casefold()))
    return out


#: Terms from other vocabularies the data uses, offered by the editor after their prefix.
COMMON_TERMS: tuple[dict[str, str], ...] = tuple(
    {"name": name, "kind": kind, "label": label}
    for name, kind, label in (
        ("rdf:type", "property", "type"),
        ("rdfs:label", "property", "label"),
        ("rdfs:comment", "property", "comment"),
        ("rdfs:subClassOf", "property", "subclass of"),
        ("skos:prefLabel", "property", "preferred label"),
        ("skos:altLabel", "property", "alternative label"),
        ("skos:definition", "property", "definition"),
        ("prov:wasDerivedFrom", "property", "derived from (source)"),
        ("owl:sameAs", "property", "same as"),
        ("schema:url", "property", "homepage"),
        ("schema:codeRepository", "property", "code repository"),
        ("schema:sameAs", "property", "same as"),
        ("schema:dateCreated", "property", "date created"),
        ("schema:datePublished", "property", "date published"),
        ("schema:isPartOf", "property", "part of"),
        ("schema:author", "property", "author"),
        ("schema:creator", "property", "creator"),
        ("schema:contributor", "property", "contributor"),
        ("schema:programmingLanguage", "property", "programming language"),
        ("dcterms:title", "property", "title"),
        ("xsd:date", "datatype", "date"),
        ("xsd:integer", "datatype", "integer"),
        ("xsd:string", "datatype", "string"),
    )
)


def property_label(iri: str, fallback: str = "", *, inverse: bool = False) -> str:
    """How the property ``iri`` reads on the subject's page, or (``inverse``) on the object's."""
    terms = ontology_terms()
    term = terms.get(iri)
    forward = term.label if term else _FORWARD.get(iri) or _camel_words(fallback or _local(iri))
    if not inverse:
        return forward
    if term and term.symmetric:
        return forward
    if term and term.inverse_of and term.inverse_of in terms:
        return terms[term.inverse_of].label
    if iri in _INVERSE:
        return _INVERSE[iri]
    words = forward.split()
    if len(words) >= 2 and words[-1] == "by":
        verb = " ".join(words[:-1])
        return _BY_VERB.get(verb, f"{verb} (by this)")
    if len(words) >= 2 and words[-1] == "of":  # "release of" -> "has release"
        return "has " + " ".join(words[:-1])
    if words and words[-1] in ("with", "for", "on", "in", "from", "to", "into"):
        return f"{forward} (from the other side)"
    return f"{forward} of"


_PREFIX_LINE = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*$", re.IGNORECASE)


def without_predeclared_prefixes(query: str) -> str:
    """The query minus PREFIX lines the endpoint declares the same way anyway (and the blank
    line they leave); a prefix declared differently stays."""
    kept: list[str] = []
    for line in query.splitlines():
        match = _PREFIX_LINE.match(line)
        if match and PREFIXES.get(match.group(1) or "") == match.group(2):
            continue
        if not line.strip() and (not kept or not kept[-1].strip()):
            continue  # no run of blank lines where the block was, none at the start
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"
