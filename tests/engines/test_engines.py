"""The KnowledgeGraph core behaves the same on every engine."""

from __future__ import annotations

import pytest

from mlkg.graph import KnowledgeGraph, QueryRefused, QuerySyntaxError, QueryTooLarge, serialize_result
from mlkg.graph._loading import INFERRED_GRAPH
from mlkg.ontology import GRAPH, ONTOLOGY_GRAPH

ARTICLE_GRAPH = GRAPH + "article-2022"


def test_every_source_is_its_own_named_graph(kg: KnowledgeGraph) -> None:
    graphs = kg.graph_counts()
    for name in (ONTOLOGY_GRAPH, ARTICLE_GRAPH, GRAPH + "since-2022", INFERRED_GRAPH):
        assert graphs.get(name, 0) > 0, f"{name} missing or empty"


def test_default_graph_is_the_union_and_graph_picks_one_source(kg: KnowledgeGraph) -> None:
    total = kg.triple_count()
    per_graph = kg.graph_counts()
    assert max(per_graph.values()) < total <= sum(per_graph.values())
    direct = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ARTICLE_GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(direct.rows[0][0].value) == per_graph[ARTICLE_GRAPH]  # type: ignore[union-attr]


def test_the_same_count_on_every_engine(kg: KnowledgeGraph, oxigraph_kg: KnowledgeGraph) -> None:
    assert kg.triple_count() == oxigraph_kg.triple_count()
    assert kg.graph_counts() == oxigraph_kg.graph_counts()


def test_bindings_are_terms_not_text(kg: KnowledgeGraph) -> None:
    hostile = 'TorchServe" } ; DROP ALL ; #'
    answer = kg.query("SELECT ?e ?label WHERE { ?e skos:prefLabel ?label }", bindings={"label": hostile})
    assert answer.rows == []
    found = kg.query("SELECT ?e ?label WHERE { ?e skos:prefLabel ?label }", bindings={"label": "TorchServe"})
    assert [r["e"].value for r in found.bindings()] == ["https://w3id.org/mlkg/entity/TorchServe"]


def test_counterpart_links_are_materialised_both_ways(kg: KnowledgeGraph) -> None:
    assert kg.query("ASK { ent:TorchServe mlkg:counterpartOf ent:TensorFlowServing }").boolean
    assert kg.query("ASK { ent:TensorFlowServing mlkg:counterpartOf ent:TorchServe }").boolean


def test_subclass_types_are_materialised(kg: KnowledgeGraph) -> None:
    assert kg.query("ASK { ent:TorchServe a mlkg:Tool }").boolean


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "DROP GRAPH <https://w3id.org/mlkg/graph/article-2022>",
    ],
)
def test_updates_are_refused_and_change_nothing(kg: KnowledgeGraph, update: str) -> None:
    before = kg.triple_count()
    with pytest.raises(QueryRefused, match="read-only"):
        kg.query(update)
    assert kg.triple_count() == before


def test_service_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryRefused, match="outbound"):
        kg.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_syntax_errors_say_where(kg: KnowledgeGraph) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        kg.query("SELECT * WHERE { ?s ?p }")
    assert "syntax error" in str(info.value).lower()
    if kg.config.engine != "remote":
        assert info.value.line == 1


def test_row_limit_is_reported(kg: KnowledgeGraph) -> None:
    answer = kg.query("SELECT ?s WHERE { ?s ?p ?o }", row_limit=5)
    assert len(answer.rows) == 5 and answer.truncated
    small = kg.query("SELECT ?s WHERE { ?s a mlkg:Framework }", row_limit=1000)
    assert not small.truncated


def test_construct_and_describe_serialise(kg: KnowledgeGraph) -> None:
    answer = kg.query("CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }")
    assert answer.kind == "graph" and len(answer.triples) > 20
    turtle = serialize_result(answer, "text/turtle").decode()
    assert "TorchServe" in turtle
    described = kg.query("DESCRIBE ent:TorchServe")
    assert any(t.subject.value.endswith("/TorchServe") for t in described.triples)


def test_ask_and_select_serialise_in_every_results_format(kg: KnowledgeGraph) -> None:
    select = kg.query("SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }")
    assert b'"PyTorch"' in serialize_result(select, "application/sparql-results+json")
    assert b"<literal>PyTorch</literal>" in serialize_result(select, "application/sparql-results+xml")
    assert serialize_result(select, "text/csv") == b"l\r\nPyTorch\r\n"
    assert serialize_result(select, "text/tab-separated-values") == b'?l\n"PyTorch"\n'
    ask = kg.query("ASK { ent:PyTorch a mlkg:Framework }")
    assert b'"boolean": true' in serialize_result(ask, "application/sparql-results+json")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 20_000 + " ?s ?p ?o " + "}" * 20_000,
        "SELECT * WHERE { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }",
    ],
    ids=["groups", "parentheses"],
)
def test_deep_nesting_is_refused_not_a_crash(kg: KnowledgeGraph, query: str) -> None:
    with pytest.raises(QueryTooLarge, match="limit is 256"):
        kg.query(query)
    # a reasonable depth still runs
    assert kg.query("ASK " + "{" * 30 + " ?s ?p ?o " + "}" * 30).boolean


def test_from_picks_the_dataset_on_every_engine(kg: KnowledgeGraph) -> None:
    article_only = kg.query(f"SELECT (COUNT(*) AS ?n) FROM <{ARTICLE_GRAPH}> WHERE {{ ?s ?p ?o }}").rows[0][0]
    assert int(article_only.value) == kg.graph_counts()[ARTICLE_GRAPH]  # type: ignore[union-attr]
    named = kg.query(f"SELECT DISTINCT ?g FROM NAMED <{ARTICLE_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert named.values("g") == [ARTICLE_GRAPH]
