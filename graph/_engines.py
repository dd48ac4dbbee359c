"""The query engines behind :class:`~mlkg.graph.KnowledgeGraph`: one focused class each.

All three take the same arguments and answer with a :class:`QueryResult` of pyoxigraph terms,
so callers never see which engine ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import pyoxigraph as ox

from mlkg.ontology import PREFIXES

from ._errors import EngineUnavailable, QueryError, QuerySyntaxError, QueryTimeout
from ._results import QueryResult, Term
from ._sparql_text import inspect_sparql, with_values

if TYPE_CHECKING:
    import httpx

_POSITION = re.compile(r"(?:error )?at (\d+):(\d+):? ?")


class Engine(Protocol):
    """What every engine offers."""

    name: ClassVar[str]

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

    def __init__(self, store: ox.Store) -> None:
        self.store = store

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


class RemoteEngine:
    """Any SPARQL 1.1 endpoint over HTTP: the path for graphs that outgrow one machine."""

    name: ClassVar[str] = "remote"

    def __init__(self, endpoint: str, *, timeout: float = 30.0) -> None:
        import httpx

        self.endpoint = endpoint
        self.timeout = timeout
        self._client: httpx.Client = httpx.Client(timeout=timeout, follow_redirects=False)
        self._union_graphs: list[str] | None = None

    @property
    def store_endpoint(self) -> str:
        """The Graph Store Protocol URL beside the query URL (Oxigraph's ``/store``)."""
        base = self.endpoint.rstrip("/")
        for tail in ("/query", "/sparql"):
            if base.endswith(tail):
                return base[: -len(tail)] + "/store"
        return base + "/store"

    def upload(self, quads: Iterable[ox.Quad]) -> None:
        """Replace each named graph of ``quads`` on the server (Graph Store Protocol PUT)."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            by_graph.setdefault(name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for graph, triples in by_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            params = {"graph": graph} if graph else {"default": ""}
            response = self._send(
                "PUT",
                self.store_endpoint,
                params=params,
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            if response.status_code >= 300:
                raise EngineUnavailable(
                    f"remote store {self.store_endpoint} refused the upload of "
                    f"{graph or 'the default graph'}: HTTP {response.status_code} {response.text[:200]}"
                )
        self._union_graphs = None

    def named_graphs(self) -> list[str]:
        """The endpoint's named graphs, fetched once: they make up the union default graph."""
        if self._union_graphs is None:
            answer = self._post("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None, [], [], "select")
            self._union_graphs = sorted(r[0].value for r in answer.rows if r[0] is not None)
        return self._union_graphs

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        shape = inspect_sparql(sparql)
        sparql = bind(sparql, substitutions)
        if default_graphs is None and named_graphs is None and not shape.has_dataset_clause:
            graphs = self.named_graphs()
            default_graphs, named_graphs = graphs, graphs
        # On the query's first line, so the server's line numbers stay the user's.
        prefix_line = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + " "
        try:
            return self._post(prefix_line + sparql, row_limit, default_graphs, named_graphs, shape.form)
        except QuerySyntaxError as err:
            raise _shift_columns(err, len(prefix_line)) from None

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
        data: dict[str, str | list[str]] = {"query": sparql}
        if default_graphs:
            data["default-graph-uri"] = list(default_graphs)
        if named_graphs:
            data["named-graph-uri"] = list(named_graphs)
        response = self._send("POST", self.endpoint, data=data, headers={"Accept": accept})
        if response.status_code == 400:
            raise QuerySyntaxError(f"SPARQL syntax error (remote endpoint): {response.text[:500]}")
        if response.status_code >= 300:
            raise EngineUnavailable(
                f"remote endpoint {self.endpoint} answered HTTP {response.status_code}: {response.text[:200]}"
            )
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if kind in ("application/n-triples", "text/plain"):
                triples = (
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                )
                return collect_triples(triples, row_limit)
            answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as err:
            raise EngineUnavailable(f"remote endpoint sent an unreadable answer: {err}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult.ask(bool(answer))
        names = [v.value for v in answer.variables]
        return collect(names, (tuple(s[n] for n in names) for s in answer), row_limit)

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise QueryTimeout(self.timeout) from None
        except httpx.HTTPError as err:
            raise EngineUnavailable(
                f"remote SPARQL endpoint {url} is unreachable ({type(err).__name__}: {err}); "
                "check --endpoint and that the server is running"
            ) from None

    def close(self) -> None:
        self._client.close()


def _shift_columns(err: QuerySyntaxError, offset: int) -> QuerySyntaxError:
    """Take the prefix line we added back out of a remote error's line-1 column."""
    match = _POSITION.search(str(err))
    if not match:
        return err
    line, column = int(match.group(1)), int(match.group(2))
    if line == 1:
        column = max(1, column - offset)
    rest = str(err)[match.end() :].strip()
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {rest}", line=line, column=column
    )


def quads_of(engine: Engine) -> Iterator[ox.Quad]:
    """Every quad the engine holds, read through SPARQL so it works for any engine."""
    answer = engine.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=None)
    for s, p, o, g in answer.rows:
        yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]
