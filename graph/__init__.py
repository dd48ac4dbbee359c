"""mlkg.graph: the knowledge itself and the Python API over it.

>>> from mlkg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open(engine="oxigraph")
>>> kg.query("SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }").values("l")
['TorchServe']
"""

from typing import TYPE_CHECKING

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
from ._formats import (
    FORMATS,
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    Format,
    format_for,
    format_names,
    media_types_for,
    resolve_format,
)
from ._knowledge import ENGINES, READ_ONLY, EngineName, GraphConfig, GraphStats, KnowledgeGraph
from ._loading import INFERRED_GRAPH, RDF_EXTENSIONS
from ._memo import remember
from ._projection import to_networkx
from ._resolve import EntityRef, NameIndex, Resolution, SearchHit, name_index, normalise, resolve, search
from ._results import (
    QueryResult,
    ResultKind,
    Term,
    Truncation,
    serialize_result,
    serialize_triples,
    serialize_within,
)
from ._sparql_text import SparqlShape, inspect_sparql
from ._today import ENDED_STATUSES, ended, holds_today

if TYPE_CHECKING:
    from ._bounded import BoundedAnswer, BoundedQueryRunner, WorkerLimits
    from ._coverage import Coverage, EcosystemCoverage, coverage
    from ._export import EXPORT_FORMATS, export_bytes
    from ._sssom import SSSOM_COLUMNS, sssom_rows, sssom_tsv

#: Names imported on first use (module ``__getattr__``): the query worker pool (multiprocessing),
#: coverage and SSSOM are not needed to answer a lookup, so ``mlkg counterpart`` starts faster.
_LAZY = {
    "BoundedAnswer": "._bounded",
    "BoundedQueryRunner": "._bounded",
    "WorkerLimits": "._bounded",
    "Coverage": "._coverage",
    "EcosystemCoverage": "._coverage",
    "coverage": "._coverage",
    "SSSOM_COLUMNS": "._sssom",
    "sssom_rows": "._sssom",
    "sssom_tsv": "._sssom",
    "EXPORT_FORMATS": "._export",
    "export_bytes": "._export",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ECOSYSTEMS",
    "ENDED_STATUSES",
    "ENGINES",
    "EXPORT_FORMATS",
    "FORMATS",
    "GRAPH_MEDIA_TYPES",
    "INFERRED_GRAPH",
    "RDF_EXTENSIONS",
    "READ_ONLY",
    "SOLUTION_MEDIA_TYPES",
    "SSSOM_COLUMNS",
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
    "Format",
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
    "ResultKind",
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
    "export_bytes",
    "format_for",
    "format_names",
    "holds_today",
    "inspect_sparql",
    "media_types_for",
    "name_index",
    "normalise",
    "remember",
    "resolve",
    "resolve_format",
    "search",
    "serialize_result",
    "serialize_triples",
    "serialize_within",
    "sssom_rows",
    "sssom_tsv",
    "timeline",
    "to_networkx",
]
