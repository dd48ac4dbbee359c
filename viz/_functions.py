"""The module view: one framework module's functions and their counterparts (``/viz?module=tf.nn``).

Functions are not drawn in the main picture (hundreds of them would bury the tools). This view
builds a small graph in the same shape as the main projection (see
:func:`mlkg.graph.to_networkx`): the module's functions, the functions of the other frameworks
that correspond to them, and one counterpart edge per correspondence, coloured by strength.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlkg.graph import Basis, QueryError
from mlkg.graph._functions import function_index, module_key

if TYPE_CHECKING:
    import networkx as nx

    from mlkg.graph import KnowledgeGraph

__all__ = ["function_modules", "module_graph"]

_KIND = "FrameworkFunction"
_KIND_LABEL = "framework function"


def function_modules(kg: KnowledgeGraph) -> list[str]:
    """Every module that has functions, as the data writes it (``tf.nn``, ``jnp``...)."""
    return sorted(function_index(kg).modules)


def module_graph(kg: KnowledgeGraph, module: str) -> tuple[str, nx.MultiDiGraph]:
    """(the module as the data writes it, its functions and their counterparts as a graph).

    :class:`QueryError` names the known modules when ``module`` has no functions.
    """
    import networkx as nx

    index = function_index(kg)
    key = module_key(module)
    if key not in index.modules:
        known = ", ".join(sorted(index.modules))
        raise QueryError(f"no functions recorded in module {module!r}; modules: {known}")
    graph = nx.MultiDiGraph()
    own = index.modules[key]
    for iri in own:
        _add_function(graph, index.functions[iri])
        for link in index.links.get(iri, ()):
            for end in link.functions:
                if end not in graph:
                    _add_function(graph, index.functions[end])
            a, b = (index.functions[e].id for e in link.functions)
            if graph.has_edge(a, b, key=link.iri):
                continue
            sources = [
                {"id": s.iri.rsplit("/", 1)[-1], "label": s.title, "url": s.url or ""}
                for s in link.sources.values()
            ]
            graph.add_edge(
                a,
                b,
                key=link.iri,
                kind="counterpart",
                predicate="https://w3id.org/mlkg/ontology#correspondingFunction",
                label="counterpart of",
                title=(
                    f"{graph.nodes[a]['label']} corresponds to {graph.nodes[b]['label']} (Keras op {link.op})"
                ),
                correspondence=link.iri.rsplit("/", 1)[-1],
                strength=link.strength.term,
                basis=Basis.INFERRED.term,
                functions=[{"id": link.op, "label": f"Keras op {link.op}"}],
                evidence=link.evidence,
                valid_until=None,
                sources=sources,
            )
    return key, nx.freeze(graph)


def _add_function(graph: nx.MultiDiGraph, info: Any) -> None:
    graph.add_node(
        info.id,
        iri=info.iri,
        label=info.label,
        type=_KIND,
        kind=_KIND,
        kind_label=_KIND_LABEL,
        definition=f"A function of the {info.ecosystem} Python API, in module {info.module}.",
        alt_labels=[],
        dates=[],
        facts=[
            {
                "property": "https://w3id.org/mlkg/ontology#apiModule",
                "label": "API module",
                "value": info.module,
            }
        ],
        ecosystem=info.ecosystem_iri.rsplit("/", 1)[-1],
        status=None,
        status_label=None,
        status_since=None,
        status_observed_on=None,
        functions=[],
        sources=[],
    )
