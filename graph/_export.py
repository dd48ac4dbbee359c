"""The whole dataset written out in one of the export formats: RDF (the union of the graphs
as Turtle, or every named graph as TriG, N-Quads or JSON-LD), the network projection as
GraphML, or the counterpart mappings as an SSSOM table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._formats import FORMATS, Format, by_name

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["EXPORT_FORMATS", "export_bytes"]

#: The formats :func:`export_bytes` writes, by name.
EXPORT_FORMATS: tuple[str, ...] = ("turtle", "trig", "nquads", "jsonld", "graphml", "sssom")


def export_format(name: str) -> Format:
    """The export format called ``name``; :class:`UnsupportedFormat` naming the ones there are."""
    return by_name(name, EXPORT_FORMATS, what="export format")


def export_bytes(kg: KnowledgeGraph, name: str) -> bytes:
    """The dataset of ``kg`` as the export format ``name`` (see :data:`EXPORT_FORMATS`),
    sorted so that equal data gives equal bytes."""
    fmt = export_format(name)
    if fmt.name == "sssom":
        from ._sssom import sssom_tsv

        return sssom_tsv(kg).encode()
    if fmt.name == "graphml":
        import io

        import networkx as nx

        from ._projection import to_networkx

        buffer = io.BytesIO()
        nx.write_graphml(nx.DiGraph(to_networkx(kg)), buffer)  # GraphML keys must be plain values
        return buffer.getvalue()
    import pyoxigraph as ox

    from ._results import serialize_triples

    assert fmt.rdf_format is not None
    quads = kg.quads()
    if fmt.kind == "graph":  # the union of the graphs: each triple once
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        return serialize_triples(sorted(triples, key=str), fmt.rdf_format)
    from mlkg.ontology import PREFIXES

    prefixes = PREFIXES if fmt is FORMATS["trig"] else None
    return ox.serialize(sorted(quads, key=str), format=fmt.rdf_format, prefixes=prefixes) or b""
