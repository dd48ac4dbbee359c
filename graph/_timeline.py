"""The timeline: dated events in order, each with its sources, the later dates beside them.

An event another event corrects, confirms or supplements carries that later event under
``corrections`` instead of both being listed, so the article's date and the later source's
stand side by side (``GET /api/timeline``, the timeline picture, an entity's events).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mlkg.ontology import MLKG, PROV, local_name

from ._memo import remember
from ._reader import Reader, SourceRef
from ._resolve import EntityRef

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["CorrectionRef", "TimelineEvent", "timeline"]

#: Nodes the timeline reads: every event and its sources (prefetched on the remote engine).
_EVENTS_AND_SOURCES = "?e a mlkg:Event . } UNION { ?ev a mlkg:Event ; prov:wasDerivedFrom ?e ."
_EVENTS = "SELECT ?ev WHERE { ?ev a mlkg:Event }"


@dataclass(frozen=True)
class CorrectionRef:
    """A later event that corrects or confirms an earlier one."""

    id: str
    label: str
    relation: Literal["corrects", "confirms", "supplements"]
    date: str
    sources: tuple[SourceRef, ...]
    graph: str = ""
    """The named graph (source layer) that dates it, e.g. ``since-2022``."""


@dataclass(frozen=True)
class TimelineEvent:
    """A dated event, with its source, and any later source's date beside it."""

    id: str
    label: str
    kind: str
    date: str
    about: tuple[EntityRef, ...]
    sources: tuple[SourceRef, ...]
    corrections: tuple[CorrectionRef, ...] = ()
    graph: str = ""
    """The named graph (source layer) that dates it, e.g. ``article-2022``."""


def timeline(kg: KnowledgeGraph, *, about: str | None = None) -> tuple[TimelineEvent, ...]:
    """Dated events in date order, each with its sources; a later event that corrects or
    confirms one is nested under it (``corrections``) instead of listed on its own, so the
    article's date and the later source's date stand side by side. ``about``: only events
    about that entity IRI.
    """
    return remember(kg, ("timeline", about), lambda: _timeline(kg, about))


def _timeline(kg: KnowledgeGraph, about: str | None) -> tuple[TimelineEvent, ...]:
    reader = Reader(kg)
    reader.prefetch(_EVENTS_AND_SOURCES)
    events = sorted({row["ev"].value for row in kg.query(_EVENTS).bindings()})
    nested: dict[str, list[CorrectionRef]] = defaultdict(list)
    top: list[str] = []
    for ev in events:
        targets = [
            (rel, t) for rel in ("corrects", "confirms", "supplements") for t in reader.values(ev, MLKG + rel)
        ]
        if targets:
            for relation, target in targets:
                nested[target].append(
                    CorrectionRef(
                        id=local_name(ev),
                        label=reader.label(ev),
                        relation=relation,  # type: ignore[arg-type]
                        date=reader.first(ev, MLKG + "date") or "",
                        sources=reader.sources(reader.values(ev, PROV + "wasDerivedFrom")),
                        graph=reader.date_graph(ev),
                    )
                )
        else:
            top.append(ev)
    answer = []
    for ev in top:
        subjects = reader.values(ev, MLKG + "about")
        if about is not None and about not in subjects:
            continue
        answer.append(
            TimelineEvent(
                id=local_name(ev),
                label=reader.label(ev),
                kind=reader.label(reader.first(ev, MLKG + "eventKind") or MLKG + "Event"),
                date=reader.first(ev, MLKG + "date") or "",
                about=tuple(reader.ref(s) for s in subjects),
                sources=reader.sources(reader.values(ev, PROV + "wasDerivedFrom")),
                corrections=tuple(sorted(nested.get(ev, ()), key=lambda c: (c.date, c.id))),
                graph=reader.date_graph(ev),
            )
        )
    return tuple(sorted(answer, key=lambda e: (e.date, e.label, e.id)))
