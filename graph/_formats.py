"""Every format mlkg reads or writes, in one registry: its name, the names people and clients
use for it, its media types and file suffixes, and what it holds.

``/sparql``, ``/entity``, ``mlkg query``, ``mlkg export`` and the data loader all read this
table, so a format is added or renamed in one place.

>>> FORMATS["turtle"].media_type, FORMATS["turtle"].suffix
('text/turtle', '.ttl')
>>> format_for("xml", "graph"), format_for("xml", "solutions"), format_for("csv", "graph")
('application/rdf+xml', 'application/sparql-results+xml', None)
>>> resolve_format("ttl")
'text/turtle'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import pyoxigraph as ox

from ._errors import UnsupportedFormat

__all__ = [
    "FORMATS",
    "Format",
    "FormatKind",
    "format_for",
    "format_names",
    "media_types_for",
    "resolve_format",
]

#: What a format holds: SPARQL solutions (SELECT/ASK), triples, quads, a mapping table, or
#: the network projection.
FormatKind = Literal["solutions", "graph", "dataset", "table", "network"]


@dataclass(frozen=True)
class Format:
    """One format. ``media_types`` and ``suffixes`` list the canonical one first, then other
    names clients send or files carry (``text/n3`` for Turtle, ``.owl`` for RDF/XML)."""

    name: str
    kind: FormatKind
    media_types: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    """Other short names for it (``ttl``); SPARQLWrapper's hints (``n3``, and ``xml``/``json``
    for RDF/XML and JSON-LD) too: a name is read for the answer's kind."""
    suffixes: tuple[str, ...] = ()
    rdf_format: ox.RdfFormat | None = None
    """The parser and writer of an RDF format (triples or quads)."""
    w3c_name: str | None = None
    """Its name under http://www.w3.org/ns/formats/ (the service description lists it)."""

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def suffix(self) -> str | None:
        return self.suffixes[0] if self.suffixes else None

    @property
    def answers(self) -> Literal["solutions", "graph"] | None:
        """The kind of SPARQL answer it can write: SELECT/ASK, CONSTRUCT/DESCRIBE, or none."""
        if self.kind == "solutions":
            return "solutions"
        return "graph" if self.rdf_format is not None else None

    def names(self) -> tuple[str, ...]:
        """Every name it goes by: its own, the aliases and the media types."""
        return (self.name, *self.aliases, *self.media_types)


_RDF = ox.RdfFormat
#: Every format by name, in order of preference (a query's default format first).
FORMATS: Mapping[str, Format] = MappingProxyType({f.name: f for f in (
    Format("json", "solutions", ("application/sparql-results+json", "application/json"),
           w3c_name="SPARQL_Results_JSON"),
    Format("xml", "solutions", ("application/sparql-results+xml", "application/xml", "text/xml"),
           w3c_name="SPARQL_Results_XML"),
    Format("csv", "solutions", ("text/csv",), w3c_name="SPARQL_Results_CSV"),
    Format("tsv", "solutions", ("text/tab-separated-values",), w3c_name="SPARQL_Results_TSV"),
    Format("turtle", "graph", ("text/turtle", "text/n3", "text/rdf+n3", "application/x-turtle"),
           ("ttl", "n3"), (".ttl", ".turtle"), _RDF.TURTLE, "Turtle"),
    Format("nt", "graph", ("application/n-triples",), ("ntriples",), (".nt",), _RDF.N_TRIPLES, "N-Triples"),
    Format("jsonld", "dataset", ("application/ld+json", "application/json"), ("json-ld", "json"),
           (".jsonld", ".json"), _RDF.JSON_LD, "JSON-LD"),
    Format("rdfxml", "graph", ("application/rdf+xml", "application/xml"), ("rdf", "rdf+xml", "xml"),
           (".rdf", ".owl"), _RDF.RDF_XML, "RDF_XML"),
    Format("nquads", "dataset", ("application/n-quads",), ("nq",), (".nq", ".nquads"), _RDF.N_QUADS,
           "N-Quads"),
    Format("trig", "dataset", ("application/trig",), (), (".trig",), _RDF.TRIG, "TriG"),
    Format("graphml", "network", ("application/graphml+xml",), (), (".graphml",)),
    Format("sssom", "table", ("text/tab-separated-values",), (), (".sssom.tsv",)),
)})  # fmt: skip


def answer_formats(kind: str) -> tuple[Format, ...]:
    """The formats an answer of ``kind`` (solutions, boolean or graph) can be written as,
    the default first."""
    wanted = "graph" if kind == "graph" else "solutions"
    return tuple(f for f in FORMATS.values() if f.answers == wanted)


def media_types_for(kind: str) -> list[str]:
    """The canonical media types an answer of ``kind`` can be written as, default first."""
    return [f.media_type for f in answer_formats(kind)]


def media_type_names(kind: str) -> dict[str, str]:
    """Every media type an answer of ``kind`` is asked for by -> its canonical one: the
    canonical ones first (server preference), then the other names clients send."""
    formats = answer_formats(kind)
    names = {f.media_type: f.media_type for f in formats}
    for f in formats:
        names.update((m, f.media_type) for m in f.media_types[1:] if m not in names)
    return names


def format_for(hint: str, kind: str) -> str | None:
    """The canonical media type a format hint (``format=``, ``output=``, ``results=``, a short
    name or a media type) asks for, read for an answer of ``kind`` (``xml`` is RDF/XML for a
    graph, SPARQL XML for solutions); None when the hint names no format that answer can take."""
    key = hint.strip().lower()
    for f in answer_formats(kind):
        if key in f.names():
            return f.media_type
    return None


def format_names() -> tuple[str, ...]:
    """Every name a query's format may be given by (short names and media types), sorted."""
    kinds = ("solutions", "graph")
    return tuple(sorted({name for kind in kinds for f in answer_formats(kind) for name in f.names()}))


def resolve_format(name: str) -> str:
    """The canonical media type for a query's format given by hand (``csv``, ``turtle``, a
    media type), whatever the query's form (``xml`` and ``json`` mean the SPARQL results)."""
    for kind in ("solutions", "graph"):
        found = format_for(name, kind)
        if found is not None:
            return found
    short = {n for kind in ("solutions", "graph") for f in answer_formats(kind) for n in (f.name, *f.aliases)}
    known = ", ".join(sorted(short))
    raise UnsupportedFormat(f"unknown format {name!r}; use one of: {known}")


def rdf_formats_by_suffix() -> dict[str, ox.RdfFormat]:
    """File suffix -> RDF parser, for every RDF format."""
    return {s: f.rdf_format for f in FORMATS.values() if f.rdf_format is not None for s in f.suffixes}


def by_name(name: str, among: tuple[str, ...] | None = None, *, what: str = "format") -> Format:
    """The format called ``name`` (its registry name), optionally only one of ``among``;
    :class:`UnsupportedFormat` naming the ones there are otherwise."""
    fmt = FORMATS.get(name)
    if fmt is None or (among is not None and name not in among):
        known = ", ".join(among if among is not None else FORMATS)
        raise UnsupportedFormat(f"unknown {what} {name!r}; use one of: {known}")
    return fmt


#: Canonical media type -> writer name, for SELECT/ASK answers (the default first).
SOLUTION_MEDIA_TYPES: Mapping[str, str] = MappingProxyType(
    {f.media_type: f.name for f in answer_formats("solutions")}
)
#: Canonical media type -> RDF format, for CONSTRUCT/DESCRIBE answers (the default first).
GRAPH_MEDIA_TYPES: Mapping[str, ox.RdfFormat] = MappingProxyType(
    {f.media_type: f.rdf_format for f in answer_formats("graph") if f.rdf_format is not None}
)
