"""/sparql: the SPARQL 1.1 Protocol (query operation), read-only and bounded, and its query page.

- ``GET /sparql?query=``, ``POST`` form (``query=``) or ``POST application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` (repeatable) replace FROM / FROM NAMED.
- The answer's media type is negotiated *before* running (the form is known from the text):
  Accept with q-values and wildcards, or ``format=`` (a short name or a media type).
- ``GET /sparql`` without a query: the SPARQL 1.1 Service Description for RDF clients, the
  query page for browsers.
- Every refusal is a short ``text/plain`` 4xx; updates by any route are 403 and change nothing.
- User queries run in the :class:`~mlkg.graph._bounded.BoundedQueryRunner` worker pool (its time
  limit really stops the work); the row cap is reported in ``MLKG-Truncated`` (and in JSON).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

import mlkg.graph
from mlkg.graph import (
    FORMATS,
    EngineUnavailable,
    KnowledgeGraph,
    MlkgError,
    QueryAborted,
    QueryCancelled,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    UnsupportedFormat,
)
from mlkg.graph._bounded import MAX_DATASET_GRAPHS, BoundedQueryRunner
from mlkg.graph._formats import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    format_for,
    format_names,
    media_type_names,
)
from mlkg.graph._knowledge import READ_ONLY
from mlkg.graph._results import ResultKind, serialize_triples
from mlkg.graph._sparql_text import inspect_sparql
from mlkg.ontology import ENT, GRAPH, PREFIXES, sparql_prefixes
from mlkg.viz import safe_json

from ..conneg import MAX_ACCEPT_RANGES, media_type_of, negotiate, parse_accept, quality
from ..middleware import client_address
from ..settings import Settings
from ..urls import site_urls
from ..vocab import COMMON_TERMS, completion_terms, without_predeclared_prefixes
from .pages import page_html


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query workers with the app (the first query is not slow) and stop them after;
    a pool the app was given already started (``mlkg serve``) is its giver's to stop."""
    given: BoundedQueryRunner | None = getattr(app.state, "query_runner", None)
    runner = given or app.state.settings.query_runner(app.state.kg)
    if given is None:
        await run_in_threadpool(runner.start)
        app.state.query_runner = runner
    # Below the pool's size, so one address's queries always leave a worker for the others.
    share = min(app.state.settings.max_queries_per_client, max(1, runner.max_workers - 1))
    app.state.query_share = ClientShare(share)
    try:
        yield
    finally:
        if given is None:
            await run_in_threadpool(runner.close)
            del app.state.query_runner  # a later start (a test's app run again) makes a new one


router = APIRouter(tags=["sparql"], lifespan=_lifespan)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
HTML = "text/html"
TRUNCATED_HEADER = "MLKG-Truncated"
_INLINE_INSPECT = 4096
#: Most parameters read from a query string or form (a Protocol request needs a handful).
MAX_PARAMETERS = 1000
#: Every media type a form's answer is asked for -> the canonical one (the answer keeps the
#: name the client asked for), server preference first.
SOLUTION_OFFERS = media_type_names("solutions")
GRAPH_OFFERS = media_type_names("graph")
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_VOID = "http://rdfs.org/ns/void#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class ProtocolError(Exception):
    """A request the Protocol does not allow: answered as a short plain-text 4xx."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class QueryRequest:
    """What a Protocol request asks: at most one query, the dataset, the format hints."""

    queries: list[str]
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    formats: tuple[str, ...]
    """``format=``, ``output=`` and ``results=`` values, in that order (clients such as
    SPARQLWrapper send all three): hints read for the query's form, the first usable wins."""


class ClientShare:
    """At most ``limit`` SPARQL queries of one client address running at once.

    One address with many runaway queries would otherwise hold every worker while another
    address's cheapest query waits. A query past its client's share waits for one of that
    client's own queries to end (a burst of cheap ones just queues), at most ``wait`` seconds,
    then is refused with a 429 naming the limit. Used on the event loop only (no lock); an
    address is forgotten when its last query ends.
    """

    def __init__(self, limit: int, wait: float = 2.0) -> None:
        self.limit = limit
        self.wait = wait
        self._clients: dict[str, tuple[asyncio.Semaphore, int]] = {}  # slots, queries in or waiting

    @asynccontextmanager
    async def take(self, client: str) -> AsyncIterator[None]:
        """Hold one of ``client``'s slots while the block runs; ProtocolError 429 past the share."""
        slots, users = self._clients.get(client) or (asyncio.Semaphore(self.limit), 0)
        self._clients[client] = (slots, users + 1)
        try:
            try:
                await asyncio.wait_for(slots.acquire(), self.wait)
            except TimeoutError:
                raise ProtocolError(
                    429,
                    f"this client ({client}) already has {self.limit} SPARQL queries running, the "
                    f"most one client may run at once (MLKG_MAX_QUERIES_PER_CLIENT={self.limit}), "
                    f"and none ended within {self.wait:g} s; wait for one to finish, or ask the "
                    "operator to raise the setting",
                    {"Retry-After": "1"},
                ) from None
            try:
                yield
            finally:
                slots.release()
        finally:
            users = self._clients[client][1] - 1
            if users:
                self._clients[client] = (slots, users)
            else:
                del self._clients[client]


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


# -- reading the request ----------------------------------------------------------------------


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    count = raw.count(b"&") + 1  # one scan before any parsing: a huge list costs only that
    if count > MAX_PARAMETERS:
        raise ProtocolError(
            400,
            f"the {where} has {count} parameters; at most {MAX_PARAMETERS} are read "
            "(query, default-graph-uri, named-graph-uri, format)",
        )
    try:
        return parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not UTF-8 once percent-decoded") from None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body of {declared} bytes is over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body is over the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"the query must be sent as UTF-8, not {params['charset']}")


async def _read_request(request: Request, max_bytes: int) -> QueryRequest:
    params = _decode_params(request.scope.get("query_string", b""), "URL query string")
    direct: list[str] = []
    if request.method == "POST":
        kind, type_params = media_type_of(request.headers.get("content-type"))
        if kind == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if kind not in (FORM, DIRECT):
            got = f"Content-Type {kind}" if kind else "no Content-Type"
            raise ProtocolError(
                415, f"POST /sparql with {got}: send {FORM} (query=...) or {DIRECT} (the query as the body)"
            )
        _check_charset(type_params)
        if kind == FORM:
            body = await _read_body(request, 3 * max_bytes + 16_384)
            if len(body) < _INLINE_INSPECT:
                params += _decode_params(body, "form body")
            else:  # a long form is decoded off the event loop: no other request waits on it
                params += await run_in_threadpool(_decode_params, body, "form body")
        else:
            body = await _read_body(request, max_bytes)
            try:
                direct.append(body.decode("utf-8"))
            except UnicodeDecodeError as err:
                raise ProtocolError(
                    400, f"the query body is not UTF-8 (bad byte at offset {err.start})"
                ) from None
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ProtocolError(403, READ_ONLY)
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    # A byte-order mark some editors put first is not part of the query.
    queries = [text.removeprefix("\ufeff") for text in values.get("query", []) + direct]
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} queries in one request; send exactly one query")
    for text in queries:
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise ProtocolError(413, f"the query is {size} bytes, over the {max_bytes}-byte limit")
    hints = [v for name in ("format", "output", "results") for v in values.get(name, [])]
    items = sum(hint.count(",") + 1 for hint in hints)  # counted before any is looked up
    if items > MAX_ACCEPT_RANGES:
        raise ProtocolError(
            400,
            f"format= / output= / results= list {items} formats; at most {MAX_ACCEPT_RANGES} are "
            "read: name the one you want (e.g. format=json)",
        )
    default, named = values.get("default-graph-uri"), values.get("named-graph-uri")
    graphs = len(default or ()) + len(named or ())
    if graphs > MAX_DATASET_GRAPHS:
        raise ProtocolError(
            400,
            f"default-graph-uri / named-graph-uri name {graphs} graphs; at most "
            f"{MAX_DATASET_GRAPHS} can make up a dataset",
        )
    for iri in (*(default or ()), *(named or ())):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"graph IRI {iri!r} is not a valid absolute IRI") from None
    if default is not None or named is not None:
        default, named = default or [], named or []
    if hints and not any(h.strip() for h in hints):
        raise ProtocolError(
            400, "format= is empty; leave it out to negotiate by Accept, or name one (json, csv, turtle...)"
        )
    return QueryRequest(queries, default, named, tuple(h for h in hints if h.strip()))


# -- choosing the answer's format ---------------------------------------------------------


def _offers(graph_form: bool) -> tuple[list[str], dict[str, str]]:
    """Media types for a form, server preference first, and the synonym -> canonical map."""
    names = GRAPH_OFFERS if graph_form else SOLUTION_OFFERS
    return list(names), names


def _choose(accept: str | None, hints: tuple[str, ...], graph_form: bool, what: str) -> str:
    """The media type to answer with; ProtocolError 406 when none fits.

    Format hints are read for the query's form (``xml`` is RDF/XML for CONSTRUCT, SPARQL XML
    for SELECT), each possibly a comma-separated list (SPARQLWrapper sends
    ``format=application/ld+json,application/x-json+ld``); the first usable item wins. Hints
    with nothing usable for this form fall back to Accept, as the Protocol's negotiation would.
    """
    offers = _offers(graph_form)[0]
    listed = ", ".join(GRAPH_MEDIA_TYPES if graph_form else SOLUTION_MEDIA_TYPES)
    kind: ResultKind = "graph" if graph_form else "solutions"
    for hint in hints:
        for item in hint.split(","):
            wanted = format_for(item, kind)
            if wanted is not None:
                return wanted
    chosen = negotiate(accept, offers)
    if chosen is None:
        asked = f"format={hints[0]}" if hints else accept
        raise ProtocolError(406, f"cannot answer {what} as {asked}; available: {listed}")
    return chosen


def _wants_page(accept: str | None, best: float) -> bool:
    """A browser: text/html explicitly wanted more than any data format."""
    ranges = parse_accept(accept)
    return any(r.type == "text" and r.subtype == "html" for r in ranges) and quality(ranges, HTML) > best


# -- the endpoint -------------------------------------------------------------------------


def _text(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


_ANY: dict[str, Any] = {"schema": {}}  # any body: the format is the content type
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "query results in the negotiated format; without a query, the service "
        "description (RDF) or the query page (HTML)",
        "content": {
            **{m: _ANY for m in (*SOLUTION_OFFERS, *GRAPH_OFFERS)},
            HTML: _ANY,
        },
    },
    400: _text("bad syntax (with line and column) or a malformed request"),
    403: _text("an update, or a SERVICE call: this endpoint is read-only and makes no outbound requests"),
    406: _text("no acceptable result format; the message lists the available ones"),
    413: _text("query or body over the size limit"),
    415: _text("POST with a Content-Type other than a form or application/sparql-query"),
    429: _text("the client already runs its share of the query workers (MLKG_MAX_QUERIES_PER_CLIENT)"),
    503: _text("the query reached the time limit, or every query worker is busy"),
}
_GRAPH_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{what} (repeatable); replaces the query's {clause}",
        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
        "style": "form",
        "explode": True,
    }
    for name, what, clause in (
        ("default-graph-uri", "a graph of the default graph", "FROM"),
        ("named-graph-uri", "a named graph", "FROM NAMED"),
    )
]
_FORMAT_PARAM = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "answer format, overriding Accept: "
    + ", ".join(f.name for f in FORMATS.values() if f.answers)
    + ", another short name or a media type (a comma-separated list is read in order); read for the "
    "query's form (xml is RDF/XML for CONSTRUCT); one the form cannot take falls back to Accept",
    "schema": {"type": "string", "examples": list(format_names())},
}
_HINT_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": "the same as format= (SPARQLWrapper and other clients send it); the first usable wins",
        "schema": {"type": "string", "examples": list(format_names())},
    }
    for name in ("output", "results")
]
_GET_EXTRA = {
    "parameters": [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "description": "the SPARQL query; without it, the service description or the query page",
            "schema": {"type": "string"},
        },
        *_GRAPH_PARAMS,
        _FORMAT_PARAM,
        *_HINT_PARAMS,
    ]
}
_POST_EXTRA = {
    "parameters": [*_GRAPH_PARAMS, _FORMAT_PARAM, *_HINT_PARAMS],
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            DIRECT: {"schema": {"type": "string"}},
        },
    },
}


@router.get(
    "/sparql",
    summary="SPARQL query (GET ?query=), service description or query page",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra=_GET_EXTRA,
)
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via GET; without a query, the service description or the page."""
    return await sparql_endpoint(request)


@router.post(
    "/sparql",
    summary="SPARQL query (POST form or application/sparql-query)",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra=_POST_EXTRA,
)
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via POST (form ``query=`` or the query as the body)."""
    return await sparql_endpoint(request)


async def sparql_endpoint(request: Request) -> Response:
    """Run one SPARQL query (GET ?query=, POST form, POST application/sparql-query)."""
    settings: Settings = request.app.state.settings
    try:
        req = await _read_request(request, settings.max_query_bytes)
        accept = request.headers.get("accept")
        if not req.queries:
            if request.method == "POST":
                raise ProtocolError(400, "no query: send query=... or an application/sparql-query body")
            return await _describe_or_page(request, accept, req.formats[0] if req.formats else None)
        query = req.queries[0]
        # Linear, but a long text is still read off the event loop so no other request waits.
        shape = (
            inspect_sparql(query)
            if len(query) < _INLINE_INSPECT
            else await run_in_threadpool(inspect_sparql, query)
        )
        if shape.form == "update":
            raise ProtocolError(403, READ_ONLY)
        graph_form = shape.form in ("construct", "describe")
        what = f"a {shape.form.upper()} query" if shape.form != "unknown" else "this query"
        if not req.formats and request.method == "GET":
            best = max(quality(parse_accept(accept), o) for o in _offers(graph_form)[0])
            if _wants_page(accept, best):
                return _page(request, query)
        media_type = _choose(accept, req.formats, graph_form, what)
        return await _run(request, query, media_type, req, graph_form)
    except ProtocolError as err:
        return _plain(err.status, err.message, err.headers)


@router.api_route(
    "/sparql",
    methods=["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
    include_in_schema=False,
)
async def sparql_other_methods(request: Request) -> Response:
    """Any method but GET/POST: 405 naming the ones that work."""
    return _plain(
        405,
        f"{request.method} is not allowed on /sparql; use GET (?query=) or POST",
        {"Allow": "GET, POST"},
    )


async def _run(
    request: Request, query: str, media_type: str, req: QueryRequest, graph_form: bool
) -> Response:
    runner: BoundedQueryRunner = request.app.state.query_runner
    canonical = _offers(graph_form)[1][media_type]
    arguments: dict[str, Any] = {
        "default_graphs": req.default_graphs,
        "named_graphs": req.named_graphs,
        "base_iri": str(request.url.replace(query="", fragment="")),
    }
    share: ClientShare = request.app.state.query_share
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        # A repeat comes from the cache at once, outside the client's share of the workers;
        # else the worker's pipe is awaited here.
        answer = runner.cached(query, canonical, **arguments)
        if answer is None:
            async with share.take(client_address(request.scope)):
                answer = await runner.run_async(query, canonical, **arguments, cancelled=gone)
    except QueryCancelled:
        return _plain(499, "the client went away")  # nobody reads this; the work is stopped
    except QuerySyntaxError as err:
        return _plain(400, str(err))
    except QueryRefused as err:
        return _plain(403, str(err))
    except UnsupportedFormat as err:
        return _plain(406, str(err))
    except (QueryTimeout, QueryAborted) as err:
        return _plain(503, str(err))
    except EngineUnavailable as err:
        if not err.transient:  # the remote store failed on the query: a bad gateway, not busy
            return _plain(502, str(err))
        return _plain(503, str(err), {"Retry-After": "5"})
    except MlkgError as err:
        return _plain(400, str(err))
    finally:
        gone.cancel()
    headers = {"Vary": "Accept"}
    if answer.truncation is not None:
        headers[TRUNCATED_HEADER] = answer.truncation.header
        headers["Access-Control-Expose-Headers"] = TRUNCATED_HEADER
    content_type = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return Response(answer.body, headers=headers, media_type=content_type)


async def _disconnected(request: Request) -> None:
    """Return when the client has gone (the request body, if any, was read before)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


# -- service description and page --------------------------------------------------------


async def _describe_or_page(request: Request, accept: str | None, fmt: str | None) -> Response:
    if fmt is None:
        offers = [*GRAPH_OFFERS, HTML]
        chosen = negotiate(accept, offers)
        if chosen == HTML:
            return _page(request, None)
        if chosen is None:
            listed = ", ".join([*GRAPH_MEDIA_TYPES, HTML])
            raise ProtocolError(406, f"cannot describe the service as {accept}; available: {listed}")
        media_type = chosen
    else:
        if fmt.strip().lower() in ("html", HTML):
            return _page(request, None)
        media_type = _choose(None, (fmt,), True, "the service description")
    kg: KnowledgeGraph = request.app.state.kg
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = await run_in_threadpool(service_description, kg, endpoint)
    body = serialize_triples(triples, GRAPH_MEDIA_TYPES[_offers(True)[1][media_type]])
    content_type = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return Response(body, media_type=content_type, headers={"Vary": "Accept"})


def service_description(kg: KnowledgeGraph, endpoint: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint, with the dataset's graphs and sizes."""
    sd = ox.NamedNode
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, _RDF_TYPE, sd(_SD + "Service")),
        ox.Triple(service, sd(_SD + "endpoint"), sd(endpoint)),
        ox.Triple(service, sd(_SD + "supportedLanguage"), sd(_SD + "SPARQL11Query")),
        ox.Triple(service, sd(_SD + "feature"), sd(_SD + "UnionDefaultGraph")),
        ox.Triple(service, sd(_SD + "feature"), sd(_SD + "BasicFederatedQuery"))
        if kg.config.allowed_service_hosts
        else None,
        ox.Triple(service, sd(_SD + "defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, sd(_SD + "Dataset")),
        ox.Triple(dataset, sd(_SD + "defaultGraph"), default),
        ox.Triple(default, _RDF_TYPE, sd(_SD + "Graph")),
        ox.Triple(default, sd(_VOID + "triples"), ox.Literal(str(kg.triple_count()), datatype=_XSD_INTEGER)),
    ]
    out = [t for t in triples if t is not None]
    out += [
        ox.Triple(service, sd(_SD + "resultFormat"), sd(_FORMATS + f.w3c_name))
        for f in FORMATS.values()
        if f.answers is not None and f.w3c_name is not None
    ]
    for name, count in kg.graph_counts().items():
        node, graph = ox.BlankNode(), ox.BlankNode()
        out += [
            ox.Triple(dataset, sd(_SD + "namedGraph"), node),
            ox.Triple(node, _RDF_TYPE, sd(_SD + "NamedGraph")),
            ox.Triple(node, sd(_SD + "name"), sd(name)),
            ox.Triple(node, sd(_SD + "graph"), graph),
            ox.Triple(graph, _RDF_TYPE, sd(_SD + "Graph")),
            ox.Triple(graph, sd(_VOID + "triples"), ox.Literal(str(count), datatype=_XSD_INTEGER)),
        ]
    return out


_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True)
class ExampleQuery:
    """One named query from ``graph/queries/*.rq``."""

    name: str
    title: str
    description: str
    query: str


@lru_cache(maxsize=1)
def example_queries() -> tuple[ExampleQuery, ...]:
    """The shipped example queries, titled by their ``# title:`` line (else the file name)."""
    folder = Path(mlkg.graph.__file__).resolve().parent / "queries"
    examples = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        fields = {"title": path.stem.replace("-", " ").replace("_", " ").capitalize(), "description": ""}
        for line in text.splitlines():
            key, sep, value = line.strip().lstrip("#").partition(":")
            if line.startswith("#") and sep and key.strip().lower() in fields and value.strip():
                fields[key.strip().lower()] = value.strip()
        examples.append(ExampleQuery(path.stem, fields["title"], fields["description"], text))
    return tuple(examples)


def _page(request: Request, query: str | None) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    urls = site_urls(request.app)
    config = {
        "endpoint": request.url.path,
        "entityBase": ENT,
        "entityPath": urls.entity_base,
        "prefixes": PREFIXES,
        # Results shorten graph IRIs too (display only: graph: is not predeclared).
        "displayPrefixes": {**PREFIXES, "graph": GRAPH},
        # Examples without the PREFIX lines the endpoint declares anyway.
        "examples": [
            {**e.__dict__, "query": without_predeclared_prefixes(e.query)} for e in example_queries()
        ],
        # The editor completes these after their prefix, besides the prefixes and keywords.
        "terms": [*completion_terms(), *COMMON_TERMS],
        "query": query,
        "rowLimit": settings.row_limit,
        "timeout": settings.query_timeout,
        "truncatedHeader": TRUNCATED_HEADER,
    }
    html = page_html(
        urls,
        "sparql.html",
        prefixes=sparql_prefixes(),
        prefix_names=list(PREFIXES),
        config_json=safe_json(config),
        examples=example_queries(),
        timeout=settings.query_timeout,
        row_limit=settings.row_limit,
        graph_base=GRAPH,
    )
    return HTMLResponse(html, headers={"Vary": "Accept"})  # CSP etc. come from the middleware
