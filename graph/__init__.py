"""mlkg.graph: the knowledge itself and the Python API over it.

>>> from mlkg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open(engine="oxigraph")
>>> kg.query("SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }").values("l")
['TorchServe']
"""

from ._answers import (
    ECOSYSTEMS,
    CorrectionRef,
    Counterpart,
    CounterpartAnswer,
    EntityFacts,
    Fact,
    NoCounterpartNote,
    SourceRef,
    SuccessorRef,
    TimelineEvent,
    ToolRef,
    counterparts,
    entity_facts,
    entity_triples,
    timeline,
)
from ._bounded import BoundedAnswer, BoundedQueryRunner, WorkerLimits
from ._coverage import Coverage, EcosystemCoverage, coverage
from ._errors import (
    DataError,
    EngineUnavailable,
    MlkgError,
    QueryAborted,
    QueryCancelled,
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    UnsupportedFormat,
    ValidationError,
    Violation,
)
from ._knowledge import ENGINES, EngineName, GraphConfig, GraphStats, KnowledgeGraph
from ._loading import INFERRED_GRAPH, RDF_EXTENSIONS
from ._memo import remember
from ._projection import to_networkx
from ._resolve import EntityRef, NameIndex, Resolution, SearchHit, name_index, normalise, resolve, search
from ._results import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    QueryResult,
    Term,
    Truncation,
    format_for,
    is_format_name,
    media_types_for,
    resolve_format,
    serialize_result,
    serialize_triples,
)
from ._sparql_text import SparqlShape, inspect_sparql
from ._sssom import SSSOM_COLUMNS, SSSOM_MEDIA_TYPE, sssom_rows, sssom_tsv
from ._today import ENDED_STATUSES, ended, holds_today

__all__ = [
    "ECOSYSTEMS",
    "ENDED_STATUSES",
    "ENGINES",
    "GRAPH_MEDIA_TYPES",
    "INFERRED_GRAPH",
    "RDF_EXTENSIONS",
    "SOLUTION_MEDIA_TYPES",
    "SSSOM_COLUMNS",
    "SSSOM_MEDIA_TYPE",
    "BoundedAnswer",
    "BoundedQueryRunner",
    "CorrectionRef",
    "Counterpart",
    "CounterpartAnswer",
    "Coverage",
    "DataError",
    "EcosystemCoverage",
    "EngineName",
    "EngineUnavailable",
    "EntityFacts",
    "EntityRef",
    "Fact",
    "GraphConfig",
    "GraphStats",
    "KnowledgeGraph",
    "MlkgError",
    "NameIndex",
    "NoCounterpartNote",
    "QueryAborted",
    "QueryCancelled",
    "QueryError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "Resolution",
    "SearchHit",
    "SourceRef",
    "SparqlShape",
    "SuccessorRef",
    "Term",
    "TimelineEvent",
    "ToolRef",
    "Truncation",
    "UnsupportedFormat",
    "ValidationError",
    "Violation",
    "WorkerLimits",
    "counterparts",
    "coverage",
    "ended",
    "entity_facts",
    "entity_triples",
    "format_for",
    "holds_today",
    "inspect_sparql",
    "is_format_name",
    "media_types_for",
    "name_index",
    "normalise",
    "remember",
    "resolve",
    "resolve_format",
    "search",
    "serialize_result",
    "serialize_triples",
    "sssom_rows",
    "sssom_tsv",
    "timeline",
    "to_networkx",
]
