"""The :class:`KnowledgeGraph`: the one interface to the data, whatever engine runs it."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from mlkg.ontology import ENT, ONTOLOGY_GRAPH, PREFIXES

from ._engines import (
    ENGINES,
    Capabilities,
    Engine,
    OxigraphEngine,
    engine_type,
    oxigraph_syntax_error,
    quads_of,
)
from ._errors import QueryRefused, QuerySyntaxError, QueryTooLarge, ValidationError, Violation
from ._inference import materialise
from ._loading import INFERRED_GRAPH, SourceFile, discover, load_files
from ._memo import Memo
from ._outbound import extension_functions, service_targets
from ._results import QueryResult, Term, Truncation
from ._sparql_text import canonical_query, in_user_text, inspect_sparql

#: Deepest bracket nesting a query may have. The engines' parsers recurse per level and
#: Oxigraph's overflows its stack (a crash, not an error) somewhere past a few thousand.
MAX_QUERY_NESTING = 256
#: Most operator and separator tokens a query may have (``+ || / . ;`` UNION OPTIONAL ...).
#: A flat chain is a deep tree to the engines: Oxigraph overflows its stack (a crash) from
#: about 7,000 chained ``+`` or triple patterns; no real query comes near this.
MAX_QUERY_OPERATORS = 2000
#: Longest text the remote engine's check parses (rdflib's pure-Python parser, in this process:
#: about 0.4 ms a character on the slowest forms, so at most a few seconds).
MAX_REMOTE_CHECKED_CHARS = 10_000
_PREFIX_ITEMS = tuple(PREFIXES.items())
#: What an update gets, from the HTTP endpoint and the CLI alike.
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused "
    "and nothing was changed"
)


@dataclass(frozen=True)
class GraphConfig:
    """Everything needed to open the same graph again (e.g. in a worker process)."""

    engine: str = "oxigraph"
    """A name in :data:`ENGINES`: "oxigraph", "rdflib", "remote" or one registered."""
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


class DataSource:
    """The data files a configuration names, read only if the engine asks for them (a remote
    engine using what its store holds never does).

    An engine's ``open`` takes :attr:`files` (e.g. to fingerprint them) and :meth:`build`.
    """

    def __init__(self, config: GraphConfig, validate: bool) -> None:
        self.config = config
        self.validate = validate

    @functools.cached_property
    def files(self) -> list[SourceFile]:
        return discover(self.config.data, shipped=self.config.shipped)

    @property
    def read(self) -> list[SourceFile]:
        """The files, if the engine asked for them; else none."""
        return self.files if "files" in self.__dict__ else []

    def build(self) -> ox.Store:
        """Parse (errors with file, line and column), check with ``validate``, and add what the
        ontology implies: the store every engine is loaded from."""
        store = load_files(self.files)
        if self.validate:
            from ._validation import known_to_conform, remember_conforming, validate_loaded

            # The same bytes under the same shapes conformed before: the verdict is known.
            if not known_to_conform(self.files):
                violations = validate_loaded(store, self.files)  # before inference: the asserted data
                if violations:
                    raise ValidationError(violations)
                remember_conforming(self.files)
        materialise(store)
        return store


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
        #: What the engine can do (see :class:`Capabilities`).
        self.capabilities: Capabilities = engine.capabilities
        #: Answers worked out from this graph's data, kept while it stays the same (see :class:`Memo`).
        self.memo = Memo(engine)
        self._triple_count: int | None = None

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls, config: GraphConfig | None = None, *, validate: bool = False, **overrides: object
    ) -> KnowledgeGraph:
        """Load and (with ``validate``) check the data, and start the configured engine
        (any name in :data:`ENGINES`).

        Raises :class:`DataError` for an unreadable or malformed file and
        :class:`ValidationError` for data that breaks the shapes; nothing is served then.
        """
        config = replace(config or GraphConfig(), **overrides)  # type: ignore[arg-type]
        data = DataSource(config, validate)
        engine = engine_type(config.engine).open(config, data)
        return cls(engine, config, data.read)

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

        The text is put in its :func:`canonical_query` form once, and that form alone is checked
        and run; syntax errors point at the text as given.

        Raises :class:`QueryRefused` for updates and outbound SERVICE calls,
        :class:`QuerySyntaxError` for bad syntax (and for text whose parsers could disagree).
        """
        text = canonical_query(sparql)
        substitutions = {
            name: ox.Literal(value) if isinstance(value, str) else value
            for name, value in (bindings or {}).items()
        }
        try:
            self.check_allowed(text)
            self.check_outbound(text)
            result = self.engine.query(
                text,
                substitutions=substitutions,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                row_limit=row_limit,
            )
        except QuerySyntaxError as err:
            raise in_user_text(err, sparql) from None
        if result.truncated and result.truncation is None:  # the engines know only that a cap cut it
            result = replace(result, truncation=Truncation(row_limit=row_limit))
        return result

    def check_allowed(self, sparql: str) -> None:
        """Refuse, from a linear-time look at the text, what this read-only service never runs:
        updates, and texts nested or chained deeper than the engines' parsers can take.

        Outbound requests are decided by :meth:`check_outbound` (a full parse), which
        :meth:`query` runs too. Both read the :func:`canonical_query` form of ``sparql``.
        """
        shape = inspect_sparql(canonical_query(sparql))
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
        """Refuse any SERVICE clause, deciding from a full SPARQL parse of the canonical text; on
        the remote engine also any extension function (and any text the full grammar cannot read).

        Beneath this check, the processes that evaluate embedded-engine queries have no
        network at all (see :mod:`mlkg.graph._sandbox`).
        """
        sparql = canonical_query(sparql)
        if not self.capabilities.embedded:  # the store runs outside our sandbox
            if len(sparql) > MAX_REMOTE_CHECKED_CHARS:
                raise QueryTooLarge(
                    f"the query is {len(sparql):,} characters long; on the remote engine every "
                    f"query is checked with a full parse here first, which takes at most "
                    f"{MAX_REMOTE_CHECKED_CHARS:,}: shorten it (put long lists of values in fewer, "
                    "shorter queries)"
                )
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
        for target in service_targets(sparql, _PREFIX_ITEMS):
            raise QueryRefused(
                f"SERVICE {target} refused: queries make no outbound requests (this service "
                "offers no federation)"
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
        if self.capabilities.fixed_data:
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


__all__ = ["ENGINES", "READ_ONLY", "DataSource", "GraphConfig", "GraphStats", "KnowledgeGraph"]
