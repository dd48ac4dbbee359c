"""mlkg.viz: pictures of the graph, offline and safe.

Three views, each a complete HTML page: the interactive network (pyvis / vis-network, driven by
our own template and script), the TensorFlow-PyTorch counterparts, and the timeline of dated
events (SVG drawn here). Every page extends the site's one layout (``templates/base.html``) and
links only through the :class:`Urls` it is given: the app's, built from its routes, or
:data:`FILE_URLS` for a file written to disk. Graph text reaches the pages only as escaped
template text or as JSON with ``<``, ``>`` and ``&`` escaped, and the script shows it with
``textContent``.

>>> from mlkg.graph import KnowledgeGraph
>>> graph = project(KnowledgeGraph.open())
>>> html = graph_page(graph)  # FILE_URLS: one file, nothing loaded from anywhere
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
from ._render import ASSETS, asset_text, render, safe_json, safe_url, site_nav, template_environment
from ._timeline import TimelineFigure, load_events, timeline_figure
from ._urls import FILE_URLS, NAV_PAGES, Urls

if TYPE_CHECKING:
    import networkx as nx

    from mlkg.graph import KnowledgeGraph

__all__ = [
    "ASSETS",
    "FILE_URLS",
    "LARGE_GRAPH",
    "MAX_DEPTH",
    "NAV_PAGES",
    "CounterpartsFigure",
    "TimelineFigure",
    "Urls",
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
    "safe_url",
    "site_nav",
    "template_environment",
    "timeline_figure",
    "timeline_page",
]


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx projection with everything the pictures show (definitions, dates, sources...).

    Built once per graph and frozen (networkx raises on any change), since every page reads it.
    """
    import networkx as nx

    from mlkg.graph import to_networkx
    from mlkg.graph._memo import remember

    return remember(kg, ("viz-projection",), lambda: nx.freeze(to_networkx(kg, details=True)))


_GRAPH_ASSETS = {
    "styles": ("vis-network.css", "mlkg-viz.css"),
    "scripts": ("vis-network.min.js", "mlkg-viz.js"),
}
_FIGURE_ASSETS = {"styles": ("mlkg-viz.css",), "scripts": ()}


def graph_page(graph: nx.MultiDiGraph, state: ViewState | None = None, urls: Urls = FILE_URLS) -> str:
    """The interactive network page for ``graph``, opening on the view ``state`` (focus, depth,
    kinds, ecosystems) and linking through ``urls``.

    With the default :data:`FILE_URLS` the page is one self-contained file: every script and
    style inlined, entities linked by IRI. The app passes its own :class:`Urls`.
    """
    data = network_data(graph, state)
    data["entityBase"] = urls.entity_base
    return render(
        "graph.html",
        urls,
        title="Picture",
        view="graph",
        active_page="graph",
        data=data,
        max_depth=MAX_DEPTH,
        **_GRAPH_ASSETS,
    )


def module_page(graph: nx.MultiDiGraph, module: str, state: ViewState | None, urls: Urls) -> str:
    """The interactive page for one module's functions (``/viz?module=tf.nn``, see
    :func:`module_graph`); the page keeps ``module`` in its URL."""
    data = network_data(graph, state)
    data["entityBase"] = urls.entity_base
    data["module"] = module
    return render(
        "graph.html",
        urls,
        title=f"Functions of {module}",
        view="graph",
        active_page="graph",
        data=data,
        max_depth=MAX_DEPTH,
        **_GRAPH_ASSETS,
    )


def counterparts_page(
    graph: nx.MultiDiGraph, urls: Urls, *, left: str = "TensorFlow", right: str = "PyTorch"
) -> str:
    """``left``'s tools against ``right``'s, counterpart links across, grouped by function."""
    figure = counterparts_figure(graph, left, right)
    title = f"Counterparts: {figure.left_label} and {figure.right_label}"
    return render(
        "counterparts.html",
        urls,
        title=title,
        view="counterparts",
        active_page="counterparts",
        fig=figure,
        **_FIGURE_ASSETS,
    )


def timeline_page(kg: KnowledgeGraph, graph: nx.MultiDiGraph, urls: Urls) -> str:
    """The dated events on a time axis; corrected dates shown next to the article's."""
    return render(
        "timeline.html",
        urls,
        title="Timeline",
        view="timeline",
        active_page="timeline",
        fig=timeline_figure(kg, graph),
        **_FIGURE_ASSETS,
    )
