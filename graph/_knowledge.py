"""The :class:`KnowledgeGraph`: the one interface to the data, whatever engine runs it."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pyoxigraph as ox

from mlkg.ontology import ENT, GRAPH, ONTOLOGY_GRAPH, PREFIXES

from ._engines import Engine, OxigraphEngine, RdflibEngine, RemoteEngine, oxigraph_syntax_error, quads_of
from ._errors import MlkgError, QueryRefused, QueryTooLarge, ValidationError, Violation
from ._inference import materialise
from ._loading import INFERRED_GRAPH, SourceFile, discover, fingerprint, load_files
from ._outbound import extension_functions, service_targets
from ._results import QueryResult, Term, Truncation
from ._sparql_text import inspect_sparql

EngineName = Literal["oxigraph", "rdflib", "remote"]
ENGINES: tuple[EngineName, ...] = ("oxigraph", "rdflib", "remote")
_FINGERPRINT_FILE = "mlkg-fingerprint.txt"
#: Deepest bracket nesting a query may have. The engines' parsers recurse per level and
#: Oxigraph's overflows its stack (a crash, not an error) somewhere past a few thousand.
MAX_QUERY_NESTING = 256
#: Most operator and separator tokens a query may have (``+ || / . ;`` UNION OPTIONAL ...).
#: A flat chain is a deep tree to the engines: Oxigraph overflows its stack (a crash) from
#: about 7,000 chained ``+`` or triple patterns; no real query comes near this.
MAX_QUERY_OPERATORS = 2000
_PREFIX_ITEMS = tuple(PREFIXES.items())
#: What an update gets, from the HTTP endpoint and the CLI alike.
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused "
    "and nothing was changed"
)


@dataclass(frozen=True)
class GraphConfig:
    """Everything needed to open the same graph again (e.g. in a worker process)."""

    engine: EngineName = "oxigraph"
    data: tuple[str, ...] = ()
    """Extra data files loaded beside the shipped ones."""
    store_path: str | None = None
    """Directory of an on-disk Oxigraph store (oxigraph engine only)."""
    endpoint: str | None = None
    """Query URL of the remote SPARQL endpoint (remote engine only)."""
    load_remote: bool = False
    """Upload the data into the remote endpoint at start instead of using what is there."""
    shipped: bool = True
    """Load the shipped ontology and data (off only for special tests and benchmarks)."""
    allowed_service_hosts: tuple[str, ...] = ()
    """Hosts SERVICE may call; empty means no outbound request from any query."""
    remote_timeout: float = 30.0
    store_url: str | None = None
    """Graph Store Protocol URL for ``load_remote`` (default: ``/store`` beside the endpoint)."""
    remote_refresh: float = 5.0
    """Seconds a remote store's graph list (and what is built from it) is used before re-reading."""


@dataclass(frozen=True)
class GraphStats:
    """Counts for ``mlkg stats`` and /health."""

    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    entities_by_class: dict[str, int] = field(default_factory=dict)


def _raise_syntax_error(sparql: str) -> None:
    """Raise :class:`QuerySyntaxError` (line and column) if Oxigraph's parser rejects ``sparql``.

    Only parsed: a SELECT, CONSTRUCT or DESCRIBE answer is evaluated lazily, so nothing runs
    (an ASK is answered at once, over an empty store).
    """
    try:
        ox.Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as err:
        raise oxigraph_syntax_error(err) from None
    except (OSError, ValueError, RuntimeError):
        return


class KnowledgeGraph:
    """The ontology, the data and what they imply, queried through one engine.

    >>> kg = KnowledgeGraph.open()
    >>> kg.query("ASK { ent:TorchServe mlkg:counterpartOf ent:TensorFlowServing }").boolean
    True
    """

    def __init__(self, engine: Engine, config: GraphConfig, files: Sequence[SourceFile]) -> None:
        self.engine = engine
        self.config = config
        self.files = list(files)
        self._triple_count: int | None = None

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls, config: GraphConfig | None = None, *, validate: bool = False, **overrides: object
    ) -> KnowledgeGraph:
        """Load and (with ``validate``) check the data, and start the configured engine.

        Raises :class:`DataError` for an unreadable or malformed file and
        :class:`ValidationError` for data that breaks the shapes; nothing is served then.
        """
        config = replace(config or GraphConfig(), **overrides)  # type: ignore[arg-type]
        if config.engine not in ENGINES:
            raise MlkgError(f"unknown engine {config.engine!r}; use one of: {', '.join(ENGINES)}")
        if config.engine == "remote":
            return cls._open_remote(config, validate)
        files = discover(config.data, shipped=config.shipped)
        if config.engine == "oxigraph" and config.store_path:
            return cls._open_on_disk(config, files, validate)
        store = cls._build(files, validate)
        engine: Engine = OxigraphEngine(store) if config.engine == "oxigraph" else RdflibEngine(store)
        return cls(engine, config, files)

    @staticmethod
    def _build(files: Sequence[SourceFile], validate: bool) -> ox.Store:
        store = load_files(files)  # parse errors are raised here, with file, line and column
        if validate:
            from ._validation import known_to_conform, remember_conforming, validate_loaded

            # The same bytes under the same shapes conformed before: the verdict is known.
            if not known_to_conform(files):
                violations = validate_loaded(store, files)  # before inference: the asserted data
                if violations:
                    raise ValidationError(violations)
                remember_conforming(files)
        materialise(store)
        return store

    @classmethod
    def _open_on_disk(
        cls, config: GraphConfig, files: Sequence[SourceFile], validate: bool
    ) -> KnowledgeGraph:
        path = Path(config.store_path or ".")
        path.mkdir(parents=True, exist_ok=True)
        digest = fingerprint(files)
        marker = path / _FINGERPRINT_FILE
        store = ox.Store(str(path))
        if not (marker.is_file() and marker.read_text() == digest and len(store) > 0):
            # Parse and check everything in memory first: a bad file leaves the store as it was.
            fresh = cls._build(files, validate)
            marker.unlink(missing_ok=True)
            store.clear()
            store.bulk_extend(fresh)
            store.flush()
            marker.write_text(digest)
        return cls(OxigraphEngine(store), config, files)

    @classmethod
    def _open_remote(cls, config: GraphConfig, validate: bool) -> KnowledgeGraph:
        if not config.endpoint:
            raise MlkgError("the remote engine needs --endpoint URL (or MLKG_ENDPOINT)")
        engine = RemoteEngine(
            config.endpoint,
            timeout=config.remote_timeout,
            store_url=config.store_url,
            refresh=config.remote_refresh,
        )
        files: list[SourceFile] = []
        if config.load_remote:
            files = discover(config.data, shipped=config.shipped)
            engine.upload(cls._build(files, validate))
        if not engine.named_graphs():  # fail now, clearly, if the endpoint is not there or empty
            raise MlkgError(
                f"the store at {config.endpoint} holds no mlkg graphs (named under {GRAPH}): load "
                "them with --load-remote, or the output of `mlkg export --format nquads` with the "
                "store's own loader"
            )
        return cls(engine, config, files)

    # -- querying ------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term | str] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        """Run a read-only SPARQL query.

        ``bindings`` bind variables to terms (a ``str`` becomes a plain literal): the only
        way user text reaches a query (as a VALUES block, see :func:`bind`). With no ``default_graphs``
        nor ``named_graphs`` the default graph is the union of every named graph.

        Raises :class:`QueryRefused` for updates and outbound SERVICE calls,
        :class:`QuerySyntaxError` for bad syntax.
        """
        self.check_allowed(sparql)
        self.check_outbound(sparql)
        substitutions = {
            name: ox.Literal(value) if isinstance(value, str) else value
            for name, value in (bindings or {}).items()
        }
        result = self.engine.query(
            sparql,
            substitutions=substitutions,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            row_limit=row_limit,
        )
        if result.truncated and result.truncation is None:  # the engines know only that a cap cut it
            result = replace(result, truncation=Truncation(row_limit=row_limit))
        return result

    def check_allowed(self, sparql: str) -> None:
        """Refuse, from a linear-time look at the text, what this read-only service never runs:
        updates, and texts nested or chained deeper than the engines' parsers can take.

        Outbound requests are decided by :meth:`check_outbound` (a full parse), which
        :meth:`query` runs too.
        """
        shape = inspect_sparql(sparql)
        if shape.max_depth > MAX_QUERY_NESTING:
            raise QueryTooLarge(
                f"the query nests {shape.max_depth} levels of brackets deep; "
                f"the limit is {MAX_QUERY_NESTING}: flatten the groups"
            )
        if shape.operators > MAX_QUERY_OPERATORS:
            raise QueryTooLarge(
                f"the query has {shape.operators} operators and separators; the limit is "
                f"{MAX_QUERY_OPERATORS}: split it, or put long lists of values in VALUES"
            )
        if shape.form == "update":
            raise QueryRefused(READ_ONLY)

    def check_outbound(self, sparql: str) -> None:
        """Refuse SERVICE to any host not allowed, deciding from a full SPARQL parse; on the
        remote engine also any extension function (and any text the full grammar cannot read).

        Beneath this check, the processes that evaluate embedded-engine queries have no
        network at all (see :mod:`mlkg.graph._sandbox`).
        """
        if self.config.engine == "remote":
            try:
                functions = extension_functions(sparql, _PREFIX_ITEMS)
            except QueryRefused:
                _raise_syntax_error(sparql)  # a plain syntax error says where, as on every engine
                raise
            for iri in functions:
                raise QueryRefused(
                    f"the function <{iri}> is refused: a remote store may implement extension "
                    "functions with network access; only SPARQL's built-ins and XSD casts are sent"
                )
        allowed = set(self.config.allowed_service_hosts)
        for target in service_targets(sparql, _PREFIX_ITEMS):
            host = urlsplit(target).hostname if not target.startswith("?") else None
            if host is None or host not in allowed:
                raise QueryRefused(
                    f"SERVICE {target} refused: queries make no outbound requests "
                    "(an operator can allow hosts with MLKG_ALLOWED_SERVICE_HOSTS)"
                )

    # -- facts about the graph -----------------------------------------------------------
    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph."""
        answer = self.engine.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {g.value: int(n.value) for g, n in answer.rows}  # type: ignore[union-attr]

    def triple_count(self) -> int:
        """Distinct triples in the union default graph.

        Counted once on the embedded engines (their data cannot change after loading); a
        remote store is asked every time, which also tells whether it is still there.
        """
        if self._triple_count is not None:
            return self._triple_count
        answer = self.engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        count = int(answer.rows[0][0].value)  # type: ignore[union-attr]
        if self.config.engine != "remote":
            self._triple_count = count
        return count

    def stats(self) -> GraphStats:
        """Triples in all and per named graph, and entities per (asserted) class."""
        answer = self.engine.query(
            f"""SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{
                 GRAPH ?g {{ ?e a ?c }} FILTER(?g NOT IN (<{INFERRED_GRAPH}>, <{ONTOLOGY_GRAPH}>))
                 FILTER(STRSTARTS(STR(?e), "{ENT}")) }} GROUP BY ?c ORDER BY DESC(?n) ?c"""
        )
        by_class = {c.value: int(n.value) for c, n in answer.rows}  # type: ignore[union-attr]
        return GraphStats(self.triple_count(), self.graph_counts(), by_class)

    def quads(self) -> list[ox.Quad]:
        """Every quad, from any engine."""
        return list(quads_of(self.engine))

    def validate(self) -> list[Violation]:
        """SHACL violations of the loaded data; [] when it conforms."""
        from ._validation import validate_store

        if isinstance(self.engine, OxigraphEngine):
            store = self.engine.store  # read in place: the inferred graph is left out there
        else:
            store = ox.Store()
            store.extend(self.quads())
        return validate_store(store, {f.graph: str(f.path) for f in self.files})

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.engine.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["ENGINES", "READ_ONLY", "EngineName", "GraphConfig", "GraphStats", "KnowledgeGraph"]
