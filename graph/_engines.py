"""The query engines behind :class:`~mlkg.graph.KnowledgeGraph`: one focused class each.

All three take the same arguments and answer with a :class:`QueryResult` of pyoxigraph terms,
so callers never see which engine ran. Each declares its :class:`Capabilities`, which is all
the rest of mlkg asks about an engine (never its name), and is registered by name
(:func:`register_engine`); :data:`ENGINES` is that registry, read by
:meth:`KnowledgeGraph.open() <mlkg.graph.KnowledgeGraph.open>`, the CLI's ``--engine``
choices and the service's settings.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import pyoxigraph as ox

from mlkg.ontology import GRAPH, PREFIXES

from ._errors import (
    EngineUnavailable,
    MlkgError,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    StoreFailed,
    StoreTimeout,
)
from ._loading import fingerprint
from ._results import QueryResult, Term, Truncation
from ._sparql_text import canonical_query, expand_codepoint_escapes, inspect_sparql, with_values

if TYPE_CHECKING:
    import httpx

    from ._knowledge import DataSource, GraphConfig

__all__ = ["ENGINES", "Capabilities", "Engine", "EngineType", "register_engine"]

_POSITION = re.compile(r"(?:error )?at (\d+):(\d+):? ?")
#: Beside an on-disk store: the fingerprint of the files it was built from.
_FINGERPRINT_FILE = "mlkg-fingerprint.txt"


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared once on its class (as rdflib's ``Store`` declares
    ``context_aware``, ``graph_aware``...). mlkg decides by these, never by an engine's name.

    >>> ENGINES["oxigraph"].capabilities.fixed_data, ENGINES["remote"].capabilities.fixed_data
    (True, False)
    """

    fixed_data: bool
    """The data cannot change while serving, so what is worked out from it (memoised answers,
    answer bytes, the triple count) can be kept; else it is kept per :attr:`Engine.generation`
    at most, or not at all."""
    embedded: bool
    """Queries are evaluated in this process's memory, so a forked worker can run each under our
    time, memory and network (seccomp) limits and be killed past them. Else they go to a store
    that applies the time limit it is sent, outside our sandbox (so it is sent no extension
    function)."""
    round_trips: bool
    """Each query is a network round trip: the answers fetch many nodes' statements in one query
    instead of one query per node."""
    worker_imports: tuple[str, ...] = ()
    """Modules a clean fork server imports before it starts the query workers (beyond mlkg.graph)."""


class Engine(Protocol):
    """What every engine offers."""

    name: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    @property
    def generation(self) -> int:
        """Changes when the data may have changed: what was worked out from it is then stale."""
        ...

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        """Run a query; ``default_graphs``/``named_graphs`` None means the union dataset."""
        ...

    def close(self) -> None: ...


def bind(sparql: str, substitutions: Mapping[str, Term] | None) -> str:
    """Bind variables to terms with a VALUES block at the top of the query's main group.

    Each term is written by pyoxigraph's N-Triples serialiser (so every quote, brace and
    newline in user text is escaped): text never becomes query syntax. Oxigraph's own
    ``substitutions`` would also be safe, but it plans the query as if the variable were
    free (a 2-hop lookup then scans every correspondence: 63 ms at 10^6 triples instead of
    0.5 ms) and it only binds projected variables.
    """
    if not substitutions:
        return sparql
    for name, term in substitutions.items():
        if isinstance(term, ox.BlankNode):
            raise QueryError(f"?{name}: a blank node cannot be bound (VALUES takes no blank nodes)")
    return with_values(sparql, {name: str(term) for name, term in substitutions.items()})


def collect(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]], row_limit: int | None
) -> QueryResult:
    """Gather solution rows, stopping one past ``row_limit`` to know whether to flag a cut."""
    out: list[Sequence[Term | None]] = []
    truncated = False
    for row in rows:
        if row_limit is not None and len(out) >= row_limit:
            truncated = True
            break
        out.append(row)
    return QueryResult.solutions(variables, out, truncated=truncated)


def collect_triples(triples: Iterable[ox.Triple], row_limit: int | None) -> QueryResult:
    out: list[ox.Triple] = []
    for triple in triples:
        if row_limit is not None and len(out) >= row_limit:
            return QueryResult.graph(out, truncated=True)
        out.append(triple)
    return QueryResult.graph(out)


def oxigraph_syntax_error(err: SyntaxError) -> QuerySyntaxError:
    message = str(err.args[0]) if err.args else str(err)
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        # Oxigraph lists every expected character class; the first line is the useful part.
        rest = message[match.end() :].strip().splitlines()[0]
        if len(rest) > 160:
            rest = rest[:160].rsplit(",", 1)[0] + ", ..."
        return QuerySyntaxError(
            f"SPARQL syntax error at line {line}, column {column}: {rest}", line=line, column=column
        )
    return QuerySyntaxError(f"SPARQL syntax error: {message}")


class OxigraphEngine:
    """The default engine: pyoxigraph, in memory or on disk, fast and in process."""

    name: ClassVar[str] = "oxigraph"
    capabilities: ClassVar[Capabilities] = Capabilities(fixed_data=True, embedded=True, round_trips=False)
    generation: ClassVar[int] = 0  # loaded once, never changed

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def open(cls, config: GraphConfig, data: DataSource) -> OxigraphEngine:
        """In memory, or on disk in ``config.store_path`` (built again only when the files changed)."""
        if not config.store_path:
            return cls(data.build())
        path = Path(config.store_path)
        path.mkdir(parents=True, exist_ok=True)
        digest = fingerprint(data.files)
        marker = path / _FINGERPRINT_FILE
        store = ox.Store(str(path))
        if not (marker.is_file() and marker.read_text() == digest and len(store) > 0):
            # Parse and check everything in memory first: a bad file leaves the store as it was.
            fresh = data.build()
            marker.unlink(missing_ok=True)
            store.clear()
            store.bulk_extend(fresh)
            store.flush()
            marker.write_text(digest)
        return cls(store)

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        sparql = bind(sparql, substitutions)
        if default_graphs is None and named_graphs is None:
            # Union default graph, unless the query names its own dataset (FROM / FROM NAMED):
            # pyoxigraph would let the union switch override it.
            has_from = "from" in sparql.lower() and inspect_sparql(sparql).has_dataset_clause
            kwargs["use_default_graph_as_union"] = not has_from
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        try:
            answer = self.store.query(sparql, **kwargs)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult.ask(bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                # A solution iterates over its values in the variables' order (None where
                # unbound): half the cost of looking each variable up by name.
                return collect(names, map(tuple, answer), row_limit)
            return collect_triples(answer, row_limit)
        except SyntaxError as err:
            raise oxigraph_syntax_error(err) from None
        except (ValueError, OSError, RuntimeError) as err:
            raise QueryError(f"query failed: {err}") from None

    def close(self) -> None:
        """Release the store: an on-disk one unlocks its directory once no one holds it."""
        self.store = ox.Store()  # pyoxigraph has no close(); dropping the last reference closes


class RdflibEngine:
    """The pure-Python reference engine: rdflib's own SPARQL over an in-memory Dataset."""

    name: ClassVar[str] = "rdflib"
    capabilities: ClassVar[Capabilities] = Capabilities(
        fixed_data=True, embedded=True, round_trips=False, worker_imports=("rdflib",)
    )
    generation: ClassVar[int] = 0  # loaded once, never changed

    @classmethod
    def open(cls, config: GraphConfig, data: DataSource) -> RdflibEngine:
        return cls(data.build())

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        import rdflib
        import rdflib.plugins.sparql as rdflib_sparql

        # rdflib fetches FROM / FROM NAMED IRIs over the network unless told not to.
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False
        self._rdflib = rdflib
        self.dataset = rdflib.Dataset(default_union=True)
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        self.dataset.parse(data=data, format="nquads")

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        from pyparsing import ParseException

        target = self.dataset
        if default_graphs is not None or named_graphs is not None:
            target = self._dataset_view(default_graphs or (), named_graphs or ())
        sparql = bind(sparql, substitutions)
        try:
            answer = target.query(sparql, initNs=PREFIXES)
            if answer.type == "ASK":
                return QueryResult.ask(bool(answer.askAnswer))
            if answer.type == "SELECT":
                names = [str(v) for v in answer.vars or ()]
                rows = (tuple(self.from_rdflib(v) for v in row) for row in answer)  # type: ignore[union-attr]
                return collect(names, rows, row_limit)
            graph_rows = cast("Iterable[tuple[Any, Any, Any]]", answer)
            triples = (
                ox.Triple(self.from_rdflib(s), self.from_rdflib(p), self.from_rdflib(o))  # type: ignore[arg-type]
                for s, p, o in graph_rows
            )
            return collect_triples(triples, row_limit)
        except ParseException as err:
            raise QuerySyntaxError(
                f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}",
                line=err.lineno,
                column=err.col,
            ) from None
        except QueryError:
            raise
        except Exception as err:  # rdflib raises bare Exceptions for bad queries
            raise QueryError(f"query failed: {err}") from None

    def _dataset_view(self, default: Sequence[str], named: Sequence[str]) -> Any:
        """A dataset with an explicit default graph and named graphs (SPARQL Protocol)."""
        lib = self._rdflib
        view = lib.Dataset()
        for iri in default:
            for triple in self.dataset.graph(lib.URIRef(iri)):
                view.default_graph.add(triple)
        for iri in named:
            target = view.graph(lib.URIRef(iri))
            for triple in self.dataset.graph(lib.URIRef(iri)):
                target.add(triple)
        return view

    def from_rdflib(self, term: Any) -> Term | None:
        rdflib = self._rdflib
        if term is None:
            return None
        if isinstance(term, rdflib.URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, rdflib.BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, rdflib.Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        raise QueryError(f"unexpected term from rdflib: {term!r}")

    def close(self) -> None:
        self.dataset.close()


#: Where mlkg's graphs live on a store: the remote dataset is the store's graphs named here,
#: and those :data:`DATASET_GRAPH` lists, so a store's own graphs (Virtuoso's ``virtrdf#``, its
#: service description, ...) and other data on a shared store stay out of the union default graph.
DATASET_NAMESPACE = GRAPH
#: Written by ``--load-remote``: ``<this> rdfs:member <graph>`` for every graph it uploaded, so
#: data files with graphs of their own (TriG, N-Quads) stay in the dataset. Not itself a member.
DATASET_GRAPH = GRAPH + "remote-dataset"
_MEMBER = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#member")
#: A graph no store holds: sent as the one named (or default) graph of an empty side of a
#: dataset, since a store given no ``named-graph-uri`` falls back to all of its graphs (Virtuoso).
_NO_GRAPH = GRAPH + "none"
#: A BASE declaration. The ones that open a query (the /sparql route sends one before the text)
#: are sent as one, first: Virtuoso takes a single BASE, and only before the PREFIX lines.
_BASE_DECL = re.compile(r"\s*BASE\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_MENTIONS_GRAPH = re.compile(r"graph", re.IGNORECASE)
#: Virtuoso's echo of the query text after its error message.
_VIRTUOSO_ECHO = re.compile(r"\s*SPARQL query:.*\Z", re.DOTALL)
_PREFIX_DECLS = {p: re.compile(re.escape(p) + ":") for p in PREFIXES}
#: Seconds between our time limit and the one we give the store (see ``_post``).
STORE_GRACE = 1.0
#: Seconds one graph's upload (``--load-remote``) may take.
UPLOAD_TIMEOUT = 600.0
#: Rows per page when reading a whole store (``mlkg export``): below any store's usual cap.
EXPORT_PAGE = 5000


class RemoteEngine:
    """Any SPARQL 1.1 endpoint over HTTP: the path for graphs that outgrow one machine.

    Tested against Oxigraph server and Virtuoso 7.2. The dataset is the store's named graphs
    under :data:`DATASET_NAMESPACE` and those :data:`DATASET_GRAPH` lists, read again when
    older than ``refresh`` seconds; every re-read moves :attr:`generation` on, which tells the
    caches above (name index, memos) to start again. ``timeout`` bounds a whole query: the store
    is given it less :data:`STORE_GRACE` (Virtuoso's ``timeout`` parameter) and the connection
    is closed :data:`STORE_GRACE` past it.
    """

    name: ClassVar[str] = "remote"
    capabilities: ClassVar[Capabilities] = Capabilities(fixed_data=False, embedded=False, round_trips=True)

    @classmethod
    def open(cls, config: GraphConfig, data: DataSource) -> RemoteEngine:
        """Connect to ``config.endpoint`` (uploading the data first with ``load_remote``) and
        check now, clearly, that the store is there and holds mlkg's graphs."""
        if not config.endpoint:
            raise MlkgError("the remote engine needs --endpoint URL (or MLKG_ENDPOINT)")
        engine = cls(
            config.endpoint,
            timeout=config.remote_timeout,
            store_url=config.store_url,
            refresh=config.remote_refresh,
        )
        try:
            if config.load_remote:
                engine.upload(data.build())
            if not engine.named_graphs():
                raise MlkgError(
                    f"the store at {config.endpoint} holds no mlkg graphs (named under {GRAPH}): "
                    "load them with --load-remote, or the output of `mlkg export --format nquads` "
                    "with the store's own loader"
                )
        except BaseException:
            engine.close()
            raise
        return engine

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30.0,
        store_url: str | None = None,
        refresh: float = 5.0,
    ) -> None:
        import httpx

        self.endpoint = endpoint
        self.timeout = timeout
        self.refresh = refresh
        self._store_url = store_url
        self._client: httpx.Client = httpx.Client(timeout=timeout + STORE_GRACE, follow_redirects=False)
        self._lock = threading.Lock()
        self._graphs: tuple[str, ...] | None = None
        self._read_at = 0.0
        self._generation = 0
        self._empty_graph_pattern_works: bool | None = None
        #: Requests sent to the store so far (round trips; for measurements and tests).
        self.requests = 0

    # -- the store's dataset ---------------------------------------------------------------
    @property
    def store_endpoint(self) -> str:
        """The Graph Store Protocol URL: ``store_url``, else Oxigraph's ``/store`` beside the query URL."""
        if self._store_url:
            return self._store_url
        base = self.endpoint.rstrip("/")
        for tail in ("/query", "/sparql"):
            if base.endswith(tail):
                return base[: -len(tail)] + "/store"
        return base + "/store"

    @property
    def generation(self) -> int:
        """A number that changes whenever the dataset was read again (at most every ``refresh`` s)."""
        self.named_graphs()
        return self._generation

    def named_graphs(self) -> list[str]:
        """The store's graphs under :data:`DATASET_NAMESPACE`: they make up the union default graph.

        Read again when older than ``refresh`` seconds, so a graph added or dropped on the
        store is seen within that time.
        """
        with self._lock:
            if self._graphs is None or time.monotonic() - self._read_at >= self.refresh:
                self._graphs = self._read_graphs()
                self._read_at = time.monotonic()
                self._generation += 1
            return list(self._graphs)

    def forget_dataset(self) -> None:
        """Read the dataset again at the next query (after an upload)."""
        with self._lock:
            self._graphs = None

    def _read_graphs(self) -> tuple[str, ...]:
        listed = self._post(
            f"SELECT ?g WHERE {{ GRAPH <{DATASET_GRAPH}> {{ <{DATASET_GRAPH}> <{_MEMBER.value}> ?g }} }}",
            None,
            None,
            None,
            "select",
        )
        members = {r[0].value for r in listed.rows if isinstance(r[0], ox.NamedNode)}
        # ``GRAPH ?g {}`` lists graphs without reading their triples (Oxigraph); Virtuoso
        # answers it with one unbound row, so there the graphs are found through their triples.
        found: set[str] = set()
        if self._empty_graph_pattern_works is not False:
            answer = self._post("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None, None, None, "select")
            works = all(row[0] is not None for row in answer.rows)
            if works:
                found = {r[0].value for r in answer.rows if r[0] is not None}
            self._empty_graph_pattern_works = works
        if not self._empty_graph_pattern_works:
            listed_too = "".join(f" || ?g = <{g}>" for g in sorted(members))
            answer = self._post(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{DATASET_NAMESPACE}"){listed_too}) }}',
                None,
                None,
                None,
                "select",
            )
            found = {r[0].value for r in answer.rows if r[0] is not None}
        ours = (g for g in found if g.startswith(DATASET_NAMESPACE) or g in members)
        return tuple(sorted(g for g in ours if g != DATASET_GRAPH))

    def _dataset(
        self,
        sparql: str,
        has_clause: bool,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> tuple[Sequence[str] | None, Sequence[str] | None]:
        """The protocol dataset to send: ours (the union), or the caller's confined to ours."""
        ours = self.named_graphs()
        if default_graphs is None and named_graphs is None:
            if has_clause:
                return None, None  # the query's own FROM / FROM NAMED
            named = ours if _MENTIONS_GRAPH.search(expand_codepoint_escapes(sparql)) else []
            return ours or [_NO_GRAPH], named or [_NO_GRAPH]
        keep = set(ours)
        default = [g for g in default_graphs or () if g in keep]
        named = [g for g in named_graphs or () if g in keep]
        return default or [_NO_GRAPH], named or [_NO_GRAPH]

    # -- loading -------------------------------------------------------------------------
    def upload(self, quads: Iterable[ox.Quad]) -> None:
        """Replace each named graph of ``quads`` on the store (Graph Store Protocol PUT).

        Credentials come from the environment only (``MLKG_STORE_USER``, ``MLKG_STORE_PASSWORD``,
        ``MLKG_STORE_AUTH`` = ``basic`` or ``digest``): they are never part of a configuration
        that could be printed, and never written to a message.
        """
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            by_graph.setdefault(name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        auth = store_auth()
        listing = ox.NamedNode(DATASET_GRAPH)
        by_graph[DATASET_GRAPH] = [
            ox.Triple(listing, _MEMBER, ox.NamedNode(g)) for g in sorted(by_graph) if g
        ]
        for graph, triples in by_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            params = {"graph": graph} if graph else {"default": ""}
            response = self._send(
                "PUT",
                self.store_endpoint,
                params=params,
                content=body,
                headers={"Content-Type": "application/n-triples"},
                auth=auth,
                limit=UPLOAD_TIMEOUT,
            )
            if response.status_code >= 300:
                hint = (
                    " (set MLKG_STORE_USER, MLKG_STORE_PASSWORD, MLKG_STORE_AUTH)"
                    if response.status_code in (401, 403)
                    else ""
                )
                raise EngineUnavailable(
                    f"remote store {self.store_endpoint} refused the upload of "
                    f"{graph or 'the default graph'}: HTTP {response.status_code} "
                    f"{_store_message(response.text)[:200]}{hint}"
                )
        self.forget_dataset()

    # -- querying ------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        sparql = canonical_query(sparql)  # the store is sent the checked form only, never raw text
        shape = inspect_sparql(sparql)
        sparql = bind(sparql, substitutions)
        has_clause = shape.has_dataset_clause
        if has_clause and default_graphs is None and named_graphs is None:
            # The query's FROM / FROM NAMED become the protocol dataset, confined to our graphs
            # like any other (a store would read any of its graphs, its system graphs too).
            from ._bounded import split_dataset_clauses

            blanked, from_default, from_named = split_dataset_clauses(sparql)
            unresolved = [name for name in (*from_default, *from_named) if not name.startswith("<")]
            if unresolved:  # never left for the store to read (it would read any of its graphs)
                raise QuerySyntaxError(
                    f"FROM {unresolved[0]}: its prefix is not declared; add a PREFIX line for it "
                    "or write the graph's IRI in full (<...>)"
                )
            sparql, has_clause = blanked, False
            default_graphs = [iri[1:-1] for iri in from_default]
            named_graphs = [iri[1:-1] for iri in from_named]
        default_graphs, named_graphs = self._dataset(sparql, has_clause, default_graphs, named_graphs)
        # Our prefixes go after the opening BASE declarations, on the same line, so the store's
        # line numbers stay the user's; the columns of that line are put back in errors.
        head, start = _opening_base(sparql)
        line = head.count("\n") + 1
        before = start - (sparql.rfind("\n", 0, start) + 1)  # the user's columns taken by BASE
        prefixes = _prefix_line(sparql)
        after = len(head) - (head.rfind("\n") + 1) + len(prefixes)
        try:
            return self._post(
                head + prefixes + sparql[start:], row_limit, default_graphs, named_graphs, shape.form
            )
        except QuerySyntaxError as err:
            raise _shift_columns(err, line, after, after - before) from None

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the dataset, graph by graph in pages (a store caps each answer).

        Pages are ranges of subjects (ORDER BY with a growing lower bound, no OFFSET: Virtuoso
        refuses to sort past its cap), so a page never splits one subject's triples.
        """
        for graph in self.named_graphs():
            yield from self._graph_quads(graph)

    def _graph_quads(self, graph: str) -> Iterator[ox.Quad]:
        name = ox.NamedNode(graph)
        since: str | None = None
        while True:
            bound = f" && STR(?s) >= {ox.Literal(since)}" if since is not None else ""
            page = self._post(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER(isIRI(?s){bound}) }} "
                f"ORDER BY STR(?s) LIMIT {EXPORT_PAGE}",
                None,
                [_NO_GRAPH],
                [graph],
                "select",
            )
            rows = page.rows
            full = len(rows) >= EXPORT_PAGE or page.truncated
            last = rows[-1][0].value if full and rows and rows[-1][0] is not None else None
            done = [r for r in rows if not full or (r[0] is not None and r[0].value != last)]
            if full and not done:
                raise StoreFailed(f"cannot page through {graph}: the subject {last} has too many triples")
            for s, p, o in done:
                yield ox.Quad(s, p, o, name)  # type: ignore[arg-type]
            if not full:
                break
            since = last
        blank = self._post(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER(isBlank(?s)) }}",
            None,
            [_NO_GRAPH],
            [graph],
            "select",
        )
        if blank.truncated:
            raise StoreFailed(f"cannot page through {graph}: too many blank-node subjects for one answer")
        for s, p, o in blank.rows:
            yield ox.Quad(s, p, o, name)  # type: ignore[arg-type]

    def _post(
        self,
        sparql: str,
        row_limit: int | None,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        form: str,
    ) -> QueryResult:
        graph_form = form in ("construct", "describe")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        # Virtuoso stops a query at its `timeout` (ms) on about one-second ticks and says so
        # (an "anytime" answer, refused below); it is told a second less than our limit, and
        # we wait for its word until a second past it. Stores that ignore it are cut off then.
        store_ms = max(1000, int((self.timeout - STORE_GRACE) * 1000))
        data: dict[str, str | list[str]] = {"query": sparql, "timeout": str(store_ms)}
        if default_graphs:
            data["default-graph-uri"] = list(default_graphs)
        if named_graphs:
            data["named-graph-uri"] = list(named_graphs)
        response = self._send("POST", self.endpoint, data=data, headers={"Accept": accept})
        status = response.status_code
        if status in (400, 501):
            message = _store_message(response.text)
            if status == 400:
                raise QuerySyntaxError(f"the store refused the query: {message}")
            raise QueryError(f"the store does not support this query: {message}")
        if status in (429, 503):
            raise EngineUnavailable(
                f"remote store {self.endpoint} is busy (HTTP {status}): try again shortly"
            )
        if status == 504:  # the store's (or its gateway's) own limit: ours closes the connection
            raise StoreTimeout.at(self.endpoint, self.timeout)
        if status >= 300:
            raise StoreFailed(
                f"remote store {self.endpoint} failed on the query (HTTP {status}): "
                f"{_store_message(response.text)[:300]}"
            )
        if response.headers.get("x-sql-state") == "S1TAT":
            # Virtuoso's "anytime" answer: whatever it had found when our time limit hit it.
            raise QueryTimeout(self.timeout)
        store_cap = response.headers.get("x-sparql-maxrows")  # Virtuoso: its own cap cut the answer
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if kind in ("application/n-triples", "text/plain"):
                triples = (
                    ox.Triple(q.subject, q.predicate, _canonical(q.object))  # type: ignore[arg-type]
                    for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                )
                result = collect_triples(triples, row_limit)
            else:
                answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
                if isinstance(answer, ox.QueryBoolean):
                    return QueryResult.ask(bool(answer))
                names = [v.value for v in answer.variables]
                rows = (tuple(_canonical(s[n]) for n in names) for s in answer)
                result = collect(names, rows, row_limit)
        except SyntaxError as err:
            if b"has been cancelled" in response.content[-200:]:  # Oxigraph server's --timeout-s
                raise StoreTimeout.at(self.endpoint, self.timeout) from None
            raise StoreFailed(f"remote store {self.endpoint} sent an unreadable answer: {err}") from None
        if store_cap and store_cap.isdigit():
            cap = int(store_cap) if row_limit is None else min(int(store_cap), row_limit)
            result = replace(result, truncated=True, truncation=Truncation(row_limit=cap))
        return result

    def _send(self, method: str, url: str, *, limit: float | None = None, **kwargs: Any) -> _Reply:
        """One request, read in full within ``limit`` seconds (default: the query time limit
        and :data:`STORE_GRACE`) or closed then."""
        import httpx

        limit = self.timeout + STORE_GRACE if limit is None else limit
        deadline = time.monotonic() + limit
        self.requests += 1
        try:
            with self._client.stream(method, url, timeout=limit, **kwargs) as response:
                chunks = []
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if time.monotonic() > deadline:  # leaving the block closes the connection
                        raise httpx.ReadTimeout("the time limit passed while reading the answer")
                return _Reply(response.status_code, response.headers, b"".join(chunks))
        except httpx.TimeoutException:
            if method != "POST":
                raise EngineUnavailable(f"the store at {url} did not answer within {limit:g} s") from None
            raise QueryTimeout(self.timeout) from None
        except httpx.HTTPError as err:
            raise EngineUnavailable(
                f"remote SPARQL endpoint {url} is unreachable ({type(err).__name__}: {err}); "
                "check --endpoint and that the server is running"
            ) from None

    def close(self) -> None:
        self._client.close()


def store_auth() -> httpx.Auth | None:
    """Credentials for the Graph Store, from ``MLKG_STORE_USER`` / ``_PASSWORD`` / ``_AUTH``."""
    import os

    import httpx

    user = os.environ.get("MLKG_STORE_USER")
    if not user:
        return None
    password = os.environ.get("MLKG_STORE_PASSWORD", "")
    scheme = os.environ.get("MLKG_STORE_AUTH", "basic").strip().lower()
    if scheme == "digest":
        return httpx.DigestAuth(user, password)
    if scheme == "basic":
        return httpx.BasicAuth(user, password)
    raise MlkgError(f"MLKG_STORE_AUTH must be basic or digest, not {scheme!r}")


@dataclass(frozen=True)
class _Reply:
    """A store's answer, read in full (its Content-Encoding undone)."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEAN = {"1": ox.Literal("true", datatype=_BOOLEAN), "0": ox.Literal("false", datatype=_BOOLEAN)}


def _canonical(term: Term | None) -> Term | None:
    """A store's term in the form the embedded engines give (Virtuoso writes ``true`` as ``"1"``)."""
    if isinstance(term, ox.Literal) and term.datatype == _BOOLEAN:
        return _CANONICAL_BOOLEAN.get(term.value, term)
    return term


_PREFIX_DECL_TEXT = re.compile(
    "|".join(re.escape(f"PREFIX {p}: <{iri}> ") for p, iri in PREFIXES.items()), re.IGNORECASE
)


def _prefix_line(sparql: str) -> str:
    """Our PREFIX declarations for the prefixes ``sparql`` may use (spelled ``name:`` anywhere).

    Only those: Virtuoso plans some queries 30 times slower with all of them declared (a
    2 s lookup instead of 60 ms), and the request stays short.
    """
    text = sparql if "\\u" not in sparql.lower() else sparql + expand_codepoint_escapes(sparql)
    used = [p for p, pattern in _PREFIX_DECLS.items() if pattern.search(text)]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in used)


def _store_message(text: str) -> str:
    """A store's error text without the query it echoes (Virtuoso adds it, with our prefixes)."""
    message = _VIRTUOSO_ECHO.sub("", text).strip()
    return _PREFIX_DECL_TEXT.sub("", message).strip()


def _opening_base(sparql: str) -> tuple[str, int]:
    r"""The BASE declarations that open ``sparql`` as one (``BASE <iri>`` plus their line breaks),
    and where the rest of the text starts.

    >>> _opening_base("BASE <http://a/b/>\nBASE <c/> ASK {}")
    ('BASE <http://a/b/c/>\n ', 28)
    """
    from urllib.parse import urljoin

    base, start = None, 0
    while match := _BASE_DECL.match(sparql, start):
        base = urljoin(base, match.group(1)) if base else match.group(1)
        start = match.end()
    if base is None:
        return "", 0
    return f"BASE <{base}>" + "\n" * sparql.count("\n", 0, start) + " ", start


def _shift_columns(err: QuerySyntaxError, line_no: int, past: int, offset: int) -> QuerySyntaxError:
    """Take the prefix line we added back out of a store error's column on line ``line_no``
    (columns past ``past`` there moved ``offset`` to the right)."""
    match = _POSITION.search(str(err))
    if not match:
        return err
    line, column = int(match.group(1)), int(match.group(2))
    if line == line_no and column > past:
        column -= offset
    rest = str(err)[match.end() :].strip()
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {rest}", line=line, column=column
    )


def quads_of(engine: Engine) -> Iterator[ox.Quad]:
    """Every quad the engine holds, read through SPARQL so it works for any engine."""
    if isinstance(engine, RemoteEngine):
        yield from engine.quads()
        return
    answer = engine.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=None)
    for s, p, o, g in answer.rows:
        yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]


class EngineType(Protocol):
    """An engine class as the registry holds it: its capabilities and how to open it."""

    @property
    def capabilities(self) -> Capabilities: ...

    def open(self, config: GraphConfig, data: DataSource) -> Engine:
        """Start the engine ``config`` describes; ``data`` builds the configured files on request."""
        ...


_REGISTRY: dict[str, EngineType] = {}
#: Every engine by the name ``--engine``, ``MLKG_ENGINE`` and ``GraphConfig.engine`` use
#: (read-only; add one with :func:`register_engine`).
ENGINES: Mapping[str, EngineType] = MappingProxyType(_REGISTRY)


def register_engine(name: str, engine: EngineType) -> None:
    """Offer ``engine`` (a class with ``capabilities`` and an ``open(config, data)`` class
    method) under ``name``, replacing any engine of that name, as rdflib's
    ``plugin.register`` does. Register before building the CLI or the settings that name it."""
    if not name or not name.isidentifier():
        raise ValueError(f"an engine name is one word (letters, digits, _), not {name!r}")
    _REGISTRY[name] = engine


def engine_type(name: str) -> EngineType:
    """The engine registered as ``name``; :class:`MlkgError` naming the choices if none is."""
    found = _REGISTRY.get(name)
    if found is None:
        raise MlkgError(f"unknown engine {name!r}; use one of: {', '.join(_REGISTRY)}")
    return found


register_engine("oxigraph", OxigraphEngine)
register_engine("rdflib", RdflibEngine)
register_engine("remote", RemoteEngine)
