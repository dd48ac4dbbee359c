"""The counterparts view: one ecosystem's tools left, the other's right, links across, by function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlkg.graph import Basis, Strength
from mlkg.graph._today import ended
from mlkg.ontology import MLKG

from ._style import ecosystem_style, kind_colour, strength_colour

if TYPE_CHECKING:
    import networkx as nx

WIDTH = 1040
BOX_W = 270
BOX_H = 26
ROW_H = 34
HEADER_H = 30
LEFT_X = 150
RIGHT_X = WIDTH - 150 - BOX_W
TOP = 54
#: Links that say one tool became or was replaced by another (drawn inside a column).
SUCCESSION = {MLKG + "renamedTo": "renamed", MLKG + "succeededBy": "succeeded by"}
#: Stroke width of a counterpart line: what holds today heaviest (stated, then inferred), ended thin.
CURRENT_WIDTH = {True: 5.0, False: 4.0}
ENDED_WIDTH = 1.5
ENDED_OPACITY = 0.4


@dataclass
class ToolBox:
    """One tool drawn in a column."""

    id: str
    label: str
    side: str
    x: float
    y: float
    fill: str
    border: str
    ended: bool
    """The tool has ended (archived, renamed...; see mlkg.graph._today): drawn dashed and faded."""
    status: str | None


@dataclass
class Link:
    """One correspondence drawn across the columns."""

    left: str
    right: str
    path: str
    colour: str
    stated: bool
    strength: str
    basis: str
    title: str
    evidence: str
    valid_until: str | None
    current: bool = True
    """Holds today (no end date, neither tool ended; see mlkg.graph._today)."""
    width: float = CURRENT_WIDTH[True]
    opacity: float = 1.0
    anchor: str = ""
    """Id of the evidence entry below the figure, so a tap on the line shows it."""


@dataclass
class Succession:
    """A rename or successor link between two tools of one column (TensorFlow Lite -> LiteRT)."""

    old: str
    new: str
    path: str
    label: str
    title: str


@dataclass
class Group:
    """A band of rows for one function."""

    label: str
    y: float
    height: float


@dataclass
class CounterpartsFigure:
    """Everything the template draws; coordinates in SVG user units."""

    left_label: str
    right_label: str
    left_colour: str
    right_colour: str
    width: int = WIDTH
    height: float = 0
    groups: list[Group] = field(default_factory=list)
    boxes: list[ToolBox] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    successions: list[Succession] = field(default_factory=list)


def _side_tools(graph: nx.MultiDiGraph, ecosystem: str) -> list[str]:
    return sorted(
        (n for n, a in graph.nodes(data=True) if a.get("ecosystem") == ecosystem and n != ecosystem),
        key=lambda n: str(graph.nodes[n]["label"]).casefold(),
    )


def counterparts_figure(
    graph: nx.MultiDiGraph, left: str = "TensorFlow", right: str = "PyTorch"
) -> CounterpartsFigure:
    """Lay out ``left``'s tools and ``right``'s tools in two columns, grouped by function.

    A tool sits in the group of the function its first correspondence shares; a tool without
    one sits under its own first function. Paired tools share a row where they can.
    """
    left_tools, right_tools = _side_tools(graph, left), _side_tools(graph, right)
    left_set, right_set = set(left_tools), set(right_tools)
    pairs: list[tuple[str, str, dict[str, Any]]] = []
    for a, b, attrs in graph.edges(data=True):
        if attrs.get("kind") != "counterpart":
            continue
        if a in right_set and b in left_set:
            a, b = b, a
        if a in left_set and b in right_set:
            pairs.append((a, b, attrs))
    pairs.sort(
        key=lambda p: (not p[2].get("current"), attrs_rank(p[2]), str(graph.nodes[p[0]]["label"]).casefold())
    )

    group_of: dict[str, str] = {}
    for a, b, attrs in pairs:
        functions = attrs.get("functions") or []
        label = functions[0]["label"] if functions else "Other"
        group_of.setdefault(a, label)
        group_of.setdefault(b, label)
    for tool in (*left_tools, *right_tools):
        functions = graph.nodes[tool].get("functions") or []
        group_of.setdefault(tool, functions[0]["label"] if functions else "Other")

    left_border, _ = ecosystem_style(left)
    right_border, _ = ecosystem_style(right)
    figure = CounterpartsFigure(
        left_label=str(graph.nodes[left]["label"]) if left in graph else left,
        right_label=str(graph.nodes[right]["label"]) if right in graph else right,
        left_colour=left_border,
        right_colour=right_border,
    )
    positions: dict[str, tuple[float, float]] = {}
    y = float(TOP)
    for group in sorted(set(group_of.values()), key=str.casefold):
        rows: list[tuple[str | None, str | None]] = []
        placed: set[str] = set()
        for a, b, _ in pairs:
            if group_of[a] == group and group_of[b] == group and a not in placed and b not in placed:
                rows.append((a, b))
                placed.update((a, b))
        rest_left = [t for t in left_tools if group_of[t] == group and t not in placed]
        rest_right = [t for t in right_tools if group_of[t] == group and t not in placed]
        for i in range(max(len(rest_left), len(rest_right))):
            rows.append(
                (rest_left[i] if i < len(rest_left) else None, rest_right[i] if i < len(rest_right) else None)
            )
        height = HEADER_H + ROW_H * len(rows) + 6
        figure.groups.append(Group(group, y, height))
        for index, (a_tool, b_tool) in enumerate(rows):
            row_y = y + HEADER_H + ROW_H * index
            for cell, side, x in ((a_tool, "left", LEFT_X), (b_tool, "right", RIGHT_X)):
                if cell is None:
                    continue
                attrs = graph.nodes[cell]
                border, _ = ecosystem_style(attrs.get("ecosystem"))
                status = attrs.get("status")
                figure.boxes.append(
                    ToolBox(
                        id=cell,
                        label=str(attrs["label"]),
                        side=side,
                        x=x,
                        y=row_y,
                        fill=kind_colour(str(attrs.get("kind") or "")),
                        border=border,
                        ended=ended(status),
                        status=attrs.get("status_label") if ended(status) else None,
                    )
                )
                positions[cell] = (x, row_y)
        y += height + 8
    figure.height = y + 10
    for a, b, attrs in pairs:
        (ax, ay), (bx, by) = positions[a], positions[b]
        x1, y1, x2, y2 = ax + BOX_W, ay + BOX_H / 2, bx, by + BOX_H / 2
        mid = (x1 + x2) / 2
        strength = Strength.of(attrs.get("strength"))
        basis = Basis.of(attrs.get("basis"))
        current = bool(attrs.get("current"))
        figure.links.append(
            Link(
                left=a,
                right=b,
                path=f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}",
                colour=strength_colour(strength.term),
                stated=basis is Basis.STATED,
                strength=strength.term,
                basis=basis.term,
                title=str(attrs.get("title") or ""),
                evidence=str(attrs.get("evidence") or ""),
                valid_until=attrs.get("valid_until"),
                current=current,
                width=CURRENT_WIDTH[basis is Basis.STATED] if current else ENDED_WIDTH,
                opacity=1.0 if current else ENDED_OPACITY,
                anchor=f"pair-{len(figure.links) + 1}",
            )
        )
    _add_successions(graph, figure, positions)
    return figure


def _add_successions(
    graph: nx.MultiDiGraph, figure: CounterpartsFigure, positions: dict[str, tuple[float, float]]
) -> None:
    """Rename and successor links between tools of the same column, drawn as an arc outside it."""
    sides = {box.id: box.side for box in figure.boxes}
    for old, new, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        how = SUCCESSION.get(str(attrs.get("predicate") or key))
        if how is None or old not in positions or new not in positions or sides[old] != sides[new]:
            continue
        if how == "succeeded by" and graph.has_edge(old, new, MLKG + "renamedTo"):
            continue  # a rename is also a succession: one arc is enough
        (ox_, oy), (_, ny) = positions[old], positions[new]
        left = sides[old] == "left"
        x = ox_ if left else ox_ + BOX_W
        bulge = x - 60 if left else x + 60
        y1, y2 = oy + BOX_H / 2, ny + BOX_H / 2
        figure.successions.append(
            Succession(
                old=old,
                new=new,
                path=f"M{x:.1f},{y1:.1f} C{bulge:.1f},{y1:.1f} {bulge:.1f},{y2:.1f} {x:.1f},{y2:.1f}",
                label=how,
                title=f"{graph.nodes[old]['label']} {how} {graph.nodes[new]['label']}",
            )
        )


def attrs_rank(attrs: dict[str, Any]) -> int:
    """Stated before inferred, then exact before close before related."""
    stated = Basis.of(attrs.get("basis")) is Basis.STATED
    return (0 if stated else 4) + Strength.of(attrs.get("strength")).rank
