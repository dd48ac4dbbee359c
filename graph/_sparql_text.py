"""A light lexical look at SPARQL text: its form, and whether it asks for outbound requests.

The engines' own parsers stay the judges of syntax; this only finds what must be refused
before any engine sees the text (updates, SERVICE), without a second full parser.

>>> shape = inspect_sparql("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
>>> shape.form, shape.service_iris
('select', ('http://x/',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QueryForm = Literal["select", "ask", "construct", "describe", "update", "unknown"]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<lstr>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<str>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[^\W\d][\w.\-]*(?::[\w.\-%\\]*)?|:[\w.\-%\\]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}
# Words that make the text an update wherever they stand (e.g. after a ';'); no query uses them.
_UPDATE_ANYWHERE = {"INSERT", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE"}


@dataclass(frozen=True)
class SparqlShape:
    """What :func:`inspect_sparql` found: the form and the outbound-looking parts."""

    form: QueryForm
    service_iris: tuple[str, ...]
    """IRIs after SERVICE (``"?var"`` for a variable endpoint)."""
    has_dataset_clause: bool
    """True where the text has FROM / FROM NAMED."""
    max_depth: int = 0
    """Deepest nesting of ``{ ( [`` brackets: parsers recurse on it."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group()))
    return out


def inspect_sparql(text: str) -> SparqlShape:
    """Classify ``text`` as a query form or an update, and list SERVICE targets."""
    tokens = _tokens(text)
    form: QueryForm = "unknown"
    services: list[str] = []
    has_from = False
    depth = max_depth = 0
    for index, (kind, value) in enumerate(tokens):
        if kind == "other":
            if value in "{([":
                depth += 1
                max_depth = max(max_depth, depth)
            elif value in "})]":
                depth -= 1
            continue
        if kind != "word" or ":" in value:
            continue
        word = value.upper()
        if form == "unknown":
            if word in _QUERY_FORMS:
                form = word.lower()  # type: ignore[assignment]
            elif word in _UPDATE_WORDS:
                form = "update"
        if word == "FROM":
            has_from = True
        elif word in _UPDATE_ANYWHERE:
            form = "update"
        elif word == "SERVICE":
            rest = tokens[index + 1 : index + 3]
            if rest and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            if rest:
                target_kind, target = rest[0]
                services.append(target[1:-1] if target_kind == "iri" else target)
    return SparqlShape(
        form=form, service_iris=tuple(services), has_dataset_clause=has_from, max_depth=max_depth
    )
