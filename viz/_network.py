"""The pyvis network built from the networkx projection, and the view state a URL asks for."""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlkg.graph import Basis, QueryError, Strength
from mlkg.graph._today import ended

from ._style import (
    FAMILIES,
    NO_ECOSYSTEM,
    RELATION_COLOUR,
    ecosystem_style,
    kind_colour,
    kind_family,
    strength_colour,
)

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

#: Above this many nodes the browser gets precomputed positions and no physics, so a large
#: graph is drawn and interactive at once instead of after seconds of simulation.
LARGE_GRAPH = 800
MAX_DEPTH = 6
EDGE_LABEL_MIN_PX = 9  # an edge label is drawn only when at least this tall on screen
#: Node labels are drawn by the page script (mlkg-viz.js) at a legible size on screen, the most
#: connected first and none over another; vis-network's own, which shrink with the zoom to a
#: few pixels at fit, are never drawn (a threshold no label reaches).
NODE_LABEL_MIN_PX = 12
VIS_LABELS_OFF = 10_000
SPACING = 45  # distance scale of the large-graph spiral, in vis units


@dataclass(frozen=True)
class ViewState:
    """What part of the graph a view opens on: ``/viz?focus=ID&depth=N&kinds=...&ecosystem=...``.

    ``kinds`` and ``ecosystems`` list what is shown (``None``: everything); ``depth`` limits the
    view to nodes within that many links of ``focus``.
    """

    focus: str | None = None
    depth: int | None = None
    kinds: tuple[str, ...] | None = None
    ecosystems: tuple[str, ...] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "depth": self.depth,
            "kinds": list(self.kinds) if self.kinds is not None else None,
            "ecosystems": list(self.ecosystems) if self.ecosystems is not None else None,
        }


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_view(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int | None = None,
    kinds: str | None = None,
    ecosystem: str | None = None,
) -> ViewState:
    """Check URL or command-line parameters against ``graph``; :class:`QueryError` says what is wrong.

    ``kinds`` and ``ecosystem`` are comma-separated ids (an ecosystem id, or ``none`` for
    framework-neutral entities).
    """
    if focus is not None and focus not in graph:
        raise QueryError(f"unknown entity {focus!r} for focus (use an entity id such as TorchServe)")
    if depth is not None:
        if not 0 <= depth <= MAX_DEPTH:
            raise QueryError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
        if focus is None:
            raise QueryError("depth needs a focus entity (focus=ID)")
    shown_kinds = _split(kinds)
    known_kinds = {attrs["kind"] for _, attrs in graph.nodes(data=True)}
    for kind in shown_kinds or ():
        if kind not in known_kinds:
            raise QueryError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(known_kinds))}")
    shown_ecosystems = _split(ecosystem)
    known_ecosystems = {_ecosystem_of(attrs) for _, attrs in graph.nodes(data=True)}
    for eco in shown_ecosystems or ():
        if eco not in known_ecosystems:
            raise QueryError(f"unknown ecosystem {eco!r}; known: {', '.join(sorted(known_ecosystems))}")
    return ViewState(focus, depth, shown_kinds, shown_ecosystems)


def neighbourhood(graph: nx.MultiDiGraph, focus: str, depth: int) -> set[str]:
    """Nodes within ``depth`` links of ``focus``, whatever the links' direction."""
    seen = {focus}
    queue = deque([(focus, 0)])
    while queue:
        node, dist = queue.popleft()
        if dist == depth:
            continue
        for other in (*graph.successors(node), *graph.predecessors(node)):
            if other not in seen:
                seen.add(other)
                queue.append((other, dist + 1))
    return seen


_NO_ECOSYSTEM_LABEL = {NO_ECOSYSTEM: "no ecosystem"}


def _ecosystem_of(attrs: dict[str, Any]) -> str:
    eco = attrs.get("ecosystem")
    return str(eco) if eco else NO_ECOSYSTEM


def _display_label(attrs: dict[str, Any]) -> str:
    label = str(attrs.get("label") or "")
    status = attrs.get("status")
    if ended(status):
        label += f"\n({attrs.get('status_label') or status})"
    return label


def _spiral_positions(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A phyllotaxis spiral, best-connected nodes in the middle: instant and overlap-free."""
    golden = math.pi * (3 - math.sqrt(5))
    order = sorted(graph.nodes, key=lambda n: (-graph.degree(n), str(n)))
    return {
        node: (
            round(SPACING * math.sqrt(i) * math.cos(i * golden), 1),
            round(SPACING * math.sqrt(i) * math.sin(i * golden), 1),
        )
        for i, node in enumerate(order)
    }


#: Opacity of a counterpart link that no longer holds (see mlkg.graph._today).
ENDED_OPACITY = 0.4


def counterpart_width(current: bool, stated: bool) -> float:
    """Line width of a counterpart link: what holds today heaviest, ended pairs thinnest."""
    if current:
        return 5.0 if stated else 4.0
    return 1.5


def vis_options(large: bool) -> dict[str, Any]:
    """vis-network options: physics that settles then stops for small graphs, none for large."""
    physics: dict[str, Any] = (
        {"enabled": False}
        if large
        else {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50, "fit": True},
        }
    )
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 2,
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": VIS_LABELS_OFF}},
        },
        "edges": {
            "font": {
                "size": 10,
                "color": "#4b5563",
                "strokeWidth": 2,
                "strokeColor": "#ffffff",
                "align": "middle",
            },
            # Edge labels appear only once zoomed in far enough to read them (10 px type drawn
            # at 9 px or more on screen); at fit they would be unreadable clutter.
            "scaling": {"label": {"enabled": True, "drawThreshold": EDGE_LABEL_MIN_PX}},
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "width": 1,
            "color": {"color": RELATION_COLOUR, "highlight": "#374151", "hover": "#374151", "inherit": False},
            "arrows": {"to": {"scaleFactor": 0.5}, "from": {"scaleFactor": 0.5}},
        },
        "physics": physics,
        "interaction": {
            "hover": not large,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
        },
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


def build_network(graph: nx.MultiDiGraph) -> Network:
    """A directed pyvis network: colour by kind, shape and border by ecosystem, size by degree.

    Counterpart links have arrows at both ends, a solid line when a source states them and a
    dashed one when inferred; a pair that holds today is drawn heaviest, an ended one thin and
    faded. Titles are left out on purpose: the page builds tooltips as DOM text, so no graph
    text is ever parsed as HTML.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    large = graph.number_of_nodes() > LARGE_GRAPH
    positions = _spiral_positions(graph) if large else {}
    net = Network(directed=True)
    for node, attrs in graph.nodes(data=True):
        fill = kind_colour(str(attrs.get("kind") or ""))
        border, shape = ecosystem_style(attrs.get("ecosystem"))
        options: dict[str, Any] = {
            "color": {
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#111827"},
                "hover": {"background": fill, "border": "#111827"},
            },
            "size": round(min(45.0, 12 + 5 * math.sqrt(graph.degree(node))), 1),
            "borderWidth": 2 if attrs.get("ecosystem") is None else 3,
        }
        if ended(attrs.get("status")):
            options["shapeProperties"] = {"borderDashes": [5, 4]}
            options["opacity"] = 0.75
        if node in positions:
            options["x"], options["y"] = positions[node]
        net.add_node(str(node), label=_display_label(attrs), shape=shape, **options)
    for index, (source, target, attrs) in enumerate(graph.edges(data=True)):
        # Large graphs: no edge labels on the canvas (the details panel lists each relation).
        label = "" if large else str(attrs.get("label") or "")
        if attrs.get("kind") == "counterpart":
            stated = Basis.of(attrs.get("basis")) is Basis.STATED
            current = bool(attrs.get("current"))
            colour = strength_colour(attrs.get("strength"))
            edge = Edge(
                str(source),
                str(target),
                True,
                id=f"e{index}",
                label=label,
                arrows="to, from",
                width=counterpart_width(current, stated),
                dashes=not stated,
                color={
                    "color": colour,
                    "highlight": colour,
                    "hover": colour,
                    "opacity": 1.0 if current else ENDED_OPACITY,
                },
            )
        else:  # colour and width come from the shared edge options
            edge = Edge(str(source), str(target), True, id=f"e{index}", label=label)
        net.edges.append(edge.options)
    net.options = vis_options(large)
    return net


def network_data(graph: nx.MultiDiGraph, state: ViewState | None = None) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-able data (never HTML)."""
    net = build_network(graph)
    meta: dict[str, dict[str, Any]] = {}
    kinds: Counter[str] = Counter()
    kind_labels: dict[str, str] = {}
    ecosystems: Counter[str] = Counter()
    for node, attrs in graph.nodes(data=True):
        kind = str(attrs.get("kind") or "")
        eco = _ecosystem_of(attrs)
        kinds[kind] += 1
        kind_labels[kind] = str(attrs.get("kind_label") or kind)
        ecosystems[eco] += 1
        eco_attrs = graph.nodes[eco] if eco in graph else {}
        meta[str(node)] = {
            "label": attrs.get("label") or str(node),
            "kind": kind,
            "kindLabel": kind_labels[kind],
            "ecosystem": eco,
            "ecosystemLabel": eco_attrs.get("label", eco) if eco != NO_ECOSYSTEM else None,
            "definition": attrs.get("definition") or "",
            "altLabels": list(attrs.get("alt_labels") or []),
            "dates": [
                {"label": d["label"], "value": d["value"], "article": d.get("article")}
                for d in attrs.get("dates") or []
            ],
            "facts": [{"label": f["label"], "value": f["value"]} for f in attrs.get("facts") or []],
            "status": attrs.get("status"),
            "ended": ended(attrs.get("status")),
            "statusLabel": attrs.get("status_label"),
            "statusSince": attrs.get("status_since"),
            "statusObservedOn": attrs.get("status_observed_on"),
            "functions": list(attrs.get("functions") or []),
            "sources": list(attrs.get("sources") or []),
        }
    edge_meta = []
    for _, _, attrs in graph.edges(data=True):
        item: dict[str, Any] = {"kind": attrs.get("kind", "relation"), "label": attrs.get("label", "")}
        if item["kind"] == "counterpart":
            item.update(
                title=attrs.get("title"),
                strength=attrs.get("strength"),
                basis=attrs.get("basis"),
                functions=attrs.get("functions") or [],
                evidence=attrs.get("evidence") or "",
                validUntil=attrs.get("valid_until"),
                sources=attrs.get("sources") or [],
                current=bool(attrs.get("current")),
            )
        edge_meta.append(item)
    eco_legend = []
    for eco, count in sorted(ecosystems.items(), key=lambda kv: (kv[0] == NO_ECOSYSTEM, kv[0])):
        border, shape = ecosystem_style(eco)
        # A module's view holds functions, not the frameworks: the id (TensorFlow...) names them.
        label = graph.nodes[eco].get("label", eco) if eco in graph else _NO_ECOSYSTEM_LABEL.get(eco, eco)
        eco_legend.append({"id": eco, "label": label, "colour": border, "shape": shape, "count": count})
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "meta": meta,
        "edgeMeta": edge_meta,
        "kinds": [
            {
                "id": kind,
                "label": kind_labels[kind],
                "colour": kind_colour(kind),
                "family": kind_family(kind),
                "count": count,
            }
            for kind, count in sorted(
                kinds.items(),
                key=lambda kv: (list(FAMILIES).index(kind_family(kv[0])), kind_labels[kv[0]].casefold()),
            )
        ],
        "families": [
            {"id": fid, "label": label, "colour": colour} for fid, (label, colour) in FAMILIES.items()
        ],
        "ecosystems": eco_legend,
        "strengthColours": {s.term: strength_colour(s.term) for s in Strength},
        "options": net.options,
        "labelMinPx": NODE_LABEL_MIN_PX,
        "large": graph.number_of_nodes() > LARGE_GRAPH,
        "initial": (state or ViewState()).as_json(),
    }
