"""SHACL validation of the asserted data (pyshacl), each violation named by its file."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from mlkg.ontology import ONTOLOGY_GRAPH, SHAPES_PATH

from ._errors import Violation
from ._loading import INFERRED_GRAPH

_SH = "http://www.w3.org/ns/shacl#"


def validate_store(store: ox.Store, graph_files: Mapping[str, str]) -> list[Violation]:
    """Check every asserted graph of ``store`` against the shapes; [] when all conform.

    ``graph_files`` maps named-graph IRIs to the file they came from, so each violation
    can say which file holds the offending node.
    """
    import rdflib
    from pyshacl import validate

    asserted = rdflib.Graph()
    ontology = rdflib.Graph()
    owner: dict[str, str] = {}
    for quad in store:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph == INFERRED_GRAPH:
            continue
        triple = (_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object))
        (ontology if graph == ONTOLOGY_GRAPH else asserted).add(triple)  # type: ignore[arg-type]
        owner.setdefault(str(quad.subject.value), graph_files.get(graph, graph))
    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    conforms, report, _text = validate(
        asserted + ontology,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
    )
    if conforms:
        return []
    sh = rdflib.Namespace(_SH)
    out: list[Violation] = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = report.value(result, sh.resultSeverity)
        if severity is not None and severity != sh.Violation:
            continue
        focus = str(report.value(result, sh.focusNode))
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        out.append(
            Violation(
                file=owner.get(focus, "?"),
                focus_node=focus,
                path=str(path) if path is not None else None,
                message=str(message) if message is not None else "violates a shape",
            )
        )
    return sorted(out, key=lambda v: (v.file, v.focus_node, v.path or "", v.message))


def _to_rdflib(term: object) -> object:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")
