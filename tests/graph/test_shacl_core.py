"""The core SHACL constraints, translated to SPARQL and run in Oxigraph (graph/_shacl_core.py),
give pyshacl's verdict: the same focus nodes, paths and messages, on the shipped data and on
a violating and a conforming example of every property shape in ontology/shapes.ttl."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from mlkg.graph._inference import materialise
from mlkg.graph._loading import INFERRED_GRAPH, discover, load_files
from mlkg.graph._shacl_core import UnsupportedShape, core_checks
from mlkg.graph._validation import _core_violations
from mlkg.ontology import SHAPES_PATH

SH = "http://www.w3.org/ns/shacl#"


def pyshacl_core(store: ox.Store, shapes: ox.Store) -> set[tuple[str, str | None, str]]:
    """The reference: pyshacl over the asserted graphs of ``store`` and the core shapes
    (the ``sh:sparql`` ones taken out), as (focus node, path, message)."""
    import rdflib
    from pyshacl import validate

    core_shapes = rdflib.Graph()
    for quad in shapes:
        if quad.predicate.value != SH + "sparql":
            core_shapes.add(_triple(quad))
    data = rdflib.Graph()
    for quad in store:
        if not (
            isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.endswith("/graph/inferred")
        ):
            data.add(_triple(quad))
    conforms, report, _ = validate(data, shacl_graph=core_shapes, inference="none", allow_warnings=True)
    if conforms:
        return set()
    sh = rdflib.Namespace(SH)
    out = set()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = report.value(result, sh.resultSeverity)
        if severity is not None and severity != sh.Violation:
            continue
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        out.add(
            (
                str(report.value(result, sh.focusNode)),
                str(path) if isinstance(path, rdflib.URIRef) else None,
                str(message) if message is not None else "violates a shape",
            )
        )
    return out


def _triple(quad: ox.Quad) -> Any:
    return (_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object))


def _rdflib(term: object) -> Any:
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


# -- the cross-check ---------------------------------------------------------------------

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
UNION = {"use_default_graph_as_union": True}

#: Values that break one constraint component or another, each put in place of a property's values.
BAD_VALUES: tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...] = (
    ox.Literal(""),
    ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("a label", language="en"),
    ox.NamedNode("https://example.org/untyped"),
    ox.NamedNode("http://example.org/not-https"),
    ox.BlankNode("bad"),
    ox.Literal("2020-02-30", datatype=ox.NamedNode(XSD + "date")),  # ill-typed, yet the pattern fits
    ox.Literal("2020", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2020-01", datatype=ox.NamedNode(XSD + "gYear")),
    ox.Literal("2020\n", datatype=ox.NamedNode(XSD + "gYear")),  # Python's $ matches before a final newline
    ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer")),  # ill-typed
    ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
)


def _shapes() -> ox.Store:
    shapes = ox.Store()
    shapes.load(path=str(SHAPES_PATH), format=ox.RdfFormat.TURTLE)
    return shapes


def _baseline() -> ox.Store:
    """The shipped data without the function layer (its shapes are all SHACL-SPARQL, see
    tests/graph/test_function_shapes.py), with what inference adds to it taken as asserted (the
    mlkg:counterpartOf links exist only there): every core shape has focus nodes here, and
    pyshacl is quick."""
    store = load_files([f for f in discover() if f.path.name != "keras-functions.ttl"])
    materialise(store)
    inferred = ox.NamedNode(INFERRED_GRAPH)
    as_data = ox.NamedNode("urn:inferred-as-data")
    store.extend(
        [
            ox.Quad(q.subject, q.predicate, q.object, as_data)
            for q in store.quads_for_pattern(None, None, None, inferred)
        ]
    )
    store.remove_graph(inferred)
    return store


def _both(store: ox.Store) -> tuple[set[tuple[str, str | None, str]], set[tuple[str, str | None, str]]]:
    ours = {(f.value, p, m) for f, p, m in _core_violations(store, _shapes(), UNION)}
    return ours, pyshacl_core(store, _shapes())


def _focus_nodes(store: ox.Store, shapes: ox.Store) -> dict[str, list[ox.NamedNode]]:
    """Each targeted shape's focus nodes in ``store`` (IRIs, sorted), by the shape's IRI."""
    out: dict[str, list[ox.NamedNode]] = {}
    for quad in shapes.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None, None):
        rows = store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s <{RDF_TYPE}>/<{SUBCLASS}>* <{quad.object.value}> }}",
            **UNION,
        )
        out.setdefault(quad.subject.value, []).extend(
            r["s"] for r in rows if isinstance(r["s"], ox.NamedNode)
        )  # type: ignore[union-attr]
    for quad in shapes.quads_for_pattern(None, ox.NamedNode(SH + "targetSubjectsOf"), None, None):
        found = {q.subject for q in store.quads_for_pattern(None, quad.object, None, None)}  # type: ignore[arg-type]
        out.setdefault(quad.subject.value, []).extend(s for s in found if isinstance(s, ox.NamedNode))
    return {shape: sorted(set(nodes), key=lambda n: n.value) for shape, nodes in out.items()}


def _property_shapes(shapes: ox.Store) -> list[tuple[str, ox.BlankNode | ox.NamedNode, str, str]]:
    """(node shape, property shape, path, message) of every core property shape."""
    out = []
    for quad in shapes.quads_for_pattern(None, ox.NamedNode(SH + "property"), None, None):
        prop = quad.object
        path = next(iter(shapes.quads_for_pattern(prop, ox.NamedNode(SH + "path"), None, None))).object  # type: ignore[arg-type]
        message = next(iter(shapes.quads_for_pattern(prop, ox.NamedNode(SH + "message"), None, None))).object  # type: ignore[arg-type]
        out.append((quad.subject.value, prop, path.value, message.value))  # type: ignore[arg-type]
    return sorted(out, key=lambda t: (t[0], t[2]))


def _has(shapes: ox.Store, node: object, local: str) -> bool:
    return any(True for _ in shapes.quads_for_pattern(node, ox.NamedNode(SH + local), None, None))  # type: ignore[arg-type]


def _replace(store: ox.Store, focus: ox.NamedNode, path: str, values: list[object]) -> None:
    p = ox.NamedNode(path)
    for quad in list(store.quads_for_pattern(focus, p, None, None)):
        store.remove(quad)
    graph = ox.NamedNode("urn:mutations")
    for value in values:
        store.add(ox.Quad(focus, p, value, graph))  # type: ignore[arg-type]


def test_the_shipped_data_conforms_for_both_and_every_shape_has_a_focus_node() -> None:
    store = _baseline()
    ours, theirs = _both(store)
    assert ours == theirs == set()
    foci = _focus_nodes(store, _shapes())
    core = {shape for shape, _, _, _ in _property_shapes(_shapes())}
    assert {shape for shape in core if not foci.get(shape)} == set(), "a shape without a conforming example"


def test_the_full_shipped_data_gives_pyshacls_verdict() -> None:
    store = load_files(discover())
    ours, theirs = _both(store)
    assert ours == theirs


def _mutations(
    shapes: ox.Store, store: ox.Store
) -> list[tuple[str, str, str, str, ox.NamedNode, list[object]]]:
    """(kind, node shape, path, message, focus, new values): for every property shape, its values
    taken away (sh:minCount), one more than allowed (sh:maxCount, values used elsewhere), and
    each bad value in their place (the value components)."""
    foci = _focus_nodes(store, shapes)
    out = []
    for shape, prop, path, message in _property_shapes(shapes):
        nodes = foci[shape]
        kinds: list[tuple[str, list[object]]] = []
        if _has(shapes, prop, "minCount"):
            kinds.append(("none", []))
        if _has(shapes, prop, "maxCount"):
            high = int(
                next(
                    iter(shapes.quads_for_pattern(prop, ox.NamedNode(SH + "maxCount"), None, None))
                ).object.value
            )  # type: ignore[arg-type]
            used = sorted(
                {q.object for q in store.quads_for_pattern(None, ox.NamedNode(path), None, None)}, key=str
            )
            extra = (
                used[: high + 1]
                if len(used) > high
                else used + [ox.Literal(f"extra {i}") for i in range(high + 1)]
            )
            kinds.append(("too many", extra[: high + 1] if len(extra) > high else extra))
        kinds.extend((f"bad {value}", [value]) for value in BAD_VALUES)
        for i, (kind, values) in enumerate(kinds):
            out.append((kind, shape, path, message, nodes[i % len(nodes)], values))
    return out


def test_every_property_shape_is_violated_alike_by_both() -> None:
    """Each mutation goes on its own copy-round of the data: rounds never touch one (focus,
    path) twice, so no mutation hides another; both validators must agree on every round."""
    shapes = _shapes()
    base = _baseline()
    pending = _mutations(shapes, base)
    seen: set[tuple[str, str | None, str]] = set()
    while pending:
        store = _baseline()
        taken: set[tuple[str, str]] = set()
        later = []
        for mutation in pending:
            _kind, _shape, path, _message, focus, values = mutation
            if (focus.value, path) in taken:
                later.append(mutation)
                continue
            taken.add((focus.value, path))
            _replace(store, focus, path, values)
        ours, theirs = _both(store)
        assert ours == theirs, (sorted(ours - theirs)[:10], sorted(theirs - ours)[:10])
        seen |= theirs
        pending = later
    # every property shape was seen violated, and sh:minCount / sh:maxCount by their own mutation
    shown = {(p, m) for _, p, m in seen}
    missing = [(s, p) for s, _, p, m in _property_shapes(shapes) if (p, m) not in shown]
    assert missing == [], f"property shapes never violated: {missing}"


def test_node_level_constraints_alike() -> None:
    """Focus nodes that break a node shape's own sh:nodeKind / sh:pattern."""
    shapes = _shapes()
    store = _baseline()
    graph = ox.NamedNode("urn:mutations")
    classes = [q.object for q in shapes.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None, None)]
    for i, cls in enumerate(classes):
        for node in (
            ox.BlankNode(f"b{i}"),
            ox.NamedNode(f"https://example.org/bad{i}"),
            ox.NamedNode(f"https://w3id.org/mlkg/entity/{i}bad"),
        ):
            store.add(ox.Quad(node, ox.NamedNode(RDF_TYPE), cls, graph))  # type: ignore[arg-type]
    ours, theirs = _both(store)
    assert ours == theirs
    assert any(m.startswith("Value is not of Node Kind") for _, _, m in theirs)
    assert any(m.startswith("Value does not match pattern") for _, _, m in theirs)


def test_a_constraint_not_translated_is_refused_before_any_check() -> None:
    """A shape using SHACL the translator does not cover stops validation with an error naming
    it, instead of being skipped (so a new kind of shape can never pass unchecked)."""
    shapes = _shapes()
    shapes.load(
        b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://w3id.org/mlkg/shapes#EntityShape> sh:property [
            sh:path <http://www.w3.org/2004/02/skos/core#note> ; sh:hasValue "x" ; sh:message "m" ] .""",
        format=ox.RdfFormat.TURTLE,
    )
    store = _baseline()
    with pytest.raises(UnsupportedShape, match="sh:hasValue"):
        core_checks(shapes, lambda query: iter(store.query(query, **UNION)))  # type: ignore[arg-type]
