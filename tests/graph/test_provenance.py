"""Provenance per fact: every curated triple sits in the named graph of the source
document that states it, so "which source states this triple?" is one SPARQL query; and the
per-tool minimum is enforced by SHACL (a violating tool is refused, a conforming one passes)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mlkg.graph import KnowledgeGraph
from mlkg.graph._loading import INFERRED_GRAPH
from mlkg.graph._validation import validate_store
from mlkg.ontology import GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_PATH, local_name, sparql_prefixes

QUERY = Path(__file__).resolve().parents[2] / "graph" / "queries" / "which-source-states.rq"
#: Not curated by source document: the ontology, what it implies, and the Keras function layer
#: (which carries file-and-line provenance on each node instead).
NOT_CURATED = f"<{ONTOLOGY_GRAPH}>, <{INFERRED_GRAPH}>, <{GRAPH}keras-functions>"
ENT_MLKG = "https://w3id.org/mlkg/ontology#"


def test_no_curated_triple_without_a_graph_that_names_its_source(oxigraph_kg: KnowledgeGraph) -> None:
    unsourced = oxigraph_kg.query(
        f"""SELECT ?g (COUNT(*) AS ?n) (SAMPLE(?s) AS ?example) WHERE {{
              GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({NOT_CURATED}))
              FILTER NOT EXISTS {{ ?g a mlkg:SourceGraph ; mlkg:statedBy ?src ; mlkg:layer ?layer .
                                   ?src a mlkg:Source ; schema:url ?url }}
              # the descriptions of the sources and of the source graphs themselves
              FILTER NOT EXISTS {{ ?s a mlkg:Source }} FILTER NOT EXISTS {{ ?s a mlkg:SourceGraph }}
            }} GROUP BY ?g"""
    ).bindings()
    assert [(r["g"].value, r["n"].value, r["example"].value) for r in unsourced] == []
    # and there is something to check: the article, the later layer, the ecosystem layer
    graphs = oxigraph_kg.query("SELECT DISTINCT ?g WHERE { ?g a mlkg:SourceGraph }").values("g")
    assert len(graphs) > 200
    assert {GRAPH + "article-2022", GRAPH + "since-2022/source/TorchServeIssue3396"} <= set(graphs)


def test_every_source_graph_is_described_once_and_holds_triples(oxigraph_kg: KnowledgeGraph) -> None:
    bad = oxigraph_kg.query(
        """SELECT ?g WHERE { ?g a mlkg:SourceGraph .
             FILTER(NOT EXISTS { GRAPH ?g { ?s ?p ?o } }
                    || NOT EXISTS { ?g mlkg:statedBy ?src }
                    || EXISTS { ?g mlkg:layer ?a, ?b FILTER(?a != ?b) }) }"""
    ).values("g")
    assert bad == []


def test_no_triple_sits_in_two_source_graphs(oxigraph_kg: KnowledgeGraph) -> None:
    # Engines that merge graphs into the default one would count such a triple once, others twice.
    twice = oxigraph_kg.query(
        f"""SELECT ?s ?p ?o WHERE {{ GRAPH ?g1 {{ ?s ?p ?o }} GRAPH ?g2 {{ ?s ?p ?o }}
              FILTER(STR(?g1) < STR(?g2)) FILTER(?g1 NOT IN ({NOT_CURATED}) && ?g2 NOT IN ({NOT_CURATED})) }}
            LIMIT 5"""
    ).bindings()
    assert twice == []


def test_the_article_stays_apart_from_later_corrections(oxigraph_kg: KnowledgeGraph) -> None:
    layers = {
        (local_name(r["layer"].value), local_name(r["src"].value))
        for r in oxigraph_kg.query(
            "SELECT DISTINCT ?layer ?src WHERE { ?g mlkg:layer ?layer ; mlkg:statedBy ?src }"
        ).bindings()
    }
    assert ("ArticleLayer", "Article2022") in layers
    assert {src for layer, src in layers if layer == "ArticleLayer"} == {"Article2022"}
    assert "Article2022" not in {src for layer, src in layers if layer == "LaterLayer"}
    # the article's date and the correction, each with the document that states it
    dated = {
        (r["d"].value, local_name(r["src"].value), local_name(r["layer"].value))
        for r in oxigraph_kg.query(
            """SELECT ?d ?src ?layer WHERE { GRAPH ?g { ent:PyTorchLive schema:datePublished ?d }
                 ?g mlkg:statedBy ?src ; mlkg:layer ?layer }"""
        ).bindings()
    }
    assert dated == {
        ("2020-12", "Article2022", "ArticleLayer"),
        ("2021-12", "PyTorchWebsitePR888", "LaterLayer"),
    }


def test_a_node_with_several_sources_says_which_states_which_fact(kg: KnowledgeGraph) -> None:
    """The issue's example: TorchServe cites three later documents; each fact names its own."""
    answer = kg.query(QUERY.read_text(encoding="utf-8")).bindings()
    by_fact = {
        (local_name(r["property"].value), r["value"].value): local_name(r["source"].value) for r in answer
    }
    assert by_fact[("status", ENT_MLKG + "Archived")] == "TorchServeIssue3396"
    assert by_fact[("statusSince", "2025-08-07")] == "TorchServeIssue3396"
    assert by_fact[("datePublished", "2020-04-21")] == "TorchServeLaunchBlog"
    assert by_fact[("datePublished", "2020")] == "Article2022"
    assert by_fact[("codeRepository", "https://github.com/pytorch/serve")] == "TorchServeRepo"
    assert all(r["url"].value.startswith("https://") for r in answer)


# -- SHACL: the per-tool minimum ---------------------------------------------------------

PREFIXES = sparql_prefixes()  # Turtle takes SPARQL-style PREFIX lines too
CONTEXT = """
src:Doc a mlkg:Source ; dcterms:title "A release note" ; schema:url <https://example.org/notes/1> .
ent:TensorFlow a mlkg:Framework ; skos:prefLabel "TensorFlow" ; skos:definition "A framework." ;
    prov:wasDerivedFrom src:Doc .
ent:NewName a mlkg:DataLibrary ; skos:prefLabel "New name" ; skos:definition "The successor." ;
    mlkg:ecosystem ent:TensorFlow ; mlkg:function fn:DataLoading ; mlkg:status mlkg:Active ;
    prov:wasDerivedFrom src:Doc .
"""
TOOL = """ent:Loader a mlkg:DataLibrary ; skos:prefLabel "Loader" ; skos:definition "Loads data." ;
    mlkg:ecosystem ent:TensorFlow ; mlkg:function fn:DataLoading ;"""


def tool_violations(facts: str) -> set[str]:
    store = ox.Store()
    store.load(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    text = PREFIXES + CONTEXT + TOOL + facts
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:data"))
    return {
        v.message for v in validate_store(store, {"urn:data": "data.ttl"}) if v.focus_node.endswith("/Loader")
    }


def test_a_conforming_tool_passes() -> None:
    assert tool_violations(" mlkg:status mlkg:Active ; prov:wasDerivedFrom src:Doc .") == set()
    archived = (
        ' mlkg:status mlkg:Archived ; mlkg:statusSince "2024-05-01"^^xsd:date ; prov:wasDerivedFrom src:Doc .'
    )
    assert tool_violations(archived) == set()
    assert (
        tool_violations(
            " mlkg:status mlkg:Renamed ; mlkg:renamedTo ent:NewName ; prov:wasDerivedFrom src:Doc ."
        )
        == set()
    )


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (" prov:wasDerivedFrom src:Doc .", "needs an mlkg:status"),
        (" mlkg:status mlkg:Active .", "at least one prov:wasDerivedFrom"),
        (
            " mlkg:status mlkg:Archived ; prov:wasDerivedFrom src:Doc .",
            "archived tool needs its mlkg:statusSince",
        ),
        (" mlkg:status mlkg:Renamed ; prov:wasDerivedFrom src:Doc .", "needs its successor"),
        (" mlkg:status mlkg:Redirected ; prov:wasDerivedFrom src:Doc .", "needs its successor"),
    ],
    ids=[
        "no status",
        "no source",
        "archived without date",
        "renamed without successor",
        "redirected without",
    ],
)
def test_a_tool_below_the_minimum_is_refused(facts: str, message: str) -> None:
    found = tool_violations(facts)
    assert any(message in m for m in found), found


def test_the_shipped_tools_meet_the_minimum(oxigraph_kg: KnowledgeGraph) -> None:
    # the same rule as the shape, over the shipped data: every tool `mlkg stats` counts has a status
    missing = oxigraph_kg.query(
        """SELECT ?t WHERE { ?t a mlkg:Tool ; mlkg:ecosystem ?e . FILTER NOT EXISTS { ?t a mlkg:Framework }
             FILTER NOT EXISTS { ?t mlkg:status ?s } }"""
    ).values("t")
    assert missing == []
    assert oxigraph_kg.query("ASK { ent:KerasNLP mlkg:renamedTo ent:KerasHub }").boolean
