"""The query mix every engine and server is driven with.

Six queries, one per kind of work a user of the service does: the counterpart lookup (the
project's own named query, graph/queries/counterparts-of-a-tool.rq), a label search, a 2-hop
join, an aggregate, a CONSTRUCT and a DESCRIBE. Each is full SPARQL text with its own PREFIX
lines, so any SPARQL 1.1 endpoint (rdflib-endpoint, the Oxigraph server) runs it unchanged.

The entities they start from are parameters: the shipped data has TensorFlow Lite and PyTorch;
a synthetic graph (bench/generate.py) has its own frameworks and tools of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "graph" / "queries"
COUNTERPART_FILE = QUERY_DIR / "counterparts-of-a-tool.rq"

PREFIXES = """PREFIX mlkg: <https://w3id.org/mlkg/ontology#>
PREFIX ent: <https://w3id.org/mlkg/entity/>
PREFIX fn: <https://w3id.org/mlkg/function/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

#: Query names in the order they are reported.
NAMES = ("counterpart", "label_search", "two_hop", "aggregate", "construct", "describe")


@dataclass(frozen=True)
class Targets:
    """The entities the mix starts from (full IRIs) and the label search text."""

    tool: str
    framework: str
    describe: str
    search: str


#: The shipped data: what /sparql serves by default.
SHIPPED = Targets(
    tool="https://w3id.org/mlkg/entity/TensorFlowLite",
    framework="https://w3id.org/mlkg/entity/PyTorch",
    describe="https://w3id.org/mlkg/entity/TorchServe",
    search="serv",
)


def counterpart_query(tool_iri: str | None = None) -> str:
    """The project's counterpart lookup (the .rq file, which takes ?tool as a binding).

    With ``tool_iri`` a ``VALUES ?tool { <iri> }`` line is put at the top of the WHERE
    clause, the portable way to bind it for an endpoint that takes no bindings.
    """
    text = COUNTERPART_FILE.read_text(encoding="utf-8")
    if tool_iri is None:
        return text
    head, brace, tail = text.partition("WHERE {")
    if not brace or "?tool" not in tail:
        raise RuntimeError(f"{COUNTERPART_FILE} no longer has a WHERE clause on ?tool")
    return f"{head}WHERE {{\n  VALUES ?tool {{ <{tool_iri}> }}{tail}"


def query_mix(targets: Targets) -> dict[str, str]:
    """Name -> SPARQL text of the six queries, aimed at ``targets``."""
    search = targets.search.replace("\\", "").replace('"', "")
    return {
        "counterpart": counterpart_query(targets.tool),
        "label_search": PREFIXES
        + f"""SELECT ?entity ?label WHERE {{
  ?entity skos:prefLabel|skos:altLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "{search}"))
}} LIMIT 20""",
        "two_hop": PREFIXES
        + f"""SELECT ?tool ?counterpart ?otherFramework WHERE {{
  ?tool mlkg:ecosystem <{targets.framework}> ; mlkg:counterpartOf ?counterpart .
  ?counterpart mlkg:ecosystem ?otherFramework .
}}""",
        "aggregate": PREFIXES
        + """SELECT ?function (COUNT(DISTINCT ?tool) AS ?tools) WHERE {
  ?tool mlkg:function ?function .
} GROUP BY ?function ORDER BY DESC(?tools) ?function""",
        "construct": PREFIXES
        + f"""CONSTRUCT {{ ?tool mlkg:counterpartOf ?other ; skos:prefLabel ?label . }} WHERE {{
  ?tool mlkg:ecosystem <{targets.framework}> ; mlkg:counterpartOf ?other ; skos:prefLabel ?label .
}}""",
        "describe": f"DESCRIBE <{targets.describe}>",
    }


def synthetic_targets(frameworks: int) -> Targets:
    """Targets in the middle of a synthetic graph with ``frameworks`` ecosystems."""
    from generate import ENT, framework_name, tool_id

    middle = max(1, frameworks // 2)
    return Targets(
        tool=ENT + tool_id(middle, 1, 0),
        framework=ENT + framework_name(middle),
        describe=ENT + tool_id(middle, 0, 0),
        search="serve",
    )
