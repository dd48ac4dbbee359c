"""Every correspondence of the graph as an SSSOM mapping table (TSV with a YAML header).

SSSOM (Simple Standard for Sharing Ontological Mappings, https://w3id.org/sssom/) is what
ontology-mapping tools read. One row per correspondence node:

* ``predicate_id`` from the strength: exact -> ``skos:exactMatch``, close -> ``skos:closeMatch``,
  related -> ``skos:relatedMatch``;
* ``mapping_justification``: ``semapv:ManualMappingCuration`` when a source states the pair (a
  person read the source and recorded it); ``semapv:BackgroundKnowledgeBasedMatching`` for the
  pairs we inferred, since those are judgements drawn from background sources (manuals, repository
  READMEs) about what each tool is for, not lexical or logical matches;
* ``confidence``: 0.9 for stated pairs, 0.7 when every source behind them is marked weak, 0.6 for
  inferred ones; lowered by 0.1 for a correspondence that no longer holds today (an end date, or
  one of its tools has ended: the one definition of :mod:`._today`);
* ``source``: the source node(s) as CURIEs, ``|``-separated; ``mapping_date``: the latest date of
  those sources; ``comment``: the evidence, and the end date when there is one.

The subject is the TensorFlow-side tool where one side is TensorFlow, so rows read one way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlkg.ontology import ENT, MLKG, PROV, SKOS, SRC

from ._correspondence import Basis, Strength
from ._reader import ECOSYSTEMS, Reader
from ._today import holds_today

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = ["SSSOM_COLUMNS", "sssom_rows", "sssom_tsv"]

SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "source",
    "mapping_date",
    "comment",
)
MAPPING_SET_ID = "https://w3id.org/mlkg/mappings/counterparts.sssom.tsv"
_PREDICATES = {
    Strength.EXACT: "skos:exactMatch",
    Strength.CLOSE: "skos:closeMatch",
    Strength.RELATED: "skos:relatedMatch",
}
_CURIE_MAP = {
    "ent": ENT,
    "mlkg": MLKG,
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": SKOS,
    "src": SRC,
}
_NODES = "SELECT ?c WHERE { ?c a mlkg:Correspondence }"


def _curie(iri: str) -> str:
    for prefix, namespace in _CURIE_MAP.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(text: str) -> str:
    """TSV cells hold no tabs or line breaks."""
    return " ".join(text.split())


def sssom_rows(kg: KnowledgeGraph) -> list[dict[str, str]]:
    """One dict per correspondence, keyed by :data:`SSSOM_COLUMNS`, sorted by subject then object."""
    reader = Reader(kg)
    tensorflow = ECOSYSTEMS["tensorflow"]
    rows = []
    for node in sorted({r["c"].value for r in kg.query(_NODES).bindings()}):
        tools = reader.values(node, MLKG + "tool")
        if len(tools) != 2:
            continue
        subject, obj = sorted(tools, key=lambda t: (reader.ecosystem_iri(t) != tensorflow, t))
        stated = reader.basis(node) is Basis.STATED
        sources = reader.values(node, PROV + "wasDerivedFrom")
        weak = bool(sources) and all(reader.first(s, MLKG + "weakSource") in ("true", "1") for s in sources)
        until = reader.first(node, MLKG + "validUntil")
        statuses = [reader.state(t) for t in (subject, obj)]
        current = holds_today(until, *statuses)
        confidence = (0.7 if weak else 0.9) if stated else 0.6
        if not current:
            confidence -= 0.1
        dates = [d for d in (reader.source(s).date for s in sources) if d]
        comment = " ".join(reader.values(node, MLKG + "evidence"))
        if until:
            comment += f" No longer holds since {until}."
        elif not current:
            tool = next(t for t in (subject, obj) if reader.ended(t))
            comment += f" No longer holds: {reader.label(tool)} is {reader.status(tool)}."
        rows.append(
            {
                "subject_id": _curie(subject),
                "subject_label": reader.label(subject),
                "predicate_id": _PREDICATES[reader.strength(node)],
                "object_id": _curie(obj),
                "object_label": reader.label(obj),
                "mapping_justification": "semapv:ManualMappingCuration"
                if stated
                else "semapv:BackgroundKnowledgeBasedMatching",
                "confidence": f"{confidence:.1f}",
                "source": "|".join(_curie(s) for s in sources),
                "mapping_date": max(dates) if dates else "",
                "comment": comment,
            }
        )
    rows.sort(key=lambda r: (r["subject_id"], r["object_id"]))
    return rows


def sssom_tsv(kg: KnowledgeGraph, *, version: str = "0.1.0") -> str:
    """The SSSOM/TSV document: ``#``-prefixed YAML metadata, then the header row and the rows."""
    header = [
        "curie_map:",
        *(f"  {prefix}: {iri}" for prefix, iri in _CURIE_MAP.items()),
        f"mapping_set_id: {MAPPING_SET_ID}",
        f"mapping_set_version: {version}",
        "mapping_set_title: Counterpart tools of the TensorFlow and PyTorch ecosystems (mlkg)",
        "mapping_set_description: Each row is one mlkg:Correspondence between two tools;"
        " the comment holds the evidence.",
        "license: https://opensource.org/licenses/MIT",
        "mapping_provider: https://w3id.org/mlkg/",
        "subject_source: https://w3id.org/mlkg/entity/",
        "object_source: https://w3id.org/mlkg/entity/",
    ]
    lines = [f"# {line}" for line in header]
    lines.append("\t".join(SSSOM_COLUMNS))
    for row in sssom_rows(kg):
        lines.append("\t".join(_cell(row[c]) for c in SSSOM_COLUMNS))
    return "\n".join(lines) + "\n"
