"""Function-level answers: the counterparts of ``tf.nn.gelu`` in PyTorch and JAX, and back.

The functions and their correspondences come from the derived layer
``graph/data/keras-functions.ttl`` (written by :mod:`._keras_ops`). They are read once per graph
into a :class:`FunctionIndex` (two SELECT queries), so a lookup afterwards is dictionary work.
Answers use the same dataclasses as tool-level counterparts (:class:`CounterpartAnswer`), so the
CLI, the API and the pages show them without a second format: the strength, the Keras op as
the shared ``function``, a paraphrased ``evidence`` and, as ``sources``, the Keras file and line
of each side linked to the tagged source. No HTTP here.

>>> from mlkg.graph import KnowledgeGraph, resolve
>>> kg = KnowledgeGraph.open()
>>> answer = function_counterparts(kg, resolve(kg, "tf.nn.gelu").entity, to="pytorch")
>>> [(c.label, c.strength) for c in answer.counterparts]
[('torch.nn.functional.gelu', <Strength.CLOSE: 'close'>)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mlkg.ontology import local_name

from ._correspondence import Basis, Strength
from ._counterparts import Counterpart, CounterpartAnswer, ToolRef
from ._memo import remember
from ._reader import ECOSYSTEMS, SourceRef

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph
    from ._resolve import EntityRef

__all__ = [
    "FUNCTION_ECOSYSTEMS",
    "FUNCTION_TYPE",
    "FunctionIndex",
    "FunctionInfo",
    "FunctionLink",
    "function_counterparts",
    "function_index",
    "is_function",
    "module_key",
]

#: The asserted class (local name) of framework functions, as :class:`EntityRef.type` gives it.
FUNCTION_TYPE = "FrameworkFunction"
#: ``to=`` names of the ecosystems function counterparts move between.
FUNCTION_ECOSYSTEMS: dict[str, str] = ECOSYSTEMS
#: Spellings of a module that people use, folded onto the one the data uses (longest first).
_MODULE_SPELLINGS = (
    ("torch.nn.functional", "torch.nn.functional"),
    ("nn.functional", "torch.nn.functional"),
    ("jax.numpy", "jnp"),
    ("tensorflow", "tf"),
    ("pytorch", "torch"),
    ("lax", "jax.lax"),
    ("F", "torch.nn.functional"),
)

_FUNCTIONS = """SELECT ?f ?label ?module ?eco ?ecolabel WHERE {
  ?f a mlkg:FrameworkFunction ; skos:prefLabel ?label ; mlkg:apiModule ?module ; mlkg:ecosystem ?eco .
  ?eco skos:prefLabel ?ecolabel }"""
_LINKS = """SELECT ?c ?op ?strength ?evidence ?f ?impl ?file ?line ?url ?implabel ?src WHERE {
  ?c a mlkg:FunctionCorrespondence ; mlkg:kerasOp ?op ; mlkg:strength ?strength ;
     mlkg:evidence ?evidence ; mlkg:implementation ?impl ; mlkg:correspondingFunction ?f ;
     prov:wasDerivedFrom ?src .
  ?impl mlkg:implementedWith ?f ; mlkg:sourceFile ?file ; mlkg:sourceLine ?line ; schema:url ?url ;
     rdfs:label ?implabel }"""


@dataclass(frozen=True)
class FunctionInfo:
    """One framework function."""

    iri: str
    id: str
    label: str
    module: str
    ecosystem_iri: str
    ecosystem: str


@dataclass(frozen=True)
class FunctionLink:
    """One function correspondence, seen from both ends."""

    iri: str
    op: str
    strength: Strength
    evidence: str
    functions: tuple[str, str]
    sources: dict[str, SourceRef]
    """Function IRI -> its side's Keras file and line (linked to the tagged source)."""


@dataclass(frozen=True)
class FunctionIndex:
    """Every function and correspondence of the derived layer, by IRI and by module."""

    functions: dict[str, FunctionInfo]
    links: dict[str, tuple[FunctionLink, ...]]
    """Function IRI -> the correspondences it takes part in."""
    modules: dict[str, tuple[str, ...]]
    """Module (as labels write it: ``tf.nn``) -> IRIs of its functions, sorted by label."""


def function_index(kg: KnowledgeGraph) -> FunctionIndex:
    """The functions of ``kg``, read once per graph."""
    return remember(kg, ("function-index",), lambda: _build(kg))


def _build(kg: KnowledgeGraph, about: str | None = None) -> FunctionIndex:
    """The whole index, or (``about``: a function IRI) only that function's correspondences and
    the functions they name: two small queries, for a single answer from a cold start."""
    links_query, functions_query = _LINKS, _FUNCTIONS
    if about is not None:
        links_query = _LINKS.replace("WHERE {", f"WHERE {{ ?c mlkg:correspondingFunction <{about}> .", 1)
    rows: dict[str, dict[str, object]] = {}
    sides: dict[str, dict[str, SourceRef]] = defaultdict(dict)
    for row in kg.query(links_query).bindings():
        node = row["c"].value
        rows.setdefault(
            node,
            {
                "op": row["op"].value,
                "strength": Strength.of(row["strength"].value),
                "evidence": row["evidence"].value,
            },
        )
        sides[node][row["f"].value] = SourceRef(
            iri=row["impl"].value,
            title=f"{row['implabel'].value}, {row['file'].value} line {row['line'].value}",
            url=row["url"].value,
            date=None,
        )
    if about is not None:
        named = sorted({about} | {f for ends in sides.values() for f in ends})
        values = " ".join(f"<{iri}>" for iri in named)
        functions_query = _FUNCTIONS.replace("WHERE {", f"WHERE {{ VALUES ?f {{ {values} }}", 1)
    functions: dict[str, FunctionInfo] = {}
    for row in kg.query(functions_query).bindings():
        iri = row["f"].value
        if iri not in functions:
            functions[iri] = FunctionInfo(
                iri,
                local_name(iri),
                row["label"].value,
                row["module"].value,
                row["eco"].value,
                row["ecolabel"].value,
            )
    links: dict[str, list[FunctionLink]] = defaultdict(list)
    for node, info in sorted(rows.items()):
        ends = tuple(sorted(sides[node]))
        if len(ends) != 2 or any(e not in functions for e in ends):
            continue
        link = FunctionLink(
            node,
            str(info["op"]),
            Strength(str(info["strength"])),
            str(info["evidence"]),
            (ends[0], ends[1]),
            sides[node],
        )
        for end in ends:
            links[end].append(link)
    modules: dict[str, list[str]] = defaultdict(list)
    for function in sorted(functions.values(), key=lambda f: (f.label, f.iri)):
        modules[function.module].append(function.iri)
    return FunctionIndex(
        functions,
        {iri: tuple(found) for iri, found in links.items()},
        {module: tuple(iris) for module, iris in sorted(modules.items())},
    )


def is_function(entity: EntityRef) -> bool:
    """Whether ``entity`` is a framework function (answered by this module, not by tools)."""
    return entity.type == FUNCTION_TYPE


def module_key(text: str) -> str:
    """A module as people write it, in the spelling the data uses.

    >>> module_key("tensorflow.nn"), module_key("jax.numpy"), module_key("F"), module_key("nn.functional")
    ('tf.nn', 'jnp', 'torch.nn.functional', 'torch.nn.functional')
    """
    text = text.strip().rstrip(".")
    for spelled, canonical in _MODULE_SPELLINGS:
        if text == spelled or text.startswith(spelled + "."):
            return canonical + text[len(spelled) :]
    return text


def function_counterparts(
    kg: KnowledgeGraph, entity: EntityRef, *, query: str | None = None, to: str | None = None
) -> CounterpartAnswer:
    """The functions of the other frameworks (``to``: tensorflow, pytorch, jax) that implement
    the same Keras ops as ``entity``: strongest first, then by framework and label. One entry
    per function; when several ops pair the same two functions the strongest speaks for them and
    the evidence names every op."""
    answer = remember(kg, ("function-counterparts", entity, to), lambda: _answer(kg, entity, to))
    return answer if query is None else replace(answer, query=query)


def _answer(kg: KnowledgeGraph, entity: EntityRef, to: str | None) -> CounterpartAnswer:
    # Only this function's correspondences are read (the answer itself is remembered per graph).
    index = _build(kg, entity.iri)
    info = index.functions.get(entity.iri)
    tool = ToolRef(
        id=entity.id,
        iri=entity.iri,
        label=entity.label,
        type=entity.type,
        ecosystem=info.ecosystem if info else entity.ecosystem,
        status="active",
    )
    target = FUNCTION_ECOSYSTEMS.get(to.lower()) if to else None
    by_other: dict[str, list[FunctionLink]] = defaultdict(list)
    for link in index.links.get(entity.iri, ()):
        other = link.functions[1] if link.functions[0] == entity.iri else link.functions[0]
        if target is None or index.functions[other].ecosystem_iri == target:
            by_other[other].append(link)
    found: list[tuple[tuple[int, int, int, str], Counterpart]] = []
    order = list(FUNCTION_ECOSYSTEMS.values())
    for other, links in by_other.items():
        links.sort(key=lambda k: (k.strength.rank, k.op, k.iri))
        best = links[0]
        theirs = index.functions[other]
        ops = ", ".join(dict.fromkeys(k.op for k in links))
        sources = {s.iri: s for k in links[:3] for s in (k.sources[entity.iri], k.sources[other])}
        # strongest first, then the pair more Keras ops implement, then TensorFlow, PyTorch, JAX;
        # the IRI only makes the order total (never the label's spelling)
        eco = theirs.ecosystem_iri
        rank = (best.strength.rank, -len(links), order.index(eco) if eco in order else len(order), theirs.iri)
        found.append(
            (
                rank,
                Counterpart(
                    id=theirs.id,
                    iri=theirs.iri,
                    label=theirs.label,
                    ecosystem=theirs.ecosystem,
                    strength=best.strength,
                    basis=Basis.INFERRED,
                    function=f"Keras op {best.op}",
                    current=True,
                    status="active",
                    evidence=best.evidence
                    + (f" The same pair implements the Keras ops {ops}." if len(links) > 1 else ""),
                    sources=tuple(sources.values()),
                ),
            )
        )
    ranked = [c for _, c in sorted(found, key=lambda pair: pair[0])]
    return CounterpartAnswer(
        query=entity.label, tool=tool, counterparts=tuple(ranked), summary=_summary(entity.label, ranked)
    )


def _summary(label: str, found: list[Counterpart]) -> str:
    """One sentence: the best counterpart in each other framework, and where that comes from.

    >>> _summary("tf.abs", [])
    'No counterpart of tf.abs is recorded: no Keras 3 op implements it with one call on another backend.'
    """
    if not found:
        return (
            f"No counterpart of {label} is recorded: no Keras 3 op implements it with one call "
            "on another backend."
        )
    best: dict[str, Counterpart] = {}
    for c in found:  # already strongest first
        best.setdefault(c.ecosystem or "", c)
    parts = [f"in {eco}: {c.label} ({c.strength})" for eco, c in best.items()]
    return f"{label} {'; '.join(parts)}. From Keras 3's backends, which implement the same op with each."
