"""SHACL validation of the asserted data, each violation named by the file that holds it.

Every constraint runs in Oxigraph, over all focus nodes at once: the SHACL-SPARQL ones
(``sh:sparql``) as written, the core ones translated to SPARQL by :mod:`._shacl_core`
(pyshacl took ~95% of a 10^6-triple start: 220 s and 2.8 GB; it stays as the reference the
tests hold this validator to, tests/graph/test_shacl_core.py). The queries read the loaded store
itself, its asserted graphs as the default graph: nothing is copied.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mlkg.ontology import ONTOLOGY_GRAPH, RDF, RDFS, SHAPES_PATH

from ._errors import Violation
from ._loading import INFERRED_GRAPH, SourceFile, layer_graph

Term = Any  # an ox.NamedNode, ox.BlankNode or ox.Literal

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
    this validator's code and pyoxigraph's version. Equal keys mean an equal verdict."""
    import hashlib

    from ._loading import fingerprint
    from ._shacl_core import __file__ as core_file

    digest = hashlib.sha256(fingerprint(files).encode())
    digest.update(SHAPES_PATH.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(core_file).read_bytes())
    digest.update(ox.__version__.encode())
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


def validate_loaded(store: ox.Store, files: Sequence[SourceFile]) -> list[Violation]:
    """:func:`validate_store` over ``store`` as just loaded from ``files``."""
    return validate_store(store, {f.graph: str(f.path) for f in files})


def validate_store(store: ox.Store, graph_files: Mapping[str, str]) -> list[Violation]:
    """Check every asserted graph of ``store`` against the shapes; [] when all conform.

    ``graph_files`` maps named-graph IRIs to the file they came from, so each violation
    can say which file holds the offending node. The inferred graph, if any, is left out.
    Raises :class:`._shacl_core.UnsupportedShape` if a shape uses SHACL not translated.
    """
    graphs = [
        g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value == INFERRED_GRAPH)
    ]
    data: dict[str, Any] = {"use_default_graph_as_union": True}
    if len(graphs) < sum(1 for _ in store.named_graphs()) or _has_default_graph(store):
        # Something to leave out (the inferred graph) or to take in (the default graph): copy the
        # asserted quads to a store of their own, as the queries' union of named graphs. A
        # dataset listing the graphs instead costs every lookup once per graph: 3x the time.
        asserted = ox.Store()
        for graph in [ox.DefaultGraph(), *graphs]:
            name = graph if isinstance(graph, ox.NamedNode | ox.BlankNode) else ox.NamedNode(_DEFAULT_GRAPH)
            asserted.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, name)
                for q in store.quads_for_pattern(None, None, None, graph)
            )
        store = asserted
    shapes = ox.Store()
    shapes.load(path=str(SHAPES_PATH), format=ox.RdfFormat.TURTLE)
    found = _all_violations(store, shapes, data)
    owners = _owners(store, {focus for focus, _, _ in found}, graph_files)
    fallback = graph_files.get(ONTOLOGY_GRAPH, "ontology")
    violations = {
        Violation(owners.get(focus.value, fallback), focus.value, path, message)
        for focus, path, message in found
    }
    return sorted(violations, key=lambda v: (v.file, v.focus_node, v.path or "", v.message))


_DEFAULT_GRAPH = "urn:x-mlkg:default-graph"  # the default graph's quads, in a copy


def _has_default_graph(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def _owners(store: ox.Store, nodes: set[Term], graph_files: Mapping[str, str]) -> dict[str, str]:
    """The file each node is described in: of the data files holding a triple about it, the
    first in load order (the ontology and the inferred graph do not count)."""
    order = {graph: i for i, graph in enumerate(graph_files)}
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue
        graphs = set()
        for quad in store.quads_for_pattern(node, None, None, None):
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graph = "" if graph == _DEFAULT_GRAPH else layer_graph(graph)  # a source's file
            if graph not in (INFERRED_GRAPH, ONTOLOGY_GRAPH):
                graphs.add(graph)
        if graphs:
            first = min(graphs, key=lambda g: (order.get(g, len(order)), g))
            out[node.value] = graph_files.get(first, first)
    return out


Found = list[tuple[Term, str | None, str]]  # focus node, path, message


def _select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    answer = store.query(query, **options)
    assert isinstance(answer, ox.QuerySolutions), "a SELECT query answers with solutions"
    return answer


def _core_violations(store: ox.Store, shapes: ox.Store, data: dict[str, Any]) -> Found:
    """The core constraints alone (the tests hold them to pyshacl's)."""
    from ._shacl_core import core_checks

    checks = core_checks(shapes, lambda query: _select(store, query, **data))
    queries = _queries(checks)
    answers = dict(zip(queries, _in_threads(_runner(store, data), queries), strict=True))
    return _core_found(store, checks, answers, data)


def _queries(checks: Sequence[Any]) -> list[str]:
    return list(dict.fromkeys(check.query for check in checks))


Answer = tuple[set[str], list[ox.QuerySolution]]  # the variables, the rows binding ?this


def _runner(store: ox.Store, data: dict[str, Any], **options: Any) -> Callable[[str], Answer]:
    def run(query: str) -> Answer:
        results = _select(store, query, **options, **data)
        return {v.value for v in results.variables}, [row for row in results if row["this"] is not None]

    return run


def _core_found(
    store: ox.Store, checks: Sequence[Any], answers: Mapping[str, Answer], data: dict[str, Any]
) -> Found:
    """Each check's answers as (focus, path, message); candidates kept only if focus nodes."""
    out: Found = []
    for check in checks:
        rows = answers[check.query][1]
        if not rows:
            continue
        if check.focus is not None:
            rows = [
                r
                for r in rows
                if r["this"] in _focus_among(store, check.focus, {r["this"] for r in rows}, data)
            ]
        for row in rows:
            path, message = check.outcomes[int(row["_k"].value) if len(check.outcomes) > 1 else 0]
            out.append((row["this"], path, message))
    return out


def _focus_among(store: ox.Store, focus: str, terms: set[Term], data: dict[str, Any]) -> set[Term]:
    """Which of ``terms`` the ``focus`` pattern (binding ?this) holds for."""
    found: set[Term] = set()
    listed = [t for t in terms if not isinstance(t, ox.BlankNode)]  # VALUES takes no blank node
    if listed:
        values = " ".join(str(t) for t in listed)
        query = f"SELECT DISTINCT ?this WHERE {{ VALUES ?this {{ {values} }} {{ {focus} }} }}"
        found.update(r["this"] for r in _select(store, query, **data))
    for blank in terms - set(listed):
        query = f"SELECT ?this WHERE {{ {focus} }} LIMIT 1"
        if any(True for _ in _select(store, query, substitutions={ox.Variable("this"): blank}, **data)):
            found.add(blank)
    return found


def _in_threads(work: Any, items: Sequence[Any]) -> list[Any]:
    """``work`` over ``items`` on two threads, in order: Oxigraph lets go of the GIL while it
    evaluates, so two queries run at once."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="shacl") as pool:
        return list(pool.map(work, items))


def _all_violations(store: ox.Store, shapes: ox.Store, data: dict[str, Any]) -> Found:
    """Core and SHACL-SPARQL constraints, every query on one pool of two threads."""
    from ._shacl_core import core_checks

    checks = core_checks(shapes, lambda query: _select(store, query, **data))  # or refused, before any runs
    constraints = _sparql_constraints(shapes)
    core = _queries(checks)
    jobs: list[tuple[str, dict[str, str]]] = [(q, {}) for q in core] + [(c[1], c[3]) for c in constraints]

    def run(job: tuple[str, dict[str, str]]) -> Answer:
        query, prefixes = job
        return _runner(store, data, prefixes=prefixes)(query)

    answers = _in_threads(run, jobs)
    found = _core_found(store, checks, dict(zip(core, answers[: len(core)], strict=True)), data)
    return found + _sparql_found(store, shapes, constraints, answers[len(core) :], data)


def _sparql_constraints(shapes: ox.Store) -> list[tuple[Any, str, Any, dict[str, str]]]:
    """(shape, query with $this left free, message, prefixes) of every sh:sparql constraint:
    one evaluation yields the rows of every focus node at once."""
    out = []
    for row in _select(shapes, _SPARQL_CONSTRAINTS):
        prefixes = {
            str(p["prefix"].value): str(p["namespace"].value)
            for p in _select(
                shapes, _PREFIX_DECLARATIONS, substitutions={ox.Variable("constraint"): row["constraint"]}
            )
        }
        out.append((row["shape"], row["select"].value.replace("$this", "?this"), row["message"], prefixes))
    return out


def _sparql_violations(store: ox.Store, shapes: ox.Store, data: dict[str, Any]) -> Found:
    constraints = _sparql_constraints(shapes)
    answers = [_runner(store, data, prefixes=c[3])(c[1]) for c in constraints]
    return _sparql_found(store, shapes, constraints, answers, data)


def _sparql_found(
    store: ox.Store,
    shapes: ox.Store,
    constraints: Sequence[tuple[Any, str, Any, dict[str, str]]],
    answers: Sequence[Answer],
    data: dict[str, Any],
) -> Found:
    out: Found = []
    focus_of: dict[Any, set[Term]] = {}
    for (shape, _query, message, _prefixes), (names, hits) in zip(constraints, answers, strict=True):
        if hits and shape not in focus_of:  # focus nodes worked out only for a shape with answers
            focus_of[shape] = _focus_nodes(store, shapes, shape, data)
        for hit in hits:
            this = hit["this"]
            if this not in focus_of[shape]:
                continue
            text = message.value if message is not None else "violates a SPARQL constraint"
            text = _TEMPLATE.sub(lambda m, h=hit, n=names: _term_text(h, m.group(1), n), text)
            path = hit["path"] if "path" in names else None
            out.append((this, path.value if path is not None else None, text))
    return out


def _term_text(hit: ox.QuerySolution, name: str, names: set[str]) -> str:
    """A message placeholder's value; an unknown placeholder stays as written."""
    if name not in names:
        return "{?" + name + "}"
    value = hit[name]
    return value.value if value is not None else ""


def _focus_nodes(
    store: ox.Store, shapes: ox.Store, shape: ox.NamedNode | ox.BlankNode, data: dict[str, Any]
) -> set[Term]:
    nodes: set[Term] = set()
    for kind, pattern in _TARGETS.items():
        for quad in shapes.quads_for_pattern(shape, ox.NamedNode(SH + kind), None, None):
            query = f"SELECT DISTINCT ?this ?t WHERE {{ {pattern} }}"
            rows = _select(store, query, substitutions={ox.Variable("t"): quad.object}, **data)
            nodes.update(r["this"] for r in rows if r["this"] is not None)
    return nodes
