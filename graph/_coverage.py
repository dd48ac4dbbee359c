"""How completely the graph answers the counterpart question: per ecosystem, how many tools
have a counterpart in each other ecosystem, how many an explicit, sourced "none", and how many
neither (the goal is zero). ``mlkg stats`` prints it; the tests hold it at zero.

A tool is an asserted ``mlkg:Tool`` (any sub-class, framework modules included) with an
``mlkg:ecosystem``. It has a counterpart in another ecosystem when a correspondence links it to
a tool of that ecosystem; it has a "none" there when an ``mlkg:NoCounterpart`` says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlkg.ontology import local_name

from ._memo import remember
from ._reader import ECOSYSTEMS

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["Coverage", "EcosystemCoverage", "coverage"]

_TOOLS = """SELECT DISTINCT ?tool ?eco WHERE {
  ?tool a mlkg:Tool ; mlkg:ecosystem ?eco . FILTER NOT EXISTS { ?tool a mlkg:Framework } }"""
_PAIRS = """SELECT DISTINCT ?tool ?eco WHERE {
  ?c a mlkg:Correspondence ; mlkg:tool ?tool, ?other . FILTER(?tool != ?other) ?other mlkg:ecosystem ?eco }"""
_NONES = """SELECT DISTINCT ?tool ?eco WHERE {
  ?n a mlkg:NoCounterpart ; mlkg:forTool ?tool ; mlkg:inEcosystem ?eco }"""
_STATUS = """SELECT DISTINCT ?tool WHERE { ?tool a mlkg:Tool ; mlkg:status ?s }"""


@dataclass(frozen=True)
class EcosystemCoverage:
    """One ecosystem's tools against one other ecosystem."""

    ecosystem: str
    """The tools' ecosystem, by ``to=`` name ("tensorflow")."""
    other: str
    tools: int
    counterpart: int
    """Tools with at least one counterpart in ``other``."""
    none: int
    """Tools with no counterpart there but an explicit, sourced "none"."""
    neither: tuple[str, ...]
    """Ids of the tools with neither: what still needs an answer."""


@dataclass(frozen=True)
class Coverage:
    """Counterpart coverage over every ordered pair of ecosystems."""

    tools: dict[str, int]
    """Tools per ecosystem (``to=`` name -> count)."""
    without_status: tuple[str, ...]
    """Ids of tools (of an ecosystem) with no recorded status."""
    pairs: tuple[EcosystemCoverage, ...]

    @property
    def neither(self) -> int:
        return sum(len(p.neither) for p in self.pairs)


def coverage(kg: KnowledgeGraph) -> Coverage:
    """The coverage of ``kg`` (memoised with the graph)."""
    return remember(kg, ("coverage",), lambda: _coverage(kg))


def _coverage(kg: KnowledgeGraph) -> Coverage:
    names = {iri: name for name, iri in ECOSYSTEMS.items()}
    members: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_TOOLS).bindings():
        eco = names.get(row["eco"].value)
        if eco:
            members[eco].add(row["tool"].value)
    reached: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_PAIRS).bindings():
        reached[row["tool"].value].add(row["eco"].value)
    declined: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_NONES).bindings():
        declined[row["tool"].value].add(row["eco"].value)
    with_status = {row["tool"].value for row in kg.query(_STATUS).bindings()}
    pairs = []
    for eco in ECOSYSTEMS:
        for other, other_iri in ECOSYSTEMS.items():
            if other == eco:
                continue
            tools = members[eco]
            has = {t for t in tools if other_iri in reached[t]}
            none = {t for t in tools - has if other_iri in declined[t]}
            rest = tools - has - none
            pairs.append(
                EcosystemCoverage(
                    eco, other, len(tools), len(has), len(none), tuple(sorted(map(local_name, rest)))
                )
            )
    every = set().union(*members.values()) if members else set()
    return Coverage(
        tools={eco: len(members[eco]) for eco in ECOSYSTEMS},
        without_status=tuple(sorted(local_name(t) for t in every - with_status)),
        pairs=tuple(pairs),
    )
