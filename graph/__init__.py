"""mlkg.graph: the knowledge graph and the Python API over it.

Open the graph, ask it the questions the site answers, or query it in SPARQL:

>>> from mlkg.graph import KnowledgeGraph, counterparts, resolve, search
>>> kg = KnowledgeGraph.open(engine="oxigraph")
>>> tool = resolve(kg, "tf serving").entity
>>> tool.id
'TensorFlowServing'
>>> "TorchServe" in [c.id for c in counterparts(kg, tool, to="pytorch").counterparts]
True
>>> search(kg, "torchserv", 1)[0].id
'TorchServe'
>>> answer = kg.query("SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }")
>>> answer.values("l")
['TorchServe']

Answers are written in the standard formats, named as on the command line or by media type:

>>> from mlkg.graph import FORMATS, serialize_result
>>> serialize_result(answer, FORMATS["csv"].media_type)
b'l\\r\\nTorchServe\\r\\n'

Errors are :class:`MlkgError` subclasses (a bad query is a :class:`QuerySyntaxError`):

>>> from mlkg.graph import QuerySyntaxError
>>> try:
...     kg.query("SELEC ?x")
... except QuerySyntaxError:
...     print("refused")
refused

Each private module declares its ``__all__``; this package re-exports the public names and
gives them ``__module__ = "mlkg.graph"``. The rest of the package (the query worker pool,
format tables, name index...) is for mlkg's own service and CLI, imported from the private
modules.
"""

from types import FunctionType
from typing import TYPE_CHECKING

from ._correspondence import Basis, Strength
from ._counterparts import Counterpart, CounterpartAnswer, NoCounterpartNote, ToolRef, counterparts
from ._entity import EntityFacts, Fact, entity_facts
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
    StoreTimeout,
    UnsupportedFormat,
    ValidationError,
    Violation,
)
from ._formats import FORMATS, Format, resolve_format
from ._knowledge import ENGINES, GraphConfig, GraphStats, KnowledgeGraph
from ._projection import to_networkx
from ._reader import ECOSYSTEMS, SourceRef, SuccessorRef
from ._resolve import EntityRef, Resolution, SearchHit, resolve, search
from ._results import QueryResult, Term, Truncation, serialize_result
from ._timeline import CorrectionRef, TimelineEvent, timeline

if TYPE_CHECKING:
    from ._coverage import Coverage, EcosystemCoverage, coverage
    from ._export import EXPORT_FORMATS, export_bytes
    from ._sssom import sssom_tsv

__all__ = [
    "ECOSYSTEMS",
    "ENGINES",
    "EXPORT_FORMATS",
    "FORMATS",
    "Basis",
    "CorrectionRef",
    "Counterpart",
    "CounterpartAnswer",
    "Coverage",
    "DataError",
    "EcosystemCoverage",
    "EngineUnavailable",
    "EntityFacts",
    "EntityRef",
    "Fact",
    "Format",
    "GraphConfig",
    "GraphStats",
    "KnowledgeGraph",
    "MlkgError",
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
    "StoreTimeout",
    "Strength",
    "SuccessorRef",
    "Term",
    "TimelineEvent",
    "ToolRef",
    "Truncation",
    "UnsupportedFormat",
    "ValidationError",
    "Violation",
    "counterparts",
    "coverage",
    "entity_facts",
    "export_bytes",
    "resolve",
    "resolve_format",
    "search",
    "serialize_result",
    "sssom_tsv",
    "timeline",
    "to_networkx",
]

#: Public names imported on first use (module ``__getattr__``): coverage, export and SSSOM are
#: not needed to answer a lookup, so ``mlkg counterpart`` starts faster.
_LAZY = {
    "Coverage": "._coverage",
    "EcosystemCoverage": "._coverage",
    "coverage": "._coverage",
    "EXPORT_FORMATS": "._export",
    "export_bytes": "._export",
    "sssom_tsv": "._sssom",
}


def _public(value: object) -> object:
    """``value`` shown as ``mlkg.graph.<name>`` (in help, reprs and docs), httpx-style."""
    if isinstance(value, type | FunctionType):
        value.__module__ = __name__
    return value


for _name in __all__:
    if _name not in _LAZY:
        _public(globals()[_name])


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = _public(value)
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
