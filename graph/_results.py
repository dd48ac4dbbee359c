"""Query answers in one engine-neutral shape, and their standard serialisations.

Every engine hands back a :class:`QueryResult` holding pyoxigraph terms; this module is the
one place that writes SPARQL results (JSON, XML, CSV, TSV) and RDF (Turtle, N-Triples, ...).

>>> import pyoxigraph as ox
>>> r = QueryResult.solutions(["x"], [(ox.Literal("hi"),)])
>>> serialize_result(r, "text/csv")
b'x\\r\\nhi\\r\\n'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html import escape as _html_escape
from typing import Literal, TypeAlias

import pyoxigraph as ox

from ._errors import UnsupportedFormat
from ._formats import GRAPH_MEDIA_TYPES, SOLUTION_MEDIA_TYPES, media_types_for

__all__ = [
    "QueryResult",
    "ResultKind",
    "Term",
    "Truncation",
    "serialize_result",
    "serialize_triples",
    "serialize_within",
]

#: A term in an answer. RDF-star triple terms may also appear; the writers handle them.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
ResultKind = Literal["solutions", "boolean", "graph"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Truncation:
    """Why an answer was cut: at a row cap, at a byte cap, or both.

    >>> Truncation(row_limit=5).header
    'true; limit=5'
    """

    row_limit: int | None = None
    max_bytes: int | None = None

    @property
    def header(self) -> str:
        """The value of the ``MLKG-Truncated`` response header."""
        parts = ["true"]
        if self.row_limit is not None:
            parts.append(f"limit={self.row_limit}")
        if self.max_bytes is not None:
            parts.append(f"max-bytes={self.max_bytes}")
        return "; ".join(parts)

    @property
    def message(self) -> str:
        if self.max_bytes is not None:
            return (
                f"the answer was cut to fit {self.max_bytes} bytes; add LIMIT/OFFSET or select "
                "fewer or shorter values to page through the rest"
            )
        return f"only the first {self.row_limit} rows are shown; add LIMIT/OFFSET to page through the rest"

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.row_limit is not None:
            out["rowLimit"] = self.row_limit
        if self.max_bytes is not None:
            out["maxBytes"] = self.max_bytes
        out["message"] = self.message
        return out


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query.

    ``kind`` says which fields matter: ``variables``/``rows`` for SELECT, ``boolean`` for ASK,
    ``triples`` for CONSTRUCT/DESCRIBE. ``truncated`` is True when a row cap cut the answer;
    ``truncation`` says which cap, where the caller knows (the JSON writer reports it).
    """

    kind: ResultKind
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    truncation: Truncation | None = None

    @classmethod
    def solutions(
        cls,
        variables: Sequence[str],
        rows: Iterable[Sequence[Term | None]],
        *,
        truncated: bool = False,
    ) -> QueryResult:
        return cls("solutions", tuple(variables), [tuple(r) for r in rows], truncated=truncated)

    @classmethod
    def ask(cls, value: bool) -> QueryResult:
        return cls("boolean", boolean=value)

    @classmethod
    def graph(cls, triples: Iterable[ox.Triple], *, truncated: bool = False) -> QueryResult:
        return cls("graph", triples=list(triples), truncated=truncated)

    def __len__(self) -> int:
        if self.kind == "solutions":
            return len(self.rows)
        return len(self.triples) if self.kind == "graph" else 1

    def head(self, count: int, truncation: Truncation) -> QueryResult:
        """The first ``count`` rows or triples, marked as cut by ``truncation``."""
        return replace(
            self, rows=self.rows[:count], triples=self.triples[:count], truncated=True, truncation=truncation
        )

    def bindings(self) -> list[dict[str, Term]]:
        """The rows as dicts from variable name to term, unbound variables left out."""
        names = self.variables
        return [
            {name: value for name, value in zip(names, row, strict=True) if value is not None}
            for row in self.rows
        ]

    def values(self, variable: str) -> list[str]:
        """The string values of one variable, row by row ('' where unbound)."""
        index = self.variables.index(variable)
        return [row[index].value if row[index] is not None else "" for row in self.rows]  # type: ignore[union-attr]


def serialize_result(result: QueryResult, media_type: str) -> bytes:
    """Write ``result`` as ``media_type``; :class:`UnsupportedFormat` if it cannot take it."""
    if result.kind == "graph":
        rdf_format = GRAPH_MEDIA_TYPES.get(media_type)
        if rdf_format is None:
            raise UnsupportedFormat(_wrong_format(result.kind, media_type))
        return serialize_triples(result.triples, rdf_format)
    name = SOLUTION_MEDIA_TYPES.get(media_type)
    if name is None:
        raise UnsupportedFormat(_wrong_format(result.kind, media_type))
    return _SOLUTION_WRITERS[name](result)


def serialize_within(result: QueryResult, media_type: str, max_bytes: int) -> tuple[QueryResult, bytes]:
    """``result`` written as ``media_type`` in at most ``max_bytes`` (about: a cut is made
    on whole rows), cutting rows or triples from the end as needed; the (possibly cut) result
    and its bytes.

    The size is first estimated from the terms' text, so an answer far over the cap is cut
    before it is written out whole.
    """
    if result.kind == "boolean":
        return result, serialize_result(result, media_type)
    items: Sequence[object] = result.rows if result.kind == "solutions" else result.triples
    budget, count = 0, 0
    for item in items:
        budget += len(str(item)) + 16
        if budget > max_bytes:
            break
        count += 1
    cut = result if count == len(items) else result.head(count, _bytes_cap(result, max_bytes))
    body = serialize_result(cut, media_type)
    while len(body) > max_bytes and count > 0:
        count = min(count - 1, int(count * max_bytes / len(body) * 0.95))
        cut = result.head(max(count, 0), _bytes_cap(result, max_bytes))
        body = serialize_result(cut, media_type)
    return cut, body


def _bytes_cap(result: QueryResult, max_bytes: int) -> Truncation:
    rows = result.truncation.row_limit if result.truncation else None
    return Truncation(row_limit=rows, max_bytes=max_bytes)


def serialize_triples(triples: Iterable[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    """Triples in an RDF format; dataset formats put them in the default graph."""
    from mlkg.ontology import PREFIXES

    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes) or b""
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""


def _wrong_format(kind: ResultKind, media_type: str) -> str:
    form = "CONSTRUCT/DESCRIBE" if kind == "graph" else "SELECT/ASK"
    return f"a {form} answer cannot be written as {media_type}; use one of: " + ", ".join(
        media_types_for(kind)
    )


def term_to_json(term: Term | ox.Triple) -> dict[str, object]:
    """One term in the SPARQL 1.1 JSON results shape."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_to_json(term.subject),
            "predicate": term_to_json(term.predicate),
            "object": term_to_json(term.object),
        },
    }


class _JsonTerms(dict[object, str]):
    """Each term's SPARQL-JSON text, written once and kept: an answer repeats its terms, and
    answers over one graph draw on the same few thousand. Bounded: emptied when it grows past
    ``_JSON_TERMS_MAX`` entries, so user-made literals cannot grow it without end."""

    def __missing__(self, term: object) -> str:
        if len(self) >= _JSON_TERMS_MAX:
            self.clear()
        text = json.dumps(term_to_json(term), ensure_ascii=False)  # type: ignore[arg-type]
        self[term] = text
        return text


_JSON_TERMS_MAX = 65_536
_json_terms = _JsonTerms()


def _write_json(result: QueryResult) -> bytes:
    if result.kind == "boolean":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}).encode()
    names = result.variables
    keys = [json.dumps(n, ensure_ascii=False) + ":" for n in names]
    terms = _json_terms
    rows = ",".join(
        "{" + ",".join(key + terms[v] for key, v in zip(keys, row, strict=True) if v is not None) + "}"
        for row in result.rows
    )
    head = json.dumps({"vars": list(names)}, ensure_ascii=False)
    # "truncated" goes between "head" and "results": parsers that do not know it skip it.
    cut = "" if result.truncation is None else ',"truncated":' + json.dumps(result.truncation.as_json())
    return f'{{"head":{head}{cut},"results":{{"bindings":[{rows}]}}}}'.encode()


def escape(text: str) -> str:
    """``text`` safe as XML character data (xml.sax.saxutils costs ~25 ms of start-up: urllib)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return f'"{_html_escape(text, quote=True)}"'


def _xml_term(term: Term | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "boolean":
        out.append(f"<head/><boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<head>")
        out.extend(f"<variable name={quoteattr(n)}/>" for n in result.variables)
        out.append("</head><results>")
        for row in result.rows:
            out.append("<result>")
            for name, value in zip(result.variables, row, strict=True):
                if value is not None:
                    out.append(f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "".join(out).encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _write_csv(result: QueryResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "boolean":  # no header: a bare true/false, as SPARQL readers take it
        buffer.write("true\r\n" if result.boolean else "false\r\n")
    else:
        writer.writerow(result.variables)
        writer.writerows([_csv_value(v) for v in row] for row in result.rows)
    return buffer.getvalue().encode()


def _write_tsv(result: QueryResult) -> bytes:
    if result.kind == "boolean":
        return b"true\n" if result.boolean else b"false\n"
    lines = ["\t".join(f"?{n}" for n in result.variables)]
    lines.extend("\t".join("" if v is None else str(v) for v in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode()


_SOLUTION_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
