"""A light lexical look at SPARQL text, in linear time: its form, FROM clauses and size.

The engines' own parsers stay the judges of syntax; this only finds, cheaply and before any
engine sees the text, what must be refused (updates, texts nested deeper than the parsers
take). Whether a query reaches the network is *not* decided here but from a full parse
(:mod:`._outbound`): a lexer can disagree with an engine about where a token ends.

>>> shape = inspect_sparql("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
>>> shape.form, shape.has_dataset_clause
('select', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

QueryForm = Literal["select", "ask", "construct", "describe", "update", "unknown"]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<lstr>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\\?\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\\?\Z))
  | (?P<str>'(?:[^'\\\n\r]|\\.)*(?:'|(?=[\n\r])|\\?\Z)|"(?:[^"\\\n\r]|\\.)*(?:"|(?=[\n\r])|\\?\Z))
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[^\W\d][\w.\-]*(?::{local})?|:{local})
  | (?P<other>.)
    """.replace("{local}", r"(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*"),
    re.VERBOSE | re.DOTALL,
)
"""One token per match, in linear time: a string or long string that never closes runs to the
end of its line (or of the text) instead of being retried from every later position, and a
prefixed name's local part takes the escapes SPARQL allows there (``ent:x\\#`` is one name)."""

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
    """What :func:`inspect_sparql` found: the form, the dataset clauses, the size."""

    form: QueryForm
    has_dataset_clause: bool
    """True where the text has FROM / FROM NAMED."""
    max_depth: int = 0
    """Deepest nesting of ``{ ( [`` brackets: parsers recurse on it."""
    operators: int = 0
    """Operator and separator tokens (``+ || / | . ;`` UNION OPTIONAL...): a long flat chain of
    them is as deep a tree to the engines as nested brackets."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group()))
    return out


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_codepoint_escapes(text: str) -> str:
    """``text`` with SPARQL codepoint escapes (``\\u0053``, ``\\U00000053``) replaced.

    SPARQL 1.1 (section 19.2) processes them *before* parsing, anywhere in the text, and rdflib does;
    Oxigraph only reads them inside strings and IRIs.
    """

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT_ESCAPE.sub(char, text)


@lru_cache(maxsize=1024)  # one request asks several layers; the answer is a frozen value
def inspect_sparql(text: str) -> SparqlShape:
    """Classify ``text`` as a query form or an update, and measure its nesting.

    Text with codepoint escapes is read both as written and with the escapes replaced, and
    the stricter reading wins: ``\\u0049NSERT`` is INSERT to an engine that unescapes first.

    >>> inspect_sparql(r"\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }").form
    'update'
    """
    raw = _inspect(text)
    if not _CODEPOINT_ESCAPE.search(text):
        return raw
    unescaped = _inspect(expand_codepoint_escapes(text))
    return SparqlShape(
        form="update" if "update" in (raw.form, unescaped.form) else raw.form,
        has_dataset_clause=raw.has_dataset_clause or unescaped.has_dataset_clause,
        max_depth=max(raw.max_depth, unescaped.max_depth),
        operators=max(raw.operators, unescaped.operators),
    )


def _inspect(text: str) -> SparqlShape:
    tokens = _tokens(text)
    form: QueryForm = "unknown"
    has_from = False
    depth = max_depth = operators = 0
    for index, (kind, value) in enumerate(tokens):
        if kind == "other":
            if value in "{([":
                depth += 1
                max_depth = max(max_depth, depth)
            elif value in "})]":
                depth -= 1
            elif value in _OPERATORS and not (value == "." and _between_digits(tokens, index)):
                operators += 1
            continue
        if kind != "word" or ":" in value:
            continue
        word = value.upper()
        operators += word in _CHAINING_WORDS
        if form == "unknown":
            if word in _QUERY_FORMS:
                form = word.lower()  # type: ignore[assignment]
            elif word in _UPDATE_WORDS:
                form = "update"
        if word == "FROM":
            has_from = True
        elif word in _UPDATE_ANYWHERE:
            form = "update"
    return SparqlShape(
        form=form,
        has_dataset_clause=has_from,
        max_depth=max_depth,
        operators=operators,
    )


_OPERATORS = frozenset("+-*/|&!^.;,=<>")
_CHAINING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "GRAPH"})


def _between_digits(tokens: list[tuple[str, str]], index: int) -> bool:
    """Whether the token at ``index`` sits between two digits (the point of a decimal)."""
    before = tokens[index - 1][1] if index > 0 else ""
    after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
    return before[-1:].isdigit() and after[:1].isdigit()


def with_values(text: str, values: dict[str, str]) -> str:
    """``text`` with a ``VALUES`` block binding ``values`` (variable -> term already written
    in N-Triples syntax by pyoxigraph) at the top of the query's main group.

    At the top of the WHERE group the engine joins from the bound terms outward; a trailing
    VALUES after the whole query is planned last and leaves the query scanning everything.

    >>> with_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": '"1"'})
    'SELECT ?x WHERE { VALUES (?o) { ("1") } ?x ?p ?o }'
    """
    if not values:
        return text
    names = " ".join(f"?{name}" for name in values)
    block = f"VALUES ({names}) {{ ({' '.join(values.values())}) }}"
    depth = 0
    previous_word = ""
    skipped_template = False
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "word" and ":" not in token:
            previous_word = token.upper()
        if kind != "other":
            continue
        if token == "{":
            if depth == 0:
                if previous_word == "CONSTRUCT" and not skipped_template:
                    skipped_template = True  # CONSTRUCT { template } WHERE { ... }
                else:
                    return f"{text[: match.end()]} {block}{text[match.end() :]}"
            depth += 1
        elif token == "}":
            depth -= 1
    return f"{text}\n{block}"  # no group (e.g. DESCRIBE <iri>): a trailing VALUES still binds
