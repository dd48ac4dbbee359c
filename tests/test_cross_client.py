"""What one client sends cannot fail, or reach past, what another asks.

- The "this request ended a worker, refuse it at once" memory is keyed on the whole request
  (text, format, dataset, base) and forgets after a while: the same text asked otherwise runs.
- FROM / FROM NAMED clauses are capped (a clear 400), and so are the Protocol's graph lists.
- On the remote engine (a real Oxigraph server), FROM / FROM NAMED written as prefixed names
  are confined to mlkg's graphs, as IRIs written in full are: another graph on the store is
  not read.
"""

from __future__ import annotations

import faulthandler
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import LiveServer, OxigraphServer
from mlkg.graph import GraphConfig, KnowledgeGraph, QueryAborted, QuerySyntaxError
from mlkg.graph._bounded import MAX_DATASET_GRAPHS, BoundedQueryRunner, WorkerLimits
from mlkg.ontology import GRAPH

JSON = "application/sparql-results+json"
CSV = "text/csv"
DOUBLING = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(34))
#: Doubles a string 34 times: ends its worker at the memory cap.
MEMORY_BOMB = f'SELECT (STRLEN(?a34) AS ?n) WHERE {{ BIND("aaaaaaaaaa" AS ?a0) {DOUBLING} }}'
REFUSE_FOR = 30.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def quiet_aborts() -> Iterator[None]:
    """No fault-handler dump from the workers the bomb ends (they inherit pytest's handler)."""
    enabled = faulthandler.is_enabled()
    faulthandler.disable()
    yield
    if enabled:
        faulthandler.enable()


@pytest.mark.usefixtures("quiet_aborts")
def test_a_failed_request_is_refused_only_as_itself_and_not_for_long(oxigraph_kg: KnowledgeGraph) -> None:
    clock = Clock()
    with BoundedQueryRunner(
        oxigraph_kg,
        workers=1,
        timeout=30,
        limits=WorkerLimits(memory_bytes=256 << 20),
        refuse_failed_for=REFUSE_FOR,
        clock=clock,
    ) as runner:

        def ran(media_type: str, **arguments: Any) -> bool:
            """Whether asking for the bomb used a worker (which it ended) or was refused at once."""
            before = set(runner.pids())
            with pytest.raises(QueryAborted, match="256 MB per-query memory limit"):
                runner.run(MEMORY_BOMB, media_type, **arguments)
            return set(runner.pids()) != before

        assert ran(JSON)  # it ended its worker ...
        assert not ran(JSON)  # ... so exactly that request is refused at once
        assert ran(CSV)  # the same text in another format is another request
        assert ran(JSON, default_graphs=[GRAPH + "ontology"])  # ... or over another dataset
        assert ran(JSON, base_iri="http://127.0.0.1/sparql")  # ... or with another base
        clock.now += REFUSE_FOR - 1
        assert not ran(JSON)
        clock.now += 2  # past the refusal's time: the request is run again
        assert ran(JSON)
        assert runner.run("ASK { ?s ?p ?o }", CSV).body == b"true\r\n"  # the pool is whole


def test_too_many_dataset_clauses_or_graphs_is_a_clear_400(live_server: LiveServer) -> None:
    froms = " ".join(f"FROM <{GRAPH}g{i}>" for i in range(MAX_DATASET_GRAPHS + 1))
    response = httpx.post(
        live_server.url + "/sparql",
        data={"query": f"SELECT * {froms} WHERE {{ ?s ?p ?o }} LIMIT 1"},
        headers={"Accept": JSON},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert "more than 100 FROM / FROM NAMED clauses" in response.text
    params = [("query", "ASK { ?s ?p ?o }")] + [
        ("named-graph-uri", f"{GRAPH}g{i}") for i in range(MAX_DATASET_GRAPHS + 1)
    ]
    graphs = httpx.post(live_server.url + "/sparql", data=dict(params[:1]), params=params[1:], timeout=30)
    assert graphs.status_code == 400 and "name 101 graphs; at most 100" in graphs.text, graphs.text
    at_cap = " ".join(f"FROM <{GRAPH}ontology>" for _ in range(MAX_DATASET_GRAPHS))
    fine = httpx.get(
        live_server.url + "/sparql",
        params={"query": f"ASK {at_cap} {{ ?s ?p ?o }}"},
        headers={"Accept": JSON},
        timeout=30,
    )
    assert fine.status_code == 200 and fine.json()["boolean"] is True, fine.text


@pytest.fixture(scope="module")
def remote_with_another_graph(oxigraph_server: OxigraphServer) -> Iterator[KnowledgeGraph]:
    """mlkg's graphs on a real Oxigraph server, beside a graph that is not mlkg's."""
    oxigraph_server.put("http://other.example/secret", '<urn:s> <urn:p> "secret" .')
    kg = KnowledgeGraph.open(
        GraphConfig(engine="remote", endpoint=oxigraph_server.query_url, load_remote=True)
    )
    yield kg
    kg.close()


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX g: <http://other.example/> SELECT ?o FROM g:secret WHERE { ?s ?p ?o }",
        "PREFIX g: <http://other.example/> SELECT ?o FROM NAMED g:secret WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX g: <http://other.example/> SELECT ?o FROM g:secret FROM NAMED g:secret "
        "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        "PREFIX : <http://other.example/> SELECT ?o FROM :secret WHERE { ?s ?p ?o }",
        "SELECT ?o FROM <http://other.example/secret> WHERE { ?s ?p ?o }",
    ],
    ids=["from-prefixed", "from-named-prefixed", "both-prefixed", "empty-prefix", "iri"],
)
def test_prefixed_from_on_the_remote_engine_reads_only_mlkg_graphs(
    oxigraph_server: OxigraphServer, remote_with_another_graph: KnowledgeGraph, query: str
) -> None:
    kg = remote_with_another_graph
    direct = httpx.get(oxigraph_server.query_url, params={"query": query}, headers={"Accept": CSV})
    assert "secret" in direct.text  # the store itself would answer from the other graph
    assert kg.query(query).rows == []  # the engine, as the CLI and REST routes call it
    with BoundedQueryRunner(kg) as runner:  # the /sparql path
        assert runner.run(query, CSV).body == b"o\r\n"


def test_prefixed_from_still_picks_mlkg_graphs_and_an_undeclared_prefix_is_refused(
    remote_with_another_graph: KnowledgeGraph, oxigraph_kg: KnowledgeGraph
) -> None:
    kg = remote_with_another_graph
    count = kg.query(f"PREFIX gr: <{GRAPH}> SELECT (COUNT(*) AS ?n) FROM gr:ontology WHERE {{ ?s ?p ?o }}")
    assert int(count.rows[0][0].value) == oxigraph_kg.graph_counts()[GRAPH + "ontology"]  # type: ignore[union-attr]
    with pytest.raises(QuerySyntaxError, match="FROM nope:x: its prefix is not declared"):
        kg.query("SELECT * FROM nope:x WHERE { ?s ?p ?o }")
