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
from typing import Literal, NoReturn

from ._errors import QuerySyntaxError

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


# -- the one form of a query text that is checked and run --------------------------------------

#: What canonical_query rewrites: a codepoint escape (SPARQL 1.1 section 19.2) or a line end.
_REWRITTEN = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\r\n?")
#: Anything any of the parsers could still read as a codepoint escape: rdflib reads ``\u`` and
#: ``\U`` alike (case-blind) with 4 or 8 digits, the spec ``\u`` with 4 and ``\U`` with 8.
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
#: Characters the parsers disagree about or that a store may cut the text at: C0 controls but
#: tab and line feed (NUL ends a C string; VT and FF end a line for some lexers) and the
#: Unicode line and paragraph separators (NEL, LS, PS).
_UNCLEAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029]")
#: Texts with none of these are already canonical (the common case: one scan, no copy).
_MAY_CHANGE = re.compile("[\\\\\r\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029]")


@lru_cache(maxsize=256)  # a request asks several layers for the same text
def canonical_query(text: str) -> str:
    r"""The one form of a user's query text that is both checked and run, never the raw text.

    SPARQL 1.1 section 19.2 says a query string "is processed for codepoint escape sequences
    before parsing" and that they "can appear anywhere in the query string"; rdflib does that,
    Oxigraph and Virtuoso decode them only inside strings and IRIs. Section 19.4 ends a comment
    at CR or LF; rdflib runs it on past a lone CR. So the check and the engine would read two
    different queries. Here every escape is decoded once, as the spec says, and CRLF and lone CR
    become LF: the result holds no escape and no CR, so every parser reads it the same way (and
    no parser can decode it a second time into something else). Line numbers stay the user's
    (each line end is still one); :func:`user_position` maps a column back.

    Fails closed, with :class:`~._errors.QuerySyntaxError` at the user's line and column, on
    what cannot be made unambiguous: an escape of no character (a surrogate, past U+10FFFF), a
    decoding that spells a new escape (``\u005Cu0022``), a control character or a Unicode line
    separator (written or decoded).

    >>> canonical_query(r"ASK { BIND('\u0027' AS ?a) }")
    "ASK { BIND(''' AS ?a) }"
    >>> canonical_query("ASK {\r\n} # x\rLIMIT 1")
    'ASK {\n} # x\nLIMIT 1'
    """
    if not _MAY_CHANGE.search(text):
        return text

    def decoded(match: re.Match[str]) -> str:
        if match.group(0)[0] == "\r":
            return "\n"
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            _unclear(text, match.start(), f"{match.group(0)} is not a Unicode character")
        if _UNCLEAR.match(chr(code)) or code == 0x0D:  # a CR from an escape would end a comment
            _unclear(text, match.start(), f"{match.group(0)} decodes to a character that is not allowed")
        return chr(code)

    found = _UNCLEAR.search(text)
    if found:
        _unclear(text, found.start(), f"the character U+{ord(found.group()):04X} is not allowed")
    out = _REWRITTEN.sub(decoded, text)
    again = _ANY_ESCAPE.search(out)
    if again:
        _unclear(
            text,
            _user_offset(text, again.start()),
            f"{again.group()} would be read as a codepoint escape by some parsers and not by others "
            "(the decoded text must hold none): write \\u with 4 hex digits or \\U with 8, and a "
            'backslash followed by u in a string as CONCAT("\\\\", "u...")',
        )
    return text if out == text else out


def _pieces(text: str) -> list[tuple[int, str, str]]:
    """``text`` as (offset, what is written, what it becomes): one piece per canonical character."""
    out: list[tuple[int, str, str]] = []
    at = 0
    for match in _REWRITTEN.finditer(text):
        out.extend((i, text[i], text[i]) for i in range(at, match.start()))
        written = match.group(0)
        out.append((match.start(), written, "\n" if written[0] == "\r" else chr(int(written[2:], 16))))
        at = match.end()
    out.extend((i, text[i], text[i]) for i in range(at, len(text)))
    return out


def _user_offset(text: str, canonical_offset: int) -> int:
    """The offset in ``text`` of the character at ``canonical_offset`` in its canonical form."""
    pieces = _pieces(text)
    return pieces[canonical_offset][0] if canonical_offset < len(pieces) else len(text)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``; CRLF, CR and LF each end a line."""
    head = text[:offset]
    line = len(re.findall(r"\r\n?|\n", head)) + 1
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, offset - start + 1


def user_position(text: str, line: int, column: int) -> tuple[int, int]:
    r"""Where in the user's ``text`` the ``line``/``column`` (1-based, characters) of its
    :func:`canonical_query` form falls: for error messages that point at what the user wrote.

    >>> user_position(r'ASK { "\u0041" ] }', 1, 12)
    (1, 17)
    """
    canonical_line, canonical_column = 1, 1
    for offset, _, char in _pieces(text):
        if (canonical_line, canonical_column) >= (line, column):
            return _line_column(text, offset)
        canonical_line, canonical_column = (
            (canonical_line + 1, 1) if char == "\n" else (canonical_line, canonical_column + 1)
        )
    return _line_column(text, len(text))


def _unclear(text: str, offset: int, problem: str) -> NoReturn:
    line, column = _line_column(text, offset)
    raise QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {problem}; the query is refused "
        "because its parsers could read it differently (only one reading is ever run)",
        line=line,
        column=column,
    )


_POSITION_TEXT = re.compile(r"line \d+, column \d+")


def in_user_text(err: QuerySyntaxError, text: str) -> QuerySyntaxError:
    """``err`` (about the canonical form of ``text``) with its position in ``text`` itself."""
    if err.line is None or err.column is None or canonical_query(text) is text:
        return err
    line, column = user_position(text, err.line, err.column)
    message = _POSITION_TEXT.sub(f"line {line}, column {column}", str(err), count=1)
    return QuerySyntaxError(message, line=line, column=column)


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
