"""SHACL validation of the asserted data, each violation named by the file that holds it.

pyshacl checks the core constraints. SHACL-SPARQL constraints (``sh:sparql``) are run here by
Oxigraph instead, once per constraint over every focus node: pyshacl parses and evaluates
them with rdflib once per focus node, which took ~50 s for our 3,000 triples.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mlkg.ontology import ONTOLOGY_GRAPH, RDF, RDFS, SHAPES_PATH

from ._errors import Violation
from ._loading import INFERRED_GRAPH, SourceFile, layer_graph

SH = "http://www.w3.org/ns/shacl#"
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")

_SPARQL_CONSTRAINTS = f"""
SELECT ?shape ?constraint ?select ?message WHERE {{
  ?shape <{SH}sparql> ?constraint .
  ?constraint <{SH}select> ?select .
  FILTER NOT EXISTS {{ ?constraint <{SH}deactivated> true }}
  OPTIONAL {{ ?constraint <{SH}message> ?message }}
}}"""

_PREFIX_DECLARATIONS = f"""
SELECT ?constraint ?prefix ?namespace WHERE {{
  ?constraint <{SH}prefixes> ?ontology . ?ontology <{SH}declare> ?d .
  ?d <{SH}prefix> ?prefix ; <{SH}namespace> ?namespace .
}}"""

#: How each SHACL target picks focus nodes, as a pattern binding ?this for target ?t.
_TARGETS = {
    "targetClass": f"?this <{RDF}type>/<{RDFS}subClassOf>* ?t .",
    "targetSubjectsOf": "?this ?t ?any .",
    "targetObjectsOf": "?any ?t ?this .",
    "targetNode": "BIND(?t AS ?this)",
}


def verdict_key(files: Sequence[SourceFile]) -> str:
    """A digest of everything a verdict depends on: the files' names and bytes, the shapes,
    this validator's code and pyshacl's version. Equal keys mean an equal verdict."""
    import hashlib
    from importlib.metadata import version

    from ._loading import fingerprint

    digest = hashlib.sha256(fingerprint(files).encode())
    digest.update(SHAPES_PATH.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(version("pyshacl").encode())
    return digest.hexdigest()


def _verdict_dir() -> Path:
    base = os.environ.get("MLKG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mlkg"
    )
    return Path(base) / "conforming"


def known_to_conform(files: Sequence[SourceFile]) -> bool:
    """Whether these exact files were validated before and conformed (a marker file per key)."""
    return (_verdict_dir() / verdict_key(files)).is_file()


def remember_conforming(files: Sequence[SourceFile]) -> None:
    """Note that these exact files conform, so the next start need not validate them again.

    Only conforming verdicts are kept: violations are always worked out (and reported) anew.
    A cache that cannot be written is no error: the next start validates again.
    """
    try:
        folder = _verdict_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / verdict_key(files)).touch()
    except OSError:
        pass


def validate_files_isolated(files: Sequence[SourceFile]) -> list[Violation]:
    """:func:`validate_store` over ``files``, run in a fresh child process.

    pyshacl builds an rdflib graph of the whole dataset: several times the memory of the
    Oxigraph store, and Python keeps that heap after the check. Run in a child, the server
    keeps only its store (the files are parsed once more there, which costs seconds, not
    gigabytes). Call it after the files parsed in this process, so parse errors come from here.
    """
    import concurrent.futures
    import multiprocessing

    spec = [(str(f.path), f.graph) for f in files]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        outcome = pool.submit(_validate_in_child, spec).result()
    if isinstance(outcome, str):
        from ._errors import MlkgError

        raise MlkgError(f"validation failed: {outcome}")
    return outcome


def _validate_in_child(spec: list[tuple[str, str]]) -> list[Violation] | str:
    from ._loading import SourceFile, load_files, rdf_format_for

    try:
        files = [SourceFile(Path(path), graph, rdf_format_for(Path(path))) for path, graph in spec]
        return validate_store(load_files(files), {f.graph: str(f.path) for f in files})
    except Exception as err:  # one line back to the parent, whatever it was
        return f"{type(err).__name__}: {err}"


def validate_store(store: ox.Store, graph_files: Mapping[str, str]) -> list[Violation]:
    """Check every asserted graph of ``store`` against the shapes; [] when all conform.

    ``graph_files`` maps named-graph IRIs to the file they came from, so each violation
    can say which file holds the offending node.
    """
    data = ox.Store()
    owner: dict[str, str] = {}
    for quad in store:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph == INFERRED_GRAPH:
            continue
        data.add(ox.Quad(quad.subject, quad.predicate, quad.object))
        if graph != ONTOLOGY_GRAPH:
            owner.setdefault(quad.subject.value, graph_files.get(layer_graph(graph), graph))
    shapes = ox.Store()
    shapes.load(path=str(SHAPES_PATH), format=ox.RdfFormat.TURTLE)
    found = _sparql_violations(data, shapes) + _core_violations(data, shapes)
    violations = {
        Violation(owner.get(focus, graph_files.get(ONTOLOGY_GRAPH, "ontology")), focus, path, message)
        for focus, path, message in found
    }
    return sorted(violations, key=lambda v: (v.file, v.focus_node, v.path or "", v.message))


def _select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    answer = store.query(query, **options)
    assert isinstance(answer, ox.QuerySolutions), "a SELECT query answers with solutions"
    return answer


def _sparql_violations(data: ox.Store, shapes: ox.Store) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    for row in _select(shapes, _SPARQL_CONSTRAINTS):
        shape, constraint, select, message = row["shape"], row["constraint"], row["select"], row["message"]
        prefixes = {
            str(p["prefix"].value): str(p["namespace"].value)
            for p in _select(
                shapes, _PREFIX_DECLARATIONS, substitutions={ox.Variable("constraint"): constraint}
            )
        }
        focus = _focus_nodes(data, shapes, shape)
        if not focus:
            continue
        # $this left free: one evaluation yields the rows of every focus node at once.
        query = select.value.replace("$this", "?this")
        results = _select(data, query, prefixes=prefixes)
        names = {v.value for v in results.variables}
        for hit in results:
            this = hit["this"]
            if this is None or this.value not in focus:
                continue
            text = message.value if message is not None else "violates a SPARQL constraint"
            text = _TEMPLATE.sub(lambda m, h=hit, n=names: _term_text(h, m.group(1), n), text)
            path = hit["path"] if "path" in names else None
            out.append((this.value, path.value if path is not None else None, text))
    return out


def _term_text(hit: ox.QuerySolution, name: str, names: set[str]) -> str:
    """A message placeholder's value; an unknown placeholder stays as written."""
    if name not in names:
        return "{?" + name + "}"
    value = hit[name]
    return value.value if value is not None else ""


def _focus_nodes(data: ox.Store, shapes: ox.Store, shape: ox.NamedNode | ox.BlankNode) -> set[str]:
    nodes: set[str] = set()
    for kind, pattern in _TARGETS.items():
        for quad in shapes.quads_for_pattern(shape, ox.NamedNode(SH + kind), None, None):
            query = f"SELECT DISTINCT ?this ?t WHERE {{ {pattern} }}"
            rows = _select(data, query, substitutions={ox.Variable("t"): quad.object})
            nodes.update(r["this"].value for r in rows if r["this"] is not None)
    return nodes


def _core_violations(data: ox.Store, shapes: ox.Store) -> list[tuple[str, str | None, str]]:
    """pyshacl over the shapes with their SPARQL constraints taken out (run above)."""
    import rdflib
    from pyshacl import validate

    core_shapes = rdflib.Graph()
    for quad in shapes:
        if quad.predicate.value == SH + "sparql":
            continue
        core_shapes.add(_triple_to_rdflib(quad))
    data_graph = rdflib.Graph()
    for quad in data:
        data_graph.add(_triple_to_rdflib(quad))
    conforms, report, _text = validate(
        data_graph, shacl_graph=core_shapes, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    sh = rdflib.Namespace(SH)
    out: list[tuple[str, str | None, str]] = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = report.value(result, sh.resultSeverity)
        if severity is not None and severity != sh.Violation:
            continue
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        out.append(
            (
                str(report.value(result, sh.focusNode)),
                str(path) if isinstance(path, rdflib.URIRef) else None,
                str(message) if message is not None else "violates a shape",
            )
        )
    return out


def _triple_to_rdflib(quad: ox.Quad) -> Any:
    return (_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object))


def _to_rdflib(term: object) -> Any:
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
