"""mlkg.graph: the knowledge itself and the Python API over it.

>>> from mlkg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open(engine="oxigraph")
>>> kg.query("SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }").values("l")
['TorchServe']
"""

from ._bounded import BoundedAnswer, BoundedQueryRunner
from ._errors import (
    DataError,
    EngineUnavailable,
    MlkgError,
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
from ._projection import to_networkx
from ._results import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    QueryResult,
    Term,
    media_types_for,
    resolve_format,
    serialize_result,
    serialize_triples,
)
from ._sparql_text import SparqlShape, inspect_sparql

__all__ = [
    "ENGINES",
    "GRAPH_MEDIA_TYPES",
    "INFERRED_GRAPH",
    "RDF_EXTENSIONS",
    "SOLUTION_MEDIA_TYPES",
    "BoundedAnswer",
    "BoundedQueryRunner",
    "DataError",
    "EngineName",
    "EngineUnavailable",
    "GraphConfig",
    "GraphStats",
    "KnowledgeGraph",
    "MlkgError",
    "QueryError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "SparqlShape",
    "Term",
    "UnsupportedFormat",
    "ValidationError",
    "Violation",
    "inspect_sparql",
    "media_types_for",
    "resolve_format",
    "serialize_result",
    "serialize_triples",
    "to_networkx",
]
