"""The timeline view: dated events on a time axis, one lane per entity, drawn as our own SVG.

Where a later source corrects the article's date, both events are drawn (the corrected one
hollow) and joined by an arrow, so the disagreement is visible rather than resolved silently.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._style import NO_ECOSYSTEM, ecosystem_style

if TYPE_CHECKING:
    import networkx as nx

    from mlkg.graph import KnowledgeGraph

WIDTH = 1180
LEFT = 230
RIGHT = 40
TOP = 56
LANE_H = 46
MARKER_GAP = 15  # least distance between two markers' centres in one lane (radius 6, stroke 2.5)
LINE_H = 13  # one line of marker text (11 px type)
BLOCK_H = 2 * LINE_H + 2  # a marker's label: what happened, then when
CHAR_W = 6.6  # a generous width of one 11 px character, so estimated labels never touch
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass
class Event:
    """One dated event as one source gives it."""

    id: str
    label: str
    date: str
    kind: str
    about: list[str]
    sources: list[str] = field(default_factory=list)
    corrects: str | None = None
    confirms: str | None = None
    corrected: bool = False
    graph: str = ""
    lane: str = ""
    x: float = 0
    y: float = 0
    colour: str = ""
    date_text: str = ""
    above: bool = True
    note: str = ""
    slot: int = 0  # 0 nearest the lane line, then further out
    what: str = ""  # the short visible label: what happened
    what_y: float = 0
    lane_label: str = ""
    date_y: float = 0


def label_width(event: Event) -> float:
    """The estimated width of an event's two-line label, with a little room either side."""
    date_line = event.date_text + (f" ({event.note})" if event.note else "")
    return CHAR_W * max(len(date_line), len(event.what)) + 10


def place_labels(events: list[Event]) -> tuple[int, int]:
    """Put each label of one lane in the nearest free row above or below the line (greedy, by
    date), so no two labels overlap; an article date goes below and its correction above.
    Returns how many rows the lane uses above and below."""
    rows: dict[tuple[bool, int], list[tuple[float, float]]] = {}
    used_above = used_below = 0
    for event in sorted(events, key=lambda e: (e.x, e.id)):
        half = label_width(event) / 2
        span = (event.x - half, event.x + half)
        sides = [False, True] if event.corrected else [True, False]
        placed = False
        slot = 0
        while not placed:
            for above in sides:
                taken = rows.setdefault((above, slot), [])
                if all(span[1] <= a or span[0] >= b for a, b in taken):
                    taken.append(span)
                    event.above, event.slot, placed = above, slot, True
                    if above:
                        used_above = max(used_above, slot + 1)
                    else:
                        used_below = max(used_below, slot + 1)
                    break
            slot += 1
    return used_above, used_below


@dataclass
class Lane:
    """One row of the timeline: the events about one entity."""

    id: str
    label: str
    y: float
    colour: str


@dataclass
class Join:
    """A line from an event to the later event that corrects or confirms it."""

    source: str
    target: str
    path: str
    relation: str


@dataclass
class TimelineFigure:
    """Everything the template draws; coordinates in SVG user units."""

    width: int = WIDTH
    height: float = 0
    left: int = LEFT
    axis_y: float = 0
    ticks: list[tuple[float, str]] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)


def date_value(text: str) -> float | None:
    """A date at its precision as a fractional year: a year is its middle, a month its middle."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    if month is None:
        return int(year) + 0.5
    if day is None:
        return int(year) + (int(month) - 0.5) / 12
    return int(year) + (int(month) - 1) / 12 + (int(day) - 0.5) / 365


def date_text(text: str) -> str:
    """``2020-12`` -> ``Dec 2020``; a year stays a year, a full date gets its day."""
    match = _DATE.match(text)
    if not match:
        return text
    year, month, day = match.group(1), match.group(2), match.group(3)
    if month is None:
        return year
    name = calendar.month_abbr[int(month)]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def load_events(kg: KnowledgeGraph) -> list[Event]:
    """Every dated event (from :func:`mlkg.graph.timeline`), a correcting or confirming one
    drawn as its own event pointing at the earlier one."""
    from mlkg.graph import timeline

    found: dict[str, Event] = {}
    for top in timeline(kg):
        about = sorted(a.id for a in top.about)
        found[top.id] = Event(
            id=top.id,
            label=top.label,
            date=top.date,
            kind=top.kind,
            about=about,
            sources=sorted(s.title for s in top.sources),
            graph=top.graph,
        )
        for later in top.corrections:
            found[later.id] = Event(
                id=later.id,
                label=later.label,
                date=later.date,
                kind=top.kind,
                about=about,
                sources=sorted(s.title for s in later.sources),
                graph=later.graph,
                corrects=top.id if later.relation == "corrects" else None,
                confirms=top.id if later.relation == "confirms" else None,
            )
            found[top.id].corrected |= later.relation == "corrects"
    return sorted(found.values(), key=lambda e: (date_value(e.date) or 0, e.id))


def timeline_figure(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> TimelineFigure:
    """Lay the events out: x by date, one lane per entity, lanes grouped by ecosystem."""
    events = [e for e in load_events(kg) if date_value(e.date) is not None]
    by_id = {e.id: e for e in events}
    count = Counter(a for e in events for a in e.about)
    for event in events:
        earlier = by_id.get(event.corrects or event.confirms or "")
        candidates = earlier.about if earlier is not None and earlier.about else event.about
        known = [a for a in candidates if a in graph] or candidates or ["?"]
        event.lane = sorted(known, key=lambda a: (-count[a], a))[0]

    def ecosystem(node: str) -> str:
        return str(graph.nodes[node].get("ecosystem") or NO_ECOSYSTEM) if node in graph else NO_ECOSYSTEM

    eco_order = {"TensorFlow": 0, "PyTorch": 1}
    first: dict[str, float] = {}
    for event in events:
        first.setdefault(event.lane, date_value(event.date) or 0)
    lanes_ids = sorted(
        first,
        key=lambda n: (eco_order.get(ecosystem(n), 2 if ecosystem(n) != NO_ECOSYSTEM else 3), first[n], n),
    )
    values = [date_value(e.date) or 0 for e in events]
    start = int(min(values)) if values else 2015
    end = int(max(values)) + 1 if values else 2025
    span = max(1, end - start)
    scale = (WIDTH - LEFT - RIGHT) / span

    figure = TimelineFigure()
    for event in events:
        event.x = round(LEFT + ((date_value(event.date) or start) - start) * scale, 1)
        event.colour = ecosystem_style(ecosystem(event.lane))[0]
        event.date_text = date_text(event.date)
        event.what = event.kind[:1].upper() + event.kind[1:] if event.kind else "Event"
        if event.corrected:
            event.note = "article" if event.graph.startswith("article") else "earlier"
        elif event.corrects:
            event.note = "corrected"
    # markers of one lane closer than MARKER_GAP are pushed apart (later ones to the right), so
    # two events a month apart stay two markers
    last_x: dict[str, float] = {}
    for event in sorted(events, key=lambda e: (e.x, e.id)):
        if event.lane in last_x and event.x - last_x[event.lane] < MARKER_GAP:
            event.x = round(last_x[event.lane] + MARKER_GAP, 1)
        last_x[event.lane] = event.x
    lane_y: dict[str, float] = {}
    top = float(TOP) - 10
    for lane in lanes_ids:
        above, below = place_labels([e for e in events if e.lane == lane])
        y = top + max(LANE_H / 2, 10 + BLOCK_H * above)
        lane_y[lane] = y
        top = y + max(LANE_H / 2, 8 + BLOCK_H * below)
        label = str(graph.nodes[lane]["label"]) if lane in graph else lane
        figure.lanes.append(Lane(lane, label, y, ecosystem_style(ecosystem(lane))[0]))
    lane_labels = {lane.id: lane.label for lane in figure.lanes}
    for event in events:
        event.y = lane_y[event.lane]
        event.lane_label = lane_labels[event.lane]
        if event.above:  # what happened, then the date nearest the marker
            event.date_y = event.y - 10 - BLOCK_H * event.slot
            event.what_y = event.date_y - LINE_H
        else:
            event.what_y = event.y + 18 + BLOCK_H * event.slot
            event.date_y = event.what_y + LINE_H
    figure.axis_y = top + 8
    figure.height = figure.axis_y + 60
    figure.ticks = [(LEFT + (year - start) * scale, str(year)) for year in range(start, end + 1)]
    figure.events = events
    for event in events:
        for relation, target in (("corrects", event.corrects), ("confirms", event.confirms)):
            earlier = by_id.get(target or "")
            if earlier is None:
                continue
            x1, y1, x2, y2 = earlier.x, earlier.y, event.x, event.y
            lift = 16 if x2 >= x1 else -16
            mid = (x1 + x2) / 2
            path = f"M{x1:.1f},{y1:.1f} Q{mid:.1f},{y1 - abs(lift) - 4:.1f} {x2:.1f},{y2:.1f}"
            figure.joins.append(Join(earlier.id, event.id, path, relation))
    seen: dict[str, str] = {}
    for row in figure.lanes:
        eco = ecosystem(row.id)
        name = str(graph.nodes[eco]["label"]) if eco in graph else "no ecosystem"
        seen.setdefault(name, row.colour)
    figure.legend = list(seen.items())
    return figure
