"""SHACL core constraints as SPARQL, evaluated by Oxigraph over every focus node at once.

pyshacl walked the data in Python, focus node by focus node: 220 s and 2.8 GB for 10^6
triples. Here each property shape becomes at most three queries (its value constraints, its
minimum count, its maximum count), each answering with the focus nodes at fault, so the work
is Oxigraph's, in Rust, and the memory is the store's.

The translation covers the constraint components our shapes use (``sh:class``,
``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` and ``sh:flags``, ``sh:minLength``,
``sh:maxLength``, ``sh:in``, ``sh:or`` of such shapes, ``sh:minCount``, ``sh:maxCount``) on
predicate paths, with the targets ``sh:targetClass``, ``sh:targetNode``,
``sh:targetSubjectsOf`` and ``sh:targetObjectsOf``. Anything else in a shape raises
:class:`UnsupportedShape` before any data is checked: a new kind of constraint is refused
loudly at start-up, never skipped. The results are what pyshacl reports (focus node, path,
message); tests/graph/test_shacl_core.py holds the two against each other on every shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ._errors import MlkgError

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Shape predicates that state no constraint (or are run elsewhere: sh:sparql).
_NOT_CONSTRAINTS = {
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "sparql",
    "message", "severity", "deactivated", "name", "description", "order", "group", "declare",
    "prefixes", "path",
}  # fmt: skip
#: Components checked on each value on its own.
_VALUE_COMPONENTS = {
    "class",
    "datatype",
    "nodeKind",
    "pattern",
    "flags",
    "minLength",
    "maxLength",
    "in",
    "or",
}
_COUNT_COMPONENTS = {"minCount", "maxCount"}

_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}

#: Datatypes whose lexical form rdflib (so pyshacl) checks: a value is of the datatype only if
#: its lexical form is valid, which Oxigraph tells by casting the literal to its own type.
_CHECKED_DATATYPES = {
    XSD + t for t in ("integer", "decimal", "float", "double", "boolean", "date", "time", "dateTime")
}


class UnsupportedShape(MlkgError):
    """A shape uses SHACL this validator does not translate; nothing is validated then."""

    def __init__(self, shape: str, what: str) -> None:
        super().__init__(
            f"SHACL shape {shape}: {what} is not supported by mlkg's validator (graph/_shacl_core.py)"
        )


@dataclass(frozen=True)
class Check:
    """One query answering ``?this`` for every focus node at fault, and what to report.

    ``outcomes`` are the (path, message) pairs to report; with more than one, each answer's
    ``?_k`` says which. With ``focus`` set, the answers are only candidates (the query does not
    enumerate focus nodes, so equal queries of several shapes run once): those that are focus
    nodes (``focus`` binds ``?this`` to each) are at fault.
    """

    query: str
    outcomes: tuple[tuple[str | None, str], ...]
    focus: str | None = None


Select = Callable[[str], Iterator[ox.QuerySolution]]


def core_checks(shapes: ox.Store, select: Select) -> list[Check]:
    """Every core constraint of ``shapes`` as queries; ``select`` runs a query on the data
    (class hierarchies are read from it). Raises :class:`UnsupportedShape` first if any shape
    holds something not translated."""
    return _Compiler(shapes, select).compile()


class _Compiler:
    def __init__(self, shapes: ox.Store, select: Select) -> None:
        self.shapes = shapes
        self.select = select
        self._closures: dict[str, list[str]] = {}
        self._fresh = 0

    # -- reading the shapes graph ---------------------------------------------------------
    def objects(
        self, node: ox.NamedNode | ox.BlankNode, local: str
    ) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        found = self.shapes.quads_for_pattern(node, ox.NamedNode(SH + local), None, None)
        return [q.object for q in found]  # type: ignore[misc]

    def one(
        self, node: ox.NamedNode | ox.BlankNode, local: str
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        values = self.objects(node, local)
        if len(values) > 1:
            raise UnsupportedShape(_name(node), f"more than one sh:{local}")
        return values[0] if values else None

    def items(
        self, head: ox.NamedNode | ox.BlankNode | ox.Literal, shape: str
    ) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        out = []
        while not (isinstance(head, ox.NamedNode) and head.value == RDF_NIL):
            if isinstance(head, ox.Literal):
                raise UnsupportedShape(shape, "a malformed RDF list")
            first = list(self.shapes.quads_for_pattern(head, ox.NamedNode(RDF_FIRST), None, None))
            rest = list(self.shapes.quads_for_pattern(head, ox.NamedNode(RDF_REST), None, None))
            if len(first) != 1 or len(rest) != 1:
                raise UnsupportedShape(shape, "a malformed RDF list")
            out.append(first[0].object)
            head = rest[0].object  # type: ignore[assignment]
        return out  # type: ignore[return-value]

    def components(self, node: ox.NamedNode | ox.BlankNode, allowed: set[str]) -> set[str]:
        """The sh: predicates of ``node``, each either allowed or refused loudly."""
        used = set()
        for quad in self.shapes.quads_for_pattern(node, None, None, None):
            iri = quad.predicate.value
            if not iri.startswith(SH):
                continue
            local = iri[len(SH) :]
            if local not in allowed:
                raise UnsupportedShape(_name(node), f"sh:{local}")
            used.add(local)
        return used

    def active(self, node: ox.NamedNode | ox.BlankNode) -> bool:
        """Deactivated shapes, and shapes below sh:Violation (which were never reported), check nothing."""
        if any(isinstance(d, ox.Literal) and d.value == "true" for d in self.objects(node, "deactivated")):
            return False
        severity = self.one(node, "severity")
        return severity is None or severity.value == SH + "Violation"

    # -- compiling ------------------------------------------------------------------------
    def compile(self) -> list[Check]:
        targets = {SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
        shapes: dict[str, ox.NamedNode | ox.BlankNode] = {}
        for quad in self.shapes:
            if quad.predicate.value in targets:
                shapes[str(quad.subject)] = quad.subject
            elif (
                quad.predicate.value == RDF_TYPE
                and quad.object.value in _CLASS_TYPES
                and _is_shape(self.shapes, quad.subject)
            ):
                raise UnsupportedShape(_name(quad.subject), "a shape that is also a class (implicit target)")
        checks: list[Check] = []
        for key in sorted(shapes):
            checks.extend(self.shape(shapes[key]))
        return checks

    def shape(self, shape: ox.NamedNode | ox.BlankNode) -> list[Check]:
        name = _name(shape)
        used = self.components(shape, _NOT_CONSTRAINTS | _VALUE_COMPONENTS | _COUNT_COMPONENTS)
        if not self.active(shape):
            return []
        focus = self.focus(shape)
        checks: list[Check] = []
        message = self.message(shape)
        if "path" in used:  # a property shape with targets of its own
            checks.extend(self.property(shape, focus))
        else:
            if used & _COUNT_COMPONENTS:
                raise UnsupportedShape(name, "sh:minCount or sh:maxCount on a node shape")
            for component in sorted(used & _VALUE_COMPONENTS - {"flags"}):
                test = self.value_test(
                    shape, "?this", only={component, "flags"} if component == "pattern" else {component}
                )
                text = message if message is not None else self.generic_message(shape, component)
                query = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({test})) }}"
                checks.append(Check(query, ((None, text),)))
        required: list[tuple[str, str]] = []  # (path, message) of each sh:minCount 1 of this focus
        if "path" in used:
            required.extend(self.required(shape))
        for prop in self.objects(shape, "property"):
            if isinstance(prop, ox.Literal):
                raise UnsupportedShape(name, "a literal sh:property")
            self.components(prop, _NOT_CONSTRAINTS | _VALUE_COMPONENTS | _COUNT_COMPONENTS)
            if self.active(prop):
                checks.extend(self.property(prop, focus))
                required.extend(self.required(prop))
        if required:
            # One pass over the focus nodes for every property they must have.
            rows = " ".join(f"({k} <{path}>)" for k, (path, _) in enumerate(required))
            query = (
                f"SELECT DISTINCT ?this ?_k WHERE {{ {focus} VALUES (?_k ?_p) {{ {rows} }} "
                f"FILTER NOT EXISTS {{ ?this ?_p ?_any }} }}"
            )
            checks.append(Check(query, tuple((path, message) for path, message in required)))
        return checks

    def required(self, prop: ox.NamedNode | ox.BlankNode) -> list[tuple[str, str]]:
        """(path, message) if ``prop`` says sh:minCount 1 (checked with its shape's others)."""
        if self.count(prop, "minCount") != 1:
            return []
        path, message = self.one(prop, "path"), self.message(prop)
        assert path is not None and message is not None, "checked by property()"
        return [(path.value, message)]

    def property(self, prop: ox.NamedNode | ox.BlankNode, focus: str) -> list[Check]:
        name = _name(prop)
        path = self.one(prop, "path")
        if not isinstance(path, ox.NamedNode):
            raise UnsupportedShape(name, "an sh:path other than one predicate IRI")
        if self.objects(prop, "property") or self.objects(prop, "sparql"):
            raise UnsupportedShape(name, "sh:property or sh:sparql nested in a property shape")
        message = self.message(prop)
        if message is None:
            raise UnsupportedShape(name, "a property shape without sh:message (pyshacl's generated messages)")
        p = f"<{path.value}>"
        used = self.components(prop, _NOT_CONSTRAINTS | _VALUE_COMPONENTS | _COUNT_COMPONENTS)
        checks = []
        if used & _VALUE_COMPONENTS:
            # Every subject with a bad value, whatever its shape: the few found are then
            # checked for being focus nodes, and shapes sharing a path and test share the query.
            # A value lacking a class is found by MINUS (a hash of the class's instances), seven
            # times quicker than an EXISTS per value; every other test is one FILTER.
            classes, rest = self.class_tests(prop, used & _VALUE_COMPONENTS)
            if classes and self.few(path.value):  # MINUS hashes all instances: not worth it here
                classes, rest = [], used & _VALUE_COMPONENTS
            branches = [
                f"{{ ?this {p} ?value MINUS {{ ?value <{RDF_TYPE}> ?_class . VALUES ?_class {{ {c} }} }} }}"
                for c in classes
            ]
            if rest:
                test = self.value_test(prop, "?value", only=rest)
                branches.append(f"{{ ?this {p} ?value . FILTER(!({test})) }}")
            query = f"SELECT DISTINCT ?this WHERE {{ {' UNION '.join(branches)} }}"
            checks.append(Check(query, ((path.value, message),), focus))
        low = self.count(prop, "minCount")
        high = self.count(prop, "maxCount")
        if low is not None and low > 1:  # sh:minCount 1 is checked by shape(), with its siblings
            query = (
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                f"OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this }} FILTER(?n < {low}) }}"
            )
            checks.append(Check(query, ((path.value, message),)))
        if high is not None:
            query = (
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) "
                f"WHERE {{ ?this {p} ?value }} GROUP BY ?this }} FILTER(?n > {high}) }}"
            )
            checks.append(Check(query, ((path.value, message),), focus))
        return checks

    def few(self, predicate: str, bound: int = 1000) -> bool:
        """Whether the data holds fewer than ``bound`` triples with ``predicate``."""
        rows = self.select(f"SELECT ?s WHERE {{ ?s <{predicate}> ?o }} LIMIT {bound}")
        return sum(1 for _ in rows) < bound

    def class_tests(self, node: ox.NamedNode | ox.BlankNode, used: set[str]) -> tuple[list[str], set[str]]:
        """The class memberships a value needs (each a VALUES list: sh:class, and sh:or of
        shapes that are one sh:class each), and the components left for :meth:`value_test`."""
        classes = [self.closure(c, _name(node)) for c in self.objects(node, "class")]
        rest = used - {"class"}
        ors = self.objects(node, "or")
        alternatives = []
        for head in ors:
            members = self.items(head, _name(node))
            named = []
            for member in members:
                if isinstance(member, ox.Literal):
                    raise UnsupportedShape(_name(node), "a literal in sh:or")
                used_by_member = self.components(
                    member, _VALUE_COMPONENTS | {"message", "name", "description"}
                )
                named.append(self.objects(member, "class") if used_by_member == {"class"} else [])
            if not members or any(len(n) != 1 for n in named):
                return classes, rest  # an sh:or of other tests: every sh:or stays an expression
            alternatives.append(" ".join(sorted({self.closure(n[0], _name(node)) for n in named})))
        if ors:
            rest = rest - {"or"}
            classes.extend(alternatives)
        return classes, rest

    def count(self, node: ox.NamedNode | ox.BlankNode, local: str) -> int | None:
        value = self.one(node, local)
        if value is None:
            return None
        if not isinstance(value, ox.Literal) or not value.value.isdigit():
            raise UnsupportedShape(_name(node), f"sh:{local} that is not a non-negative integer")
        return int(value.value)

    def message(self, node: ox.NamedNode | ox.BlankNode) -> str | None:
        value = self.one(node, "message")
        return value.value if value is not None else None

    def generic_message(self, shape: ox.NamedNode | ox.BlankNode, component: str) -> str:
        """pyshacl's own wording for a node-level result of a shape without sh:message."""
        if component == "nodeKind":
            kind = self.one(shape, "nodeKind")
            assert kind is not None
            return f"Value is not of Node Kind sh:{kind.value.removeprefix(SH)}"
        if component == "pattern":
            patterns = self.objects(shape, "pattern")
            if len(patterns) == 1:
                return f"Value does not match pattern '{patterns[0].value}'"
        raise UnsupportedShape(_name(shape), f"node-level sh:{component} without sh:message")

    def focus(self, shape: ox.NamedNode | ox.BlankNode) -> str:
        """A group graph pattern binding ?this to every focus node of ``shape``."""
        parts = []
        for cls in self.objects(shape, "targetClass"):
            var = self.fresh()
            parts.append(f"?this <{RDF_TYPE}> {var} . VALUES {var} {{ {self.closure(cls, _name(shape))} }}")
        for node in self.objects(shape, "targetNode"):
            parts.append(f"VALUES ?this {{ {_term(node, _name(shape))} }}")
        for prop in self.objects(shape, "targetSubjectsOf"):
            parts.append(f"?this {_term(prop, _name(shape))} {self.fresh()} .")
        for prop in self.objects(shape, "targetObjectsOf"):
            parts.append(f"{self.fresh()} {_term(prop, _name(shape))} ?this .")
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def closure(self, cls: ox.NamedNode | ox.BlankNode | ox.Literal, shape: str) -> str:
        """The class and its subclasses in the data, as a VALUES list."""
        if not isinstance(cls, ox.NamedNode):
            raise UnsupportedShape(shape, "a class that is not an IRI")
        if cls.value not in self._closures:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS_SUBCLASS}>* <{cls.value}> }}")
            found = {r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)} | {cls.value}
            self._closures[cls.value] = sorted(found)
        return " ".join(f"<{c}>" for c in self._closures[cls.value])

    def fresh(self) -> str:
        self._fresh += 1
        return f"?_v{self._fresh}"

    def value_test(self, node: ox.NamedNode | ox.BlankNode, v: str, only: set[str]) -> str:
        """A SPARQL expression true when the term ``v`` meets the constraints of ``node``."""
        name = _name(node)
        tests = []
        for cls in self.objects(node, "class") if "class" in only else []:
            # One name for every such variable: each EXISTS is its own scope, and equal tests
            # then read alike, so shapes that share a path and a test share one query.
            tests.append(
                f"EXISTS {{ {v} <{RDF_TYPE}> ?_class . VALUES ?_class {{ {self.closure(cls, name)} }} }}"
            )
        if "datatype" in only and (datatype := self.one(node, "datatype")) is not None:
            tests.append(_datatype_test(datatype, v, name))
        if "nodeKind" in only and (kind := self.one(node, "nodeKind")) is not None:
            pattern = _NODE_KINDS.get(kind.value.removeprefix(SH)) if kind.value.startswith(SH) else None
            if pattern is None:
                raise UnsupportedShape(name, f"sh:nodeKind {kind.value}")
            tests.append(pattern.format(v=v))
        if "pattern" in only:
            flags = self.one(node, "flags")
            flag_text = f", {_string(flags.value)}" if flags is not None else ""
            for expression in self.objects(node, "pattern"):
                regex = _python_regex(expression.value, flags.value if flags is not None else "")
                tests.append(f"(!isBlank({v}) && REGEX(STR({v}), {_string(regex)}{flag_text}))")
        for local, op in (("minLength", ">="), ("maxLength", "<=")):
            if local in only and (bound := self.count(node, local)) is not None:
                tests.append(f"(!isBlank({v}) && STRLEN(STR({v})) {op} {bound})")
        if "in" in only and (head := self.one(node, "in")) is not None:
            allowed = [f"sameTerm({v}, {_term(t, name)})" for t in self.items(head, name)]
            tests.append("(" + (" || ".join(allowed) or "false") + ")")
        if "or" in only:
            for head in self.objects(node, "or"):
                options = []
                for member in self.items(head, name):
                    if isinstance(member, ox.Literal):
                        raise UnsupportedShape(name, "a literal in sh:or")
                    used = self.components(member, _VALUE_COMPONENTS | {"message", "name", "description"})
                    options.append(self.value_test(member, v, used) if used else "true")
                tests.append("(" + (" || ".join(options) or "false") + ")")
        return " && ".join(tests) or "true"


_CLASS_TYPES = ("http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class")


def _is_shape(shapes: ox.Store, node: object) -> bool:
    typed = shapes.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "NodeShape"), None)  # type: ignore[arg-type]
    return any(True for _ in typed)


def _datatype_test(datatype: ox.NamedNode | ox.BlankNode | ox.Literal, v: str, shape: str) -> str:
    if not isinstance(datatype, ox.NamedNode):
        raise UnsupportedShape(shape, "an sh:datatype that is not an IRI")
    if datatype.value == RDFS_LITERAL:
        return f"isLiteral({v})"
    test = f"(isLiteral({v}) && DATATYPE({v}) = <{datatype.value}>"
    if datatype.value in _CHECKED_DATATYPES:
        test += f" && COALESCE(isLiteral(<{datatype.value}>({v})), false)"
    return test + ")"


def _python_regex(pattern: str, flags: str) -> str:
    """``pattern`` as pyshacl reads it (Python's ``re.search``) for Oxigraph's regex engine: a
    ``$`` outside a character class also matches before a final newline in Python."""
    if "m" in flags:
        return pattern  # multi-line: $ matches before every newline in both
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("\\n?$")
            continue
        out.append(char)
    return "".join(out)


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, shape: str) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{_string(term.value)}@{term.language}"
        return f"{_string(term.value)}^^<{term.datatype.value}>"
    raise UnsupportedShape(shape, "a blank node as a constant")


def _name(node: ox.NamedNode | ox.BlankNode) -> str:
    return f"<{node.value}>" if isinstance(node, ox.NamedNode) else "a blank-node shape"
