"""Whether a query asks the engine to reach the network, decided by a full SPARQL parser.

SERVICE is the only part of a SPARQL *query* that makes an engine open a connection (LOAD and
the other network-reaching forms are updates, refused before this). A lexer that re-tokenises
the text can disagree with the engine about where a name, a string or a comment ends
(``ent:x\\#`` is one prefixed name; a lexer that stops at the backslash reads the rest of the
line as a comment), so the decision is taken here from rdflib's full SPARQL 1.1 grammar:

- a text that never spells ``service`` (in any case, codepoint escapes expanded) cannot hold a
  SERVICE clause for any engine: it passes without parsing;
- otherwise it is parsed, and every ``SERVICE`` target found in the parse tree is returned,
  with prefixed names expanded;
- a text that spells ``service`` but that the parser cannot read is refused (fail closed):
  the two parsers may disagree about it, and a refusal is the safe side of a disagreement.

This is the first of two layers: the processes that evaluate embedded-engine queries also run
under an operating-system filter that denies them network sockets (:mod:`._sandbox`).

>>> service_targets("SELECT * WHERE { ?s ?p ?o }")
()
>>> service_targets("PREFIX x: <http://h/> ASK { SERVICE SILENT x:q { ?s ?p ?o } }")
('http://h/q',)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ._errors import QueryRefused
from ._sparql_text import expand_codepoint_escapes

_MENTIONS_SERVICE = re.compile(r"service", re.IGNORECASE)


def mentions_service(text: str) -> bool:
    """Whether ``text`` spells SERVICE anywhere (any case, escapes expanded): a sound prefilter."""
    return bool(_MENTIONS_SERVICE.search(text) or _MENTIONS_SERVICE.search(expand_codepoint_escapes(text)))


@lru_cache(maxsize=256)
def service_targets(text: str, prefixes: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """The SERVICE targets of the query ``text``: IRIs (prefixed names expanded with the
    query's own PREFIX lines, then ``prefixes``), ``?var`` for a variable endpoint.

    Raises :class:`QueryRefused` when ``text`` mentions SERVICE but cannot be parsed.
    """
    if not mentions_service(text):
        return ()
    tree, declared = _parse(
        text,
        prefixes,
        "the query mentions SERVICE and is {problem} for the SERVICE check, so it is refused: "
        "queries make no outbound requests. If 'service' is only part of a string or a name, "
        'write it differently (e.g. FILTER(CONTAINS(LCASE(?x), CONCAT("serv", "ice"))))',
    )
    return tuple(_target(n.get("term"), declared) for n in _walk(tree) if _name(n) == "ServiceGraphPattern")


#: Functions called by IRI that every engine knows: the XSD casts.
_STANDARD_FUNCTIONS = "http://www.w3.org/2001/XMLSchema#"


@lru_cache(maxsize=256)
def extension_functions(text: str, prefixes: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """IRIs of the functions ``text`` calls by IRI, other than the XSD casts.

    A remote store may implement such extensions with network access (Virtuoso's
    ``bif:http_get`` fetches any URL), so for the remote engine every one is refused. The text
    is always parsed here: one the full grammar cannot read (such as Virtuoso's ``DEFINE``
    pragmas) raises :class:`QueryRefused`.

    >>> extension_functions('SELECT (<bif:http_get>("http://x/") AS ?v) {}')
    ('bif:http_get',)
    """
    tree, declared = _parse(
        text,
        prefixes,
        "the query is {problem} for the full SPARQL 1.1 grammar, and a remote store is only sent "
        "text that grammar reads (store-specific pragmas and extensions can reach the network)",
    )
    called = (_target(n.get("iri"), declared) for n in _walk(tree) if _name(n) == "Function")
    return tuple(dict.fromkeys(iri for iri in called if not iri.startswith(_STANDARD_FUNCTIONS)))


def _parse(text: str, prefixes: tuple[tuple[str, str], ...], refusal: str) -> tuple[Any, dict[str, str]]:
    """rdflib's parse tree of ``text`` and its prefixes (``prefixes``, then the text's own)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except (ParseBaseException, RecursionError, ValueError, TypeError) as err:
        problem = "too deeply nested" if isinstance(err, RecursionError) else "not readable"
        raise QueryRefused(refusal.format(problem=problem)) from None
    declared = dict(prefixes)
    for node in _walk(tree):
        if _name(node) == "PrefixDecl":
            declared[str(node.get("prefix") or "")] = str(node.get("iri"))
    return tree, declared


def _name(node: Any) -> str | None:
    """The rule name of a parse-tree node (rdflib's CompValue), None for anything else."""
    from rdflib.plugins.sparql.parserutils import CompValue

    return node.name if isinstance(node, CompValue) else None


def _walk(node: Any) -> Iterator[Any]:
    """Every node of a parse tree, without recursion (the tree can be deep)."""
    from pyparsing import ParseResults  # imported here: only texts that mention SERVICE need it

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str | bytes):
            continue
        yield current
        if _name(current) is not None:
            stack.extend(current.values())
        elif isinstance(current, list | tuple | ParseResults):
            stack.extend(current)


def _target(term: Any, prefixes: dict[str, str]) -> str:
    if _name(term) == "pname":
        prefix = str(term.get("prefix") or "")
        local = str(term.get("localname") or "")
        return prefixes[prefix] + local if prefix in prefixes else f"{prefix}:{local}"
    from rdflib.term import Variable

    if isinstance(term, Variable):
        return f"?{term}"
    return str(term)


__all__ = ["extension_functions", "mentions_service", "service_targets"]
