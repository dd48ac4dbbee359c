"""mlkg.viz: pictures of the graph, offline and safe.

Three views, each a complete HTML page: the interactive network (pyvis / vis-network, driven by
our own template and script), the TensorFlow-PyTorch counterparts, and the timeline of dated
events (SVG drawn here). Graph text reaches the pages only as escaped template text or as JSON
with ``<``, ``>`` and ``&`` escaped, and the script shows it with ``textContent``.

>>> from mlkg.graph import KnowledgeGraph
>>> graph = project(KnowledgeGraph.open())
>>> html = graph_page(graph, standalone=True)
>>> "<script src=" in html, "TorchServe" in html
(False, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._counterparts import CounterpartsFigure, counterparts_figure
from ._functions import function_modules, module_graph
from ._network import (
    LARGE_GRAPH,
    MAX_DEPTH,
    ViewState,
    build_network,
    neighbourhood,
    network_data,
    parse_view,
)
from ._render import ASSETS, SITE_LINKS, asset_text, render, safe_json, site_nav
from ._timeline import TimelineFigure, load_events, timeline_figure

if TYPE_CHECKING:
    import networkx as nx

    from mlkg.graph import KnowledgeGraph

__all__ = [
    "ASSETS",
    "ASSET_ROUTE",
    "LARGE_GRAPH",
    "MAX_DEPTH",
    "SITE_LINKS",
    "CounterpartsFigure",
    "TimelineFigure",
    "ViewState",
    "asset_text",
    "build_network",
    "counterparts_figure",
    "counterparts_page",
    "function_modules",
    "graph_page",
    "load_events",
    "module_graph",
    "module_page",
    "neighbourhood",
    "network_data",
    "parse_view",
    "project",
    "safe_json",
    "site_nav",
    "timeline_figure",
    "timeline_page",
]

#: Where the app serves :data:`ASSETS` (the pages link here unless standalone).
ASSET_ROUTE = "/viz/static/"
#: Where served pages link an entity; a standalone file links the entity's IRI instead.
ENTITY_ROUTE = "/entity/"
ENTITY_NAMESPACE = "https://w3id.org/mlkg/entity/"


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx projection with everything the pictures show (definitions, dates, sources...).

    Built once per graph and frozen (networkx raises on any change), since every page reads it.
    """
    import networkx as nx

    from mlkg.graph import to_networkx
    from mlkg.graph._memo import remember

    return remember(kg, ("viz-projection",), lambda: nx.freeze(to_networkx(kg, details=True)))


def graph_page(
    graph: nx.MultiDiGraph,
    state: ViewState | None = None,
    *,
    standalone: bool = False,
    asset_base: str = ASSET_ROUTE,
    entity_base: str | None = None,
) -> str:
    """The interactive network page for ``graph``.

    ``standalone=True`` inlines every script and style so the file works opened from disk;
    otherwise the page loads them from ``asset_base`` (the app's own route). ``state`` is the
    view the page opens on (focus, depth, kinds, ecosystems).
    """
    data = network_data(graph, state)
    data["entityBase"] = entity_base or (ENTITY_NAMESPACE if standalone else ENTITY_ROUTE)
    return render(
        "graph.html",
        title="Picture",
        view="graph",
        standalone=standalone,
        asset_base=asset_base,
        styles=("vis-network.css", "mlkg-viz.css"),
        scripts=("vis-network.min.js", "mlkg-viz.js"),
        data=data,
        max_depth=MAX_DEPTH,
    )


def module_page(graph: nx.MultiDiGraph, module: str, state: ViewState | None = None) -> str:
    """The interactive page for one module's functions (``/viz?module=tf.nn``, see
    :func:`module_graph`); the page keeps ``module`` in its URL."""
    data = network_data(graph, state)
    data["entityBase"] = ENTITY_ROUTE
    data["module"] = module
    return render(
        "graph.html",
        title=f"Functions of {module}",
        view="graph",
        standalone=False,
        asset_base=ASSET_ROUTE,
        styles=("vis-network.css", "mlkg-viz.css"),
        scripts=("vis-network.min.js", "mlkg-viz.js"),
        data=data,
        max_depth=MAX_DEPTH,
    )


def counterparts_page(
    graph: nx.MultiDiGraph, *, left: str = "TensorFlow", right: str = "PyTorch", asset_base: str = ASSET_ROUTE
) -> str:
    """``left``'s tools against ``right``'s, counterpart links across, grouped by function."""
    figure = counterparts_figure(graph, left, right)
    return render(
        "counterparts.html",
        title=f"Counterparts: {figure.left_label} and {figure.right_label}",
        view="counterparts",
        standalone=False,
        asset_base=asset_base,
        styles=("mlkg-viz.css",),
        scripts=(),
        fig=figure,
        entity_base=ENTITY_ROUTE,
    )


def timeline_page(kg: KnowledgeGraph, graph: nx.MultiDiGraph, *, asset_base: str = ASSET_ROUTE) -> str:
    """The dated events on a time axis; corrected dates shown next to the article's."""
    return render(
        "timeline.html",
        title="Timeline",
        view="timeline",
        standalone=False,
        asset_base=asset_base,
        styles=("mlkg-viz.css",),
        scripts=(),
        fig=timeline_figure(kg, graph),
        entity_base=ENTITY_ROUTE,
    )
