"""Counterparts: what plays the same part in another ecosystem, what holds today, and why.

:func:`counterparts` answers ``mlkg counterpart`` and ``GET /api/counterparts`` as a
:class:`CounterpartAnswer` (frozen dataclasses; ``dataclasses.asdict`` gives the JSON both print,
so the CLI and the API always answer alike). It reads the correspondence nodes, the explicit
"no counterpart" answers, successions and shared functions through :class:`._reader.Reader`, and
decides "holds today" by the one definition of :mod:`._today`. No HTTP here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mlkg.ontology import MLKG, PROV, RDF, SCHEMA, SKOS, SRC, local_name

from ._correspondence import Basis, Strength
from ._memo import remember
from ._reader import AROUND, ECOSYSTEMS, Reader, SourceRef, SuccessorRef, successor_ref
from ._resolve import EntityRef
from ._today import holds_today, winding_down

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = [
    "ARTICLE_SOURCE",
    "Counterpart",
    "CounterpartAnswer",
    "NoCounterpartNote",
    "ToolRef",
    "counterparts",
]

#: The 2022 article: a correspondence it states is "the article's pair".
ARTICLE_SOURCE = SRC + "Article2022"
#: The summary's first sentence for a tool with a successor, by the tool's status.
_HOW = {
    "Renamed": "{tool} was renamed {new}{when}.",
    "Redirected": "{tool} moved to {new}{when}.",
    "Merged": "{tool} was merged into {new}{when}.",
    "Deprecated": "{tool} was deprecated{when} in favour of {new}.",
    "Archived": "{tool} was archived{when}; its successor is {new}.",
    "Discontinued": "{tool} was discontinued{when}; its successor is {new}.",
}
_CORRESPONDENCES = """SELECT ?tool ?c ?other WHERE {
  ?c a mlkg:Correspondence ; mlkg:tool ?tool ; mlkg:tool ?other . FILTER(?other != ?tool) }"""
_SAME_FUNCTION = """SELECT ?tool ?other ?f WHERE {
  ?tool mlkg:function ?f . ?other mlkg:function ?f . FILTER(?other != ?tool) }"""
_NONE = """SELECT ?n ?eco WHERE { ?n a mlkg:NoCounterpart ; mlkg:forTool ?tool ; mlkg:inEcosystem ?eco }"""


@dataclass(frozen=True)
class ToolRef:
    """The tool a counterpart question is about."""

    id: str
    iri: str
    label: str
    type: str
    ecosystem: str | None
    status: str
    successor: SuccessorRef | None = None
    """The tool's own fate: what it was renamed to, moved to or replaced by (None if nothing)."""


@dataclass(frozen=True)
class Counterpart:
    """One tool of the other ecosystem that does the same job, and why we say so."""

    id: str
    iri: str
    label: str
    ecosystem: str | None
    strength: Strength
    basis: Basis
    function: str | None
    current: bool
    """Whether it holds today: the pair has no end date and this tool has not ended (see _today)."""
    status: str
    evidence: str
    sources: tuple[SourceRef, ...]
    neutral: bool = False
    """A framework-neutral tool (no ecosystem) that serves both frameworks."""
    article: bool = False
    """One of the 2022 article's own pairs (stated by the article)."""
    via: str | None = None
    """When found through the asked tool's successor: that successor's label."""


@dataclass(frozen=True)
class NoCounterpartNote:
    """An explicit, sourced answer: the tool has no counterpart in ``ecosystem``."""

    ecosystem: str
    """Label of the ecosystem without a counterpart ("JAX")."""
    evidence: str
    people_use: tuple[EntityRef, ...]
    """What people use there instead (usually framework-neutral tools); may be empty."""
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class CounterpartAnswer:
    """``GET /api/counterparts`` and ``mlkg counterpart``."""

    query: str
    tool: ToolRef
    counterparts: tuple[Counterpart, ...]
    """What holds today first (strongest, then stated, then closest to its framework), then what
    held once."""
    summary: str = ""
    """One plain sentence or three: the tool's fate, what to use today, what the article said."""
    none: tuple[NoCounterpartNote, ...] = ()
    """Ecosystems where a source-backed answer says there is no counterpart (instead of a 404)."""


def counterparts(
    kg: KnowledgeGraph, entity: EntityRef, *, query: str | None = None, to: str | None = None
) -> CounterpartAnswer:
    """The counterparts of ``entity`` in the other ecosystem (``to``: "pytorch"/"tensorflow").

    Order (:func:`_relevance`): what holds today first (strongest first, then stated before
    inferred, then the framework's own API before the libraries around it), then what held
    once, the article's own pairs marked (``article``). "Holds today" is the one definition of
    :mod:`._today`. The asked tool's own fate is ``tool.successor``, and the
    successor's correspondences answer too (TensorFlow Lite's through LiteRT). A counterpart
    that has since ended is followed along ``mlkg:renamedTo`` / ``mlkg:succeededBy`` to what
    replaced it. With no correspondence at all, tools of the other ecosystem (both, for a
    framework-neutral tool: none, it answers for both) that share one of the entity's functions
    come back, marked inferred; never the tool itself, its successors or predecessors, or what
    it merged into.
    A counterpart never comes from the asked tool's own framework.
    """
    if entity.type == "FrameworkFunction":  # function level: graph/_functions.py
        from ._functions import function_counterparts

        return function_counterparts(kg, entity, query=query, to=to)
    answer = remember(kg, ("counterparts", entity, to), lambda: _counterparts(kg, entity, to))
    return answer if query is None else replace(answer, query=query)


def _counterparts(kg: KnowledgeGraph, entity: EntityRef, to: str | None) -> CounterpartAnswer:
    reader = Reader(kg)
    iri = entity.iri
    reader.prefetch(AROUND, iri)
    lineage = reader.successors(iri)
    tool = ToolRef(
        id=entity.id,
        iri=iri,
        label=entity.label,
        type=entity.type,
        ecosystem=reader.ecosystem_label(iri),
        status=reader.status(iri),
        successor=successor_ref(reader, iri, lineage),
    )
    kin = {iri, *lineage, *_predecessors(reader, iri), *reader.values(iri, MLKG + "unifiedInto")}
    best: dict[str, Counterpart] = {}
    for asker in (iri, *lineage):  # the tool's own pairs first: a successor's only wins when better
        via = reader.label(asker) if asker != iri else None
        for c in _stated_and_recorded(reader, asker, via):
            if c.iri not in best or _order(c) < _order(best[c.iri]):
                best[c.iri] = c
    found = list(best.values())
    found += _successors(reader, iri, found)
    found = [c for c in found if c.iri not in kin and _crosses(reader, iri, c.iri)]
    notes = _no_counterpart(reader, iri)
    if not found:
        without = {n.ecosystem for n in notes}
        found = [c for c in _same_function(reader, iri, kin) if c.ecosystem not in without]
    target = ECOSYSTEMS.get(to.lower()) if to else None
    if target:
        # A framework-neutral counterpart stands in only for the two frameworks its correspondence
        # was recorded between (TensorFlow and PyTorch); for JAX it is named under ``none``.
        found = [
            c
            for c in found
            if reader.ecosystem_iri(c.iri) == target or (c.neutral and target != ECOSYSTEMS["jax"])
        ]
        notes = [n for n in notes if n.ecosystem == reader.label(target)]
    found.sort(key=lambda c: _relevance(reader, iri, c))
    return CounterpartAnswer(
        query=entity.label,
        tool=tool,
        counterparts=tuple(found),
        summary=_summary(reader, tool, found, notes),
        none=tuple(notes),
    )


def _no_counterpart(reader: Reader, iri: str) -> list[NoCounterpartNote]:
    """The explicit "no counterpart in that ecosystem" answers recorded for ``iri``."""
    rows = reader.kg.query(_NONE, bindings={"tool": ox.NamedNode(iri)}).bindings()
    notes = []
    for row in sorted(rows, key=lambda r: (r["eco"].value, r["n"].value)):
        node = row["n"].value
        notes.append(
            NoCounterpartNote(
                ecosystem=reader.label(row["eco"].value),
                evidence=" ".join(reader.values(node, MLKG + "evidence")),
                people_use=tuple(reader.ref(u) for u in reader.values(node, MLKG + "peopleUse")),
                sources=reader.sources(reader.values(node, PROV + "wasDerivedFrom")),
            )
        )
    return notes


def _order(c: Counterpart) -> tuple[bool, int, bool]:
    """What holds today first, then strongest first, then stated before inferred."""
    return (not c.current, c.strength.rank, c.basis is not Basis.STATED)


#: How close a counterpart sits to its own framework (:func:`_affinity`), best first.
FRAMEWORK_ITSELF, FRAMEWORK_PROJECT, THIRD_PARTY = 0, 1, 2


def _relevance(reader: Reader, asked: str, c: Counterpart) -> tuple[object, ...]:
    """The order of an answer, most relevant first: what holds today; strongest, stated before
    inferred (:func:`_order`); then, among equally close ones, the framework's own API before its
    project's libraries before third-party ones (:func:`_affinity`); fully maintained before
    maintenance-only (:func:`._today.winding_down`); then the evidence: fewer weak sources
    (community lists, press coverage), more sources, more functions shared with ``asked``, more
    correspondences recorded for the counterpart (a tool the sources pair often is the usual
    answer); then the ecosystem (TensorFlow, PyTorch, JAX, as :data:`ECOSYSTEMS` lists them, then
    framework-neutral). The IRI comes last only to make the order total: the tests check that it
    never decides between two counterparts (spelling is not relevance)."""
    shared = set(reader.values(asked, MLKG + "function")) & set(reader.values(c.iri, MLKG + "function"))
    ecosystems = list(ECOSYSTEMS.values())
    eco = reader.ecosystem_iri(c.iri)
    return (
        *_order(c),
        _affinity(reader, c.iri),
        winding_down(reader.state(c.iri)),
        sum(1 for s in c.sources if reader.first(s.iri, MLKG + "weakSource")),
        -len(c.sources),
        -len(shared),
        -_pairings(reader).get(c.iri, 0),
        ecosystems.index(eco) if eco in ecosystems else len(ecosystems),
        c.iri,
    )


_PAIRINGS = """SELECT ?tool (COUNT(DISTINCT ?c) AS ?n)
  WHERE { ?c a mlkg:Correspondence ; mlkg:tool ?tool } GROUP BY ?tool"""


def _pairings(reader: Reader) -> dict[str, int]:
    """How many correspondences each tool takes part in (worked out once per graph)."""

    def count() -> dict[str, int]:
        return {r["tool"].value: int(r["n"].value) for r in reader.kg.query(_PAIRINGS).bindings()}

    return remember(reader.kg, "pairings", count)


def _affinity(reader: Reader, iri: str) -> int:
    """:data:`FRAMEWORK_ITSELF` for a module of the framework itself (an ``mlkg:FrameworkModule``,
    or a tool named by a module path of the framework's package, ``torch.utils.data``);
    :data:`FRAMEWORK_PROJECT` for a library whose repository is in the framework's own GitHub
    organisation (TorchVision beside pytorch/pytorch); :data:`THIRD_PARTY` otherwise, and for
    framework-neutral tools. Read from the graph: the framework's names and repository."""
    framework = reader.ecosystem_iri(iri)
    if framework is None:
        return THIRD_PARTY
    if MLKG + "FrameworkModule" in reader.values(iri, RDF + "type"):
        return FRAMEWORK_ITSELF
    packages = {
        name.lower()
        for name in [reader.label(framework), *reader.values(framework, SKOS + "altLabel")]
        if name.isidentifier()
    }
    if reader.label(iri).split(".", 1)[0] in packages and "." in reader.label(iri):
        return FRAMEWORK_ITSELF
    own = {_github_org(r) for r in reader.values(framework, SCHEMA + "codeRepository")} - {None}
    mine = {_github_org(r) for r in reader.values(iri, SCHEMA + "codeRepository")}
    return FRAMEWORK_PROJECT if own & mine else THIRD_PARTY


def _github_org(url: str) -> str | None:
    """``pytorch`` for ``https://github.com/pytorch/vision``; None for any other address."""
    head, _, path = url.partition("://github.com/")
    return path.split("/", 1)[0].lower() if head in ("https", "http") and path else None


def _crosses(reader: Reader, asked: str, other: str) -> bool:
    """``other`` is not from ``asked``'s own framework (a framework-neutral tool crosses to both)."""
    own = reader.ecosystem_iri(asked)
    return own is None or reader.ecosystem_iri(other) != own


def _predecessors(reader: Reader, iri: str) -> set[str]:
    """What ``iri`` replaced or was renamed from (read from the links pointing at it)."""
    found: set[str] = set()
    todo = [iri]
    while todo:
        node = todo.pop()
        for subject, predicate, _ in reader.incoming(node):
            if predicate in (MLKG + "succeededBy", MLKG + "renamedTo") and subject not in found | {iri}:
                found.add(subject)
                todo.append(subject)
    return found


def _stated_and_recorded(reader: Reader, iri: str, via: str | None = None) -> list[Counterpart]:
    """Counterparts from the correspondence nodes of the graph (stated and inferred ones)."""
    rows = reader.kg.query(_CORRESPONDENCES, bindings={"tool": ox.NamedNode(iri)}).bindings()
    by_other: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_other[row["other"].value].append(row["c"].value)
    answer = []
    for other, nodes in sorted(by_other.items()):
        # When several correspondences link the same pair, the best one speaks for it.
        best = min(set(nodes), key=lambda c: _rank(reader, c))
        answer.append(_from_correspondence(reader, iri, other, best, via))
    return answer


def _rank(reader: Reader, node: str) -> tuple[bool, int, str]:
    return (reader.basis(node) is not Basis.STATED, reader.strength(node).rank, node)


def _from_correspondence(reader: Reader, tool: str, other: str, node: str, via: str | None) -> Counterpart:
    function = reader.first(node, MLKG + "function")
    basis = reader.basis(node)
    sources = reader.values(node, PROV + "wasDerivedFrom")
    evidence = " ".join(reader.values(node, MLKG + "evidence"))
    if via:
        evidence = f"Through {via}, the new name or successor of the tool asked about: {evidence}"
    return _counterpart(
        reader,
        other,
        until=reader.first(node, MLKG + "validUntil"),
        strength=reader.strength(node),
        basis=basis,
        function=reader.label(function) if function else None,
        evidence=evidence,
        sources=reader.sources(sources),
        article=basis is Basis.STATED and ARTICLE_SOURCE in sources and via is None,
        via=via,
    )


def _counterpart(
    reader: Reader,
    other: str,
    *,
    until: str | None,
    strength: Strength,
    basis: Basis,
    function: str | None,
    evidence: str,
    sources: tuple[SourceRef, ...],
    article: bool = False,
    via: str | None = None,
) -> Counterpart:
    """``other`` as a counterpart: its own description read from the graph (name, ecosystem,
    status, whether it holds today given the pair's end date ``until``), the pair's from the caller."""
    return Counterpart(
        id=local_name(other),
        iri=other,
        label=reader.label(other),
        ecosystem=reader.ecosystem_label(other),
        strength=strength,
        basis=basis,
        function=function,
        current=holds_today(until, reader.state(other)),
        status=reader.status(other),
        evidence=evidence,
        sources=sources,
        neutral=reader.ecosystem_iri(other) is None,
        article=article,
        via=via,
    )


def _successors(reader: Reader, tool: str, found: Sequence[Counterpart]) -> list[Counterpart]:
    """What replaced each ended counterpart (followed up to a few steps), when not listed yet."""
    listed = {c.iri for c in found} | {tool}
    added: list[Counterpart] = []
    for start in found:
        if start.current:
            continue
        chain, node = start.label, start.iri
        for new in reader.successors(start.iri):
            renamed = new in reader.values(node, MLKG + "renamedTo")
            chain += f" {'was renamed' if renamed else 'was succeeded by'} {reader.label(new)}"
            node = new
            if new in listed:
                continue
            listed.add(new)
            added.append(
                _counterpart(
                    reader,
                    new,
                    until=None,
                    strength=start.strength,
                    basis=Basis.INFERRED,
                    function=start.function,
                    evidence=(
                        "Followed from a counterpart that no longer holds "
                        f"({start.basis}, {start.strength}): {chain}."
                    ),
                    sources=_succession_sources(reader, start.iri, new),
                    via=start.via,
                )
            )
    return added


def _succession_sources(reader: Reader, old: str, new: str) -> tuple[SourceRef, ...]:
    """Sources of the events that mention both ends of a succession, else the new tool's own."""
    events = {s for s, p, _ in reader.incoming(new) if p == MLKG + "about"}
    shared = [e for e in events if old in reader.values(e, MLKG + "about")]
    iris = [s for e in shared for s in reader.values(e, PROV + "wasDerivedFrom")]
    return reader.sources(iris or reader.values(new, PROV + "wasDerivedFrom"))


def _same_function(reader: Reader, iri: str, kin: set[str]) -> list[Counterpart]:
    """Tools of the other framework sharing a function with ``iri`` (no correspondence exists).

    Only across ecosystems: a tool of one framework gets the other framework's tools; a
    framework-neutral tool has no other side to cross to and gets none (it answers for both
    frameworks itself). Never ``kin`` (the tool itself, its successors and predecessors, what
    it merged into), never a neutral tool.
    """
    if reader.ecosystem_iri(iri) is None:
        return []
    rows = reader.kg.query(_SAME_FUNCTION, bindings={"tool": ox.NamedNode(iri)}).bindings()
    shared: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        other = row["other"].value
        eco = reader.ecosystem_iri(other)
        if (
            other not in kin
            and eco in ECOSYSTEMS.values()
            and _crosses(reader, iri, other)
            and other in reader.index.entities
        ):
            shared[other].add(row["f"].value)
    answer = []
    for other, functions in sorted(shared.items()):
        names = ", ".join(sorted(reader.label(f) for f in functions))
        answer.append(
            _counterpart(
                reader,
                other,
                until=None,
                strength=Strength.RELATED,
                basis=Basis.INFERRED,
                function=reader.label(sorted(functions)[0]),
                evidence=f"No source pairs them; both are recorded with the function: {names}.",
                sources=reader.sources(
                    reader.values(other, PROV + "wasDerivedFrom")
                    + reader.values(iri, PROV + "wasDerivedFrom")
                ),
            )
        )
    return answer


def _when(date: str | None) -> str:
    """' on 2024-09-04' for a day, ' in 2024-11' for a month or a year, '' for no date."""
    if not date:
        return ""
    return f" on {date}" if len(date) == 10 else f" in {date}"


def _names(items: Sequence[Counterpart]) -> str:
    return ", ".join(c.label + (" (framework-neutral)" if c.neutral else "") for c in items)


def _summary(
    reader: Reader, tool: ToolRef, found: Sequence[Counterpart], notes: Sequence[NoCounterpartNote] = ()
) -> str:
    """The answer in plain words: the tool's fate, what holds today, then what the article said."""
    parts: list[str] = []
    state = local_name(reader.first(tool.iri, MLKG + "status") or "")
    if tool.successor is not None:
        how = _HOW.get(state, "{tool} was succeeded by {new}{when}.")
        parts.append(how.format(tool=tool.label, new=tool.successor.label, when=_when(tool.successor.since)))
    elif reader.ended(tool.iri):
        parts.append(f"{tool.label} is {reader.status(tool.iri)}.")
    neutral = tool.ecosystem is None and tool.type != "Framework"
    if neutral:
        parts.append(f"{tool.label} belongs to neither framework; only pairs a source records are listed.")
    today = [c for c in found if c.current]
    own = [c for c in today if not c.neutral]
    ended = [c for c in found if not c.current and not c.neutral and not c.via]
    if own:
        parts.append(f"Today: {_names(today)}.")
    elif ended:
        first = ended[0]
        what = f"{first.ecosystem} counterpart" + (f" for {first.function.lower()}" if first.function else "")
        lost = f"No maintained {what} since {first.label} {_ended_phrase(reader, first.iri)}"
        parts.append(f"{lost}; people use {_names(today)} instead." if today else f"{lost}.")
    elif today:
        parts.append(f"Today: {_names(today)}.")
    elif not found and not neutral and not notes:
        parts.append(f"No counterpart of {tool.label} is recorded.")
    for note in notes:
        use = ", ".join(u.label for u in note.people_use)
        parts.append(f"No {note.ecosystem} counterpart" + (f"; people use {use}." if use else "."))
    for c in found:
        if c.article:
            if not c.current:
                held = f", {reader.fate(c.iri)}"
            elif reader.ended(tool.iri):
                held = f" until {tool.label} {_ended_phrase(reader, tool.iri)}"
            else:
                held = ", which still holds"
            parts.append(f"The 2022 article paired {tool.label} with {c.label}{held}.")
    return " ".join(parts)


def _ended_phrase(reader: Reader, iri: str) -> str:
    """'was archived on 2025-08-07', 'was renamed PlayTorch in 2022': how a tool ended."""
    state = reader.state(iri)
    date = reader.first(iri, MLKG + "statusSince")
    renamed = reader.values(iri, MLKG + "renamedTo")
    if renamed:
        return f"was renamed {reader.label(renamed[0])}{_when(date)}"
    return f"was {reader.label(state) if state else 'retired'}{_when(date)}"
